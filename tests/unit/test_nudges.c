/*
 * tests/unit/test_nudges.c - commands/nudge.c and storage/nudges.c: which
 * nudge is due at a fixed instant (running_over, start_by, the daily and
 * weekly digest), in UTC and across the DST changes of Europe/Berlin on
 * 2025-03-30 and America/New_York on 2025-11-02; working days; each one
 * once, however often it is asked for; their words; what holds them
 * (reminders off, snooze, the forgotten-timer flow); the candidates a
 * tick looks at, and the age limit of the records.
 *
 * The forgotten-timer flow's rows (user_away, idle_prompts) are written
 * with SQL here: their writers belong to that flow.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "../../commands/nudge.h"
#include "../../storage/store_int.h"
#include "../../storage/store_test.h"

#define ALICE "alice@example.org"
#define BOB "bob@example.org"

#define H 3600
#define M 60

/* The texts of nudge.h, as a user reads them. */
#define STILL_ON_IT(what) what ". Still on it? (stop to end it, snooze 1h " \
	"to hear nothing for an hour)"
#define NOTHING_YET "Nothing tracked yet today. start PROJECT when you " \
	"begin (snooze 1h, or reminders off)."

static store *st;
static struct text out;
static struct prefs p;

static int
setup(void **state)
{
	char err[256];

	(void)state;
	if (store_open(":memory:", &st, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "store_open: %s\n", err);
		return -1;
	}
	text_init(&out, CMD_NUDGE_MAX);
	prefs_builtin(&p);
	return 0;
}

static int
teardown(void **state)
{
	int rc = store_check(st) == STORE_OK ? 0 : -1;

	(void)state;
	text_free(&out);
	store_close(st);
	return rc;
}

/* The UTC epoch second of y-mo-d h:mi:s. */
static int64_t
utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return (int64_t)timegm(&tm);
}

/* Adds owner's entry of project over [start, stop) (stop 0: running);
 * returns its number. */
static int64_t
entry(const char *owner, const char *project, int64_t start, int64_t stop)
{
	struct store_entry e;
	int64_t id;

	memset(&e, 0, sizeof(e));
	snprintf(e.project, sizeof(e.project), "%s", project);
	e.start = start;
	e.stop = stop;
	assert_int_equal(store_insert(st, owner, &e, &id), STORE_OK);
	assert_int_equal(store_last(st, owner, &e), STORE_OK);
	return e.seq;
}

/* cmd_nudge_take for owner at now in zone, with the settings p. */
static enum cmd_status
take(const char *owner, const char *zone, int64_t now)
{
	return cmd_nudge_take(st, owner, zone, &p, now, &out);
}

/* Asserts that owner is due the nudge text at now in zone (and that it
 * is recorded: asked again at once, nothing). */
static void
assert_nudge(const char *owner, const char *zone, int64_t now,
             const char *text)
{
	assert_int_equal(take(owner, zone, now), CMD_OK);
	assert_string_equal(text_str(&out), text);
	assert_int_equal(take(owner, zone, now), CMD_REFUSED);
	assert_string_equal(text_str(&out), "");
}

static void
assert_none(const char *owner, const char *zone, int64_t now)
{
	assert_int_equal(take(owner, zone, now), CMD_REFUSED);
	assert_string_equal(text_str(&out), "");
}

static void
sql(const char *q)
{
	char *err = NULL;

	if (sqlite3_exec(st->db, q, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", q, err);
}

/* ---- running_over ---- */

static void
cmd_nudge_take__asks_still_on_it_once__when_the_timer_has_run_9h(void **state)
{
	int64_t t0 = utc(2025, 6, 2, 8, 0, 0);

	(void)state;
	entry(ALICE, "acme", t0, 0);
	assert_none(ALICE, "UTC", t0 + 9 * H - 1);
	assert_nudge(ALICE, "UTC", t0 + 9 * H,
	             STILL_ON_IT("acme has been running for 9h"));
	/* Hours later, the same entry: never twice. */
	assert_none(ALICE, "UTC", t0 + 15 * H);
}

static void
cmd_nudge_take__counts_worked_time__when_the_timer_had_breaks(void **state)
{
	int64_t t0 = utc(2025, 6, 2, 8, 0, 0);
	int64_t seq;

	(void)state;
	seq = entry(ALICE, "acme", t0, 0);
	assert_int_equal(store_add_break(st, ALICE, seq, t0 + 3 * H,
	                                 t0 + 4 * H + 30 * M, NULL), STORE_OK);
	assert_none(ALICE, "UTC", t0 + 10 * H);
	assert_nudge(ALICE, "UTC", t0 + 10 * H + 35 * M,
	             STILL_ON_IT("acme has been running for 9h 05m"));
}

static void
cmd_nudge_take__asks_again__for_the_next_entry(void **state)
{
	int64_t t0 = utc(2025, 6, 2, 8, 0, 0);

	(void)state;
	entry(ALICE, "acme", t0, 0);
	assert_nudge(ALICE, "UTC", t0 + 9 * H,
	             STILL_ON_IT("acme has been running for 9h"));
	assert_int_equal(store_stop(st, ALICE, t0 + 10 * H, NULL), STORE_OK);
	entry(ALICE, "internal", t0 + 10 * H, 0);
	assert_none(ALICE, "UTC", t0 + 18 * H);
	assert_nudge(ALICE, "UTC", t0 + 20 * H,
	             STILL_ON_IT("internal has been running for 10h"));
}

static void
cmd_nudge_take__follows_running_over__and_never_when_it_is_off(void **state)
{
	int64_t t0 = utc(2025, 6, 2, 8, 0, 0);

	(void)state;
	entry(ALICE, "acme", t0, 0);
	p.running_over = 0;
	assert_none(ALICE, "UTC", t0 + 48 * H);
	p.running_over = 2 * H + 30 * M;
	assert_nudge(ALICE, "UTC", t0 + 2 * H + 30 * M,
	             STILL_ON_IT("acme has been running for 2h 30m"));
}

/* ---- what holds every nudge ---- */

static void
cmd_nudge_take__says_nothing__when_reminders_are_off(void **state)
{
	int64_t t0 = utc(2025, 6, 2, 8, 0, 0);

	(void)state;
	entry(ALICE, "acme", t0, 0);
	p.reminders = false;
	assert_none(ALICE, "UTC", t0 + 10 * H);
	p.reminders = true;
	/* The user's own "reminders off" over the defaults' on. */
	assert_int_equal(store_setting_set(st, ALICE, "reminders", "off"),
	                 STORE_OK);
	assert_none(ALICE, "UTC", t0 + 10 * H);
	assert_int_equal(store_setting_unset(st, ALICE, "reminders"), STORE_OK);
	assert_int_equal(take(ALICE, "UTC", t0 + 10 * H), CMD_OK);
}

static void
cmd_nudge_take__waits__until_the_snooze_is_over(void **state)
{
	int64_t t0 = utc(2025, 6, 2, 8, 0, 0);

	(void)state;
	entry(ALICE, "acme", t0, 0);
	assert_int_equal(store_set_snooze(st, ALICE, t0 + 10 * H), STORE_OK);
	assert_none(ALICE, "UTC", t0 + 9 * H);
	assert_none(ALICE, "UTC", t0 + 10 * H - 1);
	/* Not lost: it comes when the snooze ends. */
	assert_nudge(ALICE, "UTC", t0 + 10 * H,
	             STILL_ON_IT("acme has been running for 10h"));
}

static void
cmd_nudge_take__says_nothing__while_the_user_is_away(void **state)
{
	int64_t t0 = utc(2025, 6, 2, 8, 0, 0);

	(void)state;
	entry(ALICE, "acme", t0, 0);
	sql("INSERT INTO user_away (user_id, since) SELECT id, 0 FROM users");
	assert_none(ALICE, "UTC", t0 + 10 * H);
	sql("DELETE FROM user_away");
	assert_int_equal(take(ALICE, "UTC", t0 + 10 * H), CMD_OK);
}

static void
cmd_nudge_take__says_nothing__while_the_forgotten_timer_question_stands(
	void **state)
{
	int64_t t0 = utc(2025, 6, 2, 8, 0, 0);
	char q[256];

	(void)state;
	entry(ALICE, "acme", t0, 0);
	snprintf(q, sizeof(q), "INSERT INTO idle_prompts (user_id, entry_id,"
	         " away_from, away_to, expires) SELECT user_id, id, %lld, %lld,"
	         " %lld FROM entries", (long long)(t0 + H),
	         (long long)(t0 + 2 * H), (long long)(t0 + 10 * H));
	sql(q);
	assert_none(ALICE, "UTC", t0 + 10 * H - 1);
	/* An expired question holds nothing. */
	assert_int_equal(take(ALICE, "UTC", t0 + 10 * H), CMD_OK);
}

/* ---- start_by ---- */

static void
cmd_nudge_take__says_nothing_tracked__from_start_by_on_a_working_day(
	void **state)
{
	/* Monday 2 June 2025. */
	int64_t day = utc(2025, 6, 2, 0, 0, 0);

	(void)state;
	p.start_by = 9 * 60 + 30;
	assert_none(ALICE, "UTC", day + 9 * H + 30 * M - 1);
	assert_nudge(ALICE, "UTC", day + 9 * H + 30 * M, NOTHING_YET);
	assert_none(ALICE, "UTC", day + 12 * H);
	/* Once per day: Tuesday has its own. */
	assert_nudge(ALICE, "UTC", day + 24 * H + 10 * H, NOTHING_YET);
}

static void
cmd_nudge_take__says_nothing_tracked__only_on_workdays_within_workhours(
	void **state)
{
	/* Saturday 7 June 2025, then Friday 6 June after 17:00. */
	int64_t sat = utc(2025, 6, 7, 10, 0, 0);
	int64_t fri = utc(2025, 6, 6, 0, 0, 0);

	(void)state;
	p.start_by = 9 * 60;
	assert_none(ALICE, "UTC", sat);
	assert_none(ALICE, "UTC", fri + 17 * H);
	assert_none(ALICE, "UTC", fri + 8 * H + 59 * M);
	/* Saturday becomes a working day (bit 6), Friday not (bit 5). */
	p.workdays = 0x5e;
	assert_none(ALICE, "UTC", fri + 10 * H);
	assert_nudge(ALICE, "UTC", sat, NOTHING_YET);
	/* Work hours that end later: Friday is still off. */
	p.work_to = 20 * 60;
	assert_none(ALICE, "UTC", fri + 19 * H);
}

static void
cmd_nudge_take__says_nothing__when_something_is_tracked_that_day(
	void **state)
{
	int64_t mon = utc(2025, 6, 2, 0, 0, 0);

	(void)state;
	p.start_by = 9 * 60;
	entry(ALICE, "acme", mon + 7 * H, mon + 8 * H);
	assert_none(ALICE, "UTC", mon + 10 * H);
	/* Tuesday: a timer running since Monday evening counts. */
	entry(ALICE, "acme", mon + 20 * H, 0);
	p.running_over = 0;
	assert_none(ALICE, "UTC", mon + 24 * H + 10 * H);
	/* Nothing was recorded for either day: stopped before Tuesday's
	 * start, the nudge is due. */
	assert_int_equal(store_stop(st, ALICE, mon + 23 * H, NULL), STORE_OK);
	assert_nudge(ALICE, "UTC", mon + 24 * H + 10 * H, NOTHING_YET);
}

static void
cmd_nudge_take__takes_a_start_by_in_the_spring_gap__as_the_gaps_end(
	void **state)
{
	/* Europe/Berlin, Sunday 30 March 2025: 02:00 CET is 03:00 CEST (at
	 * 01:00 UTC); 02:30 does not exist, and the first moment after it
	 * is 03:00 CEST, not 03:30. */
	(void)state;
	p.start_by = 2 * 60 + 30;
	p.workdays = 0x7f;
	assert_none(ALICE, "Europe/Berlin", utc(2025, 3, 30, 0, 59, 59));
	assert_nudge(ALICE, "Europe/Berlin", utc(2025, 3, 30, 1, 0, 0),
	             NOTHING_YET);
}

static void
cmd_nudge_take__takes_a_start_by_that_occurs_twice__as_the_first(
	void **state)
{
	/* America/New_York, Sunday 2 November 2025: 02:00 EDT is 01:00 EST
	 * (at 06:00 UTC); 01:30 comes twice, first at 05:30 UTC (EDT). */
	(void)state;
	p.start_by = 1 * 60 + 30;
	p.workdays = 0x7f;
	assert_none(ALICE, "America/New_York", utc(2025, 11, 2, 5, 29, 59));
	assert_nudge(ALICE, "America/New_York", utc(2025, 11, 2, 5, 30, 0),
	             NOTHING_YET);
	/* The second 01:30 is the same day: nothing more. */
	assert_none(ALICE, "America/New_York", utc(2025, 11, 2, 6, 30, 0));
}

static void
cmd_nudge_take__counts_the_users_own_days__in_their_zone(void **state)
{
	/* 2025-06-02 23:30 UTC is already Tuesday 09:30 in Sydney. */
	int64_t now = utc(2025, 6, 2, 23, 30, 0);

	(void)state;
	p.start_by = 9 * 60;
	entry(ALICE, "acme", utc(2025, 6, 2, 10, 0, 0), utc(2025, 6, 2, 11, 0, 0));
	assert_int_equal(store_set_user_tz(st, ALICE, "Australia/Sydney"),
	                 STORE_OK);
	assert_nudge(ALICE, "UTC", now, NOTHING_YET);
}

/* ---- digest ---- */

static void
cmd_nudge_take__sends_yesterdays_totals__at_digest_at_on_a_working_day(
	void **state)
{
	/* Monday 2 June 2025: acme 5h 10m, internal 2h 30m; the digest on
	 * Tuesday at 09:00. */
	int64_t mon = utc(2025, 6, 2, 0, 0, 0), tue = mon + 24 * H;

	(void)state;
	p.digest = PREFS_DIGEST_DAILY;
	entry(ALICE, "internal", mon + 8 * H, mon + 10 * H + 30 * M);
	entry(ALICE, "acme", mon + 11 * H, mon + 16 * H + 10 * M);
	/* Before 09:00 the one due is Monday's, about Friday: not sent as
	 * the first digest of all, a day late. */
	assert_none(ALICE, "UTC", tue + 9 * H - 1);
	assert_nudge(ALICE, "UTC", tue + 9 * H,
	             "Yesterday: 7h 40m (acme 5h 10m, internal 2h 30m)");
	assert_none(ALICE, "UTC", tue + 20 * H);
}

static void
cmd_nudge_take__sends_a_digest_late__once_the_user_has_had_one(void **state)
{
	int64_t tue = utc(2025, 6, 3, 0, 0, 0);

	(void)state;
	p.digest = PREFS_DIGEST_DAILY;
	assert_nudge(ALICE, "UTC", tue + 9 * H, "Yesterday: nothing tracked.");
	/* Wednesday's, not taken on Wednesday (the user was not there),
	 * goes on Thursday before 09:00: it names Tuesday. */
	assert_nudge(ALICE, "UTC", tue + 2 * 24 * H + 8 * H,
	             "Tuesday: nothing tracked.");
	assert_nudge(ALICE, "UTC", tue + 2 * 24 * H + 9 * H,
	             "Yesterday: nothing tracked.");
}

static void
cmd_nudge_take__names_friday__on_a_monday_after_a_weekend_off(void **state)
{
	int64_t fri = utc(2025, 6, 6, 0, 0, 0), mon = utc(2025, 6, 9, 0, 0, 0);

	(void)state;
	p.digest = PREFS_DIGEST_DAILY;
	p.digest_at = 8 * 60 + 15;
	entry(ALICE, "acme", fri + 9 * H, fri + 12 * H);
	/* Worked on Saturday too, which is no working day: left out. */
	entry(ALICE, "acme", fri + 33 * H, fri + 34 * H);
	assert_nudge(ALICE, "UTC", mon + 8 * H + 15 * M,
	             "Friday: 3h (acme 3h)");
	/* Once: the rest of Monday has none. */
	assert_none(ALICE, "UTC", mon + 23 * H);
}

static void
cmd_nudge_take__drops_a_digest_not_sent__when_the_next_one_is_due(
	void **state)
{
	int64_t tue = utc(2025, 6, 3, 0, 0, 0), wed = tue + 24 * H;

	(void)state;
	p.digest = PREFS_DIGEST_DAILY;
	entry(ALICE, "acme", tue + 9 * H, tue + 10 * H);
	/* Tuesday's digest (about Monday) was never taken: on Wednesday at
	 * 09:00 only Wednesday's goes, and Monday's is not due any more. */
	assert_nudge(ALICE, "UTC", wed + 9 * H, "Yesterday: 1h (acme 1h)");
	assert_none(ALICE, "UTC", wed + 9 * H + 1);
}

static void
cmd_nudge_take__sends_last_weeks_totals__on_digest_wday(void **state)
{
	/* The week of Monday 2 June 2025: acme 6h a day Monday to Friday,
	 * internal 8h 20m on Saturday; the digest on Monday 9 June 09:00. */
	int64_t mon = utc(2025, 6, 2, 0, 0, 0), next = mon + 7 * 24 * H;
	int i;

	(void)state;
	p.digest = PREFS_DIGEST_WEEKLY;
	p.digest_wday = 1;
	for (i = 0; i < 5; i++)
		entry(ALICE, "acme", mon + i * 24 * H + 9 * H,
		      mon + i * 24 * H + 15 * H);
	entry(ALICE, "internal", mon + 5 * 24 * H + 9 * H,
	      mon + 5 * 24 * H + 17 * H + 20 * M);
	/* This week's own hours do not count. */
	entry(ALICE, "acme", next + H, next + 2 * H);
	assert_nudge(ALICE, "UTC", next + 9 * H,
	             "Last week: 38h 20m (acme 30h, internal 8h 20m)");
	/* Once a week: not on Tuesday, not on a working day at 09:00. */
	assert_none(ALICE, "UTC", next + 33 * H);
}

static void
cmd_nudge_take__sends_the_week_so_far__when_digest_wday_is_not_monday(
	void **state)
{
	/* Friday 6 June 2025 at 17:00: Monday to Friday of that week, the
	 * Friday's work up to then; not the week before. */
	int64_t mon = utc(2025, 6, 2, 0, 0, 0), fri = mon + 4 * 24 * H;

	(void)state;
	p.digest = PREFS_DIGEST_WEEKLY;
	p.digest_wday = 5;
	p.digest_at = 17 * 60;
	entry(ALICE, "internal", mon - 24 * H + 9 * H, mon - 24 * H + 10 * H);
	entry(ALICE, "acme", mon + 9 * H, mon + 15 * H);
	entry(ALICE, "acme", fri + 9 * H, fri + 16 * H);
	assert_none(ALICE, "UTC", fri + 17 * H - 1);
	assert_nudge(ALICE, "UTC", fri + 17 * H,
	             "This week: 13h (acme 13h)");
}

static void
cmd_nudge_take__names_the_week__when_its_digest_waited_into_the_next(
	void **state)
{
	/* Digest on Sunday: on Sunday 1 June 2025 it covers that week, 26
	 * May to 1 June; the one of Sunday 8 June, taken on Saturday 14
	 * June, is last week's by then. */
	(void)state;
	p.digest = PREFS_DIGEST_WEEKLY;
	p.digest_wday = 0;
	assert_nudge(ALICE, "UTC", utc(2025, 6, 1, 9, 0, 0),
	             "This week: nothing tracked.");
	assert_nudge(ALICE, "UTC", utc(2025, 6, 14, 12, 0, 0),
	             "Last week: nothing tracked.");
	assert_nudge(ALICE, "UTC", utc(2025, 6, 15, 9, 0, 0),
	             "This week: nothing tracked.");
}

static void
cmd_nudge_take__counts_a_25_hour_day__across_the_fall_back(void **state)
{
	/* America/New_York: Sunday 2 November 2025 lasts 25 hours, from
	 * 04:00 UTC to 05:00 UTC the next day; a working day here. */
	(void)state;
	p.digest = PREFS_DIGEST_DAILY;
	p.workdays = 0x7f;
	p.digest_at = 1 * 60 + 30;
	entry(ALICE, "acme", utc(2025, 11, 2, 4, 0, 0), utc(2025, 11, 3, 5, 0, 0));
	/* Sunday's digest (about Saturday) at the first 01:30. */
	assert_nudge(ALICE, "America/New_York", utc(2025, 11, 2, 5, 30, 0),
	             "Yesterday: nothing tracked.");
	assert_none(ALICE, "America/New_York", utc(2025, 11, 3, 6, 29, 59));
	assert_nudge(ALICE, "America/New_York", utc(2025, 11, 3, 6, 30, 0),
	             "Yesterday: 25h (acme 25h)");
}

static void
cmd_nudge_take__counts_a_23_hour_day__across_the_spring_gap(void **state)
{
	/* Europe/Berlin: Sunday 30 March 2025 lasts 23 hours, from 23:00
	 * UTC the day before to 22:00 UTC; the digest at 02:30 that day is
	 * at 03:00 CEST, 01:00 UTC. */
	(void)state;
	p.digest = PREFS_DIGEST_DAILY;
	p.workdays = 0x7f;
	p.digest_at = 2 * 60 + 30;
	entry(ALICE, "acme", utc(2025, 3, 29, 23, 0, 0),
	      utc(2025, 3, 30, 22, 0, 0));
	assert_nudge(ALICE, "Europe/Berlin", utc(2025, 3, 30, 1, 0, 0),
	             "Yesterday: nothing tracked.");
	assert_none(ALICE, "Europe/Berlin", utc(2025, 3, 31, 0, 29, 59));
	assert_nudge(ALICE, "Europe/Berlin", utc(2025, 3, 31, 0, 30, 0),
	             "Yesterday: 23h (acme 23h)");
}

static void
cmd_nudge_take__names_six_projects__and_counts_the_rest(void **state)
{
	static const char *const names[] = { "a", "b", "c", "d", "e", "f",
	                                     "g", "h" };
	int64_t mon = utc(2025, 6, 2, 0, 0, 0);
	int i;

	(void)state;
	p.digest = PREFS_DIGEST_DAILY;
	for (i = 0; i < 8; i++)
		entry(ALICE, names[i], mon + i * H, mon + i * H + (60 - i) * M);
	assert_nudge(ALICE, "UTC", mon + 24 * H + 9 * H,
	             "Yesterday: 7h 32m (a 1h, b 59m, c 58m, d 57m, e 56m, "
	             "f 55m and 2 more)");
}

static void
cmd_nudge_take__sends_one_nudge_at_a_time__running_over_first(void **state)
{
	int64_t mon = utc(2025, 6, 2, 0, 0, 0);

	(void)state;
	p.digest = PREFS_DIGEST_DAILY;
	entry(ALICE, "acme", mon, 0);
	assert_int_equal(take(ALICE, "UTC", mon + 24 * H + 9 * H), CMD_OK);
	assert_string_equal(text_str(&out),
	                    STILL_ON_IT("acme has been running for 33h"));
	assert_nudge(ALICE, "UTC", mon + 24 * H + 9 * H,
	             "Yesterday: 24h (acme 24h)");
}

/* ---- storage ---- */

struct seen {
	char jids[4][64];
	int n;
};

static void
seen_add(const char *owner, void *arg)
{
	struct seen *s = arg;

	assert_true(s->n < 4);
	snprintf(s->jids[s->n++], sizeof(s->jids[0]), "%s", owner);
}

static void
cmd_nudge_candidates__are_running_timers_not_yet_nudged__unless_held(
	void **state)
{
	int64_t t0 = utc(2025, 6, 2, 8, 0, 0);
	struct seen s = { .n = 0 };

	(void)state;
	entry(ALICE, "acme", t0, 0);
	entry(BOB, "acme", t0, t0 + H);
	assert_int_equal(cmd_nudge_candidates(st, &p, t0, seen_add, &s),
	                 STORE_OK);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.jids[0], ALICE);

	/* A nudge of the day in the defaults: everyone. */
	s.n = 0;
	p.start_by = 9 * 60;
	assert_int_equal(cmd_nudge_candidates(st, &p, t0, seen_add, &s),
	                 STORE_OK);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.jids[0], ALICE);
	assert_string_equal(s.jids[1], BOB);

	/* Nudged about the entry, or away: not a candidate. */
	s.n = 0;
	p.start_by = -1;
	assert_int_equal(take(ALICE, "UTC", t0 + 9 * H), CMD_OK);
	assert_int_equal(cmd_nudge_candidates(st, &p, t0, seen_add, &s),
	                 STORE_OK);
	assert_int_equal(s.n, 0);
	sql("INSERT INTO user_away (user_id, since) SELECT id, 0 FROM users");
	p.digest = PREFS_DIGEST_WEEKLY;
	assert_int_equal(cmd_nudge_candidates(st, &p, t0, seen_add, &s),
	                 STORE_OK);
	assert_int_equal(s.n, 0);
}

static void
cmd_nudge_candidates__include_users_with_settings_of_their_own(void **state)
{
	struct seen s = { .n = 0 };

	(void)state;
	entry(BOB, "acme", 0, H);
	sql("INSERT INTO user_settings (user_id, name, value)"
	    " SELECT id, 'reminders.start_by', '09:00' FROM users");
	assert_int_equal(cmd_nudge_candidates(st, NULL, 0, seen_add, &s),
	                 STORE_OK);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.jids[0], BOB);
}

static void
store_nudge_record__records_once__and_prune_drops_rows_past_30_days(
	void **state)
{
	int64_t t0 = utc(2025, 6, 2, 8, 0, 0), removed = -1;

	(void)state;
	assert_int_equal(store_nudge_sent(st, ALICE, STORE_NUDGE_DIGEST, 20000),
	                 STORE_NOTFOUND);
	assert_int_equal(store_nudge_record(st, ALICE, STORE_NUDGE_DIGEST, 20000,
	                                    t0), STORE_OK);
	assert_int_equal(store_nudge_record(st, ALICE, STORE_NUDGE_DIGEST, 20000,
	                                    t0 + H), STORE_CONFLICT);
	assert_int_equal(store_nudge_sent(st, ALICE, STORE_NUDGE_DIGEST, 20000),
	                 STORE_OK);
	/* Another kind, another day: new. */
	assert_int_equal(store_nudge_record(st, ALICE, STORE_NUDGE_START_BY,
	                                    20000, t0 + 24 * H), STORE_OK);
	assert_int_equal(store_nudge_record(st, ALICE, STORE_NUDGE_IDLE, 7,
	                                    t0 + 24 * H), STORE_OK);
	assert_int_equal(store_nudge_prune(st, t0 + 30 * 24 * H, &removed),
	                 STORE_OK);
	assert_int_equal(removed, 0);
	assert_int_equal(store_nudge_prune(st, t0 + 30 * 24 * H + 1, &removed),
	                 STORE_OK);
	assert_int_equal(removed, 1);
	assert_int_equal(store_nudge_sent(st, ALICE, STORE_NUDGE_DIGEST, 20000),
	                 STORE_NOTFOUND);
	assert_int_equal(store_nudge_sent(st, ALICE, STORE_NUDGE_START_BY,
	                                  20000), STORE_OK);
}

static void
store_nudge_candidates__reads_indexes__not_the_entries(void **state)
{
	char plan[4096];

	(void)state;
	assert_int_equal(store_explain(st, "nudge-candidates", plan,
	                               sizeof(plan)), STORE_OK);
	/* The running entries from their partial index, never a scan of
	 * entries; the users and nudges by their keys. */
	assert_non_null(strstr(plan, "SCAN e USING INDEX entries_running\n"));
	assert_non_null(strstr(plan, "SEARCH n USING PRIMARY KEY"));
	assert_non_null(strstr(plan, "SEARCH a USING INTEGER PRIMARY KEY"));
	assert_non_null(strstr(plan, "SEARCH p USING INTEGER PRIMARY KEY"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(cmd_nudge_take__asks_still_on_it_once__when_the_timer_has_run_9h),
		T(cmd_nudge_take__counts_worked_time__when_the_timer_had_breaks),
		T(cmd_nudge_take__asks_again__for_the_next_entry),
		T(cmd_nudge_take__follows_running_over__and_never_when_it_is_off),
		T(cmd_nudge_take__says_nothing__when_reminders_are_off),
		T(cmd_nudge_take__waits__until_the_snooze_is_over),
		T(cmd_nudge_take__says_nothing__while_the_user_is_away),
		T(cmd_nudge_take__says_nothing__while_the_forgotten_timer_question_stands),
		T(cmd_nudge_take__says_nothing_tracked__from_start_by_on_a_working_day),
		T(cmd_nudge_take__says_nothing_tracked__only_on_workdays_within_workhours),
		T(cmd_nudge_take__says_nothing__when_something_is_tracked_that_day),
		T(cmd_nudge_take__takes_a_start_by_in_the_spring_gap__as_the_gaps_end),
		T(cmd_nudge_take__takes_a_start_by_that_occurs_twice__as_the_first),
		T(cmd_nudge_take__counts_the_users_own_days__in_their_zone),
		T(cmd_nudge_take__sends_yesterdays_totals__at_digest_at_on_a_working_day),
		T(cmd_nudge_take__names_friday__on_a_monday_after_a_weekend_off),
		T(cmd_nudge_take__sends_a_digest_late__once_the_user_has_had_one),
		T(cmd_nudge_take__drops_a_digest_not_sent__when_the_next_one_is_due),
		T(cmd_nudge_take__sends_last_weeks_totals__on_digest_wday),
		T(cmd_nudge_take__sends_the_week_so_far__when_digest_wday_is_not_monday),
		T(cmd_nudge_take__names_the_week__when_its_digest_waited_into_the_next),
		T(cmd_nudge_take__counts_a_25_hour_day__across_the_fall_back),
		T(cmd_nudge_take__counts_a_23_hour_day__across_the_spring_gap),
		T(cmd_nudge_take__names_six_projects__and_counts_the_rest),
		T(cmd_nudge_take__sends_one_nudge_at_a_time__running_over_first),
		T(cmd_nudge_candidates__are_running_timers_not_yet_nudged__unless_held),
		T(cmd_nudge_candidates__include_users_with_settings_of_their_own),
		T(store_nudge_record__records_once__and_prune_drops_rows_past_30_days),
		T(store_nudge_candidates__reads_indexes__not_the_entries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
