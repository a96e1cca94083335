/*
 * lib/tz.h - IANA time zones: validation, local time, day and period
 * boundaries.
 *
 * glibc has no per-call time zone API, so these functions switch the TZ
 * environment variable (and call tzset) when the zone changes. timmy is
 * single-threaded; nothing else in the process may rely on TZ.
 * Nothing here reads the clock: "now" is always an argument. Plain C and
 * libc; includes nothing of the project.
 */
#ifndef TIMMY_TZ_H
#define TIMMY_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define TZ_NAME_MAX 64

/*
 * True when name is a time zone the system knows: "UTC", or a file under
 * the zoneinfo directory ($TZDIR or /usr/share/zoneinfo) in TZif format.
 * Rejects absolute paths, "..", and POSIX TZ strings, which glibc would
 * otherwise silently treat as UTC.
 */
bool tz_valid(const char *name);

/*
 * The spelling of zone name in the zoneinfo directory when name differs
 * from it only in ASCII case ("europe/berlin" is "Europe/Berlin", "utc"
 * "UTC"), into out; 0, or -1 when no zone is named so in any case.
 */
int tz_spelling(const char *name, char *out, size_t outsz);

/*
 * The zone a user's times are in: zone, their own (tz command), when it
 * is set and valid, else fallback (the configured default). Borrowed:
 * one of the two arguments.
 */
const char *tz_or_default(const char *zone, const char *fallback);

/* Breaks t down into local time of zone into *out. Returns 0 or -1. */
int tz_local(const char *zone, int64_t t, struct tm *out);

/*
 * The epoch seconds of local time *tm in zone (tm_isdst is ignored and
 * worked out; fields out of range are normalised, so tm_mday + 1 is the
 * next day). A local time that does not exist (a spring-forward gap) is
 * moved forward by the gap (02:30 becomes 03:30); one that occurs twice
 * (a fall-back) is the first. Returns -1 on failure.
 */
int64_t tz_mktime(const char *zone, const struct tm *tm);

/* Local midnight at the start of the day that contains t. */
int64_t tz_day_start(const char *zone, int64_t t);

/*
 * Local midnight at the start of the day after the one that contains t
 * (a midnight a DST gap skips moves forward, as tz_mktime says): always
 * after t. -1 when the zone cannot say.
 */
int64_t tz_next_day(const char *zone, int64_t t);

/* Named periods for reports. */
enum tz_period { TZ_TODAY, TZ_WEEK, TZ_MONTH };

/*
 * Bounds [*from, *to) of the period containing now, in zone: today, the
 * week starting on Monday, the calendar month.
 */
void tz_period(const char *zone, enum tz_period p, int64_t now,
               int64_t *from, int64_t *to);

#endif
