/*
 * storage/undo.c - undo steps: opening one for a command
 * (store_change_label, store_begin_change), recording the before-images
 * of the entries the command touches (called by entries.c's changes), and
 * reverting a user's latest step (store_undo), and naming it
 * (store_last_step).
 *
 * A step is a row of undo_steps; each entry it touched has one row in
 * undo_entries (existed = 0 for one it created, else a copy of the row as
 * it was on the first touch) and its tags then in undo_tags. Undo deletes
 * every touched entry and puts the copies back under their old ids and
 * numbers (schema.sql has the tables).
 *
 * Dependency rule: the statements of db.h (through store_int.h) and libc only.
 */
#include <string.h>

#include "../lib/utf8.h"
#include "store_int.h"

/*
 * Binds v to the parameter name of s when s has one (0 when it has not);
 * db.h's result code.
 */
static int
bind_opt(db_stmt *s, const char *name, int64_t v)
{
	return db_has_param(s, name) ? db_bind_int64(s, name, v) : DB_OK;
}

/*
 * Runs statement q, which returns no rows, with :uid, :step and :entry
 * bound to uid, step and entry where it has them.
 */
static store_rc
run_sql(store *st, const struct store_sql *q, int64_t uid, int64_t step,
        int64_t entry)
{
	db_stmt *s;
	int rc;

	if ((s = store_sql_prepare(st, q)) == NULL)
		return STORE_ERR;
	rc = bind_opt(s, ":uid", uid);
	if (rc == DB_OK)
		rc = bind_opt(s, ":step", step);
	if (rc == DB_OK)
		rc = bind_opt(s, ":entry", entry);
	return store_sql_done(st, q, s, rc);
}

/*
 * The before-image of entries (those the WHERE that follows picks) for
 * undo step :step, unless the step has one already. The tags and the
 * breaks go first,
 * while "has one already" still means an earlier touch (undo_tags'
 * reference to the image is deferred for this).
 */
#define SQL_IMAGE_TAGS \
	"INSERT INTO undo_tags (step_id, entry_id, tag)" \
	" SELECT :step, t.entry_id, t.tag" \
	" FROM entries AS e JOIN entry_tags AS t ON t.entry_id = e.id" \
	" WHERE NOT EXISTS (SELECT 1 FROM undo_entries AS u" \
	"                   WHERE u.step_id = :step AND u.entry_id = e.id)"
#define SQL_IMAGE_BREAKS \
	"INSERT INTO undo_breaks (step_id, entry_id, start, stop)" \
	" SELECT :step, b.entry_id, b.start, b.stop" \
	" FROM entries AS e JOIN entry_breaks AS b ON b.entry_id = e.id" \
	" WHERE NOT EXISTS (SELECT 1 FROM undo_entries AS u" \
	"                   WHERE u.step_id = :step AND u.entry_id = e.id)"
#define SQL_IMAGE \
	"INSERT INTO undo_entries" \
	" (step_id, entry_id, existed, seq, project, note, start, stop)" \
	" SELECT :step, id, 1, seq, project, note, start, stop FROM entries"

int64_t
store_step(store *st, int64_t uid)
{
	/* A transaction that ended without store_commit or store_rollback
	 * (SQLite rolls back by itself after some errors) took the step
	 * with it. */
	if (st->step == 0 || st->step_uid != uid ||
	    db_autocommit(st))
		return 0;
	return st->step;
}

store_rc
store_record_created(store *st, int64_t step, int64_t entry)
{
	STORE_SQL(q, "record-new",
		"INSERT INTO undo_entries (step_id, entry_id, existed)"
		" VALUES (:step, :entry, 0) ON CONFLICT DO NOTHING");

	return run_sql(st, &q, 0, step, entry);
}

store_rc
store_record_entry(store *st, int64_t step, int64_t entry)
{
	STORE_SQL(tags, "record-tags", SQL_IMAGE_TAGS " AND e.id = :entry");
	STORE_SQL(breaks, "record-breaks",
		SQL_IMAGE_BREAKS " AND e.id = :entry");
	STORE_SQL(row, "record",
		SQL_IMAGE " WHERE id = :entry ON CONFLICT DO NOTHING");
	store_rc ret = run_sql(st, &tags, 0, step, entry);

	if (ret == STORE_OK)
		ret = run_sql(st, &breaks, 0, step, entry);
	return ret != STORE_OK ? ret : run_sql(st, &row, 0, step, entry);
}

store_rc
store_record_project(store *st, int64_t step, int64_t uid,
                     const char *project)
{
	STORE_SQL(tags, "record-project-tags",
		SQL_IMAGE_TAGS " AND e.user_id = :uid"
		" AND e.project = :project COLLATE UNOCASE");
	STORE_SQL(breaks, "record-project-breaks",
		SQL_IMAGE_BREAKS " AND e.user_id = :uid"
		" AND e.project = :project COLLATE UNOCASE");
	STORE_SQL(rows, "record-project",
		SQL_IMAGE " WHERE user_id = :uid"
		" AND project = :project COLLATE UNOCASE"
		" ON CONFLICT DO NOTHING");
	/* Tags and breaks first, as in store_record_entry. */
	static const struct store_sql *const qs[] = { &tags, &breaks, &rows };
	db_stmt *s;
	store_rc ret;
	size_t i;
	int rc;

	for (i = 0; i < sizeof qs / sizeof qs[0]; i++) {
		if ((s = store_sql_prepare(st, qs[i])) == NULL)
			return STORE_ERR;
		rc = store_bind_int64(s, ":step", step);
		if (rc == DB_OK)
			rc = store_bind_int64(s, ":uid", uid);
		if (rc == DB_OK)
			rc = store_bind_text(s, ":project", project,
			                     STORE_PROJECT_MAX + 1);
		if ((ret = store_sql_done(st, qs[i], s, rc)) != STORE_OK)
			return ret;
	}
	return STORE_OK;
}

/*
 * The rows of store_change_label inside its transaction: the user, room
 * for one more step, the step. Its id into *step.
 */
static store_rc
add_step(store *st, const char *owner, const char *label, int64_t at,
         int64_t *uid, int64_t *step)
{
	/* Keeps the :keep latest steps of the user (undo_steps_user). */
	STORE_SQL(prune, "prune-undo",
		"DELETE FROM undo_steps WHERE user_id = :uid AND id <= ("
		" SELECT id FROM undo_steps WHERE user_id = :uid"
		" ORDER BY id DESC LIMIT 1 OFFSET :keep)");
	STORE_SQL(add, "begin-change",
		"INSERT INTO undo_steps (user_id, label, at)"
		" VALUES (:uid, :label, :at)");
	db_stmt *s;
	store_rc ret;
	int rc;

	if ((ret = store_user_get(st, owner, uid)) != STORE_OK)
		return ret;

	if ((s = store_sql_uid(st, &prune, *uid)) == NULL)
		return STORE_ERR;
	ret = store_sql_done(st, &prune, s,
	                     store_bind_int64(s, ":keep", STORE_UNDO_MAX - 1));
	if (ret != STORE_OK)
		return ret;

	if ((s = store_sql_uid(st, &add, *uid)) == NULL)
		return STORE_ERR;
	rc = store_bind_text(s, ":label", label,
	                     utf8_prefix(label, strlen(label), STORE_LABEL_MAX));
	if (rc == DB_OK)
		rc = store_bind_int64(s, ":at", at);
	return store_sql_insert(st, &add, s, rc, step);
}

store_rc
store_change_label(store *st, const char *owner, const char *label,
                   int64_t at)
{
	store_rc ret;
	int64_t uid = 0, step = 0;

	if (db_autocommit(st))
		return store_failf(st, "undo-step: no change is open");
	if (st->step != 0)
		return store_failf(st, "undo-step: the change has one already");
	ret = add_step(st, owner, label != NULL ? label : "", at, &uid, &step);
	if (ret != STORE_OK)
		return ret;
	st->step = step;
	st->step_uid = uid;
	return STORE_OK;
}

store_rc
store_begin_change(store *st, const char *owner, const char *label,
                   int64_t at)
{
	store_rc ret;

	if ((ret = store_begin(st)) != STORE_OK)
		return ret;
	if ((ret = store_change_label(st, owner, label, at)) != STORE_OK)
		store_rollback(st);
	return ret;
}

/*
 * The latest step of user uid: its id into *step, its label (cut to fit
 * labelsz bytes at a character boundary) and time. STORE_NOTFOUND when
 * the user has none.
 */
static store_rc
latest_step(store *st, int64_t uid, int64_t *step, char *label,
            size_t labelsz, int64_t *at)
{
	STORE_SQL(q, "undo",
		"SELECT id, label, at FROM undo_steps WHERE user_id = :uid"
		" ORDER BY id DESC LIMIT 1");
	const unsigned char *text;
	db_stmt *s;
	store_rc ret;
	size_t n;

	if ((s = store_sql_uid(st, &q, uid)) == NULL)
		return STORE_ERR;
	if ((ret = store_sql_row(st, &q, s, DB_OK)) != STORE_OK)
		return ret;
	*step = db_int64(s, 0);
	text = db_text(s, 1);
	if (label != NULL && labelsz > 0) {
		n = text != NULL ? utf8_prefix((const char *)text,
		                               strlen((const char *)text),
		                               labelsz - 1) : 0;
		memcpy(label, text != NULL ? (const char *)text : "", n);
		label[n] = '\0';
	}
	if (at != NULL)
		*at = db_int64(s, 2);
	store_reset(s);
	return STORE_OK;
}

store_rc
store_undo(store *st, const char *owner, char *label, size_t labelsz,
           int64_t *at)
{
	/* Undo replaces every entry the step touched by its before-image:
	 * first all of them go (the ones it created for good), then the
	 * images come back under their ids, stopped ones first so that the
	 * running one meets entries_running last, then their tags and
	 * breaks. */
	STORE_SQL(clear, "undo-clear",
		"DELETE FROM entries WHERE id IN"
		" (SELECT entry_id FROM undo_entries WHERE step_id = :step)"
		" AND +user_id = :uid");
	STORE_SQL(restore, "undo-restore",
		"INSERT INTO entries"
		" (id, user_id, seq, project, note, start, stop)"
		" SELECT entry_id, :uid, seq, project, note, start, stop"
		" FROM undo_entries WHERE step_id = :step AND existed = 1"
		" ORDER BY stop IS NULL, entry_id");
	STORE_SQL(restore_tags, "undo-restore-tags",
		"INSERT INTO entry_tags (entry_id, tag)"
		" SELECT entry_id, tag FROM undo_tags WHERE step_id = :step");
	STORE_SQL(restore_breaks, "undo-restore-breaks",
		"INSERT INTO entry_breaks (entry_id, start, stop)"
		" SELECT entry_id, start, stop FROM undo_breaks"
		" WHERE step_id = :step");
	/* Its images, their tags and breaks go with it (ON DELETE
	 * CASCADE). */
	STORE_SQL(forget, "undo-forget",
		"DELETE FROM undo_steps WHERE id = :step");
	static const struct store_sql *const steps[] = { &clear, &restore,
		&restore_tags, &restore_breaks, &forget };
	store_rc ret;
	int64_t uid, step = 0;
	bool own = db_autocommit(st) != 0;
	size_t i;

	if (!own && st->step != 0)
		return store_failf(st, "undo: the change has a step of its "
		                   "own");
	if ((ret = store_user_find(st, owner, &uid)) != STORE_OK)
		return ret; /* STORE_NOTFOUND: never wrote, nothing to undo */
	/* Inside a change (the dispatcher's), a part of it that undoes only
	 * itself when it fails; else a transaction of its own. */
	if ((ret = own ? store_begin(st) : store_savepoint(st)) != STORE_OK)
		return ret;
	ret = latest_step(st, uid, &step, label, labelsz, at);
	for (i = 0; ret == STORE_OK && i < sizeof steps / sizeof steps[0]; i++)
		ret = run_sql(st, steps[i], uid, step, 0);
	if (!own)
		return store_savepoint_end(st, ret);
	if (ret == STORE_OK)
		ret = store_commit(st);
	if (ret != STORE_OK)
		store_rollback(st);
	return ret;
}

store_rc
store_last_step(store *st, const char *owner, int64_t *step, char *label,
                size_t labelsz)
{
	store_rc ret;
	int64_t uid;

	*step = 0;
	if (label != NULL && labelsz > 0)
		label[0] = '\0';
	if ((ret = store_user_find(st, owner, &uid)) != STORE_OK)
		return ret;
	return latest_step(st, uid, step, label, labelsz, NULL);
}
