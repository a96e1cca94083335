/*
 * tests/unit/test_idle.c - the forgotten timer as function calls: the
 * moment a user left and the question about time away (storage/away.c),
 * the question's words, its answers and its expiry, and idle.action stop
 * (commands/idle.c), against a :memory: store at an injected "now".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../commands/idle.h"
#include "../../commands/prefs.h"
#include "cmd_fixture.h"

#define OWNER "alice@example.org"
#define MIN 60
#define HOUR 3600
/* Mon 2 Jun 2025 00:00:00 UTC */
#define DAY INT64_C(1748822400)
/* In Europe/Berlin (UTC+2 in June): 09:30, 18:32 and 20:42 local. */
#define START (DAY + 7 * HOUR + 30 * MIN)
#define LEFT (DAY + 16 * HOUR + 32 * MIN)
#define BACK (DAY + 18 * HOUR + 42 * MIN)

struct fx {
	struct cmd_fixture f;
	struct prefs prefs;
};

static int
setup(void **state)
{
	static struct fx x;

	if (cmd_fixture_open(&x.f, OWNER) != 0)
		return -1;
	prefs_builtin(&x.prefs);
	x.f.ctx.prefs = &x.prefs;
	x.f.ctx.tz = "Europe/Berlin";
	*state = &x;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *x = *state;

	return cmd_fixture_close(&x->f);
}

/* A running acme timer of the owner, begun at start; returns its id. */
static int64_t
running_since(struct fx *x, int64_t start)
{
	struct store_entry e;

	memset(&e, 0, sizeof(e));
	strcpy(e.project, "acme");
	e.start = start;
	assert_int_equal(store_insert_entry(x->f.st, OWNER, &e), STORE_OK);
	return e.id;
}

/* The owner leaves at left and comes back at back: what they are told. */
static const char *
away(struct fx *x, int64_t left, int64_t back)
{
	x->f.ctx.now = left;
	assert_int_equal(idle_left(&x->f.ctx, left), CMD_OK);
	x->f.ctx.now = back;
	assert_int_equal(idle_back(&x->f.ctx, &x->f.reply), CMD_OK);
	return text_str(&x->f.reply);
}

/* Runs body at now; returns the reply. */
static const char *
run(struct fx *x, int64_t now, const char *body, enum cmd_status want)
{
	x->f.ctx.now = now;
	assert_int_equal(cmd_exec(&x->f.ctx, body, &x->f.reply), want);
	return text_str(&x->f.reply);
}

static struct store_entry
entry(struct fx *x, int64_t seq)
{
	struct store_entry e;

	assert_int_equal(store_get(x->f.st, OWNER, seq, &e), STORE_OK);
	return e;
}

static void
idle_back__asks_in_the_users_zone__when_the_timer_ran_while_away(
        void **state)
{
	struct fx *x = *state;

	running_since(x, START);
	assert_string_equal(away(x, LEFT, BACK),
	                    "acme has been running while you were away since "
	                    "18:32 (2h 10m). `stop` ends it at 18:32, `break` "
	                    "records 18:32-20:42 as a pause, `keep` keeps it "
	                    "all.");
	/* Asked once: the moment they left is gone with the question. */
	assert_int_equal(idle_back(&x->f.ctx, &x->f.reply), CMD_OK);
	assert_string_equal(text_str(&x->f.reply), "");
}

static void
idle_back__names_the_day__when_the_user_left_before_midnight(void **state)
{
	struct fx *x = *state;

	/* Sun 1 Jun 23:30 to Mon 2 Jun 01:40 in Berlin (21:30 to 23:40 UTC). */
	running_since(x, DAY - 4 * HOUR);
	assert_string_equal(away(x, DAY - 150 * MIN, DAY - 20 * MIN),
	                    "acme has been running while you were away since "
	                    "Sun 1 Jun 23:30 (2h 10m). `stop` ends it at Sun 1 "
	                    "Jun 23:30, `break` records Sun 1 Jun 23:30-01:40 "
	                    "as a pause, `keep` keeps it all.");
}

static void
idle_back__asks_nothing__when_away_shorter_than_idle_after(void **state)
{
	struct fx *x = *state;

	running_since(x, START);
	assert_string_equal(away(x, LEFT, LEFT + 15 * MIN - 1), "");
	/* The moment is forgotten all the same: back is back. */
	assert_string_equal(away(x, LEFT + 15 * MIN, LEFT + 15 * MIN), "");
}

static void
idle_back__asks_nothing__when_the_timer_was_paused_during_the_absence(
        void **state)
{
	struct fx *x = *state;

	running_since(x, START);
	assert_int_equal(store_pause(x->f.st, OWNER, LEFT + 10 * MIN, NULL),
	                 STORE_OK);
	assert_int_equal(store_resume(x->f.st, OWNER, LEFT + 20 * MIN, NULL),
	                 STORE_OK);
	assert_string_equal(away(x, LEFT, BACK), "");
}

static void
idle_back__asks_nothing__when_the_timer_began_after_the_user_left(
        void **state)
{
	struct fx *x = *state;

	running_since(x, LEFT + MIN);
	assert_string_equal(away(x, LEFT, BACK), "");
}

static void
idle_back__asks_nothing__when_idle_action_is_off(void **state)
{
	struct fx *x = *state;

	x->prefs.idle_action = PREFS_IDLE_OFF;
	running_since(x, START);
	assert_string_equal(away(x, LEFT, BACK), "");
}

static void
answer_stop__ends_the_entry_where_the_user_left__and_undo_takes_it_back(
        void **state)
{
	struct fx *x = *state;

	running_since(x, START);
	away(x, LEFT, BACK);
	assert_string_equal(run(x, BACK + MIN, "Stop", CMD_OK),
	                    "Stopped at 18:32, when you left: #1 acme "
	                    "09:30–18:32 (9h 02m).");
	assert_int_equal(entry(x, 1).stop, LEFT);
	/* Answered: the word means what it always meant. */
	assert_string_equal(run(x, BACK + 2 * MIN, "keep", CMD_REFUSED),
	                    "No question about time away is open. To pause the "
	                    "timer, say pause.");
	assert_string_equal(run(x, BACK + 3 * MIN, "undo", CMD_OK),
	                    "Undone: stop acme (away since 18:32) (done at "
	                    "20:43).");
	assert_int_equal(entry(x, 1).stop, 0);
}

static void
answer_break__records_the_absence_as_a_break(void **state)
{
	struct fx *x = *state;
	struct store_entry e;

	running_since(x, START);
	away(x, LEFT, BACK);
	assert_string_equal(run(x, BACK + MIN, "break", CMD_OK),
	                    "Recorded 18:32-20:42 as a break: #1 acme since "
	                    "09:30 (9h 03m, break 2h 10m, running).");
	e = entry(x, 1);
	assert_int_equal(e.nbreaks, 1);
	assert_int_equal(e.breaks[0].start, LEFT);
	assert_int_equal(e.breaks[0].stop, BACK);
	assert_int_equal(e.stop, 0);
	run(x, BACK + 2 * MIN, "undo", CMD_OK);
	assert_int_equal(entry(x, 1).nbreaks, 0);
}

static void
answer_keep__keeps_the_timer_and_forgets_the_question(void **state)
{
	struct fx *x = *state;
	struct store_prompt q;
	struct store_entry e;

	running_since(x, START);
	away(x, LEFT, BACK);
	assert_string_equal(run(x, BACK, "KEEP", CMD_OK),
	                    "Kept: acme runs on (since 09:30, 11h 12m).");
	assert_int_equal(store_prompt_get(x->f.st, OWNER, BACK, &q, &e),
	                 STORE_NOTFOUND);
	assert_int_equal(entry(x, 1).stop, 0);
}

static void
answers__are_ordinary_words__when_the_question_expired(void **state)
{
	struct fx *x = *state;
	int64_t late = BACK + IDLE_PROMPT_SECS;

	running_since(x, START);
	away(x, LEFT, BACK);
	assert_string_equal(run(x, late, "break", CMD_REFUSED),
	                    "No question about time away is open. To pause the "
	                    "timer, say pause.");
	/* stop is the plain command again: it ends the timer now. */
	run(x, late, "stop", CMD_OK);
	assert_int_equal(entry(x, 1).stop, late);
}

static void
answers__are_ordinary_words__with_more_words_after_them(void **state)
{
	struct fx *x = *state;

	running_since(x, START);
	away(x, LEFT, BACK);
	run(x, BACK + MIN, "stop at 20:00", CMD_OK);
	assert_int_equal(entry(x, 1).stop, BACK - 42 * MIN);
}

static void
answers__say_how_to_pause__when_break_or_keep_come_with_more_words(
        void **state)
{
	struct fx *x = *state;

	running_since(x, START);
	away(x, LEFT, BACK);
	assert_string_equal(run(x, BACK + MIN, "break 10m", CMD_REFUSED),
	                    "break and keep, alone, answer my question about "
	                    "time away. To pause the timer, say pause; to end "
	                    "it, stop.");
	assert_string_equal(run(x, BACK + MIN, "Keep going", CMD_REFUSED),
	                    "break and keep, alone, answer my question about "
	                    "time away. To pause the timer, say pause; to end "
	                    "it, stop.");
	/* The question is still open, and the timer untouched. */
	assert_int_equal(entry(x, 1).stop, 0);
	run(x, BACK + 2 * MIN, "keep", CMD_OK);
}

static void
idle_check__stops_the_timer_where_the_user_left__once_idle_after_passed(
        void **state)
{
	struct fx *x = *state;

	x->prefs.idle_action = PREFS_IDLE_STOP;
	running_since(x, START);
	x->f.ctx.now = LEFT;
	assert_int_equal(idle_left(&x->f.ctx, LEFT), CMD_OK);
	x->f.ctx.now = LEFT + 15 * MIN - 1;
	assert_int_equal(idle_check(&x->f.ctx), CMD_OK);
	assert_int_equal(entry(x, 1).stop, 0);
	x->f.ctx.now = LEFT + 15 * MIN;
	assert_int_equal(idle_check(&x->f.ctx), CMD_OK);
	assert_int_equal(entry(x, 1).stop, LEFT);
	/* Told once, when they come back. */
	x->f.ctx.now = BACK;
	assert_int_equal(idle_back(&x->f.ctx, &x->f.reply), CMD_OK);
	assert_string_equal(text_str(&x->f.reply),
	                    "While you were away I stopped acme at 18:32 (it "
	                    "ran 9h 02m). `undo` takes that back.");
	assert_string_equal(run(x, BACK + MIN, "undo", CMD_OK),
	                    "Undone: stop acme (away since 18:32) (done at "
	                    "18:47).");
	/* Brought back, it is not stopped again for the same absence. */
	x->f.ctx.now = BACK + 2 * MIN;
	assert_int_equal(idle_left(&x->f.ctx, LEFT), CMD_OK);
	x->f.ctx.now = BACK + HOUR;
	assert_int_equal(idle_check(&x->f.ctx), CMD_OK);
	assert_int_equal(entry(x, 1).stop, 0);
}

static void
idle_back__stops_and_tells__when_idle_action_stop_had_not_checked_yet(
        void **state)
{
	struct fx *x = *state;

	x->prefs.idle_action = PREFS_IDLE_STOP;
	running_since(x, START);
	assert_string_equal(away(x, LEFT, BACK),
	                    "While you were away I stopped acme at 18:32 (it "
	                    "ran 9h 02m). `undo` takes that back.");
	assert_int_equal(entry(x, 1).stop, LEFT);
}

/* store_owner_cb: appends "owner;" to the buffer arg (128 bytes). */
static void
list_owner(const char *owner, void *arg)
{
	strncat(arg, owner, 127 - strlen(arg));
	strncat(arg, ";", 127 - strlen(arg));
}

static void
idle_candidates__lists_who_is_away_with_a_timer_not_yet_stopped(
        void **state)
{
	struct fx *x = *state;
	char seen[128] = "";

	x->prefs.idle_action = PREFS_IDLE_STOP;
	running_since(x, START);
	x->f.ctx.now = LEFT;
	assert_int_equal(idle_left(&x->f.ctx, LEFT), CMD_OK);
	/* Away without a timer, or with one begun after leaving: none. */
	assert_int_equal(store_set_user_tz(x->f.st, "bob@example.org", "UTC"),
	                 STORE_OK);
	assert_int_equal(store_away_set(x->f.st, "bob@example.org", LEFT),
	                 STORE_OK);
	assert_int_equal(idle_candidates(x->f.st, list_owner, seen), STORE_OK);
	assert_string_equal(seen, OWNER ";");
	x->f.ctx.now = BACK;
	assert_int_equal(idle_check(&x->f.ctx), CMD_OK);
	seen[0] = '\0';
	assert_int_equal(idle_candidates(x->f.st, list_owner, seen), STORE_OK);
	assert_string_equal(seen, "");
}

static void
store_away__keeps_the_earliest_moment__and_nothing_for_unknown_users(
        void **state)
{
	struct fx *x = *state;
	int64_t since = 0;

	assert_int_equal(store_away_set(x->f.st, OWNER, LEFT), STORE_NOTFOUND);
	assert_int_equal(store_away_get(x->f.st, OWNER, &since),
	                 STORE_NOTFOUND);
	running_since(x, START);
	assert_int_equal(store_away_set(x->f.st, OWNER, LEFT), STORE_OK);
	assert_int_equal(store_away_set(x->f.st, OWNER, BACK), STORE_OK);
	assert_int_equal(store_away_get(x->f.st, OWNER, &since), STORE_OK);
	assert_int_equal(since, LEFT);
	assert_int_equal(store_away_set(x->f.st, OWNER, LEFT - MIN), STORE_OK);
	assert_int_equal(store_away_get(x->f.st, OWNER, &since), STORE_OK);
	assert_int_equal(since, LEFT - MIN);
	assert_int_equal(store_away_clear(x->f.st, OWNER), STORE_OK);
	assert_int_equal(store_away_get(x->f.st, OWNER, &since),
	                 STORE_NOTFOUND);
	assert_int_equal(store_away_get(x->f.st, "bob@example.org", &since),
	                 STORE_NOTFOUND);
}

static void
store_prompt__is_gone__when_expired_or_its_entry_stopped(void **state)
{
	struct fx *x = *state;
	struct store_prompt q = { 0, LEFT, BACK, BACK + IDLE_PROMPT_SECS }, got;
	struct store_entry e;

	q.entry_id = running_since(x, START);
	assert_int_equal(store_prompt_set(x->f.st, OWNER, &q), STORE_OK);
	assert_int_equal(store_prompt_get(x->f.st, OWNER, BACK, &got, &e),
	                 STORE_OK);
	assert_int_equal(got.entry_id, q.entry_id);
	assert_int_equal(got.away_from, LEFT);
	assert_int_equal(got.away_to, BACK);
	assert_int_equal(e.id, q.entry_id);
	assert_string_equal(e.project, "acme");
	assert_int_equal(store_prompt_get(x->f.st, OWNER,
	                                  BACK + IDLE_PROMPT_SECS, &got, &e),
	                 STORE_NOTFOUND);
	assert_int_equal(store_stop(x->f.st, OWNER, BACK, NULL), STORE_OK);
	assert_int_equal(store_prompt_get(x->f.st, OWNER, BACK, &got, &e),
	                 STORE_NOTFOUND);
	assert_int_equal(store_prompt_clear(x->f.st, OWNER), STORE_OK);
}

int
main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(idle_back__asks_in_the_users_zone__when_the_timer_ran_while_away),
		T(idle_back__names_the_day__when_the_user_left_before_midnight),
		T(idle_back__asks_nothing__when_away_shorter_than_idle_after),
		T(idle_back__asks_nothing__when_the_timer_was_paused_during_the_absence),
		T(idle_back__asks_nothing__when_the_timer_began_after_the_user_left),
		T(idle_back__asks_nothing__when_idle_action_is_off),
		T(answer_stop__ends_the_entry_where_the_user_left__and_undo_takes_it_back),
		T(answer_break__records_the_absence_as_a_break),
		T(answer_keep__keeps_the_timer_and_forgets_the_question),
		T(answers__are_ordinary_words__when_the_question_expired),
		T(answers__are_ordinary_words__with_more_words_after_them),
		T(answers__say_how_to_pause__when_break_or_keep_come_with_more_words),
		T(idle_check__stops_the_timer_where_the_user_left__once_idle_after_passed),
		T(idle_back__stops_and_tells__when_idle_action_stop_had_not_checked_yet),
		T(idle_candidates__lists_who_is_away_with_a_timer_not_yet_stopped),
		T(store_away__keeps_the_earliest_moment__and_nothing_for_unknown_users),
		T(store_prompt__is_gone__when_expired_or_its_entry_stopped),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
