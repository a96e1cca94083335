/*
 * commands/cmd_timer.c - the running timer: start (switch), stop, cancel,
 * continue (restart), pause, resume, status.
 *
 * Every change is one undoable step in the dispatcher's transaction
 * (CMD_CHANGES): "start" while a timer runs stops it and starts the new
 * one together, or does neither.
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
#include "../lib/tz.h"

/*
 * Reads the optional "at TIME" / "DURATION ago" at the end of words
 * [from, argc) into *when (now when absent) and *keep (where the other
 * words end); *moved says whether a DST gap moved the time. -1 with the
 * reason in reply when it is malformed or in the future.
 */
static int
read_when(const struct cmd_ctx *ctx, const struct cmd_args *args, int from,
          int *keep, int64_t *when, struct tp_moved *moved, struct text *reply)
{
	struct tp_ctx c = cmd_tp(ctx);
	char clock[FMT_CLOCK_MAX];
	int k;

	*when = ctx->now;
	*keep = args->argc;
	moved->n = 0;
	switch (tp_trailing_when_moved(&c, args->argv + from, args->argc - from,
	                               &k, when, moved, reply)) {
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

int64_t
cmd_paused_at(const struct store_entry *e)
{
	int i;

	for (i = 0; i < e->nbreaks; i++)
		if (e->breaks[i].stop == 0)
			return e->breaks[i].start;
	return -1;
}

/* The end of e's latest closed break, or e's start when it has none. */
static int64_t
breaks_end(const struct store_entry *e)
{
	int64_t end = e->start;
	int i;

	for (i = 0; i < e->nbreaks; i++)
		if (e->breaks[i].stop > end)
			end = e->breaks[i].stop;
	return end;
}

/*
 * Appends "Stopped acme after 25m" for an entry that just stopped, its
 * worked time; "... after 7h 45m of work and 45m of breaks" when it had
 * breaks. pause (-1: none) is when the entry was paused: it ended there.
 */
static void
say_stopped(const struct cmd_ctx *ctx, struct text *reply,
            const struct store_entry *e, int64_t pause)
{
	char dur[FMT_DURATION_MAX], brk[FMT_DURATION_MAX], at[FMT_CLOCK_MAX];
	int64_t breaks = store_break_secs(e, e->start, e->stop, e->stop);

	fmt_duration(store_worked_secs(e, e->stop), dur, sizeof(dur));
	text_printf(reply, "Stopped ");
	fmt_entry(reply, e);
	text_printf(reply, " after %s", dur);
	if (breaks > 0) {
		fmt_duration(breaks, brk, sizeof(brk));
		text_printf(reply, " of work and %s of breaks", brk);
	}
	if (pause >= 0) {
		fmt_clock(ctx->tz, pause, ctx->now, at, sizeof(at));
		text_printf(reply, ", where it was paused at %s: the time since "
		                   "is no work", at);
	}
}

/*
 * The words that give local time t back to tp_time, into buf (n bytes):
 * "09:05" today, "yesterday 09:05", else "2026-11-23 09:05"; *day (when
 * day is not NULL) gets the day word alone ("" today). Only whole
 * minutes are said: t itself should be one. -1 when the words would not
 * read back as t (a clock time that happens twice, on a day clocks fall
 * back), so that no reply proposes a command that does something else.
 */
static int
time_words(const struct cmd_ctx *ctx, int64_t t, char *buf, size_t n,
           char *day, size_t daysz)
{
	struct tp_ctx c = cmd_tp(ctx);
	char dw[32] = "", hm[FMT_CLOCK_MAX], *argv[2];
	int64_t today = tz_day_start(ctx->tz, ctx->now), back;
	struct text scratch;
	struct tm tm;
	int used = 0, argc = 0;
	enum tp_rc rc;

	if (tz_local(ctx->tz, t, &tm) != 0)
		return -1;
	fmt_hm(ctx->tz, t, hm, sizeof(hm));
	if (tz_day_start(ctx->tz, t) != today) {
		struct tm y;

		tz_local(ctx->tz, today, &y);
		y.tm_mday -= 1;
		if (tz_day_start(ctx->tz, t) == tz_mktime(ctx->tz, &y))
			snprintf(dw, sizeof(dw), "yesterday");
		else
			snprintf(dw, sizeof(dw), "%04d-%02d-%02d",
			         tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
		argv[argc++] = dw;
	}
	argv[argc++] = hm;
	text_init(&scratch, 256);
	rc = tp_time(&c, argv, argc, &used, &back, &scratch);
	text_free(&scratch);
	if (rc != TP_OK || used != argc || back != t)
		return -1;
	snprintf(buf, n, "%s%s%s", dw, dw[0] ? " " : "", hm);
	if (day != NULL)
		snprintf(day, daysz, "%s", dw);
	return 0;
}

/* Appends e's project and tags as a command takes them ("\"client work\"
 * +call"): a project with spaces in quotes. */
static void
say_project_words(struct text *out, const struct store_entry *e)
{
	int i;

	if (strpbrk(e->project, " \t") != NULL)
		text_printf(out, "\"%s\"", e->project);
	else
		text_printf(out, "%s", e->project);
	for (i = 0; i < e->ntags; i++)
		text_printf(out, " +%s", e->tags[i]);
}

/*
 * Appends ' To record 09:00–23:43, say "add acme +design 09:00-23:43".'
 * when e's project and tags could be added for the whole minutes of
 * [from, to): the span reads back as exactly that as "add" reads it (on
 * the day of its start, under a day), and nothing overlaps it. Returns
 * 1 when it said it, 0 when not, -1 on a storage error.
 */
static int
say_add(const struct cmd_ctx *ctx, const struct store_entry *e,
        int64_t from, int64_t to, struct text *reply)
{
	struct tp_ctx c = cmd_tp(ctx);
	char a[FMT_CLOCK_MAX], b[FMT_CLOCK_MAX], span[2 * FMT_CLOCK_MAX + 2];
	char words[FMT_CLOCK_MAX + 32], day[32], *argv[1] = { span };
	int64_t f, t;
	struct text scratch;
	int used = 0;
	enum tp_rc rc;
	store_rc src;

	from += (60 - from % 60) % 60; /* whole minutes inside the span */
	to -= to % 60;
	if (to <= from ||
	    time_words(ctx, from, words, sizeof(words), day, sizeof(day)) != 0)
		return 0;
	fmt_hm(ctx->tz, from, a, sizeof(a));
	fmt_hm(ctx->tz, to, b, sizeof(b));
	snprintf(span, sizeof(span), "%s-%s", a, b);
	text_init(&scratch, 256);
	rc = tp_span(&c, argv, 1, tz_day_start(ctx->tz, from), &used, &f, &t,
	             &scratch);
	text_free(&scratch);
	if (rc != TP_OK || f != from || t != to)
		return 0;
	src = store_overlap(ctx->st, ctx->owner, from, to, ctx->now, 0, NULL);
	if (src != STORE_NOTFOUND)
		return src == STORE_OK ? 0 : -1;
	text_printf(reply, " To record %s–%s, say \"add ", a, b);
	say_project_words(reply, e);
	text_printf(reply, " %s%s%s\"", span, day[0] ? " " : "", day);
	return 1;
}

/*
 * The refusal of a timer that would start at when, at or before the start
 * of the running entry run: what is in the way, and only what would work
 * instead (an "add" of the time before run, moving run back when it is
 * the same project). Nothing is open in the store; this only reads.
 */
static enum cmd_status
refuse_before_running(const struct cmd_ctx *ctx, const struct store_entry *e,
                      int64_t when, const struct store_entry *run,
                      struct text *reply)
{
	char since[FMT_CLOCK_MAX], at[FMT_CLOCK_MAX], words[FMT_CLOCK_MAX + 32];
	bool same = store_same_name(e->project, run->project);
	struct store_entry clash;
	int64_t minute = when + (60 - when % 60) % 60;
	int added;
	store_rc rc;

	fmt_clock(ctx->tz, run->start, ctx->now, since, sizeof(since));
	if (when == run->start && same) {
		text_printf(reply, "%s has been running since %s already.",
		            run->project, since);
		return CMD_REFUSED;
	}
	if (when == run->start) {
		text_printf(reply, "%s has been running since %s, so no other "
		                   "timer can start then. To make it %s, say "
		                   "\"edit %lld project ", run->project, since,
		            e->project, (long long)run->seq);
		say_project_words(reply, e);
		text_printf(reply, "\".");
		return CMD_REFUSED;
	}
	fmt_clock(ctx->tz, when, ctx->now, at, sizeof(at));
	text_printf(reply, "%s has been running since %s, after %s, so a timer "
	                   "cannot start at %s.", run->project, since, at, at);
	rc = store_overlap(ctx->st, ctx->owner, when, run->start, ctx->now, 0,
	                   &clash);
	if (rc == STORE_OK) {
		text_printf(reply, " In between lies ");
		cmd_say_entry(ctx, &clash, reply);
		text_printf(reply, ".");
		return CMD_REFUSED;
	}
	if (rc != STORE_NOTFOUND || (added = say_add(ctx, e, when, run->start,
	                                             reply)) < 0)
		return cmd_store_failed(reply, 0);
	/* Moving run back: the same project, from a time that reads back,
	 * over a span that nothing but run itself overlaps. */
	if (same && time_words(ctx, minute, words, sizeof(words), NULL, 0) == 0) {
		rc = store_overlap(ctx->st, ctx->owner, minute, ctx->now, ctx->now,
		                   run->seq, NULL);
		if (rc != STORE_OK && rc != STORE_NOTFOUND)
			return cmd_store_failed(reply, 0);
		if (rc == STORE_NOTFOUND)
			text_printf(reply, "%s\"edit %lld start %s\" to move the "
			                   "running one back", added ? ", or " :
			            " Say ", (long long)run->seq, words);
		added |= rc == STORE_NOTFOUND;
	}
	if (added)
		text_printf(reply, ".");
	return CMD_REFUSED;
}

/*
 * The refusal of a timer that would start at when, in the past, over
 * recorded time (clash, the earliest entry in the way; nothing runs):
 * from when on a timer can start, and the "add" that records the time
 * before clash, when there is such time. Nothing is open in the store.
 */
static enum cmd_status
refuse_overlap(const struct cmd_ctx *ctx, const struct store_entry *e,
               int64_t when, const struct store_entry *clash,
               struct text *reply)
{
	struct store_entry last;
	char free_from[FMT_CLOCK_MAX];
	int added;

	/* Entries never overlap and none runs: the one that started last
	 * ends last, and after it nothing is recorded up to now. */
	if (store_last(ctx->st, ctx->owner, &last) != STORE_OK)
		return cmd_store_failed(reply, 0);
	fmt_clock(ctx->tz, last.stop != 0 ? last.stop : clash->stop, ctx->now,
	          free_from, sizeof(free_from));
	text_printf(reply, "Starting then would overlap ");
	cmd_say_entry(ctx, clash, reply);
	text_printf(reply, ". A timer can start from %s on.", free_from);
	if ((added = say_add(ctx, e, when, clash->start, reply)) < 0)
		return cmd_store_failed(reply, 0);
	if (added)
		text_printf(reply, ".");
	return CMD_REFUSED;
}

/*
 * Starts e at when, stopping the running timer at that moment, in the
 * dispatcher's change (CMD_CHANGES). The label names the step for undo;
 * moved (read_when's) ends a reply that started the timer.
 * Shared by start, switch and continue; with new_hint, a project the user
 * never used is pointed out when it looks like one of theirs
 * (cmd_new_project_hint). Everything is checked before the first write,
 * so that a refusal reads the data as it is.
 */
static enum cmd_status
begin_timer(const struct cmd_ctx *ctx, struct store_entry *e, int64_t when,
            const struct tp_moved *moved, const char *verb, bool new_hint,
            struct text *reply)
{
	struct store_entry run, clash;
	char clock[FMT_CLOCK_MAX], hint[CMD_HINT_MAX];
	bool stopped = false, replaced = false;
	int64_t pause = -1;
	store_rc rc;

	e->start = when;
	e->stop = 0;
	if (cmd_change_label(ctx, "%s %s", verb, e->project) != STORE_OK)
		return cmd_store_failed(reply, 1);

	rc = store_running(ctx->st, ctx->owner, &run);
	if (rc == STORE_OK && when == run.start && when == ctx->now) {
		/* The running timer started this very second: the user is
		 * correcting it ("start acm", "start acme"). An empty entry is
		 * never kept, so the new timer takes its place. */
		replaced = true;
	} else if (rc == STORE_OK) {
		if (when <= run.start)
			return refuse_before_running(ctx, e, when, &run, reply);
		if (when < breaks_end(&run)) {
			text_printf(reply, "%s had a break until then; a timer "
			                   "can start after it.", run.project);
			return CMD_REFUSED;
		}
		/* Paused: it stops where the pause began (store_stop). */
		pause = cmd_paused_at(&run);
		stopped = true;
	} else if (rc != STORE_NOTFOUND) {
		return cmd_store_failed(reply, 1);
	}

	/* Neither the new timer, from when up to the clock (an open end:
	 * CMD_UP_TO_NOW), nor the one it stops may reach into recorded
	 * time; the running timer, stopped or replaced, is left out. */
	rc = store_overlap(ctx->st, ctx->owner, stopped ? run.start : when,
	                   CMD_UP_TO_NOW, ctx->now,
	                   stopped || replaced ? run.seq : 0, &clash);
	if (rc == STORE_OK) {
		/* Only a stamped (offline) command can find the stopped
		 * timer's own span taken: no later time helps there. */
		if (stopped && clash.stop != 0 && clash.stop <= when) {
			text_printf(reply, "Stopping %s then would overlap ",
			            run.project);
			cmd_say_entry(ctx, &clash, reply);
			text_printf(reply, ".");
			return CMD_REFUSED;
		}
		return refuse_overlap(ctx, e, when, &clash, reply);
	}
	if (rc != STORE_NOTFOUND)
		return cmd_store_failed(reply, 1);
	if (replaced &&
	    store_delete(ctx->st, ctx->owner, run.seq, NULL) != STORE_OK)
		return cmd_store_failed(reply, 1);
	if (stopped && store_stop(ctx->st, ctx->owner, when, &run) != STORE_OK)
		return cmd_store_failed(reply, 1);
	/* After the delete above: a typo corrected at once ("start acm",
	 * "start acme") is not a project the user has. */
	hint[0] = '\0';
	if (new_hint)
		cmd_new_project_hint(ctx, e->project, hint, sizeof(hint));
	if (store_insert_entry(ctx->st, ctx->owner, e) != STORE_OK)
		return cmd_store_failed(reply, 1);

	fmt_clock(ctx->tz, e->start, ctx->now, clock, sizeof(clock));
	if (stopped) {
		say_stopped(ctx, reply, &run, pause);
		text_printf(reply, ". ");
	}
	text_printf(reply, "Started ");
	fmt_entry(reply, e);
	text_printf(reply, " at %s%s", clock, hint);
	if (replaced) {
		text_printf(reply, " in place of ");
		fmt_entry(reply, &run);
		text_printf(reply, ", which had only just started");
	}
	text_printf(reply, ".");
	fmt_moved(reply, ctx->tz, moved);
	return CMD_OK;
}

enum cmd_status
cmd_start(const struct cmd_ctx *ctx, const struct cmd_args *args,
          struct text *reply)
{
	struct store_entry e;
	struct tp_moved moved;
	int64_t when;
	int i = 0, keep;

	memset(&e, 0, sizeof(e));
	if (cmd_read_project_tags(args, &i, &e, reply) != 0 ||
	    read_when(ctx, args, i, &keep, &when, &moved, reply) != 0 ||
	    cmd_read_note(args, i, keep, &e, reply) != 0)
		return CMD_REFUSED;
	return begin_timer(ctx, &e, when, &moved, "start", true, reply);
}

/* Whether word is an entry number, "12" or "#12" (not a duration such as
 * "15m" of "15m ago"). */
static bool
is_id(const char *word)
{
	const char *p = word[0] == '#' ? word + 1 : word;

	if (*p == '\0')
		return false;
	for (; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

/*
 * continue [ID] [at TIME | DURATION ago]: a new timer on the project and
 * tags of entry ID, or of the latest entry (as Timewarrior's "continue
 * @N" and Watson's "restart ID" do).
 */
enum cmd_status
cmd_continue(const struct cmd_ctx *ctx, const struct cmd_args *args,
             struct text *reply)
{
	struct store_entry last, e;
	struct tp_moved moved;
	enum cmd_status st;
	char clock[FMT_CLOCK_MAX];
	int64_t when, seq = 0;
	int keep, i, first = 0;

	if (args->argc > 0 && !args->quoted[0] && is_id(args->argv[0])) {
		if (cmd_read_id(args->argv[0], &seq, reply) != 0)
			return CMD_REFUSED;
		first = 1;
	}
	if (read_when(ctx, args, first, &keep, &when, &moved, reply) != 0)
		return CMD_REFUSED;
	if (keep != first) {
		text_printf(reply, "%s takes an entry number and a time, both "
		                   "optional. Example: %s #12 at 13:00",
		            args->word, args->word);
		return CMD_REFUSED;
	}
	if (seq != 0)
		st = cmd_entry_found(store_get(ctx->st, ctx->owner, seq, &last),
		                     seq, 0, reply);
	else
		st = cmd_store_says(store_last(ctx->st, ctx->owner, &last),
		                    STORE_NOTFOUND, "There is nothing to continue "
		                    "yet. Start with: start acme", 0, reply);
	if (st != CMD_OK)
		return st;
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
	return begin_timer(ctx, &e, when, &moved, "continue", false, reply);
}

/* The running entry into *e; a refusal when nothing runs. */
static enum cmd_status
running(const struct cmd_ctx *ctx, struct store_entry *e, struct text *reply)
{
	return cmd_store_says(store_running(ctx->st, ctx->owner, e),
	                      STORE_NOTFOUND, "Nothing is running.", 0, reply);
}

enum cmd_status
cmd_stop(const struct cmd_ctx *ctx, const struct cmd_args *args,
         struct text *reply)
{
	struct store_entry e;
	struct tp_moved moved;
	char from[FMT_CLOCK_MAX], to[FMT_CLOCK_MAX];
	enum cmd_status st;
	int64_t when, pause;
	int keep, taken;

	if (read_when(ctx, args, 0, &keep, &when, &moved, reply) != 0)
		return CMD_REFUSED;
	if (keep != 0) {
		text_printf(reply, "stop takes only a time. Example: stop at 17:30 "
		                   "or stop 10m ago");
		return CMD_REFUSED;
	}
	if ((st = running(ctx, &e, reply)) != CMD_OK)
		return st;
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

	if (when < breaks_end(&e)) {
		fmt_clock(ctx->tz, breaks_end(&e), ctx->now, from, sizeof(from));
		text_printf(reply, "%s had a break until %s; it has to stop after "
		                   "that.", e.project, from);
		return CMD_REFUSED;
	}
	/* Paused: the entry ends where the pause began, whatever when
	 * says (store_stop). */
	if ((pause = cmd_paused_at(&e)) >= 0 && pause < when)
		when = pause;

	if (cmd_change_label(ctx, "stop %s", e.project) != STORE_OK)
		return cmd_store_failed(reply, 1);
	/* The stopped entry must not reach into recorded time either. */
	taken = span_taken(ctx, e.start, when, e.seq, "Stopping",
	                   "Stop it earlier, or change one of them with "
	                   "\"edit\".", reply);
	if (taken == 1)
		return CMD_REFUSED;
	if (taken != 0 || store_stop(ctx->st, ctx->owner, when, &e) != STORE_OK)
		return cmd_store_failed(reply, 1);
	fmt_clock(ctx->tz, e.start, ctx->now, from, sizeof(from));
	fmt_clock(ctx->tz, e.stop, e.start, to, sizeof(to));
	say_stopped(ctx, reply, &e, pause);
	text_printf(reply, " (%s–%s).", from, to);
	fmt_moved(reply, ctx->tz, &moved);
	return CMD_OK;
}

enum cmd_status
cmd_cancel(const struct cmd_ctx *ctx, const struct cmd_args *args,
           struct text *reply)
{
	struct store_entry e;
	char since[FMT_CLOCK_MAX], dur[FMT_DURATION_MAX];
	enum cmd_status st;

	(void)args;
	if ((st = running(ctx, &e, reply)) != CMD_OK)
		return st;
	if (cmd_change_label(ctx, "cancel %s", e.project) != STORE_OK ||
	    store_delete(ctx->st, ctx->owner, e.seq, NULL) != STORE_OK)
		return cmd_store_failed(reply, 1);
	fmt_clock(ctx->tz, e.start, ctx->now, since, sizeof(since));
	fmt_duration(store_worked_secs(&e, ctx->now), dur, sizeof(dur));
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
	char brk[FMT_DURATION_MAX];
	int64_t from, to, secs, pause, breaks;
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
	fmt_duration(store_worked_secs(&e, ctx->now), dur, sizeof(dur));
	if ((pause = cmd_paused_at(&e)) >= 0) {
		fmt_clock(ctx->tz, pause, ctx->now, since, sizeof(since));
		text_printf(reply, "Paused since %s (", since);
		fmt_entry(reply, &e);
		text_printf(reply, ", worked %s). Today: %s. Say \"resume\" to "
		                   "go on.", dur, total);
		return CMD_OK;
	}
	fmt_clock(ctx->tz, e.start, ctx->now, since, sizeof(since));
	text_printf(reply, "Running: ");
	fmt_entry(reply, &e);
	text_printf(reply, " since %s (%s", since, dur);
	if ((breaks = store_break_secs(&e, e.start, ctx->now, ctx->now)) > 0) {
		fmt_duration(breaks, brk, sizeof(brk));
		text_printf(reply, ", breaks %s", brk);
	}
	text_printf(reply, "). Today: %s.", total);
	return CMD_OK;
}

/*
 * pause [at TIME | DURATION ago]: opens a break in the running timer;
 * resume [at TIME | DURATION ago] closes it. The entry stays open
 * meanwhile: the time of the break does not count.
 */
static enum cmd_status
pause_or_resume(const struct cmd_ctx *ctx, const struct cmd_args *args,
                bool resume, struct text *reply)
{
	struct store_entry e;
	struct tp_moved moved;
	char at[FMT_CLOCK_MAX], dur[FMT_DURATION_MAX], brk[FMT_DURATION_MAX];
	enum cmd_status st;
	int64_t when, pause;
	int keep;
	store_rc rc;

	if (read_when(ctx, args, 0, &keep, &when, &moved, reply) != 0)
		return CMD_REFUSED;
	if (keep != 0) {
		text_printf(reply, "%s takes only a time. Example: %s at 12:45 or "
		                   "%s 10m ago", args->word, args->word, args->word);
		return CMD_REFUSED;
	}
	if ((st = running(ctx, &e, reply)) != CMD_OK)
		return st;
	pause = cmd_paused_at(&e);
	if (!resume && pause >= 0) {
		fmt_clock(ctx->tz, pause, ctx->now, at, sizeof(at));
		text_printf(reply, "%s has been paused since %s already. Say "
		                   "\"resume\" to go on.", e.project, at);
		return CMD_REFUSED;
	}
	if (resume && pause < 0) {
		text_printf(reply, "%s is running, not paused.", e.project);
		return CMD_REFUSED;
	}
	if (!resume && when < breaks_end(&e)) {
		fmt_clock(ctx->tz, breaks_end(&e), ctx->now, at, sizeof(at));
		text_printf(reply, "%s runs from %s on; a pause has to begin "
		                   "then or later.", e.project, at);
		return CMD_REFUSED;
	}
	if (resume && when <= pause) {
		fmt_clock(ctx->tz, pause, ctx->now, at, sizeof(at));
		text_printf(reply, "%s was paused at %s; it has to resume after "
		                   "that.", e.project, at);
		return CMD_REFUSED;
	}
	if (cmd_change_label(ctx, "%s %s", resume ? "resume" : "pause",
	                     e.project) != STORE_OK)
		return cmd_store_failed(reply, 1);
	rc = resume ? store_resume(ctx->st, ctx->owner, when, &e) :
	              store_pause(ctx->st, ctx->owner, when, &e);
	if (rc != STORE_OK)
		return cmd_store_failed(reply, 1);
	fmt_clock(ctx->tz, when, ctx->now, at, sizeof(at));
	fmt_duration(store_worked_secs(&e, ctx->now), dur, sizeof(dur));
	text_printf(reply, "%s ", resume ? "Resumed" : "Paused");
	fmt_entry(reply, &e);
	text_printf(reply, " at %s", at);
	if (resume) {
		fmt_duration(when - pause, brk, sizeof(brk));
		text_printf(reply, " after a break of %s", brk);
	}
	text_printf(reply, " (worked %s).%s", dur, resume ? "" :
	            " Say \"resume\" to go on.");
	fmt_moved(reply, ctx->tz, &moved);
	return CMD_OK;
}

enum cmd_status
cmd_pause(const struct cmd_ctx *ctx, const struct cmd_args *args,
          struct text *reply)
{
	return pause_or_resume(ctx, args, false, reply);
}

enum cmd_status
cmd_resume(const struct cmd_ctx *ctx, const struct cmd_args *args,
           struct text *reply)
{
	return pause_or_resume(ctx, args, true, reply);
}
