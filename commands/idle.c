/*
 * commands/idle.c - the forgotten timer (idle.h): the moment a user left,
 * the question when they come back, its answers (stop, break, keep), and
 * idle.action stop.
 *
 * Every change runs in one transaction owned here (in_change), ended as
 * the dispatcher ends a command's (cmd_end_change): with the message's
 * key for an answer, with none for what presence set off. The moment a
 * user left and the question live in storage (store.h, storage/away.c),
 * so that a restart of the bot loses neither.
 */
#include "idle.h"

#include <stdio.h>
#include <string.h>

#include "cmd_int.h"
#include "format.h"
#include "prefs.h"
#include "../lib/tz.h"

/* The answers to the question, the words that give them. */
enum answer { ANSWER_STOP, ANSWER_BREAK, ANSWER_KEEP };

/* A step of a change: runs inside in_change's transaction, with ctx in
 * the user's own zone. */
typedef enum cmd_status (*change_fn)(const struct cmd_ctx *ctx, void *arg,
                                     struct text *reply);

/*
 * Runs fn in one write transaction for ctx->owner, in their own time
 * zone, committed (with ctx->msg_key) when it returns CMD_OK, rolled back
 * otherwise; a transaction that changed nothing leaves nothing.
 */
static enum cmd_status
in_change(const struct cmd_ctx *ctx, change_fn fn, void *arg,
          struct text *reply)
{
	char zone[TZ_NAME_MAX + 1];
	struct cmd_ctx uctx = *ctx;

	if (store_begin(ctx->st) != STORE_OK)
		return cmd_store_failed(reply, 1);
	if (store_user_tz(ctx->st, ctx->owner, zone, sizeof(zone)) != STORE_OK)
		return cmd_end_change(ctx, cmd_store_failed(reply, 1), reply);
	uctx.tz = tz_or_default(zone, ctx->tz);
	return cmd_end_change(&uctx, fn(&uctx, arg, reply), reply);
}

/* Appends "acme +design": the entry's project and tags, as a contact
 * list shows them (no note). */
static void
say_timer(struct text *out, const struct store_entry *e)
{
	struct store_entry short_e = *e;

	short_e.note[0] = '\0';
	fmt_entry(out, &short_e);
}

static enum cmd_status
left_step(const struct cmd_ctx *ctx, void *arg, struct text *reply)
{
	const int64_t *since = arg;
	store_rc rc;

	(void)reply;
	rc = store_away_set(ctx->st, ctx->owner, *since);
	/* Someone who never wrote has no timer to forget. */
	return rc == STORE_OK || rc == STORE_NOTFOUND ? CMD_OK : CMD_FAILED;
}

enum cmd_status
idle_left(const struct cmd_ctx *ctx, int64_t since)
{
	struct text ignored;
	enum cmd_status rc;

	if (since > ctx->now)
		since = ctx->now;
	text_init(&ignored, 256);
	rc = in_change(ctx, left_step, &since, &ignored);
	text_free(&ignored);
	return rc;
}

/*
 * e, owner's running timer, counts as forgotten over the absence that
 * began at since: it began before they left, and no break of it (an open
 * one included) lies in the absence, [since, ctx->now).
 */
static bool
forgotten(const struct cmd_ctx *ctx, const struct store_entry *e,
          int64_t since)
{
	return e->start < since &&
	       store_break_secs(e, since, ctx->now, ctx->now) == 0;
}

/*
 * idle.action stop, when due for the absence that began at since: stops
 * the running timer at since, an undoable change noted as an 'idle'
 * nudge, once per entry. CMD_OK whether it stopped it or not.
 */
static enum cmd_status
stop_if_due(const struct cmd_ctx *ctx, const struct prefs *p, int64_t since)
{
	char at[FMT_CLOCK_MAX];
	struct store_entry e;
	store_rc rc;

	if (p->idle_action != PREFS_IDLE_STOP || ctx->now - since < p->idle_after)
		return CMD_OK;
	rc = store_running(ctx->st, ctx->owner, &e);
	if (rc == STORE_NOTFOUND || (rc == STORE_OK && !forgotten(ctx, &e, since)))
		return CMD_OK;
	if (rc != STORE_OK)
		return CMD_FAILED;
	/* Noted first: an entry stopped once, and brought back with undo,
	 * is not stopped again. */
	rc = store_nudge_record(ctx->st, ctx->owner, STORE_NUDGE_IDLE, e.id,
	                        ctx->now);
	if (rc == STORE_CONFLICT)
		return CMD_OK;
	fmt_clock(ctx->tz, since, ctx->now, at, sizeof(at));
	if (rc != STORE_OK ||
	    cmd_change_label(ctx, "stop %s (away since %s)", e.project, at) !=
	            STORE_OK ||
	    store_stop(ctx->st, ctx->owner, since, &e) != STORE_OK)
		return CMD_FAILED;
	return CMD_OK;
}

static enum cmd_status
check_step(const struct cmd_ctx *ctx, void *arg, struct text *reply)
{
	struct prefs p;
	int64_t since;
	store_rc rc;

	(void)arg;
	(void)reply;
	rc = store_away_get(ctx->st, ctx->owner, &since);
	if (rc == STORE_NOTFOUND)
		return CMD_OK;
	if (rc != STORE_OK ||
	    prefs_load(ctx->st, ctx->owner, ctx->prefs, &p) != STORE_OK)
		return CMD_FAILED;
	return stop_if_due(ctx, &p, since);
}

enum cmd_status
idle_check(const struct cmd_ctx *ctx)
{
	struct text ignored;
	enum cmd_status rc;

	text_init(&ignored, 256);
	rc = in_change(ctx, check_step, NULL, &ignored);
	text_free(&ignored);
	return rc;
}

store_rc
idle_candidates(store *st, store_owner_cb cb, void *arg)
{
	return store_away_running(st, cb, arg);
}

/* The question about e, which ran through the absence [since, now),
 * kept for IDLE_PROMPT_SECS and written to reply. */
static enum cmd_status
ask(const struct cmd_ctx *ctx, const struct store_entry *e, int64_t since,
    struct text *reply)
{
	char from[FMT_CLOCK_MAX], to[FMT_CLOCK_MAX], away[FMT_DURATION_MAX];
	struct store_prompt q;

	q.entry_id = e->id;
	q.away_from = since;
	q.away_to = ctx->now;
	q.expires = ctx->now + IDLE_PROMPT_SECS;
	/* The question stands for the running-over nudge of this entry:
	 * one message about it is enough. */
	if (store_prompt_set(ctx->st, ctx->owner, &q) != STORE_OK ||
	    store_nudge_record(ctx->st, ctx->owner, STORE_NUDGE_RUNNING_OVER,
	                       e->id, ctx->now) == STORE_ERR)
		return cmd_store_failed(reply, 1);
	fmt_clock(ctx->tz, since, ctx->now, from, sizeof(from));
	fmt_clock(ctx->tz, ctx->now, ctx->now, to, sizeof(to));
	fmt_duration(ctx->now - since, away, sizeof(away));
	say_timer(reply, e);
	text_printf(reply, " has been running while you were away since %s "
	                   "(%s). `stop` ends it at %s, `break` records "
	                   "%s-%s as a pause, `keep` keeps it all.",
	            from, away, from, from, to);
	return CMD_OK;
}

/* Tells, once, what idle.action stop stopped in the absence that began
 * at since, if anything. */
static enum cmd_status
tell_stopped(const struct cmd_ctx *ctx, int64_t since, struct text *reply)
{
	char at[FMT_CLOCK_MAX], ran[FMT_DURATION_MAX];
	struct store_entry e;
	store_rc rc;

	rc = store_away_stopped(ctx->st, ctx->owner, since, &e);
	if (rc == STORE_NOTFOUND)
		return CMD_OK;
	if (rc != STORE_OK)
		return cmd_store_failed(reply, 1);
	fmt_clock(ctx->tz, e.stop, ctx->now, at, sizeof(at));
	fmt_duration(store_worked_secs(&e, e.stop), ran, sizeof(ran));
	text_printf(reply, "While you were away I stopped ");
	say_timer(reply, &e);
	text_printf(reply, " at %s (it ran %s). `undo` takes that back.", at,
	            ran);
	return CMD_OK;
}

static enum cmd_status
back_step(const struct cmd_ctx *ctx, void *arg, struct text *reply)
{
	struct store_entry e;
	struct prefs p;
	int64_t since;
	store_rc rc;

	(void)arg;
	rc = store_away_get(ctx->st, ctx->owner, &since);
	if (rc == STORE_NOTFOUND)
		return CMD_OK;
	if (rc != STORE_OK || store_away_clear(ctx->st, ctx->owner) != STORE_OK ||
	    prefs_load(ctx->st, ctx->owner, ctx->prefs, &p) != STORE_OK)
		return cmd_store_failed(reply, 1);
	if (p.idle_action == PREFS_IDLE_STOP) {
		/* The timed check may not have come round yet. */
		if (stop_if_due(ctx, &p, since) != CMD_OK)
			return cmd_store_failed(reply, 1);
		return tell_stopped(ctx, since, reply);
	}
	if (p.idle_action != PREFS_IDLE_ASK || ctx->now - since < p.idle_after)
		return CMD_OK;
	rc = store_running(ctx->st, ctx->owner, &e);
	if (rc == STORE_NOTFOUND || (rc == STORE_OK && !forgotten(ctx, &e, since)))
		return CMD_OK;
	if (rc != STORE_OK)
		return cmd_store_failed(reply, 1);
	return ask(ctx, &e, since, reply);
}

enum cmd_status
idle_back(const struct cmd_ctx *ctx, struct text *reply)
{
	int64_t since;
	store_rc rc;

	text_clear(reply);
	/* Every chat command comes here, and nearly always its sender was
	 * not away: one read says so, without the write transaction and
	 * zone look-up of back_step, which reads it again inside. */
	rc = store_away_get(ctx->st, ctx->owner, &since);
	if (rc == STORE_NOTFOUND)
		return CMD_OK;
	if (rc != STORE_OK)
		return cmd_store_failed(reply, 1);
	return in_change(ctx, back_step, NULL, reply);
}

/* The end of an answer that changed e: done and e when the store took
 * it (rc), else refused when a rule said no, else the failure. */
static enum cmd_status
say_answer(const struct cmd_ctx *ctx, store_rc rc, const char *done,
           const struct store_entry *e, const char *refused,
           struct text *reply)
{
	if (rc == STORE_OK) {
		text_printf(reply, "%s", done);
		cmd_say_entry(ctx, e, reply);
		text_printf(reply, ".");
	}
	return cmd_store_says(rc, STORE_CONFLICT, refused, 1, reply);
}

/* The question's answer, e its entry (running), in the open change. */
static enum cmd_status
answer(const struct cmd_ctx *ctx, enum answer a, const struct store_prompt *q,
       struct store_entry *e, struct text *reply)
{
	char from[FMT_CLOCK_MAX], to[FMT_CLOCK_MAX], since[FMT_CLOCK_MAX];
	char dur[FMT_DURATION_MAX], done[2 * FMT_CLOCK_MAX + 48];
	store_rc rc;

	if (store_prompt_clear(ctx->st, ctx->owner) != STORE_OK)
		return cmd_store_failed(reply, 1);
	fmt_clock(ctx->tz, q->away_from, ctx->now, from, sizeof(from));
	fmt_clock(ctx->tz, q->away_to, ctx->now, to, sizeof(to));
	if (a == ANSWER_STOP) {
		rc = cmd_change_label(ctx, "stop %s (away since %s)", e->project,
		                      from);
		if (rc == STORE_OK)
			rc = store_stop(ctx->st, ctx->owner, q->away_from, e);
		snprintf(done, sizeof(done), "Stopped at %s, when you left: ",
		         from);
		/* A break begun after they left (a pause since the question)
		 * is in the way. */
		return say_answer(ctx, rc, done, e, "I could not end it where "
		                  "you left: it has a break after that. Say "
		                  "\"log\" to see it.", reply);
	}
	if (a == ANSWER_BREAK) {
		rc = cmd_change_label(ctx, "break %s %s-%s (away)", e->project,
		                      from, to);
		if (rc == STORE_OK)
			rc = store_add_break(ctx->st, ctx->owner, e->seq,
			                     q->away_from, q->away_to, e);
		snprintf(done, sizeof(done), "Recorded %s-%s as a break: ", from,
		         to);
		return say_answer(ctx, rc, done, e, "I could not record that "
		                  "break: it meets another one. Say \"log\" to "
		                  "see them.", reply);
	}
	fmt_clock(ctx->tz, e->start, ctx->now, since, sizeof(since));
	fmt_duration(store_worked_secs(e, ctx->now), dur, sizeof(dur));
	text_printf(reply, "Kept: ");
	say_timer(reply, e);
	text_printf(reply, " runs on (since %s, %s).", since, dur);
	return CMD_OK;
}

/* What answer_step answers. */
struct answering {
	enum answer a;
	bool open;   /* out: a question was open */
};

static enum cmd_status
answer_step(const struct cmd_ctx *ctx, void *arg, struct text *reply)
{
	struct answering *an = arg;
	struct store_prompt q;
	struct store_entry e;
	store_rc rc;

	rc = store_prompt_get(ctx->st, ctx->owner, ctx->now, &q, &e);
	if (rc == STORE_NOTFOUND)
		return CMD_REFUSED;
	if (rc != STORE_OK)
		return cmd_store_failed(reply, 1);
	an->open = true;
	return answer(ctx, an->a, &q, &e, reply);
}

/*
 * False when ctx->owner surely has no question about time away open, by
 * a read outside any transaction; true when one is, or the read failed
 * (then in_change finds out, inside its own). Measured with callgrind:
 * every "stop" (nearly always with no question open) began a write
 * transaction, looked, rolled back and began the stop's own: 17,000
 * instructions and the write lock's system calls twice. Only the bot's
 * own loop opens a question, so nothing opens one between this read and
 * the command.
 */
static bool
question_open(const struct cmd_ctx *ctx)
{
	struct store_prompt q;
	struct store_entry e;

	return store_prompt_get(ctx->st, ctx->owner, ctx->now, &q, &e) !=
	       STORE_NOTFOUND;
}

bool
cmd_idle_answer(const struct cmd_ctx *ctx, const struct cmd_args *args,
                struct text *reply, enum cmd_status *rc)
{
	struct answering an = { ANSWER_STOP, false };
	bool answer_word = strcmp(args->word, "break") == 0 ||
	                   strcmp(args->word, "keep") == 0;

	if (ctx->about != NULL)
		return false;
	/* "break 10m", "keep going": no command, and no answer either (an
	 * answer is the word alone), but what they mean is plain. */
	if (args->argc != 0 && answer_word) {
		text_printf(reply, "break and keep, alone, answer my question "
		                   "about time away. To pause the timer, say "
		                   "pause; to end it, stop.");
		*rc = CMD_REFUSED;
		return true;
	}
	if (args->argc != 0)
		return false;
	if (strcmp(args->word, "break") == 0)
		an.a = ANSWER_BREAK;
	else if (strcmp(args->word, "keep") == 0)
		an.a = ANSWER_KEEP;
	else if (strcmp(args->word, "stop") != 0)
		return false;
	if (question_open(ctx)) {
		*rc = in_change(ctx, answer_step, &an, reply);
		if (an.open || *rc == CMD_FAILED)
			return true;
	}
	/* No question open: stop is the command it always was; break and
	 * keep are no commands, but the words of someone who means one. */
	if (an.a == ANSWER_STOP)
		return false;
	text_printf(reply, "No question about time away is open. To pause the "
	                   "timer, say pause.");
	*rc = CMD_REFUSED;
	return true;
}
