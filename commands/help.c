/*
 * commands/help.c - help: the command list by group, one command's usage
 * with its details and examples, and the "Did you mean" hint for an
 * unknown command word. All of it is read from cmd_table (commands/cmd.c),
 * so a command's help lives in its row.
 */
#include "cmd_int.h"

#include <stdbool.h>
#include <string.h>

#include "similar.h"

/*
 * details holds lines: descriptions first, then examples (lines that start
 * with the command's name). Finds the next line at or after *from (the
 * next example only, when example_only), setting *line and *len; returns
 * where the search continues, or NULL at the end.
 */
const char *
cmd_next_line(const struct cmd_def *def, const char *from, const char **line,
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
void
cmd_say_try(const struct cmd_ctx *ctx, const char *word,
            struct text *reply)
{
	const char *near = closest_command(ctx, word);

	if (near != NULL)
		text_printf(reply, ". Did you mean \"%s\"?", near);
	else
		text_printf(reply, ". Try \"help\".");
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
 * Appends the lines of details (see cmd_next_line) for the command name:
 * descriptions as they are, examples under "Examples:", indented.
 */
static void
say_details(struct text *reply, const struct cmd_def *def,
            const char *details)
{
	const char *at = details, *line;
	bool examples = false;
	int n;

	while ((at = cmd_next_line(def, at, &line, &n, false)) != NULL) {
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
			cmd_say_try(ctx, args->argv[0], reply);
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
