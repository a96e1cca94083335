/*
 * bot/log.h - the daemon's log: one line per event on stderr, with a level.
 *
 * Only bot/ logs. storage/ and commands/ return errors to their caller,
 * who reports each once, here, with context.
 */
#ifndef TIMMY_LOG_H
#define TIMMY_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Sets the most verbose level that is printed (default LOG_INFO). */
void log_set_level(enum log_level level);

/* "error", "warn", "info", "debug"; returns -1 for anything else. */
int log_level_parse(const char *name);
const char *log_level_name(enum log_level level);

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Counted lines, for what a sender can repeat at will (a stranger's
 * stanzas): the first event from a key (a bare JID) is logged in full by
 * the caller, and the rest within LOG_TALLY_WINDOW_MS only counted; at
 * the window's end log_tally_sweep writes one line with the count, so a
 * flood from one sender makes one line a minute. A key that stayed quiet
 * for a whole window is forgotten, and its next event is logged in full
 * again. Memory is bounded: LOG_TALLY_SLOTS keys at once; a new key takes
 * the place of the one whose window began first, whose count is written
 * then. Every call takes the time in milliseconds (any monotonic clock).
 */
#define LOG_TALLY_SLOTS 256
#define LOG_TALLY_WINDOW_MS 60000

struct log_tally;

/* A new tally whose count lines say why the events were ignored (why, a
 * string that outlives the tally, e.g. "not in access.allow"). The caller
 * frees it with log_tally_free; NULL when out of memory. */
struct log_tally *log_tally_new(const char *why);

/* Writes the counts not written yet, then frees t. NULL is fine. */
void log_tally_free(struct log_tally *t);

/* True when the event from key at now is to be logged in full (the first
 * in its window); false when it is only counted. Always true for a NULL
 * tally or when out of memory: then every event is logged. */
bool log_tally_first(struct log_tally *t, const char *key, int64_t now);

/* At info: "ignored N more stanzas from KEY (why) in the last minute" for
 * each key whose window has ended with a count, and forgets the keys
 * whose window ended without one. Call it every second or so. */
void log_tally_sweep(struct log_tally *t, int64_t now);

#endif
