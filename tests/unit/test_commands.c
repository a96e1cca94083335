/*
 * tests/unit/test_commands.c - the command layer as function calls:
 * a :memory: store, an injected clock, and the reply text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../commands/cmd.h"
#include "../../commands/cmd_int.h"
#include "../../commands/similar.h"
#include "../../storage/store_test.h"
#include "cmd_fixture.h"

/* Wed 25 Nov 2026 14:00:00 UTC */
#define T0 INT64_C(1795615200)

static int
setup(void **state)
{
	static struct cmd_fixture f;

	if (cmd_fixture_open(&f, "alice@example.org") != 0)
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

/* Runs body at time now (seconds after T0) and returns the reply. */
static const char *
run(struct cmd_fixture *f, int64_t at, const char *body, enum cmd_status want)
{
	f->ctx.now = T0 + at;
	assert_int_equal(cmd_exec(&f->ctx, body, &f->reply), want);
	return text_str(&f->reply);
}

static void
cmd_table__is_sorted_and_complete(void **state)
{
	size_t i;

	(void)state;
	for (i = 1; i < cmd_table_len; i++)
		assert_true(strcmp(cmd_table[i - 1].name, cmd_table[i].name) < 0);
	for (i = 0; i < cmd_table_len; i++) {
		assert_non_null(cmd_table[i].fn);
		assert_non_null(cmd_table[i].usage);
		assert_non_null(cmd_table[i].summary);
		assert_non_null(cmd_table[i].details);
		/* help COMMAND and the usage hint need an example line */
		assert_non_null(strstr(cmd_table[i].details, cmd_table[i].name));
		assert_ptr_equal(cmd_lookup(cmd_table[i].name), &cmd_table[i]);
		if (cmd_table[i].alias_of) {
			const struct cmd_def *to = cmd_lookup(cmd_table[i].alias_of);

			assert_non_null(to);
			assert_ptr_equal(to->fn, cmd_table[i].fn);
			assert_null(to->alias_of);
		}
		/* Admin commands, and only they, are listed as such. */
		assert_int_equal((cmd_table[i].flags & CMD_ADMIN) != 0,
		                 cmd_table[i].group == GRP_ADMIN);
		if (cmd_table[i].admin) {
			const struct cmd_form *a = cmd_table[i].admin;

			assert_int_equal(cmd_table[i].flags & CMD_ADMIN, 0);
			assert_non_null(a->usage);
			assert_non_null(a->summary);
			assert_non_null(a->details);
			assert_non_null(strstr(a->usage, "USER"));
			assert_true(strncmp(a->usage, cmd_table[i].name,
			                    strlen(cmd_table[i].name)) == 0);
			/* an example that names a user */
			assert_non_null(strstr(a->details, "\n"));
			assert_non_null(strstr(strstr(a->details, "\n"),
			                       "@example.org"));
		}
	}
	assert_null(cmd_lookup("frobnicate"));
}

static void
cmd_exec__unknown_word__names_it(void **state)
{
	struct cmd_fixture *f = *state;

	assert_string_equal(run(f, 0, "xyz", CMD_REFUSED),
	                    "I don't know \"xyz\". Try \"help\".");
}

static void
cmd_exec__empty_or_blank__suggests_help(void **state)
{
	struct cmd_fixture *f = *state;

	assert_non_null(strstr(run(f, 0, "", CMD_REFUSED), "help"));
	assert_non_null(strstr(run(f, 0, " \t\r\n ", CMD_REFUSED), "help"));
}

static void
cmd_exec__command_word__is_case_insensitive_and_trimmed(void **state)
{
	struct cmd_fixture *f = *state;

	assert_string_equal(run(f, 0, "  STOP  ", CMD_REFUSED),
	                    "Nothing is running.");
	assert_string_equal(run(f, 0, "\tStAtUs\n", CMD_OK),
	                    "Nothing is running. Today: 0m.");
}

static void
cmd_exec__wrong_arity__shows_usage_and_example(void **state)
{
	struct cmd_fixture *f = *state;
	const char *r;

	r = run(f, 0, "start", CMD_REFUSED);
	assert_non_null(strstr(r, "Usage: start PROJECT"));
	assert_non_null(strstr(r, "Example: start"));
	r = run(f, 0, "help me now please", CMD_REFUSED);
	assert_non_null(strstr(r, "Usage: help [COMMAND]"));
	r = run(f, 0, "stop now please", CMD_REFUSED);
	assert_non_null(strstr(r, "stop takes only a time"));
}

static void
cmd_help__lists_every_command(void **state)
{
	struct cmd_fixture *f = *state;
	const char *r = run(f, 0, "help", CMD_OK);
	size_t i;

	assert_true(strncmp(r, "Commands:", 9) == 0);
	for (i = 0; i < cmd_table_len; i++)
		if (cmd_table[i].flags & CMD_ADMIN)
			continue; /* see cmd_help__non_admin__hides_admin_commands */
		else if (cmd_table[i].alias_of == NULL)
			assert_non_null(strstr(r, cmd_table[i].usage));
		else /* listed with the command it stands for */
			assert_non_null(strstr(r, cmd_table[i].name));
}

static void
cmd_help__one_command__shows_example(void **state)
{
	struct cmd_fixture *f = *state;
	const char *r = run(f, 0, "help START", CMD_OK);

	assert_non_null(strstr(r, "Examples:\n  start acme"));
	assert_non_null(strstr(r, "start acme at 9:30"));
	/* an alias shows the command it stands for */
	assert_non_null(strstr(run(f, 0, "help restart", CMD_OK),
	                       "continue [ID] [at TIME"));
	assert_non_null(strstr(run(f, 0, "help nope", CMD_REFUSED), "\"nope\""));
}

static void
cmd_start__parses_project_tags_and_note(void **state)
{
	struct cmd_fixture *f = *state;
	struct store_entry e;

	assert_string_equal(run(f, 0, "start acme +design +ui fix the  header",
	                        CMD_OK),
	                    "Started acme +design +ui (fix the header) at 14:00.");
	assert_int_equal(store_running(f->st, "alice@example.org", &e), STORE_OK);
	assert_string_equal(e.project, "acme");
	assert_int_equal(e.ntags, 2);
	assert_string_equal(e.tags[0], "design");
	assert_string_equal(e.tags[1], "ui");
	assert_string_equal(e.note, "fix the header");
	assert_int_equal(e.start, T0);
}

static void
cmd_start__later_plus_words__belong_to_note(void **state)
{
	struct cmd_fixture *f = *state;
	struct store_entry e;

	run(f, 0, "start acme review +1 from bob", CMD_OK);
	assert_int_equal(store_running(f->st, "alice@example.org", &e), STORE_OK);
	assert_int_equal(e.ntags, 0);
	assert_string_equal(e.note, "review +1 from bob");
}

static void
cmd_start__stops_running__when_timer_running(void **state)
{
	struct cmd_fixture *f = *state;
	struct store_entry e;

	run(f, 0, "start writing", CMD_OK);
	assert_string_equal(run(f, 25 * 60, "start acme", CMD_OK),
	                    "Stopped writing after 25m. Started acme at 14:25.");
	assert_int_equal(store_running(f->st, "alice@example.org", &e), STORE_OK);
	assert_string_equal(e.project, "acme");
}

static void
cmd_start__refuses_bad_names(void **state)
{
	struct cmd_fixture *f = *state;
	char body[200];
	int64_t n = -1;

	assert_non_null(strstr(run(f, 0, "start +design", CMD_REFUSED),
	                       "project name comes before"));
	memset(body, 0, sizeof(body));
	strcpy(body, "start ");
	memset(body + 6, 'p', STORE_PROJECT_MAX + 1);
	assert_non_null(strstr(run(f, 0, body, CMD_REFUSED), "too long"));
	assert_non_null(strstr(run(f, 0, "start acme + x", CMD_REFUSED), "tag"));
	assert_int_equal(store_count(f->st, "alice@example.org", &n), STORE_OK);
	assert_int_equal(n, 0);
}

static void
cmd_start__keeps_unicode_exactly(void **state)
{
	struct cmd_fixture *f = *state;
	struct store_entry e;

	run(f, 0, "start Café +☕ naïve “quotes” 🎉", CMD_OK);
	assert_int_equal(store_running(f->st, "alice@example.org", &e), STORE_OK);
	assert_string_equal(e.project, "Café");
	assert_string_equal(e.tags[0], "☕");
	assert_string_equal(e.note, "naïve “quotes” 🎉");
}

static void
cmd_stop__says_what_ran_and_how_long(void **state)
{
	struct cmd_fixture *f = *state;

	run(f, 0, "start acme +design", CMD_OK);
	assert_string_equal(run(f, 3900, "stop", CMD_OK),
	                    "Stopped acme +design after 1h 05m (14:00–15:05).");
	assert_string_equal(run(f, 3901, "stop", CMD_REFUSED),
	                    "Nothing is running.");
}

static void
cmd_pause__stops_the_clock__until_resume(void **state)
{
	struct cmd_fixture *f = *state;

	assert_string_equal(run(f, 0, "pause", CMD_REFUSED),
	                    "Nothing is running.");
	run(f, 0, "start acme +design", CMD_OK);
	assert_string_equal(run(f, 0, "resume", CMD_REFUSED),
	                    "acme is running, not paused.");
	assert_string_equal(run(f, 3600, "pause at 13:00", CMD_REFUSED),
	                    "acme runs from 14:00 on; a pause has to begin "
	                    "then or later.");
	assert_string_equal(run(f, 3600, "pause", CMD_OK),
	                    "Paused acme +design at 15:00 (worked 1h 00m). "
	                    "Say \"resume\" to go on.");
	assert_string_equal(run(f, 4000, "pause", CMD_REFUSED),
	                    "acme has been paused since 15:00 already. Say "
	                    "\"resume\" to go on.");
	assert_string_equal(run(f, 6000, "status", CMD_OK),
	                    "Paused since 15:00 (acme +design, worked 1h 00m). "
	                    "Today: 1h 00m. Say \"resume\" to go on.");
	assert_string_equal(run(f, 6300, "resume at 15:00", CMD_REFUSED),
	                    "acme was paused at 15:00; it has to resume after "
	                    "that.");
	assert_string_equal(run(f, 6300, "resume 5m ago", CMD_OK),
	                    "Resumed acme +design at 15:40 after a break of "
	                    "40m (worked 1h 05m).");
	assert_string_equal(run(f, 7200, "status", CMD_OK),
	                    "Running: acme +design since 14:00 (1h 20m, breaks "
	                    "40m). Today: 1h 20m.");
	assert_string_equal(run(f, 7200, "stop", CMD_OK),
	                    "Stopped acme +design after 1h 20m of work and 40m "
	                    "of breaks (14:00–16:00).");
	assert_string_equal(run(f, 7200, "report", CMD_OK),
	                    "Today, Wed 25 Nov 2026:\n"
	                    "```\n"
	                    "acme    1h 20m\n"
	                    "Total   1h 20m\n"
	                    "```");
}

static void
cmd_stop__ends_at_the_pause__when_paused(void **state)
{
	struct cmd_fixture *f = *state;

	run(f, 0, "start acme", CMD_OK);
	run(f, 3600, "pause", CMD_OK);
	assert_string_equal(run(f, 7200, "stop", CMD_OK),
	                    "Stopped acme after 1h 00m, where it was paused at "
	                    "15:00: the time since is no work (14:00–15:00).");
	assert_string_equal(run(f, 7200, "undo", CMD_OK),
	                    "Undone: stop acme (done at 16:00).");
	assert_string_equal(run(f, 7200, "status", CMD_OK),
	                    "Paused since 15:00 (acme, worked 1h 00m). "
	                    "Today: 1h 00m. Say \"resume\" to go on.");
	/* start while paused: stop (at the pause), then start. */
	assert_string_equal(run(f, 7200, "start globex", CMD_OK),
	                    "Stopped acme after 1h 00m, where it was paused at "
	                    "15:00: the time since is no work. Started globex "
	                    "at 16:00.");
	run(f, 7200, "undo", CMD_OK);
	/* cancel while paused drops the entry; undo brings it back paused. */
	assert_non_null(strstr(run(f, 7200, "cancel", CMD_OK),
	                       "Cancelled acme (running since 14:00, 1h 00m)"));
	run(f, 7200, "undo", CMD_OK);
	run(f, 7200, "undo", CMD_OK); /* the pause */
	assert_string_equal(run(f, 7200, "status", CMD_OK),
	                    "Running: acme since 14:00 (2h 00m). "
	                    "Today: 2h 00m.");
}

static void
cmd_log__shows_the_breaks__and_counts_the_time_worked(void **state)
{
	struct cmd_fixture *f = *state;

	run(f, -30600, "start acme", CMD_OK);      /* 05:30 */
	run(f, -19800, "pause", CMD_OK);           /* 08:30 */
	run(f, -17100, "resume", CMD_OK);          /* 09:15 */
	run(f, -3600, "stop", CMD_OK);             /* 13:00 */
	run(f, -3600, "start globex", CMD_OK);
	/* The break column lines up; rows without breaks leave it blank. */
	assert_string_equal(run(f, 0, "log", CMD_OK),
	                    "Today, Wed 25 Nov 2026:\n"
	                    "#1    05:30–13:00  6h 45m  (break 45m) acme\n"
	                    "#2    13:00–now    1h 00m              globex\n"
	                    "2 entries, 7h 45m in this period.");
}

static void
cmd_edit__break__adds_one_inside_the_entry__and_undo_takes_it_back(
	void **state)
{
	struct cmd_fixture *f = *state;

	run(f, 0, "add acme 9:00-17:30 2025-06-02", CMD_OK);
	assert_string_equal(run(f, 0, "edit 1 break 12:00-12:45", CMD_OK),
	                    "Added a break 12:00–12:45 to #1 acme Mon 2 Jun "
	                    "09:00–17:30 (7h 45m, break 45m).");
	assert_string_equal(run(f, 0, "log 2025-06-02", CMD_OK),
	                    "Mon 2 Jun 2025:\n"
	                    "#1    09:00–17:30  7h 45m  (break 45m) acme\n"
	                    "1 entry, 7h 45m in this period.");
	assert_string_equal(run(f, 0, "edit 1 break 12:30-13:00", CMD_REFUSED),
	                    "#1 has a break at 12:00–12:45 already, which "
	                    "12:30–13:00 would overlap.");
	assert_string_equal(run(f, 0, "edit 1 break 8:00-9:30", CMD_REFUSED),
	                    "08:00–09:30 is not inside #1 acme Mon 2 Jun "
	                    "09:00–17:30 (7h 45m, break 45m); a break lies "
	                    "within its entry.");
	assert_string_equal(run(f, 0, "edit 1 break lunch", CMD_REFUSED),
	                    "A break is two clock times on the entry's day. "
	                    "Example: edit 1 break 12:00-12:45");
	assert_string_equal(run(f, 0, "report 2025-06-02", CMD_OK),
	                    "Mon 2 Jun 2025:\n"
	                    "```\n"
	                    "acme    7h 45m\n"
	                    "Total   7h 45m\n"
	                    "```");
	assert_string_equal(run(f, 0, "undo", CMD_OK),
	                    "Undone: edit #1 break 12:00-12:45 (done at 14:00).");
	assert_non_null(strstr(run(f, 0, "log 2025-06-02", CMD_OK),
	                       "#1    09:00–17:30  8h 30m  acme\n"));
	assert_string_equal(run(f, 0, "edit 1 break none", CMD_REFUSED),
	                    "#1 has no breaks to remove.");
	run(f, 0, "edit 1 break 12:00-12:45", CMD_OK);
	/* No edit may leave a break outside its entry. */
	assert_string_equal(run(f, 0, "edit 1 stop 2025-06-02 12:30",
	                        CMD_REFUSED),
	                    "#1 has a break at Mon 2 Jun 12:00, which would lie "
	                    "outside it. \"edit 1 break none\" removes its "
	                    "breaks.");
	assert_string_equal(run(f, 0, "edit 1 break none", CMD_OK),
	                    "Removed the breaks of #1 acme Mon 2 Jun "
	                    "09:00–17:30 (8h 30m).");
}

static void
cmd_edit__break__after_midnight__goes_on_the_day_the_entry_ends(
	void **state)
{
	struct cmd_fixture *f = *state;

	run(f, 0, "add acme 22:00-02:00 2025-06-02", CMD_OK);
	assert_string_equal(run(f, 0, "edit 1 break 00:30-01:00", CMD_OK),
	                    "Added a break Tue 3 Jun 00:30–01:00 to #1 acme "
	                    "Mon 2 Jun 22:00–Tue 3 Jun 02:00 (3h 30m, break "
	                    "30m).");
	/* Each day counts its part, less its part of the break. */
	assert_string_equal(run(f, 0, "report 2025-06-02..2025-06-03 by day",
	                        CMD_OK),
	                    "Mon 2 – Tue 3 Jun 2025:\n"
	                    "```\n"
	                    "Mon 2 Jun   2h 00m\n"
	                    "Tue 3 Jun   1h 30m\n"
	                    "Total       3h 30m\n"
	                    "```");
}

static void
cmd_status__shows_running_and_today(void **state)
{
	struct cmd_fixture *f = *state;

	run(f, -7200, "start writing", CMD_OK);
	run(f, -3600, "stop", CMD_OK);
	run(f, 0, "start acme +design", CMD_OK);
	assert_string_equal(run(f, 600, "status", CMD_OK),
	                    "Running: acme +design since 14:00 (10m). "
	                    "Today: 1h 10m.");
}

/*
 * Tags read the same in every reply, whatever order they were typed in:
 * by name, case aside (the start, stop, status, add and edit replies used
 * to keep the typed order, and the others the bytes' order, "Design"
 * before "billable").
 */
static void
cmd_start__tags_in_one_order__in_every_reply(void **state)
{
	struct cmd_fixture *f = *state;

	assert_string_equal(run(f, -600, "start acme +Design +billable", CMD_OK),
	                    "Started acme +billable +Design at 13:50.");
	assert_string_equal(run(f, 0, "status", CMD_OK),
	                    "Running: acme +billable +Design since 13:50 (10m). "
	                    "Today: 10m.");
	assert_string_equal(run(f, 0, "stop", CMD_OK),
	                    "Stopped acme +billable +Design after 10m "
	                    "(13:50–14:00).");
	assert_string_equal(run(f, 0, "add globex +x +Design 9:00-10:00", CMD_OK),
	                    "Added #2 globex +Design +x 09:00–10:00 (1h 00m).");
	assert_string_equal(run(f, 0, "edit 1 +alpha", CMD_OK),
	                    "Changed #1 acme +alpha +billable +Design "
	                    "13:50–14:00 (10m).");
	assert_non_null(strstr(run(f, 0, "log", CMD_OK),
	                       "globex +Design +x\n"));
	assert_non_null(strstr(run(f, 0, "log", CMD_OK),
	                       "acme +alpha +billable +Design\n"));
}

static void
cmd_status__started_yesterday__shows_the_day(void **state)
{
	struct cmd_fixture *f = *state;
	const char *r;

	run(f, -16 * 3600, "start nightshift", CMD_OK); /* Tue 22:00 */
	r = run(f, 0, "status", CMD_OK);
	assert_string_equal(r, "Running: nightshift since Tue 24 Nov 22:00 "
	                       "(16h 00m). Today: 14h 00m.");
}

static void
cmd_report__today__groups_per_project_with_total(void **state)
{
	struct cmd_fixture *f = *state;
	const char *r;

	run(f, -7200, "start acme", CMD_OK);
	run(f, -5400, "start writing", CMD_OK);
	run(f, -3600, "start ACME +x", CMD_OK);
	run(f, -600, "stop", CMD_OK);
	r = run(f, 0, "report", CMD_OK);
	assert_string_equal(r, "Today, Wed 25 Nov 2026:\n"
	                       "```\n"
	                       "acme      1h 20m\n"
	                       "writing      30m\n"
	                       "Total     1h 50m\n"
	                       "```");
	assert_string_equal(run(f, 0, "REPORT today", CMD_OK), r);
}

static void
cmd_report__week_and_month__have_headings(void **state)
{
	struct cmd_fixture *f = *state;

	run(f, -3 * 86400, "start acme", CMD_OK); /* Sun 22 Nov: last week */
	run(f, -3 * 86400 + 3600, "stop", CMD_OK);
	run(f, -86400, "start acme", CMD_OK);     /* Tue 24 Nov */
	run(f, -86400 + 1800, "stop", CMD_OK);
	run(f, -600, "start globex", CMD_OK);     /* Wed 25 Nov, running */
	assert_string_equal(run(f, 0, "report week", CMD_OK),
	                    "This week, Mon 23 – Sun 29 Nov 2026:\n"
	                    "```\n"
	                    "acme        30m\n"
	                    "globex      10m\n"
	                    "Total       40m\n"
	                    "```\n"
	                    "Per day: Tue 24 30m, Wed 25 10m");
	assert_string_equal(run(f, 0, "report month", CMD_OK),
	                    "This month, Sun 1 – Mon 30 Nov 2026:\n"
	                    "```\n"
	                    "acme     1h 30m\n"
	                    "globex      10m\n"
	                    "Total    1h 40m\n"
	                    "```");
}

static void
cmd_report__by_day_tag_and_filters(void **state)
{
	struct cmd_fixture *f = *state;

	run(f, 0, "add acme +design +ui 23:00-01:00 mon", CMD_OK);
	run(f, 0, "add globex +design 9:00-10:00 tue", CMD_OK);
	run(f, 0, "add acme 11:00-11:30 tue", CMD_OK);
	/* the entry across midnight is split between the days */
	assert_string_equal(run(f, 0, "report week by day", CMD_OK),
	                    "This week, Mon 23 – Sun 29 Nov 2026:\n"
	                    "```\n"
	                    "Mon 23 Nov   1h 00m\n"
	                    "Tue 24 Nov   2h 30m\n"
	                    "Total        3h 30m\n"
	                    "```");
	assert_string_equal(run(f, 0, "report week by tag", CMD_OK),
	                    "This week, Mon 23 – Sun 29 Nov 2026:\n"
	                    "```\n"
	                    "+design    3h 00m\n"
	                    "+ui        2h 00m\n"
	                    "(no tag)      30m\n"
	                    "Total      3h 30m\n"
	                    "```\n"
	                    "An entry with several tags counts under each of "
	                    "them, so the rows add up to more than the total.\n"
	                    "Per day: Mon 23 1h 00m, Tue 24 2h 30m");
	assert_string_equal(run(f, 0, "report week ACME globex +design", CMD_OK),
	                    "This week, Mon 23 – Sun 29 Nov 2026 (ACME or globex "
	                    "+design):\n"
	                    "```\n"
	                    "acme     2h 00m\n"
	                    "globex   1h 00m\n"
	                    "Total    3h 00m\n"
	                    "```\n"
	                    "Per day: Mon 23 1h 00m, Tue 24 2h 00m");
	assert_non_null(strstr(run(f, 0, "report week by colour", CMD_REFUSED),
	                       "by day, by project or by tag"));
	assert_non_null(strstr(run(f, 0, "report week nosuch", CMD_REFUSED),
	                       "\"nosuch\" is neither a period nor one of your "
	                       "projects"));
}

/* Untagged time has a row of its own, so the rows add up to the total
 * when no entry has several tags (and then no note says otherwise). */
static void
cmd_report__by_tag__shows_untagged_time__when_some_entries_have_no_tag(
	void **state)
{
	struct cmd_fixture *f = *state;

	run(f, 0, "add acme +draft 9:00-9:20 tue", CMD_OK);
	run(f, 0, "add acme 10:00-12:40 tue", CMD_OK);
	run(f, 0, "add globex +draft 13:00-13:10 tue", CMD_OK);
	assert_string_equal(run(f, 0, "report yesterday by tag", CMD_OK),
	                    "Yesterday, Tue 24 Nov 2026:\n"
	                    "```\n"
	                    "+draft        30m\n"
	                    "(no tag)   2h 40m\n"
	                    "Total      3h 10m\n"
	                    "```");
	/* Only untagged time: still a table, not "No time recorded". */
	assert_string_equal(run(f, 0, "report yesterday acme by tag", CMD_OK),
	                    "Yesterday, Tue 24 Nov 2026 (acme):\n"
	                    "```\n"
	                    "+draft        20m\n"
	                    "(no tag)   2h 40m\n"
	                    "Total      3h 00m\n"
	                    "```");
	/* A tag filter leaves no untagged entry. */
	assert_string_equal(run(f, 0, "report yesterday +draft by tag", CMD_OK),
	                    "Yesterday, Tue 24 Nov 2026 (+draft):\n"
	                    "```\n"
	                    "+draft      30m\n"
	                    "Total       30m\n"
	                    "```");
}

/* One period, one per-day line, whatever the rows are grouped by. */
static void
cmd_report__week_by_project_or_tag__has_the_per_day_line_of_report_week(
	void **state)
{
	static const char *const asks[] = { "report week",
		                            "report week by project",
		                            "report week by tag" };
	struct cmd_fixture *f = *state;
	const char *line = "\nPer day: Mon 23 1h 00m, Tue 24 30m";
	const char *r;
	size_t i;

	run(f, 0, "add acme +x 9:00-10:00 mon", CMD_OK);
	run(f, 0, "add globex 9:00-9:30 tue", CMD_OK);
	for (i = 0; i < sizeof(asks) / sizeof(asks[0]); i++) {
		r = strstr(run(f, 0, asks[i], CMD_OK), line);
		assert_non_null(r);
		assert_string_equal(r, line); /* the last line */
	}
	/* By day the table is the days already; a month has no such line. */
	assert_null(strstr(run(f, 0, "report week by day", CMD_OK), "Per day"));
	assert_null(strstr(run(f, 0, "report month by project", CMD_OK),
	                   "Per day"));
}

static void
cmd_report__counts_running_entry_up_to_now(void **state)
{
	struct cmd_fixture *f = *state;

	run(f, -900, "start acme", CMD_OK);
	assert_non_null(strstr(run(f, 0, "report", CMD_OK), "acme       15m"));
}

static void
cmd_report__nothing__says_so(void **state)
{
	struct cmd_fixture *f = *state;

	assert_string_equal(run(f, 0, "report", CMD_OK), "No time recorded today.");
	assert_string_equal(run(f, 0, "report week", CMD_OK),
	                    "No time recorded this week.");
	assert_non_null(strstr(run(f, 0, "report decade", CMD_REFUSED),
	                       "\"decade\" is neither a period nor one of "
	                       "your projects"));
	/* A timer started this second has no time yet, and says it runs. */
	run(f, 0, "start acme", CMD_OK);
	assert_string_equal(run(f, 0, "report", CMD_OK),
	                    "No time recorded today yet: #1 acme started just "
	                    "now.");
	assert_string_equal(run(f, 0, "report +design", CMD_OK),
	                    "No time recorded today (+design).");
	assert_non_null(strstr(run(f, 60, "report", CMD_OK), "acme        1m"));
}

static void
cmd_report__uses_user_timezone(void **state)
{
	struct cmd_fixture *f = *state;

	/* 23:30-00:30 UTC on 24/25 Nov; in Tokyo (UTC+9) all of it is on
	 * 25 Nov, 08:30-09:30. */
	run(f, -14 * 3600 - 1800, "start acme", CMD_OK);
	run(f, -13 * 3600 - 1800, "stop", CMD_OK);
	assert_non_null(strstr(run(f, 0, "report", CMD_OK), "acme       30m"));
	f->ctx.tz = "Asia/Tokyo";
	assert_non_null(strstr(run(f, 0, "report", CMD_OK), "acme    1h 00m"));
}

static void
cmd_exec__users_are_isolated(void **state)
{
	struct cmd_fixture *f = *state;

	run(f, 0, "start secret-project", CMD_OK);
	f->ctx.owner = "bob@example.org";
	assert_string_equal(run(f, 60, "status", CMD_OK),
	                    "Nothing is running. Today: 0m.");
	assert_string_equal(run(f, 60, "stop", CMD_REFUSED), "Nothing is running.");
	assert_string_equal(run(f, 60, "report", CMD_OK), "No time recorded today.");
}

/* ---- the full command language ---- */

static int64_t
count(struct cmd_fixture *f, const char *owner)
{
	int64_t n = -1;

	assert_int_equal(store_count(f->st, owner, &n), STORE_OK);
	return n;
}

static void
running(struct cmd_fixture *f, struct store_entry *e)
{
	assert_int_equal(store_running(f->st, "alice@example.org", e), STORE_OK);
}

static void
cmd_start__at_a_past_time__starts_then(void **state)
{
	struct cmd_fixture *f = *state;
	struct store_entry e;

	assert_string_equal(run(f, 0, "start acme at 9:30", CMD_OK),
	                    "Started acme at 09:30.");
	running(f, &e);
	assert_int_equal(e.start, T0 - 4 * 3600 - 1800);
	assert_string_equal(e.note, "");
}

static void
cmd_start__duration_ago__starts_then(void **state)
{
	struct cmd_fixture *f = *state;
	struct store_entry e;

	assert_string_equal(run(f, 0, "start acme +x 15m ago", CMD_OK),
	                    "Started acme +x at 13:45.");
	running(f, &e);
	assert_int_equal(e.start, T0 - 900);
}

static void
cmd_start__at_the_office__stays_in_the_note(void **state)
{
	struct cmd_fixture *f = *state;
	struct store_entry e;

	run(f, 0, "start acme meeting at the office", CMD_OK);
	running(f, &e);
	assert_string_equal(e.note, "meeting at the office");
	assert_int_equal(e.start, T0);
}

static void
cmd_start__in_the_future__is_refused(void **state)
{
	struct cmd_fixture *f = *state;

	assert_non_null(strstr(run(f, 0, "start acme at 15:00", CMD_REFUSED),
	                       "future"));
	assert_int_equal(count(f, "alice@example.org"), 0);
}

static void
cmd_start__bad_time__quotes_it(void **state)
{
	struct cmd_fixture *f = *state;

	assert_non_null(strstr(run(f, 0, "start acme at 25:00", CMD_REFUSED),
	                       "\"25:00\""));
	assert_int_equal(count(f, "alice@example.org"), 0);
}

static void
cmd_start__quoted_phrase__is_one_project(void **state)
{
	struct cmd_fixture *f = *state;
	struct store_entry e;

	assert_string_equal(run(f, 0, "start \"client work\" +call  with Bob",
	                        CMD_OK),
	                    "Started client work +call (with Bob) at 14:00.");
	running(f, &e);
	assert_string_equal(e.project, "client work");
	run(f, 60, "start “smart quotes” ok", CMD_OK);
	running(f, &e);
	assert_string_equal(e.project, "smart quotes");
}

static void
cmd_start__keeps_quotes_in_notes(void **state)
{
	struct cmd_fixture *f = *state;
	struct store_entry e;

	run(f, 0, "start acme fix \"the\" header, again", CMD_OK);
	running(f, &e);
	assert_string_equal(e.note, "fix \"the\" header, again");
}

static void
cmd_start__refuses_odd_project_names(void **state)
{
	struct cmd_fixture *f = *state;

	assert_non_null(strstr(run(f, 0, "start acme,", CMD_REFUSED),
	                       "not a project name"));
	assert_int_equal(count(f, "alice@example.org"), 0);
}

static void
cmd_start__in_the_past__refuses_overlap(void **state)
{
	struct cmd_fixture *f = *state;
	const char *r;

	run(f, -3 * 3600, "start acme", CMD_OK);    /* 11:00 */
	run(f, -2 * 3600, "stop", CMD_OK);          /* 12:00 */
	r = run(f, 0, "start globex at 11:30", CMD_REFUSED);
	assert_non_null(strstr(r, "overlap #1 acme"));
	assert_int_equal(count(f, "alice@example.org"), 1);
}

static void
cmd_start__before_running_start__is_refused(void **state)
{
	struct cmd_fixture *f = *state;
	struct store_entry e;

	run(f, -3600, "start acme", CMD_OK); /* 13:00 */
	assert_non_null(strstr(run(f, 0, "start globex at 12:30", CMD_REFUSED),
	                       "running since 13:00"));
	running(f, &e);
	assert_string_equal(e.project, "acme");
}

static void
cmd_start__in_the_past__stops_running_then(void **state)
{
	struct cmd_fixture *f = *state;

	run(f, -3600, "start acme", CMD_OK); /* 13:00 */
	assert_string_equal(run(f, 0, "start globex at 13:40", CMD_OK),
	                    "Stopped acme after 40m. Started globex at 13:40.");
}

static void
cmd_start__same_second__replaces_the_just_started_timer(void **state)
{
	struct cmd_fixture *f = *state;
	struct store_entry e;

	run(f, 0, "start acm", CMD_OK);
	assert_string_equal(run(f, 0, "start acme", CMD_OK),
	                    "Started acme at 14:00 in place of acm, which had "
	                    "only just started.");
	running(f, &e);
	assert_string_equal(e.project, "acme");
	assert_int_equal(count(f, "alice@example.org"), 1);
	assert_non_null(strstr(run(f, 0, "stop", CMD_REFUSED), "only just "
	                       "started"));
	assert_non_null(strstr(run(f, 0, "undo", CMD_OK), "start acme"));
	running(f, &e);
	assert_string_equal(e.project, "acm");
}

static void
cmd_exec__offline_message__says_when_it_was_sent(void **state)
{
	struct cmd_fixture *f = *state;
	struct store_entry e;

	run(f, -3600, "start acme", CMD_OK);
	f->ctx.offline = true;
	assert_string_equal(run(f, -600, "stop", CMD_OK),
	                    "Stopped acme after 50m (13:00–13:50).\n"
	                    "(sent at 13:50 while I was offline)");
	f->ctx.offline = false;
	assert_int_equal(store_get(f->st, "alice@example.org", 1, &e), STORE_OK);
	assert_int_equal(e.stop, T0 - 600);
}

static void
cmd_switch__is_start(void **state)
{
	struct cmd_fixture *f = *state;
	struct store_entry e;

	run(f, -600, "start acme", CMD_OK);
	assert_string_equal(run(f, 0, "switch globex", CMD_OK),
	                    "Stopped acme after 10m. Started globex at 14:00.");
	running(f, &e);
	assert_string_equal(e.project, "globex");
}

static void
cmd_stop__at_or_ago__stops_then(void **state)
{
	struct cmd_fixture *f = *state;

	run(f, -7200, "start acme", CMD_OK); /* 12:00 */
	assert_string_equal(run(f, 0, "stop at 13:00", CMD_OK),
	                    "Stopped acme after 1h 00m (12:00–13:00).");
	run(f, 0, "start acme", CMD_OK);
	assert_string_equal(run(f, 1800, "stop 10m ago", CMD_OK),
	                    "Stopped acme after 20m (14:00–14:20).");
}

static void
cmd_stop__before_start_or_in_future__is_refused(void **state)
{
	struct cmd_fixture *f = *state;
	struct store_entry e;

	run(f, -3600, "start acme", CMD_OK); /* 13:00 */
	assert_non_null(strstr(run(f, 0, "stop at 12:00", CMD_REFUSED),
	                       "started at 13:00"));
	assert_non_null(strstr(run(f, 0, "stop at 15:00", CMD_REFUSED), "future"));
	/* a zero-length entry is refused too, pointing at cancel */
	assert_non_null(strstr(run(f, 0, "stop 1h ago", CMD_REFUSED), "cancel"));
	running(f, &e);
	assert_int_equal(e.stop, 0);
}

static void
cmd_cancel__discards_running__and_undo_restores_it(void **state)
{
	struct cmd_fixture *f = *state;
	struct store_entry e;

	assert_string_equal(run(f, 0, "cancel", CMD_REFUSED),
	                    "Nothing is running.");
	run(f, -600, "start acme +x", CMD_OK);
	assert_non_null(strstr(run(f, 0, "cancel", CMD_OK),
	                       "Cancelled acme +x (running since 13:50, 10m)"));
	assert_int_equal(count(f, "alice@example.org"), 0);
	assert_non_null(strstr(run(f, 5, "undo", CMD_OK), "Undone: cancel acme"));
	running(f, &e);
	assert_int_equal(e.start, T0 - 600);
	assert_string_equal(e.tags[0], "x");
}

static void
cmd_continue__restarts_last_project_and_tags(void **state)
{
	struct cmd_fixture *f = *state;
	struct store_entry e;

	assert_non_null(strstr(run(f, 0, "continue", CMD_REFUSED),
	                       "nothing to continue"));
	run(f, -3600, "start acme +design a note", CMD_OK);
	assert_non_null(strstr(run(f, 0, "continue", CMD_REFUSED),
	                       "already running"));
	run(f, -1800, "stop", CMD_OK);
	assert_string_equal(run(f, 0, "continue", CMD_OK),
	                    "Started acme +design at 14:00.");
	running(f, &e);
	assert_string_equal(e.note, "");
	run(f, 60, "stop", CMD_OK);
	assert_string_equal(run(f, 600, "RESTART at 14:05", CMD_OK),
	                    "Started acme +design at 14:05.");
}

static void
cmd_add__duration_today__fills_last_free_time(void **state)
{
	struct cmd_fixture *f = *state;
	const char *r;

	run(f, -1800, "start writing", CMD_OK); /* 13:30, running */
	r = run(f, 0, "add acme 1h30m", CMD_OK);
	assert_string_equal(r, "Added #2 acme 12:00–13:30 (1h 30m).");
}

static void
cmd_add__span_on_a_day__records_it(void **state)
{
	struct cmd_fixture *f = *state;

	assert_string_equal(run(f, 0, "add acme +design 9:00-10:30 yesterday "
	                              "fixed the header", CMD_OK),
	                    "Added #1 acme +design (fixed the header) "
	                    "Tue 24 Nov 09:00–10:30 (1h 30m).");
	assert_string_equal(run(f, 0, "add acme 22:00 - 01:00 mon", CMD_OK),
	                    "Added #2 acme Mon 23 Nov 22:00–Tue 24 Nov 01:00 "
	                    "(3h 00m).");
}

static void
cmd_add__duration_on_a_past_day__goes_after_nine(void **state)
{
	struct cmd_fixture *f = *state;

	run(f, 0, "add acme 9:00-10:00 yesterday", CMD_OK);
	assert_string_equal(run(f, 0, "add globex 2h yesterday", CMD_OK),
	                    "Added #2 globex Tue 24 Nov 10:00–12:00 (2h 00m).");
}

static void
cmd_add__refuses_overlap_future_and_nonsense(void **state)
{
	struct cmd_fixture *f = *state;

	run(f, 0, "add acme 9:00-10:00", CMD_OK);
	assert_non_null(strstr(run(f, 0, "add globex 9:30-11:00", CMD_REFUSED),
	                       "overlap #1 acme"));
	assert_non_null(strstr(run(f, 0, "add globex 13:00-15:00", CMD_REFUSED),
	                       "future"));
	assert_non_null(strstr(run(f, 0, "add globex 0m", CMD_REFUSED), "\"0m\""));
	assert_non_null(strstr(run(f, 0, "add globex soon", CMD_REFUSED),
	                       "duration or times"));
	assert_non_null(strstr(run(f, 0, "add globex 1h 2026-02-30", CMD_REFUSED),
	                       "\"2026-02-30\""));
	assert_int_equal(count(f, "alice@example.org"), 1);
}

static void
cmd_log__lists_entries_with_numbers(void **state)
{
	struct cmd_fixture *f = *state;
	const char *r;

	run(f, 0, "add acme +design 9:00-10:30", CMD_OK);
	run(f, -1800, "start writing", CMD_OK);
	r = run(f, 0, "log", CMD_OK);
	assert_non_null(strstr(r, "Today, Wed 25 Nov 2026:"));
	assert_non_null(strstr(r, "#1    09:00–10:30  1h 30m  acme +design"));
	assert_non_null(strstr(r, "#2    13:30–now       30m  writing"));
	assert_non_null(strstr(r, "2 entries, 2h 00m in this period."));
	assert_string_equal(run(f, 0, "log yesterday", CMD_OK),
	                    "No entries yesterday.");
}

/*
 * A timer started this very second is listed, also in a day's first
 * second, when it begins exactly where the period does.
 */
static void
cmd_log__lists_a_timer_started_this_second__also_at_midnight(void **state)
{
	struct cmd_fixture *f = *state;
	const int64_t midnight = -14 * 3600; /* Wed 25 Nov 2026 00:00:00 */

	run(f, -3600, "start acme", CMD_OK);
	assert_string_equal(run(f, -3600, "log", CMD_OK),
	                    "Today, Wed 25 Nov 2026:\n"
	                    "#1    13:00–now        0m  acme\n"
	                    "1 entry, 0m in this period.");
	f->ctx.owner = "bob@example.org";
	run(f, midnight, "start acme", CMD_OK);
	assert_string_equal(run(f, midnight, "log", CMD_OK),
	                    "Today, Wed 25 Nov 2026:\n"
	                    "#1    00:00–now        0m  acme\n"
	                    "1 entry, 0m in this period.");
	f->ctx.owner = "alice@example.org";
}

static void
cmd_log__several_days__groups_by_day(void **state)
{
	struct cmd_fixture *f = *state;
	const char *r;

	run(f, 0, "add acme 9:00-10:00 mon", CMD_OK);
	run(f, 0, "add globex 9:00-10:00 tue", CMD_OK);
	r = run(f, 0, "log week", CMD_OK);
	assert_non_null(strstr(r, "\nMon 23 Nov\n#1 "));
	assert_non_null(strstr(r, "\nTue 24 Nov\n#2 "));
	run(f, 0, "add night 22:00-01:00 tue", CMD_OK);
	r = run(f, 0, "log week", CMD_OK);
	assert_non_null(strstr(r, "#3    22:00–Wed 01:00  3h 00m  night"));
	assert_non_null(strstr(r, "#1    09:00–10:00      1h 00m  acme"));
	assert_non_null(strstr(run(f, 0, "log someday", CMD_REFUSED),
	                       "\"someday\" is neither a period"));
}

static void
cmd_edit__changes_fields(void **state)
{
	struct cmd_fixture *f = *state;
	struct store_entry e;

	run(f, 0, "add acme +design 9:00-10:00 old note", CMD_OK);
	assert_string_equal(run(f, 0, "edit 1 project globex -design +billable "
	                              "start 8:30 stop 10:15 note new note",
	                        CMD_OK),
	                    "Changed #1 globex +billable (new note) "
	                    "08:30–10:15 (1h 45m).");
	assert_int_equal(store_get(f->st, "alice@example.org", 1, &e), STORE_OK);
	assert_string_equal(e.project, "globex");
	assert_int_equal(e.ntags, 1);
	assert_string_equal(e.note, "new note");
	run(f, 0, "edit #1 note", CMD_OK);
	assert_int_equal(store_get(f->st, "alice@example.org", 1, &e), STORE_OK);
	assert_string_equal(e.note, "");
}

/* Whether e carries tag, spelled exactly so. */
static bool
has_tag(const struct store_entry *e, const char *tag)
{
	int j;

	for (j = 0; j < e->ntags; j++)
		if (strcmp(e->tags[j], tag) == 0)
			return true;
	return false;
}

/* A tag is one name whatever its case, as in filters and reports: +Design
 * does not add a second spelling, -DESIGN removes "design", and so does
 * "start ... +x +X". */
static void
cmd_edit__tags_ignore_case(void **state)
{
	struct cmd_fixture *f = *state;
	struct store_entry e;

	run(f, 0, "add acme +design +Ärger +ärger 9:00-10:00", CMD_OK);
	assert_int_equal(store_get(f->st, "alice@example.org", 1, &e), STORE_OK);
	assert_int_equal(e.ntags, 2);
	assert_true(has_tag(&e, "Ärger"));
	run(f, 0, "edit 1 +Design +billable", CMD_OK);
	assert_int_equal(store_get(f->st, "alice@example.org", 1, &e), STORE_OK);
	assert_int_equal(e.ntags, 3);
	assert_true(has_tag(&e, "design"));
	assert_true(has_tag(&e, "billable"));
	assert_string_equal(run(f, 0, "edit 1 -DESIGN -ÄRGER", CMD_OK),
	                    "Changed #1 acme +billable 09:00–10:00 (1h 00m).");
	assert_int_equal(store_get(f->st, "alice@example.org", 1, &e), STORE_OK);
	assert_int_equal(e.ntags, 1);
	assert_non_null(strstr(run(f, 0, "edit 1 -design", CMD_REFUSED),
	                       "no tag +design"));
}

static void
cmd_edit__refuses_bad_changes(void **state)
{
	struct cmd_fixture *f = *state;
	struct store_entry e;

	run(f, 0, "add acme 9:00-10:00", CMD_OK);
	run(f, 0, "add globex 11:00-12:00", CMD_OK);
	assert_non_null(strstr(run(f, 0, "edit 1 stop 11:30", CMD_REFUSED),
	                       "overlap #2 globex"));
	assert_non_null(strstr(run(f, 0, "edit 1 stop 8:00", CMD_REFUSED),
	                       "stop after it starts"));
	assert_non_null(strstr(run(f, 0, "edit 1 start 15:00", CMD_REFUSED),
	                       "future"));
	assert_non_null(strstr(run(f, 0, "edit 1 colour red", CMD_REFUSED),
	                       "\"colour\""));
	assert_non_null(strstr(run(f, 0, "edit 1 -nosuch", CMD_REFUSED),
	                       "no tag +nosuch"));
	assert_non_null(strstr(run(f, 0, "edit 9 start 9:00", CMD_REFUSED),
	                       "no entry #9"));
	assert_non_null(strstr(run(f, 0, "edit x start 9:00", CMD_REFUSED),
	                       "not an entry number"));
	assert_int_equal(store_get(f->st, "alice@example.org", 1, &e), STORE_OK);
	assert_int_equal(e.stop - e.start, 3600);
}

static void
cmd_delete__removes__and_undo_restores(void **state)
{
	struct cmd_fixture *f = *state;
	struct store_entry e;

	run(f, 0, "add acme +x 9:00-10:00 note", CMD_OK);
	assert_string_equal(run(f, 0, "delete #1", CMD_OK),
	                    "Deleted #1 acme +x (note) 09:00–10:00 (1h 00m). "
	                    "\"undo\" brings it back.");
	assert_int_equal(count(f, "alice@example.org"), 0);
	assert_non_null(strstr(run(f, 0, "delete 1", CMD_REFUSED), "no entry #1"));
	assert_non_null(strstr(run(f, 0, "undo", CMD_OK), "Undone: delete #1"));
	assert_int_equal(store_get(f->st, "alice@example.org", 1, &e), STORE_OK);
	assert_string_equal(e.tags[0], "x");
	assert_string_equal(e.note, "note");
}

static void
cmd_undo__walks_back_step_by_step(void **state)
{
	struct cmd_fixture *f = *state;
	struct store_entry e;

	run(f, -600, "start acme", CMD_OK);
	run(f, 0, "start globex", CMD_OK);
	assert_string_equal(run(f, 10, "undo", CMD_OK),
	                    "Undone: start globex (done at 14:00).");
	running(f, &e);
	assert_string_equal(e.project, "acme"); /* running again */
	assert_string_equal(run(f, 20, "undo", CMD_OK),
	                    "Undone: start acme (done at 13:50).");
	assert_int_equal(count(f, "alice@example.org"), 0);
	assert_string_equal(run(f, 30, "undo", CMD_REFUSED),
	                    "There is nothing to undo.");
}

static void
cmd_projects_and_tags__list_month_totals(void **state)
{
	struct cmd_fixture *f = *state;
	const char *r;

	run(f, 0, "add old +legacy 9:00-10:00 2026-10-05", CMD_OK);
	run(f, 0, "add acme +design 9:00-11:00", CMD_OK);
	r = run(f, 0, "projects", CMD_OK);
	assert_non_null(strstr(r, "\nacme   2h 00m"));
	assert_non_null(strstr(r, "\nold        0m"));
	r = run(f, 0, "tags", CMD_OK);
	assert_non_null(strstr(r, "\n+design   2h 00m"));
	assert_non_null(strstr(r, "\n+legacy       0m"));
	f->ctx.owner = "bob@example.org";
	assert_non_null(strstr(run(f, 0, "projects", CMD_OK), "No projects yet"));
}

static void
cmd_rename__renames_all_entries(void **state)
{
	struct cmd_fixture *f = *state;
	struct store_entry e;

	run(f, 0, "add acme 9:00-10:00", CMD_OK);
	run(f, 0, "add ACME 10:00-11:00", CMD_OK);
	assert_string_equal(run(f, 0, "rename project Acme globex", CMD_OK),
	                    "Renamed Acme to globex in 2 entries.");
	assert_int_equal(store_get(f->st, "alice@example.org", 2, &e), STORE_OK);
	assert_string_equal(e.project, "globex");
	assert_non_null(strstr(run(f, 0, "rename project nope x", CMD_REFUSED),
	                       "no project \"nope\""));
	assert_non_null(strstr(run(f, 0, "rename tag a b", CMD_REFUSED),
	                       "rename project OLD NEW"));
	assert_non_null(strstr(run(f, 0, "undo", CMD_OK), "Undone: rename"));
	assert_int_equal(store_get(f->st, "alice@example.org", 2, &e), STORE_OK);
	assert_string_equal(e.project, "ACME");
}

static void
cmd_tz__shows_sets_and_resets(void **state)
{
	struct cmd_fixture *f = *state;

	assert_string_equal(run(f, 0, "tz", CMD_OK),
	                    "Your time zone is UTC (the default); it is 14:00 "
	                    "there. Change it with: tz Europe/Berlin");
	assert_string_equal(run(f, 0, "tz Asia/Tokyo", CMD_OK),
	                    "Your time zone is now Asia/Tokyo; it is 23:00 there.");
	/* times now read in Tokyo */
	assert_string_equal(run(f, 0, "start acme", CMD_OK),
	                    "Started acme at 23:00.");
	assert_non_null(strstr(run(f, 0, "tz Mars/Olympus", CMD_REFUSED),
	                       "\"Mars/Olympus\""));
	/* A name in the wrong case is taken in the right one. */
	assert_string_equal(run(f, 0, "tz europe/BERLIN", CMD_OK),
	                    "Your time zone is now Europe/Berlin; it is 15:00 "
	                    "there.");
	assert_string_equal(run(f, 0, "tz america/argentina/buenos_aires",
	                        CMD_OK),
	                    "Your time zone is now America/Argentina/Buenos_Aires; "
	                    "it is 11:00 there.");
	assert_string_equal(run(f, 0, "tz utc", CMD_OK),
	                    "Your time zone is now UTC; it is 14:00 there.");
	assert_non_null(strstr(run(f, 0, "tz europe/", CMD_REFUSED),
	                       "\"europe/\""));
	assert_non_null(strstr(run(f, 0, "tz europe//berlin", CMD_REFUSED),
	                       "\"europe//berlin\""));
	assert_non_null(strstr(run(f, 0, "tz ../etc/passwd", CMD_REFUSED),
	                       "\"../etc/passwd\""));
	run(f, 0, "tz default", CMD_OK);
	assert_non_null(strstr(run(f, 0, "tz", CMD_OK), "UTC (the default)"));
	/* another user is not affected */
	run(f, 0, "tz Asia/Tokyo", CMD_OK);
	f->ctx.owner = "bob@example.org";
	assert_non_null(strstr(run(f, 0, "tz", CMD_OK), "UTC (the default)"));
}

static void
cmd_exec__other_users_entries__are_no_such_entry(void **state)
{
	struct cmd_fixture *f = *state;

	run(f, 0, "add secret 9:00-10:00", CMD_OK);
	f->ctx.owner = "bob@example.org";
	assert_non_null(strstr(run(f, 0, "edit 1 start 8:00", CMD_REFUSED),
	                       "no entry #1"));
	assert_non_null(strstr(run(f, 0, "delete 1", CMD_REFUSED), "no entry #1"));
	assert_string_equal(run(f, 0, "undo", CMD_REFUSED),
	                    "There is nothing to undo.");
	assert_string_equal(run(f, 0, "log", CMD_OK), "No entries today.");
	f->ctx.owner = "alice@example.org";
	assert_int_equal(count(f, "alice@example.org"), 1);
}

/* ---- a message delivered twice ---- */

/*
 * The message key bot/ would pass for a message named name (a digest:
 * STORE_MSG_KEY_LEN hex digits), here name's FNV-1a hash, zero-padded.
 * Static: a ring of four.
 */
static const char *
key_of(const char *name)
{
	static char ring[4][STORE_MSG_KEY_LEN + 1];
	static unsigned next;
	char *k = ring[next++ % 4];
	uint64_t h = 14695981039346656037ULL;

	for (; *name != '\0'; name++)
		h = (h ^ (unsigned char)*name) * 1099511628211ULL;
	snprintf(k, STORE_MSG_KEY_LEN + 1, "%040llx", (unsigned long long)h);
	return k;
}

/* run() for a message named key (NULL: none; key_of gives its key). */
static const char *
run_key(struct cmd_fixture *f, int64_t at, const char *body, const char *key,
        enum cmd_status want)
{
	const char *r;

	f->ctx.msg_key = key != NULL ? key_of(key) : NULL;
	r = run(f, at, body, want);
	f->ctx.msg_key = NULL;
	return r;
}

/* Whether alice has a change recorded for the message named key. */
static bool
recorded(struct cmd_fixture *f, const char *key)
{
	char none[1];
	store_rc rc = store_msg_seen(f->st, "alice@example.org", key_of(key),
	                             none, sizeof(none));

	assert_true(rc == STORE_OK || rc == STORE_NOTFOUND);
	return rc == STORE_OK;
}

static void
cmd_exec__same_key_twice__changes_once_and_replies_the_same(void **state)
{
	struct cmd_fixture *f = *state;
	struct store_entry e;
	char first[256];

	snprintf(first, sizeof(first), "%s",
	         run_key(f, 0, "start acme", "o:1", CMD_OK));
	assert_string_equal(first, "Started acme at 14:00.");
	/* Run again a minute later it would stop acme and start it anew. */
	assert_string_equal(run_key(f, 60, "start acme", "o:1", CMD_OK), first);
	assert_int_equal(count(f, "alice@example.org"), 1);
	running(f, &e);
	assert_int_equal(e.start, T0);

	/* Undo is the one that must never run twice. */
	run_key(f, 120, "start globex", "o:2", CMD_OK);
	snprintf(first, sizeof(first), "%s",
	         run_key(f, 180, "undo", "o:3", CMD_OK));
	assert_string_equal(first, "Undone: start globex (done at 14:02).");
	assert_string_equal(run_key(f, 240, "undo", "o:3", CMD_OK), first);
	running(f, &e);
	assert_string_equal(e.project, "acme");

	/* What the offline note said is part of the reply repeated. */
	f->ctx.offline = true;
	snprintf(first, sizeof(first), "%s",
	         run_key(f, 300, "stop", "i:alice@example.org/p/7", CMD_OK));
	f->ctx.offline = false;
	assert_non_null(strstr(first, "while I was offline"));
	assert_string_equal(run_key(f, 900, "stop", "i:alice@example.org/p/7",
	                            CMD_OK), first);
	assert_int_equal(store_get(f->st, "alice@example.org", 1, &e),
	                 STORE_OK);
	assert_int_equal(e.stop, T0 + 300);
}

static void
cmd_exec__different_keys__are_two_changes(void **state)
{
	struct cmd_fixture *f = *state;

	run_key(f, 0, "start acme", "o:1", CMD_OK);
	assert_string_equal(run_key(f, 60, "start acme", "o:2", CMD_OK),
	                    "Stopped acme after 1m. Started acme at 14:01.");
	assert_int_equal(count(f, "alice@example.org"), 2);
	/* And a message without a key always runs. */
	run(f, 120, "start acme", CMD_OK);
	assert_int_equal(count(f, "alice@example.org"), 3);
}

static void
cmd_exec__same_key_from_two_users__is_two_messages(void **state)
{
	struct cmd_fixture *f = *state;

	run_key(f, 0, "start acme", "o:1", CMD_OK);
	f->ctx.owner = "bob@example.org";
	assert_string_equal(run_key(f, 60, "start globex", "o:1", CMD_OK),
	                    "Started globex at 14:01.");
	assert_int_equal(count(f, "bob@example.org"), 1);
}

static void
cmd_exec__refused_message__is_not_remembered(void **state)
{
	struct cmd_fixture *f = *state;
	struct store_entry e;
	char first[256];

	/* A refusal changes nothing, so the same message may come again
	 * and find something to do. */
	assert_string_equal(run_key(f, 0, "stop", "o:stop", CMD_REFUSED),
	                    "Nothing is running.");
	assert_false(recorded(f, "o:stop"));
	run_key(f, 60, "start acme", "o:start", CMD_OK);
	snprintf(first, sizeof(first), "%s",
	         run_key(f, 120, "stop", "o:stop", CMD_OK));
	assert_string_equal(first, "Stopped acme after 1m (14:01–14:02).");
	assert_true(recorded(f, "o:stop"));
	assert_string_equal(run_key(f, 180, "stop", "o:stop", CMD_OK), first);
	assert_int_equal(store_get(f->st, "alice@example.org", 1, &e),
	                 STORE_OK);
	assert_int_equal(e.stop, T0 + 120);
	/* Words that make no command, and a bad time, record nothing. */
	run_key(f, 200, "frobnicate", "o:x", CMD_REFUSED);
	run_key(f, 200, "start acme at 25:00", "o:y", CMD_REFUSED);
	assert_false(recorded(f, "o:x"));
	assert_false(recorded(f, "o:y"));
}

static void
cmd_exec__reads_with_a_key__run_every_time(void **state)
{
	struct cmd_fixture *f = *state;

	assert_string_equal(run_key(f, 0, "status", "o:s", CMD_OK),
	                    "Nothing is running. Today: 0m.");
	assert_string_equal(run_key(f, 0, "report", "o:r", CMD_OK),
	                    "No time recorded today.");
	run(f, 0, "start acme", CMD_OK);
	assert_non_null(strstr(run_key(f, 600, "status", "o:s", CMD_OK),
	                       "acme"));
	assert_non_null(strstr(run_key(f, 600, "report", "o:r", CMD_OK),
	                       "acme"));
	assert_false(recorded(f, "o:s"));
	assert_false(recorded(f, "o:r"));
}

/* A command that may change data but only looked, or found nothing to
 * do, commits nothing: its message is not remembered, and a repeat runs
 * it again. */
static void
cmd_exec__change_that_wrote_nothing__is_not_remembered(void **state)
{
	struct cmd_fixture *f = *state;

	assert_non_null(strstr(run_key(f, 0, "tz", "o:show", CMD_OK),
	                       "(the default)"));
	assert_non_null(strstr(run_key(f, 0, "tz default", "o:clear", CMD_OK),
	                       "Back to the default"));
	assert_false(recorded(f, "o:show"));
	assert_false(recorded(f, "o:clear"));
	/* With a zone to clear it writes, and is remembered. */
	run(f, 0, "tz Asia/Tokyo", CMD_OK);
	run_key(f, 0, "tz default", "o:clear-set", CMD_OK);
	assert_true(recorded(f, "o:clear-set"));
}

/* A refusal after the handler opened its undo step, or wrote, leaves
 * neither the step nor the message's key. */
static void
cmd_exec__refusal_after_step_opened__leaves_no_step_or_key(void **state)
{
	struct cmd_fixture *f = *state;

	run(f, 0, "add acme 9:00-10:00 2025-06-02", CMD_OK);
	run(f, 0, "start globex", CMD_OK);
	run_key(f, 60, "rename project hooli x", "o:rename", CMD_REFUSED);
	run_key(f, 60, "delete 9", "o:delete", CMD_REFUSED);
	run_key(f, 60, "start initech at 2025-06-02 9:30", "o:start",
	        CMD_REFUSED);
	run_key(f, 60, "edit 1 start 2025-06-02 10:30", "o:edit", CMD_REFUSED);
	assert_false(recorded(f, "o:rename"));
	assert_false(recorded(f, "o:delete"));
	assert_false(recorded(f, "o:start"));
	assert_false(recorded(f, "o:edit"));
	/* The latest step is still the start of globex, still running. */
	assert_non_null(strstr(run(f, 120, "status", CMD_OK),
	                       "Running: globex"));
	assert_non_null(strstr(run(f, 120, "undo", CMD_OK),
	                       "Undone: start globex"));
	assert_non_null(strstr(run(f, 120, "undo", CMD_OK),
	                       "Undone: add acme"));
	assert_string_equal(run(f, 120, "undo", CMD_REFUSED),
	                    "There is nothing to undo.");
}

static void
cmd_exec__repeat_of_earlier_change__keeps_later_one(void **state)
{
	struct cmd_fixture *f = *state;

	/* "tz" sets the same zone each time, yet a late copy of an earlier
	 * message must not undo a later one. */
	run_key(f, 0, "tz Asia/Tokyo", "o:1", CMD_OK);
	run_key(f, 0, "tz Europe/Berlin", "o:2", CMD_OK);
	assert_string_equal(run_key(f, 0, "tz Asia/Tokyo", "o:1", CMD_OK),
	                    "Your time zone is now Asia/Tokyo; it is 23:00 "
	                    "there.");
	assert_non_null(strstr(run(f, 0, "tz", CMD_OK), "Europe/Berlin"));
}

static void
cmd_exec__repeat_without_saved_reply__says_it_was_done(void **state)
{
	struct cmd_fixture *f = *state;
	struct store_entry e;

	memset(&e, 0, sizeof(e));
	snprintf(e.project, sizeof(e.project), "acme");
	e.start = T0;
	/* The change committed, then the process died before the reply was
	 * saved. */
	assert_int_equal(store_begin(f->st), STORE_OK);
	assert_int_equal(store_insert(f->st, "alice@example.org", &e, NULL),
	                 STORE_OK);
	assert_int_equal(store_change_commit(f->st, "alice@example.org",
	                                     key_of("o:1")), STORE_OK);
	assert_string_equal(run_key(f, 60, "start acme", "o:1", CMD_OK),
	                    "I have already done that (this message reached "
	                    "me twice).");
	assert_int_equal(count(f, "alice@example.org"), 1);
}

static void
cmd_exec__check_fails__says_it_could_not_read(void **state)
{
	struct cmd_fixture *f = *state;

	/* The one storage failure a unit test makes without mocks: the
	 * store refuses a look-up with no owner. */
	f->ctx.owner = NULL;
	assert_non_null(strstr(run_key(f, 0, "start acme", "o:1", CMD_FAILED),
	                       "could not read"));
	f->ctx.owner = "alice@example.org";
	assert_int_equal(count(f, "alice@example.org"), 0);
}

/* ---- admin commands ---- */

#define ALICE "alice@example.org"
#define BOB "bob@example.org"

/* The sender from now on: owner, an admin or not. */
static void
as(struct cmd_fixture *f, const char *owner, bool admin)
{
	f->ctx.owner = owner;
	f->ctx.admin = admin;
}

/* bob's day: acme 12:00-13:00, globex since 13:30 (running). */
static void
bob_works(struct cmd_fixture *f)
{
	as(f, BOB, false);
	run(f, -7200, "start acme +design", CMD_OK);
	run(f, -3600, "stop", CMD_OK);
	run(f, -1800, "start globex", CMD_OK);
}

/* Whether reply is the reply to an unknown command word. */
static void
assert_unknown(const char *reply, const char *word)
{
	char want[128];

	snprintf(want, sizeof(want), "I don't know \"%s\". Try \"help\".", word);
	assert_string_equal(reply, want);
}

static void
cmd_who__non_admin__is_an_unknown_word(void **state)
{
	struct cmd_fixture *f = *state;
	char other[256];

	bob_works(f);
	as(f, ALICE, false);
	/* The same reply, and status, as any word the bot does not know. */
	snprintf(other, sizeof(other), "%s", run(f, 0, "whom", CMD_REFUSED));
	assert_unknown(other, "whom");
	assert_unknown(run(f, 0, "who", CMD_REFUSED), "who");
	assert_unknown(run(f, 0, "  WHO ", CMD_REFUSED), "who");
	/* no usage hint for the wrong number of words either */
	assert_unknown(run(f, 0, "who is there", CMD_REFUSED), "who");
	assert_unknown(run_key(f, 0, "who", "o:w", CMD_REFUSED), "who");
	assert_false(recorded(f, "o:w"));
	assert_int_equal(count(f, ALICE), 0);
}

static void
cmd_who__admin__lists_users_of_today_with_totals_and_timers(void **state)
{
	struct cmd_fixture *f = *state;

	bob_works(f);
	as(f, ALICE, false);
	run(f, 0, "add acme 9:00-9:45", CMD_OK);
	as(f, "carol@example.org", false);
	run(f, 0, "add acme 9:00-10:00 yesterday", CMD_OK);
	as(f, ALICE, true);
	assert_string_equal(run(f, 0, "who", CMD_OK),
	                    "Today, Wed 25 Nov 2026: 2 users tracked time.\n"
	                    "```\n"
	                    "bob@example.org     1h 30m  running\n"
	                    "alice@example.org      45m\n"
	                    "```");
	assert_string_equal(run(f, 0, "WHO", CMD_OK), text_str(&f->reply));
	assert_non_null(strstr(run(f, 0, "who now", CMD_REFUSED),
	                       "Too many words. Usage: who."));
	/* Nothing was written for anyone. */
	assert_int_equal(count(f, BOB), 2);
	assert_int_equal(count(f, ALICE), 1);
}

static void
cmd_who__admin__follows_their_own_day(void **state)
{
	struct cmd_fixture *f = *state;

	/* 23:30 UTC yesterday is today in Berlin (00:30). */
	as(f, BOB, false);
	run(f, 0, "add acme 23:30-23:50 yesterday", CMD_OK);
	as(f, ALICE, true);
	assert_string_equal(run(f, 0, "who", CMD_OK),
	                    "Nobody tracked time today, Wed 25 Nov 2026.");
	run(f, 0, "tz Europe/Berlin", CMD_OK);
	assert_non_null(strstr(run(f, 0, "who", CMD_OK),
	                       "1 user tracked time.\n```\n"
	                       "bob@example.org      20m\n```"));
}

static void
cmd_who__admin__many_users__lists_fifty_and_counts_the_rest(void **state)
{
	struct cmd_fixture *f = *state;
	char jid[128], line[128];
	const char *r;
	int i;

	for (i = 0; i < 60; i++) {
		snprintf(jid, sizeof(jid), "user%02d@example.org", i);
		as(f, jid, false);
		snprintf(line, sizeof(line), "add acme %dm", i + 1);
		run(f, 0, line, CMD_OK);
	}
	/* A JID too long for the table is cut, at a character. */
	as(f, "\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4" /* ää... */
	      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.org",
	   false);
	run(f, 0, "add acme 2h", CMD_OK);
	as(f, ALICE, true);
	r = run(f, 0, "who", CMD_OK);
	/* 48 characters and "…"; the others padded to that width */
	assert_true(strncmp(r, "Today, Wed 25 Nov 2026: 61 users tracked "
	                       "time.\n```\n\xc3\xa4\xc3\xa4\xc3\xa4"
	                       "\xc3\xa4\xc3\xa4\xc3\xa4" "aaaaaaaaaaaaaaaaaaaa"
	                       "aaaaaaaaaaaaaaaaaaaaaa…   2h 00m\n"
	                       "user59@example.org                         "
	                       "         1h 00m\n",
	                strlen("Today, Wed 25 Nov 2026: 61 users tracked "
	                       "time.\n```\n") + 12 + 42 + 3 + 10 + 51 +
	                       7) == 0);
	assert_non_null(strstr(r, "\nuser11@example.org  "));
	assert_null(strstr(r, "user10@example.org"));
	assert_non_null(strstr(r, "    12m\n```\nAnd 11 more."));
}

static void
cmd_help__non_admin__hides_admin_commands(void **state)
{
	struct cmd_fixture *f = *state;
	char nope[128];
	const char *r;

	as(f, ALICE, false);
	r = run(f, 0, "help", CMD_OK);
	assert_null(strstr(r, "who"));
	assert_null(strstr(r, "Administration"));
	assert_null(strstr(r, "USER"));
	/* "help who" as for any command there is not */
	snprintf(nope, sizeof(nope), "%s", run(f, 0, "help whom", CMD_REFUSED));
	assert_string_equal(nope, "There is no command \"whom\". Try \"help\".");
	assert_string_equal(run(f, 0, "help who", CMD_REFUSED),
	                    "There is no command \"who\". Try \"help\".");
	assert_null(strstr(run(f, 0, "help report", CMD_OK), "USER"));
	assert_null(strstr(run(f, 0, "help export", CMD_OK), "USER"));
}

static void
cmd_help__admin__lists_admin_commands_and_forms(void **state)
{
	struct cmd_fixture *f = *state;
	char plain[4096];
	const char *r;

	as(f, ALICE, false);
	snprintf(plain, sizeof(plain), "%s", run(f, 0, "help", CMD_OK));
	as(f, ALICE, true);
	r = run(f, 0, "help", CMD_OK);
	/* everything the others see, and the admin part */
	assert_true(strncmp(r, plain, strstr(plain, "\nTIME:") - plain) == 0);
	assert_non_null(strstr(r,
		"\nAdministration (admins only):\n"
		"  who — who tracked time today, with their totals\n"
		"  export [csv|json|ical] [RANGE] [PROJECT|+tag ...] USER — "
		"another user's entries as a file, sent to you\n"
		"  report USER [RANGE] [PROJECT|+tag ...] [by day|by project|by "
		"tag] — another user's report\nTIME:"));
	assert_string_equal(run(f, 0, "help who", CMD_OK),
	                    "who — who tracked time today, with their totals\n"
	                    "Lists the users with time today (your day, in your "
	                    "time zone): each one's total so far and whether a "
	                    "timer runs, most time first.\n"
	                    "Examples:\n"
	                    "  who");
	r = run(f, 0, "help report", CMD_OK);
	assert_non_null(strstr(r, "\nAdmins also: report USER [RANGE]"));
	assert_non_null(strstr(r, "\n  report bob@example.org last week by day"));
	r = run(f, 0, "help export", CMD_OK);
	assert_non_null(strstr(r, "\nAdmins also: export [csv|json|ical] "
	                          "[RANGE] [PROJECT|+tag ...] USER"));
}

static void
cmd_report__admin_other_user__is_their_report_headed_with_them(void **state)
{
	struct cmd_fixture *f = *state;
	static const char *const periods[] = { "", " week", " week by tag",
	                                       " month acme", " today +design" };
	char own[1024], want[2048], body[128];
	size_t i;

	bob_works(f);
	as(f, ALICE, false);
	run(f, 0, "add secret 9:00-9:45", CMD_OK);
	for (i = 0; i < sizeof(periods) / sizeof(periods[0]); i++) {
		const char *label;

		as(f, BOB, false);
		snprintf(body, sizeof(body), "report%s", periods[i]);
		snprintf(own, sizeof(own), "%s", run(f, 0, body, CMD_OK));
		/* "Today, ..." becomes "bob@example.org, today, ..." */
		label = own;
		snprintf(want, sizeof(want), "%s, %c%s", BOB, label[0] + 32,
		         label + 1);
		as(f, ALICE, true);
		snprintf(body, sizeof(body), "report bob@example.org%s", periods[i]);
		assert_string_equal(run(f, 0, body, CMD_OK), want);
		/* the user's word anywhere after report, in any case */
		snprintf(body, sizeof(body), "report%s BOB@Example.ORG", periods[i]);
		assert_string_equal(run(f, 0, body, CMD_OK), want);
	}
	assert_null(strstr(text_str(&f->reply), "secret"));
	/* The admin's own report is still theirs. */
	assert_non_null(strstr(run(f, 0, "report", CMD_OK), "secret"));
	assert_string_equal(run(f, 0, "report bob@example.org yesterday", CMD_OK),
	                    "No time recorded yesterday for bob@example.org.");
	assert_string_equal(run(f, 0, "report bob@example.org nosuch",
	                        CMD_REFUSED),
	                    "\"nosuch\" is neither a period nor one of "
	                    "bob@example.org's projects. Periods: today, week, "
	                    "last month, mon..wed, 2026-11-01..2026-11-15.");
}

static void
cmd_report__admin_other_user__in_their_zone_else_the_default(void **state)
{
	struct cmd_fixture *f = *state;

	/* bob, in UTC: 14:30-15:30 and 23:00-23:30 yesterday. */
	as(f, BOB, false);
	run(f, 0, "add acme 14:30-15:30 yesterday", CMD_OK);
	run(f, 0, "add acme 23:00-23:30 yesterday", CMD_OK);
	/* The admin lives in Berlin, where today began at 23:00 UTC. */
	as(f, ALICE, true);
	run(f, 0, "tz Europe/Berlin", CMD_OK);
	/* bob's own zone, Tokyo: today began at 15:00 UTC yesterday. */
	as(f, BOB, false);
	run(f, 0, "tz Asia/Tokyo", CMD_OK);
	as(f, ALICE, true);
	assert_string_equal(run(f, 0, "report bob@example.org", CMD_OK),
	                    "bob@example.org, today, Wed 25 Nov 2026:\n"
	                    "```\n"
	                    "acme    1h 00m\n"
	                    "Total   1h 00m\n"
	                    "```");
	/* No zone of bob's own: the default one (UTC), not the admin's. */
	as(f, BOB, false);
	run(f, 0, "tz default", CMD_OK);
	as(f, ALICE, true);
	assert_string_equal(run(f, 0, "report bob@example.org", CMD_OK),
	                    "No time recorded today for bob@example.org.");
	assert_non_null(strstr(run(f, 0, "report bob@example.org yesterday",
	                           CMD_OK), "Total   1h 30m"));
}

static void
cmd_report__admin_unknown_or_odd_user__says_so(void **state)
{
	struct cmd_fixture *f = *state;

	bob_works(f);
	as(f, ALICE, true);
	assert_string_equal(run(f, 0, "report nobody@example.org", CMD_REFUSED),
	                    "I have no data for nobody@example.org.");
	assert_string_equal(run(f, 0, "export week NOBODY@example.org",
	                        CMD_REFUSED),
	                    "I have no data for nobody@example.org.");
	/* a user who set a zone but never tracked time has no data either */
	as(f, "carol@example.org", false);
	run(f, 0, "tz Europe/Paris", CMD_OK);
	as(f, ALICE, true);
	assert_string_equal(run(f, 0, "report carol@example.org", CMD_REFUSED),
	                    "I have no data for carol@example.org.");
	assert_string_equal(run(f, 0, "report @example.org", CMD_REFUSED),
	                    "\"@example.org\" is not a user's address. Name "
	                    "one by their bare JID, like bob@example.org.");
	assert_non_null(strstr(run(f, 0, "report bob@", CMD_REFUSED),
	                       "is not a user's address"));
	assert_non_null(strstr(run(f, 0, "report bob@example.org/phone",
	                           CMD_REFUSED), "is not a user's address"));
	assert_non_null(strstr(run(f, 0, "report a@b@example.org", CMD_REFUSED),
	                       "is not a user's address"));
	assert_string_equal(run(f, 0, "report bob@example.org alice@example.org",
	                        CMD_REFUSED),
	                    "Name one user at a time. Example: report "
	                    "bob@example.org week");
	/* A quoted phrase is a project, as for everyone. */
	assert_non_null(strstr(run(f, 0, "report \"bob@example.org\"",
	                           CMD_REFUSED), "one of your projects"));
}

/* The replies of a non-admin to words naming users that exist and users
 * that do not: the same, the name aside, and with the same status. */
static void
cmd_report_and_export__non_admin_user_word__reveals_nothing(void **state)
{
	struct cmd_fixture *f = *state;
	/* the words before the user's */
	static const char *const forms[] = { "report", "report week",
	                                     "export", "export csv week",
	                                     "log" };
	char body[128], known[1024], unknown[1024], *at;
	enum cmd_status a, b;
	size_t i;

	bob_works(f);
	as(f, ALICE, false);
	run(f, 0, "add acme 9:00-9:45", CMD_OK);
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		snprintf(body, sizeof(body), "%s %s", forms[i], "bob@example.org");
		a = cmd_exec(&f->ctx, body, &f->reply);
		snprintf(known, sizeof(known), "%s", text_str(&f->reply));
		snprintf(body, sizeof(body), "%s %s", forms[i], "bod@example.org");
		b = cmd_exec(&f->ctx, body, &f->reply);
		snprintf(unknown, sizeof(unknown), "%s", text_str(&f->reply));
		assert_int_equal(a, CMD_REFUSED);
		assert_int_equal(a, b);
		/* "bob" and "bod" differ in one letter: put it back */
		assert_non_null(at = strstr(unknown, "bod@"));
		at[2] = 'b';
		assert_string_equal(known, unknown);
		assert_true(strncmp(known, "\"bob@example.org\" is neither a "
		                           "period nor a project.", 42) == 0);
	}
	assert_null(f->ctx.file);
}

static void
cmd_export__admin_other_user__their_file_comes_to_the_admin(void **state)
{
	struct cmd_fixture *f = *state;
	struct cmd_file file;
	char own[4096];
	const char *r;

	cmd_file_init(&file);
	f->ctx.file = &file;
	bob_works(f);
	run(f, 0, "tz Asia/Tokyo", CMD_OK);
	run(f, 0, "export csv week", CMD_OK);
	assert_true(file.present);
	snprintf(own, sizeof(own), "%s", text_str(&file.body));
	assert_string_equal(file.name, "timmy-2026-11-23_2026-11-29.csv");
	cmd_file_free(&file);
	cmd_file_init(&file);

	as(f, ALICE, true);
	run(f, 0, "add secret 9:00-9:45", CMD_OK);
	r = run(f, 0, "export csv week bob@example.org", CMD_OK);
	assert_true(strncmp(r, "Export of this week for bob@example.org: 2 "
	                       "entries as timmy-bob@example.org-2026-11-23_"
	                       "2026-11-29.csv, ", 84) == 0);
	assert_true(file.present);
	assert_string_equal(file.mime, "text/csv");
	assert_string_equal(file.name,
	                    "timmy-bob@example.org-2026-11-23_2026-11-29.csv");
	/* bob's own file, byte for byte: his entries, his zone (+09:00) */
	assert_string_equal(text_str(&file.body), own);
	assert_non_null(strstr(own, "globex"));
	assert_non_null(strstr(own, "+09:00"));
	assert_null(strstr(own, "secret"));
	cmd_file_free(&file);
	cmd_file_init(&file);

	/* The user may come first, the format still before the period. */
	run(f, 0, "export bob@example.org json today", CMD_OK);
	assert_string_equal(file.name, "timmy-bob@example.org-2026-11-25.json");
	cmd_file_free(&file);
	cmd_file_init(&file);
	assert_string_equal(run(f, 0, "export bob@example.org last month",
	                        CMD_OK),
	                    "No entries last month for bob@example.org; "
	                    "nothing to export.");
	assert_false(file.present);
	/* The admin's own export is still theirs. */
	run(f, 0, "export today", CMD_OK);
	assert_non_null(strstr(text_str(&file.body), "secret"));
	assert_null(strstr(text_str(&file.body), "globex"));
	cmd_file_free(&file);
	f->ctx.file = NULL;
}

static void
cmd_export__admin_other_user__odd_jid_in_file_name(void **state)
{
	struct cmd_fixture *f = *state;
	struct cmd_file file;

	cmd_file_init(&file);
	f->ctx.file = &file;
	as(f, "b\xc3\xb6" "b+x@a-very-long-domain-name.example.org", false);
	run(f, 0, "add acme 9:00-9:45", CMD_OK);
	as(f, ALICE, true);
	run(f, 0, "export today b\xc3\xb6" "b+x@a-very-long-domain-name."
	          "example.org", CMD_OK);
	/* Non-ASCII and other bytes become "_"; 40 bytes of the JID at most. */
	assert_string_equal(file.name, "timmy-b__b_x@a-very-long-domain-name."
	                               "example.o-2026-11-25.csv");
	cmd_file_free(&file);
	f->ctx.file = NULL;
}

/* A first word that is no format, period or project may have been meant
 * as a format: the reply names the formats too. */
/* The UID of the first event in reply, into buf. */
static void
first_uid(const char *reply, char *buf, size_t n)
{
	const char *u = strstr(reply, "\r\nUID:");

	assert_non_null(u);
	snprintf(buf, n, "%.*s", (int)strcspn(u + 6, "\r"), u + 6);
}

/*
 * An exported event's UID is made of the user, the entry's number and
 * the bot (its domain after the "@"): the same entry gives the same UID
 * each time, another user's #1 another one. (It was "timmy-row-1",
 * which every timmy gives its first entry.)
 */
static void
cmd_export__ical_uid__unique_to_user_entry_and_bot(void **state)
{
	struct cmd_fixture *f = *state;
	char a[128], b[128];

	f->ctx.bot_jid = "timmy@example.net";
	run(f, 0, "add acme 9:00-10:00 2026-11-23", CMD_OK);
	first_uid(run(f, 0, "export ical 2026-11-23", CMD_OK), a, sizeof(a));
	assert_int_equal(strlen(a), strlen("timmy-") + 16 +
	                            strlen("-1@example.net"));
	assert_memory_equal(a, "timmy-", 6);
	assert_string_equal(a + 22, "-1@example.net");
	run(f, 0, "edit 1 note moved", CMD_OK);
	first_uid(run(f, 0, "export ical 2026-11-23", CMD_OK), b, sizeof(b));
	assert_string_equal(a, b);
	f->ctx.owner = "bob@example.org";
	run(f, 0, "add acme 9:00-10:00 2026-11-23", CMD_OK);
	first_uid(run(f, 0, "export ical 2026-11-23", CMD_OK), b, sizeof(b));
	assert_string_not_equal(a, b);
	assert_string_equal(b + 22, "-1@example.net");
}

static void
cmd_export__unknown_format__lists_formats(void **state)
{
	struct cmd_fixture *f = *state;

	run(f, 0, "add acme 9:00-9:45", CMD_OK);
	assert_string_equal(run(f, 0, "export pdf", CMD_REFUSED),
	                    "\"pdf\" is neither a period nor one of your "
	                    "projects. Periods: today, week, last month, "
	                    "mon..wed, 2026-11-01..2026-11-15; \"projects\" "
	                    "lists yours. Formats: csv, json, ical.");
	assert_null(strstr(run(f, 0, "export csv pdf", CMD_REFUSED), "Formats"));
	assert_non_null(strstr(run(f, 0, "export acme", CMD_OK), "1 entry"));
}

/* ---- typos, new projects, what a refusal proposes, continue ID ---- */

static void
cmd_exec__word_close_to_a_command__suggests_it(void **state)
{
	struct cmd_fixture *f = *state;

	assert_string_equal(run(f, 0, "strat acme", CMD_REFUSED),
	                    "I don't know \"strat\". Did you mean \"start\"?");
	assert_string_equal(run(f, 0, "STOPP", CMD_REFUSED),
	                    "I don't know \"stopp\". Did you mean \"stop\"?");
	/* aliases are words too; two edits for longer words */
	assert_string_equal(run(f, 0, "swtich globex", CMD_REFUSED),
	                    "I don't know \"swtich\". Did you mean \"switch\"?");
	assert_string_equal(run(f, 0, "contnue", CMD_REFUSED),
	                    "I don't know \"contnue\". Did you mean "
	                    "\"continue\"?");
	assert_string_equal(run(f, 0, "reprot week", CMD_REFUSED),
	                    "I don't know \"reprot\". Did you mean \"report\"?");
	/* a short word gets one edit */
	assert_string_equal(run(f, 0, "stp", CMD_REFUSED),
	                    "I don't know \"stp\". Did you mean \"stop\"?");
	/* nothing close: as before */
	assert_string_equal(run(f, 0, "banana", CMD_REFUSED),
	                    "I don't know \"banana\". Try \"help\".");
	assert_string_equal(run(f, 0, "x", CMD_REFUSED),
	                    "I don't know \"x\". Try \"help\".");
	assert_string_equal(run(f, 0, "sa", CMD_REFUSED),
	                    "I don't know \"sa\". Try \"help\".");
	/* help takes the same care */
	assert_string_equal(run(f, 0, "help strat", CMD_REFUSED),
	                    "There is no command \"strat\". Did you mean "
	                    "\"start\"?");
}

static void
cmd_exec__word_close_to_an_admin_command__is_suggested_to_admins_only(
    void **state)
{
	struct cmd_fixture *f = *state;

	as(f, ALICE, false);
	assert_string_equal(run(f, 0, "whoo", CMD_REFUSED),
	                    "I don't know \"whoo\". Try \"help\".");
	assert_string_equal(run(f, 0, "help whoo", CMD_REFUSED),
	                    "There is no command \"whoo\". Try \"help\".");
	as(f, ALICE, true);
	assert_string_equal(run(f, 0, "whoo", CMD_REFUSED),
	                    "I don't know \"whoo\". Did you mean \"who\"?");
}

static void
cmd_start__new_project_close_to_a_used_one__says_so_the_first_time(
    void **state)
{
	struct cmd_fixture *f = *state;

	/* a new user's first project is close to nothing */
	assert_string_equal(run(f, 0, "add acme 9:00-10:00 2025-06-02", CMD_OK),
	                    "Added #1 acme Mon 2 Jun 09:00–10:00 (1h 00m).");
	assert_string_equal(run(f, 0, "start Acmee +x", CMD_OK),
	                    "Started Acmee +x at 14:00 (a new project; you have "
	                    "acme).");
	run(f, 60, "stop", CMD_OK);
	/* the second time, in any case, it is one of the user's projects */
	assert_string_equal(run(f, 120, "start ACMEE", CMD_OK),
	                    "Started ACMEE at 14:02.");
	/* nothing close: a new project is nothing to remark on */
	assert_string_equal(run(f, 180, "start globex", CMD_OK),
	                    "Stopped ACMEE after 1m. Started globex at 14:03.");
	/* nor is one the user has */
	assert_string_equal(run(f, 240, "switch ACME", CMD_OK),
	                    "Stopped globex after 1m. Started ACME at 14:04.");
}

static void
cmd_add__new_project_close_to_a_used_one__says_so(void **state)
{
	struct cmd_fixture *f = *state;

	run(f, 0, "add acme 9:00-10:00 2025-06-02", CMD_OK);
	assert_string_equal(run(f, 0, "add acm 1h 2025-06-03", CMD_OK),
	                    "Added #2 acm Tue 3 Jun 09:00–10:00 (1h 00m) (a new "
	                    "project; you have acme).");
	assert_string_equal(run(f, 0, "add acm 1h 2025-06-04", CMD_OK),
	                    "Added #3 acm Wed 4 Jun 09:00–10:00 (1h 00m).");
}

static void
cmd_start__old_name_of_a_renamed_project__names_the_new_one(void **state)
{
	struct cmd_fixture *f = *state;

	run(f, 0, "add acme 9:00-10:00 2025-06-02", CMD_OK);
	run(f, 0, "rename project acme globex", CMD_OK);
	assert_string_equal(run(f, 0, "start acme", CMD_OK),
	                    "Started acme at 14:00 (a new project; you renamed "
	                    "acme to globex).");
	run(f, 0, "cancel", CMD_OK);
	assert_string_equal(run(f, 0, "start acmee", CMD_OK),
	                    "Started acmee at 14:00 (a new project; you renamed "
	                    "acme to globex).");
	run(f, 0, "cancel", CMD_OK);
	/* an undone rename is forgotten: acme is the user's again */
	run(f, 0, "undo", CMD_OK); /* the cancel */
	run(f, 0, "undo", CMD_OK); /* the start */
	run(f, 0, "undo", CMD_OK); /* the cancel */
	run(f, 0, "undo", CMD_OK); /* the start */
	assert_non_null(strstr(run(f, 0, "undo", CMD_OK), "rename acme"));
	assert_string_equal(run(f, 0, "start globex", CMD_OK),
	                    "Started globex at 14:00.");
}

static void
cmd_start__corrected_in_the_same_second__drops_the_hint(void **state)
{
	struct cmd_fixture *f = *state;

	run(f, -60, "add acme 9:00-10:00 2025-06-02", CMD_OK);
	assert_string_equal(run(f, 0, "start acmee", CMD_OK),
	                    "Started acmee at 14:00 (a new project; you have "
	                    "acme).");
	assert_string_equal(run(f, 0, "start acme", CMD_OK),
	                    "Started acme at 14:00 in place of acmee, which had "
	                    "only just started.");
}

static void
cmd_start__before_the_running_timer__proposes_what_works(void **state)
{
	struct cmd_fixture *f = *state;
	struct store_entry e;

	run(f, -900, "start acme", CMD_OK); /* 13:45 */
	assert_string_equal(run(f, 0, "start acme at 9:00", CMD_REFUSED),
	                    "acme has been running since 13:45, after 09:00, so "
	                    "a timer cannot start at 09:00. To record "
	                    "09:00–13:45, say \"add acme 09:00-13:45\", or "
	                    "\"edit 1 start 09:00\" to move the running one "
	                    "back.");
	/* both proposals work */
	assert_string_equal(run(f, 0, "edit 1 start 09:00", CMD_OK),
	                    "Changed #1 acme since 09:00 (5h 00m, running).");
	run(f, 0, "undo", CMD_OK);
	assert_string_equal(run(f, 0, "add acme 09:00-13:45", CMD_OK),
	                    "Added #2 acme 09:00–13:45 (4h 45m).");
	running(f, &e);
	assert_int_equal(e.start, T0 - 900);
}

static void
cmd_start__before_the_running_timer__other_project__proposes_add(
    void **state)
{
	struct cmd_fixture *f = *state;

	run(f, -900, "start acme", CMD_OK); /* 13:45 */
	assert_string_equal(run(f, 0, "start \"client work\" +call at 9:00",
	                        CMD_REFUSED),
	                    "acme has been running since 13:45, after 09:00, so "
	                    "a timer cannot start at 09:00. To record "
	                    "09:00–13:45, say \"add \"client work\" +call "
	                    "09:00-13:45\".");
	assert_string_equal(run(f, 0, "add \"client work\" +call 09:00-13:45",
	                        CMD_OK),
	                    "Added #2 client work +call 09:00–13:45 (4h 45m).");
	/* at the very start of the running one: make it the other project */
	assert_string_equal(run(f, 0, "start globex at 13:45", CMD_REFUSED),
	                    "acme has been running since 13:45, so no other "
	                    "timer can start then. To make it globex, say "
	                    "\"edit 1 project globex\".");
	assert_string_equal(run(f, 0, "start acme at 13:45", CMD_REFUSED),
	                    "acme has been running since 13:45 already.");
}

static void
cmd_start__before_the_running_timer__on_an_earlier_day__names_the_day(
    void **state)
{
	struct cmd_fixture *f = *state;

	run(f, 0, "start acme at yesterday 23:43", CMD_OK);
	assert_string_equal(run(f, 0, "start acme at yesterday 9:00",
	                        CMD_REFUSED),
	                    "acme has been running since Tue 24 Nov 23:43, "
	                    "after Tue 24 Nov 09:00, so a timer cannot start at "
	                    "Tue 24 Nov 09:00. To record 09:00–23:43, say \"add "
	                    "acme 09:00-23:43 yesterday\", or \"edit 1 start "
	                    "yesterday 09:00\" to move the running one back.");
	assert_non_null(strstr(run(f, 0, "add acme 09:00-23:43 yesterday",
	                           CMD_OK), "Added #2 acme Tue 24 Nov 09:00–23:43"));
}

static void
cmd_start__before_the_running_timer__entry_in_between__names_it(
    void **state)
{
	struct cmd_fixture *f = *state;

	run(f, 0, "add globex 10:00-11:00", CMD_OK);
	run(f, -900, "start acme", CMD_OK); /* 13:45 */
	assert_string_equal(run(f, 0, "start acme at 9:00", CMD_REFUSED),
	                    "acme has been running since 13:45, after 09:00, so "
	                    "a timer cannot start at 09:00. In between lies #1 "
	                    "globex 10:00–11:00 (1h 00m).");
}

static void
cmd_start__over_recorded_time__says_from_when_and_proposes_add(void **state)
{
	struct cmd_fixture *f = *state;

	run(f, 0, "add acme 9:00-10:00", CMD_OK);
	run(f, 0, "add acme 11:00-12:00", CMD_OK);
	assert_string_equal(run(f, 0, "start globex at 9:30", CMD_REFUSED),
	                    "Starting then would overlap #1 acme 09:00–10:00 "
	                    "(1h 00m). A timer can start from 12:00 on.");
	assert_string_equal(run(f, 0, "start globex at 8:00", CMD_REFUSED),
	                    "Starting then would overlap #1 acme 09:00–10:00 "
	                    "(1h 00m). A timer can start from 12:00 on. To record "
	                    "08:00–09:00, say \"add globex 08:00-09:00\".");
	assert_non_null(strstr(run(f, 0, "start globex at 12:00", CMD_OK),
	                       "Started globex at 12:00"));
}

static void
cmd_continue__with_an_id__restarts_that_entry(void **state)
{
	struct cmd_fixture *f = *state;

	run(f, 0, "add acme +design 9:00-10:00 note", CMD_OK);
	run(f, 0, "add globex +call 10:00-11:00", CMD_OK);
	assert_string_equal(run(f, 0, "continue #1 at 12:00", CMD_OK),
	                    "Started acme +design at 12:00.");
	assert_string_equal(run(f, 60, "restart 2", CMD_OK),
	                    "Stopped acme +design after 2h 01m. Started globex "
	                    "+call at 14:01.");
	assert_string_equal(run(f, 60, "continue 4", CMD_REFUSED),
	                    "globex is already running (since 14:01).");
	assert_string_equal(run(f, 120, "continue #1 30s ago", CMD_OK),
	                    "Stopped globex +call after 30s. Started acme "
	                    "+design at 14:01.");
	assert_string_equal(run(f, 120, "continue #99", CMD_REFUSED),
	                    "There is no entry #99. \"log\" shows the numbers.");
	assert_string_equal(run(f, 120, "restart 1 2", CMD_REFUSED),
	                    "restart takes an entry number and a time, both "
	                    "optional. Example: restart #12 at 13:00");
	/* another user's number is no entry */
	as(f, BOB, false);
	assert_string_equal(run(f, 120, "continue 1", CMD_REFUSED),
	                    "There is no entry #1. \"log\" shows the numbers.");
}

static void
sim_distance__counts_edits_and_swaps_without_case(void **state)
{
	(void)state;
	assert_int_equal(sim_distance("start", "start", 2), 0);
	assert_int_equal(sim_distance("strat", "start", 2), 1); /* a swap */
	assert_int_equal(sim_distance("ACME", "acmee", 2), 1);
	assert_int_equal(sim_distance("Ärger", "ärgre", 2), 1);
	assert_int_equal(sim_distance("contnue", "continue", 2), 1);
	assert_int_equal(sim_distance("banana", "cancel", 2), 3); /* over */
	assert_int_equal(sim_distance("", "tz", 2), 2);
	assert_int_equal(sim_allowed("stp"), 1);
	assert_int_equal(sim_allowed("strat"), 2);
	assert_int_equal(sim_allowed("x"), 0);
}

/* Writes cp as UTF-8 into buf (5 bytes at least), NUL-terminated. */
static void
utf8_put(uint32_t cp, char *buf)
{
	unsigned char *b = (unsigned char *)buf;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp, b[1] = 0;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | cp >> 6);
		b[1] = (unsigned char)(0x80 | (cp & 0x3f)), b[2] = 0;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | cp >> 12);
		b[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f)), b[3] = 0;
	} else {
		b[0] = (unsigned char)(0xf0 | cp >> 18);
		b[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		b[3] = (unsigned char)(0x80 | (cp & 0x3f)), b[4] = 0;
	}
}

/* The format characters (Unicode category Cf) at the ends of each run of
 * them, and the ordinary characters right beside each run. */
static const uint32_t format_edges[] = {
	0x00AD, 0x0600, 0x0605, 0x061C, 0x06DD, 0x070F, 0x0890, 0x0891,
	0x08E2, 0x180E, 0x200B, 0x200F, 0x202A, 0x202E, 0x2060, 0x2064,
	0x2066, 0x2069, 0x206F, 0xFEFF, 0xFFF9, 0xFFFB, 0x110BD, 0x110CD,
	0x13430, 0x1343F, 0x1BCA0, 0x1BCA3, 0x1D173, 0x1D17A, 0xE0001,
	0xE0020, 0xE0041, 0xE007F,
};
static const uint32_t beside_format[] = {
	0x00AC, 0x00AE, 0x05FF, 0x0606, 0x061B, 0x061D, 0x06DC, 0x06DE,
	0x070E, 0x0710, 0x088F, 0x0892, 0x08E1, 0x08E3, 0x180D, 0x180F,
	0x200A, 0x2010, 0x2029, 0x202F, 0x205F, 0x2065, 0x2070, 0xFEFE,
	0xFF00, 0xFFF8, 0xFFFC, 0x110BC, 0x110BE, 0x110CC, 0x110CE, 0x1342F,
	0x13440, 0x1BC9F, 0x1BCA4, 0x1D172, 0x1D17B, 0xE0000, 0xE0002,
	0xE001F, 0xE0080,
};

static void
cmd_project_and_tag_ok__format_characters__are_refused_naming_them(
	void **state)
{
	struct text reply;
	char name[32], ch[8], want[24];
	size_t i;

	(void)state;
	text_init(&reply, 512);
	for (i = 0; i < sizeof(format_edges) / sizeof(format_edges[0]); i++) {
		utf8_put(format_edges[i], ch);
		snprintf(want, sizeof(want), "(U+%04X", (unsigned)format_edges[i]);
		/* alone, at the start, inside and at the end of a name */
		snprintf(name, sizeof(name), "%s", ch);
		text_clear(&reply);
		assert_int_equal(cmd_project_ok(name, true, &reply), -1);
		assert_non_null(strstr(text_str(&reply), want));
		snprintf(name, sizeof(name), "%sacme", ch);
		text_clear(&reply);
		assert_int_equal(cmd_project_ok(name, false, &reply), -1);
		assert_non_null(strstr(text_str(&reply), "invisible or "
		                       "direction-changing"));
		snprintf(name, sizeof(name), "de%ssign", ch);
		text_clear(&reply);
		assert_int_equal(cmd_tag_ok(name, &reply), -1);
		assert_non_null(strstr(text_str(&reply), want));
		snprintf(name, sizeof(name), "client work%s", ch);
		text_clear(&reply);
		assert_int_equal(cmd_project_ok(name, true, &reply), -1);
		assert_non_null(strstr(text_str(&reply), want));
	}
	for (i = 0; i < sizeof(beside_format) / sizeof(beside_format[0]); i++) {
		utf8_put(beside_format[i], ch);
		snprintf(name, sizeof(name), "a%sb", ch);
		text_clear(&reply);
		assert_int_equal(cmd_project_ok(name, false, &reply), 0);
		assert_int_equal(cmd_tag_ok(name, &reply), 0);
		assert_int_equal(reply.len, 0);
	}
	text_free(&reply);
}

static void
cmd_project_and_tag_ok__c0_c1_controls_and_del__are_refused_naming_them(
	void **state)
{
	static const uint32_t controls[] = { 0x01, 0x09, 0x0A, 0x1F, 0x7F,
	                                     0x80, 0x85, 0x9F };
	struct text reply;
	char name[16], ch[8], want[64];
	size_t i;

	(void)state;
	text_init(&reply, 512);
	for (i = 0; i < sizeof(controls) / sizeof(controls[0]); i++) {
		utf8_put(controls[i], ch);
		snprintf(name, sizeof(name), "a%sb", ch);
		snprintf(want, sizeof(want), "cannot contain control characters "
		         "(U+%04X).", (unsigned)controls[i]);
		text_clear(&reply);
		assert_int_equal(cmd_project_ok(name, true, &reply), -1);
		assert_non_null(strstr(text_str(&reply), want));
		text_clear(&reply);
		assert_int_equal(cmd_tag_ok(name, &reply), -1);
		assert_non_null(strstr(text_str(&reply), want));
	}
	/* The first character after the C1 block is an ordinary letter. */
	text_clear(&reply);
	assert_int_equal(cmd_project_ok("\xc2\xa0" "b", true, &reply), 0);
	text_free(&reply);
}

/* Bytes that are not UTF-8 (the bot refuses such messages before any
 * command runs) neither pass for a C1 control nor make the check read past
 * the end of the name. */
static void
cmd_project_ok__broken_utf8__is_no_control_and_stops_at_the_end(
	void **state)
{
	struct text reply;

	(void)state;
	text_init(&reply, 512);
	assert_int_equal(cmd_project_ok("a\x85", false, &reply), 0);
	assert_int_equal(cmd_project_ok("a\xe2\x80", false, &reply), 0);
	assert_int_equal(cmd_tag_ok("\xf0\x9d", &reply), 0);
	assert_int_equal(reply.len, 0);
	text_free(&reply);
}

static void
cmd_start__invisible_character_in_project_or_tag__is_refused_and_says_why(
	void **state)
{
	struct cmd_fixture *f = *state;

	assert_string_equal(run(f, 0, "start acme\xe2\x80\xae", CMD_REFUSED),
	                    "A project name cannot contain invisible or "
	                    "direction-changing characters (U+202E "
	                    "RIGHT-TO-LEFT OVERRIDE).");
	assert_string_equal(run(f, 0, "start acme +de\xe2\x80\x8bsign",
	                        CMD_REFUSED),
	                    "A tag cannot contain invisible or "
	                    "direction-changing characters (U+200B ZERO WIDTH "
	                    "SPACE).");
	assert_string_equal(run(f, 0, "start \"client\xef\xbb\xbf work\"",
	                        CMD_REFUSED),
	                    "A project name cannot contain invisible or "
	                    "direction-changing characters (U+FEFF ZERO WIDTH "
	                    "NO-BREAK SPACE).");
	assert_non_null(strstr(run(f, 0, "start x\xf3\xa0\x81\x81", CMD_REFUSED),
	                       "(U+E0041)."));
	assert_int_equal(count(f, "alice@example.org"), 0);
}

static void
cmd_add_edit_rename__invisible_character__is_refused_and_changes_nothing(
	void **state)
{
	struct cmd_fixture *f = *state;
	struct store_entry e;

	run(f, 0, "add acme 9:00-10:00 2025-06-02", CMD_OK);
	assert_non_null(strstr(run(f, 0, "add ac\xe2\x80\x8dme 10:00-11:00 "
	                                 "2025-06-02", CMD_REFUSED),
	                       "(U+200D ZERO WIDTH JOINER)"));
	assert_non_null(strstr(run(f, 0, "edit 1 project \xe2\x81\xa6" "acme",
	                           CMD_REFUSED),
	                       "(U+2066 LEFT-TO-RIGHT ISOLATE)"));
	assert_non_null(strstr(run(f, 0, "edit 1 +\xc2\xad" "x", CMD_REFUSED),
	                       "(U+00AD SOFT HYPHEN)"));
	assert_non_null(strstr(run(f, 0, "rename project acme acme\xe2\x80\x8f",
	                           CMD_REFUSED),
	                       "(U+200F RIGHT-TO-LEFT MARK)"));
	assert_int_equal(count(f, "alice@example.org"), 1);
	assert_int_equal(store_get(f->st, "alice@example.org", 1, &e), STORE_OK);
	assert_string_equal(e.project, "acme");
	assert_int_equal(e.ntags, 0);
}

/* Notes are free text, kept as typed: the rule is for names only. */
static void
cmd_start__invisible_character_in_note__is_kept(void **state)
{
	struct cmd_fixture *f = *state;
	struct store_entry e;

	run(f, 0, "start acme fix \xe2\x80\xae" "header", CMD_OK);
	running(f, &e);
	assert_string_equal(e.project, "acme");
	assert_string_equal(e.note, "fix \xe2\x80\xae" "header");
}

/* --- corrections (XEP-0308) and retractions (XEP-0424) --- */

/* run_key() for a message named key that corrects or retracts (kind) the
 * message named original. */
static const char *
run_about(struct cmd_fixture *f, int64_t at, const char *body, const char *key,
          enum cmd_about_kind kind, const char *original,
          enum cmd_status want)
{
	struct cmd_about about = { kind, { NULL, key_of(original) } };
	const char *r;

	f->ctx.about = &about;
	r = run_key(f, at, body, key, want);
	f->ctx.about = NULL;
	return r;
}

static void
cmd_exec__correction__takes_back_the_original_and_runs_instead__when_it_is_the_latest_change(
	void **state)
{
	struct cmd_fixture *f = *state;
	struct store_entry e;
	char first[256];

	run_key(f, 0, "start acme-wbesite", "o:1", CMD_OK);
	snprintf(first, sizeof(first), "%s",
	         run_about(f, 60, "start acme-website", "o:2", CMD_CORRECTS,
	                   "o:1", CMD_OK));
	assert_string_equal(first, "Corrected: Started acme-website at 14:01.");
	assert_int_equal(count(f, "alice@example.org"), 1);
	running(f, &e);
	assert_string_equal(e.project, "acme-website");
	/* Delivered again, the correction changes nothing more. */
	assert_string_equal(run_about(f, 120, "start acme-website", "o:2",
	                              CMD_CORRECTS, "o:1", CMD_OK), first);
	assert_int_equal(count(f, "alice@example.org"), 1);
	/* Corrected again under the original's id, as clients do: the
	 * correction's change is the one taken back. */
	assert_string_equal(run_about(f, 180, "start acme-web", "o:3",
	                              CMD_CORRECTS, "o:1", CMD_OK),
	                    "Corrected: Started acme-web at 14:03.");
	assert_int_equal(count(f, "alice@example.org"), 1);
	/* One undo step for it all: undo leaves nothing. */
	run(f, 240, "undo", CMD_OK);
	assert_int_equal(count(f, "alice@example.org"), 0);
}

static void
cmd_exec__correction__is_refused_naming_the_later_change__when_another_came_between(
	void **state)
{
	struct cmd_fixture *f = *state;

	run_key(f, 0, "start acme-wbesite", "o:1", CMD_OK);
	run_key(f, 60, "start globex", "o:2", CMD_OK);
	assert_string_equal(run_about(f, 120, "start acme-website", "o:3",
	                              CMD_CORRECTS, "o:1", CMD_REFUSED),
	                    "I can only correct your latest change; since then "
	                    "you did \"start globex\". Use \"edit\" or \"undo\" "
	                    "instead; nothing changed.");
	assert_int_equal(count(f, "alice@example.org"), 2);
	assert_false(recorded(f, "o:3"));
}

static void
cmd_exec__correction__runs_as_a_new_command__when_the_original_changed_nothing(
	void **state)
{
	struct cmd_fixture *f = *state;

	run_key(f, 0, "status", "o:1", CMD_OK);
	assert_string_equal(run_about(f, 60, "start acme", "o:2", CMD_CORRECTS,
	                              "o:1", CMD_OK),
	                    "Started acme at 14:01.");
	/* An id never seen is no different. */
	assert_string_equal(run_about(f, 120, "stop", "o:3", CMD_CORRECTS,
	                              "o:unknown", CMD_OK),
	                    "Stopped acme after 1m (14:01–14:02).");
	assert_int_equal(count(f, "alice@example.org"), 1);
}

static void
cmd_exec__correction__keeps_the_original__when_the_corrected_command_is_refused(
	void **state)
{
	struct cmd_fixture *f = *state;
	struct store_entry e;
	const char *r;

	run_key(f, 0, "start acme", "o:1", CMD_OK);
	/* With acme taken back, nothing runs to cancel. */
	r = run_about(f, 60, "cancel", "o:2", CMD_CORRECTS, "o:1", CMD_REFUSED);
	assert_non_null(strstr(r, "\nYour original message stands (start "
	                          "acme)."));
	running(f, &e);
	assert_string_equal(e.project, "acme");
	assert_false(recorded(f, "o:2"));
}

static void
cmd_exec__retraction__undoes_the_latest_change_once__and_says_so(
	void **state)
{
	struct cmd_fixture *f = *state;
	char first[256];

	run_key(f, 0, "start acme", "o:1", CMD_OK);
	snprintf(first, sizeof(first), "%s",
	         run_about(f, 60, "fallback text", "o:2", CMD_RETRACTS, "o:1",
	                   CMD_OK));
	assert_string_equal(first, "Undone: start acme (your retracted message).");
	assert_int_equal(count(f, "alice@example.org"), 0);
	assert_string_equal(run_about(f, 120, "fallback text", "o:2",
	                              CMD_RETRACTS, "o:1", CMD_OK), first);
	/* A third retraction of it, under a new key: nothing left. */
	run_key(f, 180, "start globex", "o:3", CMD_OK);
	assert_string_equal(run_about(f, 240, "", "o:4", CMD_RETRACTS, "o:1",
	                              CMD_REFUSED),
	                    "I can no longer take back what that message did, "
	                    "so I cannot undo it. Use \"edit\" instead; nothing "
	                    "changed.");
	assert_int_equal(count(f, "alice@example.org"), 1);
}

static void
cmd_exec__retraction__changes_nothing__when_not_latest_or_nothing_was_done(
	void **state)
{
	struct cmd_fixture *f = *state;

	run_key(f, 0, "status", "o:0", CMD_OK);
	assert_string_equal(run_about(f, 30, "", "o:r0", CMD_RETRACTS, "o:0",
	                              CMD_REFUSED),
	                    "There was nothing to undo: the message you "
	                    "retracted changed nothing.");
	run_key(f, 60, "start acme", "o:1", CMD_OK);
	run_key(f, 120, "start globex", "o:2", CMD_OK);
	assert_string_equal(run_about(f, 180, "", "o:3", CMD_RETRACTS, "o:1",
	                              CMD_REFUSED),
	                    "I can only undo your latest change; since then you "
	                    "did \"start globex\". Use \"edit\" or \"undo\" "
	                    "instead; nothing changed.");
	assert_int_equal(count(f, "alice@example.org"), 2);
}

/* The status line is the user's running timer, without its note, in
 * their own zone rather than the default one. */
static void
cmd_status_line__timer_running__names_project_tags_and_start_in_users_zone(
    void **state)
{
	struct cmd_fixture *f = *state;
	struct text line;

	text_init(&line, CMD_STATUS_LINE_MAX);
	run(f, 0, "tz Europe/Berlin", CMD_OK);
	run(f, 0, "start acme +urgent +design fix header", CMD_OK);
	assert_int_equal(cmd_status_line(f->st, "alice@example.org", "UTC",
	                                 T0 + 600, &line), STORE_OK);
	/* T0 is 14:00 UTC, 15:00 in Berlin; the tags as every read orders
	 * them. */
	assert_string_equal(text_str(&line),
	                    "acme +design +urgent since 15:00");
	text_free(&line);
}

static void
cmd_status_line__nothing_running__says_so(void **state)
{
	struct cmd_fixture *f = *state;
	struct text line;

	text_init(&line, CMD_STATUS_LINE_MAX);
	/* A user the store has never seen, and one whose timer stopped. */
	assert_int_equal(cmd_status_line(f->st, "bob@example.org", "UTC", T0,
	                                 &line), STORE_OK);
	assert_string_equal(text_str(&line), CMD_STATUS_IDLE);
	run(f, 0, "start acme", CMD_OK);
	run(f, 3600, "stop", CMD_OK);
	assert_int_equal(cmd_status_line(f->st, "alice@example.org", "UTC",
	                                 T0 + 3600, &line), STORE_OK);
	assert_string_equal(text_str(&line), "No timer running");
	text_free(&line);
}

/* A timer begun on an earlier local day names that day: "since 14:00"
 * alone would read as today. */
static void
cmd_status_line__timer_began_on_an_earlier_day__names_the_day(void **state)
{
	struct cmd_fixture *f = *state;
	struct text line;

	text_init(&line, CMD_STATUS_LINE_MAX);
	run(f, 0, "start acme", CMD_OK);
	assert_int_equal(cmd_status_line(f->st, "alice@example.org", "UTC",
	                                 T0 + 86400, &line), STORE_OK);
	assert_string_equal(text_str(&line), "acme since Wed 25 Nov 14:00");
	text_free(&line);
}

/* A paused timer says since when it is paused; resumed, it is running
 * again since its start. */
static void
cmd_status_line__timer_paused__says_paused_since_the_pause(void **state)
{
	struct cmd_fixture *f = *state;
	struct text line;

	text_init(&line, CMD_STATUS_LINE_MAX);
	run(f, 0, "start acme", CMD_OK);
	run(f, 1800, "pause", CMD_OK);
	assert_int_equal(cmd_status_line(f->st, "alice@example.org", "UTC",
	                                 T0 + 2400, &line), STORE_OK);
	assert_string_equal(text_str(&line), "acme paused since 14:30");
	run(f, 3600, "resume", CMD_OK);
	assert_int_equal(cmd_status_line(f->st, "alice@example.org", "UTC",
	                                 T0 + 3600, &line), STORE_OK);
	assert_string_equal(text_str(&line), "acme since 14:00");
	text_free(&line);
}

/* Only the commands that may change data say so, however they are
 * typed; reads, unknown words and admin words for non-admins do not. */
static void
cmd_changes__is_true_for_changing_commands_only(void **state)
{
	struct cmd_fixture *f = *state;
	static const char *changing[] = {
		"start acme +design", "  STOP ", "switch globex", "cancel",
		"continue", "restart", "add acme 9:00-10:00 2025-06-02",
		"edit 1 10:00-11:00", "delete 1", "undo", "tz Europe/Berlin",
		"rename project acme globex",
	};
	static const char *reading[] = {
		"status", "log", "report week", "help start", "projects", "tags",
		"export csv", "frobnicate", "", "   ", "who",
	};
	size_t i;

	for (i = 0; i < sizeof(changing) / sizeof(changing[0]); i++)
		assert_true(cmd_changes(&f->ctx, changing[i]));
	for (i = 0; i < sizeof(reading) / sizeof(reading[0]); i++)
		assert_false(cmd_changes(&f->ctx, reading[i]));
	/* No text: a retraction, or a correction that may have undone its
	 * original's change. */
	assert_true(cmd_changes(&f->ctx, NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cmd_table__is_sorted_and_complete),
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(cmd_pause__stops_the_clock__until_resume),
		T(cmd_stop__ends_at_the_pause__when_paused),
		T(cmd_log__shows_the_breaks__and_counts_the_time_worked),
		T(cmd_edit__break__adds_one_inside_the_entry__and_undo_takes_it_back),
		T(cmd_edit__break__after_midnight__goes_on_the_day_the_entry_ends),
		T(cmd_exec__unknown_word__names_it),
		T(cmd_exec__empty_or_blank__suggests_help),
		T(cmd_exec__command_word__is_case_insensitive_and_trimmed),
		T(cmd_exec__wrong_arity__shows_usage_and_example),
		T(cmd_help__lists_every_command),
		T(cmd_help__one_command__shows_example),
		T(cmd_start__parses_project_tags_and_note),
		T(cmd_start__later_plus_words__belong_to_note),
		T(cmd_start__stops_running__when_timer_running),
		T(cmd_start__refuses_bad_names),
		T(cmd_start__keeps_unicode_exactly),
		T(cmd_stop__says_what_ran_and_how_long),
		T(cmd_status__shows_running_and_today),
		T(cmd_start__tags_in_one_order__in_every_reply),
		T(cmd_status__started_yesterday__shows_the_day),
		T(cmd_report__today__groups_per_project_with_total),
		T(cmd_report__week_and_month__have_headings),
		T(cmd_report__by_day_tag_and_filters),
		T(cmd_report__counts_running_entry_up_to_now),
		T(cmd_report__by_tag__shows_untagged_time__when_some_entries_have_no_tag),
		T(cmd_report__week_by_project_or_tag__has_the_per_day_line_of_report_week),
		T(cmd_report__nothing__says_so),
		T(cmd_report__uses_user_timezone),
		T(cmd_exec__users_are_isolated),
		T(cmd_start__at_a_past_time__starts_then),
		T(cmd_start__duration_ago__starts_then),
		T(cmd_start__at_the_office__stays_in_the_note),
		T(cmd_start__in_the_future__is_refused),
		T(cmd_start__bad_time__quotes_it),
		T(cmd_start__quoted_phrase__is_one_project),
		T(cmd_start__keeps_quotes_in_notes),
		T(cmd_start__refuses_odd_project_names),
		T(cmd_start__in_the_past__refuses_overlap),
		T(cmd_start__before_running_start__is_refused),
		T(cmd_start__in_the_past__stops_running_then),
		T(cmd_start__same_second__replaces_the_just_started_timer),
		T(cmd_exec__offline_message__says_when_it_was_sent),
		T(cmd_switch__is_start),
		T(cmd_stop__at_or_ago__stops_then),
		T(cmd_stop__before_start_or_in_future__is_refused),
		T(cmd_cancel__discards_running__and_undo_restores_it),
		T(cmd_continue__restarts_last_project_and_tags),
		T(cmd_add__duration_today__fills_last_free_time),
		T(cmd_add__span_on_a_day__records_it),
		T(cmd_add__duration_on_a_past_day__goes_after_nine),
		T(cmd_add__refuses_overlap_future_and_nonsense),
		T(cmd_log__lists_entries_with_numbers),
		T(cmd_log__lists_a_timer_started_this_second__also_at_midnight),
		T(cmd_log__several_days__groups_by_day),
		T(cmd_edit__changes_fields),
		T(cmd_edit__tags_ignore_case),
		T(cmd_edit__refuses_bad_changes),
		T(cmd_delete__removes__and_undo_restores),
		T(cmd_undo__walks_back_step_by_step),
		T(cmd_projects_and_tags__list_month_totals),
		T(cmd_rename__renames_all_entries),
		T(cmd_tz__shows_sets_and_resets),
		T(cmd_exec__other_users_entries__are_no_such_entry),
		T(cmd_exec__same_key_twice__changes_once_and_replies_the_same),
		T(cmd_exec__different_keys__are_two_changes),
		T(cmd_exec__same_key_from_two_users__is_two_messages),
		T(cmd_exec__refused_message__is_not_remembered),
		T(cmd_exec__reads_with_a_key__run_every_time),
		T(cmd_exec__change_that_wrote_nothing__is_not_remembered),
		T(cmd_exec__refusal_after_step_opened__leaves_no_step_or_key),
		T(cmd_exec__repeat_of_earlier_change__keeps_later_one),
		T(cmd_exec__repeat_without_saved_reply__says_it_was_done),
		T(cmd_exec__check_fails__says_it_could_not_read),
		T(cmd_who__non_admin__is_an_unknown_word),
		T(cmd_who__admin__lists_users_of_today_with_totals_and_timers),
		T(cmd_who__admin__follows_their_own_day),
		T(cmd_who__admin__many_users__lists_fifty_and_counts_the_rest),
		T(cmd_help__non_admin__hides_admin_commands),
		T(cmd_help__admin__lists_admin_commands_and_forms),
		T(cmd_report__admin_other_user__is_their_report_headed_with_them),
		T(cmd_report__admin_other_user__in_their_zone_else_the_default),
		T(cmd_report__admin_unknown_or_odd_user__says_so),
		T(cmd_report_and_export__non_admin_user_word__reveals_nothing),
		T(cmd_export__admin_other_user__their_file_comes_to_the_admin),
		T(cmd_export__admin_other_user__odd_jid_in_file_name),
		T(cmd_export__unknown_format__lists_formats),
		T(cmd_export__ical_uid__unique_to_user_entry_and_bot),
		T(cmd_exec__word_close_to_a_command__suggests_it),
		T(cmd_exec__word_close_to_an_admin_command__is_suggested_to_admins_only),
		T(cmd_start__new_project_close_to_a_used_one__says_so_the_first_time),
		T(cmd_add__new_project_close_to_a_used_one__says_so),
		T(cmd_start__old_name_of_a_renamed_project__names_the_new_one),
		T(cmd_start__corrected_in_the_same_second__drops_the_hint),
		T(cmd_start__before_the_running_timer__proposes_what_works),
		T(cmd_start__before_the_running_timer__other_project__proposes_add),
		T(cmd_start__before_the_running_timer__on_an_earlier_day__names_the_day),
		T(cmd_start__before_the_running_timer__entry_in_between__names_it),
		T(cmd_start__over_recorded_time__says_from_when_and_proposes_add),
		T(cmd_continue__with_an_id__restarts_that_entry),
		T(sim_distance__counts_edits_and_swaps_without_case),
		T(cmd_project_and_tag_ok__format_characters__are_refused_naming_them),
		T(cmd_project_and_tag_ok__c0_c1_controls_and_del__are_refused_naming_them),
		T(cmd_project_ok__broken_utf8__is_no_control_and_stops_at_the_end),
		T(cmd_start__invisible_character_in_project_or_tag__is_refused_and_says_why),
		T(cmd_add_edit_rename__invisible_character__is_refused_and_changes_nothing),
		T(cmd_start__invisible_character_in_note__is_kept),
		T(cmd_exec__correction__takes_back_the_original_and_runs_instead__when_it_is_the_latest_change),
		T(cmd_exec__correction__is_refused_naming_the_later_change__when_another_came_between),
		T(cmd_exec__correction__runs_as_a_new_command__when_the_original_changed_nothing),
		T(cmd_exec__correction__keeps_the_original__when_the_corrected_command_is_refused),
		T(cmd_exec__retraction__undoes_the_latest_change_once__and_says_so),
		T(cmd_exec__retraction__changes_nothing__when_not_latest_or_nothing_was_done),
		T(cmd_status_line__timer_running__names_project_tags_and_start_in_users_zone),
		T(cmd_status_line__nothing_running__says_so),
		T(cmd_status_line__timer_began_on_an_earlier_day__names_the_day),
		T(cmd_status_line__timer_paused__says_paused_since_the_pause),
		T(cmd_changes__is_true_for_changing_commands_only),
#undef T
	};

	return cmocka_run_group_tests_name("commands", tests, NULL, NULL);
}
