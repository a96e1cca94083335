/*
 * tests/unit/test_export_html.c - the HTML report (commands/export_html.h):
 * the escaping of names, the page of the fixed week against a golden
 * file, bars in proportion to the data, an empty period, no script and no
 * URL, the amounts' extension point; and export html through cmd_exec on
 * a store (SQLite, or PostgreSQL with $TIMMY_TEST_PG): the file, its
 * rounding, the refusals.
 */
#include <ctype.h>
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
#include "../../commands/export_html.h"

#define NASTY "<script>alert(1)</script>"

/* html_escape of s, as a string the caller frees. */
static char *
escaped(const char *s)
{
	struct text t;
	char *r;

	text_init(&t, 4096);
	html_escape(&t, s);
	r = strdup(text_str(&t));
	text_free(&t);
	assert_non_null(r);
	return r;
}

static void
html_escape__nasty_names__become_text(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ NASTY, "&lt;script&gt;alert(1)&lt;/script&gt;" },
		{ "a&b \"q\"", "a&amp;b &quot;q&quot;" },
		{ "it's", "it&#39;s" },
		{ "&amp;", "&amp;amp;" },
		{ "acme", "acme" },
		{ "Zürich – café", "Zürich – café" },
		{ "", "" },
		{ NULL, "" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = escaped(cases[i].in);

		assert_string_equal(got, cases[i].want);
		free(got);
	}
}

/* True when page holds needle (lower case) in any case. */
static bool
holds(const char *page, const char *needle)
{
	char *low = strdup(page), *c;
	bool r;

	assert_non_null(low);
	for (c = low; *c != '\0'; c++)
		*c = (char)tolower((unsigned char)*c);
	r = strstr(low, needle) != NULL;
	free(low);
	return r;
}

/* The page of g, with the golden file's heading, as a string the caller
 * frees. */
static char *
page_of(const struct ts_grid *g, bool decimal, const struct html_amounts *a)
{
	struct html_page p;
	struct text t;
	char *r;

	memset(&p, 0, sizeof(p));
	p.g = g;
	p.heading = "alice@example.org, Mon 30 Nov – Sun 6 Dec 2026";
	p.note = "Exact times: the time worked, breaks left out.";
	p.decimal = decimal;
	p.amounts = a;
	text_init(&t, 1024 * 1024);
	assert_int_equal(html_page(&p, &t), 0);
	r = strdup(text_str(&t));
	text_free(&t);
	assert_non_null(r);
	return r;
}

static void
html_page__fixed_week__matches_golden_file(void **state)
{
	struct ts_grid *g = week();
	char *page = page_of(g, false, NULL);

	(void)state;
	golden_assert(page, "report.html");
	free(page);
	ts_grid_free(g);
}

/* The day bars of page, in order: their heights and data-seconds. */
static int
day_bars(const char *page, double *height, long long *secs, int max)
{
	const char *at = page;
	int n = 0;

	while ((at = strstr(at, "<rect class=\"bar\" x=")) != NULL) {
		double x, y, w, h;
		char day[16];

		if (sscanf(at, "<rect class=\"bar\" x=\"%lf\" y=\"%lf\" "
		               "width=\"%lf\" height=\"%lf\" data-day=\"%10[0-9-]\" "
		               "data-seconds=\"%lld\"", &x, &y, &w, &h, day,
		           &secs[n]) == 6) {
			assert_true(n < max);
			height[n++] = h;
		}
		at++;
	}
	return n;
}

static void
html_page__day_bars__in_proportion_the_longest_full_height(void **state)
{
	struct ts_grid *g = week();
	char *page = page_of(g, false, NULL);
	double h[TS_DAYS_MAX];
	long long s[TS_DAYS_MAX];
	int d, n = day_bars(page, h, s, TS_DAYS_MAX);
	const long long longest = 7 * H + 50 * M + 59; /* Thursday */

	(void)state;
	assert_int_equal(n, 7);
	for (d = 0; d < n; d++) {
		assert_int_equal(s[d], g->day_total[d]);
		/* the longest is 170 units high, the others in proportion
		 * to within the two decimals written */
		assert_true(h[d] > 170.0 * s[d] / longest - 0.006);
		assert_true(h[d] < 170.0 * s[d] / longest + 0.006);
	}
	assert_int_equal(s[3], longest);
	assert_non_null(strstr(page, "height=\"170.00\" data-day=\"2026-12-03\""));
	assert_non_null(strstr(page, "<title>Thu 3 Dec: 7h 50m</title>"));
	assert_non_null(strstr(page, "<title>Wed 2 Dec: 0m</title>"));
	free(page);
	ts_grid_free(g);
}

static void
html_page__project_bars__carry_their_seconds(void **state)
{
	struct ts_grid *g = week();
	char *page = page_of(g, false, NULL);

	(void)state;
	/* acme is the longest: the full 560 units */
	assert_non_null(strstr(page, "width=\"560.00\" height=\"14\" "
	                             "data-project=\"acme\" "
	                             "data-seconds=\"59759\">"));
	assert_non_null(strstr(page, "data-project=\"globex\" "
	                             "data-seconds=\"8100\">"));
	free(page);
	ts_grid_free(g);
}

static void
html_page__empty_period__a_whole_page_that_says_so(void **state)
{
	struct ts_grid *g = grid(BERLIN, 2026, 11, 30, 7);
	char *page = page_of(g, false, NULL);

	(void)state;
	assert_true(strncmp(page, "<!doctype html>\n", 16) == 0);
	assert_non_null(strstr(page, "No time recorded in this period."));
	assert_null(strstr(page, "<svg"));
	assert_null(strstr(page, "<table"));
	assert_non_null(strstr(page, "</body>\n</html>\n"));
	free(page);
	ts_grid_free(g);
}

static void
html_page__nasty_names__no_script_no_url(void **state)
{
	struct ts_grid *g = week();
	char *page;

	(void)state;
	ts_grid_add(g, 2, NASTY, 30 * M);
	ts_grid_add(g, 2, "a&b \"q\" it's", 15 * M);
	ts_grid_add(g, 2, "http://example.org", 10 * M);
	page = page_of(g, false, NULL);
	assert_false(holds(page, "<script"));
	assert_non_null(strstr(page, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(page, "a&amp;b &quot;q&quot; it&#39;s"));
	free(page);
	/* Without a name that holds one, no URL at all: nothing to fetch,
	 * and SVG inline in HTML5 needs no xmlns. */
	ts_grid_free(g);
	g = week();
	page = page_of(g, false, NULL);
	assert_false(holds(page, "http"));
	assert_false(holds(page, "xmlns"));
	assert_false(holds(page, "<script"));
	assert_false(holds(page, "url("));
	assert_false(holds(page, "@import"));
	free(page);
	ts_grid_free(g);
}

static void
html_page__decimal_hours__cells_and_totals_as_decimals(void **state)
{
	struct ts_grid *g = week();
	char *page = page_of(g, true, NULL);

	(void)state;
	assert_non_null(strstr(page, "<h2>Timesheet (hours)</h2>"));
	assert_non_null(strstr(page, "<p class=\"total\">19.18 h</p>"));
	assert_non_null(strstr(page, "<td>4.08</td>"));
	free(page);
	ts_grid_free(g);
}

static void
html_page__amounts__shown_only_when_given(void **state)
{
	static struct html_amounts a;
	struct ts_grid *g = week();
	char *page = page_of(g, false, &a);

	(void)state;
	assert_null(strstr(page, "Amounts"));
	free(page);
	a.nrows = 1;
	snprintf(a.row[0].name, sizeof(a.row[0].name), "%s", NASTY);
	snprintf(a.row[0].rate, sizeof(a.row[0].rate), "80.00 EUR/h");
	snprintf(a.row[0].amount, sizeof(a.row[0].amount), "1,326.67 EUR");
	snprintf(a.total, sizeof(a.total), "1,326.67 EUR");
	page = page_of(g, false, &a);
	assert_non_null(strstr(page, "<h2>Amounts</h2>"));
	assert_non_null(strstr(page, "<tr><th scope=\"row\">&lt;script&gt;alert"
	                             "(1)&lt;/script&gt;</th><td>80.00 EUR/h"
	                             "</td><td>1,326.67 EUR</td></tr>"));
	free(page);
	ts_grid_free(g);
}

/* ---- export html, on a store ---- */

static struct cmd_file file;

static int
setup(void **state)
{
	struct cmd_fixture *f;

	/* Mon 7 Dec 2026 12:00 UTC, in Berlin, with a file slot */
	if (cmd_fixture_setup(state, "alice@example.org", 1796644800) != 0)
		return -1;
	f = *state;
	f->ctx.tz = BERLIN;
	cmd_file_init(&file);
	f->ctx.file = &file;
	return 0;
}

static int
teardown(void **state)
{
	cmd_file_free(&file);
	return cmd_fixture_close(*state);
}

static void
cmd_export_html__a_week__an_upload_only_page(void **state)
{
	struct cmd_fixture *f = *state;
	const char *body, *r;

	cmd_fixture_run(f, "add acme 9:00-12:00 2026-11-30", CMD_OK);
	cmd_fixture_run(f, "add acme 9:00-13:05 2026-12-01", CMD_OK);
	cmd_fixture_run(f, "add \"<b>x</b>\" 14:00-15:30 2026-12-01", CMD_OK);
	r = cmd_fixture_run(f, "export html 2026-11-30..2026-12-06", CMD_OK);
	assert_string_equal(r, "Report of Mon 30 Nov – Sun 6 Dec 2026: 8h 35m on 2 "
	                       "projects, as timmy-report-2026-11-30_2026-12-06."
	                       "html, a page to open in a browser.");
	assert_true(file.present);
	assert_true(file.upload_only);
	assert_string_equal(file.mime, "text/html");
	assert_string_equal(file.name, "timmy-report-2026-11-30_2026-12-06.html");
	body = text_str(&file.body);
	assert_non_null(strstr(body, "<title>Time report: alice@example.org, "
	                             "Mon 30 Nov – Sun 6 Dec 2026</title>"));
	assert_non_null(strstr(body, "data-day=\"2026-11-30\" "
	                             "data-seconds=\"10800\""));
	assert_non_null(strstr(body, "data-day=\"2026-12-01\" "
	                             "data-seconds=\"20100\""));
	assert_non_null(strstr(body, "data-project=\"&lt;b&gt;x&lt;/b&gt;\""));
	assert_non_null(strstr(body, "Exact times"));
}

static void
cmd_export_html__rounding_set__rounds_as_reports_do(void **state)
{
	struct cmd_fixture *f = *state;
	const char *body, *r;

	cmd_fixture_run(f, "settings rounding 15m up", CMD_OK);
	cmd_fixture_run(f, "add acme 9:00-9:20 2026-12-01", CMD_OK);
	cmd_fixture_run(f, "add acme 10:00-10:01 2026-12-01", CMD_OK);
	cmd_fixture_run(f, "export html 2026-11-30..2026-12-06", CMD_OK);
	body = text_str(&file.body);
	/* 30m and 15m, as "report" counts them: 45m */
	assert_non_null(strstr(body, "data-day=\"2026-12-01\" "
	                             "data-seconds=\"2700\""));
	assert_non_null(strstr(body, "Times are rounded up to 15 min per "
	                             "entry, as your reports count them"));
	r = cmd_fixture_run(f, "report 2026-11-30..2026-12-06", CMD_OK);
	assert_non_null(strstr(r, "Total      45m"));
}

/*
 * Where rates apply the page has the amounts that `report by project`
 * shows: each project's billable time (rounded as reports round it, the
 * +nobill entry left out) at its rate, and the billable total; a project
 * without a rate has no row.
 */
static void
cmd_export_html__rates__the_reports_amounts(void **state)
{
	struct cmd_fixture *f = *state;
	const char *body, *r;

	cmd_fixture_run(f, "settings rounding 15m up", CMD_OK);
	cmd_fixture_run(f, "rate acme 100 EUR", CMD_OK);
	cmd_fixture_run(f, "add acme 9:00-10:05 2026-12-01", CMD_OK);
	cmd_fixture_run(f, "add acme +nobill 11:00-12:00 2026-12-01", CMD_OK);
	cmd_fixture_run(f, "add globex 13:00-14:00 2026-12-01", CMD_OK);
	cmd_fixture_run(f, "export html 2026-11-30..2026-12-06", CMD_OK);
	body = strstr(text_str(&file.body), "<h2>Amounts</h2>");
	assert_non_null(body);
	assert_non_null(strstr(body, "<tr><th scope=\"row\">acme</th>"
	                             "<td>100.00 EUR/h</td><td>125.00 EUR</td>"
	                             "</tr>"));
	assert_null(strstr(body, "<tr><th scope=\"row\">globex</th><td>"));
	assert_non_null(strstr(body, "<th scope=\"row\">Total</th><td></td>"
	                             "<td>125.00 EUR</td>"));
	r = cmd_fixture_run(f, "report 2026-11-30..2026-12-06 by project",
	                    CMD_OK);
	assert_non_null(strstr(r, "Billable: 125.00 EUR"));
}

static void
cmd_export_html__no_rate__no_amounts(void **state)
{
	struct cmd_fixture *f = *state;

	cmd_fixture_run(f, "add acme 9:00-10:05 2026-12-01", CMD_OK);
	cmd_fixture_run(f, "export html 2026-11-30..2026-12-06", CMD_OK);
	assert_null(strstr(text_str(&file.body), "<h2>Amounts</h2>"));
}

static void
cmd_export_html__refusals__say_why(void **state)
{
	struct cmd_fixture *f = *state;
	const char *r;

	assert_string_equal(cmd_fixture_run(f, "export html last week", CMD_OK),
	                    "No time recorded last week; nothing to export.");
	assert_false(file.present);
	f->ctx.file = NULL;
	r = cmd_fixture_run(f, "export html last week", CMD_REFUSED);
	assert_non_null(strstr(r, "\"export csv\""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(html_escape__nasty_names__become_text),
		cmocka_unit_test(html_page__fixed_week__matches_golden_file),
		cmocka_unit_test(
			html_page__day_bars__in_proportion_the_longest_full_height),
		cmocka_unit_test(html_page__project_bars__carry_their_seconds),
		cmocka_unit_test(html_page__empty_period__a_whole_page_that_says_so),
		cmocka_unit_test(html_page__nasty_names__no_script_no_url),
		cmocka_unit_test(
			html_page__decimal_hours__cells_and_totals_as_decimals),
		cmocka_unit_test(html_page__amounts__shown_only_when_given),
		cmocka_unit_test_setup_teardown(
			cmd_export_html__a_week__an_upload_only_page, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			cmd_export_html__rounding_set__rounds_as_reports_do, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			cmd_export_html__rates__the_reports_amounts, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			cmd_export_html__no_rate__no_amounts, setup, teardown),
		cmocka_unit_test_setup_teardown(cmd_export_html__refusals__say_why,
		                                setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
