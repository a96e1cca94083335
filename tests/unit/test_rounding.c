/*
 * tests/unit/test_rounding.c - rounding and decimal hours (the settings
 * rounding and hours): each rule at its boundaries (commands/rounding.c),
 * entries with breaks, across midnight and across both DST nights of
 * Europe/Berlin, decimal hours (commands/format.c), the settings' bad
 * values (their spellings are in test_settings.c's table), and reports through cmd_exec with an injected clock; and the
 * store's rounded report (SQL, storage/report.c) held to the C rule over
 * entries of odd lengths in a week with a DST change.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../commands/cmd.h"
#include "../../commands/format.h"
#include "../../commands/prefs.h"
#include "../../commands/rounding.h"
#include "../../lib/tz.h"
#include "cmd_fixture.h"

/* Wed 25 Nov 2026 14:00:00 UTC */
#define T0 INT64_C(1795615200)
/* Sun 29 Mar 2026 01:00 in Europe/Berlin (CET; at 02:00 clocks go to
 * 03:00) */
#define SPRING_0100 INT64_C(1774742400)
/* Sun 25 Oct 2026 01:30 in Europe/Berlin (CEST; at 03:00 clocks go back
 * to 02:00) */
#define FALL_0130 INT64_C(1792884600)
/* Mon 19 Oct 2026 00:00 in Europe/Berlin: the week of that night */
#define FALL_WEEK INT64_C(1792360800)

#define OWNER "alice@example.org"
#define MIN 60
#define HOUR 3600

static int
setup(void **state)
{
	return cmd_fixture_setup(state, OWNER, T0);
}

static int
teardown(void **state)
{
	return cmd_fixture_close(*state);
}

/* Fails unless reply holds want, where a run of spaces in reply (the
 * padding of a table's columns) counts as one. */
static void
assert_has(const char *reply, const char *want)
{
	char squeezed[CMD_REPLY_MAX];
	size_t n = 0;
	const char *p;

	for (p = reply; *p != '\0' && n + 1 < sizeof squeezed; p++)
		if (*p != ' ' || n == 0 || squeezed[n - 1] != ' ')
			squeezed[n++] = *p;
	squeezed[n] = '\0';
	if (strstr(squeezed, want) == NULL)
		fail_msg("no \"%s\" in:\n%s", want, reply);
}

/* ---- the rule ---- */

static void
rounding_apply__each_rule__rounds_at_its_boundaries(void **state)
{
	static const struct {
		int minutes;
		bool up;
		int64_t secs, want;
	} cases[] = {
		{ 0, true, 0, 0 }, { 0, true, 1, 1 }, { 0, false, 3661, 3661 },
		{ 6, true, 0, 0 }, { 6, true, 1, 360 }, { 6, true, 359, 360 },
		{ 6, true, 360, 360 }, { 6, true, 361, 720 },
		{ 6, false, 1, 0 }, { 6, false, 179, 0 }, { 6, false, 180, 360 },
		{ 6, false, 360, 360 }, { 6, false, 539, 360 },
		{ 6, false, 540, 720 },
		{ 15, true, 1, 900 }, { 15, true, 899, 900 }, { 15, true, 900, 900 },
		{ 15, true, 901, 1800 }, { 15, true, 7 * HOUR + 5 * MIN,
		                           7 * HOUR + 15 * MIN },
		{ 15, false, 449, 0 }, { 15, false, 450, 900 },
		{ 15, false, 1349, 900 }, { 15, false, 1350, 1800 },
		{ 30, true, 1, 1800 }, { 30, true, 1800, 1800 },
		{ 30, true, 1801, 3600 },
		{ 30, false, 899, 0 }, { 30, false, 900, 1800 },
		{ 30, false, 2699, 1800 }, { 30, false, 2700, 3600 },
		/* Nothing is less than nothing. */
		{ 15, true, -5, 0 }, { 15, false, -900, 0 }, { 0, true, -5, 0 },
	};
	struct rounding r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		r.minutes = cases[i].minutes;
		r.up = cases[i].up;
		if (rounding_apply(&r, cases[i].secs) != cases[i].want)
			fail_msg("%dm %s of %lld: %lld, not %lld", r.minutes,
			         r.up ? "up" : "nearest", (long long)cases[i].secs,
			         (long long)rounding_apply(&r, cases[i].secs),
			         (long long)cases[i].want);
	}
	assert_int_equal(rounding_apply(NULL, 61), 61);
}

/* An entry of project acme from start to stop. */
static struct store_entry
entry(int64_t start, int64_t stop)
{
	struct store_entry e;

	memset(&e, 0, sizeof e);
	snprintf(e.project, sizeof e.project, "acme");
	e.start = start;
	e.stop = stop;
	return e;
}

static void
rounding_entry__with_a_break__rounds_the_time_worked(void **state)
{
	/* 09:00-10:30 with a break 09:45-10:00: 1h 15m worked. */
	struct store_entry e = entry(T0, T0 + 90 * MIN);
	struct rounding up6 = { 6, true }, near30 = { 30, false };
	struct rounding up15 = { 15, true }, none = { 0, true };

	(void)state;
	e.breaks[0].start = T0 + 45 * MIN;
	e.breaks[0].stop = T0 + 60 * MIN;
	e.nbreaks = 1;
	assert_int_equal(rounding_entry(&none, &e, "UTC", T0), 75 * MIN);
	assert_int_equal(rounding_entry(&up15, &e, "UTC", T0), 75 * MIN);
	assert_int_equal(rounding_entry(&up6, &e, "UTC", T0), 78 * MIN);
	/* 15 minutes over the hour is half of 30: up. */
	assert_int_equal(rounding_entry(&near30, &e, "UTC", T0), 90 * MIN);
}

static void
rounding_entry__across_midnight__rounds_each_day_on_its_own(void **state)
{
	/* Tue 24 Nov 23:50 to Wed 00:20 UTC: 10m and 20m. */
	int64_t midnight = T0 - 14 * HOUR;
	struct store_entry e = entry(midnight - 10 * MIN, midnight + 20 * MIN);
	struct rounding up15 = { 15, true }, near15 = { 15, false };

	(void)state;
	assert_int_equal(rounding_entry(&up15, &e, "UTC", T0), 45 * MIN);
	/* 10m and 20m to the nearest: 15m and 15m. */
	assert_int_equal(rounding_entry(&near15, &e, "UTC", T0), 30 * MIN);
	/* In Berlin both halves are on Wednesday: one part, 30m. */
	assert_int_equal(rounding_entry(&up15, &e, "Europe/Berlin", T0),
	                 30 * MIN);
}

static void
rounding_entry__dst_nights__round_the_seconds_worked_not_the_clock(
	void **state)
{
	/* 01:00 to 03:10 on the spring night: 1h 10m worked. */
	struct store_entry spring = entry(SPRING_0100, SPRING_0100 + 70 * MIN);
	/* 01:30 CEST to 03:37 CET on the autumn night: 3h 07m worked. */
	struct store_entry fall = entry(FALL_0130, FALL_0130 + 187 * MIN);
	struct rounding up15 = { 15, true }, near15 = { 15, false };

	(void)state;
	assert_int_equal(rounding_entry(&up15, &spring, "Europe/Berlin", T0),
	                 75 * MIN);
	assert_int_equal(rounding_entry(&near15, &spring, "Europe/Berlin", T0),
	                 75 * MIN);
	assert_int_equal(rounding_entry(&up15, &fall, "Europe/Berlin", T0),
	                 195 * MIN);
	assert_int_equal(rounding_entry(&near15, &fall, "Europe/Berlin", T0),
	                 180 * MIN);
	/* The same in New York, where neither is a DST night. */
	assert_int_equal(rounding_entry(&up15, &fall, "America/New_York", T0),
	                 195 * MIN);
}

static void
rounding_entry__running_or_empty__counts_up_to_now(void **state)
{
	struct store_entry running = entry(T0 - 61, 0);
	struct store_entry empty = entry(T0, T0);
	struct rounding up15 = { 15, true };

	(void)state;
	assert_int_equal(rounding_entry(&up15, &running, "UTC", T0), 15 * MIN);
	assert_int_equal(rounding_entry(&up15, &empty, "UTC", T0), 0);
	/* A timer started after now has worked nothing yet. */
	running.start = T0 + 5;
	assert_int_equal(rounding_entry(&up15, &running, "UTC", T0), 0);
}

static void
rounding_entry__times_no_store_holds__neither_overflow_nor_take_long(
	void **state)
{
	struct store_entry e = entry(INT64_MIN + 5, INT64_MAX - 5);
	struct rounding up30 = { 30, true };
	int64_t secs;

	(void)state;
	e.breaks[0].start = INT64_MIN;
	e.breaks[0].stop = INT64_MAX;
	e.nbreaks = 1;
	assert_int_equal(rounding_entry(&up30, &e, "Europe/Berlin", T0), 0);
	/* Forty years: a day at a time up to a limit, then the rest. */
	e = entry(T0 - INT64_C(40) * 366 * 86400, T0);
	secs = rounding_entry(&up30, &e, "Europe/Berlin", T0);
	assert_true(secs >= e.stop - e.start && secs % 1800 == 0);
}

static void
rounding_format_and_say__each_rule__spell_it(void **state)
{
	struct rounding none = { 0, true }, up15 = { 15, true };
	struct rounding near6 = { 6, false };
	char buf[ROUNDING_TEXT_MAX];

	(void)state;
	rounding_format(&none, buf, sizeof buf);
	assert_string_equal(buf, "none");
	rounding_format(&up15, buf, sizeof buf);
	assert_string_equal(buf, "15m up");
	rounding_format(&near6, buf, sizeof buf);
	assert_string_equal(buf, "6m nearest");
	rounding_say(&none, buf, sizeof buf);
	assert_string_equal(buf, "");
	rounding_say(&up15, buf, sizeof buf);
	assert_string_equal(buf, "rounded up to 15 min per entry");
	rounding_say(&near6, buf, sizeof buf);
	assert_string_equal(buf, "rounded to the nearest 6 min per entry");
}

/* ---- decimal hours ---- */

static void
fmt_hours__hundredths__round_half_up_without_drift(void **state)
{
	static const struct {
		int64_t secs;
		const char *want;
	} cases[] = {
		{ 0, "0.00" }, { -30, "0.00" }, { 17, "0.00" },
		/* 18 s is 0.005 h: half, up. */
		{ 18, "0.01" }, { 59, "0.02" }, { 3600, "1.00" },
		{ HOUR + 5 * MIN, "1.08" }, { 7 * HOUR + 5 * MIN, "7.08" },
		{ 5399, "1.50" }, { 5401, "1.50" }, { 2 * HOUR - 19, "1.99" },
		/* 1.995 h: half, up. */
		{ 2 * HOUR - 18, "2.00" }, { 100 * HOUR, "100.00" },
		{ 1234 * HOUR + 59 * MIN + 59, "1235.00" },
	};
	char buf[FMT_DURATION_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fmt_hours(cases[i].secs, buf, sizeof buf);
		if (strcmp(buf, cases[i].want) != 0)
			fail_msg("%lld s: %s, not %s", (long long)cases[i].secs,
			         buf, cases[i].want);
	}
	fmt_worked(true, 7 * HOUR + 5 * MIN, buf, sizeof buf);
	assert_string_equal(buf, "7.08 h");
	fmt_worked(false, 7 * HOUR + 5 * MIN, buf, sizeof buf);
	assert_string_equal(buf, "7h 05m");
}

/* ---- the settings ---- */

static void
prefs_parse__bad_rounding__says_why_and_what_it_takes(void **state)
{
#define TAKES "rounding takes none, or 6m, 15m or 30m and up or nearest, " \
	"such as 15m up or 6m nearest."
	static const struct {
		const char *name, *value, *why;
	} cases[] = {
		{ "rounding", "15m", "Say which way too: 15m up or 15m nearest. "
		  TAKES },
		{ "rounding", "10m up", "I round to 6, 15 or 30 minutes, not "
		  "\"10m\". " TAKES },
		{ "rounding", "15m down", "I don't know \"down\" here. " TAKES },
		{ "rounding", "soon", "I don't know \"soon\" here. " TAKES },
		{ "hours", "minutes", "I don't know \"minutes\" here. hours takes "
		  "hm (7h 05m) or decimal (7.08 h)." },
	};
	char why[PREFS_WHY_MAX];
	struct prefs p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		prefs_builtin(&p);
		assert_int_equal(prefs_parse(&p, cases[i].name, cases[i].value,
		                             why, sizeof why), -1);
		assert_string_equal(why, cases[i].why);
		assert_int_equal(p.rounding.minutes, 0);
	}
#undef TAKES
}

/* ---- reports ---- */

/* Mon 23 Nov 2026 (UTC): acme 7m and 31m, globex 15m. */
static void
add_monday(struct cmd_fixture *f)
{
	cmd_fixture_run(f, "add acme 9:00-9:07 2026-11-23", CMD_OK);
	cmd_fixture_run(f, "add acme 10:00-10:31 2026-11-23", CMD_OK);
	cmd_fixture_run(f, "add globex +call 11:00-11:15 2026-11-23", CMD_OK);
}

static void
report__rounding_each_rule__rounds_every_entry_and_says_so(void **state)
{
	struct cmd_fixture *f = *state;
	const char *r;

	add_monday(f);
	r = cmd_fixture_run(f, "report 2026-11-23", CMD_OK);
	assert_has(r, "Mon 23 Nov 2026:\n");
	assert_has(r, "acme 38m");
	assert_has(r, "Total 53m");
	assert_null(strstr(r, "rounded"));

	assert_has(cmd_fixture_run(f, "settings rounding 15m up", CMD_OK),
	           "rounding is now 15m up: reports are rounded up to 15 min "
	           "per entry");
	r = cmd_fixture_run(f, "report 2026-11-23", CMD_OK);
	assert_has(r, "Mon 23 Nov 2026, rounded up to 15 min per entry:\n");
	assert_has(r, "acme 1h 00m");
	assert_has(r, "globex 15m");
	assert_has(r, "Total 1h 15m");

	cmd_fixture_run(f, "settings rounding 15m nearest", CMD_OK);
	r = cmd_fixture_run(f, "report 2026-11-23 by tag", CMD_OK);
	assert_has(r, ", rounded to the nearest 15 min per entry:\n");
	/* 7m to the nearest 15m is none, 31m is 30m. */
	assert_has(r, "+call 15m");
	assert_has(r, "(no tag) 30m");
	assert_has(r, "Total 45m");

	cmd_fixture_run(f, "settings rounding 6m up", CMD_OK);
	r = cmd_fixture_run(f, "report 2026-11-23", CMD_OK);
	assert_has(r, "acme 48m"); /* 12m and 36m */
	assert_has(r, "Total 1h 06m");

	cmd_fixture_run(f, "settings rounding none", CMD_OK);
	r = cmd_fixture_run(f, "report 2026-11-23", CMD_OK);
	assert_has(r, "Total 53m");
	assert_null(strstr(r, "rounded"));
}

static void
report__nearest_rounds_an_entry_to_nothing__still_shows_its_row(void **state)
{
	struct cmd_fixture *f = *state;
	const char *r;

	cmd_fixture_run(f, "add acme 9:00-9:05 2026-11-23", CMD_OK);
	cmd_fixture_run(f, "settings rounding 30m nearest", CMD_OK);
	r = cmd_fixture_run(f, "report 2026-11-23", CMD_OK);
	assert_has(r, "acme 0m");
	assert_has(r, "Total 0m");
	/* Half a unit, 15m of 30m, rounds up. */
	cmd_fixture_run(f, "add globex 10:00-10:15 2026-11-23", CMD_OK);
	r = cmd_fixture_run(f, "report 2026-11-23", CMD_OK);
	assert_has(r, "globex 30m\nacme 0m\nTotal 30m");
}

static void
report__entry_across_midnight__rounds_each_day_and_the_days_add_up(
	void **state)
{
	struct cmd_fixture *f = *state;
	const char *r;

	/* Mon 23:50 to Tue 00:20: 10m on Monday, 20m on Tuesday. */
	cmd_fixture_run(f, "add acme 23:50-00:20 mon", CMD_OK);
	cmd_fixture_run(f, "settings rounding 15m up", CMD_OK);
	r = cmd_fixture_run(f, "report mon..tue by day", CMD_OK);
	assert_has(r, "Mon 23 Nov 15m");
	assert_has(r, "Tue 24 Nov 30m");
	assert_has(r, "Total 45m");
	/* The period as one: the same parts, the same total. */
	r = cmd_fixture_run(f, "report mon..tue", CMD_OK);
	assert_has(r, "acme 45m");
	assert_has(r, "Total 45m");
	assert_has(r, "Per day: Mon 23 15m, Tue 24 30m");
	/* Monday alone: its part alone. */
	r = cmd_fixture_run(f, "report mon", CMD_OK);
	assert_has(r, "Total 15m");
}

static void
report__hours_decimal__shows_every_duration_in_decimal_hours(void **state)
{
	struct cmd_fixture *f = *state;
	const char *r;

	cmd_fixture_run(f, "add acme 9:00-16:05 2026-11-23", CMD_OK);
	cmd_fixture_run(f, "add globex 16:05-16:06 2026-11-24", CMD_OK);
	assert_has(cmd_fixture_run(f, "settings hours decimal", CMD_OK),
	           "hours is now decimal: reports show time in decimal hours");
	r = cmd_fixture_run(f, "report mon..tue", CMD_OK);
	assert_has(r, "acme 7.08 h");
	assert_has(r, "globex 0.02 h");
	assert_has(r, "Total 7.10 h");
	assert_has(r, "Per day: Mon 23 7.08 h, Tue 24 0.02 h");
	cmd_fixture_run(f, "settings rounding 6m up", CMD_OK);
	r = cmd_fixture_run(f, "report mon..tue", CMD_OK);
	assert_has(r, "acme 7.10 h");
	assert_has(r, "globex 0.10 h");
	assert_has(r, "Total 7.20 h");
	cmd_fixture_run(f, "settings hours hm", CMD_OK);
	assert_has(cmd_fixture_run(f, "report mon..tue", CMD_OK), "Total 7h 12m");
}

static void
report__dst_nights__rounds_the_time_worked(void **state)
{
	struct cmd_fixture *f = *state;
	const char *r;

	f->ctx.tz = "Europe/Berlin";
	cmd_fixture_run(f, "add acme 01:00-03:10 2026-03-29", CMD_OK);
	cmd_fixture_run(f, "add acme 01:30-03:37 2026-10-25", CMD_OK);
	cmd_fixture_run(f, "settings rounding 15m up", CMD_OK);
	/* 1h 10m worked on the spring night (the clock says 2h 10m). */
	assert_has(cmd_fixture_run(f, "report 2026-03-29", CMD_OK), "Total 1h 15m");
	/* 3h 07m on the autumn night (the clock says 2h 07m). */
	assert_has(cmd_fixture_run(f, "report 2026-10-25", CMD_OK), "Total 3h 15m");
	cmd_fixture_run(f, "settings rounding 15m nearest", CMD_OK);
	r = cmd_fixture_run(f, "report 2026-10-25", CMD_OK);
	assert_has(r, "Total 3h 00m");
}

static void
export__rounding_setting__fills_the_rounded_columns_and_names_the_rule(
	void **state)
{
	struct cmd_fixture *f = *state;
	const char *r;

	/* 7m, and 23:50-00:20 across midnight: 10m and 20m. */
	cmd_fixture_run(f, "add acme 9:00-9:07 2026-11-23", CMD_OK);
	cmd_fixture_run(f, "add acme 23:50-00:20 mon", CMD_OK);
	r = cmd_fixture_run(f, "export csv 2026-11-23", CMD_OK);
	assert_has(r, "breaks_seconds,rounded_seconds,rounded_hours,rounding,"
	              "billable,rate,currency,amount\r\n");
	assert_has(r, ",420,0.12,0,420,0.12,none,false,,,\r\n");
	cmd_fixture_run(f, "settings rounding 15m up", CMD_OK);
	r = cmd_fixture_run(f, "export csv 2026-11-23", CMD_OK);
	assert_has(r, ",420,0.12,0,900,0.25,15m up,false,,,\r\n");
	assert_has(r, ",1800,0.50,0,2700,0.75,15m up,false,,,\r\n");
	r = cmd_fixture_run(f, "export json 2026-11-23", CMD_OK);
	assert_has(r, "\"duration_seconds\":1800,");
	assert_has(r, "\"rounded_seconds\":2700,\"rounded_hours\":0.75,"
	              "\"rounding\":\"15m up\",\"billable\":false,");
}

/* A pseudo-random number below n (a fixed sequence). */
static int64_t
next(uint64_t *seed, int64_t n)
{
	*seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (int64_t)((*seed >> 33) % (uint64_t)n);
}

/* store_report_rounded's callback: the seconds summed, and per bucket. */
struct sums {
	int64_t total;
	int64_t bucket[8];
};

static void
add_up(int bucket, const char *key, int64_t secs, void *arg)
{
	struct sums *s = arg;

	(void)key;
	s->total += secs;
	if (bucket >= 0 && bucket < 8)
		s->bucket[bucket] += secs;
}

/*
 * The SQL of the store and the C of commands/rounding.c round alike:
 * entries of any length (some across midnight, some with a break) in
 * the week of Berlin's autumn DST night, under every rule, as a whole
 * week of days and day by day.
 */
static void
store_report_rounded__random_week__equals_the_rule_in_c(void **state)
{
	static const struct rounding rules[] = {
		{ 6, true }, { 6, false }, { 15, true }, { 15, false },
		{ 30, true }, { 30, false },
	};
	struct cmd_fixture *f = *state;
	struct store_entry e, kept[80];
	int64_t days[8], t = FALL_WEEK + 7 * HOUR, want, day_want[7];
	uint64_t seed = 19;
	size_t r;
	int i, n = 0, d;

	days[0] = FALL_WEEK;
	for (d = 1; d < 8; d++)
		days[d] = tz_next_day("Europe/Berlin", days[d - 1]);
	while (n < 80) {
		/* Every other one a multiple of 90 s, which hits the half of
		 * every unit (3m, 7m 30s, 15m) exactly. */
		e = entry(t, t + (n % 2 ? 1 + next(&seed, 3 * HOUR)
		                        : 90 * (1 + next(&seed, 120))));
		if (e.stop >= days[7])
			break;
		assert_int_equal(store_insert_entry(f->st, OWNER, &e), STORE_OK);
		if (next(&seed, 3) == 0 && e.stop - e.start > 120) {
			assert_int_equal(store_add_break(f->st, OWNER, e.seq,
			                                 e.start + 60, e.start + 90
			                                 + next(&seed, 30), &e),
			                 STORE_OK);
		}
		kept[n++] = e;
		t = e.stop + next(&seed, 5 * HOUR);
	}
	assert_true(n > 20);
	for (r = 0; r < sizeof rules / sizeof rules[0]; r++) {
		struct store_rounding sr = { rules[r].minutes * 60, rules[r].up,
		                             true };
		struct sums whole = { 0 }, by_day = { 0 };

		want = 0;
		memset(day_want, 0, sizeof day_want);
		for (i = 0; i < n; i++)
			want += rounding_entry(&rules[r], &kept[i], "Europe/Berlin",
			                       T0);
		assert_int_equal(store_report_rounded(f->st, OWNER, days, 8, T0,
		                                      STORE_BY_PROJECT, NULL, &sr,
		                                      add_up, &whole), STORE_OK);
		assert_int_equal(whole.total, want);
		assert_int_equal(whole.bucket[0], want);
		sr.whole = false;
		assert_int_equal(store_report_rounded(f->st, OWNER, days, 8, T0,
		                                      STORE_BY_NONE, NULL, &sr,
		                                      add_up, &by_day), STORE_OK);
		assert_int_equal(by_day.total, want);
		/* Each day: the rounded parts of that day. */
		for (i = 0; i < n; i++)
			for (d = 0; d < 7; d++) {
				int64_t lo = kept[i].start > days[d] ? kept[i].start
				                                     : days[d];
				int64_t hi = kept[i].stop < days[d + 1]
				             ? kept[i].stop : days[d + 1];

				if (hi > lo)
					day_want[d] += rounding_apply(&rules[r],
					    hi - lo - store_break_secs(&kept[i], lo,
					                               hi, T0));
			}
		for (d = 0; d < 7; d++)
			assert_int_equal(by_day.bucket[d], day_want[d]);
	}
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rounding_apply__each_rule__rounds_at_its_boundaries),
		cmocka_unit_test(rounding_entry__with_a_break__rounds_the_time_worked),
		cmocka_unit_test(
			rounding_entry__across_midnight__rounds_each_day_on_its_own),
		cmocka_unit_test(
			rounding_entry__dst_nights__round_the_seconds_worked_not_the_clock),
		cmocka_unit_test(rounding_entry__running_or_empty__counts_up_to_now),
		cmocka_unit_test(
			rounding_entry__times_no_store_holds__neither_overflow_nor_take_long),
		cmocka_unit_test(rounding_format_and_say__each_rule__spell_it),
		cmocka_unit_test(fmt_hours__hundredths__round_half_up_without_drift),
		cmocka_unit_test(
			prefs_parse__bad_rounding__says_why_and_what_it_takes),
		T(report__rounding_each_rule__rounds_every_entry_and_says_so),
		T(report__nearest_rounds_an_entry_to_nothing__still_shows_its_row),
		T(report__entry_across_midnight__rounds_each_day_and_the_days_add_up),
		T(report__hours_decimal__shows_every_duration_in_decimal_hours),
		T(report__dst_nights__rounds_the_time_worked),
		T(export__rounding_setting__fills_the_rounded_columns_and_names_the_rule),
		T(store_report_rounded__random_week__equals_the_rule_in_c),
	};
#undef T
	return cmocka_run_group_tests_name("rounding", tests, NULL, NULL);
}
