/*
 * bot/main.c - the timmy command line: run the daemon, check a config.
 *
 *   timmy run -c FILE     serve in the foreground, log to stderr;
 *                         SIGHUP reloads FILE, SIGINT/SIGTERM stop
 *   timmy check, report, export, import, migrate, backup
 *                         the administrator's (bot/cli*.c)
 *   timmy --version | --help
 *
 * `run` becomes the bot's own program, timmy-bot (bot/run.c), by exec:
 * the same process, so systemd's main PID, signals and sd_notify are
 * unchanged. Only timmy-bot links libstrophe, which brings OpenSSL and
 * expat: loaded by every command, they were most of the start-up of
 * `timmy --version` and `timmy report` (6,005 symbol relocations, 2.9 ms
 * against Timewarrior's 1.6 ms on 2 idle cores; see bench/README.md).
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static void
usage(FILE *f)
{
	fprintf(f,
	        "usage: timmy run -c FILE     run the bot in the foreground\n"
	        "       timmy check -c FILE [--quick | --repair]\n"
	        "                             check FILE and the whole database;\n"
	        "                             --quick: what a start needs, in a time\n"
	        "                             that does not grow with the history;\n"
	        "                             --repair: rebuild the rollup of reports,\n"
	        "                             then check\n"
	        "       timmy report -c FILE --user JID [RANGE ...]\n"
	        "                             a user's report, as the bot sends it\n"
	        "       timmy export -c FILE [--user JID] [--from DAY] [--to DAY]\n"
	        "                    [--format csv|json|ical] [-o OUT]\n"
	        "                             entries as a file (all users without --user)\n"
	        "       timmy import -c FILE --user JID --from FORMAT [--dry-run] [PATH]\n"
	        "                             add another tracker's history to a user's:\n"
	        "                             timewarrior [DIR], watson FILE, or timmy's\n"
	        "                             own export: csv FILE, json FILE\n"
	        "       timmy migrate -c FILE --to TARGET [--to-password-file PATH]\n"
	        "                             copy the database into an empty PostgreSQL\n"
	        "                             database or a new SQLite file, and check it\n"
	        "       timmy backup -c FILE OUT\n"
	        "                             a checked copy of the SQLite database in\n"
	        "                             the file OUT (mode 0600), while the bot runs\n"
	        "       timmy --version       print the version\n"
	        "       timmy --help          print this help\n"
	        "\n"
	        "FILE is a bot.yaml; see bot.yaml.example for every key. report,\n"
	        "export and backup read the database only, so they are safe while\n"
	        "the bot runs; stop the bot before migrate, or the copy misses its\n"
	        "last changes.\n");
}

static void
usage_stderr(void)
{
	usage(stderr);
}

/* Finds "-c FILE" / "--config FILE" / "--config=FILE" in argv[2..]
 * (cli_config). Returns the file, or NULL after printing usage (bad or
 * missing). */
static const char *
config_arg(int argc, char **argv)
{
	const char *file = NULL;

	if (cli_config(argc - 1, argv + 1, usage_stderr, &file) != 0)
		return NULL;
	if (file == NULL || *file == '\0') {
		fprintf(stderr, "timmy %s: which config? Give -c FILE\n", argv[1]);
		usage(stderr);
		return NULL;
	}
	return file;
}

/*
 * Becomes timmy-bot with argv (bot/run.c; it turns core dumps off itself,
 * as exec turns them on again). It is looked for beside this program (the
 * build tree, or a bin directory that holds both) and then in
 * ../libexec/timmy/ from there (make install). Returns 1 after saying why
 * when neither can be run.
 */
static int
exec_bot(char **argv)
{
	static const char *const places[] = { "timmy-bot",
		"../libexec/timmy/timmy-bot" };
	char self[PATH_MAX], path[PATH_MAX + 64];
	const char *dir;
	ssize_t n;
	size_t i;
	int err = ENOENT;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) < 0) {
		fprintf(stderr, "timmy: cannot find the bot's program "
		                "(/proc/self/exe: %s)\n", strerror(errno));
		return 1;
	}
	self[n] = '\0';
	dir = dirname(self);
	for (i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, places[i]);
		argv[0] = path;
		execv(path, argv);
		if (errno != ENOENT || i == 0)
			err = errno;
	}
	fprintf(stderr, "timmy: cannot run the bot's program (%s/timmy-bot "
	        "or %s/../libexec/timmy/timmy-bot): %s\n", dir, dir,
	        strerror(err));
	return 1;
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "timmy: no command given\n");
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("timmy %s\n", TIMMY_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	/* The database, its WAL and exports hold people's work records:
	 * files we create are for our user only. */
	umask(077);
	if (strcmp(argv[1], "export") == 0)
		return cli_export(argc - 1, argv + 1);
	if (strcmp(argv[1], "report") == 0)
		return cli_report(argc - 1, argv + 1);
	if (strcmp(argv[1], "import") == 0)
		return cli_import(argc - 1, argv + 1);
	if (strcmp(argv[1], "migrate") == 0)
		return cli_migrate(argc - 1, argv + 1);
	if (strcmp(argv[1], "backup") == 0)
		return cli_backup(argc - 1, argv + 1);
	if (strcmp(argv[1], "check") == 0)
		return cli_check(argc - 1, argv + 1, usage_stderr);
	if (strcmp(argv[1], "run") == 0) {
		if (config_arg(argc, argv) == NULL)
			return 2;
		return exec_bot(argv);
	}
	fprintf(stderr, "timmy: unknown command \"%s\"\n", argv[1]);
	usage(stderr);
	return 2;
}
