/*
 * commands/cmd_int.h - what the command handlers share inside commands/:
 * the tokenised message, the handler type, the command table and the
 * helpers that read projects, tags, ids and notes out of words.
 */
#ifndef TIMMY_CMD_INT_H
#define TIMMY_CMD_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "cmd.h"
#include "timeparse.h"
#include "../lib/tz.h"

/* A message has at most this many words; more is refused unparsed. */
#define CMD_ARGS_MAX 1024

/*
 * The words of one message. A word is a run of non-space characters, or a
 * phrase in quotes ("client work", also typographic “...”), given without
 * its quotes. argv[i] points into a private copy (NUL-terminated words);
 * raw[i]/raw_end[i] delimit the same word in the original text, so a note
 * keeps exactly what the user typed. All owned by cmd_exec and valid for
 * one handler call.
 */
struct cmd_args {
	char *word;                 /* the command word, lower-cased */
	int argc;                   /* words after the command word */
	char *argv[CMD_ARGS_MAX];
	const char *raw[CMD_ARGS_MAX];
	const char *raw_end[CMD_ARGS_MAX];
	bool quoted[CMD_ARGS_MAX];
	const char *default_tz;     /* the caller's cmd_ctx.tz, before the
	                               sender's own zone replaced it: the
	                               zone of another user who set none */
};

/* The context a handler runs in: the caller's, with the user's own time
 * zone (the tz command) in place of the default. */
typedef enum cmd_status (*cmd_handler)(const struct cmd_ctx *ctx,
                                       const struct cmd_args *args,
                                       struct text *reply);

/* Where "help" lists a command. GRP_ADMIN is shown to admins only. */
enum cmd_group { GRP_TIMER, GRP_PAST, GRP_REPORT, GRP_SETTINGS, GRP_ADMIN };

/* cmd_def.flags */
#define CMD_ADMIN 1u   /* only admins (cmd_ctx.admin) have it */
#define CMD_CHANGES 2u /* it changes data: it runs in a write transaction
                          of the dispatcher's (cmd.c's run_handler) */
#define CMD_SLOW 4u    /* it may read a long period: the bot shows it is
                          busy first (cmd_is_slow) */
#define CMD_TEAM 8u    /* with CMD_ADMIN: team members and leads have it
                          too (commands/team.h) */

/*
 * One command. The table is sorted by name (cmd_lookup searches it with
 * bsearch; a unit test checks the order and completeness) and "help" is
 * generated from it, grouped.
 *   name      the command word, lower case
 *   alias_of  NULL, or the command this word is another name for (help
 *             lists it there)
 *   group     where help lists it
 *   flags     CMD_ADMIN: the command exists for admins only; to anyone
 *             else its word is unknown, in "help" as well (group
 *             GRP_ADMIN). CMD_CHANGES: the command may change data, so
 *             the dispatcher runs it inside one write transaction that
 *             records the message's key first, commits it when the
 *             handler returns CMD_OK and rolls it back otherwise; the
 *             handler never begins, commits or rolls back, and names its
 *             undo step with store_change_label. Without it the handler
 *             only reads, outside any write transaction. CMD_SLOW:
 *             it may take a while (cmd_is_slow), so bot/ sends a
 *             "composing" chat state before running it.
 *   min_args  fewest words after it; the dispatcher refuses fewer
 *   max_args  most words after it, or -1 for any number
 *   fn        the handler; runs only when the arity fits
 *   usage     synopsis, e.g. "stop [at TIME | DURATION ago]"
 *   summary   one line for "help"
 *   details   "help COMMAND": what it does and examples, one per line
 *   admin     NULL, or the admin form of a command everyone has (report
 *             USER ...): shown to admins only, in the Administration
 *             group of "help" and after the details of "help COMMAND".
 *             The handler itself tells the forms apart (cmd_for_user).
 */
struct cmd_form {
	const char *usage;   /* as in cmd_def */
	const char *summary;
	const char *details;
};

struct cmd_def {
	const char *name;
	const char *alias_of;
	enum cmd_group group;
	unsigned flags;
	int min_args;
	int max_args;
	cmd_handler fn;
	const char *usage;
	const char *summary;
	const char *details;
	const struct cmd_form *admin;
};

extern const struct cmd_def cmd_table[];
extern const size_t cmd_table_len;

/* The command named name (lower case), or NULL. */
const struct cmd_def *cmd_lookup(const char *name);

/* The command named name (lower case) as ctx's sender has it: NULL when
 * there is none, or when it is an admin command (CMD_ADMIN) and the
 * sender is no admin. */
const struct cmd_def *cmd_find(const struct cmd_ctx *ctx, const char *name);

/* Handlers, one file per family. */
enum cmd_status cmd_help(const struct cmd_ctx *, const struct cmd_args *, struct text *);
enum cmd_status cmd_start(const struct cmd_ctx *, const struct cmd_args *, struct text *);
enum cmd_status cmd_stop(const struct cmd_ctx *, const struct cmd_args *, struct text *);
enum cmd_status cmd_cancel(const struct cmd_ctx *, const struct cmd_args *, struct text *);
enum cmd_status cmd_pause(const struct cmd_ctx *, const struct cmd_args *, struct text *);
enum cmd_status cmd_resume(const struct cmd_ctx *, const struct cmd_args *, struct text *);
enum cmd_status cmd_continue(const struct cmd_ctx *, const struct cmd_args *, struct text *);
enum cmd_status cmd_status(const struct cmd_ctx *, const struct cmd_args *, struct text *);
enum cmd_status cmd_add(const struct cmd_ctx *, const struct cmd_args *, struct text *);
enum cmd_status cmd_edit(const struct cmd_ctx *, const struct cmd_args *, struct text *);
enum cmd_status cmd_delete(const struct cmd_ctx *, const struct cmd_args *, struct text *);
enum cmd_status cmd_undo(const struct cmd_ctx *, const struct cmd_args *, struct text *);
enum cmd_status cmd_log(const struct cmd_ctx *, const struct cmd_args *, struct text *);
enum cmd_status cmd_report(const struct cmd_ctx *, const struct cmd_args *, struct text *);
enum cmd_status cmd_projects(const struct cmd_ctx *, const struct cmd_args *, struct text *);
enum cmd_status cmd_tags(const struct cmd_ctx *, const struct cmd_args *, struct text *);
enum cmd_status cmd_rename(const struct cmd_ctx *, const struct cmd_args *, struct text *);
enum cmd_status cmd_tz(const struct cmd_ctx *, const struct cmd_args *, struct text *);
enum cmd_status cmd_settings(const struct cmd_ctx *, const struct cmd_args *, struct text *);
enum cmd_status cmd_reminders(const struct cmd_ctx *, const struct cmd_args *, struct text *);
enum cmd_status cmd_snooze(const struct cmd_ctx *, const struct cmd_args *, struct text *);
enum cmd_status cmd_export(const struct cmd_ctx *, const struct cmd_args *, struct text *);
enum cmd_status cmd_who(const struct cmd_ctx *, const struct cmd_args *, struct text *);
enum cmd_status cmd_import(const struct cmd_ctx *, const struct cmd_args *, struct text *);
enum cmd_status cmd_timesheet(const struct cmd_ctx *, const struct cmd_args *, struct text *);
enum cmd_status cmd_chart(const struct cmd_ctx *, const struct cmd_args *, struct text *);
enum cmd_status cmd_rate(const struct cmd_ctx *, const struct cmd_args *, struct text *);

/* ---- commands/cmd_admin.c: another user's data, for admins ---- */

/* A handler that reads the data of user (NULL: the sender's own; then
 * ctx and args are the handler's). */
typedef enum cmd_status (*cmd_user_handler)(const struct cmd_ctx *ctx,
                                            const struct cmd_args *args,
                                            const char *user,
                                            struct text *reply);

/*
 * Runs fn on the sender's own data, or, when the sender is an admin and
 * names another user, on that user's. A user is named by a bare JID: the
 * one unquoted word with an '@' that is not a +tag (no period, project or
 * tag has one), anywhere after the command word, ASCII letters taken in
 * lower case. fn then gets the words without it and a context whose
 * owner is that user and whose zone is theirs (else args->default_tz).
 * Refused, with why: two such words, one that is no bare JID, a user
 * without entries ("I have no data for USER."). For anyone but an admin
 * nothing is looked for: such a word is one more word fn reads as it
 * reads any other, whether that user exists or not. A team's lead
 * (commands/team.h) may name the members of the teams they lead, and is
 * refused anyone else.
 */
enum cmd_status cmd_for_user(const struct cmd_ctx *ctx,
                             const struct cmd_args *args, cmd_user_handler fn,
                             struct text *reply);

/* commands/cmd_timesheet.c: export timesheet [csv|ical] [RANGE] ... of
 * user's time (NULL: the sender's own; a cmd_user_handler); args are
 * export's words, "timesheet" and the format first in either order. */
enum cmd_status cmd_timesheet_export(const struct cmd_ctx *ctx,
                                     const struct cmd_args *args,
                                     const char *user, struct text *reply);

struct cmd_query;
struct rounding;
struct ts_grid;

/*
 * commands/cmd_timesheet.c, for every view of the timesheet's grid
 * (timesheet.h): cmd_ts_load fills the grid of q's days, rows by by, in
 * the order of a report of the period, each entry's part in a day
 * rounded by r (NULL or off: exact), into *out (ts_grid_free); CMD_OK,
 * else the reply says why. cmd_ts_none is the reply to a period without
 * time, "No time recorded this week (acme)" and after, unless a project
 * of the filter is none of the user's. cmd_ts_file_name names a file of
 * the grid's days: "timmy-KIND-2026-11-30_2026-12-06.EXT".
 */
enum cmd_status cmd_ts_load(const struct cmd_ctx *ctx,
                            const struct cmd_query *q, enum store_group by,
                            const struct rounding *r, struct ts_grid **out,
                            struct text *reply);
enum cmd_status cmd_ts_none(const struct cmd_ctx *ctx,
                            const struct cmd_query *q, const char *after,
                            struct text *reply);
void cmd_ts_file_name(const struct ts_grid *g, const char *kind,
                      const char *ext, char *buf, size_t n);

/* commands/cmd_export_html.c: export html [RANGE] [PROJECT|+tag ...] of
 * user's time (NULL: the sender's own; a cmd_user_handler), the page to
 * the sender; args are export's words, "html" first. */
enum cmd_status cmd_html_export(const struct cmd_ctx *ctx,
                                const struct cmd_args *args,
                                const char *user, struct text *reply);

/* Appends word i of args to out (its argc words so far). */
void cmd_args_push(struct cmd_args *out, const struct cmd_args *args, int i);

/* ---- commands/words.c: reading the words ---- */

/*
 * Splits body into args, copying it to buf (bufsz >= strlen(body) + 1).
 * Returns 0, or -1 when there are more than CMD_ARGS_MAX words.
 * args->word is NULL for an empty message.
 */
int cmd_tokenise(const char *body, char *buf, struct cmd_args *args);

/* Lower-cases ASCII letters in place. */
void cmd_lower(char *s);

/* True when word equals kw ignoring ASCII case. */
bool cmd_is(const char *word, const char *kw);

/*
 * Appends the original text of words [from, to) to out, as typed (quotes
 * kept), with every run of spaces, tabs and newlines made one space.
 */
void cmd_join(const struct cmd_args *args, int from, int to, struct text *out);

/*
 * Reads "PROJECT [+tag ...]" from word *i on into e (project, tags; note
 * and times untouched) and advances *i past them. On a bad name writes why
 * to reply and returns -1.
 */
int cmd_read_project_tags(const struct cmd_args *args, int *i,
                          struct store_entry *e, struct text *reply);

/* Checks a project name (one word of letters, digits, - _ . /, or a quoted
 * phrase); writes why to reply when it is not one. */
int cmd_project_ok(const char *name, bool quoted, struct text *reply);


/* Adds tag to e unless e has it already, in any case ("+Design" on an
 * entry tagged "design" keeps "design"); -1 with why when e is full. */
int cmd_add_tag(struct store_entry *e, const char *tag, struct text *reply);

/* Copies the note from words [from, to) into e->note, without a first
 * word "note" (unquoted, any case) that announces more words; -1 (with
 * why) when it is too long. */
int cmd_read_note(const struct cmd_args *args, int from, int to,
                  struct store_entry *e, struct text *reply);

/* Reads an entry number "12" or "#12" into *seq; -1 with why when the word
 * is not one. */
int cmd_read_id(const char *word, int64_t *seq, struct text *reply);

/* ---- shared replies ---- */

/* The reply for a storage failure, worded the same everywhere. Returns
 * CMD_FAILED. changing: whether a change was being made. */
enum cmd_status cmd_store_failed(struct text *reply, int changing);

/* The reply to a store call that returned rc, where rc == refused is the
 * user's mistake, not a failure: CMD_OK for STORE_OK, CMD_REFUSED with
 * why in reply for refused, else cmd_store_failed(reply, changing). */
enum cmd_status cmd_store_says(store_rc rc, store_rc refused, const char *why,
                               int changing, struct text *reply);

/* cmd_store_says for a look-up of entry #seq: STORE_NOTFOUND refuses with
 * "There is no entry #seq" and where the numbers are. */
enum cmd_status cmd_entry_found(store_rc rc, int64_t seq, int changing,
                                struct text *reply);

/* Names the change this command makes, for "undo" (store_change_label
 * with the label printf-formatted from fmt). */
store_rc cmd_change_label(const struct cmd_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Appends "word" in quotes, cut to a readable length ("..." says so). */
void cmd_quote_word(struct text *reply, const char *w);

/* How a report groups its totals. */
enum cmd_by { BY_DEFAULT, BY_DAY, BY_PROJECT, BY_TAG };

/* What a report, export or log looks at (commands/query.c). */
struct cmd_query {
	int64_t from, to;          /* the period, local midnights */
	char label[TP_LABEL_MAX];  /* "today", "last week", "Mon 23 Nov 2026" */
	struct store_filter filter; /* strings point into the command's words */
	enum cmd_by by;
	const char *user;          /* NULL, or whose data it is when an admin
	                              asks for another user's (cmd_for_user);
	                              replies name them */
};

#define QUERY_BY 1u /* "by day|project|tag" is allowed */

/*
 * Reads "[RANGE] [PROJECT|+tag ...] [by ...]" from word first on into q;
 * the period defaults to dflt. -1 with why in reply when a word fits none
 * of these.
 */
int cmd_read_query(const struct cmd_ctx *ctx, const struct cmd_args *args,
                   int first, enum tz_period dflt, unsigned flags,
                   struct cmd_query *q, struct text *reply);

/*
 * When a query found nothing, checks its projects: for the first one the
 * user never used, replaces reply with a sentence saying so (it was
 * perhaps meant as a period; the user is q->user when set) and returns 1;
 * else 0.
 */
int cmd_unknown_project(const struct cmd_ctx *ctx, const struct cmd_query *q,
                        struct text *reply);

/* commands/cmd_report.c: the local midnights (in zone) from q->from to
 * q->to into bounds (STORE_BUCKETS_MAX + 1 of them); returns how many
 * (days + 1), or -1 when there are more than STORE_BUCKETS_MAX days. */
int cmd_day_bounds(const char *zone, const struct cmd_query *q,
                   int64_t *bounds);

/* commands/cmd_report.c: the sums of a report of ctx's owner over the
 * days bounds[0..nb) (cmd_day_bounds), grouped by g, into cb: one bucket
 * per day (by_day) or one for them all; with r on (NULL: off) each
 * entry's part in each day rounded (store_report_rounded), as the report
 * shows it.
 * STORE_OK or the store's failure. */
struct rounding;
store_rc cmd_report_sums(const struct cmd_ctx *ctx, const struct rounding *r,
                         const int64_t *bounds, int nb, bool by_day,
                         enum store_group g, const struct store_filter *f,
                         store_report_cb cb, void *arg);

/* Appends " (acme or globex +billable)" for a query's filter, or nothing. */
void cmd_say_filter(const struct cmd_query *q, struct text *out);

/* Room for cmd_new_project_hint's words, with two project names. */
#define CMD_HINT_MAX (2 * STORE_PROJECT_MAX + 64)

/*
 * What start and add say after a project the user has never used, into
 * buf (n bytes, CMD_HINT_MAX suffices): " (a new project; you have acme)"
 * when one of their projects is close to it (commands/similar.h), or
 * " (a new project; you renamed acme to globex)" when it is, or is close
 * to, a name they renamed away that the undo history still holds; else
 * "" (also when project is one of theirs, and when storage fails: a hint
 * is not worth failing the command for). Reads only; call it before the
 * entry is written.
 */
void cmd_new_project_hint(const struct cmd_ctx *ctx, const char *project,
                          char *buf, size_t n);

/* The time-parser context of a command. */
struct tp_ctx cmd_tp(const struct cmd_ctx *ctx);

/*
 * The end of a span that reaches up to the real clock, a running timer's,
 * for store_overlap: no entry lies after the clock (none may end in the
 * future), so an open end meets every entry that one up to the clock
 * would, whatever ctx->now is; and ctx->now may be earlier than the clock
 * (a command the server kept while the bot was away counts at its send
 * time). commands/ never reads the clock itself.
 */
#define CMD_UP_TO_NOW INT64_MAX

/* The start of e's open break (e is a paused timer), or -1 when it has
 * none (commands/cmd_timer.c). */
int64_t cmd_paused_at(const struct store_entry *e);

/* Appends "#12 acme +design (note) 09:00–10:30 (1h 30m)" for e. */
void cmd_say_entry(const struct cmd_ctx *ctx, const struct store_entry *e,
                   struct text *out);

/* commands/help.c: the next line of a command's details at or after
 * from (the next example only, when example_only), in *line and *len;
 * returns where the search continues, or NULL at the end. */
const char *cmd_next_line(const struct cmd_def *def, const char *from,
                          const char **line, int *len, bool example_only);

/* commands/help.c: ends a reply about word, an unknown command word:
 * '. Did you mean "start"?' when one is close to it, else '. Try "help".'. */
void cmd_say_try(const struct cmd_ctx *ctx, const char *word,
                 struct text *reply);

/* commands/about.c: ends the change of ctx's message that the dispatcher
 * began (committed with the message's key when rc is CMD_OK, else rolled
 * back); returns the command's status. */
enum cmd_status cmd_end_change(const struct cmd_ctx *ctx, enum cmd_status rc,
                               struct text *reply);

/* commands/about.c: def's handler run as an XEP-0308 correction of
 * ctx->about, and an XEP-0424 retraction of it, each in one transaction
 * of its own. */
enum cmd_status cmd_run_correction(const struct cmd_def *def,
                                   const struct cmd_ctx *ctx,
                                   const struct cmd_args *args,
                                   struct text *reply);
enum cmd_status cmd_run_retraction(const struct cmd_ctx *ctx,
                                   struct text *reply);

/*
 * commands/idle.c: when ctx's message is the whole word stop, break or
 * keep and the sender has an open question about time away (idle.h),
 * answers it, with the reply and status in reply and *rc, and returns
 * true; also true for break and keep without a question (a refusal that
 * says what to say instead). False when the message is anything else,
 * which the dispatcher then runs as usual.
 */
bool cmd_idle_answer(const struct cmd_ctx *ctx, const struct cmd_args *args,
                     struct text *reply, enum cmd_status *rc);

#endif
