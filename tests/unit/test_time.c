/*
 * tests/unit/test_time.c - durations, clock times, zones and periods, and
 * the bounded text buffer they are written into; then how the commands
 * read and show times (log, add, start, stop, edit), run as function
 * calls against a :memory: store at an injected "now".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../commands/cmd.h"
#include "../../commands/format.h"
#include "../../lib/text.h"
#include "../../lib/tz.h"
#include "cmd_fixture.h"

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

/* Writes a file at dir/name holding text. */
static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

/* Teardown: the zoneinfo directory back to the system's, whatever a test
 * set. */
static int
tzdir_reset(void **state)
{
	(void)state;
	unsetenv("TZDIR");
	return 0;
}

static void
tz_valid__remembers_a_zone_found__finds_one_added_later__per_tzdir(
	void **state)
{
	char a[] = "/tmp/timmy-tzdir-a-XXXXXX", b[] = "/tmp/timmy-tzdir-b-XXXXXX";
	char path[512];

	(void)state;
	assert_non_null(mkdtemp(a));
	assert_non_null(mkdtemp(b));
	setenv("TZDIR", a, 1);
	/* Not there yet: not valid, and not remembered as such. */
	assert_false(tz_valid("Test_Zone"));
	write_file(a, "Test_Zone", "TZif2 (only the magic is read)");
	assert_true(tz_valid("Test_Zone"));
	assert_true(tz_valid("Test_Zone"));
	/* Valid in a, not in b: the zoneinfo directory is part of what is
	 * remembered. */
	setenv("TZDIR", b, 1);
	assert_false(tz_valid("Test_Zone"));
	write_file(b, "Test_Zone", "not a zone file");
	assert_false(tz_valid("Test_Zone"));
	/* Found once, a zone is not read again (a zone file does not go
	 * away while timmy runs): gone from a, it still counts there. */
	snprintf(path, sizeof(path), "%s/Test_Zone", a);
	unlink(path);
	setenv("TZDIR", a, 1);
	assert_true(tz_valid("Test_Zone"));
	unsetenv("TZDIR");
	assert_true(tz_valid("Europe/Berlin"));
	snprintf(path, sizeof(path), "%s/Test_Zone", b);
	unlink(path);
	rmdir(a);
	rmdir(b);
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

/* What tz_mktime answered before it read offsets instead of asking
 * mktime twice: the reference the new way must agree with. TZ is
 * already zone's (a tz_mktime call before sets it). */
static time_t
mktime_reference(const struct tm *tm)
{
	struct tm want = *tm, a, b;
	time_t ta, tb;
	bool oka, okb;

	want.tm_isdst = 0;
	(void)timegm(&want);
	a = want, b = want;
	a.tm_isdst = 0, b.tm_isdst = 1;
	ta = mktime(&a);
	tb = mktime(&b);
	oka = a.tm_hour == want.tm_hour && a.tm_min == want.tm_min &&
	      a.tm_mday == want.tm_mday;
	okb = b.tm_hour == want.tm_hour && b.tm_min == want.tm_min &&
	      b.tm_mday == want.tm_mday;
	if (oka && okb)
		return ta < tb ? ta : tb;
	if (oka)
		return ta;
	if (okb)
		return tb;
	return ta > tb ? ta : tb;
}

static void
tz_mktime__agrees_with_mktime__on_every_transition_day_2024_to_2028(void **state)
{
	/* Northern and southern daylight time, half-hour offsets and a
	 * half-hour daylight shift (Lord Howe), none at all. */
	static const char *zones[] = {
		"UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney",
		"Australia/Lord_Howe", "America/St_Johns", "Asia/Kolkata",
		"America/Santiago", "Pacific/Chatham",
	};
	struct tm tm, noon, next;
	size_t z;
	int day, q, checked = 0;

	(void)state;
	for (z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
		for (day = 0; day < 5 * 366; day++) {
			memset(&noon, 0, sizeof(noon));
			noon.tm_year = 124, noon.tm_mon = 0;
			noon.tm_mday = 1 + day, noon.tm_hour = 12;
			next = noon;
			next.tm_mday++;
			/* A day whose noon offset differs from the next: the
			 * transition lies between; check every quarter hour of
			 * both days, and midnight of every other day. */
			if (tz_mktime(zones[z], &next) - tz_mktime(zones[z], &noon) ==
			    86400) {
				tm = noon;
				tm.tm_hour = 0;
				assert_int_equal(tz_mktime(zones[z], &tm),
				                 mktime_reference(&tm));
				checked++;
				continue;
			}
			for (q = 0; q < 2 * 96; q++) {
				tm = noon;
				tm.tm_hour = 0;
				tm.tm_min = 15 * q;
				assert_int_equal(tz_mktime(zones[z], &tm),
				                 mktime_reference(&tm));
				checked++;
			}
		}
	}
	assert_true(checked > 9 * 5 * 365);
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

/* The day a log row is shown under: Sun 6 Dec 2026 00:00 UTC. */
#define SUN6 INT64_C(1796515200)
#define H 3600

static void
fmt_log_times__names_the_day_of_a_time_off_the_shown_day(void **state)
{
	static const struct {
		const char *zone;
		int64_t day, start, stop;
		const char *a, *b;
	} cases[] = {
		{ "UTC", SUN6, SUN6 + 9 * H, SUN6 + 10 * H, "09:00", "10:00" },
		/* began the day before: Sat 22:00 to Sun 01:00 */
		{ "UTC", SUN6, SUN6 - 2 * H, SUN6 + H, "Sat 22:00", "01:00" },
		/* the same entry under Saturday ends on a later day */
		{ "UTC", SUN6 - 24 * H, SUN6 - 2 * H, SUN6 + H, "22:00",
		  "Sun 01:00" },
		/* running */
		{ "UTC", SUN6, SUN6 + 9 * H, 0, "09:00", "now" },
		{ "UTC", SUN6, SUN6 - 2 * H, 0, "Sat 22:00", "now" },
		/* a week or more away: a weekday alone would be ambiguous */
		{ "UTC", SUN6, SUN6 - 8 * 24 * H + 22 * H, SUN6 + H,
		  "28 Nov 22:00", "01:00" },
		{ "UTC", SUN6 - 6 * 24 * H, SUN6 - 6 * 24 * H + 22 * H, SUN6 + H,
		  "22:00", "Sun 01:00" },
		/* New York, Sun 8 Mar 2026 has 23 hours: still one day back */
		{ "America/New_York", INT64_C(1772946000), INT64_C(1772938800),
		  INT64_C(1772956800), "Sat 22:00", "04:00" },
	};
	char a[FMT_CLOCK_MAX], b[FMT_CLOCK_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fmt_log_times(cases[i].zone, cases[i].day, cases[i].start,
		              cases[i].stop, a, b, sizeof(a));
		assert_string_equal(a, cases[i].a);
		assert_string_equal(b, cases[i].b);
	}
}

static void
fmt_moved__says_which_time_moved_and_why(void **state)
{
	struct tp_moved mv;
	struct text t;

	(void)state;
	memset(&mv, 0, sizeof(mv));
	text_init(&t, 1000);
	fmt_moved(&t, "America/New_York", &mv);
	fmt_moved(&t, "America/New_York", NULL);
	assert_string_equal(text_str(&t), "");
	mv.n = 2;
	mv.at[0].y = 2026, mv.at[0].m = 3, mv.at[0].d = 8;
	mv.at[0].asked = 150;
	mv.at[0].used = INT64_C(1772955000);
	mv.at[1] = mv.at[0];
	mv.at[1].asked = 170;
	mv.at[1].used = INT64_C(1772956200);
	fmt_moved(&t, "America/New_York", &mv);
	assert_string_equal(text_str(&t),
	                    " 02:30 does not exist on Sun 8 Mar 2026 in "
	                    "America/New_York (clocks went forward); I used "
	                    "03:30. 02:50 does not exist on Sun 8 Mar 2026 in "
	                    "America/New_York (clocks went forward); I used "
	                    "03:50.");
	text_free(&t);
}

/* ---- the commands ---- */

static int
cmd_setup(void **state)
{
	static struct cmd_fixture f;

	if (cmd_fixture_open(&f, "alice@example.org") != 0)
		return -1;
	*state = &f;
	return 0;
}

static int
cmd_teardown(void **state)
{
	return cmd_fixture_close(*state);
}

/* Runs body at now and returns the reply. */
static const char *
say(struct cmd_fixture *f, int64_t now, const char *body, enum cmd_status want)
{
	f->ctx.now = now;
	if (cmd_exec(&f->ctx, body, &f->reply) != want)
		fail_msg("\"%s\": unexpected status; reply \"%s\"", body,
		         text_str(&f->reply));
	return text_str(&f->reply);
}

/* Now Sun 6 Dec 2026 12:00 UTC. */
#define SUN6_NOON (SUN6 + 12 * H)

static void
cmd_log__shows_the_start_day__when_entry_began_on_an_earlier_day(void **state)
{
	struct cmd_fixture *f = *state;

	say(f, SUN6_NOON, "add globex 22:00-01:00 yesterday", CMD_OK);
	say(f, SUN6_NOON, "add acme 9:00-10:00", CMD_OK);
	/* one day: the entry of Saturday night says so; columns line up */
	assert_string_equal(say(f, SUN6_NOON, "log", CMD_OK),
	                    "Today, Sun 6 Dec 2026:\n"
	                    "#1    Sat 22:00–01:00  3h 00m  globex\n"
	                    "#2        09:00–10:00  1h 00m  acme\n"
	                    "2 entries, 2h 00m in this period.");
	/* seen from Saturday it ends on a later day */
	assert_string_equal(say(f, SUN6_NOON, "log yesterday", CMD_OK),
	                    "Yesterday, Sat 5 Dec 2026:\n"
	                    "#1    22:00–Sun 01:00  3h 00m  globex\n"
	                    "1 entry, 2h 00m in this period.");
	/* several days: under the day it began, aligned across days */
	reply_has(say(f, SUN6_NOON, "log week", CMD_OK),
	           "\nSat 5 Dec\n"
	           "#1    22:00–Sun 01:00  3h 00m  globex\n"
	           "Sun 6 Dec\n"
	           "#2    09:00–10:00      1h 00m  acme\n");
	/* a range that starts after the entry did: under its first day */
	reply_has(say(f, SUN6_NOON, "log 2026-12-06..2026-12-07", CMD_OK),
	           "\nSun 6 Dec\n"
	           "#1    Sat 22:00–01:00  3h 00m  globex\n"
	           "#2        09:00–10:00  1h 00m  acme\n");
	/* a running entry: "now" fills the end column */
	say(f, SUN6_NOON - 30 * 60, "start writing", CMD_OK);
	reply_has(say(f, SUN6_NOON, "log", CMD_OK),
	           "#1    Sat 22:00–01:00  3h 00m  globex\n"
	           "#2        09:00–10:00  1h 00m  acme\n"
	           "#3        11:30–now       30m  writing\n");
}

static void
cmd_log__running_entry_from_an_earlier_day__names_that_day(void **state)
{
	struct cmd_fixture *f = *state;

	say(f, SUN6_NOON, "start night at yesterday 23:00", CMD_OK);
	assert_string_equal(say(f, SUN6_NOON, "log", CMD_OK),
	                    "Today, Sun 6 Dec 2026:\n"
	                    "#1    Sat 23:00–now   13h 00m  night\n"
	                    "1 entry, 12h 00m in this period.");
}

/* Mon 7 Dec 2026 00:27 UTC: this week has barely begun. */
#define MON0027 INT64_C(1796603220)

static void
cmd_weekday__is_the_latest_that_has_begun__on_monday_after_midnight(void **state)
{
	struct cmd_fixture *f = *state;

	assert_string_equal(say(f, MON0027, "start acme at mon 9:00", CMD_OK),
	                    "Started acme at Mon 30 Nov 09:00.");
	reply_has(say(f, MON0027, "stop at mon 10:00", CMD_OK),
	           "(Mon 30 Nov 09:00–10:00)");
	assert_string_equal(say(f, MON0027, "add globex 11:00-12:00 mon",
	                        CMD_OK),
	                    "Added #2 globex Mon 30 Nov 11:00–12:00 (1h 00m).");
	/* a span that has ended today stays today */
	assert_string_equal(say(f, MON0027, "add globex 0:00-0:20 mon", CMD_OK),
	                    "Added #3 globex 00:00–00:20 (20m).");
	assert_string_equal(say(f, MON0027, "add acme 17:00-18:00 fri", CMD_OK),
	                    "Added #4 acme Fri 4 Dec 17:00–18:00 (1h 00m).");
	/* today stays today: the future is refused */
	reply_has(say(f, MON0027, "add acme 9:00-10:00 today", CMD_REFUSED),
	           "future");
	/* a range of weekdays is this week's, also on a Monday */
	reply_has(say(f, MON0027, "log mon..wed", CMD_OK),
	           "Mon 7 – Wed 9 Dec 2026:\nMon 7 Dec\n#3 ");
	reply_has(say(f, MON0027, "log fri..mon", CMD_OK),
	           "Fri 4 – Mon 7 Dec 2026:\n");
	/* a backwards range proposes the right order, not itself */
	assert_string_equal(say(f, MON0027, "log today..fri", CMD_REFUSED),
	                    "\"today..fri\" ends before it starts. Try "
	                    "fri..today.");
}

static void
cmd_add__quotes_the_word_it_cannot_read(void **state)
{
	struct cmd_fixture *f = *state;

	assert_string_equal(say(f, SUN6_NOON, "add acme banana 2026-01-23",
	                        CMD_REFUSED),
	                    "\"banana\" is not a duration or times. Try \"add "
	                    "acme 1h30m\" or \"add acme 9:00-10:30\".");
}

static void
cmd_note__keyword_starts_the_note__in_add_start_and_edit(void **state)
{
	struct cmd_fixture *f = *state;

	assert_string_equal(say(f, SUN6_NOON,
	                        "add globex 7:00-8:00 note early call", CMD_OK),
	                    "Added #1 globex (early call) 07:00–08:00 (1h 00m).");
	assert_string_equal(say(f, SUN6_NOON,
	                        "add globex 8:00-8:30 NOTE follow-up", CMD_OK),
	                    "Added #2 globex (follow-up) 08:00–08:30 (30m).");
	/* plain trailing words are the note, as before */
	reply_has(say(f, SUN6_NOON, "add acme 9:00-9:30 call with bob", CMD_OK),
	           "(call with bob)");
	/* "note" alone is a note of one word; quoted it is text */
	reply_has(say(f, SUN6_NOON, "add acme 9:30-9:40 note", CMD_OK),
	           "(note)");
	reply_has(say(f, SUN6_NOON, "add acme 9:40-9:50 \"note\" x", CMD_OK),
	           "(\"note\" x)");
	assert_string_equal(say(f, SUN6_NOON,
	                        "start acme +design note fix the header at 10:00",
	                        CMD_OK),
	                    "Started acme +design (fix the header) at 10:00.");
	reply_has(say(f, SUN6_NOON, "edit 1 note note to self", CMD_OK),
	           "(note to self)");
	reply_has(say(f, SUN6_NOON, "edit 1 note", CMD_OK),
	           "#1 globex 07:00");
}

static void
cmd_dst__a_time_in_the_gap__reply_says_it_moved(void **state)
{
	struct cmd_fixture *f = *state;
	const int64_t mon9 = INT64_C(1773057600); /* Mon 9 Mar 2026 12:00 UTC */
	const char *r;

	f->ctx.tz = "America/New_York";
	assert_string_equal(say(f, mon9, "add dst2 2:30-4:00 2026-03-08", CMD_OK),
	                    "Added #1 dst2 Sun 8 Mar 03:30–04:00 (30m). 02:30 "
	                    "does not exist on Sun 8 Mar 2026 in "
	                    "America/New_York (clocks went forward); I used "
	                    "03:30.");
	/* times that exist say nothing more */
	assert_string_equal(say(f, mon9, "add dst2 5:00-6:00 2026-03-08", CMD_OK),
	                    "Added #2 dst2 Sun 8 Mar 05:00–06:00 (1h 00m).");
	r = say(f, mon9, "edit 1 start 2026-03-08 2:10", CMD_OK);
	reply_has(r, "Changed #1 dst2 Sun 8 Mar 03:10–04:00 (50m). 02:10 does "
	              "not exist on Sun 8 Mar 2026 in America/New_York (clocks "
	              "went forward); I used 03:10.");
	say(f, mon9, "delete 1", CMD_OK);
	say(f, mon9, "delete 2", CMD_OK);
	r = say(f, mon9, "start night at 2026-03-08 2:30", CMD_OK);
	reply_has(r, "Started night at Sun 8 Mar 03:30. 02:30 does not exist "
	              "on Sun 8 Mar 2026 in America/New_York (clocks went "
	              "forward); I used 03:30.");
	r = say(f, mon9, "stop at 2026-03-08 2:45", CMD_OK);
	reply_has(r, "(Sun 8 Mar 03:30–03:45). 02:45 does not exist on Sun 8 "
	              "Mar 2026 in America/New_York (clocks went forward); I "
	              "used 03:45.");
	f->ctx.tz = "UTC";
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fmt_duration__table),
		cmocka_unit_test(fmt_clock__same_day_short__other_day_long),
		cmocka_unit_test(fmt_width__counts_characters_not_bytes),
		cmocka_unit_test(tz_valid__accepts_zones_rejects_the_rest),
		cmocka_unit_test_teardown(
			tz_valid__remembers_a_zone_found__finds_one_added_later__per_tzdir,
			tzdir_reset),
		cmocka_unit_test(tz_period__table),
		cmocka_unit_test(tz_mktime__gap_moves_forward__repeat_takes_first),
		cmocka_unit_test(tz_mktime__agrees_with_mktime__on_every_transition_day_2024_to_2028),
		cmocka_unit_test(text__grows_then_stops_at_max),
		cmocka_unit_test(text__never_cuts_a_character_in_half),
		cmocka_unit_test(fmt_log_times__names_the_day_of_a_time_off_the_shown_day),
		cmocka_unit_test(fmt_moved__says_which_time_moved_and_why),
#define C(t) cmocka_unit_test_setup_teardown(t, cmd_setup, cmd_teardown)
		C(cmd_log__shows_the_start_day__when_entry_began_on_an_earlier_day),
		C(cmd_log__running_entry_from_an_earlier_day__names_that_day),
		C(cmd_weekday__is_the_latest_that_has_begun__on_monday_after_midnight),
		C(cmd_add__quotes_the_word_it_cannot_read),
		C(cmd_note__keyword_starts_the_note__in_add_start_and_edit),
		C(cmd_dst__a_time_in_the_gap__reply_says_it_moved),
#undef C
	};

	return cmocka_run_group_tests_name("time and text", tests, NULL, NULL);
}
