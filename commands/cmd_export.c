/*
 * commands/cmd_export.c - export: the entries of a period as a CSV, JSON or
 * iCalendar file. The file goes to ctx->file for the bot to deliver (HTTP
 * upload or inline); the reply says what it holds.
 */
#include "cmd_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "export.h"
#include "format.h"
#include "tz.h"

/* An export holds at most this many entries (and CMD_FILE_MAX bytes). */
#define EXPORT_ROWS_MAX 100000

struct export_state {
	struct export_writer *w;
	int64_t rows;
};

static void
export_row(const char *owner, const struct store_entry *e, void *arg)
{
	struct export_state *s = arg;

	(void)owner;
	export_entry(s->w, NULL, e);
	s->rows++;
}

/* "timmy-2026-11-01.csv" for a day, "timmy-2026-11-01_2026-11-30.csv" for
 * more: dates say what is inside wherever the file ends up. */
static void
file_name(const char *zone, int64_t from, int64_t to, const char *ext,
          char *buf, size_t n)
{
	struct tm a, b;
	char d1[16], d2[16];

	if (tz_local(zone, from, &a) != 0 || tz_local(zone, to - 1, &b) != 0) {
		snprintf(buf, n, "timmy.%s", ext);
		return;
	}
	strftime(d1, sizeof(d1), "%Y-%m-%d", &a);
	strftime(d2, sizeof(d2), "%Y-%m-%d", &b);
	if (strcmp(d1, d2) == 0)
		snprintf(buf, n, "timmy-%s.%s", d1, ext);
	else
		snprintf(buf, n, "timmy-%s_%s.%s", d1, d2, ext);
}

/* "3.1 KiB", "512 bytes". */
static void
say_size(size_t bytes, struct text *out)
{
	if (bytes < 1024)
		text_printf(out, "%zu bytes", bytes);
	else if (bytes < 1024 * 1024)
		text_printf(out, "%zu.%zu KiB", bytes / 1024, bytes % 1024 * 10 / 1024);
	else
		text_printf(out, "%zu.%zu MiB", bytes / (1024 * 1024),
		            bytes % (1024 * 1024) * 10 / (1024 * 1024));
}

enum cmd_status
cmd_export(const struct cmd_ctx *ctx, const struct cmd_args *args,
           struct text *reply)
{
	enum export_format fmt = EXPORT_CSV;
	struct cmd_file inline_file;
	struct cmd_file *file = ctx->file;
	struct export_state s;
	struct cmd_query q;
	int64_t total = 0;
	int first = 0;
	bool cut;

	if (args->argc > 0 && !args->quoted[0] &&
	    export_format_parse(args->argv[0], &fmt) == 0)
		first = 1;
	if (cmd_read_query(ctx, args, first, TZ_MONTH, 0, &q, reply) != 0)
		return CMD_REFUSED;

	/* Without a file slot the content comes inline, after the summary. */
	if (file == NULL) {
		cmd_file_init(&inline_file);
		file = &inline_file;
	}
	cmd_file_free(file);
	cmd_file_init(file);
	if ((s.w = export_begin(fmt, ctx->tz, ctx->now, false, &file->body)) ==
	    NULL) {
		text_printf(reply, "Sorry, I am short of memory. Please try again.");
		return CMD_FAILED;
	}
	s.rows = 0;
	if (store_list_filtered(ctx->st, ctx->owner, q.from, q.to, ctx->now,
	                        &q.filter, EXPORT_ROWS_MAX, export_row, &s,
	                        &total) != STORE_OK) {
		export_end(s.w);
		cmd_file_free(file);
		return cmd_store_failed(reply, 0);
	}
	cut = export_end(s.w) != 0 || total > EXPORT_ROWS_MAX;
	if (total == 0) {
		cmd_file_free(file);
		if (cmd_unknown_project(ctx, &q, reply))
			return CMD_REFUSED;
		text_printf(reply, "No entries %s", q.label);
		cmd_say_filter(&q, reply);
		text_printf(reply, "; nothing to export.");
		return CMD_OK;
	}

	file->present = true;
	file->mime = export_mime(fmt);
	file_name(ctx->tz, q.from, q.to, export_ext(fmt), file->name,
	          sizeof(file->name));
	text_printf(reply, "Export of %s", q.label);
	cmd_say_filter(&q, reply);
	text_printf(reply, ": %lld %s as %s, ", (long long)s.rows,
	            s.rows == 1 ? "entry" : "entries", file->name);
	say_size(file->body.len, reply);
	text_printf(reply, ".");
	if (cut)
		text_printf(reply, " The export is cut short at %lld of %lld "
		                   "entries (the limit is %d entries or %d MiB); "
		                   "ask for a shorter period.",
		            (long long)s.rows, (long long)total, EXPORT_ROWS_MAX,
		            CMD_FILE_MAX / (1024 * 1024));
	if (file == &inline_file) {
		text_printf(reply, "\n%s", text_str(&file->body));
		cmd_file_free(file);
	}
	return CMD_OK;
}
