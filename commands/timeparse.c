/*
 * commands/timeparse.c - clock times, durations, points in time and spans
 * from chat words. See timeparse.h for the grammar; days and ranges are in
 * timeparse_range.c, the reading helpers both share in timeparse_read.c.
 * Depends on lib/ (tz for all zone maths, text for the error sentence)
 * only; nothing here reads the clock.
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

#include "../lib/str.h"
#include "../lib/tz.h"
#include "timeparse_int.h"

#define BAD_CLOCK "is not a time of day. " TRY_CLOCK
#define BAD_DURATION "is not a duration. " TRY_DURATION

static const struct tp_named units[] = {
	{ "s", 1 }, { "sec", 1 }, { "secs", 1 }, { "second", 1 },
	{ "seconds", 1 },
	{ "m", 60 }, { "min", 60 }, { "mins", 60 }, { "minute", 60 },
	{ "minutes", 60 },
	{ "h", 3600 }, { "hr", 3600 }, { "hrs", 3600 }, { "hour", 3600 },
	{ "hours", 3600 },
};

/*
 * tp_local_at for a clock time the user typed: mins minutes after the start
 * of day d. When that day does not have it (a spring-forward gap moved
 * it), records that in mv (which may be NULL).
 */
static bool
clock_at(const char *zone, struct ymd d, int mins, int64_t *out,
         struct tp_moved *mv)
{
	struct tm tm;

	if (!tp_local_at(zone, d.y, d.m, d.d, mins, out))
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

	while (i < n && i < 3 && tp_is_digit((unsigned char)s[i]))
		h = h * 10 + (s[i++] - '0');
	if (i == 0 || i > 2)
		return TP_NOMATCH;
	while (i < n && s[i] == ':') {
		size_t d = 0;

		i++;
		groups++;
		for (; i < n && tp_is_digit((unsigned char)s[i]); i++, d++)
			if (groups == 1 && d < 2)
				m = m * 10 + (s[i] - '0');
		if (groups == 1)
			mdigits = d;
	}
	if (n - i == 2 && (str_lower((unsigned char)s[i]) == 'a' ||
	                   str_lower((unsigned char)s[i]) == 'p') &&
	    str_lower((unsigned char)s[i + 1]) == 'm') {
		half = str_lower((unsigned char)s[i]) == 'a' ? 1 : 2;
		i += 2;
	}
	if (i != n || (groups == 0 && half == 0))
		return TP_NOMATCH;

	if (groups > 1 || (groups == 1 && (mdigits != 2 || m > 59)))
		return tp_bad(w, s, n, BAD_CLOCK);
	if (half != 0) {
		if (h < 1 || h > 12)
			return tp_bad(w, s, n, BAD_CLOCK);
		h = h % 12 + (half == 2 ? 12 : 0); /* 12am is 0, 12pm 12 */
	} else if (h > 23) {
		return tp_bad(w, s, n, BAD_CLOCK);
	}
	*mins = h * 60 + m;
	return TP_OK;
}

/* The seconds in the unit s[0..n) names ("min" is 60), or -1. */
static int
unit_secs(const char *s, size_t n)
{
	return tp_named_value(units, NELEM(units), s, n);
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

	if (n == 0 || !tp_is_digit((unsigned char)s[0]) ||
	    memchr(s, ':', n) == NULL)
		return TP_NOMATCH;
	for (i = 0; i < n; i++)
		if (s[i] != ':' && !tp_is_digit((unsigned char)s[i]))
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
			return tp_bad(w, s, n, BAD_DURATION);
		v = (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
		if (v > 59)
			return tp_bad(w, s, n, BAD_DURATION);
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
		for (; i < n && tp_is_digit((unsigned char)s[i]); i++, idig++) {
			if (ip < 10000000)
				ip = ip * 10 + (s[i] - '0');
			else
				huge = true;
		}
		/* a decimal comma too: "1,5h" is how half of Europe writes it */
		if (i < n && (s[i] == '.' || s[i] == ',')) {
			for (i++; i < n && tp_is_digit((unsigned char)s[i]);
			     i++, fdig++)
				if (fdig < 6)
					frac = frac * 10 + (s[i] - '0');
			if (fdig == 0)
				return any ? tp_bad(w, s, n, BAD_DURATION)
				           : TP_NOMATCH;
		} else if (idig == 0) {
			return any ? tp_bad(w, s, n, BAD_DURATION)
			           : TP_NOMATCH;
		}
		for (start = i; i < n && tp_is_alpha((unsigned char)s[i]); i++)
			;
		bare = i == start;
		if (bare) {
			/* "1h30": minutes after hours, seconds after minutes,
			 * whole and under 60, and only at the end. */
			if (!any)
				return TP_NOMATCH;
			if (i != n || fdig > 0 || idig > 2 || ip > 59 || last == 1)
				return tp_bad(w, s, n, BAD_DURATION);
			unit = last / 60;
		} else if ((unit = unit_secs(s + start, i - start)) < 0) {
			return any ? tp_bad(w, s, n, BAD_DURATION)
			           : TP_NOMATCH;
		} else if (unit >= last) {
			return tp_bad(w, s, n, BAD_DURATION);
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
		return tp_bad(w, s, n, "is not a duration: it must be more "
		                       "than zero. " TRY_DURATION);
	if (v > TP_DURATION_MAX)
		return tp_bad(w, s, n, "is too long: a duration can be at most "
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
	if ((rc = tp_date_parse(s, (size_t)(t - s), &d, w)) != TP_OK)
		return rc;
	rc = clock_parse(t + 1, n - (size_t)(t - s) - 1, &mins, w);
	if (rc == TP_NOMATCH)
		return tp_bad(w, s, n, "is not a date and time. " TRY_DATETIME);
	if (rc != TP_OK)
		return rc;
	if (!clock_at(tp_zone(c), d, mins, out, mv))
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
	if (tp_word_is(a, "now")) {
		*out = c->now;
		*used = 1;
		return TP_OK;
	}
	if (argc >= 2 && tp_word_is(argv[1], "ago")) {
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
			rc = tp_day_parse(c, argv[1], strlen(argv[1]), &d, w);
		if (rc == TP_BAD)
			return rc;
		if (rc == TP_OK) {
			n = 2;
			dayword = argv[1];
		} else if (!tp_local_day(tp_zone(c), c->now, &d, NULL)) {
			return TP_NOMATCH;
		}
	} else {
		/* DAY CLOCK; a day alone is not a point in time */
		if ((rc = tp_day_parse(c, a, strlen(a), &d, w)) != TP_OK)
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
		if (!tp_local_at(tp_zone(c), d.y, d.m, d.d, mins, &t))
			return TP_NOMATCH;
		if (t > c->now)
			d = tp_ymd_add(d, -7, NULL);
	}
	if (!clock_at(tp_zone(c), d, mins, &t, mv))
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
	return tp_report(duration_parse(word, strlen(word), secs, &w), &w, err);
}

enum tp_rc
tp_clock(const char *word, int *mins, struct text *err)
{
	struct why w;

	if (word == NULL)
		return TP_NOMATCH;
	return tp_report(clock_parse(word, strlen(word), mins, &w), &w, err);
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
	if ((rc = tp_day_parse(c, word, strlen(word), &d, &w)) != TP_OK)
		return tp_report(rc, &w, err);
	if (!tp_local_at(tp_zone(c), d.y, d.m, d.d, 0, &t))
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
	return tp_report(rc, &w, err);
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
			return; /* tp_bad() shortens the quote anyway */
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

	return tp_is_digit((unsigned char)word[0]) || tp_word_is(word, "now") ||
	       tp_word_is(word, "tomorrow") ||
	       tp_day_parse(c, word, strlen(word), &d, &w) == TP_OK;
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
	if (argc >= 2 && tp_word_is(argv[argc - 1], "ago")) {
		rc = duration_parse(argv[argc - 2], strlen(argv[argc - 2]), &t,
		                    &w);
		if (rc == TP_BAD)
			return tp_report(rc, &w, err);
		if (rc == TP_OK) {
			k = argc - 2;
			if (k >= 1 && tp_word_is(argv[k - 1], "at"))
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
			tp_bad(&w, argv[argc - 2], strlen(argv[argc - 2]),
			       "is not a duration. Try 15m ago or 1h30m ago.");
			return tp_report(TP_BAD, &w, err);
		}
	}

	/* "... at TIME": the longer reading first, so "at yesterday 17:00"
	 * is not read as "at yesterday" plus a stray "17:00". */
	for (nw = 2; nw >= 1; nw--) {
		if (argc < nw + 1 || !tp_word_is(argv[argc - nw - 1], "at"))
			continue;
		rc = time_parse(c, argv + argc - nw, nw, &used, &t, &mv, &w);
		if (rc == TP_BAD)
			return tp_report(rc, &w, err);
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
		if (argc >= nw + 1 && tp_word_is(argv[argc - nw - 1], "at") &&
		    time_like(c, argv[argc - nw])) {
			char words[QUOTE_MAX * 2 + 8];

			join_words(argv + argc - nw, nw, words, sizeof(words));
			tp_bad(&w, words, strlen(words),
			       tp_word_is(argv[argc - nw], "tomorrow") ?
			       "is in the future: entries hold time that has "
			       "passed. Try at 9:30 or 15m ago." :
			       "is not a time. Try at 9:30, at 5pm or at "
			       "yesterday 17:00.");
			return tp_report(TP_BAD, &w, err);
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
	const char *zone = tp_zone(c);
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
	} else if (argc >= 2 && tp_word_is(argv[1], "to")) {
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
		return tp_bad(w, whole, strlen(whole),
		              "is not a span of times. " TRY_SPAN);
	if (rc != TP_OK)
		return rc;
	if (fm == tm)
		return tp_bad(w, whole, strlen(whole),
		              "ends when it starts. " TRY_SPAN);

	if (!tp_local_day(zone, day_start, &d, NULL))
		return TP_NOMATCH;
	e = tm < fm ? tp_ymd_add(d, 1, NULL) : d;
	mv->n = 0;
	if (!clock_at(zone, d, fm, &f, mv) || !clock_at(zone, e, tm, &t, mv))
		return TP_NOMATCH;
	/* Only a spring-forward gap can do this: 02:30-03:15 on the day
	 * 02:00 jumps to 03:00 starts at 03:30. */
	if (t <= f)
		return tp_bad(w, whole, strlen(whole),
		              "takes no time on that day: the clocks go "
		              "forward then. " TRY_SPAN);
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
	return tp_report(rc, &w, err);
}

enum tp_rc
tp_span(const struct tp_ctx *c, char *const *argv, int argc,
        int64_t day_start, int *used, int64_t *from, int64_t *to,
        struct text *err)
{
	return tp_span_moved(c, argv, argc, day_start, used, from, to, NULL,
	                     err);
}
