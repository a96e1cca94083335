/*
 * commands/export_html.h - a period's time as one HTML page to look at:
 * the totals, a bar chart per day and one per project (inline SVG), the
 * timesheet table and, where rates apply, the amounts.
 *
 * The page is self-contained: its CSS and SVG are inline, it has no
 * script and names no other resource (no font, image or link), so it
 * opens the same in any browser, offline, from a chat client's download
 * folder. Pure functions over the timesheet's grid (timesheet.h), which
 * the caller fills (commands/cmd_export_html.c); uses lib/ and format.h,
 * reads nothing.
 */
#ifndef TIMMY_EXPORT_HTML_H
#define TIMMY_EXPORT_HTML_H

#include <stdbool.h>

#include "timesheet.h"
#include "../lib/text.h"

/* "text/html", and the file name's extension. */
#define HTML_MIME "text/html"
#define HTML_EXT "html"

/* Room for money as the page shows it, with its currency: a rate,
 * "80.00 EUR/h", or a row's amounts, "12,345.50 EUR, 300.00 USD", in as
 * many currencies as billing.h's BILLING_CELL_MAX holds. */
#define HTML_MONEY_MAX 168

/*
 * The amounts of a period where rates apply: a row per project with a
 * rate, and their total, as commands/cmd_export_html.c fills them from
 * the report's amounts (commands/billing.h). The texts are written by the caller, currency and all, so that this
 * page knows nothing of money; every text is escaped here.
 */
struct html_amount_row {
	char name[TS_NAME_MAX];     /* the project */
	char rate[HTML_MONEY_MAX];  /* "80.00 EUR/h" */
	char amount[HTML_MONEY_MAX]; /* "1,326.67 EUR" */
};

struct html_amounts {
	int nrows;                   /* 0: no amounts section */
	struct html_amount_row row[TS_ROWS_MAX];
	char total[HTML_MONEY_MAX];  /* "1,506.67 EUR"; "" for none */
};

/* What one page shows. Everything borrowed for the call. */
struct html_page {
	const struct ts_grid *g;   /* the projects by days */
	const char *heading;       /* whose time and when, as a report's
	                              heading: "alice@example.org, this
	                              week, Mon 30 Nov – Sun 6 Dec 2026" */
	const char *note;          /* how times are counted ("Rounded up to
	                              15 min per entry."); NULL or "": none */
	bool decimal;              /* hours as decimals (the setting hours) */
	const struct html_amounts *amounts; /* NULL or no rows: none */
};

/*
 * Appends s (NULL: nothing) to out with & < > " and ' escaped as HTML
 * character references, so that it is text in an element or in a quoted
 * attribute value, never markup. The only escaping the page uses.
 */
void html_escape(struct text *out, const char *s);

/*
 * Appends the page p describes to out (which bounds it): an HTML5
 * document with a title and heading, the total and each project's with
 * its share, an SVG bar per day (the longest day full height; each rect
 * with data-day and data-seconds, and a <title> such as "Mon 30 Nov:
 * 7h 05m"), an SVG bar per project (data-project, data-seconds), the
 * table of projects by days with totals both ways, and the amounts when
 * there are any. A grid without time still makes a whole page that says
 * so. Returns 0, or -1 when out could not hold it (out->truncated).
 */
int html_page(const struct html_page *p, struct text *out);

#endif
