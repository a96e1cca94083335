/*
 * commands/cmd_export.c - export: the entries of a period as a CSV, JSON or
 * iCalendar file. The file goes to ctx->file for the bot to deliver (HTTP
 * upload or inline) to the sender; the reply says what it holds. An admin
 * may export another user's entries (cmd_for_user), a lead a team's.
 *
 * The command reads its words, plans what to list and takes a snapshot
 * of the data; the listing itself is a job (export_job.h) that runs at
 * once, or, when the caller takes jobs (cmd_ctx.job), a first slice now
 * and the rest in later slices, so that a long export never holds the
 * bot's event loop (and every other user) for more than a slice.
 */
#include "cmd_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "billing.h"
#include "export.h"
#include "export_job.h"
#include "format.h"
#include "prefs.h"
#include "team.h"
#include "../lib/tz.h"

/*
 * The entries the command itself reads and writes when it goes on in
 * slices: an export of a month or less (a few hundred entries at most)
 * ends in it, and is answered at once; some 1.5-2.5 ms of writing here
 * (5-10 us an entry, measured).
 */
#define EXPORT_FIRST_SLICE 256

/* The most bytes of a user's JID in a file name. */
#define FILE_USER_MAX 40

/* "timmy-2026-11-01.csv" for a day, "timmy-2026-11-01_2026-11-30.csv" for
 * more: dates say what is inside wherever the file ends up. Another
 * user's file names them: "timmy-bob@example.org-2026-11-01.csv", the JID
 * cut to FILE_USER_MAX bytes, every byte but ASCII letters, digits and
 * @ . - _ made "_" (the name goes into URLs and clients' folders). */
static void
file_name(const char *zone, const char *user, int64_t from, int64_t to,
          const char *ext, char *buf, size_t n)
{
	char who[FILE_USER_MAX + 2]; /* the JID, "-" and the NUL */
	struct tm a, b;
	char d1[16], d2[16];
	size_t i, len = 0;

	for (i = 0; user != NULL && user[i] != '\0' && len < FILE_USER_MAX; i++) {
		unsigned char c = (unsigned char)user[i];

		who[len++] = c < 0x80 && (isalnum(c) || strchr("@.-_", c)) ?
		             (char)c : '_';
	}
	if (len > 0)
		who[len++] = '-';
	who[len] = '\0';
	if (tz_local(zone, from, &a) != 0 || tz_local(zone, to - 1, &b) != 0) {
		/* "timmy.csv", "timmy-bob@example.org.csv" */
		snprintf(buf, n, "timmy%s%.*s.%s", len > 0 ? "-" : "",
		         len > 0 ? (int)len - 1 : 0, who, ext);
		return;
	}
	strftime(d1, sizeof(d1), "%Y-%m-%d", &a);
	strftime(d2, sizeof(d2), "%Y-%m-%d", &b);
	if (strcmp(d1, d2) == 0)
		snprintf(buf, n, "timmy-%s%s.%s", who, d1, ext);
	else
		snprintf(buf, n, "timmy-%s%s_%s.%s", who, d1, d2, ext);
}

/* team_parts' callback: one listing of the team's export into the job. */
static int
add_part(const char *owner, const struct store_filter *f, void *arg)
{
	return export_job_part(arg, owner, f);
}

/*
 * What j lists: the entries q asks for, of ctx's owner or of team t's
 * members. 0; -1 with why in reply (a project the team does not share,
 * or no memory).
 */
static int
plan(const struct cmd_ctx *ctx, const struct team *t,
     const struct cmd_query *q, struct cmd_job *j, struct text *reply)
{
	int rc = t == NULL ? export_job_part(j, ctx->owner, &q->filter)
	                   : team_parts(t, q, add_part, j, reply);

	if (rc != 0 && reply->len == 0)
		text_printf(reply, "Sorry, I am short of memory. Please try again.");
	return rc;
}

/* The words of the reply, made now while the words of the message are
 * there: the head of the answer and the answer for an empty period. */
static void
say_what(const struct cmd_query *q, const char *user, struct cmd_job *j)
{
	text_printf(&j->head, "Export of %s", q->label);
	if (user != NULL)
		text_printf(&j->head, " for %s", user);
	cmd_say_filter(q, &j->head);
	text_printf(&j->none, "No entries %s", q->label);
	if (user != NULL)
		text_printf(&j->none, " for %s", user);
	cmd_say_filter(q, &j->none);
	text_printf(&j->none, "; nothing to export.");
}

/*
 * Runs j, owned: when the caller takes jobs (and a file), a first slice
 * now, and the rest later from a snapshot (export_job_snapshot; not of a
 * database in memory); else all of it now.
 */
static enum cmd_status
export_go(const struct cmd_ctx *ctx, struct cmd_job *j, struct text *reply)
{
	enum cmd_status rc = CMD_FAILED;
	bool more = true;

	if (ctx->job != NULL && ctx->file != NULL) {
		more = cmd_job_step(j, EXPORT_FIRST_SLICE, reply, ctx->file, &rc);
		if (more && export_job_snapshot(j) == 0) {
			*ctx->job = j;
			return CMD_OK;
		}
	}
	while (more)
		more = cmd_job_step(j, SIZE_MAX, reply, ctx->file, &rc);
	cmd_job_free(j);
	return rc;
}

/* The export of user's entries (NULL: the sender's own; ctx is that
 * user's, cmd_for_user), or of team t's (NULL: none; user names it),
 * from word first of args on, in format fmt; the file goes to the
 * sender. */
static enum cmd_status
export_run(const struct cmd_ctx *ctx, const struct cmd_args *args, int first,
           enum export_format fmt, const char *user, const struct team *t,
           struct text *reply)
{
	struct billing_book *book = NULL;
	struct cmd_query q;
	struct cmd_job *j;
	struct prefs p;

	if (cmd_read_query(ctx, args, first, TZ_MONTH, 0, &q, reply) != 0)
		return CMD_REFUSED;
	/* The rounded columns follow the setting of the user whose entries
	 * these are (cmd_for_user), or for a team the lead's who asks. */
	if (prefs_load(ctx->st, ctx->owner, ctx->prefs, &p) != STORE_OK)
		return cmd_store_failed(reply, 0);
	q.user = user;
	if ((j = export_job_new()) == NULL) {
		text_printf(reply, "Sorry, I am short of memory. Please try again.");
		return CMD_FAILED;
	}
	if (plan(ctx, t, &q, j, reply) != 0) {
		cmd_job_free(j);
		return CMD_REFUSED;
	}
	j->st = ctx->st;
	j->from = q.from;
	j->to = q.to;
	j->now = ctx->now;
	/* Without a file slot the content comes inline, after the summary. */
	j->inline_body = ctx->file == NULL;
	j->check_projects = t == NULL;
	j->format_hint = first == 0 && q.filter.nprojects > 0 &&
	                 q.filter.projects[0] == args->argv[0];
	if ((user != NULL && (j->user = strdup(user)) == NULL) ||
	    (j->w = export_begin_named(fmt, ctx->tz, ctx->now,
	                               t != NULL ? "member" : NULL,
	                               ctx->bot_jid, &j->file.body)) == NULL) {
		cmd_job_free(j);
		text_printf(reply, "Sorry, I am short of memory. Please try again.");
		return CMD_FAILED;
	}
	export_set_rounding(j->w, &p.rounding);
	/* The rates of the owner, or of every member of a team. */
	if (billing_book_load(ctx->st, ctx->teams, billing_cfg_of(ctx),
	                      t != NULL ? NULL : ctx->owner, &book) != STORE_OK) {
		cmd_job_free(j);
		return cmd_store_failed(reply, 0);
	}
	export_set_book(j->w, book);
	j->file.mime = export_mime(fmt);
	file_name(ctx->tz, user, q.from, q.to, export_ext(fmt), j->file.name,
	          sizeof(j->file.name));
	say_what(&q, user, j);
	return export_go(ctx, j, reply);
}

/* export [FORMAT] ...: of the sender's or another user's entries. */
static enum cmd_status
export(const struct cmd_ctx *ctx, const struct cmd_args *args,
       const char *user, struct text *reply)
{
	enum export_format fmt = EXPORT_CSV;
	int first = 0;

	if (args->argc > 0 && !args->quoted[0] &&
	    export_format_parse(args->argv[0], &fmt) == 0)
		first = 1;
	return export_run(ctx, args, first, fmt, user, NULL, reply);
}

/* export [FORMAT] team [NAME] [RANGE] ..., for the team's leads (and
 * admins); first: the word after "team". */
static enum cmd_status
export_team(const struct cmd_ctx *ctx, const struct cmd_args *args,
            int first, enum export_format fmt, struct text *reply)
{
	char name[TEAM_MARK_MAX];
	const struct team *t;

	if ((t = team_pick(ctx, args, &first, true, reply)) == NULL)
		return CMD_REFUSED;
	snprintf(name, sizeof(name), "team %s", t->name);
	return export_run(ctx, args, first, fmt, name, t, reply);
}

/* export, for an admin also of another user (a lead: of a member), and
 * export team. */
enum cmd_status
cmd_export(const struct cmd_ctx *ctx, const struct cmd_args *args,
           struct text *reply)
{
	enum export_format fmt = EXPORT_CSV;
	int i = 0;

	if (args->argc > 0 && !args->quoted[0] &&
	    export_format_parse(args->argv[0], &fmt) == 0)
		i = 1;
	/* "export html [RANGE]": a page to look at, as a file. */
	if (args->argc > 0 && !args->quoted[0] && cmd_is(args->argv[0], "html"))
		return cmd_for_user(ctx, args, cmd_html_export, reply);
	/* "export timesheet csv", also "export csv timesheet"; a project
	 * named timesheet is exported in quotes, "timesheet". */
	if ((args->argc > 0 && !args->quoted[0] &&
	     cmd_is(args->argv[0], "timesheet")) ||
	    (i < args->argc && !args->quoted[i] &&
	     cmd_is(args->argv[i], "timesheet")))
		return cmd_for_user(ctx, args, cmd_timesheet_export, reply);
	if (i < args->argc && !args->quoted[i] && cmd_is(args->argv[i], "team"))
		return export_team(ctx, args, i + 1, fmt, reply);
	return cmd_for_user(ctx, args, export, reply);
}
