/*
 * commands/cmd_report.c - report: totals per project for a period.
 *
 * The sums come from SQL (store_totals groups and clips to the period);
 * this file only lays them out as an aligned table.
 */
#include "cmd_int.h"

#include <stdio.h>
#include <string.h>

#include "format.h"
#include "tz.h"

/* A table lists at most this many rows and sums the rest into one line. */
#define TABLE_ROWS_MAX 50

struct table {
	char name[TABLE_ROWS_MAX][STORE_PROJECT_MAX + 2]; /* room for a + */
	int64_t secs[TABLE_ROWS_MAX];
	int n;
	int64_t other_secs; /* rows past TABLE_ROWS_MAX */
	int others;
	int64_t total;
	const char *prefix; /* "" for projects, "+" for tags */
};

static void
collect(const char *name, int64_t secs, void *arg)
{
	struct table *t = arg;

	t->total += secs;
	if (t->n < TABLE_ROWS_MAX) {
		snprintf(t->name[t->n], sizeof(t->name[0]), "%s%s", t->prefix, name);
		t->secs[t->n++] = secs;
	} else {
		t->other_secs += secs;
		t->others++;
	}
}

/* One row: the name padded to width columns, then the duration. */
static void
row(struct text *out, const char *name, size_t width, int64_t secs)
{
	char dur[FMT_DURATION_MAX];
	size_t w = fmt_width(name);
	int pad = w < width ? (int)(width - w) : 0;

	fmt_duration(secs, dur, sizeof(dur));
	text_printf(out, "\n%s%*s  %7s", name, pad, "", dur);
}

/* Appends the rows of t, and a Total line when total_line. */
static void
print_table(struct text *out, const struct table *t, bool total_line)
{
	size_t width = total_line ? strlen("Total") : 0;
	char more[48];
	int i;

	snprintf(more, sizeof(more), "(%d more)", t->others);
	for (i = 0; i < t->n; i++)
		if (fmt_width(t->name[i]) > width)
			width = fmt_width(t->name[i]);
	for (i = 0; i < t->n; i++)
		row(out, t->name[i], width, t->secs[i]);
	if (t->others)
		row(out, more, width, t->other_secs);
	if (total_line)
		row(out, "Total", width, t->total);
}

enum cmd_status
cmd_report(const struct cmd_ctx *ctx, const struct cmd_args *args,
           struct text *reply)
{
	static struct table t; /* large; commands run one at a time */
	int64_t from, to;
	char label[80];

	if (cmd_read_range(ctx, args, &from, &to, label, sizeof(label),
	                   reply) != 0)
		return CMD_REFUSED;

	memset(&t, 0, sizeof(t));
	t.prefix = "";
	if (store_totals(ctx->st, ctx->owner, from, to, ctx->now, collect, &t) !=
	    STORE_OK)
		return cmd_store_failed(reply, 0);
	if (t.n == 0) {
		text_printf(reply, "No time recorded %s.", label);
		return CMD_OK;
	}
	fmt_heading(reply, ctx->tz, label, from, to);
	print_table(reply, &t, true);
	return CMD_OK;
}

/* projects and tags: every name, with this month's totals. */
static enum cmd_status
names(const struct cmd_ctx *ctx, bool tags, struct text *reply)
{
	static struct table t;
	int64_t from, to;
	store_rc rc;

	memset(&t, 0, sizeof(t));
	t.prefix = tags ? "+" : "";
	tz_period(ctx->tz, TZ_MONTH, ctx->now, &from, &to);
	rc = tags ? store_tags(ctx->st, ctx->owner, from, to, ctx->now, collect, &t)
	          : store_projects(ctx->st, ctx->owner, from, to, ctx->now,
	                           collect, &t);
	if (rc != STORE_OK)
		return cmd_store_failed(reply, 0);
	if (t.n == 0) {
		text_printf(reply, tags ? "No tags yet. Add some when you start: "
		                          "start acme +design"
		                        : "No projects yet. Start one: start acme");
		return CMD_OK;
	}
	text_printf(reply, "%s, with this month's time:",
	            tags ? "Your tags" : "Your projects");
	print_table(reply, &t, false);
	return CMD_OK;
}

enum cmd_status
cmd_projects(const struct cmd_ctx *ctx, const struct cmd_args *args,
             struct text *reply)
{
	(void)args;
	return names(ctx, false, reply);
}

enum cmd_status
cmd_tags(const struct cmd_ctx *ctx, const struct cmd_args *args,
         struct text *reply)
{
	(void)args;
	return names(ctx, true, reply);
}

enum cmd_status
cmd_rename(const struct cmd_ctx *ctx, const struct cmd_args *args,
           struct text *reply)
{
	char label[STORE_LABEL_MAX];
	const char *old = args->argv[1], *new_name = args->argv[2];
	int64_t n = 0;
	store_rc rc;

	if (!cmd_is(args->argv[0], "project")) {
		text_printf(reply, "I can rename projects: rename project OLD NEW");
		return CMD_REFUSED;
	}
	if (cmd_project_ok(new_name, args->quoted[2], reply) != 0)
		return CMD_REFUSED;
	snprintf(label, sizeof(label), "rename %s to %s", old, new_name);
	if (store_begin_change(ctx->st, ctx->owner, label, ctx->now) != STORE_OK)
		return cmd_store_failed(reply, 1);
	rc = store_rename_project(ctx->st, ctx->owner, old, new_name, &n);
	if (rc == STORE_NOTFOUND) {
		store_rollback(ctx->st);
		text_printf(reply, "You have no project \"%s\". \"projects\" lists "
		                   "them.", old);
		return CMD_REFUSED;
	}
	if (rc != STORE_OK || store_commit(ctx->st) != STORE_OK) {
		store_rollback(ctx->st);
		return cmd_store_failed(reply, 1);
	}
	text_printf(reply, "Renamed %s to %s in %lld %s.", old, new_name,
	            (long long)n, n == 1 ? "entry" : "entries");
	return CMD_OK;
}
