/*
 * tests/unit/test_time.c - durations, clock times, zones and periods, and
 * the bounded text buffer they are written into.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../commands/format.h"
#include "../../commands/text.h"
#include "../../commands/tz.h"

static void
fmt_duration__table(void **state)
{
	static const struct {
		int64_t secs;
		const char *want;
	} cases[] = {
		{ -5, "0m" },        { 0, "0m" },          { 42, "42s" },
		{ 59, "59s" },       { 60, "1m" },         { 61, "1m" },
		{ 1499, "24m" },     { 3599, "59m" },      { 3600, "1h 00m" },
		{ 3900, "1h 05m" },  { 25500, "7h 05m" },  { 86400, "24h 00m" },
		{ 360000, "100h 00m" },
	};
	char buf[FMT_DURATION_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fmt_duration(cases[i].secs, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].want);
	}
}

static void
fmt_clock__same_day_short__other_day_long(void **state)
{
	char buf[FMT_CLOCK_MAX];
	int64_t now = INT64_C(1795615200); /* Wed 25 Nov 2026 14:00 UTC */

	(void)state;
	fmt_clock("UTC", now - 3600, now, buf, sizeof(buf));
	assert_string_equal(buf, "13:00");
	fmt_clock("UTC", now - 15 * 3600, now, buf, sizeof(buf));
	assert_string_equal(buf, "Tue 24 Nov 23:00");
	/* 23:00 UTC is already Thursday 08:00 in Tokyo while now is Wed 23:00. */
	fmt_clock("Asia/Tokyo", now + 9 * 3600, now, buf, sizeof(buf));
	assert_string_equal(buf, "Thu 26 Nov 08:00");
	fmt_clock("Europe/Berlin", now, now, buf, sizeof(buf));
	assert_string_equal(buf, "15:00");
}

static void
fmt_width__counts_characters_not_bytes(void **state)
{
	(void)state;
	assert_int_equal(fmt_width(""), 0);
	assert_int_equal(fmt_width("acme"), 4);
	assert_int_equal(fmt_width("Café"), 4);
	assert_int_equal(fmt_width("☕🎉"), 2);
}

static void
tz_valid__accepts_zones_rejects_the_rest(void **state)
{
	(void)state;
	assert_true(tz_valid("UTC"));
	assert_true(tz_valid("Europe/Berlin"));
	assert_true(tz_valid("America/New_York"));
	assert_false(tz_valid(""));
	assert_false(tz_valid(NULL));
	assert_false(tz_valid("Mars/Olympus"));
	assert_false(tz_valid("EST5EDT,M3.2.0,M11.1.0"));
	assert_false(tz_valid("../../etc/passwd"));
	assert_false(tz_valid("/etc/localtime"));
	assert_false(tz_valid("Europe"));   /* a directory, not a zone */
}

/* Local midnight-to-midnight bounds, checked against known instants. */
static void
tz_period__table(void **state)
{
	static const struct {
		const char *zone;
		enum tz_period p;
		int64_t now, from, to;
	} cases[] = {
		/* Wed 25 Nov 2026 14:00 UTC */
		{ "UTC", TZ_TODAY, 1795615200, 1795564800, 1795651200 },
		{ "UTC", TZ_WEEK, 1795615200, 1795392000, 1795996800 },
		{ "UTC", TZ_MONTH, 1795615200, 1793491200, 1796083200 },
		/* Berlin, Sun 29 Mar 2026 12:00 CEST: the day is 23 hours long */
		{ "Europe/Berlin", TZ_TODAY, 1774778400, 1774738800, 1774821600 },
		/* Berlin, Sun 25 Oct 2026 12:00 CET: the day is 25 hours long;
		 * its week (Mon 19 Oct CEST .. Mon 26 Oct CET) 7 days + 1 hour */
		{ "Europe/Berlin", TZ_TODAY, 1792926000, 1792879200, 1792969200 },
		{ "Europe/Berlin", TZ_WEEK, 1792926000, 1792360800, 1792969200 },
		/* New York, Sun 8 Mar 2026 12:00 EDT: 23-hour day */
		{ "America/New_York", TZ_TODAY, 1772985600, 1772946000, 1773028800 },
		/* Leap day 2028: Tue 29 Feb; February has 29 days */
		{ "UTC", TZ_TODAY, 1835438400, 1835395200, 1835481600 },
		{ "UTC", TZ_MONTH, 1835438400, 1832976000, 1835481600 },
		/* Month end: Thu 31 Dec 2026 23:59:59 UTC -> December */
		{ "UTC", TZ_MONTH, 1798761599, 1796083200, 1798761600 },
		/* A Sunday belongs to the week that started on Monday */
		{ "UTC", TZ_WEEK, 1795910400, 1795392000, 1795996800 },
	};
	size_t i;
	int64_t from, to;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tz_period(cases[i].zone, cases[i].p, cases[i].now, &from, &to);
		assert_int_equal(from, cases[i].from);
		assert_int_equal(to, cases[i].to);
	}
}

static void
tz_mktime__gap_moves_forward__repeat_takes_first(void **state)
{
	struct tm tm;

	(void)state;
	memset(&tm, 0, sizeof(tm));
	/* Berlin 29 Mar 2026 02:30 does not exist: 03:30 CEST = 01:30 UTC */
	tm.tm_year = 126, tm.tm_mon = 2, tm.tm_mday = 29, tm.tm_hour = 2;
	tm.tm_min = 30;
	assert_int_equal(tz_mktime("Europe/Berlin", &tm), 1774747800);
	/* Berlin 25 Oct 2026 02:30 happens twice: the first is CEST, 00:30 UTC */
	tm.tm_mon = 9, tm.tm_mday = 25;
	assert_int_equal(tz_mktime("Europe/Berlin", &tm), 1792888200);
	/* Day overflow is normalised: 32 Dec = 1 Jan */
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 126, tm.tm_mon = 11, tm.tm_mday = 32;
	assert_int_equal(tz_mktime("UTC", &tm), 1798761600);
}

static void
text__grows_then_stops_at_max(void **state)
{
	struct text t;
	int i;

	(void)state;
	text_init(&t, 1000);
	assert_string_equal(text_str(&t), "");
	for (i = 0; i < 99; i++)
		assert_int_equal(text_printf(&t, "%s", "0123456789"), 0);
	assert_int_equal(t.len, 990);
	assert_int_equal(text_printf(&t, "%s", "0123456789abc"), -1);
	assert_true(t.truncated);
	assert_int_equal(t.len, 1000);
	assert_int_equal(strlen(text_str(&t)), 1000);
	text_clear(&t);
	assert_false(t.truncated);
	assert_string_equal(text_str(&t), "");
	text_free(&t);
}

static void
text__never_cuts_a_character_in_half(void **state)
{
	struct text t;

	(void)state;
	text_init(&t, 4);
	assert_int_equal(text_printf(&t, "ab☕"), -1); /* ☕ is 3 bytes: 5 > 4 */
	assert_string_equal(text_str(&t), "ab");
	text_free(&t);
	text_init(&t, 10);
	text_printf(&t, "%s", "0123456789");
	text_end_with(&t, "[cut]");
	assert_string_equal(text_str(&t), "01234[cut]");
	text_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fmt_duration__table),
		cmocka_unit_test(fmt_clock__same_day_short__other_day_long),
		cmocka_unit_test(fmt_width__counts_characters_not_bytes),
		cmocka_unit_test(tz_valid__accepts_zones_rejects_the_rest),
		cmocka_unit_test(tz_period__table),
		cmocka_unit_test(tz_mktime__gap_moves_forward__repeat_takes_first),
		cmocka_unit_test(text__grows_then_stops_at_max),
		cmocka_unit_test(text__never_cuts_a_character_in_half),
	};

	return cmocka_run_group_tests_name("time and text", tests, NULL, NULL);
}
