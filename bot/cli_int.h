/*
 * bot/cli_int.h - what the command-line files of bot/ share (cli.c,
 * cli_check.c, cli_migrate.c, cli_backup.c): the one parser of every command's options, cli_parse,
 * and what it reads them into.
 *
 * Dependency rule: included by bot/cli*.c only.
 */
#ifndef TIMMY_CLI_INT_H
#define TIMMY_CLI_INT_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "../storage/store.h"

struct text;

/* Long options without a short form. */
enum {
	OPT_USER = 256,
	OPT_FROM,
	OPT_TO,
	OPT_FORMAT,
	OPT_REPAIR,
	OPT_QUICK,
	OPT_TO_PASSWORD_FILE,
	OPT_DRY_RUN,
};

/* What a command line gave; NULL for an option it did not. */
struct cli_args {
	const char *config;  /* -c, --config */
	const char *user;    /* --user */
	const char *from;    /* --from (export) */
	const char *to;      /* --to (export's last day, migrate's target) */
	const char *format;  /* --format (export) */
	const char *output;  /* -o, --output (export) */
	const char *to_password_file; /* --to-password-file (migrate) */
	struct text *words;  /* the other words, each after a space
	                        (report's RANGE); NULL: none are taken */
	const char *operand; /* the one other word of a command that takes
	                        one (backup's OUT), whatever it looks like */
	bool dry_run;        /* --dry-run (import) */
	bool repair;         /* --repair (check) */
	bool quick;          /* --quick (check) */
};

/* One command's command line: its options and how it says what is wrong. */
struct cli_spec {
	const char *name;            /* "export": the messages' prefix;
	                                NULL: "timmy" alone */
	const char *shortopts;       /* for getopt_long; starts with "-:" */
	const struct option *longopts;
	const char *missing;         /* what to say of an option without
	                                its value */
	void (*usage)(void);
	bool once;                   /* -c given twice is an unexpected
	                                argument */
	bool operand;                /* takes one word that is no option,
	                                into operand; a second is an
	                                unexpected argument */
};

/* -c FILE (--config FILE) alone: the options of run and backup. */
extern const struct option cli_config_options[];

/*
 * Reads argv (argv[0] is the command's name) as spec says into a, which
 * the caller zeroes and may point words at. Returns 0, or 2 after saying
 * what is wrong (an unknown option, an option without its value, a word
 * the command takes none of, "--").
 */
int cli_parse(const struct cli_spec *spec, int argc, char **argv,
              struct cli_args *a);

/*
 * Loads the config file without its secrets (CFG_NO_SECRETS: the
 * commands that read or copy the database never log in, and an
 * administrator may not be able to read the bot's password). Returns it
 * (cfg_free), or NULL after printing every problem to stderr.
 */
struct cfg *cli_config_load(const char *file);

/* The time zone of owner into buf (n bytes): their own (the tz
 * command), else cfg's default. */
struct cfg;
void cli_zone_of(store *st, const char *owner, const struct cfg *cfg,
                 char *buf, size_t n);

#endif
