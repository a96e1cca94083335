/*
 * commands/cmd_timer.c - start, stop and status: the running timer.
 *
 * A change is one transaction: "start" while a timer runs stops it and
 * starts the new one together, or does neither.
 */
#include "cmd_int.h"

#include <stdio.h>
#include <string.h>

#include "format.h"
#include "tz.h"

/* Checks a word as a project name; writes the reason to reply on failure. */
static int
project_ok(const char *w, struct text *reply)
{
	if (w[0] == '+') {
		text_printf(reply, "A project name comes before the tags. "
		                   "Example: start acme +design");
		return -1;
	}
	if (strlen(w) > STORE_PROJECT_MAX) {
		text_printf(reply, "That project name is too long (at most %d "
		                   "bytes).", STORE_PROJECT_MAX);
		return -1;
	}
	return 0;
}

/*
 * Fills e from "PROJECT [+tag ...] [note ...]": the tags are the +words
 * right after the project; every word after the first that is not a tag
 * belongs to the note, joined by single spaces.
 */
static int
parse_entry(const struct cmd_args *args, struct store_entry *e,
            struct text *reply)
{
	struct text note;
	int i = 0;

	memset(e, 0, sizeof(*e));
	if (project_ok(args->argv[0], reply) != 0)
		return -1;
	snprintf(e->project, sizeof(e->project), "%s", args->argv[0]);

	for (i = 1; i < args->argc && args->argv[i][0] == '+'; i++) {
		const char *tag = args->argv[i] + 1;
		int j, dup = 0;

		if (*tag == '\0' || strlen(tag) > STORE_TAG_MAX) {
			text_printf(reply, "A tag is + and 1 to %d bytes, like +design.",
			            STORE_TAG_MAX);
			return -1;
		}
		for (j = 0; j < e->ntags; j++)
			dup |= strcmp(e->tags[j], tag) == 0;
		if (dup)
			continue;
		if (e->ntags == STORE_TAGS_MAX) {
			text_printf(reply, "At most %d tags per entry.", STORE_TAGS_MAX);
			return -1;
		}
		snprintf(e->tags[e->ntags++], sizeof(e->tags[0]), "%s", tag);
	}

	text_init(&note, STORE_NOTE_MAX);
	for (; i < args->argc; i++)
		text_printf(&note, "%s%s", note.len ? " " : "", args->argv[i]);
	if (note.truncated) {
		text_free(&note);
		text_printf(reply, "That note is too long (at most %d bytes).",
		            STORE_NOTE_MAX);
		return -1;
	}
	snprintf(e->note, sizeof(e->note), "%s", text_str(&note));
	text_free(&note);
	return 0;
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

enum cmd_status
cmd_start(const struct cmd_ctx *ctx, const struct cmd_args *args,
          struct text *reply)
{
	struct store_entry e, old;
	char when[FMT_CLOCK_MAX];
	int stopped = 0;
	store_rc rc;

	if (parse_entry(args, &e, reply) != 0)
		return CMD_REFUSED;
	e.start = ctx->now;
	e.stop = 0;

	if (store_begin(ctx->st) != STORE_OK)
		return cmd_store_failed(reply, 1);
	rc = store_stop(ctx->st, ctx->owner, ctx->now, &old);
	if (rc == STORE_OK)
		stopped = 1;
	else if (rc != STORE_NOTFOUND)
		goto fail;
	if (store_insert(ctx->st, ctx->owner, &e, NULL) != STORE_OK ||
	    store_commit(ctx->st) != STORE_OK)
		goto fail;

	fmt_clock(ctx->tz, e.start, ctx->now, when, sizeof(when));
	if (stopped) {
		say_stopped(reply, &old);
		text_printf(reply, ". ");
	}
	text_printf(reply, "Started ");
	fmt_entry(reply, &e);
	text_printf(reply, " at %s.", when);
	return CMD_OK;
fail:
	store_rollback(ctx->st);
	return cmd_store_failed(reply, 1);
}

enum cmd_status
cmd_stop(const struct cmd_ctx *ctx, const struct cmd_args *args,
         struct text *reply)
{
	struct store_entry e;
	char from[FMT_CLOCK_MAX], to[FMT_CLOCK_MAX];
	store_rc rc;

	(void)args;
	rc = store_stop(ctx->st, ctx->owner, ctx->now, &e);
	if (rc == STORE_NOTFOUND) {
		text_printf(reply, "Nothing is running.");
		return CMD_REFUSED;
	}
	if (rc != STORE_OK)
		return cmd_store_failed(reply, 1);

	fmt_clock(ctx->tz, e.start, ctx->now, from, sizeof(from));
	fmt_clock(ctx->tz, e.stop, ctx->now, to, sizeof(to));
	say_stopped(reply, &e);
	text_printf(reply, " (%s–%s).", from, to);
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
	if (store_total(ctx->st, ctx->owner, from, to, ctx->now,
	                &secs) != STORE_OK)
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
