/*
 * commands/timeparse_int.h - what the parts of the time parser share:
 * the reading helpers of commands/timeparse_read.c, used by
 * commands/timeparse.c (clocks, durations, points in time, spans) and
 * commands/timeparse_range.c (days and ranges).
 *
 * Dependency rule: included only by those three files; everything else
 * uses timeparse.h.
 */
#ifndef TIMMY_TIMEPARSE_INT_H
#define TIMMY_TIMEPARSE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "timeparse.h"

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

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

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

/* A word with the number it stands for: a unit's seconds, a weekday. */
struct tp_named {
	const char *name;
	int value;
};

/* Characters and words, ASCII only: keywords are English and the locale
 * must not matter. tp_slice_is: s[0..n) is word (lower case), ignoring
 * ASCII case; tp_word_is the same for a whole string; tp_named_value:
 * the value of the entry of t (nt of them) that s[0..n) names, or -1. */
bool tp_is_digit(int ch);
bool tp_is_alpha(int ch);
bool tp_slice_is(const char *s, size_t n, const char *word);
bool tp_word_is(const char *s, const char *word);
int tp_named_value(const struct tp_named *t, size_t nt, const char *s,
                   size_t n);

/* Records in w why s[0..n) is wrong (the word quoted, then rest) and
 * returns TP_BAD; tp_report hands w to err when rc is TP_BAD. */
enum tp_rc tp_bad(struct why *w, const char *s, size_t n, const char *rest);
enum tp_rc tp_report(enum tp_rc rc, const struct why *w, struct text *err);

/* The zone to compute in: c->tz, or UTC when it is unusable. */
const char *tp_zone(const struct tp_ctx *c);

/* Calendar days: d moved by n days (and its weekday), the epoch seconds of
 * a local time, the local day that contains t. */
struct ymd tp_ymd_add(struct ymd d, int n, int *wday);
bool tp_local_at(const char *zone, int y, int m, int d, int mins,
                 int64_t *out);
bool tp_local_day(const char *zone, int64_t t, struct ymd *d, int *wday);

/* Words for days: YYYY-MM-DD, a weekday's name (its number, or -1), any
 * calendar day ("today", a weekday, a date). */
enum tp_rc tp_date_parse(const char *s, size_t n, struct ymd *out,
                         struct why *w);
int tp_weekday_of(const char *s, size_t n);
enum tp_rc tp_day_parse(const struct tp_ctx *c, const char *s, size_t n,
                        struct ymd *out, struct why *w);

#endif
