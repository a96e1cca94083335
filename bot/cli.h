/*
 * bot/cli.h - the administrator's commands: export and report straight
 * from the database, read-only, safe while the daemon runs; and the
 * reading of every command line's options.
 */
#ifndef TIMMY_CLI_H
#define TIMMY_CLI_H

/* timmy export -c FILE [--user JID] [--from DAY] [--to DAY]
 *              [--format csv|json|ical] [-o OUT]
 * argv[0] is "export". Returns the exit code (2: usage). */
int cli_export(int argc, char **argv);

/* timmy report -c FILE --user JID [RANGE ...] */
int cli_report(int argc, char **argv);

/*
 * The -c FILE (--config FILE, --config=FILE) of timmy run and timmy check,
 * given at most once, in *file (borrowed from argv; NULL when absent).
 * argv[0] is the command's name. Returns 0, or 2 after saying what is
 * wrong and calling usage.
 */
int cli_config(int argc, char **argv, void (*usage)(void), const char **file);

#endif
