/*
 * storage/messages.c - the messages changes were made for: the commit of
 * a change made for a message (store_change_commit), which writes the
 * message's row into the change's transaction (record_msg), the look-up
 * that finds a message handled before (store_msg_seen), the reply saved
 * with it (store_msg_reply after the commit, or store_change_release in
 * the change's own transaction), and the age limit on them all
 * (store_msg_prune); and the undo step that stands for each message's
 * change (store_msg_step, store_msg_follow), by which a correction or a
 * retraction of the message finds what it did.
 *
 * A row of handled_messages is (user, number, key, when handled, reply);
 * schema.sql has the table, store.h how many rows are kept, for how long,
 * and why.
 *
 * Dependency rule: the statements of db.h (through store_int.h) and libc only.
 */
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "../lib/utf8.h"
#include "store_int.h"

#define DAY_SECS 86400

/* True when key is a key the store keeps: STORE_MSG_KEY_LEN lowercase hex
 * digits, as schema.sql's CHECK has it. */
static bool
key_valid(const char *key)
{
	size_t i;

	for (i = 0; i < STORE_MSG_KEY_LEN; i++)
		if (!((key[i] >= '0' && key[i] <= '9') ||
		      (key[i] >= 'a' && key[i] <= 'f')))
			return false;
	return key[i] == '\0';
}

/* Binds :step to step, NULL for 0 (no step); db.h's result code. */
static int
bind_step(db_stmt *s, int64_t step)
{
	return step != 0 ? store_bind_int64(s, ":step", step)
	                 : store_bind_null(s, ":step");
}

/*
 * Records owner's message key in the open write transaction: the owner's
 * user row, then (owner, the owner's next number, key, the time now, the
 * change's undo step or NULL),
 * then, at every STORE_MSG_BATCH-th number, the owner's rows past the
 * STORE_MSG_KEEP newest dropped.
 * STORE_CONFLICT when the key is already there: the message was handled
 * meanwhile.
 */
static store_rc
record_msg(store *st, const char *owner, const char *key)
{
	/* The user's next number after the highest, from the end of the
	 * (user_id, n) index. */
	STORE_SQL(next, "next-message",
		"SELECT coalesce(max(n), 0) + 1 FROM handled_messages"
		" WHERE user_id = :uid");
	/*
	 * A key already there fails its UNIQUE index: STORE_CONFLICT.
	 * Measured with callgrind (a start or stop through cmd_exec, a file
	 * database): as one INSERT ... SELECT max(n) ... RETURNING n, which
	 * SQLite runs through two temporary tables (the SELECT reads the
	 * table it inserts into, and RETURNING buffers its rows), the row
	 * cost 83,000 instructions; as a read of the index's last entry
	 * (4,000) and a plain INSERT (33,000), 37,000.
	 */
	STORE_SQL(add, "record-message",
		"INSERT INTO handled_messages (user_id, n, msg_key, at, step_id)"
		" VALUES (:uid, :n, :key, :at, :step)");
	/*
	 * The user's rows older than the :keep newest, one range of the
	 * (user_id, n) index. Measured with strace and a start or stop every
	 * 10 minutes through cmd_exec: once a user had STORE_MSG_KEEP keys,
	 * dropping the oldest row with every new one took a change's WAL
	 * writes from 33 to 44 (five more pages: the oldest row's leaf in
	 * the table and each of its four indexes). Dropped STORE_MSG_BATCH
	 * at a time, the old rows share their pages, and the other
	 * STORE_MSG_BATCH - 1 changes write none of them.
	 */
	STORE_SQL(cap, "cap-messages",
		"DELETE FROM handled_messages"
		" WHERE user_id = :uid AND n <= :n - :keep");
	/* When the message was handled, not the time its command counts at
	 * (store.h says why): the wall clock. */
	int64_t now = (int64_t)time(NULL);
	db_stmt *s;
	int64_t uid, n;
	store_rc ret;
	int rc;

	if ((ret = store_user_get(st, owner, &uid)) != STORE_OK)
		return ret;

	if ((s = store_sql_uid(st, &next, uid)) == NULL)
		return STORE_ERR;
	if ((ret = store_sql_number(st, &next, s, DB_OK, &n)) != STORE_OK)
		return ret;

	if ((s = store_sql_uid(st, &add, uid)) == NULL)
		return STORE_ERR;
	rc = store_bind_int64(s, ":n", n);
	if (rc == DB_OK)
		rc = store_bind_text(s, ":key", key, STORE_MSG_KEY_LEN + 1);
	if (rc == DB_OK)
		rc = store_bind_int64(s, ":at", now);
	if (rc == DB_OK)
		rc = bind_step(s, store_step(st, uid));
	if ((ret = store_sql_done(st, &add, s, rc)) != STORE_OK)
		return ret;

	if (n % STORE_MSG_BATCH != 0)
		return STORE_OK;
	if ((s = store_sql_uid(st, &cap, uid)) == NULL)
		return STORE_ERR;
	rc = store_bind_int64(s, ":n", n);
	if (rc == DB_OK)
		rc = store_bind_int64(s, ":keep", STORE_MSG_KEEP);
	return store_sql_done(st, &cap, s, rc);
}

store_rc
store_change_commit(store *st, const char *owner, const char *key)
{
	store_rc ret;

	if (key != NULL && owner == NULL)
		return store_failf(st, "message-key: no owner");
	/* No transaction: COMMIT says so, and no key is written on its own. */
	if (db_autocommit(st))
		return store_commit(st);
	/* Nothing written: nothing to keep, not even the key (a read, or a
	 * change that found nothing to do). */
	if (db_total_changes(st) == st->begun_changes) {
		store_rollback(st);
		return STORE_OK;
	}
	/* A key the store cannot keep identifies nothing (store.h). */
	if (key == NULL || !key_valid(key) ||
	    strnlen(owner, STORE_OWNER_MAX + 1) > STORE_OWNER_MAX)
		return store_commit(st);
	if ((ret = record_msg(st, owner, key)) != STORE_OK)
		return ret;
	/* Held: the reply joins it before the commit
	 * (store_change_release). */
	return st->hold ? STORE_OK : store_commit(st);
}

/*
 * Binds :owner and :key to s; db.h's result code. Longer strings than
 * the limits are bound one byte over them, so that they match no row.
 */
static int
bind_owner_key(db_stmt *s, const char *owner, const char *key)
{
	int rc = store_bind_text(s, ":owner", owner, STORE_OWNER_MAX + 1);

	return rc != DB_OK ? rc :
	       store_bind_text(s, ":key", key, STORE_MSG_KEY_LEN + 1);
}

/*
 * Runs q, a lookup of the row of owner's message key, to its row, which
 * *row then holds until the caller resets it; STORE_NOTFOUND when there
 * is none.
 */
static store_rc
msg_row(store *st, const struct store_sql *q, const char *owner,
        const char *key, db_stmt **row)
{
	if (owner == NULL || key == NULL)
		return store_failf(st, "%s: no owner or key", q->name);
	if ((*row = store_sql_prepare(st, q)) == NULL)
		return STORE_ERR;
	return store_sql_row(st, q, *row, bind_owner_key(*row, owner, key));
}

store_rc
store_msg_seen(store *st, const char *owner, const char *key, char *reply,
               size_t replysz)
{
	/* The user by the UNIQUE index on jid, the row by the UNIQUE
	 * (user_id, msg_key) index. */
	STORE_SQL(q, "message-seen",
		"SELECT m.reply FROM users AS u"
		" JOIN handled_messages AS m ON m.user_id = u.id"
		" WHERE u.jid = :owner AND m.msg_key = :key");
	const unsigned char *text;
	db_stmt *s;
	store_rc ret;
	size_t n;

	if (reply == NULL || replysz == 0)
		return store_failf(st, "message-seen: no room for the reply");
	reply[0] = '\0';
	if ((ret = msg_row(st, &q, owner, key, &s)) != STORE_OK)
		return ret;
	/* NULL: no reply saved, or out of memory reading it. */
	text = db_text(s, 0);
	if (text == NULL && db_nomem(st)) {
		store_reset(s);
		return store_failf(st, "message-seen: out of memory");
	}
	if (text != NULL) {
		n = utf8_prefix((const char *)text, strlen((const char *)text),
		                replysz - 1);
		memcpy(reply, text, n);
		reply[n] = '\0';
	}
	store_reset(s);
	return STORE_OK;
}

/*
 * Saves reply in the row of owner's message under key; STORE_NOTFOUND
 * when there is none. A reply over STORE_REPLY_MAX bytes is saved as
 * none.
 */
static store_rc
update_reply(store *st, const char *owner, const char *key, const char *reply)
{
	STORE_SQL(q, "save-reply",
		"UPDATE handled_messages SET reply = :reply"
		" WHERE user_id = (SELECT id FROM users WHERE jid = :owner)"
		" AND msg_key = :key");
	db_stmt *s;
	store_rc ret;
	int rc;

	if ((s = store_sql_prepare(st, &q)) == NULL)
		return STORE_ERR;
	rc = bind_owner_key(s, owner, key);
	/* Too long to keep whole: none, and a repeat gets the short answer
	 * of a change without a saved reply. */
	if (rc == DB_OK && strnlen(reply, STORE_REPLY_MAX + 1) >
	                       STORE_REPLY_MAX)
		rc = store_bind_null(s, ":reply");
	else if (rc == DB_OK)
		rc = store_bind_text(s, ":reply", reply, STORE_REPLY_MAX + 1);
	if ((ret = store_sql_done(st, &q, s, rc)) != STORE_OK)
		return ret;
	return db_changes(st) > 0 ? STORE_OK : STORE_NOTFOUND;
}

store_rc
store_msg_reply(store *st, const char *owner, const char *key,
                const char *reply)
{
	store_rc ret;
	char none[1];

	if (owner == NULL || key == NULL || reply == NULL)
		return store_failf(st, "save-reply: no owner, key or reply");
	/* Read first: after a command that changed nothing there is no row,
	 * and finding that out takes no write lock. */
	if ((ret = store_msg_seen(st, owner, key, none, sizeof none)) !=
	    STORE_OK)
		return ret;
	return update_reply(st, owner, key, reply);
}

void
store_change_hold(store *st)
{
	st->hold = true;
}

/*
 * Measured through a private Prosody (callgrind, the whole bot): the
 * reply saved after the commit was a second write transaction for every
 * change (a read to find the row, an UPDATE, a WAL commit: 21,000
 * instructions and the lock and write system calls) and a read for every
 * other command (8,000). Saved inside the change's own transaction, the
 * UPDATE finds the row's pages already at hand and the commit is the one
 * the change needed anyway; a command that holds nothing costs nothing
 * here.
 */
store_rc
store_change_release(store *st, const char *owner, const char *key,
                     const char *reply)
{
	store_rc ret;

	st->hold = false;
	/* Nothing held: a read, a refusal or a failure (rolled back), or a
	 * change without a key (committed). */
	if (db_autocommit(st))
		return STORE_OK;
	/* Only store_change_commit leaves a transaction open here, with the
	 * key of owner recorded. A reply that cannot be saved leaves the
	 * change as it is: a repeat of the message gets the short answer, as
	 * when store_msg_reply failed. */
	if (owner != NULL && key != NULL && reply != NULL)
		(void)update_reply(st, owner, key, reply);
	if ((ret = store_commit(st)) != STORE_OK)
		store_rollback(st);
	return ret;
}

store_rc
store_prune_aged(store *st, const struct store_sql *q, int64_t now,
                 int64_t *removed)
{
	db_stmt *s;
	store_rc ret;
	int rc;

	if (removed != NULL)
		*removed = 0;
	if ((s = store_sql_prepare(st, q)) == NULL)
		return STORE_ERR;
	rc = store_bind_int64(s, ":before",
	                      now - (int64_t)STORE_MSG_DAYS * DAY_SECS);
	if ((ret = store_sql_done(st, q, s, rc)) != STORE_OK)
		return ret;
	if (removed != NULL)
		*removed = db_changes(st);
	return STORE_OK;
}

store_rc
store_msg_prune(store *st, int64_t now, int64_t *removed)
{
	/* Every user's rows handled before :before (handled_messages_at). */
	STORE_SQL(q, "prune-messages",
		"DELETE FROM handled_messages WHERE at < :before");

	return store_prune_aged(st, &q, now, removed);
}

store_rc
store_msg_step(store *st, const char *owner, const char *key, int64_t *step)
{
	/* As message-seen: two UNIQUE indexes. */
	STORE_SQL(q, "message-step",
		"SELECT coalesce(m.step_id, 0) FROM users AS u"
		" JOIN handled_messages AS m ON m.user_id = u.id"
		" WHERE u.jid = :owner AND m.msg_key = :key");
	db_stmt *s;
	store_rc ret;

	*step = 0;
	if ((ret = msg_row(st, &q, owner, key, &s)) != STORE_OK)
		return ret;
	*step = db_int64(s, 0);
	store_reset(s);
	return STORE_OK;
}

store_rc
store_msg_follow(store *st, const char *owner, const char *key)
{
	STORE_SQL(q, "message-follow",
		"UPDATE handled_messages SET step_id = :step"
		" WHERE user_id = (SELECT id FROM users WHERE jid = :owner)"
		" AND msg_key = :key");
	db_stmt *s;
	int64_t uid;
	store_rc ret;
	int rc;

	if (owner == NULL || key == NULL)
		return store_failf(st, "message-follow: no owner or key");
	if (db_autocommit(st))
		return store_failf(st, "message-follow: no change is open");
	/* No user row: no message of theirs to point anywhere. */
	if ((ret = store_user_find(st, owner, &uid)) != STORE_OK)
		return ret == STORE_NOTFOUND ? STORE_OK : ret;
	if ((s = store_sql_prepare(st, &q)) == NULL)
		return STORE_ERR;
	rc = bind_owner_key(s, owner, key);
	if (rc == DB_OK)
		rc = bind_step(s, store_step(st, uid));
	return store_sql_done(st, &q, s, rc);
}
