/*
 * tests/unit/test_export.c - CSV, JSON and iCalendar exports.
 *
 * The files are compared byte for byte with tests/unit/golden/export*,
 * which tests/unit/golden/make_export_golden.py writes from the same
 * entries given in local wall time (times from Python's zoneinfo, not from
 * this code). Then each format is read back with a reader of its own (a
 * small RFC 4180 parser, jansson, an RFC 5545 unfolder) and checked field
 * by field, and cut files are checked to stay valid.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <math.h>

#include "../../commands/export.h"
#include "../../lib/text.h"
#include "export_cases.h"
#include "golden.h"

#ifndef TIMMY_VERSION
#define TIMMY_VERSION "unknown"
#endif

#define FIELDS_MAX 20
#define ROWS_MAX 32

/* Exports every case in format f into out (initialised with max), the
 * rounded columns exact. Returns export_end's answer. */
static int
export_all(enum export_format f, const char *zone, bool with_owner,
           size_t max, struct text *out)
{
	return export_all_rounded(f, zone, with_owner, NULL, max, out);
}

/* Exports one entry alone. */
static int
export_one(enum export_format f, const char *zone, const char *owner,
           const struct store_entry *e, struct text *out)
{
	struct export_writer *w;

	text_init(out, FILE_MAX);
	w = export_begin(f, zone, NOW, owner != NULL, ORIGIN, out);
	assert_non_null(w);
	export_entry(w, owner, e);
	return export_end(w);
}

static void
check_golden(enum export_format f, const char *zone, bool with_owner,
             const char *name)
{
	struct text out;
	char *want = golden(name);

	assert_int_equal(export_all(f, zone, with_owner, FILE_MAX, &out), 0);
	assert_false(out.truncated);
	assert_same_file(name, text_str(&out), want);
	free(want);
	text_free(&out);
}

static void
export_csv__matches_golden__berlin(void **state)
{
	(void)state;
	check_golden(EXPORT_CSV, "Europe/Berlin", false, "export.csv");
}

static void
export_csv__matches_golden__berlin_with_owner(void **state)
{
	(void)state;
	check_golden(EXPORT_CSV, "Europe/Berlin", true, "export-owner.csv");
}

static void
export_csv__matches_golden__utc(void **state)
{
	(void)state;
	check_golden(EXPORT_CSV, "UTC", false, "export-utc.csv");
}

static void
export_json__matches_golden__berlin(void **state)
{
	(void)state;
	check_golden(EXPORT_JSON, "Europe/Berlin", false, "export.json");
}

static void
export_json__matches_golden__berlin_with_owner(void **state)
{
	(void)state;
	check_golden(EXPORT_JSON, "Europe/Berlin", true, "export-owner.json");
}

static void
export_json__matches_golden__utc(void **state)
{
	(void)state;
	check_golden(EXPORT_JSON, "UTC", false, "export-utc.json");
}

static void
export_ical__matches_golden__any_zone(void **state)
{
	(void)state;
	/* iCalendar times are UTC: the zone changes nothing. */
	check_golden(EXPORT_ICAL, "Europe/Berlin", false, "export.ics");
	check_golden(EXPORT_ICAL, "UTC", false, "export.ics");
	check_golden(EXPORT_ICAL, "America/New_York", false, "export.ics");
}

static void
export_ical__matches_golden__with_owner(void **state)
{
	(void)state;
	check_golden(EXPORT_ICAL, "Europe/Berlin", true, "export-owner.ics");
}

/* ---- Reading the files back ---- */

struct csv {
	char *field[ROWS_MAX][FIELDS_MAX];
	int nfields[ROWS_MAX];
	int nrows;
};

/*
 * A strict RFC 4180 reader: records end in CRLF, a quoted field may hold
 * anything with "" for a quote, an unquoted one no quote, CR or LF.
 * Returns 0, or -1 on anything else (a bare LF, text after a closing
 * quote, a last record without CRLF).
 */
static int
csv_read(const char *s, struct csv *c)
{
	char buf[4096];
	size_t n;
	int quoted;

	memset(c, 0, sizeof(*c));
	while (*s != '\0') {
		if (c->nrows == ROWS_MAX)
			return -1;
		for (;;) {
			n = 0;
			quoted = *s == '"';
			if (quoted) {
				for (s++;; s++) {
					if (*s == '\0')
						return -1;
					if (*s == '"' && s[1] != '"')
						break;
					if (*s == '"')
						s++;
					if (n + 1 >= sizeof(buf))
						return -1;
					buf[n++] = *s;
				}
				s++;
			} else {
				for (; *s && *s != ',' && *s != '\r'; s++) {
					if (*s == '"' || *s == '\n' ||
					    n + 1 >= sizeof(buf))
						return -1;
					buf[n++] = *s;
				}
			}
			buf[n] = '\0';
			if (c->nfields[c->nrows] == FIELDS_MAX)
				return -1;
			c->field[c->nrows][c->nfields[c->nrows]++] = strdup(buf);
			if (*s == ',') {
				s++;
				continue;
			}
			if (s[0] != '\r' || s[1] != '\n')
				return -1;
			s += 2;
			break;
		}
		c->nrows++;
	}
	return 0;
}

static void
csv_free(struct csv *c)
{
	int r, f;

	for (r = 0; r < ROWS_MAX; r++)
		for (f = 0; f < c->nfields[r]; f++)
			free(c->field[r][f]);
}

/* v as a CSV cell's text: with a ' in front when it starts as a formula
 * would (OWASP, "CSV Injection"); borrowed until the next call. */
static const char *
csv_text(const char *v)
{
	static char buf[2 * STORE_NOTE_MAX];

	snprintf(buf, sizeof(buf), "%s%s",
	         v[0] != '\0' && strchr("=+-@\t\r", v[0]) ? "'" : "", v);
	return buf;
}

/* The tags of e joined with spaces (the CSV form). */
static void
tags_joined(const struct store_entry *e, char *buf, size_t n)
{
	int i;

	buf[0] = '\0';
	for (i = 0; i < e->ntags; i++) {
		if (i > 0)
			strncat(buf, " ", n - strlen(buf) - 1);
		strncat(buf, e->tags[i], n - strlen(buf) - 1);
	}
}

/* The seconds of e's breaks, an open one up to NOW. */
static int64_t
breaks_of(const struct store_entry *e)
{
	int64_t secs = 0;
	int i;

	for (i = 0; i < e->nbreaks; i++)
		secs += (e->breaks[i].stop ? e->breaks[i].stop : NOW) -
		        e->breaks[i].start;
	return secs;
}

/* The time e worked: its span less its breaks. */
static int64_t
seconds_of(const struct store_entry *e)
{
	return (e->stop ? e->stop : NOW) - e->start - breaks_of(e);
}

static void
export_csv__fields_read_back_exactly(void **state)
{
	struct text out;
	struct csv c;
	char buf[512];
	size_t i;

	(void)state;
	assert_int_equal(export_all(EXPORT_CSV, "UTC", true, FILE_MAX, &out), 0);
	assert_int_equal(csv_read(text_str(&out), &c), 0);
	assert_int_equal(c.nrows, (int)NCASES + 1);
	assert_int_equal(c.nfields[0], 17);
	assert_string_equal(c.field[0][0], "owner");
	assert_string_equal(c.field[0][8], "duration_hours");
	assert_string_equal(c.field[0][9], "breaks_seconds");
	assert_string_equal(c.field[0][10], "rounded_seconds");
	assert_string_equal(c.field[0][12], "rounding");
	/* The billing columns come last, so the others keep their places. */
	assert_string_equal(c.field[0][13], "billable");
	assert_string_equal(c.field[0][14], "rate");
	assert_string_equal(c.field[0][15], "currency");
	assert_string_equal(c.field[0][16], "amount");
	for (i = 0; i < NCASES; i++) {
		const struct store_entry *e = &cases[i].e;
		char **f = c.field[i + 1];

		assert_int_equal(c.nfields[i + 1], 17);
		assert_string_equal(f[0], cases[i].owner);
		snprintf(buf, sizeof(buf), "%lld", (long long)e->seq);
		assert_string_equal(f[1], buf);
		assert_string_equal(f[2], csv_text(e->project));
		tags_joined(e, buf, sizeof(buf));
		assert_string_equal(f[3], csv_text(buf));
		/* CRLF, quotes and all */
		assert_string_equal(f[4], csv_text(e->note));
		assert_int_equal(strlen(f[5]), strlen("2026-11-25T14:00:00+00:00"));
		assert_string_equal(f[5] + 19, "+00:00");
		if (e->stop == 0)
			assert_string_equal(f[6], "");
		snprintf(buf, sizeof(buf), "%lld", (long long)seconds_of(e));
		assert_string_equal(f[7], buf);
		/* Without a rounding, the rounded time is the exact one. */
		assert_string_equal(f[10], f[7]);
		assert_string_equal(f[11], f[8]);
		assert_string_equal(f[12], "none");
		snprintf(buf, sizeof(buf), "%lld", (long long)breaks_of(e));
		assert_string_equal(f[9], buf);
		/* No rates given to the writer: nothing is billable. */
		assert_string_equal(f[13], "false");
		assert_string_equal(f[14], "");
		assert_string_equal(f[15], "");
		assert_string_equal(f[16], "");
	}
	csv_free(&c);
	text_free(&out);
}

static void
export_json__values_read_back(void **state)
{
	struct text out;
	json_error_t err;
	json_t *root, *o, *tags;
	size_t i;
	int t;

	(void)state;
	assert_int_equal(export_all(EXPORT_JSON, "Europe/Berlin", true, FILE_MAX,
	                            &out),
	                 0);
	root = json_loads(text_str(&out), 0, &err);
	if (root == NULL)
		fail_msg("json: %s at line %d", err.text, err.line);
	assert_true(json_is_array(root));
	assert_int_equal(json_array_size(root), NCASES);
	for (i = 0; i < NCASES; i++) {
		const struct store_entry *e = &cases[i].e;

		o = json_array_get(root, i);
		assert_string_equal(json_string_value(json_object_get(o, "owner")),
		                    cases[i].owner);
		assert_int_equal(json_integer_value(json_object_get(o, "id")),
		                 e->seq);
		assert_string_equal(
			json_string_value(json_object_get(o, "project")),
			e->project);
		assert_string_equal(json_string_value(json_object_get(o, "note")),
		                    e->note);
		tags = json_object_get(o, "tags");
		assert_int_equal(json_array_size(tags), e->ntags);
		for (t = 0; t < e->ntags; t++)
			assert_string_equal(
				json_string_value(json_array_get(tags, t)),
				e->tags[t]);
		assert_true(json_is_string(json_object_get(o, "start")));
		assert_true(e->stop == 0 ? json_is_null(json_object_get(o, "stop"))
		                         : json_is_string(json_object_get(o, "stop")));
		assert_int_equal(
			json_integer_value(json_object_get(o, "duration_seconds")),
			seconds_of(e));
		/* hours to the hundredth: within 18 s of the seconds */
		assert_true(json_is_real(json_object_get(o, "duration_hours")));
		assert_true(fabs(json_real_value(json_object_get(
			o, "duration_hours")) * 3600 - (double)seconds_of(e)) <= 18);
		assert_int_equal(
			json_integer_value(json_object_get(o, "break_seconds")),
			breaks_of(e));
		tags = json_object_get(o, "breaks");
		assert_int_equal(json_array_size(tags), e->nbreaks);
		for (t = 0; t < e->nbreaks; t++)
			assert_true(e->breaks[t].stop == 0 ?
			            json_is_null(json_object_get(
			                json_array_get(tags, t), "stop")) :
			            json_is_string(json_object_get(
			                json_array_get(tags, t), "stop")));
	}
	/* One object per line, between "[" and "]". */
	assert_memory_equal(text_str(&out), "[\n{", 3);
	assert_string_equal(text_str(&out) + out.len - 4, "}\n]\n");
	json_decref(root);
	text_free(&out);
}

/*
 * Checks that every line of an iCalendar file ends in CRLF, has at most 75
 * octets and does not start or end inside a UTF-8 sequence, then unfolds
 * it into buf (n bytes) with the lines ended by "\n" alone.
 */
static void
ical_unfold(const char *s, char *buf, size_t n)
{
	const char *eol;
	size_t len, used = 0;

	while (*s != '\0') {
		eol = strstr(s, "\r\n");
		assert_non_null(eol);
		len = (size_t)(eol - s);
		assert_true(len <= 75);
		assert_null(memchr(s, '\n', len));
		assert_null(memchr(s, '\r', len));
		if (len > 0) {
			assert_true(((unsigned char)s[*s == ' '] & 0xC0) != 0x80);
			assert_true(((unsigned char)eol[-1] & 0xC0) != 0xC0);
		}
		if (*s == ' ') { /* a continuation: drop the break and space */
			assert_true(used > 0);
			used--;
			s++;
			len--;
		}
		assert_true(used + len + 2 <= n);
		memcpy(buf + used, s, len);
		used += len;
		buf[used++] = '\n';
		s = eol + 2;
	}
	buf[used] = '\0';
}

/* The value of property name (unfolded) at or after *from, unescaped as
 * TEXT into buf; *from moves past it. NULL when there is none. */
static char *
ical_value(const char **from, const char *name, char *buf, size_t n)
{
	char key[64];
	const char *p, *eol;
	size_t used = 0;

	snprintf(key, sizeof(key), "\n%s:", name);
	if ((p = strstr(*from, key)) == NULL)
		return NULL;
	p += strlen(key);
	eol = strchr(p, '\n');
	for (; p < eol; p++) {
		assert_true(used + 1 < n);
		if (*p == '\\') {
			p++;
			buf[used++] = *p == 'n' || *p == 'N' ? '\n' : *p;
		} else {
			buf[used++] = *p;
		}
	}
	buf[used] = '\0';
	*from = eol;
	return buf;
}

static void
export_ical__lines_fit__unfolding_restores_values(void **state)
{
	struct text out;
	char *flat, want[2048], got[2048];
	const char *p, *ev;
	size_t i, j, k;

	(void)state;
	assert_int_equal(export_all(EXPORT_ICAL, "UTC", true, FILE_MAX, &out),
	                 0);
	flat = malloc(out.len + 2);
	assert_non_null(flat);
	flat[0] = '\n'; /* so that "\nNAME:" finds the first property too */
	ical_unfold(text_str(&out), flat + 1, out.len + 1);
	p = flat;
	for (i = 0; i < NCASES; i++) {
		const struct store_entry *e = &cases[i].e;

		assert_non_null(ev = strstr(p, "\nBEGIN:VEVENT\n"));
		p = ev;
		/* SUMMARY: the project and +tags, "(running)" for a timer */
		snprintf(want, sizeof(want), "%s", e->project);
		for (j = 0; j < (size_t)e->ntags; j++) {
			strcat(want, " +");
			strcat(want, e->tags[j]);
		}
		if (e->stop == 0)
			strcat(want, " (running)");
		assert_non_null(ical_value(&p, "SUMMARY", got, sizeof(got)));
		assert_string_equal(got, want);
		if (e->note[0] != '\0') {
			/* TEXT has no CR: a CRLF comes back as LF. */
			for (j = k = 0; e->note[j]; j++)
				if (!(e->note[j] == '\r' && e->note[j + 1] == '\n'))
					want[k++] = e->note[j];
			want[k] = '\0';
			assert_non_null(
				ical_value(&p, "DESCRIPTION", got, sizeof(got)));
			/* The worked time first, on a line of its own,
			 * when the entry has breaks. */
			if (e->nbreaks > 0) {
				assert_memory_equal(got, "Worked ", 7);
				assert_non_null(strchr(got, '\n'));
				memmove(got, strchr(got, '\n') + 1,
				        strlen(strchr(got, '\n') + 1) + 1);
			}
			assert_string_equal(got, want);
		}
		assert_non_null(ical_value(&p, "X-TIMMY-OWNER", got, sizeof(got)));
		assert_string_equal(got, cases[i].owner);
	}
	free(flat);
	text_free(&out);
}

/* ---- Durations, running entries, edges ---- */

static void
export__hours_round_half_up_in_integers(void **state)
{
	static const struct {
		int64_t secs;
		const char *want; /* CSV */
		const char *json;
	} tab[] = {
		{ 0, "0.00", "0.0" },        { 17, "0.00", "0.0" },
		{ 18, "0.01", "0.01" },      { 36, "0.01", "0.01" },
		{ 53, "0.01", "0.01" },      { 54, "0.02", "0.02" },
		{ 5399, "1.50", "1.5" },     { 5400, "1.50", "1.5" },
		{ 5401, "1.50", "1.5" },     { 5417, "1.50", "1.5" },
		{ 5418, "1.51", "1.51" },    { 3599, "1.00", "1.0" },
		{ 3582, "1.00", "1.0" },     { 3581, "0.99", "0.99" },
		{ 3960, "1.10", "1.1" },     { 1188, "0.33", "0.33" },
		{ 86400, "24.00", "24.0" },  { 359999, "100.00", "100.0" },
		{ INT64_C(3600) * 123456789 + 2484, "123456789.69", "123456789.69" },
	};
	struct store_entry e = { 1, 1, "acme", { "" }, 0, "", 0, 0,
	                         { { 0, 0 } }, 0 };
	struct text out;
	json_t *root;
	size_t i;
	char *last;

	(void)state;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		e.start = NOW - 100000000;
		e.stop = e.start + tab[i].secs;
		assert_int_equal(export_one(EXPORT_CSV, "UTC", NULL, &e, &out), 0);
		/* the hours, then the breaks' seconds (none) and the
		 * rounded columns, the same hours without a rounding, then
		 * the billing columns (no rates) */
		last = strstr(text_str(&out), ",none,false,,,\r\n");
		assert_non_null(last);
		assert_string_equal(last, ",none,false,,,\r\n");
		*last = '\0';
		last = strrchr(text_str(&out), ',');
		assert_string_equal(last + 1, tab[i].want);
		*last = '\0'; /* the rounded hours */
		*strrchr(text_str(&out), ',') = '\0'; /* seconds */
		last = strrchr(text_str(&out), ',');
		assert_string_equal(last + 1, "0");
		*last = '\0'; /* the breaks */
		last = strrchr(text_str(&out), ',');
		assert_non_null(last);
		assert_string_equal(last + 1, tab[i].want);
		text_free(&out);

		/* JSON: the same amount as a number, written as short as it
		 * goes ("1.5", "24.0"), never as 1.5000000000000002 */
		assert_int_equal(export_one(EXPORT_JSON, "UTC", NULL, &e, &out), 0);
		root = json_loads(text_str(&out), 0, NULL);
		assert_non_null(root);
		assert_true(json_real_value(json_object_get(
			json_array_get(root, 0), "duration_hours")) ==
		            strtod(tab[i].want, NULL));
		json_decref(root);
		last = strstr(text_str(&out), "\"duration_hours\":");
		assert_non_null(last);
		last += strlen("\"duration_hours\":");
		assert_memory_equal(last, tab[i].json, strlen(tab[i].json));
		assert_int_equal(last[strlen(tab[i].json)], ',');
		text_free(&out);
	}
}

static void
export__running_entry_counts_to_now__never_below_zero(void **state)
{
	struct store_entry e = { 1, 4, "acme", { "" }, 0, "", NOW - 90, 0,
	                         { { 0, 0 } }, 0 };
	struct text out;

	(void)state;
	assert_int_equal(export_one(EXPORT_CSV, "UTC", NULL, &e, &out), 0);
	assert_non_null(strstr(text_str(&out),
	                       ",2026-11-25T13:58:30+00:00,,90,0.03,0,90,0.03,"
	                       "none,false,,,\r\n"));
	text_free(&out);
	/* A clock behind the start: no negative durations. */
	e.start = NOW + 60;
	assert_int_equal(export_one(EXPORT_CSV, "UTC", NULL, &e, &out), 0);
	assert_non_null(strstr(text_str(&out),
	                       ",,0,0.00,0,0,0.00,none,false,,,\r\n"));
	text_free(&out);
	assert_int_equal(export_one(EXPORT_ICAL, "UTC", NULL, &e, &out), 0);
	assert_null(strstr(text_str(&out), "DTEND"));
	assert_non_null(strstr(text_str(&out), "SUMMARY:acme (running)\r\n"));
	text_free(&out);
}

static void
export__offsets_follow_the_zone_at_each_instant(void **state)
{
	/* 2026-11-25 14:00 UTC, and 1 Jul 2026 12:00 UTC (summer). */
	struct store_entry e = { 1, 1, "a", { "" }, 0, "", NOW, 1782907200,
	                         { { 0, 0 } }, 0 };
	struct text out;

	(void)state;
	e.start = 1782907200 - 3600;
	assert_int_equal(export_one(EXPORT_CSV, "America/New_York", NULL, &e,
	                            &out),
	                 0);
	assert_non_null(strstr(text_str(&out), ",2026-07-01T07:00:00-04:00,"
	                                       "2026-07-01T08:00:00-04:00,"));
	text_free(&out);
	assert_int_equal(export_one(EXPORT_CSV, "Asia/Kolkata", NULL, &e, &out),
	                 0);
	assert_non_null(strstr(text_str(&out), ",2026-07-01T16:30:00+05:30,"
	                                       "2026-07-01T17:30:00+05:30,"));
	text_free(&out);
	/* Berlin in 1880 kept local mean time, +00:53:28, which has no
	 * ±HH:MM form: the instant is written in UTC instead. */
	e.start = INT64_C(-2826964800); /* 1880-06-01 12:00 UTC */
	e.stop = e.start + 60;
	assert_int_equal(export_one(EXPORT_CSV, "Europe/Berlin", NULL, &e,
	                            &out),
	                 0);
	assert_non_null(strstr(text_str(&out), ",1880-06-01T12:00:00+00:00,"
	                                       "1880-06-01T12:01:00+00:00,"));
	text_free(&out);
}

static void
export__times_past_year_9999_are_left_empty(void **state)
{
	struct store_entry e = { 7, 1, "a", { "" }, 0, "", NOW - 60,
		                 INT64_C(253402300800),
	                         { { 0, 0 } }, 0 }; /* 10000-01-01 */
	struct text out;
	json_t *root, *o;

	(void)state;
	assert_int_equal(export_one(EXPORT_CSV, "UTC", NULL, &e, &out), 0);
	assert_non_null(strstr(text_str(&out), ",2026-11-25T13:59:00+00:00,,"));
	text_free(&out);
	assert_int_equal(export_one(EXPORT_JSON, "UTC", NULL, &e, &out), 0);
	assert_non_null(root = json_loads(text_str(&out), 0, NULL));
	o = json_array_get(root, 0);
	assert_true(json_is_null(json_object_get(o, "stop")));
	json_decref(root);
	text_free(&out);
	/* iCalendar requires DTSTART: an entry without one is left out. */
	e.start = INT64_MIN;
	assert_int_equal(export_one(EXPORT_ICAL, "UTC", NULL, &e, &out), 0);
	assert_null(strstr(text_str(&out), "VEVENT"));
	assert_non_null(strstr(text_str(&out), "END:VCALENDAR\r\n"));
	text_free(&out);
}

static void
export__invalid_utf8_becomes_replacement_character(void **state)
{
	struct store_entry e = { 1, 1, "ac\xffme", { "t\xc3" }, 1,
		                 "cut \xe2\x82 here \xed\xa0\x80 surrogate",
		                 NOW - 60, NOW, { { 0, 0 } }, 0 };
	struct text out;
	json_t *root;

	(void)state;
	assert_int_equal(export_one(EXPORT_CSV, "UTC", NULL, &e, &out), 0);
	assert_non_null(strstr(text_str(&out),
	                       "ac\xef\xbf\xbdme,t\xef\xbf\xbd,cut \xef\xbf\xbd"
	                       "\xef\xbf\xbd here \xef\xbf\xbd\xef\xbf\xbd"
	                       "\xef\xbf\xbd surrogate,"));
	text_free(&out);
	assert_int_equal(export_one(EXPORT_JSON, "UTC", NULL, &e, &out), 0);
	assert_non_null(root = json_loads(text_str(&out), 0, NULL));
	assert_string_equal(json_string_value(json_object_get(
		json_array_get(root, 0), "project")),
	                    "ac\xef\xbf\xbdme");
	json_decref(root);
	text_free(&out);
}

/*
 * A CSV cell whose text starts with = + - @, tab or CR gets a ' in front
 * (OWASP, "CSV Injection"), quoted as RFC 4180 asks when it needs to be;
 * any other start is left alone. JSON and iCalendar keep the text.
 */
static void
export_csv__formula_cells__get_a_quote__json_and_ical_keep_the_text(
	void **state)
{
	static const struct {
		const char *note, *cell;
	} c[] = {
		{ "=1+2", "'=1+2" },
		{ "+49 30 1234", "'+49 30 1234" },
		{ "-5", "'-5" },
		{ "@SUM(A1:A2)", "'@SUM(A1:A2)" },
		{ "\tx", "'\tx" },
		{ "\r=x", "\"'\r=x\"" },
		{ "=HYPERLINK(\"http://x\",\"y\")",
		  "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" },
		{ " =x", "\" =x\"" },
		{ "'=x", "'=x" },
		{ "a=1", "a=1" },
		{ "", "" },
	};
	struct store_entry e = { 1, 1, "a", { "" }, 0, "", NOW - 60, NOW,
	                         { { 0, 0 } }, 0 };
	char want[256];
	struct text out;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		snprintf(e.note, sizeof(e.note), "%s", c[i].note);
		assert_int_equal(export_one(EXPORT_CSV, "UTC", NULL, &e, &out), 0);
		snprintf(want, sizeof(want), "\r\n1,a,,%s,2026-", c[i].cell);
		if (strstr(text_str(&out), want) == NULL)
			fail_msg("note \"%s\": want %s in\n%s", c[i].note, want,
			         text_str(&out));
		text_free(&out);
	}
	/* The project and the tags cell alike; the tags are written without
	 * their +, so only a first tag that starts with "-" adds one. */
	snprintf(e.project, sizeof(e.project), "=cmd");
	snprintf(e.tags[0], sizeof(e.tags[0]), "-x");
	snprintf(e.tags[1], sizeof(e.tags[1]), "design");
	e.ntags = 2;
	snprintf(e.note, sizeof(e.note), "=1+2");
	assert_int_equal(export_one(EXPORT_CSV, "UTC", "@x", &e, &out), 0);
	assert_non_null(strstr(text_str(&out), "\r\n'@x,1,'=cmd,'-x design,"
	                                       "'=1+2,2026-"));
	text_free(&out);
	assert_int_equal(export_one(EXPORT_JSON, "UTC", NULL, &e, &out), 0);
	assert_non_null(strstr(text_str(&out), "\"project\":\"=cmd\","
	                                       "\"tags\":[\"-x\",\"design\"],"
	                                       "\"note\":\"=1+2\""));
	text_free(&out);
	assert_int_equal(export_one(EXPORT_ICAL, "UTC", NULL, &e, &out), 0);
	assert_non_null(strstr(text_str(&out), "\r\nSUMMARY:=cmd +-x +design"
	                                       "\r\nDESCRIPTION:=1+2\r\n"));
	text_free(&out);
}

static void
export_ical__control_characters__crlf_and_cr_are_line_breaks(void **state)
{
	struct store_entry e = { 1, 1, "a", { "" }, 0,
		                 "one\r\ntwo\rthree\n\tbell\x07 del\x7f" " end",
		                 NOW - 60, NOW, { { 0, 0 } }, 0 };
	struct text out;

	(void)state;
	assert_int_equal(export_one(EXPORT_ICAL, "UTC", NULL, &e, &out), 0);
	assert_non_null(strstr(text_str(&out), "\r\nDESCRIPTION:one\\ntwo\\n"
	                                       "three\\n\tbell del end\r\n"));
	text_free(&out);
}

/* The UID line of e exported as iCalendar by owner for the bot origin,
 * into buf (without "UID:" and CRLF). */
static void
uid_of(const char *owner, const char *origin, const struct store_entry *e,
       char *buf, size_t n)
{
	struct export_writer *w;
	struct text out;
	const char *u;

	text_init(&out, FILE_MAX);
	w = export_begin(EXPORT_ICAL, "UTC", NOW, false, origin, &out);
	assert_non_null(w);
	export_entry(w, owner, e);
	assert_int_equal(export_end(w), 0);
	u = strstr(text_str(&out), "\r\nUID:");
	assert_non_null(u);
	u += 6;
	snprintf(buf, n, "%.*s", (int)strcspn(u, "\r"), u);
	text_free(&out);
}

/*
 * A UID stays with the entry (owner and number) through edits, and no
 * other user, bot or server has it: calendars merge events of equal UIDs
 * whatever file they came in.
 */
static void
export_ical__uid_unique_to_entry_user_and_bot__stable_across_edits(
	void **state)
{
	struct store_entry e = cases[0].e;
	char a[128], b[128];
	size_t i;

	(void)state;
	uid_of("alice@example.org", ORIGIN, &e, a, sizeof(a));
	/* timmy-<16 hex digits>-<number>@<the bot's domain> */
	assert_int_equal(strlen(a), strlen("timmy-") + 16 + strlen("-1@example.org"));
	assert_memory_equal(a, "timmy-", 6);
	for (i = 6; i < 22; i++)
		assert_non_null(strchr("0123456789abcdef", a[i]));
	assert_string_equal(a + 22, "-1@example.org");
	/* Edited, moved, another row id: still the same event. */
	snprintf(e.note, sizeof(e.note), "edited");
	e.start += 3600;
	e.id = 999;
	uid_of("alice@example.org", ORIGIN, &e, b, sizeof(b));
	assert_string_equal(a, b);
	/* The same bot named in another case is the same bot. */
	uid_of("alice@example.org", "Timmy@Example.ORG", &e, b, sizeof(b));
	assert_string_equal(a, b);
	/* Another user's #1, another bot's, another server's: other events;
	 * and the user's JID is not in the UID. */
	uid_of("bob@example.net", ORIGIN, &e, b, sizeof(b));
	assert_string_not_equal(a, b);
	uid_of("alice@example.org", "tracker@example.org", &e, b, sizeof(b));
	assert_string_not_equal(a, b);
	assert_string_equal(b + 22, "-1@example.org");
	uid_of("alice@example.org", "timmy@example.net", &e, b, sizeof(b));
	assert_string_not_equal(a, b);
	assert_string_equal(b + 22, "-1@example.net");
	assert_null(strstr(a, "alice"));
	/* Without an owner, the row id; without a bot, no domain. */
	uid_of(NULL, ORIGIN, &e, b, sizeof(b));
	assert_string_equal(b, "timmy-row-999@example.org");
	uid_of("alice@example.org", NULL, &e, b, sizeof(b));
	assert_null(strchr(b, '@'));
}

/* ---- Size limit ---- */

/* Byte offsets in the full file where an entry (or the header) ends. */
static size_t
entry_ends(enum export_format f, const char *full, size_t *ends, size_t n)
{
	const char *sep = f == EXPORT_CSV    ? "\r\n"
	                  : f == EXPORT_JSON ? "}"
	                                     : "END:VEVENT\r\n";
	const char *p = full;
	size_t k = 0;

	if (f == EXPORT_ICAL) { /* the header, before the first event */
		p = strstr(full, "BEGIN:VEVENT");
		ends[k++] = (size_t)(p - full);
	} else if (f == EXPORT_JSON) { /* "[" comes with the first object */
		ends[k++] = 0;
	}
	while (k < n && (p = strstr(p, sep)) != NULL) {
		/* an object ends at "},\n" or "}\n]": strings hold no raw
		 * line break */
		if (f == EXPORT_JSON && strncmp(p + 1, ",\n", 2) != 0 &&
		    strncmp(p + 1, "\n]", 2) != 0) {
			p++;
			continue;
		}
		p += strlen(sep);
		ends[k++] = (size_t)(p - full);
		/* a CSV record may hold CRLF inside quotes: count quotes */
		if (f == EXPORT_CSV) {
			size_t q = 0, i;

			for (i = 0; i < ends[k - 1]; i++)
				q += full[i] == '"';
			if (q % 2 != 0)
				k--;
		}
	}
	return k;
}

static void
check_cut(enum export_format f, const char *trailer)
{
	struct text full, out;
	size_t ends[ROWS_MAX], nends, max, k, want_len;
	const char *end;
	int rc;

	assert_int_equal(export_all(f, "Europe/Berlin", true, FILE_MAX, &full),
	                 0);
	nends = entry_ends(f, text_str(&full), ends, ROWS_MAX);
	assert_int_equal(nends, NCASES + 1); /* the header and each entry */
	for (max = 0; max <= full.len + 1; max++) {
		rc = export_all(f, "Europe/Berlin", true, max, &out);
		assert_true(out.len <= max);
		assert_int_equal(rc, max >= full.len ? 0 : -1);
		assert_int_equal(out.truncated, max < full.len);
		/* What is there: the most whole entries that fit with the end. */
		for (k = nends; k > 0; k--)
			if (ends[k - 1] + strlen(trailer) <= max)
				break;
		end = trailer;
		if (f == EXPORT_JSON && k == 1 && max >= 4)
			end = "[\n]\n";
		want_len = k == 0 ? 0 : ends[k - 1] + strlen(end);
		if (f == EXPORT_JSON && k == 1)
			want_len = max >= 4 ? 4 : 0;
		assert_int_equal(out.len, want_len);
		if (k > 0 && !(f == EXPORT_JSON && k == 1)) {
			assert_memory_equal(text_str(&out), text_str(&full),
			                    ends[k - 1]);
			assert_string_equal(text_str(&out) + ends[k - 1], end);
		} else if (f == EXPORT_JSON && want_len == 4) {
			assert_string_equal(text_str(&out), "[\n]\n");
		}
		if (f == EXPORT_JSON && out.len > 0) {
			json_t *root = json_loads(text_str(&out), 0, NULL);

			assert_non_null(root);
			assert_int_equal(json_array_size(root), k - 1);
			json_decref(root);
		}
		text_free(&out);
	}
	text_free(&full);
}

static void
export__cut_at_entry_boundary__file_stays_valid(void **state)
{
	(void)state;
	check_cut(EXPORT_CSV, "");
	check_cut(EXPORT_JSON, "\n]\n");
	check_cut(EXPORT_ICAL, "END:VCALENDAR\r\n");
}

static void
export__appends_to_what_out_holds(void **state)
{
	struct export_writer *w;
	struct text out;

	(void)state;
	text_init(&out, 200);
	text_printf(&out, "before|");
	w = export_begin(EXPORT_JSON, "UTC", NOW, false, ORIGIN, &out);
	assert_non_null(w);
	assert_int_equal(export_end(w), 0);
	assert_string_equal(text_str(&out), "before|[\n]\n");
	text_free(&out);
}

static void
export__null_zone_is_utc(void **state)
{
	struct store_entry e = { 1, 1, "a", { "" }, 0, "", NOW - 60, NOW,
	                         { { 0, 0 } }, 0 };
	struct text out;

	(void)state;
	assert_int_equal(export_one(EXPORT_CSV, NULL, NULL, &e, &out), 0);
	assert_non_null(strstr(text_str(&out), ",2026-11-25T13:59:00+00:00,"));
	text_free(&out);
}

/* ---- Names ---- */

static void
export_format_parse__words_any_case(void **state)
{
	enum export_format f = EXPORT_JSON;

	(void)state;
	assert_int_equal(export_format_parse("csv", &f), 0);
	assert_int_equal(f, EXPORT_CSV);
	assert_int_equal(export_format_parse("JSON", &f), 0);
	assert_int_equal(f, EXPORT_JSON);
	assert_int_equal(export_format_parse("iCal", &f), 0);
	assert_int_equal(f, EXPORT_ICAL);
	f = EXPORT_CSV;
	assert_int_equal(export_format_parse("ICS", &f), 0);
	assert_int_equal(f, EXPORT_ICAL);
	f = EXPORT_CSV;
	assert_int_equal(export_format_parse("xml", &f), -1);
	assert_int_equal(export_format_parse("", &f), -1);
	assert_int_equal(export_format_parse("csvx", &f), -1);
	assert_int_equal(export_format_parse(NULL, &f), -1);
	assert_int_equal(f, EXPORT_CSV);
}

static void
export_mime_ext__per_format(void **state)
{
	(void)state;
	assert_string_equal(export_mime(EXPORT_CSV), "text/csv");
	assert_string_equal(export_mime(EXPORT_JSON), "application/json");
	assert_string_equal(export_mime(EXPORT_ICAL), "text/calendar");
	assert_string_equal(export_ext(EXPORT_CSV), "csv");
	assert_string_equal(export_ext(EXPORT_JSON), "json");
	assert_string_equal(export_ext(EXPORT_ICAL), "ics");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(export_csv__matches_golden__berlin),
		cmocka_unit_test(export_csv__matches_golden__berlin_with_owner),
		cmocka_unit_test(export_csv__matches_golden__utc),
		cmocka_unit_test(export_json__matches_golden__berlin),
		cmocka_unit_test(export_json__matches_golden__berlin_with_owner),
		cmocka_unit_test(export_json__matches_golden__utc),
		cmocka_unit_test(export_ical__matches_golden__any_zone),
		cmocka_unit_test(export_ical__matches_golden__with_owner),
		cmocka_unit_test(export_csv__fields_read_back_exactly),
		cmocka_unit_test(export_json__values_read_back),
		cmocka_unit_test(export_ical__lines_fit__unfolding_restores_values),
		cmocka_unit_test(export__hours_round_half_up_in_integers),
		cmocka_unit_test(export__running_entry_counts_to_now__never_below_zero),
		cmocka_unit_test(export__offsets_follow_the_zone_at_each_instant),
		cmocka_unit_test(export__times_past_year_9999_are_left_empty),
		cmocka_unit_test(export__invalid_utf8_becomes_replacement_character),
		cmocka_unit_test(
			export_ical__control_characters__crlf_and_cr_are_line_breaks),
		cmocka_unit_test(
			export_ical__uid_unique_to_entry_user_and_bot__stable_across_edits),
		cmocka_unit_test(
			export_csv__formula_cells__get_a_quote__json_and_ical_keep_the_text),
		cmocka_unit_test(export__cut_at_entry_boundary__file_stays_valid),
		cmocka_unit_test(export__appends_to_what_out_holds),
		cmocka_unit_test(export__null_zone_is_utc),
		cmocka_unit_test(export_format_parse__words_any_case),
		cmocka_unit_test(export_mime_ext__per_format),
	};

	return cmocka_run_group_tests_name("export", tests, NULL, NULL);
}
