/*
 * storage/entries.c - time entries one at a time: adding, stopping, the
 * running one, single entries by the owner's number (get, last, update,
 * delete), renames; and reading an entry with its tags, which listing.c
 * shares. Every query is scoped by the owner's user id; reads never
 * create a user row, the first change does. Changes record their
 * before-images in the open undo step, if any (undo.c).
 *
 * Dependency rule: the statements of db.h (through store_int.h) and libc only.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "store_sql.h"
#include "store_test.h"

/* Entry #seq of user uid into *e, or STORE_NOTFOUND. */
static store_rc
entry_by_seq(store *st, int64_t uid, int64_t seq,
             struct store_entry *e)
{
	STORE_SQL(q, "get",
		"SELECT " SQL_ENTRY " FROM entries"
		" WHERE user_id = :uid AND seq = :seq");
	db_stmt *s;

	if ((s = store_sql_uid(st, &q, uid)) == NULL)
		return STORE_ERR;
	return store_one_entry(st, &q, s, store_bind_int64(s, ":seq", seq), e);
}

/* Which of a user's entries running_or_last reads. */
enum { ENTRY_RUNNING, ENTRY_LAST };

/*
 * The running entry (which ENTRY_RUNNING) or the last one (ENTRY_LAST)
 * of user uid into *e, or STORE_NOTFOUND.
 */
static store_rc
running_or_last(store *st, int64_t uid, int64_t which,
                struct store_entry *e)
{
	STORE_SQL(running, "running",
		"SELECT " SQL_ENTRY " FROM entries"
		" WHERE user_id = :uid AND stop IS NULL");
	/* Backwards along entries_user_start; of entries that started at
	 * the same second, the one added last. */
	STORE_SQL(last, "last",
		"SELECT " SQL_ENTRY " FROM entries WHERE user_id = :uid"
		" ORDER BY start DESC, seq DESC LIMIT 1");
	const struct store_sql *q = which == ENTRY_LAST ? &last : &running;
	db_stmt *s;

	if ((s = store_sql_uid(st, q, uid)) == NULL)
		return STORE_ERR;
	return store_one_entry(st, q, s, DB_OK, e);
}

/*
 * What the store_ functions that give one entry do for user uid: read
 * the running or the last entry (running_or_last, n says which) or the
 * entry by number n (entry_by_seq), or make the rows of a change
 * (stop_rows, delete_rows); the entry into *e.
 */
typedef store_rc entry_fn(store *st, int64_t uid, int64_t n,
                          struct store_entry *e);

/*
 * Runs fn for owner's user id and n, inside a savepoint when change, and
 * copies the entry it gives into *out (NULL: not wanted). STORE_NOTFOUND
 * when owner never wrote: no entries, so nothing to read or change.
 */
static store_rc
owner_entry(store *st, const char *owner, int64_t n, entry_fn *fn,
            bool change, struct store_entry *out)
{
	struct store_entry e;
	store_rc ret;
	int64_t uid;

	if ((ret = store_user_find(st, owner, &uid)) != STORE_OK)
		return ret;
	if (!change)
		ret = fn(st, uid, n, &e);
	else if ((ret = store_savepoint(st)) == STORE_OK)
		ret = store_savepoint_end(st, fn(st, uid, n, &e));
	if (ret == STORE_OK && out != NULL)
		*out = e;
	return ret;
}

/*
 * What the schema cannot check before the rows are written: the number of
 * tags (struct store_entry holds STORE_TAGS_MAX; the trigger counts only
 * stored, distinct ones). STORE_CONFLICT, named after what, when wrong.
 */
static store_rc
check_tags(store *st, const char *what,
           const struct store_entry *e)
{
	if (e->ntags < 0 || e->ntags > STORE_TAGS_MAX) {
		store_failf(st, "%s: %d tags, at most %d", what, e->ntags,
		            STORE_TAGS_MAX);
		return STORE_CONFLICT;
	}
	return STORE_OK;
}

/*
 * Binds e's project, note, start and stop (0: NULL, running) to s.
 * Limits are the buffers' sizes: a string without its NUL is bound one
 * byte too long and the CHECK constraint refuses it.
 */
static int
bind_fields(db_stmt *s, const struct store_entry *e)
{
	int rc = store_bind_text(s, ":project", e->project, sizeof e->project);

	if (rc == DB_OK)
		rc = store_bind_text(s, ":note", e->note, sizeof e->note);
	if (rc == DB_OK)
		rc = store_bind_int64(s, ":start", e->start);
	if (rc == DB_OK)
		rc = e->stop == 0 ? store_bind_null(s, ":stop") :
		                    store_bind_int64(s, ":stop", e->stop);
	return rc;
}

/* Adds e's tags to the entry with row id entry (a repeated one once). */
static store_rc
tags_add(store *st, int64_t entry, const struct store_entry *e)
{
	/* Tags are a set: a repeated one is stored once. */
	STORE_SQL(q, "insert-tag",
		"INSERT INTO entry_tags (entry_id, tag) VALUES (:entry, :tag)"
		" ON CONFLICT (entry_id, tag) DO NOTHING");
	db_stmt *s;
	store_rc ret;
	int i, rc;

	if ((s = store_sql_prepare(st, &q)) == NULL)
		return STORE_ERR;
	for (i = 0; i < e->ntags; i++) {
		rc = store_bind_int64(s, ":entry", entry);
		if (rc == DB_OK)
			rc = store_bind_text(s, ":tag", e->tags[i],
			                     sizeof e->tags[i]);
		if ((ret = store_sql_done(st, &q, s, rc)) != STORE_OK)
			return ret;
	}
	return STORE_OK;
}

/* Runs q, which returns no rows and takes :entry only. */
static store_rc
exec_entry(store *st, const struct store_sql *q, int64_t entry)
{
	db_stmt *s;

	if ((s = store_sql_prepare(st, q)) == NULL)
		return STORE_ERR;
	return store_sql_done(st, q, s, store_bind_int64(s, ":entry", entry));
}

store_rc
store_running(store *st, const char *owner, struct store_entry *out)
{
	return owner_entry(st, owner, ENTRY_RUNNING, running_or_last, false,
	                   out);
}

/* The rows of store_insert, inside its savepoint: the user's next number,
 * the entry, its tags, and the record of it in the open step. */
static store_rc
insert_rows(store *st, const char *owner,
            const struct store_entry *e, int64_t *id,
            int64_t *seq)
{
	/* The user's next number, taken in the transaction of the insert
	 * that uses it: read, then moved on (one UPDATE ... RETURNING would
	 * go through an ephemeral table: store_sql_insert says what that
	 * costs). */
	STORE_SQL(next_seq, "next-seq",
		"SELECT next_seq FROM users WHERE id = :uid");
	STORE_SQL(take_seq, "take-seq",
		"UPDATE users SET next_seq = next_seq + 1 WHERE id = :uid");
	STORE_SQL(add, "insert",
		"INSERT INTO entries (user_id, seq, project, note, start, stop)"
		" VALUES (:uid, :seq, :project, :note, :start, :stop)");
	db_stmt *s;
	store_rc ret;
	int64_t uid, step, entry, num;
	int rc;

	if ((ret = store_user_get(st, owner, &uid)) != STORE_OK)
		return ret;

	if ((s = store_sql_uid(st, &next_seq, uid)) == NULL)
		return STORE_ERR;
	ret = store_sql_number(st, &next_seq, s, DB_OK, &num);
	if (ret != STORE_OK)
		return ret;
	if ((s = store_sql_uid(st, &take_seq, uid)) == NULL)
		return STORE_ERR;
	if ((ret = store_sql_done(st, &take_seq, s, DB_OK)) != STORE_OK)
		return ret;

	if ((s = store_sql_uid(st, &add, uid)) == NULL)
		return STORE_ERR;
	rc = store_bind_int64(s, ":seq", num);
	if (rc == DB_OK)
		rc = bind_fields(s, e);
	if ((ret = store_sql_insert(st, &add, s, rc, &entry)) != STORE_OK)
		return ret;

	if ((ret = tags_add(st, entry, e)) != STORE_OK)
		return ret;
	if ((step = store_step(st, uid)) != 0 &&
	    (ret = store_record_created(st, step, entry)) != STORE_OK)
		return ret;
	*id = entry;
	*seq = num;
	return STORE_OK;
}

store_rc
store_insert_entry(store *st, const char *owner,
                   struct store_entry *e)
{
	store_rc ret;
	int64_t entry = 0, seq = 0;

	if ((ret = check_tags(st, "insert", e)) != STORE_OK)
		return ret;
	if ((ret = store_savepoint(st)) != STORE_OK)
		return ret;
	ret = insert_rows(st, owner, e, &entry, &seq);
	ret = store_savepoint_end(st, ret);
	if (ret == STORE_OK) {
		e->id = entry;
		e->seq = seq;
		store_tags_sort(e);
	}
	return ret;
}

store_rc
store_insert(store *st, const char *owner,
             const struct store_entry *e, int64_t *id)
{
	struct store_entry copy = *e;
	store_rc ret;

	ret = store_insert_entry(st, owner, &copy);
	if (ret == STORE_OK && id != NULL)
		*id = copy.id;
	return ret;
}

/* Records entry's before-image in uid's open undo step, if one is open. */
static store_rc
record_before(store *st, int64_t uid, int64_t entry)
{
	int64_t step = store_step(st, uid);

	return step != 0 ? store_record_entry(st, step, entry) : STORE_OK;
}

/*
 * The running entry of user uid into *e, its before-image recorded as
 * record_before does; STORE_NOTFOUND when none runs.
 */
static store_rc
running_recorded(store *st, int64_t uid, struct store_entry *e)
{
	store_rc ret = running_or_last(st, uid, ENTRY_RUNNING, e);

	return ret != STORE_OK ? ret : record_before(st, uid, e->id);
}

/*
 * Leaves out of e the open break of a paused entry (stop 0), which
 * stop_rows deleted: e then holds what reading it again would give.
 */
static void
drop_open_break(struct store_entry *e)
{
	int i, n = 0;

	for (i = 0; i < e->nbreaks; i++)
		if (e->breaks[i].stop != 0)
			e->breaks[n++] = e->breaks[i];
	e->nbreaks = n;
}

/*
 * The change of store_stop, inside its savepoint. The running entry, as
 * running_recorded read it with its tags and breaks, is the one that
 * stops: it is updated by its id and given its new end here, instead of
 * being read again ("RETURNING", then its tags and breaks once more:
 * measured with callgrind, 25,000 instructions of a stop).
 */
static store_rc
stop_rows(store *st, int64_t uid, int64_t stop,
          struct store_entry *e)
{
	STORE_SQL(q, "stop",
		"UPDATE entries SET stop = :stop"
		" WHERE id = :entry AND stop IS NULL");
	/* A paused entry: the time since the pause is no work. */
	STORE_SQL(drop_open, "stop-drop-break",
		"DELETE FROM entry_breaks WHERE entry_id = :entry"
		" AND stop IS NULL");
	db_stmt *s;
	store_rc ret;
	int i;

	if ((ret = running_recorded(st, uid, e)) != STORE_OK)
		return ret;
	for (i = 0; i < e->nbreaks; i++) {
		if (e->breaks[i].stop != 0)
			continue;
		if (e->breaks[i].start < stop)
			stop = e->breaks[i].start;
		if ((ret = exec_entry(st, &drop_open, e->id)) != STORE_OK)
			return ret;
	}
	if ((s = store_entry_stmt(st, &q, e->id)) == NULL)
		return STORE_ERR;
	/* CHECK (stop >= start) or entries_breaks_span fails here:
	 * STORE_CONFLICT. */
	ret = store_sql_done(st, &q, s, store_bind_int64(s, ":stop", stop));
	if (ret != STORE_OK)
		return ret;
	/* Only the entry running_recorded found, in this transaction. */
	if (db_changes(st) != 1)
		return store_failf(st, "stop: entry %" PRId64 " was not running",
		                   e->id);
	e->stop = stop;
	drop_open_break(e);
	return STORE_OK;
}

store_rc
store_stop(store *st, const char *owner, int64_t stop,
           struct store_entry *out)
{
	/* No user: nothing runs (STORE_NOTFOUND). */
	return owner_entry(st, owner, stop, stop_rows, true, out);
}

/*
 * The changes of store_pause (n: the time) and store_resume (n: the time,
 * as ~n), inside their savepoint: the running entry, its before-image,
 * the break opened or closed, the entry again.
 */
static store_rc
pause_rows(store *st, int64_t uid, int64_t n, struct store_entry *e)
{
	STORE_SQL(open, "pause",
		"INSERT INTO entry_breaks (entry_id, start) VALUES (:entry, :at)");
	STORE_SQL(close, "resume",
		"UPDATE entry_breaks SET stop = :at"
		" WHERE entry_id = :entry AND stop IS NULL");
	bool resume = n < 0;
	int64_t at = resume ? ~n : n;
	const struct store_sql *q = resume ? &close : &open;
	db_stmt *s;
	store_rc ret;
	int rc;

	if ((ret = running_recorded(st, uid, e)) != STORE_OK)
		return ret;
	if ((s = store_sql_prepare(st, q)) == NULL)
		return STORE_ERR;
	rc = store_bind_int64(s, ":entry", e->id);
	if (rc == DB_OK)
		rc = store_bind_int64(s, ":at", at);
	/* The triggers and CHECKs of entry_breaks: STORE_CONFLICT. */
	if ((ret = store_sql_done(st, q, s, rc)) != STORE_OK)
		return ret;
	if (resume && db_changes(st) == 0)
		return STORE_NOTFOUND; /* not paused */
	return store_tags_load(st, e);
}

store_rc
store_pause(store *st, const char *owner, int64_t at,
            struct store_entry *out)
{
	if (at < 0)
		return store_failf(st, "pause: a time before 1970");
	return owner_entry(st, owner, at, pause_rows, true, out);
}

store_rc
store_resume(store *st, const char *owner, int64_t at,
             struct store_entry *out)
{
	if (at < 0)
		return store_failf(st, "resume: a time before 1970");
	return owner_entry(st, owner, ~at, pause_rows, true, out);
}

/*
 * The change of store_add_break (b: the break) and store_clear_breaks (b
 * NULL), inside its savepoint.
 */
static store_rc
break_rows(store *st, int64_t uid, int64_t seq, const struct store_break *b,
           struct store_entry *e)
{
	STORE_SQL(add, "add-break",
		"INSERT INTO entry_breaks (entry_id, start, stop)"
		" VALUES (:entry, :start, :stop)");
	/* The open break of a paused entry stays: resume ends it. */
	STORE_SQL(clear, "clear-breaks",
		"DELETE FROM entry_breaks WHERE entry_id = :entry"
		" AND stop IS NOT NULL");
	db_stmt *s;
	store_rc ret;
	int rc = DB_OK;

	if ((ret = entry_by_seq(st, uid, seq, e)) != STORE_OK)
		return ret;
	if ((ret = record_before(st, uid, e->id)) != STORE_OK)
		return ret;
	if ((s = store_entry_stmt(st, b != NULL ? &add : &clear, e->id)) == NULL)
		return STORE_ERR;
	if (b != NULL)
		rc = store_bind_int64(s, ":start", b->start);
	if (b != NULL && rc == DB_OK)
		rc = store_bind_int64(s, ":stop", b->stop);
	/* The triggers of entry_breaks: STORE_CONFLICT. */
	if ((ret = store_sql_done(st, b != NULL ? &add : &clear, s, rc)) !=
	    STORE_OK)
		return ret;
	return store_tags_load(st, e);
}

/* store_add_break (b) or store_clear_breaks (b NULL) for owner. */
static store_rc
owner_breaks(store *st, const char *owner, int64_t seq,
             const struct store_break *b, struct store_entry *out)
{
	struct store_entry e;
	store_rc ret;
	int64_t uid;

	if ((ret = store_user_find(st, owner, &uid)) != STORE_OK)
		return ret;
	if ((ret = store_savepoint(st)) != STORE_OK)
		return ret;
	ret = store_savepoint_end(st, break_rows(st, uid, seq, b, &e));
	if (ret == STORE_OK && out != NULL)
		*out = e;
	return ret;
}

store_rc
store_add_break(store *st, const char *owner, int64_t seq, int64_t start,
                int64_t stop, struct store_entry *out)
{
	const struct store_break b = { start, stop };

	if (stop <= start) {
		store_failf(st, "add-break: it ends before it starts");
		return STORE_CONFLICT;
	}
	return owner_breaks(st, owner, seq, &b, out);
}

store_rc
store_clear_breaks(store *st, const char *owner, int64_t seq,
                   struct store_entry *out)
{
	return owner_breaks(st, owner, seq, NULL, out);
}

store_rc
store_get(store *st, const char *owner, int64_t seq,
          struct store_entry *out)
{
	return owner_entry(st, owner, seq, entry_by_seq, false, out);
}

store_rc
store_last(store *st, const char *owner, struct store_entry *out)
{
	return owner_entry(st, owner, ENTRY_LAST, running_or_last, false, out);
}

/* The change of store_update, inside its savepoint. */
static store_rc
update_rows(store *st, int64_t uid,
            const struct store_entry *e)
{
	STORE_SQL(set, "update",
		"UPDATE entries SET project = :project, note = :note,"
		" start = :start, stop = :stop WHERE id = :entry");
	STORE_SQL(clear, "update-tags",
		"DELETE FROM entry_tags WHERE entry_id = :entry");
	struct store_entry old;
	db_stmt *s;
	store_rc ret;
	int rc;

	if ((ret = entry_by_seq(st, uid, e->seq, &old)) != STORE_OK)
		return ret;
	if ((ret = record_before(st, uid, old.id)) != STORE_OK)
		return ret;
	if ((s = store_sql_prepare(st, &set)) == NULL)
		return STORE_ERR;
	rc = store_bind_int64(s, ":entry", old.id);
	if (rc == DB_OK)
		rc = bind_fields(s, e);
	/* CHECK or entries_running: STORE_CONFLICT. */
	if ((ret = store_sql_done(st, &set, s, rc)) != STORE_OK)
		return ret;
	if ((ret = exec_entry(st, &clear, old.id)) != STORE_OK)
		return ret;
	return tags_add(st, old.id, e);
}

store_rc
store_update(store *st, const char *owner, struct store_entry *e)
{
	store_rc ret;
	int64_t uid;

	if ((ret = check_tags(st, "update", e)) != STORE_OK)
		return ret;
	if ((ret = store_user_find(st, owner, &uid)) != STORE_OK)
		return ret;
	if ((ret = store_savepoint(st)) != STORE_OK)
		return ret;
	ret = store_savepoint_end(st, update_rows(st, uid, e));
	if (ret == STORE_OK)
		store_tags_sort(e);
	return ret;
}

/* The change of store_delete, inside its savepoint. */
static store_rc
delete_rows(store *st, int64_t uid, int64_t seq,
            struct store_entry *e)
{
	STORE_SQL(del, "delete",
		"DELETE FROM entries WHERE id = :entry");
	store_rc ret;

	if ((ret = entry_by_seq(st, uid, seq, e)) != STORE_OK)
		return ret;
	if ((ret = record_before(st, uid, e->id)) != STORE_OK)
		return ret;
	/* Its tags go with it (ON DELETE CASCADE). */
	return exec_entry(st, &del, e->id);
}

store_rc
store_delete(store *st, const char *owner, int64_t seq,
             struct store_entry *out)
{
	return owner_entry(st, owner, seq, delete_rows, true, out);
}

/* The change of store_rename_project, inside its savepoint. */
static store_rc
rename_rows(store *st, int64_t uid, const char *old,
            const char *new_name, int64_t *n)
{
	/* Any case of :old. */
	STORE_SQL(q, "rename",
		"UPDATE entries SET project = :new"
		" WHERE user_id = :uid AND project = :old COLLATE UNOCASE");
	db_stmt *s;
	store_rc ret;
	int64_t step;
	int rc;

	if ((step = store_step(st, uid)) != 0 &&
	    (ret = store_record_project(st, step, uid, old)) != STORE_OK)
		return ret;
	if ((s = store_sql_uid(st, &q, uid)) == NULL)
		return STORE_ERR;
	/* A longer old matches no stored project; a longer new breaks the
	 * CHECK: STORE_CONFLICT. */
	rc = store_bind_text(s, ":old", old, STORE_PROJECT_MAX + 1);
	if (rc == DB_OK)
		rc = store_bind_text(s, ":new", new_name,
		                     STORE_PROJECT_MAX + 1);
	if ((ret = store_sql_done(st, &q, s, rc)) != STORE_OK)
		return ret;
	*n = db_changes(st);
	return *n > 0 ? STORE_OK : STORE_NOTFOUND;
}

store_rc
store_rename_project(store *st, const char *owner, const char *old,
                     const char *new_name, int64_t *n)
{
	store_rc ret;
	int64_t uid, changed = 0;

	if (n != NULL)
		*n = 0;
	if (old == NULL || new_name == NULL)
		return store_failf(st, "rename: no project name");
	if ((ret = store_user_find(st, owner, &uid)) != STORE_OK)
		return ret;
	if ((ret = store_savepoint(st)) != STORE_OK)
		return ret;
	ret = store_savepoint_end(st, rename_rows(st, uid, old, new_name,
	                                           &changed));
	if (ret == STORE_OK && n != NULL)
		*n = changed;
	return ret;
}
