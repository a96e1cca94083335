/*
 * tests/unit/test_store.c - storage/: schema, migrations, entries, totals,
 * entry numbers, single-entry edits, listings, projects and tags, undo,
 * filtered listings, who has time in a range, reports, names in any case
 * (the UNOCASE collation), read-only opening.
 *
 * Real SQLite throughout: ":memory:" for the queries, files in a temp
 * directory for what only a file shows (reopening, WAL, user_version,
 * refusals, readers beside a writer; one reader runs in a child process
 * as a user who may not write to the directory). The test opens those
 * files with SQLite directly to set up states the API cannot make (a
 * newer version, a broken reference) and to look at rows the API does not
 * show (users). It also sees store_int.h, to drive the migration
 * mechanism with schemas of its own.
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
#include "../../storage/store_test.h"

#define ALICE "alice@example.org"
#define BOB "bob@example.org"
#define CAROL "carol@example.org"

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
	assert_int_equal(got.seq, 1);
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

#define H 3600 /* an hour, in seconds */

/* Inserts e for owner and returns the number it got. */
static int64_t add(store *st, const char *owner, struct store_entry e)
{
	store_rc rc = store_insert_entry(st, owner, &e);

	if (rc != STORE_OK)
		fail_msg("insert %s: got %d (%s)", e.project, rc,
		         store_errmsg(st));
	assert_true(e.id > 0);
	return e.seq;
}

/* Entry #seq of owner, which must exist. */
static struct store_entry get(store *st, const char *owner, int64_t seq)
{
	struct store_entry e;
	store_rc rc = store_get(st, owner, seq, &e);

	if (rc != STORE_OK)
		fail_msg("get #%" PRId64 ": got %d (%s)", seq, rc,
		         store_errmsg(st));
	return e;
}

/* a and b alike in every field, tags in order. */
static void assert_entry_equal(const struct store_entry *a,
                               const struct store_entry *b)
{
	int i;

	assert_int_equal(a->id, b->id);
	assert_int_equal(a->seq, b->seq);
	assert_string_equal(a->project, b->project);
	assert_string_equal(a->note, b->note);
	assert_int_equal(a->start, b->start);
	assert_int_equal(a->stop, b->stop);
	assert_int_equal(a->ntags, b->ntags);
	for (i = 0; i < a->ntags; i++)
		assert_string_equal(a->tags[i], b->tags[i]);
}

static void store_insert_entry__numbers_per_user__when_users_interleave(
	void **state)
{
	struct store_entry e = entry("acme", 100, 200), last;
	store *st = *state;
	int64_t id = 0;

	assert_int_equal(add(st, ALICE, entry("a", 10, 20)), 1);
	assert_int_equal(add(st, BOB, entry("b", 10, 20)), 1);
	assert_int_equal(add(st, ALICE, entry("a", 30, 40)), 2);
	assert_int_equal(add(st, BOB, entry("b", 30, 0)), 2);
	/* The number passed in is ignored; id and seq come back. */
	e.seq = 77;
	e.id = 77;
	assert_int_equal(store_insert_entry(st, ALICE, &e), STORE_OK);
	assert_int_equal(e.seq, 3);
	assert_true(e.id != 77);
	assert_int_equal(get(st, ALICE, 3).id, e.id);
	assert_string_equal(get(st, ALICE, 3).project, "acme");
	/* store_insert numbers too. */
	assert_int_equal(store_insert(st, ALICE, &e, &id), STORE_OK);
	assert_int_equal(get(st, ALICE, 4).id, id);
	assert_int_equal(store_last(st, BOB, &last), STORE_OK);
	assert_int_equal(last.seq, 2);
	/* A refused insert takes no number. */
	insert(st, ALICE, entry("", 10, 20), STORE_CONFLICT);
	assert_int_equal(add(st, ALICE, entry("a", 50, 60)), 5);
}

static void store_delete__never_reuses_number_or_id__when_latest_deleted(
	void **state)
{
	struct store_entry gone;
	store *st = *state;
	int64_t top;

	add(st, ALICE, entry("a", 10, 20));
	add(st, ALICE, entry("b", 30, 40));
	assert_int_equal(add(st, ALICE, entry("c", 50, 60)), 3);
	assert_int_equal(store_delete(st, ALICE, 3, &gone), STORE_OK);
	top = gone.id;
	assert_int_equal(add(st, ALICE, entry("d", 70, 80)), 4);
	/* Row ids are not given twice either (AUTOINCREMENT), which keeps
	 * an undo step's record of a deleted entry unambiguous. */
	assert_true(get(st, ALICE, 4).id > top);
	assert_int_equal(store_delete(st, ALICE, 4, NULL), STORE_OK);
	assert_int_equal(store_delete(st, ALICE, 2, NULL), STORE_OK);
	assert_int_equal(add(st, ALICE, entry("e", 90, 100)), 5);
	/* Nor does undoing an insert give its number back. */
	assert_int_equal(store_begin_change(st, ALICE, "add", 1), STORE_OK);
	assert_int_equal(add(st, ALICE, entry("f", 110, 120)), 6);
	assert_int_equal(store_commit(st), STORE_OK);
	assert_int_equal(store_undo(st, ALICE, NULL, 0, NULL), STORE_OK);
	assert_int_equal(add(st, ALICE, entry("g", 130, 140)), 7);
	assert_int_equal(count(st, ALICE), 3);
}

static void store_get__returns_entry__when_own(void **state)
{
	struct store_entry e = entry("acme", 100, 200), got;
	store *st = *state;

	add_tag(&e, "z");
	add_tag(&e, "a");
	snprintf(e.note, sizeof e.note, "the note");
	assert_int_equal(store_insert_entry(st, ALICE, &e), STORE_OK);
	got = get(st, ALICE, e.seq);
	assert_int_equal(got.id, e.id);
	assert_int_equal(got.seq, 1);
	assert_string_equal(got.project, "acme");
	assert_string_equal(got.note, "the note");
	assert_int_equal(got.start, 100);
	assert_int_equal(got.stop, 200);
	assert_int_equal(got.ntags, 2);
	assert_string_equal(got.tags[0], "a");
	assert_string_equal(got.tags[1], "z");
	/* out may be NULL. */
	assert_int_equal(store_get(st, ALICE, 1, NULL), STORE_OK);
}

static void store_get__notfound__when_number_is_another_users(void **state)
{
	struct store_entry got;
	store *st = *state;

	/* Unknown owner, then an owner without that number. */
	assert_int_equal(store_get(st, BOB, 1, &got), STORE_NOTFOUND);
	add(st, ALICE, entry("alice-1", 10, 20));
	add(st, ALICE, entry("alice-2", 30, 40));
	add(st, BOB, entry("bob-1", 50, 60));
	assert_int_equal(store_get(st, BOB, 2, &got), STORE_NOTFOUND);
	assert_int_equal(store_get(st, ALICE, 3, &got), STORE_NOTFOUND);
	assert_int_equal(store_get(st, ALICE, 0, &got), STORE_NOTFOUND);
	/* Each owner's #1 is their own. */
	assert_string_equal(get(st, BOB, 1).project, "bob-1");
	assert_string_equal(get(st, ALICE, 1).project, "alice-1");
}

static void store_last__returns_latest_start__when_added_out_of_order(
	void **state)
{
	struct store_entry got;
	store *st = *state;

	assert_int_equal(store_last(st, ALICE, &got), STORE_NOTFOUND);
	add(st, ALICE, entry("later", 500, 600)); /* #1 */
	add(st, ALICE, entry("earlier", 100, 200)); /* #2 */
	assert_int_equal(store_last(st, ALICE, &got), STORE_OK);
	assert_int_equal(got.seq, 1);
	add(st, ALICE, entry("runs", 900, 0)); /* #3 */
	add(st, BOB, entry("bob", 5000, 0));
	assert_int_equal(store_last(st, ALICE, &got), STORE_OK);
	assert_int_equal(got.seq, 3);
	assert_int_equal(got.stop, 0);
	/* Same start: the one added last. */
	add(st, ALICE, entry("same", 900, 950)); /* #4 */
	assert_int_equal(store_last(st, ALICE, &got), STORE_OK);
	assert_int_equal(got.seq, 4);
	assert_string_equal(got.project, "same");
}

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
	assert_int_equal(db_int(db, "SELECT count(*) FROM entry_tags"), 1);
	assert_int_equal(total(st, ALICE, 0, 500, 500), 250);
	/* Back to running, with the slot free. */
	want.stop = 0;
	assert_int_equal(store_update(st, ALICE, &want), STORE_OK);
	assert_int_equal(store_running(st, ALICE, &got), STORE_OK);
	assert_int_equal(got.seq, 1);
}

/* The tags of e, joined with spaces. */
static const char *tags_of(const struct store_entry *e)
{
	static char buf[STORE_TAGS_MAX * (STORE_TAG_MAX + 1) + 1];
	int i;

	buf[0] = '\0';
	for (i = 0; i < e->ntags; i++) {
		if (i > 0)
			strcat(buf, " ");
		strcat(buf, e->tags[i]);
	}
	return buf;
}

static void tag_order_row(const struct store_entry *e, void *arg)
{
	(void)arg;
	assert_string_equal(tags_of(e), "billable Design X x");
}

/*
 * One order of tags, whatever order they were given in: by name case
 * aside, then by bytes. Reads give it, and so do store_insert_entry and
 * store_update to the caller's entry (the start, add and edit replies).
 */
static void store_get__tags_in_one_order__whatever_order_they_were_given(
	void **state)
{
	const char *order = "billable Design X x";
	struct store_entry e = entry("acme", 100, 200), got;
	store *st = *state;

	add_tag(&e, "x");
	add_tag(&e, "Design");
	add_tag(&e, "X");
	add_tag(&e, "billable");
	assert_int_equal(store_insert_entry(st, ALICE, &e), STORE_OK);
	assert_string_equal(tags_of(&e), order);
	got = get(st, ALICE, 1);
	assert_string_equal(tags_of(&got), order);
	assert_int_equal(store_last(st, ALICE, &got), STORE_OK);
	assert_string_equal(tags_of(&got), order);
	assert_int_equal(store_list(st, ALICE, 0, 1000, 1000, 0, tag_order_row,
	                            NULL, NULL),
	                 STORE_OK);

	e = entry("acme", 100, 0);
	e.seq = 1;
	add_tag(&e, "X");
	add_tag(&e, "x");
	add_tag(&e, "Design");
	add_tag(&e, "billable");
	assert_int_equal(store_update(st, ALICE, &e), STORE_OK);
	assert_string_equal(tags_of(&e), order);
	assert_int_equal(store_running(st, ALICE, &got), STORE_OK);
	assert_string_equal(tags_of(&got), order);
	assert_int_equal(store_stop(st, ALICE, 300, &got), STORE_OK);
	assert_string_equal(tags_of(&got), order);
}

static void store_update__notfound__when_number_is_another_users(
	void **state)
{
	struct store_entry e = entry("changed", 1, 2);
	store *st = *state;

	e.seq = 1;
	assert_int_equal(store_update(st, ALICE, &e), STORE_NOTFOUND);
	add(st, ALICE, entry("alice", 10, 20));
	add(st, BOB, entry("bob-1", 10, 20));
	add(st, BOB, entry("bob-2", 30, 40));
	e.seq = 2;
	assert_int_equal(store_update(st, ALICE, &e), STORE_NOTFOUND);
	assert_string_equal(get(st, BOB, 2).project, "bob-2");
	assert_int_equal(get(st, BOB, 2).start, 30);
}

static void store_update__conflicts__when_rules_broken(void **state)
{
	struct store_entry e = entry("done", 100, 200), before, bad;
	store *st = *state;

	add_tag(&e, "keep");
	add(st, ALICE, e);
	add(st, ALICE, entry("runs", 300, 0));
	before = get(st, ALICE, 1);

	/* A second running entry. */
	bad = entry("done", 100, 0);
	bad.seq = 1;
	add_tag(&bad, "new");
	assert_int_equal(store_update(st, ALICE, &bad), STORE_CONFLICT);
	assert_non_null(strstr(store_errmsg(st), "UNIQUE"));
	/* Stop before start. */
	bad.stop = 50;
	assert_int_equal(store_update(st, ALICE, &bad), STORE_CONFLICT);
	assert_non_null(strstr(store_errmsg(st), "CHECK"));
	/* Limits. */
	bad = entry("", 100, 200);
	bad.seq = 1;
	assert_int_equal(store_update(st, ALICE, &bad), STORE_CONFLICT);
	bad = entry("x", 100, 200);
	bad.seq = 1;
	bad.ntags = STORE_TAGS_MAX + 1;
	assert_int_equal(store_update(st, ALICE, &bad), STORE_CONFLICT);
	bad.ntags = 1; /* an empty tag, after the row itself was fine */
	assert_int_equal(store_update(st, ALICE, &bad), STORE_CONFLICT);

	/* Nothing of any refused update stuck, tags included. */
	e = get(st, ALICE, 1);
	assert_entry_equal(&e, &before);
	assert_int_equal(store_running(st, ALICE, &e), STORE_OK);
	assert_int_equal(e.seq, 2);
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
	assert_int_equal(db_int(st->db, "SELECT count(*) FROM entry_tags"), 0);
	assert_int_equal(count(st, ALICE), 1);
	assert_int_equal(count(st, BOB), 1);
	assert_int_equal(store_delete(st, ALICE, 1, &out), STORE_NOTFOUND);
	assert_int_equal(store_delete(st, "carol@example.org", 1, NULL),
	                 STORE_NOTFOUND);
	assert_int_equal(store_check(st), STORE_OK);
}

/* --- overlap and list --- */

static void store_overlap__finds_earliest__when_span_overlaps(void **state)
{
	struct store_entry got;
	store *st = *state;

	add(st, ALICE, entry("ten", 10 * H, 11 * H));        /* #1 */
	add(st, ALICE, entry("fourteen", 14 * H, 15 * H));  /* #2 */
	add(st, ALICE, entry("twelve", 12 * H, 13 * H));    /* #3 */
	add(st, BOB, entry("bob", 9 * H, 16 * H));

	/* Inside one entry. */
	assert_int_equal(store_overlap(st, ALICE, 10 * H + 1800, 10 * H + 2700,
	                               20 * H, 0, &got), STORE_OK);
	assert_int_equal(got.seq, 1);
	/* Across several: the earliest by start, not by number. */
	assert_int_equal(store_overlap(st, ALICE, 11 * H + 1800, 14 * H + 1800,
	                               20 * H, 0, &got), STORE_OK);
	assert_int_equal(got.seq, 3);
	assert_string_equal(got.project, "twelve");
	/* A span around all of them. */
	assert_int_equal(store_overlap(st, ALICE, 0, 24 * H, 20 * H, 0, &got),
	                 STORE_OK);
	assert_int_equal(got.seq, 1);
	/* Leaving one out (an edit checks against the others). */
	assert_int_equal(store_overlap(st, ALICE, 11 * H + 1800, 14 * H + 1800,
	                               20 * H, 3, &got), STORE_OK);
	assert_int_equal(got.seq, 2);
	assert_int_equal(store_overlap(st, ALICE, 10 * H, 11 * H, 20 * H, 1,
	                               NULL), STORE_NOTFOUND);
	/* Bob's entries are not Alice's; an unknown owner is all free. */
	assert_int_equal(store_overlap(st, ALICE, 16 * H, 17 * H, 20 * H, 0,
	                               &got), STORE_NOTFOUND);
	assert_int_equal(store_overlap(st, "carol@example.org", 0, 24 * H,
	                               20 * H, 0, &got), STORE_NOTFOUND);
}

static void store_overlap__free__when_entries_only_touch_edges(void **state)
{
	struct store_entry got;
	store *st = *state;

	add(st, ALICE, entry("nine", 9 * H, 10 * H));
	add(st, ALICE, entry("eleven", 11 * H, 12 * H));
	/* [10:00, 11:00) sits between them: the one ending at 10:00 and the
	 * one starting at 11:00 touch it only. */
	assert_int_equal(store_overlap(st, ALICE, 10 * H, 11 * H, 20 * H, 0,
	                               &got), STORE_NOTFOUND);
	/* One second more on either side overlaps. */
	assert_int_equal(store_overlap(st, ALICE, 10 * H - 1, 11 * H, 20 * H, 0,
	                               &got), STORE_OK);
	assert_string_equal(got.project, "nine");
	assert_int_equal(store_overlap(st, ALICE, 10 * H, 11 * H + 1, 20 * H, 0,
	                               &got), STORE_OK);
	assert_string_equal(got.project, "eleven");
}

static void store_overlap__counts_running_up_to_now__when_timer_runs(
	void **state)
{
	struct store_entry got;
	store *st = *state;

	add(st, ALICE, entry("earlier", 8 * H, 9 * H));
	add(st, ALICE, entry("runs", 10 * H, 0)); /* #2 */
	/* Now 11:00: it covers [10:00, 11:00). */
	assert_int_equal(store_overlap(st, ALICE, 10 * H + 1800, 12 * H, 11 * H,
	                               0, &got), STORE_OK);
	assert_int_equal(got.seq, 2);
	assert_int_equal(got.stop, 0);
	assert_int_equal(store_overlap(st, ALICE, 11 * H, 12 * H, 11 * H, 0,
	                               &got), STORE_NOTFOUND);
	/* Half an hour later it reaches into the same span. */
	assert_int_equal(store_overlap(st, ALICE, 11 * H, 12 * H, 11 * H + 1800,
	                               0, &got), STORE_OK);
	assert_int_equal(got.seq, 2);
	/* Before its start nothing runs; leaving it out frees the span. */
	assert_int_equal(store_overlap(st, ALICE, 9 * H, 10 * H, 11 * H, 0,
	                               &got), STORE_NOTFOUND);
	assert_int_equal(store_overlap(st, ALICE, 10 * H, 12 * H, 11 * H, 2,
	                               &got), STORE_NOTFOUND);
}

/* What store_list passed, in order. */
struct listing {
	int n;
	int64_t seq[16];
	int64_t start[16];
	int ntags[16];
};

static void collect_entry(const struct store_entry *e, void *arg)
{
	struct listing *l = arg;

	if (l->n < 16) {
		l->seq[l->n] = e->seq;
		l->start[l->n] = e->start;
		l->ntags[l->n] = e->ntags;
	}
	l->n++;
}

static struct listing list(store *st, const char *owner, int64_t from,
                           int64_t to, int64_t now, size_t limit,
                           int64_t *total)
{
	struct listing l;

	memset(&l, 0, sizeof l);
	if (store_list(st, owner, from, to, now, limit, collect_entry, &l,
	               total) != STORE_OK)
		fail_msg("list: %s", store_errmsg(st));
	assert_true(l.n <= 16);
	return l;
}

static void store_list__orders_oldest_first__with_limit_and_total(
	void **state)
{
	struct store_entry e = entry("tagged", 100, 150);
	store *st = *state;
	struct listing l;
	int64_t n = -1;

	add(st, ALICE, entry("c", 500, 600));   /* #1 */
	add_tag(&e, "x");
	add_tag(&e, "y");
	add(st, ALICE, e);                      /* #2, starts first */
	add(st, ALICE, entry("b1", 300, 400));  /* #3 */
	add(st, ALICE, entry("runs", 700, 0));  /* #4 */
	add(st, ALICE, entry("b2", 300, 350));  /* #5, same start as #3 */
	add(st, BOB, entry("bob", 200, 900));

	l = list(st, ALICE, 0, 1000, 800, 0, &n);
	assert_int_equal(l.n, 5);
	assert_int_equal(n, 5);
	assert_int_equal(l.seq[0], 2);
	assert_int_equal(l.ntags[0], 2);
	assert_int_equal(l.seq[1], 3);
	assert_int_equal(l.seq[2], 5);
	assert_int_equal(l.seq[3], 1);
	assert_int_equal(l.seq[4], 4);

	/* A limit passes the oldest ones; the total still counts all. */
	l = list(st, ALICE, 0, 1000, 800, 2, &n);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.seq[0], 2);
	assert_int_equal(l.seq[1], 3);
	assert_int_equal(n, 5);
	l = list(st, ALICE, 0, 1000, 800, 99, NULL);
	assert_int_equal(l.n, 5);

	/* Nothing in range, and an unknown owner. */
	l = list(st, ALICE, 2000, 3000, 800, 0, &n);
	assert_int_equal(l.n, 0);
	assert_int_equal(n, 0);
	l = list(st, "carol@example.org", 0, 1000, 800, 0, &n);
	assert_int_equal(l.n, 0);
	assert_int_equal(n, 0);
}

static void store_list__takes_entries_crossing_edges__when_range_cuts(
	void **state)
{
	store *st = *state;
	struct listing l;
	int64_t n = -1;

	/* Range [1000, 2000), now 1950. */
	add(st, ALICE, entry("before", 100, 900));    /* #1 out */
	add(st, ALICE, entry("edge", 500, 1000));     /* #2 ends at from: out */
	add(st, ALICE, entry("from", 400, 1500));     /* #3 in */
	add(st, ALICE, entry("to", 1800, 2500));      /* #4 in */
	add(st, ALICE, entry("after", 2000, 2100));   /* #5 starts at to: out */
	add(st, ALICE, entry("long", 0, 100000));     /* #6 in */
	add(st, ALICE, entry("running", 1900, 0));    /* #7 in */

	l = list(st, ALICE, 1000, 2000, 1950, 0, &n);
	assert_int_equal(n, 4);
	assert_int_equal(l.n, 4);
	assert_int_equal(l.seq[0], 6);
	assert_int_equal(l.seq[1], 3);
	assert_int_equal(l.start[1], 400); /* whole, not clipped */
	assert_int_equal(l.seq[2], 4);
	assert_int_equal(l.seq[3], 7);
	/* The running entry ends at now: a range after now misses it. */
	l = list(st, ALICE, 1960, 1990, 1950, 0, &n);
	assert_int_equal(n, 2); /* "long" and "to" */
	assert_int_equal(l.seq[0], 6);
	assert_int_equal(l.seq[1], 4);
}

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

static void store_list__orders_running_by_start__when_it_began_first(
	void **state)
{
	store *st = *state;
	struct listing l;
	int64_t n = -1;

	add(st, ALICE, entry("runs", 100, 0));  /* #1 */
	add(st, ALICE, entry("b", 200, 300));   /* #2 */
	add(st, ALICE, entry("a", 100, 150));   /* #3, same start as #1 */
	add(st, ALICE, entry("c", 50, 60));     /* #4 */

	l = list(st, ALICE, 0, 1000, 800, 0, &n);
	assert_int_equal(n, 4);
	assert_int_equal(l.n, 4);
	assert_int_equal(l.seq[0], 4);
	assert_int_equal(l.seq[1], 1);
	assert_int_equal(l.seq[2], 3);
	assert_int_equal(l.seq[3], 2);

	/* Cut by the limit, the total counts all the same; a limit the
	 * entries just fill leaves nothing to count; no total, no count. */
	l = list(st, ALICE, 0, 1000, 800, 2, &n);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.seq[1], 1);
	assert_int_equal(n, 4);
	l = list(st, ALICE, 0, 1000, 800, 4, &n);
	assert_int_equal(l.n, 4);
	assert_int_equal(n, 4);
	l = list(st, ALICE, 0, 1000, 800, 3, NULL);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.seq[2], 3);

	/* A range after every stopped one still finds the running entry
	 * that began before it. */
	l = list(st, ALICE, 400, 1000, 800, 0, &n);
	assert_int_equal(n, 1);
	assert_int_equal(l.seq[0], 1);
	l = list(st, ALICE, 400, 1000, 800, 1, &n);
	assert_int_equal(n, 1);
}

/* --- projects, tags, rename, time zone --- */

static struct totals names(store *st, const char *owner, int tags,
                           int64_t from, int64_t to, int64_t now)
{
	struct totals t;

	memset(&t, 0, sizeof t);
	assert_int_equal((tags ? store_tags : store_projects)(st, owner, from,
	                 to, now, collect, &t), STORE_OK);
	assert_true(t.n <= 8);
	return t;
}

static void store_projects__lists_every_name__when_some_have_no_time(
	void **state)
{
	store *st = *state;
	struct totals t;

	add(st, ALICE, entry("Acme", 100, 200));     /* earliest spelling */
	add(st, ALICE, entry("acme", 5000, 5300));
	add(st, ALICE, entry("beta", 5000, 5100));
	add(st, ALICE, entry("Zeta", 10, 20));       /* out of range */
	add(st, ALICE, entry("alpha", 50, 60));      /* out of range */
	add(st, ALICE, entry("gamma", 5500, 5500));  /* zero seconds */
	add(st, ALICE, entry("runs", 5800, 0));      /* up to now */
	add(st, BOB, entry("bobs", 5000, 5900));

	/* Range [1000, 6000), now 5850. */
	t = names(st, ALICE, 0, 1000, 6000, 5850);
	assert_int_equal(t.n, 6);
	assert_string_equal(t.project[0], "Acme");
	assert_int_equal(t.secs[0], 300);
	assert_string_equal(t.project[1], "beta");
	assert_int_equal(t.secs[1], 100);
	assert_string_equal(t.project[2], "runs");
	assert_int_equal(t.secs[2], 50);
	/* Zeros too, by name with case aside. */
	assert_string_equal(t.project[3], "alpha");
	assert_int_equal(t.secs[3], 0);
	assert_string_equal(t.project[4], "gamma");
	assert_string_equal(t.project[5], "Zeta");
	assert_int_equal(t.secs[5], 0);

	t = names(st, "carol@example.org", 0, 1000, 6000, 5850);
	assert_int_equal(t.n, 0);
}

static void store_tags__lists_every_tag__when_some_have_no_time(
	void **state)
{
	struct store_entry a = entry("p", 1000, 1300), b = entry("p", 1500, 1600);
	struct store_entry c = entry("p", 1700, 1750), d = entry("p", 10, 20);
	struct store_entry bob = entry("p", 1000, 2000);
	store *st = *state;
	struct totals t;

	add_tag(&a, "client");
	add_tag(&a, "review");
	add_tag(&b, "Client");
	add_tag(&c, "x");
	add_tag(&c, "X"); /* stored apart, one name: counted once */
	add_tag(&d, "old");
	add_tag(&bob, "bobs");
	add(st, ALICE, a);
	add(st, ALICE, b);
	add(st, ALICE, c);
	add(st, ALICE, d);
	add(st, ALICE, entry("untagged", 1000, 2000));
	add(st, BOB, bob);

	t = names(st, ALICE, 1, 1000, 2000, 2000);
	assert_int_equal(t.n, 4);
	assert_string_equal(t.project[0], "client"); /* earliest spelling */
	assert_int_equal(t.secs[0], 300 + 100);
	assert_string_equal(t.project[1], "review");
	assert_int_equal(t.secs[1], 300);
	assert_string_equal(t.project[2], "X");
	assert_int_equal(t.secs[2], 50);
	assert_string_equal(t.project[3], "old");
	assert_int_equal(t.secs[3], 0);
}

static void store_rename_project__renames_any_case__when_names_differ(
	void **state)
{
	struct store_entry e = entry("acme", 100, 200);
	store *st = *state;
	struct totals t;
	int64_t n = -1;

	add_tag(&e, "keep");
	add(st, ALICE, entry("Acme", 10, 20));   /* #1 */
	add(st, ALICE, e);                       /* #2 */
	add(st, ALICE, entry("ACME", 300, 0));   /* #3, running */
	add(st, ALICE, entry("other", 50, 60));  /* #4 */
	add(st, BOB, entry("acme", 10, 20));

	assert_int_equal(store_rename_project(st, ALICE, "aCmE", "Globex", &n),
	                 STORE_OK);
	assert_int_equal(n, 3);
	assert_string_equal(get(st, ALICE, 1).project, "Globex");
	assert_string_equal(get(st, ALICE, 2).project, "Globex");
	assert_string_equal(get(st, ALICE, 2).tags[0], "keep");
	assert_string_equal(get(st, ALICE, 3).project, "Globex");
	assert_int_equal(get(st, ALICE, 3).stop, 0);
	assert_string_equal(get(st, ALICE, 4).project, "other");
	assert_string_equal(get(st, BOB, 1).project, "acme");

	/* Into a name that exists: they join it. */
	assert_int_equal(store_rename_project(st, ALICE, "globex", "OTHER", &n),
	                 STORE_OK);
	assert_int_equal(n, 3);
	t = names(st, ALICE, 0, 0, 1000, 400);
	assert_int_equal(t.n, 1);
	assert_string_equal(t.project[0], "OTHER"); /* #1 starts first */
	assert_int_equal(t.secs[0], 10 + 100 + 100 + 10);
}

static void store_rename_project__notfound__when_no_entry_has_it(
	void **state)
{
	store *st = *state;
	int64_t n = -1;

	assert_int_equal(store_rename_project(st, ALICE, "acme", "x", &n),
	                 STORE_NOTFOUND);
	add(st, ALICE, entry("acme", 10, 20));
	add(st, BOB, entry("beta", 10, 20));
	assert_int_equal(store_rename_project(st, ALICE, "beta", "x", &n),
	                 STORE_NOTFOUND);
	assert_int_equal(n, 0);
	assert_string_equal(get(st, BOB, 1).project, "beta");
	/* A name the schema refuses changes nothing. */
	assert_int_equal(store_rename_project(st, ALICE, "acme", "", &n),
	                 STORE_CONFLICT);
	assert_string_equal(get(st, ALICE, 1).project, "acme");
	assert_int_equal(store_rename_project(st, ALICE, "acme", "acme", NULL),
	                 STORE_OK);
}

static void store_user_tz__round_trips__when_set_and_cleared(void **state)
{
	char tz[STORE_TZ_MAX + 1], big[STORE_TZ_MAX + 2], small[4];
	store *st = *state;

	assert_int_equal(store_user_tz(st, ALICE, tz, sizeof tz), STORE_OK);
	assert_string_equal(tz, "");
	assert_int_equal(store_set_user_tz(st, ALICE, NULL), STORE_OK);
	/* Neither reading nor clearing made a user. */
	assert_int_equal(db_int(st->db, "SELECT count(*) FROM users"), 0);

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
	assert_int_equal(db_int(st->db, "SELECT count(*) FROM users"), 2);
	big[STORE_TZ_MAX] = '\0';
	assert_int_equal(store_set_user_tz(st, BOB, big), STORE_OK);
	assert_int_equal(store_user_tz(st, BOB, tz, sizeof tz), STORE_OK);
	assert_string_equal(tz, big);
}

/* --- undo --- */

/* Opens a change step for owner labelled label at time 1000. */
static void change(store *st, const char *owner, const char *label)
{
	if (store_begin_change(st, owner, label, 1000) != STORE_OK)
		fail_msg("begin_change: %s", store_errmsg(st));
}

static void commit(store *st)
{
	if (store_commit(st) != STORE_OK)
		fail_msg("commit: %s", store_errmsg(st));
}

/* Undoes owner's latest step, which must be labelled want. */
static void undo(store *st, const char *owner, const char *want)
{
	char label[STORE_LABEL_MAX + 1] = "";
	int64_t at = -1;
	store_rc rc = store_undo(st, owner, label, sizeof label, &at);

	if (rc != STORE_OK)
		fail_msg("undo %s: got %d (%s)", want, rc, store_errmsg(st));
	assert_string_equal(label, want);
	assert_int_equal(at, 1000);
}

static int64_t undo_steps(store *st)
{
	return db_int(st->db, "SELECT count(*) FROM undo_steps");
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
	assert_int_equal(db_int(st->db, "SELECT count(*) FROM entry_tags"), 0);
	/* The step is forgotten, with its records. */
	assert_int_equal(undo_steps(st), 0);
	assert_int_equal(db_int(st->db, "SELECT count(*) FROM undo_entries"),
	                 0);
	assert_int_equal(store_check(st), STORE_OK);
}

static void store_undo__restores_running_entry__after_stop(void **state)
{
	struct store_entry e = entry("acme", 100, 0), before, got;
	store *st = *state;

	add_tag(&e, "b");
	add_tag(&e, "a");
	snprintf(e.note, sizeof e.note, "note");
	add(st, ALICE, e);
	before = get(st, ALICE, 1);
	change(st, ALICE, "stop");
	assert_int_equal(store_stop(st, ALICE, 500, &got), STORE_OK);
	assert_int_equal(got.seq, 1);
	commit(st);
	assert_int_equal(store_running(st, ALICE, NULL), STORE_NOTFOUND);

	undo(st, ALICE, "stop");
	assert_int_equal(store_running(st, ALICE, &got), STORE_OK);
	assert_entry_equal(&got, &before);
}

static void store_undo__restores_running_entry__after_start_stopped_it(
	void **state)
{
	struct store_entry before, got;
	store *st = *state;

	add(st, ALICE, entry("acme", 100, 0));
	before = get(st, ALICE, 1);
	/* "start beta" while acme runs: stop it, start the new one. */
	change(st, ALICE, "start beta");
	assert_int_equal(store_stop(st, ALICE, 500, NULL), STORE_OK);
	assert_int_equal(add(st, ALICE, entry("beta", 500, 0)), 2);
	commit(st);

	undo(st, ALICE, "start beta");
	assert_int_equal(store_get(st, ALICE, 2, NULL), STORE_NOTFOUND);
	assert_int_equal(store_running(st, ALICE, &got), STORE_OK);
	assert_entry_equal(&got, &before);
	assert_int_equal(count(st, ALICE), 1);
}

static void store_undo__restores_entry__after_update(void **state)
{
	struct store_entry e = entry("acme", 100, 200), before, edit, got;
	store *st = *state;

	add_tag(&e, "a");
	add_tag(&e, "b");
	snprintf(e.note, sizeof e.note, "original");
	add(st, ALICE, e);
	before = get(st, ALICE, 1);

	edit = entry("other", 150, 900);
	edit.seq = 1;
	add_tag(&edit, "c");
	change(st, ALICE, "edit #1");
	assert_int_equal(store_update(st, ALICE, &edit), STORE_OK);
	/* A second touch in the same step keeps the first image. */
	edit.stop = 950;
	assert_int_equal(store_update(st, ALICE, &edit), STORE_OK);
	commit(st);
	assert_string_equal(get(st, ALICE, 1).project, "other");

	undo(st, ALICE, "edit #1");
	got = get(st, ALICE, 1);
	assert_entry_equal(&got, &before);
}

static void store_undo__restores_same_number_and_tags__after_delete(
	void **state)
{
	struct store_entry e = entry("acme", 300, 400), before, got;
	store *st = *state;

	add(st, ALICE, entry("one", 100, 200));
	add_tag(&e, "x");
	add_tag(&e, "y");
	snprintf(e.note, sizeof e.note, "keep me");
	add(st, ALICE, e);
	add(st, ALICE, entry("three", 500, 600));
	before = get(st, ALICE, 2);

	change(st, ALICE, "delete #2");
	assert_int_equal(store_delete(st, ALICE, 2, NULL), STORE_OK);
	commit(st);
	assert_int_equal(store_get(st, ALICE, 2, NULL), STORE_NOTFOUND);

	undo(st, ALICE, "delete #2");
	got = get(st, ALICE, 2);
	assert_entry_equal(&got, &before); /* same id, number, tags */
	assert_int_equal(count(st, ALICE), 3);
	assert_int_equal(add(st, ALICE, entry("four", 700, 800)), 4);
	assert_int_equal(store_check(st), STORE_OK);
}

static void store_undo__restores_names__after_rename(void **state)
{
	struct store_entry e = entry("acme", 300, 0);
	store *st = *state;

	add(st, ALICE, entry("Acme", 100, 200));
	add_tag(&e, "t");
	add(st, ALICE, e);
	add(st, ALICE, entry("other", 50, 60));
	change(st, ALICE, "rename acme beta");
	assert_int_equal(store_rename_project(st, ALICE, "acme", "beta", NULL),
	                 STORE_OK);
	commit(st);
	assert_string_equal(get(st, ALICE, 1).project, "beta");

	undo(st, ALICE, "rename acme beta");
	assert_string_equal(get(st, ALICE, 1).project, "Acme");
	assert_string_equal(get(st, ALICE, 2).project, "acme");
	assert_int_equal(get(st, ALICE, 2).ntags, 1);
	assert_int_equal(get(st, ALICE, 2).stop, 0);
	assert_string_equal(get(st, ALICE, 3).project, "other");
}

static void store_undo__reverts_latest_first__when_repeated(void **state)
{
	struct store_entry got, edit;
	store *st = *state;

	change(st, ALICE, "start a");
	add(st, ALICE, entry("a", 100, 0));
	commit(st);
	change(st, ALICE, "stop");
	assert_int_equal(store_stop(st, ALICE, 200, NULL), STORE_OK);
	commit(st);
	change(st, ALICE, "start b");
	add(st, ALICE, entry("b", 300, 0));
	commit(st);
	edit = get(st, ALICE, 2);
	snprintf(edit.note, sizeof edit.note, "edited");
	change(st, ALICE, "note");
	assert_int_equal(store_update(st, ALICE, &edit), STORE_OK);
	commit(st);

	undo(st, ALICE, "note");
	assert_string_equal(get(st, ALICE, 2).note, "");
	undo(st, ALICE, "start b");
	assert_int_equal(store_get(st, ALICE, 2, NULL), STORE_NOTFOUND);
	assert_int_equal(store_running(st, ALICE, NULL), STORE_NOTFOUND);
	undo(st, ALICE, "stop");
	assert_int_equal(store_running(st, ALICE, &got), STORE_OK);
	assert_int_equal(got.seq, 1);
	undo(st, ALICE, "start a");
	assert_int_equal(count(st, ALICE), 0);
	assert_int_equal(store_undo(st, ALICE, NULL, 0, NULL), STORE_NOTFOUND);
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

static void store_undo__leaves_others_alone__when_step_touched_them(
	void **state)
{
	store *st = *state;

	/* A step records its owner's entries only. */
	change(st, ALICE, "both");
	add(st, ALICE, entry("alice", 100, 200));
	add(st, BOB, entry("bob", 100, 200));
	commit(st);
	assert_int_equal(store_undo(st, BOB, NULL, 0, NULL), STORE_NOTFOUND);
	undo(st, ALICE, "both");
	assert_int_equal(count(st, ALICE), 0);
	assert_int_equal(count(st, BOB), 1);
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

static void store_undo__refuses__when_transaction_open(void **state)
{
	store *st = *state;

	change(st, ALICE, "start");
	add(st, ALICE, entry("a", 100, 0));
	commit(st);
	assert_int_equal(store_begin(st), STORE_OK);
	assert_int_equal(store_undo(st, ALICE, NULL, 0, NULL), STORE_ERR);
	assert_non_null(strstr(store_errmsg(st), "transaction"));
	store_rollback(st);
	undo(st, ALICE, "start");
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

static void store_begin_change__cuts_label__when_too_long(void **state)
{
	char long_label[STORE_LABEL_MAX + 8], label[STORE_LABEL_MAX + 1];
	char small[5];
	store *st = *state;

	/* 199 bytes, then a two-byte character across the limit. */
	memset(long_label, 'a', STORE_LABEL_MAX - 1);
	snprintf(long_label + STORE_LABEL_MAX - 1,
	         sizeof long_label - (STORE_LABEL_MAX - 1), "\xc3\xa9zz");
	change(st, ALICE, long_label);
	add(st, ALICE, entry("a", 1, 2));
	commit(st);
	change(st, ALICE, "\xc3\xa9\xc3\xa9\xc3\xa9"); /* 6 bytes */
	add(st, ALICE, entry("b", 3, 4));
	commit(st);

	/* The caller's buffer cuts at a character boundary too. */
	assert_int_equal(store_undo(st, ALICE, small, sizeof small, NULL),
	                 STORE_OK);
	assert_string_equal(small, "\xc3\xa9\xc3\xa9");
	assert_int_equal(store_undo(st, ALICE, label, sizeof label, NULL),
	                 STORE_OK);
	assert_int_equal(strlen(label), STORE_LABEL_MAX - 1);
	assert_int_equal(strspn(label, "a"), STORE_LABEL_MAX - 1);
}

static void store_undo__survives_reopen__when_file_database(void **state)
{
	store *st;

	(void)state;
	st = open_file("undo.db");
	add(st, ALICE, entry("kept", 10, 20));
	change(st, ALICE, "start acme");
	add(st, ALICE, entry("acme", 100, 0));
	commit(st);
	store_close(st);

	st = open_file("undo.db");
	undo(st, ALICE, "start acme");
	store_close(st);

	st = open_file("undo.db");
	assert_int_equal(count(st, ALICE), 1);
	assert_int_equal(store_running(st, ALICE, NULL), STORE_NOTFOUND);
	assert_int_equal(store_undo(st, ALICE, NULL, 0, NULL), STORE_NOTFOUND);
	store_close(st);
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
	assert_int_equal(db_int(st->db, "SELECT count(*) FROM undo_entries"),
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

/* Sets the message key of the changes that follow (key NULL: none). */
static void set_key(store *st, const char *owner, const char *key)
{
	if (store_set_msg_key(st, owner, key) != STORE_OK)
		fail_msg("set_msg_key %s: %s", key != NULL ? key : "(none)",
		         store_errmsg(st));
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
	return db_int(st->db, "SELECT count(*) FROM handled_messages");
}

static void store_msg_seen__finds_own_key_only__when_two_users(void **state)
{
	store *st = *state;
	char reply[64] = "x";

	set_key(st, ALICE, K("o:1"));
	change(st, ALICE, "start acme");
	add(st, ALICE, entry("acme", 100, 0));
	commit(st);
	set_key(st, NULL, NULL);

	assert_int_equal(seen(st, ALICE, K("o:1"), reply, sizeof reply),
	                 STORE_OK);
	assert_string_equal(reply, ""); /* no reply saved yet */
	assert_int_equal(seen(st, ALICE, K("o:2"), NULL, 0), STORE_NOTFOUND);
	assert_int_equal(seen(st, BOB, K("o:1"), NULL, 0), STORE_NOTFOUND);
	assert_int_equal(seen(st, "carol@example.org", K("o:1"), NULL, 0),
	                 STORE_NOTFOUND);

	/* The same id from Bob is another message: it applies. */
	set_key(st, BOB, K("o:1"));
	change(st, BOB, "start acme");
	add(st, BOB, entry("acme", 100, 0));
	commit(st);
	set_key(st, NULL, NULL);
	assert_int_equal(seen(st, BOB, K("o:1"), NULL, 0), STORE_OK);
	assert_int_equal(handled(st), 2);
	assert_int_equal(count(st, BOB), 1);
	/* Looking records nothing and adds no user. */
	assert_int_equal(db_int(st->db, "SELECT count(*) FROM users"), 2);
}

static void store_msg_key__rolls_back_with_change__so_retry_applies(
	void **state)
{
	store *st = *state;
	const char *key = K("i:phone/42");

	add(st, ALICE, entry("runs", 100, 0));
	set_key(st, ALICE, key);
	/* A second running entry is refused; the command rolls back. */
	change(st, ALICE, "start second");
	assert_int_equal(handled(st), 1); /* inside the transaction */
	insert(st, ALICE, entry("second", 200, 0), STORE_CONFLICT);
	store_rollback(st);
	assert_int_equal(handled(st), 0);
	assert_int_equal(seen(st, ALICE, key, NULL, 0), STORE_NOTFOUND);

	/* The same message again: nothing recorded, so it applies. */
	change(st, ALICE, "stop runs");
	assert_int_equal(store_stop(st, ALICE, 300, NULL), STORE_OK);
	commit(st);
	set_key(st, NULL, NULL);
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

	/* Reads. */
	set_key(st, ALICE, K("o:read"));
	assert_int_equal(store_running(st, ALICE, &e), STORE_NOTFOUND);
	assert_int_equal(store_count(st, ALICE, &n), STORE_OK);
	assert_int_equal(store_user_tz(st, ALICE, tz, sizeof tz), STORE_OK);
	assert_int_equal(total(st, ALICE, 0, 1000, 1000), 0);
	assert_int_equal(handled(st), 0);
	assert_int_equal(db_int(st->db, "SELECT count(*) FROM users"), 0);

	/* Refusals, and a clearing that has nothing to clear. */
	set_key(st, ALICE, K("o:refused"));
	insert(st, ALICE, entry("", 10, 20), STORE_CONFLICT);
	assert_int_equal(store_set_user_tz(st, ALICE, ""), STORE_CONFLICT);
	assert_int_equal(store_set_user_tz(st, ALICE, NULL), STORE_OK);
	assert_int_equal(store_undo(st, ALICE, NULL, 0, NULL), STORE_NOTFOUND);
	assert_int_equal(handled(st), 0);

	/* A change outside a transaction is a transaction of its own. */
	set_key(st, ALICE, K("o:insert"));
	insert(st, ALICE, entry("acme", 10, 20), STORE_OK);
	set_key(st, ALICE, K("o:tz"));
	assert_int_equal(store_set_user_tz(st, ALICE, "Asia/Tokyo"), STORE_OK);
	set_key(st, ALICE, K("o:tz-default"));
	assert_int_equal(store_set_user_tz(st, ALICE, NULL), STORE_OK);
	/* A plain transaction, a step, and undo's own transaction. */
	set_key(st, ALICE, K("o:plain"));
	assert_int_equal(store_begin(st), STORE_OK);
	commit(st);
	set_key(st, ALICE, K("o:add"));
	change(st, ALICE, "add b");
	add(st, ALICE, entry("b", 30, 40));
	commit(st);
	set_key(st, ALICE, K("o:undo"));
	undo(st, ALICE, "add b");
	set_key(st, NULL, NULL);

	assert_int_equal(handled(st), 6);
	assert_int_equal(seen(st, ALICE, K("o:insert"), NULL, 0), STORE_OK);
	assert_int_equal(seen(st, ALICE, K("o:tz"), NULL, 0), STORE_OK);
	assert_int_equal(seen(st, ALICE, K("o:tz-default"), NULL, 0), STORE_OK);
	assert_int_equal(seen(st, ALICE, K("o:plain"), NULL, 0), STORE_OK);
	assert_int_equal(seen(st, ALICE, K("o:add"), NULL, 0), STORE_OK);
	assert_int_equal(seen(st, ALICE, K("o:undo"), NULL, 0), STORE_OK);
	assert_int_equal(seen(st, ALICE, K("o:read"), NULL, 0), STORE_NOTFOUND);
	assert_int_equal(seen(st, ALICE, K("o:refused"), NULL, 0),
	                 STORE_NOTFOUND);
	/* Cleared, changes record nothing. */
	insert(st, ALICE, entry("c", 50, 60), STORE_OK);
	assert_int_equal(handled(st), 6);
}

static void store_msg_key__refuses_second_change__under_same_key(
	void **state)
{
	store *st = *state;

	set_key(st, ALICE, K("o:1"));
	change(st, ALICE, "add a");
	add(st, ALICE, entry("a", 10, 20));
	commit(st);
	/* Still set: one key, one change. Nothing is left open. */
	assert_int_equal(store_begin_change(st, ALICE, "add b", 1000),
	                 STORE_CONFLICT);
	assert_non_null(strstr(store_errmsg(st), "record-message: "));
	assert_true(sqlite3_get_autocommit(st->db));
	insert(st, ALICE, entry("b", 30, 40), STORE_CONFLICT);
	assert_true(sqlite3_get_autocommit(st->db));
	assert_int_equal(store_set_user_tz(st, ALICE, "UTC"), STORE_CONFLICT);
	assert_int_equal(count(st, ALICE), 1);
	assert_int_equal(undo_steps(st), 1);
	set_key(st, NULL, NULL);
	add(st, ALICE, entry("b", 30, 40));
	assert_int_equal(count(st, ALICE), 2);
	assert_int_equal(handled(st), 1);
}

static void store_set_msg_key__refuses_bad_key__and_sets_none(void **state)
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
		assert_int_equal(store_set_msg_key(st, ALICE, bad[i]),
		                 STORE_CONFLICT);
		assert_int_equal(seen(st, ALICE, bad[i], NULL, 0),
		                 STORE_NOTFOUND);
	}
	assert_int_equal(store_set_msg_key(st, owner, K("o:1")), STORE_CONFLICT);
	assert_int_equal(store_set_msg_key(st, NULL, K("o:1")), STORE_ERR);
	/* None of them left a key set. */
	add(st, ALICE, entry("a", 10, 20));
	assert_int_equal(handled(st), 0);

	/* Every hex digit is one. */
	set_key(st, ALICE, "0123456789abcdef0123456789abcdef01234567");
	add(st, ALICE, entry("b", 30, 40));
	set_key(st, NULL, NULL);
	assert_int_equal(seen(st, ALICE,
	                      "0123456789abcdef0123456789abcdef01234567",
	                      NULL, 0), STORE_OK);
}

static void store_msg_reply__saves_reply__that_seen_returns(void **state)
{
	char reply[64], *big;
	store *st = *state;

	set_key(st, ALICE, K("o:1"));
	add(st, ALICE, entry("acme", 100, 0));
	set_key(st, NULL, NULL);
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
	assert_int_equal(db_int(st->db, "SELECT length(CAST(reply AS BLOB))"
	                        " FROM handled_messages"), STORE_REPLY_MAX);
	strcpy(big + STORE_REPLY_MAX - 1, "€");
	assert_int_equal(store_msg_reply(st, ALICE, K("o:1"), big), STORE_OK);
	free(big);
	assert_int_equal(db_int(st->db, "SELECT count(*) FROM handled_messages"
	                        " WHERE reply IS NULL"), 1);
	reply[0] = 'x';
	assert_int_equal(seen(st, ALICE, K("o:1"), reply, sizeof reply),
	                 STORE_OK);
	assert_string_equal(reply, "");

	/* No change under that key, or not this user's: nothing written. */
	assert_int_equal(store_msg_reply(st, ALICE, K("o:2"), "x"),
	                 STORE_NOTFOUND);
	assert_int_equal(store_msg_reply(st, BOB, K("o:1"), "x"), STORE_NOTFOUND);
	assert_int_equal(db_int(st->db, "SELECT count(*) FROM users"), 1);
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

static void store_msg_record__keeps_newest_rows__up_to_the_cap_per_user(
	void **state)
{
	int64_t now = (int64_t)time(NULL), at;
	char key[STORE_MSG_KEY_LEN + 1];
	store *st = *state;
	int i;

	add(st, BOB, entry("b", 10, 20));
	set_key(st, BOB, K("bob"));
	assert_int_equal(store_set_user_tz(st, BOB, "UTC"), STORE_OK);
	/* Alice's changes, each under its own key, past the cap. */
	for (i = 1; i <= STORE_MSG_KEEP + 5; i++) {
		snprintf(key, sizeof key, "%040d", i);
		set_key(st, ALICE, key);
		assert_int_equal(store_set_user_tz(st, ALICE,
		                                   i % 2 ? "UTC" : "Asia/Tokyo"),
		                 STORE_OK);
	}
	set_key(st, NULL, NULL);

	assert_int_equal(handled(st), STORE_MSG_KEEP + 1);
	/* The five oldest went; the newest ones are there, numbered on. */
	for (i = 1; i <= 5; i++) {
		snprintf(key, sizeof key, "%040d", i);
		assert_int_equal(seen(st, ALICE, key, NULL, 0), STORE_NOTFOUND);
	}
	snprintf(key, sizeof key, "%040d", 6);
	assert_int_equal(seen(st, ALICE, key, NULL, 0), STORE_OK);
	snprintf(key, sizeof key, "%040d", STORE_MSG_KEEP + 5);
	assert_int_equal(seen(st, ALICE, key, NULL, 0), STORE_OK);
	assert_int_equal(db_int(st->db, "SELECT min(n) FROM handled_messages"
	                        " WHERE user_id = (SELECT id FROM users"
	                        " WHERE jid = '" ALICE "')"), 6);
	/* Bob's row is his own, untouched by hers. */
	assert_int_equal(seen(st, BOB, K("bob"), NULL, 0), STORE_OK);
	/* The time of handling, by the clock, not of the entry. */
	at = db_int(st->db, "SELECT max(at) FROM handled_messages");
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
		{ "record-message", "sqlite_autoindex_handled_messages_1 (user_id=?)" },
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
	assert_int_equal(db_int(migrated->db, "PRAGMA user_version"),
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
	                       "type=table ncol=5 wr=0 strict=1"));
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
	assert_int_equal(db_int(st->db, "SELECT next_seq FROM users"
	                        " WHERE id = 1"), 5);
	assert_int_equal(db_int(st->db, "SELECT next_seq FROM users"
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
	assert_int_equal(db_int(st->db, "SELECT count(*) FROM"
	                        " handled_messages"), 0);
	assert_int_equal(store_set_msg_key(st, ALICE, K("o:first")), STORE_OK);
	change(st, ALICE, "start acme");
	add(st, ALICE, entry("acme", 2000, 0));
	commit(st);
	assert_int_equal(store_set_msg_key(st, NULL, NULL), STORE_OK);
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

#define DAY (24 * H)
#define D0 (20000 * DAY) /* a UTC midnight */

/* An entry of project with one or two tags (NULL: none). */
static struct store_entry tagged(const char *project, int64_t start,
                                 int64_t stop, const char *tag1,
                                 const char *tag2)
{
	struct store_entry e = entry(project, start, stop);

	if (tag1 != NULL)
		add_tag(&e, tag1);
	if (tag2 != NULL)
		add_tag(&e, tag2);
	return e;
}

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

/* What store_list_filtered passed, in order. */
struct export {
	int n;
	char owner[16][64];
	int64_t seq[16];
	int64_t start[16];
	int ntags[16];
};

static void collect_export(const char *owner, const struct store_entry *e,
                           void *arg)
{
	struct export *x = arg;

	if (x->n < 16) {
		snprintf(x->owner[x->n], sizeof x->owner[0], "%s", owner);
		x->seq[x->n] = e->seq;
		x->start[x->n] = e->start;
		x->ntags[x->n] = e->ntags;
	}
	x->n++;
}

static struct export list_filtered(store *st, const char *owner,
                                   int64_t from, int64_t to, int64_t now,
                                   const struct store_filter *f,
                                   size_t limit, int64_t *total)
{
	struct export x;

	memset(&x, 0, sizeof x);
	if (store_list_filtered(st, owner, from, to, now, f, limit,
	                        collect_export, &x, total) != STORE_OK)
		fail_msg("list_filtered: %s", store_errmsg(st));
	assert_true(x.n <= 16);
	return x;
}

static void store_list_filtered__passes_matching_entries__when_filtered(
	void **state)
{
	struct store_filter proj = { { "ACME", "beta" }, 2, { NULL }, 0 };
	struct store_filter tags = { { NULL }, 0, { "client", "X" }, 2 };
	struct store_filter both = { { "acme" }, 1, { "client" }, 1 };
	store *st = *state;
	struct export x;
	int64_t n = -1;

	add(st, ALICE, tagged("acme", 500, 600, "client", NULL));   /* #1 */
	add(st, ALICE, tagged("Beta", 100, 200, "client", "x"));    /* #2 */
	add(st, ALICE, tagged("gamma", 300, 400, "x", "client"));   /* #3 */
	add(st, ALICE, tagged("acme", 700, 0, NULL, NULL));         /* #4 */
	add(st, BOB, tagged("acme", 50, 900, "client", "x"));

	x = list_filtered(st, ALICE, 0, 1000, 800, &proj, 0, &n);
	assert_int_equal(n, 3);
	assert_int_equal(x.n, 3);
	assert_int_equal(x.seq[0], 2);
	assert_int_equal(x.ntags[0], 2);
	assert_string_equal(x.owner[0], ALICE);
	assert_int_equal(x.seq[1], 1);
	assert_int_equal(x.seq[2], 4);

	x = list_filtered(st, ALICE, 0, 1000, 800, &tags, 0, &n);
	assert_int_equal(n, 2);
	assert_int_equal(x.seq[0], 2);
	assert_int_equal(x.seq[1], 3);

	/* The total counts what the filter lets through, past the limit. */
	x = list_filtered(st, ALICE, 0, 1000, 800, &both, 0, &n);
	assert_int_equal(n, 1);
	assert_int_equal(x.seq[0], 1);
	x = list_filtered(st, ALICE, 0, 1000, 800, &proj, 1, &n);
	assert_int_equal(x.n, 1);
	assert_int_equal(n, 3);

	/* No filter: as store_list. */
	x = list_filtered(st, ALICE, 0, 1000, 800, NULL, 0, &n);
	assert_int_equal(n, 4);
	x = list_filtered(st, "carol@example.org", 0, 1000, 800, NULL, 0, &n);
	assert_int_equal(x.n, 0);
	assert_int_equal(n, 0);
	proj.nprojects = 9;
	assert_int_equal(store_list_filtered(st, ALICE, 0, 1000, 800, &proj, 0,
	                                     collect_export, &x, &n),
	                 STORE_ERR);
	assert_int_equal(n, 0);
}

static void store_list_filtered__lists_every_user__when_owner_null(
	void **state)
{
	struct store_filter f = { { "acme" }, 1, { NULL }, 0 };
	store *st = *state;
	struct export x;
	int64_t n = -1;

	add(st, ALICE, tagged("acme", 500, 600, "client", NULL));   /* A#1 */
	add(st, BOB, entry("acme", 100, 200));                      /* B#1 */
	add(st, ALICE, entry("beta", 300, 400));                    /* A#2 */
	add(st, BOB, entry("ACME", 500, 0));                        /* B#2 */
	add(st, "carol@example.org", entry("old", 10, 20));         /* out */
	add(st, ALICE, entry("acme", 50, 90));                      /* out */

	x = list_filtered(st, NULL, 100, 1000, 800, NULL, 0, &n);
	assert_int_equal(n, 4);
	assert_int_equal(x.n, 4);
	/* Oldest first; at the same start, by owner. */
	assert_string_equal(x.owner[0], BOB);
	assert_int_equal(x.seq[0], 1);
	assert_string_equal(x.owner[1], ALICE);
	assert_int_equal(x.seq[1], 2);
	assert_string_equal(x.owner[2], ALICE);
	assert_int_equal(x.seq[2], 1);
	assert_int_equal(x.ntags[2], 1);
	assert_string_equal(x.owner[3], BOB);
	assert_int_equal(x.seq[3], 2);

	x = list_filtered(st, NULL, 100, 1000, 800, &f, 2, &n);
	assert_int_equal(n, 3);
	assert_int_equal(x.n, 2);
	assert_string_equal(x.owner[0], BOB);
	assert_string_equal(x.owner[1], ALICE);
	assert_int_equal(x.start[1], 500);

	/* store_list still wants an owner. */
	assert_int_equal(store_list(st, NULL, 0, 1000, 800, 0, NULL, NULL,
	                            &n), STORE_ERR);
}

static void store_list_filtered__merges_users_by_start__when_owner_null(
	void **state)
{
	struct store_filter a = { { "a" }, 1, { NULL }, 0 };
	static const char *const owner[] = { BOB, ALICE, BOB, CAROL, ALICE,
		CAROL };
	static const int64_t seq[] = { 1, 1, 2, 1, 2, 2 };
	store *st = *state;
	struct export x;
	int64_t n = -1;
	int i;

	add(st, BOB, entry("z", 50, 0));                /* B#1, runs */
	add(st, ALICE, entry("a", 100, 200));           /* A#1 */
	add(st, BOB, entry("a", 100, 120));             /* B#2 */
	add(st, CAROL, entry("z", 100, 110));           /* C#1 */
	add(st, ALICE, entry("z", 150, 0));             /* A#2, runs */
	add(st, CAROL, entry("a", 300, 400));           /* C#2 */

	/* By start, then owner, then number, the running ones among
	 * them. */
	x = list_filtered(st, NULL, 0, 1000, 800, NULL, 0, &n);
	assert_int_equal(n, 6);
	assert_int_equal(x.n, 6);
	for (i = 0; i < 6; i++) {
		assert_string_equal(x.owner[i], owner[i]);
		assert_int_equal(x.seq[i], seq[i]);
	}
	x = list_filtered(st, NULL, 0, 1000, 800, NULL, 4, &n);
	assert_int_equal(x.n, 4);
	assert_string_equal(x.owner[3], CAROL);
	assert_int_equal(n, 6);

	/* Filtered and cut: the count takes the filter too. */
	x = list_filtered(st, NULL, 0, 1000, 800, &a, 1, &n);
	assert_int_equal(x.n, 1);
	assert_string_equal(x.owner[0], ALICE);
	assert_int_equal(n, 3);
	x = list_filtered(st, NULL, 0, 1000, 800, &a, 0, &n);
	assert_int_equal(x.n, 3);
	assert_string_equal(x.owner[2], CAROL);
	assert_int_equal(n, 3);
}

static void store_list_filtered__finds_old_long_entry__when_history_large(
	void **state)
{
	struct store_filter odd = { { NULL }, 0, { "odd" }, 1 };
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
	assert_int_equal(db_int(st->db, "SELECT count(*) FROM users"), users);
	assert_int_equal(db_int(st->db, "SELECT count(*) FROM entries"),
	                 entries);
	/* A change records its key as version 5 does, numbered from 1. */
	set_key(st, ALICE, K("o:after"));
	add(st, ALICE, entry("acme", 3000, 3100));
	set_key(st, NULL, NULL);
	assert_int_equal(seen(st, ALICE, K("o:after"), NULL, 0), STORE_OK);
	assert_int_equal(db_int(st->db, "SELECT n FROM handled_messages"), 1);
	assert_int_equal(store_check(st), STORE_OK);
	store_close(st);
}

/* --- who has time in a range, of every user --- */

/* What store_active passed, in order. */
struct active {
	int n;
	char owner[8][64];
	int64_t secs[8];
	int running[8];
};

static void collect_active(const char *owner, int64_t secs, int running,
                           void *arg)
{
	struct active *a = arg;

	if (a->n < 8) {
		snprintf(a->owner[a->n], sizeof a->owner[0], "%s", owner);
		a->secs[a->n] = secs;
		a->running[a->n] = running;
	}
	a->n++;
}

static struct active active(store *st, int64_t from, int64_t to,
                            int64_t now, size_t limit, int64_t *total)
{
	struct active a;

	memset(&a, 0, sizeof a);
	if (store_active(st, from, to, now, limit, collect_active, &a,
	                 total) != STORE_OK)
		fail_msg("active: %s", store_errmsg(st));
	assert_true(a.n <= 8);
	return a;
}

static void store_active__sums_each_user__when_entries_overlap(
	void **state)
{
	store *st = *state;
	struct active a;
	int64_t n = -1;

	add(st, ALICE, entry("a", 100, 400));   /* 200 s inside */
	add(st, ALICE, entry("b", 900, 1200));  /* 100 s inside */
	add(st, BOB, entry("x", 100, 150));     /* before: out */
	add(st, BOB, entry("x", 450, 0));       /* running: 350 s to now */
	add(st, "carol@example.org", entry("old", 10, 200)); /* ends at from */
	add(st, "dave@example.org", entry("new", 1000, 1100)); /* starts at to */
	/* A running entry that starts after now counts nothing, but runs. */
	add(st, "eve@example.org", entry("soon", 900, 0));

	a = active(st, 200, 1000, 800, 0, &n);
	assert_int_equal(n, 3);
	assert_int_equal(a.n, 3);
	assert_string_equal(a.owner[0], BOB);
	assert_int_equal(a.secs[0], 350);
	assert_int_equal(a.running[0], 1);
	assert_string_equal(a.owner[1], ALICE);
	assert_int_equal(a.secs[1], 300);
	assert_int_equal(a.running[1], 0);
	assert_string_equal(a.owner[2], "eve@example.org");
	assert_int_equal(a.secs[2], 0);
	assert_int_equal(a.running[2], 1);

	/* The limit cuts the list, not the count. */
	a = active(st, 200, 1000, 800, 2, &n);
	assert_int_equal(a.n, 2);
	assert_int_equal(n, 3);
	assert_string_equal(a.owner[1], ALICE);

	/* Equal seconds: by JID. */
	a = active(st, 1000, 1100, 1050, 0, &n);
	assert_int_equal(n, 4);
	assert_string_equal(a.owner[0], ALICE);
	assert_int_equal(a.secs[0], 100);
	assert_string_equal(a.owner[1], "dave@example.org");
	assert_int_equal(a.secs[1], 100);
	assert_string_equal(a.owner[2], BOB);
	assert_int_equal(a.secs[2], 50);
	assert_string_equal(a.owner[3], "eve@example.org");
	assert_int_equal(a.secs[3], 50);

	/* Nobody: no call, and a total of 0. */
	a = active(st, 5000, 6000, 800, 0, &n);
	assert_int_equal(a.n, 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_active(st, 5000, 6000, 800, 0, NULL, NULL, NULL),
	                 STORE_OK);
}

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

/* What store_report passed, in order (the first REPORT_ROWS rows). */
#define REPORT_ROWS 40
struct report {
	int n;
	int bucket[REPORT_ROWS];
	char key[REPORT_ROWS][STORE_PROJECT_MAX + 1];
	int64_t secs[REPORT_ROWS];
};

static void collect_report(int bucket, const char *key, int64_t secs,
                           void *arg)
{
	struct report *r = arg;

	if (r->n < REPORT_ROWS) {
		r->bucket[r->n] = bucket;
		snprintf(r->key[r->n], sizeof r->key[0], "%s", key);
		r->secs[r->n] = secs;
	}
	r->n++;
}

static struct report report(store *st, const char *owner,
                            const int64_t *bounds, int nbounds, int64_t now,
                            enum store_group by, const struct store_filter *f)
{
	struct report r;

	memset(&r, 0, sizeof r);
	if (store_report(st, owner, bounds, nbounds, now, by, f,
	                 collect_report, &r) != STORE_OK)
		fail_msg("report: %s", store_errmsg(st));
	assert_true(r.n <= REPORT_ROWS);
	return r;
}

/* Row i of r is (bucket, key, secs). */
static void assert_row(const struct report *r, int i, int bucket,
                       const char *key, int64_t secs)
{
	assert_true(i < r->n);
	if (r->bucket[i] != bucket || strcmp(r->key[i], key) != 0 ||
	    r->secs[i] != secs)
		fail_msg("row %d: got (%d, \"%s\", %" PRId64 "), want (%d, "
		         "\"%s\", %" PRId64 ")", i, r->bucket[i], r->key[i],
		         r->secs[i], bucket, key, secs);
}

static void store_report__splits_entry__across_midnight(void **state)
{
	const int64_t days[] = { D0, D0 + DAY, D0 + 2 * DAY, D0 + 3 * DAY };
	store *st = *state;
	struct report r;

	/* 23:00 to 01:00, then 22:00 on day 1 to 02:00 on day 3. */
	add(st, ALICE, entry("acme", D0 + 23 * H, D0 + DAY + H));
	add(st, ALICE, entry("acme", D0 + DAY + 22 * H, D0 + 3 * DAY + 2 * H));
	r = report(st, ALICE, days, 4, 0, STORE_BY_NONE, NULL);
	assert_int_equal(r.n, 3);
	assert_row(&r, 0, 0, "", H);
	assert_row(&r, 1, 1, "", H + 2 * H);
	assert_row(&r, 2, 2, "", DAY);

	/* One bucket: the parts inside it only. */
	r = report(st, ALICE, days + 1, 2, 0, STORE_BY_PROJECT, NULL);
	assert_int_equal(r.n, 1);
	assert_row(&r, 0, 0, "acme", 3 * H);
}

static void store_report__counts_running_entry__up_to_now(void **state)
{
	const int64_t days[] = { D0, D0 + DAY, D0 + 2 * DAY };
	store *st = *state;
	struct report r;

	add(st, ALICE, entry("done", D0 + 8 * H, D0 + 9 * H));
	add(st, ALICE, entry("runs", D0 + 22 * H, 0));
	/* Now is 02:30 on day 1: 2h on day 0, 2h30 on day 1. */
	r = report(st, ALICE, days, 3, D0 + DAY + 2 * H + 1800,
	           STORE_BY_PROJECT, NULL);
	assert_int_equal(r.n, 3);
	assert_row(&r, 0, 0, "runs", 2 * H);
	assert_row(&r, 1, 0, "done", H);
	assert_row(&r, 2, 1, "runs", 2 * H + 1800);

	/* Now before the running entry's start: it counts nothing, and
	 * takes nothing from the others in its bucket. */
	r = report(st, ALICE, days, 3, D0 + 10 * H, STORE_BY_NONE, NULL);
	assert_int_equal(r.n, 1);
	assert_row(&r, 0, 0, "", H);
}

static void store_report__groups_case_insensitively__under_earliest_spelling(
	void **state)
{
	const int64_t days[] = { D0, D0 + DAY, D0 + 2 * DAY };
	store *st = *state;
	struct report r;

	add(st, ALICE, entry("ACME", D0 + DAY + 9 * H, D0 + DAY + 10 * H));
	add(st, ALICE, entry("Acme", D0 + 9 * H, D0 + 10 * H)); /* earliest */
	add(st, ALICE, entry("acme", D0 + 11 * H, D0 + 12 * H));
	add(st, ALICE, entry("beta", D0 + 13 * H, D0 + 15 * H));
	add(st, ALICE, entry("Zed", D0 + DAY + 13 * H, D0 + DAY + 14 * H));
	r = report(st, ALICE, days, 3, 0, STORE_BY_PROJECT, NULL);
	assert_int_equal(r.n, 4);
	/* Bucket, then seconds (largest first), then name (case aside). */
	assert_row(&r, 0, 0, "Acme", 2 * H);
	assert_row(&r, 1, 0, "beta", 2 * H);
	/* Day 1 has only "ACME" and "Zed": still "Acme", as in day 0. */
	assert_row(&r, 2, 1, "Acme", H);
	assert_row(&r, 3, 1, "Zed", H);
}

static void store_report__counts_each_tag_and_untagged_as_empty__when_by_tag(
	void **state)
{
	const int64_t day[] = { D0, D0 + DAY };
	store *st = *state;
	struct report r;

	add(st, ALICE, tagged("acme", D0 + 8 * H, D0 + 10 * H, "client", "x"));
	add(st, ALICE, tagged("acme", D0 + 11 * H, D0 + 12 * H, "Client",
	                      NULL));
	add(st, ALICE, tagged("home", D0 + 13 * H, D0 + 16 * H, NULL, NULL));
	/* "y" and "Y" on one entry are one tag: its time counts once. */
	add(st, ALICE, tagged("beta", D0 + 17 * H, D0 + 17 * H + 1800, "y",
	                      "Y"));
	r = report(st, ALICE, day, 2, 0, STORE_BY_TAG, NULL);
	assert_int_equal(r.n, 4);
	/* The untagged entry under "", which sorts before any tag. */
	assert_row(&r, 0, 0, "", 3 * H);
	assert_row(&r, 1, 0, "client", 3 * H); /* earliest spelling */
	assert_row(&r, 2, 0, "x", 2 * H);
	/* "y" or "Y": both are in the earliest entry. */
	assert_int_equal(r.bucket[3], 0);
	assert_true(strcmp(r.key[3], "y") == 0 || strcmp(r.key[3], "Y") == 0);
	assert_int_equal(r.secs[3], 1800);

	/* By none, each entry's time once; untagged ones too. */
	r = report(st, ALICE, day, 2, 0, STORE_BY_NONE, NULL);
	assert_int_equal(r.n, 1);
	assert_row(&r, 0, 0, "", 6 * H + 1800);
}

static void store_report__filters_projects__any_of_them_in_any_case(
	void **state)
{
	const int64_t day[] = { D0, D0 + DAY };
	struct store_filter one = { { "ACME" }, 1, { NULL }, 0 };
	struct store_filter two = { { "acme", "Beta" }, 2, { NULL }, 0 };
	struct store_filter none = { { "nope" }, 1, { NULL }, 0 };
	store *st = *state;
	struct report r;

	add(st, ALICE, entry("Acme", D0 + 8 * H, D0 + 9 * H));
	add(st, ALICE, entry("beta", D0 + 10 * H, D0 + 12 * H));
	add(st, ALICE, entry("gamma", D0 + 13 * H, D0 + 16 * H));
	r = report(st, ALICE, day, 2, 0, STORE_BY_PROJECT, &one);
	assert_int_equal(r.n, 1);
	assert_row(&r, 0, 0, "Acme", H);
	r = report(st, ALICE, day, 2, 0, STORE_BY_PROJECT, &two);
	assert_int_equal(r.n, 2);
	assert_row(&r, 0, 0, "beta", 2 * H);
	assert_row(&r, 1, 0, "Acme", H);
	r = report(st, ALICE, day, 2, 0, STORE_BY_NONE, &two);
	assert_int_equal(r.n, 1);
	assert_row(&r, 0, 0, "", 3 * H);
	r = report(st, ALICE, day, 2, 0, STORE_BY_NONE, &none);
	assert_int_equal(r.n, 0);
}

static void store_report__filters_tags__all_of_them(void **state)
{
	const int64_t day[] = { D0, D0 + DAY };
	struct store_filter one = { { NULL }, 0, { "client" }, 1 };
	struct store_filter two = { { NULL }, 0, { "CLIENT", "urgent" }, 2 };
	store *st = *state;
	struct report r;

	add(st, ALICE, tagged("a", D0 + 1 * H, D0 + 2 * H, "client", NULL));
	add(st, ALICE, tagged("b", D0 + 3 * H, D0 + 5 * H, "Client",
	                      "urgent"));
	add(st, ALICE, tagged("c", D0 + 6 * H, D0 + 9 * H, "urgent", NULL));
	add(st, ALICE, tagged("d", D0 + 10 * H, D0 + 14 * H, NULL, NULL));
	r = report(st, ALICE, day, 2, 0, STORE_BY_PROJECT, &one);
	assert_int_equal(r.n, 2);
	assert_row(&r, 0, 0, "b", 2 * H);
	assert_row(&r, 1, 0, "a", H);
	/* Both tags: only "b". Grouped by tag, it counts under each of its
	 * tags, the filter's or not. */
	r = report(st, ALICE, day, 2, 0, STORE_BY_TAG, &two);
	assert_int_equal(r.n, 2);
	assert_row(&r, 0, 0, "Client", 2 * H);
	assert_row(&r, 1, 0, "urgent", 2 * H);
}

static void store_report__filters_project_and_tag__when_both_given(
	void **state)
{
	const int64_t day[] = { D0, D0 + DAY };
	struct store_filter f = { { "acme", "beta" }, 2, { "client" }, 1 };
	store *st = *state;
	struct report r;

	add(st, ALICE, tagged("acme", D0 + 1 * H, D0 + 2 * H, "client", NULL));
	add(st, ALICE, tagged("acme", D0 + 3 * H, D0 + 5 * H, NULL, NULL));
	add(st, ALICE, tagged("beta", D0 + 6 * H, D0 + 9 * H, "client", "x"));
	add(st, ALICE, tagged("gamma", D0 + 10 * H, D0 + 14 * H, "client",
	                      NULL));
	r = report(st, ALICE, day, 2, 0, STORE_BY_PROJECT, &f);
	assert_int_equal(r.n, 2);
	assert_row(&r, 0, 0, "beta", 3 * H);
	assert_row(&r, 1, 0, "acme", H);
}

static void store_report__reports_nothing__when_no_time(void **state)
{
	const int64_t day[] = { D0, D0 + DAY };
	const int64_t later[] = { D0 + 5 * DAY, D0 + 6 * DAY };
	store *st = *state;
	struct report r;

	/* An owner who never wrote, and one with no time in the range. */
	r = report(st, ALICE, day, 2, D0, STORE_BY_PROJECT, NULL);
	assert_int_equal(r.n, 0);
	add(st, ALICE, entry("acme", D0 + H, D0 + 2 * H));
	add(st, ALICE, entry("zero", D0 + 3 * H, D0 + 3 * H));
	r = report(st, ALICE, later, 2, D0 + 7 * DAY, STORE_BY_TAG, NULL);
	assert_int_equal(r.n, 0);
	/* A zero-length entry reports nothing either. */
	r = report(st, ALICE, day, 2, 0, STORE_BY_PROJECT, NULL);
	assert_int_equal(r.n, 1);
	assert_row(&r, 0, 0, "acme", H);
	/* No callback is fine. */
	assert_int_equal(store_report(st, ALICE, day, 2, 0, STORE_BY_NONE,
	                              NULL, NULL, NULL), STORE_OK);
}

static void store_report__sees_own_rows_only__when_two_users(void **state)
{
	const int64_t day[] = { D0, D0 + DAY };
	store *st = *state;
	struct report r;

	add(st, BOB, tagged("acme", D0 + H, D0 + 5 * H, "client", NULL));
	add(st, BOB, entry("bob-runs", D0 + 6 * H, 0));
	add(st, ALICE, tagged("acme", D0 + 2 * H, D0 + 3 * H, "client", NULL));
	r = report(st, ALICE, day, 2, D0 + 10 * H, STORE_BY_TAG, NULL);
	assert_int_equal(r.n, 1);
	assert_row(&r, 0, 0, "client", H);
	r = report(st, ALICE, day, 2, D0 + 10 * H, STORE_BY_PROJECT, NULL);
	assert_int_equal(r.n, 1);
	assert_row(&r, 0, 0, "acme", H);
	r = report(st, "carol@example.org", day, 2, D0 + 10 * H,
	           STORE_BY_NONE, NULL);
	assert_int_equal(r.n, 0);
}

static void store_report__refuses__when_bounds_wrong(void **state)
{
	static int64_t bounds[STORE_BUCKETS_MAX + 2];
	struct report r;
	store *st = *state;
	int i;

	for (i = 0; i < STORE_BUCKETS_MAX + 2; i++)
		bounds[i] = D0 + i * DAY;
	add(st, ALICE, entry("acme", D0 + H, D0 + 2 * H));
	add(st, ALICE, entry("acme", D0 + (STORE_BUCKETS_MAX - 1) * DAY + H,
	                     D0 + (STORE_BUCKETS_MAX - 1) * DAY + 3 * H));

	/* 1 to STORE_BUCKETS_MAX buckets. */
	r = report(st, ALICE, bounds, STORE_BUCKETS_MAX + 1, 0,
	           STORE_BY_PROJECT, NULL);
	assert_int_equal(r.n, 2);
	assert_row(&r, 0, 0, "acme", H);
	assert_row(&r, 1, STORE_BUCKETS_MAX - 1, "acme", 2 * H);
	assert_int_equal(store_report(st, ALICE, bounds, STORE_BUCKETS_MAX + 2,
	                              0, STORE_BY_PROJECT, NULL, collect_report,
	                              &r), STORE_ERR);
	assert_non_null(strstr(store_errmsg(st), "report: 369 bounds"));
	assert_int_equal(store_report(st, ALICE, bounds, 1, 0, STORE_BY_NONE,
	                              NULL, collect_report, &r), STORE_ERR);
	assert_int_equal(store_report(st, ALICE, bounds, 0, 0, STORE_BY_NONE,
	                              NULL, collect_report, &r), STORE_ERR);
	assert_int_equal(store_report(st, ALICE, bounds, -1, 0, STORE_BY_NONE,
	                              NULL, collect_report, &r), STORE_ERR);
	assert_int_equal(store_report(st, ALICE, NULL, 2, 0, STORE_BY_NONE,
	                              NULL, collect_report, &r), STORE_ERR);
	/* Bounds must not go back. */
	bounds[2] = bounds[1] - 1;
	assert_int_equal(store_report(st, ALICE, bounds, 4, 0, STORE_BY_NONE,
	                              NULL, collect_report, &r), STORE_ERR);
	assert_non_null(strstr(store_errmsg(st), "bound 2"));
	/* Unknown grouping. */
	assert_int_equal(store_report(st, ALICE, bounds, 2, 0,
	                              (enum store_group)7, NULL,
	                              collect_report, &r), STORE_ERR);
	/* The refusals come before the owner is looked up: the same for one
	 * who never wrote. */
	assert_int_equal(store_report(st, BOB, bounds, 1, 0, STORE_BY_NONE,
	                              NULL, collect_report, &r), STORE_ERR);
}

static void store_report__skips_empty_bucket__when_bounds_equal(
	void **state)
{
	/* Bucket 1 is [D0 + DAY, D0 + DAY): no time fits in it. */
	const int64_t bounds[] = { D0, D0 + DAY, D0 + DAY, D0 + 2 * DAY };
	store *st = *state;
	struct report r;

	add(st, ALICE, entry("acme", D0 + 23 * H, D0 + DAY + H));
	add(st, ALICE, entry("edge", D0 + DAY, D0 + DAY));
	r = report(st, ALICE, bounds, 4, 0, STORE_BY_PROJECT, NULL);
	assert_int_equal(r.n, 2);
	assert_row(&r, 0, 0, "acme", H);
	assert_row(&r, 1, 2, "acme", H);
	/* Nothing but empty buckets. */
	r = report(st, ALICE, bounds + 1, 2, 0, STORE_BY_NONE, NULL);
	assert_int_equal(r.n, 0);
}

static void store_report__refuses__when_filter_over_limits(void **state)
{
	const int64_t day[] = { D0, D0 + DAY };
	struct store_filter f = { { "a", "b", "c", "d", "e", "f", "g", "h" }, 8,
		                  { "1", "2", "3", "4", "5", "6", "7", "8" },
		                  8 };
	store *st = *state;
	struct report r;

	add(st, ALICE, tagged("h", D0 + H, D0 + 2 * H, "8", NULL));
	/* Eight of each is the most: nothing has all eight tags. */
	r = report(st, ALICE, day, 2, 0, STORE_BY_NONE, &f);
	assert_int_equal(r.n, 0);
	f.ntags = 1;
	f.tags[0] = "8";
	r = report(st, ALICE, day, 2, 0, STORE_BY_NONE, &f);
	assert_int_equal(r.n, 1);

	f.nprojects = STORE_FILTER_MAX + 1;
	assert_int_equal(store_report(st, ALICE, day, 2, 0, STORE_BY_NONE, &f,
	                              collect_report, &r), STORE_ERR);
	assert_non_null(strstr(store_errmsg(st), "at most 8"));
	f.nprojects = -1;
	assert_int_equal(store_report(st, ALICE, day, 2, 0, STORE_BY_NONE, &f,
	                              collect_report, &r), STORE_ERR);
	f.nprojects = 1;
	f.ntags = 2;
	f.tags[1] = NULL;
	assert_int_equal(store_report(st, ALICE, day, 2, 0, STORE_BY_NONE, &f,
	                              collect_report, &r), STORE_ERR);
	assert_non_null(strstr(store_errmsg(st), "filter tag 1 is NULL"));
	/* A name longer than any stored one matches none. */
	f.ntags = 0;
	f.projects[0] = "hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh"
	                "hhhhhhhhhhhh";
	r = report(st, ALICE, day, 2, 0, STORE_BY_NONE, &f);
	assert_int_equal(r.n, 0);
}

static void store_report__finds_old_long_entry__when_history_large(
	void **state)
{
	const int64_t from = 50000 * H;
	int64_t days[32];
	struct store_filter odd = { { NULL }, 0, { "odd" }, 1 };
	struct store_filter p3 = { { "P3" }, 1, { NULL }, 0 };
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

/* Through the store: names that are not UTF-8 are kept, group by their
 * bytes (ASCII case aside) and come back the same each time. */
static void store_totals__groups_invalid_utf8_by_bytes__when_names_not_utf8(
	void **state)
{
	store *st = *state;
	struct totals t;
	int i;

	add(st, ALICE, entry("x\xc3", 100, 200));
	add(st, ALICE, entry("X\xc3", 300, 350));
	add(st, ALICE, entry("x\xc3\xa4", 400, 430)); /* "xä" */
	add(st, ALICE, entry("X\xc3\x84", 500, 520)); /* "XÄ" */
	add(st, ALICE, entry("\xff\xfe", 600, 610));
	for (i = 0; i < 2; i++) {
		t = totals(st, ALICE, 0, 1000, 1000);
		assert_int_equal(t.n, 3);
		assert_string_equal(t.project[0], "x\xc3");
		assert_int_equal(t.secs[0], 150);
		assert_string_equal(t.project[1], "x\xc3\xa4");
		assert_int_equal(t.secs[1], 50);
		assert_string_equal(t.project[2], "\xff\xfe");
	}
	assert_int_equal(store_check(st), STORE_OK);
}

static void store_totals__groups_unicode_case__under_earliest_spelling(
	void **state)
{
	const int64_t day[] = { 0, DAY };
	store *st = *state;
	struct totals t;
	struct report r;

	add(st, ALICE, entry("ärger", 100, 200));
	add(st, ALICE, entry("ÄRGER", 50, 60)); /* earliest */
	add(st, ALICE, entry("Ärger", 300, 400));
	add(st, ALICE, entry("жук", 500, 800));
	add(st, ALICE, entry("ЖУК", 900, 1000));
	/* "ß" to "ss" is no one-to-one fold: two projects. */
	add(st, ALICE, entry("Straße", 1000, 1005));
	add(st, ALICE, entry("STRASSE", 1005, 1008));

	t = totals(st, ALICE, 0, 2000, 2000);
	assert_int_equal(t.n, 4);
	assert_string_equal(t.project[0], "жук");
	assert_int_equal(t.secs[0], 400);
	assert_string_equal(t.project[1], "ÄRGER");
	assert_int_equal(t.secs[1], 210);
	assert_string_equal(t.project[2], "Straße");
	assert_string_equal(t.project[3], "STRASSE");

	/* The same groups in "projects" and in a report; a range without
	 * the earliest "ÄRGER" is spelled as its own earliest. */
	t = names(st, ALICE, 0, 0, 2000, 2000);
	assert_int_equal(t.n, 4);
	assert_string_equal(t.project[1], "ÄRGER");
	t = totals(st, ALICE, 90, 2000, 2000);
	assert_string_equal(t.project[1], "ärger");
	assert_int_equal(t.secs[1], 200);
	r = report(st, ALICE, day, 2, 2000, STORE_BY_PROJECT, NULL);
	assert_int_equal(r.n, 4);
	assert_row(&r, 0, 0, "жук", 400);
	assert_row(&r, 1, 0, "ÄRGER", 210);
}

static void store_tags__groups_unicode_case__under_earliest_spelling(
	void **state)
{
	const int64_t day[] = { 0, DAY };
	store *st = *state;
	struct totals t;
	struct report r;

	add(st, ALICE, tagged("p", 100, 200, "Über", NULL));
	add(st, ALICE, tagged("p", 10, 20, "über", "σχέδιο")); /* earliest */
	add(st, ALICE, tagged("p", 300, 400, "ÜBER", "ΣΧΈΔΙΟ"));
	/* Two spellings on one entry: its time counts once for the name. */
	add(st, ALICE, tagged("p", 500, 600, "über", "Über"));
	t = names(st, ALICE, 1, 0, 1000, 1000);
	assert_int_equal(t.n, 2);
	assert_string_equal(t.project[0], "über");
	assert_int_equal(t.secs[0], 310);
	assert_string_equal(t.project[1], "σχέδιο");
	assert_int_equal(t.secs[1], 110);
	r = report(st, ALICE, day, 2, 1000, STORE_BY_TAG, NULL);
	assert_int_equal(r.n, 2);
	assert_row(&r, 0, 0, "über", 310);
	assert_row(&r, 1, 0, "σχέδιο", 110);
}

/*
 * Filters find names in any case, Unicode's too: a project of the list
 * (reports and exports alike), and each tag of the list ("+design" finds
 * "Design").
 */
static void store_report__filters_any_case__when_names_not_ascii(
	void **state)
{
	const int64_t day[] = { D0, D0 + DAY };
	struct store_filter arger = { { "äRGER" }, 1, { NULL }, 0 };
	struct store_filter three = { { "ΣΧΈΔΙΟ", "ЖУК", "ΛΟΓΟΣ" }, 3,
		                      { NULL }, 0 };
	struct store_filter design = { { NULL }, 0, { "design" }, 1 };
	struct store_filter uber = { { NULL }, 0, { "über", "DESIGN" }, 2 };
	struct store_filter none = { { "ärgernis" }, 1, { NULL }, 0 };
	store *st = *state;
	struct export x;
	struct report r;
	int64_t n = -1;

	add(st, ALICE, tagged("Ärger", D0 + 1 * H, D0 + 2 * H, "Design",
	                      NULL));
	add(st, ALICE, tagged("σχέδιο", D0 + 3 * H, D0 + 5 * H, "ÜBER",
	                      "design"));
	add(st, ALICE, entry("Жук", D0 + 6 * H, D0 + 9 * H));
	add(st, ALICE, entry("λογος", D0 + 10 * H, D0 + 14 * H)); /* final ς */
	add(st, ALICE, entry("other", D0 + 15 * H, D0 + 20 * H));

	r = report(st, ALICE, day, 2, 0, STORE_BY_PROJECT, &arger);
	assert_int_equal(r.n, 1);
	assert_row(&r, 0, 0, "Ärger", H);
	r = report(st, ALICE, day, 2, 0, STORE_BY_PROJECT, &three);
	assert_int_equal(r.n, 3);
	assert_row(&r, 0, 0, "λογος", 4 * H);
	assert_row(&r, 1, 0, "Жук", 3 * H);
	assert_row(&r, 2, 0, "σχέδιο", 2 * H);
	r = report(st, ALICE, day, 2, 0, STORE_BY_PROJECT, &none);
	assert_int_equal(r.n, 0);

	r = report(st, ALICE, day, 2, 0, STORE_BY_PROJECT, &design);
	assert_int_equal(r.n, 2);
	assert_row(&r, 0, 0, "σχέδιο", 2 * H);
	assert_row(&r, 1, 0, "Ärger", H);
	/* Grouped by tag, the stored spellings stay; equal times sort by
	 * name, case aside ("d" before "ü"). */
	r = report(st, ALICE, day, 2, 0, STORE_BY_TAG, &uber);
	assert_int_equal(r.n, 2);
	assert_row(&r, 0, 0, "design", 2 * H);
	assert_row(&r, 1, 0, "ÜBER", 2 * H);

	/* Exports filter the same way. */
	x = list_filtered(st, ALICE, D0, D0 + DAY, 0, &arger, 0, &n);
	assert_int_equal(n, 1);
	assert_int_equal(x.seq[0], 1);
	x = list_filtered(st, ALICE, D0, D0 + DAY, 0, &design, 0, &n);
	assert_int_equal(n, 2);
	assert_int_equal(x.seq[0], 1);
	assert_int_equal(x.seq[1], 2);
	x = list_filtered(st, NULL, D0, D0 + DAY, 0, &three, 0, &n);
	assert_int_equal(n, 3);
}

static void store_rename_project__renames_any_case__when_name_not_ascii(
	void **state)
{
	store *st = *state;
	struct totals t;
	int64_t n = -1;

	add(st, ALICE, entry("ärger", 10, 20));     /* #1 */
	add(st, ALICE, entry("Ärger", 30, 40));     /* #2 */
	add(st, ALICE, entry("Ärgernis", 50, 60));  /* #3: another name */
	add(st, ALICE, entry("ÄRGER", 70, 0));      /* #4, running */
	add(st, BOB, entry("ärger", 10, 20));

	change(st, ALICE, "rename ÄRGER");
	assert_int_equal(store_rename_project(st, ALICE, "ÄRGER", "Zorn", &n),
	                 STORE_OK);
	commit(st);
	assert_int_equal(n, 3);
	assert_string_equal(get(st, ALICE, 1).project, "Zorn");
	assert_string_equal(get(st, ALICE, 2).project, "Zorn");
	assert_string_equal(get(st, ALICE, 3).project, "Ärgernis");
	assert_string_equal(get(st, ALICE, 4).project, "Zorn");
	assert_string_equal(get(st, BOB, 1).project, "ärger");
	assert_int_equal(store_rename_project(st, ALICE, "äRGER", "x", &n),
	                 STORE_NOTFOUND);

	/* Undo finds the same entries (its images match in any case too)
	 * and puts every spelling back. */
	undo(st, ALICE, "rename ÄRGER");
	assert_string_equal(get(st, ALICE, 1).project, "ärger");
	assert_string_equal(get(st, ALICE, 2).project, "Ärger");
	assert_string_equal(get(st, ALICE, 4).project, "ÄRGER");
	assert_int_equal(get(st, ALICE, 4).stop, 0);

	/* Σ, σ and ς are one letter. */
	add(st, ALICE, entry("λογος", 100, 200));   /* #5 */
	assert_int_equal(store_rename_project(st, ALICE, "ΛΟΓΟΣ", "Λόγος", &n),
	                 STORE_OK);
	assert_int_equal(n, 1);
	t = names(st, ALICE, 0, 0, 1000, 1000);
	assert_int_equal(t.n, 3);
	assert_string_equal(t.project[0], "ärger");
	assert_string_equal(t.project[1], "Λόγος");
	assert_string_equal(t.project[2], "Ärgernis");
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

/* Whether the file name exists in the temp directory. */
static int exists(const char *name)
{
	char path[512];

	tmp_path(path, sizeof path, name);
	return access(path, F_OK) == 0;
}

/* Expects store_open_readonly on name to fail saying want. */
static void refused_readonly(const char *name, const char *want)
{
	char path[512], err[512] = "";
	store *st = NULL;

	tmp_path(path, sizeof path, name);
	assert_int_equal(store_open_readonly(path, &st, err, sizeof err),
	                 STORE_ERR);
	assert_null(st);
	if (strstr(err, want) == NULL || strstr(err, path) == NULL)
		fail_msg("%s: got \"%s\", want \"%s\"", name, err, want);
}

/* Adds alice's entries #1 to #3 (#3 runs) and bob's #1 to st. */
static void add_three(store *st)
{
	add(st, ALICE, tagged("acme", D0 + H, D0 + 2 * H, "client", NULL));
	add(st, ALICE, entry("beta", D0 + 3 * H, D0 + 5 * H));
	add(st, ALICE, entry("runs", D0 + 6 * H, 0));
	add(st, BOB, entry("bob", D0 + H, D0 + 9 * H));
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

static void store_open_readonly__refuses__when_file_missing(void **state)
{
	char err[512] = "";
	store *st = NULL;

	(void)state;
	refused_readonly("missing.db", "No such file or directory");
	assert_false(exists("missing.db"));
	refused_readonly("no/such/dir/timmy.db", "No such file or directory");
	/* The temp directory itself. */
	refused_readonly("", "not a regular file");
	assert_int_equal(store_open_readonly(NULL, &st, err, sizeof err),
	                 STORE_ERR);
	assert_string_equal(err, "no database path");
	assert_int_equal(store_open_readonly("", &st, err, sizeof err),
	                 STORE_ERR);
	assert_null(st);
}

static void store_open_readonly__refuses__when_not_this_schema_version(
	void **state)
{
	char path[512], want[128], sql[128];
	FILE *f;

	(void)state;
	tmp_path(path, sizeof path, "ro-garbage.db");
	raw_exec("ro-newer.db", "CREATE TABLE later (x INTEGER);"
	                        " PRAGMA user_version = 7;");
	snprintf(want, sizeof want, "database schema version 7 is newer than "
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

/*
 * A process that reads name's database as someone who may not write in
 * the temp directory: the tests' own user when it is not root, else
 * nobody (65534). Forked before the test opens the file, so that it
 * shares no SQLite state; it waits until reader_count.
 */
struct reader {
	pid_t pid;
	int go, out;
};

static void reader_start(struct reader *r, const char *name)
{
	char path[512], err[512];
	int go[2], out[2];
	int64_t n = -1;
	store *st;
	char c;

	tmp_path(path, sizeof path, name);
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(out), 0);
	r->pid = fork();
	assert_true(r->pid >= 0);
	if (r->pid > 0) {
		close(go[0]);
		close(out[1]);
		r->go = go[1];
		r->out = out[0];
		return;
	}
	close(go[1]);
	close(out[0]);
	if (geteuid() == 0 && (setgroups(0, NULL) != 0 || setgid(65534) != 0 ||
	                       setuid(65534) != 0))
		_exit(3);
	if (read(go[0], &c, 1) != 1)
		_exit(4);
	if (store_open_readonly(path, &st, err, sizeof err) != STORE_OK) {
		fprintf(stderr, "reader: %s\n", err);
		_exit(5);
	}
	if (store_count(st, ALICE, &n) != STORE_OK) {
		fprintf(stderr, "reader: %s\n", store_errmsg(st));
		_exit(6);
	}
	store_close(st);
	_exit(write(out[1], &n, sizeof n) == (ssize_t)sizeof n ? 0 : 7);
}

/* Lets r read, with the temp directory closed to writes meanwhile; the
 * number of alice's entries it saw. Skips the test when r could not
 * become another user. */
static int64_t reader_count(struct reader *r)
{
	int64_t n = -1;
	int status;

	assert_int_equal(chmod(tmpdir, 0555), 0);
	assert_int_equal(write(r->go, "x", 1), 1);
	if (read(r->out, &n, sizeof n) != (ssize_t)sizeof n)
		n = -1;
	assert_int_equal(waitpid(r->pid, &status, 0), r->pid);
	assert_int_equal(chmod(tmpdir, 0700), 0);
	close(r->go);
	close(r->out);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 3)
		skip(); /* no right to change user here */
	assert_int_equal(WEXITSTATUS(status), 0);
	return n;
}

static void store_open_readonly__reads__when_directory_not_writable(
	void **state)
{
	struct reader r;
	store *st;

	(void)state;
	st = open_file("ro-dir.db");
	add_three(st);
	store_close(st);

	/* Nobody has it open: no -wal, no -shm, and no right to make the
	 * -shm. The reader reads the file as immutable, creating nothing. */
	reader_start(&r, "ro-dir.db");
	assert_int_equal(reader_count(&r), 3);
	assert_false(exists("ro-dir.db-wal"));
	assert_false(exists("ro-dir.db-shm"));

	/* The bot has it open, with a change only in the -wal: the reader
	 * uses the -wal and -shm it may only read, and sees the change. */
	reader_start(&r, "ro-dir.db");
	st = open_file("ro-dir.db");
	add(st, ALICE, entry("new", D0 + DAY, D0 + DAY + H));
	assert_int_equal(reader_count(&r), 4);
	store_close(st);
}

/* A read-only handle compares names as the daemon's does; the file names
 * no collation of ours, so that SQLite without it reads all of it. */
static void store_open_readonly__groups_any_case__when_names_not_ascii(
	void **state)
{
	struct store_filter f = { { "ÄRGER" }, 1, { NULL }, 0 };
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
			store_explain__uses_indexes__when_totals_planned,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_insert_entry__numbers_per_user__when_users_interleave,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_delete__never_reuses_number_or_id__when_latest_deleted,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_get__returns_entry__when_own,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_get__notfound__when_number_is_another_users,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_last__returns_latest_start__when_added_out_of_order,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_update__rewrites_entry__when_own,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_get__tags_in_one_order__whatever_order_they_were_given,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_update__notfound__when_number_is_another_users,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_update__conflicts__when_rules_broken,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_delete__removes_entry_and_tags__when_own,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_overlap__finds_earliest__when_span_overlaps,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_overlap__free__when_entries_only_touch_edges,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_overlap__counts_running_up_to_now__when_timer_runs,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_list__orders_oldest_first__with_limit_and_total,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_list__takes_entries_crossing_edges__when_range_cuts,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_list__finds_old_long_entry__when_history_large,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_list__orders_running_by_start__when_it_began_first,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_list__holds_no_rows__when_history_large,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_projects__lists_every_name__when_some_have_no_time,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_tags__lists_every_tag__when_some_have_no_time,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_rename_project__renames_any_case__when_names_differ,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_rename_project__notfound__when_no_entry_has_it,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_user_tz__round_trips__when_set_and_cleared,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_undo__deletes_entry__after_insert,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_undo__restores_running_entry__after_stop,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_undo__restores_running_entry__after_start_stopped_it,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_undo__restores_entry__after_update,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_undo__restores_same_number_and_tags__after_delete,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_undo__restores_names__after_rename,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_undo__reverts_latest_first__when_repeated,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_undo__notfound__when_nothing_left,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_undo__leaves_others_alone__when_step_touched_them,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_undo__conflicts__when_restore_breaks_rule,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_undo__refuses__when_transaction_open,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_begin_change__drops_oldest__when_over_undo_max,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_begin_change__cuts_label__when_too_long,
			open_memory, close_store),
		cmocka_unit_test(store_undo__survives_reopen__when_file_database),
		cmocka_unit_test_setup_teardown(
			store_rollback__leaves_no_step__when_change_failed,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_commit__drops_step__when_nothing_recorded,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_msg_seen__finds_own_key_only__when_two_users,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_msg_key__rolls_back_with_change__so_retry_applies,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_msg_key__recorded_by_changes__not_reads_or_refusals,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_msg_key__refuses_second_change__under_same_key,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_set_msg_key__refuses_bad_key__and_sets_none,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_msg_reply__saves_reply__that_seen_returns,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_msg_prune__drops_every_users_rows__older_than_30_days,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_msg_record__keeps_newest_rows__up_to_the_cap_per_user,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_explain__uses_indexes__when_messages_planned,
			open_memory, close_store),
		cmocka_unit_test(store_open__matches_fresh_schema__when_migrated_from_v1),
		cmocka_unit_test(store_open__numbers_entries_in_start_order__when_migrated),
		cmocka_unit_test(
			store_open__matches_fresh_schema__when_migrated_from_v2),
		cmocka_unit_test(store_open__keeps_data__when_migrated_from_v2),
		cmocka_unit_test_setup_teardown(
			store_explain__uses_indexes__when_overlap_or_list_planned,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_list_filtered__passes_matching_entries__when_filtered,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_list_filtered__lists_every_user__when_owner_null,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_list_filtered__merges_users_by_start__when_owner_null,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_list_filtered__finds_old_long_entry__when_history_large,
			open_memory, close_store),
		cmocka_unit_test(
			store_open__matches_fresh_schema__when_migrated_from_v3),
		cmocka_unit_test(store_open__keeps_data__when_migrated_from_v3),
		cmocka_unit_test(
			store_open__matches_fresh_schema__when_migrated_from_v4),
		cmocka_unit_test(
			store_open__drops_raw_message_keys__when_migrated_from_v4),
		cmocka_unit_test_setup_teardown(
			store_active__sums_each_user__when_entries_overlap,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_active__reads_index_ranges__when_history_large,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_report__splits_entry__across_midnight,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_report__counts_running_entry__up_to_now,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_report__groups_case_insensitively__under_earliest_spelling,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_report__counts_each_tag_and_untagged_as_empty__when_by_tag,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_report__filters_projects__any_of_them_in_any_case,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_report__filters_tags__all_of_them,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_report__filters_project_and_tag__when_both_given,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_report__reports_nothing__when_no_time,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_report__sees_own_rows_only__when_two_users,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_report__refuses__when_bounds_wrong,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_report__skips_empty_bucket__when_bounds_equal,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_report__refuses__when_filter_over_limits,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_report__finds_old_long_entry__when_history_large,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_explain__uses_indexes__when_report_or_filtered_list_planned,
			open_memory, close_store),
		cmocka_unit_test(
			store_unocase_cmp__folds_one_to_one_mappings__not_multi_char_ones),
		cmocka_unit_test(
			store_unocase_cmp__agrees_with_nocase__for_every_ascii_pair),
		cmocka_unit_test(
			store_unocase_cmp__total_order__over_generated_strings),
		cmocka_unit_test(
			store_unocase_cmp__compares_invalid_utf8_as_bytes__after_characters),
		cmocka_unit_test_setup_teardown(
			store_totals__groups_invalid_utf8_by_bytes__when_names_not_utf8,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_totals__groups_unicode_case__under_earliest_spelling,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_tags__groups_unicode_case__under_earliest_spelling,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_report__filters_any_case__when_names_not_ascii,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_rename_project__renames_any_case__when_name_not_ascii,
			open_memory, close_store),
		cmocka_unit_test(store_open_readonly__reads__when_nobody_has_it_open),
		cmocka_unit_test(store_open_readonly__reads_latest__when_writer_has_it_open),
		cmocka_unit_test(
			store_open_readonly__takes_name_as_is__when_uri_characters_in_it),
		cmocka_unit_test(store_open_readonly__fails_writes__with_store_err),
		cmocka_unit_test(store_open_readonly__refuses__when_file_missing),
		cmocka_unit_test(store_open_readonly__refuses__when_not_this_schema_version),
		cmocka_unit_test(store_open_readonly__reads__when_directory_not_writable),
		cmocka_unit_test(
			store_open_readonly__groups_any_case__when_names_not_ascii),
	};

	return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
