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
 *
 * On TP_BAD one sentence is appended to err (which may be NULL); on TP_OK
 * and TP_NOMATCH err is not touched. The other outputs (*used, *out,
 * *from, *to, label...) are written only on TP_OK, except *keep of
 * tp_trailing_when, which is argc on anything but TP_OK. A c->tz that is
 * NULL, empty or longer than TZ_NAME_MAX counts as UTC.
 *
 * Shapes decide between TP_NOMATCH and TP_BAD, so that notes stay notes:
 *   a clock is 1-2 digits with ":" groups and/or "am"/"pm"; a bare "9" is
 *   TP_NOMATCH (a count, not a time), "25:00", "24:00", "9:5",
 *   "17:00:00", "13pm" are TP_BAD;
 *   a date is 4 digits, "-", 1-2 digits, "-", 1-2 digits ("2026-1-5" is
 *   5 January); "2026-02-30" and years outside 2000-9999 are TP_BAD;
 *   a duration starts with a number and a known unit, or is H:MM; "90",
 *   "1.5", "9am", "3d" are TP_NOMATCH, "0m", "-1h", "1h1h", "30m1h" and
 *   more than TP_DURATION_MAX are TP_BAD.
 */
#ifndef TIMMY_TIMEPARSE_H
#define TIMMY_TIMEPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/text.h"

enum tp_rc { TP_OK, TP_NOMATCH, TP_BAD };

/* The longest duration accepted: 1000 hours. */
#define TP_DURATION_MAX INT64_C(3600000)

/* A label buffer of this size always holds tp_range's label whole. */
#define TP_LABEL_MAX 64

struct tp_ctx {
	int64_t now;    /* UTC epoch seconds */
	const char *tz; /* IANA zone for calendar days and clock times */
};

/* At most this many clock times in one parse: the two ends of a span. */
#define TP_MOVED_MAX 2

/*
 * The clock times a parse had to move because that day does not have
 * them: a time in a spring-forward gap (02:30 on the night 02:00 jumps to
 * 03:00) moves forward by the gap, and the reply should say so. The
 * tp_*_moved forms fill this in on TP_OK (n is 0 when nothing moved) and
 * leave it alone otherwise; the plain forms do the same parse without it.
 * A time that occurs twice is not moved (the first is taken, silently).
 */
struct tp_moved {
	int n;
	struct {
		int y, m, d;  /* the local day it was asked on; month 1-12 */
		int asked;    /* the clock time asked, minutes after midnight */
		int64_t used; /* the instant used instead */
	} at[TP_MOVED_MAX];
};

/*
 * One word as a duration: "45m", "2h", "1h30m", "1.5h", "90min", "1:30",
 * "30s", "2hours", "1h 30m" is two words and not accepted here. Units:
 * s|sec|secs|second|seconds, m|min|mins|minute|minutes, h|hr|hrs|hour|hours.
 * "1:30" is H:MM ("1:30:15" H:MM:SS). *secs > 0 on TP_OK; zero is TP_BAD.
 * Units fall from left to right, each at most once; after h or m a bare
 * whole number under 60 is the next unit ("1h30" is 1h30m, "2m30" is
 * 2m30s). Fractions ("1.5h", ".5h", "1.25m", "1,5h" with a decimal comma)
 * are rounded to the nearest whole second, halves up. At most
 * TP_DURATION_MAX; "-1h" is TP_BAD.
 */
enum tp_rc tp_duration(const char *word, int64_t *secs, struct text *err);

/*
 * One word as a calendar day, into the local midnight that starts it:
 * "today", "yesterday", a weekday ("mon".."sun", "monday".., "tues",
 * "thurs": the most recent such day, today included), "YYYY-MM-DD".
 * With a clock time a weekday is the latest such moment that has begun
 * (tp_time); "add" with a span on a weekday takes the latest such day on
 * which the span has ended, for which it asks tp_is_weekday.
 */
enum tp_rc tp_day(const struct tp_ctx *c, const char *word, int64_t *day_start,
                  struct text *err);

/* True when word names a weekday ("mon", "Tuesday", "thurs"...). */
bool tp_is_weekday(const char *word);

/* The weekday (0 Sunday .. 6) that s[0..n) names ("mon", "Tuesday",
 * "thurs"...), or -1. */
int tp_weekday(const char *s, size_t n);

/*
 * One word as a clock time of no day in particular, into minutes after
 * midnight (0 to 1439): "9:30", "09:30", "17:00", "5pm", "12am". The
 * shapes of tp_time's CLOCK: TP_NOMATCH for a word shaped like none
 * ("9", "soon"), TP_BAD for one that is no time of day ("25:00").
 */
enum tp_rc tp_clock(const char *word, int *mins, struct text *err);

/*
 * A point in time from argv[0..argc), using 1 to 2 words (*used):
 *   now
 *   CLOCK                      today at that time: 9:30 09:30 9am 5:15pm 17:00
 *   DAY CLOCK                  yesterday 17:00, mon 9:00, 2026-11-23 17:00
 *   CLOCK DAY                  9:30 yesterday (the order people also write)
 *   DATE"T"CLOCK               2026-11-23T17:00 (one word)
 *   DURATION ago               15m ago, 1h30m ago
 * CLOCK is H:MM, HH:MM, H[:MM]am/pm (12am is midnight, 12pm noon); no
 * seconds. A weekday with a clock is the latest such moment that has
 * begun: on a Monday at 00:27 "mon 9:00" is last Monday 09:00, at 10:00
 * today's. A local time in a DST gap moves forward by the gap (the
 * _moved form says so); one that occurs twice is the first. The result
 * may lie in the future ("17:00" at noon, "today 17:00"): refusing that
 * is the command's business. A DAY alone ("yesterday") is not a point in
 * time: TP_NOMATCH. A broken word in a slot that clearly holds a time is
 * TP_BAD ("yesterday 25:00", "2026-02-30 9:00", "0m ago").
 */
enum tp_rc tp_time(const struct tp_ctx *c, char *const *argv, int argc,
                   int *used, int64_t *out, struct text *err);
enum tp_rc tp_time_moved(const struct tp_ctx *c, char *const *argv, int argc,
                         int *used, int64_t *out, struct tp_moved *moved,
                         struct text *err);

/*
 * The optional "when" at the END of a command's words: "at TIME" or
 * "DURATION ago" (the latter also without "at"). On TP_OK, *keep is the
 * number of leading words that are not part of it (so "start acme meeting
 * at 9:30" keeps 2: "acme meeting") and *out the time. TP_NOMATCH when the
 * words end in no such phrase (then *keep == argc): "at the office" is
 * not a time, it stays in the note. TP_BAD when "at" is followed by
 * something that is clearly a broken time ("at 25:00").
 * "at" is followed by exactly the 1 or 2 words of a tp_time; the 2-word
 * reading is tried first ("at yesterday 17:00"). "at 9" stays text.
 */
enum tp_rc tp_trailing_when(const struct tp_ctx *c, char *const *argv,
                            int argc, int *keep, int64_t *out,
                            struct text *err);
enum tp_rc tp_trailing_when_moved(const struct tp_ctx *c, char *const *argv,
                                  int argc, int *keep, int64_t *out,
                                  struct tp_moved *moved, struct text *err);

/*
 * A span of clock times "9:00-10:30" (one word) or "9:00 - 10:30" (three
 * words), on the day that starts at day_start (local midnight; pass the
 * result of tp_day or today's). The end may pass midnight ("22:00-01:00"
 * ends on the next day). Uses *used words; [*from, *to) with *to > *from.
 * Also "9:00- 10:30", "9:00 -10:30", "9:00 to 10:30", and an en or em
 * dash for the hyphen. Equal ends ("9:00-9:00") are TP_BAD, and so is a
 * span that a spring-forward gap leaves empty (02:30-03:15 on that day).
 * TP_NOMATCH unless the first clock is followed by a dash or "to"; after
 * that a missing or broken end is TP_BAD.
 */
enum tp_rc tp_span(const struct tp_ctx *c, char *const *argv, int argc,
                   int64_t day_start, int *used, int64_t *from, int64_t *to,
                   struct text *err);
enum tp_rc tp_span_moved(const struct tp_ctx *c, char *const *argv, int argc,
                         int64_t day_start, int *used, int64_t *from,
                         int64_t *to, struct tp_moved *moved,
                         struct text *err);

/*
 * A range of whole days [*from, *to), from 1 to 2 words (*used):
 *   today | yesterday | week | this week | last week | month | this month |
 *   last month | year | this year | last year | DAY | DAY..DAY
 * where DAY is as in tp_day (DAY..DAY includes the last day:
 * "2026-11-01..2026-11-30" is all of November). Weeks start on Monday.
 * Two weekdays name days of this week, whatever today is: "mon..wed" is
 * Monday to Wednesday of the week that holds today, also on a Monday
 * (then two of its days are still to come). When the first comes later
 * in the week than the second, the range reaches back into last week:
 * "fri..mon" is last Friday to this Monday, "sun..sun" this week's
 * Sunday alone. A weekday next to another kind of DAY is the latest such
 * day, as alone. Any other range whose end is before its start is TP_BAD,
 * and its hint is the same range the right way round.
 * label (labelsz bytes) gets a short human name for headings and "nothing
 * recorded" replies: "today", "yesterday", "this week", "last month",
 * "Mon 23 Nov 2026", "Mon 23 – Wed 25 Nov 2026".
 * Month and year appear once when both ends share them: "Mon 30 Nov –
 * Wed 2 Dec 2026", "Wed 30 Dec 2026 – Fri 1 Jan 2027"; no leading zero on
 * the day; English names whatever the locale; the dash is U+2013 with a
 * space either side. A label cut to fit labelsz ends on a character
 * boundary; label may be NULL. "today" and "yesterday" as DAY keep their
 * names as labels; a weekday gets its date.
 */
enum tp_rc tp_range(const struct tp_ctx *c, char *const *argv, int argc,
                    int *used, int64_t *from, int64_t *to, char *label,
                    size_t labelsz, struct text *err);

#endif
