/*
 * commands/team.c - teams (team.h): "team", "report team", and what
 * "projects", "report USER", "export team" and "who" ask of the teams in
 * bot.yaml (cmd_ctx.teams).
 *
 * Every sum here is one of the store's reports of one member's time,
 * filtered to the team's shared projects, so a member's other projects
 * never reach anyone else's reply. Members come from the configuration
 * as it is now: whoever left a team is gone from its reports at once,
 * and their entries stay theirs.
 */
#include "team.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "format.h"
#include "../lib/tz.h"

/* How "report team" groups its rows. */
enum team_by { TBY_MEMBER, TBY_PROJECT, TBY_DAY };

bool
team_has_member(const struct team *t, const char *bare)
{
	size_t i;

	for (i = 0; i < t->nmembers; i++)
		if (strcasecmp(t->members[i], bare) == 0)
			return true;
	return false;
}

bool
team_has_lead(const struct team *t, const char *bare)
{
	size_t i;

	for (i = 0; i < t->nleads; i++)
		if (strcasecmp(t->leads[i], bare) == 0)
			return true;
	return false;
}

/* True when bare may see t: a member or a lead. */
static bool
team_sees(const struct team *t, const char *bare)
{
	return team_has_member(t, bare) || team_has_lead(t, bare);
}

bool
teams_include(const struct teams *ts, const char *bare)
{
	size_t i;

	for (i = 0; ts != NULL && i < ts->n; i++)
		if (team_sees(&ts->v[i], bare))
			return true;
	return false;
}

bool
teams_lead_of(const struct teams *ts, const char *lead, const char *user)
{
	size_t i;

	for (i = 0; ts != NULL && i < ts->n; i++)
		if (team_has_lead(&ts->v[i], lead) &&
		    team_has_member(&ts->v[i], user))
			return true;
	return false;
}

bool
teams_leads_any(const struct teams *ts, const char *lead)
{
	size_t i;

	for (i = 0; ts != NULL && i < ts->n; i++)
		if (team_has_lead(&ts->v[i], lead))
			return true;
	return false;
}

const char *
team_project(const struct team *t, const char *project)
{
	size_t i;

	for (i = 0; i < t->nprojects; i++)
		if (strcasecmp(t->projects[i], project) == 0)
			return t->projects[i];
	return NULL;
}

const struct team *
teams_sharing(const struct teams *ts, const char *user, const char *project)
{
	size_t i;

	for (i = 0; ts != NULL && i < ts->n; i++)
		if (team_has_member(&ts->v[i], user) &&
		    team_project(&ts->v[i], project) != NULL)
			return &ts->v[i];
	return NULL;
}

void
team_mark(const struct cmd_ctx *ctx, const char *project, char *buf, size_t n)
{
	const struct team *t = teams_sharing(ctx->teams, ctx->owner, project);

	if (t != NULL)
		snprintf(buf, n, " (team %s)", t->name);
	else if (n > 0)
		buf[0] = '\0';
}

/* Appends the names of the teams bare may pick ("web, ops"). */
static void
say_teams(const struct cmd_ctx *ctx, bool leads_only, struct text *reply)
{
	const struct teams *ts = ctx->teams;
	const char *sep = "";
	size_t i;

	for (i = 0; ts != NULL && i < ts->n; i++) {
		const struct team *t = &ts->v[i];

		if (leads_only ? team_has_lead(t, ctx->owner)
		               : team_sees(t, ctx->owner) || ctx->admin) {
			text_printf(reply, "%s%s", sep, t->name);
			sep = ", ";
		}
	}
}

const struct team *
team_pick(const struct cmd_ctx *ctx, const struct cmd_args *args, int *i,
          bool leads_only, struct text *reply)
{
	const struct teams *ts = ctx->teams;
	const struct team *only = NULL;
	size_t k, n = 0;

	for (k = 0; ts != NULL && k < ts->n; k++) {
		const struct team *t = &ts->v[k];
		bool may = ctx->admin || (leads_only ? team_has_lead(t, ctx->owner)
		                                     : team_sees(t, ctx->owner));

		if (may && *i < args->argc && !args->quoted[*i] &&
		    strcasecmp(args->argv[*i], t->name) == 0) {
			(*i)++;
			return t;
		}
		/* An admin's only team is one they are in. */
		if (leads_only ? team_has_lead(t, ctx->owner)
		               : team_sees(t, ctx->owner)) {
			only = t;
			n++;
		}
	}
	if (n == 1)
		return only;
	if (n == 0) {
		text_printf(reply, leads_only ? "You lead no team."
		                              : "You are in no team.");
		if (ctx->admin && ts != NULL && ts->n > 0) {
			text_printf(reply, " Name one: ");
			say_teams(ctx, false, reply);
			text_printf(reply, ".");
		}
		return NULL;
	}
	text_printf(reply, "You are in several teams; name one: ");
	say_teams(ctx, leads_only, reply);
	text_printf(reply, ". Example: %s team %s week", args->word, only->name);
	return NULL;
}

/* Appends "acme, acme website." (t's projects), or "none.". */
static void
say_projects(const struct team *t, struct text *reply)
{
	size_t k;

	for (k = 0; k < t->nprojects; k++)
		text_printf(reply, "%s%s", k ? ", " : "", t->projects[k]);
	text_printf(reply, "%s.", t->nprojects ? "" : "none");
}

/*
 * Fills f with the projects of t that q asks for (all of them when q
 * names none; at most STORE_FILTER_MAX from project number *from on,
 * advancing *from) and q's tags. Returns the number of projects put in f;
 * -1 with why in reply when q names one t does not share.
 */
static int
team_filter(const struct team *t, const struct cmd_query *q, size_t *from,
            struct store_filter *f, struct text *reply)
{
	const char *p;
	int i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < q->filter.ntags; i++)
		f->tags[f->ntags++] = q->filter.tags[i];
	if (q->filter.nprojects > 0) {
		if (*from > 0)
			return 0;
		for (i = 0; i < q->filter.nprojects; i++) {
			if ((p = team_project(t, q->filter.projects[i])) == NULL) {
				text_printf(reply, "%s is not a project of team %s; "
				            "its projects: ", q->filter.projects[i],
				            t->name);
				say_projects(t, reply);
				return -1;
			}
			f->projects[f->nprojects++] = p;
		}
		*from = t->nprojects;
		return f->nprojects;
	}
	while (*from < t->nprojects && f->nprojects < STORE_FILTER_MAX)
		f->projects[f->nprojects++] = t->projects[(*from)++];
	return f->nprojects;
}

/* member in lower case into buf (n bytes): the store keeps JIDs as
 * servers stamp them, and people write them in bot.yaml as they like. */
static const char *
owner_of(const char *member, char *buf, size_t n)
{
	snprintf(buf, n, "%s", member);
	cmd_lower(buf);
	return buf;
}

int
team_parts(const struct team *t, const struct cmd_query *q,
           team_part_cb cb, void *arg, struct text *reply)
{
	char owner[STORE_OWNER_MAX + 1];
	struct store_filter f;
	size_t m, from;
	int k;

	for (m = 0; m < t->nmembers; m++) {
		owner_of(t->members[m], owner, sizeof(owner));
		/* An entry has one project: the chunks of projects never
		 * list one twice. */
		for (from = 0;;) {
			if ((k = team_filter(t, q, &from, &f, reply)) < 0)
				return -1;
			if (k == 0)
				break;
			if (cb(owner, &f, arg) != 0)
				return -1;
		}
	}
	return 0;
}

/* ---- report team ---- */

/* One row of a team report. */
struct team_row {
	const char *name; /* borrowed from the team, or day below */
	char day[FMT_DAY_MAX];
	int bucket;       /* by day: the day's bucket */
	int64_t secs;
};

/* A team report being summed. */
struct team_sum {
	enum team_by by;
	const struct team *t;
	const char *member;  /* whose rows come in now */
	const char *zone;
	const int64_t *bounds;
	struct team_row *rows;
	int n, cap;
	int64_t total;
};

/* Adds secs to the row named name (days: bucket), making it if new. */
static void
sum_add(struct team_sum *s, const char *name, int bucket, int64_t secs)
{
	struct tm tm;
	int i;

	s->total += secs;
	for (i = 0; i < s->n; i++)
		if (s->by == TBY_DAY ? s->rows[i].bucket == bucket
		                     : strcasecmp(s->rows[i].name, name) == 0) {
			s->rows[i].secs += secs;
			return;
		}
	if (s->n == s->cap)
		return;
	s->rows[s->n].secs = secs;
	s->rows[s->n].bucket = bucket;
	if (s->by == TBY_DAY) {
		if (tz_local(s->zone, s->bounds[bucket], &tm) == 0)
			fmt_day(&tm, s->rows[s->n].day, sizeof(s->rows[0].day));
		else
			snprintf(s->rows[s->n].day, sizeof(s->rows[0].day),
			         "day %d", bucket + 1);
	} else {
		s->rows[s->n].name = name;
	}
	s->n++;
}

static void
sum_bucket(int bucket, const char *key, int64_t secs, void *arg)
{
	struct team_sum *s = arg;
	const char *p;

	switch (s->by) {
	case TBY_MEMBER:
		sum_add(s, s->member, bucket, secs);
		break;
	case TBY_PROJECT:
		p = team_project(s->t, key);
		sum_add(s, p != NULL ? p : s->t->projects[0], bucket, secs);
		break;
	case TBY_DAY:
		sum_add(s, NULL, bucket, secs);
		break;
	}
}

/* Rows with most time first; days stay in their order. */
static int
row_cmp(const void *a, const void *b)
{
	const struct team_row *x = a, *y = b;

	return x->secs < y->secs ? 1 : x->secs > y->secs ? -1
	       : strcasecmp(x->name, y->name);
}

/* Sums t's time in q into s (bounds: nb local midnights, or q's two
 * ends). -1 with why in reply. */
static int
team_sum(const struct cmd_ctx *ctx, const struct team *t,
         const struct cmd_query *q, const int64_t *bounds, int nb,
         struct team_sum *s, struct text *reply)
{
	char owner[STORE_OWNER_MAX + 1];
	struct store_filter f;
	size_t m, from;
	int k;

	for (m = 0; m < t->nmembers; m++) {
		s->member = t->members[m];
		owner_of(t->members[m], owner, sizeof(owner));
		for (from = 0;;) {
			if ((k = team_filter(t, q, &from, &f, reply)) < 0)
				return -1;
			if (k == 0)
				break;
			if (store_report(ctx->st, owner, bounds, nb, ctx->now,
			                 STORE_BY_PROJECT, &f, sum_bucket, s) !=
			    STORE_OK) {
				cmd_store_failed(reply, 0);
				return -2;
			}
		}
	}
	return 0;
}

/* Copies args's words from first on into out, but "by X", whose X goes
 * to *by. -1 with why in reply for a "by" of something else. */
static int
team_words(const struct cmd_args *args, int first, struct cmd_args *out,
           enum team_by *by, struct text *reply)
{
	int i;

	*by = TBY_MEMBER;
	out->word = args->word;
	out->default_tz = args->default_tz;
	out->argc = 0;
	for (i = first; i < args->argc; i++) {
		if (!args->quoted[i] && cmd_is(args->argv[i], "by")) {
			const char *w = i + 1 < args->argc ? args->argv[i + 1] : "";

			if (cmd_is(w, "member") || cmd_is(w, "members"))
				*by = TBY_MEMBER;
			else if (cmd_is(w, "project") || cmd_is(w, "projects"))
				*by = TBY_PROJECT;
			else if (cmd_is(w, "day") || cmd_is(w, "days"))
				*by = TBY_DAY;
			else {
				text_printf(reply, "A team report goes by member, by "
				                   "project or by day.");
				return -1;
			}
			i++;
			continue;
		}
		cmd_args_push(out, args, i);
	}
	return 0;
}

/* Lays out s as report does: heading, a table, a total. */
static void
say_sum(const struct cmd_ctx *ctx, const struct team *t,
        const struct cmd_query *q, struct team_sum *s, struct text *reply)
{
	char dur[FMT_DURATION_MAX], heading[80];
	size_t width = strlen("Total"), w;
	int i;

	if (s->by != TBY_DAY)
		qsort(s->rows, (size_t)s->n, sizeof(s->rows[0]), row_cmp);
	for (i = 0; i < s->n; i++) {
		if (s->by == TBY_DAY)
			s->rows[i].name = s->rows[i].day;
		if ((w = fmt_width(s->rows[i].name)) > width)
			width = w;
	}
	snprintf(heading, sizeof(heading), "Team %s", t->name);
	fmt_heading_of(reply, heading, ctx->tz, q->label, q->from, q->to);
	cmd_say_filter(q, reply);
	text_printf(reply, ":\n```");
	for (i = 0; i <= s->n; i++) {
		const char *name = i < s->n ? s->rows[i].name : "Total";

		fmt_duration(i < s->n ? s->rows[i].secs : s->total, dur,
		             sizeof(dur));
		text_printf(reply, "\n%s%*s  %7s", name,
		            (int)(width - fmt_width(name)), "", dur);
	}
	text_printf(reply, "\n```");
}

enum cmd_status
cmd_team_report(const struct cmd_ctx *ctx, const struct cmd_args *args,
                int first, struct text *reply)
{
	static int64_t bounds[STORE_BUCKETS_MAX + 1];
	static struct cmd_args words; /* large; commands run one at a time */
	struct team_sum s;
	const struct team *t;
	struct cmd_query q;
	int64_t one[2];
	int nb, i = first, rc;

	if ((t = team_pick(ctx, args, &i, false, reply)) == NULL)
		return CMD_REFUSED;
	memset(&s, 0, sizeof(s));
	if (team_words(args, i, &words, &s.by, reply) != 0 ||
	    cmd_read_query(ctx, &words, 0, TZ_TODAY, 0, &q, reply) != 0)
		return CMD_REFUSED;
	one[0] = q.from;
	one[1] = q.to;
	nb = 2;
	if (s.by == TBY_DAY &&
	    (nb = cmd_day_bounds(ctx->tz, &q, bounds)) < 0) {
		text_printf(reply, "That period is too long for one report: at "
		                   "most %d days.", STORE_BUCKETS_MAX);
		return CMD_REFUSED;
	}
	s.t = t;
	s.zone = ctx->tz;
	s.bounds = s.by == TBY_DAY ? bounds : one;
	s.cap = s.by == TBY_DAY ? nb : s.by == TBY_MEMBER ? (int)t->nmembers
	                                                  : (int)t->nprojects;
	if (s.cap > 0 && (s.rows = calloc((size_t)s.cap, sizeof(*s.rows))) ==
	    NULL) {
		text_printf(reply, "Sorry, I am short of memory. Please try again.");
		return CMD_FAILED;
	}
	rc = t->nprojects == 0 ? 0 : team_sum(ctx, t, &q, s.bounds, nb, &s, reply);
	if (rc == 0 && s.total == 0) {
		text_printf(reply, "No time on team %s's projects %s", t->name,
		            q.label);
		cmd_say_filter(&q, reply);
		text_printf(reply, t->nprojects == 0 ? " (the team shares no "
		                   "project)." : ".");
	} else if (rc == 0) {
		say_sum(ctx, t, &q, &s, reply);
	}
	free(s.rows);
	return rc == 0 ? CMD_OK : rc == -1 ? CMD_REFUSED : CMD_FAILED;
}

/* ---- team ---- */

/* Today's time of one member on the team's projects. */
struct today {
	const struct team *t;
	int64_t secs;
};

static void
today_add(const char *project, int64_t secs, void *arg)
{
	struct today *d = arg;

	if (team_project(d->t, project) != NULL)
		d->secs += secs;
}

/* One team's rows: member, today's time on its projects, what runs. */
static enum cmd_status
say_team(const struct cmd_ctx *ctx, const struct team *t, int64_t from,
         int64_t to, struct text *reply)
{
	char owner[STORE_OWNER_MAX + 1], dur[FMT_DURATION_MAX];
	size_t m, width = 0;
	struct store_entry e;
	struct today d;
	store_rc rc;

	for (m = 0; m < t->nmembers; m++)
		if (fmt_width(t->members[m]) > width)
			width = fmt_width(t->members[m]);
	text_printf(reply, "Team %s:\n```", t->name);
	for (m = 0; m < t->nmembers; m++) {
		owner_of(t->members[m], owner, sizeof(owner));
		d.t = t;
		d.secs = 0;
		if (store_totals(ctx->st, owner, from, to, ctx->now, today_add,
		                 &d) != STORE_OK)
			return cmd_store_failed(reply, 0);
		fmt_duration(d.secs, dur, sizeof(dur));
		text_printf(reply, "\n%s%*s  %7s", t->members[m],
		            (int)(width - fmt_width(t->members[m])), "", dur);
		rc = store_running(ctx->st, owner, &e);
		if (rc == STORE_OK && team_project(t, e.project) != NULL)
			text_printf(reply, "  %s %s",
			            cmd_paused_at(&e) >= 0 ? "paused" : "running",
			            e.project);
		else if (rc != STORE_OK && rc != STORE_NOTFOUND)
			return cmd_store_failed(reply, 0);
	}
	text_printf(reply, "\n```");
	return CMD_OK;
}

enum cmd_status
cmd_team(const struct cmd_ctx *ctx, const struct cmd_args *args,
         struct text *reply)
{
	const struct teams *ts = ctx->teams;
	int64_t from, to;
	enum cmd_status rc = CMD_OK;
	const struct team *t;
	char days[FMT_DAY_MAX];
	int i = 0;
	size_t k;

	tz_period(ctx->tz, TZ_TODAY, ctx->now, &from, &to);
	fmt_days(ctx->tz, from, to, days, sizeof(days));
	if (args->argc > 0) {
		if ((t = team_pick(ctx, args, &i, false, reply)) == NULL)
			return CMD_REFUSED;
		if (i < args->argc) {
			text_printf(reply, "Usage: team [NAME]. Example: team %s",
			            t->name);
			return CMD_REFUSED;
		}
		text_printf(reply, "Today, %s, on the team's projects:\n", days);
		return say_team(ctx, t, from, to, reply);
	}
	if (!teams_include(ts, ctx->owner)) {
		text_printf(reply, "You are in no team.");
		return CMD_REFUSED;
	}
	text_printf(reply, "Today, %s, on the team's projects:", days);
	for (k = 0; k < ts->n && rc == CMD_OK; k++)
		if (team_sees(&ts->v[k], ctx->owner)) {
			text_printf(reply, "\n");
			rc = say_team(ctx, &ts->v[k], from, to, reply);
		}
	return rc;
}
