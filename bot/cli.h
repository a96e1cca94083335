/*
 * bot/cli.h - the administrator's commands: export and report straight
 * from the database, read-only, safe while the daemon runs; check, of the
 * config and the database; migrate, a copy of the database into another,
 * with the daemon stopped; backup, a checked copy of an SQLite database
 * while the daemon runs; and the reading of every command line's
 * options.
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
 * The -c FILE (--config FILE, --config=FILE) of timmy run, given at most
 * once, in *file (borrowed from argv; NULL when absent). argv[0] is the
 * command's name. Returns 0, or 2 after saying what is wrong and calling
 * usage.
 */
int cli_config(int argc, char **argv, void (*usage)(void), const char **file);

/*
 * timmy check -c FILE [--quick | --repair] (cli_check.c): the config and
 * the whole database; with --quick what a start needs, in a time that
 * does not grow with the history; with --repair the rollup of reports
 * rebuilt from the entries first. argv[0] is "check"; usage says how
 * every command is called. Returns the exit code (2: usage).
 */
int cli_check(int argc, char **argv, void (*usage)(void));

/*
 * timmy migrate -c FILE --to TARGET [--to-password-file PATH]: copies the
 * database of FILE into TARGET, an empty PostgreSQL database or a new
 * SQLite file, and checks the copy (cli_migrate.c). The bot must be
 * stopped. argv[0] is "migrate". Returns the exit code (2: usage).
 */
int cli_migrate(int argc, char **argv);

/*
 * timmy backup -c FILE OUT: a checked copy of FILE's SQLite database in
 * the file OUT, taken while the bot runs; a PostgreSQL database is
 * refused with a word on pg_dump (cli_backup.c). argv[0] is "backup".
 * Returns the exit code (2: usage).
 */
int cli_backup(int argc, char **argv);

/*
 * timmy import -c FILE --user JID --from timewarrior|watson|csv|json
 * [--dry-run] [PATH]: another tracker's history, or timmy's own export,
 * added to the user's entries in one transaction (cli_import.c). argv[0]
 * is "import". Returns the exit code (2: usage).
 */
int cli_import(int argc, char **argv);

#endif
