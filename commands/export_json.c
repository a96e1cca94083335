/*
 * commands/export_json.c - the JSON export (RFC 8259), written directly
 * into the writer's row buffer. See export_int.h. Depends on lib/ (text)
 * only; nothing of XMPP or SQL.
 *
 * The file is the one jansson's json_dumps made before (JSON_COMPACT |
 * JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15), no JSON_ENSURE_ASCII),
 * byte for byte: the golden files of tests/unit/test_export.c did not
 * change. Building a jansson object per entry, then dumping it, took
 * twice the instructions of the CSV writer (callgrind, `timmy export
 * --format json`, 100,000 entries: 6.61 G instructions in all against
 * 3.20 G for CSV, 2.70 G of them in json_dumps and 1.47 G in vsnprintf).
 * Written directly it costs what the CSV does (see export.c's
 * export_iso_time for the times both write).
 */
#include "export_int.h"

#include <stdio.h>
#include <stdlib.h>

#include "format.h"

static const char hex[] = "0123456789ABCDEF";

void
export_json_string(struct text *t, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *run;
	char esc[6] = { '\\', 'u', '0', '0', 0, 0 };

	text_append(t, "\"", 1);
	for (;;) {
		/* Bytes that need no escape go out as one run: text, UTF-8
		 * included, is copied as it is (what jansson does without
		 * JSON_ENSURE_ASCII; "/" and DEL are not escaped either). */
		for (run = p; *p >= 0x20 && *p != '"' && *p != '\\'; p++)
			;
		if (p > run)
			text_append(t, (const char *)run, (size_t)(p - run));
		if (*p == '\0')
			break;
		switch (*p) {
		case '"':
			text_append(t, "\\\"", 2);
			break;
		case '\\':
			text_append(t, "\\\\", 2);
			break;
		case '\b':
			text_append(t, "\\b", 2);
			break;
		case '\f':
			text_append(t, "\\f", 2);
			break;
		case '\n':
			text_append(t, "\\n", 2);
			break;
		case '\r':
			text_append(t, "\\r", 2);
			break;
		case '\t':
			text_append(t, "\\t", 2);
			break;
		default: /* another control character: \u00XX, as jansson */
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 0xf];
			text_append(t, esc, sizeof(esc));
			break;
		}
		p++;
	}
	text_append(t, "\"", 1);
}

void
export_json_hours(struct text *t, int64_t c)
{
	char buf[64], *e, *x;
	int len;

	/*
	 * c / 100.0 with up to 15 significant digits, as jansson wrote it
	 * (%.15g, then ".0" when that has neither "." nor "e"). Below 10^15
	 * hundredths the double holds the value closely enough that %.15g
	 * gives its exact decimal form: digits, then the hundredths without
	 * trailing zeros.
	 */
	if (c >= 0 && c < 1000000000000000LL) {
		export_put_int(t, c / 100);
		if (c % 100 == 0)
			text_append(t, ".0", 2);
		else if (c % 10 == 0) {
			buf[0] = '.';
			buf[1] = (char)('0' + c % 100 / 10);
			text_append(t, buf, 2);
		} else {
			buf[0] = '.';
			buf[1] = (char)('0' + c % 100 / 10);
			buf[2] = (char)('0' + c % 10);
			text_append(t, buf, 3);
		}
		return;
	}
	/* Beyond (an entry of 300 billion years, or a negative one, which
	 * centihours never gives): jansson's way in full, with its exponent
	 * written without "+" and leading zeros ("1e+16" -> "1e16"). */
	len = snprintf(buf, sizeof(buf), "%.15g", (double)c / 100.0);
	if (len < 0 || (size_t)len >= sizeof(buf) - 3)
		return;
	if (strchr(buf, '.') == NULL && strchr(buf, 'e') == NULL) {
		text_append(t, buf, (size_t)len);
		text_append(t, ".0", 2);
		return;
	}
	if ((e = strchr(buf, 'e')) != NULL) {
		x = ++e;
		if (*x == '+')
			memmove(x, x + 1, strlen(x + 1) + 1);
		else if (*x == '-')
			x++;
		while (x[0] == '0' && x[1] != '\0')
			memmove(x, x + 1, strlen(x + 1) + 1);
	}
	text_append(t, buf, strlen(buf));
}

/* A time as a JSON string, or null when none (0) or it cannot be written
 * (see export_iso_time). */
static void
json_time(struct export_writer *w, int64_t t)
{
	char buf[EXPORT_TIME_MAX];

	if (t == 0 || export_iso_time(w->zone, t, buf, sizeof(buf)) != 0) {
		text_append(&w->row, "null", 4);
		return;
	}
	text_append(&w->row, "\"", 1);
	text_append(&w->row, buf, strlen(buf));
	text_append(&w->row, "\"", 1);
}

/* The text s (n bytes) made valid UTF-8 (export_clean), as a JSON string;
 * a text too long for a row fails the row. Like jansson's json_string,
 * the text ends at a NUL byte, should one be in it. */
static void
json_text(struct export_writer *w, const char *s, size_t n)
{
	const char *v = export_clean(w, s, n);

	if (v == NULL) {
		w->row.truncated = true;
		return;
	}
	export_json_string(&w->row, v);
}

/* A string literal and its length, for text_append: the keys and
 * punctuation between the values, which need no escaping. */
#define LIT(s) ("" s ""), sizeof(s) - 1

/*
 * The billing of the entry, last (billing.h): "billable" true or false,
 * "rate" the hourly rate that applies to its project as a number with two
 * decimals (85.00) and "currency" its code, both null when none applies;
 * "amount" what the entry's rounded time (rounded_seconds) comes to
 * (number, two decimals), null when it is not billable.
 */
static void
json_billing(struct export_writer *w, const char *owner,
             const struct store_entry *e, int64_t secs)
{
	struct billing_entry b;

	billing_of_entry(w->book, owner, e, secs, &b);
	text_append(&w->row, LIT(",\"billable\":"));
	text_append(&w->row, b.billable ? "true" : "false", b.billable ? 4 : 5);
	text_append(&w->row, LIT(",\"rate\":"));
	if (b.rate.cents == 0) {
		text_append(&w->row, LIT("null,\"currency\":null"));
	} else {
		billing_decimal(&w->row, b.rate.cents);
		text_append(&w->row, LIT(",\"currency\":"));
		export_json_string(&w->row, b.rate.currency);
	}
	text_append(&w->row, LIT(",\"amount\":"));
	if (b.billable && b.has_amount)
		billing_decimal(&w->row, b.amount);
	else
		text_append(&w->row, "null", 4);
}

/*
 * One entry as one JSON object, keys in a fixed order. duration_hours is
 * a number with two decimals at most, 1.5 for the CSV's "1.50" (see
 * export_json_hours). The exact amount is duration_seconds, an integer,
 * the worked time: breaks (the array "breaks" of {start, stop}, stop null
 * while paused) are left out, and break_seconds is their sum; then
 * rounded_seconds, rounded_hours and rounding (export_set_rounding), then
 * the billing (json_billing). A time that cannot be written (see
 * export_iso_time) is null, like the stop of a running entry.
 */
static void
json_entry(struct export_writer *w, const char *owner,
           const struct store_entry *e)
{
	char start[EXPORT_TIME_MAX];
	int64_t secs = export_entry_seconds(w, e);
	int64_t rounded = export_rounded_seconds(w, e);
	int i, ntags = export_tag_count(e);

	text_append(&w->row, "{", 1);
	if (w->with_owner) {
		export_json_string(&w->row, w->owner_column);
		text_append(&w->row, ":", 1);
		if (owner == NULL)
			text_append(&w->row, "null", 4);
		else
			json_text(w, owner, strlen(owner));
		text_append(&w->row, ",", 1);
	}
	text_append(&w->row, LIT("\"id\":"));
	export_put_int(&w->row, e->seq);
	text_append(&w->row, LIT(",\"project\":"));
	json_text(w, FIELD(e->project));
	text_append(&w->row, LIT(",\"tags\":["));
	for (i = 0; i < ntags; i++) {
		if (i > 0)
			text_append(&w->row, ",", 1);
		json_text(w, FIELD(e->tags[i]));
	}
	text_append(&w->row, LIT("],\"note\":"));
	json_text(w, FIELD(e->note));
	text_append(&w->row, LIT(",\"start\":"));
	/* A start at 0 is 1970's first second, unlike a stop at 0. */
	if (export_iso_time(w->zone, e->start, start, sizeof(start)) != 0)
		text_append(&w->row, "null", 4);
	else {
		text_append(&w->row, "\"", 1);
		text_append(&w->row, start, strlen(start));
		text_append(&w->row, "\"", 1);
	}
	text_append(&w->row, LIT(",\"stop\":"));
	json_time(w, e->stop);
	text_append(&w->row, LIT(",\"duration_seconds\":"));
	export_put_int(&w->row, secs);
	text_append(&w->row, LIT(",\"duration_hours\":"));
	export_json_hours(&w->row, fmt_centihours(secs));
	text_append(&w->row, LIT(",\"breaks\":["));
	for (i = 0; i < e->nbreaks && i < STORE_BREAKS_MAX; i++) {
		if (i > 0)
			text_append(&w->row, ",", 1);
		text_append(&w->row, LIT("{\"start\":"));
		json_time(w, e->breaks[i].start);
		text_append(&w->row, LIT(",\"stop\":"));
		json_time(w, e->breaks[i].stop);
		text_append(&w->row, "}", 1);
	}
	text_append(&w->row, LIT("],\"break_seconds\":"));
	export_put_int(&w->row, export_break_seconds(w, e));
	text_append(&w->row, LIT(",\"rounded_seconds\":"));
	export_put_int(&w->row, rounded);
	text_append(&w->row, LIT(",\"rounded_hours\":"));
	export_json_hours(&w->row, fmt_centihours(rounded));
	text_append(&w->row, LIT(",\"rounding\":"));
	export_json_string(&w->row, w->rounding_name);
	json_billing(w, owner, e, rounded);
	text_append(&w->row, "}", 1);
}

/*
 * One object per line: "[\n" before the first, ",\n" between, "\n]\n" at
 * the end ("[\n]\n" with none), so a reader can also take the file line
 * by line, and the writer holds one entry at a time.
 */
const char export_json_trailer[] = "\n]\n";

void
export_json_entry(struct export_writer *w, const char *owner,
                  const struct store_entry *e)
{
	text_append(&w->row, w->entries == 0 ? "[\n" : ",\n", 2);
	json_entry(w, owner, e);
}
