/*
 * storage/entries.c - time entries: adding, stopping, the running one,
 * single entries by the owner's number (get, last, update, delete),
 * overlaps and listings, renames, counts and totals per project and tag.
 * Every query is scoped by the owner's user id; reads never create a user
 * row, the first change does. Changes record their before-images in the
 * open undo step, if any (undo.c).
 *
 * Dependency rule: SQLite (through store_int.h) and libc only. The SQL is
 * in store.c's statement table.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/*
 * The one order of an entry's tags, whoever reads them and whatever order
 * they were typed in, so that every reply and file lists them alike: by
 * name without regard to case (UNOCASE, as reports sort names), then by
 * bytes, which orders "X" and "x" on one entry (older builds stored both).
 */
static int tag_cmp(const void *a, const void *b)
{
	const char *x = a, *y = b;
	int c = store_unocase_cmp(x, strlen(x), y, strlen(y));

	return c != 0 ? c : strcmp(x, y);
}

/* Puts e's tags in that order. */
static void tags_sort(struct store_entry *e)
{
	if (e->ntags > 1 && e->ntags <= STORE_TAGS_MAX)
		qsort(e->tags, (size_t)e->ntags, sizeof e->tags[0], tag_cmp);
}

/*
 * Copies the columns of SQL_ENTRY (id, seq, project, note, start, stop;
 * stop NULL reads as 0, running) of the current row of s into *e, tags
 * left empty. False when a text does not fit.
 */
static bool read_entry(sqlite3_stmt *s, struct store_entry *e)
{
	memset(e, 0, sizeof *e);
	e->id = sqlite3_column_int64(s, 0);
	e->seq = sqlite3_column_int64(s, 1);
	e->start = sqlite3_column_int64(s, 4);
	e->stop = sqlite3_column_int64(s, 5); /* NULL reads as 0 */
	return store_copy_text(e->project, sizeof e->project, s, 2) &&
	       store_copy_text(e->note, sizeof e->note, s, 3);
}

/* Reads the tags of entry e->id into e, in tag_cmp's order. */
static store_rc tags_load(store *st, struct store_entry *e)
{
	sqlite3_stmt *s;
	int rc;

	e->ntags = 0;
	if ((s = store_stmt(st, STMT_TAGS)) == NULL)
		return STORE_ERR;
	rc = store_bind_int64(s, ":entry", e->id);
	if (rc != SQLITE_OK)
		return store_fail(st, STMT_TAGS, rc);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (e->ntags == STORE_TAGS_MAX ||
		    !store_copy_text(e->tags[e->ntags], sizeof e->tags[0], s,
		                     0)) {
			store_reset(s);
			return store_failf(st, "tags: entry %" PRId64 " has a tag "
			                   "too many or too long", e->id);
		}
		e->ntags++;
	}
	if (rc != SQLITE_DONE)
		return store_fail(st, STMT_TAGS, rc);
	store_reset(s);
	tags_sort(e);
	return STORE_OK;
}

/*
 * Steps s, statement id with its parameters bound, which yields at most
 * one entry (a SELECT, or an UPDATE ... RETURNING that changes at most one
 * row, stepped to its end): STORE_NOTFOUND when it yields none, else the
 * entry with its tags in *e. s is reset either way.
 */
static store_rc one_entry(store *st, enum store_stmt id, sqlite3_stmt *s,
                          struct store_entry *e)
{
	bool fits;
	int rc;

	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		store_reset(s);
		return STORE_NOTFOUND;
	}
	if (rc != SQLITE_ROW)
		return store_fail(st, id, rc);
	fits = read_entry(s, e);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) { /* UNIQUE constraints rule this out */
		store_reset(s);
		return store_failf(st, "%s: more than one entry",
		                   store_stmt_name(id));
	}
	if (rc != SQLITE_DONE)
		return store_fail(st, id, rc);
	store_reset(s);
	if (!fits)
		return store_failf(st, "%s: a stored text does not fit",
		                   store_stmt_name(id));
	return tags_load(st, e);
}

/* Entry #seq of user uid into *e, or STORE_NOTFOUND. */
static store_rc entry_by_seq(store *st, int64_t uid, int64_t seq,
                             struct store_entry *e)
{
	sqlite3_stmt *s;
	int rc;

	if ((s = store_stmt(st, STMT_GET)) == NULL)
		return STORE_ERR;
	rc = store_bind_int64(s, ":uid", uid);
	if (rc == SQLITE_OK)
		rc = store_bind_int64(s, ":seq", seq);
	if (rc != SQLITE_OK)
		return store_fail(st, STMT_GET, rc);
	return one_entry(st, STMT_GET, s, e);
}

/* The running entry of user uid into *e, or STORE_NOTFOUND. */
static store_rc running(store *st, int64_t uid, struct store_entry *e)
{
	sqlite3_stmt *s;
	int rc;

	if ((s = store_stmt(st, STMT_RUNNING)) == NULL)
		return STORE_ERR;
	rc = store_bind_int64(s, ":uid", uid);
	if (rc != SQLITE_OK)
		return store_fail(st, STMT_RUNNING, rc);
	return one_entry(st, STMT_RUNNING, s, e);
}

/*
 * What the schema cannot check before the rows are written: the number of
 * tags (struct store_entry holds STORE_TAGS_MAX; the trigger counts only
 * stored, distinct ones). STORE_CONFLICT, named after what, when wrong.
 */
static store_rc check_tags(store *st, const char *what,
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
static int bind_fields(sqlite3_stmt *s, const struct store_entry *e)
{
	int rc = store_bind_text(s, ":project", e->project, sizeof e->project);

	if (rc == SQLITE_OK)
		rc = store_bind_text(s, ":note", e->note, sizeof e->note);
	if (rc == SQLITE_OK)
		rc = store_bind_int64(s, ":start", e->start);
	if (rc == SQLITE_OK)
		rc = e->stop == 0 ? store_bind_null(s, ":stop") :
		                    store_bind_int64(s, ":stop", e->stop);
	return rc;
}

/* Adds e's tags to the entry with row id entry (a repeated one once). */
static store_rc tags_add(store *st, int64_t entry, const struct store_entry *e)
{
	sqlite3_stmt *s;
	int i, rc;

	if ((s = store_stmt(st, STMT_TAG_ADD)) == NULL)
		return STORE_ERR;
	for (i = 0; i < e->ntags; i++) {
		rc = store_bind_int64(s, ":entry", entry);
		if (rc == SQLITE_OK)
			rc = store_bind_text(s, ":tag", e->tags[i],
			                     sizeof e->tags[i]);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(s);
		if (rc != SQLITE_DONE)
			return store_fail(st, STMT_TAG_ADD, rc);
		store_reset(s);
	}
	return STORE_OK;
}

/* Runs statement id, which returns no rows and takes :entry only. */
static store_rc exec_entry(store *st, enum store_stmt id, int64_t entry)
{
	sqlite3_stmt *s;
	int rc;

	if ((s = store_stmt(st, id)) == NULL)
		return STORE_ERR;
	rc = store_bind_int64(s, ":entry", entry);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, id, rc);
	store_reset(s);
	return STORE_OK;
}

store_rc store_running(store *st, const char *owner, struct store_entry *out)
{
	struct store_entry e;
	store_rc ret;
	int64_t uid;

	if ((ret = store_user_find(st, owner, &uid)) != STORE_OK)
		return ret;
	if ((ret = running(st, uid, &e)) == STORE_OK && out != NULL)
		*out = e;
	return ret;
}

/* The rows of store_insert, inside its savepoint: the user's next number,
 * the entry, its tags, and the record of it in the open step. */
static store_rc insert_rows(store *st, const char *owner,
                            const struct store_entry *e, int64_t *id,
                            int64_t *seq)
{
	sqlite3_stmt *s;
	store_rc ret;
	int64_t uid, step, entry, num;
	int rc;

	if ((ret = store_user_get(st, owner, &uid)) != STORE_OK)
		return ret;

	if ((s = store_stmt(st, STMT_SEQ_NEXT)) == NULL)
		return STORE_ERR;
	rc = store_bind_int64(s, ":uid", uid);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc != SQLITE_ROW)
		return store_fail(st, STMT_SEQ_NEXT, rc);
	num = sqlite3_column_int64(s, 0);
	if ((rc = sqlite3_step(s)) != SQLITE_DONE)
		return store_fail(st, STMT_SEQ_NEXT, rc);
	store_reset(s);

	if ((s = store_stmt(st, STMT_ENTRY_ADD)) == NULL)
		return STORE_ERR;
	rc = store_bind_int64(s, ":uid", uid);
	if (rc == SQLITE_OK)
		rc = store_bind_int64(s, ":seq", num);
	if (rc == SQLITE_OK)
		rc = bind_fields(s, e);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc != SQLITE_ROW)
		return store_fail(st, STMT_ENTRY_ADD, rc);
	entry = sqlite3_column_int64(s, 0);
	if ((rc = sqlite3_step(s)) != SQLITE_DONE)
		return store_fail(st, STMT_ENTRY_ADD, rc);
	store_reset(s);

	if ((ret = tags_add(st, entry, e)) != STORE_OK)
		return ret;
	if ((step = store_step(st, uid)) != 0 &&
	    (ret = store_record_created(st, step, entry)) != STORE_OK)
		return ret;
	*id = entry;
	*seq = num;
	return STORE_OK;
}

store_rc store_insert_entry(store *st, const char *owner,
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
		tags_sort(e);
	}
	return ret;
}

store_rc store_insert(store *st, const char *owner,
                      const struct store_entry *e, int64_t *id)
{
	struct store_entry copy = *e;
	store_rc ret;

	ret = store_insert_entry(st, owner, &copy);
	if (ret == STORE_OK && id != NULL)
		*id = copy.id;
	return ret;
}

/* The change of store_stop, inside its savepoint. */
static store_rc stop_rows(store *st, int64_t uid, int64_t stop,
                          struct store_entry *e)
{
	sqlite3_stmt *s;
	store_rc ret;
	int64_t step;
	int rc;

	if ((step = store_step(st, uid)) != 0) {
		if ((ret = running(st, uid, e)) != STORE_OK)
			return ret;
		if ((ret = store_record_entry(st, step, e->id)) != STORE_OK)
			return ret;
	}
	if ((s = store_stmt(st, STMT_STOP)) == NULL)
		return STORE_ERR;
	rc = store_bind_int64(s, ":uid", uid);
	if (rc == SQLITE_OK)
		rc = store_bind_int64(s, ":stop", stop);
	if (rc != SQLITE_OK)
		return store_fail(st, STMT_STOP, rc);
	/* CHECK (stop >= start) fails here: STORE_CONFLICT. */
	return one_entry(st, STMT_STOP, s, e);
}

store_rc store_stop(store *st, const char *owner, int64_t stop,
                    struct store_entry *out)
{
	struct store_entry e;
	store_rc ret;
	int64_t uid;

	if ((ret = store_user_find(st, owner, &uid)) != STORE_OK)
		return ret; /* STORE_NOTFOUND: no user, so nothing runs */
	if ((ret = store_savepoint(st)) != STORE_OK)
		return ret;
	ret = store_savepoint_end(st, stop_rows(st, uid, stop, &e));
	if (ret == STORE_OK && out != NULL)
		*out = e;
	return ret;
}

store_rc store_get(store *st, const char *owner, int64_t seq,
                   struct store_entry *out)
{
	struct store_entry e;
	store_rc ret;
	int64_t uid;

	if ((ret = store_user_find(st, owner, &uid)) != STORE_OK)
		return ret;
	if ((ret = entry_by_seq(st, uid, seq, &e)) == STORE_OK && out != NULL)
		*out = e;
	return ret;
}

store_rc store_last(store *st, const char *owner, struct store_entry *out)
{
	struct store_entry e;
	sqlite3_stmt *s;
	store_rc ret;
	int64_t uid;
	int rc;

	if ((ret = store_user_find(st, owner, &uid)) != STORE_OK)
		return ret;
	if ((s = store_stmt(st, STMT_LAST)) == NULL)
		return STORE_ERR;
	rc = store_bind_int64(s, ":uid", uid);
	if (rc != SQLITE_OK)
		return store_fail(st, STMT_LAST, rc);
	if ((ret = one_entry(st, STMT_LAST, s, &e)) == STORE_OK && out != NULL)
		*out = e;
	return ret;
}

/* The change of store_update, inside its savepoint. */
static store_rc update_rows(store *st, int64_t uid,
                            const struct store_entry *e)
{
	struct store_entry old;
	sqlite3_stmt *s;
	store_rc ret;
	int64_t step;
	int rc;

	if ((ret = entry_by_seq(st, uid, e->seq, &old)) != STORE_OK)
		return ret;
	if ((step = store_step(st, uid)) != 0 &&
	    (ret = store_record_entry(st, step, old.id)) != STORE_OK)
		return ret;
	if ((s = store_stmt(st, STMT_ENTRY_SET)) == NULL)
		return STORE_ERR;
	rc = store_bind_int64(s, ":entry", old.id);
	if (rc == SQLITE_OK)
		rc = bind_fields(s, e);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	/* CHECK or entries_running: STORE_CONFLICT. */
	if (rc != SQLITE_DONE)
		return store_fail(st, STMT_ENTRY_SET, rc);
	store_reset(s);
	if ((ret = exec_entry(st, STMT_TAGS_CLEAR, old.id)) != STORE_OK)
		return ret;
	return tags_add(st, old.id, e);
}

store_rc store_update(store *st, const char *owner, struct store_entry *e)
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
		tags_sort(e);
	return ret;
}

/* The change of store_delete, inside its savepoint. */
static store_rc delete_rows(store *st, int64_t uid, int64_t seq,
                            struct store_entry *e)
{
	store_rc ret;
	int64_t step;

	if ((ret = entry_by_seq(st, uid, seq, e)) != STORE_OK)
		return ret;
	if ((step = store_step(st, uid)) != 0 &&
	    (ret = store_record_entry(st, step, e->id)) != STORE_OK)
		return ret;
	/* Its tags go with it (ON DELETE CASCADE). */
	return exec_entry(st, STMT_ENTRY_DEL, e->id);
}

store_rc store_delete(store *st, const char *owner, int64_t seq,
                      struct store_entry *out)
{
	struct store_entry e;
	store_rc ret;
	int64_t uid;

	if ((ret = store_user_find(st, owner, &uid)) != STORE_OK)
		return ret;
	if ((ret = store_savepoint(st)) != STORE_OK)
		return ret;
	ret = store_savepoint_end(st, delete_rows(st, uid, seq, &e));
	if (ret == STORE_OK && out != NULL)
		*out = e;
	return ret;
}

/* The change of store_rename_project, inside its savepoint. */
static store_rc rename_rows(store *st, int64_t uid, const char *old,
                            const char *new_name, int64_t *n)
{
	sqlite3_stmt *s;
	store_rc ret;
	int64_t step;
	int rc;

	if ((step = store_step(st, uid)) != 0 &&
	    (ret = store_record_project(st, step, uid, old)) != STORE_OK)
		return ret;
	if ((s = store_stmt(st, STMT_RENAME)) == NULL)
		return STORE_ERR;
	/* A longer old matches no stored project; a longer new breaks the
	 * CHECK: STORE_CONFLICT. */
	rc = store_bind_int64(s, ":uid", uid);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, ":old", old, STORE_PROJECT_MAX + 1);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, ":new", new_name,
		                     STORE_PROJECT_MAX + 1);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, STMT_RENAME, rc);
	store_reset(s);
	*n = sqlite3_changes64(st->db);
	return *n > 0 ? STORE_OK : STORE_NOTFOUND;
}

store_rc store_rename_project(store *st, const char *owner, const char *old,
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

/* Binds the parameters shared by the range queries. */
static int bind_range(sqlite3_stmt *s, int64_t uid, int64_t from, int64_t to,
                      int64_t now)
{
	int rc = store_bind_int64(s, ":uid", uid);

	return rc == SQLITE_OK ? store_bind_span(s, from, to, now) : rc;
}

store_rc store_overlap(store *st, const char *owner, int64_t from, int64_t to,
                       int64_t now, int64_t except_seq,
                       struct store_entry *out)
{
	struct store_entry e;
	sqlite3_stmt *s;
	store_rc ret;
	int64_t uid;
	int rc;

	ret = store_user_find(st, owner, &uid);
	if (ret != STORE_OK)
		return ret; /* STORE_NOTFOUND: no entries, the span is free */
	if ((s = store_stmt(st, STMT_OVERLAP)) == NULL)
		return STORE_ERR;
	rc = bind_range(s, uid, from, to, now);
	if (rc == SQLITE_OK)
		rc = store_bind_int64(s, ":except", except_seq);
	if (rc != SQLITE_OK)
		return store_fail(st, STMT_OVERLAP, rc);
	ret = one_entry(st, STMT_OVERLAP, s, &e);
	if (ret == STORE_OK && out != NULL)
		*out = e;
	return ret;
}

/*
 * Where a listing's entries go: to entry (store_list) or, with their
 * owner, to owned (store_list_filtered).
 */
struct list_sink {
	store_entry_cb entry;
	store_export_cb owned;
	void *arg;
};

/*
 * Binds the parameters of a listing statement s: :uid, the user's id,
 * unless the statement is one of every user's (all), the range and clock,
 * and the filter f. SQLite's result code.
 */
static int list_bind(sqlite3_stmt *s, bool all, int64_t uid, int64_t from,
                     int64_t to, int64_t now, const struct store_filter *f)
{
	int rc = all ? SQLITE_OK : store_bind_int64(s, ":uid", uid);

	if (rc == SQLITE_OK)
		rc = store_bind_span(s, from, to, now);
	if (rc == SQLITE_OK)
		rc = store_bind_filter(s, f);
	return rc;
}

/*
 * How many entries the listing would pass without a limit, into *n: the
 * count statement id (STMT_LIST_COUNT, or STMT_LIST_ALL_COUNT for every
 * user) with the listing's parameters.
 */
static store_rc list_count(store *st, enum store_stmt id, int64_t uid,
                           int64_t from, int64_t to, int64_t now,
                           const struct store_filter *f, int64_t *n)
{
	sqlite3_stmt *s;
	int rc;

	if ((s = store_stmt(st, id)) == NULL)
		return STORE_ERR;
	rc = list_bind(s, id == STMT_LIST_ALL_COUNT, uid, from, to, now, f);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc != SQLITE_ROW)
		return store_fail(st, id, rc);
	*n = sqlite3_column_int64(s, 0);
	store_reset(s);
	return STORE_OK;
}

/*
 * store_list and store_list_filtered: owner's entries (every user's when
 * owner is NULL) that overlap [from, to) and pass f (NULL: all), oldest
 * first, to out; the rows are SQL_ENTRY, then (every user's) the owner.
 *
 * Nothing here or in SQLite holds more than the row at hand (store.c
 * says how the statements stream), so memory does not grow with the
 * entries listed. The listing stops at the limit; only when there are
 * more entries after it is *total counted apart, while the listing's
 * statement still holds its row: the two then read in one transaction,
 * and the count agrees with what was passed even if another process
 * writes meanwhile.
 */
static store_rc list_entries(store *st, const char *owner, int64_t from,
                             int64_t to, int64_t now,
                             const struct store_filter *f, size_t limit,
                             const struct list_sink *out, int64_t *total)
{
	enum store_stmt id = owner != NULL ? STMT_LIST : STMT_LIST_ALL;
	char jid[STORE_OWNER_MAX + 1];
	struct store_entry e;
	sqlite3_stmt *s;
	store_rc ret;
	size_t passed = 0;
	int64_t uid = 0;
	int rc = SQLITE_DONE;

	if (total != NULL)
		*total = 0;
	if ((ret = store_filter_check(st, "list", f)) != STORE_OK)
		return ret;
	/* STORE_NOTFOUND: never wrote, nothing to list. */
	if (owner != NULL &&
	    (ret = store_user_find(st, owner, &uid)) != STORE_OK)
		return ret == STORE_NOTFOUND ? STORE_OK : ret;
	if ((s = store_stmt(st, id)) == NULL)
		return STORE_ERR;
	if ((rc = list_bind(s, owner == NULL, uid, from, to, now, f)) !=
	    SQLITE_OK)
		return store_fail(st, id, rc);
	while ((limit == 0 || passed < limit) &&
	       (rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (!read_entry(s, &e) || (owner == NULL &&
		    !store_copy_text(jid, sizeof jid, s, 6))) {
			store_reset(s);
			return store_failf(st, "%s: a stored text does not fit",
			                   store_stmt_name(id));
		}
		/* Another statement, while s waits on this row. */
		if ((ret = tags_load(st, &e)) != STORE_OK) {
			store_reset(s);
			return ret;
		}
		if (out->entry != NULL)
			out->entry(&e, out->arg);
		if (out->owned != NULL)
			out->owned(owner != NULL ? owner : jid, &e, out->arg);
		passed++;
	}
	/* Stopped at the limit (rc is the last row's): is there more? */
	if (rc == SQLITE_ROW && total != NULL)
		rc = sqlite3_step(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, id, rc);
	ret = STORE_OK;
	if (total != NULL && rc == SQLITE_ROW)
		ret = list_count(st, id == STMT_LIST ? STMT_LIST_COUNT :
		                 STMT_LIST_ALL_COUNT, uid, from, to, now, f,
		                 total);
	else if (total != NULL)
		*total = (int64_t)passed;
	store_reset(s);
	return ret;
}

store_rc store_list(store *st, const char *owner, int64_t from, int64_t to,
                    int64_t now, size_t limit, store_entry_cb cb, void *arg,
                    int64_t *total)
{
	const struct list_sink out = { cb, NULL, arg };

	if (owner == NULL)
		return store_failf(st, "list: no owner");
	return list_entries(st, owner, from, to, now, NULL, limit, &out,
	                    total);
}

store_rc store_list_filtered(store *st, const char *owner, int64_t from,
                             int64_t to, int64_t now,
                             const struct store_filter *f, size_t limit,
                             store_export_cb cb, void *arg, int64_t *total)
{
	const struct list_sink out = { NULL, cb, arg };

	return list_entries(st, owner, from, to, now, f, limit, &out, total);
}

store_rc store_name_rows(store *st, enum store_stmt id, sqlite3_stmt *s,
                         store_total_cb total, store_report_cb report,
                         void *arg)
{
	char name[STORE_PROJECT_MAX + 1]; /* a tag is shorter */
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (!store_copy_text(name, sizeof name, s, 0)) {
			store_reset(s);
			return store_failf(st, "%s: a stored name does not fit",
			                   store_stmt_name(id));
		}
		if (total != NULL)
			total(name, sqlite3_column_int64(s, 1), arg);
		if (report != NULL)
			report(sqlite3_column_int(s, 2), name,
			       sqlite3_column_int64(s, 1), arg);
	}
	if (rc != SQLITE_DONE)
		return store_fail(st, id, rc);
	store_reset(s);
	return STORE_OK;
}

/*
 * Statement id for owner's rows, with :uid bound to owner's user id, into
 * *out. STORE_NOTFOUND when owner never wrote (has no user row): then
 * there is nothing to read.
 */
static store_rc owner_stmt(store *st, const char *owner, enum store_stmt id,
                           sqlite3_stmt **out)
{
	store_rc ret;
	int64_t uid;
	int rc;

	if ((ret = store_user_find(st, owner, &uid)) != STORE_OK)
		return ret;
	if ((*out = store_stmt(st, id)) == NULL)
		return STORE_ERR;
	if ((rc = store_bind_int64(*out, ":uid", uid)) != SQLITE_OK)
		return store_fail(st, id, rc);
	return STORE_OK;
}

/*
 * Runs statement id, whose rows are (name, seconds), over owner's range
 * and passes each row to cb. An owner who never wrote has none.
 */
static store_rc name_totals(store *st, enum store_stmt id, const char *owner,
                            int64_t from, int64_t to, int64_t now,
                            store_total_cb cb, void *arg)
{
	sqlite3_stmt *s;
	store_rc ret;
	int rc;

	ret = owner_stmt(st, owner, id, &s);
	if (ret == STORE_NOTFOUND)
		return STORE_OK; /* never wrote: no time anywhere */
	if (ret != STORE_OK)
		return ret;
	if ((rc = store_bind_span(s, from, to, now)) != SQLITE_OK)
		return store_fail(st, id, rc);
	return store_name_rows(st, id, s, cb, NULL, arg);
}

store_rc store_totals(store *st, const char *owner, int64_t from, int64_t to,
                      int64_t now, store_total_cb cb, void *arg)
{
	return name_totals(st, STMT_TOTALS, owner, from, to, now, cb, arg);
}

store_rc store_projects(store *st, const char *owner, int64_t from, int64_t to,
                        int64_t now, store_total_cb cb, void *arg)
{
	return name_totals(st, STMT_PROJECTS, owner, from, to, now, cb, arg);
}

store_rc store_tags(store *st, const char *owner, int64_t from, int64_t to,
                    int64_t now, store_total_cb cb, void *arg)
{
	return name_totals(st, STMT_TAG_TOTALS, owner, from, to, now, cb, arg);
}

store_rc store_project_renames(store *st, const char *owner,
                               store_rename_cb cb, void *arg)
{
	char old[STORE_PROJECT_MAX + 1], now_name[STORE_PROJECT_MAX + 1];
	sqlite3_stmt *s;
	store_rc ret;
	int rc;

	ret = owner_stmt(st, owner, STMT_PROJECT_RENAMES, &s);
	if (ret == STORE_NOTFOUND)
		return STORE_OK;
	if (ret != STORE_OK)
		return ret;
	rc = store_bind_int64(s, ":limit", STORE_RENAMES_MAX);
	if (rc != SQLITE_OK)
		return store_fail(st, STMT_PROJECT_RENAMES, rc);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (!store_copy_text(old, sizeof old, s, 0) ||
		    !store_copy_text(now_name, sizeof now_name, s, 1)) {
			store_reset(s);
			return store_failf(st, "%s: a stored name does not fit",
			                   store_stmt_name(STMT_PROJECT_RENAMES));
		}
		cb(old, now_name, arg);
	}
	if (rc != SQLITE_DONE)
		return store_fail(st, STMT_PROJECT_RENAMES, rc);
	store_reset(s);
	return STORE_OK;
}

/*
 * One number about owner from statement id (one row, one column) into
 * *out: 0 for an owner who never wrote. With range (from, to, now) the
 * statement takes SQL_OVERLAP's parameters, else :uid only.
 */
static store_rc user_number(store *st, const char *owner, enum store_stmt id,
                            const int64_t *range, int64_t *out)
{
	sqlite3_stmt *s;
	store_rc ret;
	int rc = SQLITE_OK;

	*out = 0;
	ret = owner_stmt(st, owner, id, &s);
	if (ret == STORE_NOTFOUND)
		return STORE_OK;
	if (ret != STORE_OK)
		return ret;
	if (range != NULL)
		rc = store_bind_span(s, range[0], range[1], range[2]);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc != SQLITE_ROW)
		return store_fail(st, id, rc);
	*out = sqlite3_column_int64(s, 0);
	store_reset(s);
	return STORE_OK;
}

store_rc store_total(store *st, const char *owner, int64_t from, int64_t to,
                     int64_t now, int64_t *secs)
{
	const int64_t range[3] = { from, to, now };

	return user_number(st, owner, STMT_TOTAL, range, secs);
}

store_rc store_count(store *st, const char *owner, int64_t *n)
{
	return user_number(st, owner, STMT_ENTRY_COUNT, NULL, n);
}
