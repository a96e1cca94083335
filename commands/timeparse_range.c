/*
 * commands/timeparse_range.c - ranges of days for reports: "mon..wed",
 * "2026-11-01..2026-11-30", "week", "last month", and the label that
 * names them. See timeparse.h for the grammar. Depends on the reading
 * helpers (timeparse_int.h) and lib/ only.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../lib/tz.h"
#include "../lib/utf8.h"
#include "timeparse_int.h"

static const char *const wday_name[] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
};
static const char *const mon_name[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

static bool
ymd_before(struct ymd a, struct ymd b)
{
	if (a.y != b.y)
		return a.y < b.y;
	if (a.m != b.m)
		return a.m < b.m;
	return a.d < b.d;
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

	a = tp_ymd_add(a, 0, &wa);
	b = tp_ymd_add(b, 0, &wb);
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
	if (tp_word_is(s, "week"))
		*p = P_WEEK;
	else if (tp_word_is(s, "month"))
		*p = P_MONTH;
	else if (tp_word_is(s, "year"))
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
	const char *zone = tp_zone(c);
	struct ymd t;
	int wday;

	if (!tp_local_day(zone, c->now, &t, &wday))
		return false;
	switch (p) {
	case P_WEEK: /* weeks start on Monday; tz_mktime carries the days */
		t.d -= (wday + 6) % 7 + 7 * back;
		return tp_local_at(zone, t.y, t.m, t.d, 0, from) &&
		       tp_local_at(zone, t.y, t.m, t.d + 7, 0, to);
	case P_MONTH:
		t.m -= back;
		return tp_local_at(zone, t.y, t.m, 1, 0, from) &&
		       tp_local_at(zone, t.y, t.m + 1, 1, 0, to);
	case P_YEAR:
		t.y -= back;
		return tp_local_at(zone, t.y, 1, 1, 0, from) &&
		       tp_local_at(zone, t.y + 1, 1, 1, 0, to);
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

	if (!tp_local_day(tp_zone(c), c->now, &today, &wday))
		return;
	monday = tp_ymd_add(today, -((wday + 6) % 7), NULL);
	*d = tp_ymd_add(monday, s > t ? s - 7 : s, NULL);
	*e = tp_ymd_add(monday, t, NULL);
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
	return tp_bad(w, s, n, rest);
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
	const char *zone = tp_zone(c);
	struct ymd d, e;
	enum tp_rc rl, rr;
	enum period p;
	size_t an = strlen(a);
	int64_t f, t;
	int back;

	/* this week, last month, year ... */
	back = tp_word_is(a, "last") ? 1 : tp_word_is(a, "this") ? 0 : -1;
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
		if ((rl = tp_day_parse(c, a, ln, &d, w)) == TP_BAD)
			return rl;
		rr = tp_day_parse(c, dots + 2, an - ln - 2, &e, w);
		if (rr == TP_BAD)
			return rr;
		if (rl == TP_NOMATCH && rr == TP_NOMATCH)
			return TP_NOMATCH;
		if (rl != TP_OK || rr != TP_OK)
			return tp_bad(w, a, an,
			              "is not a range of days. " TRY_RANGE);
		if (tp_weekday_of(a, ln) >= 0 &&
		    tp_weekday_of(dots + 2, an - ln - 2) >= 0)
			week_days(c, tp_weekday_of(a, ln),
			          tp_weekday_of(dots + 2, an - ln - 2), &d, &e);
		if (ymd_before(e, d))
			return backwards(w, a, an, ln);
		days_label(d, e, buf, sizeof(buf));
	} else {
		if ((rl = tp_day_parse(c, a, an, &d, w)) != TP_OK)
			return rl;
		e = d;
		if (tp_word_is(a, "today") || tp_word_is(a, "yesterday"))
			snprintf(buf, sizeof(buf), "%s", tp_word_is(a, "today") ?
			                                 "today" : "yesterday");
		else
			days_label(d, e, buf, sizeof(buf));
	}
	if (!tp_local_at(zone, d.y, d.m, d.d, 0, &f) ||
	    !tp_local_at(zone, e.y, e.m, e.d + 1, 0, &t))
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
	return tp_report(range_parse(c, argv, argc, used, from, to, label,
	                             labelsz, &w),
	                 &w, err);
}
