/*
 * commands/cmd_admin.c - what only admins (cmd_ctx.admin, the senders in
 * access.admins) have: "who", and another user's data for report and
 * export (cmd_for_user); the leads of a team have the latter for their
 * members, and its members "who" as "team" (commands/team.c).
 *
 * Nothing here answers anyone else. The dispatcher answers "who" from
 * them as an unknown word (CMD_ADMIN), and cmd_for_user looks for a
 * user's JID among the words of an admin only: from anyone else such a
 * word stays one more word that is neither a period nor a project, with
 * the same reply whether that user exists or not.
 */
#include "cmd_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "team.h"
#include "../lib/tz.h"
#include "../lib/utf8.h"

/* "who" lists at most this many users and counts the rest. */
#define WHO_ROWS_MAX 50

/* A JID wider than this (characters) is cut in the "who" table. */
#define WHO_JID_COLS 48

/* Another user's data, as an admin asks for it. */
struct other {
	char jid[STORE_OWNER_MAX + 1]; /* bare, ASCII letters lower-cased */
	char zone[TZ_NAME_MAX + 1];    /* their own zone, "" when none */
	struct cmd_ctx ctx;            /* the caller's, as that user */
	struct cmd_args args;          /* the words without the JID */
};

/* Whether word i of args names a user: unquoted, with an '@', no tag. */
static bool
is_user_word(const struct cmd_args *args, int i)
{
	return !args->quoted[i] && args->argv[i][0] != '+' &&
	       strchr(args->argv[i], '@') != NULL;
}

/*
 * Whether w is a bare JID as a server stamps one: local part, '@',
 * domain, both non-empty, no resource, at most STORE_OWNER_MAX bytes.
 * (Not a full RFC 7622 check: the store is only read with it.)
 */
static bool
bare_jid_ok(const char *w)
{
	const char *at = strchr(w, '@');

	return at != NULL && at != w && at[1] != '\0' &&
	       strchr(at + 1, '@') == NULL && strchr(w, '/') == NULL &&
	       strlen(w) <= STORE_OWNER_MAX;
}

void
cmd_args_push(struct cmd_args *out, const struct cmd_args *args, int i)
{
	out->argv[out->argc] = args->argv[i];
	out->raw[out->argc] = args->raw[i];
	out->raw_end[out->argc] = args->raw_end[i];
	out->quoted[out->argc] = args->quoted[i];
	out->argc++;
}

/* Copies the words of args but word skip into out. */
static void
args_without(const struct cmd_args *args, int skip, struct cmd_args *out)
{
	int i;

	out->word = args->word;
	out->default_tz = args->default_tz;
	out->argc = 0;
	for (i = 0; i < args->argc; i++)
		if (i != skip)
			cmd_args_push(out, args, i);
}

enum cmd_status
cmd_for_user(const struct cmd_ctx *ctx, const struct cmd_args *args,
             cmd_user_handler fn, struct text *reply)
{
	struct other *o;
	enum cmd_status rc;
	int i, at = -1;
	int64_t n = 0;

	/* A lead may name the members of their teams. */
	if (!ctx->admin && !teams_leads_any(ctx->teams, ctx->owner))
		return fn(ctx, args, NULL, reply);
	for (i = 0; i < args->argc; i++) {
		if (!is_user_word(args, i))
			continue;
		if (at >= 0) {
			text_printf(reply, "Name one user at a time. Example: %s "
			                   "bob@example.org week", args->word);
			return CMD_REFUSED;
		}
		at = i;
	}
	if (at < 0)
		return fn(ctx, args, NULL, reply);
	if (!bare_jid_ok(args->argv[at])) {
		cmd_quote_word(reply, args->argv[at]);
		text_printf(reply, " is not a user's address. Name one by their "
		                   "bare JID, like bob@example.org.");
		return CMD_REFUSED;
	}

	if (!ctx->admin && !teams_lead_of(ctx->teams, ctx->owner,
	                                  args->argv[at])) {
		cmd_quote_word(reply, args->argv[at]);
		text_printf(reply, " is no member of a team you lead; you see the "
		                   "data of your teams' members only.");
		return CMD_REFUSED;
	}
	if ((o = malloc(sizeof(*o))) == NULL) {
		text_printf(reply, "Sorry, I am short of memory. Please try again.");
		return CMD_FAILED;
	}
	snprintf(o->jid, sizeof(o->jid), "%s", args->argv[at]);
	/* Servers stamp JIDs with nodeprep and nameprep applied: the
	 * addresses people use are in lower case. */
	cmd_lower(o->jid);
	if (store_count(ctx->st, o->jid, &n) != STORE_OK ||
	    store_user_tz(ctx->st, o->jid, o->zone, sizeof(o->zone)) !=
	    STORE_OK) {
		free(o);
		return cmd_store_failed(reply, 0);
	}
	if (n == 0) {
		text_printf(reply, "I have no data for %s.", o->jid);
		free(o);
		return CMD_REFUSED;
	}
	args_without(args, at, &o->args);
	o->ctx = *ctx;
	o->ctx.owner = o->jid;
	o->ctx.tz = tz_or_default(o->zone, args->default_tz != NULL ?
	                                   args->default_tz : o->ctx.tz);
	rc = fn(&o->ctx, &o->args, o->jid, reply);
	free(o);
	return rc;
}

/* What "who" found: the first WHO_ROWS_MAX users, their JIDs cut to
 * WHO_JID_COLS characters. */
struct who_state {
	int n;
	char jid[WHO_ROWS_MAX][WHO_JID_COLS * 4 + sizeof("…")];
	int64_t secs[WHO_ROWS_MAX];
	bool running[WHO_ROWS_MAX];
};

static void
who_row(const char *owner, int64_t secs, int running, void *arg)
{
	struct who_state *w = arg;
	size_t len;

	if (w->n == WHO_ROWS_MAX)
		return;
	/* Whole UTF-8 characters up to WHO_JID_COLS of them. */
	len = utf8_skip(owner, WHO_JID_COLS);
	snprintf(w->jid[w->n], sizeof(w->jid[0]), "%.*s%s", (int)len, owner,
	         owner[len] != '\0' ? "…" : "");
	w->secs[w->n] = secs;
	w->running[w->n] = running != 0;
	w->n++;
}

enum cmd_status
cmd_who(const struct cmd_ctx *ctx, const struct cmd_args *args,
        struct text *reply)
{
	static struct who_state w; /* large; commands run one at a time */
	char dur[FMT_DURATION_MAX];
	int64_t from, to, total = 0;
	size_t width = 0;
	int i;

	/* A team member who is no admin sees their team (CMD_TEAM). */
	if (!ctx->admin)
		return cmd_team(ctx, args, reply);
	memset(&w, 0, sizeof(w));
	tz_period(ctx->tz, TZ_TODAY, ctx->now, &from, &to);
	if (store_active(ctx->st, from, to, ctx->now, WHO_ROWS_MAX, who_row, &w,
	                 &total) != STORE_OK)
		return cmd_store_failed(reply, 0);
	if (total == 0) {
		char days[FMT_DAY_MAX];

		fmt_days(ctx->tz, from, to, days, sizeof(days));
		text_printf(reply, "Nobody tracked time today, %s.", days);
		return CMD_OK;
	}
	fmt_heading(reply, ctx->tz, "today", from, to);
	text_printf(reply, ": %lld %s tracked time.\n```", (long long)total,
	            total == 1 ? "user" : "users");
	for (i = 0; i < w.n; i++)
		if (fmt_width(w.jid[i]) > width)
			width = fmt_width(w.jid[i]);
	for (i = 0; i < w.n; i++) {
		size_t jw = fmt_width(w.jid[i]);

		fmt_duration(w.secs[i], dur, sizeof(dur));
		text_printf(reply, "\n%s%*s  %7s%s", w.jid[i],
		            (int)(width - jw), "", dur,
		            w.running[i] ? "  running" : "");
	}
	text_printf(reply, "\n```");
	if (total > w.n)
		text_printf(reply, "\nAnd %lld more.", (long long)(total - w.n));
	return CMD_OK;
}
