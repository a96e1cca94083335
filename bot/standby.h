/*
 * bot/standby.h - one timmy serves, the others wait (standby.c).
 */
#ifndef TIMMY_STANDBY_H
#define TIMMY_STANDBY_H

#include <signal.h>

#include "../storage/store.h"

/* How often a standby asks for the lead, and the leader whether its
 * database is still there, in milliseconds. */
#define STANDBY_TRY_MS 2000

/*
 * Returns when this process leads among those sharing st's database (at
 * once on SQLite, or when no other one leads): 0; 1 when *stop was set
 * meanwhile; -1 when the database failed (logged). While it waits,
 * systemd is told READY with the status "standby".
 */
int standby_wait(store *st, volatile sig_atomic_t *stop);

#endif
