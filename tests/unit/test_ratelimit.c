/*
 * tests/unit/test_ratelimit.c - the per-sender token bucket: burst, refill,
 * one reply and one log line a minute, other senders untouched, the
 * bounded table and its LRU eviction, all on an injected clock (ms).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../../bot/ratelimit.h"

#define MIN_MS 60000

static int
setup(void **state)
{
	struct ratelimit *rl = rl_new();

	if (rl == NULL)
		return -1;
	*state = rl;
	return 0;
}

static int
teardown(void **state)
{
	rl_free(*state);
	return 0;
}

/* rl_check without a report wanted. */
static enum rl_verdict
check(struct ratelimit *rl, const char *key, int64_t now)
{
	unsigned report;

	return rl_check(rl, key, now, &report);
}

/* How many of n checks at time now pass. */
static int
passes(struct ratelimit *rl, const char *key, int64_t now, int n)
{
	int i, ok = 0;

	for (i = 0; i < n; i++)
		if (check(rl, key, now) == RL_PASS)
			ok++;
	return ok;
}

/* What rl_sweep reported, for the tests to look at. */
struct sweep {
	char key[64];
	unsigned skipped;
	int calls;
};

static void
on_report(const char *key, unsigned skipped, void *arg)
{
	struct sweep *sw = arg;

	snprintf(sw->key, sizeof(sw->key), "%s", key);
	sw->skipped = skipped;
	sw->calls++;
}

static void
rl_check__passes_everything__until_a_rate_is_set(void **state)
{
	struct ratelimit *rl = *state;

	assert_int_equal(passes(rl, "alice@example.org", 0, 500), 500);
	assert_int_equal(rl_size(rl), 0);
}

static void
rl_check__passes_burst_then_notifies_once_then_drops__when_flooded(void **state)
{
	struct ratelimit *rl = *state;
	unsigned report;
	int i;

	rl_set(rl, 30, 10);
	for (i = 0; i < 10; i++)
		assert_int_equal(check(rl, "alice@example.org", 1000), RL_PASS);
	assert_int_equal(rl_check(rl, "alice@example.org", 1000, &report),
	                 RL_NOTIFY);
	assert_int_equal(report, 1);
	for (i = 0; i < 29; i++) {
		assert_int_equal(rl_check(rl, "alice@example.org", 1000, &report),
		                 RL_DROP);
		assert_int_equal(report, 0);
	}
}

static void
rl_check__refills_at_the_rate__when_time_passes(void **state)
{
	struct ratelimit *rl = *state;

	rl_set(rl, 30, 10);
	assert_int_equal(passes(rl, "a@x", 0, 40), 10);
	/* 30 a minute: one token every 2 s, none before. */
	assert_int_equal(passes(rl, "a@x", 1999, 5), 0);
	assert_int_equal(passes(rl, "a@x", 2000, 5), 1);
	assert_int_equal(passes(rl, "a@x", 3000, 5), 0);
	assert_int_equal(passes(rl, "a@x", 4000, 5), 1);
	/* 20 s: 10 more, however the time was cut up. */
	assert_int_equal(passes(rl, "a@x", 24000, 40), 10);
}

static void
rl_check__keeps_fractions__when_checked_often(void **state)
{
	struct ratelimit *rl = *state;
	int64_t t;
	int ok = 0;

	/* 7 a minute: a token every 8571.4 ms. Checked every millisecond
	 * for a minute, exactly 7 pass after the burst: what is left of a
	 * token after each is kept. (A full bucket earns nothing, so with
	 * burst 1 the fraction earned between reaching 1 and the next check
	 * would be lost, as it should.) */
	rl_set(rl, 7, 2);
	assert_int_equal(passes(rl, "a@x", 0, 2), 2);
	for (t = 1; t <= MIN_MS; t++)
		ok += check(rl, "a@x", t) == RL_PASS;
	assert_int_equal(ok, 7);
}

static void
rl_check__never_exceeds_burst__after_a_long_silence(void **state)
{
	struct ratelimit *rl = *state;

	rl_set(rl, 30, 10);
	assert_int_equal(passes(rl, "a@x", 0, 3), 3);
	assert_int_equal(passes(rl, "a@x", 365LL * 24 * 3600 * 1000, 40), 10);
}

static void
rl_check__earns_nothing__when_clock_goes_back(void **state)
{
	struct ratelimit *rl = *state;

	rl_set(rl, 30, 2);
	assert_int_equal(passes(rl, "a@x", 100000, 5), 2);
	assert_int_equal(passes(rl, "a@x", 0, 5), 0);
	assert_int_equal(passes(rl, "a@x", 100000, 5), 0);
	assert_int_equal(passes(rl, "a@x", 102000, 5), 1);
}

static void
rl_check__leaves_others_alone__when_one_sender_floods(void **state)
{
	struct ratelimit *rl = *state;

	rl_set(rl, 30, 10);
	assert_int_equal(passes(rl, "alice@example.org", 0, 100), 10);
	assert_int_equal(passes(rl, "bob@example.org", 0, 10), 10);
	assert_int_equal(passes(rl, "carol@example.org", 1, 1), 1);
}

static void
rl_check__shares_a_bucket__when_jids_differ_in_ascii_case(void **state)
{
	struct ratelimit *rl = *state;

	rl_set(rl, 30, 4);
	assert_int_equal(passes(rl, "Alice@Example.ORG", 0, 2), 2);
	assert_int_equal(passes(rl, "alice@example.org", 0, 5), 2);
	assert_int_equal(rl_size(rl), 1);
}

static void
rl_check__notifies_once_a_minute__while_flood_goes_on(void **state)
{
	struct ratelimit *rl = *state;
	int notices = 0, ok = 0;
	int64_t t;

	/* One a minute, burst 1: a command every second for five minutes
	 * gets one through each minute after the first, and one notice in
	 * each minute. */
	rl_set(rl, 1, 1);
	assert_int_equal(check(rl, "a@x", 0), RL_PASS);
	for (t = 1000; t < 5 * MIN_MS; t += 1000) {
		enum rl_verdict v = check(rl, "a@x", t);

		notices += v == RL_NOTIFY;
		ok += v == RL_PASS;
		if (t < MIN_MS)
			assert_true(v != RL_PASS);
	}
	assert_int_equal(ok, 4);
	assert_int_equal(notices, 5);
}

static void
rl_check__reports_at_most_once_a_minute__with_the_count(void **state)
{
	struct ratelimit *rl = *state;
	struct sweep sw = { .calls = 0 };
	unsigned report;
	int i;

	rl_set(rl, 30, 10);
	assert_int_equal(passes(rl, "alice@example.org", 0, 10), 10);
	/* The first skipped command is logged at once... */
	rl_check(rl, "alice@example.org", 0, &report);
	assert_int_equal(report, 1);
	/* ...the next 29 within the minute are counted for later. */
	for (i = 0; i < 29; i++) {
		rl_check(rl, "alice@example.org", 100, &report);
		assert_int_equal(report, 0);
	}
	rl_sweep(rl, MIN_MS - 1, on_report, &sw);
	assert_int_equal(sw.calls, 0);
	rl_sweep(rl, MIN_MS, on_report, &sw);
	assert_int_equal(sw.calls, 1);
	assert_string_equal(sw.key, "alice@example.org");
	assert_int_equal(sw.skipped, 29);
	/* Nothing left to report. */
	rl_sweep(rl, 10 * MIN_MS, on_report, &sw);
	assert_int_equal(sw.calls, 1);
}

static void
rl_check__reports_pending_count__at_first_skip_of_next_minute(void **state)
{
	struct ratelimit *rl = *state;
	unsigned report;

	rl_set(rl, 1, 1);
	assert_int_equal(check(rl, "a@x", 0), RL_PASS);
	rl_check(rl, "a@x", 0, &report);
	assert_int_equal(report, 1);
	rl_check(rl, "a@x", 10, &report);
	rl_check(rl, "a@x", 20, &report);
	assert_int_equal(report, 0);
	/* A minute on: the token earned passes one, the next is skipped and
	 * logged with the two still counted. */
	assert_int_equal(check(rl, "a@x", MIN_MS), RL_PASS);
	assert_int_equal(rl_check(rl, "a@x", MIN_MS, &report), RL_NOTIFY);
	assert_int_equal(report, 3);
}

static void
rl_set__turns_limit_off_and_on__when_rate_changes(void **state)
{
	struct ratelimit *rl = *state;

	rl_set(rl, 30, 2);
	assert_int_equal(passes(rl, "a@x", 0, 5), 2);
	rl_set(rl, 0, 2);
	assert_int_equal(passes(rl, "a@x", 0, 50), 50);
	rl_set(rl, 30, 2);
	/* The bucket is where the limit left it: still empty. */
	assert_int_equal(passes(rl, "a@x", 0, 5), 0);
}

static void
rl_set__cuts_full_buckets__when_burst_shrinks(void **state)
{
	struct ratelimit *rl = *state;

	rl_set(rl, 30, 10);
	assert_int_equal(passes(rl, "a@x", 0, 1), 1);
	rl_set(rl, 30, 3);
	assert_int_equal(passes(rl, "a@x", 0, 10), 3);
	/* A bigger burst gives nothing at once: tokens are earned. */
	rl_set(rl, 30, 10);
	assert_int_equal(passes(rl, "a@x", 0, 10), 0);
	assert_int_equal(passes(rl, "a@x", 20000, 20), 10);
}

static void
rl_check__evicts_least_recently_used__when_table_full(void **state)
{
	struct ratelimit *rl = *state;
	char key[32];
	int i;

	rl_set(rl, 1, 1);
	for (i = 0; i < RL_SLOTS; i++) {
		snprintf(key, sizeof(key), "u%d@x", i);
		assert_int_equal(check(rl, key, 0), RL_PASS);
	}
	assert_int_equal(rl_size(rl), RL_SLOTS);
	/* u0 is heard from again: now u1 is the least recent. */
	assert_int_equal(check(rl, "u0@x", 0), RL_NOTIFY);
	assert_int_equal(check(rl, "new@x", 0), RL_PASS);
	assert_int_equal(rl_size(rl), RL_SLOTS);
	/* u1 was forgotten: a full bucket again (and u2 goes). */
	assert_int_equal(check(rl, "u1@x", 0), RL_PASS);
	/* u0 was not. */
	assert_int_equal(check(rl, "u0@x", 0), RL_DROP);
	assert_int_equal(check(rl, "u3@x", 0), RL_NOTIFY);
	assert_int_equal(rl_size(rl), RL_SLOTS);
}

static void
rl_check__stays_bounded__when_many_senders_come_and_go(void **state)
{
	struct ratelimit *rl = *state;
	char key[32];
	int i;

	rl_set(rl, 30, 10);
	for (i = 0; i < 5 * RL_SLOTS; i++) {
		snprintf(key, sizeof(key), "user%d@example.org", i);
		assert_int_equal(check(rl, key, i), RL_PASS);
		assert_true(rl_size(rl) <= RL_SLOTS);
	}
	assert_int_equal(rl_size(rl), RL_SLOTS);
}

static void
rl_check__passes__when_key_longer_than_any_jid(void **state)
{
	struct ratelimit *rl = *state;
	static char key[RL_KEY_MAX + 2];

	memset(key, 'a', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	rl_set(rl, 30, 1);
	assert_int_equal(passes(rl, key, 0, 5), 5);
	assert_int_equal(rl_size(rl), 0);
}

static void
rl_free__accepts_null(void **state)
{
	(void)state;
	rl_free(NULL);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(rl_check__passes_everything__until_a_rate_is_set),
		T(rl_check__passes_burst_then_notifies_once_then_drops__when_flooded),
		T(rl_check__refills_at_the_rate__when_time_passes),
		T(rl_check__keeps_fractions__when_checked_often),
		T(rl_check__never_exceeds_burst__after_a_long_silence),
		T(rl_check__earns_nothing__when_clock_goes_back),
		T(rl_check__leaves_others_alone__when_one_sender_floods),
		T(rl_check__shares_a_bucket__when_jids_differ_in_ascii_case),
		T(rl_check__notifies_once_a_minute__while_flood_goes_on),
		T(rl_check__reports_at_most_once_a_minute__with_the_count),
		T(rl_check__reports_pending_count__at_first_skip_of_next_minute),
		T(rl_set__turns_limit_off_and_on__when_rate_changes),
		T(rl_set__cuts_full_buckets__when_burst_shrinks),
		T(rl_check__evicts_least_recently_used__when_table_full),
		T(rl_check__stays_bounded__when_many_senders_come_and_go),
		T(rl_check__passes__when_key_longer_than_any_jid),
		T(rl_free__accepts_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
