/*
 * tests/unit/ts_fixture.h - the grids the tests of the timesheet's views
 * build by hand (commands/timesheet.h): days from a date in a zone, and
 * the fixed week of the golden files. Header-only (static inline), for
 * test_timesheet.c and test_export_html.c.
 */
#ifndef TIMMY_TEST_TS_FIXTURE_H
#define TIMMY_TEST_TS_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "../../commands/timesheet.h"
#include "../../lib/tz.h"

#define BERLIN "Europe/Berlin"

/* Local midnight of y-m-d in zone. */
static inline int64_t
midnight(const char *zone, int y, int m, int d)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	return tz_mktime(zone, &tm);
}

/* A grid of n days from y-m-d in zone. */
static inline struct ts_grid *
grid(const char *zone, int y, int m, int d, int n)
{
	int64_t bounds[TS_DAYS_MAX + 1];
	struct ts_grid *g;
	int i;

	for (i = 0; i <= n; i++)
		bounds[i] = midnight(zone, y, m, d + i);
	g = ts_grid_new(zone, bounds, n + 1);
	assert_non_null(g);
	return g;
}

#define H 3600
#define M 60

/* The fixed week of the golden files: Mon 30 Nov to Sun 6 Dec 2026,
 * three projects, one of them with a long name, no time on Wednesday
 * and the weekend. */
static inline struct ts_grid *
week(void)
{
	struct ts_grid *g = grid(BERLIN, 2026, 11, 30, 7);

	ts_grid_row(g, "acme");
	ts_grid_row(g, "globex");
	ts_grid_row(g, "the-very-long-project-name-of-a-big-client-2026");
	ts_grid_add(g, 0, "acme", 3 * H);
	ts_grid_add(g, 1, "acme", 4 * H + 5 * M);
	ts_grid_add(g, 3, "acme", 7 * H + 30 * M + 59);
	ts_grid_add(g, 4, "acme", 2 * H);
	ts_grid_add(g, 1, "globex", 1 * H + 30 * M);
	ts_grid_add(g, 4, "globex", 45 * M);
	ts_grid_add(g, 3, "the-very-long-project-name-of-a-big-client-2026",
	            20 * M);
	return g;
}

#endif
