/*
 * commands/chart.c - the chart of a grid (timesheet.h): a bar of block
 * characters per day, week or project, scaled to the longest, with its
 * time at the end of the line. Plain Unicode text in a preformatted
 * block, so every client shows it; pure, like the timesheet.
 */
#include "timesheet.h"

#include <stdio.h>
#include <string.h>

#include "format.h"
#include "../lib/utf8.h"

/* The eighths of a cell, from one eighth to a full block. */
static const char *const eighth[8] = { "▏", "▎", "▍", "▌",
	                                   "▋", "▊", "▉", "█" };

/* A chart has at most a bar per row or per day. */
#define BARS_MAX (TS_DAYS_MAX > TS_ROWS_MAX ? TS_DAYS_MAX : TS_ROWS_MAX)

/* Room for a label: a name cut to TS_WIDTH columns. */
#define LABEL_MAX (TS_WIDTH * 4 + sizeof("…"))

static const char *const month3[12] = { "Jan", "Feb", "Mar", "Apr",
	                                    "May", "Jun", "Jul", "Aug",
	                                    "Sep", "Oct", "Nov", "Dec" };

struct bars {
	int n;
	char label[BARS_MAX][LABEL_MAX];
	int64_t secs[BARS_MAX];
};

/* Appends the bar of secs against max: CHART_BAR_CELLS cells always. */
static void
bar(struct text *out, int64_t secs, int64_t max)
{
	int64_t e = 0; /* eighths of a cell */
	int cells = 0;

	if (secs > 0 && max > 0) {
		/* secs <= max, so this is at most 8 * CHART_BAR_CELLS; the
		 * product cannot overflow for any time a store holds. */
		e = (secs * 8 * CHART_BAR_CELLS + max / 2) / max;
		if (e == 0)
			e = 1;
	}
	for (; e >= 8; e -= 8, cells++)
		text_printf(out, "%s", eighth[7]);
	if (e > 0) {
		text_printf(out, "%s", eighth[e - 1]);
		cells++;
	}
	text_printf(out, "%*s", CHART_BAR_CELLS - cells, "");
}

/* The weeks of g: a bar each, named by its first day, " 7 Dec". */
static void
weeks(const struct ts_grid *g, struct bars *b)
{
	int d;

	for (d = 0; d < g->ndays; d++) {
		if (b->n == 0 || g->day[d].tm_wday == 1) {
			if (b->n == BARS_MAX)
				break;
			snprintf(b->label[b->n], sizeof(b->label[0]), "%2d %s",
			         g->day[d].tm_mday % 100,
			         month3[g->day[d].tm_mon % 12]);
			b->secs[b->n++] = 0;
		}
		b->secs[b->n - 1] += g->day_total[d];
	}
}

static void
collect(const struct ts_grid *g, enum chart_kind kind, struct bars *b)
{
	int i;

	b->n = 0;
	if (kind == CHART_WEEKS) {
		weeks(g, b);
		return;
	}
	if (kind == CHART_ROWS) {
		for (i = 0; i < g->nrows; i++) {
			snprintf(b->label[i], sizeof(b->label[0]), "%s",
			         g->row[i].name);
			b->secs[i] = g->row[i].total;
		}
		b->n = g->nrows;
		return;
	}
	for (i = 0; i < g->ndays; i++) {
		snprintf(b->label[i], sizeof(b->label[0]), "%s %2d",
		         ts_weekday(g->day[i].tm_wday), g->day[i].tm_mday % 100);
		b->secs[i] = g->day_total[i];
	}
	b->n = g->ndays;
}

/* Cuts b's labels to cols columns, "…" at the end of a cut one. */
static void
cut_labels(struct bars *b, size_t cols)
{
	char tmp[LABEL_MAX];
	size_t len;
	int i;

	for (i = 0; i < b->n; i++) {
		if (fmt_width(b->label[i]) <= cols)
			continue;
		len = utf8_skip(b->label[i], cols - 1);
		snprintf(tmp, sizeof(tmp), "%.*s…", (int)len, b->label[i]);
		memcpy(b->label[i], tmp, sizeof(tmp));
	}
}

void
chart_render(const struct ts_grid *g, enum chart_kind kind, struct text *out)
{
	static struct bars b; /* large; commands run one at a time */
	char dur[BARS_MAX][FMT_DURATION_MAX];
	size_t lw = 0, dw = 0, room;
	int64_t max = 0;
	int i;

	collect(g, kind, &b);
	for (i = 0; i < b.n; i++) {
		if (b.secs[i] > max)
			max = b.secs[i];
		if (b.secs[i] > 0)
			fmt_worked(g->decimal, b.secs[i], dur[i], sizeof(dur[i]));
		else
			snprintf(dur[i], sizeof(dur[i]), "–");
		if (fmt_width(dur[i]) > dw)
			dw = fmt_width(dur[i]);
	}
	/* What is left of TS_WIDTH for a label: the bar and its time take
	 * the rest, a space before each; never less than a few columns. */
	room = TS_WIDTH > CHART_BAR_CELLS + dw + 2 + 4 ?
	       TS_WIDTH - CHART_BAR_CELLS - dw - 2 : 4;
	cut_labels(&b, room);
	for (i = 0; i < b.n; i++)
		if (fmt_width(b.label[i]) > lw)
			lw = fmt_width(b.label[i]);
	for (i = 0; i < b.n; i++) {
		size_t w = fmt_width(b.label[i]), v = fmt_width(dur[i]);

		text_printf(out, "%s%*s ", b.label[i], (int)(lw - w), "");
		bar(out, b.secs[i], max);
		text_printf(out, " %*s%s\n", (int)(dw - v), "", dur[i]);
	}
}
