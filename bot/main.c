/*
 * bot/main.c - the timmy command line: run the daemon, check a config.
 *
 *   timmy run -c FILE     serve in the foreground, log to stderr;
 *                         SIGHUP reloads FILE, SIGINT/SIGTERM stop
 *   timmy check -c FILE   validate FILE, open the database, apply the schema
 *   timmy --version | --help
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "../storage/store.h"
#include "cli.h"
#include "config.h"
#include "curl_load.h"
#include "log.h"
#include "session.h"

/* Set by SIGINT/SIGTERM and SIGHUP; the event loop polls them. Handlers
 * do nothing else. */
static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t reload_requested;

static void
on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void
on_reload_signal(int sig)
{
	(void)sig;
	reload_requested = 1;
}

static void
usage(FILE *f)
{
	fprintf(f,
	        "usage: timmy run -c FILE     run the bot in the foreground\n"
	        "       timmy check -c FILE   check FILE and the database, then exit\n"
	        "       timmy report -c FILE --user JID [RANGE ...]\n"
	        "                             a user's report, as the bot sends it\n"
	        "       timmy export -c FILE [--user JID] [--from DAY] [--to DAY]\n"
	        "                    [--format csv|json|ical] [-o OUT]\n"
	        "                             entries as a file (all users without --user)\n"
	        "       timmy --version       print the version\n"
	        "       timmy --help          print this help\n"
	        "\n"
	        "FILE is a bot.yaml; see bot.yaml.example for every key. report and\n"
	        "export read the database only, so they are safe while the bot runs.\n");
}

/*
 * Keeps the password (and people's records) out of core files: `run` and
 * `check` read the password, and systemd's watchdog ends a hung bot with
 * SIGABRT, which dumps core by default. PR_SET_DUMPABLE 0 stops the kernel
 * from writing a core (with the default fs.suid_dumpable = 0) and keeps
 * other processes of the same user from attaching with ptrace or reading
 * /proc/PID/mem and environ. A core limit of 0 (also LimitCORE=0 in
 * contrib/timmy.service) covers fs.suid_dumpable = 2, where the kernel
 * still dumps a process that is not dumpable. Call before the config is
 * read. Returns 0, or 1 after saying why (prctl does not fail on Linux;
 * if it ever does, the bot does not run unprotected).
 */
static int
no_core_dumps(void)
{
	struct rlimit none = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &none) != 0)
		fprintf(stderr, "timmy: warning: cannot set the core file size "
		                "limit to 0: %s\n", strerror(errno));
	if (prctl(PR_SET_DUMPABLE, 0L, 0L, 0L, 0L) != 0) {
		fprintf(stderr, "timmy: cannot turn off core dumps "
		                "(PR_SET_DUMPABLE): %s\n", strerror(errno));
		return 1;
	}
	return 0;
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

/* Loads the config, printing every problem; NULL when there were any. */
static struct cfg *
load_config(const char *file)
{
	struct text errs;
	struct cfg *cfg;

	text_init(&errs, 65536);
	if ((cfg = cfg_load(file, &errs)) == NULL) {
		fprintf(stderr, "%s%s", text_str(&errs),
		        errs.len && errs.buf[errs.len - 1] != '\n' ? "\n" : "");
		fprintf(stderr, "timmy: %s: configuration has errors; not starting\n",
		        file);
	}
	text_free(&errs);
	return cfg;
}

static store *
open_store(const struct cfg *cfg)
{
	char err[512];
	store *st = NULL;

	if (store_open(cfg->db_path, &st, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "timmy: storage.path: %s\n", err);
		return NULL;
	}
	store_set_default_zone(st, cfg->timezone); /* the rollup's days */
	return st;
}

static int
cmd_check(const char *file)
{
	struct cfg *cfg;
	store *st;
	int rc = 1;

	if ((cfg = load_config(file)) == NULL)
		return 1;
	if ((st = open_store(cfg)) == NULL)
		goto out;
	if (store_check(st) != STORE_OK) {
		fprintf(stderr, "timmy: %s: integrity check failed: %s\n",
		        cfg->db_path, store_errmsg(st));
		store_close(st);
		goto out;
	}
	store_close(st);
	printf("configuration OK: %s as %s/%s, tls %s, database %s (schema %d), "
	       "%zu allow pattern%s, time zone %s\n",
	       file, cfg->jid, cfg->resource, cfg_tls_name(cfg->tls),
	       cfg->db_path, store_schema_version(), cfg->nallow,
	       cfg->nallow == 1 ? "" : "s", cfg->timezone);
	rc = 0;
out:
	cfg_free(cfg);
	return rc;
}

static int
cmd_run(const char *file)
{
	struct sigaction sa;
	struct session *s = NULL;
	struct cfg *cfg;
	store *st = NULL;
	int rc = 1;

	/* A write to a socket the server closed must be an error we handle,
	 * not a SIGPIPE that kills the daemon. Likewise a write past a file
	 * size limit (RLIMIT_FSIZE): without SIGXFSZ it fails with EFBIG,
	 * which SQLite reports and the command's reply turns into "nothing
	 * changed", as it does for a full disk. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* SIGHUP re-reads the config file (session.c); before this, it
	 * would end the daemon. */
	sa.sa_handler = on_reload_signal;
	sigaction(SIGHUP, &sa, NULL);

	if ((cfg = load_config(file)) == NULL)
		return 1;
	log_set_level(cfg->log_level);
	log_info("timmy %s starting: %s as %s/%s", TIMMY_VERSION, file, cfg->jid,
	         cfg->resource);
	if (cfg->tls == CFG_TLS_TRUST_ANY)
		log_warn("account.tls is trust-any: the server's certificate is "
		         "not verified, so anyone on the path can read the "
		         "password and the messages");
	if (cfg->tls == CFG_TLS_OFF)
		log_warn("account.tls is off: plaintext to %s (loopback only)",
		         cfg->host);

	if ((st = open_store(cfg)) == NULL)
		goto out;
	log_info("database %s open (schema %d)", cfg->db_path,
	         store_schema_version());
	if ((s = session_new(cfg, st)) == NULL)
		goto out;
	rc = session_run(s, &stop_requested, &reload_requested);
out:
	session_free(s);
	/* libcurl, if an HTTP upload loaded it, after its last handle. */
	curl_unload();
	store_close(st);
	if (rc == 0)
		log_info("stopped");
	cfg_free(cfg);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *file;

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
	if (strcmp(argv[1], "check") == 0 && cli_repair_asked(argc - 1, argv + 1))
		return cli_repair(argc - 1, argv + 1);
	if (strcmp(argv[1], "run") == 0 || strcmp(argv[1], "check") == 0) {
		if ((file = config_arg(argc, argv)) == NULL)
			return 2;
		if (no_core_dumps() != 0)
			return 1;

		return argv[1][0] == 'r' ? cmd_run(file) : cmd_check(file);
	}
	fprintf(stderr, "timmy: unknown command \"%s\"\n", argv[1]);
	usage(stderr);
	return 2;
}
