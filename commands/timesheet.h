/*
 * commands/timesheet.h - a period's time as a grid of projects by days,
 * and what is made of it: the timesheet (a table folded to fit a phone,
 * commands/timesheet.c), the chart (bars of block characters,
 * commands/chart.c) and the timesheet as a CSV or iCalendar file
 * (commands/export_timesheet.c).
 *
 * Pure functions over plain data: the grid is filled by the caller
 * (commands/cmd_timesheet.c from store_report, the unit tests by hand),
 * so everything here is tested without a store. Uses lib/, format.h
 * and, for the files, the export writer (export_int.h); reads nothing.
 */
#ifndef TIMMY_TIMESHEET_H
#define TIMMY_TIMESHEET_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "../lib/text.h"
#include "../storage/store.h"

/* The columns a table or chart may take: a phone in portrait shows
 * about 40 monospace characters in a chat bubble. */
#define TS_WIDTH 40

/* The most days of a grid: as many as a report has buckets. */
#define TS_DAYS_MAX STORE_BUCKETS_MAX

/* The most rows of a grid; the projects past the last but one are
 * summed in the last row, "(12 more)". */
#define TS_ROWS_MAX 100

/* Room for a row's name: a project, or "(12 more)". */
#define TS_NAME_MAX (STORE_PROJECT_MAX + 1)

struct ts_row {
	char name[TS_NAME_MAX];
	int count;                  /* projects summed in the row: 1, or
	                               more in the "(N more)" row */
	int64_t total;              /* seconds over every day */
	int64_t secs[TS_DAYS_MAX];  /* seconds per day */
};

struct ts_grid {
	int ndays;
	struct tm day[TS_DAYS_MAX]; /* each day's local date (its midnight) */
	int64_t day_total[TS_DAYS_MAX];
	int64_t total;
	int nrows;
	struct ts_row row[TS_ROWS_MAX];
	bool decimal; /* times as decimal hours, "7.08" for 7:05 (the
	                 setting hours); false from ts_grid_new */
};

/*
 * A grid of the days [bounds[i], bounds[i+1]) for i < nbounds - 1 (local
 * midnights in zone, as cmd_day_bounds makes them), without rows. NULL
 * when nbounds is not 2 to TS_DAYS_MAX + 1, a bound has no local date,
 * or memory ran out. The caller frees it with ts_grid_free.
 */
struct ts_grid *ts_grid_new(const char *zone, const int64_t *bounds,
                            int nbounds);

/* Frees g (NULL is fine). */
void ts_grid_free(struct ts_grid *g);

/*
 * Appends a row named name (borrowed; cut to TS_NAME_MAX - 1 bytes) in
 * the order rows are listed, unless g has one of that name; past
 * TS_ROWS_MAX - 1 rows the name joins the last row, "(N more)".
 */
void ts_grid_row(struct ts_grid *g, const char *name);

/*
 * Adds secs to day of the row named name, or to the last, "(N more)",
 * when name has none (ts_grid_row made the rows beforehand). Days out of
 * range and secs <= 0 are left out.
 */
void ts_grid_add(struct ts_grid *g, int day, const char *name, int64_t secs);

/* "Mo" for wday 1: a day's two letters in a column header or label
 * (struct tm's tm_wday, 0 is Sunday). Static. */
const char *ts_weekday(int wday);

/* Sums the rows from keep - 1 on into one "(N more)" row when g has
 * more than keep rows (keep >= 1). */
void ts_grid_fold(struct ts_grid *g, int keep);

/*
 * Appends the timesheet of g to out, one line after another, each ending
 * "\n", for a preformatted block: per week (Monday to Sunday, parts of
 * weeks at the ends of the period) a header of weekdays and dates, each
 * project with time that week on a line of its own and its hours per day
 * and in all on the next line, then a Total row. A grid of more than one
 * week has each week's dates above it and a blank line between weeks.
 * Cells read "7:05" (hours:minutes), "·" for none; a name wider than
 * TS_WIDTH is cut with "…". Every line is at most TS_WIDTH columns while
 * no project has 10 hours or more in a day (such a column is wider by
 * one).
 */
void ts_render(const struct ts_grid *g, struct text *out);

/* The weeks ts_render makes of g (1 for a week or less). */
int ts_weeks(const struct ts_grid *g);

/*
 * Appends "Total 38h 15m: acme 30h 00m, globex 8h 15m" for the whole
 * grid (durations as fmt_duration writes them), for under a timesheet
 * of several weeks.
 */
void ts_render_totals(const struct ts_grid *g, struct text *out);

/* What the chart's bars stand for. */
enum chart_kind {
	CHART_DAYS,  /* a bar per day: "Mo 30" */
	CHART_WEEKS, /* a bar per week, named by its first day: "30 Nov" */
	CHART_ROWS   /* a bar per row of the grid (a project), in its order */
};

/* The width of the longest bar, in character cells. */
#define CHART_BAR_CELLS 20

/*
 * Appends the chart of g to out, a line per bar, each ending "\n", for a
 * preformatted block: "Mo 30 ████████▌           7h 05m". The longest
 * bar fills CHART_BAR_CELLS cells and the others are scaled to it, to an
 * eighth of a cell (▏▎▍▌▋▊▉█), rounded; time too short for an eighth
 * still shows one. A bar without time is empty and its total "–". Row
 * names are cut with "…" to keep every line within TS_WIDTH columns.
 */
void chart_render(const struct ts_grid *g, enum chart_kind kind,
                  struct text *out);

/* ---- commands/export_timesheet.c: the grid as a file ---- */

/*
 * The timesheet of g as CSV (RFC 4180, CRLF): a header
 * "project,2026-11-30,...,total", a row per project with its hours per
 * day and in all (decimal, two digits: "7.08"), a last row "Total". Into
 * out (which bounds it); 0, or -1 when it did not fit or memory ran out.
 */
int ts_csv(const struct ts_grid *g, const char *zone, struct text *out);

/*
 * The timesheet of g as iCalendar (RFC 5545): per day with time an
 * all-day event (DTSTART;VALUE=DATE) whose summary names the projects
 * and their time, "acme 3h 00m, globex 1h 30m", and its description the
 * day's total. Each UID is made of owner, origin (the bot's JID, as
 * export_begin takes it), scope (the filter, "" for none) and the date,
 * so that a second export of a day updates its event. 0, or -1 as
 * ts_csv.
 */
int ts_ical(const struct ts_grid *g, const char *zone, int64_t now,
            const char *owner, const char *origin, const char *scope,
            struct text *out);

#endif
