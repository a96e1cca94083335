/*
 * tests/unit/test_rollup.c - the per-day rollups of reports
 * (storage/rollup.c, rollup_report.c, rollup_check.c): random histories
 * (entries across midnight and DST changes in several zones, breaks,
 * tags in several cases, running and paused entries, edits, deletes,
 * renames, undo, a change of zone) after each step of which every report
 * equals the one computed from the entries alone, and the check passes;
 * the check finds a rollup that differs and names the user; raw inserts
 * wait for the check; a change of zone rebuilds; the check of many users
 * with long histories, which empties and fills temp.rollup_days for each.
 *
 * Looks inside SQLite (store_int.h) to corrupt and inspect the rollup.
 * With $TIMMY_TEST_PG set (make unit-pg), the tests that use the store
 * alone run on that PostgreSQL database instead (main).
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
#include <time.h>
#include <unistd.h>

#include "../../lib/tz.h"
#include "../../storage/store_int.h"
#include "store_fixture.h"

#define REPORT_MAX 65536

/* A report as text: one line per (bucket, name, seconds). */
struct report_text {
	char buf[REPORT_MAX];
	size_t len;
};

static void add_line(int bucket, const char *key, int64_t secs, void *arg)
{
	struct report_text *r = arg;
	int n = snprintf(r->buf + r->len, sizeof r->buf - r->len,
	                 "%d|%s|%" PRId64 "\n", bucket, key, secs);

	assert_true(n > 0 && (size_t)n < sizeof r->buf - r->len);
	r->len += (size_t)n;
}

/* The report of owner with the rollup (on) or from the entries alone. */
static store_rc report_of(store *st, const char *owner, const int64_t *bounds,
                       int n, int64_t now, enum store_group by,
                       const struct store_filter *f, bool on,
                       struct report_text *out)
{
	store_rc rc;

	out->len = 0;
	out->buf[0] = '\0';
	store_rollup_use(st, on);
	rc = store_report(st, owner, bounds, n, now, by, f, add_line, out);
	store_rollup_use(st, true);
	return rc;
}

/* Expects the report from the rollup to equal the one from entries. */
static void expect_same(store *st, const char *owner, const int64_t *bounds,
                        int n, int64_t now, enum store_group by,
                        const struct store_filter *f, const char *what)
{
	static struct report_text a, b;

	assert_int_equal(report_of(st, owner, bounds, n, now, by, f, false, &a),
	                 STORE_OK);
	assert_int_equal(report_of(st, owner, bounds, n, now, by, f, true, &b),
	                 STORE_OK);
	if (strcmp(a.buf, b.buf) != 0)
		fail_msg("%s (by %d, filter %s): entries\n%s\nrollup\n%s", what,
		         (int)by, f == NULL ? "none" : f->nprojects ?
		         f->projects[0] : f->tags[0], a.buf, b.buf);
}

/* ---- random histories ---- */

struct world {
	store *st;
	uint64_t rng;
	const char *zone;   /* the default zone, that of new rollups */
	const char *other;  /* a zone the user moves to, reports are made in */
	int64_t lo, hi;     /* the window of time the history fills */
	int64_t now;
	int64_t starts[1024]; /* starts given, so that no two are equal */
	int nstarts;
	int64_t seqs;         /* the highest entry number given */
};

static uint64_t rnd(struct world *w)
{
	/* xorshift64: a fixed seed gives the same history every run. */
	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 7;
	w->rng ^= w->rng << 17;
	return w->rng;
}

static int64_t pick(struct world *w, int64_t n)
{
	return n > 0 ? (int64_t)(rnd(w) % (uint64_t)n) : 0;
}

/* The next midnight of zone after day (a day start). */
static int64_t day_after(const char *zone, int64_t day)
{
	return tz_day_start(zone, day + 26 * 3600);
}

/*
 * A time in the window, now and then a midnight of either zone, never a
 * start given before: two entries that start at one second would make
 * the spelling of a name depend on the order rows come in.
 */
static int64_t some_start(struct world *w)
{
	int64_t t = w->lo + pick(w, w->hi - w->lo);
	int i;

	if (pick(w, 5) == 0)
		t = tz_day_start(pick(w, 2) ? w->zone : w->other, t);
	for (i = 0; i < w->nstarts; i++) {
		if (w->starts[i] == t) {
			t++;
			i = -1;
		}
	}
	if (w->nstarts < (int)(sizeof w->starts / sizeof w->starts[0]))
		w->starts[w->nstarts++] = t;
	return t;
}

static int64_t some_length(struct world *w)
{
	switch (pick(w, 6)) {
	case 0:
		return 0;
	case 1:
		return pick(w, 600);
	case 2:
	case 3:
		return 60 + pick(w, 4 * 3600);
	default:
		return 3600 + pick(w, 30 * 3600); /* past midnight */
	}
}

static const char *const projects[] = {
	"acme", "ACME", "Acme", "globex", "Ärger", "ärger", "initech"
};
static const char *const tags[] = { "x", "X", "y", "Billable", "billable" };

static struct store_entry some_entry(struct world *w, bool running)
{
	struct store_entry e;
	int i, n = (int)pick(w, 4);

	e = entry(projects[pick(w, 7)], some_start(w), 0);
	if (!running)
		e.stop = e.start + some_length(w);
	for (i = 0; i < n; i++)
		add_tag(&e, tags[pick(w, 5)]);
	return e;
}

/* One random change for owner, in a transaction of its own (refusals
 * roll back, as the dispatcher does). */
static void random_change(struct world *w, const char *owner)
{
	struct store_entry e;
	store *st = w->st;
	store_rc rc = STORE_OK;
	int64_t seq = 1 + pick(w, w->seqs + 1), at;
	int op = (int)pick(w, 14);

	if (op == 13) {
		(void)store_undo(st, owner, NULL, 0, NULL);
		return;
	}
	assert_int_equal(store_begin_change(st, owner, "change", w->now),
	                 STORE_OK);
	switch (op) {
	case 0: case 1: case 2: case 3:
	case 4:
		e = some_entry(w, op == 4);
		rc = store_insert_entry(st, owner, &e);
		if (rc == STORE_OK && e.seq > w->seqs)
			w->seqs = e.seq;
		break;
	case 5:
		if ((rc = store_running(st, owner, &e)) == STORE_OK)
			rc = store_stop(st, owner, e.start + some_length(w), NULL);
		break;
	case 6:
		if ((rc = store_running(st, owner, &e)) == STORE_OK) {
			at = e.start + pick(w, 20000);
			rc = store_pause(st, owner, at, NULL);
			if (rc == STORE_OK && pick(w, 2))
				rc = store_resume(st, owner, at + 1 + pick(w, 9000),
				                  NULL);
		}
		break;
	case 7:
		if ((rc = store_get(st, owner, seq, &e)) == STORE_OK &&
		    e.stop > e.start + 1) {
			at = e.start + pick(w, e.stop - e.start - 1);
			rc = store_add_break(st, owner, seq, at,
			                     at + 1 + pick(w, e.stop - at - 1), NULL);
		}
		break;
	case 8:
		rc = store_clear_breaks(st, owner, seq, NULL);
		break;
	case 9:
		if ((rc = store_get(st, owner, seq, &e)) == STORE_OK) {
			struct store_entry n = some_entry(w, e.stop == 0);

			n.seq = seq;
			if (pick(w, 2)) { /* only the names, or everything */
				n.start = e.start;
				n.stop = e.stop;
			}
			rc = store_update(st, owner, &n);
		}
		break;
	case 10:
		rc = store_delete(st, owner, seq, NULL);
		break;
	case 11:
		rc = store_rename_project(st, owner, projects[pick(w, 7)],
		                          projects[pick(w, 7)], NULL);
		break;
	default:
		rc = store_set_user_tz(st, owner, pick(w, 2) ? w->other : NULL);
		break;
	}
	if (rc == STORE_OK)
		assert_int_equal(store_commit(st), STORE_OK);
	else
		store_rollback(st);
}

/* n + 1 bounds from lo, each the next midnight of zone. */
static int day_bounds(const char *zone, int64_t lo, int n, int step,
                      int64_t *b)
{
	int i, k;

	b[0] = tz_day_start(zone, lo);
	for (i = 1; i <= n; i++) {
		b[i] = b[i - 1];
		for (k = 0; k < step; k++)
			b[i] = day_after(zone, b[i]);
	}
	return n + 1;
}

/* Every report of owner, over buckets of many kinds, both ways. */
static void compare_all(struct world *w, const char *owner, bool filters)
{
	static const char *const one_project[] = { "ACME" };
	static const char *const two_projects[] = { "ärger", "globex" };
	static const char *const one_tag[] = { "x" };
	const struct store_filter fs[] = {
		{ { one_project[0] }, 1, { NULL }, 0, NULL },
		{ { two_projects[0], two_projects[1] }, 2, { NULL }, 0, NULL },
		{ { NULL }, 0, { one_tag[0] }, 1, NULL },
	};
	const enum store_group groups[] = {
		STORE_BY_PROJECT, STORE_BY_TAG, STORE_BY_NONE
	};
	const char *const zones[] = { w->zone, w->other };
	int64_t b[80];
	int z, g, k, n, f;

	for (z = 0; z < 2; z++) {
		for (k = 0; k < 5; k++) {
			switch (k) {
			case 0: /* by day */
				n = day_bounds(zones[z], w->lo - 86400, 50, 1, b);
				break;
			case 1: /* by week */
				n = day_bounds(zones[z], w->lo - 86400, 8, 7, b);
				break;
			case 2: /* the whole history, one bucket */
				n = day_bounds(zones[z], w->lo - 2 * 86400, 1, 52, b);
				break;
			case 3: /* ends inside days: every 31 hours and a bit */
				for (n = 0; n < 40; n++)
					b[n] = w->lo + 17 + n * (31 * 3600 + 7);
				break;
			default: /* a day and a bit, up to now */
				b[0] = tz_day_start(zones[z], w->hi - 3 * 86400) + 3600;
				b[1] = tz_day_start(zones[z], w->hi);
				b[2] = w->now;
				b[3] = w->now + 86400;
				n = 4;
				break;
			}
			for (g = 0; g < 3; g++) {
				expect_same(w->st, owner, b, n, w->now, groups[g],
				            NULL, zones[z]);
				for (f = 0; filters && f < 3; f++)
					expect_same(w->st, owner, b, n, w->now,
					            groups[g], &fs[f], zones[z]);
			}
		}
	}
}

static void expect_sound(store *st)
{
	if (store_check(st) != STORE_OK)
		fail_msg("check: %s", store_errmsg(st));
}

/* steps random changes in zone (another: other), compared after each. */
static void random_history(const char *zone, const char *other,
                           uint64_t seed, int steps)
{
	static struct world w;
	void *p = NULL;
	int i;

	memset(&w, 0, sizeof w);
	assert_int_equal(open_memory(&p), 0);
	w.st = p;
	store_set_default_zone(w.st, zone);
	w.rng = seed;
	w.zone = zone;
	w.other = other;
	/* March and April 2025: the DST changes of New York (9 March),
	 * Berlin (30 March) and Lord Howe (6 April, half an hour). */
	w.lo = 1740787200; /* 2025-03-01 00:00 UTC */
	w.hi = w.lo + 45 * 86400;
	w.now = w.hi + 7200;
	for (i = 0; i < steps; i++) {
		random_change(&w, pick(&w, 5) ? ALICE : BOB);
		random_change(&w, pick(&w, 5) ? ALICE : BOB);
		compare_all(&w, ALICE, i % 3 == 0);
		if (i % 10 == 0)
			compare_all(&w, BOB, false);
		expect_sound(w.st);
	}
	store_close(w.st);
}

static void rollup__reports_equal_the_entries__in_random_histories_berlin(
	void **state)
{
	(void)state;
	random_history("Europe/Berlin", "America/New_York", 0x9e3779b97f4a7c15u,
	               20);
}

static void rollup__reports_equal_the_entries__in_random_histories_new_york(
	void **state)
{
	(void)state;
	random_history("America/New_York", "Asia/Kolkata", 0x2545f4914f6cdd1du,
	               20);
}

static void rollup__reports_equal_the_entries__in_random_histories_kolkata(
	void **state)
{
	(void)state;
	random_history("Asia/Kolkata", "Australia/Lord_Howe",
	               0x853c49e6748fea9bu, 20);
}

static void rollup__reports_equal_the_entries__in_random_histories_lord_howe(
	void **state)
{
	(void)state;
	random_history("Australia/Lord_Howe", "Europe/Berlin",
	               0xda3e39cb94b95bdbu, 20);
}

/* ---- the check, the repair, raw inserts, a change of zone ---- */

/* Runs sql on st's connection, which must succeed. */
static void exec(store *st, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

static int64_t number(store *st, const char *sql)
{
	sqlite3_stmt *s;
	int64_t n;

	assert_int_equal(sqlite3_prepare_v2(st->db, sql, -1, &s, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

/* 2025-06-02 (a Monday) 09:00 to 17:00 in Berlin, and the year 2025. */
#define JUNE2_9 1748847600
static const int64_t year2025[] = { 1735686000, 1767222000 };

static store *berlin_store_with_a_day(void)
{
	struct store_entry e = entry("acme", JUNE2_9, JUNE2_9 + 8 * 3600);
	store *st = NULL;
	char err[512];

	assert_int_equal(store_open(":memory:", &st, err, sizeof err),
	                 STORE_OK);
	store_set_default_zone(st, "Europe/Berlin");
	add_tag(&e, "design");
	assert_int_equal(store_insert_entry(st, ALICE, &e), STORE_OK);
	e = entry("globex", JUNE2_9 + 86400, JUNE2_9 + 86400 + 3600);
	assert_int_equal(store_insert_entry(st, BOB, &e), STORE_OK);
	return st;
}

/*
 * A zero-length entry at a midnight counts for the spelling of its name
 * only where the report over entries counts it: inside the range, not at
 * its first second. Berlin: 1 June 2025 00:00, 2 June 00:00 (the zero-
 * length "ACME"), 2 June 06:00, 3 June 00:00.
 */
static void report__spells_as_the_entries_do__with_zero_length_entries_at_midnight(
	void **state)
{
	static struct report_text r;
	const int64_t jun1 = 1748728800, jun2 = 1748815200, jun3 = 1748901600;
	const int64_t from_jun2[] = { jun2, jun3 };
	const int64_t by_day[] = { jun1, jun2, jun3 };
	const int64_t to_6am[] = { jun1, jun2, jun2 + 6 * 3600 };
	struct store_entry e;
	store *st = NULL;
	char err[512];

	(void)state;
	assert_int_equal(store_open(":memory:", &st, err, sizeof err),
	                 STORE_OK);
	store_set_default_zone(st, "Europe/Berlin");
	e = entry("acme", jun2 + 3600, jun2 + 2 * 3600);
	assert_int_equal(store_insert_entry(st, ALICE, &e), STORE_OK);
	e = entry("ACME", jun2, jun2);
	assert_int_equal(store_insert_entry(st, ALICE, &e), STORE_OK);
	e = entry("acme", jun2 + 9 * 3600, jun2 + 17 * 3600);
	assert_int_equal(store_insert_entry(st, ALICE, &e), STORE_OK);

	/* From its own second: left out, the next entry spells. */
	expect_same(st, ALICE, from_jun2, 2, jun3, STORE_BY_PROJECT, NULL,
	            "from the zero-length entry");
	assert_int_equal(report_of(st, ALICE, from_jun2, 2, jun3,
	                           STORE_BY_PROJECT, NULL, true, &r), STORE_OK);
	assert_string_equal(r.buf, "0|acme|32400\n");
	/* Inside the range (a bucket starts there): it spells. */
	expect_same(st, ALICE, by_day, 3, jun3, STORE_BY_PROJECT, NULL,
	            "by day");
	assert_int_equal(report_of(st, ALICE, by_day, 3, jun3,
	                           STORE_BY_PROJECT, NULL, true, &r), STORE_OK);
	assert_string_equal(r.buf, "1|ACME|32400\n");
	/* At the start of a part day that the entries answer. */
	expect_same(st, ALICE, to_6am, 3, jun3, STORE_BY_PROJECT, NULL,
	            "a part day from it");
	assert_int_equal(report_of(st, ALICE, to_6am, 3, jun3,
	                           STORE_BY_PROJECT, NULL, true, &r), STORE_OK);
	assert_string_equal(r.buf, "1|ACME|3600\n");
	store_close(st);
}

static void check__fails_naming_the_user__when_a_rollup_row_differs(
	void **state)
{
	store *st = berlin_store_with_a_day();

	(void)state;
	expect_sound(st);
	exec(st, "UPDATE rollup_projects SET secs = secs + 60 WHERE user_id ="
	         " (SELECT id FROM users WHERE jid = '" ALICE "')");
	assert_int_equal(store_check(st), STORE_ERR);
	assert_non_null(strstr(store_errmsg(st), ALICE));
	assert_non_null(strstr(store_errmsg(st), "2025-06-02"));
	assert_non_null(strstr(store_errmsg(st), "acme"));
	assert_null(strstr(store_errmsg(st), BOB));
	/* The repair builds it anew. */
	assert_int_equal(store_begin(st), STORE_OK);
	assert_int_equal(store_rollup_rebuild(st), STORE_OK);
	assert_int_equal(store_commit(st), STORE_OK);
	expect_sound(st);
	store_close(st);
}

/*
 * The check goes through the users in chunks, each in a transaction of
 * its own (rollup_check.c): a difference in the first user, in the last
 * of a chunk, in the first of the next and in the very last is found and
 * named, and the check leaves no transaction open and nothing changed.
 */
static void check__finds_a_difference__in_any_chunk_of_users(void **state)
{
	static const int spoilt[] = { 1, 16, 17, 40 };
	char jid[64], sql[256];
	struct store_entry e;
	store *st = NULL;
	char err[512];
	size_t k;
	int u;

	(void)state;
	assert_int_equal(store_open(":memory:", &st, err, sizeof err),
	                 STORE_OK);
	store_set_default_zone(st, "Europe/Berlin");
	for (u = 1; u <= 40; u++) {
		snprintf(jid, sizeof jid, "user%d@example.org", u);
		e = entry("acme", JUNE2_9 + u * 60, JUNE2_9 + u * 60 + 3600);
		assert_int_equal(store_insert_entry(st, jid, &e), STORE_OK);
	}
	expect_sound(st);
	for (k = 0; k < sizeof spoilt / sizeof spoilt[0]; k++) {
		snprintf(sql, sizeof sql, "UPDATE rollup_projects SET secs ="
		         " secs + 60 WHERE user_id = (SELECT id FROM users"
		         " WHERE jid = 'user%d@example.org')", spoilt[k]);
		exec(st, sql);
		assert_int_equal(store_check(st), STORE_ERR);
		snprintf(jid, sizeof jid, "of user%d@example.org ", spoilt[k]);
		if (strstr(store_errmsg(st), jid) == NULL)
			fail_msg("user%d: %s", spoilt[k], store_errmsg(st));
		assert_int_equal(number(st, "SELECT count(*) FROM rollup_projects"
		                            " WHERE secs = 3660"), 1);
		snprintf(sql, sizeof sql, "UPDATE rollup_projects SET secs ="
		         " secs - 60 WHERE user_id = (SELECT id FROM users"
		         " WHERE jid = 'user%d@example.org')", spoilt[k]);
		exec(st, sql);
		expect_sound(st);
	}
	assert_true(sqlite3_get_autocommit(st->db));
	store_close(st);
}

static void check__fails__when_a_tag_row_is_missing(void **state)
{
	store *st = berlin_store_with_a_day();

	(void)state;
	exec(st, "DELETE FROM rollup_tags WHERE tag = 'design'");
	assert_int_equal(store_check(st), STORE_ERR);
	assert_non_null(strstr(store_errmsg(st), "design"));
	store_close(st);
}

static void report__reads_whole_days_from_the_rollup__when_it_has_them(
	void **state)
{
	static struct report_text a, b;
	store *st = berlin_store_with_a_day();

	(void)state;
	/* A rollup that says 60 s more shows in the report of the year: it
	 * was read, not the entry. */
	exec(st, "UPDATE rollup_projects SET secs = secs + 60");
	assert_int_equal(report_of(st, ALICE, year2025, 2, JUNE2_9, STORE_BY_NONE,
	                        NULL, true, &a), STORE_OK);
	assert_string_equal(a.buf, "0||28860\n");
	assert_int_equal(report_of(st, ALICE, year2025, 2, JUNE2_9, STORE_BY_NONE,
	                        NULL, false, &b), STORE_OK);
	assert_string_equal(b.buf, "0||28800\n");
	store_close(st);
}

static void rollup__is_kept_in_the_transaction__of_each_change(void **state)
{
	store *st = berlin_store_with_a_day();
	struct store_entry e;

	(void)state;
	assert_int_equal(number(st, "SELECT count(*) FROM rollup_dirty"), 0);
	assert_int_equal(number(st, "SELECT sum(secs) FROM rollup_projects"
	                            " WHERE user_id = 1"), 8 * 3600);
	/* A break, inside a transaction: up to date at its commit. */
	assert_int_equal(store_begin_change(st, ALICE, "break", JUNE2_9),
	                 STORE_OK);
	assert_int_equal(store_add_break(st, ALICE, 1, JUNE2_9 + 3600,
	                                 JUNE2_9 + 5400, &e), STORE_OK);
	assert_int_equal(store_commit(st), STORE_OK);
	assert_int_equal(number(st, "SELECT count(*) FROM rollup_dirty"), 0);
	assert_int_equal(number(st, "SELECT sum(secs) FROM rollup_projects"
	                            " WHERE user_id = 1"), 8 * 3600 - 1800);
	/* Undone: back to eight hours. */
	assert_int_equal(store_undo(st, ALICE, NULL, 0, NULL), STORE_OK);
	assert_int_equal(number(st, "SELECT sum(secs) FROM rollup_projects"
	                            " WHERE user_id = 1"), 8 * 3600);
	expect_sound(st);
	store_close(st);
}

static void check__builds_the_rollup__of_entries_inserted_with_raw_sql(
	void **state)
{
	store *st = berlin_store_with_a_day();

	(void)state;
	/* As bench/gen.py writes them. */
	exec(st, "INSERT INTO users (jid, next_seq) VALUES ('carol@x', 2);"
	         "INSERT INTO entries (user_id, seq, project, start, stop)"
	         " VALUES ((SELECT id FROM users WHERE jid = 'carol@x'), 1,"
	         " 'acme', 1748847600, 1748851200)");
	assert_true(number(st, "SELECT count(*) FROM rollup_dirty") > 0);
	/* Pending: the report reads the entries, and is right. */
	expect_same(st, "carol@x", year2025, 2, JUNE2_9, STORE_BY_PROJECT,
	            NULL, "pending");
	expect_sound(st); /* builds it */
	assert_int_equal(number(st, "SELECT count(*) FROM rollup_dirty"), 0);
	assert_int_equal(number(st, "SELECT secs FROM rollup_projects AS r"
	                            " JOIN users AS u ON u.id = r.user_id"
	                            " WHERE u.jid = 'carol@x'"), 3600);
	store_close(st);
}

/*
 * Every statement on entries, their tags and their breaks notes its span
 * (schema.sql's triggers), whoever runs it: after each raw change below,
 * the check (which builds what is pending) finds the rollup equal to the
 * entries.
 */
static void rollup__follows_every_kind_of_write__made_with_plain_sql(
	void **state)
{
	static const char *const changes[] = {
		"INSERT INTO entry_tags VALUES (1, 'review')",
		"UPDATE entry_tags SET tag = 'Review' WHERE tag = 'review'",
		"DELETE FROM entry_tags WHERE tag = 'design'",
		"INSERT INTO entry_breaks VALUES (1, 1748851200, 1748853000)",
		"UPDATE entry_breaks SET stop = 1748854800",
		"DELETE FROM entry_breaks",
		"UPDATE entries SET project = 'Globex' WHERE id = 1",
		"UPDATE entries SET start = start - 86400 WHERE id = 1",
		"INSERT INTO entries (user_id, seq, project, start, stop)"
		" VALUES (1, 9, 'acme', 1748900000, 1748990000)",
		"DELETE FROM entries WHERE id = 1",
	};
	store *st = berlin_store_with_a_day();
	size_t i;

	(void)state;
	for (i = 0; i < sizeof changes / sizeof changes[0]; i++) {
		exec(st, changes[i]);
		if (store_check(st) != STORE_OK)
			fail_msg("after %s: %s", changes[i], store_errmsg(st));
		assert_int_equal(number(st, "SELECT count(*) FROM rollup_dirty"),
		                 0);
	}
	store_close(st);
}

/* Leaves st's rollup as the migration to schema 10 does: nothing built,
 * and a row (2, 0) for each user with a stopped entry. */
static void as_migrated(store *st)
{
	exec(st, "DELETE FROM rollup_projects; DELETE FROM rollup_tags;"
	         "DELETE FROM rollup_users;"
	         "INSERT INTO rollup_dirty (user_id, lo, hi)"
	         " SELECT DISTINCT user_id, 2, 0 FROM entries"
	         " WHERE stop IS NOT NULL");
}

/*
 * After the migration to schema 10 every user with entries is pending
 * (rows (2, 0), as store_migration_9 writes them): another user's change
 * builds only that user, a pending user's reports read the entries, and
 * the check builds the rest.
 */
static void migration__leaves_users_pending__until_the_check_or_their_change(
	void **state)
{
	store *st = berlin_store_with_a_day();
	struct store_entry e = entry("globex", JUNE2_9 + 2 * 86400,
	                             JUNE2_9 + 2 * 86400 + 600);

	(void)state;
	as_migrated(st);
	assert_int_equal(store_insert_entry(st, BOB, &e), STORE_OK);
	assert_int_equal(number(st, "SELECT count(*) FROM rollup_users AS r"
	                            " JOIN users AS u ON u.id = r.user_id"
	                            " WHERE u.jid = '" BOB "'"), 1);
	assert_int_equal(number(st, "SELECT count(*) FROM rollup_users"), 1);
	expect_same(st, ALICE, year2025, 2, JUNE2_9, STORE_BY_TAG, NULL,
	            "pending after the migration");
	expect_sound(st);
	assert_int_equal(number(st, "SELECT count(*) FROM rollup_users"), 2);
	assert_int_equal(number(st, "SELECT count(*) FROM rollup_dirty"), 0);
	store_close(st);
}

/*
 * The quick check before a start keeps the migration's promise: it builds
 * every user the migration left pending, as the whole check does first,
 * and so a report reads the rollup again.
 */
static void check_quick__builds_the_users__the_migration_left_pending(
	void **state)
{
	store *st = berlin_store_with_a_day();

	(void)state;
	as_migrated(st);
	if (store_check_quick(st) != STORE_OK)
		fail_msg("quick check: %s", store_errmsg(st));
	assert_int_equal(number(st, "SELECT count(*) FROM rollup_dirty"), 0);
	assert_int_equal(number(st, "SELECT count(*) FROM rollup_users"), 2);
	assert_int_equal(number(st, "SELECT sum(secs) FROM rollup_projects"),
	                 9 * 3600);
	expect_sound(st);
	store_close(st);
}

/* Its own read is one path down each table, not the table: its time
 * must not grow with the history. */
static void check_quick__reads_the_newest_rows__without_a_scan(void **state)
{
	store *st = berlin_store_with_a_day();
	char plan[1024];

	(void)state;
	assert_int_equal(store_explain(st, "check-quick-newest", plan,
	                               sizeof plan), STORE_OK);
	if (strstr(plan, "SEARCH users") == NULL ||
	    strstr(plan, "SEARCH entries") == NULL ||
	    strstr(plan, "SCAN users") != NULL ||
	    strstr(plan, "SCAN entries") != NULL)
		fail_msg("unexpected plan:\n%s", plan);
	store_close(st);
}

/* What the quick check does not read: a rollup row that differs from the
 * entries passes it, and the whole check names it. */
static void check_quick__passes_a_differing_rollup_row__that_check_finds(
	void **state)
{
	store *st = berlin_store_with_a_day();

	(void)state;
	exec(st, "UPDATE rollup_projects SET secs = secs + 60");
	assert_int_equal(store_check_quick(st), STORE_OK);
	assert_int_equal(store_check(st), STORE_ERR);
	assert_non_null(strstr(store_errmsg(st), ALICE));
	store_close(st);
}

static void rollup__is_rebuilt_in_the_new_zone__when_the_user_changes_zone(
	void **state)
{
	store *st = berlin_store_with_a_day();
	char zone[64] = "";

	(void)state;
	assert_int_equal(store_begin(st), STORE_OK);
	assert_int_equal(store_set_user_tz(st, ALICE, "Asia/Kolkata"), STORE_OK);
	assert_int_equal(store_commit(st), STORE_OK);
	assert_int_equal(store_rollup_zone(st, 1, true, zone, sizeof zone),
	                 STORE_OK);
	assert_string_equal(zone, "Asia/Kolkata");
	/* The day in Kolkata begins at 18:30 UTC the evening before. */
	assert_int_equal(number(st, "SELECT day FROM rollup_projects"
	                            " WHERE user_id = 1"), 1748802600);
	expect_sound(st);
	store_close(st);
}

/*
 * Eight users, each with an entry a week for two years in a zone of
 * their own: the check rebuilds each user's 730 days through
 * temp.rollup_days, emptied between users. On PostgreSQL its DELETEs
 * leave dead rows until a TRUNCATE (pg_sql.c, past 4,096 of them): the
 * check passes there too, twice, and the reports equal the entries.
 */
static void check__passes__for_many_users_with_long_histories(void **state)
{
	static const char *const zones[] = { "Europe/Berlin",
		"America/New_York", "Asia/Kolkata", "Australia/Lord_Howe" };
	static const char *const users[] = { "u1@example.org",
		"u2@example.org", "u3@example.org", "u4@example.org",
		"u5@example.org", "u6@example.org", "u7@example.org",
		"u8@example.org" };
	const int64_t from = 1672531200; /* 2023-01-01 00:00 UTC */
	const int64_t to = from + 2 * 365 * 86400;
	const int64_t bounds[] = { from - 86400, to + 86400 };
	struct store_entry e;
	store *st = *state;
	int64_t t;
	size_t u;

	store_set_default_zone(st, "Europe/Berlin");
	assert_int_equal(store_begin(st), STORE_OK);
	for (u = 0; u < sizeof users / sizeof users[0]; u++) {
		assert_int_equal(store_set_user_tz(st, users[u],
		                 zones[u % 4]), STORE_OK);
		for (t = from + (int64_t)u * 3600; t < to; t += 7 * 86400) {
			/* Across midnight UTC, so that zones differ. */
			e = entry(u % 2 ? "acme" : "Globex", t + 20 * 3600,
			          t + 26 * 3600);
			add_tag(&e, "design");
			assert_int_equal(store_insert_entry(st, users[u], &e),
			                 STORE_OK);
		}
	}
	assert_int_equal(store_commit(st), STORE_OK);
	expect_sound(st);
	expect_sound(st);
	for (u = 0; u < sizeof users / sizeof users[0]; u++)
		expect_same(st, users[u], bounds, 2, to + 86400, STORE_BY_TAG,
		            NULL, zones[u % 4]);
}

int main(void)
{
	/* The first ON_PG use the store alone: with $TIMMY_TEST_PG, they
	 * run on PostgreSQL and the rest, which look into SQLite's file,
	 * do not. */
	enum { ON_PG = 5 };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		  rollup__reports_equal_the_entries__in_random_histories_berlin),
		cmocka_unit_test(
		  rollup__reports_equal_the_entries__in_random_histories_new_york),
		cmocka_unit_test(
		  rollup__reports_equal_the_entries__in_random_histories_kolkata),
		cmocka_unit_test(
		  rollup__reports_equal_the_entries__in_random_histories_lord_howe),
		cmocka_unit_test_setup_teardown(
		  check__passes__for_many_users_with_long_histories,
		  open_memory, close_store),
		cmocka_unit_test(
		  report__spells_as_the_entries_do__with_zero_length_entries_at_midnight),
		cmocka_unit_test(
		  check__fails_naming_the_user__when_a_rollup_row_differs),
		cmocka_unit_test(check__fails__when_a_tag_row_is_missing),
		cmocka_unit_test(check__finds_a_difference__in_any_chunk_of_users),
		cmocka_unit_test(
		  report__reads_whole_days_from_the_rollup__when_it_has_them),
		cmocka_unit_test(
		  rollup__is_kept_in_the_transaction__of_each_change),
		cmocka_unit_test(
		  check__builds_the_rollup__of_entries_inserted_with_raw_sql),
		cmocka_unit_test(
		  rollup__follows_every_kind_of_write__made_with_plain_sql),
		cmocka_unit_test(
		  migration__leaves_users_pending__until_the_check_or_their_change),
		cmocka_unit_test(
		  check_quick__builds_the_users__the_migration_left_pending),
		cmocka_unit_test(check_quick__reads_the_newest_rows__without_a_scan),
		cmocka_unit_test(
		  check_quick__passes_a_differing_rollup_row__that_check_finds),
		cmocka_unit_test(
		  rollup__is_rebuilt_in_the_new_zone__when_the_user_changes_zone),
	};

	return _cmocka_run_group_tests("tests", tests, on_postgresql() ?
	                               ON_PG : sizeof tests / sizeof tests[0],
	                               NULL, NULL);
}
