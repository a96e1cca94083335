/*
 * commands/cmd.c - the command table, the dispatcher and help.
 *
 * Every message goes through cmd_exec: split into words, the command word
 * looked up in one sorted table, its arity checked once here, and only then
 * a handler runs. Unknown words and wrong arity never reach a handler; nor
 * does an admin command (CMD_ADMIN) sent by anyone but an admin, which is
 * answered as an unknown word, and left out of their help. A command
 * that changes data (CMD_CHANGES) runs in one transaction that
 * run_handler begins, commits or rolls back; handlers never do. A
 * message that arrives a second time (its key already has a change) runs
 * nothing and gets the first reply again. An XEP-0308 correction takes
 * back what the message it corrects did and runs in its place, an
 * XEP-0424 retraction only takes it back, in one transaction, when that
 * is still the sender's latest change (ctx->about; run_correction,
 * run_retraction).
 */
#include "cmd_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "similar.h"
#include "../lib/tz.h"

#define WHEN "[at TIME | DURATION ago]"

/* The admin forms of export and report (cmd_for_user). */
static const struct cmd_form export_admin = {
	"export [csv|json|ical] [RANGE] [PROJECT|+tag ...] USER",
	"another user's entries as a file, sent to you",
	"USER is that user's bare JID, the one word with an @ (it may stand "
	"anywhere after export). Periods and times are in that user's time "
	"zone, else the default one; the file comes to you.\n"
	"export csv week bob@example.org\n"
	"export json last month acme bob@example.org"
};
static const struct cmd_form report_admin = {
	"report USER [RANGE] [PROJECT|+tag ...] [by day|by project|by tag]",
	"another user's report",
	"The report USER would get, in that user's time zone (else the "
	"default one). USER is that user's bare JID, the one word with an @ "
	"(it may stand anywhere after report).\n"
	"report bob@example.org\n"
	"report bob@example.org last week by day"
};

const struct cmd_def cmd_table[] = {
	{ "add", NULL, GRP_PAST, CMD_CHANGES, 2, -1, cmd_add,
	  "add PROJECT [+tag ...] DURATION|TIME-TIME [DAY] [note ...]",
	  "record time after the fact",
	  "Records a finished stretch of work. With times it is exactly that "
	  "span; with a duration it goes into the first free slot of the day "
	  "from 9:00, or for today the last free slot before now. The rest "
	  "is a note; the word \"note\" may begin it.\n"
	  "add acme 1h30m\n"
	  "add acme +design 9:00-10:30 yesterday\n"
	  "add \"client work\" 45m mon call with Bob", NULL },
	{ "cancel", NULL, GRP_TIMER, CMD_CHANGES, 0, 0, cmd_cancel,
	  "cancel",
	  "throw away the running timer",
	  "Discards the running timer without recording anything (undo brings "
	  "it back).\ncancel", NULL },
	{ "continue", NULL, GRP_TIMER, CMD_CHANGES, 0, 4, cmd_continue,
	  "continue [ID] " WHEN,
	  "start the last project and tags again, or those of entry ID",
	  "Starts a new timer on the project and tags of your latest entry, "
	  "or of entry ID (its number in the log).\n"
	  "continue\ncontinue at 13:00\ncontinue #12\ncontinue 12 15m ago",
	  NULL },
	{ "delete", NULL, GRP_PAST, CMD_CHANGES, 1, 1, cmd_delete,
	  "delete ID",
	  "delete an entry",
	  "Deletes an entry by its number from the log (undo brings it back).\n"
	  "delete 12", NULL },
	{ "edit", NULL, GRP_PAST, CMD_CHANGES, 2, -1, cmd_edit,
	  "edit ID [project P] [+tag|-tag ...] [start TIME] [stop TIME] "
	  "[note ...] | edit ID break TIME-TIME|none",
	  "change an entry",
	  "Changes an entry by its number from the log. \"note\" takes the "
	  "rest of the message; \"note\" alone clears it. \"break\" adds a "
	  "break inside the entry (times on the entry's day, as add reads "
	  "them), which its time then leaves out; \"break none\" removes its "
	  "breaks.\n"
	  "edit 12 start 9:15\n"
	  "edit 12 project globex -design +billable\n"
	  "edit 12 stop yesterday 17:30 note fixed the header\n"
	  "edit 12 break 12:00-12:45", NULL },
	{ "export", NULL, GRP_REPORT, CMD_SLOW, 0, -1, cmd_export,
	  "export [csv|json|ical] [RANGE] [PROJECT|+tag ...]",
	  "your entries as a file (default: csv, this month)",
	  "Sends the entries of a period as a file: uploaded to your server "
	  "when it offers HTTP upload, else as messages. One row per entry: "
	  "number, project, tags, note, start, stop, seconds and hours.\n"
	  "export\nexport json last month\nexport ical week acme +billable",
	  &export_admin },
	{ "help", NULL, GRP_SETTINGS, 0, 0, 1, cmd_help, "help [COMMAND]",
	  "this list, or one command with examples",
	  "help\nhelp start", NULL },
	{ "log", NULL, GRP_REPORT, CMD_SLOW, 0, -1, cmd_log,
	  "log [RANGE] [PROJECT|+tag ...]",
	  "the entries of a period, with their numbers",
	  "Lists the entries of a period (default today) with the numbers that "
	  "edit and delete take. RANGE: today, yesterday, week, last week, "
	  "month, last month, year, a day (mon, 2026-11-23) or DAY..DAY.\n"
	  "log\nlog yesterday\nlog mon..wed", NULL },
	{ "pause", NULL, GRP_TIMER, CMD_CHANGES, 0, 3, cmd_pause,
	  "pause " WHEN,
	  "pause the running timer (resume goes on)",
	  "Opens a break in the running timer, now or at a time in the past: "
	  "the entry stays open, but its clock stands still until \"resume\". "
	  "Breaks do not count in totals, reports and exports. \"stop\" while "
	  "paused ends the entry where the pause began.\n"
	  "pause\npause at 12:00\npause 10m ago", NULL },
	{ "projects", NULL, GRP_REPORT, 0, 0, 0, cmd_projects, "projects",
	  "your projects, with this month's totals", "projects", NULL },
	{ "rename", NULL, GRP_REPORT, CMD_CHANGES, 3, 3, cmd_rename,
	  "rename project OLD NEW", "rename a project in all its entries",
	  "rename project acme globex\n"
	  "rename project \"client work\" clientwork", NULL },
	{ "report", NULL, GRP_REPORT, CMD_SLOW, 0, -1, cmd_report,
	  "report [RANGE] [PROJECT|+tag ...] [by day|by project|by tag]",
	  "totals for a period, grouped",
	  "Totals and a grand total for a period (default today), per project "
	  "unless you ask for another grouping; a week also gets a line per "
	  "day. Projects are alternatives, tags must all be on an entry. "
	  "RANGE as in log.\nreport\nreport week\nreport last month by day\n"
	  "report month acme +billable\nreport 2026-11-01..2026-11-15 by tag",
	  &report_admin },
	{ "restart", "continue", GRP_TIMER, CMD_CHANGES, 0, 4, cmd_continue,
	  "restart [ID] " WHEN,
	  "the same as continue", "restart\nrestart 12", NULL },
	{ "resume", NULL, GRP_TIMER, CMD_CHANGES, 0, 3, cmd_resume,
	  "resume " WHEN,
	  "go on with the paused timer",
	  "Ends the break of the paused timer, now or at a time in the past.\n"
	  "resume\nresume at 12:45\nresume 5m ago", NULL },
	{ "start", NULL, GRP_TIMER, CMD_CHANGES, 1, -1, cmd_start,
	  "start PROJECT [+tag ...] [note ...] " WHEN,
	  "start a timer (stops the running one first)",
	  "Starts a timer now or at a time in the past. A running timer is "
	  "stopped at that moment. Tags are the +words right after the "
	  "project; the rest is a note, which the word \"note\" may begin. A "
	  "phrase in quotes is one project.\n"
	  "start acme\n"
	  "start acme +design fix the header\n"
	  "start acme at 9:30\n"
	  "start \"client work\" 15m ago", NULL },
	{ "status", NULL, GRP_TIMER, 0, 0, 0, cmd_status, "status",
	  "what is running, and today's total", "status", NULL },
	{ "stop", NULL, GRP_TIMER, CMD_CHANGES, 0, 3, cmd_stop,
	  "stop " WHEN,
	  "stop the running timer",
	  "Stops the running timer now or at a time in the past.\n"
	  "stop\nstop at 17:30\nstop 10m ago", NULL },
	{ "switch", "start", GRP_TIMER, CMD_CHANGES, 1, -1, cmd_start,
	  "switch PROJECT [+tag ...] [note ...] " WHEN,
	  "the same as start", "switch globex", NULL },
	{ "tags", NULL, GRP_REPORT, 0, 0, 0, cmd_tags, "tags",
	  "your tags, with this month's totals", "tags", NULL },
	{ "tz", NULL, GRP_SETTINGS, CMD_CHANGES, 0, 1, cmd_tz,
	  "tz [ZONE|default]",
	  "show or set your time zone",
	  "Days, weeks and clock times follow your time zone (an IANA name).\n"
	  "tz\ntz Europe/Berlin\ntz default", NULL },
	{ "undo", NULL, GRP_PAST, CMD_CHANGES, 0, 0, cmd_undo, "undo",
	  "take back your last change (again and again)",
	  "Reverts your last start, stop, cancel, add, edit, delete or rename; "
	  "say it again to go further back.\nundo", NULL },
	{ "who", NULL, GRP_ADMIN, CMD_ADMIN, 0, 0, cmd_who, "who",
	  "who tracked time today, with their totals",
	  "Lists the users with time today (your day, in your time zone): "
	  "each one's total so far and whether a timer runs, most time "
	  "first.\nwho", NULL },
};
const size_t cmd_table_len = sizeof(cmd_table) / sizeof(cmd_table[0]);

static int
def_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct cmd_def *)elem)->name);
}

const struct cmd_def *
cmd_lookup(const char *name)
{
	return bsearch(name, cmd_table, cmd_table_len, sizeof(cmd_table[0]),
	               def_cmp);
}

/* Longer than any command word: a longer first word is none. */
#define SLOW_WORD_MAX 16

bool
cmd_is_slow(const char *body)
{
	char word[SLOW_WORD_MAX + 1];
	const struct cmd_def *def;
	size_t n = 0;

	/* The command word as cmd_tokenise reads it: the first run of
	 * characters after C0 controls, spaces and DEL. */
	while (*body != '\0' && ((unsigned char)*body <= ' ' || *body == 0x7f))
		body++;
	while (*body != '\0' && (unsigned char)*body > ' ' && *body != 0x7f) {
		if (n == SLOW_WORD_MAX)
			return false;
		word[n++] = *body++;
	}
	word[n] = '\0';
	cmd_lower(word);
	def = cmd_lookup(word);
	return def != NULL && (def->flags & CMD_SLOW) != 0;
}

const struct cmd_def *
cmd_find(const struct cmd_ctx *ctx, const char *name)
{
	const struct cmd_def *def = cmd_lookup(name);

	if (def != NULL && (def->flags & CMD_ADMIN) && !ctx->admin)
		return NULL;
	return def;
}

enum cmd_status
cmd_store_failed(struct text *reply, int changing)
{
	text_clear(reply);
	if (changing)
		text_printf(reply, "Sorry, I could not save that; nothing changed. "
		                   "Please try again later.");
	else
		text_printf(reply, "Sorry, I could not read your data just now. "
		                   "Please try again later.");
	return CMD_FAILED;
}

enum cmd_status
cmd_store_says(store_rc rc, store_rc refused, const char *why, int changing,
               struct text *reply)
{
	if (rc == STORE_OK)
		return CMD_OK;
	if (rc == refused) {
		text_printf(reply, "%s", why);
		return CMD_REFUSED;
	}
	return cmd_store_failed(reply, changing);
}

enum cmd_status
cmd_entry_found(store_rc rc, int64_t seq, int changing, struct text *reply)
{
	char why[80];

	snprintf(why, sizeof(why), "There is no entry #%lld. \"log\" shows the "
	                           "numbers.", (long long)seq);
	return cmd_store_says(rc, STORE_NOTFOUND, why, changing, reply);
}

store_rc
cmd_change_label(const struct cmd_ctx *ctx, const char *fmt, ...)
{
	char label[STORE_LABEL_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(label, sizeof(label), fmt, ap);
	va_end(ap);
	return store_change_label(ctx->st, ctx->owner, label, ctx->now);
}

struct tp_ctx
cmd_tp(const struct cmd_ctx *ctx)
{
	struct tp_ctx c;

	c.now = ctx->now;
	c.tz = ctx->tz;
	return c;
}

void
cmd_file_init(struct cmd_file *f)
{
	memset(f, 0, sizeof(*f));
	text_init(&f->body, CMD_FILE_MAX);
}

void
cmd_file_free(struct cmd_file *f)
{
	text_free(&f->body);
	f->present = false;
}

void
cmd_say_entry(const struct cmd_ctx *ctx, const struct store_entry *e,
              struct text *out)
{
	char a[FMT_CLOCK_MAX], b[FMT_CLOCK_MAX], d[FMT_DURATION_MAX];
	char brk[FMT_DURATION_MAX + 16] = "", bd[FMT_DURATION_MAX];
	int64_t breaks = store_break_secs(e, INT64_MIN, INT64_MAX, ctx->now);

	fmt_clock(ctx->tz, e->start, ctx->now, a, sizeof(a));
	/* The time worked, and the breaks when there are some. */
	fmt_duration(store_worked_secs(e, ctx->now), d, sizeof(d));
	if (breaks > 0) {
		fmt_duration(breaks, bd, sizeof(bd));
		snprintf(brk, sizeof(brk), ", break %s", bd);
	}
	text_printf(out, "#%lld ", (long long)e->seq);
	fmt_entry(out, e);
	if (e->stop) {
		fmt_clock(ctx->tz, e->stop, e->start, b, sizeof(b));
		text_printf(out, " %s–%s (%s%s)", a, b, d, brk);
	} else {
		text_printf(out, " since %s (%s%s, running)", a, d, brk);
	}
}

/*
 * details holds lines: descriptions first, then examples (lines that start
 * with the command's name). Finds the next line at or after *from (the
 * next example only, when example_only), setting *line and *len; returns
 * where the search continues, or NULL at the end.
 */
static const char *
next_line(const struct cmd_def *def, const char *from, const char **line,
          int *len, bool example_only)
{
	const char *nl;
	size_t name = strlen(def->name);

	while (from && *from) {
		nl = strchr(from, '\n');
		if (!example_only || strncmp(from, def->name, name) == 0) {
			*line = from;
			*len = (int)(nl ? (size_t)(nl - from) : strlen(from));
			return nl ? nl + 1 : from + strlen(from);
		}
		from = nl ? nl + 1 : NULL;
	}
	*line = NULL;
	*len = 0;
	return NULL;
}

void
cmd_quote_word(struct text *reply, const char *w)
{
	struct text cut;

	text_init(&cut, 40);
	text_append(&cut, w, strlen(w));
	text_printf(reply, "\"%s%s\"", text_str(&cut), cut.truncated ? "..." : "");
	text_free(&cut);
}

/*
 * The command word (an alias too) closest to word, as ctx's sender has
 * them (never an admin command for anyone else), or NULL when none is
 * close enough to be a typo of it (sim_allowed). Of equally close ones,
 * the first in the table.
 */
static const char *
closest_command(const struct cmd_ctx *ctx, const char *word)
{
	const char *best = NULL;
	int allowed = sim_allowed(word), best_d = allowed + 1, d;
	size_t i;

	for (i = 0; i < cmd_table_len; i++) {
		if (cmd_find(ctx, cmd_table[i].name) == NULL)
			continue;
		d = sim_distance(word, cmd_table[i].name, allowed);
		if (d < best_d) {
			best_d = d;
			best = cmd_table[i].name;
		}
	}
	return best;
}

/* Ends a reply about word, an unknown command word: '. Did you mean
 * "start"?' when one is close to it, else '. Try "help".'. */
static void
say_try(const struct cmd_ctx *ctx, const char *word, struct text *reply)
{
	const char *near = closest_command(ctx, word);

	if (near != NULL)
		text_printf(reply, ". Did you mean \"%s\"?", near);
	else
		text_printf(reply, ". Try \"help\".");
}

/*
 * Ends the change of ctx's message that the dispatcher began: committed
 * with the message's key when the handler's rc is CMD_OK, else rolled
 * back (also when the commit fails: then the reply says so). Returns the
 * command's status.
 */
static enum cmd_status
end_change(const struct cmd_ctx *ctx, enum cmd_status rc, struct text *reply)
{
	if (rc == CMD_OK && store_change_commit(ctx->st, ctx->owner,
	                                        ctx->msg_key) == STORE_OK)
		return CMD_OK;
	store_rollback(ctx->st);
	return rc == CMD_OK ? cmd_store_failed(reply, 1) : rc;
}

/* What an earlier message (ctx->about) did, as find_earlier sees it. */
enum earlier {
	EARLIER_NOTHING, /* no change (a read, a refusal, an unknown id) */
	EARLIER_LATEST,  /* its change is the owner's latest undo step */
	EARLIER_OLDER    /* a change that undo cannot reach now */
};

/*
 * What the earlier message of ctx->about did, read in the open
 * transaction: *e, and in label (labelsz bytes) the label of the owner's
 * latest step: the one that would be undone for EARLIER_LATEST, the one
 * in the way for EARLIER_OLDER; "" when the earlier message's change has
 * no step left to undo. A store failure
 * is returned as is.
 */
static store_rc
find_earlier(const struct cmd_ctx *ctx, enum earlier *e, char *label,
             size_t labelsz)
{
	store_rc ret = STORE_NOTFOUND;
	int64_t step = 0, last = 0;
	size_t i;

	*e = EARLIER_NOTHING;
	label[0] = '\0';
	for (i = 0; i < 2 && ret == STORE_NOTFOUND; i++)
		if (ctx->about->keys[i] != NULL)
			ret = store_msg_step(ctx->st, ctx->owner,
			                     ctx->about->keys[i], &step);
	if (ret == STORE_NOTFOUND)
		return STORE_OK;
	if (ret != STORE_OK)
		return ret;
	ret = store_last_step(ctx->st, ctx->owner, &last, label, labelsz);
	if (ret != STORE_OK && ret != STORE_NOTFOUND)
		return ret;
	*e = step != 0 && step == last ? EARLIER_LATEST : EARLIER_OLDER;
	/* No step left (undone already, or too old): no later change is
	 * what stands in the way. */
	if (step == 0)
		label[0] = '\0';
	return STORE_OK;
}

/* The refusal of a correction or retraction whose earlier message's
 * change is no longer the latest: what stands in the way (label, the
 * latest step's), and what to use instead. */
static void
say_not_latest(struct text *reply, const char *what, const char *label)
{
	if (label[0] != '\0')
		text_printf(reply, "I can only %s your latest change; since then "
		                   "you did \"%s\". Use \"edit\" or \"undo\" "
		                   "instead; nothing changed.", what, label);
	else
		text_printf(reply, "I can no longer take back what that message "
		                   "did, so I cannot %s it. Use \"edit\" "
		                   "instead; nothing changed.", what);
}

/*
 * Undoes the latest step in the open transaction for a correction or
 * retraction: CMD_OK, or the refusal or failure in reply (the caller
 * rolls back).
 */
static enum cmd_status
undo_earlier(const struct cmd_ctx *ctx, struct text *reply)
{
	switch (store_undo(ctx->st, ctx->owner, NULL, 0, NULL)) {
	case STORE_OK:
		return CMD_OK;
	case STORE_CONFLICT:
		text_printf(reply, "I could not take back what that message did "
		                   "without breaking a rule (overlap or a second "
		                   "running timer); nothing changed.");
		return CMD_REFUSED;
	default:
		return cmd_store_failed(reply, 1);
	}
}

/*
 * Runs def's handler for an XEP-0308 correction (ctx->about), in one
 * transaction begun here, whatever def's flags: when the corrected
 * message's change is the owner's latest step, it is undone and the
 * handler runs in its place ("Corrected: " and its reply), the corrected
 * message standing from then on for the new step (store_msg_follow), so
 * that it can be corrected again; all of it or nothing: when the new
 * command is refused, the original stands and the reply says so. A
 * change that is no longer the latest is refused, naming the one in the
 * way. A message that changed nothing: the handler runs as for a new
 * message.
 */
static enum cmd_status
run_correction(const struct cmd_def *def, const struct cmd_ctx *ctx,
               const struct cmd_args *args, struct text *reply)
{
	char label[STORE_LABEL_MAX];
	enum cmd_status rc;
	struct text out;
	enum earlier e;
	size_t i;

	if (store_begin(ctx->st) != STORE_OK)
		return cmd_store_failed(reply, 1);
	if (find_earlier(ctx, &e, label, sizeof(label)) != STORE_OK)
		return end_change(ctx, cmd_store_failed(reply, 1), reply);
	if (e == EARLIER_NOTHING)
		return end_change(ctx, def->fn(ctx, args, reply), reply);
	if (e == EARLIER_OLDER) {
		say_not_latest(reply, "correct", label);
		return end_change(ctx, CMD_REFUSED, reply);
	}
	if ((rc = undo_earlier(ctx, reply)) != CMD_OK)
		return end_change(ctx, rc, reply);
	text_init(&out, CMD_REPLY_MAX);
	rc = def->fn(ctx, args, &out);
	for (i = 0; rc == CMD_OK && i < 2; i++)
		if (ctx->about->keys[i] != NULL &&
		    store_msg_follow(ctx->st, ctx->owner,
		                     ctx->about->keys[i]) != STORE_OK)
			rc = cmd_store_failed(&out, 1);
	if (rc == CMD_OK)
		text_printf(reply, "Corrected: %s", text_str(&out));
	else if (rc == CMD_REFUSED)
		text_printf(reply, "%s\nYour original message stands (%s).",
		            text_str(&out), label);
	else
		text_printf(reply, "%s", text_str(&out));
	text_free(&out);
	return end_change(ctx, rc, reply);
}

/*
 * Runs an XEP-0424 retraction (ctx->about) in one transaction: undoes
 * what the retracted message did when that is the owner's latest step;
 * else says why not, and changes nothing.
 */
static enum cmd_status
run_retraction(const struct cmd_ctx *ctx, struct text *reply)
{
	char label[STORE_LABEL_MAX];
	enum cmd_status rc;
	enum earlier e;

	if (store_begin(ctx->st) != STORE_OK)
		return cmd_store_failed(reply, 1);
	if (find_earlier(ctx, &e, label, sizeof(label)) != STORE_OK)
		return end_change(ctx, cmd_store_failed(reply, 1), reply);
	switch (e) {
	case EARLIER_NOTHING:
		text_printf(reply, "There was nothing to undo: the message you "
		                   "retracted changed nothing.");
		return end_change(ctx, CMD_REFUSED, reply);
	case EARLIER_OLDER:
		say_not_latest(reply, "undo", label);
		return end_change(ctx, CMD_REFUSED, reply);
	case EARLIER_LATEST:
		break;
	}
	if ((rc = undo_earlier(ctx, reply)) == CMD_OK)
		text_printf(reply, "Undone: %s (your retracted message).", label);
	return end_change(ctx, rc, reply);
}

/*
 * Runs def's handler in ctx. A command that changes data (CMD_CHANGES)
 * runs inside one write transaction begun here, committed when the
 * handler returns CMD_OK together with the message's key (ctx->msg_key,
 * when there is one), so that the key commits with the change or not at
 * all; rolled back when the handler refuses or fails (a refusal leaves
 * nothing, not even a user row, and the same message may try again). A
 * command that wrote nothing commits nothing, not even its key
 * (store_change_commit). Any other command only reads, without a write
 * transaction. A correction runs in run_correction.
 */
static enum cmd_status
run_handler(const struct cmd_def *def, const struct cmd_ctx *ctx,
            const struct cmd_args *args, struct text *reply)
{
	if (ctx->about != NULL && ctx->about->kind == CMD_CORRECTS)
		return run_correction(def, ctx, args, reply);
	if (!(def->flags & CMD_CHANGES))
		return def->fn(ctx, args, reply);
	if (store_begin(ctx->st) != STORE_OK)
		return cmd_store_failed(reply, 1);
	return end_change(ctx, def->fn(ctx, args, reply), reply);
}

/*
 * Runs one message: words, the command, its arity, the user's zone, the
 * handler. The reply is written into reply, which the caller cleared.
 */
static enum cmd_status
dispatch(const struct cmd_ctx *ctx, const char *body, struct text *reply)
{
	struct cmd_ctx uctx = *ctx;
	struct cmd_args *args;
	const struct cmd_def *def;
	char zone[TZ_NAME_MAX + 1];
	enum cmd_status rc;
	char *buf;

	if ((buf = malloc(strlen(body) + 1)) == NULL ||
	    (args = malloc(sizeof(*args))) == NULL) {
		free(buf);
		text_printf(reply, "Sorry, I am short of memory. Please try again.");
		return CMD_FAILED;
	}

	if (cmd_tokenise(body, buf, args) != 0) {
		text_printf(reply, "That message has too many words for me. "
		                   "Try \"help\".");
		rc = CMD_REFUSED;
		goto out;
	}
	if (args->word == NULL) {
		text_printf(reply, "Say \"help\" to see what I can do.");
		rc = CMD_REFUSED;
		goto out;
	}
	cmd_lower(args->word);
	args->default_tz = ctx->tz;
	/* An admin command is an unknown word to anyone else, word for word
	 * the same reply. */
	if ((def = cmd_find(ctx, args->word)) == NULL) {
		text_printf(reply, "I don't know ");
		cmd_quote_word(reply, args->word);
		say_try(ctx, args->word, reply);
		rc = CMD_REFUSED;
		goto out;
	}
	if (args->argc < def->min_args ||
	    (def->max_args >= 0 && args->argc > def->max_args)) {
		const char *ex = NULL;
		int n = 0;

		next_line(def, def->details, &ex, &n, true);
		text_printf(reply, "%s Usage: %s. Example: %.*s",
		            args->argc < def->min_args ? "Not enough words."
		                                       : "Too many words.",
		            def->usage, n, ex ? ex : "");
		rc = CMD_REFUSED;
		goto out;
	}
	/* The user's own zone, when they set one, replaces the default. */
	if (store_user_tz(ctx->st, ctx->owner, zone, sizeof(zone)) != STORE_OK) {
		rc = cmd_store_failed(reply, 0);
		goto out;
	}
	uctx.tz = tz_or_default(zone, uctx.tz);
	rc = run_handler(def, &uctx, args, reply);
	/* A command that waited on the server while the bot was away counted
	 * at the time it was sent; say so, or "stopped at 17:02" would
	 * puzzle someone reading it at 9:00 the next day. */
	if (ctx->offline && rc != CMD_FAILED) {
		char when[FMT_CLOCK_MAX];

		fmt_clock(uctx.tz, ctx->now, ctx->now, when, sizeof(when));
		text_printf(reply, "\n(sent at %s while I was offline)", when);
	}
out:
	if (reply->truncated)
		text_end_with(reply, "\n[reply cut: too long]");
	free(args);
	free(buf);
	return rc;
}

/* A saved reply fits a reply buffer. A longer reply is not saved: its
 * repeat gets REPEAT_REPLY. */
_Static_assert(STORE_REPLY_MAX <= CMD_REPLY_MAX,
               "a message's saved reply is a whole reply");

/* What a repeated message gets when no reply was saved with its change. */
#define REPEAT_REPLY "I have already done that (this message reached me twice)."

/* What handled_before found. */
enum repeat { FIRST_TIME, REPEATED, CHECK_FAILED };

/*
 * Whether ctx's message made a change before (a second delivery of it):
 * REPEATED with the reply for it in reply (the saved one, else
 * REPEAT_REPLY), FIRST_TIME, or CHECK_FAILED with nothing written.
 */
static enum repeat
handled_before(const struct cmd_ctx *ctx, struct text *reply)
{
	enum repeat r = CHECK_FAILED;
	char *saved;

	if ((saved = malloc(STORE_REPLY_MAX + 1)) == NULL)
		return CHECK_FAILED;
	switch (store_msg_seen(ctx->st, ctx->owner, ctx->msg_key, saved,
	                       STORE_REPLY_MAX + 1)) {
	case STORE_OK:
		text_printf(reply, "%s",
		            saved[0] != '\0' ? saved : REPEAT_REPLY);
		r = REPEATED;
		break;
	case STORE_NOTFOUND:
		r = FIRST_TIME;
		break;
	default:
		break;
	}
	free(saved);
	return r;
}

/* Runs ctx's message: a retraction has no command to dispatch (its
 * text is a fallback for clients that do not know XEP-0424). */
static enum cmd_status
run_message(const struct cmd_ctx *ctx, const char *body, struct text *reply)
{
	if (ctx->about != NULL && ctx->about->kind == CMD_RETRACTS)
		return run_retraction(ctx, reply);
	return dispatch(ctx, body, reply);
}

/*
 * A message with a key (ctx->msg_key) changes things once: a repeat gets
 * the first reply again and runs nothing. Otherwise it runs, a change
 * recording the key in its own transaction (run_handler: a refusal or a
 * failure commits nothing, and records nothing: the same message may try
 * again); then the reply is saved with the change, if there was one.
 * Reads (status, report) record nothing.
 */
enum cmd_status
cmd_exec(const struct cmd_ctx *ctx, const char *body, struct text *reply)
{
	enum cmd_status rc;

	text_clear(reply);
	if (ctx->msg_key == NULL)
		return run_message(ctx, body, reply);
	switch (handled_before(ctx, reply)) {
	case REPEATED:
		return CMD_OK;
	case CHECK_FAILED:
		return cmd_store_failed(reply, 0);
	case FIRST_TIME:
		break;
	}
	/* A key the store cannot keep (not STORE_MSG_KEY_LEN hex digits,
	 * which bot/ never sends) identifies nothing: store_change_commit
	 * records none, and no reply is saved for it. */
	rc = run_message(ctx, body, reply);
	/* The change is done whatever happens here: without its reply, a
	 * repeat gets REPEAT_REPLY. */
	(void)store_msg_reply(ctx->st, ctx->owner, ctx->msg_key,
	                      text_str(reply));
	return rc;
}

static const char *group_names[] = {
	[GRP_TIMER] = "Timer",
	[GRP_PAST] = "Fixing the past",
	[GRP_REPORT] = "Looking back",
	[GRP_SETTINGS] = "Settings",
	[GRP_ADMIN] = "Administration (admins only)",
};

/* Appends " (or restart)" for every alias of def. */
static void
say_aliases(struct text *reply, const struct cmd_def *def)
{
	size_t i;

	for (i = 0; i < cmd_table_len; i++)
		if (cmd_table[i].alias_of &&
		    strcmp(cmd_table[i].alias_of, def->name) == 0)
			text_printf(reply, " (or %s)", cmd_table[i].name);
}

/*
 * Appends the lines of details (see next_line) for the command name:
 * descriptions as they are, examples under "Examples:", indented.
 */
static void
say_details(struct text *reply, const struct cmd_def *def,
            const char *details)
{
	const char *at = details, *line;
	bool examples = false;
	int n;

	while ((at = next_line(def, at, &line, &n, false)) != NULL) {
		bool ex = strncmp(line, def->name, strlen(def->name)) == 0;

		if (ex && !examples)
			text_printf(reply, "\nExamples:");
		examples |= ex;
		text_printf(reply, "\n%s%.*s", ex ? "  " : "", n, line);
	}
}

enum cmd_status
cmd_help(const struct cmd_ctx *ctx, const struct cmd_args *args,
         struct text *reply)
{
	const struct cmd_def *def;
	size_t g, i;

	if (args->argc == 1) {
		cmd_lower(args->argv[0]);
		if ((def = cmd_find(ctx, args->argv[0])) == NULL) {
			text_printf(reply, "There is no command ");
			cmd_quote_word(reply, args->argv[0]);
			say_try(ctx, args->argv[0], reply);
			return CMD_REFUSED;
		}
		if (def->alias_of)
			def = cmd_lookup(def->alias_of);
		text_printf(reply, "%s", def->usage);
		say_aliases(reply, def);
		text_printf(reply, " — %s", def->summary);
		say_details(reply, def, def->details);
		if (ctx->admin && def->admin) {
			text_printf(reply, "\nAdmins also: %s — %s",
			            def->admin->usage, def->admin->summary);
			say_details(reply, def, def->admin->details);
		}
		return CMD_OK;
	}
	text_printf(reply, "Commands:");
	for (g = 0; g < sizeof(group_names) / sizeof(group_names[0]); g++) {
		if (g == GRP_ADMIN && !ctx->admin)
			continue;
		text_printf(reply, "\n%s:", group_names[g]);
		for (i = 0; i < cmd_table_len; i++) {
			if (cmd_table[i].group != g || cmd_table[i].alias_of ||
			    cmd_find(ctx, cmd_table[i].name) == NULL)
				continue;
			text_printf(reply, "\n  %s", cmd_table[i].usage);
			say_aliases(reply, &cmd_table[i]);
			text_printf(reply, " — %s", cmd_table[i].summary);
		}
		/* The admin forms of the commands everyone has. */
		for (i = 0; g == GRP_ADMIN && i < cmd_table_len; i++)
			if (cmd_table[i].admin)
				text_printf(reply, "\n  %s — %s",
				            cmd_table[i].admin->usage,
				            cmd_table[i].admin->summary);
	}
	text_printf(reply, "\nTIME: 9:30, 5pm, yesterday 17:00, 2026-11-23 9:00. "
	                   "DURATION: 45m, 1h30m, 1.5h.\n"
	                   "\"help COMMAND\" shows examples.");
	return CMD_OK;
}
