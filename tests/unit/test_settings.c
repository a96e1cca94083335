/*
 * tests/unit/test_settings.c - each user's settings: the one spelling of
 * every value (commands/prefs.c: parse, format, every bad value's
 * sentence), a user's settings over the defaults (prefs_load), the rows
 * behind them (storage/settings.c), and the commands settings,
 * reminders and snooze as function calls with an injected clock,
 * snooze ends in zones across a DST change included.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../commands/cmd.h"
#include "../../commands/prefs.h"
#include "cmd_fixture.h"

/* Wed 25 Nov 2026 14:00:00 UTC */
#define T0 INT64_C(1795615200)
/* Sun 30 Mar 2025 00:30 in Europe/Berlin (CET; at 02:00 clocks go to
 * 03:00) */
#define BERLIN_DST INT64_C(1743291000)
/* Sun 2 Nov 2025 00:30 in America/New_York (EDT; at 02:00 clocks go
 * back to 01:00) */
#define NEW_YORK_DST INT64_C(1762057800)

#define OWNER "alice@example.org"

static int
setup(void **state)
{
	static struct cmd_fixture f;

	if (cmd_fixture_open(&f, OWNER) != 0)
		return -1;
	f.ctx.now = T0;
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	return cmd_fixture_close(*state);
}

/* Runs body at T0 + at and returns the reply. */
static const char *
run(struct cmd_fixture *f, int64_t at, const char *body, enum cmd_status want)
{
	f->ctx.now = T0 + at;
	assert_int_equal(cmd_exec(&f->ctx, body, &f->reply), want);
	return text_str(&f->reply);
}

static void
assert_prefs_equal(const struct prefs *a, const struct prefs *b)
{
	assert_int_equal(a->idle_after, b->idle_after);
	assert_int_equal(a->idle_action, b->idle_action);
	assert_int_equal(a->reminders, b->reminders);
	assert_int_equal(a->running_over, b->running_over);
	assert_int_equal(a->start_by, b->start_by);
	assert_int_equal(a->digest, b->digest);
	assert_int_equal(a->digest_wday, b->digest_wday);
	assert_int_equal(a->digest_at, b->digest_at);
	assert_int_equal(a->workdays, b->workdays);
	assert_int_equal(a->work_from, b->work_from);
	assert_int_equal(a->work_to, b->work_to);
	assert_int_equal(a->roster, b->roster);
	assert_int_equal(a->snooze_until, b->snooze_until);
	assert_int_equal(a->hours_decimal, b->hours_decimal);
	assert_int_equal(a->rounding.minutes, b->rounding.minutes);
	assert_int_equal(a->rounding.up, b->rounding.up);
}

/* ---- prefs_parse and prefs_format ---- */

static void
prefs_parse_format__every_setting__reads_back_its_one_spelling(void **state)
{
	static const struct {
		const char *name, *typed, *spelled;
	} cases[] = {
		{ "idle.after", "30m", "30m" },
		{ "idle.after", "1h30m", "1h30m" },
		{ "idle.after", "1.5h", "1h30m" },
		{ "idle.after", "90min", "1h30m" },
		{ "idle.after", " 2H ", "2h" },
		{ "idle.after", "90s", "1m30s" },
		{ "idle.after", "1m", "1m" },
		{ "idle.after", "24h", "24h" },
		{ "idle.action", "ask", "ask" },
		{ "idle.action", "STOP", "stop" },
		{ "idle.action", "off", "off" },
		{ "reminders", "on", "on" },
		{ "reminders", "Off", "off" },
		{ "reminders.running_over", "9h", "9h" },
		{ "reminders.running_over", "10h30m", "10h30m" },
		{ "reminders.running_over", "off", "off" },
		{ "reminders.start_by", "9:30", "09:30" },
		{ "reminders.start_by", "5pm", "17:00" },
		{ "reminders.start_by", "off", "off" },
		{ "reminders.digest", "off", "off" },
		{ "reminders.digest", "daily 18:00", "daily 18:00" },
		{ "reminders.digest", "Weekly  Monday 9:00", "weekly mon 09:00" },
		{ "reminders.digest", "weekly sun 8pm", "weekly sun 20:00" },
		{ "workdays", "mon-fri", "mon-fri" },
		{ "workdays", "mon,tue,thu", "mon,tue,thu" },
		{ "workdays", "Mon, Tue, Thursday", "mon,tue,thu" },
		{ "workdays", "mon - wed, fri", "mon-wed,fri" },
		{ "workdays", "mon tue", "mon,tue" },
		{ "workdays", "sat-mon", "mon,sat,sun" },
		{ "workdays", "fri-tue", "mon,tue,fri-sun" },
		{ "workdays", "mon-sun", "mon-sun" },
		{ "workdays", "sun", "sun" },
		{ "workhours", "09:00-17:00", "09:00-17:00" },
		{ "workhours", "9am-5pm", "09:00-17:00" },
		{ "workhours", "8:30 - 12:00", "08:30-12:00" },
		{ "roster", "on", "on" },
		{ "roster", "off", "off" }, { "hours", "Decimal", "decimal" },
		{ "hours", "hm", "hm" }, { "rounding", "OFF", "none" },
		{ "rounding", "15m up", "15m up" }, { "rounding", "0:30 up", "30m up" },
		{ "rounding", " 15min  Nearest ", "15m nearest" },
	};
	char v[PREFS_VALUE_MAX], why[PREFS_WHY_MAX];
	struct prefs p, again;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		prefs_builtin(&p);
		if (prefs_parse(&p, cases[i].name, cases[i].typed, why,
		                sizeof why) != 0)
			fail_msg("%s %s: %s", cases[i].name, cases[i].typed, why);
		prefs_format(&p, cases[i].name, v, sizeof v);
		assert_string_equal(v, cases[i].spelled);
		/* parse(format(x)) == x */
		prefs_builtin(&again);
		assert_int_equal(prefs_parse(&again, cases[i].name, v, why,
		                             sizeof why), 0);
		assert_prefs_equal(&again, &p);
	}
}

static void
prefs_format__every_set_of_workdays__reads_back_the_same(void **state)
{
	char v[PREFS_VALUE_MAX];
	struct prefs p, q;
	unsigned bits;

	(void)state;
	for (bits = 1; bits < 128; bits++) {
		prefs_builtin(&p);
		p.workdays = bits;
		prefs_format(&p, "workdays", v, sizeof v);
		prefs_builtin(&q);
		assert_int_equal(prefs_parse(&q, "workdays", v, NULL, 0), 0);
		assert_int_equal(q.workdays, bits);
	}
}

static void
prefs_builtin__each_setting__formats_as_documented(void **state)
{
	static const char *const want[] = {
		"15m", "ask", "on", "9h", "off", "off", "mon-fri",
		"09:00-17:00", "on", "hm", "none"
	};
	char v[PREFS_VALUE_MAX];
	struct prefs p;
	size_t i;

	(void)state;
	prefs_builtin(&p);
	for (i = 0; prefs_names[i] != NULL; i++) {
		assert_true(i < sizeof want / sizeof want[0]);
		prefs_format(&p, prefs_names[i], v, sizeof v);
		assert_string_equal(v, want[i]);
		assert_non_null(prefs_accepts(prefs_names[i]));
	}
	assert_int_equal(i, sizeof want / sizeof want[0]);
	assert_null(prefs_accepts("snooze"));
	prefs_format(&p, "nothing", v, sizeof v);
	assert_string_equal(v, "");
}

static void
prefs_parse__bad_value__says_what_is_wrong_and_what_is_taken(void **state)
{
#define AFTER "idle.after takes a duration from 1m to 24h, such as 30m or " \
	"1h30m."
#define DIGEST "reminders.digest takes off, daily HH:MM (such as daily " \
	"18:00) or weekly DAY HH:MM (such as weekly mon 09:00)."
#define DAYS "workdays takes days of the week and ranges of them, such " \
	"as mon-fri or mon,tue,thu."
#define HOURS "workhours takes a span of hours, such as 09:00-17:00."
	static const struct {
		const char *name, *value, *why;
	} cases[] = {
		{ "idle.after", "soon", "\"soon\" is not a duration. " AFTER },
		{ "idle.after", "30s", "\"30s\" is too short. " AFTER },
		{ "idle.after", "25h", "\"25h\" is too long. " AFTER },
		{ "idle.after", "off", "\"off\" is not a duration. " AFTER },
		{ "idle.after", "", "A value is missing. " AFTER },
		{ "idle.after", "   ", "A value is missing. " AFTER },
		{ "idle.action", "maybe", "I don't know \"maybe\" here. "
		  "idle.action takes ask, stop or off." },
		{ "reminders", "yes", "I don't know \"yes\" here. reminders "
		  "takes on or off." },
		{ "roster", "true", "I don't know \"true\" here. roster takes "
		  "on or off." },
		{ "reminders.running_over", "0m", "\"0m\" is not a duration. "
		  "reminders.running_over takes a duration from 1m to 24h, "
		  "such as 9h or 10h30m, or off." },
		{ "reminders.start_by", "25:00", "\"25:00\" is not a time of "
		  "day. reminders.start_by takes a time of day, such as 09:30, "
		  "or off." },
		{ "reminders.digest", "daily", "A daily digest needs a time. "
		  DIGEST },
		{ "reminders.digest", "weekly", "A weekly digest needs a day "
		  "and a time. " DIGEST },
		{ "reminders.digest", "weekly mon", "A weekly digest needs a "
		  "day and a time. " DIGEST },
		{ "reminders.digest", "weekly funday 9:00", "\"funday\" is not "
		  "a day of the week. " DIGEST },
		{ "reminders.digest", "monthly 9:00", "I don't know "
		  "\"monthly\" here. " DIGEST },
		{ "reminders.digest", "daily 9:00 extra", "That is more than a "
		  "digest's words. " DIGEST },
		{ "reminders.digest", "daily 9", "\"9\" is not a time of day. "
		  DIGEST },
		{ "workdays", "mon-xyz", "\"mon-xyz\" is not a range of days. "
		  DAYS },
		{ "workdays", "funday", "\"funday\" is not a day of the week. "
		  DAYS },
		{ "workdays", ", ,", "There must be at least one working day. "
		  DAYS },
		{ "workhours", "17:00-09:00", "The end of the working hours "
		  "must come after their start. " HOURS },
		{ "workhours", "9:00-9:00", "The end of the working hours "
		  "must come after their start. " HOURS },
		{ "workhours", "9-5", "\"9\" is not a time of day. " HOURS },
		{ "workhours", "nine", "\"nine\" is not a span of hours. "
		  HOURS },
		{ "idle.aftr", "5m", "There is no setting \"idle.aftr\"." },
		{ "snooze", "5m", "There is no setting \"snooze\"." },
	};
	char why[PREFS_WHY_MAX], longer[200];
	struct prefs p, before;
	size_t i;

	(void)state;
	prefs_builtin(&before);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		prefs_builtin(&p);
		why[0] = '\0';
		assert_int_equal(prefs_parse(&p, cases[i].name, cases[i].value,
		                             why, sizeof why), -1);
		assert_string_equal(why, cases[i].why);
		assert_prefs_equal(&p, &before);
	}
	memset(longer, '1', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	assert_int_equal(prefs_parse(&p, "idle.after", longer, why, sizeof why),
	                 -1);
	assert_string_equal(why, "That value is too long. " AFTER);
	/* A why that does not fit is cut, never overrun; none at all is
	 * fine. */
	assert_int_equal(prefs_parse(&p, "idle.after", "soon", why, 8), -1);
	assert_string_equal(why, "\"soon\" ");
	assert_int_equal(prefs_parse(&p, "idle.after", "soon", NULL, 0), -1);
	assert_prefs_equal(&p, &before);
#undef AFTER
#undef DIGEST
#undef DAYS
#undef HOURS
}

/* ---- storage/settings.c ---- */

static void
store_setting__set_get_unset_and_walk__keep_one_row_per_name(void **state)
{
	struct cmd_fixture *f = *state;
	char v[STORE_SETTING_VALUE_MAX + 1], big[STORE_SETTING_VALUE_MAX + 2];
	int64_t until;

	assert_int_equal(store_setting_get(f->st, OWNER, "idle.after", v,
	                                   sizeof v), STORE_NOTFOUND);
	assert_string_equal(v, "");
	/* Unset of nothing makes no user row. */
	assert_int_equal(store_setting_unset(f->st, OWNER, "idle.after"),
	                 STORE_NOTFOUND);
	assert_int_equal(store_setting_set(f->st, OWNER, "idle.after", "30m"),
	                 STORE_OK);
	assert_int_equal(store_setting_set(f->st, OWNER, "idle.after", "1h"),
	                 STORE_OK);
	assert_int_equal(store_setting_get(f->st, OWNER, "idle.after", v,
	                                   sizeof v), STORE_OK);
	assert_string_equal(v, "1h");
	/* Another user's rows are theirs. */
	assert_int_equal(store_setting_get(f->st, "bob@example.org",
	                                   "idle.after", v, sizeof v),
	                 STORE_NOTFOUND);
	/* Limits: the store says no, and nothing is written. */
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(store_setting_set(f->st, "bob@example.org", "roster",
	                                   big), STORE_CONFLICT);
	assert_int_equal(store_setting_set(f->st, "bob@example.org", "roster",
	                                   ""), STORE_CONFLICT);
	assert_int_equal(store_setting_unset(f->st, "bob@example.org",
	                                     "roster"), STORE_NOTFOUND);
	/* Snooze: a row of its own; 0 removes it. */
	assert_int_equal(store_snooze(f->st, OWNER, &until), STORE_OK);
	assert_int_equal(until, 0);
	assert_int_equal(store_set_snooze(f->st, OWNER, T0 + 3600), STORE_OK);
	assert_int_equal(store_snooze(f->st, OWNER, &until), STORE_OK);
	assert_int_equal(until, T0 + 3600);
	assert_int_equal(store_setting_get(f->st, OWNER, STORE_SNOOZE, v,
	                                   sizeof v), STORE_OK);
	assert_string_equal(v, "1795618800");
	assert_int_equal(store_set_snooze(f->st, OWNER, 0), STORE_OK);
	assert_int_equal(store_set_snooze(f->st, OWNER, 0), STORE_OK);
	assert_int_equal(store_snooze(f->st, OWNER, &until), STORE_OK);
	assert_int_equal(until, 0);
	assert_int_equal(store_setting_unset(f->st, OWNER, "idle.after"),
	                 STORE_OK);
	assert_int_equal(store_setting_get(f->st, OWNER, "idle.after", v,
	                                   sizeof v), STORE_NOTFOUND);
}

/* store_settings' callback: "name=value;" for each row. */
static void
collect(const char *name, const char *value, void *arg)
{
	char *out = arg;

	snprintf(out + strlen(out), 256 - strlen(out), "%s=%s;", name, value);
}

static void
store_settings__walks_the_owners_rows_by_name(void **state)
{
	struct cmd_fixture *f = *state;
	char out[256] = "";

	assert_int_equal(store_settings(f->st, OWNER, collect, out), STORE_OK);
	assert_string_equal(out, "");
	assert_int_equal(store_setting_set(f->st, OWNER, "workdays", "mon"),
	                 STORE_OK);
	assert_int_equal(store_setting_set(f->st, OWNER, "idle.after", "5m"),
	                 STORE_OK);
	assert_int_equal(store_setting_set(f->st, "bob@example.org", "roster",
	                                   "off"), STORE_OK);
	assert_int_equal(store_set_snooze(f->st, OWNER, 42), STORE_OK);
	assert_int_equal(store_settings(f->st, OWNER, collect, out), STORE_OK);
	assert_string_equal(out, "idle.after=5m;snooze=42;workdays=mon;");
}

/* ---- prefs_load ---- */

static void
prefs_load__stored_rows__apply_over_the_defaults_given(void **state)
{
	struct cmd_fixture *f = *state;
	struct prefs defaults, p, want;

	prefs_builtin(&defaults);
	defaults.idle_after = 20 * 60;
	defaults.roster = false;
	/* A user who set nothing has the defaults; NULL: the built-in. */
	assert_int_equal(prefs_load(f->st, OWNER, &defaults, &p), STORE_OK);
	assert_prefs_equal(&p, &defaults);
	assert_int_equal(prefs_load(f->st, OWNER, NULL, &p), STORE_OK);
	prefs_builtin(&want);
	assert_prefs_equal(&p, &want);

	assert_int_equal(store_setting_set(f->st, OWNER, "idle.after", "30m"),
	                 STORE_OK);
	assert_int_equal(store_setting_set(f->st, OWNER, "reminders.digest",
	                                   "weekly fri 16:00"), STORE_OK);
	/* Rows that no longer parse are left out: the default applies. */
	assert_int_equal(store_setting_set(f->st, OWNER, "workdays",
	                                   "nonsense"), STORE_OK);
	assert_int_equal(store_setting_set(f->st, OWNER, "gone.setting", "1"),
	                 STORE_OK);
	assert_int_equal(store_set_snooze(f->st, OWNER, T0 + 600), STORE_OK);
	assert_int_equal(prefs_load(f->st, OWNER, &defaults, &p), STORE_OK);
	want = defaults;
	want.idle_after = 30 * 60;
	want.digest = PREFS_DIGEST_WEEKLY;
	want.digest_wday = 5;
	want.digest_at = 16 * 60;
	want.snooze_until = T0 + 600;
	assert_prefs_equal(&p, &want);
	/* Another user: the defaults alone. */
	assert_int_equal(prefs_load(f->st, "bob@example.org", &defaults, &p),
	                 STORE_OK);
	assert_prefs_equal(&p, &defaults);
}

/* ---- the commands ---- */

static void
cmd_settings__no_words__lists_every_setting_with_its_defaults(void **state)
{
	struct cmd_fixture *f = *state;

	assert_string_equal(run(f, 0, "settings", CMD_OK),
		"Your settings:\n"
		"  tz UTC (default)\n"
		"  idle.after 15m (default)\n"
		"  idle.action ask (default)\n"
		"  reminders on (default)\n"
		"  reminders.running_over 9h (default)\n"
		"  reminders.start_by off (default)\n"
		"  reminders.digest off (default)\n"
		"  workdays mon-fri (default)\n"
		"  workhours 09:00-17:00 (default)\n"
		"  roster on (default)\n"
		"  hours hm (default)\n"
		"  rounding none (default)\n"
		"Change one with: settings NAME VALUE (settings NAME says what "
		"it takes; settings NAME default goes back to the default).");
	/* Listing writes nothing, not even a user row. */
	assert_int_equal(store_settings(f->st, OWNER, NULL, NULL), STORE_OK);
}

static void
cmd_settings__bot_yaml_defaults__are_shown_as_defaults(void **state)
{
	struct cmd_fixture *f = *state;
	struct prefs defaults;
	const char *r;

	prefs_builtin(&defaults);
	defaults.idle_after = 20 * 60;
	defaults.digest = PREFS_DIGEST_DAILY;
	defaults.digest_at = 18 * 60;
	defaults.workdays = 0x1e; /* mon-thu */
	f->ctx.prefs = &defaults;
	r = run(f, 0, "settings", CMD_OK);
	assert_non_null(strstr(r, "\n  idle.after 20m (default)\n"));
	assert_non_null(strstr(r, "\n  reminders.digest daily 18:00 "
	                          "(default)\n"));
	assert_non_null(strstr(r, "\n  workdays mon-thu (default)\n"));
	assert_string_equal(run(f, 0, "settings idle.after", CMD_OK),
		"idle.after is 20m (default): when your timer runs while you "
		"are away for 20m, I ask you about it when you are back.\n"
		"idle.after takes a duration from 1m to 24h, such as 30m or "
		"1h30m. The default is 20m: settings idle.after default.");
	f->ctx.prefs = NULL;
}

static void
cmd_settings__name_and_value__changes_it_and_says_what_it_means(void **state)
{
	struct cmd_fixture *f = *state;
	char v[STORE_SETTING_VALUE_MAX + 1];
	const char *r;

	assert_string_equal(run(f, 0, "settings idle.after 30m", CMD_OK),
		"idle.after is now 30m: when your timer runs while you are away "
		"for 30m, I ask you about it when you are back.");
	assert_int_equal(store_setting_get(f->st, OWNER, "idle.after", v,
	                                   sizeof v), STORE_OK);
	assert_string_equal(v, "30m");
	/* Stored as it reads back, whatever was typed. */
	assert_string_equal(run(f, 0, "Settings Reminders.Digest WEEKLY "
	                              "friday 4pm", CMD_OK),
		"reminders.digest is now weekly fri 16:00: every Friday at "
		"16:00 I send you the totals of the week so far.");
	assert_string_equal(run(f, 0, "settings idle.action stop", CMD_OK),
		"idle.action is now stop: when your timer runs while you are "
		"away for 30m, I stop it at the moment you left and tell you "
		"when you are back.");
	assert_string_equal(run(f, 0, "settings workdays mon - thu", CMD_OK),
		"workdays is now mon-thu: you work on mon-thu, 09:00-17:00; the "
		"reminder to start and the daily digest keep to these days.");
	assert_string_equal(run(f, 0, "settings reminders.start_by 9:30",
	                        CMD_OK),
		"reminders.start_by is now 09:30: on your working days, when "
		"nothing is tracked by 09:30, I remind you to start.");
	assert_string_equal(run(f, 0, "settings roster off", CMD_OK),
		"roster is now off: your contact list shows no timer as my "
		"status.");
	r = run(f, 0, "settings", CMD_OK);
	assert_non_null(strstr(r, "\n  idle.after 30m\n"));
	assert_non_null(strstr(r, "\n  idle.action stop\n"));
	assert_non_null(strstr(r, "\n  reminders on (default)\n"));
	assert_non_null(strstr(r, "\n  roster off\n"));
	assert_string_equal(run(f, 0, "settings idle.after", CMD_OK),
		"idle.after is 30m: when your timer runs while you are away for "
		"30m, I stop it at the moment you left and tell you when you "
		"are back.\nidle.after takes a duration from 1m to 24h, such as "
		"30m or 1h30m. The default is 15m: settings idle.after "
		"default.");
}

static void
cmd_settings__default__goes_back_to_the_default(void **state)
{
	struct cmd_fixture *f = *state;
	char v[STORE_SETTING_VALUE_MAX + 1];

	run(f, 0, "settings idle.after 30m", CMD_OK);
	assert_string_equal(run(f, 0, "settings idle.after default", CMD_OK),
		"idle.after is back to the default, 15m: when your timer runs "
		"while you are away for 15m, I ask you about it when you are "
		"back.");
	assert_int_equal(store_setting_get(f->st, OWNER, "idle.after", v,
	                                   sizeof v), STORE_NOTFOUND);
	assert_string_equal(run(f, 0, "settings idle.after DEFAULT", CMD_OK),
		"idle.after already follows the default, 15m: when your timer "
		"runs while you are away for 15m, I ask you about it when you "
		"are back.");
	assert_non_null(strstr(run(f, 0, "settings", CMD_OK),
	                       "\n  idle.after 15m (default)\n"));
}

static void
cmd_settings__bad_value__is_refused_with_what_is_taken(void **state)
{
	struct cmd_fixture *f = *state;
	char v[STORE_SETTING_VALUE_MAX + 1];

	assert_string_equal(run(f, 0, "settings idle.after soon",
	                        CMD_REFUSED),
		"\"soon\" is not a duration. idle.after takes a duration from "
		"1m to 24h, such as 30m or 1h30m.");
	assert_string_equal(run(f, 0, "settings workhours 17:00-9:00",
	                        CMD_REFUSED),
		"The end of the working hours must come after their start. "
		"workhours takes a span of hours, such as 09:00-17:00.");
	assert_int_equal(store_setting_get(f->st, OWNER, "idle.after", v,
	                                   sizeof v), STORE_NOTFOUND);
	assert_int_equal(store_setting_get(f->st, OWNER, "workhours", v,
	                                   sizeof v), STORE_NOTFOUND);
	assert_string_equal(run(f, 0, "settings workdays mon tue wed thu fri "
	                              "sat sun mon tue wed thu fri sat sun mon "
	                              "tue wed thu fri sat sun mon tue wed",
	                        CMD_REFUSED),
		"That value is too long. workdays takes days of the week and "
		"ranges of them, such as mon-fri or mon,tue,thu.");
}

static void
cmd_settings__unknown_name__lists_the_names_and_the_nearest(void **state)
{
	struct cmd_fixture *f = *state;

#define NAMES " The settings are: tz, idle.after, idle.action, reminders, " \
	"reminders.running_over, reminders.start_by, reminders.digest, " \
	"workdays, workhours, roster, hours, rounding."
	assert_string_equal(run(f, 0, "settings idle.afer 5m", CMD_REFUSED),
		"There is no setting \"idle.afer\". Did you mean "
		"\"idle.after\"?" NAMES);
	assert_string_equal(run(f, 0, "settings digest daily 9:00",
	                        CMD_REFUSED),
		"There is no setting \"digest\". Did you mean "
		"\"reminders.digest\"?" NAMES);
	assert_string_equal(run(f, 0, "settings workday", CMD_REFUSED),
		"There is no setting \"workday\". Did you mean "
		"\"workdays\"?" NAMES);
	assert_string_equal(run(f, 0, "settings colour blue", CMD_REFUSED),
		"There is no setting \"colour\"." NAMES);
#undef NAMES
}

static void
cmd_settings__tz__is_the_tz_command(void **state)
{
	struct cmd_fixture *f = *state;
	char tz[64];

	assert_string_equal(run(f, 0, "settings tz europe/berlin", CMD_OK),
		"Your time zone is now Europe/Berlin; it is 15:00 there.");
	assert_int_equal(store_user_tz(f->st, OWNER, tz, sizeof tz), STORE_OK);
	assert_string_equal(tz, "Europe/Berlin");
	assert_string_equal(run(f, 0, "settings tz", CMD_OK),
		"Your time zone is Europe/Berlin; it is 15:00 there. Change it "
		"with: tz Europe/Berlin");
	assert_non_null(strstr(run(f, 0, "settings", CMD_OK),
	                       "\n  tz Europe/Berlin\n"));
	assert_non_null(strstr(run(f, 0, "settings tz Mars/Olympus",
	                           CMD_REFUSED),
	                       "I don't know the time zone"));
	assert_string_equal(run(f, 0, "settings tz Europe/Berlin x",
	                        CMD_REFUSED),
	                    "A time zone is one word, such as Europe/Berlin.");
	assert_string_equal(run(f, 0, "settings tz default", CMD_OK),
		"Back to the default time zone, UTC; it is 14:00 there.");
	assert_string_equal(run(f, 0, "tz Asia/Tokyo", CMD_OK),
		"Your time zone is now Asia/Tokyo; it is 23:00 there.");
}

static void
cmd_reminders__on_off__is_settings_reminders(void **state)
{
	struct cmd_fixture *f = *state;

	assert_string_equal(run(f, 0, "reminders off", CMD_OK),
		"reminders is now off: I send you no reminders at all.");
	assert_non_null(strstr(run(f, 0, "settings", CMD_OK),
	                       "\n  reminders off\n"));
	assert_string_equal(run(f, 0, "settings reminders.running_over 10h",
	                        CMD_OK),
		"reminders.running_over is now 10h: when a timer has been "
		"running for 10h, I ask you once whether you are still on it. "
		"Reminders are off, though: reminders on turns them on.");
	assert_string_equal(run(f, 0, "reminders maybe", CMD_REFUSED),
		"I don't know \"maybe\" here. reminders takes on or off.");
	assert_string_equal(run(f, 0, "settings reminders on", CMD_OK),
		"reminders is now on: I send you the reminders that "
		"reminders.running_over, reminders.start_by and "
		"reminders.digest set.");
	assert_non_null(strstr(run(f, 0, "reminders", CMD_OK),
	                       "reminders is on: "));
}

static void
cmd_snooze__duration__keeps_reminders_away_until_then(void **state)
{
	struct cmd_fixture *f = *state;
	int64_t until;

	assert_string_equal(run(f, 0, "snooze", CMD_OK),
		"No snooze is on. snooze 1h keeps reminders away for an hour "
		"(at most a week: snooze 7d).");
	assert_string_equal(run(f, 0, "snooze 30m", CMD_OK),
		"No reminders until 14:30.");
	assert_int_equal(store_snooze(f->st, OWNER, &until), STORE_OK);
	assert_int_equal(until, T0 + 1800);
	assert_non_null(strstr(run(f, 60, "settings", CMD_OK),
		"\nSnoozed: no reminders until 14:30 (snooze off ends it).\n"));
	assert_string_equal(run(f, 60, "snooze", CMD_OK),
		"No reminders until 14:30; snooze off ends it now.");
	/* A passed snooze is no snooze. */
	assert_null(strstr(run(f, 1800, "settings", CMD_OK), "Snoozed"));
	assert_string_equal(run(f, 0, "snooze 2d", CMD_OK),
		"No reminders until Fri 27 Nov 14:00.");
	assert_string_equal(run(f, 0, "snooze 7d", CMD_OK),
		"No reminders until Wed 2 Dec 14:00.");
	/* settings snooze is the snooze command. */
	assert_string_equal(run(f, 0, "settings snooze 90m", CMD_OK),
		"No reminders until 15:30.");
	assert_string_equal(run(f, 0, "settings snooze", CMD_OK),
		"No reminders until 15:30; snooze off ends it now.");
	assert_string_equal(run(f, 0, "snooze off", CMD_OK),
		"Snooze over: reminders are back.");
	assert_string_equal(run(f, 0, "snooze off", CMD_OK),
		"No snooze was on.");
	assert_int_equal(store_snooze(f->st, OWNER, &until), STORE_OK);
	assert_int_equal(until, 0);
}

static void
cmd_snooze__too_long_or_no_duration__is_refused(void **state)
{
	struct cmd_fixture *f = *state;
	int64_t until;

	assert_string_equal(run(f, 0, "snooze 8d", CMD_REFUSED),
		"A snooze lasts at most a week (snooze 7d); for longer, say "
		"reminders off.");
	assert_string_equal(run(f, 0, "snooze 169h", CMD_REFUSED),
		"A snooze lasts at most a week (snooze 7d); for longer, say "
		"reminders off.");
	assert_string_equal(run(f, 0, "snooze forever", CMD_REFUSED),
		"I don't know how long \"forever\" is. Try snooze 30m, snooze 2h "
		"or snooze 1d, or snooze off.");
	assert_string_equal(run(f, 0, "snooze 0d", CMD_REFUSED),
		"I don't know how long \"0d\" is. Try snooze 30m, snooze 2h "
		"or snooze 1d, or snooze off.");
	assert_int_equal(store_snooze(f->st, OWNER, &until), STORE_OK);
	assert_int_equal(until, 0);
}

static void
cmd_snooze__reminders_off__says_they_are_off_anyway(void **state)
{
	struct cmd_fixture *f = *state;

	run(f, 0, "reminders off", CMD_OK);
	assert_string_equal(run(f, 0, "snooze 1h", CMD_OK),
		"No reminders until 15:00. (Reminders are off anyway; reminders "
		"on turns them on.)");
	assert_string_equal(run(f, 0, "snooze off", CMD_OK),
		"Snooze over. (Reminders are off anyway; reminders on turns "
		"them on.)");
}

static void
cmd_snooze__across_a_dst_change__ends_at_the_local_time_it_will_be(
	void **state)
{
	struct cmd_fixture *f = *state;
	int64_t until;

	/* Berlin springs forward at 02:00: two hours after 00:30 it is
	 * 03:30. */
	run(f, 0, "tz Europe/Berlin", CMD_OK);
	f->ctx.now = BERLIN_DST;
	assert_int_equal(cmd_exec(&f->ctx, "snooze 2h", &f->reply), CMD_OK);
	assert_string_equal(text_str(&f->reply), "No reminders until 03:30.");
	assert_int_equal(store_snooze(f->st, OWNER, &until), STORE_OK);
	assert_int_equal(until, BERLIN_DST + 7200);
	/* New York falls back at 02:00: two hours after 00:30 it is 01:30
	 * again (the second one). */
	run(f, 0, "tz America/New_York", CMD_OK);
	f->ctx.now = NEW_YORK_DST;
	assert_int_equal(cmd_exec(&f->ctx, "snooze 2h", &f->reply), CMD_OK);
	assert_string_equal(text_str(&f->reply), "No reminders until 01:30.");
	assert_int_equal(cmd_exec(&f->ctx, "snooze 1d", &f->reply), CMD_OK);
	/* A day is 24 hours: 23:30 the same day, after the extra hour. */
	assert_string_equal(text_str(&f->reply), "No reminders until 23:30.");
}

static void
cmd_undo__after_a_setting__takes_back_the_entry_change_not_the_setting(
	void **state)
{
	struct cmd_fixture *f = *state;
	char v[STORE_SETTING_VALUE_MAX + 1];

	assert_string_equal(run(f, 0, "undo", CMD_REFUSED),
	                    "There is nothing to undo.");
	run(f, 0, "settings idle.after 30m", CMD_OK);
	assert_string_equal(run(f, 0, "undo", CMD_REFUSED),
	                    "There is nothing to undo.");
	run(f, 0, "start acme", CMD_OK);
	run(f, 60, "settings roster off", CMD_OK);
	run(f, 60, "snooze 1h", CMD_OK);
	assert_non_null(strstr(run(f, 120, "undo", CMD_OK),
	                       "Undone: start acme"));
	assert_int_equal(store_setting_get(f->st, OWNER, "roster", v, sizeof v),
	                 STORE_OK);
	assert_string_equal(v, "off");
	assert_int_equal(store_setting_get(f->st, OWNER, "idle.after", v,
	                                   sizeof v), STORE_OK);
}

static void
cmd_help__settings_commands__have_their_help(void **state)
{
	struct cmd_fixture *f = *state;
	const char *r = run(f, 0, "help", CMD_OK);

	assert_non_null(strstr(r, "\n  settings [NAME [VALUE|default]] — "));
	assert_non_null(strstr(r, "\n  snooze [DURATION|off] — "));
	assert_non_null(strstr(r, "\n  reminders [on|off] — "));
	assert_non_null(strstr(run(f, 0, "help settings", CMD_OK),
	                       "  settings idle.after 30m"));
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			prefs_parse_format__every_setting__reads_back_its_one_spelling),
		cmocka_unit_test(
			prefs_format__every_set_of_workdays__reads_back_the_same),
		cmocka_unit_test(
			prefs_builtin__each_setting__formats_as_documented),
		cmocka_unit_test(
			prefs_parse__bad_value__says_what_is_wrong_and_what_is_taken),
		T(store_setting__set_get_unset_and_walk__keep_one_row_per_name),
		T(store_settings__walks_the_owners_rows_by_name),
		T(prefs_load__stored_rows__apply_over_the_defaults_given),
		T(cmd_settings__no_words__lists_every_setting_with_its_defaults),
		T(cmd_settings__bot_yaml_defaults__are_shown_as_defaults),
		T(cmd_settings__name_and_value__changes_it_and_says_what_it_means),
		T(cmd_settings__default__goes_back_to_the_default),
		T(cmd_settings__bad_value__is_refused_with_what_is_taken),
		T(cmd_settings__unknown_name__lists_the_names_and_the_nearest),
		T(cmd_settings__tz__is_the_tz_command),
		T(cmd_reminders__on_off__is_settings_reminders),
		T(cmd_snooze__duration__keeps_reminders_away_until_then),
		T(cmd_snooze__too_long_or_no_duration__is_refused),
		T(cmd_snooze__reminders_off__says_they_are_off_anyway),
		T(cmd_snooze__across_a_dst_change__ends_at_the_local_time_it_will_be),
		T(cmd_undo__after_a_setting__takes_back_the_entry_change_not_the_setting),
		T(cmd_help__settings_commands__have_their_help),
#undef T
	};

	return cmocka_run_group_tests_name("settings", tests, NULL, NULL);
}
