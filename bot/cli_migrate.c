/*
 * bot/cli_migrate.c - timmy migrate: the database of a bot.yaml copied
 * into another, empty one (storage's store_copy), on PostgreSQL or in a
 * new SQLite file, and checked.
 *
 * The source is opened read-only, but the bot must be stopped first: a
 * change it made during the copy would be missing from the copy.
 * Connection strings are shown with their password cut out
 * (cfg_db_redact), and a password given in a file is read like
 * bot.yaml's password files.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/str.h"
#include "../lib/text.h"
#include "../storage/store.h"
#include "cli.h"
#include "cli_int.h"
#include "config.h"

static void
usage_migrate(void)
{
	fprintf(stderr,
	        "usage: timmy migrate -c FILE --to TARGET "
	        "[--to-password-file PATH]\n"
	        "Copies the database of FILE's storage section into TARGET "
	        "and checks the copy.\n"
	        "TARGET is an empty PostgreSQL database (postgresql://... or "
	        "key=value words)\n"
	        "or a SQLite file that does not exist yet. Stop the bot "
	        "first: what it\n"
	        "changes during the copy would be missing from it.\n");
}

static const struct option migrate_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "to", required_argument, NULL, OPT_TO },
	{ "to-password-file", required_argument, NULL, OPT_TO_PASSWORD_FILE },
	{ NULL, 0, NULL, 0 },
};

/* Whether target is a libpq connection string rather than a file. */
static bool
is_conninfo(const char *target)
{
	return strncmp(target, "postgresql://", 13) == 0 ||
	       strncmp(target, "postgres://", 11) == 0 ||
	       strchr(target, '=') != NULL;
}

/* Prints what r says was copied and checked. */
static void
print_report(const struct store_copy_report *r)
{
	int i;

	for (i = 0; i < r->ntables; i++)
		printf("%-17s %" PRId64 " rows\n", r->tables[i].name,
		       r->tables[i].rows);
	printf("verified: %" PRId64 " users, %" PRId64 " entries, %.2f h of "
	       "stopped time equal on both\n", r->users, r->entries,
	       (double)r->secs / 3600.0);
}

/*
 * Opens the source of cfg read-only and the target to, copies and
 * checks. Returns the exit code, after saying what went wrong.
 */
static int
migrate(const struct cfg *cfg, const struct store_where *to,
        const char *shown)
{
	struct store_where from = cfg_store_where(cfg);
	struct store_copy_report r;
	store *src = NULL, *dst = NULL;
	char err[512];
	int rc = 1;

	if (store_connect(&from, true, &src, err, sizeof err) != STORE_OK) {
		fprintf(stderr, "timmy migrate: %s: %s\n", cfg->db_shown, err);
		return 1;
	}
	if (store_connect(to, false, &dst, err, sizeof err) != STORE_OK) {
		fprintf(stderr, "timmy migrate: %s: %s\n", shown, err);
		store_close(src);
		return 1;
	}
	if (store_copy(src, dst, &r) != STORE_OK) {
		fprintf(stderr, "timmy migrate: %s into %s: %s\n", cfg->db_shown,
		        shown, store_errmsg(dst));
		fprintf(stderr, "timmy migrate: nothing was copied\n");
	} else {
		print_report(&r);
		printf("copied %s into %s\n", cfg->db_shown, shown);
		rc = 0;
	}
	store_close(dst);
	store_close(src);
	return rc;
}

int
cli_migrate(int argc, char **argv)
{
	const struct cli_spec spec = {
		"migrate", "-:c:", migrate_options, "missing value after",
		usage_migrate, true, false,
	};
	struct cli_args a = { 0 };
	struct store_where to = { STORE_SQLITE, NULL, NULL };
	struct text errs;
	struct cfg *cfg;
	char *password = NULL, *shown;
	int rc = 1;

	if (cli_parse(&spec, argc, argv, &a) != 0)
		return 2;
	if (a.config == NULL || a.to == NULL || *a.config == '\0' ||
	    *a.to == '\0') {
		fprintf(stderr, "timmy migrate: give -c FILE and --to TARGET\n");
		usage_migrate();
		return 2;
	}
	to.path = a.to;
	if (is_conninfo(a.to))
		to.backend = STORE_POSTGRESQL;
	else if (a.to_password_file != NULL) {
		fprintf(stderr, "timmy migrate: --to-password-file is for a "
		                "PostgreSQL target\n");
		usage_migrate();
		return 2;
	}
	shown = to.backend == STORE_POSTGRESQL ? cfg_db_redact(a.to) :
	                                         strdup(a.to);
	if (shown == NULL) {
		fprintf(stderr, "timmy migrate: out of memory\n");
		return 1;
	}
	text_init(&errs, 65536);
	if (a.to_password_file != NULL &&
	    (password = cfg_secret_file("timmy migrate", "--to-password-file",
	                                a.to_password_file, &errs)) == NULL) {
		fprintf(stderr, "%s", text_str(&errs));
		goto out;
	}
	to.password = password;
	if ((cfg = cfg_load_flags(a.config, CFG_NO_SECRETS, &errs)) == NULL) {
		fprintf(stderr, "%s", text_str(&errs));
		goto out;
	}
	rc = migrate(cfg, &to, shown);
	cfg_free(cfg);
out:
	if (password != NULL) {
		str_wipe(password, strlen(password));
		free(password);
	}
	text_free(&errs);
	free(shown);
	return rc;
}
