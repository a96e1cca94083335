/*
 * commands/cmd_report.c - report: totals per project (or tag, or day) for
 * a period.
 *
 * The sums come from SQL (store_report groups and clips to the period;
 * store_report_rounded when the user's setting rounding asks for each
 * entry to be rounded); this file only lays them out as an aligned
 * table, in hours and minutes or decimal hours (the setting hours).
 */
#include "cmd_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "billing.h"
#include "format.h"
#include "prefs.h"
#include "team.h"
#include "../lib/tz.h"

/* A table lists at most this many rows and sums the rest into one line
 * (a year by day fits). */
#define TABLE_ROWS_MAX 400

struct table {
	/* room for a + or a project's " (team web)" */
	char name[TABLE_ROWS_MAX][STORE_PROJECT_MAX + TEAM_MARK_MAX];
	int64_t secs[TABLE_ROWS_MAX];
	int n;
	int64_t other_secs; /* rows past TABLE_ROWS_MAX */
	int others;
	int64_t total;
	/* By tag: the time of the entries without a tag (store_report's key
	 * ""), a row of its own after the tags. */
	bool by_tag;
	int64_t untagged;
	const char *prefix; /* "" for projects, "+" for tags */
	const char *zone;   /* for naming day buckets */
	const int64_t *bounds;
	bool decimal;       /* durations as decimal hours (setting hours) */
	/* The day bucket of each row (by day), and what its time is billed
	 * at ("" when nothing: billing_report.c). */
	int bucket[TABLE_ROWS_MAX];
	char amount[TABLE_ROWS_MAX][BILLING_CELL_MAX];
};

static void
add_row(struct table *t, const char *name, int64_t secs)
{
	t->total += secs;
	if (t->n < TABLE_ROWS_MAX) {
		snprintf(t->name[t->n], sizeof(t->name[0]), "%s%s", t->prefix, name);
		t->secs[t->n++] = secs;
	} else {
		t->other_secs += secs;
		t->others++;
	}
}

static void
collect(const char *name, int64_t secs, void *arg)
{
	add_row(arg, name, secs);
}

/* store_report rows: keyed rows as they are, day buckets by their date. */
static void
collect_bucket(int bucket, const char *key, int64_t secs, void *arg)
{
	struct table *t = arg;
	char day[32];
	struct tm tm;

	if (t->by_tag && key[0] == '\0') {
		t->untagged += secs;
		return;
	}
	if (key[0] != '\0' || t->bounds == NULL) {
		add_row(t, key, secs);
		return;
	}
	if (tz_local(t->zone, t->bounds[bucket], &tm) == 0)
		fmt_day(&tm, day, sizeof(day));
	else
		snprintf(day, sizeof(day), "day %d", bucket + 1);
	add_row(t, day, secs);
	if (t->n > 0)
		t->bucket[t->n - 1] = bucket;
}

/* One row of t: the name padded to width columns, then the duration. */
static void
row(struct text *out, const struct table *t, const char *name, size_t width,
    int64_t secs)
{
	char dur[FMT_DURATION_MAX];
	size_t w = fmt_width(name);
	int pad = w < width ? (int)(width - w) : 0;

	fmt_worked(t->decimal, secs, dur, sizeof(dur));
	text_printf(out, "\n%s%*s  %7s", name, pad, "", dur);
}

/* The row of the time without a tag in a report by tag. */
static const char untagged_name[] = "(no tag)";

/* Appends the rows of t (by tag, "(no tag)" after the tags), and a line
 * total_name with total when total_name is not NULL. */
static void
print_table(struct text *out, const struct table *t, const char *total_name,
            int64_t total)
{
	size_t width = total_name ? fmt_width(total_name) : 0, awidth = 0;
	char more[48];
	int i;

	snprintf(more, sizeof(more), "(%d more)", t->others);
	for (i = 0; i < t->n; i++)
		if (fmt_width(t->name[i]) > width)
			width = fmt_width(t->name[i]);
	if (t->untagged > 0 && fmt_width(untagged_name) > width)
		width = fmt_width(untagged_name);
	for (i = 0; i < t->n; i++)
		if (strlen(t->amount[i]) > awidth)
			awidth = strlen(t->amount[i]);
	for (i = 0; i < t->n; i++) {
		row(out, t, t->name[i], width, t->secs[i]);
		if (t->amount[i][0] != '\0')
			text_printf(out, "  %*s", (int)awidth, t->amount[i]);
	}
	if (t->others)
		row(out, t, more, width, t->other_secs);
	if (t->untagged > 0)
		row(out, t, untagged_name, width, t->untagged);
	if (total_name)
		row(out, t, total_name, width, total);
}

int
cmd_day_bounds(const char *zone, const struct cmd_query *q, int64_t *bounds)
{
	int n = 0;
	int64_t t = q->from;

	while (t < q->to) {
		if (n == STORE_BUCKETS_MAX)
			return -1;
		bounds[n++] = t;
		if ((t = tz_next_day(zone, t)) < 0)
			return -1;
	}
	bounds[n++] = q->to;
	return n;
}

/* "Per day: Mon 2h 00m, Tue 3h 05m" for a short period (2 to 7 days). */
static void
per_day_line(const struct table *days, struct text *out)
{
	char dur[FMT_DURATION_MAX];
	int i;

	text_printf(out, "\nPer day:");
	for (i = 0; i < days->n; i++) {
		fmt_worked(days->decimal, days->secs[i], dur, sizeof(dur));
		/* "Mon 23 Nov" -> "Mon 23" keeps the line short */
		const char *sp = strchr(days->name[i], ' ');
		int len = sp && strchr(sp + 1, ' ') ?
		          (int)(strchr(sp + 1, ' ') - days->name[i]) :
		          (int)strlen(days->name[i]);

		text_printf(out, "%s %.*s %s", i ? "," : "", len, days->name[i],
		            dur);
	}
}

/*
 * " yet: #3 acme started just now" when an empty report of the sender's own
 * time without filters is empty only because the timer started this very
 * second (a running entry counts up to now, here zero seconds): a bare "No
 * time recorded today" would read as if the start had been lost.
 */
static void
say_just_started(const struct cmd_ctx *ctx, const struct cmd_query *q,
                 struct text *reply)
{
	struct store_entry e;

	if (q->user != NULL || q->filter.nprojects > 0 || q->filter.ntags > 0)
		return;
	if (store_running(ctx->st, ctx->owner, &e) != STORE_OK)
		return;
	if (e.start >= q->from && e.start < q->to)
		text_printf(reply, " yet: #%lld %s started just now",
		            (long long)e.seq, e.project);
}

/*
 * The sums of a report of ctx's owner into cb: store_report's over the
 * days bounds[0..nb) (by_day) or over the whole of them, or with r on,
 * store_report_rounded's over the days, each entry's part in each day
 * rounded on its own (rounding.h), summed into one bucket unless by_day.
 */
store_rc
cmd_report_sums(const struct cmd_ctx *ctx, const struct rounding *r,
                const int64_t *bounds, int nb, bool by_day, enum store_group g,
                const struct store_filter *f, store_report_cb cb, void *arg)
{
	struct store_rounding sr;
	int64_t one[2] = { bounds[0], bounds[nb - 1] };

	if (r == NULL || !rounding_on(r))
		return store_report(ctx->st, ctx->owner, by_day ? bounds : one,
		                    by_day ? nb : 2, ctx->now, g, f, cb, arg);
	sr.unit = (int64_t)r->minutes * 60;
	sr.up = r->up;
	sr.whole = !by_day;
	return store_report_rounded(ctx->st, ctx->owner, bounds, nb, ctx->now,
	                            g, f, &sr, cb, arg);
}

/*
 * By project or by day: the amounts of t's rows (billing.h), of their
 * time as the report shows it (rounded by r), into t->amount, when a
 * rate applies to some of its time; *b then holds them for the billable
 * total (billing_report_free), else it is NULL and the report stays as
 * it is. STORE_OK or the store's failure.
 */
static store_rc
read_amounts(const struct cmd_ctx *ctx, const struct cmd_query *q,
             const struct rounding *r, const int64_t *bounds, int nb,
             struct table *t, struct billing_report **b)
{
	store_rc rc;
	int i;

	*b = NULL;
	if (q->by == BY_TAG)
		return STORE_OK;
	rc = billing_report_read(ctx, q, r, bounds, nb, q->by == BY_DAY, b);
	for (i = 0; rc == STORE_OK && *b != NULL && i < t->n; i++)
		billing_report_cell(*b, t->name[i], t->bucket[i], t->amount[i],
		                    sizeof(t->amount[i]));
	return rc;
}

/* The report of user's data (NULL: the sender's own); ctx is that user's
 * (cmd_for_user), and so are the settings hours and rounding. */
static enum cmd_status
report(const struct cmd_ctx *ctx, const struct cmd_args *args,
       const char *user, struct text *reply)
{
	static struct table t, days; /* large; commands run one at a time */
	static int64_t bounds[STORE_BUCKETS_MAX + 1];
	char how[ROUNDING_TEXT_MAX];
	struct billing_report *bill;
	int64_t total;
	struct cmd_query q;
	struct prefs p;
	enum store_group g;
	bool per_day;
	int nb;

	if (cmd_read_query(ctx, args, 0, TZ_TODAY, QUERY_BY, &q, reply) != 0)
		return CMD_REFUSED;
	if (prefs_load(ctx->st, ctx->owner, ctx->prefs, &p) != STORE_OK)
		return cmd_store_failed(reply, 0);
	q.user = user;
	if ((nb = cmd_day_bounds(ctx->tz, &q, bounds)) < 0) {
		text_printf(reply, "That period is too long for one report: at "
		                   "most %d days.", STORE_BUCKETS_MAX);
		return CMD_REFUSED;
	}
	memset(&t, 0, sizeof(t));
	memset(&days, 0, sizeof(days));
	t.by_tag = q.by == BY_TAG;
	t.prefix = q.by == BY_TAG ? "+" : "";
	t.zone = days.zone = ctx->tz;
	days.prefix = "";
	days.bounds = bounds;
	t.decimal = days.decimal = p.hours_decimal;

	g = q.by == BY_TAG ? STORE_BY_TAG : q.by == BY_DAY ? STORE_BY_NONE
	                                                   : STORE_BY_PROJECT;
	if (q.by == BY_DAY)
		t.bounds = bounds;
	if (cmd_report_sums(ctx, &p.rounding, bounds, nb, q.by == BY_DAY, g,
	                    &q.filter, collect_bucket, &t) != STORE_OK)
		return cmd_store_failed(reply, 0);
	/* The time per day: for the line under a table of a period of 2 to
	 * 7 days, whatever it is grouped by (by day it is the table), and by
	 * tag for the total, which is not the sum of the rows. */
	per_day = q.by != BY_DAY && nb > 2 && nb <= 8;
	if (per_day || q.by == BY_TAG) {
		if (cmd_report_sums(ctx, &p.rounding, bounds, nb, true,
		                    STORE_BY_NONE, &q.filter, collect_bucket,
		                    &days) != STORE_OK)
			return cmd_store_failed(reply, 0);
	}
	if (t.n == 0 && t.untagged == 0) {
		if (cmd_unknown_project(ctx, &q, reply))
			return CMD_REFUSED;
		text_printf(reply, "No time recorded %s", q.label);
		if (user != NULL)
			text_printf(reply, " for %s", user);
		cmd_say_filter(&q, reply);
		say_just_started(ctx, &q, reply);
		text_printf(reply, ".");
		return CMD_OK;
	}
	/* By tag, an entry with two tags shows under both: the total is the
	 * time of the entries, not the sum of the rows. */
	total = q.by == BY_TAG ? days.total : t.total;
	if (read_amounts(ctx, &q, &p.rounding, bounds, nb, &t, &bill) !=
	    STORE_OK)
		return cmd_store_failed(reply, 0);

	fmt_heading_of(reply, user, ctx->tz, q.label, q.from, q.to);
	cmd_say_filter(&q, reply);
	rounding_say(&p.rounding, how, sizeof(how));
	if (how[0] != '\0')
		text_printf(reply, ", %s", how);
	text_printf(reply, ":\n```");
	print_table(reply, &t, "Total", total);
	text_printf(reply, "\n```");
	/* The rows by tag add up to the total, "(no tag)" included, unless
	 * some entry has several tags: then say why they do not. */
	if (q.by == BY_TAG && t.total + t.untagged > total)
		text_printf(reply, "\nAn entry with several tags counts under "
		                   "each of them, so the rows add up to more than "
		                   "the total.");
	if (per_day && days.n > 0)
		per_day_line(&days, reply);
	billing_report_say(bill, total, t.decimal, reply);
	billing_report_free(bill);
	return CMD_OK;
}

/* report, for an admin also of another user; report team. */
enum cmd_status
cmd_report(const struct cmd_ctx *ctx, const struct cmd_args *args,
           struct text *reply)
{
	if (args->argc > 0 && !args->quoted[0] && cmd_is(args->argv[0], "team"))
		return cmd_team_report(ctx, args, 1, reply);
	return cmd_for_user(ctx, args, report, reply);
}

/* projects and tags: every name, with this month's totals. */
static enum cmd_status
names(const struct cmd_ctx *ctx, bool tags, struct text *reply)
{
	static struct table t;
	int64_t from, to;
	struct prefs p;
	store_rc rc;
	int i;

	memset(&t, 0, sizeof(t));
	if (prefs_load(ctx->st, ctx->owner, ctx->prefs, &p) != STORE_OK)
		return cmd_store_failed(reply, 0);
	t.decimal = p.hours_decimal;
	t.prefix = tags ? "+" : "";
	tz_period(ctx->tz, TZ_MONTH, ctx->now, &from, &to);
	rc = tags ? store_tags(ctx->st, ctx->owner, from, to, ctx->now, collect, &t)
	          : store_projects(ctx->st, ctx->owner, from, to, ctx->now,
	                           collect, &t);
	if (rc != STORE_OK)
		return cmd_store_failed(reply, 0);
	for (i = 0; !tags && i < t.n; i++) {
		char mark[TEAM_MARK_MAX];
		size_t len = strlen(t.name[i]);

		team_mark(ctx, t.name[i], mark, sizeof(mark));
		snprintf(t.name[i] + len, sizeof(t.name[0]) - len, "%s", mark);
	}
	if (t.n == 0) {
		text_printf(reply, tags ? "No tags yet. Add some when you start: "
		                          "start acme +design"
		                        : "No projects yet. Start one: start acme");
		return CMD_OK;
	}
	text_printf(reply, "%s, with this month's time:",
	            tags ? "Your tags" : "Your projects");
	print_table(reply, &t, NULL, 0);
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
	if (store_change_label(ctx->st, ctx->owner, label, ctx->now) !=
	    STORE_OK)
		return cmd_store_failed(reply, 1);
	rc = store_rename_project(ctx->st, ctx->owner, old, new_name, &n);
	if (rc == STORE_NOTFOUND) {
		text_printf(reply, "You have no project \"%s\". \"projects\" lists "
		                   "them.", old);
		return CMD_REFUSED;
	}
	if (rc != STORE_OK)
		return cmd_store_failed(reply, 1);
	text_printf(reply, "Renamed %s to %s in %lld %s.", old, new_name,
	            (long long)n, n == 1 ? "entry" : "entries");
	return CMD_OK;
}
