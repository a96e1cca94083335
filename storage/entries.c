/*
 * storage/entries.c - time entries: adding, stopping, the running one,
 * counts and totals. Every query is scoped by the owner's user id; reads
 * never create a user row, the first insert does.
 *
 * Dependency rule: SQLite (through store_int.h) and libc only. The SQL is
 * in store.c's statement table.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "store_int.h"

/* Owner's user id into *uid; STORE_NOTFOUND when owner never wrote. */
static store_rc user_find(store *st, const char *owner, int64_t *uid)
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

/* Owner's user id into *uid, adding the user row if there is none. */
static store_rc user_get(store *st, const char *owner, int64_t *uid)
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
	ret = user_find(st, owner, uid);
	if (ret == STORE_NOTFOUND) /* cannot be: it was just added */
		return store_failf(st, "find-user: user vanished after insert");
	return ret;
}

/*
 * Copies text column col of s into dst, dstsz bytes with the NUL. False
 * when it does not fit, which the schema's CHECK constraints rule out, or
 * when SQLite ran out of memory converting it.
 */
static bool copy_text(char *dst, size_t dstsz, sqlite3_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s, col);
	int n = sqlite3_column_bytes(s, col);

	if (t == NULL) {
		/* NULL is out of memory or an SQL NULL, which no column read
		 * here holds; empty text reads as "". */
		if (sqlite3_errcode(sqlite3_db_handle(s)) == SQLITE_NOMEM)
			return false;
		n = 0;
	}
	if (n < 0 || (size_t)n >= dstsz)
		return false;
	memcpy(dst, t != NULL ? (const char *)t : "", (size_t)n);
	dst[n] = '\0';
	return true;
}

/*
 * Copies the columns id, project, note, start and, when s has it, stop
 * (else 0: running) of the current row of s into *e, tags left empty.
 */
static bool read_entry(sqlite3_stmt *s, struct store_entry *e)
{
	memset(e, 0, sizeof *e);
	e->id = sqlite3_column_int64(s, 0);
	e->start = sqlite3_column_int64(s, 3);
	if (sqlite3_column_count(s) > 4)
		e->stop = sqlite3_column_int64(s, 4);
	return copy_text(e->project, sizeof e->project, s, 1) &&
	       copy_text(e->note, sizeof e->note, s, 2);
}

/* Reads the tags of entry e->id into e, sorted by their bytes. */
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
		    !copy_text(e->tags[e->ntags], sizeof e->tags[0], s, 0)) {
			store_reset(s);
			return store_failf(st, "tags: entry %" PRId64 " has a tag "
			                   "too many or too long", e->id);
		}
		e->ntags++;
	}
	if (rc != SQLITE_DONE)
		return store_fail(st, STMT_TAGS, rc);
	store_reset(s);
	return STORE_OK;
}

store_rc store_running(store *st, const char *owner, struct store_entry *out)
{
	struct store_entry e;
	sqlite3_stmt *s;
	store_rc ret;
	int64_t uid;
	bool fits;
	int rc;

	if ((ret = user_find(st, owner, &uid)) != STORE_OK)
		return ret;
	if ((s = store_stmt(st, STMT_RUNNING)) == NULL)
		return STORE_ERR;
	rc = store_bind_int64(s, ":uid", uid);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		store_reset(s);
		return STORE_NOTFOUND;
	}
	if (rc != SQLITE_ROW)
		return store_fail(st, STMT_RUNNING, rc);
	fits = read_entry(s, &e);
	store_reset(s);
	if (out == NULL)
		return STORE_OK;
	if (!fits)
		return store_failf(st, "running: a stored text does not fit");
	if ((ret = tags_load(st, &e)) != STORE_OK)
		return ret;
	*out = e;
	return STORE_OK;
}

/* The inserts of store_insert, inside its savepoint. */
static store_rc insert_rows(store *st, const char *owner,
                            const struct store_entry *e, int64_t *id)
{
	sqlite3_stmt *s;
	store_rc ret;
	int64_t uid, entry;
	int i, rc;

	if ((ret = user_get(st, owner, &uid)) != STORE_OK)
		return ret;

	if ((s = store_stmt(st, STMT_ENTRY_ADD)) == NULL)
		return STORE_ERR;
	/* Limits are the buffers' sizes: a string without its NUL is bound
	 * one byte too long and the CHECK constraint refuses it. */
	rc = store_bind_int64(s, ":uid", uid);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, ":project", e->project,
		                     sizeof e->project);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, ":note", e->note, sizeof e->note);
	if (rc == SQLITE_OK)
		rc = store_bind_int64(s, ":start", e->start);
	if (rc == SQLITE_OK)
		rc = e->stop == 0 ? store_bind_null(s, ":stop") :
		                    store_bind_int64(s, ":stop", e->stop);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc != SQLITE_ROW)
		return store_fail(st, STMT_ENTRY_ADD, rc);
	entry = sqlite3_column_int64(s, 0);
	if ((rc = sqlite3_step(s)) != SQLITE_DONE)
		return store_fail(st, STMT_ENTRY_ADD, rc);
	store_reset(s);

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
	if (id != NULL)
		*id = entry;
	return STORE_OK;
}

/*
 * Undoes the savepoint store_change and leaves it. Quiet: the error that
 * led here is the one store_errmsg keeps. When the savepoint was the
 * outermost transaction, this ends it.
 */
static void undo_savepoint(store *st)
{
	static const enum store_stmt steps[] = { STMT_ROLLBACK_TO,
		                                 STMT_RELEASE };
	sqlite3_stmt *s;
	size_t i;

	/* SQLite may have rolled everything back already (I/O error, full
	 * disk); then there is no savepoint left. */
	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		if (sqlite3_get_autocommit(st->db))
			return;
		if ((s = store_stmt(st, steps[i])) == NULL)
			return;
		(void)sqlite3_step(s);
		store_reset(s);
	}
}

store_rc store_insert(store *st, const char *owner,
                      const struct store_entry *e, int64_t *id)
{
	store_rc ret;

	if (e->ntags < 0 || e->ntags > STORE_TAGS_MAX) {
		store_failf(st, "insert: %d tags, at most %d", e->ntags,
		            STORE_TAGS_MAX);
		return STORE_CONFLICT;
	}
	/* Atomic alone, and a part of the caller's transaction in one. */
	if ((ret = store_exec(st, STMT_SAVEPOINT)) != STORE_OK)
		return ret;
	ret = insert_rows(st, owner, e, id);
	if (ret == STORE_OK)
		ret = store_exec(st, STMT_RELEASE);
	if (ret != STORE_OK)
		undo_savepoint(st);
	return ret;
}

store_rc store_stop(store *st, const char *owner, int64_t stop,
                    struct store_entry *out)
{
	struct store_entry e;
	sqlite3_stmt *s;
	store_rc ret;
	int64_t uid;
	bool fits;
	int rc;

	if ((ret = user_find(st, owner, &uid)) != STORE_OK)
		return ret; /* STORE_NOTFOUND: no user, so nothing runs */
	if ((s = store_stmt(st, STMT_STOP)) == NULL)
		return STORE_ERR;
	rc = store_bind_int64(s, ":uid", uid);
	if (rc == SQLITE_OK)
		rc = store_bind_int64(s, ":stop", stop);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		store_reset(s);
		return STORE_NOTFOUND;
	}
	if (rc != SQLITE_ROW) /* CHECK (stop >= start): STORE_CONFLICT */
		return store_fail(st, STMT_STOP, rc);
	fits = read_entry(s, &e);
	/* entries_running allows one row; stepping on finishes the update. */
	if ((rc = sqlite3_step(s)) != SQLITE_DONE)
		return store_fail(st, STMT_STOP, rc);
	store_reset(s);
	if (out == NULL)
		return STORE_OK;
	if (!fits)
		return store_failf(st, "stop: a stored text does not fit");
	if ((ret = tags_load(st, &e)) != STORE_OK)
		return ret;
	*out = e;
	return STORE_OK;
}

/* Binds the parameters shared by the totals statements. */
static int bind_range(sqlite3_stmt *s, int64_t uid, int64_t from, int64_t to,
                      int64_t now)
{
	int rc = store_bind_int64(s, ":uid", uid);

	if (rc == SQLITE_OK)
		rc = store_bind_int64(s, ":from", from);
	if (rc == SQLITE_OK)
		rc = store_bind_int64(s, ":to", to);
	if (rc == SQLITE_OK)
		rc = store_bind_int64(s, ":now", now);
	return rc;
}

store_rc store_totals(store *st, const char *owner, int64_t from, int64_t to,
                      int64_t now, store_total_cb cb, void *arg)
{
	char project[STORE_PROJECT_MAX + 1];
	sqlite3_stmt *s;
	store_rc ret;
	int64_t uid;
	int rc;

	ret = user_find(st, owner, &uid);
	if (ret == STORE_NOTFOUND)
		return STORE_OK; /* never wrote: no time anywhere */
	if (ret != STORE_OK)
		return ret;
	if ((s = store_stmt(st, STMT_TOTALS)) == NULL)
		return STORE_ERR;
	rc = bind_range(s, uid, from, to, now);
	if (rc != SQLITE_OK)
		return store_fail(st, STMT_TOTALS, rc);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (!copy_text(project, sizeof project, s, 0)) {
			store_reset(s);
			return store_failf(st, "totals: a stored project does "
			                   "not fit");
		}
		if (cb != NULL)
			cb(project, sqlite3_column_int64(s, 1), arg);
	}
	if (rc != SQLITE_DONE)
		return store_fail(st, STMT_TOTALS, rc);
	store_reset(s);
	return STORE_OK;
}

store_rc store_total(store *st, const char *owner, int64_t from, int64_t to,
                     int64_t now, int64_t *secs)
{
	sqlite3_stmt *s;
	store_rc ret;
	int64_t uid;
	int rc;

	*secs = 0;
	ret = user_find(st, owner, &uid);
	if (ret == STORE_NOTFOUND)
		return STORE_OK;
	if (ret != STORE_OK)
		return ret;
	if ((s = store_stmt(st, STMT_TOTAL)) == NULL)
		return STORE_ERR;
	rc = bind_range(s, uid, from, to, now);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc != SQLITE_ROW)
		return store_fail(st, STMT_TOTAL, rc);
	*secs = sqlite3_column_int64(s, 0);
	store_reset(s);
	return STORE_OK;
}

store_rc store_count(store *st, const char *owner, int64_t *n)
{
	sqlite3_stmt *s;
	store_rc ret;
	int64_t uid;
	int rc;

	*n = 0;
	ret = user_find(st, owner, &uid);
	if (ret == STORE_NOTFOUND)
		return STORE_OK;
	if (ret != STORE_OK)
		return ret;
	if ((s = store_stmt(st, STMT_ENTRY_COUNT)) == NULL)
		return STORE_ERR;
	rc = store_bind_int64(s, ":uid", uid);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc != SQLITE_ROW)
		return store_fail(st, STMT_ENTRY_COUNT, rc);
	*n = sqlite3_column_int64(s, 0);
	store_reset(s);
	return STORE_OK;
}

store_rc store_explain_totals(store *st, char *out, size_t outsz)
{
	const unsigned char *detail;
	sqlite3_stmt *s, *x = NULL;
	store_rc ret = STORE_OK;
	size_t len = 0;
	char *sql;
	int rc, n;

	if (outsz == 0)
		return store_failf(st, "explain: no room for the plan");
	out[0] = '\0';
	if ((s = store_stmt(st, STMT_TOTALS)) == NULL)
		return STORE_ERR;
	/* Our own SQL text, not a value: formatting is right here. */
	sql = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sqlite3_sql(s));
	if (sql == NULL)
		return store_failf(st, "explain: out of memory");
	rc = sqlite3_prepare_v2(st->db, sql, -1, &x, NULL);
	sqlite3_free(sql);
	if (rc != SQLITE_OK) {
		store_failf(st, "explain: %s", sqlite3_errmsg(st->db));
		sqlite3_finalize(x);
		return STORE_ERR;
	}
	/* Columns: id, parent, (unused), detail. */
	while ((rc = sqlite3_step(x)) == SQLITE_ROW) {
		detail = sqlite3_column_text(x, 3);
		n = snprintf(out + len, outsz - len, "%s\n",
		             detail != NULL ? (const char *)detail : "");
		if (n < 0 || (size_t)n >= outsz - len) {
			ret = store_failf(st, "explain: the plan is longer than "
			                  "%zu bytes", outsz);
			break;
		}
		len += (size_t)n;
	}
	if (ret == STORE_OK && rc != SQLITE_DONE)
		ret = store_failf(st, "explain: %s", sqlite3_errmsg(st->db));
	sqlite3_finalize(x);
	return ret;
}
