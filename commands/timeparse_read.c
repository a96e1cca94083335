/*
 * commands/timeparse_read.c - the reading helpers the time parser shares:
 * ASCII words and slices, the error sentence, calendar days in a zone,
 * dates, weekdays and days. See timeparse_int.h; the grammar is in
 * timeparse.h. Depends on lib/ (civil, tz, utf8) only; nothing here reads
 * the clock.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../lib/civil.h"
#include "../lib/str.h"
#include "../lib/tz.h"
#include "../lib/utf8.h"
#include "timeparse_int.h"

static const struct tp_named weekdays[] = {
	{ "sun", 0 }, { "sunday", 0 },
	{ "mon", 1 }, { "monday", 1 },
	{ "tue", 2 }, { "tues", 2 }, { "tuesday", 2 },
	{ "wed", 3 }, { "weds", 3 }, { "wednesday", 3 },
	{ "thu", 4 }, { "thur", 4 }, { "thurs", 4 }, { "thursday", 4 },
	{ "fri", 5 }, { "friday", 5 },
	{ "sat", 6 }, { "saturday", 6 },
};

bool
tp_is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

bool
tp_is_alpha(int ch)
{
	ch = str_lower(ch);
	return ch >= 'a' && ch <= 'z';
}

/* True when s[0..n) is word (lower case), ignoring ASCII case. */
bool
tp_slice_is(const char *s, size_t n, const char *word)
{
	size_t i;

	if (strlen(word) != n)
		return false;
	for (i = 0; i < n; i++)
		if (str_lower((unsigned char)s[i]) != word[i])
			return false;
	return true;
}

bool
tp_word_is(const char *s, const char *word)
{
	return tp_slice_is(s, strlen(s), word);
}

int
tp_named_value(const struct tp_named *t, size_t nt, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < nt; i++)
		if (tp_slice_is(s, n, t[i].name))
			return t[i].value;
	return -1;
}

/*
 * Records why s[0..n) is wrong: the word in quotes (shortened with an
 * ellipsis past QUOTE_MAX bytes), then rest. Returns TP_BAD so that a
 * parser can say `return tp_bad(...)`.
 */
enum tp_rc
tp_bad(struct why *w, const char *s, size_t n, const char *rest)
{
	size_t q = utf8_prefix(s, n, QUOTE_MAX);

	/* WHY_MAX holds QUOTE_MAX, the ellipsis and the longest rest, so
	 * this is never cut. */
	snprintf(w->msg, sizeof(w->msg), "\"%.*s%s\" %s", (int)q, s,
	         q < n ? "\xe2\x80\xa6" : "", rest);
	return TP_BAD;
}

/* Hands the reason to the caller; err may be NULL when it does not care. */
enum tp_rc
tp_report(enum tp_rc rc, const struct why *w, struct text *err)
{
	if (rc == TP_BAD && err != NULL)
		text_printf(err, "%s", w->msg);
	return rc;
}

/*
 * The zone to compute in: c->tz, or UTC when it is missing or longer than
 * any zone name (lib/tz.c could not switch to it and would fail every call).
 */
const char *
tp_zone(const struct tp_ctx *c)
{
	if (c->tz == NULL || *c->tz == '\0' || strlen(c->tz) > TZ_NAME_MAX)
		return "UTC";
	return c->tz;
}

/* d moved by n days, and its weekday (0 Sunday) into *wday if not NULL.
 * Pure calendar arithmetic: timegm normalises without any zone. */
struct ymd
tp_ymd_add(struct ymd d, int n, int *wday)
{
	struct tm tm;
	struct ymd r;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = d.y - 1900;
	tm.tm_mon = d.m - 1;
	tm.tm_mday = d.d + n;
	tm.tm_hour = 12;
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	r.y = tm.tm_year + 1900;
	r.m = tm.tm_mon + 1;
	r.d = tm.tm_mday;
	if (wday != NULL)
		*wday = tm.tm_wday;
	return r;
}

/*
 * The epoch seconds of local time mins minutes after the start of day d
 * (month and day may be out of range: they carry over) in zone. A time in
 * a spring-forward gap moves forward; a repeated one is the first
 * (tz_mktime). False when the zone maths failed.
 */
bool
tp_local_at(const char *zone, int y, int m, int d, int mins, int64_t *out)
{
	struct tm tm;
	int64_t t;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = mins / 60;
	tm.tm_min = mins % 60;
	tm.tm_isdst = -1;
	/* -1 is a real instant only in 1969/1970, before YEAR_MIN. */
	if ((t = tz_mktime(zone, &tm)) == -1)
		return false;
	*out = t;
	return true;
}

/* The local calendar day that contains t, and its weekday. */
bool
tp_local_day(const char *zone, int64_t t, struct ymd *d, int *wday)
{
	struct tm tm;

	if (tz_local(zone, t, &tm) != 0)
		return false;
	d->y = tm.tm_year + 1900;
	d->m = tm.tm_mon + 1;
	d->d = tm.tm_mday;
	if (wday != NULL)
		*wday = tm.tm_wday;
	return true;
}

/*
 * s[0..n) as YYYY-MM-DD (month and day may have one digit).
 * TP_NOMATCH unless it is shaped like that (so a phone number or a version
 * stays text); TP_BAD when the shape is right but the day does not exist.
 */
enum tp_rc
tp_date_parse(const char *s, size_t n, struct ymd *out, struct why *w)
{
	int part[3] = { 0, 0, 0 };
	size_t len[3], i = 0, k, start;

	for (k = 0; k < 3; k++) {
		start = i;
		for (; i < n && i - start < 5 &&
		       tp_is_digit((unsigned char)s[i]); i++)
			part[k] = part[k] * 10 + (s[i] - '0');
		len[k] = i - start;
		if (k < 2) {
			if (i >= n || s[i] != '-')
				return TP_NOMATCH;
			i++;
		}
	}
	if (i != n || len[0] != 4 || len[1] < 1 || len[1] > 2 || len[2] < 1 ||
	    len[2] > 2)
		return TP_NOMATCH;
	if (part[0] < YEAR_MIN || part[0] > YEAR_MAX)
		return tp_bad(w, s, n, "is too far away: dates run from year "
		                       "2000 to 9999. " TRY_DATE);
	if (part[1] < 1 || part[1] > 12 || part[2] < 1 ||
	    part[2] > civil_days_in_month(part[0], part[1]))
		return tp_bad(w, s, n, "is not a date. " TRY_DATE);
	out->y = part[0];
	out->m = part[1];
	out->d = part[2];
	return TP_OK;
}

/* The weekday (0 Sunday) that s[0..n) names, or -1. */
int
tp_weekday_of(const char *s, size_t n)
{
	return tp_named_value(weekdays, NELEM(weekdays), s, n);
}

int
tp_weekday(const char *s, size_t n)
{
	return s == NULL ? -1 : tp_weekday_of(s, n);
}

bool
tp_is_weekday(const char *word)
{
	return word != NULL && tp_weekday_of(word, strlen(word)) >= 0;
}

/*
 * s[0..n) as a calendar day: today, yesterday, a weekday (the most recent,
 * today included) or a date. Other words are TP_NOMATCH.
 */
enum tp_rc
tp_day_parse(const struct tp_ctx *c, const char *s, size_t n, struct ymd *out,
             struct why *w)
{
	struct ymd today;
	int wday, k;

	if (n > 0 && tp_is_digit((unsigned char)s[0]))
		return tp_date_parse(s, n, out, w);
	if (!tp_local_day(tp_zone(c), c->now, &today, &wday))
		return TP_NOMATCH;
	if (tp_slice_is(s, n, "today")) {
		*out = today;
		return TP_OK;
	}
	if (tp_slice_is(s, n, "yesterday")) {
		*out = tp_ymd_add(today, -1, NULL);
		return TP_OK;
	}
	if ((k = tp_weekday_of(s, n)) >= 0) {
		*out = tp_ymd_add(today, -((wday - k + 7) % 7), NULL);
		return TP_OK;
	}
	return TP_NOMATCH;
}
