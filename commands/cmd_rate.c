/*
 * commands/cmd_rate.c - rate: hourly rates of projects, a user's own and,
 * for a team's leads, the team's (billing.h has the rules of which
 * applies).
 *
 *   rate                            the rates that apply to you
 *   rate PROJECT                    the one that applies to PROJECT
 *   rate PROJECT AMOUNT [CURRENCY]  sets your own
 *   rate PROJECT off                removes it
 *   rate team [NAME] ...            the same for a team's shared projects
 *
 * The words are read from the end: "off", or an amount and perhaps a
 * currency, come last, so a project of several words is a quoted phrase
 * as everywhere ("client work"). Rates are not entries: undo does not
 * take them back (the reply to a change names the rate it replaced).
 */
#include "cmd_int.h"

#include <stdio.h>
#include <string.h>

#include "billing.h"
#include "team.h"

/* What the words after the project (and team) ask for. */
enum rate_action { RATE_SHOW, RATE_SET, RATE_OFF };

struct rate_words {
	enum rate_action action;
	int end;                 /* the words before the action: [from, end) */
	int64_t cents;
	char currency[STORE_CURRENCY_LEN + 1];
};

/*
 * Reads the action at the end of args' words from from on into *w. -1
 * with why in reply for an amount that is no rate, or one without a
 * currency where bot.yaml gives none.
 */
static int
read_action(const struct cmd_ctx *ctx, const struct cmd_args *args, int from,
            struct rate_words *w, struct text *reply)
{
	int n = args->argc - from, last = args->argc - 1;
	const char *dflt = billing_cfg_of(ctx)->currency;
	int amount = -1;

	memset(w, 0, sizeof *w);
	w->action = RATE_SHOW;
	w->end = args->argc;
	if (n >= 1 && !args->quoted[last] && cmd_is(args->argv[last], "off")) {
		w->action = RATE_OFF;
		w->end = last;
		return 0;
	}
	if (n >= 2 && !args->quoted[last] && !args->quoted[last - 1] &&
	    billing_looks_like_rate(args->argv[last - 1]) &&
	    billing_currency(args->argv[last], w->currency))
		amount = last - 1;
	else if (n >= 1 && !args->quoted[last] &&
	         billing_looks_like_rate(args->argv[last]))
		amount = last;
	if (amount < 0)
		return 0;
	w->action = RATE_SET;
	w->end = amount;
	if (billing_parse_rate(args->argv[amount], &w->cents, reply) != 0)
		return -1;
	if (amount == last) {
		if (dflt[0] == '\0') {
			text_printf(reply, "In which currency? Add its code: "
			                   "rate PROJECT %s EUR.", args->argv[amount]);
			return -1;
		}
		snprintf(w->currency, sizeof w->currency, "%s", dflt);
	}
	return 0;
}

/* Appends "85.00 EUR" for cents of currency. */
static void
say_money(struct text *out, int64_t cents, const char *currency)
{
	char buf[BILLING_MONEY_MAX];

	billing_money(cents, currency, buf, sizeof buf);
	text_printf(out, "%s", buf);
}

/* ---- Listing ---- */

struct listing {
	const struct cmd_ctx *ctx;
	const struct billing_book *book;
	const struct team *team; /* listing a team's: which; else NULL */
	struct text *out;
	int n;
};

/* list_rate's step for the sender's own rates. */
static void
list_own(const struct store_rate *r, void *arg)
{
	struct listing *l = arg;
	struct billing_rate applies;

	billing_rate_of(l->book, l->ctx->owner, r->project, &applies);
	text_printf(l->out, "\n- %s: ", r->project);
	say_money(l->out, r->cents, r->currency);
	if (applies.team != NULL)
		text_printf(l->out, " (team %s's rate applies instead)",
		            applies.team);
	l->n++;
}

/* list_rate's step for team rates: those of l->team, or, without one,
 * those that apply to the sender. */
static void
list_team(const struct store_rate *r, void *arg)
{
	struct listing *l = arg;
	struct billing_rate applies;

	if (l->team != NULL) {
		if (strcmp(r->name, l->team->name) != 0 ||
		    team_project(l->team, r->project) == NULL)
			return;
	} else {
		billing_rate_of(l->book, l->ctx->owner, r->project, &applies);
		if (applies.team == NULL || strcmp(applies.team, r->name) != 0)
			return;
	}
	text_printf(l->out, "\n- %s: ", r->project);
	say_money(l->out, r->cents, r->currency);
	if (l->team == NULL)
		text_printf(l->out, " (team %s)", r->name);
	l->n++;
}

/* billing_book_each's callback: r in the listing when it belongs there.
 * The book holds the sender's own rates, then every team's. */
static void
list_rate(const struct store_rate *r, void *arg)
{
	struct listing *l = arg;

	if (r->scope == STORE_RATE_TEAM)
		list_team(r, l);
	else if (l->team == NULL)
		list_own(r, l);
}

/* Lists the sender's rates (t NULL) or team t's, from the book. */
static enum cmd_status
list_rates(const struct cmd_ctx *ctx, const struct team *t,
           struct text *reply)
{
	struct billing_book *book = NULL;
	struct listing l = { ctx, NULL, t, reply, 0 };
	store_rc rc;

	rc = billing_book_load(ctx->st, ctx->teams, billing_cfg_of(ctx),
	                       ctx->owner, &book);
	l.book = book;
	if (t != NULL)
		text_printf(reply, "Team %s's rates, an hour:", t->name);
	else
		text_printf(reply, "Your rates, an hour:");
	if (rc == STORE_OK)
		billing_book_each(book, list_rate, &l);
	billing_book_free(book);
	if (rc != STORE_OK)
		return cmd_store_failed(reply, 0);
	if (l.n == 0) {
		text_clear(reply);
		if (t != NULL)
			text_printf(reply, "Team %s has no rates. A lead sets one: "
			                   "rate team %s PROJECT 120 EUR", t->name,
			                   t->name);
		else
			text_printf(reply, "You have no rates. Set one: rate acme "
			                   "85 EUR");
		return CMD_OK;
	}
	text_printf(reply, "\nTime tagged +%s is not billable.",
	            billing_cfg_of(ctx)->nobill_tag);
	return CMD_OK;
}

/* rate PROJECT: the rate that applies to the sender's time on it. */
static enum cmd_status
show_rate(const struct cmd_ctx *ctx, const char *project, struct text *reply)
{
	struct billing_book *book = NULL;
	struct billing_rate r;

	if (billing_book_load(ctx->st, ctx->teams, billing_cfg_of(ctx),
	                      ctx->owner, &book) != STORE_OK)
		return cmd_store_failed(reply, 0);
	billing_rate_of(book, ctx->owner, project, &r);
	billing_book_free(book);
	if (r.cents == 0) {
		text_printf(reply, "No rate applies to %s. Set one: rate %s 85 "
		                   "EUR", project, project);
		return CMD_OK;
	}
	text_printf(reply, "%s: ", project);
	say_money(reply, r.cents, r.currency);
	if (r.team != NULL)
		text_printf(reply, " an hour (team %s's rate).", r.team);
	else
		text_printf(reply, " an hour (your own).");
	return CMD_OK;
}

/* Sets or removes the rate of project in (scope, name) as w says;
 * whose: "your" or "team web's", for the reply. */
static enum cmd_status
change_rate(const struct cmd_ctx *ctx, enum store_rate_scope scope,
            const char *name, const char *project, const struct rate_words *w,
            const char *whose, struct text *reply)
{
	struct store_rate r, old;
	store_rc rc;

	if (w->action == RATE_OFF) {
		rc = store_rate_unset(ctx->st, scope, name, project, &old);
		if (rc == STORE_NOTFOUND) {
			text_printf(reply, "There is no rate of %s for %s.", whose,
			            project);
			return CMD_REFUSED;
		}
		if (rc != STORE_OK)
			return cmd_store_failed(reply, 1);
		text_printf(reply, "Removed %s rate for %s (", whose, old.project);
		say_money(reply, old.cents, old.currency);
		text_printf(reply, " an hour).");
		return CMD_OK;
	}
	memset(&r, 0, sizeof r);
	r.scope = scope;
	snprintf(r.name, sizeof r.name, "%s", name);
	snprintf(r.project, sizeof r.project, "%s", project);
	r.cents = w->cents;
	memcpy(r.currency, w->currency, sizeof r.currency);
	r.at = ctx->now;
	if (store_rate_set(ctx->st, &r, &old) != STORE_OK)
		return cmd_store_failed(reply, 1);
	text_printf(reply, "%c%s rate for %s: ", whose[0] == 'y' ? 'Y' : 'T',
	            whose + 1, project);
	say_money(reply, r.cents, r.currency);
	text_printf(reply, " an hour");
	if (old.cents != 0) {
		text_printf(reply, " (was ");
		say_money(reply, old.cents, old.currency);
		text_printf(reply, ")");
	}
	text_printf(reply, ".");
	return CMD_OK;
}

/* rate PROJECT AMOUNT [CURRENCY] | off, for the sender's own rates. */
static enum cmd_status
own_rate(const struct cmd_ctx *ctx, const struct cmd_args *args,
         struct text *reply)
{
	struct billing_book *book = NULL;
	struct rate_words w;
	struct billing_rate applies;
	enum cmd_status st;
	const char *project;

	if (read_action(ctx, args, 0, &w, reply) != 0)
		return CMD_REFUSED;
	if (w.end == 0 && w.action == RATE_SHOW)
		return list_rates(ctx, NULL, reply);
	if (w.end != 1) {
		text_printf(reply, w.end == 0 ? "Which project? " :
		                   "One project at a time (a name of several "
		                   "words in quotes). ");
		text_printf(reply, "Example: rate acme 85 EUR");
		return CMD_REFUSED;
	}
	project = args->argv[0];
	if (w.action == RATE_SHOW)
		return show_rate(ctx, project, reply);
	if (w.action == RATE_SET &&
	    cmd_project_ok(project, args->quoted[0], reply) != 0)
		return CMD_REFUSED;
	st = change_rate(ctx, STORE_RATE_USER, ctx->owner, project, &w, "your",
	                 reply);
	if (st != CMD_OK || w.action != RATE_SET)
		return st;
	/* Say so when a team's rate wins over the one just set. */
	if (billing_book_load(ctx->st, ctx->teams, billing_cfg_of(ctx),
	                      ctx->owner, &book) != STORE_OK)
		return cmd_store_failed(reply, 1);
	billing_rate_of(book, ctx->owner, project, &applies);
	billing_book_free(book);
	if (applies.team != NULL) {
		text_printf(reply, " Team %s's rate (", applies.team);
		say_money(reply, applies.cents, applies.currency);
		text_printf(reply, ") applies to your time on %s instead.",
		            project);
	}
	return CMD_OK;
}

/* rate team [NAME] [PROJECT AMOUNT [CURRENCY] | PROJECT off]. */
static enum cmd_status
team_rate(const struct cmd_ctx *ctx, const struct cmd_args *args,
          struct text *reply)
{
	struct rate_words w;
	const struct team *t;
	const char *project;
	char whose[STORE_TEAM_MAX + 16];
	int i = 1, past = args->argc;

	if (read_action(ctx, args, 1, &w, reply) != 0)
		return CMD_REFUSED;
	/* One word before the rate is the project, not a team's name: the
	 * sender's only team then (team_pick finds no name past the end). */
	if (w.action != RATE_SHOW && w.end - i < 2)
		t = team_pick(ctx, args, &past, false, reply);
	else
		t = team_pick(ctx, args, &i, false, reply);
	if (t == NULL)
		return CMD_REFUSED;
	if (w.action == RATE_SHOW && i == w.end)
		return list_rates(ctx, t, reply);
	if (w.end - i != 1) {
		text_printf(reply, "Example: rate team %s PROJECT 120 EUR, or "
		                   "rate team %s PROJECT off", t->name, t->name);
		return CMD_REFUSED;
	}
	project = args->argv[i];
	if (w.action == RATE_SHOW) {
		text_printf(reply, "Example: rate team %s %s 120 EUR", t->name,
		            project);
		return CMD_REFUSED;
	}
	if (!team_has_lead(t, ctx->owner)) {
		text_printf(reply, "Only a lead of team %s sets its rates.",
		            t->name);
		return CMD_REFUSED;
	}
	if (team_project(t, project) == NULL) {
		text_printf(reply, "Team %s does not share %s, so it has no rate "
		                   "for it. Its projects: ", t->name, project);
		for (size_t k = 0; k < t->nprojects; k++)
			text_printf(reply, "%s%s", k ? ", " : "", t->projects[k]);
		text_printf(reply, "%s.", t->nprojects ? "" : "none");
		return CMD_REFUSED;
	}
	snprintf(whose, sizeof whose, "team %s's", t->name);
	return change_rate(ctx, STORE_RATE_TEAM, t->name,
	                   team_project(t, project), &w, whose, reply);
}

enum cmd_status
cmd_rate(const struct cmd_ctx *ctx, const struct cmd_args *args,
         struct text *reply)
{
	if (args->argc > 0 && !args->quoted[0] && cmd_is(args->argv[0], "team"))
		return team_rate(ctx, args, reply);
	return own_rate(ctx, args, reply);
}
