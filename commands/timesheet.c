/*
 * commands/timesheet.c - the grid of projects by days (timesheet.h), and
 * the timesheet a chat shows of it: a table of weeks folded to fit a
 * phone screen.
 *
 * Why the layout is what it is: seven day columns of "7:05" and a total
 * column take 40 columns alone, so a project's name cannot stand before
 * its hours on one line of a phone; it goes on a line of its own above
 * them, where it may take the whole width.
 */
#include "timesheet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "../lib/tz.h"
#include "../lib/utf8.h"

/* Day columns are at least this wide: "7:05". */
#define CELL_MIN 4

/* Room for a cell: "123456:59". */
#define CELL_MAX 24

/* Room for a name cut to TS_WIDTH columns, 4 bytes a character. */
#define FIT_MAX (TS_WIDTH * 4 + sizeof("…"))

const char *
ts_weekday(int wday)
{
	static const char *const names[7] = { "Su", "Mo", "Tu", "We",
		                                  "Th", "Fr", "Sa" };

	return names[(wday % 7 + 7) % 7];
}

struct ts_grid *
ts_grid_new(const char *zone, const int64_t *bounds, int nbounds)
{
	struct ts_grid *g;
	int i;

	if (bounds == NULL || nbounds < 2 || nbounds > TS_DAYS_MAX + 1)
		return NULL;
	if ((g = calloc(1, sizeof(*g))) == NULL)
		return NULL;
	g->ndays = nbounds - 1;
	for (i = 0; i < g->ndays; i++)
		if (tz_local(zone, bounds[i], &g->day[i]) != 0) {
			free(g);
			return NULL;
		}
	return g;
}

void
ts_grid_free(struct ts_grid *g)
{
	free(g);
}

static int
find_row(const struct ts_grid *g, const char *name)
{
	int i;

	for (i = 0; i < g->nrows; i++)
		if (g->row[i].count == 1 && strcmp(g->row[i].name, name) == 0)
			return i;
	return -1;
}

/* Names row r "(N more)" after its count. */
static void
name_more(struct ts_row *r)
{
	snprintf(r->name, sizeof(r->name), "(%d more)", r->count);
}

void
ts_grid_row(struct ts_grid *g, const char *name)
{
	struct ts_row *r;

	if (find_row(g, name) >= 0)
		return;
	if (g->nrows < TS_ROWS_MAX) {
		r = &g->row[g->nrows++];
		snprintf(r->name, sizeof(r->name), "%s", name);
		r->count = 1;
		return;
	}
	r = &g->row[TS_ROWS_MAX - 1];
	r->count++;
	name_more(r);
}

void
ts_grid_add(struct ts_grid *g, int day, const char *name, int64_t secs)
{
	int r = find_row(g, name);

	if (day < 0 || day >= g->ndays || secs <= 0)
		return;
	/* A name not listed yet gets a row while there is room; once the
	 * rows are full it is one of the "(N more)", counted when listed. */
	if (r < 0 && g->nrows < TS_ROWS_MAX) {
		ts_grid_row(g, name);
		r = g->nrows - 1;
	}
	if (r < 0)
		r = g->nrows - 1;
	g->row[r].secs[day] += secs;
	g->row[r].total += secs;
	g->day_total[day] += secs;
	g->total += secs;
}

void
ts_grid_fold(struct ts_grid *g, int keep)
{
	struct ts_row *last;
	int i, d;

	if (keep < 1 || g->nrows <= keep)
		return;
	last = &g->row[keep - 1];
	for (i = keep; i < g->nrows; i++) {
		for (d = 0; d < g->ndays; d++)
			last->secs[d] += g->row[i].secs[d];
		last->total += g->row[i].total;
		last->count += g->row[i].count;
	}
	g->nrows = keep;
	name_more(last);
}

/* "7:05": seconds as hours and minutes (cut, as fmt_duration cuts), or
 * with decimal "7.08" (fmt_hours), as wide. */
static void
cell(bool decimal, int64_t secs, char *buf, size_t n)
{
	if (secs <= 0)
		snprintf(buf, n, "·");
	else if (decimal)
		fmt_hours(secs, buf, n);
	else
		snprintf(buf, n, "%lld:%02lld", (long long)(secs / 3600),
		         (long long)(secs % 3600 / 60));
}

/* name, cut to cols columns with "…" when wider, into buf (FIT_MAX). */
static void
fit(const char *name, size_t cols, char *buf, size_t n)
{
	size_t len;

	if (fmt_width(name) <= cols) {
		snprintf(buf, n, "%s", name);
		return;
	}
	len = utf8_skip(name, cols - 1);
	snprintf(buf, n, "%.*s…", (int)len, name);
}

/* Appends s right-aligned in a column of width cols. */
static void
pad_right(struct text *out, const char *s, size_t cols)
{
	size_t w = fmt_width(s);

	text_printf(out, "%*s%s", w < cols ? (int)(cols - w) : 0, "", s);
}

/* The next week's first day after day a: the next Monday, or the end. */
static int
week_end(const struct ts_grid *g, int a)
{
	int d = a + 1;

	while (d < g->ndays && g->day[d].tm_wday != 1)
		d++;
	return d;
}

int
ts_weeks(const struct ts_grid *g)
{
	int a, n = 0;

	for (a = 0; a < g->ndays; a = week_end(g, a))
		n++;
	return n;
}

/* A row's seconds in days [a, b). */
static int64_t
row_sum(const struct ts_row *r, int a, int b)
{
	int64_t s = 0;

	for (; a < b; a++)
		s += r->secs[a];
	return s;
}

/* One week, days [a, b): the widths of its columns, then its lines. */
struct week {
	int a, b;
	size_t width[8]; /* the day columns, then the total column */
	int64_t total;
	bool decimal;    /* the grid's */
};

/* Widens the column of w at i to hold the cell of secs. */
static void
widen(struct week *w, int i, int64_t secs)
{
	char c[CELL_MAX];

	cell(w->decimal, secs, c, sizeof(c));
	if (fmt_width(c) > w->width[i])
		w->width[i] = fmt_width(c);
}

static void
measure(const struct ts_grid *g, struct week *w)
{
	int r, d, nd = w->b - w->a;

	w->total = 0;
	for (d = 0; d < nd; d++) {
		w->width[d] = CELL_MIN;
		widen(w, d, g->day_total[w->a + d]);
		w->total += g->day_total[w->a + d];
		for (r = 0; r < g->nrows; r++)
			widen(w, d, g->row[r].secs[w->a + d]);
	}
	w->width[nd] = strlen("Total");
	widen(w, nd, w->total);
	for (r = 0; r < g->nrows; r++)
		widen(w, nd, row_sum(&g->row[r], w->a, w->b));
}

/* A line of cells: secs[0..nd) in the day columns, then total. A
 * column but the first has a space before it. */
static void
cells_line(struct text *out, const struct week *w, const int64_t *secs,
           int64_t total)
{
	char c[CELL_MAX];
	int d, nd = w->b - w->a;

	for (d = 0; d < nd; d++) {
		cell(w->decimal, secs[w->a + d], c, sizeof(c));
		if (d > 0)
			text_append(out, " ", 1);
		pad_right(out, c, w->width[d]);
	}
	cell(w->decimal, total, c, sizeof(c));
	text_append(out, " ", 1);
	pad_right(out, c, w->width[nd]);
	text_append(out, "\n", 1);
}

/* The two header lines: weekdays and "Total", then the days' dates. */
static void
header(const struct ts_grid *g, const struct week *w, struct text *out)
{
	char num[8];
	int d, nd = w->b - w->a;

	for (d = 0; d < nd; d++) {
		if (d > 0)
			text_append(out, " ", 1);
		pad_right(out, ts_weekday(g->day[w->a + d].tm_wday), w->width[d]);
	}
	text_append(out, " ", 1);
	pad_right(out, "Total", w->width[nd]);
	text_append(out, "\n", 1);
	for (d = 0; d < nd; d++) {
		snprintf(num, sizeof(num), "%d", g->day[w->a + d].tm_mday % 100);
		if (d > 0)
			text_append(out, " ", 1);
		pad_right(out, num, w->width[d]);
	}
	text_append(out, "\n", 1);
}

static void
render_week(const struct ts_grid *g, struct week *w, struct text *out)
{
	char name[FIT_MAX];
	int r;

	measure(g, w);
	header(g, w, out);
	for (r = 0; r < g->nrows; r++) {
		int64_t sum = row_sum(&g->row[r], w->a, w->b);

		if (sum == 0)
			continue;
		fit(g->row[r].name, TS_WIDTH, name, sizeof(name));
		text_printf(out, "%s\n", name);
		cells_line(out, w, g->row[r].secs, sum);
	}
	text_printf(out, "Total\n");
	cells_line(out, w, g->day_total, w->total);
}

void
ts_render(const struct ts_grid *g, struct text *out)
{
	char d1[FMT_DAY_MAX], d2[FMT_DAY_MAX];
	bool several = ts_weeks(g) > 1;
	struct week w;

	w.decimal = g->decimal;
	for (w.a = 0; w.a < g->ndays; w.a = w.b) {
		w.b = week_end(g, w.a);
		if (several) {
			fmt_day(&g->day[w.a], d1, sizeof(d1));
			fmt_day(&g->day[w.b - 1], d2, sizeof(d2));
			text_printf(out, "%s%s – %s\n", w.a > 0 ? "\n" : "", d1, d2);
		}
		render_week(g, &w, out);
	}
}

void
ts_render_totals(const struct ts_grid *g, struct text *out)
{
	char dur[FMT_DURATION_MAX];
	int r;

	fmt_worked(g->decimal, g->total, dur, sizeof(dur));
	text_printf(out, "Total %s", dur);
	for (r = 0; r < g->nrows; r++) {
		fmt_worked(g->decimal, g->row[r].total, dur, sizeof(dur));
		text_printf(out, "%s %s %s", r == 0 ? ":" : ",", g->row[r].name,
		            dur);
	}
}
