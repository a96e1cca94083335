/*
 * commands/format.h - how times, durations and entries read in a reply.
 * Pure functions over plain values; the zone is always an argument.
 */
#ifndef TIMMY_FORMAT_H
#define TIMMY_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../storage/store.h"
#include "../lib/text.h"
#include "timeparse.h"

/* Buffer sizes that always suffice. */
#define FMT_DURATION_MAX 32
#define FMT_CLOCK_MAX 32
#define FMT_DAY_MAX 32

/* "42s" under a minute, "25m" under an hour, else "1h 05m"; "0m" for none. */
void fmt_duration(int64_t secs, char *buf, size_t n);

/*
 * Seconds in hundredths of an hour, rounded half up (108 for 1h 05m,
 * 150 for 5399 s and for 5401 s; 0 for none or less). Integer maths
 * only: no float drift, nothing overflows.
 */
int64_t fmt_centihours(int64_t secs);

/* Seconds as decimal hours with two decimals (fmt_centihours): "7.08"
 * for 7h 05m, "0.02" for 59 s, "0.00" for none. */
void fmt_hours(int64_t secs, char *buf, size_t n);

/* A worked time as the setting hours asks: decimal, "7.08 h"
 * (fmt_hours); else fmt_duration's "7h 05m". */
void fmt_worked(bool decimal, int64_t secs, char *buf, size_t n);

/* "Mon 2 Nov": a broken-down day, as every reply names one. */
void fmt_day(const struct tm *tm, char *buf, size_t n);

/* "14:05" when t is on the same local day as now, else "Mon 23 Nov 14:05". */
void fmt_clock(const char *zone, int64_t t, int64_t now, char *buf, size_t n);

/* Appends "acme +design +urgent (fix header)": project, tags, note. */
void fmt_entry(struct text *out, const struct store_entry *e);

/* "09:05": the local clock time of t, always short. */
void fmt_hm(const char *zone, int64_t t, char *buf, size_t n);

/*
 * The start and end of an entry as a log shows it under the day that
 * starts at day (a local midnight), into a and b (n bytes each, at least
 * FMT_CLOCK_MAX): "09:00" and "10:30" on that day. A time on another day
 * names it, so that no row reads as the wrong day: a start on an earlier
 * day "Sat 22:00", an end on a later one "Sun 01:00" (a week or more
 * away: "28 Nov 22:00"). A running entry (stop 0) ends "now".
 */
void fmt_log_times(const char *zone, int64_t day, int64_t start, int64_t stop,
                   char *a, char *b, size_t n);

/*
 * Appends one sentence per clock time that a parse moved out of a DST
 * gap: " 02:30 does not exist on Sun 8 Mar 2026 in America/New_York
 * (clocks went forward); I used 03:30." Nothing when none moved.
 */
void fmt_moved(struct text *out, const char *zone, const struct tp_moved *mv);

/*
 * The days of [from, to) (local midnights): "Wed 25 Nov 2026" for one day,
 * "Mon 23 – Sun 29 Nov 2026", "Mon 30 Nov – Wed 2 Dec 2026" or
 * "Wed 30 Dec 2026 – Fri 1 Jan 2027" for several.
 */
void fmt_days(const char *zone, int64_t from, int64_t to, char *buf, size_t n);

/*
 * Appends a heading for a period: the label with a capital ("Today"), and
 * when the label is a word rather than dates, the dates too: "This week,
 * Mon 23 – Sun 29 Nov 2026" (no final colon: callers may add more).
 */
void fmt_heading(struct text *out, const char *zone, const char *label,
                 int64_t from, int64_t to);

/*
 * The same for another user's data, as an admin sees it: "bob@example.org,
 * this week, Mon 23 – Sun 29 Nov 2026", the label as it is. user NULL:
 * fmt_heading.
 */
void fmt_heading_of(struct text *out, const char *user, const char *zone,
                    const char *label, int64_t from, int64_t to);

/* Display width of a UTF-8 string: one column per character. */
size_t fmt_width(const char *s);

#endif
