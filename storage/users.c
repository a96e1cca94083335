/*
 * storage/users.c - the users table: finding and adding a user by bare
 * JID, the user's own settings (the time zone), and who has time in a
 * range (store_active).
 *
 * Dependency rule: the statements of db.h (through store_int.h) and libc only.
 */
#include <stdbool.h>
#include <string.h>

#include "store_int.h"
#include "store_sql.h"

/*
 * A start looks up its user row six times (its undo step, the running
 * entry, the overlap, the delete, the insert, the message's key), three
 * of them with the INSERT of store_user_get. Measured with callgrind
 * (cmd_exec in the chat benchmark's pattern), answering all but the
 * first from memory saves 24,000 instructions of a start. Inside a write
 * transaction the row, once found, stays what it is until the
 * transaction ends (no statement deletes users) or a rollback to a
 * savepoint takes back its INSERT; struct store keeps it for that long.
 */
static bool
user_known(store *st, const char *owner, int64_t *uid)
{
	/* The transaction ended without store_commit or store_rollback
	 * (SQLite rolls back by itself after some errors): what it kept
	 * may have gone with it. */
	if (db_autocommit(st))
		store_write_over(st);
	if (!st->writing || st->user_jid[0] == '\0' || owner == NULL ||
	    strcmp(st->user_jid, owner) != 0)
		return false;
	*uid = st->user_id;
	return true;
}

/* Keeps owner's row uid for user_known, inside a write transaction. */
static void
user_keep(store *st, const char *owner, int64_t uid)
{
	size_t n;

	if (!st->writing || db_autocommit(st) ||
	    (n = strnlen(owner, STORE_OWNER_MAX + 1)) > STORE_OWNER_MAX)
		return;
	memcpy(st->user_jid, owner, n + 1);
	st->user_id = uid;
}

void
store_user_forget(store *st)
{
	st->user_jid[0] = '\0';
}

void
store_write_over(store *st)
{
	st->writing = false;
	store_user_forget(st);
}

store_rc
store_user_find(store *st, const char *owner, int64_t *uid)
{
	STORE_SQL(q, "find-user",
		"SELECT id FROM users WHERE jid = :owner");
	db_stmt *s;
	store_rc ret;

	if (user_known(st, owner, uid))
		return STORE_OK;
	if ((ret = store_sql_owner(st, &q, owner, &s)) != STORE_OK)
		return ret;
	*uid = db_int64(s, 0);
	store_reset(s);
	user_keep(st, owner, *uid);
	return STORE_OK;
}

store_rc
store_user_get(store *st, const char *owner, int64_t *uid)
{
	/* A write first, so that outside a transaction the write lock is
	 * taken before anything is read (and the busy timeout applies). */
	STORE_SQL(q, "add-user",
		"INSERT INTO users (jid) VALUES (:owner)"
		" ON CONFLICT (jid) DO NOTHING");
	store_rc ret;

	if (user_known(st, owner, uid))
		return STORE_OK;
	if ((ret = store_sql_owner(st, &q, owner, NULL)) != STORE_OK)
		return ret;
	ret = store_user_find(st, owner, uid);
	if (ret == STORE_NOTFOUND) /* cannot be: it was just added */
		return store_failf(st, "find-user: user vanished after insert");
	return ret;
}

store_rc
store_user_tz(store *st, const char *owner, char *buf, size_t n)
{
	STORE_SQL(q, "user-tz",
		"SELECT tz FROM users WHERE jid = :owner");
	const unsigned char *tz;
	db_stmt *s;
	store_rc ret;
	int len;

	if (n == 0)
		return store_failf(st, "user-tz: no room for the zone");
	buf[0] = '\0';
	ret = store_sql_owner(st, &q, owner, &s);
	if (ret != STORE_OK) /* no user row: no zone either */
		return ret == STORE_NOTFOUND ? STORE_OK : ret;
	tz = db_text(s, 0);
	len = db_bytes(s, 0);
	if (tz == NULL && db_nomem(st)) {
		store_reset(s);
		return store_failf(st, "user-tz: out of memory");
	}
	if (tz != NULL) {
		if (len < 0 || (size_t)len >= n) {
			store_reset(s);
			return store_failf(st, "user-tz: the zone does not fit "
			                   "in %zu bytes", n);
		}
		memcpy(buf, tz, (size_t)len);
		buf[len] = '\0';
	}
	store_reset(s);
	return STORE_OK;
}

/* Sets (NULL: clears) the zone of user uid. */
static store_rc
set_tz(store *st, int64_t uid, const char *tz)
{
	STORE_SQL(q, "set-user-tz",
		"UPDATE users SET tz = :tz WHERE id = :uid");
	db_stmt *s;

	if ((s = store_sql_uid(st, &q, uid)) == NULL)
		return STORE_ERR;
	/* One byte over the limit reaches the CHECK, which says no. */
	return store_sql_done(st, &q, s, tz != NULL ?
	                      store_bind_text(s, ":tz", tz, STORE_TZ_MAX + 1) :
	                      store_bind_null(s, ":tz"));
}

store_rc
store_set_user_tz(store *st, const char *owner, const char *tz)
{
	store_rc ret;
	int64_t uid;

	if (tz == NULL) {
		/* Clearing needs no user row where there is none, and then
		 * changes nothing. */
		ret = store_user_find(st, owner, &uid);
		if (ret != STORE_OK)
			return ret == STORE_NOTFOUND ? STORE_OK : ret;
	}
	/* A refused zone leaves no new user row behind. */
	if ((ret = store_savepoint(st)) != STORE_OK)
		return ret;
	if (tz != NULL)
		ret = store_user_get(st, owner, &uid);
	if (ret == STORE_OK)
		ret = set_tz(st, uid, tz);
	return store_savepoint_end(st, ret);
}

store_rc
store_active(store *st, int64_t from, int64_t to, int64_t now,
             size_t limit, store_active_cb cb, void *arg,
             int64_t *total)
{
	/* Who has time in a range ("who"): the hits of every user, one
	 * range of entries_user_start per user (as "list-all-count"
	 * counts them), summed per user and clipped to the range as
	 * SQL_CLIPPED does (a running entry up to :now, less its breaks);
	 * count(*) OVER ()
	 * counts the users before LIMIT (-1: none) cuts: one row per user,
	 * not per entry. */
	STORE_SQL(q, "active-users",
		SQL_HITS("true")
		"SELECT jid, sum(max(min(coalesce(stop, :now), :to)"
		"  - max(start, :from)"
		"  - " SQL_BREAKS("hits.id", ":from", ":to") ", 0)) AS secs,"
		" max(CASE WHEN stop IS NULL THEN 1 ELSE 0 END), count(*) OVER ()"
		" FROM hits GROUP BY jid ORDER BY secs DESC, jid LIMIT :limit");
	char jid[STORE_OWNER_MAX + 1];
	db_stmt *s;
	int64_t users = 0;
	int rc;

	if (total != NULL)
		*total = 0;
	if ((s = store_sql_prepare(st, &q)) == NULL)
		return STORE_ERR;
	rc = store_bind_span(s, from, to, now);
	/* The largest limit is none (SQLite's LIMIT -1 is an error in
	 * PostgreSQL). */
	if (rc == DB_OK)
		rc = store_bind_int64(s, ":limit", limit == 0 ||
		                      limit > (size_t)INT64_MAX ? INT64_MAX :
		                      (int64_t)limit);
	if (rc != DB_OK)
		return store_sql_fail(st, &q, rc);
	while ((rc = db_step(s)) == DB_ROW) {
		if (!store_copy_text(jid, sizeof jid, s, 0)) {
			store_reset(s);
			return store_failf(st, "active-users: a stored JID does "
			                   "not fit");
		}
		users = db_int64(s, 3);
		if (cb != NULL)
			cb(jid, db_int64(s, 1),
			   db_int(s, 2) != 0, arg);
	}
	if (rc != DB_DONE)
		return store_sql_fail(st, &q, rc);
	store_reset(s);
	if (total != NULL)
		*total = users;
	return STORE_OK;
}
