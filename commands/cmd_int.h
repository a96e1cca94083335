/*
 * commands/cmd_int.h - what the command handlers share inside commands/:
 * the tokenised message, the handler type and the command table.
 */
#ifndef TIMMY_CMD_INT_H
#define TIMMY_CMD_INT_H

#include "cmd.h"

/* A message has at most this many words; more is refused unparsed. */
#define CMD_ARGS_MAX 1024

/* The words of one message. All pointers point into buf, owned by the
 * struct's creator (cmd_exec) and valid for one handler call. */
struct cmd_args {
	char *word;                 /* the command word, lower-cased */
	int argc;                   /* words after the command word */
	char *argv[CMD_ARGS_MAX];
};

typedef enum cmd_status (*cmd_handler)(const struct cmd_ctx *ctx,
                                       const struct cmd_args *args,
                                       struct text *reply);

/*
 * One command. The table is sorted by name (cmd_lookup searches it with
 * bsearch; a unit test checks the order) and help is generated from it.
 *   name      the command word, lower case
 *   min_args  fewest words after it; the dispatcher refuses fewer
 *   max_args  most words after it, or -1 for any number
 *   fn        the handler; runs only when the arity fits
 *   usage     synopsis, e.g. "stop"
 *   summary   one line for "help"
 *   example   a complete example message
 */
struct cmd_def {
	const char *name;
	int min_args;
	int max_args;
	cmd_handler fn;
	const char *usage;
	const char *summary;
	const char *example;
};

extern const struct cmd_def cmd_table[];
extern const size_t cmd_table_len;

/* The command named name (lower case), or NULL. */
const struct cmd_def *cmd_lookup(const char *name);

/* Handlers, one file per family. */
enum cmd_status cmd_help(const struct cmd_ctx *, const struct cmd_args *, struct text *);
enum cmd_status cmd_start(const struct cmd_ctx *, const struct cmd_args *, struct text *);
enum cmd_status cmd_stop(const struct cmd_ctx *, const struct cmd_args *, struct text *);
enum cmd_status cmd_status(const struct cmd_ctx *, const struct cmd_args *, struct text *);
enum cmd_status cmd_report(const struct cmd_ctx *, const struct cmd_args *, struct text *);

/* The reply for a storage failure, written once here so every command
 * words it the same way. Returns CMD_FAILED. */
enum cmd_status cmd_store_failed(struct text *reply, int changing);

#endif
