/*
 * bot/standby.c - two or more timmy processes with one configuration on
 * one PostgreSQL database: the one that holds the database's leader lock
 * (store_lead, a session-level advisory lock) logs in to XMPP, the others
 * wait and ask again every STANDBY_TRY_MS. When the leader dies, however
 * it dies, its database session ends, the lock with it, and a standby
 * takes over: it logs in, and the server's offline storage and stream
 * management hand it what arrived meanwhile; the duplicate check of
 * messages is in the shared database, so nothing is applied twice. A
 * leader that loses its database stops at once (session.c, store_ping):
 * a standby may hold the lock by then.
 *
 * The wait sleeps in short steps so that SIGTERM ends it at once, and
 * pings systemd's watchdog meanwhile.
 */
#include "standby.h"

#include <time.h>

#include "clock.h"
#include "log.h"
#include "notify.h"

/* The steps of the wait: a stop is seen within this many ms. */
#define STANDBY_STEP_MS 100

int
standby_wait(store *st, volatile sig_atomic_t *stop)
{
	const struct timespec step = { 0, STANDBY_STEP_MS * 1000000L };
	bool leading = false, said = false;
	int64_t next = 0, now;

	while (!*stop) {
		now = mono_ms();
		if (now >= next) {
			if (store_lead(st, &leading) != STORE_OK) {
				log_error("database: %s", store_errmsg(st));
				return -1;
			}
			if (leading) {
				if (said)
					log_info("the leader is gone: taking "
					         "over");
				return 0;
			}
			if (!said) {
				said = true;
				notify_init();
				log_info("standby: another timmy serves this "
				         "database; asking again every %d s",
				         STANDBY_TRY_MS / 1000);
				notify_ready("standby");
			}
			next = now + STANDBY_TRY_MS;
		}
		notify_watchdog(now);
		nanosleep(&step, NULL);
	}
	return 1;
}
