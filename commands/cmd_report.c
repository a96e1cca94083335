/*
 * commands/cmd_report.c - report: totals per project for a period.
 *
 * The sums come from SQL (store_totals groups and clips to the period);
 * this file only lays them out as an aligned table.
 */
#include "cmd_int.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "format.h"
#include "tz.h"

/* The periods "report" knows, by the word that names them. */
static const struct {
	const char *word;
	enum tz_period period;
	const char *empty; /* how "nothing recorded" names the period */
} periods[] = {
	{ "today", TZ_TODAY, "today" },
	{ "day", TZ_TODAY, "today" },
	{ "week", TZ_WEEK, "this week" },
	{ "month", TZ_MONTH, "this month" },
};

/* Rows collected from store_totals; a report lists at most this many
 * projects and sums the rest into one line. */
#define REPORT_ROWS_MAX 50

struct report_rows {
	char project[REPORT_ROWS_MAX][STORE_PROJECT_MAX + 1];
	int64_t secs[REPORT_ROWS_MAX];
	int n;
	int64_t other_secs; /* projects past REPORT_ROWS_MAX */
	int others;
	int64_t total;
};

static void
collect(const char *project, int64_t secs, void *arg)
{
	struct report_rows *r = arg;

	r->total += secs;
	if (r->n < REPORT_ROWS_MAX) {
		snprintf(r->project[r->n], sizeof(r->project[0]), "%s", project);
		r->secs[r->n++] = secs;
	} else {
		r->other_secs += secs;
		r->others++;
	}
}

/* "Today, Wed 25 Nov 2026", "This week, 23–29 Nov 2026", "November 2026". */
static void
heading(struct text *reply, const char *zone, enum tz_period p,
        int64_t from, int64_t to)
{
	struct tm a, b;
	char s[64], e[64];

	if (tz_local(zone, from, &a) != 0 || tz_local(zone, to - 1, &b) != 0)
		return;
	switch (p) {
	case TZ_TODAY:
		strftime(s, sizeof(s), "%a %d %b %Y", &a);
		text_printf(reply, "Today, %s:", s);
		break;
	case TZ_WEEK:
		strftime(s, sizeof(s), a.tm_mon == b.tm_mon ? "%a %d" : "%a %d %b", &a);
		strftime(e, sizeof(e), "%a %d %b %Y", &b);
		text_printf(reply, "This week, %s – %s:", s, e);
		break;
	case TZ_MONTH:
		strftime(s, sizeof(s), "%B %Y", &a);
		text_printf(reply, "%s:", s);
		break;
	}
}

/* One row: the name padded to width columns, then the duration. */
static void
row(struct text *reply, const char *name, size_t width, int64_t secs)
{
	char dur[FMT_DURATION_MAX];
	size_t w = fmt_width(name);
	int pad = w < width ? (int)(width - w) : 0;

	fmt_duration(secs, dur, sizeof(dur));
	text_printf(reply, "\n%s%*s  %7s", name, pad, "", dur);
}

enum cmd_status
cmd_report(const struct cmd_ctx *ctx, const struct cmd_args *args,
           struct text *reply)
{
	struct report_rows r;
	const char *word = args->argc ? args->argv[0] : "today";
	size_t i, p, width = strlen("Total");
	int64_t from, to;
	char lower[16];

	for (i = 0; word[i] && i + 1 < sizeof(lower); i++)
		lower[i] = (char)tolower((unsigned char)word[i]);
	lower[i] = '\0';
	for (p = 0; p < sizeof(periods) / sizeof(periods[0]); p++)
		if (strcmp(lower, periods[p].word) == 0)
			break;
	if (p == sizeof(periods) / sizeof(periods[0])) {
		text_printf(reply, "I can report today, week or month. "
		                   "Example: report week");
		return CMD_REFUSED;
	}

	tz_period(ctx->tz, periods[p].period, ctx->now, &from, &to);
	memset(&r, 0, sizeof(r));
	if (store_totals(ctx->st, ctx->owner, from, to, ctx->now, collect, &r) !=
	    STORE_OK)
		return cmd_store_failed(reply, 0);
	if (r.n == 0) {
		text_printf(reply, "No time recorded %s.", periods[p].empty);
		return CMD_OK;
	}

	for (i = 0; i < (size_t)r.n; i++)
		if (fmt_width(r.project[i]) > width)
			width = fmt_width(r.project[i]);
	heading(reply, ctx->tz, periods[p].period, from, to);
	for (i = 0; i < (size_t)r.n; i++)
		row(reply, r.project[i], width, r.secs[i]);
	if (r.others) {
		char name[48];

		snprintf(name, sizeof(name), "(%d more)", r.others);
		row(reply, name, width, r.other_secs);
	}
	row(reply, "Total", width, r.total);
	return CMD_OK;
}
