/*
 * tests/unit/test_sqlite.c - the SQLite implementation of storage/, from
 * the inside: the file it writes (WAL, user_version, the schema), the
 * migration mechanism and each migration, the connection's settings,
 * the query plans that hold the queries to their indexes, the UNOCASE
 * collation, and behaviour whose check reads rows store.h does not show
 * (users, undo steps, handled messages) or sets up states the interface
 * cannot make (a newer version, a broken reference). The behaviour of
 * store.h itself is tested in test_store.c.
 *
 * Real SQLite throughout: ":memory:" for the queries, files in a temp
 * directory opened with SQLite directly (one reader runs in a child
 * process as a user who may not write to the directory). It sees
 * store_int.h, to drive the migration mechanism with schemas of its own
 * and to explain statements by name.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <grp.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../storage/store_int.h"
#include "store_fixture.h"

/* Runs sql on the file name with SQLite directly. */
static void raw_exec(const char *name, const char *sql)
{
	char path[512];
	sqlite3 *db;

	tmp_path(path, sizeof path, name);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* The integer sql yields on db. */
static int64_t sql_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	int64_t v;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* The integer sql yields on the file name, opened with SQLite directly. */
static int64_t raw_int(const char *name, const char *sql)
{
	char path[512];
	sqlite3 *db;
	int64_t v;

	tmp_path(path, sizeof path, name);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	v = sql_int(db, sql);
	sqlite3_close(db);
	return v;
}

/* The text sql yields on the file name, into buf. */
static void raw_text(const char *name, const char *sql, char *buf,
                     size_t bufsz)
{
	char path[512];
	sqlite3_stmt *s;
	sqlite3 *db;

	tmp_path(path, sizeof path, name);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	snprintf(buf, bufsz, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(db);
}

/* --- open, schema, migrations --- */

static void store_open__creates_schema__when_file_new(void **state)
{
	char mode[16];
	char path[512];
	store *st;

	(void)state;
	st = open_file("new.db");
	insert(st, ALICE, entry("acme", 100, 0), STORE_OK);
	/* WAL: while the handle is open, changes sit in the -wal file. */
	tmp_path(path, sizeof path, "new.db-wal");
	assert_int_equal(access(path, F_OK), 0);
	store_close(st);

	assert_int_equal(raw_int("new.db", "PRAGMA user_version"),
	                 store_schema_version());
	assert_true(store_schema_version() >= 1);
	raw_text("new.db", "PRAGMA journal_mode", mode, sizeof mode);
	assert_string_equal(mode, "wal");
	assert_int_equal(raw_int("new.db", "SELECT count(*) FROM sqlite_schema"
	                         " WHERE type = 'table' AND name IN"
	                         " ('users', 'entries', 'entry_tags',"
	                         " 'undo_steps', 'undo_entries', 'undo_tags',"
	                         " 'handled_messages')"),
	                 7);
	assert_int_equal(raw_int("new.db", "SELECT count(*) FROM sqlite_schema"
	                         " WHERE name = 'entries_running'"), 1);
}

static void store_open__configures_connection__when_opened(void **state)
{
	store *st;

	(void)state;
	st = open_file("pragmas.db");
	assert_int_equal(sql_int(st->db, "PRAGMA foreign_keys"), 1);
	assert_int_equal(sql_int(st->db, "PRAGMA synchronous"), 1); /* NORMAL */
	assert_int_equal(sql_int(st->db, "PRAGMA busy_timeout"), 5000);
	store_close(st);
}

static void store_begin__names_statement__when_database_locked(void **state)
{
	store *a, *b;

	(void)state;
	a = open_file("locked.db");
	b = open_file("locked.db");
	/* No waiting in a unit test: b gives up at once. */
	assert_int_equal(sqlite3_busy_timeout(b->db, 0), SQLITE_OK);
	assert_int_equal(store_begin(a), STORE_OK);
	assert_int_equal(store_begin(b), STORE_ERR);
	assert_string_equal(store_errmsg(b), "begin: database is locked");
	store_rollback(b); /* nothing open: no effect */
	store_rollback(a);
	assert_int_equal(store_begin(b), STORE_OK);
	assert_int_equal(store_commit(b), STORE_OK);
	store_close(b);
	store_close(a);
}

static void store_open__keeps_data__when_reopened(void **state)
{
	struct store_entry e = entry("acme", 1000, 0), got;
	store *st;

	(void)state;
	add_tag(&e, "client");
	snprintf(e.note, sizeof e.note, "kick-off");
	st = open_file("reopen.db");
	insert(st, ALICE, entry("old", 10, 20), STORE_OK);
	insert(st, ALICE, e, STORE_OK);
	store_close(st);

	st = open_file("reopen.db");
	assert_int_equal(count(st, ALICE), 2);
	assert_int_equal(store_running(st, ALICE, &got), STORE_OK);
	assert_string_equal(got.project, "acme");
	assert_string_equal(got.note, "kick-off");
	assert_int_equal(got.ntags, 1);
	assert_string_equal(got.tags[0], "client");
	assert_int_equal(got.start, 1000);
	assert_int_equal(got.stop, 0);
	store_close(st);
	assert_int_equal(raw_int("reopen.db", "PRAGMA user_version"),
	                 store_schema_version());
}

static void store_open__refuses__when_schema_newer(void **state)
{
	char path[512], err[512], want[128];
	store *st = NULL;

	(void)state;
	raw_exec("newer.db", "CREATE TABLE later (x INTEGER);"
	                     " PRAGMA user_version = 99;");
	tmp_path(path, sizeof path, "newer.db");
	assert_int_equal(store_open(path, &st, err, sizeof err), STORE_ERR);
	assert_null(st);
	snprintf(want, sizeof want, "database schema version 99 is newer than "
	         "this timmy (%d)", store_schema_version());
	assert_non_null(strstr(err, want));
	assert_non_null(strstr(err, path));
	/* Refused means untouched. */
	assert_int_equal(raw_int("newer.db", "PRAGMA user_version"), 99);
	assert_int_equal(raw_int("newer.db", "SELECT count(*) FROM sqlite_schema"),
	                 1);
}

static void store_open__refuses__when_tables_but_no_version(void **state)
{
	char path[512], err[512];
	store *st = NULL;

	(void)state;
	raw_exec("foreign.db", "CREATE TABLE notes (x TEXT);");
	tmp_path(path, sizeof path, "foreign.db");
	assert_int_equal(store_open(path, &st, err, sizeof err), STORE_ERR);
	assert_null(st);
	assert_non_null(strstr(err, "not a timmy database"));
	assert_int_equal(raw_int("foreign.db", "SELECT count(*) FROM sqlite_schema"),
	                 1);
}

/* Schemas of the test's own, versions 1 to 3 of one table. */
static const char fake_v1[] =
	"CREATE TABLE t (a INTEGER) STRICT; PRAGMA user_version = 1;";

static const char fake_v3[] =
	"CREATE TABLE t (a INTEGER, b INTEGER, c TEXT) STRICT;"
	" PRAGMA user_version = 3;";

static const char *const fake_steps[] = {
	"ALTER TABLE t ADD COLUMN b INTEGER",
	"ALTER TABLE t ADD COLUMN c TEXT",
	NULL
};

/* The columns of table t on db as "name type,..." into buf. */
static void columns(sqlite3 *db, char *buf, size_t bufsz)
{
	sqlite3_stmt *s;
	size_t len = 0;

	buf[0] = '\0';
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT name, type FROM"
	                 " pragma_table_info('t') ORDER BY cid", -1, &s, NULL),
	                 SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW) {
		int n = snprintf(buf + len, bufsz - len, "%s %s,",
		                 (const char *)sqlite3_column_text(s, 0),
		                 (const char *)sqlite3_column_text(s, 1));
		assert_true(n > 0 && (size_t)n < bufsz - len);
		len += (size_t)n;
	}
	sqlite3_finalize(s);
}

static void store_schema_apply__migrates_in_order__when_older(void **state)
{
	const struct store_schema v1 = { 1, fake_v1, fake_steps };
	const struct store_schema v3 = { 3, fake_v3, fake_steps };
	char migrated[256], fresh[256], err[256] = "";
	sqlite3 *db, *db2;

	(void)state;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(store_schema_apply(db, &v1, err, sizeof err), STORE_OK);
	assert_int_equal(sql_int(db, "PRAGMA user_version"), 1);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO t (a) VALUES (42)", NULL,
	                              NULL, NULL), SQLITE_OK);

	assert_int_equal(store_schema_apply(db, &v3, err, sizeof err), STORE_OK);
	assert_int_equal(sql_int(db, "PRAGMA user_version"), 3);
	assert_int_equal(sql_int(db, "SELECT a FROM t"), 42);

	/* Migrated and created-fresh end up alike. */
	assert_int_equal(sqlite3_open(":memory:", &db2), SQLITE_OK);
	assert_int_equal(store_schema_apply(db2, &v3, err, sizeof err),
	                 STORE_OK);
	columns(db, migrated, sizeof migrated);
	columns(db2, fresh, sizeof fresh);
	assert_string_equal(migrated, "a INTEGER,b INTEGER,c TEXT,");
	assert_string_equal(migrated, fresh);
	sqlite3_close(db2);
	sqlite3_close(db);
}

static void store_schema_apply__keeps_done_steps__when_migration_fails(
	void **state)
{
	static const char *const broken[] = {
		"ALTER TABLE t ADD COLUMN b INTEGER",
		"ALTER TABLE t ADD COLUMN c TEXT; THIS IS NOT SQL",
		NULL
	};
	const struct store_schema v1 = { 1, fake_v1, broken };
	const struct store_schema v3 = { 3, fake_v3, broken };
	char cols[256], err[256] = "";
	sqlite3 *db;

	(void)state;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(store_schema_apply(db, &v1, err, sizeof err), STORE_OK);
	assert_int_equal(store_schema_apply(db, &v3, err, sizeof err),
	                 STORE_ERR);
	assert_non_null(strstr(err, "migration from schema version 2"));
	/* Step 1 -> 2 committed; the failed step left neither its column nor
	 * its version behind. */
	assert_int_equal(sql_int(db, "PRAGMA user_version"), 2);
	columns(db, cols, sizeof cols);
	assert_string_equal(cols, "a INTEGER,b INTEGER,");
	sqlite3_close(db);
}

static void store_schema_apply__changes_nothing__when_no_migrations(
	void **state)
{
	static const char *const none[] = { NULL };
	const struct store_schema v1 = { 1, fake_v1, none };
	const struct store_schema v2 = { 2, fake_v3, none };
	char err[256] = "";
	sqlite3 *db;

	(void)state;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(store_schema_apply(db, &v1, err, sizeof err), STORE_OK);
	/* Current already: the empty list is never looked at. */
	assert_int_equal(store_schema_apply(db, &v1, err, sizeof err), STORE_OK);
	assert_int_equal(sql_int(db, "PRAGMA user_version"), 1);
	/* A version with no step to it is an error, not a silent skip. */
	assert_int_equal(store_schema_apply(db, &v2, err, sizeof err),
	                 STORE_ERR);
	assert_non_null(strstr(err, "no migration from schema version 1 to 2"));
	assert_int_equal(sql_int(db, "PRAGMA user_version"), 1);
	sqlite3_close(db);
}

static void store_sql_row__gives_notfound_then_the_row__when_stepped(
	void **state)
{
	STORE_SQL(q, "test-user-row",
		"SELECT id FROM users WHERE id = :uid");
	STORE_SQL(add, "test-add-user",
		"INSERT INTO users (jid) VALUES (:owner) RETURNING id");
	store *st = *state;
	db_stmt *s;
	int64_t uid = 0;

	/* No row: STORE_NOTFOUND, and the statement is reset. */
	s = store_sql_uid(st, &q, 1);
	assert_non_null(s);
	assert_int_equal(store_sql_row(st, &q, s, DB_OK), STORE_NOTFOUND);
	/* The number an INSERT ... RETURNING gives. */
	s = store_sql_prepare(st, &add);
	assert_non_null(s);
	assert_int_equal(store_sql_number(st, &add, s,
	                                  store_bind_text(s, ":owner", ALICE,
	                                                  STORE_OWNER_MAX + 1),
	                                  &uid), STORE_OK);
	assert_true(uid > 0);
	/* Now the row, ready to read until the statement is reset. */
	s = store_sql_uid(st, &q, uid);
	assert_non_null(s);
	assert_int_equal(store_sql_row(st, &q, s, DB_OK), STORE_OK);
	assert_int_equal(db_int64(s, 0), uid);
	store_reset(s);
	/* A failed bind is a failure, named after the statement. */
	s = store_sql_prepare(st, &q);
	assert_non_null(s);
	assert_int_equal(store_sql_row(st, &q, s, DB_RANGE), STORE_ERR);
	assert_non_null(strstr(store_errmsg(st), "test-user-row: "));
}

static void store_sql_owner__names_statement__when_owner_null(void **state)
{
	STORE_SQL(q, "test-find-owner",
		"SELECT id FROM users WHERE jid = :owner");
	store *st = *state;
	db_stmt *s = NULL;

	assert_int_equal(store_sql_owner(st, &q, NULL, &s), STORE_ERR);
	assert_string_equal(store_errmsg(st), "test-find-owner: no owner");
	assert_int_equal(store_sql_owner(st, &q, ALICE, &s), STORE_NOTFOUND);
	assert_int_equal(store_sql_owner(st, &q, ALICE, NULL), STORE_OK);
}

/* --- insert, running, stop --- */

static void store_insert__writes_nothing__when_refused(void **state)
{
	store *st;

	(void)state;
	st = open_file("refused.db");
	insert(st, ALICE, entry("", 10, 20), STORE_CONFLICT);
	store_close(st);
	/* Not even the user row the insert began with. */
	assert_int_equal(raw_int("refused.db", "SELECT count(*) FROM users"), 0);
	assert_int_equal(raw_int("refused.db", "SELECT count(*) FROM entries"),
	                 0);
}

/* --- totals --- */

static void store_reads__create_no_user__when_owner_unknown(void **state)
{
	struct store_entry got;
	store *st;
	struct totals t;

	(void)state;
	st = open_file("reads.db");
	assert_int_equal(store_running(st, ALICE, &got), STORE_NOTFOUND);
	assert_int_equal(store_stop(st, ALICE, 10, &got), STORE_NOTFOUND);
	t = totals(st, ALICE, 0, 1000, 1000);
	assert_int_equal(t.n, 0);
	assert_int_equal(total(st, ALICE, 0, 1000, 1000), 0);
	assert_int_equal(count(st, ALICE), 0);
	store_close(st);
	assert_int_equal(raw_int("reads.db", "SELECT count(*) FROM users"), 0);
}

/* --- transactions, check, plan --- */

static void store_check__fails__when_reference_broken(void **state)
{
	store *st;

	(void)state;
	st = open_file("broken.db");
	assert_int_equal(store_check(st), STORE_OK);
	store_close(st);
	/* Foreign keys are off in a plain connection. */
	raw_exec("broken.db", "INSERT INTO entry_tags (entry_id, tag)"
	                      " VALUES (99, 'orphan')");
	st = open_file("broken.db");
	assert_int_equal(store_check(st), STORE_ERR);
	assert_non_null(strstr(store_errmsg(st), "entry_tags"));
	store_close(st);
}

/*
 * Whether a step of plan reads all of table (by its name or alias): a
 * line "SCAN table", with or without the index it scans.
 */
static int plan_scans(const char *plan, const char *table)
{
	size_t n = strlen(table);
	const char *line, *next;

	for (line = plan; line != NULL; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			next++;
		if (strncmp(line, "SCAN ", 5) == 0 &&
		    strncmp(line + 5, table, n) == 0 &&
		    (line[5 + n] == '\n' || line[5 + n] == ' ' ||
		     line[5 + n] == '\0'))
			return 1;
	}
	return 0;
}

/* Whether plan reads all of entries, as "entries" or as "e". */
static int plan_scans_entries(const char *plan)
{
	return plan_scans(plan, "entries") || plan_scans(plan, "e");
}

/*
 * Whether plan, that of a listing, streams its stopped entries: a merge of
 * two arms read in order (SQLite's "MERGE (UNION ALL)"), the first of
 * them, the stopped entries, with no temp b-tree for the whole ORDER BY;
 * one for its "RIGHT PART" sorts only entries that start at the same
 * second. running_sorted says whether the second arm, the running
 * entries (at most one per user), may be sorted.
 */
static int plan_streams(const char *plan, int running_sorted)
{
	const char *right = strstr(plan, "\nRIGHT\n");
	const char *sort = strstr(plan, "USE TEMP B-TREE FOR ORDER BY");

	if (strncmp(plan, "MERGE (UNION ALL)\n", 18) != 0 || right == NULL)
		return 0;
	return sort == NULL || (running_sorted && sort > right);
}

static void store_explain__uses_indexes__when_totals_planned(void **state)
{
	store *st = *state;
	char plan[2048];

	assert_int_equal(store_explain(st, "totals", plan, sizeof plan), STORE_OK);
	/* Stopped entries: one range of the covering index, bounded on both
	 * sides; the longest duration from its index; the running entry
	 * from the partial index. No scan of entries anywhere. */
	if (strstr(plan, "SEARCH entries USING COVERING INDEX "
	                 "entries_user_start (user_id=? AND start>? AND start<?)")
	    == NULL || strstr(plan, "entries_user_duration") == NULL ||
	    strstr(plan, "entries_running") == NULL ||
	    plan_scans_entries(plan))
		fail_msg("unexpected plan:\n%s", plan);

	/* Too small a buffer is an error, not a cut plan. */
	assert_int_equal(store_explain(st, "totals", plan, 16), STORE_ERR);
}

/* --- entry numbers, get, last, update, delete --- */

static void store_update__rewrites_entry__when_own(void **state)
{
	struct store_entry e = entry("acme", 100, 200), want, got;
	store *st = *state;
	sqlite3 *db = st->db;

	add_tag(&e, "a");
	add_tag(&e, "b");
	snprintf(e.note, sizeof e.note, "old note");
	assert_int_equal(store_insert_entry(st, ALICE, &e), STORE_OK);
	add(st, ALICE, entry("other", 1000, 2000));

	want = entry("Globex", 150, 400);
	want.seq = e.seq;
	want.id = 12345; /* ignored */
	add_tag(&want, "c");
	assert_int_equal(store_update(st, ALICE, &want), STORE_OK);
	got = get(st, ALICE, 1);
	want.id = e.id; /* the row stays */
	assert_entry_equal(&got, &want);
	/* The old tags are gone, not kept beside the new one. */
	assert_int_equal(sql_int(db, "SELECT count(*) FROM entry_tags"), 1);
	assert_int_equal(total(st, ALICE, 0, 500, 500), 250);
	/* Back to running, with the slot free. */
	want.stop = 0;
	assert_int_equal(store_update(st, ALICE, &want), STORE_OK);
	assert_int_equal(store_running(st, ALICE, &got), STORE_OK);
	assert_int_equal(got.seq, 1);
}

static void store_delete__removes_entry_and_tags__when_own(void **state)
{
	struct store_entry e = entry("acme", 100, 200), out, kept;
	store *st = *state;

	add_tag(&e, "t1");
	add_tag(&e, "t2");
	snprintf(e.note, sizeof e.note, "bye");
	add(st, ALICE, e);
	add(st, ALICE, entry("stays", 300, 400));
	add(st, BOB, entry("bob", 300, 400));
	kept = get(st, ALICE, 1);

	assert_int_equal(store_delete(st, BOB, 2, NULL), STORE_NOTFOUND);
	assert_int_equal(store_delete(st, ALICE, 1, &out), STORE_OK);
	assert_entry_equal(&out, &kept);
	assert_int_equal(store_get(st, ALICE, 1, NULL), STORE_NOTFOUND);
	assert_int_equal(sql_int(st->db, "SELECT count(*) FROM entry_tags"), 0);
	assert_int_equal(count(st, ALICE), 1);
	assert_int_equal(count(st, BOB), 1);
	assert_int_equal(store_delete(st, ALICE, 1, &out), STORE_NOTFOUND);
	assert_int_equal(store_delete(st, "carol@example.org", 1, NULL),
	                 STORE_NOTFOUND);
	assert_int_equal(store_check(st), STORE_OK);
}

/* --- overlap and list --- */

static void store_list__finds_old_long_entry__when_history_large(
	void **state)
{
	char plan[4096];
	store *st = *state;
	struct listing l;
	struct store_entry got;
	int64_t n = -1;

	/* 100,000 entries of half an hour, one an hour, then a long one
	 * that began 30 days before the range and reaches into it. */
	add(st, ALICE, entry("seed", 0, 1));
	assert_int_equal(sqlite3_exec(st->db,
		"WITH RECURSIVE i (k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM i"
		" WHERE k < 100000)"
		" INSERT INTO entries (user_id, seq, project, start, stop)"
		" SELECT 1, k + 1, 'p' || (k % 7), k * 3600, k * 3600 + 1800"
		" FROM i;"
		" UPDATE users SET next_seq = 100002 WHERE id = 1;",
		NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(add(st, ALICE, entry("long", 50000 * H - 30 * 24 * H,
	                                       50000 * H + 10)), 100002);
	assert_int_equal(count(st, ALICE), 100002);

	l = list(st, ALICE, 50000 * H, 50000 * H + 24 * H, 0, 2, &n);
	assert_int_equal(l.n, 2);
	assert_int_equal(n, 25); /* "long" and 24 of the hourly ones */
	assert_int_equal(l.seq[0], 100002);
	assert_int_equal(l.seq[1], 50001);
	assert_int_equal(store_overlap(st, ALICE, 50000 * H, 50000 * H + 5, 0,
	                               0, &got), STORE_OK);
	assert_int_equal(got.seq, 100002);
	assert_int_equal(store_overlap(st, ALICE, 50000 * H + 1800,
	                               50000 * H + 3600, 0, 0, &got),
	                 STORE_NOTFOUND);
	assert_int_equal(total(st, ALICE, 50000 * H, 50000 * H + 24 * H, 0),
	                 24 * 1800 + 10);

	/* With data the planner still takes the bounded index range. */
	assert_int_equal(sqlite3_exec(st->db, "ANALYZE", NULL, NULL, NULL),
	                 SQLITE_OK);
	assert_int_equal(store_explain(st, "list", plan, sizeof plan),
	                 STORE_OK);
	if (strstr(plan, "entries_user_start (user_id=? AND start>? AND "
	                 "start<?)") == NULL || plan_scans_entries(plan) ||
	    !plan_streams(plan, 0))
		fail_msg("unexpected plan:\n%s", plan);
}

/* --- projects, tags, rename, time zone --- */

static void store_user_tz__round_trips__when_set_and_cleared(void **state)
{
	char tz[STORE_TZ_MAX + 1], big[STORE_TZ_MAX + 2], small[4];
	store *st = *state;

	assert_int_equal(store_user_tz(st, ALICE, tz, sizeof tz), STORE_OK);
	assert_string_equal(tz, "");
	assert_int_equal(store_set_user_tz(st, ALICE, NULL), STORE_OK);
	/* Neither reading nor clearing made a user. */
	assert_int_equal(sql_int(st->db, "SELECT count(*) FROM users"), 0);

	assert_int_equal(store_set_user_tz(st, ALICE, "Europe/Berlin"),
	                 STORE_OK);
	assert_int_equal(store_set_user_tz(st, BOB, "Asia/Tokyo"), STORE_OK);
	assert_int_equal(store_user_tz(st, ALICE, tz, sizeof tz), STORE_OK);
	assert_string_equal(tz, "Europe/Berlin");
	assert_int_equal(store_user_tz(st, ALICE, small, sizeof small),
	                 STORE_ERR);
	assert_int_equal(store_set_user_tz(st, ALICE, NULL), STORE_OK);
	assert_int_equal(store_user_tz(st, ALICE, tz, sizeof tz), STORE_OK);
	assert_string_equal(tz, "");
	assert_int_equal(store_user_tz(st, BOB, tz, sizeof tz), STORE_OK);
	assert_string_equal(tz, "Asia/Tokyo");

	/* Limits: refused, and no user row for a newcomer. */
	memset(big, 'z', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(store_set_user_tz(st, "carol@example.org", big),
	                 STORE_CONFLICT);
	assert_int_equal(store_set_user_tz(st, "carol@example.org", ""),
	                 STORE_CONFLICT);
	assert_int_equal(sql_int(st->db, "SELECT count(*) FROM users"), 2);
	big[STORE_TZ_MAX] = '\0';
	assert_int_equal(store_set_user_tz(st, BOB, big), STORE_OK);
	assert_int_equal(store_user_tz(st, BOB, tz, sizeof tz), STORE_OK);
	assert_string_equal(tz, big);
}

/* --- undo --- */

static int64_t undo_steps(store *st)
{
	return sql_int(st->db, "SELECT count(*) FROM undo_steps");
}

static void store_undo__deletes_entry__after_insert(void **state)
{
	struct store_entry e = entry("acme", 100, 0);
	store *st = *state;

	add(st, ALICE, entry("before", 10, 20));
	add_tag(&e, "t");
	change(st, ALICE, "start acme");
	assert_int_equal(add(st, ALICE, e), 2);
	commit(st);

	undo(st, ALICE, "start acme");
	assert_int_equal(store_running(st, ALICE, NULL), STORE_NOTFOUND);
	assert_int_equal(store_get(st, ALICE, 2, NULL), STORE_NOTFOUND);
	assert_int_equal(count(st, ALICE), 1);
	assert_int_equal(sql_int(st->db, "SELECT count(*) FROM entry_tags"), 0);
	/* The step is forgotten, with its records. */
	assert_int_equal(undo_steps(st), 0);
	assert_int_equal(sql_int(st->db, "SELECT count(*) FROM undo_entries"),
	                 0);
	assert_int_equal(store_check(st), STORE_OK);
}

static void store_undo__notfound__when_nothing_left(void **state)
{
	char label[16] = "untouched";
	store *st = *state;
	int64_t at = -1;

	assert_int_equal(store_undo(st, ALICE, label, sizeof label, &at),
	                 STORE_NOTFOUND);
	assert_string_equal(label, "untouched");
	assert_int_equal(at, -1);
	/* Changes made without a step record nothing to undo. */
	add(st, ALICE, entry("a", 100, 0));
	assert_int_equal(store_stop(st, ALICE, 200, NULL), STORE_OK);
	assert_int_equal(store_begin(st), STORE_OK);
	add(st, ALICE, entry("b", 300, 400));
	commit(st);
	assert_int_equal(store_undo(st, ALICE, NULL, 0, NULL), STORE_NOTFOUND);
	assert_int_equal(count(st, ALICE), 2);
	assert_int_equal(undo_steps(st), 0);
}

static void store_undo__conflicts__when_restore_breaks_rule(void **state)
{
	char label[32];
	struct store_entry got;
	store *st = *state;

	add(st, ALICE, entry("acme", 100, 0));
	change(st, ALICE, "stop");
	assert_int_equal(store_stop(st, ALICE, 200, NULL), STORE_OK);
	commit(st);
	/* Another timer, started without a step, holds the running slot. */
	add(st, ALICE, entry("other", 300, 0));
	assert_int_equal(store_undo(st, ALICE, label, sizeof label, NULL),
	                 STORE_CONFLICT);
	assert_string_equal(label, "stop");
	/* Nothing changed and the step is still there. */
	assert_int_equal(store_running(st, ALICE, &got), STORE_OK);
	assert_int_equal(got.seq, 2);
	assert_int_equal(get(st, ALICE, 1).stop, 200);
	assert_int_equal(undo_steps(st), 1);
	assert_int_equal(store_stop(st, ALICE, 400, NULL), STORE_OK);
	undo(st, ALICE, "stop");
	assert_int_equal(store_running(st, ALICE, &got), STORE_OK);
	assert_int_equal(got.seq, 1);
}

static void store_begin_change__drops_oldest__when_over_undo_max(
	void **state)
{
	char label[32];
	store *st = *state;
	int i;

	change(st, BOB, "bob's");
	add(st, BOB, entry("b", 1, 2));
	commit(st);
	for (i = 1; i <= STORE_UNDO_MAX + 5; i++) {
		snprintf(label, sizeof label, "add %d", i);
		change(st, ALICE, label);
		add(st, ALICE, entry("a", i * 10, i * 10 + 5));
		commit(st);
	}
	assert_int_equal(undo_steps(st), STORE_UNDO_MAX + 1);
	for (i = STORE_UNDO_MAX + 5; i > 5; i--) {
		snprintf(label, sizeof label, "add %d", i);
		undo(st, ALICE, label);
	}
	assert_int_equal(store_undo(st, ALICE, NULL, 0, NULL), STORE_NOTFOUND);
	/* The five oldest steps were dropped, not their entries. */
	assert_int_equal(count(st, ALICE), 5);
	undo(st, BOB, "bob's");
}

static void store_rollback__leaves_no_step__when_change_failed(void **state)
{
	store *st = *state;

	add(st, ALICE, entry("runs", 100, 0));
	/* A second running entry is refused; the command rolls back. */
	change(st, ALICE, "start again");
	insert(st, ALICE, entry("second", 200, 0), STORE_CONFLICT);
	store_rollback(st);
	assert_int_equal(undo_steps(st), 0);
	/* A change that worked, then rolled back, leaves none either. */
	change(st, ALICE, "stop");
	assert_int_equal(store_stop(st, ALICE, 300, NULL), STORE_OK);
	store_rollback(st);
	assert_int_equal(undo_steps(st), 0);
	assert_int_equal(store_undo(st, ALICE, NULL, 0, NULL), STORE_NOTFOUND);
	assert_int_equal(store_running(st, ALICE, NULL), STORE_OK);
	/* After a rollback, a plain transaction records nothing. */
	assert_int_equal(store_begin(st), STORE_OK);
	add(st, ALICE, entry("plain", 10, 20));
	commit(st);
	assert_int_equal(sql_int(st->db, "SELECT count(*) FROM undo_entries"),
	                 0);
}

static void store_commit__drops_step__when_nothing_recorded(void **state)
{
	store *st = *state;

	change(st, ALICE, "start");
	add(st, ALICE, entry("a", 100, 200));
	commit(st);
	/* "stop" with nothing running changes nothing: no step to undo. */
	change(st, ALICE, "stop");
	assert_int_equal(store_stop(st, ALICE, 300, NULL), STORE_NOTFOUND);
	commit(st);
	assert_int_equal(undo_steps(st), 1);
	undo(st, ALICE, "start");
}

/* --- messages handled once --- */

/*
 * A message key as the store keeps them (STORE_MSG_KEY_LEN hex digits)
 * for a short name: the name's bytes in hex, then zeros. Distinct names
 * of up to 20 bytes give distinct keys. Static: a ring of eight.
 */
static const char *K(const char *name)
{
	static char ring[8][STORE_MSG_KEY_LEN + 1];
	static unsigned next;
	char *k = ring[next++ % 8];
	size_t i;

	assert_true(strlen(name) <= STORE_MSG_KEY_LEN / 2);
	memset(k, '0', STORE_MSG_KEY_LEN);
	k[STORE_MSG_KEY_LEN] = '\0';
	for (i = 0; name[i] != '\0'; i++)
		snprintf(k + 2 * i, 3, "%02x", (unsigned char)name[i]);
	k[2 * i] = i < STORE_MSG_KEY_LEN / 2 ? '0' : '\0';
	return k;
}

/* Begins a change, as the dispatcher does. */
static void begin(store *st)
{
	if (store_begin(st) != STORE_OK)
		fail_msg("begin: %s", store_errmsg(st));
}

/* Commits the change for owner's message key (NULL: none), as the
 * dispatcher does. */
static void commit_key(store *st, const char *owner, const char *key)
{
	if (store_change_commit(st, owner, key) != STORE_OK)
		fail_msg("change_commit %s: %s", key != NULL ? key : "(none)",
		         store_errmsg(st));
}

/* Opens the undo step of the change begun, labelled label at time 1000. */
static void label(store *st, const char *owner, const char *name)
{
	if (store_change_label(st, owner, name, 1000) != STORE_OK)
		fail_msg("change_label %s: %s", name, store_errmsg(st));
}

/* store_msg_seen with a reply buffer of n bytes (at most 64). */
static store_rc seen(store *st, const char *owner, const char *key,
                     char *reply, size_t n)
{
	char none[64];

	assert_true(n <= sizeof none);
	return store_msg_seen(st, owner, key, reply != NULL ? reply : none,
	                      reply != NULL ? n : sizeof none);
}

static int64_t handled(store *st)
{
	return sql_int(st->db, "SELECT count(*) FROM handled_messages");
}

static void store_msg_seen__finds_own_key_only__when_two_users(void **state)
{
	store *st = *state;
	char reply[64] = "x";

	begin(st);
	label(st, ALICE, "start acme");
	add(st, ALICE, entry("acme", 100, 0));
	commit_key(st, ALICE, K("o:1"));

	assert_int_equal(seen(st, ALICE, K("o:1"), reply, sizeof reply),
	                 STORE_OK);
	assert_string_equal(reply, ""); /* no reply saved yet */
	assert_int_equal(seen(st, ALICE, K("o:2"), NULL, 0), STORE_NOTFOUND);
	assert_int_equal(seen(st, BOB, K("o:1"), NULL, 0), STORE_NOTFOUND);
	assert_int_equal(seen(st, "carol@example.org", K("o:1"), NULL, 0),
	                 STORE_NOTFOUND);

	/* The same id from Bob is another message: it applies. */
	begin(st);
	label(st, BOB, "start acme");
	add(st, BOB, entry("acme", 100, 0));
	commit_key(st, BOB, K("o:1"));
	assert_int_equal(seen(st, BOB, K("o:1"), NULL, 0), STORE_OK);
	assert_int_equal(handled(st), 2);
	assert_int_equal(count(st, BOB), 1);
	/* Looking records nothing and adds no user. */
	assert_int_equal(sql_int(st->db, "SELECT count(*) FROM users"), 2);
}

static void store_msg_key__rolls_back_with_change__so_retry_applies(
	void **state)
{
	store *st = *state;
	const char *key = K("i:phone/42");

	add(st, ALICE, entry("runs", 100, 0));
	/* A second running entry is refused; the command rolls back. */
	begin(st);
	label(st, ALICE, "start second");
	insert(st, ALICE, entry("second", 200, 0), STORE_CONFLICT);
	store_rollback(st);
	assert_int_equal(handled(st), 0);
	assert_int_equal(seen(st, ALICE, key, NULL, 0), STORE_NOTFOUND);

	/* The same message again: nothing recorded, so it applies. */
	begin(st);
	label(st, ALICE, "stop runs");
	assert_int_equal(store_stop(st, ALICE, 300, NULL), STORE_OK);
	commit_key(st, ALICE, key);
	assert_int_equal(seen(st, ALICE, key, NULL, 0), STORE_OK);
	assert_int_equal(store_running(st, ALICE, NULL), STORE_NOTFOUND);
	assert_int_equal(undo_steps(st), 1);
}

static void store_msg_key__recorded_by_changes__not_reads_or_refusals(
	void **state)
{
	struct store_entry e;
	char tz[STORE_TZ_MAX + 1];
	int64_t n;
	store *st = *state;

	/* Reads: a change that wrote nothing commits nothing, not even its
	 * key (which would need a user row). */
	begin(st);
	assert_int_equal(store_running(st, ALICE, &e), STORE_NOTFOUND);
	assert_int_equal(store_count(st, ALICE, &n), STORE_OK);
	assert_int_equal(store_user_tz(st, ALICE, tz, sizeof tz), STORE_OK);
	assert_int_equal(total(st, ALICE, 0, 1000, 1000), 0);
	commit_key(st, ALICE, K("o:read"));
	assert_true(sqlite3_get_autocommit(st->db));
	assert_int_equal(handled(st), 0);
	assert_int_equal(sql_int(st->db, "SELECT count(*) FROM users"), 0);

	/* Refusals, and a clearing that has nothing to clear: the
	 * dispatcher rolls a refusal back. */
	begin(st);
	insert(st, ALICE, entry("", 10, 20), STORE_CONFLICT);
	assert_int_equal(store_set_user_tz(st, ALICE, ""), STORE_CONFLICT);
	assert_int_equal(store_set_user_tz(st, ALICE, NULL), STORE_OK);
	assert_int_equal(store_undo(st, ALICE, NULL, 0, NULL), STORE_NOTFOUND);
	store_rollback(st);
	begin(st);
	assert_int_equal(store_set_user_tz(st, ALICE, NULL), STORE_OK);
	commit_key(st, ALICE, K("o:nothing-to-clear"));
	assert_int_equal(handled(st), 0);
	assert_int_equal(sql_int(st->db, "SELECT count(*) FROM users"), 0);

	/* Changes, with and without a step, and undo. */
	begin(st);
	insert(st, ALICE, entry("acme", 10, 20), STORE_OK);
	commit_key(st, ALICE, K("o:insert"));
	begin(st);
	assert_int_equal(store_set_user_tz(st, ALICE, "Asia/Tokyo"), STORE_OK);
	commit_key(st, ALICE, K("o:tz"));
	begin(st);
	assert_int_equal(store_set_user_tz(st, ALICE, NULL), STORE_OK);
	commit_key(st, ALICE, K("o:tz-default"));
	begin(st);
	commit_key(st, ALICE, K("o:plain"));
	begin(st);
	label(st, ALICE, "add b");
	add(st, ALICE, entry("b", 30, 40));
	commit_key(st, ALICE, K("o:add"));
	begin(st);
	undo(st, ALICE, "add b");
	commit_key(st, ALICE, K("o:undo"));

	assert_int_equal(handled(st), 5);
	assert_int_equal(seen(st, ALICE, K("o:insert"), NULL, 0), STORE_OK);
	assert_int_equal(seen(st, ALICE, K("o:tz"), NULL, 0), STORE_OK);
	assert_int_equal(seen(st, ALICE, K("o:tz-default"), NULL, 0), STORE_OK);
	assert_int_equal(seen(st, ALICE, K("o:plain"), NULL, 0),
	                 STORE_NOTFOUND);
	assert_int_equal(seen(st, ALICE, K("o:add"), NULL, 0), STORE_OK);
	assert_int_equal(seen(st, ALICE, K("o:undo"), NULL, 0), STORE_OK);
	assert_int_equal(seen(st, ALICE, K("o:read"), NULL, 0), STORE_NOTFOUND);
	assert_int_equal(seen(st, ALICE, K("o:refused"), NULL, 0),
	                 STORE_NOTFOUND);
	/* Without a key, changes record nothing. */
	insert(st, ALICE, entry("c", 50, 60), STORE_OK);
	begin(st);
	insert(st, ALICE, entry("d", 70, 80), STORE_OK);
	commit_key(st, ALICE, NULL);
	assert_int_equal(handled(st), 5);
	/* No change open: nothing to commit, and no key on its own. */
	assert_int_equal(store_change_commit(st, ALICE, K("o:none")),
	                 STORE_ERR);
	assert_int_equal(seen(st, ALICE, K("o:none"), NULL, 0), STORE_NOTFOUND);
}

static void store_msg_key__refuses_second_change__under_same_key(
	void **state)
{
	store *st = *state;

	begin(st);
	label(st, ALICE, "add a");
	add(st, ALICE, entry("a", 10, 20));
	commit_key(st, ALICE, K("o:1"));
	/* One key, one change: the second one is refused at its commit,
	 * and rolls back. */
	begin(st);
	label(st, ALICE, "add b");
	add(st, ALICE, entry("b", 30, 40));
	assert_int_equal(store_change_commit(st, ALICE, K("o:1")),
	                 STORE_CONFLICT);
	assert_non_null(strstr(store_errmsg(st), "record-message: "));
	store_rollback(st);
	assert_true(sqlite3_get_autocommit(st->db));
	assert_int_equal(count(st, ALICE), 1);
	assert_int_equal(undo_steps(st), 1);
	/* Without the key, the change applies. */
	add(st, ALICE, entry("b", 30, 40));
	assert_int_equal(count(st, ALICE), 2);
	assert_int_equal(handled(st), 1);
}

static void store_change_commit__records_no_key__when_key_is_malformed(
	void **state)
{
	static const char *const bad[] = {
		"",
		"o:1",
		/* One digit short, one over. */
		"000000000000000000000000000000000000000",
		"00000000000000000000000000000000000000000",
		/* Upper case, and a letter past f. */
		"000000000000000000000000000000000000000A",
		"000000000000000000000000000000000000000g",
	};
	char owner[STORE_OWNER_MAX + 2];
	store *st = *state;
	size_t i;

	memset(owner, 'o', sizeof owner - 1);
	owner[sizeof owner - 1] = '\0';

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		begin(st);
		add(st, ALICE, entry("a", 10 + 20 * (int64_t)i,
		                     20 + 20 * (int64_t)i));
		commit_key(st, ALICE, bad[i]);
		assert_int_equal(seen(st, ALICE, bad[i], NULL, 0),
		                 STORE_NOTFOUND);
	}
	assert_int_equal(count(st, ALICE), 6);
	/* An owner too long to keep: no key either. */
	begin(st);
	add(st, ALICE, entry("a", 200, 210));
	commit_key(st, owner, K("o:1"));
	assert_int_equal(handled(st), 0);
	/* A key without an owner: nothing commits. */
	begin(st);
	add(st, ALICE, entry("a", 220, 230));
	assert_int_equal(store_change_commit(st, NULL, K("o:1")), STORE_ERR);
	store_rollback(st);
	assert_int_equal(count(st, ALICE), 7);
	assert_int_equal(handled(st), 0);

	/* Every hex digit is one. */
	begin(st);
	add(st, ALICE, entry("b", 300, 400));
	commit_key(st, ALICE, "0123456789abcdef0123456789abcdef01234567");
	assert_int_equal(seen(st, ALICE,
	                      "0123456789abcdef0123456789abcdef01234567",
	                      NULL, 0), STORE_OK);
}

static void store_msg_reply__saves_reply__that_seen_returns(void **state)
{
	char reply[64], *big;
	store *st = *state;

	begin(st);
	add(st, ALICE, entry("acme", 100, 0));
	commit_key(st, ALICE, K("o:1"));
	assert_int_equal(store_msg_reply(st, ALICE, K("o:1"),
	                                 "Started acme at 09:30."), STORE_OK);
	assert_int_equal(seen(st, ALICE, K("o:1"), reply, sizeof reply),
	                 STORE_OK);
	assert_string_equal(reply, "Started acme at 09:30.");

	/* Too small a buffer: cut before the character that does not fit. */
	assert_int_equal(store_msg_reply(st, ALICE, K("o:1"), "ab€"), STORE_OK);
	assert_int_equal(seen(st, ALICE, K("o:1"), reply, 5), STORE_OK);
	assert_string_equal(reply, "ab");
	assert_int_equal(seen(st, ALICE, K("o:1"), reply, 6), STORE_OK);
	assert_string_equal(reply, "ab€");

	/* Up to STORE_REPLY_MAX bytes it is kept whole; one over, none is
	 * (half a reply would mislead), and the repeat finds "". */
	big = malloc(STORE_REPLY_MAX + 4);
	assert_non_null(big);
	memset(big, 'x', STORE_REPLY_MAX);
	big[STORE_REPLY_MAX] = '\0';
	assert_int_equal(store_msg_reply(st, ALICE, K("o:1"), big), STORE_OK);
	assert_int_equal(sql_int(st->db, "SELECT length(CAST(reply AS BLOB))"
	                        " FROM handled_messages"), STORE_REPLY_MAX);
	strcpy(big + STORE_REPLY_MAX - 1, "€");
	assert_int_equal(store_msg_reply(st, ALICE, K("o:1"), big), STORE_OK);
	free(big);
	assert_int_equal(sql_int(st->db, "SELECT count(*) FROM handled_messages"
	                        " WHERE reply IS NULL"), 1);
	reply[0] = 'x';
	assert_int_equal(seen(st, ALICE, K("o:1"), reply, sizeof reply),
	                 STORE_OK);
	assert_string_equal(reply, "");

	/* No change under that key, or not this user's: nothing written. */
	assert_int_equal(store_msg_reply(st, ALICE, K("o:2"), "x"),
	                 STORE_NOTFOUND);
	assert_int_equal(store_msg_reply(st, BOB, K("o:1"), "x"), STORE_NOTFOUND);
	assert_int_equal(sql_int(st->db, "SELECT count(*) FROM users"), 1);
	assert_int_equal(handled(st), 1);
}

/* Adds a row for owner's key handled at the time at, with SQL, numbered
 * after owner's others. */
static void handled_at(store *st, const char *owner, const char *key,
                       int64_t at)
{
	char *sql = sqlite3_mprintf("INSERT INTO handled_messages"
	                            " (user_id, n, msg_key, at)"
	                            " SELECT u.id, 1 + (SELECT coalesce(max(n), 0)"
	                            " FROM handled_messages WHERE user_id = u.id),"
	                            " %Q, %lld FROM users AS u"
	                            " WHERE jid = %Q", key, (long long)at,
	                            owner);

	assert_non_null(sql);
	assert_int_equal(sqlite3_exec(st->db, sql, NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_free(sql);
}

static void store_msg_prune__drops_every_users_rows__older_than_30_days(
	void **state)
{
	const int64_t day = 24 * 3600;
	int64_t now = 1780000000, removed = -1; /* 2026-05-28 */
	store *st = *state;

	add(st, ALICE, entry("a", 10, 20));
	add(st, BOB, entry("b", 10, 20));
	handled_at(st, ALICE, K("o:old"), now - STORE_MSG_DAYS * day - 1);
	handled_at(st, ALICE, K("o:edge"), now - STORE_MSG_DAYS * day);
	handled_at(st, ALICE, K("o:recent"), now - day);
	handled_at(st, BOB, K("o:old"), now - (STORE_MSG_DAYS + 5) * day);

	assert_int_equal(store_msg_prune(st, now, &removed), STORE_OK);
	assert_int_equal(removed, 2);
	assert_int_equal(seen(st, ALICE, K("o:old"), NULL, 0), STORE_NOTFOUND);
	assert_int_equal(seen(st, BOB, K("o:old"), NULL, 0), STORE_NOTFOUND);
	assert_int_equal(seen(st, ALICE, K("o:edge"), NULL, 0), STORE_OK);
	assert_int_equal(seen(st, ALICE, K("o:recent"), NULL, 0), STORE_OK);
	/* Again: nothing more to drop; removed may be left out. */
	assert_int_equal(store_msg_prune(st, now, &removed), STORE_OK);
	assert_int_equal(removed, 0);
	assert_int_equal(store_msg_prune(st, now, NULL), STORE_OK);
	assert_int_equal(handled(st), 2);
}

/* Alice's changes from to to, each under its own key ("%040d" of its
 * number). */
static void
alice_changes(store *st, int from, int to)
{
	char key[STORE_MSG_KEY_LEN + 1];
	int i;

	for (i = from; i <= to; i++) {
		snprintf(key, sizeof key, "%040d", i);
		begin(st);
		assert_int_equal(store_set_user_tz(st, ALICE,
		                                   i % 2 ? "UTC" : "Asia/Tokyo"),
		                 STORE_OK);
		commit_key(st, ALICE, key);
	}
}

static void store_msg_record__keeps_newest_rows__up_to_the_cap_per_user(
	void **state)
{
	int64_t now = (int64_t)time(NULL), at;
	char key[STORE_MSG_KEY_LEN + 1];
	store *st = *state;
	int i;

	add(st, BOB, entry("b", 10, 20));
	begin(st);
	assert_int_equal(store_set_user_tz(st, BOB, "UTC"), STORE_OK);
	commit_key(st, BOB, K("bob"));
	/* Alice's changes, each under its own key, past the cap: the
	 * oldest go STORE_MSG_BATCH at a time, at each multiple of it. */
	alice_changes(st, 1, STORE_MSG_KEEP + 5);

	/* Past the cap, but not yet at a multiple of STORE_MSG_BATCH (64,
	 * the numbers below count on it): all there. */
	assert_int_equal(handled(st), STORE_MSG_KEEP + 5 + 1);
	alice_changes(st, STORE_MSG_KEEP + 6, 1024);
	/* The 1024th (16 x 64) dropped all but the STORE_MSG_KEEP newest:
	 * the 24 oldest went; the newest ones are there, numbered on. */
	assert_int_equal(handled(st), STORE_MSG_KEEP + 1);
	for (i = 1; i <= 24; i++) {
		snprintf(key, sizeof key, "%040d", i);
		assert_int_equal(seen(st, ALICE, key, NULL, 0), STORE_NOTFOUND);
	}
	snprintf(key, sizeof key, "%040d", 25);
	assert_int_equal(seen(st, ALICE, key, NULL, 0), STORE_OK);
	snprintf(key, sizeof key, "%040d", 1024);
	assert_int_equal(seen(st, ALICE, key, NULL, 0), STORE_OK);
	assert_int_equal(sql_int(st->db, "SELECT min(n) FROM handled_messages"
	                        " WHERE user_id = (SELECT id FROM users"
	                        " WHERE jid = '" ALICE "')"), 25);
	/* Bob's row is his own, untouched by hers. */
	assert_int_equal(seen(st, BOB, K("bob"), NULL, 0), STORE_OK);
	/* The time of handling, by the clock, not of the entry. */
	at = sql_int(st->db, "SELECT max(at) FROM handled_messages");
	assert_true(at >= now && at <= (int64_t)time(NULL));
}

static void store_explain__uses_indexes__when_messages_planned(
	void **state)
{
	static const struct {
		const char *id;
		const char *uses;
	} plans[] = {
		{ "message-seen", "sqlite_autoindex_handled_messages_2"
		                 " (user_id=? AND msg_key=?)" },
		{ "save-reply", "sqlite_autoindex_handled_messages_2"
		                  " (user_id=? AND msg_key=?)" },
		{ "next-message", "sqlite_autoindex_handled_messages_1 (user_id=?)" },
		{ "cap-messages", "sqlite_autoindex_handled_messages_1"
		                " (user_id=? AND n<?)" },
		{ "prune-messages", "handled_messages_at (at<?)" },
	};
	store *st = *state;
	char plan[1024];
	size_t i;

	for (i = 0; i < sizeof plans / sizeof plans[0]; i++) {
		assert_int_equal(store_explain(st, plans[i].id, plan,
		                               sizeof plan), STORE_OK);
		if (strstr(plan, plans[i].uses) == NULL ||
		    strstr(plan, "SCAN") != NULL)
			fail_msg("unexpected plan of %s:\n%s",
			         plans[i].id, plan);
	}
}

/* --- the current schema version from version 1 --- */

/* schema.sql as released with version 1 (comments left out). */
static const char schema_v1[] =
	"PRAGMA user_version = 1;\n"
	"\n"
	"CREATE TABLE users (\n"
	"\tid INTEGER PRIMARY KEY,\n"
	"\tjid TEXT NOT NULL UNIQUE\n"
	"\t\tCHECK (length(CAST(jid AS BLOB)) BETWEEN 1 AND 3071),\n"
	"\ttz TEXT\n"
	"\t\tCHECK (tz IS NULL OR length(CAST(tz AS BLOB)) BETWEEN 1 AND 64)\n"
	") STRICT;\n"
	"\n"
	"CREATE TABLE entries (\n"
	"\tid INTEGER PRIMARY KEY,\n"
	"\tuser_id INTEGER NOT NULL REFERENCES users (id),\n"
	"\tproject TEXT NOT NULL COLLATE NOCASE\n"
	"\t\tCHECK (length(CAST(project AS BLOB)) BETWEEN 1 AND 64),\n"
	"\tnote TEXT NOT NULL DEFAULT ''\n"
	"\t\tCHECK (length(CAST(note AS BLOB)) <= 1000),\n"
	"\tstart INTEGER NOT NULL,\n"
	"\tstop INTEGER,\n"
	"\tCHECK (stop IS NULL OR stop >= start)\n"
	") STRICT;\n"
	"\n"
	"CREATE TABLE entry_tags (\n"
	"\tentry_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,\n"
	"\ttag TEXT NOT NULL\n"
	"\t\tCHECK (length(CAST(tag AS BLOB)) BETWEEN 1 AND 32),\n"
	"\tPRIMARY KEY (entry_id, tag)\n"
	") STRICT, WITHOUT ROWID;\n"
	"\n"
	"CREATE TRIGGER entry_tags_max BEFORE INSERT ON entry_tags\n"
	"WHEN (SELECT count(*) FROM entry_tags WHERE entry_id = NEW.entry_id) >= 8\n"
	"BEGIN\n"
	"\tSELECT RAISE(ABORT, 'an entry has at most 8 tags');\n"
	"END;\n"
	"\n"
	"CREATE UNIQUE INDEX entries_running ON entries (user_id) WHERE stop IS NULL;\n"
	"\n"
	"CREATE INDEX entries_user_start ON entries (user_id, start, stop, project);\n"
	"\n"
	"CREATE INDEX entries_user_duration ON entries (user_id, stop - start);\n"
	;

/*
 * The structure of db, one fact a line, sorted: tables (STRICT, WITHOUT
 * ROWID), columns (type, NOT NULL, default, key, hidden), foreign keys,
 * indexes (unique, origin, partial with its WHERE), their columns
 * (collation, order, key), triggers. Into a string sqlite3_free frees.
 */
static char *structure(sqlite3 *db)
{
	static const char *const facts[] = {
		"SELECT 'table ' || name || ' type=' || type || ' ncol=' || ncol"
		" || ' wr=' || wr || ' strict=' || strict"
		" FROM pragma_table_list WHERE schema = 'main'",
		"SELECT 'column ' || m.name || '.' || c.name || ' cid=' || c.cid"
		" || ' type=' || c.type || ' notnull=' || c.\"notnull\""
		" || ' default=' || ifnull(c.dflt_value, 'NULL')"
		" || ' pk=' || c.pk || ' hidden=' || c.hidden"
		" FROM sqlite_schema AS m JOIN pragma_table_xinfo(m.name) AS c"
		" WHERE m.type = 'table'",
		"SELECT 'fk ' || m.name || ' ' || f.id || '.' || f.seq || ' '"
		" || f.\"from\" || ' -> ' || f.\"table\" || '.'"
		" || ifnull(f.\"to\", '(pk)') || ' on delete ' || f.on_delete"
		" || ' on update ' || f.on_update"
		" FROM sqlite_schema AS m JOIN pragma_foreign_key_list(m.name) AS f"
		" WHERE m.type = 'table'",
		"SELECT 'index ' || m.name || ' ' || i.name || ' unique='"
		" || i.\"unique\" || ' origin=' || i.origin || ' partial='"
		" || i.partial || ' where=' || CASE WHEN i.partial"
		"  THEN substr(x.sql, instr(upper(x.sql), ' WHERE ') + 7)"
		"  ELSE '-' END"
		" FROM sqlite_schema AS m JOIN pragma_index_list(m.name) AS i"
		" LEFT JOIN sqlite_schema AS x ON x.name = i.name"
		" WHERE m.type = 'table'",
		"SELECT 'index-column ' || i.name || ' ' || c.seqno || ' '"
		" || ifnull(c.name, '(expression)') || ' cid=' || c.cid"
		" || ' desc=' || c.\"desc\" || ' coll=' || c.coll"
		" || ' key=' || c.\"key\""
		" FROM sqlite_schema AS m JOIN pragma_index_list(m.name) AS i"
		" JOIN pragma_index_xinfo(i.name) AS c WHERE m.type = 'table'",
		"SELECT 'trigger ' || name || ' on ' || tbl_name || ': ' || sql"
		" FROM sqlite_schema WHERE type = 'trigger'",
	};
	sqlite3_str *out = sqlite3_str_new(db);
	sqlite3_stmt *s;
	size_t i;
	int rc;

	assert_int_equal(sqlite3_exec(db, "CREATE TEMP TABLE facts (line TEXT)",
	                              NULL, NULL, NULL), SQLITE_OK);
	for (i = 0; i < sizeof facts / sizeof facts[0]; i++) {
		char *sql = sqlite3_mprintf("INSERT INTO temp.facts %s",
		                            facts[i]);

		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			fail_msg("%s: %s", facts[i], sqlite3_errmsg(db));
		sqlite3_free(sql);
	}
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT line FROM temp.facts"
	                 " ORDER BY line", -1, &s, NULL), SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW)
		sqlite3_str_appendf(out, "%s\n", sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	assert_int_equal(sqlite3_exec(db, "DROP TABLE temp.facts", NULL, NULL,
	                              NULL), SQLITE_OK);
	return sqlite3_str_finish(out);
}

/* The text of every object of db's schema, sorted; sqlite3_free frees. */
static char *schema_text(sqlite3 *db)
{
	sqlite3_str *out = sqlite3_str_new(db);
	sqlite3_stmt *s;

	assert_int_equal(sqlite3_prepare_v2(db, "SELECT type, name, tbl_name,"
	                 " ifnull(sql, '-') FROM main.sqlite_schema"
	                 " ORDER BY type, name", -1, &s, NULL), SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW)
		sqlite3_str_appendf(out, "%s %s on %s:\n%s\n",
		                    sqlite3_column_text(s, 0),
		                    sqlite3_column_text(s, 1),
		                    sqlite3_column_text(s, 2),
		                    sqlite3_column_text(s, 3));
	sqlite3_finalize(s);
	return sqlite3_str_finish(out);
}

/* Creates the file name as a version-1 database with a few rows. */
static void make_v1(const char *name)
{
	const struct store_schema v1 = { 1, schema_v1, NULL };
	char path[512], err[256] = "";
	sqlite3 *db;

	tmp_path(path, sizeof path, name);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (store_schema_apply(db, &v1, err, sizeof err) != STORE_OK)
		fail_msg("v1: %s", err);
	/* Alice's entries out of start order, one running; Bob's one; Carol
	 * with a zone and no entries. */
	assert_int_equal(sqlite3_exec(db,
		"INSERT INTO users (id, jid, tz) VALUES"
		" (1, '" ALICE "', NULL), (2, '" BOB "', NULL),"
		" (3, 'carol@example.org', 'Europe/Paris');"
		"INSERT INTO entries (id, user_id, project, note, start, stop)"
		" VALUES (1, 1, 'later', 'n1', 500, 600),"
		" (2, 2, 'bob', '', 100, 200),"
		" (3, 1, 'first', '', 100, 200),"
		" (4, 1, 'runs', '', 900, NULL),"
		" (7, 1, 'same-start', '', 100, 150);"
		"INSERT INTO entry_tags (entry_id, tag) VALUES"
		" (1, 'a'), (1, 'b'), (3, 'c');",
		NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/*
 * Fails unless migrated, a database brought up from an older version, has
 * exactly the structure and schema text of a fresh one.
 */
static void assert_same_as_fresh(store *migrated)
{
	char *migrated_structure, *fresh_structure;
	char *migrated_text, *fresh_text;
	store *fresh;

	fresh = open_file("fresh.db");
	assert_int_equal(sql_int(migrated->db, "PRAGMA user_version"),
	                 store_schema_version());

	migrated_structure = structure(migrated->db);
	fresh_structure = structure(fresh->db);
	/* Not two empty strings: the facts that v2, v3 and v4 are about
	 * are there. */
	assert_non_null(strstr(fresh_structure, "column entries.seq cid=2 "
	                       "type=INTEGER notnull=1"));
	assert_non_null(strstr(fresh_structure, "index entries entries_running"
	                       " unique=1 origin=c partial=1 where=stop IS "
	                       "NULL"));
	assert_non_null(strstr(fresh_structure, "fk undo_tags"));
	assert_non_null(strstr(fresh_structure, "trigger entry_tags_max"));
	assert_non_null(strstr(fresh_structure, "table handled_messages "
	                       "type=table ncol=6 wr=0 strict=1"));
	assert_non_null(strstr(fresh_structure, "index handled_messages "
	                       "handled_messages_at unique=0"));
	assert_non_null(strstr(fresh_structure, "index entries entries_start "
	                       "unique=0"));
	assert_string_equal(migrated_structure, fresh_structure);
	/* And the very text of every table, index and trigger. */
	migrated_text = schema_text(migrated->db);
	fresh_text = schema_text(fresh->db);
	assert_non_null(strstr(fresh_text, "AUTOINCREMENT"));
	assert_string_equal(migrated_text, fresh_text);

	assert_int_equal(store_check(migrated), STORE_OK);
	sqlite3_free(migrated_structure);
	sqlite3_free(fresh_structure);
	sqlite3_free(migrated_text);
	sqlite3_free(fresh_text);
	store_close(fresh);
}

static void store_open__matches_fresh_schema__when_migrated_from_v1(
	void **state)
{
	store *migrated;

	(void)state;
	make_v1("v1.db");
	assert_int_equal(raw_int("v1.db", "PRAGMA user_version"), 1);
	migrated = open_file("v1.db");
	assert_same_as_fresh(migrated);
	store_close(migrated);
}

static void store_open__numbers_entries_in_start_order__when_migrated(
	void **state)
{
	struct store_entry got;
	char tz[STORE_TZ_MAX + 1];
	store *st;

	(void)state;
	make_v1("v1-data.db");
	st = open_file("v1-data.db");

	/* Ids kept; numbers by start, ties by id. */
	got = get(st, ALICE, 1);
	assert_int_equal(got.id, 3);
	assert_string_equal(got.project, "first");
	assert_string_equal(got.tags[0], "c");
	assert_int_equal(get(st, ALICE, 2).id, 7);
	got = get(st, ALICE, 3);
	assert_int_equal(got.id, 1);
	assert_string_equal(got.note, "n1");
	assert_int_equal(got.ntags, 2);
	assert_int_equal(get(st, ALICE, 4).id, 4);
	assert_int_equal(get(st, BOB, 1).id, 2);
	assert_int_equal(store_running(st, ALICE, &got), STORE_OK);
	assert_int_equal(got.seq, 4);
	assert_int_equal(store_user_tz(st, "carol@example.org", tz, sizeof tz),
	                 STORE_OK);
	assert_string_equal(tz, "Europe/Paris");

	/* Counters follow: each user's next number, and row ids past the
	 * largest old one. */
	assert_int_equal(sql_int(st->db, "SELECT next_seq FROM users"
	                        " WHERE id = 1"), 5);
	assert_int_equal(sql_int(st->db, "SELECT next_seq FROM users"
	                        " WHERE id = 3"), 1);
	assert_int_equal(add(st, ALICE, entry("new", 1000, 1100)), 5);
	assert_int_equal(add(st, BOB, entry("new", 1000, 1100)), 2);
	assert_int_equal(add(st, "carol@example.org", entry("new", 1, 2)), 1);
	assert_true(get(st, ALICE, 5).id > 7);
	/* And undo works on it. */
	change(st, ALICE, "delete #3");
	assert_int_equal(store_delete(st, ALICE, 3, NULL), STORE_OK);
	commit(st);
	undo(st, ALICE, "delete #3");
	assert_int_equal(get(st, ALICE, 3).ntags, 2);
	assert_int_equal(store_check(st), STORE_OK);
	store_close(st);
}

/* --- schema version 3 from version 2 --- */

/* schema.sql as released with version 2 (comments left out). */
static const char schema_v2[] =
	"PRAGMA user_version = 2;\n"
	"\n"
	"CREATE TABLE users (\n"
	"\tid INTEGER PRIMARY KEY,\n"
	"\tjid TEXT NOT NULL UNIQUE\n"
	"\t\tCHECK (length(CAST(jid AS BLOB)) BETWEEN 1 AND 3071),\n"
	"\ttz TEXT\n"
	"\t\tCHECK (tz IS NULL OR length(CAST(tz AS BLOB)) BETWEEN 1 AND 64),\n"
	"\tnext_seq INTEGER NOT NULL DEFAULT 1\n"
	"\t\tCHECK (next_seq >= 1)\n"
	") STRICT;\n"
	"\n"
	"CREATE TABLE entries (\n"
	"\tid INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"\tuser_id INTEGER NOT NULL REFERENCES users (id),\n"
	"\tseq INTEGER NOT NULL\n"
	"\t\tCHECK (seq >= 1),\n"
	"\tproject TEXT NOT NULL COLLATE NOCASE\n"
	"\t\tCHECK (length(CAST(project AS BLOB)) BETWEEN 1 AND 64),\n"
	"\tnote TEXT NOT NULL DEFAULT ''\n"
	"\t\tCHECK (length(CAST(note AS BLOB)) <= 1000),\n"
	"\tstart INTEGER NOT NULL,\n"
	"\tstop INTEGER,\n"
	"\tCHECK (stop IS NULL OR stop >= start),\n"
	"\tUNIQUE (user_id, seq)\n"
	") STRICT;\n"
	"\n"
	"CREATE TABLE entry_tags (\n"
	"\tentry_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,\n"
	"\ttag TEXT NOT NULL\n"
	"\t\tCHECK (length(CAST(tag AS BLOB)) BETWEEN 1 AND 32),\n"
	"\tPRIMARY KEY (entry_id, tag)\n"
	") STRICT, WITHOUT ROWID;\n"
	"\n"
	"CREATE TRIGGER entry_tags_max BEFORE INSERT ON entry_tags\n"
	"WHEN (SELECT count(*) FROM entry_tags WHERE entry_id = NEW.entry_id) >= 8\n"
	"BEGIN\n"
	"\tSELECT RAISE(ABORT, 'an entry has at most 8 tags');\n"
	"END;\n"
	"\n"
	"CREATE UNIQUE INDEX entries_running ON entries (user_id) WHERE stop IS NULL;\n"
	"\n"
	"CREATE INDEX entries_user_start ON entries (user_id, start, stop, project);\n"
	"\n"
	"CREATE INDEX entries_user_duration ON entries (user_id, stop - start);\n"
	"\n"
	"CREATE TABLE undo_steps (\n"
	"\tid INTEGER PRIMARY KEY,\n"
	"\tuser_id INTEGER NOT NULL REFERENCES users (id),\n"
	"\tlabel TEXT NOT NULL\n"
	"\t\tCHECK (length(CAST(label AS BLOB)) <= 200),\n"
	"\tat INTEGER NOT NULL\n"
	") STRICT;\n"
	"\n"
	"CREATE INDEX undo_steps_user ON undo_steps (user_id, id);\n"
	"\n"
	"CREATE TABLE undo_entries (\n"
	"\tstep_id INTEGER NOT NULL REFERENCES undo_steps (id) ON DELETE CASCADE,\n"
	"\tentry_id INTEGER NOT NULL,\n"
	"\texisted INTEGER NOT NULL\n"
	"\t\tCHECK (existed IN (0, 1)),\n"
	"\tseq INTEGER,\n"
	"\tproject TEXT,\n"
	"\tnote TEXT,\n"
	"\tstart INTEGER,\n"
	"\tstop INTEGER,\n"
	"\tCHECK (existed = 0 OR (seq IS NOT NULL AND project IS NOT NULL\n"
	"\t                       AND note IS NOT NULL AND start IS NOT NULL)),\n"
	"\tPRIMARY KEY (step_id, entry_id)\n"
	") STRICT, WITHOUT ROWID;\n"
	"\n"
	"CREATE TABLE undo_tags (\n"
	"\tstep_id INTEGER NOT NULL,\n"
	"\tentry_id INTEGER NOT NULL,\n"
	"\ttag TEXT NOT NULL,\n"
	"\tPRIMARY KEY (step_id, entry_id, tag),\n"
	"\tFOREIGN KEY (step_id, entry_id) REFERENCES undo_entries (step_id, entry_id)\n"
	"\t\tON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED\n"
	") STRICT, WITHOUT ROWID;\n"
	;

/*
 * Creates the file name as a version-2 database with a few rows: Alice
 * with two entries (one tagged), a zone and an undo step; Bob with one
 * entry, whose #1 was deleted.
 */
static void make_v2(const char *name)
{
	const struct store_schema v2 = { 2, schema_v2, NULL };
	char path[512], err[256] = "";
	sqlite3 *db;

	tmp_path(path, sizeof path, name);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (store_schema_apply(db, &v2, err, sizeof err) != STORE_OK)
		fail_msg("v2: %s", err);
	assert_int_equal(sqlite3_exec(db,
		"INSERT INTO users (id, jid, tz, next_seq) VALUES"
		" (1, '" ALICE "', 'Europe/Paris', 3), (2, '" BOB "', NULL, 3);"
		"INSERT INTO entries (id, user_id, seq, project, note, start, stop)"
		" VALUES (1, 1, 1, 'acme', 'n1', 100, 200),"
		" (2, 1, 2, 'runs', '', 900, NULL),"
		" (4, 2, 2, 'bob', '', 100, 200);"
		"INSERT INTO entry_tags (entry_id, tag) VALUES (1, 'a'), (1, 'b');"
		"INSERT INTO undo_steps (id, user_id, label, at)"
		" VALUES (1, 1, 'start runs', 1000);"
		"INSERT INTO undo_entries (step_id, entry_id, existed)"
		" VALUES (1, 2, 0);",
		NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void store_open__matches_fresh_schema__when_migrated_from_v2(
	void **state)
{
	store *migrated;

	(void)state;
	make_v2("v2.db");
	assert_int_equal(raw_int("v2.db", "PRAGMA user_version"), 2);
	migrated = open_file("v2.db");
	assert_same_as_fresh(migrated);
	store_close(migrated);
}

static void store_open__keeps_data__when_migrated_from_v2(void **state)
{
	struct store_entry got;
	char tz[STORE_TZ_MAX + 1], reply[64];
	store *st;

	(void)state;
	make_v2("v2-data.db");
	st = open_file("v2-data.db");

	got = get(st, ALICE, 1);
	assert_int_equal(got.id, 1);
	assert_string_equal(got.note, "n1");
	assert_int_equal(got.ntags, 2);
	assert_int_equal(store_running(st, ALICE, &got), STORE_OK);
	assert_int_equal(got.seq, 2);
	assert_int_equal(get(st, BOB, 2).id, 4);
	assert_int_equal(store_get(st, BOB, 1, NULL), STORE_NOTFOUND);
	assert_int_equal(store_user_tz(st, ALICE, tz, sizeof tz), STORE_OK);
	assert_string_equal(tz, "Europe/Paris");
	/* Numbers go on where they were; the old undo step still undoes. */
	assert_int_equal(add(st, BOB, entry("new", 1000, 1100)), 3);
	undo(st, ALICE, "start runs");
	assert_int_equal(store_running(st, ALICE, NULL), STORE_NOTFOUND);

	/* No message handled yet; the first change records one. */
	assert_int_equal(sql_int(st->db, "SELECT count(*) FROM"
	                        " handled_messages"), 0);
	assert_int_equal(store_begin(st), STORE_OK);
	assert_int_equal(store_change_label(st, ALICE, "start acme", 1000),
	                 STORE_OK);
	add(st, ALICE, entry("acme", 2000, 0));
	assert_int_equal(store_change_commit(st, ALICE, K("o:first")),
	                 STORE_OK);
	assert_int_equal(store_msg_seen(st, ALICE, K("o:first"), reply,
	                                sizeof reply), STORE_OK);
	assert_int_equal(store_check(st), STORE_OK);
	store_close(st);
}

static void store_explain__uses_indexes__when_overlap_or_list_planned(
	void **state)
{
	static const char *const ranged[] = { "overlap", "list" };
	store *st = *state;
	char plan[4096];
	size_t i;

	/* Stopped entries: one range of entries_user_start, bounded on both
	 * sides with the longest duration from its index; the running entry
	 * from the partial index. No scan of entries anywhere. */
	for (i = 0; i < sizeof ranged / sizeof ranged[0]; i++) {
		assert_int_equal(store_explain(st, ranged[i], plan, sizeof plan),
		                 STORE_OK);
		if (strstr(plan, "USING INDEX entries_user_start "
		                 "(user_id=? AND start>? AND start<?)") == NULL ||
		    strstr(plan, "entries_user_duration (user_id=?)") == NULL ||
		    strstr(plan, "entries_running (user_id=?)") == NULL ||
		    plan_scans_entries(plan))
			fail_msg("unexpected plan of %s:\n%s",
			         ranged[i], plan);
	}
	/* The list comes in order from the index: nothing sorts it whole,
	 * and the one running entry needs no sort either. */
	assert_int_equal(store_explain(st, "list", plan, sizeof plan),
	                 STORE_OK);
	if (!plan_streams(plan, 0))
		fail_msg("unexpected plan of list:\n%s", plan);
	/* An entry by number, and undo's deletes, go straight to the row. */
	assert_int_equal(store_explain(st, "get", plan, sizeof plan),
	                 STORE_OK);
	assert_non_null(strstr(plan, "(user_id=? AND seq=?)"));
	assert_int_equal(store_explain(st, "undo-clear", plan, sizeof plan),
	                 STORE_OK);
	if (strstr(plan, "SEARCH entries USING INTEGER PRIMARY KEY") == NULL)
		fail_msg("unexpected plan of undo-clear:\n%s", plan);
}

/* --- filtered listings and reports: shared helpers --- */

/* Adds 100,000 entries of half an hour for user 1 (ALICE, who must have
 * written exactly one entry, #1), one an hour from hour 1 on: project
 * p0..p6 by the hour's number, tag "odd" on odd hours. */
static void add_history(store *st)
{
	assert_int_equal(sqlite3_exec(st->db,
		"WITH RECURSIVE i (k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM i"
		" WHERE k < 100000)"
		" INSERT INTO entries (user_id, seq, project, start, stop)"
		" SELECT 1, k + 1, 'p' || (k % 7), k * 3600, k * 3600 + 1800"
		" FROM i;"
		" INSERT INTO entry_tags (entry_id, tag)"
		" SELECT id, 'odd' FROM entries WHERE start % 7200 = 3600;"
		" UPDATE users SET next_seq = 100002 WHERE id = 1;"
		" ANALYZE;",
		NULL, NULL, NULL), SQLITE_OK);
}

/*
 * The plans of the reports, filtered lists and their counts, as the
 * totals' and the list's: one range of entries_user_start for the stopped
 * entries (per user in "list-all-count", which reads the users table),
 * the longest entry from entries_user_duration, the running one from
 * entries_running, tags by entry_tags' key; no scan of entries or
 * entry_tags. The lists stream (plan_streams). The list of every user
 * reads one range of entries_start instead, in order, bounded by the
 * longest entry of anyone (each user's from entries_user_duration); only
 * the running entries, at most one per user, are sorted.
 */
static void assert_plans_ranged(store *st)
{
	static const char *const ranged[] = { "report-by-project",
		"report-by-tag", "report", "list", "list-count",
		"list-all-count" };
	char plan[8192];
	size_t i;

	for (i = 0; i < sizeof ranged / sizeof ranged[0]; i++) {
		assert_int_equal(store_explain(st, ranged[i], plan, sizeof plan),
		                 STORE_OK);
		if (strstr(plan, "INDEX entries_user_start (user_id=? AND "
		                 "start>? AND start<?)") == NULL ||
		    strstr(plan, "entries_user_duration (user_id=?)") == NULL ||
		    strstr(plan, "entries_running (user_id=?)") == NULL ||
		    strstr(plan, "SEARCH t USING PRIMARY KEY (entry_id=?)") ==
		            NULL ||
		    plan_scans_entries(plan) || plan_scans(plan, "t") ||
		    plan_scans(plan, "entry_tags") ||
		    (strcmp(ranged[i], "list") == 0 && !plan_streams(plan, 0)))
			fail_msg("unexpected plan of %s:\n%s",
			         ranged[i], plan);
	}
	assert_int_equal(store_explain(st, "list-all", plan, sizeof plan),
	                 STORE_OK);
	if (strstr(plan, "SEARCH e USING INDEX entries_start (start>? AND "
	                 "start<?)") == NULL ||
	    strstr(plan, "entries_user_duration (user_id=?)") == NULL ||
	    strstr(plan, "entries_running (user_id=?)") == NULL ||
	    strstr(plan, "SEARCH t USING PRIMARY KEY (entry_id=?)") == NULL ||
	    plan_scans_entries(plan) || plan_scans(plan, "t") ||
	    plan_scans(plan, "entry_tags") || !plan_streams(plan, 1))
		fail_msg("unexpected plan of list-all:\n%s", plan);
}

/* --- listings with filters, of one user or all --- */

static void store_list_filtered__finds_old_long_entry__when_history_large(
	void **state)
{
	struct store_filter odd = { { NULL }, 0, { "odd" }, 1, NULL };
	struct export x;
	store *st = *state;
	int64_t n = -1;

	add(st, ALICE, entry("seed", 0, 1));
	add_history(st);
	add(st, ALICE, tagged("long", 50000 * H - 30 * DAY, 50000 * H + 10,
	                      "odd", NULL));
	add(st, BOB, tagged("bob", 50000 * H + 5, 50000 * H + 7, "odd", NULL));
	x = list_filtered(st, ALICE, 50000 * H, 50001 * H + DAY, 0, &odd, 3,
	                  &n);
	assert_int_equal(n, 13); /* "long" and 12 odd hours */
	assert_int_equal(x.seq[0], 100002);
	assert_int_equal(x.seq[1], 50002);
	x = list_filtered(st, NULL, 50000 * H, 50001 * H + DAY, 0, &odd, 3,
	                  &n);
	assert_int_equal(n, 14);
	assert_string_equal(x.owner[1], BOB);
	sqlite3_exec(st->db, "ANALYZE", NULL, NULL, NULL);
	assert_plans_ranged(st);
}

static void count_entry(const struct store_entry *e, void *arg)
{
	(void)e;
	(*(int64_t *)arg)++;
}

static void count_owned(const char *owner, const struct store_entry *e,
                        void *arg)
{
	(void)owner;
	count_entry(e, arg);
}

/*
 * The bytes SQLite allocated at most while listing everything of owner
 * (NULL: every user), beyond what it held before, with *n the entries
 * passed and *total the count. The database is in memory, so reading it
 * allocates no pages: what is left is what the listing holds (a sort, a
 * window). 0 where SQLite keeps no memory statistics.
 */
static int64_t list_memory(store *st, const char *owner, int64_t now,
                           int64_t *n, int64_t *total)
{
	sqlite3_int64 before, cur, high;

	*n = 0;
	assert_int_equal(sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &before,
	                                  &high, 1), SQLITE_OK);
	if (owner != NULL)
		assert_int_equal(store_list(st, owner, INT64_MIN / 4,
		                            INT64_MAX / 4, now, 0, count_entry,
		                            n, total), STORE_OK);
	else
		assert_int_equal(store_list_filtered(st, NULL, INT64_MIN / 4,
		                                     INT64_MAX / 4, now, NULL, 0,
		                                     count_owned, n, total),
		                 STORE_OK);
	assert_int_equal(sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &cur,
	                                  &high, 0), SQLITE_OK);
	return high - before;
}

static void store_list__holds_no_rows__when_history_large(void **state)
{
	store *st = *state;
	int64_t n, total, used;

	add(st, ALICE, entry("seed", 0, 1));
	add_history(st);
	add(st, ALICE, entry("runs", 50000 * H + 900, 0));
	add(st, BOB, entry("bob", 60000 * H, 60000 * H + 5));
	/* Every statement prepared: that memory is no listing's. */
	assert_int_equal(store_prepare_all(st), STORE_OK);

	/* 100,002 entries through a few kilobytes; a sort of them all
	 * needs megabytes. */
	used = list_memory(st, ALICE, 100001 * H, &n, &total);
	assert_int_equal(n, 100002);
	assert_int_equal(total, 100002);
	if (used > 64 * 1024)
		fail_msg("listing one user held %" PRId64 " bytes", used);
	used = list_memory(st, NULL, 100001 * H, &n, &total);
	assert_int_equal(n, 100003);
	assert_int_equal(total, 100003);
	if (used > 64 * 1024)
		fail_msg("listing every user held %" PRId64 " bytes", used);
}

/* --- schema version 4 from version 3: the index of every user's list --- */

/*
 * Creates the file name as a version-3 database: make_v2's, brought to
 * version 3 by its migration, which is never edited once released, so
 * this is what version 3 was.
 */
static void make_v3(const char *name)
{
	static const char *const steps[] = { NULL, store_migration_2 };
	const struct store_schema v3 = { 3, NULL, steps };
	char path[512], err[256] = "";
	sqlite3 *db;

	make_v2(name);
	tmp_path(path, sizeof path, name);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (store_schema_apply(db, &v3, err, sizeof err) != STORE_OK)
		fail_msg("v3: %s", err);
	sqlite3_close(db);
}

static void store_open__matches_fresh_schema__when_migrated_from_v3(
	void **state)
{
	store *migrated;

	(void)state;
	make_v3("v3.db");
	assert_int_equal(raw_int("v3.db", "PRAGMA user_version"), 3);
	assert_int_equal(raw_int("v3.db", "SELECT count(*) FROM sqlite_schema"
	                         " WHERE name = 'entries_start'"), 0);
	migrated = open_file("v3.db");
	assert_same_as_fresh(migrated);
	store_close(migrated);
}

static void store_open__keeps_data__when_migrated_from_v3(void **state)
{
	struct export x;
	store *st;
	int64_t n = -1;

	(void)state;
	make_v3("v3-data.db");
	st = open_file("v3-data.db");
	/* Every user's entries, through the new index, in order. */
	x = list_filtered(st, NULL, 0, 1000, 1000, NULL, 0, &n);
	assert_int_equal(n, 3);
	assert_string_equal(x.owner[0], ALICE);
	assert_int_equal(x.seq[0], 1);
	assert_int_equal(x.ntags[0], 2);
	assert_string_equal(x.owner[1], BOB);
	assert_int_equal(x.seq[1], 2);
	assert_string_equal(x.owner[2], ALICE);
	assert_int_equal(x.seq[2], 2);
	assert_int_equal(store_check(st), STORE_OK);
	store_close(st);
}

/* --- schema version 5 from version 4: message keys of a fixed size --- */

/*
 * Creates the file name as a version-4 database (make_v3's, brought to
 * version 4 by its released migration) holding two handled messages of
 * alice under raw keys, as version 4 kept them, one with a long key.
 */
static void make_v4(const char *name)
{
	static const char *const steps[] = { NULL, NULL, store_migration_3 };
	const struct store_schema v4 = { 4, NULL, steps };
	char path[512], err[256] = "", *sql;
	sqlite3 *db;

	make_v3(name);
	tmp_path(path, sizeof path, name);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (store_schema_apply(db, &v4, err, sizeof err) != STORE_OK)
		fail_msg("v4: %s", err);
	sql = sqlite3_mprintf("INSERT INTO handled_messages"
	                      " (user_id, msg_key, at, reply) VALUES"
	                      " (1, 'o:short', 1700000000, 'Started acme.'),"
	                      " (1, 'o:%q', 1700000001, NULL)",
	                      "0123456789012345678901234567890123456789"
	                      "0123456789012345678901234567890123456789"
	                      "0123456789012345678901234567890123456789"
	                      "0123456789012345678901234567890123456789");
	assert_non_null(sql);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_free(sql);
	sqlite3_close(db);
}

static void store_open__matches_fresh_schema__when_migrated_from_v4(
	void **state)
{
	store *migrated;

	(void)state;
	make_v4("v4.db");
	assert_int_equal(raw_int("v4.db", "PRAGMA user_version"), 4);
	migrated = open_file("v4.db");
	assert_same_as_fresh(migrated);
	store_close(migrated);
}

static void store_open__drops_raw_message_keys__when_migrated_from_v4(
	void **state)
{
	int64_t users, entries;
	store *st;

	(void)state;
	make_v4("v4-data.db");
	assert_int_equal(raw_int("v4-data.db",
	                         "SELECT count(*) FROM handled_messages"), 2);
	users = raw_int("v4-data.db", "SELECT count(*) FROM users");
	entries = raw_int("v4-data.db", "SELECT count(*) FROM entries");
	assert_true(users >= 1 && entries >= 1);
	st = open_file("v4-data.db");
	/* The raw keys are gone; users and entries stay. */
	assert_int_equal(handled(st), 0);
	assert_int_equal(sql_int(st->db, "SELECT count(*) FROM users"), users);
	assert_int_equal(sql_int(st->db, "SELECT count(*) FROM entries"),
	                 entries);
	/* A change records its key as version 5 does, numbered from 1. */
	begin(st);
	add(st, ALICE, entry("acme", 3000, 3100));
	commit_key(st, ALICE, K("o:after"));
	assert_int_equal(seen(st, ALICE, K("o:after"), NULL, 0), STORE_OK);
	assert_int_equal(sql_int(st->db, "SELECT n FROM handled_messages"), 1);
	assert_int_equal(store_check(st), STORE_OK);
	store_close(st);
}

/* --- who has time in a range, of every user --- */

static void store_active__reads_index_ranges__when_history_large(
	void **state)
{
	store *st = *state;
	char plan[8192];
	struct active a;
	int64_t n = -1;

	add(st, ALICE, entry("seed", 0, 1));
	add_history(st);
	add(st, BOB, entry("bob", 50000 * H + 5, 50000 * H + 7));
	a = active(st, 50000 * H, 50001 * H, 0, 0, &n);
	assert_int_equal(n, 2);
	assert_string_equal(a.owner[0], ALICE);
	assert_int_equal(a.secs[0], 1800);
	assert_string_equal(a.owner[1], BOB);
	assert_int_equal(a.secs[1], 2);
	/* Per user one range of entries_user_start, bounded by the user's
	 * longest entry; the running one from its own index. */
	assert_int_equal(store_explain(st, "active-users", plan, sizeof plan),
	                 STORE_OK);
	if (strstr(plan, "INDEX entries_user_start (user_id=? AND "
	                 "start>? AND start<?)") == NULL ||
	    strstr(plan, "entries_user_duration (user_id=?)") == NULL ||
	    strstr(plan, "entries_running (user_id=?)") == NULL ||
	    plan_scans_entries(plan))
		fail_msg("unexpected plan of active-users:\n%s", plan);
}

/* --- reports --- */

static void store_report__finds_old_long_entry__when_history_large(
	void **state)
{
	const int64_t from = 50000 * H;
	int64_t days[32];
	struct store_filter odd = { { NULL }, 0, { "odd" }, 1, NULL };
	struct store_filter p3 = { { "P3" }, 1, { NULL }, 0, NULL };
	store *st = *state;
	struct report r;
	int i;

	add(st, ALICE, entry("seed", 0, 1));
	add_history(st);
	/* From 30 days before the range into its second day. */
	assert_int_equal(add(st, ALICE, entry("long", from - 30 * DAY,
	                                       from + DAY + 10)), 100002);
	for (i = 0; i < 32; i++)
		days[i] = from + i * DAY;

	r = report(st, ALICE, days, 32, 0, STORE_BY_NONE, NULL);
	assert_int_equal(r.n, 31);
	assert_row(&r, 0, 0, "", DAY + 24 * 1800);
	assert_row(&r, 1, 1, "", 10 + 24 * 1800);
	assert_row(&r, 2, 2, "", 24 * 1800);
	assert_row(&r, 30, 30, "", 24 * 1800);
	r = report(st, ALICE, days, 32, 0, STORE_BY_NONE, &odd);
	assert_int_equal(r.n, 31);
	assert_row(&r, 0, 0, "", 12 * 1800);
	r = report(st, ALICE, days, 3, 0, STORE_BY_PROJECT, &p3);
	assert_int_equal(r.n, 2);
	/* Hours 50000 + j with (50000 + j) % 7 == 3: j = 4, 11, 18 on the
	 * first day, 25, 32, 39, 46 on the second. */
	assert_row(&r, 0, 0, "p3", 3 * 1800);
	assert_row(&r, 1, 1, "p3", 4 * 1800);

	/* With statistics (add_history ran ANALYZE) the planner still takes
	 * the bounded index range. */
	assert_plans_ranged(st);
}

static void store_explain__uses_indexes__when_report_or_filtered_list_planned(
	void **state)
{
	store *st = *state;
	char plan[8192];

	assert_plans_ranged(st);
	/* One user's list and its count read no users: with statistics
	 * that say there is one user, SQLite may read that table first,
	 * and then the entries no longer come in order. */
	assert_int_equal(store_explain(st, "list", plan, sizeof plan),
	                 STORE_OK);
	if (strstr(plan, " u ") != NULL || strstr(plan, "users") != NULL)
		fail_msg("unexpected plan of list:\n%s", plan);
	assert_int_equal(store_explain(st, "list-count", plan, sizeof plan),
	                 STORE_OK);
	if (strstr(plan, " u ") != NULL || strstr(plan, "users") != NULL)
		fail_msg("unexpected plan of list-count:\n%s", plan);
}

/* --- names in any case: the UNOCASE collation --- */

/* The sign of UNOCASE's comparison of a and b (NUL-terminated). */
static int ucmp(const char *a, const char *b)
{
	int c = store_unocase_cmp(a, strlen(a), b, strlen(b));

	return (c > 0) - (c < 0);
}

/* a and b are one name to UNOCASE, either way round. */
static void assert_same_name(const char *a, const char *b)
{
	if (ucmp(a, b) != 0 || ucmp(b, a) != 0)
		fail_msg("\"%s\" and \"%s\" should be one name", a, b);
}

/* a sorts before b, and b after a. */
static void assert_before(const char *a, const char *b)
{
	if (ucmp(a, b) != -1 || ucmp(b, a) != 1)
		fail_msg("\"%s\" should sort before \"%s\"", a, b);
}

static void store_unocase_cmp__folds_one_to_one_mappings__not_multi_char_ones(
	void **state)
{
	(void)state;
	if (!store_unocase_unicode())
		fail_msg("no C.UTF-8 locale: names fold ASCII only");
	assert_same_name("Ärger", "ärger");
	assert_same_name("ÄRGER", "ärger");
	assert_same_name("Σ", "σ");
	assert_same_name("ς", "Σ"); /* final sigma */
	assert_same_name("ΛΟΓΟΣ", "λογος");
	assert_same_name("Жук", "жУК");
	assert_same_name("Ωmega", "ωMEGA");
	assert_same_name("Łódź", "ŁÓDŹ");
	assert_same_name("ẞ", "ß");
	assert_same_name("\xe2\x84\xaa", "k"); /* KELVIN SIGN */
	assert_same_name("𐐀", "𐐨"); /* Deseret: four bytes each */
	assert_same_name("", "");
	/* Folds to several characters are not applied. */
	assert_before("ß", "ẞa");
	assert_true(ucmp("Straße", "STRASSE") != 0);
	assert_true(ucmp("ﬁ", "fi") != 0);
	assert_true(ucmp("ﬁ", "FI") != 0);
	/* No normalization: "ä" precomposed and decomposed differ. */
	assert_true(ucmp("\xc3\xa4", "a\xcc\x88") != 0);
	/* A prefix first; the first folded character that differs decides,
	 * whatever the case of either. */
	assert_before("Ärger", "ärgernis");
	assert_before("ärger", "ÖL");
	assert_before("Ã", "ä"); /* U+00E3 before U+00E4, case aside */
	assert_before("Zed", "Ärger");
	assert_before("ZZZ", "ä");
	assert_before("Ω", "Жук");
}

/*
 * Every pair of ASCII strings of the list below compares as SQLite's NOCASE
 * compares it: ASCII names group and sort exactly as before. The list is
 * every character from 0x01 to 0x7f (the ones between 'Z' and 'a' too,
 * which NOCASE puts after both cases' letters) and some words.
 */
static void store_unocase_cmp__agrees_with_nocase__for_every_ascii_pair(
	void **state)
{
	static const char *const words[] = { "Acme", "acme", "ACME", "acme2",
		"Acme_", "acme-", "ac", "", "beta", "Beta", "b", "_x", "[x",
		"Zeta", "zeta", "z~", "Z{" };
	char list[127 + sizeof words / sizeof words[0]][8];
	const char *sql = "SELECT (?1 > ?2 COLLATE NOCASE)"
	                  " - (?1 < ?2 COLLATE NOCASE)";
	size_t n = 0, i, j;
	sqlite3_stmt *s;
	sqlite3 *db;
	int want, got;

	(void)state;
	for (i = 1; i < 128; i++) {
		list[n][0] = (char)i;
		list[n++][1] = '\0';
	}
	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		snprintf(list[n++], sizeof list[0], "%s", words[i]);
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			sqlite3_bind_text(s, 1, list[i], -1, SQLITE_STATIC);
			sqlite3_bind_text(s, 2, list[j], -1, SQLITE_STATIC);
			assert_int_equal(sqlite3_step(s), SQLITE_ROW);
			want = sqlite3_column_int(s, 0);
			sqlite3_reset(s);
			if ((got = ucmp(list[i], list[j])) != want)
				fail_msg("\"%s\" vs \"%s\": got %d, NOCASE "
				         "says %d", list[i], list[j], got,
				         want);
		}
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
}

/*
 * UNOCASE is a total order, as GROUP BY and ORDER BY need: over strings
 * made of pieces that fold, that do not, and that are not UTF-8 at all
 * (cut, overlong, surrogate, past U+10FFFF, stray bytes), every string
 * equals itself, a pair compares the other way round when swapped, and
 * any three are transitive, for equality and for order alike.
 */
#define ORDER_N 160

static void store_unocase_cmp__total_order__over_generated_strings(
	void **state)
{
	static const char *const pieces[] = { "a", "A", "b", "_", "ä", "Ä",
		"ã", "σ", "Σ", "ς", "ß", "ẞ", "ss", "ﬁ", "ж", "Ж", "k",
		"\xe2\x84\xaa", "一", "𐐀", "𐐨", "\xf4\x8f\xbf\xbf", "\xc3",
		"\xa4", "\x80", "\xe4\xb8", "\xe4\xb8\x80", "\xc0\xaf",
		"\xed\xa0\x80", "\xf4\x90\x80\x80", "\xfe", "\xff" };
	static char str[ORDER_N][64];
	static signed char c[ORDER_N][ORDER_N];
	const size_t npieces = sizeof pieces / sizeof pieces[0];
	uint32_t seed = 12345;
	size_t i, j, k, len, m, folded = 0;
	int ab, bc, ac;

	(void)state;
	/* 0 to 5 pieces each, from a fixed pseudo-random sequence (an LCG):
	 * some strings come out equal, many alike. */
	for (i = 0; i < ORDER_N; i++) {
		str[i][0] = '\0';
		seed = seed * 1103515245 + 12345;
		for (m = (seed >> 16) % 6; m > 0; m--) {
			seed = seed * 1103515245 + 12345;
			len = strlen(str[i]);
			snprintf(str[i] + len, sizeof str[i] - len, "%s",
			         pieces[(seed >> 16) % npieces]);
		}
	}
	for (i = 0; i < ORDER_N; i++) {
		for (j = 0; j < ORDER_N; j++)
			c[i][j] = (signed char)ucmp(str[i], str[j]);
	}
	for (i = 0; i < ORDER_N; i++) {
		assert_int_equal(c[i][i], 0);
		for (j = 0; j < ORDER_N; j++) {
			if (c[i][j] != -c[j][i])
				fail_msg("not antisymmetric: %zu, %zu", i, j);
			folded += c[i][j] == 0 && strcmp(str[i], str[j]) != 0;
		}
	}
	/* The sample has names that are one only by folding. */
	assert_true(folded > 0);
	/* a <= b <= c: a <= c, and a = c only when a = b = c. */
	for (i = 0; i < ORDER_N; i++) {
		for (j = 0; j < ORDER_N; j++) {
			for (k = 0; k < ORDER_N; k++) {
				ab = c[i][j];
				bc = c[j][k];
				ac = c[i][k];
				if (ab <= 0 && bc <= 0 &&
				    ac != (ab == 0 && bc == 0 ? 0 : -1))
					fail_msg("not transitive: %zu %zu %zu",
					         i, j, k);
			}
		}
	}
}

static void store_unocase_cmp__compares_invalid_utf8_as_bytes__after_characters(
	void **state)
{
	(void)state;
	/* The same bytes are the same name; ASCII around them folds. */
	assert_same_name("\xc3", "\xc3");
	assert_same_name("A\xff", "a\xff");
	assert_same_name("x\xe4\xb8", "X\xe4\xb8");
	/* A cut character is its bytes, not the character. */
	assert_before("\xc3\xa4", "\xc3");
	assert_before("ä", "\xc3" "a");
	/* An invalid byte sorts after every character, U+10FFFF too, and
	 * invalid bytes by their value. */
	assert_before("\xf4\x8f\xbf\xbf", "\x80");
	assert_before("\xc3", "\xfe");
	assert_before("\xfe", "\xff");
	/* Overlong, surrogate, past U+10FFFF: bytes, not characters. */
	assert_true(ucmp("\xc0\xaf", "/") != 0);
	assert_before("\xf4\x8f\xbf\xbf", "\xed\xa0\x80");
	assert_before("\xf4\x8f\xbf\xbf", "\xf4\x90\x80\x80");
	/* Alike in their first bytes, then one character against two
	 * invalid bytes: decided as a whole character, not by the shared
	 * bytes. */
	assert_before("\xe4\xb8\x80", "\xe4\xb8" "A");
	assert_before("\xe4\xb8\x80", "\xe4\xb8");
	assert_before("Ä", "\xc3\x84\xa4");
}

/* --- read-only opening --- */

/* Opens name in the temp directory read-only; fails the test otherwise. */
static store *open_readonly(const char *name)
{
	char path[512], err[512];
	store *st = NULL;

	tmp_path(path, sizeof path, name);
	if (store_open_readonly(path, &st, err, sizeof err) != STORE_OK)
		fail_msg("store_open_readonly %s: %s", path, err);
	assert_int_equal(sqlite3_db_readonly(st->db, "main"), 1);
	return st;
}

static void store_open_readonly__reads__when_nobody_has_it_open(
	void **state)
{
	const int64_t day[] = { D0, D0 + DAY };
	struct report r;
	struct export x;
	store *st;
	int64_t n = -1;

	(void)state;
	st = open_file("ro-closed.db");
	add_three(st);
	store_close(st);
	/* A clean close folded the WAL into the file and removed both. */
	assert_false(exists("ro-closed.db-wal"));
	assert_false(exists("ro-closed.db-shm"));

	st = open_readonly("ro-closed.db");
	assert_int_equal(count(st, ALICE), 3);
	assert_string_equal(get(st, ALICE, 1).tags[0], "client");
	assert_int_equal(store_running(st, ALICE, NULL), STORE_OK);
	r = report(st, ALICE, day, 2, D0 + 7 * H, STORE_BY_PROJECT, NULL);
	assert_int_equal(r.n, 3);
	assert_row(&r, 0, 0, "beta", 2 * H);
	x = list_filtered(st, NULL, D0, D0 + DAY, D0 + 7 * H, NULL, 0, &n);
	assert_int_equal(n, 4);
	assert_string_equal(x.owner[0], ALICE);
	assert_string_equal(x.owner[1], BOB);
	assert_int_equal(store_check(st), STORE_OK);
	store_close(st);

	/* The bot opens it as before. */
	st = open_file("ro-closed.db");
	add(st, ALICE, entry("later", D0 + DAY, D0 + DAY + H));
	store_close(st);
}

static void store_open_readonly__takes_name_as_is__when_uri_characters_in_it(
	void **state)
{
	store *st;

	(void)state;
	/* The read-only handle opens a URI made from the name. */
	st = open_file("ro odd?x=1#%41&mode=rw.db");
	add_three(st);
	store_close(st);
	assert_false(exists("ro odd"));
	st = open_readonly("ro odd?x=1#%41&mode=rw.db");
	assert_int_equal(count(st, ALICE), 3);
	store_close(st);
	refused_readonly("ro odd", "No such file or directory");
}

/* In a callback of the reader: the writer (another handle) adds one. */
static void write_meanwhile(const char *owner, const struct store_entry *e,
                            void *arg)
{
	struct store_entry more = entry("meanwhile", e->start, e->start + 1);

	(void)owner;
	if (e->seq == 1)
		insert(arg, "carol@example.org", more, STORE_OK);
}

static void store_open_readonly__reads_latest__when_writer_has_it_open(
	void **state)
{
	store *w, *ro;
	int64_t n = -1;

	(void)state;
	w = open_file("ro-busy.db");
	add_three(w);
	/* The changes are in the -wal file, not yet in the database file. */
	assert_true(exists("ro-busy.db-wal"));
	ro = open_readonly("ro-busy.db");
	assert_int_equal(count(ro, ALICE), 3);
	assert_int_equal(count(ro, BOB), 1);

	/* The writer goes on while the reader reads: the reader's read sees
	 * the database as it was when it began, the next one the change. */
	list_filtered(ro, NULL, D0, D0 + DAY, D0 + 7 * H, NULL, 0, &n);
	assert_int_equal(n, 4);
	assert_int_equal(store_list_filtered(ro, NULL, D0, D0 + DAY, D0 + 7 * H,
	                                     NULL, 0, write_meanwhile, w, &n),
	                 STORE_OK);
	assert_int_equal(n, 4);
	assert_int_equal(count(ro, "carol@example.org"), 2);
	list_filtered(ro, NULL, D0, D0 + DAY, D0 + 7 * H, NULL, 0, &n);
	assert_int_equal(n, 6);
	assert_int_equal(store_begin(w), STORE_OK);
	assert_int_equal(store_commit(w), STORE_OK);

	/* Either may close first. */
	store_close(w);
	assert_int_equal(count(ro, ALICE), 3);
	store_close(ro);
}

static void store_open_readonly__fails_writes__with_store_err(void **state)
{
	struct store_entry e = entry("new", D0 + 20 * H, D0 + 21 * H);
	char label[64];
	store *st;

	(void)state;
	st = open_file("ro-writes.db");
	add_three(st);
	change(st, ALICE, "start runs");
	assert_int_equal(store_stop(st, ALICE, D0 + 7 * H, NULL), STORE_OK);
	add(st, ALICE, entry("runs", D0 + 8 * H, 0));
	commit(st);
	assert_int_equal(store_set_user_tz(st, ALICE, "Europe/Paris"),
	                 STORE_OK);
	store_close(st);

	st = open_readonly("ro-writes.db");
	assert_int_equal(store_insert(st, ALICE, &e, NULL), STORE_ERR);
	assert_non_null(strstr(store_errmsg(st), "readonly"));
	assert_int_equal(store_insert_entry(st, "carol@example.org", &e),
	                 STORE_ERR);
	assert_int_equal(store_stop(st, ALICE, D0 + 9 * H, NULL), STORE_ERR);
	e.seq = 1;
	assert_int_equal(store_update(st, ALICE, &e), STORE_ERR);
	assert_int_equal(store_delete(st, ALICE, 2, NULL), STORE_ERR);
	assert_int_equal(store_rename_project(st, ALICE, "acme", "Acme", NULL),
	                 STORE_ERR);
	assert_int_equal(store_set_user_tz(st, ALICE, "UTC"), STORE_ERR);
	assert_int_equal(store_set_user_tz(st, ALICE, NULL), STORE_ERR);
	assert_int_equal(store_set_user_tz(st, BOB, "UTC"), STORE_ERR);
	assert_int_equal(store_begin(st), STORE_ERR);
	store_rollback(st); /* nothing open: no effect */
	assert_int_equal(store_begin_change(st, ALICE, "x", 0), STORE_ERR);
	assert_int_equal(store_undo(st, ALICE, label, sizeof label, NULL),
	                 STORE_ERR);
	assert_int_equal(store_commit(st), STORE_ERR);
	/* Nothing was left open, and reads still work. */
	assert_int_equal(sqlite3_get_autocommit(st->db), 1);
	assert_int_equal(count(st, ALICE), 4);
	assert_int_equal(get(st, ALICE, 1).start, D0 + H);
	store_close(st);

	/* Nothing changed. */
	st = open_file("ro-writes.db");
	assert_int_equal(count(st, ALICE), 4);
	assert_int_equal(store_running(st, ALICE, &e), STORE_OK);
	assert_int_equal(e.seq, 4);
	assert_int_equal(store_user_tz(st, ALICE, label, sizeof label),
	                 STORE_OK);
	assert_string_equal(label, "Europe/Paris");
	undo(st, ALICE, "start runs");
	assert_int_equal(count(st, ALICE), 3);
	store_close(st);
}

static void store_open_readonly__refuses__when_not_this_schema_version(
	void **state)
{
	char path[512], want[128], sql[128];
	FILE *f;

	(void)state;
	tmp_path(path, sizeof path, "ro-garbage.db");
	raw_exec("ro-newer.db", "CREATE TABLE later (x INTEGER);"
	                        " PRAGMA user_version = 99;");
	snprintf(want, sizeof want, "database schema version 99 is newer than "
	         "this timmy (%d)", store_schema_version());
	refused_readonly("ro-newer.db", want);

	/* An older one is not migrated: the bot does that. */
	make_v1("ro-v1.db");
	snprintf(want, sizeof want, "database schema version 1 is older than "
	         "this timmy (%d)", store_schema_version());
	refused_readonly("ro-v1.db", want);
	assert_int_equal(raw_int("ro-v1.db", "PRAGMA user_version"), 1);

	raw_exec("ro-foreign.db", "CREATE TABLE notes (x TEXT);");
	refused_readonly("ro-foreign.db", "not a timmy database");
	/* This version, but not timmy's tables. */
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d;"
	         " CREATE TABLE users (x TEXT);", store_schema_version());
	raw_exec("ro-version-only.db", sql);
	refused_readonly("ro-version-only.db", "not a timmy database");

	/* An empty file stays empty. */
	raw_exec("ro-empty.db", "");
	assert_true(exists("ro-empty.db"));
	refused_readonly("ro-empty.db", "not a timmy database");
	assert_int_equal(raw_int("ro-empty.db", "PRAGMA page_count"), 0);

	f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < 64; i++)
		fputs("this is not an SQLite file at all\n", f);
	fclose(f);
	refused_readonly("ro-garbage.db", "not a database");
}

/* A read-only handle compares names as the daemon's does; the file names
 * no collation of ours, so that SQLite without it reads all of it. */
static void store_open_readonly__groups_any_case__when_names_not_ascii(
	void **state)
{
	struct store_filter f = { { "ÄRGER" }, 1, { NULL }, 0, NULL };
	char ok[16];
	struct export x;
	struct totals t;
	store *st;
	int64_t n = -1;

	(void)state;
	st = open_file("ro-unicode.db");
	add(st, ALICE, entry("ärger", 100, 200));
	add(st, ALICE, entry("Ärger", 300, 400));
	store_close(st);

	st = open_readonly("ro-unicode.db");
	t = names(st, ALICE, 0, 0, 1000, 1000);
	assert_int_equal(t.n, 1);
	assert_string_equal(t.project[0], "ärger");
	assert_int_equal(t.secs[0], 200);
	x = list_filtered(st, NULL, 0, 1000, 1000, &f, 0, &n);
	assert_int_equal(n, 2);
	assert_int_equal(x.n, 2);
	store_close(st);

	assert_int_equal(raw_int("ro-unicode.db", "SELECT count(*) FROM"
	                         " sqlite_schema WHERE sql LIKE '%UNOCASE%'"),
	                 0);
	raw_text("ro-unicode.db", "PRAGMA integrity_check", ok, sizeof ok);
	assert_string_equal(ok, "ok");
}

/* --- the undo step of a message's change (corrections, retractions) --- */

/* store_msg_step of owner's key, which must be STORE_OK; the step. */
static int64_t msg_step(store *st, const char *owner, const char *key)
{
	int64_t step = -1;

	assert_int_equal(store_msg_step(st, owner, key, &step), STORE_OK);
	return step;
}

static void store_msg_step__is_the_latest_step__until_it_is_undone(
	void **state)
{
	store *st = *state;
	char name[64];
	int64_t step = -1, last = -1;

	begin(st);
	label(st, ALICE, "start acme");
	add(st, ALICE, entry("acme", 100, 0));
	commit_key(st, ALICE, K("o:1"));
	assert_int_equal(store_last_step(st, ALICE, &last, name, sizeof name),
	                 STORE_OK);
	assert_string_equal(name, "start acme");
	assert_int_equal(msg_step(st, ALICE, K("o:1")), last);
	/* Another user's message, or one that changed nothing. */
	assert_int_equal(store_msg_step(st, BOB, K("o:1"), &step),
	                 STORE_NOTFOUND);
	assert_int_equal(step, 0);
	assert_int_equal(store_msg_step(st, ALICE, K("o:2"), &step),
	                 STORE_NOTFOUND);

	/* Undone, the step is gone, and its id may be given again: the
	 * message no longer names any step. */
	assert_int_equal(store_undo(st, ALICE, NULL, 0, NULL), STORE_OK);
	assert_int_equal(msg_step(st, ALICE, K("o:1")), 0);
	assert_int_equal(store_last_step(st, ALICE, &last, name, sizeof name),
	                 STORE_NOTFOUND);
	assert_string_equal(name, "");
	begin(st);
	label(st, ALICE, "start globex");
	add(st, ALICE, entry("globex", 200, 0));
	commit_key(st, ALICE, K("o:3"));
	assert_int_equal(msg_step(st, ALICE, K("o:1")), 0);
	assert_int_equal(store_check(st), STORE_OK);
}

static void store_msg_step__is_none__when_the_change_made_no_step(
	void **state)
{
	store *st = *state;

	/* A change without an undo step (as a setting). */
	begin(st);
	add(st, ALICE, entry("acme", 100, 200));
	commit_key(st, ALICE, K("o:1"));
	assert_int_equal(msg_step(st, ALICE, K("o:1")), 0);
}

static void store_msg_follow__points_a_message_at_the_open_change_step(
	void **state)
{
	store *st = *state;
	int64_t first, last = 0;

	begin(st);
	label(st, ALICE, "add a");
	add(st, ALICE, entry("a", 100, 200));
	commit_key(st, ALICE, K("o:1"));
	first = msg_step(st, ALICE, K("o:1"));
	assert_true(first != 0);

	/* The correction: undo, a new step, the original follows it. */
	begin(st);
	assert_int_equal(store_undo(st, ALICE, NULL, 0, NULL), STORE_OK);
	label(st, ALICE, "add b");
	add(st, ALICE, entry("b", 100, 200));
	assert_int_equal(store_msg_follow(st, ALICE, K("o:1")), STORE_OK);
	/* A message alice never sent: nothing to point. */
	assert_int_equal(store_msg_follow(st, ALICE, K("o:none")), STORE_OK);
	commit_key(st, ALICE, K("o:2"));
	assert_int_equal(store_last_step(st, ALICE, &last, NULL, 0), STORE_OK);
	assert_int_equal(msg_step(st, ALICE, K("o:1")), last);
	assert_int_equal(msg_step(st, ALICE, K("o:2")), last);
	assert_int_equal(handled(st), 2);
	/* Outside a change it is refused. */
	assert_int_equal(store_msg_follow(st, ALICE, K("o:1")), STORE_ERR);
}

/* A version-5 database (make_v4's, brought to version 5 by its released
 * migration) keeps its handled messages, which name no step. */
static void store_open__keeps_handled_messages_without_steps__when_migrated_from_v5(
	void **state)
{
	static const char *const steps[] = { NULL, NULL, store_migration_3,
		store_migration_4 };
	const struct store_schema v5 = { 5, NULL, steps };
	char path[512], err[256] = "";
	sqlite3 *db;
	store *st;

	(void)state;
	make_v4("v5.db");
	tmp_path(path, sizeof path, "v5.db");
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (store_schema_apply(db, &v5, err, sizeof err) != STORE_OK)
		fail_msg("v5: %s", err);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO handled_messages"
	                              " (user_id, n, msg_key, at) VALUES (1, 1,"
	                              " '0123456789abcdef0123456789abcdef01234567',"
	                              " 1700000000)", NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	st = open_file("v5.db");
	assert_same_as_fresh(st);
	assert_int_equal(handled(st), 1);
	assert_int_equal(msg_step(st, ALICE,
	                          "0123456789abcdef0123456789abcdef01234567"), 0);
	assert_int_equal(store_check(st), STORE_OK);
	store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(store_open__creates_schema__when_file_new),
		cmocka_unit_test(store_open__configures_connection__when_opened),
		cmocka_unit_test(
			store_begin__names_statement__when_database_locked),
		cmocka_unit_test(store_open__keeps_data__when_reopened),
		cmocka_unit_test(store_open__refuses__when_schema_newer),
		cmocka_unit_test(store_open__refuses__when_tables_but_no_version),
		cmocka_unit_test(store_schema_apply__migrates_in_order__when_older),
		cmocka_unit_test(
			store_schema_apply__keeps_done_steps__when_migration_fails),
		cmocka_unit_test(
			store_schema_apply__changes_nothing__when_no_migrations),
		cmocka_unit_test_setup_teardown(
			store_sql_row__gives_notfound_then_the_row__when_stepped,
			open_sqlite_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_sql_owner__names_statement__when_owner_null,
			open_sqlite_memory, close_store),
		cmocka_unit_test(store_insert__writes_nothing__when_refused),
		cmocka_unit_test(store_reads__create_no_user__when_owner_unknown),
		cmocka_unit_test(store_check__fails__when_reference_broken),
		cmocka_unit_test_setup_teardown(
			store_explain__uses_indexes__when_totals_planned,
			open_sqlite_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_update__rewrites_entry__when_own,
			open_sqlite_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_delete__removes_entry_and_tags__when_own,
			open_sqlite_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_list__finds_old_long_entry__when_history_large,
			open_sqlite_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_list__holds_no_rows__when_history_large,
			open_sqlite_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_user_tz__round_trips__when_set_and_cleared,
			open_sqlite_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_undo__deletes_entry__after_insert,
			open_sqlite_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_undo__notfound__when_nothing_left,
			open_sqlite_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_undo__conflicts__when_restore_breaks_rule,
			open_sqlite_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_begin_change__drops_oldest__when_over_undo_max,
			open_sqlite_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_rollback__leaves_no_step__when_change_failed,
			open_sqlite_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_commit__drops_step__when_nothing_recorded,
			open_sqlite_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_msg_seen__finds_own_key_only__when_two_users,
			open_sqlite_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_msg_key__rolls_back_with_change__so_retry_applies,
			open_sqlite_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_msg_key__recorded_by_changes__not_reads_or_refusals,
			open_sqlite_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_msg_key__refuses_second_change__under_same_key,
			open_sqlite_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_change_commit__records_no_key__when_key_is_malformed,
			open_sqlite_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_msg_reply__saves_reply__that_seen_returns,
			open_sqlite_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_msg_prune__drops_every_users_rows__older_than_30_days,
			open_sqlite_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_msg_record__keeps_newest_rows__up_to_the_cap_per_user,
			open_sqlite_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_explain__uses_indexes__when_messages_planned,
			open_sqlite_memory, close_store),
		cmocka_unit_test(store_open__matches_fresh_schema__when_migrated_from_v1),
		cmocka_unit_test(store_open__numbers_entries_in_start_order__when_migrated),
		cmocka_unit_test(
			store_open__matches_fresh_schema__when_migrated_from_v2),
		cmocka_unit_test(store_open__keeps_data__when_migrated_from_v2),
		cmocka_unit_test_setup_teardown(
			store_explain__uses_indexes__when_overlap_or_list_planned,
			open_sqlite_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_list_filtered__finds_old_long_entry__when_history_large,
			open_sqlite_memory, close_store),
		cmocka_unit_test(
			store_open__matches_fresh_schema__when_migrated_from_v3),
		cmocka_unit_test(store_open__keeps_data__when_migrated_from_v3),
		cmocka_unit_test(
			store_open__matches_fresh_schema__when_migrated_from_v4),
		cmocka_unit_test(
			store_open__drops_raw_message_keys__when_migrated_from_v4),
		cmocka_unit_test_setup_teardown(
			store_active__reads_index_ranges__when_history_large,
			open_sqlite_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_report__finds_old_long_entry__when_history_large,
			open_sqlite_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_explain__uses_indexes__when_report_or_filtered_list_planned,
			open_sqlite_memory, close_store),
		cmocka_unit_test(
			store_unocase_cmp__folds_one_to_one_mappings__not_multi_char_ones),
		cmocka_unit_test(
			store_unocase_cmp__agrees_with_nocase__for_every_ascii_pair),
		cmocka_unit_test(
			store_unocase_cmp__total_order__over_generated_strings),
		cmocka_unit_test(
			store_unocase_cmp__compares_invalid_utf8_as_bytes__after_characters),
		cmocka_unit_test(store_open_readonly__reads__when_nobody_has_it_open),
		cmocka_unit_test(store_open_readonly__reads_latest__when_writer_has_it_open),
		cmocka_unit_test(
			store_open_readonly__takes_name_as_is__when_uri_characters_in_it),
		cmocka_unit_test(store_open_readonly__fails_writes__with_store_err),
		cmocka_unit_test(store_open_readonly__refuses__when_not_this_schema_version),
		cmocka_unit_test(
			store_open_readonly__groups_any_case__when_names_not_ascii),
		cmocka_unit_test_setup_teardown(
			store_msg_step__is_the_latest_step__until_it_is_undone,
			open_sqlite_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_msg_step__is_none__when_the_change_made_no_step,
			open_sqlite_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_msg_follow__points_a_message_at_the_open_change_step,
			open_sqlite_memory, close_store),
		cmocka_unit_test(
			store_open__keeps_handled_messages_without_steps__when_migrated_from_v5),
	};

	return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
