/*
 * commands/rounding.h - the rounding of worked time that a user's
 * setting `rounding` asks of reports and exports: each entry rounded to
 * 6, 15 or 30 minutes, up or to the nearest.
 *
 * The rule: rounding applies to an entry's worked seconds (its span less
 * its breaks), never to wall-clock times, so a DST night changes nothing
 * of it; and it applies per entry and day: an entry's part in each local
 * day is rounded on its own, as if it were an entry of its own, so that
 * an entry across midnight counts as two. Then a report's total is the
 * sum of its rows, by day or not, and a week's the sum of its days.
 * Nothing is rounded away to less than zero, and an entry of 0 seconds
 * stays 0 under any rule; a second over a boundary goes up to the next
 * one under "up". Under "nearest" half a unit rounds up (7m 30s of a
 * 15m rule is 15m), so a short entry may count 0.
 *
 * Pure functions over plain values; the zone is an argument.
 * storage/report.c does the same arithmetic in SQL for reports
 * (store_report_rounded); tests/unit/test_rounding.c holds the two to
 * the same answers.
 */
#ifndef TIMMY_ROUNDING_H
#define TIMMY_ROUNDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../storage/store.h"

/* Room for what rounding_format and rounding_say write, with the NUL. */
#define ROUNDING_TEXT_MAX 48

struct rounding {
	int minutes; /* the unit: 0 (no rounding), 6, 15 or 30 */
	bool up;     /* true: up to the next multiple; false: the nearest,
	                half a unit up */
};

/* true when r rounds anything (minutes > 0). */
bool rounding_on(const struct rounding *r);

/* secs rounded by r: a multiple of r's unit, or secs itself when r is
 * off; 0 for secs <= 0. */
int64_t rounding_apply(const struct rounding *r, int64_t secs);

/*
 * The worked seconds of e as a rounded report counts them: its part in
 * each local day of zone (up to now while it runs, less its breaks'
 * part that day), each rounded by r, summed. r off: store_worked_secs.
 */
int64_t rounding_entry(const struct rounding *r, const struct store_entry *e,
                       const char *zone, int64_t now);

/* The setting's spelling of r: "none", "15m up", "6m nearest" (prefs.c
 * reads it back). */
void rounding_format(const struct rounding *r, char *buf, size_t n);

/* What a report's heading says of r: "rounded up to 15 min per entry",
 * "rounded to the nearest 6 min per entry"; "" when r is off. */
void rounding_say(const struct rounding *r, char *buf, size_t n);

#endif
