/*
 * commands/export_html.c - the page of export_html.h: a period's time as
 * one self-contained HTML5 document.
 *
 * Why it is built as it is: the file is opened from a chat client's
 * download, perhaps offline, perhaps on a phone, perhaps printed. So
 * everything is inline (CSS in <style>, charts as <svg>), nothing is
 * fetched, there is no script, and the layout is one narrow column
 * (max-width, system fonts, tables that scroll sideways on a phone).
 * Inline SVG in HTML5 needs no xmlns, so the page holds no URL at all.
 * The bars carry their seconds (data-seconds) so that a test, or a
 * reader's tool, can check them against the data.
 *
 * Pure: the grid is the caller's (commands/cmd_export_html.c fills it as
 * the timesheet does); durations are format.h's, day names timesheet.h's.
 */
#include "export_html.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "format.h"

/* The charts' coordinates (SVG user units; the svg scales to the page's
 * width). A bar per day stands in [PLOT_X, PLOT_X + PLOT_W) x [PLOT_TOP,
 * PLOT_TOP + PLOT_H); the longest is PLOT_H high. */
#define VIEW_W 700
#define DAYS_H 230
#define PLOT_X 56
#define PLOT_W (VIEW_W - PLOT_X - 10)
#define PLOT_TOP 16
#define PLOT_H 170
#define BASE_Y (PLOT_TOP + PLOT_H)

/* A bar per project: its name above it, its time after it; the longest
 * is ROW_BAR_W wide. */
#define ROW_H 36
#define ROW_BAR_W 560

/* Up to this many days each has its weekday and date under its bar; up
 * to LABEL_MONDAYS the Mondays their date; beyond, the 1sts of months. */
#define LABEL_ALL 14
#define LABEL_MONDAYS 62

/* Room for a cell's or a label's text. */
#define CELL_MAX (FMT_DURATION_MAX + FMT_DAY_MAX)

static const char style[] =
	"body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,"
	"sans-serif;max-width:60rem;margin:0 auto;padding:1rem;"
	"color:#1d2733;background:#fff;line-height:1.4}\n"
	"h1{font-size:1.4rem;margin:0 0 .25rem}\n"
	"h2{font-size:1.1rem;margin:1.75rem 0 .5rem;padding-bottom:.2rem;"
	"border-bottom:1px solid #d5dbe3}\n"
	"p{margin:.25rem 0}\n"
	".note,.none,footer{color:#55616e}\n"
	".total{font-size:2rem;font-weight:600}\n"
	"table{border-collapse:collapse;font-variant-numeric:tabular-nums}\n"
	"th,td{padding:.3rem .6rem;text-align:right;white-space:nowrap;"
	"border-bottom:1px solid #e6eaef}\n"
	"th:first-child{text-align:left;font-weight:normal}\n"
	"thead th,tfoot th,tfoot td{font-weight:600}\n"
	"tfoot th,tfoot td{border-top:2px solid #9aa6b2;border-bottom:0}\n"
	".scroll{overflow-x:auto}\n"
	"svg{display:block;width:100%;height:auto}\n"
	"svg text{font-size:12px;fill:#55616e;"
	"font-variant-numeric:tabular-nums}\n"
	".bar{fill:#3b6ea5}\n"
	".axis{stroke:#9aa6b2;stroke-width:1}\n"
	"footer{margin-top:2rem;font-size:.85rem}\n"
	"@media print{body{max-width:none;padding:0}"
	"section{break-inside:avoid}.bar{fill:#333}}\n";

void
html_escape(struct text *out, const char *s)
{
	const char *run;

	for (run = s; s != NULL && *s != '\0'; s++) {
		const char *ref;

		switch (*s) {
		case '&': ref = "&amp;"; break;
		case '<': ref = "&lt;"; break;
		case '>': ref = "&gt;"; break;
		case '"': ref = "&quot;"; break;
		case '\'': ref = "&#39;"; break;
		default: continue;
		}
		text_append(out, run, (size_t)(s - run));
		text_printf(out, "%s", ref);
		run = s + 1;
	}
	if (run != NULL)
		text_append(out, run, strlen(run));
}

/* secs as the setting hours asks ("7h 05m", "7.08 h") into buf. */
static void
worked(const struct html_page *p, int64_t secs, char *buf, size_t n)
{
	fmt_worked(p->decimal, secs, buf, n);
}

/* A table cell's time: "·" for none, else "7h 05m" or "7.08" (the
 * column says hours). */
static void
cell(const struct html_page *p, int64_t secs, char *buf, size_t n)
{
	if (secs <= 0)
		snprintf(buf, n, "·");
	else if (p->decimal)
		fmt_hours(secs, buf, n);
	else
		fmt_duration(secs, buf, n);
}

/* The page's head: title, character set, viewport and style. */
static void
head(const struct html_page *p, struct text *out)
{
	text_printf(out, "<!doctype html>\n<html lang=\"en\">\n<head>\n"
	                 "<meta charset=\"utf-8\">\n"
	                 "<meta name=\"viewport\" content=\"width=device-width, "
	                 "initial-scale=1\">\n<title>Time report: ");
	html_escape(out, p->heading);
	text_printf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n",
	            style);
	text_printf(out, "<header>\n<h1>Time report</h1>\n<p>");
	html_escape(out, p->heading);
	text_printf(out, "</p>\n");
	if (p->note != NULL && p->note[0] != '\0') {
		text_printf(out, "<p class=\"note\">");
		html_escape(out, p->note);
		text_printf(out, "</p>\n");
	}
	text_printf(out, "</header>\n");
}

/* The period's total, and each project's with its share of it. */
static void
totals(const struct html_page *p, struct text *out)
{
	const struct ts_grid *g = p->g;
	char dur[FMT_DURATION_MAX];
	int r;

	worked(p, g->total, dur, sizeof(dur));
	text_printf(out, "<section>\n<h2>Total</h2>\n"
	                 "<p class=\"total\">%s</p>\n", dur);
	text_printf(out, "<table class=\"projects\">\n<thead><tr>"
	                 "<th scope=\"col\">Project</th><th scope=\"col\">Time"
	                 "</th><th scope=\"col\">Share</th></tr></thead>\n"
	                 "<tbody>\n");
	for (r = 0; r < g->nrows; r++) {
		worked(p, g->row[r].total, dur, sizeof(dur));
		text_printf(out, "<tr><th scope=\"row\">");
		html_escape(out, g->row[r].name);
		text_printf(out, "</th><td>%s</td><td>%lld%%</td></tr>\n", dur,
		            (long long)((g->row[r].total * 100 + g->total / 2) /
		                        g->total));
	}
	text_printf(out, "</tbody>\n</table>\n</section>\n");
}

/* The label under day d's bar, "" for none (see LABEL_ALL): its date,
 * and for a short period its weekday, in line (first) and line 2. */
static void
day_label(const struct ts_grid *g, int d, char *first, char *second,
          size_t n)
{
	const struct tm *tm = &g->day[d];
	char day[FMT_DAY_MAX];

	first[0] = second[0] = '\0';
	if (g->ndays <= LABEL_ALL) {
		snprintf(first, n, "%s", ts_weekday(tm->tm_wday));
		snprintf(second, n, "%d", tm->tm_mday);
	} else if ((g->ndays <= LABEL_MONDAYS && (d == 0 || tm->tm_wday == 1)) ||
	           d == 0 || tm->tm_mday == 1) {
		/* "Mon 30 Nov" without its weekday */
		fmt_day(tm, day, sizeof(day));
		snprintf(first, n, "%s", strchr(day, ' ') ? strchr(day, ' ') + 1
		                                          : day);
	}
}

/* The bar of day d, its seconds against the longest day's, max. */
static void
day_bar(const struct html_page *p, int d, int64_t max, struct text *out)
{
	const struct ts_grid *g = p->g;
	char date[16], day[FMT_DAY_MAX], dur[FMT_DURATION_MAX];
	char l1[CELL_MAX], l2[CELL_MAX];
	double slot = (double)PLOT_W / g->ndays;
	double x = PLOT_X + d * slot + slot * 0.15, h = 0;
	int64_t secs = g->day_total[d];

	if (max > 0)
		h = (double)secs * PLOT_H / (double)max;
	if (strftime(date, sizeof(date), "%Y-%m-%d", &g->day[d]) == 0)
		snprintf(date, sizeof(date), "?");
	fmt_day(&g->day[d], day, sizeof(day));
	worked(p, secs, dur, sizeof(dur));
	text_printf(out, "<rect class=\"bar\" x=\"%.2f\" y=\"%.2f\" "
	                 "width=\"%.2f\" height=\"%.2f\" data-day=\"%s\" "
	                 "data-seconds=\"%lld\"><title>%s: %s</title></rect>\n",
	            x, BASE_Y - h, slot * 0.7, h, date, (long long)secs, day,
	            dur);
	day_label(g, d, l1, l2, sizeof(l1));
	if (l1[0] != '\0')
		text_printf(out, "<text x=\"%.2f\" y=\"%d\" text-anchor=\"middle\""
		                 ">%s</text>\n", x + slot * 0.35, BASE_Y + 16, l1);
	if (l2[0] != '\0')
		text_printf(out, "<text x=\"%.2f\" y=\"%d\" text-anchor=\"middle\""
		                 ">%s</text>\n", x + slot * 0.35, BASE_Y + 32, l2);
}

/* The chart of the days: a bar each, scaled to the longest. */
static void
days_chart(const struct html_page *p, struct text *out)
{
	const struct ts_grid *g = p->g;
	char dur[FMT_DURATION_MAX];
	int64_t max = 0;
	int d;

	for (d = 0; d < g->ndays; d++)
		if (g->day_total[d] > max)
			max = g->day_total[d];
	worked(p, max, dur, sizeof(dur));
	text_printf(out, "<section>\n<h2>Per day</h2>\n"
	                 "<svg class=\"days\" viewBox=\"0 0 %d %d\" role=\"img\" "
	                 "aria-label=\"Time per day\">\n", VIEW_W, DAYS_H);
	text_printf(out, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" "
	                 "y2=\"%d\"/>\n", PLOT_X, BASE_Y, PLOT_X + PLOT_W, BASE_Y);
	text_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s"
	                 "</text>\n<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0"
	                 "</text>\n", PLOT_X - 6, PLOT_TOP + 4, dur, PLOT_X - 6,
	            BASE_Y + 4);
	for (d = 0; d < g->ndays; d++)
		day_bar(p, d, max, out);
	text_printf(out, "</svg>\n</section>\n");
}

/* The chart of the projects: a bar each, in the grid's order. */
static void
rows_chart(const struct html_page *p, struct text *out)
{
	const struct ts_grid *g = p->g;
	char dur[FMT_DURATION_MAX];
	int64_t max = 0;
	int r;

	for (r = 0; r < g->nrows; r++)
		if (g->row[r].total > max)
			max = g->row[r].total;
	text_printf(out, "<section>\n<h2>Per project</h2>\n"
	                 "<svg class=\"projects\" viewBox=\"0 0 %d %d\" "
	                 "role=\"img\" aria-label=\"Time per project\">\n",
	            VIEW_W, g->nrows * ROW_H + 4);
	for (r = 0; r < g->nrows; r++) {
		const struct ts_row *row = &g->row[r];
		double w = max > 0 ? (double)row->total * ROW_BAR_W / (double)max
		                   : 0;
		int y = r * ROW_H;

		worked(p, row->total, dur, sizeof(dur));
		text_printf(out, "<text x=\"0\" y=\"%d\">", y + 13);
		html_escape(out, row->name);
		text_printf(out, "</text>\n<rect class=\"bar\" x=\"0\" y=\"%d\" "
		                 "width=\"%.2f\" height=\"14\" data-project=\"",
		            y + 18, w);
		html_escape(out, row->name);
		text_printf(out, "\" data-seconds=\"%lld\"><title>",
		            (long long)row->total);
		html_escape(out, row->name);
		text_printf(out, ": %s</title></rect>\n<text x=\"%.2f\" y=\"%d\">"
		                 "%s</text>\n", dur, w + 6, y + 30, dur);
	}
	text_printf(out, "</svg>\n</section>\n");
}

/* One row of the table: its name (a th), secs per day, then total. */
static void
table_row(const struct html_page *p, const char *name, const int64_t *secs,
          int64_t total, struct text *out)
{
	char c[CELL_MAX];
	int d;

	text_printf(out, "<tr><th scope=\"row\">");
	html_escape(out, name);
	text_printf(out, "</th>");
	for (d = 0; d < p->g->ndays; d++) {
		cell(p, secs[d], c, sizeof(c));
		text_printf(out, "<td>%s</td>", c);
	}
	cell(p, total, c, sizeof(c));
	text_printf(out, "<td>%s</td></tr>\n", c);
}

/* The timesheet: projects by days, with totals both ways; each day's
 * header as the chat timesheet's, "Mo" over "30". */
static void
sheet(const struct html_page *p, struct text *out)
{
	const struct ts_grid *g = p->g;
	int d, r;

	text_printf(out, "<section>\n<h2>Timesheet%s</h2>\n<div class=\"scroll\">"
	                 "\n<table class=\"sheet\">\n<thead><tr><th scope=\"col\">"
	                 "Project</th>", p->decimal ? " (hours)" : "");
	for (d = 0; d < g->ndays; d++)
		text_printf(out, "<th scope=\"col\">%s<br>%d</th>",
		            ts_weekday(g->day[d].tm_wday), g->day[d].tm_mday);
	text_printf(out, "<th scope=\"col\">Total</th></tr></thead>\n<tbody>\n");
	for (r = 0; r < g->nrows; r++)
		table_row(p, g->row[r].name, g->row[r].secs, g->row[r].total, out);
	text_printf(out, "</tbody>\n<tfoot>\n");
	table_row(p, "Total", g->day_total, g->total, out);
	text_printf(out, "</tfoot>\n</table>\n</div>\n</section>\n");
}

/* The amounts, when the caller has any (export_html.h). */
static void
amounts(const struct html_amounts *a, struct text *out)
{
	int r;

	text_printf(out, "<section>\n<h2>Amounts</h2>\n<table class=\"amounts\">"
	                 "\n<thead><tr><th scope=\"col\">Project</th>"
	                 "<th scope=\"col\">Rate</th><th scope=\"col\">Amount"
	                 "</th></tr></thead>\n<tbody>\n");
	for (r = 0; r < a->nrows && r < TS_ROWS_MAX; r++) {
		text_printf(out, "<tr><th scope=\"row\">");
		html_escape(out, a->row[r].name);
		text_printf(out, "</th><td>");
		html_escape(out, a->row[r].rate);
		text_printf(out, "</td><td>");
		html_escape(out, a->row[r].amount);
		text_printf(out, "</td></tr>\n");
	}
	text_printf(out, "</tbody>\n");
	if (a->total[0] != '\0') {
		text_printf(out, "<tfoot><tr><th scope=\"row\">Total</th><td></td>"
		                 "<td>");
		html_escape(out, a->total);
		text_printf(out, "</td></tr></tfoot>\n");
	}
	text_printf(out, "</table>\n</section>\n");
}

int
html_page(const struct html_page *p, struct text *out)
{
	head(p, out);
	if (p->g->total <= 0) {
		text_printf(out, "<p class=\"none\">No time recorded in this "
		                 "period.</p>\n");
	} else {
		totals(p, out);
		days_chart(p, out);
		rows_chart(p, out);
		sheet(p, out);
	}
	if (p->amounts != NULL && p->amounts->nrows > 0)
		amounts(p->amounts, out);
	text_printf(out, "<footer>Made by timmy.</footer>\n</body>\n</html>\n");
	return out->truncated ? -1 : 0;
}
