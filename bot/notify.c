/*
 * bot/notify.c - sd_notify(3) for systemd's Type=notify and WatchdogSec=.
 * See notify.h. Part of bot/; uses libsystemd (through dlopen) and log.h
 * only.
 *
 * sd_notify sends a datagram to the socket named by $NOTIFY_SOCKET and
 * returns 0 without one, so outside systemd (a terminal, the tests by
 * default) nothing is sent and nothing needs checking here. A failure to
 * send is logged once at debug: the daemon works the same without it.
 *
 * libsystemd.so.0 is loaded by notify_init, and only when systemd asks
 * for notifications ($NOTIFY_SOCKET or $WATCHDOG_USEC set). Linked in,
 * it and what it needs (libcap, libgcrypt, libgpg-error, liblzma,
 * libzstd, liblz4) were loaded by every `timmy report` and `--version`
 * and mapped into a daemon started from a terminal. Missing, the log
 * says so at start and the daemon runs on without telling systemd
 * (which then gives up on it after TimeoutStartSec=, with that line in
 * the journal). Test builds (TIMMY_TEST_HOOKS) take the soname from
 * $TIMMY_TEST_LIBSYSTEMD, so a test can see that error.
 *
 * Measured after login, idle, 1,000,000 entries: 9.6 MiB resident
 * without $NOTIFY_SOCKET, 10.5 MiB with it, of which libsystemd 412 kB
 * and the libraries it loads 572 kB (libgpg-error, libgcrypt, libzstd,
 * liblzma, liblz4, libcap); 15.2 MiB when all were linked. Writing the
 * datagram ourselves (the protocol sd_notify(3) documents) would save
 * that megabyte under systemd; the library is kept as the reference
 * implementation of it.
 */
#include "notify.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#include "log.h"

/* The longest STATUS= text; a longer one is cut. */
#define STATUS_MAX 256

static char status[STATUS_MAX];  /* the last STATUS= sent by notify_ready
                                    or notify_status */
static bool ready;               /* READY=1 was sent */
static bool failed_logged;
static int64_t watchdog_ms;      /* half the watchdog interval; 0: none */
static int64_t watchdog_next;    /* monotonic ms the next ping is due */

#define SYSTEMD_SONAME "libsystemd.so.0"

/* libsystemd's calls, once notify_init loaded it; else NULL. */
static void *libsystemd;
static __typeof__(sd_notify) *notify_fn;
static __typeof__(sd_watchdog_enabled) *watchdog_enabled_fn;

/* Sends state (assignments, one per line); says so once if it fails. */
static void
send_state(const char *state)
{
	int r;

	if (notify_fn == NULL)
		return;
	r = notify_fn(0, state);

	if (r < 0 && !failed_logged) {
		failed_logged = true;
		log_debug("sd_notify failed (error %d); carrying on", -r);
	}
}

/* Formats the status into status[], control characters (which would
 * start another assignment) as '?'. */
static void
set_status(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

static void
set_status(const char *fmt, va_list ap)
{
	char *p;

	if (vsnprintf(status, sizeof(status), fmt, ap) < 0)
		status[0] = '\0';
	for (p = status; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

/* Loads libsystemd when systemd asks for notifications. Returns true
 * when sd_notify and sd_watchdog_enabled are there to call. */
static bool
load_libsystemd(void)
{
	const char *soname = SYSTEMD_SONAME;

	if (libsystemd != NULL)
		return true;
	if (getenv("NOTIFY_SOCKET") == NULL && getenv("WATCHDOG_USEC") == NULL)
		return false;
#ifdef TIMMY_TEST_HOOKS
	if (getenv("TIMMY_TEST_LIBSYSTEMD") != NULL)
		soname = getenv("TIMMY_TEST_LIBSYSTEMD");
#endif
	if ((libsystemd = dlopen(soname, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		log_error("systemd notification needs %s: %s; not telling "
		          "systemd that the bot is ready", SYSTEMD_SONAME,
		          dlerror());
		return false;
	}
	/* POSIX: dlsym's void * converts to a function pointer. */
	notify_fn = (__typeof__(notify_fn))dlsym(libsystemd, "sd_notify");
	watchdog_enabled_fn = (__typeof__(watchdog_enabled_fn))dlsym(
		libsystemd, "sd_watchdog_enabled");
	if (notify_fn == NULL || watchdog_enabled_fn == NULL) {
		log_error("systemd notification needs %s with sd_notify and "
		          "sd_watchdog_enabled: %s", SYSTEMD_SONAME, dlerror());
		notify_fn = NULL;
		watchdog_enabled_fn = NULL;
		dlclose(libsystemd);
		libsystemd = NULL;
		return false;
	}
	return true;
}

void
notify_init(void)
{
	static bool done;
	uint64_t usec = 0;

	/* Once: a standby calls it before it waits, the session again. */
	if (done || !load_libsystemd())
		return;
	done = true;
	/* > 0 when $WATCHDOG_USEC is set (and $WATCHDOG_PID, if set, is
	 * us). */
	if (watchdog_enabled_fn(0, &usec) > 0 && usec > 0) {
		watchdog_ms = (int64_t)(usec / 2000);
		if (watchdog_ms < 1)
			watchdog_ms = 1;
		watchdog_next = 0;
		log_info("systemd watchdog: pinging every %lld ms",
		         (long long)watchdog_ms);
	}
}

/* Sends head (assignments ending in a newline, or "") and then STATUS=
 * with the status last set. */
static void
send_status(const char *head)
{
	char msg[STATUS_MAX + 32];

	snprintf(msg, sizeof(msg), "%sSTATUS=%s", head, status);
	send_state(msg);
}

void
notify_status(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_status(fmt, ap);
	va_end(ap);
	send_status("");
}

void
notify_ready(const char *fmt, ...)
{
	va_list ap;
	bool was_ready = ready;

	va_start(ap, fmt);
	set_status(fmt, ap);
	va_end(ap);
	ready = true;
	send_status(was_ready ? "" : "READY=1\n");
}

void
notify_reloading(void)
{
	char msg[128];
	struct timespec ts;

	if (!ready)
		return;
	/* MONOTONIC_USEC: systemd 253's Type=notify-reload wants it beside
	 * RELOADING=1; older ones ignore it. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(msg, sizeof(msg),
	         "RELOADING=1\nMONOTONIC_USEC=%llu\n"
	         "STATUS=reloading the configuration",
	         (unsigned long long)ts.tv_sec * 1000000ULL +
	                 (unsigned long long)ts.tv_nsec / 1000ULL);
	send_state(msg);
}

void
notify_reloaded(void)
{
	if (!ready)
		return;
	send_status("READY=1\n");
}

void
notify_stopping(void)
{
	send_state("STOPPING=1\nSTATUS=shutting down");
}

void
notify_watchdog(int64_t now_ms)
{
	if (watchdog_ms == 0 || now_ms < watchdog_next)
		return;
	send_state("WATCHDOG=1");
	watchdog_next = now_ms + watchdog_ms;
}
