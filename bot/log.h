/*
 * bot/log.h - the daemon's log: one line per event on stderr, with a level.
 *
 * Only bot/ logs. storage/ and commands/ return errors to their caller,
 * who reports each once, here, with context.
 */
#ifndef TIMMY_LOG_H
#define TIMMY_LOG_H

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Sets the most verbose level that is printed (default LOG_INFO). */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* "error", "warn", "info", "debug"; returns -1 for anything else. */
int log_level_parse(const char *name);
const char *log_level_name(enum log_level level);

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
