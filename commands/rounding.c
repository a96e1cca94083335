/*
 * commands/rounding.c - rounding worked time by the rule of a user's
 * setting (rounding.h says the rule and why it is per entry and day).
 *
 * Dependency rule: storage/store.h for the entry and its breaks, lib/ for
 * the calendar; nothing else.
 */
#include "rounding.h"

#include <stdio.h>

#include "../lib/tz.h"

/*
 * Bounds on an entry the store never holds (its times are past ones, its
 * entries days or weeks long), kept so that any entry an export is given
 * costs little and no sum overflows: times are clipped to +-2^40 s (some
 * 35,000 years), and past this many days the rest is one part.
 */
#define TIME_LIMIT (INT64_C(1) << 40)
#define DAYS_MAX 3700

bool
rounding_on(const struct rounding *r)
{
	return r != NULL && r->minutes > 0;
}

int64_t
rounding_apply(const struct rounding *r, int64_t secs)
{
	int64_t unit;

	if (secs <= 0)
		return 0;
	if (!rounding_on(r))
		return secs;
	unit = (int64_t)r->minutes * 60;
	/* Up: any part of a unit is a unit. Nearest: half a unit or more
	 * is one (half up, as the hundredths of decimal hours round). */
	return (secs + (r->up ? unit - 1 : unit / 2)) / unit * unit;
}

int64_t
rounding_entry(const struct rounding *r, const struct store_entry *e,
               const char *zone, int64_t now)
{
	int64_t stop = e->stop != 0 ? e->stop : now, lo, hi, part, sum = 0;
	int days = 0;

	if (!rounding_on(r))
		return store_worked_secs(e, now);
	lo = e->start > -TIME_LIMIT ? e->start : -TIME_LIMIT;
	if (stop > TIME_LIMIT)
		stop = TIME_LIMIT;
	for (; lo < stop; lo = hi) {
		/* A zone that cannot say where the day ends: the rest is one
		 * part, as in a report of a single bucket. */
		if (++days > DAYS_MAX || (hi = tz_next_day(zone, lo)) < 0 ||
		    hi > stop)
			hi = stop;
		part = hi - lo - store_break_secs(e, lo, hi, now);
		sum += rounding_apply(r, part);
	}
	return sum;
}

void
rounding_format(const struct rounding *r, char *buf, size_t n)
{
	if (!rounding_on(r))
		snprintf(buf, n, "none");
	else
		snprintf(buf, n, "%dm %s", r->minutes, r->up ? "up" : "nearest");
}

void
rounding_say(const struct rounding *r, char *buf, size_t n)
{
	if (!rounding_on(r))
		snprintf(buf, n, "%s", "");
	else
		snprintf(buf, n, "rounded %s %d min per entry",
		         r->up ? "up to" : "to the nearest", r->minutes);
}
