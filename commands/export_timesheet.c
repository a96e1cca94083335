/*
 * commands/export_timesheet.c - a timesheet's grid (timesheet.h) as a
 * file: CSV with a column per day, or iCalendar with an all-day event
 * per day. The export writer (export_int.h) does the quoting, escaping,
 * folding and bounding that every export file has.
 */
#include "timesheet.h"

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "export_int.h"
#include "format.h"
#include "../lib/civil.h"

/* "2026-11-30" (iso) or "20261130" (RFC 5545's DATE): tm's date into buf
 * (at least 16 bytes). */
static void
date_of(const struct tm *tm, bool iso, char *buf, size_t n)
{
	if ((iso ? strftime(buf, n, "%Y-%m-%d", tm)
	         : strftime(buf, n, "%Y%m%d", tm)) == 0)
		snprintf(buf, n, "?");
}

/* The date after tm, "20261201", whatever the zone's clocks do. */
static void
next_date(const struct tm *tm, char *buf, size_t n)
{
	int64_t days = civil_days_from(tm->tm_year + 1900, tm->tm_mon + 1,
	                               tm->tm_mday) + 1;
	time_t t = (time_t)(days * 86400);
	struct tm next;

	if (gmtime_r(&t, &next) == NULL) {
		snprintf(buf, n, "00000000");
		return;
	}
	date_of(&next, false, buf, n);
}

/* One CSV row: name, then secs per day and total as hours. */
static void
csv_row(struct export_writer *w, const struct ts_grid *g, const char *name,
        const int64_t *secs, int64_t total)
{
	struct text *row = &w->row;
	int d;

	export_csv_cell(w, name);
	for (d = 0; d < g->ndays; d++) {
		text_append(row, ",", 1);
		export_hours(row, secs[d]);
	}
	text_append(row, ",", 1);
	export_hours(row, total);
	text_append(row, "\r\n", 2);
	export_table_row(w);
}

int
ts_csv(const struct ts_grid *g, const char *zone, struct text *out)
{
	struct export_writer *w;
	char date[16];
	int d, r;

	if ((w = export_begin_table(EXPORT_CSV, zone, 0, NULL, out)) == NULL)
		return -1;
	text_append(&w->row, "project", 7);
	for (d = 0; d < g->ndays; d++) {
		date_of(&g->day[d], true, date, sizeof(date));
		text_printf(&w->row, ",%s", date);
	}
	text_append(&w->row, ",total\r\n", 8);
	export_table_row(w);
	for (r = 0; r < g->nrows; r++)
		csv_row(w, g, g->row[r].name, g->row[r].secs, g->row[r].total);
	csv_row(w, g, "Total", g->day_total, g->total);
	return export_end(w);
}

/* "acme 3h 00m, globex 1h 30m": the rows with time on day d. */
static void
day_summary(const struct ts_grid *g, int d, struct text *out)
{
	char dur[FMT_DURATION_MAX];
	int r, n = 0;

	for (r = 0; r < g->nrows; r++) {
		if (g->row[r].secs[d] <= 0)
			continue;
		fmt_worked(g->decimal, g->row[r].secs[d], dur, sizeof(dur));
		text_printf(out, "%s%s %s", n++ ? ", " : "", g->row[r].name, dur);
	}
}

int
ts_ical(const struct ts_grid *g, const char *zone, int64_t now,
        const char *owner, const char *origin, const char *scope,
        struct text *out)
{
	char date[16], next[16], dur[FMT_DURATION_MAX];
	struct text summary, description;
	struct export_writer *w;
	int d;

	if ((w = export_begin_table(EXPORT_ICAL, zone, now, origin, out)) ==
	    NULL)
		return -1;
	text_init(&summary, 4096);
	text_init(&description, 256);
	for (d = 0; d < g->ndays && !export_full(w); d++) {
		if (g->day_total[d] <= 0)
			continue;
		text_clear(&summary);
		text_clear(&description);
		day_summary(g, d, &summary);
		fmt_worked(g->decimal, g->day_total[d], dur, sizeof(dur));
		text_printf(&description, "Total %s", dur);
		date_of(&g->day[d], false, date, sizeof(date));
		next_date(&g->day[d], next, sizeof(next));
		export_ical_day(w, owner, scope, date, next, text_str(&summary),
		                text_str(&description));
		export_table_row(w);
	}
	text_free(&summary);
	text_free(&description);
	return export_end(w);
}
