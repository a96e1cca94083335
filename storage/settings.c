/*
 * storage/settings.c - the user_settings table: each user's settings,
 * one row per setting the user changed (name as the settings command
 * spells it, value as it reads back), and the snooze, a row "snooze"
 * whose value is the epoch second it ends. What a name means and which
 * values it takes is commands/prefs.c's business; here they are text.
 *
 * Dependency rule: the statements of db.h (through store_int.h) and libc only.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* Binds :name and :value (when value is not NULL) to s; one byte over
 * the limits, so that the CHECK of schema.sql refuses a longer one. */
static int
bind_setting(db_stmt *s, const char *name, const char *value)
{
	int rc = store_bind_text(s, ":name", name, STORE_SETTING_NAME_MAX + 1);

	if (rc == DB_OK && value != NULL)
		rc = store_bind_text(s, ":value", value,
		                     STORE_SETTING_VALUE_MAX + 1);
	return rc;
}

store_rc
store_setting_get(store *st, const char *owner, const char *name,
                  char *value, size_t n)
{
	STORE_SQL(q, "setting-get",
		"SELECT s.value FROM users AS u"
		" JOIN user_settings AS s ON s.user_id = u.id"
		" WHERE u.jid = :owner AND s.name = :name");
	db_stmt *s;
	store_rc ret;
	int rc;

	if (n == 0)
		return store_failf(st, "setting-get: no room for the value");
	value[0] = '\0';
	if (owner == NULL || name == NULL)
		return store_failf(st, "setting-get: no owner or name");
	if ((s = store_sql_prepare(st, &q)) == NULL)
		return STORE_ERR;
	rc = store_bind_text(s, ":owner", owner, STORE_OWNER_MAX + 1);
	if (rc == DB_OK)
		rc = bind_setting(s, name, NULL);
	if ((ret = store_sql_row(st, &q, s, rc)) != STORE_OK)
		return ret;
	if (!store_copy_text(value, n, s, 0)) {
		value[0] = '\0';
		store_reset(s);
		return store_failf(st, "setting-get: %s does not fit in %zu "
		                   "bytes", name, n);
	}
	store_reset(s);
	return STORE_OK;
}

/* The row (uid, name, value), replacing the one there was. */
static store_rc
put_setting(store *st, int64_t uid, const char *name, const char *value)
{
	STORE_SQL(q, "setting-set",
		"INSERT INTO user_settings (user_id, name, value)"
		" VALUES (:uid, :name, :value)"
		" ON CONFLICT (user_id, name) DO UPDATE SET value = excluded.value");
	db_stmt *s;

	if ((s = store_sql_uid(st, &q, uid)) == NULL)
		return STORE_ERR;
	return store_sql_done(st, &q, s, bind_setting(s, name, value));
}

store_rc
store_setting_set(store *st, const char *owner, const char *name,
                  const char *value)
{
	store_rc ret;
	int64_t uid;

	if (name == NULL || value == NULL)
		return store_failf(st, "setting-set: no name or value");
	/* As store_set_user_tz: a refused value leaves no new user row. */
	if ((ret = store_savepoint(st)) != STORE_OK)
		return ret;
	ret = store_user_get(st, owner, &uid);
	if (ret == STORE_OK)
		ret = put_setting(st, uid, name, value);
	return store_savepoint_end(st, ret);
}

store_rc
store_setting_unset(store *st, const char *owner, const char *name)
{
	STORE_SQL(q, "setting-unset",
		"DELETE FROM user_settings WHERE user_id = :uid AND name = :name");
	db_stmt *s;
	store_rc ret;
	int64_t uid;

	/* No user row: no setting either, and none is made. */
	if ((ret = store_user_find(st, owner, &uid)) != STORE_OK)
		return ret;
	if ((s = store_sql_uid(st, &q, uid)) == NULL)
		return STORE_ERR;
	ret = store_sql_done(st, &q, s, bind_setting(s, name, NULL));
	if (ret == STORE_OK && db_changes(st) == 0)
		return STORE_NOTFOUND;
	return ret;
}

store_rc
store_settings(store *st, const char *owner, store_setting_cb cb, void *arg)
{
	STORE_SQL(q, "settings",
		"SELECT s.name, s.value FROM users AS u"
		" JOIN user_settings AS s ON s.user_id = u.id"
		" WHERE u.jid = :owner ORDER BY s.name");
	char name[STORE_SETTING_NAME_MAX + 1], value[STORE_SETTING_VALUE_MAX + 1];
	db_stmt *s;
	store_rc ret;
	int rc;

	ret = store_sql_owner(st, &q, owner, &s);
	if (ret == STORE_NOTFOUND) /* no user row, or no settings */
		return STORE_OK;
	if (ret != STORE_OK)
		return ret;
	do {
		if (!store_copy_text(name, sizeof name, s, 0) ||
		    !store_copy_text(value, sizeof value, s, 1)) {
			store_reset(s);
			return store_failf(st, "settings: a stored setting does "
			                   "not fit");
		}
		if (cb != NULL)
			cb(name, value, arg);
	} while ((rc = db_step(s)) == DB_ROW);
	if (rc != DB_DONE)
		return store_sql_fail(st, &q, rc);
	store_reset(s);
	return STORE_OK;
}

store_rc
store_snooze(store *st, const char *owner, int64_t *until)
{
	char value[STORE_SETTING_VALUE_MAX + 1], *end;
	long long v;
	store_rc ret;

	*until = 0;
	ret = store_setting_get(st, owner, STORE_SNOOZE, value, sizeof value);
	if (ret != STORE_OK)
		return ret == STORE_NOTFOUND ? STORE_OK : ret;
	/* A row no number reads from is no snooze. */
	v = strtoll(value, &end, 10);
	if (end != value && *end == '\0' && v > 0)
		*until = v;
	return STORE_OK;
}

store_rc
store_set_snooze(store *st, const char *owner, int64_t until)
{
	char value[24];
	store_rc ret;

	if (until <= 0) {
		ret = store_setting_unset(st, owner, STORE_SNOOZE);
		return ret == STORE_NOTFOUND ? STORE_OK : ret;
	}
	snprintf(value, sizeof value, "%" PRId64, until);
	return store_setting_set(st, owner, STORE_SNOOZE, value);
}
