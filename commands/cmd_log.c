/*
 * commands/cmd_log.c - log: the entries of a period, with the numbers
 * that edit and delete take.
 */
#include "cmd_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "format.h"
#include "tz.h"

/* A log lists at most this many entries; more are counted, not shown. */
#define LOG_ROWS_MAX 100

struct log_state {
	const struct cmd_ctx *ctx;
	struct text *out;
	bool by_day;       /* several days: a line per day before its entries */
	int last_yday;     /* the day of the last line, for by_day */
	int last_year;
	int64_t total;
	int64_t from, to;  /* the range, to clip the total */
};

static void
log_row(const char *owner, const struct store_entry *e, void *arg)
{
	struct log_state *s = arg;
	char a[8], b[12], dur[FMT_DURATION_MAX];
	int64_t end = e->stop ? e->stop : s->ctx->now;
	int64_t lo = e->start > s->from ? e->start : s->from;
	int64_t hi = end < s->to ? end : s->to;
	struct tm tm;

	(void)owner;
	if (s->by_day && tz_local(s->ctx->tz, e->start, &tm) == 0 &&
	    (tm.tm_yday != s->last_yday || tm.tm_year != s->last_year)) {
		char day[32];

		fmt_day(&tm, day, sizeof(day));
		text_printf(s->out, "\n%s", day);
		s->last_yday = tm.tm_yday;
		s->last_year = tm.tm_year;
	}
	if (hi > lo)
		s->total += hi - lo;
	fmt_hm(s->ctx->tz, e->start, a, sizeof(a));
	if (e->stop) {
		/* An entry that ends on a later day says so: "22:00–01:00+1". */
		int64_t days = (tz_day_start(s->ctx->tz, e->stop) -
		                tz_day_start(s->ctx->tz, e->start) + 43200) / 86400;

		fmt_hm(s->ctx->tz, e->stop, b, sizeof(b) - 4);
		if (days > 0 && days < 100)
			snprintf(b + strlen(b), 4, "+%d", (int)days);
	} else {
		snprintf(b, sizeof(b), "now");
	}
	fmt_duration(end - e->start, dur, sizeof(dur));
	text_printf(s->out, "\n#%-4lld %s–%-5s %7s  ", (long long)e->seq, a, b,
	            dur);
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
	s.last_yday = -1;
	s.from = q.from;
	s.to = q.to;
	fmt_heading(reply, ctx->tz, q.label, q.from, q.to);
	cmd_say_filter(&q, reply);
	text_printf(reply, ":");
	if (store_list_filtered(ctx->st, ctx->owner, q.from, q.to, ctx->now,
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
