/*
 * tests/unit/test_export_slices.c - exports made in slices: the store's
 * cursor (rows in store_list_filtered's order, a few at a time, entries
 * that start at the same second included; counting without reading), the
 * snapshot a long export reads while the database changes, and the
 * export command (a user's, a team's) going on as a job (cmd_ctx.job)
 * whose reply and file are byte for byte those of the same export made
 * at once, cut short at the file's limit in the same words. The database is a file (a snapshot is a
 * second connection to it); now is injected.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../commands/cmd.h"
#include "../../commands/teams.h"
#include "../../storage/store_test.h"

/* Wed 25 Nov 2026 14:00:00 UTC */
#define T0 INT64_C(1795615200)
/* Wed 1 Jan 2025 00:00:00 UTC: the history starts here. */
#define BASE INT64_C(1735689600)

#define ALICE "alice@example.org"
#define BOB "bob@example.org"
#define CAROL "carol@example.org"

#define ALL_2025 "2025-01-01..2025-12-31"

struct fixture {
	char dir[64];
	char path[96];
	store *st;
};

static int
setup(void **state)
{
	static struct fixture f;
	char err[256];

	memset(&f, 0, sizeof(f));
	snprintf(f.dir, sizeof(f.dir), "/tmp/timmy-slices-XXXXXX");
	if (mkdtemp(f.dir) == NULL)
		return -1;
	snprintf(f.path, sizeof(f.path), "%s/timmy.db", f.dir);
	if (store_open(f.path, &f.st, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "store_open: %s\n", err);
		return -1;
	}
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	const char *suffix[] = { "", "-wal", "-shm" };
	char p[128];
	int rc = store_check(f->st) == STORE_OK ? 0 : -1;
	size_t i;

	store_close(f->st);
	for (i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", f->path, suffix[i]);
		unlink(p);
	}
	rmdir(f->dir);
	return rc;
}

/*
 * n entries of owner in 2025, in one transaction: three at a time start
 * at the same second (an hour apart), half an hour long, acme and
 * globex in turn, every fourth with tags, each with a note of about
 * note_len bytes (at most STORE_NOTE_MAX).
 */
static void
fill(store *st, const char *owner, int n, size_t note_len)
{
	struct store_entry e;
	size_t k, len;
	int i;

	assert_int_equal(store_begin(st), STORE_OK);
	for (i = 0; i < n; i++) {
		memset(&e, 0, sizeof(e));
		snprintf(e.project, sizeof(e.project), "%s",
		         i % 2 ? "globex" : "acme");
		if (i % 4 == 0) {
			snprintf(e.tags[0], sizeof(e.tags[0]), "design");
			snprintf(e.tags[1], sizeof(e.tags[1]), "t%d", i % 3);
			e.ntags = 2;
		}
		k = (size_t)snprintf(e.note, sizeof(e.note), "%d, \"quoted\" ", i);
		len = note_len < STORE_NOTE_MAX - k ? note_len : STORE_NOTE_MAX - k;
		memset(e.note + k, 'n', len);
		e.note[k + len] = '\0';
		e.start = BASE + (int64_t)(i / 3) * 3600;
		e.stop = e.start + 1800;
		assert_int_equal(store_insert(st, owner, &e, NULL), STORE_OK);
	}
	assert_int_equal(store_commit(st), STORE_OK);
}

/* Entry ids and owners as a listing passes them. */
struct seen {
	int64_t ids[512];
	char owners[512];
	size_t n;
};

static void
see(const char *owner, const struct store_entry *e, void *arg)
{
	struct seen *s = arg;

	assert_true(s->n < 512);
	s->owners[s->n] = owner[0];
	s->ids[s->n++] = e->id;
}

/* The whole of 2025 through a cursor on st, max rows at a time. */
static void
read_all(store *st, const char *owner, size_t max, struct seen *out)
{
	struct store_cursor *c;
	size_t n;

	memset(out, 0, sizeof(*out));
	assert_int_equal(store_cursor_open(st, owner, BASE, BASE + 365 * 86400,
	                                   T0, NULL, false, &c), STORE_OK);
	do {
		assert_int_equal(store_cursor_next(c, max, see, out, &n),
		                 STORE_OK);
		assert_true(n <= max);
		assert_true(n == max || store_cursor_done(c));
	} while (!store_cursor_done(c));
	store_cursor_close(c);
}

static void
assert_same(const struct seen *a, const struct seen *b)
{
	assert_int_equal(a->n, b->n);
	assert_memory_equal(a->ids, b->ids, a->n * sizeof(a->ids[0]));
	assert_memory_equal(a->owners, b->owners, a->n);
}

static void
store_cursor__passes_the_rows_of_the_listing_in_its_order__when_read_a_few_at_a_time(
	void **state)
{
	struct fixture *f = *state;
	struct seen whole, sliced;
	const char *owners[] = { ALICE, NULL };
	size_t max[] = { 1, 2, 5, 1000 };
	size_t i, k;
	int64_t total;

	fill(f->st, ALICE, 40, 8);
	fill(f->st, BOB, 10, 8);
	for (i = 0; i < 2; i++) {
		memset(&whole, 0, sizeof(whole));
		assert_int_equal(store_list_filtered(f->st, owners[i], BASE,
		                                     BASE + 365 * 86400, T0, NULL,
		                                     0, see, &whole, &total),
		                 STORE_OK);
		assert_int_equal(whole.n, owners[i] ? 40 : 50);
		for (k = 0; k < 4; k++) {
			read_all(f->st, owners[i], max[k], &sliced);
			assert_same(&whole, &sliced);
		}
	}
}

static void
store_cursor__counts_what_the_listing_passes__when_it_only_counts(
	void **state)
{
	struct fixture *f = *state;
	struct store_filter acme = { { "ACME" }, 1, { 0 }, 0, NULL };
	struct store_filter design = { { 0 }, 0, { "Design" }, 1, NULL };
	const struct store_filter *filters[] = { &acme, &design };
	struct store_cursor *c;
	struct store_entry e;
	struct seen s;
	size_t n, k;

	fill(f->st, ALICE, 40, 8);
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_cursor_open(f->st, ALICE, BASE, T0, T0, &acme,
	                                   false, &c), STORE_OK);
	assert_int_equal(store_cursor_next(c, 3, see, &s, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(store_cursor_next(c, SIZE_MAX, NULL, NULL, &n),
	                 STORE_OK);
	assert_int_equal(n, 17);
	assert_true(store_cursor_done(c));
	store_cursor_close(c);

	/* A cursor that only counts, the running entry and a tag filter
	 * included, counts what the listing passes; and takes no callback. */
	memset(&e, 0, sizeof(e));
	snprintf(e.project, sizeof(e.project), "acme");
	e.start = T0 - 600;
	assert_int_equal(store_insert(f->st, ALICE, &e, NULL), STORE_OK);
	for (k = 0; k < 2; k++) {
		memset(&s, 0, sizeof(s));
		assert_int_equal(store_list_filtered(f->st, ALICE, BASE, T0, T0,
		                                     filters[k], 0, see, &s, NULL),
		                 STORE_OK);
		assert_int_equal(store_cursor_open(f->st, ALICE, BASE, T0, T0,
		                                   filters[k], true, &c),
		                 STORE_OK);
		assert_int_equal(store_cursor_next(c, 5, NULL, NULL, &n), STORE_OK);
		assert_int_equal(n, 5);
		assert_int_equal(store_cursor_next(c, SIZE_MAX, NULL, NULL, &n),
		                 STORE_OK);
		assert_int_equal(n + 5, s.n);
		store_cursor_close(c);
	}
	assert_int_equal(s.n, 10); /* +design: every fourth of 40 */
	assert_int_equal(store_cursor_open(f->st, ALICE, BASE, T0, T0, NULL,
	                                   true, &c), STORE_OK);
	assert_int_equal(store_cursor_next(c, 5, see, &s, &n), STORE_ERR);
	store_cursor_close(c);

	/* One who never wrote: done at once. */
	assert_int_equal(store_cursor_open(f->st, "nobody@example.org", BASE,
	                                   T0, T0, NULL, false, &c), STORE_OK);
	assert_true(store_cursor_done(c));
	assert_int_equal(store_cursor_next(c, 5, see, &s, &n), STORE_OK);
	assert_int_equal(n, 0);
	store_cursor_close(c);
}

static void
store_snapshot__reads_the_entries_as_they_were__when_they_change_between_slices(
	void **state)
{
	struct fixture *f = *state;
	struct seen before, during, after;
	struct store_cursor *c;
	struct store_entry e;
	store *snap;
	size_t n;

	fill(f->st, ALICE, 30, 8);
	read_all(f->st, ALICE, 1000, &before);
	assert_int_equal(store_snapshot_open(f->st, &snap), STORE_OK);
	memset(&during, 0, sizeof(during));
	assert_int_equal(store_cursor_open(snap, ALICE, BASE,
	                                   BASE + 365 * 86400, T0, NULL, false,
	                                   &c), STORE_OK);
	assert_int_equal(store_cursor_next(c, 4, see, &during, &n), STORE_OK);

	/* Between two slices: one entry not read yet goes, one comes at
	 * the start of the year (before the place the cursor reached) and
	 * one at its end; and the snapshot is taken again elsewhere. */
	assert_int_equal(store_delete(f->st, ALICE, 20, NULL), STORE_OK);
	memset(&e, 0, sizeof(e));
	snprintf(e.project, sizeof(e.project), "late");
	e.start = BASE - 600;
	e.stop = BASE + 600;
	assert_int_equal(store_insert(f->st, ALICE, &e, NULL), STORE_OK);
	e.start = BASE + 200 * 86400;
	e.stop = e.start + 60;
	assert_int_equal(store_insert(f->st, ALICE, &e, NULL), STORE_OK);

	do
		assert_int_equal(store_cursor_next(c, 4, see, &during, &n),
		                 STORE_OK);
	while (!store_cursor_done(c));
	store_cursor_close(c);
	assert_same(&before, &during);
	/* The snapshot holds for the next listing on it too. */
	read_all(snap, ALICE, 7, &during);
	assert_same(&before, &during);
	store_close(snap);

	read_all(f->st, ALICE, 1000, &after);
	assert_int_equal(after.n, 31);
}

static void
store_snapshot__is_not_found__for_a_database_in_memory(void **state)
{
	store *mem, *snap = (store *)1;
	char err[256];

	(void)state;
	assert_int_equal(store_open(":memory:", &mem, err, sizeof(err)),
	                 STORE_OK);
	assert_int_equal(store_snapshot_open(mem, &snap), STORE_NOTFOUND);
	assert_null(snap);
	store_close(mem);
}

static void
store_snapshot__is_not_found__while_a_transaction_is_open(void **state)
{
	struct fixture *f = *state;
	store *snap;

	assert_int_equal(store_begin(f->st), STORE_OK);
	assert_int_equal(store_snapshot_open(f->st, &snap), STORE_NOTFOUND);
	store_rollback(f->st);
	assert_int_equal(store_snapshot_open(f->st, &snap), STORE_OK);
	store_close(snap);
}

/* What an export command gives: its status, reply and file. */
struct answer {
	enum cmd_status rc;
	struct text reply;
	struct cmd_file file;
	int slices; /* cmd_job_step calls it took; 0: it ended at once */
};

/* web: alice and bob, led by carol, sharing acme and globex. */
static char *web_members[] = { (char *)ALICE, (char *)BOB };
static char *web_leads[] = { (char *)CAROL };
static char *web_projects[] = { (char *)"acme", (char *)"globex" };
static struct team web = { (char *)"web", web_members, 2, web_leads, 1,
                           web_projects, 2, NULL, -1 };
static const struct teams teams = { &web, 1 };

/* The sender of run's commands. */
static const char *sender = ALICE;

/* Runs body as sender's command at T0, at once (budget 0) or in slices
 * of budget entries each, into a (answer_free after). */
static void
run(store *st, const char *body, size_t budget, struct answer *a)
{
	struct cmd_job *job = NULL;
	struct cmd_ctx ctx;
	bool more;

	memset(&ctx, 0, sizeof(ctx));
	ctx.st = st;
	ctx.owner = sender;
	ctx.teams = &teams;
	ctx.now = T0;
	ctx.tz = "Europe/Berlin";
	ctx.bot_jid = "timmy@example.org";
	ctx.file = &a->file;
	ctx.job = budget > 0 ? &job : NULL;
	text_init(&a->reply, CMD_REPLY_MAX);
	cmd_file_init(&a->file);
	a->slices = 0;
	a->rc = cmd_exec(&ctx, body, &a->reply);
	if (job == NULL)
		return;
	/* Going on: the command said nothing yet, and made no file. */
	assert_int_equal(a->rc, CMD_OK);
	assert_int_equal(a->reply.len, 0);
	assert_false(a->file.present);
	do {
		more = cmd_job_step(job, budget, &a->reply, &a->file, &a->rc);
		a->slices++;
	} while (more);
	cmd_job_free(job);
}

static void
answer_free(struct answer *a)
{
	text_free(&a->reply);
	cmd_file_free(&a->file);
}

/* body's answer in slices of budget equals its answer at once; returns
 * how many slices it took. */
static int
assert_same_answer(store *st, const char *body, size_t budget)
{
	struct answer once, sliced;
	int slices;

	run(st, body, 0, &once);
	run(st, body, budget, &sliced);
	assert_int_equal(sliced.rc, once.rc);
	assert_string_equal(text_str(&sliced.reply), text_str(&once.reply));
	assert_int_equal(sliced.file.present, once.file.present);
	assert_string_equal(sliced.file.name, once.file.name);
	assert_int_equal(sliced.file.body.len, once.file.body.len);
	assert_memory_equal(sliced.file.body.buf ? sliced.file.body.buf : "",
	                    once.file.body.buf ? once.file.body.buf : "",
	                    once.file.body.len);
	slices = sliced.slices;
	answer_free(&once);
	answer_free(&sliced);
	return slices;
}

static void
cmd_export__writes_the_same_reply_and_file_in_slices__as_at_once(
	void **state)
{
	struct fixture *f = *state;

	fill(f->st, ALICE, 1500, 20);
	/* Past the first slice the command does itself (256 entries). */
	assert_true(assert_same_answer(f->st, "export csv " ALL_2025, 7) > 100);
	assert_true(assert_same_answer(f->st, "export json " ALL_2025 " globex",
	                               50) > 1);
	assert_true(assert_same_answer(f->st, "export ical " ALL_2025
	                               " +design", 64) > 0);
	/* A short export ends in the command's own first slice. */
	assert_int_equal(assert_same_answer(f->st, "export ical " ALL_2025
	                                    " +t1", 64), 0);
	assert_int_equal(assert_same_answer(f->st, "export 2025-01-02", 7), 0);
	/* And one that finds nothing says so in the same words. */
	assert_int_equal(assert_same_answer(f->st, "export 2024-01-02", 7), 0);
	assert_int_equal(assert_same_answer(f->st, "export pdf", 7), 0);
}

static void
cmd_export__is_cut_short_in_the_same_words__when_the_file_fills_in_slices(
	void **state)
{
	struct fixture *f = *state;
	struct answer a;

	/* Some 4,300 entries of 1 KiB: more than CMD_FILE_MAX as CSV. */
	fill(f->st, ALICE, 4300, 1000);
	run(f->st, "export csv " ALL_2025, 64, &a);
	assert_int_equal(a.rc, CMD_OK);
	assert_non_null(strstr(text_str(&a.reply), " The export is cut short at "));
	assert_non_null(strstr(text_str(&a.reply), " entries (the limit is 100000 "
	                       "entries or 4 MiB); ask for a shorter period."));
	assert_true(a.file.body.len <= CMD_FILE_MAX);
	answer_free(&a);
	assert_same_answer(f->st, "export csv " ALL_2025, 64);
	assert_same_answer(f->st, "export json " ALL_2025, 1000);
}

static void
cmd_export_team__writes_the_same_reply_and_file_in_slices__as_at_once(
	void **state)
{
	struct fixture *f = *state;

	struct answer a;

	fill(f->st, ALICE, 700, 20);
	fill(f->st, BOB, 300, 20);
	sender = CAROL;
	run(f->st, "export csv team " ALL_2025, 9, &a);
	assert_int_equal(a.rc, CMD_OK);
	assert_non_null(strstr(text_str(&a.reply), ": 1000 entries as "));
	assert_true(a.slices > 50);
	assert_memory_equal(a.file.body.buf, "member,id,", 10);
	answer_free(&a);
	/* Four listings (two members, two projects each), in turn. */
	assert_true(assert_same_answer(f->st, "export csv team " ALL_2025, 9) >
	            50);
	assert_true(assert_same_answer(f->st, "export json team " ALL_2025
	                               " globex", 30) > 5);
	sender = ALICE;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			store_cursor__passes_the_rows_of_the_listing_in_its_order__when_read_a_few_at_a_time,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			store_cursor__counts_what_the_listing_passes__when_it_only_counts,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			store_snapshot__reads_the_entries_as_they_were__when_they_change_between_slices,
			setup, teardown),
		cmocka_unit_test(
			store_snapshot__is_not_found__for_a_database_in_memory),
		cmocka_unit_test_setup_teardown(
			store_snapshot__is_not_found__while_a_transaction_is_open,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			cmd_export__writes_the_same_reply_and_file_in_slices__as_at_once,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			cmd_export__is_cut_short_in_the_same_words__when_the_file_fills_in_slices,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			cmd_export_team__writes_the_same_reply_and_file_in_slices__as_at_once,
			setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
