/*
 * commands/timeparse.c - times, durations, spans and ranges from chat words.
 * See timeparse.h for the grammar. Depends on tz (all zone maths) and text
 * (the error sentence) only; nothing here reads the clock.
 *
 * Every parser works on a slice (pointer and length) so that "9:00-10:30"
 * and "mon..wed" are split without copying. A calendar day is carried as
 * year, month and day, and turned into epoch seconds by tz_mktime only at
 * the end, so that a 23- or 25-hour day never shifts a clock time.
 */
#include "timeparse.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../lib/civil.h"
#include "../lib/tz.h"
#include "../lib/utf8.h"

/* Bytes of a bad word quoted back: a reply should not echo a whole essay. */
#define QUOTE_MAX 40
/* Room for one error sentence: the quote plus the longest fixed text. */
#define WHY_MAX 256

/* Years a typed date may name; beyond them the user has made a typo. */
#define YEAR_MIN 2000
#define YEAR_MAX 9999

#define TRY_CLOCK "Try 9:30, 17:00 or 5pm."
#define TRY_DATE "Try 2026-11-23."
#define TRY_DATETIME "Try 2026-11-23T17:00."
#define TRY_DURATION "Try 45m, 1h30m or 1.5h."
#define TRY_SPAN "Try 9:00-10:30, 9am-5pm or 22:00-01:00."
#define TRY_RANGE "Try mon..wed or 2026-11-01..2026-11-30."

/*
 * The reason for a TP_BAD, written while parsing and copied into the
 * caller's err only when TP_BAD is what a public function returns: a
 * reading that is tried and dropped leaves no trace in err.
 */
struct why {
	char msg[WHY_MAX];
};

/* A calendar day; month 1-12. */
struct ymd {
	int y, m, d;
};

static const char *const wday_name[] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
};
static const char *const mon_name[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

static const struct {
	const char *name;
	int wday;
} weekdays[] = {
	{ "sun", 0 }, { "sunday", 0 },
	{ "mon", 1 }, { "monday", 1 },
	{ "tue", 2 }, { "tues", 2 }, { "tuesday", 2 },
	{ "wed", 3 }, { "weds", 3 }, { "wednesday", 3 },
	{ "thu", 4 }, { "thur", 4 }, { "thurs", 4 }, { "thursday", 4 },
	{ "fri", 5 }, { "friday", 5 },
	{ "sat", 6 }, { "saturday", 6 },
};

static const struct {
	const char *name;
	int secs;
} units[] = {
	{ "s", 1 }, { "sec", 1 }, { "secs", 1 }, { "second", 1 },
	{ "seconds", 1 },
	{ "m", 60 }, { "min", 60 }, { "mins", 60 }, { "minute", 60 },
	{ "minutes", 60 },
	{ "h", 3600 }, { "hr", 3600 }, { "hrs", 3600 }, { "hour", 3600 },
	{ "hours", 3600 },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ASCII only: keywords are English and the locale must not matter. */
static int
lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

static bool
is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

static bool
is_alpha(int ch)
{
	ch = lower(ch);
	return ch >= 'a' && ch <= 'z';
}

/* True when s[0..n) is word (lower case), ignoring ASCII case. */
static bool
slice_is(const char *s, size_t n, const char *word)
{
	size_t i;

	if (strlen(word) != n)
		return false;
	for (i = 0; i < n; i++)
		if (lower((unsigned char)s[i]) != word[i])
			return false;
	return true;
}

static bool
word_is(const char *s, const char *word)
{
	return slice_is(s, strlen(s), word);
}

/*
 * Records why s[0..n) is wrong: the word in quotes (shortened with an
 * ellipsis past QUOTE_MAX bytes), then rest. Returns TP_BAD so that a
 * parser can say `return bad(...)`.
 */
static enum tp_rc
bad(struct why *w, const char *s, size_t n, const char *rest)
{
	size_t q = utf8_prefix(s, n, QUOTE_MAX);

	/* WHY_MAX holds QUOTE_MAX, the ellipsis and the longest rest, so
	 * this is never cut. */
	snprintf(w->msg, sizeof(w->msg), "\"%.*s%s\" %s", (int)q, s,
	         q < n ? "\xe2\x80\xa6" : "", rest);
	return TP_BAD;
}

/* Hands the reason to the caller; err may be NULL when it does not care. */
static enum tp_rc
report(enum tp_rc rc, const struct why *w, struct text *err)
{
	if (rc == TP_BAD && err != NULL)
		text_printf(err, "%s", w->msg);
	return rc;
}

/*
 * The zone to compute in: c->tz, or UTC when it is missing or longer than
 * any zone name (lib/tz.c could not switch to it and would fail every call).
 */
static const char *
zone_of(const struct tp_ctx *c)
{
	if (c->tz == NULL || *c->tz == '\0' || strlen(c->tz) > TZ_NAME_MAX)
		return "UTC";
	return c->tz;
}

/* d moved by n days, and its weekday (0 Sunday) into *wday if not NULL.
 * Pure calendar arithmetic: timegm normalises without any zone. */
static struct ymd
ymd_add(struct ymd d, int n, int *wday)
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
static bool
local_at(const char *zone, int y, int m, int d, int mins, int64_t *out)
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

/*
 * local_at for a clock time the user typed: mins minutes after the start
 * of day d. When that day does not have it (a spring-forward gap moved
 * it), records that in mv (which may be NULL).
 */
static bool
clock_at(const char *zone, struct ymd d, int mins, int64_t *out,
         struct tp_moved *mv)
{
	struct tm tm;

	if (!local_at(zone, d.y, d.m, d.d, mins, out))
		return false;
	if (mv != NULL && mv->n < TP_MOVED_MAX &&
	    tz_local(zone, *out, &tm) == 0 &&
	    tm.tm_hour * 60 + tm.tm_min != mins) {
		mv->at[mv->n].y = d.y;
		mv->at[mv->n].m = d.m;
		mv->at[mv->n].d = d.d;
		mv->at[mv->n].asked = mins;
		mv->at[mv->n].used = *out;
		mv->n++;
	}
	return true;
}

static bool
ymd_before(struct ymd a, struct ymd b)
{
	if (a.y != b.y)
		return a.y < b.y;
	if (a.m != b.m)
		return a.m < b.m;
	return a.d < b.d;
}

/* The local calendar day that contains t, and its weekday. */
static bool
local_day(const char *zone, int64_t t, struct ymd *d, int *wday)
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
 * s[0..n) as a clock time, into minutes after midnight.
 * TP_NOMATCH unless it is shaped like one: one or two digits, then ":"
 * groups of digits, "am"/"pm", or both. A bare "9" is a count, not a time.
 * TP_BAD when it is shaped like one but is not a time of day: "25:00",
 * "24:00", "9:5", "17:00:00" (no seconds), "13pm", "0am".
 */
static enum tp_rc
clock_parse(const char *s, size_t n, int *mins, struct why *w)
{
	size_t i = 0, groups = 0, mdigits = 0;
	int h = 0, m = 0, half = 0; /* 0 none, 1 am, 2 pm */

	while (i < n && i < 3 && is_digit((unsigned char)s[i]))
		h = h * 10 + (s[i++] - '0');
	if (i == 0 || i > 2)
		return TP_NOMATCH;
	while (i < n && s[i] == ':') {
		size_t d = 0;

		i++;
		groups++;
		for (; i < n && is_digit((unsigned char)s[i]); i++, d++)
			if (groups == 1 && d < 2)
				m = m * 10 + (s[i] - '0');
		if (groups == 1)
			mdigits = d;
	}
	if (n - i == 2 && (lower((unsigned char)s[i]) == 'a' ||
	                   lower((unsigned char)s[i]) == 'p') &&
	    lower((unsigned char)s[i + 1]) == 'm') {
		half = lower((unsigned char)s[i]) == 'a' ? 1 : 2;
		i += 2;
	}
	if (i != n || (groups == 0 && half == 0))
		return TP_NOMATCH;

	if (groups > 1 || (groups == 1 && (mdigits != 2 || m > 59)))
		return bad(w, s, n, "is not a time of day. " TRY_CLOCK);
	if (half != 0) {
		if (h < 1 || h > 12)
			return bad(w, s, n, "is not a time of day. " TRY_CLOCK);
		h = h % 12 + (half == 2 ? 12 : 0); /* 12am is 0, 12pm 12 */
	} else if (h > 23) {
		return bad(w, s, n, "is not a time of day. " TRY_CLOCK);
	}
	*mins = h * 60 + m;
	return TP_OK;
}

/*
 * s[0..n) as YYYY-MM-DD (month and day may have one digit).
 * TP_NOMATCH unless it is shaped like that (so a phone number or a version
 * stays text); TP_BAD when the shape is right but the day does not exist.
 */
static enum tp_rc
date_parse(const char *s, size_t n, struct ymd *out, struct why *w)
{
	int part[3] = { 0, 0, 0 };
	size_t len[3], i = 0, k, start;

	for (k = 0; k < 3; k++) {
		start = i;
		for (; i < n && i - start < 5 && is_digit((unsigned char)s[i]);
		     i++)
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
		return bad(w, s, n, "is too far away: dates run from year 2000 "
		                    "to 9999. " TRY_DATE);
	if (part[1] < 1 || part[1] > 12 || part[2] < 1 ||
	    part[2] > civil_days_in_month(part[0], part[1]))
		return bad(w, s, n, "is not a date. " TRY_DATE);
	out->y = part[0];
	out->m = part[1];
	out->d = part[2];
	return TP_OK;
}

/* The weekday (0 Sunday) that s[0..n) names, or -1. */
static int
weekday_of(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < NELEM(weekdays); i++)
		if (slice_is(s, n, weekdays[i].name))
			return weekdays[i].wday;
	return -1;
}

bool
tp_is_weekday(const char *word)
{
	return word != NULL && weekday_of(word, strlen(word)) >= 0;
}

/*
 * s[0..n) as a calendar day: today, yesterday, a weekday (the most recent,
 * today included) or a date. Other words are TP_NOMATCH.
 */
static enum tp_rc
day_parse(const struct tp_ctx *c, const char *s, size_t n, struct ymd *out,
          struct why *w)
{
	struct ymd today;
	int wday, k;

	if (n > 0 && is_digit((unsigned char)s[0]))
		return date_parse(s, n, out, w);
	if (!local_day(zone_of(c), c->now, &today, &wday))
		return TP_NOMATCH;
	if (slice_is(s, n, "today")) {
		*out = today;
		return TP_OK;
	}
	if (slice_is(s, n, "yesterday")) {
		*out = ymd_add(today, -1, NULL);
		return TP_OK;
	}
	if ((k = weekday_of(s, n)) >= 0) {
		*out = ymd_add(today, -((wday - k + 7) % 7), NULL);
		return TP_OK;
	}
	return TP_NOMATCH;
}

/* The seconds in the unit s[0..n) names ("min" is 60), or -1. */
static int
unit_secs(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < NELEM(units); i++)
		if (slice_is(s, n, units[i].name))
			return units[i].secs;
	return -1;
}

/*
 * s[0..n) as H:MM or H:MM:SS. TP_NOMATCH unless it is digits and colons
 * only, starting with a digit, with a colon in it.
 */
static enum tp_rc
hmm_parse(const char *s, size_t n, int64_t *secs, struct why *w)
{
	int64_t total = 0;
	size_t i;
	int unit, v;

	if (n == 0 || !is_digit((unsigned char)s[0]) ||
	    memchr(s, ':', n) == NULL)
		return TP_NOMATCH;
	for (i = 0; i < n; i++)
		if (s[i] != ':' && !is_digit((unsigned char)s[i]))
			return TP_NOMATCH;

	/* Saturates: past the cap the exact number of hours is moot. */
	for (i = 0; i < n && s[i] != ':'; i++)
		if (total <= TP_DURATION_MAX)
			total = total * 10 + (s[i] - '0');
	total *= 3600;
	/* then ":MM" and perhaps ":SS", two digits each, under 60 */
	for (unit = 60; i < n; unit /= 60, i += 3) {
		if (unit == 0 || n - i < 3 || s[i + 1] == ':' ||
		    s[i + 2] == ':' || (n - i > 3 && s[i + 3] != ':'))
			return bad(w, s, n, "is not a duration. " TRY_DURATION);
		v = (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
		if (v > 59)
			return bad(w, s, n, "is not a duration. " TRY_DURATION);
		total += v * unit;
	}
	*secs = total;
	return TP_OK;
}

/*
 * s[0..n) as number-unit pairs with units falling ("1h30m", "1.5h",
 * "90min", "30s"), or an "h"/"m" pair followed by a bare whole number of
 * the next unit ("1h30", "2m30"). TP_NOMATCH unless it starts with a
 * number and a known unit, so "9am", "3rd" and "90" stay what they are.
 * Fractions are kept to the millionth and rounded to whole seconds.
 */
static enum tp_rc
units_parse(const char *s, size_t n, int64_t *secs, struct why *w)
{
	const int64_t scale = 1000000; /* per second: six fraction digits */
	int64_t micro = 0, ip, frac, mul;
	size_t i = 0, idig, fdig, start;
	int last = 3600 * 60, unit, k;
	bool any = false, huge = false, bare;

	while (i < n) {
		ip = frac = 0;
		idig = fdig = 0;
		for (; i < n && is_digit((unsigned char)s[i]); i++, idig++) {
			if (ip < 10000000)
				ip = ip * 10 + (s[i] - '0');
			else
				huge = true;
		}
		/* a decimal comma too: "1,5h" is how half of Europe writes it */
		if (i < n && (s[i] == '.' || s[i] == ',')) {
			for (i++; i < n && is_digit((unsigned char)s[i]);
			     i++, fdig++)
				if (fdig < 6)
					frac = frac * 10 + (s[i] - '0');
			if (fdig == 0)
				return any ? bad(w, s, n, "is not a duration. "
				                          TRY_DURATION)
				           : TP_NOMATCH;
		} else if (idig == 0) {
			return any ? bad(w, s, n, "is not a duration. " TRY_DURATION)
			           : TP_NOMATCH;
		}
		for (start = i; i < n && is_alpha((unsigned char)s[i]); i++)
			;
		bare = i == start;
		if (bare) {
			/* "1h30": minutes after hours, seconds after minutes,
			 * whole and under 60, and only at the end. */
			if (!any)
				return TP_NOMATCH;
			if (i != n || fdig > 0 || idig > 2 || ip > 59 || last == 1)
				return bad(w, s, n, "is not a duration. " TRY_DURATION);
			unit = last / 60;
		} else if ((unit = unit_secs(s + start, i - start)) < 0) {
			return any ? bad(w, s, n, "is not a duration. " TRY_DURATION)
			           : TP_NOMATCH;
		} else if (unit >= last) {
			return bad(w, s, n, "is not a duration. " TRY_DURATION);
		}
		/* scale / 10^fdig is whole for fdig <= 6: no rounding here. */
		for (mul = scale, k = 0; k < (int)(fdig < 6 ? fdig : 6); k++)
			mul /= 10;
		micro += ip * unit * scale + frac * unit * mul;
		last = unit;
		any = true;
	}
	if (!any)
		return TP_NOMATCH;
	*secs = huge ? TP_DURATION_MAX + 1 : (micro + scale / 2) / scale;
	return TP_OK;
}

/* A duration word; see tp_duration. */
static enum tp_rc
duration_parse(const char *s, size_t n, int64_t *secs, struct why *w)
{
	const char *body = s;
	size_t bn = n;
	bool neg = false;
	enum tp_rc rc;
	int64_t v = 0;

	if (bn > 0 && body[0] == '-') {
		neg = true;
		body++;
		bn--;
	}
	if ((rc = hmm_parse(body, bn, &v, w)) == TP_NOMATCH)
		rc = units_parse(body, bn, &v, w);
	if (rc != TP_OK)
		return rc;
	if (neg || v == 0)
		return bad(w, s, n, "is not a duration: it must be more than "
		                    "zero. " TRY_DURATION);
	if (v > TP_DURATION_MAX)
		return bad(w, s, n, "is too long: a duration can be at most "
		                    "1000h. " TRY_DURATION);
	*secs = v;
	return TP_OK;
}

/*
 * One word as DATE"T"CLOCK. TP_NOMATCH unless it starts with a date and a
 * "T"; after that every flaw is TP_BAD.
 */
static enum tp_rc
datetime_parse(const struct tp_ctx *c, const char *s, int64_t *out,
               struct tp_moved *mv, struct why *w)
{
	const char *t;
	struct ymd d;
	enum tp_rc rc;
	size_t n = strlen(s);
	int mins;

	if ((t = strpbrk(s, "Tt")) == NULL)
		return TP_NOMATCH;
	if ((rc = date_parse(s, (size_t)(t - s), &d, w)) != TP_OK)
		return rc;
	rc = clock_parse(t + 1, n - (size_t)(t - s) - 1, &mins, w);
	if (rc == TP_NOMATCH)
		return bad(w, s, n, "is not a date and time. " TRY_DATETIME);
	if (rc != TP_OK)
		return rc;
	if (!clock_at(zone_of(c), d, mins, out, mv))
		return TP_NOMATCH;
	return TP_OK;
}

/* tp_time_moved without the err hand-over; *mv is always written. */
static enum tp_rc
time_parse(const struct tp_ctx *c, char *const *argv, int argc, int *used,
           int64_t *out, struct tp_moved *mv, struct why *w)
{
	const char *a, *dayword = NULL;
	struct ymd d;
	enum tp_rc rc;
	int64_t t;
	int mins, n = 1;

	mv->n = 0;
	if (argv == NULL || argc < 1)
		return TP_NOMATCH;
	a = argv[0];
	if (word_is(a, "now")) {
		*out = c->now;
		*used = 1;
		return TP_OK;
	}
	if (argc >= 2 && word_is(argv[1], "ago")) {
		rc = duration_parse(a, strlen(a), &t, w);
		if (rc == TP_BAD)
			return rc;
		if (rc == TP_OK) {
			*out = c->now - t;
			*used = 2;
			return TP_OK;
		}
		/* "9am ago" is no duration: try the other readings. */
	}
	if ((rc = datetime_parse(c, a, &t, mv, w)) != TP_NOMATCH) {
		if (rc == TP_OK) {
			*out = t;
			*used = 1;
		}
		return rc;
	}

	rc = clock_parse(a, strlen(a), &mins, w);
	if (rc == TP_BAD)
		return rc;
	if (rc == TP_OK) {
		/* CLOCK, or CLOCK DAY ("9:30 yesterday") */
		rc = TP_NOMATCH;
		if (argc >= 2)
			rc = day_parse(c, argv[1], strlen(argv[1]), &d, w);
		if (rc == TP_BAD)
			return rc;
		if (rc == TP_OK) {
			n = 2;
			dayword = argv[1];
		} else if (!local_day(zone_of(c), c->now, &d, NULL)) {
			return TP_NOMATCH;
		}
	} else {
		/* DAY CLOCK; a day alone is not a point in time */
		if ((rc = day_parse(c, a, strlen(a), &d, w)) != TP_OK)
			return rc;
		if (argc < 2)
			return TP_NOMATCH;
		rc = clock_parse(argv[1], strlen(argv[1]), &mins, w);
		if (rc != TP_OK)
			return rc;
		n = 2;
		dayword = a;
	}
	/* A weekday names a moment that has begun: "mon 9:00" on a Monday
	 * before nine is last Monday's. "today 17:00" stays today's. */
	if (dayword != NULL && tp_is_weekday(dayword)) {
		if (!local_at(zone_of(c), d.y, d.m, d.d, mins, &t))
			return TP_NOMATCH;
		if (t > c->now)
			d = ymd_add(d, -7, NULL);
	}
	if (!clock_at(zone_of(c), d, mins, &t, mv))
		return TP_NOMATCH;
	*out = t;
	*used = n;
	return TP_OK;
}

enum tp_rc
tp_duration(const char *word, int64_t *secs, struct text *err)
{
	struct why w;

	if (word == NULL)
		return TP_NOMATCH;
	return report(duration_parse(word, strlen(word), secs, &w), &w, err);
}

enum tp_rc
tp_day(const struct tp_ctx *c, const char *word, int64_t *day_start,
       struct text *err)
{
	struct why w;
	struct ymd d;
	enum tp_rc rc;
	int64_t t;

	if (word == NULL)
		return TP_NOMATCH;
	if ((rc = day_parse(c, word, strlen(word), &d, &w)) != TP_OK)
		return report(rc, &w, err);
	if (!local_at(zone_of(c), d.y, d.m, d.d, 0, &t))
		return TP_NOMATCH;
	*day_start = t;
	return TP_OK;
}

enum tp_rc
tp_time_moved(const struct tp_ctx *c, char *const *argv, int argc, int *used,
              int64_t *out, struct tp_moved *moved, struct text *err)
{
	struct tp_moved mv;
	struct why w;
	enum tp_rc rc;

	rc = time_parse(c, argv, argc, used, out, &mv, &w);
	if (rc == TP_OK && moved != NULL)
		*moved = mv;
	return report(rc, &w, err);
}

enum tp_rc
tp_time(const struct tp_ctx *c, char *const *argv, int argc, int *used,
        int64_t *out, struct text *err)
{
	return tp_time_moved(c, argv, argc, used, out, NULL, err);
}

/* The words argv[0..n) joined by spaces, for quoting a broken span. */
static void
join_words(char *const *argv, int n, char *buf, size_t bufsz)
{
	size_t len = 0;
	int i, r;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		r = snprintf(buf + len, bufsz - len, "%s%s", i ? " " : "",
		             argv[i]);
		if (r < 0 || (size_t)r >= bufsz - len)
			return; /* bad() shortens the quote anyway */
		len += (size_t)r;
	}
}

/* Whether word starts a time, as the word after "at" would: a digit, a
 * day (today, yesterday, a weekday, tomorrow) or now. */
static bool
time_like(const struct tp_ctx *c, const char *word)
{
	struct why w;
	struct ymd d;

	return is_digit((unsigned char)word[0]) || word_is(word, "now") ||
	       word_is(word, "tomorrow") ||
	       day_parse(c, word, strlen(word), &d, &w) == TP_OK;
}

enum tp_rc
tp_trailing_when(const struct tp_ctx *c, char *const *argv, int argc,
                 int *keep, int64_t *out, struct text *err)
{
	return tp_trailing_when_moved(c, argv, argc, keep, out, NULL, err);
}

enum tp_rc
tp_trailing_when_moved(const struct tp_ctx *c, char *const *argv, int argc,
                       int *keep, int64_t *out, struct tp_moved *moved,
                       struct text *err)
{
	struct tp_moved mv;
	struct why w;
	enum tp_rc rc;
	int64_t t;
	int k, nw, used;

	*keep = argc;
	if (argv == NULL || argc < 1)
		return TP_NOMATCH;

	/* "... DURATION ago", with or without "at" before it */
	if (argc >= 2 && word_is(argv[argc - 1], "ago")) {
		rc = duration_parse(argv[argc - 2], strlen(argv[argc - 2]), &t,
		                    &w);
		if (rc == TP_BAD)
			return report(rc, &w, err);
		if (rc == TP_OK) {
			k = argc - 2;
			if (k >= 1 && word_is(argv[k - 1], "at"))
				k--;
			*keep = k;
			*out = c->now - t;
			if (moved != NULL)
				moved->n = 0;
			return TP_OK;
		}
		/* "5x ago" is a mistyped duration, not a note: starting the
		 * timer now would record the wrong time without a word. "a
		 * while ago" stays a note. */
		if (argv[argc - 2][0] >= '0' && argv[argc - 2][0] <= '9') {
			bad(&w, argv[argc - 2], strlen(argv[argc - 2]),
			    "is not a duration. Try 15m ago or 1h30m ago.");
			return report(TP_BAD, &w, err);
		}
	}

	/* "... at TIME": the longer reading first, so "at yesterday 17:00"
	 * is not read as "at yesterday" plus a stray "17:00". */
	for (nw = 2; nw >= 1; nw--) {
		if (argc < nw + 1 || !word_is(argv[argc - nw - 1], "at"))
			continue;
		rc = time_parse(c, argv + argc - nw, nw, &used, &t, &mv, &w);
		if (rc == TP_BAD)
			return report(rc, &w, err);
		if (rc == TP_OK && used == nw) {
			*keep = argc - nw - 1;
			*out = t;
			if (moved != NULL)
				*moved = mv;
			return TP_OK;
		}
	}
	/* "at 3 pm", "at monday", "at tomorrow 9:00": meant as a time, so
	 * not a note, which would start the timer now without a word. "at
	 * the office" stays a note. */
	for (nw = 2; nw >= 1; nw--)
		if (argc >= nw + 1 && word_is(argv[argc - nw - 1], "at") &&
		    time_like(c, argv[argc - nw])) {
			char words[QUOTE_MAX * 2 + 8];

			join_words(argv + argc - nw, nw, words, sizeof(words));
			bad(&w, words, strlen(words),
			    word_is(argv[argc - nw], "tomorrow") ?
			    "is in the future: entries hold time that has "
			    "passed. Try at 9:30 or 15m ago." :
			    "is not a time. Try at 9:30, at 5pm or at "
			    "yesterday 17:00.");
			return report(TP_BAD, &w, err);
		}
	return TP_NOMATCH;
}

/* The length of the dash at s (hyphen, en dash or em dash), or 0. */
static size_t
dash_len(const char *s)
{
	if (s[0] == '-')
		return 1;
	if (strncmp(s, "\xe2\x80\x93", 3) == 0 ||
	    strncmp(s, "\xe2\x80\x94", 3) == 0)
		return 3;
	return 0;
}

/* tp_span without the err hand-over. */
static enum tp_rc
span_parse(const struct tp_ctx *c, char *const *argv, int argc,
           int64_t day_start, int *used, int64_t *from, int64_t *to,
           struct tp_moved *mv, struct why *w)
{
	char whole[QUOTE_MAX * 2 + 8];
	const char *a = argv[0], *right = NULL, *p;
	const char *zone = zone_of(c);
	struct ymd d, e;
	enum tp_rc rc;
	size_t dl = 0, an = strlen(a);
	int64_t f, t;
	int n = 1, fm, tm;

	/* "9:00-10:30", "9:00- 10:30", "9:00 -10:30", "9:00 - 10:30",
	 * "9:00 to 10:30": find where the end starts. */
	for (p = a; *p != '\0' && (dl = dash_len(p)) == 0; p++)
		;
	if (*p != '\0') {
		an = (size_t)(p - a);
		right = p + dl;
	} else if (argc >= 2 && (dl = dash_len(argv[1])) > 0) {
		right = argv[1] + dl;
		n = 2;
	} else if (argc >= 2 && word_is(argv[1], "to")) {
		right = "";
		n = 2;
	}
	if (right == NULL)
		return TP_NOMATCH;
	if (*right == '\0' && argc > n)
		right = argv[n++];

	if ((rc = clock_parse(a, an, &fm, w)) != TP_OK)
		return rc; /* not a span at all, or a bad start */
	join_words(argv, n, whole, sizeof(whole));
	rc = clock_parse(right, strlen(right), &tm, w);
	if (rc == TP_NOMATCH)
		return bad(w, whole, strlen(whole),
		           "is not a span of times. " TRY_SPAN);
	if (rc != TP_OK)
		return rc;
	if (fm == tm)
		return bad(w, whole, strlen(whole),
		           "ends when it starts. " TRY_SPAN);

	if (!local_day(zone, day_start, &d, NULL))
		return TP_NOMATCH;
	e = tm < fm ? ymd_add(d, 1, NULL) : d;
	mv->n = 0;
	if (!clock_at(zone, d, fm, &f, mv) || !clock_at(zone, e, tm, &t, mv))
		return TP_NOMATCH;
	/* Only a spring-forward gap can do this: 02:30-03:15 on the day
	 * 02:00 jumps to 03:00 starts at 03:30. */
	if (t <= f)
		return bad(w, whole, strlen(whole),
		           "takes no time on that day: the clocks go forward "
		           "then. " TRY_SPAN);
	*used = n;
	*from = f;
	*to = t;
	return TP_OK;
}

enum tp_rc
tp_span_moved(const struct tp_ctx *c, char *const *argv, int argc,
              int64_t day_start, int *used, int64_t *from, int64_t *to,
              struct tp_moved *moved, struct text *err)
{
	struct tp_moved mv;
	struct why w;
	enum tp_rc rc;

	if (argv == NULL || argc < 1)
		return TP_NOMATCH;
	rc = span_parse(c, argv, argc, day_start, used, from, to, &mv, &w);
	if (rc == TP_OK && moved != NULL)
		*moved = mv;
	return report(rc, &w, err);
}

enum tp_rc
tp_span(const struct tp_ctx *c, char *const *argv, int argc,
        int64_t day_start, int *used, int64_t *from, int64_t *to,
        struct text *err)
{
	return tp_span_moved(c, argv, argc, day_start, used, from, to, NULL,
	                     err);
}

/* Copies s into label, cut at a character boundary if it does not fit. */
static void
set_label(char *label, size_t labelsz, const char *s)
{
	size_t n;

	if (label == NULL || labelsz == 0)
		return;
	n = utf8_prefix(s, strlen(s), labelsz - 1);
	memcpy(label, s, n);
	label[n] = '\0';
}

/*
 * "Mon 23 Nov 2026" for one day; for several, as little repeated as reads
 * well: "Mon 23 – Wed 25 Nov 2026", "Mon 30 Nov – Wed 2 Dec 2026",
 * "Wed 30 Dec 2026 – Fri 1 Jan 2027". Days of the month have no leading
 * zero. The longest, two full dates around the dash, is 35 bytes: well
 * within TP_LABEL_MAX.
 */
static void
days_label(struct ymd a, struct ymd b, char *buf, size_t bufsz)
{
	int wa, wb;

	a = ymd_add(a, 0, &wa);
	b = ymd_add(b, 0, &wb);
	if (a.y == b.y && a.m == b.m && a.d == b.d)
		snprintf(buf, bufsz, "%s %d %s %d", wday_name[wa], a.d,
		         mon_name[a.m - 1], a.y);
	else if (a.y != b.y)
		snprintf(buf, bufsz, "%s %d %s %d \xe2\x80\x93 %s %d %s %d",
		         wday_name[wa], a.d, mon_name[a.m - 1], a.y,
		         wday_name[wb], b.d, mon_name[b.m - 1], b.y);
	else if (a.m != b.m)
		snprintf(buf, bufsz, "%s %d %s \xe2\x80\x93 %s %d %s %d",
		         wday_name[wa], a.d, mon_name[a.m - 1],
		         wday_name[wb], b.d, mon_name[b.m - 1], b.y);
	else
		snprintf(buf, bufsz, "%s %d \xe2\x80\x93 %s %d %s %d",
		         wday_name[wa], a.d, wday_name[wb], b.d,
		         mon_name[b.m - 1], b.y);
}

/* The named periods of tp_range. */
enum period { P_WEEK, P_MONTH, P_YEAR };

static bool
period_of(const char *s, enum period *p)
{
	if (word_is(s, "week"))
		*p = P_WEEK;
	else if (word_is(s, "month"))
		*p = P_MONTH;
	else if (word_is(s, "year"))
		*p = P_YEAR;
	else
		return false;
	return true;
}

/* [from, to) of period p containing now, or back steps before it. */
static bool
period_bounds(const struct tp_ctx *c, enum period p, int back, int64_t *from,
              int64_t *to)
{
	const char *zone = zone_of(c);
	struct ymd t;
	int wday;

	if (!local_day(zone, c->now, &t, &wday))
		return false;
	switch (p) {
	case P_WEEK: /* weeks start on Monday; tz_mktime carries the days */
		t.d -= (wday + 6) % 7 + 7 * back;
		return local_at(zone, t.y, t.m, t.d, 0, from) &&
		       local_at(zone, t.y, t.m, t.d + 7, 0, to);
	case P_MONTH:
		t.m -= back;
		return local_at(zone, t.y, t.m, 1, 0, from) &&
		       local_at(zone, t.y, t.m + 1, 1, 0, to);
	case P_YEAR:
		t.y -= back;
		return local_at(zone, t.y, 1, 1, 0, from) &&
		       local_at(zone, t.y + 1, 1, 1, 0, to);
	}
	return false;
}

/*
 * The days of a range of two weekdays, ws..we (0 Sunday): this week's
 * (weeks start on Monday), the first in last week when it comes later in
 * the week than the second ("fri..mon"). Leaves *d, *e as they are when
 * the zone maths fails.
 */
static void
week_days(const struct tp_ctx *c, int ws, int we, struct ymd *d,
          struct ymd *e)
{
	struct ymd today, monday;
	int wday, s = (ws + 6) % 7, t = (we + 6) % 7; /* 0 Monday */

	if (!local_day(zone_of(c), c->now, &today, &wday))
		return;
	monday = ymd_add(today, -((wday + 6) % 7), NULL);
	*d = ymd_add(monday, s > t ? s - 7 : s, NULL);
	*e = ymd_add(monday, t, NULL);
}

/*
 * Refuses the range s[0..n), whose ".." is at s[ln], for ending before it
 * starts, proposing the same two days the right way round: never the
 * words that were just refused. Both sides are days, so short.
 */
static enum tp_rc
backwards(struct why *w, const char *s, size_t n, size_t ln)
{
	char rest[96];

	snprintf(rest, sizeof(rest), "ends before it starts. Try %.*s..%.*s.",
	         (int)(n - ln - 2), s + ln + 2, (int)ln, s);
	return bad(w, s, n, rest);
}

/* tp_range without the err hand-over. */
static enum tp_rc
range_parse(const struct tp_ctx *c, char *const *argv, int argc, int *used,
            int64_t *from, int64_t *to, char *label, size_t labelsz,
            struct why *w)
{
	static const char *const names[][2] = {
		[P_WEEK] = { "this week", "last week" },
		[P_MONTH] = { "this month", "last month" },
		[P_YEAR] = { "this year", "last year" },
	};
	char buf[TP_LABEL_MAX];
	const char *a = argv[0], *dots;
	const char *zone = zone_of(c);
	struct ymd d, e;
	enum tp_rc rl, rr;
	enum period p;
	size_t an = strlen(a);
	int64_t f, t;
	int back;

	/* this week, last month, year ... */
	back = word_is(a, "last") ? 1 : word_is(a, "this") ? 0 : -1;
	if (back >= 0) {
		if (argc < 2 || !period_of(argv[1], &p))
			return TP_NOMATCH;
		if (!period_bounds(c, p, back, &f, &t))
			return TP_NOMATCH;
		*used = 2;
		set_label(label, labelsz, names[p][back]);
		goto done;
	}
	if (period_of(a, &p)) {
		if (!period_bounds(c, p, 0, &f, &t))
			return TP_NOMATCH;
		*used = 1;
		set_label(label, labelsz, names[p][0]);
		goto done;
	}

	/* DAY..DAY, or one DAY */
	if ((dots = strstr(a, "..")) != NULL) {
		size_t ln = (size_t)(dots - a);

		/* A broken day on either side speaks for itself. */
		if ((rl = day_parse(c, a, ln, &d, w)) == TP_BAD)
			return rl;
		if ((rr = day_parse(c, dots + 2, an - ln - 2, &e, w)) == TP_BAD)
			return rr;
		if (rl == TP_NOMATCH && rr == TP_NOMATCH)
			return TP_NOMATCH;
		if (rl != TP_OK || rr != TP_OK)
			return bad(w, a, an, "is not a range of days. " TRY_RANGE);
		if (weekday_of(a, ln) >= 0 && weekday_of(dots + 2, an - ln - 2) >= 0)
			week_days(c, weekday_of(a, ln),
			          weekday_of(dots + 2, an - ln - 2), &d, &e);
		if (ymd_before(e, d))
			return backwards(w, a, an, ln);
		days_label(d, e, buf, sizeof(buf));
	} else {
		if ((rl = day_parse(c, a, an, &d, w)) != TP_OK)
			return rl;
		e = d;
		if (word_is(a, "today") || word_is(a, "yesterday"))
			snprintf(buf, sizeof(buf), "%s",
			         word_is(a, "today") ? "today" : "yesterday");
		else
			days_label(d, e, buf, sizeof(buf));
	}
	if (!local_at(zone, d.y, d.m, d.d, 0, &f) ||
	    !local_at(zone, e.y, e.m, e.d + 1, 0, &t))
		return TP_NOMATCH;
	*used = 1;
	set_label(label, labelsz, buf);
done:
	*from = f;
	*to = t;
	return TP_OK;
}

enum tp_rc
tp_range(const struct tp_ctx *c, char *const *argv, int argc, int *used,
         int64_t *from, int64_t *to, char *label, size_t labelsz,
         struct text *err)
{
	struct why w;

	if (argv == NULL || argc < 1)
		return TP_NOMATCH;
	return report(range_parse(c, argv, argc, used, from, to, label,
	                          labelsz, &w),
	              &w, err);
}
