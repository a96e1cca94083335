/*
 * commands/cmd_import.c - the import command: history from a file the
 * user sent in chat (cmd_ctx.input, which bot/ downloaded), its format
 * recognised from what it holds, added as one undo step. Depends on the
 * import readers (import.h) and storage/; no file system, no network:
 * the file comes as a buffer.
 *
 * Like every command that changes data it runs in the dispatcher's
 * transaction (cmd.c's run_handler), with the message's key: a message
 * delivered again gets the first reply and imports nothing twice.
 * Without a file the command only says how to send one.
 */
#include "cmd_int.h"
#include "import.h"

#include <string.h>

/* Skip reasons a reply quotes, at most; the count says how many more. */
#define SKIPS_SHOWN 5

/* Bytes of the skip lines kept for the reply: a few lines' worth. */
#define SKIPS_KEPT 4096

/* The formats, as replies list them. */
#define FORMATS_SAID \
	"Timewarrior data files (YYYY-MM.data), Watson's frames or state " \
	"file, or timmy's own CSV or JSON export"

/* The reply to "import" without a file: how to send one. */
static enum cmd_status
say_how(struct text *reply)
{
	text_printf(reply,
	            "To import your history, send me the file: attach it with "
	            "your client's upload button (HTTP upload), with the text "
	            "\"import\" or no text at all. I read " FORMATS_SAID ", "
	            "and answer with what I imported and what I skipped; "
	            "\"undo\" takes the whole import back, and the same file "
	            "sent again adds nothing. On the bot's machine the "
	            "administrator can also run \"timmy import\".");
	return CMD_REFUSED;
}

/* Appends the first SKIPS_SHOWN lines of skips (of n skips in all),
 * then how many more there were. */
static void
say_skips(const struct text *skips, size_t n, struct text *reply)
{
	const char *p = text_str(skips), *eol;
	size_t shown = 0;

	while (shown < SKIPS_SHOWN && *p != '\0') {
		eol = strchr(p, '\n');
		if (eol == NULL)
			eol = p + strlen(p);
		/* A line cut short by SKIPS_KEPT is shown no more. */
		if (*eol != '\n')
			break;
		text_printf(reply, "\n%.*s", (int)(eol - p), p);
		shown++;
		p = eol + 1;
	}
	if (n > shown)
		text_printf(reply, "\n(and %zu more)", n - shown);
}

/* The reply for an import of f from in that went as r says. */
static void
say_result(const struct cmd_input *in, enum import_format f,
           const struct import_result *r, const struct text *skips,
           struct text *reply)
{
	if (r->added > 0)
		text_printf(reply, "Imported %zu entr%s from %s (file %s)",
		            r->added, r->added == 1 ? "y" : "ies",
		            import_format_name(f), in->name);
	else
		text_printf(reply, "Nothing was imported from %s (file %s)",
		            import_format_name(f), in->name);
	if (r->skipped > 0) {
		text_printf(reply, "; skipped %zu:", r->skipped);
		say_skips(skips, r->skipped, reply);
	} else {
		text_printf(reply, ".");
	}
	if (r->added > 0)
		text_printf(reply, "\n\"undo\" takes the whole import back.");
}

/* Reads in, guessed as *f, into a new plan (the caller frees it with
 * import_plan_free); NULL with why in reply. */
static struct import_plan *
read_input(const struct cmd_input *in, enum import_format *f,
           struct text *reply)
{
	struct import_plan *p;

	if (import_format_guess(in->buf, in->len, in->name, f) != 0) {
		text_printf(reply, "I cannot import %s: it is none of the "
		            "formats I read (" FORMATS_SAID "). Nothing "
		            "changed.", in->name);
		return NULL;
	}
	if ((p = import_plan_new()) == NULL ||
	    import_read(p, *f, in->name, in->buf, in->len) != 0) {
		import_plan_free(p);
		text_printf(reply, "Sorry, I am short of memory. Please try "
		                   "again.");
		return NULL;
	}
	return p;
}

enum cmd_status
cmd_import(const struct cmd_ctx *ctx, const struct cmd_args *args,
           struct text *reply)
{
	const struct cmd_input *in = ctx->input;
	struct import_result r;
	struct import_plan *p;
	enum import_format f;
	enum cmd_status rc;
	struct text skips;

	(void)args;
	if (in == NULL)
		return say_how(reply);
	if ((p = read_input(in, &f, reply)) == NULL)
		return CMD_REFUSED;
	text_init(&skips, SKIPS_KEPT);
	if (import_apply(ctx->st, ctx->owner, ctx->now, ctx->tz, f, p, false,
	                 NULL, &skips, &r) != STORE_OK) {
		rc = cmd_store_failed(reply, 1);
	} else {
		say_result(in, f, &r, &skips, reply);
		/* Not one interval read: the dispatcher rolls back what
		 * nothing was, and the same message may come again. */
		rc = import_plan_unreadable(p) ? CMD_REFUSED : CMD_OK;
	}
	text_free(&skips);
	import_plan_free(p);
	return rc;
}
