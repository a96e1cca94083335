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

/* Wed 25 Nov 2026 14:00:00 UTC */
#define T0 INT64_C(1795615200)

struct fixture {
	store *st;
	struct cmd_ctx ctx;
	struct text reply;
};

static int
setup(void **state)
{
	static struct fixture f;
	char err[256];

	memset(&f, 0, sizeof(f));
	if (store_open(":memory:", &f.st, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "store_open: %s\n", err);
		return -1;
	}
	f.ctx.st = f.st;
	f.ctx.owner = "alice@example.org";
	f.ctx.now = T0;
	f.ctx.tz = "UTC";
	text_init(&f.reply, CMD_REPLY_MAX);
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	text_free(&f->reply);
	store_close(f->st);
	return 0;
}

/* Runs body at time now (seconds after T0) and returns the reply. */
static const char *
run(struct fixture *f, int64_t at, const char *body, enum cmd_status want)
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
		assert_true(strncmp(cmd_table[i].example, cmd_table[i].name,
		                    strlen(cmd_table[i].name)) == 0);
		assert_ptr_equal(cmd_lookup(cmd_table[i].name), &cmd_table[i]);
	}
	assert_null(cmd_lookup("frobnicate"));
}

static void
cmd_exec__unknown_word__names_it(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(run(f, 0, "xyz", CMD_REFUSED),
	                    "I don't know \"xyz\". Try \"help\".");
}

static void
cmd_exec__empty_or_blank__suggests_help(void **state)
{
	struct fixture *f = *state;

	assert_non_null(strstr(run(f, 0, "", CMD_REFUSED), "help"));
	assert_non_null(strstr(run(f, 0, " \t\r\n ", CMD_REFUSED), "help"));
}

static void
cmd_exec__command_word__is_case_insensitive_and_trimmed(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(run(f, 0, "  STOP  ", CMD_REFUSED),
	                    "Nothing is running.");
	assert_string_equal(run(f, 0, "\tStAtUs\n", CMD_OK),
	                    "Nothing is running. Today: 0m.");
}

static void
cmd_exec__wrong_arity__shows_usage_and_example(void **state)
{
	struct fixture *f = *state;
	const char *r;

	r = run(f, 0, "start", CMD_REFUSED);
	assert_non_null(strstr(r, "Usage: start PROJECT"));
	assert_non_null(strstr(r, "Example: start"));
	r = run(f, 0, "stop now please", CMD_REFUSED);
	assert_non_null(strstr(r, "Usage: stop"));
}

static void
cmd_help__lists_every_command(void **state)
{
	struct fixture *f = *state;
	const char *r = run(f, 0, "help", CMD_OK);
	size_t i;

	assert_true(strncmp(r, "Commands:", 9) == 0);
	for (i = 0; i < cmd_table_len; i++)
		assert_non_null(strstr(r, cmd_table[i].usage));
}

static void
cmd_help__one_command__shows_example(void **state)
{
	struct fixture *f = *state;
	const char *r = run(f, 0, "help START", CMD_OK);

	assert_non_null(strstr(r, "Example: start acme"));
	assert_non_null(strstr(run(f, 0, "help nope", CMD_REFUSED), "\"nope\""));
}

static void
cmd_start__parses_project_tags_and_note(void **state)
{
	struct fixture *f = *state;
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
	struct fixture *f = *state;
	struct store_entry e;

	run(f, 0, "start acme review +1 from bob", CMD_OK);
	assert_int_equal(store_running(f->st, "alice@example.org", &e), STORE_OK);
	assert_int_equal(e.ntags, 0);
	assert_string_equal(e.note, "review +1 from bob");
}

static void
cmd_start__stops_running__when_timer_running(void **state)
{
	struct fixture *f = *state;
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
	struct fixture *f = *state;
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
	struct fixture *f = *state;
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
	struct fixture *f = *state;

	run(f, 0, "start acme +design", CMD_OK);
	assert_string_equal(run(f, 3900, "stop", CMD_OK),
	                    "Stopped acme +design after 1h 05m (14:00–15:05).");
	assert_string_equal(run(f, 3901, "stop", CMD_REFUSED),
	                    "Nothing is running.");
}

static void
cmd_status__shows_running_and_today(void **state)
{
	struct fixture *f = *state;

	run(f, -7200, "start writing", CMD_OK);
	run(f, -3600, "stop", CMD_OK);
	run(f, 0, "start acme +design", CMD_OK);
	assert_string_equal(run(f, 600, "status", CMD_OK),
	                    "Running: acme +design since 14:00 (10m). "
	                    "Today: 1h 10m.");
}

static void
cmd_status__started_yesterday__shows_the_day(void **state)
{
	struct fixture *f = *state;
	const char *r;

	run(f, -16 * 3600, "start nightshift", CMD_OK); /* Tue 22:00 */
	r = run(f, 0, "status", CMD_OK);
	assert_string_equal(r, "Running: nightshift since Tue 24 Nov 22:00 "
	                       "(16h 00m). Today: 14h 00m.");
}

static void
cmd_report__today__groups_per_project_with_total(void **state)
{
	struct fixture *f = *state;
	const char *r;

	run(f, -7200, "start acme", CMD_OK);
	run(f, -5400, "start writing", CMD_OK);
	run(f, -3600, "start ACME +x", CMD_OK);
	run(f, -600, "stop", CMD_OK);
	r = run(f, 0, "report", CMD_OK);
	assert_string_equal(r, "Today, Wed 25 Nov 2026:\n"
	                       "acme      1h 20m\n"
	                       "writing      30m\n"
	                       "Total     1h 50m");
	assert_string_equal(run(f, 0, "REPORT today", CMD_OK), r);
}

static void
cmd_report__week_and_month__have_headings(void **state)
{
	struct fixture *f = *state;

	run(f, -3 * 86400, "start acme", CMD_OK); /* Sun 22 Nov: last week */
	run(f, -3 * 86400 + 3600, "stop", CMD_OK);
	run(f, -86400, "start acme", CMD_OK);     /* Tue 24 Nov */
	run(f, -86400 + 1800, "stop", CMD_OK);
	assert_string_equal(run(f, 0, "report week", CMD_OK),
	                    "This week, Mon 23 – Sun 29 Nov 2026:\n"
	                    "acme       30m\n"
	                    "Total      30m");
	assert_string_equal(run(f, 0, "report month", CMD_OK),
	                    "November 2026:\n"
	                    "acme    1h 30m\n"
	                    "Total   1h 30m");
}

static void
cmd_report__counts_running_entry_up_to_now(void **state)
{
	struct fixture *f = *state;

	run(f, -900, "start acme", CMD_OK);
	assert_non_null(strstr(run(f, 0, "report", CMD_OK), "acme       15m"));
}

static void
cmd_report__nothing__says_so(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(run(f, 0, "report", CMD_OK), "No time recorded today.");
	assert_string_equal(run(f, 0, "report week", CMD_OK),
	                    "No time recorded this week.");
	assert_non_null(strstr(run(f, 0, "report decade", CMD_REFUSED),
	                       "today, week or month"));
}

static void
cmd_report__uses_user_timezone(void **state)
{
	struct fixture *f = *state;

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
	struct fixture *f = *state;

	run(f, 0, "start secret-project", CMD_OK);
	f->ctx.owner = "bob@example.org";
	assert_string_equal(run(f, 60, "status", CMD_OK),
	                    "Nothing is running. Today: 0m.");
	assert_string_equal(run(f, 60, "stop", CMD_REFUSED), "Nothing is running.");
	assert_string_equal(run(f, 60, "report", CMD_OK), "No time recorded today.");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cmd_table__is_sorted_and_complete),
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
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
		T(cmd_status__started_yesterday__shows_the_day),
		T(cmd_report__today__groups_per_project_with_total),
		T(cmd_report__week_and_month__have_headings),
		T(cmd_report__counts_running_entry_up_to_now),
		T(cmd_report__nothing__says_so),
		T(cmd_report__uses_user_timezone),
		T(cmd_exec__users_are_isolated),
#undef T
	};

	return cmocka_run_group_tests_name("commands", tests, NULL, NULL);
}
