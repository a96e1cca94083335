/*
 * commands/cmd.c - the command table and the dispatcher (help is in
 * commands/help.c).
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
 * is still the sender's latest change (ctx->about; commands/about.c).
 */
#include "cmd_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "similar.h"
#include "team.h"
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
	{ "chart", NULL, GRP_REPORT, CMD_SLOW, 0, -1, cmd_chart,
	  "chart [RANGE] [PROJECT|+tag ...] [by project|by tag]",
	  "a bar chart of your hours per day (default: this week)",
	  "A bar per day, scaled to the longest, with its time at the end of "
	  "the line; over 45 days a bar per week. \"by project\" (or \"by "
	  "tag\") draws a bar per project instead, the longest first. RANGE "
	  "and filters as in report.\n"
	  "chart\nchart last month\nchart week by project\n"
	  "chart 2026-11-01..2026-11-15 acme", NULL },
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
	  "number, project, tags, note, start, stop, seconds and hours. A "
	  "team's lead may \"export team [NAME] [RANGE]\": the members' "
	  "entries on the team's projects, with a member column. \"export "
	  "timesheet csv|ical [RANGE]\" sends your timesheet (default: this "
	  "month): hours per project and day as CSV, or a calendar event a "
	  "day; a project named timesheet goes in quotes. \"export html "
	  "[RANGE]\" sends a report to open in a browser (default: this "
	  "month): the totals, a chart per day and per project and the "
	  "timesheet in one HTML file, which needs your server's HTTP upload."
	  "\n"
	  "export\nexport json last month\nexport ical week acme +billable\n"
	  "export team last month\nexport timesheet csv last month\n"
	  "export timesheet ical week\nexport html last week",
	  &export_admin },
	{ "help", NULL, GRP_SETTINGS, 0, 0, 1, cmd_help, "help [COMMAND]",
	  "this list, or one command with examples",
	  "help\nhelp start", NULL },
	{ "import", NULL, GRP_PAST, CMD_CHANGES, 0, 0, cmd_import,
	  "import (a file sent with it)",
	  "bring in your history from a file you send",
	  "Send me a file with your client's upload button (HTTP upload), "
	  "with the text \"import\" or none: Timewarrior data files "
	  "(YYYY-MM.data), Watson's frames or state, or timmy's own CSV or "
	  "JSON export; I tell which from what it holds. The reply says what "
	  "was imported and what was skipped, and why; undo takes the whole "
	  "import back, and the same file sent again adds nothing. Without a "
	  "file, import says how to send one.\n"
	  "import", NULL },
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
	  "your projects, with this month's totals",
	  "Your projects with this month's time; those you share with a "
	  "team say so: acme (team web).\nprojects", NULL },
	{ "rate", NULL, GRP_SETTINGS, CMD_CHANGES, 0, -1, cmd_rate,
	  "rate [PROJECT [AMOUNT [CURRENCY] | off]] | rate team [NAME] ...",
	  "hourly rates of your projects: list, set, remove",
	  "Your hourly rate for a project, in a currency's code (ISO 4217): "
	  "85, 85.50 or 85,50. rate alone lists the rates that apply to you, "
	  "rate PROJECT says which one applies to it, off removes yours. A "
	  "team's lead sets the team's rate for a shared project (rate team "
	  "[NAME] PROJECT AMOUNT CURRENCY); for the members' time on it the "
	  "team's rate applies, not their own. Reports by project or by day "
	  "then show amounts (billable hours x rate, to the cent, half up) "
	  "and the billable total per currency; exports say per entry. Time "
	  "tagged +nobill is not billable. Undo leaves rates alone.\n"
	  "rate acme 85 EUR\nrate \"client work\" 60,50 USD\nrate\n"
	  "rate acme\nrate acme off\nrate team web acme 120 EUR", NULL },
	{ "reminders", NULL, GRP_SETTINGS, CMD_CHANGES, 0, 1, cmd_reminders,
	  "reminders [on|off]",
	  "turn every reminder on or off (the same as settings reminders)",
	  "Turns off, or on again, every reminder: of a timer that runs long, "
	  "to start, and the digest (settings shows which are set).\n"
	  "reminders off\nreminders on", NULL },
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
	  "RANGE as in log. \"report team [NAME] ...\" is your team's time on "
	  "its shared projects, by member (the default), project or day. "
	  "With the setting rounding (settings rounding 15m up), each "
	  "entry's part in each day is rounded before the sums and the "
	  "heading says so; with hours decimal, times read 7.08 h.\n"
	  "report\nreport week\nreport last month by day\n"
	  "report month acme +billable\nreport 2026-11-01..2026-11-15 by tag\n"
	  "report team week by member\nreport team web last month by project",
	  &report_admin },
	{ "restart", "continue", GRP_TIMER, CMD_CHANGES, 0, 4, cmd_continue,
	  "restart [ID] " WHEN,
	  "the same as continue", "restart\nrestart 12", NULL },
	{ "resume", NULL, GRP_TIMER, CMD_CHANGES, 0, 3, cmd_resume,
	  "resume " WHEN,
	  "go on with the paused timer",
	  "Ends the break of the paused timer, now or at a time in the past.\n"
	  "resume\nresume at 12:45\nresume 5m ago", NULL },
	{ "settings", NULL, GRP_SETTINGS, CMD_CHANGES, 0, -1, cmd_settings,
	  "settings [NAME [VALUE|default]]",
	  "your settings: show them, or change one",
	  "Without words, every setting and its value. With a NAME, what it "
	  "is and what it takes; with a VALUE, changes it; \"default\" goes "
	  "back to the default. NAME is idle.after, idle.action, reminders, "
	  "reminders.running_over, reminders.start_by, reminders.digest, "
	  "workdays, workhours, roster, hours (hm or decimal), rounding "
	  "(none, or 6m, 15m or 30m and up or nearest) or tz.\n"
	  "settings\nsettings idle.after 30m\nsettings rounding 15m up\n"
	  "settings hours decimal\n"
	  "settings reminders.digest weekly mon 09:00\n"
	  "settings workdays mon-thu\nsettings idle.after default", NULL },
	{ "snooze", NULL, GRP_SETTINGS, CMD_CHANGES, 0, 1, cmd_snooze,
	  "snooze [DURATION|off]",
	  "no reminders for a while (at most a week)",
	  "Keeps every reminder away for a while, from now; \"off\" ends the "
	  "snooze.\nsnooze 1h\nsnooze 2d\nsnooze off", NULL },
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
	{ "team", NULL, GRP_REPORT, 0, 0, 1, cmd_team, "team [NAME]",
	  "your team: what runs now, and today's time on its projects",
	  "For the members and leads of a team (bot.yaml's teams): each "
	  "member's time today on the team's shared projects, and which of "
	  "them runs now. Nobody's other projects are shown. \"who\" says the "
	  "same to members who are no admins. NAME picks one of several "
	  "teams.\nteam\nteam web", NULL },
	{ "timesheet", NULL, GRP_REPORT, CMD_SLOW, 0, -1, cmd_timesheet,
	  "timesheet [RANGE] [PROJECT|+tag ...]",
	  "a table of projects by days (default: this week)",
	  "Your hours per project and day, with totals both ways, a table "
	  "narrow enough for a phone: each project on a line, its hours "
	  "(7:05) on the next. A longer period comes as a table per week "
	  "(at most 62 days). \"export timesheet csv|ical [RANGE]\" sends "
	  "it as a file (see help export). RANGE and filters as in report.\n"
	  "timesheet\ntimesheet last week\ntimesheet month acme", NULL },
	{ "tz", NULL, GRP_SETTINGS, CMD_CHANGES, 0, 1, cmd_tz,
	  "tz [ZONE|default]",
	  "show or set your time zone",
	  "Days, weeks and clock times follow your time zone (an IANA name).\n"
	  "tz\ntz Europe/Berlin\ntz default", NULL },
	{ "undo", NULL, GRP_PAST, CMD_CHANGES, 0, 0, cmd_undo, "undo",
	  "take back your last change (again and again)",
	  "Reverts your last start, stop, cancel, add, edit, delete, rename or "
	  "import (a file you sent, or timmy import, as a whole); "
	  "say it again to go further back.\nundo", NULL },
	{ "who", NULL, GRP_ADMIN, CMD_ADMIN | CMD_TEAM, 0, 0, cmd_who, "who",
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

/* The table row of body's command word as cmd_tokenise reads it (the
 * first run of characters after C0 controls, spaces and DEL), found
 * without running anything; NULL for an unknown or overlong word. */
static const struct cmd_def *
body_def(const char *body)
{
	char word[SLOW_WORD_MAX + 1];
	size_t n = 0;

	while (*body != '\0' && ((unsigned char)*body <= ' ' || *body == 0x7f))
		body++;
	while (*body != '\0' && (unsigned char)*body > ' ' && *body != 0x7f) {
		if (n == SLOW_WORD_MAX)
			return NULL;
		word[n++] = *body++;
	}
	word[n] = '\0';
	cmd_lower(word);
	return cmd_lookup(word);
}

bool
cmd_is_slow(const char *body)
{
	const struct cmd_def *def = body_def(body);

	return def != NULL && (def->flags & CMD_SLOW) != 0;
}

/*
 * True when body's command only reads and is quick (no CMD_CHANGES, no
 * CMD_SLOW: status, projects, tags, help, team, who): cmd_exec runs it
 * inside one read transaction (storage/snapshot.c). The slow ones stay
 * out: a report or an export may work in slices or write what it keeps
 * for the next time, and a write transaction cannot begin inside a read.
 */
static bool
light_read(const struct cmd_ctx *ctx, const char *body)
{
	const struct cmd_def *def;

	if (ctx->about != NULL || body == NULL)
		return false;
	def = body_def(body);
	return def != NULL && (def->flags & (CMD_CHANGES | CMD_SLOW)) == 0;
}

bool
cmd_is_personal(const char *body)
{
	const struct cmd_def *def = body_def(body);

	return def != NULL && def->group == GRP_SETTINGS;
}

const struct cmd_def *
cmd_find(const struct cmd_ctx *ctx, const char *name)
{
	const struct cmd_def *def = cmd_lookup(name);

	if (def != NULL && (def->flags & CMD_ADMIN) && !ctx->admin &&
	    !((def->flags & CMD_TEAM) && teams_include(ctx->teams, ctx->owner)))
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
 * Runs def's handler in ctx. A command that changes data (CMD_CHANGES)
 * runs inside one write transaction begun here, committed when the
 * handler returns CMD_OK together with the message's key (ctx->msg_key,
 * when there is one), so that the key commits with the change or not at
 * all; rolled back when the handler refuses or fails (a refusal leaves
 * nothing, not even a user row, and the same message may try again). A
 * command that wrote nothing commits nothing, not even its key
 * (store_change_commit). Any other command only reads, without a write
 * transaction. A correction runs in cmd_run_correction.
 */
static enum cmd_status
run_handler(const struct cmd_def *def, const struct cmd_ctx *ctx,
            const struct cmd_args *args, struct text *reply)
{
	if (ctx->about != NULL && ctx->about->kind == CMD_CORRECTS)
		return cmd_run_correction(def, ctx, args, reply);
	if (!(def->flags & CMD_CHANGES))
		return def->fn(ctx, args, reply);
	if (store_begin(ctx->st) != STORE_OK)
		return cmd_store_failed(reply, 1);
	return cmd_end_change(ctx, def->fn(ctx, args, reply), reply);
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
	/* stop, break, keep: the answer to the question about time away,
	 * while one is open (commands/idle.c). */
	if (cmd_idle_answer(ctx, args, reply, &rc))
		goto out;
	/* An admin command is an unknown word to anyone else, word for word
	 * the same reply. */
	if ((def = cmd_find(ctx, args->word)) == NULL) {
		text_printf(reply, "I don't know ");
		cmd_quote_word(reply, args->word);
		cmd_say_try(ctx, args->word, reply);
		rc = CMD_REFUSED;
		goto out;
	}
	if (args->argc < def->min_args ||
	    (def->max_args >= 0 && args->argc > def->max_args)) {
		const char *ex = NULL;
		int n = 0;

		cmd_next_line(def, def->details, &ex, &n, true);
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
		return cmd_run_retraction(ctx, reply);
	return dispatch(ctx, body, reply);
}

bool
cmd_repeated(const struct cmd_ctx *ctx, struct text *reply)
{
	text_clear(reply);
	return ctx->msg_key != NULL && handled_before(ctx, reply) == REPEATED;
}

/*
 * A message with a key (ctx->msg_key) changes things once: a repeat gets
 * the first reply again and runs nothing. Otherwise it runs, a change
 * recording the key in its own transaction (run_handler: a refusal or a
 * failure commits nothing, and records nothing: the same message may try
 * again); the reply is saved with the change, in its transaction, if
 * there was one. Reads (status, report) record nothing.
 */
enum cmd_status
cmd_exec(const struct cmd_ctx *ctx, const char *body, struct text *reply)
{
	enum cmd_status rc = CMD_FAILED; /* each case sets it */
	bool light = light_read(ctx, body), snapshot;

	text_clear(reply);
	if (ctx->job != NULL)
		*ctx->job = NULL; /* set only by a command that goes on */
	if (ctx->msg_key == NULL && !light)
		return run_message(ctx, body, reply);
	/* One snapshot for a quick read, its key's look-up included. It
	 * holds nothing to save: a read records no key. */
	snapshot = light && store_read_begin(ctx->st);
	switch (ctx->msg_key == NULL ? FIRST_TIME : handled_before(ctx, reply)) {
	case REPEATED:
		rc = CMD_OK;
		break;
	case CHECK_FAILED:
		rc = cmd_store_failed(reply, 0);
		break;
	case FIRST_TIME:
		if (snapshot) {
			rc = run_message(ctx, body, reply);
			break;
		}
		/* A key the store cannot keep (not STORE_MSG_KEY_LEN hex
		 * digits, which bot/ never sends) identifies nothing:
		 * store_change_commit records none, and no reply is saved
		 * for it. The reply is whole only when dispatch returns (the
		 * note of a message sent while we were offline comes last):
		 * the change's transaction waits for it, and it commits with
		 * the change and its key, one write instead of two
		 * (storage/messages.c, store_change_release, has the
		 * numbers). Without its reply (it could not be saved), a
		 * repeat gets REPEAT_REPLY. */
		store_change_hold(ctx->st);
		rc = run_message(ctx, body, reply);
		if (store_change_release(ctx->st, ctx->owner, ctx->msg_key,
		                         text_str(reply)) != STORE_OK)
			rc = cmd_store_failed(reply, 1);
		break;
	}
	store_read_end(ctx->st, snapshot);
	return rc;
}
