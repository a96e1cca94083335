/*
 * bot/run.c - timmy-bot, the bot itself: `timmy run -c FILE` becomes this
 * program by exec (bot/main.c says why there are two). It serves in the
 * foreground, logs to stderr; SIGHUP reloads FILE, SIGINT/SIGTERM stop.
 *
 *   timmy-bot run -c FILE
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "../storage/store.h"
#include "boot.h"
#include "cli.h"
#include "config.h"
#include "curl_load.h"
#include "log.h"
#include "session.h"
#include "standby.h"

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

	if ((cfg = boot_config(file)) == NULL)
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

	if ((st = boot_store(cfg)) == NULL)
		goto out;
	log_info("database %s open (schema %d)", cfg->db_shown,
	         store_schema_version());
	if ((rc = standby_wait(st, &stop_requested)) != 0) {
		rc = rc > 0 ? 0 : 1; /* stopped while waiting, or failed */
		goto out;
	}
	rc = 1;
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


static void
usage(void)
{
	fprintf(stderr, "usage: timmy-bot run -c FILE   (started by "
	                "`timmy run -c FILE`)\n");
}

int
main(int argc, char **argv)
{
	const char *file = NULL;

	if (argc < 2 || strcmp(argv[1], "run") != 0) {
		usage();
		return 2;
	}
	if (cli_config(argc - 1, argv + 1, usage, &file) != 0)
		return 2;
	if (file == NULL || *file == '\0') {
		fprintf(stderr, "timmy run: which config? Give -c FILE\n");
		return 2;
	}
	/* As `timmy` does before it execs: the database, its WAL and
	 * exports are for our user only. */
	umask(077);
	if (boot_no_core_dumps() != 0)
		return 1;
	return cmd_run(file);
}
