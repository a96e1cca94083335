/*
 * commands/cmd_past.c - fixing the past: add, edit, delete, undo.
 *
 * The same rules hold as for the timer: no overlaps, nothing in the
 * future, no empty or negative entries; every change is one undoable step
 * in the dispatcher's transaction (CMD_CHANGES; undo is one too, and
 * records no step), and an entry number of another user is "no such
 * entry".
 */
#include "cmd_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "format.h"
#include "../lib/tz.h"

/* Where a duration without times goes on a past day: from this hour on. */
#define ADD_DAY_START_HOUR 9
/* The most entries a day may hold for "add DURATION" to look for a gap. */
#define ADD_DAY_MAX 500

/* Refuses with "... would overlap #12 ..." (the dispatcher rolls back). */
static enum cmd_status
refuse_overlap(const struct cmd_ctx *ctx, const struct store_entry *clash,
               const char *what, struct text *reply)
{
	text_printf(reply, "%s would overlap ", what);
	cmd_say_entry(ctx, clash, reply);
	text_printf(reply, ".");
	return CMD_REFUSED;
}

/* The busy intervals of one day, for placing a duration. */
struct day_busy {
	int64_t start[ADD_DAY_MAX], end[ADD_DAY_MAX];
	int n;
	bool full;
	int64_t now;
};

static void
collect_busy(const struct store_entry *e, void *arg)
{
	struct day_busy *b = arg;

	if (b->n == ADD_DAY_MAX) {
		b->full = true;
		return;
	}
	b->start[b->n] = e->start;
	b->end[b->n] = e->stop ? e->stop : (b->now > e->start ? b->now : e->start);
	b->n++;
}

/*
 * Finds a free [*from, *to) of secs seconds on the day [day, day_end):
 * today the latest one that ends by now, an earlier day the first one from
 * ADD_DAY_START_HOUR on. -1 when there is none; -2 on a storage error.
 */
static int
place_duration(const struct cmd_ctx *ctx, int64_t day, int64_t day_end,
               int64_t secs, int64_t *from, int64_t *to)
{
	static struct day_busy b; /* large; commands run one at a time */
	struct tm tm;
	int64_t cursor, limit;
	int i;

	memset(&b, 0, sizeof(b));
	b.now = ctx->now;
	if (store_list(ctx->st, ctx->owner, day, day_end, ctx->now, 0,
	               collect_busy, &b, NULL) != STORE_OK)
		return -2;
	if (b.full)
		return -1;

	if (day_end > ctx->now) {
		/* Today: walk back from now through the gaps. */
		limit = ctx->now;
		for (i = b.n - 1; i >= -1; i--) {
			int64_t gap_start = i >= 0 ? b.end[i] : day;

			if (gap_start < day)
				gap_start = day;
			if (limit - gap_start >= secs) {
				*to = limit;
				*from = limit - secs;
				return 0;
			}
			if (i >= 0 && b.start[i] < limit)
				limit = b.start[i];
		}
		return -1;
	}

	/* An earlier day: the first gap from the morning on. */
	if (tz_local(ctx->tz, day, &tm) != 0)
		return -1;
	tm.tm_hour = ADD_DAY_START_HOUR;
	cursor = tz_mktime(ctx->tz, &tm);
	for (i = 0; i < b.n; i++) {
		if (b.end[i] <= cursor)
			continue;
		if (b.start[i] - cursor >= secs)
			break;
		cursor = b.end[i];
	}
	if (cursor + secs > day_end)
		return -1;
	*from = cursor;
	*to = cursor + secs;
	return 0;
}

/* The local midnight n days after the one at day. */
static int64_t
days_after(const char *zone, int64_t day, int n)
{
	struct tm tm;

	if (tz_local(zone, day, &tm) != 0)
		return day + (int64_t)n * 86400;
	tm.tm_mday += n;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	return tz_mktime(zone, &tm);
}

/* What "add" asks for, as read_add reads it from the words. */
struct add_req {
	struct store_entry e; /* project, tags and note */
	int64_t secs;         /* the duration; 0: a span of clock times */
	int span_at;          /* the word the duration or span begins at */
	bool have_day;        /* a DAY was given */
	int64_t today, day, day_end; /* local midnights */
	char dname[64];       /* the day, as replies name it */
};

/*
 * Reads "PROJECT [+tag ...] DURATION|TIME-TIME [DAY] [note ...]" into r.
 * -1 with why in reply when the words are no such thing.
 */
static int
read_add(const struct cmd_ctx *ctx, const struct cmd_args *args,
         struct add_req *r, struct text *reply)
{
	struct tp_ctx c = cmd_tp(ctx);
	int64_t from, to;
	int i = 0, used = 0;
	enum tp_rc rc;

	memset(r, 0, sizeof(*r));
	if (cmd_read_project_tags(args, &i, &r->e, reply) != 0)
		return -1;
	if (i >= args->argc) {
		text_printf(reply, "How long, or when? Example: add %s 1h30m, "
		                   "or add %s 9:00-10:30", r->e.project,
		            r->e.project);
		return -1;
	}
	r->today = tz_day_start(ctx->tz, ctx->now);

	/* A duration, or a span of clock times (read once to count its words,
	 * again in place_add on the right day). */
	r->span_at = i;
	rc = tp_span(&c, args->argv + i, args->argc - i, r->today, &used, &from,
	             &to, reply);
	if (rc == TP_NOMATCH) {
		rc = tp_duration(args->argv[i], &r->secs, reply);
		used = 1;
		if (rc == TP_NOMATCH) {
			cmd_quote_word(reply, args->argv[i]);
			text_printf(reply, " is not a duration or times. Try \"add "
			                   "%s 1h30m\" or \"add %s 9:00-10:30\".",
			            r->e.project, r->e.project);
		}
	}
	if (rc != TP_OK)
		return -1;
	i += used;

	r->day = r->today;
	if (i < args->argc) {
		rc = tp_day(&c, args->argv[i], &r->day, reply);
		if (rc == TP_BAD)
			return -1;
		if (rc == TP_OK) {
			r->have_day = true;
			i++;
		}
	}
	/* A weekday with a span is the latest such day on which the span
	 * has ended: on a Monday at 00:27, "9:00-10:00 mon" is last
	 * Monday's. */
	if (r->secs == 0 && r->have_day && tp_is_weekday(args->argv[i - 1]) &&
	    tp_span(&c, args->argv + r->span_at, args->argc - r->span_at,
	            r->day, &used, &from, &to, NULL) == TP_OK && to > ctx->now)
		r->day = days_after(ctx->tz, r->day, -7);
	if (r->day > ctx->now) {
		text_printf(reply, "That day has not begun yet.");
		return -1;
	}
	if (cmd_read_note(args, i, args->argc, &r->e, reply) != 0)
		return -1;
	r->day_end = days_after(ctx->tz, r->day, 1);
	fmt_days(ctx->tz, r->day, r->day_end, r->dname, sizeof(r->dname));
	return 0;
}

/*
 * Where r's entry goes, into *from and *to: its span of clock times on its
 * day (moved says whether a DST gap moved one), or the free slot for its
 * duration (place_duration). CMD_OK, else the refusal or failure, with
 * reply written.
 */
static enum cmd_status
place_add(const struct cmd_ctx *ctx, const struct cmd_args *args,
          const struct add_req *r, int64_t *from, int64_t *to,
          struct tp_moved *moved, struct text *reply)
{
	struct tp_ctx c = cmd_tp(ctx);
	char dur[FMT_DURATION_MAX];
	int used, placed;

	if (r->secs == 0) {
		if (tp_span_moved(&c, args->argv + r->span_at,
		                  args->argc - r->span_at, r->day, &used, from,
		                  to, moved, reply) != TP_OK)
			return CMD_REFUSED;
		if (*to > ctx->now) {
			text_printf(reply, "That ends in the future; I only "
			                   "record time that has passed.%s",
			            r->have_day ? "" :
			            " For another day add it, like \"yesterday\".");
			return CMD_REFUSED;
		}
		return CMD_OK;
	}
	placed = place_duration(ctx, r->day, r->day_end, r->secs, from, to);
	if (placed == -2)
		return cmd_store_failed(reply, 1);
	if (placed != 0) {
		fmt_duration(r->secs, dur, sizeof(dur));
		text_printf(reply, "There is no free %s on %s%s. Give the "
		                   "times instead, like \"add %s "
		                   "7:00-8:30%s%s\".",
		            dur, r->dname, r->day == r->today ? " before now" :
		            " after 9:00", r->e.project, r->have_day ? " " : "",
		            r->have_day ? args->argv[r->span_at + 1] : "");
		return CMD_REFUSED;
	}
	return CMD_OK;
}

enum cmd_status
cmd_add(const struct cmd_ctx *ctx, const struct cmd_args *args,
        struct text *reply)
{
	struct tp_moved moved = { 0 };
	struct store_entry clash;
	struct add_req r;
	char hint[CMD_HINT_MAX];
	int64_t from, to;
	enum cmd_status placed;
	store_rc src;

	if (read_add(ctx, args, &r, reply) != 0)
		return CMD_REFUSED;
	cmd_new_project_hint(ctx, r.e.project, hint, sizeof(hint));
	if (cmd_change_label(ctx, "add %s", r.e.project) != STORE_OK)
		return cmd_store_failed(reply, 1);
	placed = place_add(ctx, args, &r, &from, &to, &moved, reply);
	if (placed != CMD_OK)
		return placed;
	src = store_overlap(ctx->st, ctx->owner, from, to, ctx->now, 0, &clash);
	if (src == STORE_OK)
		return refuse_overlap(ctx, &clash, "That", reply);
	if (src != STORE_NOTFOUND)
		return cmd_store_failed(reply, 1);
	r.e.start = from;
	r.e.stop = to;
	if (store_insert_entry(ctx->st, ctx->owner, &r.e) != STORE_OK)
		return cmd_store_failed(reply, 1);
	text_printf(reply, "Added ");
	cmd_say_entry(ctx, &r.e, reply);
	text_printf(reply, "%s.", hint);
	fmt_moved(reply, ctx->tz, &moved);
	return CMD_OK;
}

/* Removes tag from e; -1 with why when e does not have it. */
static int
drop_tag(struct store_entry *e, const char *tag, struct text *reply)
{
	int j, k = 0;

	/* Every spelling of the name goes: an entry tagged before names
	 * compared without case may hold both "x" and "X". */
	for (j = 0; j < e->ntags; j++)
		if (!store_same_name(e->tags[j], tag))
			memmove(e->tags[k++], e->tags[j], sizeof(e->tags[0]));
	if (k < e->ntags) {
		e->ntags = k;
		return 0;
	}
	text_printf(reply, "Entry #%lld has no tag +%s.", (long long)e->seq, tag);
	return -1;
}

/* Reads a TIME for the "start"/"stop" keyword of edit at word *i; moved
 * says whether a DST gap moved it. */
static int
edit_time(const struct cmd_ctx *ctx, const struct cmd_args *args, int *i,
          int64_t *out, struct tp_moved *moved, struct text *reply)
{
	struct tp_ctx c = cmd_tp(ctx);
	const char *kw = args->argv[*i];
	int used = 0;
	enum tp_rc rc;

	rc = tp_time_moved(&c, args->argv + *i + 1, args->argc - *i - 1, &used,
	                   out, moved, reply);
	if (rc == TP_NOMATCH)
		text_printf(reply, "After \"%s\" I need a time, like \"%s 9:30\" or "
		                   "\"%s yesterday 17:00\".", kw, kw, kw);
	if (rc != TP_OK)
		return -1;
	*i += 1 + used;
	return 0;
}

/* What "edit" makes of an entry, as read_edit reads it from the words. */
struct edit_req {
	struct store_entry e;  /* the entry with the words applied, but for
	                          its times */
	int64_t start, stop;   /* its new times (stop 0: running) */
	bool set_stop;         /* "stop TIME" was given */
	struct tp_moved moved_start, moved_stop; /* DST gaps that moved them */
};

/*
 * Applies the words after "edit ID" to r, which holds entry #seq. -1 with
 * why in reply when one of them is not understood, or there are none.
 */
static int
read_edit(const struct cmd_ctx *ctx, const struct cmd_args *args,
          int64_t seq, struct edit_req *r, struct text *reply)
{
	int i = 1;

	if (i >= args->argc) {
		text_printf(reply, "What should change? Example: edit %lld "
		                   "start 9:15", (long long)seq);
		return -1;
	}
	while (i < args->argc) {
		const char *w = args->argv[i];

		if (!args->quoted[i] && w[0] == '+') {
			if (cmd_tag_ok(w + 1, reply) != 0 ||
			    cmd_add_tag(&r->e, w + 1, reply) != 0)
				return -1;
			i++;
		} else if (!args->quoted[i] && w[0] == '-' && w[1] != '\0') {
			if (drop_tag(&r->e, w + 1, reply) != 0)
				return -1;
			i++;
		} else if (cmd_is(w, "project")) {
			if (i + 1 >= args->argc) {
				text_printf(reply, "Which project? Example: edit %lld "
				                   "project globex", (long long)seq);
				return -1;
			}
			if (cmd_project_ok(args->argv[i + 1], args->quoted[i + 1],
			                   reply) != 0)
				return -1;
			snprintf(r->e.project, sizeof(r->e.project), "%s",
			         args->argv[i + 1]);
			i += 2;
		} else if (cmd_is(w, "start")) {
			if (edit_time(ctx, args, &i, &r->start, &r->moved_start,
			              reply) != 0)
				return -1;
		} else if (cmd_is(w, "stop") || cmd_is(w, "end")) {
			if (edit_time(ctx, args, &i, &r->stop, &r->moved_stop,
			              reply) != 0)
				return -1;
			r->set_stop = true;
		} else if (cmd_is(w, "note")) {
			/* From "note" on, which the reader drops when words
			 * follow ("note note to self" keeps "note to self");
			 * "note" alone clears the note. */
			if (cmd_read_note(args, args->quoted[i] ? i + 1 : i,
			                  args->argc, &r->e, reply) != 0)
				return -1;
			if (i + 1 == args->argc)
				r->e.note[0] = '\0';
			i = args->argc;
		} else {
			text_printf(reply, "I don't understand \"%s\" in edit. Example: "
			                   "edit %lld start 9:15 +billable", w,
			            (long long)seq);
			return -1;
		}
	}
	return 0;
}

/*
 * Whether one of e's breaks lies outside e's (new) times; then the reply
 * names it and says what to do.
 */
static bool
breaks_outside(const struct cmd_ctx *ctx, const struct store_entry *e,
               struct text *reply)
{
	char a[FMT_CLOCK_MAX];
	int i;

	for (i = 0; i < e->nbreaks; i++) {
		const struct store_break *b = &e->breaks[i];

		if (b->start >= e->start && (e->stop == 0 ||
		                             (b->stop != 0 && b->stop <= e->stop)))
			continue;
		fmt_clock(ctx->tz, b->start, ctx->now, a, sizeof(a));
		text_printf(reply, "#%lld has a break %s %s, which would lie "
		                   "outside it. \"edit %lld break none\" removes "
		                   "its breaks%s.", (long long)e->seq,
		            b->stop != 0 ? "at" : "since", a, (long long)e->seq,
		            b->stop != 0 ? "" : "; \"resume\" ends a pause");
		return true;
	}
	return false;
}

/*
 * Reads the span of "edit ID break TIME-TIME" on the day that starts at
 * day, as "add" reads one; it must be all the words left. -1 with why in
 * reply otherwise.
 */
static int
read_break(const struct cmd_ctx *ctx, const struct cmd_args *args,
           int64_t seq, int64_t day, int64_t *from, int64_t *to,
           struct text *reply)
{
	struct tp_ctx c = cmd_tp(ctx);
	int used = 0;
	enum tp_rc rc;

	rc = tp_span(&c, args->argv + 2, args->argc - 2, day, &used, from, to,
	             reply);
	if (rc == TP_OK && 2 + used == args->argc)
		return 0;
	if (rc != TP_BAD) {
		text_clear(reply);
		text_printf(reply, "A break is two clock times on the entry's "
		                   "day. Example: edit %lld break 12:00-12:45",
		            (long long)seq);
	}
	return -1;
}

/*
 * edit ID break TIME-TIME: a break inside entry #seq (e), on the day it
 * began (or the day it ends, for a break after midnight). edit ID break
 * none removes its breaks (all but the open one of a paused timer).
 */
static enum cmd_status
edit_break(const struct cmd_ctx *ctx, const struct cmd_args *args,
           int64_t seq, struct store_entry *e, struct text *reply)
{
	char a[FMT_CLOCK_MAX], b[FMT_CLOCK_MAX], c[FMT_CLOCK_MAX];
	int64_t from, to, end = e->stop ? e->stop : ctx->now;
	int64_t day = tz_day_start(ctx->tz, e->start);
	enum cmd_status st;
	int i;

	if (args->argc == 3 && cmd_is(args->argv[2], "none")) {
		for (i = 0; i < e->nbreaks && e->breaks[i].stop == 0; i++)
			;
		if (i == e->nbreaks) {
			text_printf(reply, "#%lld has no breaks to remove.",
			            (long long)seq);
			return CMD_REFUSED;
		}
		if (cmd_change_label(ctx, "edit #%lld break none",
		                     (long long)seq) != STORE_OK)
			return cmd_store_failed(reply, 1);
		st = cmd_entry_found(store_clear_breaks(ctx->st, ctx->owner, seq,
		                                        e), seq, 1, reply);
		if (st != CMD_OK)
			return st;
		text_printf(reply, "Removed the breaks of ");
		cmd_say_entry(ctx, e, reply);
		text_printf(reply, ".");
		return CMD_OK;
	}
	if (read_break(ctx, args, seq, day, &from, &to, reply) != 0)
		return CMD_REFUSED;
	/* After midnight, in an entry that crosses it: the day it ends. */
	if (from < e->start && tz_day_start(ctx->tz, end) != day &&
	    read_break(ctx, args, seq, tz_day_start(ctx->tz, end), &from, &to,
	               reply) != 0)
		return CMD_REFUSED;
	fmt_clock(ctx->tz, from, e->start, a, sizeof(a));
	fmt_clock(ctx->tz, to, from, b, sizeof(b));
	if (from < e->start || to > end) {
		text_printf(reply, "%s–%s is not inside ", a, b);
		cmd_say_entry(ctx, e, reply);
		text_printf(reply, "; a break lies within its entry.");
		return CMD_REFUSED;
	}
	for (i = 0; i < e->nbreaks; i++) {
		if (e->breaks[i].start >= to || (e->breaks[i].stop != 0 &&
		                                 e->breaks[i].stop <= from))
			continue;
		fmt_clock(ctx->tz, e->breaks[i].start, e->start, c, sizeof(c));
		text_printf(reply, "#%lld has a break %s %s", (long long)seq,
		            e->breaks[i].stop != 0 ? "at" : "from", c);
		if (e->breaks[i].stop != 0) {
			fmt_clock(ctx->tz, e->breaks[i].stop, e->breaks[i].start,
			          c, sizeof(c));
			text_printf(reply, "–%s", c);
		}
		text_printf(reply, " already, which %s–%s would overlap.", a, b);
		return CMD_REFUSED;
	}
	if (cmd_change_label(ctx, "edit #%lld break %s-%s", (long long)seq,
	                     a, b) != STORE_OK)
		return cmd_store_failed(reply, 1);
	st = cmd_store_says(store_add_break(ctx->st, ctx->owner, seq, from, to,
	                                    e),
	                    STORE_CONFLICT, "That break breaks a rule (inside "
	                    "its entry, apart from the others); nothing "
	                    "changed.", 1, reply);
	if (st != CMD_OK)
		return st;
	text_printf(reply, "Added a break %s–%s to ", a, b);
	cmd_say_entry(ctx, e, reply);
	text_printf(reply, ".");
	return CMD_OK;
}

enum cmd_status
cmd_edit(const struct cmd_ctx *ctx, const struct cmd_args *args,
         struct text *reply)
{
	struct edit_req r;
	struct store_entry clash;
	char clock[FMT_CLOCK_MAX];
	enum cmd_status st;
	int64_t seq;
	store_rc rc;

	if (cmd_read_id(args->argv[0], &seq, reply) != 0)
		return CMD_REFUSED;
	memset(&r, 0, sizeof(r));
	st = cmd_entry_found(store_get(ctx->st, ctx->owner, seq, &r.e), seq, 0,
	                     reply);
	if (st != CMD_OK)
		return st;
	if (args->argc >= 2 && !args->quoted[1] && cmd_is(args->argv[1], "break"))
		return edit_break(ctx, args, seq, &r.e, reply);
	r.start = r.e.start;
	r.stop = r.e.stop;
	if (read_edit(ctx, args, seq, &r, reply) != 0)
		return CMD_REFUSED;

	if (r.start > ctx->now || (r.set_stop && r.stop > ctx->now)) {
		fmt_clock(ctx->tz, r.start > ctx->now ? r.start : r.stop,
		          ctx->now, clock, sizeof(clock));
		text_printf(reply, "%s is in the future; entries can only hold "
		                   "time that has passed.", clock);
		return CMD_REFUSED;
	}
	if (r.stop != 0 && r.stop <= r.start) {
		text_printf(reply, "An entry has to stop after it starts.");
		return CMD_REFUSED;
	}
	r.e.start = r.start;
	r.e.stop = r.stop;
	if (breaks_outside(ctx, &r.e, reply))
		return CMD_REFUSED;

	if (cmd_change_label(ctx, "edit #%lld", (long long)seq) != STORE_OK)
		return cmd_store_failed(reply, 1);
	/* A running entry reaches up to the clock, not only to ctx->now. */
	rc = store_overlap(ctx->st, ctx->owner, r.start,
	                   r.stop ? r.stop : CMD_UP_TO_NOW, ctx->now, seq,
	                   &clash);
	if (rc == STORE_OK)
		return refuse_overlap(ctx, &clash, "That change", reply);
	if (rc == STORE_NOTFOUND)
		rc = store_update(ctx->st, ctx->owner, &r.e);
	st = cmd_store_says(rc, STORE_CONFLICT, "That change breaks a rule (one "
	                    "running timer, stop after start); nothing changed.",
	                    1, reply);
	if (st != CMD_OK)
		return st;
	text_printf(reply, "Changed ");
	cmd_say_entry(ctx, &r.e, reply);
	text_printf(reply, ".");
	fmt_moved(reply, ctx->tz, &r.moved_start);
	fmt_moved(reply, ctx->tz, &r.moved_stop);
	return CMD_OK;
}

enum cmd_status
cmd_delete(const struct cmd_ctx *ctx, const struct cmd_args *args,
           struct text *reply)
{
	int64_t seq;
	struct store_entry e;
	enum cmd_status st;

	if (cmd_read_id(args->argv[0], &seq, reply) != 0)
		return CMD_REFUSED;
	if (cmd_change_label(ctx, "delete #%lld", (long long)seq) != STORE_OK)
		return cmd_store_failed(reply, 1);
	st = cmd_entry_found(store_delete(ctx->st, ctx->owner, seq, &e), seq, 1,
	                     reply);
	if (st != CMD_OK)
		return st;
	text_printf(reply, "Deleted ");
	cmd_say_entry(ctx, &e, reply);
	text_printf(reply, ". \"undo\" brings it back.");
	return CMD_OK;
}

enum cmd_status
cmd_undo(const struct cmd_ctx *ctx, const struct cmd_args *args,
         struct text *reply)
{
	char label[STORE_LABEL_MAX], clock[FMT_CLOCK_MAX];
	int64_t at = 0;
	store_rc rc;

	(void)args;
	rc = store_undo(ctx->st, ctx->owner, label, sizeof(label), &at);
	if (rc == STORE_NOTFOUND) {
		text_printf(reply, "There is nothing to undo.");
		return CMD_REFUSED;
	}
	if (rc == STORE_CONFLICT) {
		text_printf(reply, "I could not undo your last change without "
		                   "breaking a rule (overlap or a second running "
		                   "timer); nothing changed.");
		return CMD_REFUSED;
	}
	if (rc != STORE_OK)
		return cmd_store_failed(reply, 1);
	fmt_clock(ctx->tz, at, ctx->now, clock, sizeof(clock));
	text_printf(reply, "Undone: %s (done at %s).", label, clock);
	return CMD_OK;
}
