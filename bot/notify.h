/*
 * bot/notify.h - telling systemd how the daemon is doing (sd_notify(3)):
 * ready, a one-line status, reloading, stopping, and the watchdog.
 *
 * Private to bot/; the only place that includes <systemd/sd-daemon.h>.
 * Without $NOTIFY_SOCKET (not started by systemd with Type=notify) every
 * call does nothing, and libsystemd is not even loaded (notify.c).
 */
#ifndef TIMMY_NOTIFY_H
#define TIMMY_NOTIFY_H

#include <stdint.h>

/* Loads libsystemd.so.0 when systemd asks for notifications (logs an
 * error when it is missing), and reads the watchdog interval systemd asks
 * for ($WATCHDOG_USEC), if any. At start; later calls do nothing. */
void notify_init(void);

/* STATUS=... (printf format; control characters become '?'). */
void notify_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* READY=1 with STATUS=...: the first time the daemon is in service. Later
 * calls send only the status. */
void notify_ready(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* RELOADING=1 before a configuration reload and READY=1 after it, with
 * the status from before. Nothing while the daemon was never ready. */
void notify_reloading(void);
void notify_reloaded(void);

/* STOPPING=1: the daemon is shutting down. */
void notify_stopping(void);

/* WATCHDOG=1 when half the watchdog interval has passed since the last
 * one; now_ms is a monotonic clock in milliseconds. Call it from the main
 * loop on every turn, so a loop that hangs stops the pings and systemd
 * restarts the daemon. */
void notify_watchdog(int64_t now_ms);

#endif
