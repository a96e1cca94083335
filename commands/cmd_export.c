/*
 * commands/cmd_export.c - export: the entries of a period as a CSV, JSON or
 * iCalendar file. The file goes to ctx->file for the bot to deliver (HTTP
 * upload or inline) to the sender; the reply says what it holds. An admin
 * may export another user's entries (cmd_for_user).
 */
#include "cmd_int.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "export.h"
#include "format.h"
#include "team.h"
#include "../lib/tz.h"

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

	/* No owner column, but the owner makes the iCalendar UID. */
	export_entry(s->w, owner, e);
	s->rows++;
}

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

/* The entries q asks for, of ctx's owner or of team t's members, into
 * s; *total: how many there are. CMD_OK, or why not in reply. */
static enum cmd_status
list_entries(const struct cmd_ctx *ctx, const struct team *t,
             const struct cmd_query *q, struct export_state *s,
             int64_t *total, struct text *reply)
{
	store_rc rc;

	if (t == NULL)
		rc = store_list_filtered(ctx->st, ctx->owner, q->from, q->to,
		                         ctx->now, &q->filter, EXPORT_ROWS_MAX,
		                         export_row, s, total);
	else if (team_list(ctx, t, q, EXPORT_ROWS_MAX, export_row, s, total,
	                   &rc, reply) != 0)
		return CMD_REFUSED;
	return rc == STORE_OK ? CMD_OK : cmd_store_failed(reply, 0);
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
	struct cmd_file inline_file;
	struct cmd_file *file = ctx->file;
	struct export_state s;
	struct cmd_query q;
	enum cmd_status rc;
	int64_t total = 0;
	bool cut;

	if (cmd_read_query(ctx, args, first, TZ_MONTH, 0, &q, reply) != 0)
		return CMD_REFUSED;
	q.user = user;

	/* Without a file slot the content comes inline, after the summary. */
	if (file == NULL) {
		cmd_file_init(&inline_file);
		file = &inline_file;
	}
	cmd_file_free(file);
	cmd_file_init(file);
	if ((s.w = export_begin_named(fmt, ctx->tz, ctx->now,
	                              t != NULL ? "member" : NULL,
	                              ctx->bot_jid, &file->body)) == NULL) {
		text_printf(reply, "Sorry, I am short of memory. Please try again.");
		return CMD_FAILED;
	}
	s.rows = 0;
	if ((rc = list_entries(ctx, t, &q, &s, &total, reply)) != CMD_OK) {
		export_end(s.w);
		cmd_file_free(file);
		return rc;
	}
	cut = export_end(s.w) != 0 || total > EXPORT_ROWS_MAX;
	if (total == 0) {
		cmd_file_free(file);
		if (t == NULL && cmd_unknown_project(ctx, &q, reply)) {
			/* "export pdf": the first word may have been meant as
			 * a format. */
			if (first == 0 && q.filter.nprojects > 0 &&
			    q.filter.projects[0] == args->argv[0])
				text_printf(reply, " Formats: csv, json, ical.");
			return CMD_REFUSED;
		}
		text_printf(reply, "No entries %s", q.label);
		if (user != NULL)
			text_printf(reply, " for %s", user);
		cmd_say_filter(&q, reply);
		text_printf(reply, "; nothing to export.");
		return CMD_OK;
	}

	file->present = true;
	file->mime = export_mime(fmt);
	file_name(ctx->tz, user, q.from, q.to, export_ext(fmt), file->name,
	          sizeof(file->name));
	text_printf(reply, "Export of %s", q.label);
	if (user != NULL)
		text_printf(reply, " for %s", user);
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
	if (i < args->argc && !args->quoted[i] && cmd_is(args->argv[i], "team"))
		return export_team(ctx, args, i + 1, fmt, reply);
	return cmd_for_user(ctx, args, export, reply);
}
