/*
 * tests/unit/test_ratelimit.c - the per-sender token bucket: burst, refill,
 * one reply and one log line a minute, other senders untouched, the
 * bounded table and its LRU eviction, what an export costs (rl_charge),
 * all on an injected clock (ms); and what exports may be on their way at
 * once (upload_admit, on a connection that never connects, so nothing is
 * sent).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <strophe.h>

#include "../../bot/config.h"
#include "../../bot/handlers.h"
#include "../../bot/ratelimit.h"
#include "../../bot/testing.h"
#include "../../bot/upload.h"

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

static void
rl_charge__makes_an_export_cost_five_commands__when_the_limit_is_on(
        void **state)
{
	struct ratelimit *rl = *state;
	int i;

	rl_set(rl, 30, 10);
	for (i = 0; i < 2; i++) {
		assert_int_equal(check(rl, "alice@example.org", 0), RL_PASS);
		rl_charge(rl, "alice@example.org", 0, RL_EXPORT_COST - 1);
	}
	assert_int_equal(check(rl, "alice@example.org", 0), RL_NOTIFY);
	/* Others keep their own bucket. */
	assert_int_equal(passes(rl, "bob@example.org", 0, 20), 10);
}

static void
rl_charge__leaves_a_debt_paid_back_at_the_rate__when_few_tokens_are_left(
        void **state)
{
	struct ratelimit *rl = *state;

	rl_set(rl, 30, 10);
	assert_int_equal(passes(rl, "a@x", 0, 10), 10);
	rl_charge(rl, "a@x", 0, 4);
	/* -4 tokens; one more is needed, at one every 2 s: 10 s. */
	assert_int_equal(passes(rl, "a@x", 9999, 1), 0);
	assert_int_equal(passes(rl, "a@x", 10000, 2), 1);
}

static void
rl_charge__goes_no_deeper_than_one_burst__when_charged_a_lot(void **state)
{
	struct ratelimit *rl = *state;

	rl_set(rl, 60, 2);
	rl_charge(rl, "a@x", 0, 1000);
	/* -2 tokens at one a second: the third second brings one. */
	assert_int_equal(passes(rl, "a@x", 2999, 1), 0);
	assert_int_equal(passes(rl, "a@x", 3000, 2), 1);
}

static void
rl_check__fills_the_bucket_from_a_debt__only_after_time_for_both(
        void **state)
{
	struct ratelimit *rl = *state;

	rl_set(rl, 1, 10);
	rl_charge(rl, "a@x", 0, 20); /* from a full bucket to -10 */
	/* One a minute: ten minutes pay the debt, ten more fill the bucket. */
	assert_int_equal(passes(rl, "a@x", 10 * MIN_MS, 1), 0);
	assert_int_equal(passes(rl, "a@x", 20 * MIN_MS, 20), 10);
}

static void
rl_charge__does_nothing__when_no_limit_is_set(void **state)
{
	struct ratelimit *rl = *state;

	rl_charge(rl, "a@x", 0, 100);
	assert_int_equal(rl_size(rl), 0);
	assert_int_equal(passes(rl, "a@x", 0, 50), 50);
}

/* ---- upload_admit ---------------------------------------------------- */

struct fixture {
	struct cfg cfg;
	struct bot b;
	struct upload *u;
};

static int
up_setup(void **state)
{
	static char jid[] = "timmy@example.org";
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	fx->cfg.jid = jid;
	fx->cfg.upload = CFG_UPLOAD_OFF;
	fx->cfg.inline_part_bytes = CFG_PART_DEFAULT;
	fx->b.cfg = &fx->cfg;
	if ((fx->b.ctx = xmpp_ctx_new(NULL, NULL)) == NULL ||
	    (fx->b.conn = xmpp_conn_new(fx->b.ctx)) == NULL ||
	    (fx->u = upload_new(&fx->b)) == NULL)
		return -1;
	fx->b.up = fx->u;
	*state = fx;
	return 0;
}

static int
up_teardown(void **state)
{
	struct fixture *fx = *state;

	upload_free(fx->u);
	xmpp_conn_release(fx->b.conn);
	xmpp_ctx_free(fx->b.ctx);
	free(fx);
	return 0;
}

/* Hands upload a file of size bytes ('x', no line ends) for the full JID
 * to; it goes inline (export.upload is off) and waits there, since the
 * connection never comes up. */
static void
deliver(struct fixture *fx, const char *to, size_t size)
{
	static char chunk[65536];
	struct cmd_file f;
	size_t n;

	memset(chunk, 'x', sizeof(chunk));
	cmd_file_init(&f);
	f.present = true;
	snprintf(f.name, sizeof(f.name), "timmy-2025.csv");
	f.mime = "text/csv";
	for (; size > 0; size -= n) {
		n = size < sizeof(chunk) ? size : sizeof(chunk);
		assert_int_equal(text_append(&f.body, chunk, n), 0);
	}
	upload_deliver(fx->u, to, NULL, &f);
	assert_false(f.present);
	cmd_file_free(&f);
}

static void
upload_admit__refuses_a_second_file__while_the_users_last_one_is_on_its_way(
        void **state)
{
	struct fixture *fx = *state;
	char why[256];

	assert_true(upload_admit(fx->u, "alice@example.org", 20000, why,
	                         sizeof(why)));
	deliver(fx, "alice@example.org/phone", 20000);
	assert_false(upload_admit(fx->u, "alice@example.org", 10, why,
	                          sizeof(why)));
	assert_string_equal(why, "Your last export is still waiting to be sent "
	                         "(3 parts); ask again when it is done.");
	/* From any resource, in any case of the JID. */
	assert_false(upload_admit(fx->u, "Alice@Example.org", 10, why,
	                          sizeof(why)));
	assert_true(upload_admit(fx->u, "bob@example.org", 20000, why,
	                         sizeof(why)));
}

static void
upload_admit__refuses_everyone__when_sixteen_files_are_on_their_way(
        void **state)
{
	struct fixture *fx = *state;
	char to[64], why[256];
	int i;

	for (i = 0; i < 16; i++) {
		snprintf(to, sizeof(to), "user%d@example.org", i);
		assert_true(upload_admit(fx->u, to, 100, why, sizeof(why)));
		snprintf(to, sizeof(to), "user%d@example.org/r", i);
		deliver(fx, to, 100);
	}
	assert_false(upload_admit(fx->u, "late@example.org", 1, why,
	                          sizeof(why)));
	assert_string_equal(why, "I am sending too many exports right now; "
	                         "ask again in a few minutes.");
}

static void
upload_admit__refuses_everyone__when_16_mib_are_on_their_way(void **state)
{
	struct fixture *fx = *state;
	char why[256];

	deliver(fx, "a@example.org/r", 4u << 20);
	deliver(fx, "b@example.org/r", 4u << 20);
	deliver(fx, "c@example.org/r", 4u << 20);
	assert_false(upload_admit(fx->u, "d@example.org", (4u << 20) + 1, why,
	                          sizeof(why)));
	assert_true(upload_admit(fx->u, "d@example.org", 4u << 20, why,
	                         sizeof(why)));
	deliver(fx, "d@example.org/r", 4u << 20);
	assert_false(upload_admit(fx->u, "e@example.org", 1, why, sizeof(why)));
}

static void
upload_offline__drops_every_file__so_the_user_may_ask_again(void **state)
{
	struct fixture *fx = *state;
	char why[256];

	deliver(fx, "alice@example.org/phone", 4u << 20);
	deliver(fx, "bob@example.org/phone", 1000);
	assert_false(upload_admit(fx->u, "alice@example.org", 10, why,
	                          sizeof(why)));
	upload_offline(fx->u);
	assert_true(upload_admit(fx->u, "alice@example.org", 10, why,
	                         sizeof(why)));
	assert_true(upload_admit(fx->u, "bob@example.org", 4u << 20, why,
	                         sizeof(why)));
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
#define U(name) cmocka_unit_test_setup_teardown(name, up_setup, up_teardown)

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
		T(rl_charge__makes_an_export_cost_five_commands__when_the_limit_is_on),
		T(rl_charge__leaves_a_debt_paid_back_at_the_rate__when_few_tokens_are_left),
		T(rl_charge__goes_no_deeper_than_one_burst__when_charged_a_lot),
		T(rl_check__fills_the_bucket_from_a_debt__only_after_time_for_both),
		T(rl_charge__does_nothing__when_no_limit_is_set),
		U(upload_admit__refuses_a_second_file__while_the_users_last_one_is_on_its_way),
		U(upload_admit__refuses_everyone__when_sixteen_files_are_on_their_way),
		U(upload_admit__refuses_everyone__when_16_mib_are_on_their_way),
		U(upload_offline__drops_every_file__so_the_user_may_ask_again),
	};
	int rc;

	xmpp_initialize();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	xmpp_shutdown();
	return rc;
}
