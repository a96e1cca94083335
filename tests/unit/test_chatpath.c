/*
 * tests/unit/test_chatpath.c - what one chat command costs the database:
 * the writes and reads cmd_exec makes around a command with a message key
 * (the exactly-once bookkeeping of storage/messages.c), counted with
 * SQLite's commit hook on the store's own connection (store_int.h).
 * Behaviour, not timing: a change is one commit with its key and reply,
 * a read is none.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../../storage/store_int.h"
#include "../../storage/store_test.h"
#include "cmd_fixture.h"

#define T0 INT64_C(1795615200) /* Wed 25 Nov 2026 14:00:00 UTC */
#define KEY1 "1111111111111111111111111111111111111111"
#define KEY2 "2222222222222222222222222222222222222222"
#define KEY3 "3333333333333333333333333333333333333333"

static int commits;
static int begins; /* BEGIN statements run */

static int
count_commit(void *arg)
{
	(void)arg;
	commits++;
	return 0; /* 0: let it commit */
}

/* SQLITE_TRACE_STMT: a statement starts. */
static int
count_statement(unsigned type, void *ctx, void *p, void *x)
{
	const char *sql = sqlite3_sql(p);

	(void)type, (void)ctx, (void)x;
	/* A trigger's statements come as comments ("-- ..."): not ours. */
	if (sql == NULL || strncmp(sql, "--", 2) == 0)
		return 0;
	if (strncmp(sql, "BEGIN", 5) == 0)
		begins++;
	return 0;
}

static int
setup(void **state)
{
	static struct cmd_fixture f;

	if (cmd_fixture_open_sqlite(&f, "alice@example.org") != 0)
		return -1;
	f.ctx.now = T0;
	sqlite3_commit_hook(f.st->db, count_commit, NULL);
	sqlite3_trace_v2(f.st->db, SQLITE_TRACE_STMT, count_statement, NULL);
	commits = begins = 0;
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	return cmd_fixture_close(*state);
}

/* Runs body under key at T0 + at and returns the reply. */
static const char *
run_key(struct cmd_fixture *f, int64_t at, const char *body, const char *key,
        enum cmd_status want)
{
	f->ctx.now = T0 + at;
	f->ctx.msg_key = key;
	assert_int_equal(cmd_exec(&f->ctx, body, &f->reply), want);
	f->ctx.msg_key = NULL;
	return text_str(&f->reply);
}

static void
cmd_exec__change_with_a_key__commits_once_with_its_reply(void **state)
{
	struct cmd_fixture *f = *state;
	char reply[CMD_REPLY_MAX + 1], saved[STORE_REPLY_MAX + 1];

	snprintf(reply, sizeof(reply), "%s",
	         run_key(f, 0, "start acme", KEY1, CMD_OK));
	/* The entry, the key and the reply: one commit, not one for the
	 * change and another for its reply. */
	assert_int_equal(commits, 1);
	assert_int_equal(sqlite3_get_autocommit(f->st->db), 1);
	assert_int_equal(store_msg_seen(f->st, "alice@example.org", KEY1, saved,
	                                sizeof(saved)), STORE_OK);
	assert_string_equal(saved, reply);

	/* The note of a message sent while we were offline comes after the
	 * handler's reply, and is saved with it all the same. */
	f->ctx.offline = true;
	snprintf(reply, sizeof(reply), "%s",
	         run_key(f, 600, "stop", KEY2, CMD_OK));
	f->ctx.offline = false;
	assert_non_null(strstr(reply, "while I was offline"));
	assert_int_equal(commits, 2);
	assert_string_equal(run_key(f, 900, "stop", KEY2, CMD_OK), reply);
	assert_int_equal(commits, 2);
}

static void
cmd_exec__read_or_refusal_with_a_key__commits_nothing_and_leaves_nothing_open(
	void **state)
{
	struct cmd_fixture *f = *state;
	char saved[8];

	run_key(f, 0, "status", KEY1, CMD_OK);
	run_key(f, 0, "stop", KEY2, CMD_REFUSED);
	assert_int_equal(commits, 0);
	assert_int_equal(sqlite3_get_autocommit(f->st->db), 1);
	assert_int_equal(store_msg_seen(f->st, "alice@example.org", KEY2, saved,
	                                sizeof(saved)), STORE_NOTFOUND);
	/* The refused message may try again, and then counts. */
	run_key(f, 60, "start acme", KEY3, CMD_OK);
	run_key(f, 120, "stop", KEY2, CMD_OK);
	assert_int_equal(commits, 2);
}

static void
cmd_exec__change_without_a_key__commits_once(void **state)
{
	struct cmd_fixture *f = *state;

	run_key(f, 0, "start acme", NULL, CMD_OK);
	assert_int_equal(commits, 1);
	assert_int_equal(sqlite3_get_autocommit(f->st->db), 1);
}

/* Inserts a stopped entry of project for owner, an hour from start. */
static void
entry(store *st, const char *owner, const char *project, int64_t start)
{
	struct store_entry e;

	memset(&e, 0, sizeof(e));
	snprintf(e.project, sizeof(e.project), "%s", project);
	e.start = start;
	e.stop = start + 3600;
	assert_int_equal(store_insert(st, owner, &e, NULL), STORE_OK);
}

static void
store_project_used__finds_any_spelling_of_the_owners_own_names_only(
	void **state)
{
	struct cmd_fixture *f = *state;

	entry(f->st, "alice@example.org", "Ärger", T0 - 86400);
	entry(f->st, "alice@example.org", "acme", T0 - 7200);
	entry(f->st, "bob@example.org", "globex", T0 - 7200);
	assert_int_equal(store_project_used(f->st, "alice@example.org", "acme"),
	                 STORE_OK);
	/* Case aside, Unicode's as well as ASCII's (store_same_name). */
	assert_int_equal(store_project_used(f->st, "alice@example.org", "ärger"),
	                 STORE_OK);
	assert_int_equal(store_project_used(f->st, "alice@example.org", "ACME"),
	                 STORE_OK);
	assert_int_equal(store_project_used(f->st, "alice@example.org", "acm"),
	                 STORE_NOTFOUND);
	assert_int_equal(store_project_used(f->st, "alice@example.org",
	                                    "globex"), STORE_NOTFOUND);
	assert_int_equal(store_project_used(f->st, "carol@example.org", "acme"),
	                 STORE_NOTFOUND);
}

static void
store_project_used__walks_the_owners_index_from_the_newest(void **state)
{
	struct cmd_fixture *f = *state;
	char plan[1024];

	assert_int_equal(store_explain(f->st, "project-used", plan, sizeof plan),
	                 STORE_OK);
	/* One range of the covering index, in its order: no table rows, no
	 * sort, no other user's entries. */
	if (strstr(plan, "COVERING INDEX entries_user_start (user_id=?)") ==
	        NULL || strstr(plan, "TEMP B-TREE") != NULL)
		fail_msg("unexpected plan of project-used:\n%s", plan);
}

static void
cmd_start__hints_at_a_typo_of_an_old_project__not_at_a_project_in_use(
	void **state)
{
	struct cmd_fixture *f = *state;

	entry(f->st, "alice@example.org", "acme", T0 - 86400 * 30);
	entry(f->st, "alice@example.org", "globex", T0 - 7200);
	assert_string_equal(run_key(f, 0, "start acmee", NULL, CMD_OK),
	                    "Started acmee at 14:00 (a new project; you have "
	                    "acme).");
	assert_string_equal(run_key(f, 600, "start Acme", NULL, CMD_OK),
	                    "Stopped acmee after 10m. Started Acme at 14:10.");
}

static void
cmd_stop__with_no_question_about_time_away__begins_one_transaction(
	void **state)
{
	struct cmd_fixture *f = *state;

	run_key(f, 0, "start acme", KEY1, CMD_OK);
	begins = 0;
	run_key(f, 600, "stop", KEY2, CMD_OK);
	/* The stop's own; the look for an open question is a plain read. */
	assert_int_equal(begins, 1);
	assert_int_equal(commits, 2);
}

static void
cmd_exec__status__reads_in_one_transaction_and_answers_as_before(void **state)
{
	struct cmd_fixture *f = *state;
	char before[CMD_REPLY_MAX + 1];

	run_key(f, 0, "start acme", KEY1, CMD_OK);
	snprintf(before, sizeof(before), "%s",
	         run_key(f, 600, "status", NULL, CMD_OK));
	assert_string_equal(before, "Running: acme since 14:00 (10m). "
	                            "Today: 10m.");
	begins = 0;
	/* With a key: its look-up, the zone, the running entry, the day's
	 * total: one BEGIN, one snapshot, nothing left open. */
	assert_string_equal(run_key(f, 600, "status", KEY2, CMD_OK), before);
	assert_int_equal(begins, 1);
	assert_int_equal(sqlite3_get_autocommit(f->st->db), 1);
	assert_int_equal(commits, 1);
	/* A change still begins its own write transaction after one. */
	run_key(f, 900, "stop", KEY3, CMD_OK);
	assert_int_equal(commits, 2);
}

static void
cmd_exec__zone_change__takes_effect_at_the_next_command(void **state)
{
	struct cmd_fixture *f = *state;

	run_key(f, 0, "start acme", NULL, CMD_OK);
	run_key(f, 60, "tz America/New_York", NULL, CMD_OK);
	assert_non_null(strstr(run_key(f, 60, "status", NULL, CMD_OK),
	                       "since 09:00"));
	run_key(f, 120, "tz Europe/Berlin", NULL, CMD_OK);
	assert_non_null(strstr(run_key(f, 120, "status", NULL, CMD_OK),
	                       "since 15:00"));
	run_key(f, 180, "tz America/New_York", NULL, CMD_OK);
	assert_non_null(strstr(run_key(f, 180, "status", NULL, CMD_OK),
	                       "since 09:00"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define C(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
		C(cmd_exec__change_with_a_key__commits_once_with_its_reply),
		C(cmd_exec__read_or_refusal_with_a_key__commits_nothing_and_leaves_nothing_open),
		C(cmd_exec__change_without_a_key__commits_once),
		C(store_project_used__finds_any_spelling_of_the_owners_own_names_only),
		C(store_project_used__walks_the_owners_index_from_the_newest),
		C(cmd_start__hints_at_a_typo_of_an_old_project__not_at_a_project_in_use),
		C(cmd_stop__with_no_question_about_time_away__begins_one_transaction),
		C(cmd_exec__status__reads_in_one_transaction_and_answers_as_before),
		C(cmd_exec__zone_change__takes_effect_at_the_next_command),
#undef C
	};

	return cmocka_run_group_tests_name("chat path", tests, NULL, NULL);
}
