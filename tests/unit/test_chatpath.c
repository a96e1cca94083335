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

#include "../../storage/store_int.h"
#include "cmd_fixture.h"

#define T0 INT64_C(1795615200) /* Wed 25 Nov 2026 14:00:00 UTC */
#define KEY1 "1111111111111111111111111111111111111111"
#define KEY2 "2222222222222222222222222222222222222222"
#define KEY3 "3333333333333333333333333333333333333333"

static int commits;

static int
count_commit(void *arg)
{
	(void)arg;
	commits++;
	return 0; /* 0: let it commit */
}

static int
setup(void **state)
{
	static struct cmd_fixture f;

	if (cmd_fixture_open(&f, "alice@example.org") != 0)
		return -1;
	f.ctx.now = T0;
	sqlite3_commit_hook(f.st->db, count_commit, NULL);
	commits = 0;
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define C(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
		C(cmd_exec__change_with_a_key__commits_once_with_its_reply),
		C(cmd_exec__read_or_refusal_with_a_key__commits_nothing_and_leaves_nothing_open),
		C(cmd_exec__change_without_a_key__commits_once),
#undef C
	};

	return cmocka_run_group_tests_name("chat path", tests, NULL, NULL);
}
