/*
 * storage/away.c - presence in the database: the moment a user left
 * (user_away), the question about a timer that ran while they were away
 * (idle_prompts), and the nudges sent about it (nudges_sent). schema.sql
 * has the tables and why they are kept here rather than in memory: the
 * question survives a restart of the bot.
 *
 * Dependency rule: the statements of db.h (through store_int.h) and libc only.
 */
#include <string.h>

#include "store_int.h"
#include "store_sql.h"

store_rc
store_away_set(store *st, const char *owner, int64_t since)
{
	/* The earliest moment wins: a later presence of someone already
	 * away does not move the moment they left. */
	STORE_SQL(q, "away-set",
		"INSERT INTO user_away (user_id, since) VALUES (:uid, :since)"
		" ON CONFLICT (user_id) DO UPDATE"
		" SET since = min(user_away.since, excluded.since)");
	db_stmt *s;
	store_rc ret;
	int64_t uid;

	if ((ret = store_user_find(st, owner, &uid)) != STORE_OK)
		return ret;
	if ((s = store_sql_uid(st, &q, uid)) == NULL)
		return STORE_ERR;
	return store_sql_done(st, &q, s, store_bind_int64(s, ":since", since));
}

store_rc
store_away_get(store *st, const char *owner, int64_t *since)
{
	STORE_SQL(q, "away-get",
		"SELECT a.since FROM user_away AS a JOIN users AS u"
		" ON u.id = a.user_id WHERE u.jid = :owner");
	db_stmt *s;
	store_rc ret;

	if ((ret = store_sql_owner(st, &q, owner, &s)) != STORE_OK)
		return ret;
	*since = db_int64(s, 0);
	store_reset(s);
	return STORE_OK;
}

store_rc
store_away_clear(store *st, const char *owner)
{
	STORE_SQL(q, "away-clear",
		"DELETE FROM user_away"
		" WHERE user_id = (SELECT id FROM users WHERE jid = :owner)");

	return store_sql_owner(st, &q, owner, NULL);
}

store_rc
store_away_running(store *st, store_owner_cb cb, void *arg)
{
	/* One row per user away (few), the running entry from the partial
	 * index entries_running, the note by the primary key of
	 * nudges_sent. */
	STORE_SQL(q, "away-running",
		"SELECT u.jid FROM user_away AS a"
		" JOIN users AS u ON u.id = a.user_id"
		" JOIN entries AS e ON e.user_id = a.user_id AND e.stop IS NULL"
		" WHERE e.start < a.since AND NOT EXISTS (SELECT 1"
		"  FROM nudges_sent AS n WHERE n.user_id = a.user_id"
		"  AND n.kind = 'idle' AND n.occasion = e.id)"
		" ORDER BY u.jid");
	char jid[STORE_OWNER_MAX + 1];
	db_stmt *s;
	int rc;

	if ((s = store_sql_prepare(st, &q)) == NULL)
		return STORE_ERR;
	while ((rc = db_step(s)) == DB_ROW) {
		if (!store_copy_text(jid, sizeof(jid), s, 0)) {
			store_reset(s);
			return store_failf(st, "away-running: a stored JID does "
			                   "not fit");
		}
		cb(jid, arg);
	}
	if (rc != DB_DONE)
		return store_sql_fail(st, &q, rc);
	store_reset(s);
	return STORE_OK;
}

store_rc
store_prompt_set(store *st, const char *owner,
                 const struct store_prompt *p)
{
	STORE_SQL(q, "prompt-set",
		"INSERT INTO idle_prompts"
		" (user_id, entry_id, away_from, away_to, expires)"
		" VALUES (:uid, :entry, :from, :to, :expires)"
		" ON CONFLICT (user_id) DO UPDATE SET entry_id = excluded.entry_id,"
		"  away_from = excluded.away_from, away_to = excluded.away_to,"
		"  expires = excluded.expires");
	db_stmt *s;
	store_rc ret;
	int64_t uid;
	int rc;

	if ((ret = store_user_find(st, owner, &uid)) != STORE_OK)
		return ret;
	if ((s = store_sql_uid(st, &q, uid)) == NULL)
		return STORE_ERR;
	rc = store_bind_int64(s, ":entry", p->entry_id);
	if (rc == DB_OK)
		rc = store_bind_int64(s, ":from", p->away_from);
	if (rc == DB_OK)
		rc = store_bind_int64(s, ":to", p->away_to);
	if (rc == DB_OK)
		rc = store_bind_int64(s, ":expires", p->expires);
	return store_sql_done(st, &q, s, rc);
}

store_rc
store_prompt_get(store *st, const char *owner, int64_t now,
                 struct store_prompt *p, struct store_entry *e)
{
	STORE_SQL(q, "prompt-get",
		"SELECT p.entry_id, p.away_from, p.away_to, p.expires"
		" FROM idle_prompts AS p JOIN users AS u ON u.id = p.user_id"
		" JOIN entries AS e ON e.id = p.entry_id AND e.stop IS NULL"
		" WHERE u.jid = :owner AND p.expires > :now");
	STORE_SQL(entry, "prompt-entry",
		"SELECT " SQL_ENTRY " FROM entries WHERE id = :entry");
	db_stmt *s;
	store_rc ret;

	if ((s = store_sql_prepare(st, &q)) == NULL)
		return STORE_ERR;
	ret = store_sql_row(st, &q, s,
	                    store_bind_int64(s, ":now", now) != DB_OK
	                    ? DB_ERROR
	                    : store_bind_text(s, ":owner", owner,
	                                      STORE_OWNER_MAX + 1));
	if (ret != STORE_OK)
		return ret;
	p->entry_id = db_int64(s, 0);
	p->away_from = db_int64(s, 1);
	p->away_to = db_int64(s, 2);
	p->expires = db_int64(s, 3);
	store_reset(s);
	if ((s = store_sql_prepare(st, &entry)) == NULL)
		return STORE_ERR;
	return store_one_entry(st, &entry, s,
	                       store_bind_int64(s, ":entry", p->entry_id), e);
}

store_rc
store_prompt_clear(store *st, const char *owner)
{
	STORE_SQL(q, "prompt-clear",
		"DELETE FROM idle_prompts"
		" WHERE user_id = (SELECT id FROM users WHERE jid = :owner)");

	return store_sql_owner(st, &q, owner, NULL);
}

store_rc
store_away_stopped(store *st, const char *owner, int64_t since,
                   struct store_entry *e)
{
	/* The latest such note, should there be several (an undone stop
	 * that idle.action stop could not repeat: the note stays). */
	STORE_SQL(q, "away-stopped",
		"SELECT e.id, e.seq, e.project, e.note, e.start, e.stop"
		" FROM nudges_sent AS n JOIN users AS u ON u.id = n.user_id"
		" JOIN entries AS e ON e.id = n.occasion AND e.user_id = u.id"
		" WHERE u.jid = :owner AND n.kind = 'idle' AND n.at >= :since"
		" AND e.stop IS NOT NULL ORDER BY n.at DESC LIMIT 1");
	db_stmt *s;

	if ((s = store_sql_prepare(st, &q)) == NULL)
		return STORE_ERR;
	return store_one_entry(st, &q, s,
	                       store_bind_int64(s, ":since", since) != DB_OK
	                       ? DB_ERROR
	                       : store_bind_text(s, ":owner", owner,
	                                         STORE_OWNER_MAX + 1), e);
}
