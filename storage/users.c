/*
 * storage/users.c - the users table: finding and adding a user by bare
 * JID, the user's own settings (the time zone), and who has time in a
 * range (store_active).
 *
 * Dependency rule: SQLite (through store_int.h) and libc only. The SQL is
 * in store.c's statement table.
 */
#include <string.h>

#include "store_int.h"

store_rc store_user_find(store *st, const char *owner, int64_t *uid)
{
	sqlite3_stmt *s;
	int rc;

	if (owner == NULL)
		return store_failf(st, "find-user: no owner");
	if ((s = store_stmt(st, STMT_USER_FIND)) == NULL)
		return STORE_ERR;
	rc = store_bind_text(s, ":owner", owner, STORE_OWNER_MAX + 1);
	if (rc != SQLITE_OK)
		return store_fail(st, STMT_USER_FIND, rc);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		store_reset(s);
		return STORE_NOTFOUND;
	}
	if (rc != SQLITE_ROW)
		return store_fail(st, STMT_USER_FIND, rc);
	*uid = sqlite3_column_int64(s, 0);
	store_reset(s);
	return STORE_OK;
}

store_rc store_user_get(store *st, const char *owner, int64_t *uid)
{
	sqlite3_stmt *s;
	store_rc ret;
	int rc;

	if (owner == NULL)
		return store_failf(st, "add-user: no owner");
	if ((s = store_stmt(st, STMT_USER_ADD)) == NULL)
		return STORE_ERR;
	rc = store_bind_text(s, ":owner", owner, STORE_OWNER_MAX + 1);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, STMT_USER_ADD, rc);
	store_reset(s);
	ret = store_user_find(st, owner, uid);
	if (ret == STORE_NOTFOUND) /* cannot be: it was just added */
		return store_failf(st, "find-user: user vanished after insert");
	return ret;
}

store_rc store_user_tz(store *st, const char *owner, char *buf, size_t n)
{
	const unsigned char *tz;
	sqlite3_stmt *s;
	int rc, len;

	if (n == 0)
		return store_failf(st, "user-tz: no room for the zone");
	buf[0] = '\0';
	if (owner == NULL)
		return store_failf(st, "user-tz: no owner");
	if ((s = store_stmt(st, STMT_USER_TZ)) == NULL)
		return STORE_ERR;
	rc = store_bind_text(s, ":owner", owner, STORE_OWNER_MAX + 1);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) { /* no user row: no zone either */
		store_reset(s);
		return STORE_OK;
	}
	if (rc != SQLITE_ROW)
		return store_fail(st, STMT_USER_TZ, rc);
	tz = sqlite3_column_text(s, 0);
	len = sqlite3_column_bytes(s, 0);
	if (tz == NULL && sqlite3_errcode(st->db) == SQLITE_NOMEM) {
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
static store_rc set_tz(store *st, int64_t uid, const char *tz)
{
	sqlite3_stmt *s;
	int rc;

	if ((s = store_stmt(st, STMT_USER_SET_TZ)) == NULL)
		return STORE_ERR;
	rc = store_bind_int64(s, ":uid", uid);
	/* One byte over the limit reaches the CHECK, which says no. */
	if (rc == SQLITE_OK)
		rc = tz != NULL ? store_bind_text(s, ":tz", tz, STORE_TZ_MAX + 1) :
		                  store_bind_null(s, ":tz");
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, STMT_USER_SET_TZ, rc);
	store_reset(s);
	return STORE_OK;
}

store_rc store_set_user_tz(store *st, const char *owner, const char *tz)
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

store_rc store_active(store *st, int64_t from, int64_t to, int64_t now,
                      size_t limit, store_active_cb cb, void *arg,
                      int64_t *total)
{
	char jid[STORE_OWNER_MAX + 1];
	sqlite3_stmt *s;
	int64_t users = 0;
	int rc;

	if (total != NULL)
		*total = 0;
	if ((s = store_stmt(st, STMT_ACTIVE)) == NULL)
		return STORE_ERR;
	rc = store_bind_span(s, from, to, now);
	/* LIMIT -1 is none. */
	if (rc == SQLITE_OK)
		rc = store_bind_int64(s, ":limit", limit == 0 ||
		                      limit > (size_t)INT64_MAX ? -1 :
		                      (int64_t)limit);
	if (rc != SQLITE_OK)
		return store_fail(st, STMT_ACTIVE, rc);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (!store_copy_text(jid, sizeof jid, s, 0)) {
			store_reset(s);
			return store_failf(st, "active-users: a stored JID does "
			                   "not fit");
		}
		users = sqlite3_column_int64(s, 3);
		if (cb != NULL)
			cb(jid, sqlite3_column_int64(s, 1),
			   sqlite3_column_int(s, 2) != 0, arg);
	}
	if (rc != SQLITE_DONE)
		return store_fail(st, STMT_ACTIVE, rc);
	store_reset(s);
	if (total != NULL)
		*total = users;
	return STORE_OK;
}
