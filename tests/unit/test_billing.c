/*
 * tests/unit/test_billing.c - rates and billable time (commands/billing.c,
 * billing_report.c, cmd_rate.c, storage/rates.c): the cents arithmetic,
 * reading rates and currencies, money as text, the rate command, which
 * rate applies (a team's over a member's own), the non-billable tag,
 * reports with amounts in two currencies, and the billing columns of
 * exports, with the setting rounding too. Runs on PostgreSQL too (make
 * unit-pg).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../commands/billing.h"
#include "../../commands/cmd.h"
#include "../../commands/teams.h"
#include "cmd_fixture.h"

/* Wed 25 Nov 2026 14:00:00 UTC */
#define T0 INT64_C(1795615200)

#define ALICE "alice@example.org"
#define BOB "bob@example.org"
#define CAROL "carol@example.org"

static char *web_members[] = { (char *)ALICE, (char *)BOB };
static char *web_leads[] = { (char *)CAROL };
static char *web_projects[] = { (char *)"acme" };
static struct team team_v[1];
static struct teams teams;

static int
setup(void **state)
{
	static struct cmd_fixture f;

	if (cmd_fixture_open(&f, ALICE) != 0)
		return -1;
	f.ctx.now = T0;
	team_v[0] = (struct team){ (char *)"web", web_members, 2, web_leads, 1,
	                           web_projects, 1, NULL, -1 };
	teams.v = team_v;
	teams.n = 1;
	f.ctx.teams = &teams;
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	return cmd_fixture_close(*state);
}

static void
as(struct cmd_fixture *f, const char *owner)
{
	f->ctx.owner = owner;
}

/* ---- Arithmetic, parsing, formatting ---- */

static void
billing_amount__rounds_half_up__to_the_cent(void **state)
{
	int64_t c;

	(void)state;
	assert_int_equal(billing_amount(0, 8500, &c), 0);
	assert_int_equal(c, 0);
	assert_int_equal(billing_amount(3600, 8500, &c), 0);
	assert_int_equal(c, 8500);
	/* 18 s at 1.00 an hour is half a cent: up. 17 s is less: down. */
	assert_int_equal(billing_amount(18, 100, &c), 0);
	assert_int_equal(c, 1);
	assert_int_equal(billing_amount(17, 100, &c), 0);
	assert_int_equal(c, 0);
	/* 7h 05m at 85.00: 602.0833... */
	assert_int_equal(billing_amount(25500, 8500, &c), 0);
	assert_int_equal(c, 60208);
	/* A year at the highest rate fits. */
	assert_int_equal(billing_amount(INT64_C(31622400), STORE_RATE_CENTS_MAX,
	                                &c), 0);
	assert_int_equal(c, INT64_C(878400000000));
}

static void
billing_amount__refuses_overflow_and_negatives(void **state)
{
	int64_t c = 5;

	(void)state;
	assert_int_equal(billing_amount(INT64_MAX / 2, 100, &c), -1);
	assert_int_equal(c, 0);
	assert_int_equal(billing_amount(INT64_MAX / 100, 100, &c), -1);
	assert_int_equal(billing_amount(-1, 100, &c), -1);
	assert_int_equal(billing_amount(10, -1, &c), -1);
}

static void
billing_parse_rate__takes_point_and_comma__refuses_the_rest(void **state)
{
	static const struct { const char *in; int64_t want; } ok[] = {
		{ "85", 8500 }, { "85.5", 8550 }, { "85.50", 8550 },
		{ "85,50", 8550 }, { "0.01", 1 }, { "007", 700 },
		{ "1000000", 100000000 },
	};
	static const char *const bad[] = {
		"-85", "+85", "85.505", "1,000.50", "85.", "abc", "85x", "0",
		"0.00", "1000000.01", "99999999999999999999999", ".5", "85..5",
	};
	struct text why;
	int64_t c;
	size_t i;

	(void)state;
	text_init(&why, 1024);
	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		text_clear(&why);
		if (billing_parse_rate(ok[i].in, &c, &why) != 0)
			fail_msg("%s: %s", ok[i].in, text_str(&why));
		assert_int_equal(c, ok[i].want);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		text_clear(&why);
		if (billing_parse_rate(bad[i], &c, &why) == 0)
			fail_msg("took %s as %lld", bad[i], (long long)c);
		assert_true(why.len > 0);
	}
	text_free(&why);
}

static void
billing_currency__three_letters__in_capitals(void **state)
{
	char cur[STORE_CURRENCY_LEN + 1];

	(void)state;
	assert_true(billing_currency("EUR", cur));
	assert_string_equal(cur, "EUR");
	assert_true(billing_currency("usd", cur));
	assert_string_equal(cur, "USD");
	assert_false(billing_currency("EU", cur));
	assert_false(billing_currency("EURO", cur));
	assert_false(billing_currency("E1R", cur));
	assert_false(billing_currency("€", cur));
}

static void
billing_money__groups_thousands__two_decimals(void **state)
{
	char buf[BILLING_MONEY_MAX];

	(void)state;
	billing_money(0, "EUR", buf, sizeof buf);
	assert_string_equal(buf, "0.00 EUR");
	billing_money(85, "USD", buf, sizeof buf);
	assert_string_equal(buf, "0.85 USD");
	billing_money(123450, "EUR", buf, sizeof buf);
	assert_string_equal(buf, "1,234.50 EUR");
	billing_money(INT64_C(100000000000), NULL, buf, sizeof buf);
	assert_string_equal(buf, "1,000,000,000.00");
}

/* ---- The rate command ---- */

static void
cmd_rate__sets_lists_and_removes__own_rates(void **state)
{
	struct cmd_fixture *f = *state;
	const char *r;

	reply_has(cmd_fixture_run(f, "rate", CMD_OK), "You have no rates.");
	assert_string_equal(cmd_fixture_run(f, "rate globex 85 eur", CMD_OK),
	                    "Your rate for globex: 85.00 EUR an hour.");
	assert_string_equal(cmd_fixture_run(f, "rate Globex 90,5 EUR", CMD_OK),
	                    "Your rate for Globex: 90.50 EUR an hour (was "
	                    "85.00 EUR).");
	cmd_fixture_run(f, "rate \"client work\" 60 USD", CMD_OK);
	r = cmd_fixture_run(f, "rate", CMD_OK);
	reply_has(r, "- client work: 60.00 USD");
	reply_has(r, "- Globex: 90.50 EUR");
	reply_lacks(r, "85.00");
	reply_has(cmd_fixture_run(f, "rate globex", CMD_OK), "90.50 EUR an hour (your own)");
	assert_string_equal(cmd_fixture_run(f, "rate GLOBEX off", CMD_OK),
	                    "Removed your rate for Globex (90.50 EUR an hour).");
	reply_has(cmd_fixture_run(f, "rate globex off", CMD_REFUSED), "There is no rate");
	reply_has(cmd_fixture_run(f, "rate globex 85", CMD_REFUSED), "In which currency?");
	reply_has(cmd_fixture_run(f, "rate globex -5 EUR", CMD_REFUSED), "without a sign");
	reply_has(cmd_fixture_run(f, "rate globex 1.005 EUR", CMD_REFUSED),
	           "at most two decimals");
	reply_has(cmd_fixture_run(f, "rate 85 EUR", CMD_REFUSED), "Which project?");
}

static void
cmd_rate__default_currency__from_the_configuration(void **state)
{
	struct cmd_fixture *f = *state;
	struct billing_cfg cfg;

	billing_cfg_builtin(&cfg);
	snprintf(cfg.currency, sizeof cfg.currency, "CHF");
	f->ctx.billing = &cfg;
	assert_string_equal(cmd_fixture_run(f, "rate globex 120", CMD_OK),
	                    "Your rate for globex: 120.00 CHF an hour.");
	f->ctx.billing = NULL;
}

static void
cmd_rate_team__lead_sets__member_refused__team_rate_wins(void **state)
{
	struct cmd_fixture *f = *state;
	const char *r;

	cmd_fixture_run(f, "rate acme 85 EUR", CMD_OK);
	as(f, BOB);
	assert_string_equal(cmd_fixture_run(f, "rate team web acme 120 EUR", CMD_REFUSED),
	                    "Only a lead of team web sets its rates.");
	as(f, CAROL);
	reply_has(cmd_fixture_run(f, "rate team web globex 120 EUR", CMD_REFUSED),
	           "does not share globex");
	assert_string_equal(cmd_fixture_run(f, "rate team ACME 120 EUR", CMD_OK),
	                    "Team web's rate for acme: 120.00 EUR an hour.");
	reply_has(cmd_fixture_run(f, "rate team", CMD_OK), "- acme: 120.00 EUR");
	as(f, ALICE);
	r = cmd_fixture_run(f, "rate", CMD_OK);
	reply_has(r, "- acme: 85.00 EUR (team web's rate applies instead)");
	reply_has(r, "- acme: 120.00 EUR (team web)");
	reply_has(cmd_fixture_run(f, "rate acme", CMD_OK), "120.00 EUR an hour (team web's");
	reply_has(cmd_fixture_run(f, "rate acme 80 EUR", CMD_OK),
	           "Team web's rate (120.00 EUR) applies to your time on acme "
	           "instead.");
	/* A report bills alice's acme at the team's rate. */
	cmd_fixture_run(f, "add acme 9:00-10:00 2026-11-23", CMD_OK);
	reply_has(cmd_fixture_run(f, "report 2026-11-23", CMD_OK), "120.00 EUR");
	as(f, CAROL);
	cmd_fixture_run(f, "rate team web acme off", CMD_OK);
	as(f, ALICE);
	reply_has(cmd_fixture_run(f, "report 2026-11-23", CMD_OK), "80.00 EUR");
}

/* ---- Reports ---- */

static void
cmd_report__no_rate__stays_as_it_was(void **state)
{
	struct cmd_fixture *f = *state;
	const char *r;

	cmd_fixture_run(f, "add acme 9:00-10:00 2026-11-23", CMD_OK);
	r = cmd_fixture_run(f, "report 2026-11-23", CMD_OK);
	assert_string_equal(r, "Mon 23 Nov 2026:\n```\nacme    1h 00m\n"
	                       "Total   1h 00m\n```");
}

static void
cmd_report__two_currencies__never_added__nobill_left_out(void **state)
{
	struct cmd_fixture *f = *state;
	const char *r;

	cmd_fixture_run(f, "rate globex 85 EUR", CMD_OK);
	cmd_fixture_run(f, "rate initech 100 USD", CMD_OK);
	cmd_fixture_run(f, "add globex 9:00-16:05 2026-11-23", CMD_OK);
	cmd_fixture_run(f, "add globex +nobill 16:05-17:05 2026-11-23", CMD_OK);
	cmd_fixture_run(f, "add initech 9:00-12:00 2026-11-24", CMD_OK);
	cmd_fixture_run(f, "add internal 12:00-13:00 2026-11-24", CMD_OK);
	r = cmd_fixture_run(f, "report 2026-11-23..2026-11-24 by project", CMD_OK);
	/* 7h 05m at 85.00 is 602.0833...: 602.08 */
	reply_has(r, "globex     8h 05m  602.08 EUR\n");
	reply_has(r, "initech    3h 00m  300.00 USD\n");
	reply_has(r, "internal   1h 00m\n");
	reply_has(r, "Billable: 602.08 EUR, 300.00 USD (10h 05m). "
	              "Not billable: 2h 00m (no rate, or +nobill).");
	reply_has(r, "rounded to the cent (half up)");
	reply_lacks(r, "902");
	r = cmd_fixture_run(f, "report 2026-11-23..2026-11-24 by day", CMD_OK);
	reply_has(r, "Mon 23 Nov   8h 05m  602.08 EUR\n");
	reply_has(r, "Tue 24 Nov   4h 00m  300.00 USD\n");
	/* By tag there are no amounts. */
	reply_lacks(cmd_fixture_run(f, "report 2026-11-23 by tag", CMD_OK), "EUR");
}

static void
cmd_report__configured_nonbillable_tag(void **state)
{
	struct cmd_fixture *f = *state;
	struct billing_cfg cfg;
	const char *r;

	billing_cfg_builtin(&cfg);
	snprintf(cfg.nobill_tag, sizeof cfg.nobill_tag, "internal");
	f->ctx.billing = &cfg;
	cmd_fixture_run(f, "rate globex 100 EUR", CMD_OK);
	cmd_fixture_run(f, "add globex +Internal 9:00-10:00 2026-11-23", CMD_OK);
	cmd_fixture_run(f, "add globex +nobill 10:00-11:00 2026-11-23", CMD_OK);
	r = cmd_fixture_run(f, "report 2026-11-23", CMD_OK);
	reply_has(r, "globex   2h 00m  100.00 EUR");
	reply_has(r, "+internal");
	f->ctx.billing = NULL;
}

/* With the setting rounding on, a row's amount is that of its time as the
 * report shows it: 1h 05m rounded up to 1h 15m at 100.00 is 125.00. */
static void
cmd_report__rounding_15m_up__amount_of_the_rounded_time(void **state)
{
	struct cmd_fixture *f = *state;
	const char *r;

	cmd_fixture_run(f, "settings rounding 15m up", CMD_OK);
	cmd_fixture_run(f, "rate acme 100 EUR", CMD_OK);
	cmd_fixture_run(f, "add acme 9:00-10:05 2026-11-23", CMD_OK);
	r = cmd_fixture_run(f, "report 2026-11-23 by project", CMD_OK);
	reply_has(r, "rounded up to 15 min per entry");
	reply_has(r, "acme    1h 15m  125.00 EUR\n");
	reply_has(r, "Billable: 125.00 EUR (1h 15m).");
	reply_lacks(r, "108.33");
	r = cmd_fixture_run(f, "report 2026-11-23 by day", CMD_OK);
	reply_has(r, "1h 15m  125.00 EUR\n");
	/* In decimal hours, the billable time too. */
	cmd_fixture_run(f, "add acme +nobill 11:00-11:30 2026-11-23", CMD_OK);
	cmd_fixture_run(f, "settings hours decimal", CMD_OK);
	r = cmd_fixture_run(f, "report 2026-11-23 by project", CMD_OK);
	reply_has(r, "Billable: 125.00 EUR (1.25 h). Not billable: 0.50 h");
}

/* ---- Exports ---- */

static void
cmd_export__billing_columns__per_entry(void **state)
{
	struct cmd_fixture *f = *state;
	const char *r;

	cmd_fixture_run(f, "rate globex 85 EUR", CMD_OK);
	cmd_fixture_run(f, "add globex 9:00-10:30 2026-11-23", CMD_OK);
	cmd_fixture_run(f, "add globex +nobill 10:30-11:00 2026-11-23", CMD_OK);
	cmd_fixture_run(f, "add internal 11:00-12:00 2026-11-23", CMD_OK);
	r = cmd_fixture_run(f, "export csv 2026-11-23", CMD_OK);
	reply_has(r, "breaks_seconds,rounded_seconds,rounded_hours,rounding,"
	              "billable,rate,currency,amount\r\n");
	reply_has(r, ",5400,1.50,0,5400,1.50,none,true,85.00,EUR,127.50\r\n");
	reply_has(r, ",1800,0.50,0,1800,0.50,none,false,85.00,EUR,\r\n");
	reply_has(r, ",3600,1.00,0,3600,1.00,none,false,,,\r\n");
	r = cmd_fixture_run(f, "export json 2026-11-23", CMD_OK);
	reply_has(r, "\"billable\":true,\"rate\":85.00,\"currency\":\"EUR\","
	              "\"amount\":127.50}");
	reply_has(r, "\"billable\":false,\"rate\":null,\"currency\":null,"
	              "\"amount\":null}");
}

/* An entry's amount is that of its rounded seconds, not the exact ones. */
static void
cmd_export__rounding_15m_up__amount_of_rounded_seconds(void **state)
{
	struct cmd_fixture *f = *state;
	const char *r;

	cmd_fixture_run(f, "settings rounding 15m up", CMD_OK);
	cmd_fixture_run(f, "rate acme 100 EUR", CMD_OK);
	cmd_fixture_run(f, "add acme 9:00-10:05 2026-11-23", CMD_OK);
	r = cmd_fixture_run(f, "export csv 2026-11-23", CMD_OK);
	reply_has(r, ",3900,1.08,0,4500,1.25,15m up,true,100.00,EUR,125.00\r\n");
	r = cmd_fixture_run(f, "export json 2026-11-23", CMD_OK);
	reply_has(r, "\"rounded_seconds\":4500,\"rounded_hours\":1.25,"
	              "\"rounding\":\"15m up\",\"billable\":true,"
	              "\"rate\":100.00,\"currency\":\"EUR\",\"amount\":125.00}");
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(billing_amount__rounds_half_up__to_the_cent),
		cmocka_unit_test(billing_amount__refuses_overflow_and_negatives),
		cmocka_unit_test(billing_parse_rate__takes_point_and_comma__refuses_the_rest),
		cmocka_unit_test(billing_currency__three_letters__in_capitals),
		cmocka_unit_test(billing_money__groups_thousands__two_decimals),
		T(cmd_rate__sets_lists_and_removes__own_rates),
		T(cmd_rate__default_currency__from_the_configuration),
		T(cmd_rate_team__lead_sets__member_refused__team_rate_wins),
		T(cmd_report__no_rate__stays_as_it_was),
		T(cmd_report__two_currencies__never_added__nobill_left_out),
		T(cmd_report__configured_nonbillable_tag),
		T(cmd_report__rounding_15m_up__amount_of_the_rounded_time),
		T(cmd_export__billing_columns__per_entry),
		T(cmd_export__rounding_15m_up__amount_of_rounded_seconds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
