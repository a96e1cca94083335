/*
 * commands/cmd.c - the command table, the tokeniser and the dispatcher.
 *
 * Every message goes through cmd_exec: split into words, the command word
 * looked up in one sorted table, its arity checked once here, and only then
 * a handler runs. Unknown words and wrong arity never reach a handler.
 */
#include "cmd_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

const struct cmd_def cmd_table[] = {
	{ "help", 0, 1, cmd_help, "help [COMMAND]",
	  "this list, or one command in detail", "help start" },
	{ "report", 0, 1, cmd_report, "report [today|week|month]",
	  "totals per project for a period (default today)", "report week" },
	{ "start", 1, -1, cmd_start, "start PROJECT [+tag ...] [note ...]",
	  "start a timer (stops the running one first)",
	  "start acme +design fix the header" },
	{ "status", 0, 0, cmd_status, "status",
	  "what is running, and today's total", "status" },
	{ "stop", 0, 0, cmd_stop, "stop",
	  "stop the running timer", "stop" },
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

/* ASCII whitespace plus the other C0 controls: a pasted tab or newline
 * separates words like a space does. */
static int
is_sep(unsigned char c)
{
	return c <= ' ' || c == 0x7f;
}

/* Splits buf in place into args. Returns 0, or -1 when there are more
 * than CMD_ARGS_MAX words. args->word is NULL for an empty message. */
static int
tokenise(char *buf, struct cmd_args *args)
{
	char *p = buf;
	char *w;

	args->word = NULL;
	args->argc = 0;
	for (;;) {
		while (*p && is_sep((unsigned char)*p))
			p++;
		if (*p == '\0')
			return 0;
		w = p;
		while (*p && !is_sep((unsigned char)*p))
			p++;
		if (*p)
			*p++ = '\0';
		if (args->word == NULL)
			args->word = w;
		else if (args->argc < CMD_ARGS_MAX)
			args->argv[args->argc++] = w;
		else
			return -1;
	}
}

static void
lower_ascii(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* Quotes a user's word in a reply, cut to a readable length. */
static void
quote_word(struct text *reply, const char *w)
{
	size_t n = strlen(w);

	if (n > 40) {
		struct text cut;

		text_init(&cut, 40);
		text_append(&cut, w, n);
		text_printf(reply, "\"%s...\"", text_str(&cut));
		text_free(&cut);
	} else {
		text_printf(reply, "\"%s\"", w);
	}
}

enum cmd_status
cmd_exec(const struct cmd_ctx *ctx, const char *body, struct text *reply)
{
	struct cmd_args *args;
	const struct cmd_def *def;
	enum cmd_status rc;
	char *buf;

	text_clear(reply);
	if ((buf = strdup(body)) == NULL ||
	    (args = malloc(sizeof(*args))) == NULL) {
		free(buf);
		text_printf(reply, "Sorry, I am short of memory. Please try again.");
		return CMD_FAILED;
	}

	if (tokenise(buf, args) != 0) {
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
	lower_ascii(args->word);
	if ((def = cmd_lookup(args->word)) == NULL) {
		text_printf(reply, "I don't know ");
		quote_word(reply, args->word);
		text_printf(reply, ". Try \"help\".");
		rc = CMD_REFUSED;
		goto out;
	}
	if (args->argc < def->min_args ||
	    (def->max_args >= 0 && args->argc > def->max_args)) {
		text_printf(reply, "%s Usage: %s. Example: %s",
		            args->argc < def->min_args ? "Not enough words."
		                                       : "Too many words.",
		            def->usage, def->example);
		rc = CMD_REFUSED;
		goto out;
	}
	rc = def->fn(ctx, args, reply);
out:
	if (reply->truncated)
		text_end_with(reply, "\n[reply cut: too long]");
	free(args);
	free(buf);
	return rc;
}

enum cmd_status
cmd_help(const struct cmd_ctx *ctx, const struct cmd_args *args,
         struct text *reply)
{
	const struct cmd_def *def;
	size_t i;

	(void)ctx;
	if (args->argc == 1) {
		lower_ascii(args->argv[0]);
		if ((def = cmd_lookup(args->argv[0])) == NULL) {
			text_printf(reply, "There is no command ");
			quote_word(reply, args->argv[0]);
			text_printf(reply, ". Try \"help\".");
			return CMD_REFUSED;
		}
		text_printf(reply, "%s: %s\nExample: %s", def->usage,
		            def->summary, def->example);
		return CMD_OK;
	}
	text_printf(reply, "Commands:");
	for (i = 0; i < cmd_table_len; i++)
		text_printf(reply, "\n%s — %s", cmd_table[i].usage,
		            cmd_table[i].summary);
	text_printf(reply, "\n\"help COMMAND\" shows an example.");
	return CMD_OK;
}
