/*
 * tests/unit/test_copy.c - store_copy (storage/copy.c): a database with
 * a row in every table copied into another SQLite file, and, with
 * $TIMMY_TEST_PG (a PostgreSQL connection string to an empty database
 * of the test's own), into PostgreSQL and back.
 *
 * Equality is checked twice: through store.h (entries, tags, breaks,
 * settings, message keys, undo), and row by row, reading every table of
 * both SQLite files with SQLite itself, so that a table the copy forgot
 * shows as a difference.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store_fixture.h"

#define KEY1 "0123456789abcdef0123456789abcdef01234567"
#define KEY2 "89abcdef0123456789abcdef0123456789abcdef"

/* A database file name in the temp directory that is new to each use. */
static void fresh_name(char *buf, size_t n, const char *what)
{
	static int serial;

	snprintf(buf, n, "copy-%s-%d.db", what, ++serial);
}

/* Opens path (the temp directory's name) as store_connect does. */
static store *connect_file(const char *name)
{
	return open_file(name);
}

/*
 * Fills st with a row in every table: alice's entries with tags, a
 * break, a deleted entry, a paused running entry, undo steps and message keys
 * with a reply; bob's zone, settings, time away, a nudge; a team digest;
 * the question about alice's time away; and a last entry deleted, so
 * that the highest entry id given is above every entry's, which it
 * returns.
 */
static int64_t populate(store *st)
{
	struct store_entry e = tagged("acme", D0 + H, D0 + 2 * H, "client",
	                              "Design");
	struct store_prompt p;
	int64_t high;

	change(st, ALICE, "add acme");
	assert_int_equal(store_insert_entry(st, ALICE, &e), STORE_OK);
	assert_int_equal(store_change_commit(st, ALICE, KEY1), STORE_OK);
	assert_int_equal(store_msg_reply(st, ALICE, KEY1, "Added #1 acme"),
	                 STORE_OK);
	add(st, ALICE, entry("beta", D0 + 3 * H, D0 + 5 * H));
	assert_int_equal(store_add_break(st, ALICE, 2, D0 + 3 * H + 1800,
	                                 D0 + 4 * H, NULL), STORE_OK);
	e = tagged("gone", D0 + 5 * H, D0 + 5 * H + 600, "x", NULL);
	assert_int_equal(store_insert_entry(st, ALICE, &e), STORE_OK);
	assert_int_equal(store_add_break(st, ALICE, 3, D0 + 5 * H + 60,
	                                 D0 + 5 * H + 120, NULL), STORE_OK);
	change(st, ALICE, "delete #3");
	assert_int_equal(store_delete(st, ALICE, 3, NULL), STORE_OK);
	assert_int_equal(store_change_commit(st, ALICE, KEY2), STORE_OK);
	e = entry("runs", D0 + 6 * H, 0);
	assert_int_equal(store_insert_entry(st, ALICE, &e), STORE_OK);
	assert_int_equal(store_pause(st, ALICE, D0 + 7 * H, NULL), STORE_OK);
	p.entry_id = e.id;
	p.away_from = D0 + 6 * H + 60;
	p.away_to = D0 + 6 * H + 1200;
	p.expires = D0 + 8 * H;
	assert_int_equal(store_prompt_set(st, ALICE, &p), STORE_OK);

	add(st, BOB, tagged("bob", D0 + H, D0 + 9 * H, "ops", NULL));
	assert_int_equal(store_set_user_tz(st, BOB, "Europe/Berlin"),
	                 STORE_OK);
	assert_int_equal(store_setting_set(st, BOB, "idle.after", "30m"),
	                 STORE_OK);
	assert_int_equal(store_away_set(st, BOB, D0 + 10 * H), STORE_OK);
	assert_int_equal(store_begin(st), STORE_OK);
	assert_int_equal(store_nudge_record(st, BOB, STORE_NUDGE_DIGEST, 20000,
	                                    D0 + 11 * H), STORE_OK);
	assert_int_equal(store_team_digest_record(st, "core", 20000,
	                                          D0 + 12 * H), STORE_OK);
	assert_int_equal(store_rate_set(st, &(struct store_rate){
		STORE_RATE_USER, BOB, "ops", 8550, "EUR", D0 }, NULL), STORE_OK);
	assert_int_equal(store_rate_set(st, &(struct store_rate){
		STORE_RATE_TEAM, "core", "ops", 12000, "USD", D0 }, NULL),
	                 STORE_OK);
	commit(st);
	/* The last entry given, deleted: the highest id is no entry's. */
	e = entry("last", D0 + 12 * H, D0 + 12 * H + 60);
	assert_int_equal(store_insert_entry(st, BOB, &e), STORE_OK);
	high = e.id;
	assert_int_equal(store_delete(st, BOB, 2, NULL), STORE_OK);
	return high;
}

/* Appends the rows of every table of the SQLite file path (sqlite_sequence
 * too), each table's in the order of all its columns, to out; the number
 * of tables of timmy's with no row to *empty. */
static void dump_file(const char *name, char **out, int *empty)
{
	char path[512], sql[256];
	sqlite3 *db;
	sqlite3_stmt *tables, *rows;
	size_t size;
	FILE *f;

	tmp_path(path, sizeof path, name);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
	                 SQLITE_OK);
	f = open_memstream(out, &size);
	assert_non_null(f);
	*empty = 0;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema"
	                                    " WHERE type = 'table' ORDER BY name",
	                                    -1, &tables, NULL), SQLITE_OK);
	while (sqlite3_step(tables) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(tables, 0);
		int i, n, nrows = 0;

		snprintf(sql, sizeof sql, "SELECT * FROM %s", t);
		assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &rows, NULL),
		                 SQLITE_OK);
		n = sqlite3_column_count(rows);
		sqlite3_finalize(rows);
		snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY 1", t);
		for (i = 2; i <= n; i++)
			snprintf(sql + strlen(sql), sizeof sql - strlen(sql),
			         ", %d", i);
		assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &rows, NULL),
		                 SQLITE_OK);
		fprintf(f, "[%s]\n", t);
		while (sqlite3_step(rows) == SQLITE_ROW) {
			for (i = 0; i < n; i++) {
				const unsigned char *v =
					sqlite3_column_text(rows, i);

				fprintf(f, "%s%s", i ? "|" : "",
				        v ? (const char *)v : "NULL");
			}
			fputc('\n', f);
			nrows++;
		}
		sqlite3_finalize(rows);
		if (nrows == 0 && strcmp(t, "sqlite_sequence") != 0)
			(*empty)++;
	}
	sqlite3_finalize(tables);
	fclose(f);
	sqlite3_close(db);
}

/* Fails unless the SQLite files a and b hold the same rows. */
static void assert_files_equal(const char *a, const char *b)
{
	char *da, *db;
	int ea, eb;

	dump_file(a, &da, &ea);
	dump_file(b, &db, &eb);
	if (strcmp(da, db) != 0)
		fail_msg("%s and %s differ:\n%s\n---\n%s", a, b, da, db);
	/* Every table had a row: none can have been left out unseen. */
	assert_int_equal(ea, 0);
	free(da);
	free(db);
}

/* Adds a row of the migration's pending rollup (lo 2, hi 0), which only
 * `timmy check` builds, so that rollup_dirty has one to copy too. */
static void add_pending(const char *name)
{
	char path[512];
	sqlite3 *db;

	tmp_path(path, sizeof path, name);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO rollup_dirty VALUES "
	                              "((SELECT id FROM users WHERE jid = '"
	                              BOB "'), 2, 0, NULL)", NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
}

/* A source file, filled, with a pending rollup row; its name in name.
 * Returns the highest entry id it gave. */
static int64_t make_source(char *name, size_t n)
{
	store *st;
	int64_t high;

	fresh_name(name, n, "source");
	st = connect_file(name);
	high = populate(st);
	store_close(st);
	add_pending(name);
	return high;
}

/* Opens the source read-only, as timmy migrate does. */
static store *open_source(const char *name)
{
	char path[512], err[512];
	store *st = NULL;

	tmp_path(path, sizeof path, name);
	if (store_open_readonly(path, &st, err, sizeof err) != STORE_OK)
		fail_msg("open %s: %s", path, err);
	return st;
}

/* Copies from into to and expects it to work. */
static void copy(store *from, store *to, struct store_copy_report *r)
{
	if (store_copy(from, to, r) != STORE_OK)
		fail_msg("store_copy: %s", store_errmsg(to));
}

/* What store.h shows of the copy is the source's. */
static void assert_same_through_store(store *a, store *b)
{
	char va[64], vb[64], la[STORE_LABEL_MAX + 1], lb[STORE_LABEL_MAX + 1];
	struct store_entry ea, eb;
	int64_t sa, sb, x, y;
	int64_t seq;

	for (seq = 1; seq <= 4; seq++) {
		store_rc rc = store_get(a, ALICE, seq, &ea);

		assert_int_equal(store_get(b, ALICE, seq, &eb), rc);
		if (rc == STORE_OK)
			assert_entry_equal(&ea, &eb);
	}
	ea = get(a, BOB, 1);
	eb = get(b, BOB, 1);
	assert_entry_equal(&ea, &eb);
	assert_int_equal(count(a, ALICE), count(b, ALICE));
	assert_int_equal(store_user_tz(b, BOB, vb, sizeof vb), STORE_OK);
	assert_string_equal(vb, "Europe/Berlin");
	assert_int_equal(store_setting_get(b, BOB, "idle.after", vb, sizeof vb),
	                 STORE_OK);
	assert_string_equal(vb, "30m");
	assert_int_equal(store_away_get(b, BOB, &x), STORE_OK);
	assert_int_equal(x, D0 + 10 * H);
	assert_int_equal(store_nudge_sent(b, BOB, STORE_NUDGE_DIGEST, 20000),
	                 STORE_OK);
	assert_int_equal(store_msg_seen(a, ALICE, KEY1, va, sizeof va),
	                 STORE_OK);
	assert_int_equal(store_msg_seen(b, ALICE, KEY1, vb, sizeof vb),
	                 STORE_OK);
	assert_string_equal(va, vb);
	assert_string_equal(vb, "Added #1 acme");
	assert_int_equal(store_msg_step(a, ALICE, KEY2, &x), STORE_OK);
	assert_int_equal(store_msg_step(b, ALICE, KEY2, &y), STORE_OK);
	assert_int_equal(x, y);
	assert_int_equal(store_last_step(a, ALICE, &sa, la, sizeof la),
	                 STORE_OK);
	assert_int_equal(store_last_step(b, ALICE, &sb, lb, sizeof lb),
	                 STORE_OK);
	assert_int_equal(sa, sb);
	assert_string_equal(la, lb);
}

/* The report: every table, its rows; the users and their time. */
static void assert_report(const struct store_copy_report *r)
{
	int64_t rows = 0;
	int i;

	assert_int_equal(r->ntables, 19);
	assert_string_equal(r->tables[0].name, "users");
	assert_string_equal(r->tables[18].name, "rollup_dirty");
	for (i = 0; i < r->ntables; i++) {
		if (r->tables[i].rows == 0)
			fail_msg("%s: no row", r->tables[i].name);
		rows += r->tables[i].rows;
	}
	assert_int_equal(r->rows, rows);
	assert_int_equal(r->tables[0].rows, 2);
	assert_int_equal(r->users, 2);
	assert_int_equal(r->entries, 4); /* #3 was deleted */
	/* acme 1 h, beta 2 h (the break counts: stop - start), bob 8 h. */
	assert_int_equal(r->secs, 11 * H);
}

static void
store_copy__target_equals_source_row_by_row__when_sqlite_to_sqlite(
	void **state)
{
	char src[64], dst[64];
	struct store_copy_report r;
	store *from, *to;
	int64_t high;
	struct store_entry e = entry("next", D0 + 20 * H, D0 + 21 * H);

	(void)state;
	high = make_source(src, sizeof src);
	fresh_name(dst, sizeof dst, "copy");
	from = open_source(src);
	to = connect_file(dst);
	copy(from, to, &r);
	assert_report(&r);
	assert_same_through_store(from, to);
	assert_int_equal(total(from, ALICE, D0, D0 + DAY, D0 + 8 * H),
	                 total(to, ALICE, D0, D0 + DAY, D0 + 8 * H));
	store_close(to);
	store_close(from);
	assert_files_equal(src, dst);

	/* Ids go on where the source's were, past the deleted entry's. */
	to = connect_file(dst);
	assert_int_equal(store_insert_entry(to, ALICE, &e), STORE_OK);
	assert_int_equal(e.id, high + 1);
	assert_int_equal(e.seq, 5);
	store_close(to);
}

static void store_copy__refuses_and_writes_nothing__when_target_has_a_row(
	void **state)
{
	char src[64], dst[64];
	store *from, *to;

	(void)state;
	make_source(src, sizeof src);
	fresh_name(dst, sizeof dst, "busy");
	to = connect_file(dst);
	assert_int_equal(store_setting_set(to, CAROL, "idle.after", "1h"),
	                 STORE_OK);
	from = open_source(src);
	assert_int_equal(store_copy(from, to, NULL), STORE_ERR);
	assert_non_null(strstr(store_errmsg(to), "not empty"));
	assert_non_null(strstr(store_errmsg(to), "users"));
	assert_int_equal(count(to, ALICE), 0);
	/* Both handles usable after the refusal. */
	assert_int_equal(count(from, ALICE), 3);
	assert_int_equal(store_setting_set(to, CAROL, "idle.after", "2h"),
	                 STORE_OK);
	store_close(from);
	store_close(to);
}

/* ---- PostgreSQL, with $TIMMY_TEST_PG ---- */

/* The test's PostgreSQL database, emptied; NULL (the test skipped)
 * without $TIMMY_TEST_PG. */
static store *open_pg(void)
{
	struct store_where w = { STORE_POSTGRESQL, getenv("TIMMY_TEST_PG"),
		NULL };
	char err[512];
	store *st = NULL;

	if (w.path == NULL)
		return NULL;
	if (store_connect(&w, false, &st, err, sizeof err) != STORE_OK)
		fail_msg("store_connect: %s", err);
	if (store_test_empty(st) != STORE_OK)
		fail_msg("store_test_empty: %s", store_errmsg(st));
	return st;
}

static void
store_copy__round_trip_equals_source__when_sqlite_to_postgresql_and_back(
	void **state)
{
	char src[64], back[64];
	struct store_copy_report r;
	store *from, *pg, *to;
	int64_t high;
	struct store_entry e = entry("next", D0 + 20 * H, D0 + 21 * H);

	(void)state;
	if ((pg = open_pg()) == NULL)
		skip();
	high = make_source(src, sizeof src);
	from = open_source(src);
	copy(from, pg, &r);
	assert_report(&r);
	assert_same_through_store(from, pg);
	store_close(from);

	fresh_name(back, sizeof back, "back");
	to = connect_file(back);
	copy(pg, to, &r);
	assert_report(&r);
	store_close(to);
	assert_files_equal(src, back);

	/* The PostgreSQL copy's ids go on past the source's: an entry, a
	 * user, an undo step. */
	assert_int_equal(store_insert_entry(pg, ALICE, &e), STORE_OK);
	assert_int_equal(e.id, high + 1);
	assert_int_equal(e.seq, 5);
	assert_int_equal(store_setting_set(pg, CAROL, "idle.after", "1h"),
	                 STORE_OK);
	change(pg, ALICE, "add more");
	e = entry("more", D0 + 22 * H, D0 + 23 * H);
	assert_int_equal(store_insert_entry(pg, ALICE, &e), STORE_OK);
	commit(pg);
	assert_int_equal(e.id, high + 2);
	store_close(pg);
}

static void
store_copy__refuses_naming_the_entry__when_postgresql_refuses_an_overlap(
	void **state)
{
	char src[64];
	store *from, *pg, *st;

	(void)state;
	if ((pg = open_pg()) == NULL)
		skip();
	/* SQLite lets two stopped entries of a user overlap; PostgreSQL's
	 * exclusion constraint does not. */
	fresh_name(src, sizeof src, "overlap");
	st = connect_file(src);
	add(st, ALICE, entry("one", D0 + H, D0 + 3 * H));
	add(st, ALICE, entry("two", D0 + 2 * H, D0 + 4 * H));
	store_close(st);
	from = open_source(src);
	assert_int_equal(store_copy(from, pg, NULL), STORE_ERR);
	assert_non_null(strstr(store_errmsg(pg), "copy entries, id 2"));
	assert_int_equal(count(pg, ALICE), 0); /* rolled back */
	store_close(from);
	store_close(pg);
}

/* A note with every character COPY's text format escapes: a tab, a
 * newline, a carriage return, a backslash before an n (not a newline)
 * and two backslashes. */
#define SPECIAL_NOTE "a\tb\nc\\nd\\\\e\rf"

static void
store_copy__keeps_escapes_and_nulls__when_sqlite_to_postgresql_and_back(
	void **state)
{
	char src[64], back[64];
	struct store_entry e = entry("esc", D0 + 30 * H, D0 + 31 * H), got;
	char tz[64];
	store *from, *pg, *st;

	(void)state;
	if ((pg = open_pg()) == NULL)
		skip();
	/* make_source's rows (every table, NULLs among them: alice's zone,
	 * the pending rollup row's entry), and an entry with that note. */
	make_source(src, sizeof src);
	st = connect_file(src);
	snprintf(e.note, sizeof e.note, "%s", SPECIAL_NOTE);
	assert_int_equal(store_insert_entry(st, ALICE, &e), STORE_OK);
	store_close(st);
	from = open_source(src);
	copy(from, pg, NULL);
	store_close(from);
	got = get(pg, ALICE, e.seq);
	assert_string_equal(got.note, SPECIAL_NOTE);
	assert_int_equal(store_user_tz(pg, ALICE, tz, sizeof tz), STORE_OK);
	assert_string_equal(tz, "");

	fresh_name(back, sizeof back, "escapes");
	st = connect_file(back);
	copy(pg, st, NULL);
	got = get(st, ALICE, e.seq);
	assert_string_equal(got.note, SPECIAL_NOTE);
	store_close(st);
	store_close(pg);
	/* Row by row, the NULLs read as NULL again (not "\N", not ""). */
	assert_files_equal(src, back);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		store_copy__target_equals_source_row_by_row__when_sqlite_to_sqlite),
		cmocka_unit_test(
		store_copy__refuses_and_writes_nothing__when_target_has_a_row),
		cmocka_unit_test(
		store_copy__round_trip_equals_source__when_sqlite_to_postgresql_and_back),
		cmocka_unit_test(
		store_copy__refuses_naming_the_entry__when_postgresql_refuses_an_overlap),
		cmocka_unit_test(
		store_copy__keeps_escapes_and_nulls__when_sqlite_to_postgresql_and_back),
	};

	return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
