/*
 * storage/snapshot.c - one read transaction around a command that only
 * reads, so that its statements share one snapshot of the database and
 * one read lock.
 *
 * Measured with strace through a private Prosody: a `status` took ten
 * fcntl calls, a read lock taken and let go by each of its five
 * statements in autocommit (the message's key, the user's zone, the
 * running entry, the day's total, ...): 40 % of the bot's system calls
 * for it, beside SQLite's own work to open each read transaction
 * (sqlite3BtreeBeginTrans, 2,000 instructions each). In one transaction
 * the lock is taken once.
 *
 * Dependency rule: the statements of db.h (through store_int.h) and libc only.
 */
#include "store_int.h"

bool
store_read_begin(store *st)
{
	STORE_SQL(q, "read-begin", "BEGIN DEFERRED");

	/* Inside a transaction already: its snapshot serves. A failure
	 * costs only the saving: each statement then reads on its own. */
	if (!db_autocommit(st))
		return false;
	/* What a write transaction that SQLite ended by itself kept of its
	 * user row is not for this one. */
	store_write_over(st);
	return store_sql_run(st, &q) == STORE_OK;
}

void
store_read_end(store *st, bool began)
{
	STORE_SQL(q, "read-end", "COMMIT");

	/* A statement that failed may have ended it already. */
	if (began && !db_autocommit(st) &&
	    store_sql_run(st, &q) != STORE_OK)
		store_rollback(st);
}
