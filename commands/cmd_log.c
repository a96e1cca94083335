/*
 * commands/cmd_log.c - log: the entries of a period, with the numbers
 * that edit and delete take.
 */
#include "cmd_int.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "format.h"
#include "../lib/tz.h"

/* A log lists at most this many entries; more are counted, not shown. */
#define LOG_ROWS_MAX 100

/*
 * The columns of a row: "#12", the start, the end, the duration (worked
 * time) and the breaks ("(break 45m)", a column only when some row has
 * breaks). Their widths are measured over all rows first, so that every
 * row lines up even when some name a day ("Sat 22:00"); these are the
 * least.
 */
struct log_cols {
	int id, start, end, dur, brk;
};

struct log_state {
	const struct cmd_ctx *ctx;
	struct text *out;
	bool measure;      /* the first pass: only widen cols */
	struct log_cols cols;
	bool by_day;       /* several days: a line per day before its entries */
	int64_t last_day;  /* the local midnight of the last day line */
	int64_t total;
	int64_t from, to;  /* the range, to clip the total */
};

/* Appends s padded with spaces to width characters, on the left when
 * right is set. */
static void
pad(struct text *out, const char *s, int width, bool right)
{
	int fill = width - (int)fmt_width(s);

	if (right)
		text_printf(out, "%*s%s", fill > 0 ? fill : 0, "", s);
	else
		text_printf(out, "%s%*s", s, fill > 0 ? fill : 0, "");
}

static void
widen(int *col, const char *s)
{
	if ((int)fmt_width(s) > *col)
		*col = (int)fmt_width(s);
}

/*
 * One entry. It is listed under the day it began on, or under the first
 * day of the range when it began before it; either way its times are
 * written as seen from that day (fmt_log_times), so an entry of another
 * day never reads as one of this day.
 */
static void
log_row(const char *owner, const struct store_entry *e, void *arg)
{
	struct log_state *s = arg;
	char id[24], a[FMT_CLOCK_MAX], b[FMT_CLOCK_MAX], dur[FMT_DURATION_MAX];
	char brk[FMT_DURATION_MAX + 16] = "", bd[FMT_DURATION_MAX];
	int64_t end = e->stop ? e->stop : s->ctx->now;
	int64_t breaks = store_break_secs(e, e->start, end, s->ctx->now);
	int64_t lo = e->start > s->from ? e->start : s->from;
	int64_t hi = end < s->to ? end : s->to;
	int64_t day = tz_day_start(s->ctx->tz, lo);
	struct tm tm;

	(void)owner;
	snprintf(id, sizeof(id), "#%lld", (long long)e->seq);
	fmt_log_times(s->ctx->tz, day, e->start, e->stop, a, b, sizeof(a));
	fmt_duration(store_worked_secs(e, s->ctx->now), dur, sizeof(dur));
	if (breaks > 0) {
		fmt_duration(breaks, bd, sizeof(bd));
		snprintf(brk, sizeof(brk), "(break %s)", bd);
	}
	if (s->measure) {
		widen(&s->cols.id, id);
		widen(&s->cols.start, a);
		widen(&s->cols.end, b);
		widen(&s->cols.dur, dur);
		widen(&s->cols.brk, brk);
		return;
	}
	if (s->by_day && day != s->last_day &&
	    tz_local(s->ctx->tz, day, &tm) == 0) {
		char dname[FMT_DAY_MAX];

		fmt_day(&tm, dname, sizeof(dname));
		text_printf(s->out, "\n%s", dname);
		s->last_day = day;
	}
	if (hi > lo)
		s->total += hi - lo - store_break_secs(e, lo, hi, s->ctx->now);
	text_printf(s->out, "\n");
	pad(s->out, id, s->cols.id, false);
	text_printf(s->out, " ");
	pad(s->out, a, s->cols.start, true);
	text_printf(s->out, "–");
	pad(s->out, b, s->cols.end, false);
	text_printf(s->out, " ");
	pad(s->out, dur, s->cols.dur, true);
	text_printf(s->out, "  ");
	if (s->cols.brk > 0) {
		pad(s->out, brk, s->cols.brk, false);
		text_printf(s->out, " ");
	}
	fmt_entry(s->out, e);
}

enum cmd_status
cmd_log(const struct cmd_ctx *ctx, const struct cmd_args *args,
        struct text *reply)
{
	struct cmd_query q;
	struct log_state s;
	char total[FMT_DURATION_MAX];
	int64_t n = 0;

	if (cmd_read_query(ctx, args, 0, TZ_TODAY, 0, &q, reply) != 0)
		return CMD_REFUSED;

	memset(&s, 0, sizeof(s));
	s.ctx = ctx;
	s.out = reply;
	s.by_day = q.to - q.from > 25 * 3600;
	s.last_day = INT64_MIN;
	s.from = q.from;
	s.to = q.to;
	s.cols.id = 5; /* "#1234" */
	s.cols.start = s.cols.end = 5; /* "09:00" */
	s.cols.dur = 7; /* "10h 00m" */
	fmt_heading(reply, ctx->tz, q.label, q.from, q.to);
	cmd_say_filter(&q, reply);
	text_printf(reply, ":");
	/* Twice: the widths of the columns, then the rows. */
	s.measure = true;
	if (store_list_filtered(ctx->st, ctx->owner, q.from, q.to, ctx->now,
	                        &q.filter, LOG_ROWS_MAX, log_row, &s, &n) !=
	    STORE_OK)
		return cmd_store_failed(reply, 0);
	s.measure = false;
	if (n > 0 &&
	    store_list_filtered(ctx->st, ctx->owner, q.from, q.to, ctx->now,
	                        &q.filter, LOG_ROWS_MAX, log_row, &s, &n) !=
	    STORE_OK)
		return cmd_store_failed(reply, 0);
	if (n == 0) {
		if (cmd_unknown_project(ctx, &q, reply))
			return CMD_REFUSED;
		text_clear(reply);
		text_printf(reply, "No entries %s", q.label);
		cmd_say_filter(&q, reply);
		text_printf(reply, ".");
		return CMD_OK;
	}
	fmt_duration(s.total, total, sizeof(total));
	if (n > LOG_ROWS_MAX)
		text_printf(reply, "\n... and %lld more; ask for a shorter period.",
		            (long long)(n - LOG_ROWS_MAX));
	else
		text_printf(reply, "\n%lld %s, %s in this period.", (long long)n,
		            n == 1 ? "entry" : "entries", total);
	return CMD_OK;
}
