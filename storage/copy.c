/*
 * storage/copy.c - store_copy: every row of one database into another,
 * on either engine (SQLite to PostgreSQL, back, or to another file), and
 * the check that both then hold the same.
 *
 * The copy knows the tables, not their columns: each table is read with
 * SELECT * in the order of its key, a chunk at a time (db_read_chunked),
 * and written through db_copy_begin to the columns its rows have, each
 * value passed as the kind it is (db_column_kind): COPY on PostgreSQL,
 * a prepared INSERT on SQLite. A column added to the schema is copied
 * as it is; a table added is one line of copy_tables.
 *
 * Dependency rule: db.h (through store_int.h), lib/text.h and libc.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../lib/text.h"
#include "store_int.h"

/*
 * Every table of the schema (schema.sql), in the order of their
 * references: a row goes in after the rows it refers to. key orders the
 * rows as read (the primary key; rollup_dirty, which has none, every
 * column), so that two copies of a database are made alike.
 */
static const struct copy_table {
	const char *name;
	const char *key;
} copy_tables[] = {
	{ "users", "id" },
	{ "entries", "id" },
	{ "entry_tags", "entry_id, tag" },
	{ "entry_breaks", "entry_id, start" },
	{ "undo_steps", "id" },
	{ "undo_entries", "step_id, entry_id" },
	{ "undo_tags", "step_id, entry_id, tag" },
	{ "undo_breaks", "step_id, entry_id, start" },
	{ "handled_messages", "user_id, n" },
	{ "user_settings", "user_id, name" },
	{ "user_away", "user_id" },
	{ "idle_prompts", "user_id" },
	{ "nudges_sent", "user_id, kind, occasion" },
	{ "team_digests", "team, day" },
	{ "rates", "scope, name, project" },
	/* The rollup last: rollup_dirty is emptied of what the triggers of
	 * the copied entries, tags and breaks noted before it is copied
	 * (copy_one), so that the rollup is the source's, built as far as
	 * the source's was. */
	{ "rollup_users", "user_id" },
	{ "rollup_projects", "user_id, day, project, edge" },
	{ "rollup_tags", "user_id, day, project, tag, edge" },
	{ "rollup_dirty", "user_id, lo, hi, entry_id" },
};

#define COPY_NTABLES (sizeof copy_tables / sizeof copy_tables[0])

_Static_assert(COPY_NTABLES <= STORE_COPY_TABLES_MAX,
               "struct store_copy_report holds every table");

/* The most columns a table has: room for a row's names and values. */
#define COPY_COLUMNS_MAX 32

/* Runs sql on st, a statement made here (not one of the handle's), to
 * its first row, whose first column goes to *n (0 when there is no
 * row, or it is NULL). STORE_ERR with "name: why" in st's message. */
static store_rc
copy_number(store *st, const char *name, const char *sql, int64_t bind,
            int64_t *n)
{
	db_stmt *s = db_prepare(st, name, sql, false);
	int rc;

	*n = 0;
	if (s == NULL)
		return STORE_ERR;
	rc = db_has_param(s, ":high") ? db_bind_int64(s, ":high", bind) :
	                                DB_OK;
	if (rc == DB_OK)
		rc = db_step(s);
	if (rc == DB_ROW)
		*n = db_int64(s, 0);
	if (rc != DB_ROW && rc != DB_DONE) {
		store_failf(st, "%s: %s", name, db_errmsg(st));
		db_finalize(s);
		return STORE_ERR;
	}
	db_finalize(s);
	return STORE_OK;
}

/* The rows of table t of st into *n. */
static store_rc
copy_count(store *st, const struct copy_table *t, int64_t *n)
{
	char sql[128];

	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", t->name);
	return copy_number(st, "copy-count", sql, 0, n);
}

/* The names of the columns of rd's rows into cols, their number into
 * *n; STORE_ERR, with to's message, when there are more than
 * COPY_COLUMNS_MAX or one has no name. */
static store_rc
column_names(store *to, const struct copy_table *t, db_stmt *rd,
             const char **cols, int *n)
{
	int i;

	*n = db_columns(rd);
	if (*n <= 0 || *n > COPY_COLUMNS_MAX)
		return store_failf(to, "copy %s: %d columns", t->name, *n);
	for (i = 0; i < *n; i++)
		if ((cols[i] = db_column_name(rd, i)) == NULL)
			return store_failf(to, "copy %s: column %d has no name",
			                   t->name, i + 1);
	return STORE_OK;
}

/* The values of the current row of rd (n columns) into v, borrowed
 * until its next step; STORE_ERR, with to's message, for a value of
 * none of the kinds of timmy's columns. */
static store_rc
row_values(store *to, const struct copy_table *t, db_stmt *rd, int n,
           struct db_value *v)
{
	int i;

	for (i = 0; i < n; i++) {
		memset(&v[i], 0, sizeof v[i]);
		switch ((v[i].kind = db_column_kind(rd, i))) {
		case DB_KIND_NULL:
			break;
		case DB_KIND_INTEGER:
			v[i].i = db_int64(rd, i);
			break;
		case DB_KIND_TEXT:
			v[i].text = (const char *)db_text(rd, i);
			v[i].len = (size_t)db_bytes(rd, i);
			break;
		default:
			return store_failf(to, "copy %s: column %s holds neither "
			                   "an integer nor text", t->name,
			                   db_column_name(rd, i));
		}
	}
	return STORE_OK;
}

/*
 * The failure of writing table t into to, whose engine refused row
 * number refused (1 the first; 0 unknown): "copy entries, id 42: why",
 * the row named by its first column as the source has it (read again:
 * PostgreSQL names the row it refused only once the table is written).
 */
static store_rc
copy_refused(store *from, store *to, const struct copy_table *t,
             int64_t refused)
{
	char sql[256], first[64] = "";
	db_stmt *s = NULL;

	if (refused > 0) {
		snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY %s"
		         " LIMIT 1 OFFSET %" PRId64, t->name, t->key,
		         refused - 1);
		s = db_prepare(from, "copy-refused", sql, false);
	}
	if (s != NULL && db_step(s) == DB_ROW) {
		const unsigned char *v = db_text(s, 0);

		snprintf(first, sizeof first, ", %s %s", db_column_name(s, 0),
		         v != NULL ? (const char *)v : "NULL");
	}
	db_finalize(s);
	return store_failf(to, "copy %s%s: %s", t->name, first, db_errmsg(to));
}

/*
 * Copies the rows of table t from from into to, counting them in *rows.
 * A row that does not go in is named by its first column ("entries, id
 * 42: ...").
 */
static store_rc
copy_one(store *from, store *to, const struct copy_table *t, int64_t *rows)
{
	const char *cols[COPY_COLUMNS_MAX];
	struct db_value v[COPY_COLUMNS_MAX];
	char sql[256];
	db_stmt *rd;
	db_copy *wr = NULL;
	store_rc ret = STORE_OK;
	int64_t refused = 0;
	int rc, wrc = DB_OK, n = 0;

	*rows = 0;
	if (strcmp(t->name, "rollup_dirty") == 0) {
		db_stmt *s = db_prepare(to, "copy-dirty",
		                        "DELETE FROM rollup_dirty", false);

		if (s == NULL)
			return STORE_ERR;
		rc = db_step(s);
		db_finalize(s);
		if (rc != DB_DONE)
			return store_failf(to, "copy-dirty: %s", db_errmsg(to));
	}
	snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY %s", t->name,
	         t->key);
	if ((rd = db_prepare(from, "copy-read", sql, false)) == NULL)
		return store_failf(to, "reading %s", store_errmsg(from));
	db_read_chunked(rd);
	while ((rc = db_step(rd)) == DB_ROW) {
		if (wr == NULL) {
			if ((ret = column_names(to, t, rd, cols, &n)) != STORE_OK)
				break;
			if ((wr = db_copy_begin(to, t->name, cols, n)) == NULL) {
				ret = STORE_ERR;
				break;
			}
		}
		if ((ret = row_values(to, t, rd, n, v)) != STORE_OK)
			break;
		if ((wrc = db_copy_row(wr, v, n)) != DB_OK)
			break;
		(*rows)++;
	}
	if (ret == STORE_OK && wrc == DB_OK && rc != DB_DONE)
		ret = store_failf(to, "reading %s: %s", t->name,
		                  db_errmsg(from));
	/* The rows end here, written or abandoned; a refusal, at once or
	 * at the end, is named. */
	if (wr != NULL && (wrc = db_copy_end(wr, ret == STORE_OK, &refused)) !=
	    DB_OK && ret == STORE_OK)
		ret = copy_refused(from, to, t, refused);
	db_finalize(rd);
	return ret;
}

/* STORE_ERR, naming the first table of to that holds a row. */
static store_rc
copy_target_empty(store *to)
{
	int64_t n;
	size_t i;

	for (i = 0; i < COPY_NTABLES; i++) {
		if (copy_count(to, &copy_tables[i], &n) != STORE_OK)
			return STORE_ERR;
		if (n > 0)
			return store_failf(to, "the target database is not "
			                   "empty: %s has %" PRId64 " rows",
			                   copy_tables[i].name, n);
	}
	return STORE_OK;
}

/*
 * The highest entry id st ever gave, deleted entries included (SQLite's
 * AUTOINCREMENT keeps it in sqlite_sequence, PostgreSQL in the
 * identity's sequence): undo steps and nudges sent name entries by id,
 * and an id given twice would make them name another.
 */
static store_rc
entries_high(store *st, int64_t *high)
{
	return copy_number(st, "copy-high", st->pg != NULL ?
	        "SELECT pg_sequence_last_value(CAST("
	        "pg_get_serial_sequence('entries', 'id') AS regclass))" :
	        "SELECT seq FROM sqlite_sequence WHERE name = 'entries'",
	        0, high);
}

/*
 * Makes to's ids continue after the copied ones: the next entry gets an
 * id above high and above every entry's; on PostgreSQL the next user
 * and undo step too (SQLite gives those max(id) + 1 by itself).
 */
static store_rc
ids_follow(store *to, int64_t high)
{
	static const char *const pg[] = {
		"SELECT setval(pg_get_serial_sequence('users', 'id'), max(id))"
		" FROM users HAVING count(*) > 0",
		"SELECT setval(pg_get_serial_sequence('undo_steps', 'id'),"
		" max(id)) FROM undo_steps HAVING count(*) > 0",
		"SELECT setval(pg_get_serial_sequence('entries', 'id'),"
		" greatest(max(id), :high)) FROM entries"
		" HAVING greatest(max(id), :high) > 0",
	};
	/* AUTOINCREMENT already moved past the ids inserted. */
	static const char *const lite[] = {
		"UPDATE sqlite_sequence SET seq = :high"
		" WHERE name = 'entries' AND seq < :high",
		"INSERT INTO sqlite_sequence (name, seq) SELECT 'entries', :high"
		" WHERE :high > 0 AND NOT EXISTS (SELECT 1 FROM sqlite_sequence"
		" WHERE name = 'entries')",
	};
	const char *const *sql = to->pg != NULL ? pg : lite;
	size_t i, n = to->pg != NULL ? sizeof pg / sizeof pg[0] :
	                               sizeof lite / sizeof lite[0];
	int64_t ignored;

	for (i = 0; i < n; i++)
		if (copy_number(to, "copy-ids", sql[i], high, &ignored) !=
		    STORE_OK)
			return STORE_ERR;
	return STORE_OK;
}

/* Whether column col of the rows of a and b holds the same: text for
 * column 1 (the JID), else an integer or NULL. */
static bool
same_value(db_stmt *a, db_stmt *b, int col)
{
	const unsigned char *ta, *tb;

	if (db_is_null(a, col) || db_is_null(b, col))
		return db_is_null(a, col) == db_is_null(b, col);
	if (col != 1)
		return db_int64(a, col) == db_int64(b, col);
	ta = db_text(a, col);
	tb = db_text(b, col);
	return ta != NULL && tb != NULL && db_bytes(a, col) == db_bytes(b, col) &&
	       memcmp(ta, tb, (size_t)db_bytes(a, col)) == 0;
}

/*
 * Compares from and to, as store.h says, into r: each table's rows,
 * then per user (by id) the JID, the entries, the stopped entries' time
 * and the running entry's start. The message of a difference names it.
 */
static store_rc
copy_check(store *from, store *to, struct store_copy_report *r)
{
	STORE_SQL(q, "copy-check-users",
		"SELECT u.id, u.jid,"
		" (SELECT count(*) FROM entries AS e WHERE e.user_id = u.id),"
		" (SELECT coalesce(sum(e.stop - e.start), 0) FROM entries AS e"
		"  WHERE e.user_id = u.id AND e.stop IS NOT NULL),"
		" (SELECT e.start FROM entries AS e"
		"  WHERE e.user_id = u.id AND e.stop IS NULL)"
		" FROM users AS u ORDER BY u.id");
	static const char *const what[] = { "id", "JID", "number of entries",
		"time of the stopped entries", "running entry's start" };
	db_stmt *a, *b;
	int64_t na, nb;
	store_rc ret = STORE_OK;
	int rca, rcb, col;
	size_t i;

	for (i = 0; i < COPY_NTABLES; i++) {
		if (copy_count(from, &copy_tables[i], &na) != STORE_OK)
			return store_failf(to, "check: %s", store_errmsg(from));
		if (copy_count(to, &copy_tables[i], &nb) != STORE_OK)
			return STORE_ERR;
		if (na != nb)
			return store_failf(to, "check: %s has %" PRId64 " rows "
			                   "in the source, %" PRId64 " in the "
			                   "copy", copy_tables[i].name, na, nb);
	}
	if ((a = store_sql_prepare(from, &q)) == NULL)
		return store_failf(to, "check: %s", store_errmsg(from));
	if ((b = store_sql_prepare(to, &q)) == NULL) {
		store_reset(a);
		return STORE_ERR;
	}
	for (;;) {
		rca = db_step(a);
		rcb = db_step(b);
		if (rca != DB_ROW || rcb != DB_ROW)
			break;
		for (col = 0; col < 5; col++) {
			if (!same_value(a, b, col)) {
				ret = store_failf(to, "check: user %.*s: the %s "
				                  "differs between the source and "
				                  "the copy", db_bytes(a, 1),
				                  (const char *)db_text(a, 1),
				                  what[col]);
				goto out;
			}
		}
		r->users++;
		r->entries += db_int64(a, 2);
		r->secs += db_int64(a, 3);
	}
	if (rca == DB_ROW || rcb == DB_ROW)
		ret = store_failf(to, "check: the users differ between the "
		                  "source and the copy");
	else if (rca != DB_DONE)
		ret = store_failf(to, "check: %s", db_errmsg(from));
	else if (rcb != DB_DONE)
		ret = store_failf(to, "check: %s", db_errmsg(to));
out:
	store_reset(a);
	store_reset(b);
	return ret;
}

/* Commits to's transaction as it is: store_commit would build the
 * rollup's pending spans, which the copy keeps pending as the source
 * has them. */
static store_rc
copy_commit(store *to)
{
	STORE_SQL(q, "copy-commit", "COMMIT");
	store_rc ret = store_sql_run(to, &q);

	if (ret == STORE_OK)
		store_write_over(to);
	return ret;
}

/*
 * Gathers PostgreSQL's statistics of the tables just filled: its planner
 * knows nothing of rows that came by COPY until autovacuum analyzes them,
 * a minute or more later, and meanwhile planned a year's report over a
 * few hundred rows at 820 ms instead of 36 to 67 ms (bench/scale.py).
 * SQLite plans without statistics.
 */
static store_rc
copy_analyze(store *to)
{
	STORE_SQL_PG_ONLY(q, "copy-analyze", "ANALYZE");

	return store_sql_run(to, &q);
}

store_rc
store_copy(store *from, store *to, struct store_copy_report *out)
{
	STORE_SQL(snapshot, "copy-snapshot", "BEGIN DEFERRED");
	struct store_copy_report r;
	int64_t high = 0;
	store_rc ret;
	size_t i;

	memset(&r, 0, sizeof r);
	if (store_sql_run(from, &snapshot) != STORE_OK)
		return store_failf(to, "reading: %s", store_errmsg(from));
	if ((ret = store_begin(to)) != STORE_OK)
		goto out;
	if ((ret = copy_target_empty(to)) != STORE_OK)
		goto out;
	for (i = 0; i < COPY_NTABLES && ret == STORE_OK; i++) {
		ret = copy_one(from, to, &copy_tables[i], &r.tables[i].rows);
		r.tables[i].name = copy_tables[i].name;
		r.rows += r.tables[i].rows;
		r.ntables++;
	}
	if (ret == STORE_OK && (ret = entries_high(from, &high)) != STORE_OK)
		store_failf(to, "%s", store_errmsg(from));
	if (ret == STORE_OK)
		ret = ids_follow(to, high);
	if (ret == STORE_OK)
		ret = copy_check(from, to, &r);
	if (ret == STORE_OK)
		ret = copy_commit(to);
	if (ret == STORE_OK && to->pg != NULL)
		ret = copy_analyze(to);
out:
	if (ret != STORE_OK)
		store_rollback(to);
	store_rollback(from); /* the snapshot's end: it only read */
	if (out != NULL)
		*out = r;
	return ret;
}
