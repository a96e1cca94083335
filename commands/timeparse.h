/*
 * commands/timeparse.h - the one parser of times, durations and ranges that
 * every command shares.
 *
 * Pure: "now" and the user's time zone are arguments, nothing here reads
 * the clock, so every case is a deterministic unit test. Words come from
 * the command tokeniser (already split on whitespace); matching of
 * keywords ignores ASCII case.
 *
 * Return codes: TP_OK (parsed; *used says how many words), TP_NOMATCH (the
 * words are not a time of this kind at all: the caller may try another
 * reading, e.g. as part of a note), TP_BAD (they clearly meant one but it
 * is wrong, e.g. "25:00" or "2026-02-30"; err holds a reply sentence that
 * quotes the bad part and shows a correct example).
 */
#ifndef TIMMY_TIMEPARSE_H
#define TIMMY_TIMEPARSE_H

#include <stddef.h>
#include <stdint.h>

#include "text.h"

enum tp_rc { TP_OK, TP_NOMATCH, TP_BAD };

struct tp_ctx {
	int64_t now;    /* UTC epoch seconds */
	const char *tz; /* IANA zone for calendar days and clock times */
};

/*
 * One word as a duration: "45m", "2h", "1h30m", "1.5h", "90min", "1:30",
 * "30s", "2hours", "1h 30m" is two words and not accepted here. Units:
 * s|sec|secs|second|seconds, m|min|mins|minute|minutes, h|hr|hrs|hour|hours.
 * "1:30" is H:MM. *secs > 0 on TP_OK; zero is TP_BAD.
 */
enum tp_rc tp_duration(const char *word, int64_t *secs, struct text *err);

/*
 * One word as a calendar day, into the local midnight that starts it:
 * "today", "yesterday", a weekday ("mon".."sun", "monday".., "tues",
 * "thurs": the most recent such day, today included), "YYYY-MM-DD".
 */
enum tp_rc tp_day(const struct tp_ctx *c, const char *word, int64_t *day_start,
                  struct text *err);

/*
 * A point in time from argv[0..argc), using 1 to 2 words (*used):
 *   now
 *   CLOCK                      today at that time: 9:30 09:30 9am 5:15pm 17:00
 *   DAY CLOCK                  yesterday 17:00, mon 9:00, 2026-11-23 17:00
 *   DATE"T"CLOCK               2026-11-23T17:00 (one word)
 *   DURATION ago               15m ago, 1h30m ago
 * CLOCK is H:MM, HH:MM, H[:MM]am/pm (12am is midnight, 12pm noon); no
 * seconds. A local time in a DST gap moves forward by the gap; one that
 * occurs twice is the first. The result may lie in the future: refusing
 * that is the command's business.
 */
enum tp_rc tp_time(const struct tp_ctx *c, char *const *argv, int argc,
                   int *used, int64_t *out, struct text *err);

/*
 * The optional "when" at the END of a command's words: "at TIME" or
 * "DURATION ago" (the latter also without "at"). On TP_OK, *keep is the
 * number of leading words that are not part of it (so "start acme meeting
 * at 9:30" keeps 2: "acme meeting") and *out the time. TP_NOMATCH when the
 * words end in no such phrase (then *keep == argc): "at the office" is
 * not a time, it stays in the note. TP_BAD when "at" is followed by
 * something that is clearly a broken time ("at 25:00").
 */
enum tp_rc tp_trailing_when(const struct tp_ctx *c, char *const *argv,
                            int argc, int *keep, int64_t *out,
                            struct text *err);

/*
 * A span of clock times "9:00-10:30" (one word) or "9:00 - 10:30" (three
 * words), on the day that starts at day_start (local midnight; pass the
 * result of tp_day or today's). The end may pass midnight ("22:00-01:00"
 * ends on the next day). Uses *used words; [*from, *to) with *to > *from.
 */
enum tp_rc tp_span(const struct tp_ctx *c, char *const *argv, int argc,
                   int64_t day_start, int *used, int64_t *from, int64_t *to,
                   struct text *err);

/*
 * A range of whole days [*from, *to), from 1 to 2 words (*used):
 *   today | yesterday | week | this week | last week | month | this month |
 *   last month | year | this year | last year | DAY | DAY..DAY
 * where DAY is as in tp_day (DAY..DAY includes the last day: "mon..wed" is
 * three days; "2026-11-01..2026-11-30" all of November). Weeks start on
 * Monday. A range whose end is before its start is TP_BAD.
 * label (labelsz bytes) gets a short human name for headings and "nothing
 * recorded" replies: "today", "yesterday", "this week", "last month",
 * "Mon 23 Nov 2026", "Mon 23 – Wed 25 Nov 2026".
 */
enum tp_rc tp_range(const struct tp_ctx *c, char *const *argv, int argc,
                    int *used, int64_t *from, int64_t *to, char *label,
                    size_t labelsz, struct text *err);

#endif
