/*
 * tests/unit/test_store.c - storage/: schema, migrations, entries, totals.
 *
 * Real SQLite throughout: ":memory:" for the queries, files in a temp
 * directory for what only a file shows (reopening, WAL, user_version,
 * refusals). The test opens those files with SQLite directly to set up
 * states the API cannot make (a newer version, a broken reference) and to
 * look at rows the API does not show (users). It also sees store_int.h,
 * to drive the migration mechanism with schemas of its own.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../storage/store_int.h"

#define ALICE "alice@example.org"
#define BOB "bob@example.org"

static char tmpdir[] = "/tmp/timmy-test-store-XXXXXX";

/* The path of file name in the temp directory, in buf. */
static void tmp_path(char *buf, size_t bufsz, const char *name)
{
	int n = snprintf(buf, bufsz, "%s/%s", tmpdir, name);

	assert_true(n > 0 && (size_t)n < bufsz);
}

static int make_tmpdir(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

/* Removes the temp directory and the files the tests left in it. */
static int remove_tmpdir(void **state)
{
	char path[512];
	struct dirent *d;
	DIR *dir;

	(void)state;
	if ((dir = opendir(tmpdir)) == NULL)
		return -1;
	while ((d = readdir(dir)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", tmpdir, d->d_name);
		unlink(path);
	}
	closedir(dir);
	return rmdir(tmpdir);
}

static int open_memory(void **state)
{
	char err[512];
	store *st = NULL;

	if (store_open(":memory:", &st, err, sizeof err) != STORE_OK) {
		fprintf(stderr, "store_open: %s\n", err);
		return -1;
	}
	*state = st;
	return 0;
}

static int close_store(void **state)
{
	store_close(*state);
	return 0;
}

/* Opens path in the temp directory; fails the test otherwise. */
static store *open_file(const char *name)
{
	char path[512], err[512];
	store *st = NULL;
	store_rc rc;

	tmp_path(path, sizeof path, name);
	rc = store_open(path, &st, err, sizeof err);
	if (rc != STORE_OK)
		fail_msg("store_open %s: %s", path, err);
	return st;
}

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
static int64_t db_int(sqlite3 *db, const char *sql)
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
	v = db_int(db, sql);
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

/* An entry of project from start to stop (0: running), no tags, no note. */
static struct store_entry entry(const char *project, int64_t start,
                                int64_t stop)
{
	struct store_entry e;

	memset(&e, 0, sizeof e);
	snprintf(e.project, sizeof e.project, "%s", project);
	e.start = start;
	e.stop = stop;
	return e;
}

static void add_tag(struct store_entry *e, const char *tag)
{
	assert_true(e->ntags < STORE_TAGS_MAX);
	snprintf(e->tags[e->ntags], sizeof e->tags[0], "%s", tag);
	e->ntags++;
}

/* Inserts e for owner and expects rc. */
static void insert(store *st, const char *owner, struct store_entry e,
                   store_rc rc)
{
	store_rc got = store_insert(st, owner, &e, NULL);

	if (got != rc)
		fail_msg("insert %s: got %d, want %d (%s)", e.project, got,
		         rc, store_errmsg(st));
}

static int64_t count(store *st, const char *owner)
{
	int64_t n = -1;

	assert_int_equal(store_count(st, owner, &n), STORE_OK);
	return n;
}

/* What store_totals reported, in order. */
struct totals {
	int n;
	char project[8][STORE_PROJECT_MAX + 1];
	int64_t secs[8];
};

static void collect(const char *project, int64_t secs, void *arg)
{
	struct totals *t = arg;

	if (t->n < 8) {
		snprintf(t->project[t->n], sizeof t->project[0], "%s", project);
		t->secs[t->n] = secs;
	}
	t->n++;
}

static struct totals totals(store *st, const char *owner, int64_t from,
                            int64_t to, int64_t now)
{
	struct totals t;

	memset(&t, 0, sizeof t);
	assert_int_equal(store_totals(st, owner, from, to, now, collect, &t),
	                 STORE_OK);
	assert_true(t.n <= 8);
	return t;
}

static int64_t total(store *st, const char *owner, int64_t from, int64_t to,
                     int64_t now)
{
	int64_t secs = -1;

	assert_int_equal(store_total(st, owner, from, to, now, &secs),
	                 STORE_OK);
	return secs;
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
	                         " ('users', 'entries', 'entry_tags')"), 3);
	assert_int_equal(raw_int("new.db", "SELECT count(*) FROM sqlite_schema"
	                         " WHERE name = 'entries_running'"), 1);
}

static void store_open__configures_connection__when_opened(void **state)
{
	store *st;

	(void)state;
	st = open_file("pragmas.db");
	assert_int_equal(db_int(st->db, "PRAGMA foreign_keys"), 1);
	assert_int_equal(db_int(st->db, "PRAGMA synchronous"), 1); /* NORMAL */
	assert_int_equal(db_int(st->db, "PRAGMA busy_timeout"), 5000);
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
	                     " PRAGMA user_version = 7;");
	tmp_path(path, sizeof path, "newer.db");
	assert_int_equal(store_open(path, &st, err, sizeof err), STORE_ERR);
	assert_null(st);
	snprintf(want, sizeof want, "database schema version 7 is newer than "
	         "this timmy (%d)", store_schema_version());
	assert_non_null(strstr(err, want));
	assert_non_null(strstr(err, path));
	/* Refused means untouched. */
	assert_int_equal(raw_int("newer.db", "PRAGMA user_version"), 7);
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

static void store_open__fails_naming_path__when_directory_missing(void **state)
{
	char path[512], err[512];
	store *st = NULL;

	(void)state;
	tmp_path(path, sizeof path, "no/such/dir/timmy.db");
	assert_int_equal(store_open(path, &st, err, sizeof err), STORE_ERR);
	assert_null(st);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "unable to open database file"));
}

static void store_open__fails__when_file_not_a_database(void **state)
{
	char path[512], err[512];
	store *st = NULL;
	FILE *f;

	(void)state;
	tmp_path(path, sizeof path, "garbage.db");
	f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < 64; i++)
		fputs("this is not an SQLite file at all\n", f);
	fclose(f);
	assert_int_equal(store_open(path, &st, err, sizeof err), STORE_ERR);
	assert_null(st);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "not a database"));
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
	assert_int_equal(db_int(db, "PRAGMA user_version"), 1);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO t (a) VALUES (42)", NULL,
	                              NULL, NULL), SQLITE_OK);

	assert_int_equal(store_schema_apply(db, &v3, err, sizeof err), STORE_OK);
	assert_int_equal(db_int(db, "PRAGMA user_version"), 3);
	assert_int_equal(db_int(db, "SELECT a FROM t"), 42);

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
	assert_int_equal(db_int(db, "PRAGMA user_version"), 2);
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
	assert_int_equal(db_int(db, "PRAGMA user_version"), 1);
	/* A version with no step to it is an error, not a silent skip. */
	assert_int_equal(store_schema_apply(db, &v2, err, sizeof err),
	                 STORE_ERR);
	assert_non_null(strstr(err, "no migration from schema version 1 to 2"));
	assert_int_equal(db_int(db, "PRAGMA user_version"), 1);
	sqlite3_close(db);
}

static void store_prepare_all__succeeds__when_schema_current(void **state)
{
	store *st = *state;

	if (store_prepare_all(st) != STORE_OK)
		fail_msg("%s", store_errmsg(st));
}

/* --- insert, running, stop --- */

static void store_insert__conflicts__when_second_running(void **state)
{
	struct store_entry got;
	store *st = *state;
	int64_t id = 0;
	struct store_entry e = entry("first", 100, 0);

	assert_int_equal(store_insert(st, ALICE, &e, &id), STORE_OK);
	assert_true(id > 0);
	insert(st, ALICE, entry("second", 200, 0), STORE_CONFLICT);
	assert_non_null(strstr(store_errmsg(st), "insert: "));
	assert_non_null(strstr(store_errmsg(st), "UNIQUE"));
	assert_int_equal(count(st, ALICE), 1);
	assert_int_equal(store_running(st, ALICE, &got), STORE_OK);
	assert_int_equal(got.id, id);
	assert_string_equal(got.project, "first");
	/* Only a second running entry is refused. */
	insert(st, ALICE, entry("done", 10, 50), STORE_OK);
	assert_int_equal(count(st, ALICE), 2);
}

static void store_insert__conflicts__when_limits_broken(void **state)
{
	store *st = *state;
	struct store_entry e;
	int i;

	/* Right at the limits: accepted. */
	e = entry("", 10, 20);
	memset(e.project, 'p', STORE_PROJECT_MAX);
	memset(e.note, 'n', STORE_NOTE_MAX);
	for (i = 0; i < STORE_TAGS_MAX; i++) {
		memset(e.tags[i], 'a' + i, STORE_TAG_MAX);
		e.ntags++;
	}
	insert(st, ALICE, e, STORE_OK);

	/* One byte over, each; buffers filled without their NUL. */
	e = entry("x", 10, 20);
	memset(e.project, 'p', sizeof e.project);
	insert(st, ALICE, e, STORE_CONFLICT);
	e = entry("x", 10, 20);
	memset(e.note, 'n', sizeof e.note);
	insert(st, ALICE, e, STORE_CONFLICT);
	e = entry("x", 10, 20);
	memset(e.tags[0], 't', sizeof e.tags[0]);
	e.ntags = 1;
	insert(st, ALICE, e, STORE_CONFLICT);
	e = entry("x", 10, 20);
	e.ntags = STORE_TAGS_MAX + 1;
	insert(st, ALICE, e, STORE_CONFLICT);
	e = entry("x", 10, 20);
	e.ntags = -1;
	insert(st, ALICE, e, STORE_CONFLICT);
	/* Empty project, empty tag, stop before start. */
	insert(st, ALICE, entry("", 10, 20), STORE_CONFLICT);
	e = entry("x", 10, 20);
	e.ntags = 1;
	insert(st, ALICE, e, STORE_CONFLICT);
	insert(st, ALICE, entry("x", 20, 10), STORE_CONFLICT);
	assert_non_null(strstr(store_errmsg(st), "CHECK"));

	assert_int_equal(count(st, ALICE), 1);
}

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

static void store_insert__stores_tag_once__when_repeated(void **state)
{
	struct store_entry e = entry("acme", 100, 0), got;
	store *st = *state;

	add_tag(&e, "x");
	add_tag(&e, "y");
	add_tag(&e, "x");
	insert(st, ALICE, e, STORE_OK);
	assert_int_equal(store_running(st, ALICE, &got), STORE_OK);
	assert_int_equal(got.ntags, 2);
	assert_string_equal(got.tags[0], "x");
	assert_string_equal(got.tags[1], "y");
}

static void store_insert__round_trips_unicode__when_text_not_ascii(
	void **state)
{
	static const char project[] = "Caf\xc3\xa9 \xe2\x98\x95"; /* Café ☕ */
	static const char tag1[] = "na\xc3\xafve";                 /* naïve */
	static const char tag2[] = "\xf0\x9f\x9a\x80";              /* 🚀 */
	static const char note[] =
		"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xe2\x80\x94 ok "
		"\xf0\x9f\x98\x80"; /* 日本語 — ok 😀 */
	struct store_entry e = entry(project, 100, 0), got;
	store *st = *state;
	struct totals t;

	add_tag(&e, tag1);
	add_tag(&e, tag2);
	snprintf(e.note, sizeof e.note, "%s", note);
	insert(st, ALICE, e, STORE_OK);

	assert_int_equal(store_running(st, ALICE, &got), STORE_OK);
	assert_memory_equal(got.project, project, sizeof project);
	assert_memory_equal(got.note, note, sizeof note);
	assert_int_equal(got.ntags, 2);
	/* Sorted by bytes: 'n' (0x6e) before 0xf0. */
	assert_memory_equal(got.tags[0], tag1, sizeof tag1);
	assert_memory_equal(got.tags[1], tag2, sizeof tag2);

	t = totals(st, ALICE, 0, 1000, 400);
	assert_int_equal(t.n, 1);
	assert_memory_equal(t.project[0], project, sizeof project);
	assert_int_equal(t.secs[0], 300);
}

static void store_running__notfound__when_nothing_runs(void **state)
{
	struct store_entry got;
	store *st = *state;

	assert_int_equal(store_running(st, ALICE, &got), STORE_NOTFOUND);
	insert(st, ALICE, entry("done", 10, 20), STORE_OK);
	assert_int_equal(store_running(st, ALICE, &got), STORE_NOTFOUND);
	assert_int_equal(store_running(st, ALICE, NULL), STORE_NOTFOUND);
	insert(st, ALICE, entry("now", 30, 0), STORE_OK);
	assert_int_equal(store_running(st, ALICE, NULL), STORE_OK);
}

static void store_stop__notfound__when_nothing_running(void **state)
{
	store *st = *state;

	/* No user at all, then a user with only stopped entries. */
	assert_int_equal(store_stop(st, ALICE, 100, NULL), STORE_NOTFOUND);
	insert(st, ALICE, entry("done", 10, 20), STORE_OK);
	assert_int_equal(store_stop(st, ALICE, 100, NULL), STORE_NOTFOUND);
	assert_int_equal(total(st, ALICE, 0, 1000, 1000), 10);
}

static void store_stop__conflicts__when_before_start(void **state)
{
	struct store_entry got;
	store *st = *state;

	insert(st, ALICE, entry("acme", 1000, 0), STORE_OK);
	assert_int_equal(store_stop(st, ALICE, 999, &got), STORE_CONFLICT);
	assert_non_null(strstr(store_errmsg(st), "stop: "));
	/* Still running, unchanged. */
	assert_int_equal(store_running(st, ALICE, &got), STORE_OK);
	assert_int_equal(got.start, 1000);
	assert_int_equal(got.stop, 0);
	/* Stopping at the start itself is fine: a zero-length entry. */
	assert_int_equal(store_stop(st, ALICE, 1000, NULL), STORE_OK);
}

static void store_stop__returns_entry__when_running(void **state)
{
	struct store_entry e = entry("acme", 1000, 0), got;
	store *st = *state;
	int64_t id = 0;

	add_tag(&e, "review");
	add_tag(&e, "billable");
	snprintf(e.note, sizeof e.note, "release notes");
	assert_int_equal(store_insert(st, ALICE, &e, &id), STORE_OK);

	memset(&got, 0xff, sizeof got);
	assert_int_equal(store_stop(st, ALICE, 1600, &got), STORE_OK);
	assert_int_equal(got.id, id);
	assert_string_equal(got.project, "acme");
	assert_string_equal(got.note, "release notes");
	assert_int_equal(got.ntags, 2);
	assert_string_equal(got.tags[0], "billable");
	assert_string_equal(got.tags[1], "review");
	assert_int_equal(got.start, 1000);
	assert_int_equal(got.stop, 1600);

	assert_int_equal(store_running(st, ALICE, NULL), STORE_NOTFOUND);
	assert_int_equal(total(st, ALICE, 0, 5000, 5000), 600);
	/* The slot is free again. */
	insert(st, ALICE, entry("next", 1700, 0), STORE_OK);
}

/* --- totals --- */

static void store_totals__clips_to_range__when_entries_cross_bounds(
	void **state)
{
	store *st = *state;
	struct totals t;

	/* Range [1000, 2000), now 1950. */
	insert(st, ALICE, entry("before", 100, 900), STORE_OK);  /* out */
	insert(st, ALICE, entry("edge", 500, 1000), STORE_OK);   /* ends at from */
	insert(st, ALICE, entry("from", 400, 1500), STORE_OK);   /* 500 in */
	insert(st, ALICE, entry("to", 1800, 2500), STORE_OK);    /* 200 in */
	insert(st, ALICE, entry("inside", 1200, 1300), STORE_OK); /* 100 */
	insert(st, ALICE, entry("after", 2000, 2100), STORE_OK); /* out */
	insert(st, ALICE, entry("running", 1900, 0), STORE_OK);  /* 50 to now */

	t = totals(st, ALICE, 1000, 2000, 1950);
	assert_int_equal(t.n, 4);
	assert_string_equal(t.project[0], "from");
	assert_int_equal(t.secs[0], 500);
	assert_string_equal(t.project[1], "to");
	assert_int_equal(t.secs[1], 200);
	assert_string_equal(t.project[2], "inside");
	assert_int_equal(t.secs[2], 100);
	assert_string_equal(t.project[3], "running");
	assert_int_equal(t.secs[3], 50);
	assert_int_equal(total(st, ALICE, 1000, 2000, 1950), 850);

	/* Now past the range: the running entry counts up to `to` only. */
	t = totals(st, ALICE, 1000, 2000, 9999);
	assert_string_equal(t.project[3], "running");
	assert_int_equal(t.secs[3], 100);
	/* An entry longer than the whole range counts the range. */
	insert(st, ALICE, entry("long", 0, 100000), STORE_OK);
	assert_int_equal(total(st, ALICE, 1000, 2000, 1950), 850 + 1000);
}

static void store_totals__counts_nothing__when_running_starts_after_now(
	void **state)
{
	store *st = *state;
	struct totals t;

	insert(st, ALICE, entry("future", 1500, 0), STORE_OK);
	t = totals(st, ALICE, 1000, 2000, 1400);
	assert_int_equal(t.n, 0);
	assert_int_equal(total(st, ALICE, 1000, 2000, 1400), 0);

	/* With a stopped entry beside it, nothing is taken off that. */
	insert(st, ALICE, entry("done", 1100, 1200), STORE_OK);
	t = totals(st, ALICE, 1000, 2000, 1400);
	assert_int_equal(t.n, 1);
	assert_string_equal(t.project[0], "done");
	assert_int_equal(t.secs[0], 100);
	assert_int_equal(total(st, ALICE, 1000, 2000, 1400), 100);

	/* Started before the range and still running: from `from` to now. */
	assert_int_equal(store_stop(st, ALICE, 1500, NULL), STORE_OK);
	insert(st, ALICE, entry("long", 500, 0), STORE_OK);
	assert_int_equal(total(st, ALICE, 1000, 2000, 1700), 100 + 700);
}

static void store_totals__groups_case_insensitively__when_spellings_differ(
	void **state)
{
	store *st = *state;
	struct totals t;

	insert(st, ALICE, entry("Acme", 100, 200), STORE_OK);
	insert(st, ALICE, entry("other", 300, 550), STORE_OK);
	insert(st, ALICE, entry("acme", 600, 800), STORE_OK);
	insert(st, ALICE, entry("ACME", 50, 60), STORE_OK);

	t = totals(st, ALICE, 0, 1000, 1000);
	assert_int_equal(t.n, 2);
	/* The spelling of the group's earliest entry. */
	assert_string_equal(t.project[0], "ACME");
	assert_int_equal(t.secs[0], 100 + 200 + 10);
	assert_string_equal(t.project[1], "other");
	assert_int_equal(t.secs[1], 250);
}

static void store_totals__orders_largest_first__when_several(void **state)
{
	store *st = *state;
	struct totals t;

	insert(st, ALICE, entry("small", 0, 10), STORE_OK);
	insert(st, ALICE, entry("big", 100, 130), STORE_OK);
	insert(st, ALICE, entry("mid", 200, 220), STORE_OK);
	insert(st, ALICE, entry("beta", 300, 315), STORE_OK);
	insert(st, ALICE, entry("Alpha", 400, 415), STORE_OK);
	insert(st, ALICE, entry("zero", 500, 500), STORE_OK);

	t = totals(st, ALICE, 0, 1000, 1000);
	assert_int_equal(t.n, 5); /* "zero" has no seconds: not reported */
	assert_string_equal(t.project[0], "big");
	assert_string_equal(t.project[1], "mid");
	/* Equal seconds: by name, case aside. */
	assert_string_equal(t.project[2], "Alpha");
	assert_string_equal(t.project[3], "beta");
	assert_string_equal(t.project[4], "small");
	assert_int_equal(t.secs[0], 30);
	assert_int_equal(t.secs[4], 10);
}

static void store_totals__sees_own_rows_only__when_two_users(void **state)
{
	struct store_entry got;
	store *st = *state;
	struct totals t;

	insert(st, ALICE, entry("alice-done", 100, 200), STORE_OK);
	insert(st, BOB, entry("bob-done", 100, 400), STORE_OK);
	insert(st, BOB, entry("bob-runs", 500, 0), STORE_OK);

	/* Bob's running entry is not Alice's: she may start one, and
	 * stopping hers leaves his alone. */
	assert_int_equal(store_running(st, ALICE, &got), STORE_NOTFOUND);
	assert_int_equal(store_stop(st, ALICE, 600, NULL), STORE_NOTFOUND);
	insert(st, ALICE, entry("alice-runs", 550, 0), STORE_OK);
	assert_int_equal(store_stop(st, ALICE, 600, NULL), STORE_OK);
	assert_int_equal(store_running(st, BOB, &got), STORE_OK);
	assert_string_equal(got.project, "bob-runs");

	t = totals(st, ALICE, 0, 1000, 700);
	assert_int_equal(t.n, 2);
	assert_string_equal(t.project[0], "alice-done");
	assert_string_equal(t.project[1], "alice-runs");
	assert_int_equal(total(st, ALICE, 0, 1000, 700), 100 + 50);
	assert_int_equal(total(st, BOB, 0, 1000, 700), 300 + 200);
	assert_int_equal(count(st, ALICE), 2);
	assert_int_equal(count(st, BOB), 2);
}

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

static void store_rollback__leaves_nothing__when_transaction_undone(
	void **state)
{
	store *st = *state;

	/* Safe with no transaction open. */
	store_rollback(st);

	assert_int_equal(store_begin(st), STORE_OK);
	insert(st, ALICE, entry("done", 10, 20), STORE_OK);
	insert(st, ALICE, entry("runs", 30, 0), STORE_OK);
	assert_int_equal(count(st, ALICE), 2); /* visible inside */
	store_rollback(st);
	assert_int_equal(count(st, ALICE), 0);
	assert_int_equal(store_running(st, ALICE, NULL), STORE_NOTFOUND);
	store_rollback(st);

	assert_int_equal(store_begin(st), STORE_OK);
	insert(st, ALICE, entry("kept", 10, 20), STORE_OK);
	assert_int_equal(store_commit(st), STORE_OK);
	assert_int_equal(count(st, ALICE), 1);
	/* Nothing to commit: an error that names the statement. */
	assert_int_equal(store_commit(st), STORE_ERR);
	assert_non_null(strstr(store_errmsg(st), "commit: "));
}

static void store_insert__keeps_caller_transaction__when_refused(
	void **state)
{
	store *st = *state;

	assert_int_equal(store_begin(st), STORE_OK);
	insert(st, ALICE, entry("first", 10, 0), STORE_OK);
	insert(st, ALICE, entry("second", 20, 0), STORE_CONFLICT);
	/* The refusal undid itself only; the transaction goes on. */
	insert(st, ALICE, entry("done", 1, 5), STORE_OK);
	assert_int_equal(store_commit(st), STORE_OK);
	assert_int_equal(count(st, ALICE), 2);
	assert_int_equal(store_running(st, ALICE, NULL), STORE_OK);
}

static void store_check__ok__when_fresh(void **state)
{
	store *st = *state;

	assert_int_equal(store_check(st), STORE_OK);
	insert(st, ALICE, entry("acme", 10, 20), STORE_OK);
	assert_int_equal(store_check(st), STORE_OK);
}

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

static void store_explain_totals__uses_indexes__when_planned(void **state)
{
	store *st = *state;
	char plan[2048];

	assert_int_equal(store_explain_totals(st, plan, sizeof plan), STORE_OK);
	/* Stopped entries: one range of the covering index, bounded on both
	 * sides; the longest duration from its index; the running entry
	 * from the partial index. No scan of entries anywhere. */
	if (strstr(plan, "SEARCH entries USING COVERING INDEX "
	                 "entries_user_start (user_id=? AND start>? AND start<?)")
	    == NULL || strstr(plan, "entries_user_duration") == NULL ||
	    strstr(plan, "entries_running") == NULL ||
	    strstr(plan, "SCAN entries") != NULL)
		fail_msg("unexpected plan:\n%s", plan);

	/* Too small a buffer is an error, not a cut plan. */
	assert_int_equal(store_explain_totals(st, plan, 16), STORE_ERR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(store_open__creates_schema__when_file_new),
		cmocka_unit_test(store_open__configures_connection__when_opened),
		cmocka_unit_test(
			store_begin__names_statement__when_database_locked),
		cmocka_unit_test(store_open__keeps_data__when_reopened),
		cmocka_unit_test(store_open__refuses__when_schema_newer),
		cmocka_unit_test(store_open__refuses__when_tables_but_no_version),
		cmocka_unit_test(
			store_open__fails_naming_path__when_directory_missing),
		cmocka_unit_test(store_open__fails__when_file_not_a_database),
		cmocka_unit_test(store_schema_apply__migrates_in_order__when_older),
		cmocka_unit_test(
			store_schema_apply__keeps_done_steps__when_migration_fails),
		cmocka_unit_test(
			store_schema_apply__changes_nothing__when_no_migrations),
		cmocka_unit_test_setup_teardown(
			store_prepare_all__succeeds__when_schema_current,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_insert__conflicts__when_second_running,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_insert__conflicts__when_limits_broken,
			open_memory, close_store),
		cmocka_unit_test(store_insert__writes_nothing__when_refused),
		cmocka_unit_test_setup_teardown(
			store_insert__stores_tag_once__when_repeated,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_insert__round_trips_unicode__when_text_not_ascii,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_running__notfound__when_nothing_runs,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_stop__notfound__when_nothing_running,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_stop__conflicts__when_before_start,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_stop__returns_entry__when_running,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_totals__clips_to_range__when_entries_cross_bounds,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_totals__counts_nothing__when_running_starts_after_now,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_totals__groups_case_insensitively__when_spellings_differ,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_totals__orders_largest_first__when_several,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_totals__sees_own_rows_only__when_two_users,
			open_memory, close_store),
		cmocka_unit_test(store_reads__create_no_user__when_owner_unknown),
		cmocka_unit_test_setup_teardown(
			store_rollback__leaves_nothing__when_transaction_undone,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_insert__keeps_caller_transaction__when_refused,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(store_check__ok__when_fresh,
			open_memory, close_store),
		cmocka_unit_test(store_check__fails__when_reference_broken),
		cmocka_unit_test_setup_teardown(
			store_explain_totals__uses_indexes__when_planned,
			open_memory, close_store),
	};

	return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
