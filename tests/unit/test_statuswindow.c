/*
 * tests/unit/test_statuswindow.c - one contact-list status per user per
 * window (bot/statuswindow.h), on an injected clock (ms): the first
 * change after a quiet spell goes out at once, the changes within the
 * window are owed and handed back once at its end, other users are
 * untouched, and the table empties when everyone is quiet.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../../bot/statuswindow.h"

#define W STATUSWINDOW_MS

/* What statuswindow_due handed back: the JIDs, in one string, each
 * followed by a space; and the window of each sent status. */
struct sent {
	struct statuswindow *w;
	int64_t now;
	char jids[256];
	int n;
};

/* The callback: notes jid and sends its status (statuswindow_sent). */
static void
send_one(const char *jid, void *arg)
{
	struct sent *s = arg;

	/* The first few: enough for the assertions that name them. */
	if (strlen(s->jids) + strlen(jid) + 2 <= sizeof(s->jids)) {
		strcat(s->jids, jid);
		strcat(s->jids, " ");
	}
	s->n++;
	statuswindow_sent(s->w, jid, s->now);
}

/* statuswindow_due at now into a fresh s; returns the users left. */
static size_t
due(struct statuswindow *w, int64_t now, struct sent *s)
{
	memset(s, 0, sizeof(*s));
	s->w = w;
	s->now = now;
	return statuswindow_due(w, now, send_one, s);
}

/* A change goes out at once; the next within the window waits. */
static void
test_change__goes_out_at_once__after_a_quiet_spell(void **state)
{
	struct statuswindow w = STATUSWINDOW_INIT;

	(void)state;
	assert_true(statuswindow_change(&w, "a@x", 5000));
	statuswindow_sent(&w, "a@x", 5000);
	assert_false(statuswindow_change(&w, "a@x", 5000 + W - 1));
	/* A whole window later: at once again. */
	statuswindow_clear(&w);
	assert_true(statuswindow_change(&w, "a@x", 5000));
	statuswindow_sent(&w, "a@x", 5000);
	assert_true(statuswindow_change(&w, "a@x", 5000 + W));
	statuswindow_clear(&w);
}

/* A burst of changes within the window: one status at its end. */
static void
test_due__hands_back_a_burst_once__at_the_end_of_the_window(void **state)
{
	struct statuswindow w = STATUSWINDOW_INIT;
	struct sent s;
	int i;

	(void)state;
	assert_true(statuswindow_change(&w, "a@x", 0));
	statuswindow_sent(&w, "a@x", 0);
	for (i = 1; i < 20; i++)
		assert_false(statuswindow_change(&w, "a@x", i * 10));
	/* Not before the window ends. */
	assert_int_equal(due(&w, W - 1, &s), 1);
	assert_int_equal(s.n, 0);
	assert_int_equal(due(&w, W, &s), 1);
	assert_string_equal(s.jids, "a@x ");
	/* Sent at W: nothing more owed, and within the new window a change
	 * waits again. */
	assert_int_equal(due(&w, W + 10, &s), 1);
	assert_int_equal(s.n, 0);
	assert_false(statuswindow_change(&w, "a@x", W + 20));
	assert_int_equal(due(&w, 2 * W, &s), 1);
	assert_string_equal(s.jids, "a@x ");
	/* Quiet for a window: forgotten. */
	assert_int_equal(due(&w, 3 * W, &s), 0);
	assert_int_equal(s.n, 0);
	assert_true(statuswindow_change(&w, "a@x", 3 * W));
	statuswindow_clear(&w);
}

/* One user's window does not hold up another's status. */
static void
test_change__goes_out_at_once__for_another_user_in_someone_elses_window(
    void **state)
{
	struct statuswindow w = STATUSWINDOW_INIT;
	struct sent s;

	(void)state;
	statuswindow_sent(&w, "a@x", 0);
	assert_false(statuswindow_change(&w, "a@x", 100));
	assert_true(statuswindow_change(&w, "b@x", 100));
	statuswindow_sent(&w, "b@x", 100);
	assert_false(statuswindow_change(&w, "b@x", 200));
	/* a's window ends first. */
	assert_int_equal(due(&w, W, &s), 2);
	assert_string_equal(s.jids, "a@x ");
	assert_int_equal(due(&w, W + 100, &s), 2);
	assert_string_equal(s.jids, "b@x ");
	statuswindow_clear(&w);
}

/* A handed back user whose status did not go out (the same text as
 * before) is dropped: their next change goes out at once. */
static void
drop_one(const char *jid, void *arg)
{
	(void)jid;
	(*(int *)arg)++;
}

static void
test_due__forgets_a_user__when_the_owed_status_did_not_go_out(void **state)
{
	struct statuswindow w = STATUSWINDOW_INIT;
	int calls = 0;

	(void)state;
	statuswindow_sent(&w, "a@x", 0);
	assert_false(statuswindow_change(&w, "a@x", 10));
	assert_int_equal(statuswindow_due(&w, W, drop_one, &calls), 0);
	assert_int_equal(calls, 1);
	assert_true(statuswindow_change(&w, "a@x", W + 1));
	statuswindow_clear(&w);
}

/* Many users: the table grows, and empties again when all are quiet. */
static void
test_due__empties_the_table__when_every_user_is_quiet(void **state)
{
	struct statuswindow w = STATUSWINDOW_INIT;
	struct sent s;
	char jid[32];
	int i;

	(void)state;
	for (i = 0; i < 100; i++) {
		snprintf(jid, sizeof(jid), "u%d@x", i);
		statuswindow_sent(&w, jid, i);
		if (i % 2)
			assert_false(statuswindow_change(&w, jid, i + 1));
	}
	assert_int_equal(due(&w, 100 + W, &s), 50);
	assert_int_equal(s.n, 50);
	assert_int_equal(due(&w, 100 + 2 * W, &s), 0);
	assert_int_equal(s.n, 0);
	statuswindow_clear(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_change__goes_out_at_once__after_a_quiet_spell),
		cmocka_unit_test(
		    test_due__hands_back_a_burst_once__at_the_end_of_the_window),
		cmocka_unit_test(
		    test_change__goes_out_at_once__for_another_user_in_someone_elses_window),
		cmocka_unit_test(
		    test_due__forgets_a_user__when_the_owed_status_did_not_go_out),
		cmocka_unit_test(
		    test_due__empties_the_table__when_every_user_is_quiet),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
