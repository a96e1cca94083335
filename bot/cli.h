/*
 * bot/cli.h - the administrator's commands: export and report straight
 * from the database, read-only, safe while the daemon runs.
 */
#ifndef TIMMY_CLI_H
#define TIMMY_CLI_H

/* timmy export -c FILE [--user JID] [--from DAY] [--to DAY]
 *              [--format csv|json|ical] [-o OUT]
 * argv[0] is "export". Returns the exit code (2: usage). */
int cli_export(int argc, char **argv);

/* timmy report -c FILE --user JID [RANGE ...] */
int cli_report(int argc, char **argv);

#endif
