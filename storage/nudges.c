/*
 * storage/nudges.c - the nudges sent (nudges_sent): recording one once
 * (store_nudge_record) and finding it (store_nudge_sent,
 * store_nudge_any), the owners a tick of the bot looks at
 * (store_nudge_candidates), whether the forgotten-timer flow holds an
 * owner's nudges (store_nudge_held), and the age limit
 * (store_nudge_prune). store.h says what a row means; commands/nudge.c
 * decides what is due.
 *
 * Dependency rule: the statements of db.h (through store_int.h) and libc only.
 */
#include "store_int.h"

/*
 * Whether the user whose id is the SQL expression uid is held from
 * nudges at :now: away (user_away), or asked the forgotten-timer question
 * and not yet past its expiry (idle_prompts). Both tables have the user
 * as their primary key: two look-ups.
 */
#define SQL_NUDGE_HELD(uid) \
	"(EXISTS (SELECT 1 FROM user_away AS a WHERE a.user_id = " uid ")" \
	" OR EXISTS (SELECT 1 FROM idle_prompts AS p" \
	"  WHERE p.user_id = " uid " AND p.expires > :now))"

/* The word schema.sql's CHECK on nudges_sent.kind has for kind; NULL for
 * none of them. */
static const char *
kind_word(enum store_nudge kind)
{
	switch (kind) {
	case STORE_NUDGE_RUNNING_OVER:
		return "running_over";
	case STORE_NUDGE_START_BY:
		return "start_by";
	case STORE_NUDGE_DIGEST:
		return "digest";
	case STORE_NUDGE_IDLE:
		return "idle";
	}
	return NULL;
}

/* Binds :kind and, when s has it, :occasion; db.h's result code, or
 * DB_MISUSE for a kind that is none of enum store_nudge. */
static int
bind_nudge(db_stmt *s, enum store_nudge kind, int64_t occasion)
{
	const char *word = kind_word(kind);
	int rc;

	if (word == NULL)
		return DB_MISUSE;
	rc = store_bind_text(s, ":kind", word, 16);
	if (rc != DB_OK ||
	    !db_has_param(s, ":occasion"))
		return rc;
	return store_bind_int64(s, ":occasion", occasion);
}

store_rc
store_nudge_record(store *st, const char *owner, enum store_nudge kind,
                   int64_t occasion, int64_t at)
{
	/* The primary key (user_id, kind, occasion) says whether it is new:
	 * a row already there changes nothing. */
	STORE_SQL(q, "record-nudge",
		"INSERT INTO nudges_sent (user_id, kind, occasion, at)"
		" VALUES (:uid, :kind, :occasion, :at) ON CONFLICT DO NOTHING");
	db_stmt *s;
	int64_t uid;
	store_rc ret;
	int rc;

	if ((ret = store_user_get(st, owner, &uid)) != STORE_OK)
		return ret;
	if ((s = store_sql_uid(st, &q, uid)) == NULL)
		return STORE_ERR;
	rc = bind_nudge(s, kind, occasion);
	if (rc == DB_OK)
		rc = store_bind_int64(s, ":at", at);
	if ((ret = store_sql_done(st, &q, s, rc)) != STORE_OK)
		return ret;
	return db_changes(st) > 0 ? STORE_OK : STORE_CONFLICT;
}

/*
 * Runs q, a look-up of owner's nudges of kind (:occasion bound too, to
 * occasion, when q names it): STORE_OK when it finds a row,
 * STORE_NOTFOUND when not.
 */
static store_rc
nudge_lookup(store *st, const struct store_sql *q, const char *owner,
             enum store_nudge kind, int64_t occasion)
{
	db_stmt *s;
	store_rc ret;
	int rc;

	if (owner == NULL)
		return store_failf(st, "%s: no owner", q->name);
	if ((s = store_sql_prepare(st, q)) == NULL)
		return STORE_ERR;
	rc = store_bind_text(s, ":owner", owner, STORE_OWNER_MAX + 1);
	if (rc == DB_OK)
		rc = bind_nudge(s, kind, occasion);
	if ((ret = store_sql_row(st, q, s, rc)) == STORE_OK)
		store_reset(s);
	return ret;
}

store_rc
store_nudge_sent(store *st, const char *owner, enum store_nudge kind,
                 int64_t occasion)
{
	/* The user by the UNIQUE index on jid, then the primary key. */
	STORE_SQL(q, "nudge-sent",
		"SELECT 1 FROM users AS u"
		" JOIN nudges_sent AS n ON n.user_id = u.id"
		" WHERE u.jid = :owner AND n.kind = :kind"
		" AND n.occasion = :occasion");

	return nudge_lookup(st, &q, owner, kind, occasion);
}

store_rc
store_nudge_any(store *st, const char *owner, enum store_nudge kind)
{
	/* The user by the UNIQUE index on jid, then a prefix of the
	 * primary key. */
	STORE_SQL(q, "nudge-any",
		"SELECT 1 FROM users AS u"
		" JOIN nudges_sent AS n ON n.user_id = u.id"
		" WHERE u.jid = :owner AND n.kind = :kind LIMIT 1");

	return nudge_lookup(st, &q, owner, kind, 0);
}

store_rc
store_nudge_held(store *st, const char *owner, int64_t now, bool *held)
{
	STORE_SQL(q, "nudge-held",
		"SELECT " SQL_NUDGE_HELD("u.id") " FROM users AS u"
		" WHERE u.jid = :owner");
	db_stmt *s;
	store_rc ret;
	int rc;

	*held = false;
	if (owner == NULL)
		return store_failf(st, "nudge-held: no owner");
	if ((s = store_sql_prepare(st, &q)) == NULL)
		return STORE_ERR;
	rc = store_bind_text(s, ":owner", owner, STORE_OWNER_MAX + 1);
	if (rc == DB_OK)
		rc = store_bind_int64(s, ":now", now);
	ret = store_sql_row(st, &q, s, rc);
	if (ret == STORE_NOTFOUND) /* never wrote: nothing holds them */
		return STORE_OK;
	if (ret != STORE_OK)
		return ret;
	*held = db_int(s, 0) != 0;
	store_reset(s);
	return STORE_OK;
}

store_rc
store_nudge_candidates(store *st, int64_t now, bool everyone,
                       store_owner_cb cb, void *arg)
{
	/*
	 * Three small sets, each from an index: the running entries (the
	 * partial index entries_running) whose running_over row is not
	 * there (the primary key of nudges_sent); the users with settings
	 * of their own (user_settings' primary key begins with the user);
	 * and every user only when :everyone says so. UNION makes each
	 * user one row.
	 */
	STORE_SQL(q, "nudge-candidates",
		"WITH c (uid) AS ("
		" SELECT e.user_id FROM entries AS e WHERE e.stop IS NULL"
		"  AND NOT EXISTS (SELECT 1 FROM nudges_sent AS n"
		"   WHERE n.user_id = e.user_id AND n.kind = 'running_over'"
		"   AND n.occasion = e.id)"
		" UNION SELECT user_id FROM user_settings"
		" UNION SELECT id FROM users WHERE :everyone <> 0"
		")"
		" SELECT u.jid FROM c JOIN users AS u ON u.id = c.uid"
		" WHERE NOT " SQL_NUDGE_HELD("u.id")
		" ORDER BY u.id");
	const unsigned char *jid;
	db_stmt *s;
	int rc;

	if ((s = store_sql_prepare(st, &q)) == NULL)
		return STORE_ERR;
	rc = store_bind_int64(s, ":now", now);
	if (rc == DB_OK)
		rc = store_bind_int64(s, ":everyone", everyone ? 1 : 0);
	while (rc == DB_OK || rc == DB_ROW) {
		if ((rc = db_step(s)) != DB_ROW)
			break;
		if ((jid = db_text(s, 0)) == NULL) {
			rc = DB_NOMEM; /* a NOT NULL column read as NULL */
			break;
		}
		cb((const char *)jid, arg);
	}
	return store_sql_done(st, &q, s, rc);
}

store_rc
store_nudge_prune(store *st, int64_t now, int64_t *removed)
{
	/* Every user's rows made before :before (nudges_sent_at). */
	STORE_SQL(q, "prune-nudges",
		"DELETE FROM nudges_sent WHERE at < :before");

	return store_prune_aged(st, &q, now, removed);
}
