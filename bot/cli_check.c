/*
 * bot/cli_check.c - timmy check, in its three kinds:
 *
 *   timmy check -c FILE           the config, the password and the whole
 *                                 database (store_check): every page,
 *                                 reference and rollup row, in a time
 *                                 that grows with the history
 *   timmy check -c FILE --quick   what a start needs (store_check_quick),
 *                                 in a time that does not: the check the
 *                                 systemd unit runs before each start
 *   timmy check -c FILE --repair  the rollup of reports rebuilt from the
 *                                 entries, then the whole check
 *
 * Each opens the database for writing, as the bot does: a new file gets
 * the schema, an older one its migrations, and the spans of the rollup
 * still pending are built (the migration to schema 10 leaves every user's
 * for the check before the next start).
 */
#include <stdbool.h>
#include <stdio.h>

#include "../storage/store.h"
#include "boot.h"
#include "cli.h"
#include "cli_int.h"
#include "config.h"

static const struct option check_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "quick", no_argument, NULL, OPT_QUICK },
	{ "repair", no_argument, NULL, OPT_REPAIR },
	{ NULL, 0, NULL, 0 },
};

/*
 * The config as the bot reads it (the password too), its database
 * opened, then checked: wholly, or quickly. Returns the exit code.
 */
static int
check(const char *file, bool quick)
{
	struct cfg *cfg;
	store *st;
	int rc = 1;

	if ((cfg = boot_config(file)) == NULL)
		return 1;
	if ((st = boot_store(cfg)) == NULL)
		goto out;
	if ((quick ? store_check_quick(st) : store_check(st)) != STORE_OK) {
		fprintf(stderr, "timmy: %s: %s failed: %s\n", cfg->db_shown,
		        quick ? "quick check" : "integrity check",
		        store_errmsg(st));
		store_close(st);
		goto out;
	}
	store_close(st);
	printf("configuration OK: %s as %s/%s, tls %s, database %s (schema %d), "
	       "%zu allow pattern%s, time zone %s",
	       file, cfg->jid, cfg->resource, cfg_tls_name(cfg->tls),
	       cfg->db_shown, store_schema_version(), cfg->nallow,
	       cfg->nallow == 1 ? "" : "s", cfg->timezone);
	if (quick)
		printf(" (quick check: the database's pages, references and "
		       "rollup were not read; timmy check -c %s checks them "
		       "all)", file);
	printf("\n");
	rc = 0;
out:
	cfg_free(cfg);
	return rc;
}

/*
 * Rebuilds every user's rollup in one transaction on a database open for
 * writing (the daemon may run: it waits for the lock, as for any
 * change), then runs the whole check. Returns the exit code.
 */
static int
repair(const struct cfg *cfg)
{
	struct store_where w = cfg_store_where(cfg);
	char err[512];
	store *st = NULL;
	int rc = 1;

	if (store_connect(&w, false, &st, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "timmy: %s: %s\n", cfg->db_shown, err);
		return 1;
	}
	store_set_default_zone(st, cfg->timezone);
	if (store_begin(st) != STORE_OK || store_rollup_rebuild(st) != STORE_OK ||
	    store_commit(st) != STORE_OK) {
		fprintf(stderr, "timmy: %s: rebuilding the rollup failed: %s\n",
		        cfg->db_shown, store_errmsg(st));
		store_rollback(st);
	} else if (store_check(st) != STORE_OK) {
		fprintf(stderr, "timmy: %s: integrity check failed: %s\n",
		        cfg->db_shown, store_errmsg(st));
	} else {
		printf("rollup rebuilt and checked: %s, time zone %s\n",
		       cfg->db_shown, cfg->timezone);
		rc = 0;
	}
	store_close(st);
	return rc;
}

/* The repair reads no password: it never logs in, and the administrator
 * who runs it by hand may not be able to read the file. */
static int
repair_file(const char *file)
{
	struct cfg *cfg;
	int rc;

	if ((cfg = cli_config_load(file)) == NULL)
		return 1;
	rc = repair(cfg);
	cfg_free(cfg);
	return rc;
}

int
cli_check(int argc, char **argv, void (*usage)(void))
{
	const struct cli_spec spec = {
		NULL, "-:c:", check_options, "unexpected argument", usage, true,
		false,
	};
	struct cli_args a = { 0 };

	if (cli_parse(&spec, argc, argv, &a) != 0)
		return 2;
	if (a.config == NULL || *a.config == '\0') {
		fprintf(stderr, "timmy check: which config? Give -c FILE\n");
		usage();
		return 2;
	}
	if (a.quick && a.repair) {
		fprintf(stderr, "timmy check: --quick and --repair do not go "
		                "together: --repair rebuilds the rollup and then "
		                "checks the whole database\n");
		usage();
		return 2;
	}
	if (a.repair)
		return repair_file(a.config);
	/* The password is read from here on. */
	if (boot_no_core_dumps() != 0)
		return 1;
	return check(a.config, a.quick);
}
