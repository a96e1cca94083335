/*
 * commands/export.c - time entries as CSV, JSON and iCalendar files.
 * See export.h; the JSON writer is commands/export_json.c, the iCalendar
 * one commands/export_ical.c. Depends on lib/ (text, tz, utf8); nothing
 * of XMPP or SQL.
 *
 * Every entry is first built whole in the writer's row buffer and copied
 * to the caller's buffer only if it fits, with room kept for the file's
 * closing part. So when out fills, the file stops at an entry boundary and
 * is still closed: a valid CSV, JSON or iCalendar file that holds fewer
 * entries. export_end then returns -1 and out->truncated is set; nothing
 * after the first entry that did not fit is written, so what is there is
 * always the first n entries.
 *
 * Text is written as UTF-8; a byte that is not part of a valid UTF-8
 * sequence is written as U+FFFD (JSON must be valid Unicode, RFC 8259
 * 8.1, and RFC 5545 folding needs whole characters). Valid text is kept byte for
 * byte, except where a format cannot hold it (iCalendar, see ical_text).
 */
#include "export_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "format.h"
#include "../lib/tz.h"
#include "../lib/utf8.h"

int
export_format_parse(const char *word, enum export_format *out)
{
	if (word == NULL)
		return -1;
	if (strcasecmp(word, "csv") == 0)
		*out = EXPORT_CSV;
	else if (strcasecmp(word, "json") == 0)
		*out = EXPORT_JSON;
	else if (strcasecmp(word, "ical") == 0 || strcasecmp(word, "ics") == 0)
		*out = EXPORT_ICAL;
	else
		return -1;
	return 0;
}

const char *
export_mime(enum export_format f)
{
	switch (f) {
	case EXPORT_CSV:
		return "text/csv";
	case EXPORT_JSON:
		return "application/json";
	case EXPORT_ICAL:
		return "text/calendar";
	}
	return "application/octet-stream";
}

const char *
export_ext(enum export_format f)
{
	switch (f) {
	case EXPORT_CSV:
		return "csv";
	case EXPORT_JSON:
		return "json";
	case EXPORT_ICAL:
		return "ics";
	}
	return "bin";
}

/* ---- Values every format shares ---- */

/* Seconds from a to b, 0 when b is before a, without overflowing. */
static int64_t
span(int64_t a, int64_t b)
{
	if (b <= a)
		return 0;
	if (a < 0 && b > INT64_MAX + a)
		return INT64_MAX;
	return b - a;
}

/* The seconds of the entry's breaks, an open one up to now. */
int64_t
export_break_seconds(const struct export_writer *w, const struct store_entry *e)
{
	return store_break_secs(e, INT64_MIN, INT64_MAX, w->now);
}

int64_t
export_rounded_seconds(const struct export_writer *w,
                       const struct store_entry *e)
{
	/* Unrounded, the export's own sum, which no entry can overflow. */
	if (!rounding_on(&w->rounding))
		return export_entry_seconds(w, e);
	return rounding_entry(&w->rounding, e, w->zone, w->now);
}

/* The entry's worked seconds: from its start to its stop, or now while
 * it runs, less its breaks. */
int64_t
export_entry_seconds(const struct export_writer *w, const struct store_entry *e)
{
	int64_t secs = span(e->start, e->stop != 0 ? e->stop : w->now);
	int64_t breaks = export_break_seconds(w, e);

	return secs > breaks ? secs - breaks : 0;
}

void
export_put_int(struct text *t, int64_t v)
{
	char buf[24], *p = buf + sizeof(buf);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	text_append(t, p, (size_t)(buf + sizeof(buf) - p));
}

/* Writes v (0 to 99) as two digits at p; returns p + 2. */
static char *
two_digits(char *p, long v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

/* Appends seconds as hours with two decimals, "1.50" (never negative:
 * secs is a worked time). */
static void
put_hours(struct text *t, int64_t secs)
{
	int64_t c = fmt_centihours(secs);
	char frac[3] = { '.', 0, 0 };

	export_put_int(t, c / 100);
	two_digits(frac + 1, (long)(c % 100));
	text_append(t, frac, sizeof(frac));
}

/*
 * t as ISO 8601 in the zone, with the offset in force then:
 * "2026-11-25T15:00:00+01:00", "+00:00" for UTC. A zone whose offset then
 * was not whole minutes (local mean time, before about 1900) has no
 * ±HH:MM form, so such an instant is written in UTC: the instant stays
 * exact. Returns -1, leaving buf "", for a time outside the years 0000 to
 * 9999, which neither ISO 8601's basic form nor RFC 5545 can write.
 *
 * The digits are put in place, not printed with snprintf: every entry
 * has two times or more, and snprintf was 0.83 G of the 0.99 G
 * instructions this took for an export of 100,000 entries (callgrind).
 */
int
export_iso_time(const char *zone, int64_t t, char *buf, size_t n)
{
	struct tm tm;
	time_t tt = (time_t)t;
	long off;
	char *p = buf;

	buf[0] = '\0';
	if (tz_local(zone, t, &tm) != 0 || tm.tm_gmtoff % 60 != 0 ||
	    tm.tm_gmtoff <= -86400 || tm.tm_gmtoff >= 86400) {
		if (gmtime_r(&tt, &tm) == NULL)
			return -1;
		tm.tm_gmtoff = 0;
	}
	if (tm.tm_year < -1900 || tm.tm_year > 9999 - 1900)
		return -1;
	if (n < sizeof("2026-11-25T15:00:00+01:00"))
		return -1;
	off = tm.tm_gmtoff < 0 ? -tm.tm_gmtoff : tm.tm_gmtoff;
	p = two_digits(p, (tm.tm_year + 1900) / 100);
	p = two_digits(p, (tm.tm_year + 1900) % 100);
	*p++ = '-';
	p = two_digits(p, tm.tm_mon + 1);
	*p++ = '-';
	p = two_digits(p, tm.tm_mday);
	*p++ = 'T';
	p = two_digits(p, tm.tm_hour);
	*p++ = ':';
	p = two_digits(p, tm.tm_min);
	*p++ = ':';
	/* 60 in a leap second, which glibc never gives for a POSIX time. */
	p = two_digits(p, tm.tm_sec);
	*p++ = tm.tm_gmtoff < 0 ? '-' : '+';
	p = two_digits(p, off / 3600);
	*p++ = ':';
	p = two_digits(p, off % 3600 / 60);
	*p = '\0';
	return 0;
}

/*
 * Copies s (n bytes) to w->clean with every invalid byte replaced by
 * U+FFFD, and returns the copy (borrowed until the next call), or NULL
 * when it does not fit in EXPORT_ROW_MAX or memory ran out.
 */
const char *
export_clean(struct export_writer *w, const char *s, size_t n)
{
	size_t i = 0, run, k;
	uint32_t cp;

	text_clear(&w->clean);
	while (i < n) {
		run = i;
		while (run < n && (k = utf8_decode(s + run, n - run, &cp)) > 0)
			run += k;
		text_append(&w->clean, s + i, run - i);
		if ((i = run) < n) {
			text_append(&w->clean, "\xEF\xBF\xBD", 3);
			i++;
		}
	}
	if (w->clean.truncated)
		return NULL;
	return text_str(&w->clean);
}

/* The number of tags to read: ntags, kept within the array. */
int
export_tag_count(const struct store_entry *e)
{
	if (e->ntags < 0)
		return 0;
	return e->ntags > STORE_TAGS_MAX ? STORE_TAGS_MAX : e->ntags;
}

/*
 * Copies w->row to out if it fits with reserve bytes left for the file's
 * closing part; otherwise, or when the row itself overflowed, marks the
 * writer full and out truncated. Never leaves part of a row in out.
 */
static void
commit_row(struct export_writer *w, size_t reserve)
{
	struct text *out = w->out;
	size_t before = out->len;

	if (w->full)
		return;
	if (w->row.truncated || out->len > out->max ||
	    w->row.len + reserve > out->max - out->len ||
	    text_append(out, w->row.buf ? w->row.buf : "", w->row.len) != 0) {
		out->len = before;
		if (out->buf)
			out->buf[before] = '\0';
		out->truncated = true;
		w->full = true;
	}
}

/* ---- CSV (RFC 4180) ---- */

static const char csv_header[] =
	"id,project,tags,note,start,stop,duration_seconds,duration_hours,"
	"breaks_seconds,rounded_seconds,rounded_hours,rounding,"
	"billable,rate,currency,amount\r\n";

/*
 * The first characters that make a spreadsheet read a cell as a formula
 * (OWASP, "CSV Injection"): = + - @, and tab and CR, after which some
 * spreadsheets look again.
 */
static const char csv_formula_start[] = "=+-@\t\r";

/*
 * Appends one field (n bytes of s), quoted when it holds a comma, a double
 * quote, CR or LF (RFC 4180 2.6), or starts or ends with a space (which
 * some readers would strip); quotes inside are doubled (2.7).
 *
 * A field whose text starts with one of csv_formula_start gets a ' in
 * front, as OWASP advises, so that a note "=1+2" or a quoted project
 * "=HYPERLINK(...)" opens in a spreadsheet as text, never as a formula
 * that runs. The rule looks at the cell's text alone: the tags cell is the
 * tags without their + ("design urgent"), so it changes only when the
 * first tag itself starts with "-" (+-x). A reader that wants the exact
 * text back drops one leading ' where the next character is one of those;
 * the JSON and iCalendar files carry every text unchanged.
 */
static void
csv_field(struct export_writer *w, const char *s, size_t n)
{
	const char *v = export_clean(w, s, n);
	size_t i, len;
	bool guard;

	if (v == NULL) {
		w->row.truncated = true;
		return;
	}
	len = strlen(v);
	guard = len > 0 && strchr(csv_formula_start, v[0]) != NULL;
	if (strpbrk(v, ",\"\r\n") == NULL &&
	    (len == 0 || (v[0] != ' ' && v[len - 1] != ' '))) {
		if (guard)
			text_append(&w->row, "'", 1);
		text_append(&w->row, v, len);
		return;
	}
	text_append(&w->row, "\"", 1);
	if (guard)
		text_append(&w->row, "'", 1);
	for (i = 0; i < len; i++) {
		if (v[i] == '"')
			text_append(&w->row, "\"", 1);
		text_append(&w->row, v + i, 1);
	}
	text_append(&w->row, "\"", 1);
}

/*
 * The billing columns, last (billing.h): billable (true or false), rate
 * (the hourly rate that applies to the project, 85.00) and currency,
 * empty when none applies, and amount (what the entry's rounded time,
 * rounded_seconds, comes to), empty when it is not billable. Numbers and
 * codes need no quoting.
 */
static void
csv_billing(struct export_writer *w, const char *owner,
            const struct store_entry *e, int64_t secs)
{
	struct billing_entry b;

	billing_of_entry(w->book, owner, e, secs, &b);
	text_append(&w->row, b.billable ? ",true," : ",false,",
	            b.billable ? 6 : 7);
	if (b.rate.cents != 0) {
		billing_decimal(&w->row, b.rate.cents);
		text_append(&w->row, ",", 1);
		text_append(&w->row, b.rate.currency, strlen(b.rate.currency));
	} else {
		text_append(&w->row, ",", 1);
	}
	text_append(&w->row, ",", 1);
	if (b.billable && b.has_amount)
		billing_decimal(&w->row, b.amount);
}

static void
csv_entry(struct export_writer *w, const char *owner,
          const struct store_entry *e)
{
	char start[EXPORT_TIME_MAX], stop[EXPORT_TIME_MAX];
	int64_t secs = export_entry_seconds(w, e);
	int64_t rounded = export_rounded_seconds(w, e);
	int i, ntags = export_tag_count(e);

	if (w->with_owner) {
		csv_field(w, owner ? owner : "", owner ? strlen(owner) : 0);
		text_append(&w->row, ",", 1);
	}
	export_put_int(&w->row, e->seq);
	text_append(&w->row, ",", 1);
	csv_field(w, FIELD(e->project));
	text_append(&w->row, ",", 1);
	/* Tags are single words, so a space parts them unambiguously. */
	text_clear(&w->line);
	for (i = 0; i < ntags; i++) {
		if (i > 0)
			text_append(&w->line, " ", 1);
		text_append(&w->line, FIELD(e->tags[i]));
	}
	csv_field(w, text_str(&w->line), w->line.len);
	text_append(&w->row, ",", 1);
	csv_field(w, FIELD(e->note));
	export_iso_time(w->zone, e->start, start, sizeof(start));
	stop[0] = '\0';
	if (e->stop != 0)
		export_iso_time(w->zone, e->stop, stop, sizeof(stop));
	/* ",start,stop,secs,hours,breaks,...\r\n", appended piece by piece: as
	 * one text_printf it was 0.29 G of the 2.41 G instructions of an
	 * export of 100,000 entries. */
	text_append(&w->row, ",", 1);
	text_append(&w->row, start, strlen(start));
	text_append(&w->row, ",", 1);
	text_append(&w->row, stop, strlen(stop));
	text_append(&w->row, ",", 1);
	export_put_int(&w->row, secs);
	text_append(&w->row, ",", 1);
	put_hours(&w->row, secs);
	text_append(&w->row, ",", 1);
	export_put_int(&w->row, export_break_seconds(w, e));
	text_append(&w->row, ",", 1);
	export_put_int(&w->row, rounded);
	text_append(&w->row, ",", 1);
	put_hours(&w->row, rounded);
	text_append(&w->row, ",", 1);
	text_append(&w->row, w->rounding_name, strlen(w->rounding_name));
	csv_billing(w, owner, e, rounded);
	text_append(&w->row, "\r\n", 2);
}

/* ---- The writer ---- */

static const char *
trailer(enum export_format f)
{
	switch (f) {
	case EXPORT_CSV:
		return "";
	case EXPORT_JSON:
		return export_json_trailer;
	case EXPORT_ICAL:
		return export_ical_trailer;
	}
	return "";
}

struct export_writer *
export_begin(enum export_format f, const char *zone, int64_t now,
             bool with_owner, const char *origin, struct text *out)
{
	return export_begin_named(f, zone, now, with_owner ? "owner" : NULL,
	                          origin, out);
}

struct export_writer *
export_begin_named(enum export_format f, const char *zone, int64_t now,
                   const char *owner_column, const char *origin,
                   struct text *out)
{
	bool with_owner = owner_column != NULL;
	struct export_writer *w;
	const char *at;
	size_t i;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->f = f;
	/* A name too long to be a zone would be read as another one; UTC is
	 * what glibc makes of an unknown zone anyway. */
	if (zone == NULL || strlen(zone) > TZ_NAME_MAX)
		zone = "UTC";
	snprintf(w->zone, sizeof(w->zone), "%s", zone);
	w->now = now;
	w->with_owner = with_owner;
	snprintf(w->owner_column, sizeof(w->owner_column), "%s",
	         with_owner ? owner_column : "");
	/* Domains compare without regard to case: "Example.org" in one
	 * configuration and "example.org" in the next are one deployment. */
	snprintf(w->origin, sizeof(w->origin), "%s", origin ? origin : "");
	for (i = 0; w->origin[i] != '\0'; i++)
		w->origin[i] = (char)tolower((unsigned char)w->origin[i]);
	at = strchr(w->origin, '@');
	w->domain = at != NULL ? at + 1 : w->origin;
	w->out = out;
	export_set_rounding(w, NULL);
	text_init(&w->row, EXPORT_ROW_MAX);
	text_init(&w->clean, EXPORT_ROW_MAX);
	text_init(&w->line, EXPORT_ROW_MAX);

	switch (f) {
	case EXPORT_CSV:
		if (with_owner)
			text_printf(&w->row, "%s,", w->owner_column);
		text_append(&w->row, csv_header, sizeof(csv_header) - 1);
		break;
	case EXPORT_JSON:
		break; /* "[" comes with the first entry, or at the end */
	case EXPORT_ICAL:
		export_ical_begin(w);
		break;
	}
	/* An empty JSON file is "[\n]\n", one byte more than its trailer. */
	commit_row(w, strlen(trailer(f)) + (f == EXPORT_JSON ? 1 : 0));
	w->started = !w->full;
	return w;
}

void
export_set_rounding(struct export_writer *w, const struct rounding *r)
{
	if (w == NULL)
		return;
	w->rounding.minutes = rounding_on(r) ? r->minutes : 0;
	w->rounding.up = rounding_on(r) ? r->up : true;
	/* A spelling of words and digits alone: no CSV field needs quotes. */
	rounding_format(&w->rounding, w->rounding_name,
	                sizeof(w->rounding_name));
}

void
export_entry(struct export_writer *w, const char *owner,
             const struct store_entry *e)
{
	if (w == NULL || w->full)
		return;
	text_clear(&w->row);
	text_clear(&w->line);
	switch (w->f) {
	case EXPORT_CSV:
		csv_entry(w, owner, e);
		break;
	case EXPORT_JSON:
		export_json_entry(w, owner, e);
		break;
	case EXPORT_ICAL:
		export_ical_entry(w, owner, e);
		break;
	}
	if (w->row.len == 0 && !w->row.truncated)
		return; /* left out (see ical_entry) */
	commit_row(w, strlen(trailer(w->f)));
	if (!w->full)
		w->entries++;
}

void
export_set_book(struct export_writer *w, struct billing_book *book)
{
	if (w == NULL) {
		billing_book_free(book);
		return;
	}
	billing_book_free(w->book);
	w->book = book;
}

bool
export_full(const struct export_writer *w)
{
	return w == NULL || w->full;
}

int
export_end(struct export_writer *w)
{
	const char *end;
	int rc;

	if (w == NULL)
		return -1;
	end = trailer(w->f);
	if (w->f == EXPORT_JSON && w->entries == 0)
		end = "[\n]\n";
	/* Room for this was kept by every commit_row. */
	if (w->started && text_append(w->out, end, strlen(end)) != 0)
		w->full = true;
	rc = w->full || w->out->truncated ? -1 : 0;
	if (w->full)
		w->out->truncated = true;
	text_free(&w->row);
	text_free(&w->clean);
	text_free(&w->line);
	billing_book_free(w->book);
	free(w);
	return rc;
}

/* ---- Files of other rows than entries (commands/export_timesheet.c) ---- */

struct export_writer *
export_begin_table(enum export_format f, const char *zone, int64_t now,
                   const char *origin, struct text *out)
{
	/* Begun as JSON, whose opening part is empty, the writer has
	 * written nothing: then it takes f, for the closing part, and the
	 * opening part of an iCalendar file (a CSV file's header is the
	 * caller's first row). */
	struct export_writer *w = export_begin_named(EXPORT_JSON, zone, now,
	                                             NULL, origin, out);

	if (w == NULL)
		return NULL;
	w->f = f;
	if (f == EXPORT_ICAL && !w->full) {
		text_clear(&w->row);
		export_ical_begin(w);
		commit_row(w, strlen(trailer(f)));
		text_clear(&w->row);
		w->started = !w->full;
	}
	return w;
}

void
export_table_row(struct export_writer *w)
{
	if (w->row.len > 0 || w->row.truncated) {
		commit_row(w, strlen(trailer(w->f)));
		if (!w->full)
			w->entries++;
	}
	text_clear(&w->row);
	text_clear(&w->line);
}

void
export_csv_cell(struct export_writer *w, const char *s)
{
	csv_field(w, s, strlen(s));
}

void
export_hours(struct text *t, int64_t secs)
{
	put_hours(t, secs);
}
