/*
 * tests/unit/test_store.c - storage/ through its interface, store.h (and
 * store_test.h): opening, entries, totals, entry numbers, single-entry
 * edits, listings, projects and tags, undo, filtered listings, who has
 * time in a range, reports, names in any case, read-only opening.
 *
 * Nothing here knows the store is SQLite, so that the same tests run on
 * PostgreSQL too: with $TIMMY_TEST_PG set, open_memory connects to that
 * database (store_fixture.h). Where the engines differ by design (what
 * their messages say, invalid UTF-8) a test says so. Tests that look
 * inside the SQLite implementation (its files, schema, migrations, query
 * plans and rows the interface does not show) are in test_sqlite.c.
 *
 * ":memory:" for most, files in a temp directory for what only a file
 * shows (reopening, refusals, readers beside a writer), on SQLite.
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

#include "store_fixture.h"

/* --- open, schema, migrations --- */

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

/*
 * Every statement of storage/ compiles against the schema: on SQLite when
 * prepared, on PostgreSQL (TIMMY_TEST_PG) on the server, with every
 * parameter NULL, which also shows a parameter whose NULL has no type
 * (pg.c's null_type); SQLite's own statements (PRAGMAs) are left out
 * there. Those of the storage files this program links, that is.
 */
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
	assert_true(refused_by(st, "UNIQUE"));
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
	assert_true(refused_by(st, "CHECK"));

	assert_int_equal(count(st, ALICE), 1);
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

	/* Range [1000, 2000), now 1950. No two stopped entries of one user
	 * overlap (PostgreSQL refuses that): bob has the ones that only
	 * touch the range's edges, carol one longer than the range. */
	insert(st, ALICE, entry("before", 100, 400), STORE_OK);  /* out */
	insert(st, ALICE, entry("from", 400, 1500), STORE_OK);   /* 500 in */
	insert(st, ALICE, entry("to", 1800, 2500), STORE_OK);    /* 200 in */
	insert(st, ALICE, entry("inside", 1500, 1600), STORE_OK); /* 100 */
	insert(st, ALICE, entry("running", 1900, 0), STORE_OK);  /* 50 to now */
	insert(st, BOB, entry("edge", 500, 1000), STORE_OK);     /* ends at from */
	insert(st, BOB, entry("after", 2000, 2100), STORE_OK);   /* out */

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
	/* Entries that only touch the range count nothing. */
	assert_int_equal(totals(st, BOB, 1000, 2000, 1950).n, 0);
	assert_int_equal(total(st, BOB, 1000, 2000, 1950), 0);
	/* An entry longer than the whole range counts the range. */
	insert(st, CAROL, entry("long", 0, 100000), STORE_OK);
	assert_int_equal(total(st, CAROL, 1000, 2000, 1950), 1000);
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

/* --- entry numbers, get, last, update, delete --- */

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
	/* store_insert numbers too (later: entries of one user do not
	 * overlap). */
	e.start = 200;
	e.stop = 300;
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

/* What a listing passed: the first entries, and how many in all. */
struct listed {
	struct store_entry e[4];
	int n;
};

static void listed_row(const char *owner, const struct store_entry *e,
                       void *arg)
{
	struct listed *l = arg;

	(void)owner;
	if (l->n < 4)
		l->e[l->n] = *e;
	l->n++;
}

/*
 * A listing reads an entry's tags and breaks in its own row (SQL_LISTED:
 * no statement per entry); they come out as one entry's read gives them,
 * whatever bytes a tag holds (colons and digits, which the row's
 * encoding uses, spaces, UTF-8, the longest tag), the most tags and
 * breaks an entry holds, an open break, and none at all: one user's
 * listing, every user's, and a cursor's.
 */
static void store_list__tags_and_breaks__as_one_entry_reads_them(
	void **state)
{
	const char *tags[STORE_TAGS_MAX] = {
		"12:ab", "a:1", "ünïcödé",
		"x y", "0", ":", "7:",
		"tttttttttttttttttttttttttttttttt" /* STORE_TAG_MAX bytes */
	};
	struct store_entry e = entry("acme", 1000, 0), bare, got;
	struct store_cursor *c = NULL;
	struct listed l;
	store *st = *state;
	size_t passed;
	int i, pass;

	bare = entry("bare", 10, 50);
	insert(st, ALICE, bare, STORE_OK);
	for (i = 0; i < STORE_TAGS_MAX; i++)
		add_tag(&e, tags[i]);
	insert(st, ALICE, e, STORE_OK);
	/* Added newest first: the listing's must still be oldest first. */
	for (i = STORE_BREAKS_MAX - 2; i >= 0; i--)
		assert_int_equal(store_add_break(st, ALICE, 2, 1010 + 10 * i,
		                                 1015 + 10 * i, NULL),
		                 STORE_OK);
	assert_int_equal(store_pause(st, ALICE, 1500, NULL), STORE_OK);
	got = get(st, ALICE, 2);
	assert_int_equal(got.ntags, STORE_TAGS_MAX);
	assert_int_equal(got.nbreaks, STORE_BREAKS_MAX);
	assert_int_equal(got.breaks[STORE_BREAKS_MAX - 1].stop, 0);
	bare = get(st, ALICE, 1);

	for (pass = 0; pass < 3; pass++) {
		memset(&l, 0, sizeof l);
		if (pass < 2) {
			assert_int_equal(store_list_filtered(st,
			                 pass == 0 ? ALICE : NULL, 0, 2000,
			                 2000, NULL, 0, listed_row, &l, NULL),
			                 STORE_OK);
		} else {
			assert_int_equal(store_cursor_open(st, ALICE, 0, 2000,
			                 2000, NULL, false, &c), STORE_OK);
			assert_int_equal(store_cursor_next(c, 10, listed_row,
			                 &l, &passed), STORE_OK);
			store_cursor_close(c);
		}
		assert_int_equal(l.n, 2);
		assert_entry_equal(&l.e[0], &bare);
		assert_entry_equal(&l.e[1], &got);
	}
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
	assert_true(refused_by(st, "UNIQUE"));
	/* Stop before start. */
	bad.stop = 50;
	assert_int_equal(store_update(st, ALICE, &bad), STORE_CONFLICT);
	assert_true(refused_by(st, "CHECK"));
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
	/* #5, same start as #3: zero seconds long, as two stopped entries
	 * of one user overlap otherwise. */
	add(st, ALICE, entry("b2", 300, 300));
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

	/* Range [1000, 2000), now 1950. No two stopped entries of one user
	 * overlap (PostgreSQL refuses that): bob has the ones that only
	 * touch the range's edges, carol one longer than the range. */
	add(st, ALICE, entry("before", 100, 400));    /* #1 out */
	add(st, ALICE, entry("from", 400, 1500));     /* #2 in */
	add(st, ALICE, entry("to", 1800, 2500));      /* #3 in */
	add(st, ALICE, entry("running", 1900, 0));    /* #4 in */
	add(st, BOB, entry("edge", 500, 1000));       /* #1 ends at from: out */
	add(st, BOB, entry("after", 2000, 2100));     /* #2 starts at to: out */
	add(st, CAROL, entry("long", 0, 100000));     /* #1 in */

	l = list(st, ALICE, 1000, 2000, 1950, 0, &n);
	assert_int_equal(n, 3);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.seq[0], 2);
	assert_int_equal(l.start[0], 400); /* whole, not clipped */
	assert_int_equal(l.seq[1], 3);
	assert_int_equal(l.seq[2], 4);
	l = list(st, BOB, 1000, 2000, 1950, 0, &n);
	assert_int_equal(n, 0);
	l = list(st, CAROL, 1000, 2000, 1950, 0, &n);
	assert_int_equal(n, 1);
	assert_int_equal(l.start[0], 0);
	/* The running entry ends at now: a range after now misses it. */
	l = list(st, ALICE, 1960, 1990, 1950, 0, &n);
	assert_int_equal(n, 1); /* "to" */
	assert_int_equal(l.seq[0], 3);
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

static void store_projects__lists_every_name__when_some_have_no_time(
	void **state)
{
	store *st = *state;
	struct totals t;

	add(st, ALICE, entry("Acme", 100, 200));     /* earliest spelling */
	add(st, ALICE, entry("acme", 5000, 5300));
	add(st, ALICE, entry("beta", 5300, 5400));
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
	add(st, ALICE, entry("untagged", 1800, 2000));
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

/* --- undo --- */

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

static void store_undo__is_part_of_the_change__when_transaction_open(
	void **state)
{
	store *st = *state;

	change(st, ALICE, "start");
	add(st, ALICE, entry("a", 100, 0));
	commit(st);
	/* Inside a change: rolled back with it. */
	assert_int_equal(store_begin(st), STORE_OK);
	undo(st, ALICE, "start");
	assert_int_equal(count(st, ALICE), 0);
	store_rollback(st);
	assert_int_equal(count(st, ALICE), 1);
	/* Not inside one that has a step of its own. */
	change(st, ALICE, "stop");
	assert_int_equal(store_undo(st, ALICE, NULL, 0, NULL), STORE_ERR);
	assert_non_null(strstr(store_errmsg(st), "step"));
	store_rollback(st);
	undo(st, ALICE, "start");
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

/* --- listings with filters, of one user or all --- */

static void store_list_filtered__passes_matching_entries__when_filtered(
	void **state)
{
	struct store_filter proj = { { "ACME", "beta" }, 2, { NULL }, 0, NULL };
	struct store_filter tags = { { NULL }, 0, { "client", "X" }, 2, NULL };
	struct store_filter both = { { "acme" }, 1, { "client" }, 1, NULL };
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
	struct store_filter f = { { "acme" }, 1, { NULL }, 0, NULL };
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
	struct store_filter a = { { "a" }, 1, { NULL }, 0, NULL };
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

/* --- who has time in a range, of every user --- */

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

/* --- reports --- */

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
	struct store_filter one = { { "ACME" }, 1, { NULL }, 0, NULL };
	struct store_filter two = { { "acme", "Beta" }, 2, { NULL }, 0, NULL };
	struct store_filter none = { { "nope" }, 1, { NULL }, 0, NULL };
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
	struct store_filter one = { { NULL }, 0, { "client" }, 1, NULL };
	struct store_filter two = { { NULL }, 0, { "CLIENT", "urgent" }, 2, NULL };
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
	struct store_filter f = { { "acme", "beta" }, 2, { "client" }, 1, NULL };
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
		                  8, NULL };
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

/* --- names in any case: the UNOCASE collation --- */

/* Through the store: names that are not UTF-8 are kept, group by their
 * bytes (ASCII case aside) and come back the same each time. */
static void store_totals__groups_invalid_utf8_by_bytes__when_names_not_utf8(
	void **state)
{
	store *st = *state;
	struct totals t;
	int i;

	/* PostgreSQL's text holds valid UTF-8 only (XMPP delivers nothing
	 * else): it refuses such a name, and stores nothing of the entry. */
	if (on_postgresql()) {
		insert(st, ALICE, entry("x\xc3", 100, 200), STORE_ERR);
		insert(st, ALICE, tagged("x", 100, 200, "\xff", NULL),
		       STORE_ERR);
		assert_int_equal(count(st, ALICE), 0);
		return;
	}
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
	struct store_filter arger = { { "äRGER" }, 1, { NULL }, 0, NULL };
	struct store_filter three = { { "ΣΧΈΔΙΟ", "ЖУК", "ΛΟΓΟΣ" }, 3,
		                      { NULL }, 0, NULL };
	struct store_filter design = { { NULL }, 0, { "design" }, 1, NULL };
	struct store_filter uber = { { NULL }, 0, { "über", "DESIGN" }, 2, NULL };
	struct store_filter none = { { "ärgernis" }, 1, { NULL }, 0, NULL };
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

/* --- breaks --- */

/* Pauses (resume false) or resumes owner's timer at at, expecting rc. */
static void pause_at(store *st, const char *owner, bool resume, int64_t at,
                     store_rc rc)
{
	store_rc got = resume ? store_resume(st, owner, at, NULL) :
	                        store_pause(st, owner, at, NULL);

	if (got != rc)
		fail_msg("%s at %" PRId64 ": got %d, want %d (%s)",
		         resume ? "resume" : "pause", at, got, rc,
		         store_errmsg(st));
}

static void store_pause__opens_and_closes_a_break__when_timer_runs(
	void **state)
{
	struct store_entry e;
	store *st = *state;

	pause_at(st, ALICE, false, D0 + H, STORE_NOTFOUND); /* nothing runs */
	add(st, ALICE, entry("acme", D0, 0));
	pause_at(st, ALICE, true, D0 + H, STORE_NOTFOUND); /* not paused */
	pause_at(st, ALICE, false, D0 - 1, STORE_CONFLICT); /* before start */
	pause_at(st, ALICE, false, D0 + H, STORE_OK);
	pause_at(st, ALICE, false, D0 + 2 * H, STORE_CONFLICT); /* paused */
	assert_int_equal(store_running(st, ALICE, &e), STORE_OK);
	assert_int_equal(e.nbreaks, 1);
	assert_int_equal(e.breaks[0].start, D0 + H);
	assert_int_equal(e.breaks[0].stop, 0);
	/* Paused, the clock stands still: worked 1h however late it is. */
	assert_int_equal(store_worked_secs(&e, D0 + 3 * H), H);
	assert_int_equal(total(st, ALICE, D0, D0 + DAY, D0 + 3 * H), H);
	pause_at(st, ALICE, true, D0 + H, STORE_CONFLICT); /* not after */
	pause_at(st, ALICE, true, D0 + H + 900, STORE_OK);
	assert_int_equal(store_running(st, ALICE, &e), STORE_OK);
	assert_int_equal(e.breaks[0].stop, D0 + H + 900);
	assert_int_equal(store_worked_secs(&e, D0 + 2 * H), 2 * H - 900);
	/* A second pause may not start inside the first break. */
	pause_at(st, ALICE, false, D0 + H + 60, STORE_CONFLICT);
	pause_at(st, ALICE, false, D0 + 2 * H, STORE_OK);
	assert_int_equal(store_running(st, ALICE, &e), STORE_OK);
	assert_int_equal(e.nbreaks, 2);
}

static void store_stop__ends_at_the_pause__when_paused(void **state)
{
	struct store_entry e;
	store *st = *state;

	add(st, ALICE, entry("acme", D0, 0));
	pause_at(st, ALICE, false, D0 + H, STORE_OK);
	pause_at(st, ALICE, true, D0 + H + 600, STORE_OK);
	pause_at(st, ALICE, false, D0 + 2 * H, STORE_OK);
	/* Stopped later, it ends where the open break began, which goes. */
	assert_int_equal(store_stop(st, ALICE, D0 + 5 * H, &e), STORE_OK);
	assert_int_equal(e.stop, D0 + 2 * H);
	assert_int_equal(e.nbreaks, 1);
	assert_int_equal(store_worked_secs(&e, D0 + 9 * H), 2 * H - 600);
	assert_int_equal(total(st, ALICE, D0, D0 + DAY, D0 + 9 * H),
	                 2 * H - 600);
}

static void store_stop__conflicts__when_inside_a_break(void **state)
{
	store *st = *state;

	add(st, ALICE, entry("acme", D0, 0));
	pause_at(st, ALICE, false, D0 + H, STORE_OK);
	pause_at(st, ALICE, true, D0 + 2 * H, STORE_OK);
	assert_int_equal(store_stop(st, ALICE, D0 + H + 60, NULL),
	                 STORE_CONFLICT);
	assert_int_equal(store_running(st, ALICE, NULL), STORE_OK);
}

static void store_add_break__refuses__when_outside_or_overlapping(
	void **state)
{
	struct store_entry e;
	store *st = *state;
	int64_t n = add(st, ALICE, entry("acme", D0 + 9 * H, D0 + 17 * H));

	assert_int_equal(store_add_break(st, ALICE, n + 1, D0 + 12 * H,
	                                 D0 + 13 * H, NULL), STORE_NOTFOUND);
	assert_int_equal(store_add_break(st, BOB, n, D0 + 12 * H,
	                                 D0 + 13 * H, NULL), STORE_NOTFOUND);
	assert_int_equal(store_add_break(st, ALICE, n, D0 + 8 * H,
	                                 D0 + 10 * H, NULL), STORE_CONFLICT);
	assert_int_equal(store_add_break(st, ALICE, n, D0 + 16 * H,
	                                 D0 + 18 * H, NULL), STORE_CONFLICT);
	assert_int_equal(store_add_break(st, ALICE, n, D0 + 13 * H,
	                                 D0 + 12 * H, NULL), STORE_CONFLICT);
	assert_int_equal(store_add_break(st, ALICE, n, D0 + 12 * H,
	                                 D0 + 12 * H + 2700, &e), STORE_OK);
	assert_int_equal(e.nbreaks, 1);
	assert_int_equal(store_add_break(st, ALICE, n, D0 + 12 * H + 600,
	                                 D0 + 14 * H, NULL), STORE_CONFLICT);
	/* Touching the first is fine. */
	assert_int_equal(store_add_break(st, ALICE, n, D0 + 12 * H + 2700,
	                                 D0 + 13 * H, NULL), STORE_OK);
	/* An edit that leaves a break outside the entry is refused. */
	e = get(st, ALICE, n);
	e.stop = D0 + 12 * H + 60;
	assert_int_equal(store_update(st, ALICE, &e), STORE_CONFLICT);
	e = get(st, ALICE, n);
	assert_int_equal(e.nbreaks, 2);
	assert_int_equal(e.stop, D0 + 17 * H);
	/* Cleared, the edit goes through. */
	assert_int_equal(store_clear_breaks(st, ALICE, n + 1, NULL),
	                 STORE_NOTFOUND);
	assert_int_equal(store_clear_breaks(st, ALICE, n, &e), STORE_OK);
	assert_int_equal(e.nbreaks, 0);
	e.stop = D0 + 12 * H + 60;
	assert_int_equal(store_update(st, ALICE, &e), STORE_OK);
}

static void store_clear_breaks__keeps_the_open_one__when_paused(
	void **state)
{
	struct store_entry e;
	store *st = *state;
	int64_t n = add(st, ALICE, entry("acme", D0, 0));

	pause_at(st, ALICE, false, D0 + H, STORE_OK);
	pause_at(st, ALICE, true, D0 + 2 * H, STORE_OK);
	pause_at(st, ALICE, false, D0 + 3 * H, STORE_OK);
	assert_int_equal(store_clear_breaks(st, ALICE, n, &e), STORE_OK);
	assert_int_equal(e.nbreaks, 1);
	assert_int_equal(e.breaks[0].start, D0 + 3 * H);
	assert_int_equal(e.breaks[0].stop, 0);
}

static void store_totals__subtract_breaks__in_every_total_and_report(
	void **state)
{
	/* Two days; an entry from 22:00 to 02:00 with a break 23:30-00:30. */
	const int64_t days[] = { D0, D0 + DAY, D0 + 2 * DAY };
	const int64_t start = D0 + 22 * H, stop = D0 + DAY + 2 * H;
	struct totals t;
	struct report r;
	store *st = *state;
	int64_t n = add(st, ALICE, tagged("acme", start, stop, "x", NULL));

	assert_int_equal(store_add_break(st, ALICE, n, D0 + 23 * H + 1800,
	                                 D0 + DAY + 1800, NULL), STORE_OK);
	assert_int_equal(total(st, ALICE, D0, D0 + 2 * DAY, 0), 3 * H);
	assert_int_equal(total(st, ALICE, D0, D0 + DAY, 0), H + 1800);
	t = totals(st, ALICE, D0 + DAY, D0 + 2 * DAY, 0);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.secs[0], H + 1800);
	t = names(st, ALICE, 0, D0, D0 + 2 * DAY, 0);
	assert_int_equal(t.secs[0], 3 * H);
	t = names(st, ALICE, 1, D0, D0 + 2 * DAY, 0);
	assert_int_equal(t.secs[0], 3 * H);
	r = report(st, ALICE, days, 3, 0, STORE_BY_PROJECT, NULL);
	assert_int_equal(r.n, 2);
	assert_row(&r, 0, 0, "acme", H + 1800);
	assert_row(&r, 1, 1, "acme", H + 1800);
	r = report(st, ALICE, days, 3, 0, STORE_BY_TAG, NULL);
	assert_row(&r, 0, 0, "x", H + 1800);
	assert_row(&r, 1, 1, "x", H + 1800);
}

static void who_secs(const char *owner, int64_t secs, int running,
                     void *arg)
{
	(void)owner;
	(void)running;
	*(int64_t *)arg = secs;
}

static void store_active__subtracts_breaks__when_paused(void **state)
{
	store *st = *state;
	int64_t secs = -1;

	add(st, ALICE, entry("acme", D0, 0));
	pause_at(st, ALICE, false, D0 + H, STORE_OK);
	assert_int_equal(store_active(st, D0, D0 + DAY, D0 + 4 * H, 0,
	                              who_secs, &secs, NULL), STORE_OK);
	assert_int_equal(secs, H);
	assert_int_equal(report(st, ALICE, (const int64_t[]){ D0, D0 + DAY },
	                        2, D0 + 4 * H, STORE_BY_NONE, NULL).secs[0],
	                 H);
}

static void store_undo__restores_breaks__after_pause_resume_and_add(
	void **state)
{
	struct store_entry before, after;
	store *st = *state;
	int64_t n;

	change(st, ALICE, "start acme");
	n = add(st, ALICE, entry("acme", D0, 0));
	commit(st);
	change(st, ALICE, "pause");
	pause_at(st, ALICE, false, D0 + H, STORE_OK);
	commit(st);
	before = get(st, ALICE, n);
	change(st, ALICE, "resume");
	pause_at(st, ALICE, true, D0 + 2 * H, STORE_OK);
	commit(st);
	change(st, ALICE, "stop");
	assert_int_equal(store_stop(st, ALICE, D0 + 5 * H, NULL), STORE_OK);
	commit(st);
	change(st, ALICE, "edit break");
	assert_int_equal(store_add_break(st, ALICE, n, D0 + 3 * H,
	                                 D0 + 4 * H, NULL), STORE_OK);
	commit(st);
	assert_int_equal(get(st, ALICE, n).nbreaks, 2);
	undo(st, ALICE, "edit break");
	after = get(st, ALICE, n);
	assert_int_equal(after.nbreaks, 1);
	assert_int_equal(after.stop, D0 + 5 * H);
	undo(st, ALICE, "stop");
	undo(st, ALICE, "resume");
	after = get(st, ALICE, n);
	assert_entry_equal(&after, &before);
	assert_int_equal(after.breaks[0].stop, 0); /* paused again */
	undo(st, ALICE, "pause");
	assert_int_equal(get(st, ALICE, n).nbreaks, 0);
	assert_int_equal(store_check(st), STORE_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			store_prepare_all__succeeds__when_schema_current,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_pause__opens_and_closes_a_break__when_timer_runs,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_stop__ends_at_the_pause__when_paused,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_stop__conflicts__when_inside_a_break,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_add_break__refuses__when_outside_or_overlapping,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_clear_breaks__keeps_the_open_one__when_paused,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_totals__subtract_breaks__in_every_total_and_report,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_active__subtracts_breaks__when_paused,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_undo__restores_breaks__after_pause_resume_and_add,
			open_memory, close_store),
		cmocka_unit_test(
			store_open__fails_naming_path__when_directory_missing),
		cmocka_unit_test(store_open__fails__when_file_not_a_database),
		cmocka_unit_test_setup_teardown(
			store_insert__conflicts__when_second_running,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_insert__conflicts__when_limits_broken,
			open_memory, close_store),
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
		cmocka_unit_test_setup_teardown(
			store_rollback__leaves_nothing__when_transaction_undone,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_insert__keeps_caller_transaction__when_refused,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(store_check__ok__when_fresh,
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
			store_get__tags_in_one_order__whatever_order_they_were_given,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_list__tags_and_breaks__as_one_entry_reads_them,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_update__notfound__when_number_is_another_users,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_update__conflicts__when_rules_broken,
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
			store_list__orders_running_by_start__when_it_began_first,
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
			store_undo__leaves_others_alone__when_step_touched_them,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_undo__is_part_of_the_change__when_transaction_open,
			open_memory, close_store),
		cmocka_unit_test_setup_teardown(
			store_begin_change__cuts_label__when_too_long,
			open_memory, close_store),
		cmocka_unit_test(store_undo__survives_reopen__when_file_database),
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
			store_active__sums_each_user__when_entries_overlap,
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
		cmocka_unit_test(store_open_readonly__refuses__when_file_missing),
		cmocka_unit_test(store_open_readonly__reads__when_directory_not_writable),
	};

	return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
