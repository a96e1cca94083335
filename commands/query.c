/*
 * commands/query.c - what a report, export or log looks at: a period,
 * projects and tags to keep, and for reports how to group.
 *
 *   [RANGE] [PROJECT|"a phrase"|+tag ...] [by day|by project|by tag]
 *
 * The period defaults to the caller's choice (today for report and log,
 * this month for export). Projects are alternatives, tags must all be
 * present (struct store_filter).
 */
#include "cmd_int.h"

#include <stdio.h>
#include <string.h>

#include "../lib/tz.h"

static int
read_by(const struct cmd_args *args, int i, struct cmd_query *q,
        struct text *reply)
{
	static const struct {
		const char *word;
		enum cmd_by by;
	} groups[] = {
		{ "day", BY_DAY },         { "days", BY_DAY },
		{ "project", BY_PROJECT }, { "projects", BY_PROJECT },
		{ "tag", BY_TAG },         { "tags", BY_TAG },
	};
	size_t g;

	if (i + 1 < args->argc)
		for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
			if (cmd_is(args->argv[i + 1], groups[g].word)) {
				q->by = groups[g].by;
				return 0;
			}
	text_printf(reply, "Group by day, by project or by tag. Example: %s "
	                   "week by day", args->word);
	return -1;
}

int
cmd_read_query(const struct cmd_ctx *ctx, const struct cmd_args *args,
               int first, enum tz_period dflt, unsigned flags,
               struct cmd_query *q, struct text *reply)
{
	struct tp_ctx c = cmd_tp(ctx);
	int i = first, used = 0;
	enum tp_rc rc = TP_NOMATCH;

	memset(q, 0, sizeof(*q));
	q->by = BY_DEFAULT;
	if (i < args->argc && !args->quoted[i])
		rc = tp_range(&c, args->argv + i, args->argc - i, &used, &q->from,
		              &q->to, q->label, sizeof(q->label), reply);
	if (rc == TP_BAD)
		return -1;
	if (rc == TP_OK) {
		i += used;
	} else {
		tz_period(ctx->tz, dflt, ctx->now, &q->from, &q->to);
		snprintf(q->label, sizeof(q->label), "%s",
		         dflt == TZ_TODAY ? "today" :
		         dflt == TZ_WEEK ? "this week" : "this month");
	}

	for (; i < args->argc; i++) {
		const char *w = args->argv[i];

		if ((flags & QUERY_BY) && !args->quoted[i] && cmd_is(w, "by")) {
			if (read_by(args, i, q, reply) != 0)
				return -1;
			i++;
		} else if (!args->quoted[i] && w[0] == '+') {
			if (cmd_tag_ok(w + 1, reply) != 0)
				return -1;
			if (q->filter.ntags == STORE_FILTER_MAX)
				goto too_many;
			q->filter.tags[q->filter.ntags++] = w + 1;
		} else {
			if (cmd_project_ok(w, args->quoted[i], reply) != 0) {
				text_clear(reply);
				text_printf(reply, "\"%s\" is neither a period nor a "
				                   "project. Periods: today, week, last "
				                   "month, mon..wed, 2026-11-01..2026-11-15; "
				                   "a project with a space goes in "
				                   "quotes.", w);
				return -1;
			}
			if (q->filter.nprojects == STORE_FILTER_MAX)
				goto too_many;
			q->filter.projects[q->filter.nprojects++] = w;
		}
	}
	return 0;
too_many:
	text_printf(reply, "At most %d projects and %d tags at once.",
	            STORE_FILTER_MAX, STORE_FILTER_MAX);
	return -1;
}

void
cmd_say_filter(const struct cmd_query *q, struct text *out)
{
	int i;

	if (q->filter.nprojects == 0 && q->filter.ntags == 0)
		return;
	text_printf(out, " (");
	for (i = 0; i < q->filter.nprojects; i++)
		text_printf(out, "%s%s", i ? " or " : "", q->filter.projects[i]);
	for (i = 0; i < q->filter.ntags; i++)
		text_printf(out, "%s+%s", i || q->filter.nprojects ? " " : "",
		            q->filter.tags[i]);
	text_printf(out, ")");
}

int
cmd_unknown_project(const struct cmd_ctx *ctx, const struct cmd_query *q,
                    struct text *reply)
{
	int i;

	/* One entry of the project is enough to know it: counting them all
	 * (as a filtered listing does) read a whole project's history on the
	 * event loop, 1,000,000 entries for a busy one. */
	for (i = 0; i < q->filter.nprojects; i++) {
		if (store_project_used(ctx->st, ctx->owner,
		                       q->filter.projects[i]) != STORE_NOTFOUND)
			continue;
		text_clear(reply);
		if (q->user != NULL)
			text_printf(reply, "\"%s\" is neither a period nor one of "
			                   "%s's projects. Periods: today, week, last "
			                   "month, mon..wed, 2026-11-01..2026-11-15.",
			            q->filter.projects[i], q->user);
		else
			text_printf(reply, "\"%s\" is neither a period nor one of "
			                   "your projects. Periods: today, week, last "
			                   "month, mon..wed, 2026-11-01..2026-11-15; "
			                   "\"projects\" lists yours.",
			            q->filter.projects[i]);
		return 1;
	}
	return 0;
}
