/*
 * tests/unit/test_timesheet.c - the timesheet and the chart: the grid,
 * the table folded into weeks within a phone's width, the bars, the
 * CSV and iCalendar files (commands/timesheet.h), golden files for a
 * fixed week; and the commands through cmd_exec on a store (SQLite, or
 * PostgreSQL with $TIMMY_TEST_PG).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmd_fixture.h"
#include "golden.h"
#include "ts_fixture.h"
#include "../../commands/format.h"
#include "../../commands/timesheet.h"
#include "../../lib/tz.h"

/* Asserts every line of s is at most max columns wide. */
static void
assert_lines_fit(const char *s, size_t max)
{
	char line[1024];
	const char *nl;

	for (; *s != '\0'; s = nl + 1) {
		nl = strchr(s, '\n');
		assert_non_null(nl);
		assert_true((size_t)(nl - s) < sizeof(line));
		memcpy(line, s, (size_t)(nl - s));
		line[nl - s] = '\0';
		if (fmt_width(line) > max)
			fail_msg("%zu columns: \"%s\"", fmt_width(line), line);
	}
}

static void
ts_render__fixed_week__matches_golden_file(void **state)
{
	struct ts_grid *g = week();
	struct text t;

	(void)state;
	text_init(&t, 65536);
	ts_render(g, &t);
	golden_assert(text_str(&t), "timesheet-week.txt");
	text_free(&t);
	ts_grid_free(g);
}

static void
ts_render__a_week__fits_forty_columns(void **state)
{
	struct ts_grid *g = week();
	struct text t;

	(void)state;
	text_init(&t, 65536);
	ts_render(g, &t);
	assert_int_equal(ts_weeks(g), 1);
	assert_lines_fit(text_str(&t), TS_WIDTH);
	text_free(&t);
	ts_grid_free(g);
}

static void
ts_render__long_name__is_cut_with_an_ellipsis(void **state)
{
	struct ts_grid *g = grid("UTC", 2026, 11, 30, 7);
	char name[STORE_PROJECT_MAX + 1];
	struct text t;

	(void)state;
	memset(name, 'x', STORE_PROJECT_MAX);
	name[STORE_PROJECT_MAX] = '\0';
	ts_grid_row(g, name);
	ts_grid_add(g, 2, name, H);
	text_init(&t, 65536);
	ts_render(g, &t);
	assert_non_null(strstr(text_str(&t),
	                       "\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…\n"));
	assert_lines_fit(text_str(&t), TS_WIDTH);
	text_free(&t);
	ts_grid_free(g);
}

static void
ts_render__zero_days__show_a_dot(void **state)
{
	struct ts_grid *g = grid("UTC", 2026, 11, 30, 7);
	struct text t;

	(void)state;
	ts_grid_row(g, "acme");
	ts_grid_add(g, 6, "acme", 90 * M);
	text_init(&t, 65536);
	ts_render(g, &t);
	assert_string_equal(text_str(&t),
	                    "  Mo   Tu   We   Th   Fr   Sa   Su Total\n"
	                    "  30    1    2    3    4    5    6\n"
	                    "acme\n"
	                    "   ·    ·    ·    ·    ·    · 1:30  1:30\n"
	                    "Total\n"
	                    "   ·    ·    ·    ·    ·    · 1:30  1:30\n");
	text_free(&t);
	ts_grid_free(g);
}

/* November 2026 begins on a Sunday and ends on a Monday: six blocks,
 * the first and the last of one day, each with its own totals. */
static void
ts_render__a_month__comes_as_weekly_blocks_with_their_totals(void **state)
{
	struct ts_grid *g = grid(BERLIN, 2026, 11, 1, 30);
	struct text t;
	int d;

	(void)state;
	ts_grid_row(g, "acme");
	ts_grid_row(g, "globex");
	for (d = 0; d < 30; d++)
		ts_grid_add(g, d, "acme", H);
	ts_grid_add(g, 29, "globex", 2 * H);
	text_init(&t, 65536);
	ts_render(g, &t);
	assert_int_equal(ts_weeks(g), 6);
	assert_lines_fit(text_str(&t), TS_WIDTH);
	/* The first week is Sunday alone, the second a whole week. */
	assert_non_null(strstr(text_str(&t), "Sun 1 Nov – Sun 1 Nov\n"
	                                     "  Su Total\n"
	                                     "   1\n"
	                                     "acme\n"
	                                     "1:00  1:00\n"));
	assert_non_null(strstr(text_str(&t),
	                       "\nMon 2 Nov – Sun 8 Nov\n"
	                       "  Mo   Tu   We   Th   Fr   Sa   Su Total\n"
	                       "   2    3    4    5    6    7    8\n"
	                       "acme\n"
	                       "1:00 1:00 1:00 1:00 1:00 1:00 1:00  7:00\n"
	                       "Total\n"
	                       "1:00 1:00 1:00 1:00 1:00 1:00 1:00  7:00\n"));
	/* globex only in the last week, which has it and its total. */
	assert_non_null(strstr(text_str(&t), "\nMon 30 Nov – Mon 30 Nov\n"
	                                     "  Mo Total\n"
	                                     "  30\n"
	                                     "acme\n"
	                                     "1:00  1:00\n"
	                                     "globex\n"
	                                     "2:00  2:00\n"
	                                     "Total\n"
	                                     "3:00  3:00\n"));
	assert_null(strstr(strstr(text_str(&t), "Mon 23 Nov"), "globex\n1:00"));
	text_clear(&t);
	ts_render_totals(g, &t);
	assert_string_equal(text_str(&t),
	                    "Total 32h 00m: acme 30h 00m, globex 2h 00m");
	text_free(&t);
	ts_grid_free(g);
}

/* Berlin falls back on Sun 25 Oct 2026: that day has 25 hours, and a
 * project worked all of it has 25:00 in its cell. */
static void
ts_render__dst_week__has_a_day_of_25_hours(void **state)
{
	int64_t sun = midnight(BERLIN, 2026, 10, 25);
	int64_t mon = midnight(BERLIN, 2026, 10, 26);
	struct ts_grid *g = grid(BERLIN, 2026, 10, 19, 7);
	struct text t;

	(void)state;
	assert_int_equal(mon - sun, 25 * H);
	assert_int_equal(g->day[6].tm_mday, 25);
	assert_int_equal(g->day[6].tm_wday, 0);
	ts_grid_row(g, "acme");
	ts_grid_add(g, 6, "acme", mon - sun);
	text_init(&t, 65536);
	ts_render(g, &t);
	assert_non_null(strstr(text_str(&t),
	                       "   ·    ·    ·    ·    ·    · 25:00 25:00\n"));
	text_free(&t);
	ts_grid_free(g);
}

static void
ts_grid_fold__many_projects__sums_the_rest_in_one_row(void **state)
{
	struct ts_grid *g = grid("UTC", 2026, 11, 30, 1);
	char name[16];
	int i;

	(void)state;
	for (i = 0; i < 15; i++) {
		snprintf(name, sizeof(name), "p%02d", i);
		ts_grid_row(g, name);
		ts_grid_add(g, 0, name, (15 - i) * M);
	}
	ts_grid_fold(g, 10);
	assert_int_equal(g->nrows, 10);
	assert_string_equal(g->row[8].name, "p08");
	assert_string_equal(g->row[9].name, "(6 more)");
	assert_int_equal(g->row[9].total, (6 + 5 + 4 + 3 + 2 + 1) * M);
	assert_int_equal(g->total, 120 * M);
	ts_grid_free(g);
}

static void
chart_render__fixed_week__matches_golden_file(void **state)
{
	struct ts_grid *g = week();
	struct text t;

	(void)state;
	text_init(&t, 65536);
	chart_render(g, CHART_DAYS, &t);
	assert_lines_fit(text_str(&t), TS_WIDTH);
	golden_assert(text_str(&t), "chart-week.txt");
	text_clear(&t);
	chart_render(g, CHART_ROWS, &t);
	assert_lines_fit(text_str(&t), TS_WIDTH);
	golden_assert(text_str(&t), "chart-week-projects.txt");
	text_free(&t);
	ts_grid_free(g);
}

/* The longest day fills the bar, half of it half the bar, a quarter and
 * an eighth of a cell more an eighth block, a day without time nothing
 * and "–", a minute still an eighth. */
static void
chart_render__bars__scale_to_the_longest_in_eighths(void **state)
{
	struct ts_grid *g = grid("UTC", 2026, 11, 30, 5);
	struct text t;

	(void)state;
	ts_grid_row(g, "acme");
	ts_grid_add(g, 0, "acme", 8 * H);
	ts_grid_add(g, 1, "acme", 4 * H);
	ts_grid_add(g, 2, "acme", 4 * H + 3 * M); /* 10 cells + 1/8 */
	ts_grid_add(g, 4, "acme", M);
	text_init(&t, 65536);
	chart_render(g, CHART_DAYS, &t);
	assert_string_equal(text_str(&t),
	                    "Mo 30 ████████████████████ 8h 00m\n"
	                    "Tu  1 ██████████           4h 00m\n"
	                    "We  2 ██████████▏          4h 03m\n"
	                    "Th  3                           –\n"
	                    "Fr  4 ▏                        1m\n");
	text_free(&t);
	ts_grid_free(g);
}

static void
chart_render__weeks__one_bar_per_week_named_by_first_day(void **state)
{
	struct ts_grid *g = grid("UTC", 2026, 11, 25, 14);
	struct text t;

	(void)state;
	ts_grid_row(g, "acme");
	ts_grid_add(g, 0, "acme", 2 * H);  /* Wed 25 Nov */
	ts_grid_add(g, 5, "acme", 4 * H);  /* Mon 30 Nov */
	ts_grid_add(g, 13, "acme", 1 * H); /* Tue 8 Dec */
	text_init(&t, 65536);
	chart_render(g, CHART_WEEKS, &t);
	assert_string_equal(text_str(&t),
	                    "25 Nov ██████████           2h 00m\n"
	                    "30 Nov ████████████████████ 4h 00m\n"
	                    " 7 Dec █████                1h 00m\n");
	text_free(&t);
	ts_grid_free(g);
}

static void
ts_csv__fixed_week__matches_golden_file(void **state)
{
	struct ts_grid *g = week();
	struct text t;

	(void)state;
	text_init(&t, 65536);
	assert_int_equal(ts_csv(g, BERLIN, &t), 0);
	golden_assert(text_str(&t), "timesheet-week.csv");
	text_free(&t);
	ts_grid_free(g);
}

static void
ts_ical__fixed_week__matches_golden_file(void **state)
{
	struct ts_grid *g = week();
	struct text t;

	(void)state;
	text_init(&t, 65536);
	/* now: Mon 7 Dec 2026 12:00 UTC */
	assert_int_equal(ts_ical(g, BERLIN, 1796644800, "alice@example.org",
	                         "timmy@example.org", "", &t), 0);
	golden_assert(text_str(&t), "timesheet-week.ics");
	text_free(&t);
	ts_grid_free(g);
}

/* ---- The commands, on a store ---- */

static int
setup(void **state)
{
	static struct cmd_fixture f;

	if (cmd_fixture_open(&f, "alice@example.org") != 0)
		return -1;
	f.ctx.tz = BERLIN;
	f.ctx.now = 1796644800; /* Mon 7 Dec 2026 12:00 UTC */
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	return cmd_fixture_close(*state);
}

static void
cmd_timesheet__entry_across_midnight__splits_at_local_midnight(void **state)
{
	struct cmd_fixture *f = *state;
	const char *r;

	cmd_fixture_run(f, "add acme 22:00-01:30 2026-12-01", CMD_OK);
	cmd_fixture_run(f, "add globex 9:00-10:00 2026-12-03", CMD_OK);
	r = cmd_fixture_run(f, "timesheet 2026-11-30..2026-12-06", CMD_OK);
	assert_non_null(strstr(r, "Mon 30 Nov – Sun 6 Dec 2026:\n```\n"));
	assert_non_null(strstr(r, "acme\n   · 2:00 1:30    ·    ·    ·    ·  3:30\n"
	                          "globex\n   ·    ·    · 1:00    ·    ·    ·  1:00\n"
	                          "Total\n   · 2:00 1:30 1:00    ·    ·    ·  4:30\n"
	                          "```"));
}

static void
cmd_timesheet__empty_period__says_so(void **state)
{
	struct cmd_fixture *f = *state;

	assert_string_equal(cmd_fixture_run(f, "timesheet last week", CMD_OK),
	                    "No time recorded last week.");
	assert_string_equal(cmd_fixture_run(f, "chart last week", CMD_OK),
	                    "No time recorded last week.");
}

static void
cmd_timesheet__too_long__points_to_the_file(void **state)
{
	struct cmd_fixture *f = *state;

	cmd_fixture_run(f, "add acme 9:00-10:00 2026-12-01", CMD_OK);
	assert_non_null(strstr(cmd_fixture_run(f, "timesheet year", CMD_REFUSED),
	                       "export timesheet csv"));
}

static void
cmd_timesheet__unknown_word__says_what_fits(void **state)
{
	struct cmd_fixture *f = *state;

	cmd_fixture_run(f, "add acme 9:00-10:00 2026-12-01", CMD_OK);
	assert_non_null(strstr(cmd_fixture_run(f, "timesheet fortnight", CMD_REFUSED),
	                       "\"fortnight\" is neither a period nor one of "
	                       "your projects"));
	assert_non_null(strstr(cmd_fixture_run(f, "chart week by colour", CMD_REFUSED),
	                       "Group by day, by project or by tag"));
}

static void
cmd_chart__by_project__longest_first(void **state)
{
	struct cmd_fixture *f = *state;
	const char *r;

	cmd_fixture_run(f, "add globex 9:00-10:00 2026-12-01", CMD_OK);
	cmd_fixture_run(f, "add acme 10:00-14:00 2026-12-01", CMD_OK);
	r = cmd_fixture_run(f, "chart 2026-11-30..2026-12-06 by project", CMD_OK);
	assert_non_null(strstr(r, "```\n"
	                          "acme   ████████████████████ 4h 00m\n"
	                          "globex █████                1h 00m\n"
	                          "```\nTotal 5h 00m"));
	r = cmd_fixture_run(f, "chart 2026-11-30..2026-12-06", CMD_OK);
	assert_non_null(strstr(r, "Tu  1 ████████████████████ 5h 00m\n"));
}

static void
cmd_export_timesheet__csv__comes_as_a_file(void **state)
{
	struct cmd_fixture *f = *state;
	struct cmd_file file;
	const char *r;

	cmd_file_init(&file);
	f->ctx.file = &file;
	cmd_fixture_run(f, "add acme 9:00-10:30 2026-12-01", CMD_OK);
	r = cmd_fixture_run(f, "export timesheet csv 2026-11-30..2026-12-02", CMD_OK);
	assert_string_equal(r, "Timesheet of Mon 30 Nov – Wed 2 Dec 2026: 1 "
	                       "project over 3 days as "
	                       "timmy-timesheet-2026-11-30_2026-12-02.csv.");
	assert_true(file.present);
	assert_string_equal(file.mime, "text/csv");
	assert_string_equal(text_str(&file.body),
	                    "project,2026-11-30,2026-12-01,2026-12-02,total\r\n"
	                    "acme,0.00,1.50,0.00,1.50\r\n"
	                    "Total,0.00,1.50,0.00,1.50\r\n");
	/* The format may come first, and a project named timesheet goes in
	 * quotes. */
	r = cmd_fixture_run(f, "export ical timesheet 2026-12-01", CMD_OK);
	assert_string_equal(file.name, "timmy-timesheet-2026-12-01.ics");
	assert_non_null(strstr(text_str(&file.body),
	                       "SUMMARY:acme 1h 30m\r\n"));
	assert_non_null(strstr(cmd_fixture_run(f, "export json timesheet", CMD_REFUSED),
	                       "csv or ical"));
	cmd_fixture_run(f, "export \"timesheet\" 2026-12-01", CMD_REFUSED);
	f->ctx.file = NULL;
	cmd_file_free(&file);
}

/*
 * timesheet, chart and export timesheet count as the user's reports do:
 * with rounding 15m up each entry's part in a day is rounded (20m and 1m
 * on one day are 30m and 15m; 1h 05m is 1h 15m), the heading says so, and with
 * hours decimal every time is in decimal hours.
 */
static void
cmd_timesheet__rounding_and_decimal_hours__as_reports(void **state)
{
	struct cmd_fixture *f = *state;
	struct cmd_file file;
	const char *r;

	cmd_fixture_run(f, "add acme 9:00-9:20 2026-12-01", CMD_OK);
	cmd_fixture_run(f, "add acme 10:00-10:01 2026-12-01", CMD_OK);
	cmd_fixture_run(f, "add globex 13:00-14:05 2026-12-02", CMD_OK);
	cmd_fixture_run(f, "settings rounding 15m up", CMD_OK);
	r = cmd_fixture_run(f, "timesheet 2026-11-30..2026-12-06", CMD_OK);
	assert_non_null(strstr(r, "Mon 30 Nov – Sun 6 Dec 2026, rounded up to "
	                          "15 min per entry:\n```\n"));
	assert_non_null(strstr(r, "globex\n   ·    · 1:15    ·    ·    ·    ·  1:15\n"
	                          "acme\n   · 0:45    ·    ·    ·    ·    ·  0:45\n"
	                          "Total\n   · 0:45 1:15    ·    ·    ·    ·  2:00\n"));
	r = cmd_fixture_run(f, "report 2026-11-30..2026-12-06", CMD_OK);
	assert_non_null(strstr(r, "Total    2h 00m"));

	cmd_fixture_run(f, "settings hours decimal", CMD_OK);
	r = cmd_fixture_run(f, "timesheet 2026-11-30..2026-12-06", CMD_OK);
	assert_non_null(strstr(r, "Total\n   · 0.75 1.25    ·    ·    ·    ·  2.00\n"));
	r = cmd_fixture_run(f, "chart 2026-11-30..2026-12-06", CMD_OK);
	assert_non_null(strstr(r, ", rounded up to 15 min per entry:\n"));
	assert_non_null(strstr(r, " 1.25 h\n"));
	assert_non_null(strstr(r, "\nTotal 2.00 h"));

	cmd_file_init(&file);
	f->ctx.file = &file;
	r = cmd_fixture_run(f, "export timesheet csv 2026-12-01..2026-12-02", CMD_OK);
	assert_non_null(strstr(r, ", rounded up to 15 min per entry: 2 "
	                          "projects"));
	assert_string_equal(text_str(&file.body),
	                    "project,2026-12-01,2026-12-02,total\r\n"
	                    "globex,0.00,1.25,1.25\r\n"
	                    "acme,0.75,0.00,0.75\r\n"
	                    "Total,0.75,1.25,2.00\r\n");
	cmd_fixture_run(f, "export timesheet ical 2026-12-02", CMD_OK);
	assert_non_null(strstr(text_str(&file.body),
	                       "SUMMARY:globex 1.25 h\r\n"));
	f->ctx.file = NULL;
	cmd_file_free(&file);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ts_render__fixed_week__matches_golden_file),
		cmocka_unit_test(ts_render__a_week__fits_forty_columns),
		cmocka_unit_test(ts_render__long_name__is_cut_with_an_ellipsis),
		cmocka_unit_test(ts_render__zero_days__show_a_dot),
		cmocka_unit_test(
		    ts_render__a_month__comes_as_weekly_blocks_with_their_totals),
		cmocka_unit_test(ts_render__dst_week__has_a_day_of_25_hours),
		cmocka_unit_test(
		    ts_grid_fold__many_projects__sums_the_rest_in_one_row),
		cmocka_unit_test(chart_render__fixed_week__matches_golden_file),
		cmocka_unit_test(
		    chart_render__bars__scale_to_the_longest_in_eighths),
		cmocka_unit_test(
		    chart_render__weeks__one_bar_per_week_named_by_first_day),
		cmocka_unit_test(ts_csv__fixed_week__matches_golden_file),
		cmocka_unit_test(ts_ical__fixed_week__matches_golden_file),
		cmocka_unit_test_setup_teardown(
		    cmd_timesheet__entry_across_midnight__splits_at_local_midnight,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    cmd_timesheet__empty_period__says_so, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    cmd_timesheet__too_long__points_to_the_file, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    cmd_timesheet__unknown_word__says_what_fits, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    cmd_chart__by_project__longest_first, setup, teardown),
		cmocka_unit_test_setup_teardown(
			cmd_timesheet__rounding_and_decimal_hours__as_reports,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
		    cmd_export_timesheet__csv__comes_as_a_file, setup, teardown),
	};

	return cmocka_run_group_tests_name("timesheet", tests, NULL, NULL);
}
