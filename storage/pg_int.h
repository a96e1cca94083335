/*
 * storage/pg_int.h - what pg.c shares with pg_copy.c: the connection,
 * libpq's functions, and the helpers that run plain SQL and record a
 * failure.
 *
 * Dependency rule: included only by pg.c and pg_copy.c.
 */
#ifndef TIMMY_PG_INT_H
#define TIMMY_PG_INT_H

#include "pg_load.h"
#include "store_int.h"

struct pg_link {
	PGconn *c;
	bool readonly;
	/* The open transaction was begun by a SAVEPOINT (SQLite's way),
	 * with depth savepoints of the caller's open in it. */
	bool sp_tx;
	int sp_depth;
	int64_t changes, total;
	/* Names server-side statements and cursors: s1, c2, ... */
	unsigned next_name;
	char errmsg[STORE_ERRMSG_MAX];
};

/* libpq's functions; loaded once a connection was made (pg_connect). */
const struct pq_api *pg_api(void);

/* Records "what: msg" (msg alone when what is NULL) as c's message,
 * without the newlines libpq ends it with. */
void pg_fail(struct pg_link *c, const char *what, const char *msg);

/* Runs sql without parameters; 0, or -1 with the message in c->errmsg. */
int pg_run(struct pg_link *c, const char *sql);

/* The failure of result r (NULL: the connection's) as db.h's code,
 * DB_CONSTRAINT for a refusal by a constraint or a trigger (SQLSTATE
 * class 23); its message in c->errmsg. name is unused. */
int pg_result_fail(struct pg_link *c, const char *name, const PGresult *r);

#endif
