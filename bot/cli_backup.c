/*
 * bot/cli_backup.c - timmy backup -c FILE OUT: a copy of the SQLite
 * database of FILE's storage section in the file OUT, taken while the bot
 * runs (storage's store_backup: SQLite's online backup API), checked, and
 * put in place whole, readable by its owner only.
 *
 * OUT names a file: a directory or "-" is refused rather than guessed at,
 * so that a nightly job says plainly where its copy went, and a copy
 * never lands over the database itself. A PostgreSQL database is backed
 * up by pg_dump, which this command names.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../storage/store.h"
#include "cli.h"
#include "cli_int.h"
#include "config.h"

static void
usage_backup(void)
{
	fprintf(stderr,
	        "usage: timmy backup -c FILE OUT\n"
	        "Copies the SQLite database of FILE's storage section into "
	        "the file OUT\n"
	        "while the bot runs, checks the copy, and replaces OUT with "
	        "it (mode 0600).\n"
	        "A PostgreSQL database is backed up with pg_dump.\n");
}

/* Seconds since start, on the clock that no one sets. */
static double
since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) +
	       (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/*
 * Refuses out when it is a directory or the database at db itself.
 * Returns 0, or 1 after saying why.
 */
static int
check_out(const char *out, const char *db)
{
	struct stat so, sd;

	if (stat(out, &so) != 0)
		return 0; /* a new file; its directory's faults come later */
	if (S_ISDIR(so.st_mode)) {
		fprintf(stderr, "timmy backup: %s is a directory: name the "
		        "copy's file, e.g. %s/timmy.db\n", out, out);
		return 1;
	}
	if (stat(db, &sd) == 0 && sd.st_dev == so.st_dev &&
	    sd.st_ino == so.st_ino) {
		fprintf(stderr, "timmy backup: %s is the database itself: name "
		        "another file\n", out);
		return 1;
	}
	return 0;
}

/* Prints the size of n bytes in the unit that suits it. */
static void
print_size(int64_t n)
{
	if (n >= 1024 * 1024)
		printf("%.1f MiB", (double)n / (1024.0 * 1024.0));
	else if (n >= 1024)
		printf("%.1f KiB", (double)n / 1024.0);
	else
		printf("%" PRId64 " bytes", n);
}

/* Copies cfg's SQLite database into out. Returns the exit code. */
static int
backup(const struct cfg *cfg, const char *out)
{
	struct store_where w = cfg_store_where(cfg);
	struct store_backup_report r;
	struct timespec start;
	char err[1024];

	if (w.backend == STORE_POSTGRESQL) {
		fprintf(stderr, "timmy backup: the database is PostgreSQL (%s): "
		        "back it up with pg_dump, e.g. pg_dump -Fc -f "
		        "timmy.dump '%s'\n", cfg->db_shown, cfg->db_shown);
		return 1;
	}
	if (check_out(out, w.path) != 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &start);
	if (store_backup(w.path, out, &r, err, sizeof err) != STORE_OK) {
		fprintf(stderr, "timmy backup: copying %s: %s\n", cfg->db_shown,
		        err);
		fprintf(stderr, "timmy backup: no copy was made; %s is "
		        "unchanged\n", out);
		return 1;
	}
	printf("timmy backup: copied %s to %s (", cfg->db_shown, out);
	print_size(r.bytes);
	printf(", %" PRId64 " pages) in %.2f s; the copy passed "
	       "SQLite's quick check\n", r.pages, since(&start));
	return 0;
}

int
cli_backup(int argc, char **argv)
{
	const struct cli_spec spec = {
		"backup", "-:c:", cli_config_options, "missing value after",
		usage_backup, true, true,
	};
	struct cli_args a = { 0 };
	struct cfg *cfg;
	int rc;

	if (cli_parse(&spec, argc, argv, &a) != 0)
		return 2;
	if (a.config == NULL || *a.config == '\0' || a.operand == NULL ||
	    *a.operand == '\0') {
		fprintf(stderr, "timmy backup: give -c FILE and OUT\n");
		usage_backup();
		return 2;
	}
	if (strcmp(a.operand, "-") == 0) {
		fprintf(stderr, "timmy backup: OUT must be a file: the copy is "
		        "written beside it and renamed over it, which standard "
		        "output cannot be\n");
		usage_backup();
		return 2;
	}
	/* No password: the copy never logs in, so the backup unit needs
	 * no credential. */
	if ((cfg = cli_config_load(a.config)) == NULL)
		return 1;
	rc = backup(cfg, a.operand);
	cfg_free(cfg);
	return rc;
}
