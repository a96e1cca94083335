/*
 * commands/cmd_timesheet.c - timesheet, chart and export timesheet: a
 * period's time per project and day, as a table, as bars, as a file.
 *
 * The sums come from the store as a report's do (store_report: day
 * buckets, split at local midnight, a running timer up to now; with the
 * user's setting rounding, store_report_rounded, each entry's part in
 * each day rounded as reports round it), in the user's setting hours; the
 * layout is commands/timesheet.c's and commands/chart.c's, pure
 * functions of the grid filled here. Only reads.
 */
#include "cmd_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "export.h"
#include "format.h"
#include "prefs.h"
#include "rounding.h"
#include "timesheet.h"

/* A timesheet in chat lists this many rows, the last "(N more)" when
 * there are more projects: ten weeks of ten rows fit in one reply. */
#define TS_CHAT_ROWS 10

/* The longest period a timesheet in chat covers: nine weeks of tables. */
#define TS_CHAT_DAYS 62

/* A chart of more days than this has a bar per week: a month and a half
 * of days is as many lines as a phone scrolls comfortably. */
#define CHART_DAYS_MAX 45

static void
order_row(int bucket, const char *key, int64_t secs, void *arg)
{
	(void)bucket;
	(void)secs;
	ts_grid_row(arg, key);
}

static void
add_cell(int bucket, const char *key, int64_t secs, void *arg)
{
	ts_grid_add(arg, bucket, key, secs);
}

/*
 * The grid of q's days in ctx's zone, rows grouped by by, into *out (the
 * caller frees it with ts_grid_free). Its rows come in the order of a
 * report of the whole period (most time first, then by name), so a
 * project keeps its place in every week. With r on (NULL: off), each
 * entry's part in each day is rounded on its own, as a rounded report
 * counts it (store_report_rounded, never from the rollup). CMD_OK, else
 * the reply says why.
 */
enum cmd_status
cmd_ts_load(const struct cmd_ctx *ctx, const struct cmd_query *q,
            enum store_group by, const struct rounding *r,
            struct ts_grid **out, struct text *reply)
{
	static int64_t bounds[STORE_BUCKETS_MAX + 1];
	struct ts_grid *g;
	store_rc rc;
	int nb;

	*out = NULL;
	if ((nb = cmd_day_bounds(ctx->tz, q, bounds)) < 0) {
		text_printf(reply, "That period is too long: at most %d days.",
		            STORE_BUCKETS_MAX);
		return CMD_REFUSED;
	}
	if ((g = ts_grid_new(ctx->tz, bounds, nb)) == NULL) {
		text_printf(reply, "Sorry, I am short of memory. Please try again.");
		return CMD_FAILED;
	}
	/* The order first, the whole period summed as a report sums it. */
	rc = cmd_report_sums(ctx, r, bounds, nb, false, by, &q->filter,
	                     order_row, g);
	if (rc == STORE_OK)
		rc = cmd_report_sums(ctx, r, bounds, nb, true, by, &q->filter,
		                     add_cell, g);
	if (rc != STORE_OK) {
		ts_grid_free(g);
		return cmd_store_failed(reply, 0);
	}
	*out = g;
	return CMD_OK;
}

enum cmd_status
cmd_ts_none(const struct cmd_ctx *ctx, const struct cmd_query *q,
         const char *after, struct text *reply)
{
	if (cmd_unknown_project(ctx, q, reply))
		return CMD_REFUSED;
	text_printf(reply, "No time recorded %s", q->label);
	if (q->user != NULL)
		text_printf(reply, " for %s", q->user);
	cmd_say_filter(q, reply);
	text_printf(reply, "%s.", after);
	return CMD_OK;
}

/*
 * cmd_ts_load as the user's reports count (ctx is theirs: cmd_for_user):
 * each entry's part in each day rounded by their setting rounding, the
 * grid's times in their setting hours; how gets what a heading says of
 * the rounding (ROUNDING_TEXT_MAX bytes; "" for none).
 */
static enum cmd_status
load_as_reports(const struct cmd_ctx *ctx, const struct cmd_query *q,
                enum store_group by, struct ts_grid **out, char *how,
                struct text *reply)
{
	struct prefs p;
	enum cmd_status rc;

	how[0] = '\0';
	if (prefs_load(ctx->st, ctx->owner, ctx->prefs, &p) != STORE_OK)
		return cmd_store_failed(reply, 0);
	if ((rc = cmd_ts_load(ctx, q, by, &p.rounding, out, reply)) != CMD_OK)
		return rc;
	(*out)->decimal = p.hours_decimal;
	rounding_say(&p.rounding, how, ROUNDING_TEXT_MAX);
	return CMD_OK;
}

/* "This week, Mon 30 Nov – Sun 6 Dec 2026 (acme)", the rounding (how),
 * then more and ":". */
static void
heading(const struct cmd_ctx *ctx, const struct cmd_query *q,
        const char *how, const char *more, struct text *reply)
{
	fmt_heading_of(reply, q->user, ctx->tz, q->label, q->from, q->to);
	cmd_say_filter(q, reply);
	if (how[0] != '\0')
		text_printf(reply, ", %s", how);
	text_printf(reply, "%s:", more);
}

static enum cmd_status
timesheet(const struct cmd_ctx *ctx, const struct cmd_args *args,
          const char *user, struct text *reply)
{
	char how[ROUNDING_TEXT_MAX];
	struct ts_grid *g;
	struct cmd_query q;
	enum cmd_status rc;

	if (cmd_read_query(ctx, args, 0, TZ_WEEK, 0, &q, reply) != 0)
		return CMD_REFUSED;
	q.user = user;
	if ((rc = load_as_reports(ctx, &q, STORE_BY_PROJECT, &g, how,
	                          reply)) != CMD_OK)
		return rc;
	if (g->ndays > TS_CHAT_DAYS) {
		text_printf(reply, "A timesheet in chat covers at most %d days "
		                   "(%s has %d). \"export timesheet csv %s\" sends "
		                   "it as a file; \"chart %s\" draws it.",
		            TS_CHAT_DAYS, q.label, g->ndays, q.label, q.label);
		ts_grid_free(g);
		return CMD_REFUSED;
	}
	if (g->total == 0) {
		ts_grid_free(g);
		return cmd_ts_none(ctx, &q, "", reply);
	}
	ts_grid_fold(g, TS_CHAT_ROWS);
	heading(ctx, &q, how, "", reply);
	text_printf(reply, "\n```\n");
	ts_render(g, reply);
	text_printf(reply, "```");
	if (ts_weeks(g) > 1) {
		text_printf(reply, "\n");
		ts_render_totals(g, reply);
	}
	ts_grid_free(g);
	return CMD_OK;
}

enum cmd_status
cmd_timesheet(const struct cmd_ctx *ctx, const struct cmd_args *args,
              struct text *reply)
{
	return cmd_for_user(ctx, args, timesheet, reply);
}

static enum cmd_status
chart(const struct cmd_ctx *ctx, const struct cmd_args *args,
      const char *user, struct text *reply)
{
	char dur[FMT_DURATION_MAX], tag[TS_NAME_MAX], how[ROUNDING_TEXT_MAX];
	struct ts_grid *g;
	struct cmd_query q;
	enum cmd_status rc;
	enum chart_kind kind = CHART_DAYS;
	enum store_group by = STORE_BY_NONE;
	int r;

	if (cmd_read_query(ctx, args, 0, TZ_WEEK, QUERY_BY, &q, reply) != 0)
		return CMD_REFUSED;
	q.user = user;
	if (q.by == BY_PROJECT || q.by == BY_TAG) {
		kind = CHART_ROWS;
		by = q.by == BY_TAG ? STORE_BY_TAG : STORE_BY_PROJECT;
	}
	if ((rc = load_as_reports(ctx, &q, by, &g, how, reply)) != CMD_OK)
		return rc;
	if (g->total == 0) {
		ts_grid_free(g);
		return cmd_ts_none(ctx, &q, "", reply);
	}
	if (kind == CHART_DAYS && g->ndays > CHART_DAYS_MAX)
		kind = CHART_WEEKS;
	/* By tag the rows are tags, "+design", and the time without a tag
	 * (store_report's key "") "(no tag)", as report by tag says. */
	for (r = 0; by == STORE_BY_TAG && r < g->nrows; r++) {
		if (g->row[r].count != 1)
			continue;
		memcpy(tag, g->row[r].name, sizeof(tag));
		if (tag[0] == '\0')
			snprintf(g->row[r].name, sizeof(g->row[r].name), "(no tag)");
		else
			snprintf(g->row[r].name, sizeof(g->row[r].name), "+%.*s",
			         (int)sizeof(tag) - 2, tag);
	}
	heading(ctx, &q, how, kind == CHART_WEEKS ? ", a bar per week" : "",
	        reply);
	text_printf(reply, "\n```\n");
	chart_render(g, kind, reply);
	text_printf(reply, "```");
	/* By tag an entry with two tags has two bars: the total is the
	 * entries' time, not the sum of the bars. */
	if (by != STORE_BY_TAG) {
		fmt_worked(g->decimal, g->total, dur, sizeof(dur));
		text_printf(reply, "\nTotal %s", dur);
	}
	ts_grid_free(g);
	return CMD_OK;
}

enum cmd_status
cmd_chart(const struct cmd_ctx *ctx, const struct cmd_args *args,
          struct text *reply)
{
	return cmd_for_user(ctx, args, chart, reply);
}

void
cmd_ts_file_name(const struct ts_grid *g, const char *kind, const char *ext,
                 char *buf, size_t n)
{
	char d1[16], d2[16];

	strftime(d1, sizeof(d1), "%Y-%m-%d", &g->day[0]);
	strftime(d2, sizeof(d2), "%Y-%m-%d", &g->day[g->ndays - 1]);
	if (g->ndays == 1)
		snprintf(buf, n, "timmy-%s-%s.%s", kind, d1, ext);
	else
		snprintf(buf, n, "timmy-%s-%s_%s.%s", kind, d1, d2, ext);
}

/*
 * Reads "[timesheet] [csv|ical]" (either order) from the words' start
 * into *fmt; returns the first word after them, or -1 with why when the
 * format is JSON.
 */
static int
read_words(const struct cmd_args *args, enum export_format *fmt,
           struct text *reply)
{
	bool ts = false, f = false;
	int i = 0;

	*fmt = EXPORT_CSV;
	while (i < args->argc && !args->quoted[i]) {
		if (!ts && cmd_is(args->argv[i], "timesheet"))
			ts = true;
		else if (!f && export_format_parse(args->argv[i], fmt) == 0)
			f = true;
		else
			break;
		i++;
	}
	if (*fmt == EXPORT_JSON) {
		text_printf(reply, "A timesheet comes as csv or ical. Example: "
		                   "export timesheet csv last month");
		return -1;
	}
	return i;
}

/* export timesheet [csv|ical] [RANGE] [PROJECT|+tag ...] of user's time
 * (NULL: the sender's own), the file to the sender. */
enum cmd_status
cmd_timesheet_export(const struct cmd_ctx *ctx, const struct cmd_args *args,
                     const char *user, struct text *reply)
{
	char name[sizeof(((struct cmd_file *)0)->name)], how[ROUNDING_TEXT_MAX];
	struct text body, scope;
	enum export_format fmt;
	struct ts_grid *g;
	struct cmd_query q;
	enum cmd_status rc;
	int first, made;

	if ((first = read_words(args, &fmt, reply)) < 0)
		return CMD_REFUSED;
	if (cmd_read_query(ctx, args, first, TZ_MONTH, 0, &q, reply) != 0)
		return CMD_REFUSED;
	q.user = user;
	if ((rc = load_as_reports(ctx, &q, STORE_BY_PROJECT, &g, how,
	                          reply)) != CMD_OK)
		return rc;
	if (g->total == 0) {
		ts_grid_free(g);
		return cmd_ts_none(ctx, &q, "; nothing to export", reply);
	}
	text_init(&body, CMD_FILE_MAX);
	text_init(&scope, CMD_REPLY_MAX);
	cmd_say_filter(&q, &scope);
	made = fmt == EXPORT_ICAL ?
	       ts_ical(g, ctx->tz, ctx->now, ctx->owner, ctx->bot_jid,
	               text_str(&scope), &body) :
	       ts_csv(g, ctx->tz, &body);
	text_free(&scope);
	if (made != 0) {
		text_free(&body);
		ts_grid_free(g);
		text_printf(reply, "Sorry, that timesheet did not fit in a file "
		                   "(at most %d MiB). Ask for a shorter period.",
		            CMD_FILE_MAX / (1024 * 1024));
		return CMD_REFUSED;
	}
	cmd_ts_file_name(g, "timesheet", export_ext(fmt), name, sizeof(name));
	text_printf(reply, "Timesheet of %s", q.label);
	if (user != NULL)
		text_printf(reply, " for %s", user);
	cmd_say_filter(&q, reply);
	if (how[0] != '\0')
		text_printf(reply, ", %s", how);
	text_printf(reply, ": %d %s over %d %s as %s.", g->nrows,
	            g->nrows == 1 ? "project" : "projects", g->ndays,
	            g->ndays == 1 ? "day" : "days", name);
	ts_grid_free(g);
	if (ctx->file == NULL) {
		/* No file slot: the content comes inline, after the summary. */
		text_printf(reply, "\n%s", text_str(&body));
		text_free(&body);
		return CMD_OK;
	}
	cmd_file_free(ctx->file);
	ctx->file->present = true;
	snprintf(ctx->file->name, sizeof(ctx->file->name), "%s", name);
	ctx->file->mime = export_mime(fmt);
	ctx->file->body = body; /* taken */
	return CMD_OK;
}
