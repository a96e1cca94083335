/*
 * commands/cmd.h - chat text in, reply text out.
 *
 * Dependency rule: commands/ sees storage/ and plain C; never the XMPP library,
 * never the clock, never stdout. bot/ fills a struct cmd_ctx for each
 * accepted message and sends back whatever reply this module writes, so
 * every command is testable as a function call against a temp database.
 */
#ifndef TIMMY_CMD_H
#define TIMMY_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../storage/store.h"
#include "../lib/text.h"

/* Replies never grow past this; longer output is cut and says so. */
#define CMD_REPLY_MAX 16384

/* Exports larger than this are cut, and the reply says so. */
#define CMD_FILE_MAX (4 * 1024 * 1024)

/*
 * A file a command made (export). The caller delivers it: an HTTP upload
 * where the server offers one, else inline in several messages.
 */
struct cmd_file {
	bool present;     /* set by the command that made a file */
	char name[96];    /* e.g. "timmy-this-month.csv" */
	const char *mime; /* static, e.g. "text/csv" */
	struct text body; /* the content; cmd_file_free releases it */
	bool upload_only; /* deliver it by HTTP upload or not at all: a page
	                     of HTML is no use as chat text; without an
	                     upload, bot/ answers so instead of sending parts */
};

/*
 * What a message does to an earlier message of the same sender, when it
 * is an XEP-0308 correction or an XEP-0424 retraction of it. The earlier
 * message is named by its keys: the key it would have had from an
 * XEP-0359 origin-id equal to the id the new message names, and the key
 * from the sender's full JID and that stanza id (bot/ cannot tell which
 * one the earlier message had). Each STORE_MSG_KEY_LEN hex digits, or
 * NULL.
 */
enum cmd_about_kind {
	CMD_CORRECTS, /* the text replaces the earlier message's command */
	CMD_RETRACTS  /* the earlier message is withdrawn; no text runs */
};
struct cmd_about {
	enum cmd_about_kind kind;
	const char *keys[2];
};

/*
 * A file a message brought (an XEP-0066 link the caller downloaded) for
 * the command to read: the import command takes it. All borrowed for
 * the call.
 */
struct cmd_input {
	const char *name; /* what replies call it: the URL's last part */
	const char *buf;  /* len bytes, not NUL-terminated */
	size_t len;
};

struct prefs;
struct teams;
struct billing_cfg;
struct cmd_job;

struct cmd_ctx {
	store *st;
	const char *owner;     /* bare JID of the sender, already authorised */
	int64_t now;           /* UTC epoch seconds the command counts at */
	const char *tz;        /* the user's IANA time zone */
	struct cmd_file *file; /* where a file goes; NULL: the caller cannot
	                          take files, so they come inline in the reply */
	const char *msg_key;   /* what identifies this message if it is
	                          delivered again: a digest (STORE_MSG_KEY_LEN
	                          hex digits) of its XEP-0359 origin-id, or of
	                          the sender's full JID and stanza id; NULL:
	                          none.
	                          A change is applied once per key; a repeat
	                          gets the first reply again */
	bool offline;          /* sent while the bot was offline: now is the
	                          XEP-0203 delay stamp, and the reply says so */
	bool admin;            /* the sender is in access.admins: the admin
	                          commands exist for them (for anyone else
	                          they are unknown words) */
	const struct cmd_about *about; /* NULL: a message of its own; else
	                          the earlier message it corrects or
	                          retracts: a correction takes back what
	                          that message did, if it was the latest
	                          change, and runs instead; a retraction
	                          undoes it */
	const struct prefs *prefs; /* bot.yaml's defaults of the settings
	                          (prefs.h); NULL: the built-in ones */
	const struct teams *teams; /* bot.yaml's teams (teams.h); NULL:
	                          none */
	const struct billing_cfg *billing; /* bot.yaml's billing section
	                          (billing.h); NULL: the built-in one */
	const char *bot_jid;   /* the bot's bare JID (account.jid), which
	                          makes exported calendar events unique to
	                          this deployment; NULL: not known */
	const struct cmd_input *input; /* the file the message brought;
	                          NULL: none (import then says how to
	                          send one) */
	struct cmd_job **job;  /* NULL: every command runs to its end in
	                          cmd_exec. Else a long one (export) may go
	                          on in slices: cmd_exec then returns CMD_OK
	                          with the rest of its work in *job (and in
	                          reply only what is to follow its own
	                          reply), for the caller to run with
	                          cmd_job_step; *job is NULL otherwise */
};

/* Prepares *f to receive a file (nothing present). */
void cmd_file_init(struct cmd_file *f);

/* Releases a file's content; *f can be used again after cmd_file_init. */
void cmd_file_free(struct cmd_file *f);

enum cmd_status {
	CMD_OK,      /* done; reply says what happened */
	CMD_REFUSED, /* bad input or nothing to do; reply says why; no change */
	CMD_FAILED   /* storage failed; nothing changed; store_errmsg() says why */
};

/*
 * Parses body (any text, any case, any whitespace), runs the command and
 * writes a human reply into reply (always non-empty afterwards).
 */
enum cmd_status cmd_exec(const struct cmd_ctx *ctx, const char *body,
                         struct text *reply);

/*
 * True when ctx's message (ctx->msg_key) made its change before, as
 * cmd_exec would find it: reply (cleared first) then holds the first
 * reply again. For a caller with work to do before cmd_exec (a file to
 * download), so that a message delivered twice does not do it twice.
 * False for a message without a key, one not seen before, or when the
 * store cannot tell (cmd_exec decides then).
 */
bool cmd_repeated(const struct cmd_ctx *ctx, struct text *reply);

/*
 * A command that goes on in slices (cmd_ctx.job), so that one user's
 * long export never holds the caller's other work for long: it read its
 * words and took a snapshot of the data when it ran, and each slice
 * reads and writes a bounded number of entries of that snapshot.
 */
struct cmd_job;

/*
 * Runs job for about budget entries (an entry only counted, not written,
 * costs a fraction of one). Returns true while work remains. false when
 * the command is over: *rc is its status, its reply is in reply (empty
 * before; the caller appends what cmd_exec left in its own reply) and
 * its file, if it made one, in *file (cmd_file_init'ed by the caller),
 * exactly as cmd_exec would have written them at once.
 */
bool cmd_job_step(struct cmd_job *job, size_t budget, struct text *reply,
                  struct cmd_file *file, enum cmd_status *rc);

/* Frees job, finished or not (NULL is fine). */
void cmd_job_free(struct cmd_job *job);

/*
 * True when body's command word names a command that may take a while
 * (report, log, export: a long period read and formatted), so that the
 * caller can say it is working on it before cmd_exec. Cheap: one word
 * looked up, nothing run. False for anything else, unknown words included.
 */
bool cmd_is_slow(const char *body);

/*
 * True when body's command word names one of the user's own settings
 * (tz, settings, snooze, reminders, help): nothing a team room hears
 * of. Cheap like cmd_is_slow; false for unknown words.
 */
bool cmd_is_personal(const char *body);

/*
 * Checks a tag name (after its + or -), as commands read it from chat:
 * 1 to STORE_TAG_MAX bytes of letters, digits and - _ . /. 0, or -1 with
 * why in reply. Also for bot.yaml's tags (billing.nonbillable_tag), so
 * that a tag no user can type is refused there too.
 */
int cmd_tag_ok(const char *tag, struct text *reply);

/* ---- commands/statusline.c: the timer as a contact list shows it ---- */

/* The status line of a user with no timer running. */
#define CMD_STATUS_IDLE "No timer running"

/* A status line never grows past this. */
#define CMD_STATUS_LINE_MAX 512

/*
 * The status line of owner's timer at now, into out (cleared first): the
 * running entry's project and tags and when it began, in the owner's own
 * zone (the tz command) else tz, "acme +design since 09:30" ("since Mon
 * 23 Nov 14:05" when it began on another day), or CMD_STATUS_IDLE.
 * Reads only. STORE_OK, or the store's error with out empty.
 */
store_rc cmd_status_line(store *st, const char *owner, const char *tz,
                         int64_t now, struct text *out);

/*
 * True when body names a command that may change data (a CMD_CHANGES row
 * of the table, as cmd_exec would find it for ctx's sender), so that a
 * CMD_OK from cmd_exec may have changed what cmd_status_line says. False
 * for reads, unknown words and empty messages. True for a NULL body: a
 * message about an earlier one (a retraction or correction), which may
 * have undone a change whatever its own text says.
 */
bool cmd_changes(const struct cmd_ctx *ctx, const char *body);

#endif
