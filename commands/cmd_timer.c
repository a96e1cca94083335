/*
 * commands/cmd_timer.c - the running timer: start (switch), stop, cancel,
 * continue (restart), status.
 *
 * Every change is one undoable step in one transaction: "start" while a
 * timer runs stops it and starts the new one together, or does neither.
 * Entries never overlap; the running one counts as reaching up to now.
 * Every boundary a command here moves is checked against all recorded
 * time (span_taken), not only up to ctx->now: a command that waited on
 * the server while the bot was away counts at its send time, which is
 * earlier than the clock, and entries made since then lie after it.
 */
#include "cmd_int.h"

#include <stdio.h>
#include <string.h>

#include "format.h"
#include "tz.h"

/*
 * Reads the optional "at TIME" / "DURATION ago" at the end of words
 * [from, argc) into *when (now when absent) and *keep (where the other
 * words end). -1 with the reason in reply when it is malformed or in the
 * future.
 */
static int
read_when(const struct cmd_ctx *ctx, const struct cmd_args *args, int from,
          int *keep, int64_t *when, struct text *reply)
{
	struct tp_ctx c = cmd_tp(ctx);
	char clock[FMT_CLOCK_MAX];
	int k;

	*when = ctx->now;
	*keep = args->argc;
	switch (tp_trailing_when(&c, args->argv + from, args->argc - from, &k,
	                         when, reply)) {
	case TP_BAD:
		return -1;
	case TP_NOMATCH:
		*when = ctx->now;
		return 0;
	case TP_OK:
		break;
	}
	*keep = from + k;
	if (*when > ctx->now) {
		fmt_clock(ctx->tz, *when, ctx->now, clock, sizeof(clock));
		text_printf(reply, "%s is in the future; I only record time "
		                   "that has begun.", clock);
		return -1;
	}
	return 0;
}

/*
 * Whether [from, to) would overlap one of the owner's entries other than
 * #except (0: none left out). 0 when it is free; 1 when not, with the
 * reply "<doing> then would overlap #3 acme ... . <advice>"; -1 when
 * storage failed (nothing written to reply). Call it inside the change's
 * transaction, so nothing can come between the check and the change.
 */
static int
span_taken(const struct cmd_ctx *ctx, int64_t from, int64_t to,
           int64_t except, const char *doing, const char *advice,
           struct text *reply)
{
	struct store_entry clash;
	store_rc rc;

	rc = store_overlap(ctx->st, ctx->owner, from, to, ctx->now, except,
	                   &clash);
	if (rc == STORE_NOTFOUND)
		return 0;
	if (rc != STORE_OK)
		return -1;
	text_printf(reply, "%s then would overlap ", doing);
	cmd_say_entry(ctx, &clash, reply);
	text_printf(reply, ". %s", advice);
	return 1;
}

/* Appends "Stopped acme after 25m" for an entry that just stopped. */
static void
say_stopped(struct text *reply, const struct store_entry *e)
{
	char dur[FMT_DURATION_MAX];

	fmt_duration(e->stop - e->start, dur, sizeof(dur));
	text_printf(reply, "Stopped ");
	fmt_entry(reply, e);
	text_printf(reply, " after %s", dur);
}

/*
 * Starts e at when, stopping the running timer at that moment. The label
 * names the step for undo. Shared by start, switch and continue.
 */
static enum cmd_status
begin_timer(const struct cmd_ctx *ctx, struct store_entry *e, int64_t when,
            const char *verb, struct text *reply)
{
	struct store_entry run;
	char clock[FMT_CLOCK_MAX], label[STORE_LABEL_MAX];
	bool stopped = false, replaced = false;
	store_rc rc;

	e->start = when;
	e->stop = 0;
	snprintf(label, sizeof(label), "%s %s", verb, e->project);
	if (store_begin_change(ctx->st, ctx->owner, label, ctx->now) != STORE_OK)
		return cmd_store_failed(reply, 1);

	rc = store_running(ctx->st, ctx->owner, &run);
	if (rc == STORE_OK && when == run.start && when == ctx->now) {
		/* The running timer started this very second: the user is
		 * correcting it ("start acm", "start acme"). An empty entry is
		 * never kept, so the new timer takes its place. */
		if (store_delete(ctx->st, ctx->owner, run.seq, NULL) != STORE_OK)
			goto fail;
		replaced = true;
	} else if (rc == STORE_OK) {
		if (when <= run.start) {
			store_rollback(ctx->st);
			fmt_clock(ctx->tz, run.start, ctx->now, clock, sizeof(clock));
			text_printf(reply, "%s has been running since %s; a new timer "
			                   "has to start after that. Say \"stop\" or "
			                   "\"cancel\" first, or \"edit %lld start "
			                   "...\".", run.project, clock,
			            (long long)run.seq);
			return CMD_REFUSED;
		}
		if (store_stop(ctx->st, ctx->owner, when, &run) != STORE_OK)
			goto fail;
		stopped = true;
	} else if (rc != STORE_NOTFOUND) {
		goto fail;
	}

	/* Neither the new timer, from when up to the clock, nor the one it
	 * stopped may reach into recorded time. */
	switch (span_taken(ctx, stopped ? run.start : when, CMD_UP_TO_NOW,
	                   stopped ? run.seq : 0, "Starting",
	                   "Pick a later time.", reply)) {
	case 0:
		break;
	case 1:
		store_rollback(ctx->st);
		return CMD_REFUSED;
	default:
		goto fail;
	}
	if (store_insert_entry(ctx->st, ctx->owner, e) != STORE_OK ||
	    store_commit(ctx->st) != STORE_OK)
		goto fail;

	fmt_clock(ctx->tz, e->start, ctx->now, clock, sizeof(clock));
	if (stopped) {
		say_stopped(reply, &run);
		text_printf(reply, ". ");
	}
	text_printf(reply, "Started ");
	fmt_entry(reply, e);
	text_printf(reply, " at %s", clock);
	if (replaced) {
		text_printf(reply, " in place of ");
		fmt_entry(reply, &run);
		text_printf(reply, ", which had only just started");
	}
	text_printf(reply, ".");
	return CMD_OK;
fail:
	store_rollback(ctx->st);
	return cmd_store_failed(reply, 1);
}

enum cmd_status
cmd_start(const struct cmd_ctx *ctx, const struct cmd_args *args,
          struct text *reply)
{
	struct store_entry e;
	int64_t when;
	int i = 0, keep;

	memset(&e, 0, sizeof(e));
	if (cmd_read_project_tags(args, &i, &e, reply) != 0 ||
	    read_when(ctx, args, i, &keep, &when, reply) != 0 ||
	    cmd_read_note(args, i, keep, &e, reply) != 0)
		return CMD_REFUSED;
	return begin_timer(ctx, &e, when, "start", reply);
}

enum cmd_status
cmd_continue(const struct cmd_ctx *ctx, const struct cmd_args *args,
             struct text *reply)
{
	struct store_entry last, e;
	char clock[FMT_CLOCK_MAX];
	int64_t when;
	int keep, i;
	store_rc rc;

	if (read_when(ctx, args, 0, &keep, &when, reply) != 0)
		return CMD_REFUSED;
	if (keep != 0) {
		text_printf(reply, "continue takes only a time. Example: continue "
		                   "at 13:00");
		return CMD_REFUSED;
	}
	if ((rc = store_last(ctx->st, ctx->owner, &last)) == STORE_NOTFOUND) {
		text_printf(reply, "There is nothing to continue yet. Start with: "
		                   "start acme");
		return CMD_REFUSED;
	}
	if (rc != STORE_OK)
		return cmd_store_failed(reply, 0);
	if (last.stop == 0) {
		fmt_clock(ctx->tz, last.start, ctx->now, clock, sizeof(clock));
		text_printf(reply, "%s is already running (since %s).",
		            last.project, clock);
		return CMD_REFUSED;
	}
	memset(&e, 0, sizeof(e));
	memcpy(e.project, last.project, sizeof(e.project));
	for (i = 0; i < last.ntags; i++)
		memcpy(e.tags[i], last.tags[i], sizeof(e.tags[i]));
	e.ntags = last.ntags;
	return begin_timer(ctx, &e, when, "continue", reply);
}

enum cmd_status
cmd_stop(const struct cmd_ctx *ctx, const struct cmd_args *args,
         struct text *reply)
{
	struct store_entry e;
	char from[FMT_CLOCK_MAX], to[FMT_CLOCK_MAX], label[STORE_LABEL_MAX];
	int64_t when;
	int keep, taken;
	store_rc rc;

	if (read_when(ctx, args, 0, &keep, &when, reply) != 0)
		return CMD_REFUSED;
	if (keep != 0) {
		text_printf(reply, "stop takes only a time. Example: stop at 17:30 "
		                   "or stop 10m ago");
		return CMD_REFUSED;
	}
	rc = store_running(ctx->st, ctx->owner, &e);
	if (rc == STORE_NOTFOUND) {
		text_printf(reply, "Nothing is running.");
		return CMD_REFUSED;
	}
	if (rc != STORE_OK)
		return cmd_store_failed(reply, 0);
	if (when == e.start && when == ctx->now) {
		text_printf(reply, "%s has only just started, so there is no time "
		                   "to record yet. To throw it away, say \"cancel\".",
		            e.project);
		return CMD_REFUSED;
	}
	if (when <= e.start) {
		fmt_clock(ctx->tz, e.start, ctx->now, from, sizeof(from));
		text_printf(reply, "%s started at %s; it has to stop after that. To "
		                   "throw the timer away, say \"cancel\".",
		            e.project, from);
		return CMD_REFUSED;
	}

	snprintf(label, sizeof(label), "stop %s", e.project);
	if (store_begin_change(ctx->st, ctx->owner, label, ctx->now) != STORE_OK)
		return cmd_store_failed(reply, 1);
	/* The stopped entry must not reach into recorded time either. */
	taken = span_taken(ctx, e.start, when, e.seq, "Stopping",
	                   "Stop it earlier, or change one of them with "
	                   "\"edit\".", reply);
	if (taken == 1) {
		store_rollback(ctx->st);
		return CMD_REFUSED;
	}
	if (taken != 0 || store_stop(ctx->st, ctx->owner, when, &e) != STORE_OK ||
	    store_commit(ctx->st) != STORE_OK) {
		store_rollback(ctx->st);
		return cmd_store_failed(reply, 1);
	}
	fmt_clock(ctx->tz, e.start, ctx->now, from, sizeof(from));
	fmt_clock(ctx->tz, e.stop, e.start, to, sizeof(to));
	say_stopped(reply, &e);
	text_printf(reply, " (%s–%s).", from, to);
	return CMD_OK;
}

enum cmd_status
cmd_cancel(const struct cmd_ctx *ctx, const struct cmd_args *args,
           struct text *reply)
{
	struct store_entry e;
	char since[FMT_CLOCK_MAX], dur[FMT_DURATION_MAX], label[STORE_LABEL_MAX];
	store_rc rc;

	(void)args;
	rc = store_running(ctx->st, ctx->owner, &e);
	if (rc == STORE_NOTFOUND) {
		text_printf(reply, "Nothing is running.");
		return CMD_REFUSED;
	}
	if (rc != STORE_OK)
		return cmd_store_failed(reply, 0);
	snprintf(label, sizeof(label), "cancel %s", e.project);
	if (store_begin_change(ctx->st, ctx->owner, label, ctx->now) != STORE_OK)
		return cmd_store_failed(reply, 1);
	if (store_delete(ctx->st, ctx->owner, e.seq, NULL) != STORE_OK ||
	    store_commit(ctx->st) != STORE_OK) {
		store_rollback(ctx->st);
		return cmd_store_failed(reply, 1);
	}
	fmt_clock(ctx->tz, e.start, ctx->now, since, sizeof(since));
	fmt_duration(ctx->now - e.start, dur, sizeof(dur));
	text_printf(reply, "Cancelled ");
	fmt_entry(reply, &e);
	text_printf(reply, " (running since %s, %s); nothing was recorded. "
	                   "\"undo\" brings it back.", since, dur);
	return CMD_OK;
}

enum cmd_status
cmd_status(const struct cmd_ctx *ctx, const struct cmd_args *args,
           struct text *reply)
{
	struct store_entry e;
	char since[FMT_CLOCK_MAX], dur[FMT_DURATION_MAX], total[FMT_DURATION_MAX];
	int64_t from, to, secs;
	store_rc rc;

	(void)args;
	tz_period(ctx->tz, TZ_TODAY, ctx->now, &from, &to);
	rc = store_running(ctx->st, ctx->owner, &e);
	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		return cmd_store_failed(reply, 0);
	if (store_total(ctx->st, ctx->owner, from, to, ctx->now, &secs) !=
	    STORE_OK)
		return cmd_store_failed(reply, 0);
	fmt_duration(secs, total, sizeof(total));

	if (rc == STORE_NOTFOUND) {
		text_printf(reply, "Nothing is running. Today: %s.", total);
		return CMD_OK;
	}
	fmt_clock(ctx->tz, e.start, ctx->now, since, sizeof(since));
	fmt_duration(ctx->now - e.start, dur, sizeof(dur));
	text_printf(reply, "Running: ");
	fmt_entry(reply, &e);
	text_printf(reply, " since %s (%s). Today: %s.", since, dur, total);
	return CMD_OK;
}
