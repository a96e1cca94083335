/*
 * bot/cli.h - the administrator's commands: export and report straight
 * from the database, read-only, safe while the daemon runs; migrate, a
 * copy of the database into another, with the daemon stopped; and the
 * reading of every command line's options.
 */
#ifndef TIMMY_CLI_H
#define TIMMY_CLI_H

#include <stdbool.h>

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

/*
 * timmy check -c FILE --repair: rebuilds the rollup of reports from the
 * entries (storage's store_rollup_rebuild), then checks the database as
 * timmy check does. cli_repair_asked says whether check's argv (argv[0]
 * is "check") has --repair. Returns the exit code (2: usage).
 */
bool cli_repair_asked(int argc, char **argv);
int cli_repair(int argc, char **argv);

/*
 * timmy migrate -c FILE --to TARGET [--to-password-file PATH]: copies the
 * database of FILE into TARGET, an empty PostgreSQL database or a new
 * SQLite file, and checks the copy (cli_migrate.c). The bot must be
 * stopped. argv[0] is "migrate". Returns the exit code (2: usage).
 */
int cli_migrate(int argc, char **argv);

#endif
