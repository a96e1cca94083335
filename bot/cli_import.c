/*
 * bot/cli_import.c - timmy import: another tracker's history, or timmy's
 * own export, added to one user's entries (commands/import.h does the
 * reading and the transaction; this file finds and reads the files).
 *
 *   --from timewarrior [DIR]  DIR/data/YYYY-MM.data, DIR by default
 *                             $TIMEWARRIORDB, else ~/.timewarrior; DIR may
 *                             also be one .data file
 *   --from watson FILE        Watson's frames, and the state file beside
 *                             it when there is one (a running frame)
 *   --from csv FILE, --from json FILE   timmy's own exports
 *
 * The database is opened for writing, as the bot does; the import is one
 * transaction, so the bot may run meanwhile (on SQLite it waits for the
 * lock like any writer).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../commands/import.h"
#include "../lib/text.h"
#include "../lib/tz.h"
#include "../storage/store.h"
#include "cli.h"
#include "cli_int.h"
#include "clock.h"
#include "config.h"

static void
usage_import(void)
{
	fprintf(stderr,
	        "usage: timmy import -c FILE --user JID --from FORMAT [--dry-run] "
	        "[PATH]\n"
	        "FORMAT and PATH: timewarrior [DIR] (default $TIMEWARRIORDB or "
	        "~/.timewarrior),\n"
	        "watson FILE (its frames file), csv FILE or json FILE (timmy's "
	        "export).\n"
	        "--dry-run prints what would be imported and skipped, and "
	        "changes nothing.\n");
}

static const struct option import_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "user", required_argument, NULL, OPT_USER },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ NULL, 0, NULL, 0 },
};

/*
 * Reads the file at path into *buf (malloc'ed, the caller frees it; n
 * bytes, at most IMPORT_INPUT_MAX). Returns 0, or -1 after saying why.
 */
static int
slurp(const char *path, char **buf, size_t *n)
{
	FILE *f = fopen(path, "rb");
	size_t got;

	*buf = NULL;
	*n = 0;
	if (f == NULL) {
		fprintf(stderr, "timmy import: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if ((*buf = malloc(IMPORT_INPUT_MAX + 1)) == NULL) {
		fprintf(stderr, "timmy import: out of memory\n");
		fclose(f);
		return -1;
	}
	got = fread(*buf, 1, IMPORT_INPUT_MAX + 1, f);
	if (ferror(f) || got > IMPORT_INPUT_MAX) {
		fprintf(stderr, "timmy import: %s: %s\n", path, ferror(f) ?
		        strerror(errno) : "larger than 64 MiB");
		free(*buf);
		*buf = NULL;
		fclose(f);
		return -1;
	}
	fclose(f);
	*n = got;
	return 0;
}

/* Reads the file at path into p as f. Returns 0, or -1 after saying why. */
static int
read_into(struct import_plan *p, enum import_format f, const char *path)
{
	char *buf;
	size_t n;
	int rc;

	if (slurp(path, &buf, &n) != 0)
		return -1;
	if ((rc = import_read(p, f, path, buf, n)) != 0)
		fprintf(stderr, "timmy import: %s: out of memory\n", path);
	free(buf);
	return rc;
}

/* A Timewarrior data file's name: YYYY-MM.data. */
static bool
timew_name(const char *name)
{
	size_t i;

	if (strlen(name) != 12 || strcmp(name + 7, ".data") != 0 ||
	    name[4] != '-')
		return false;
	for (i = 0; i < 7; i++)
		if (i != 4 && (name[i] < '0' || name[i] > '9'))
			return false;
	return true;
}

static int
name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int
timew_filter(const struct dirent *d)
{
	return timew_name(d->d_name);
}

/* Every DIR/data/YYYY-MM.data into p, by month; DIR may be one file.
 * Returns 0, or -1 after saying why. */
static int
read_timew(struct import_plan *p, const char *dir)
{
	struct dirent **names;
	struct text path;
	struct stat sb;
	int i, n, rc = 0;

	if (stat(dir, &sb) == 0 && S_ISREG(sb.st_mode))
		return read_into(p, IMPORT_TIMEWARRIOR, dir);
	text_init(&path, 8192);
	text_printf(&path, "%s/data", dir);
	if ((n = scandir(text_str(&path), &names, timew_filter, name_cmp)) < 0) {
		fprintf(stderr, "timmy import: %s: %s\n", text_str(&path),
		        strerror(errno));
		text_free(&path);
		return -1;
	}
	if (n == 0) {
		fprintf(stderr, "timmy import: %s: no Timewarrior data files "
		        "(YYYY-MM.data)\n", text_str(&path));
		rc = -1;
	}
	for (i = 0; i < n; i++) {
		text_clear(&path);
		text_printf(&path, "%s/data/%s", dir, names[i]->d_name);
		if (rc == 0 && !path.truncated)
			rc = read_into(p, IMPORT_TIMEWARRIOR, text_str(&path));
		free(names[i]);
	}
	free(names);
	text_free(&path);
	return rc;
}

/* Watson's frames file and, when there is one beside it, its state. */
static int
read_watson(struct import_plan *p, const char *frames)
{
	const char *slash = strrchr(frames, '/');
	struct text state;
	int rc;

	if (read_into(p, IMPORT_WATSON, frames) != 0)
		return -1;
	text_init(&state, 8192);
	if (slash != NULL)
		text_printf(&state, "%.*s/state", (int)(slash - frames), frames);
	else
		text_printf(&state, "state");
	rc = access(text_str(&state), F_OK) == 0 && !state.truncated ?
	             read_into(p, IMPORT_WATSON, text_str(&state)) : 0;
	text_free(&state);
	return rc;
}

/* Every input of the command line into p. Returns 0, or 1 after saying
 * why. */
static int
read_inputs(struct import_plan *p, enum import_format f, const char *path)
{
	struct text dir;
	const char *home;
	int rc;

	if (f == IMPORT_WATSON)
		return read_watson(p, path) == 0 ? 0 : 1;
	if (f != IMPORT_TIMEWARRIOR)
		return read_into(p, f, path) == 0 ? 0 : 1;
	text_init(&dir, 8192);
	if (path != NULL)
		text_printf(&dir, "%s", path);
	else if (getenv("TIMEWARRIORDB") != NULL &&
	         *getenv("TIMEWARRIORDB") != '\0')
		text_printf(&dir, "%s", getenv("TIMEWARRIORDB"));
	else if ((home = getenv("HOME")) != NULL)
		text_printf(&dir, "%s/.timewarrior", home);
	rc = dir.len > 0 ? read_timew(p, text_str(&dir)) : -1;
	if (dir.len == 0)
		fprintf(stderr, "timmy import: where is Timewarrior's "
		                "database? Give DIR\n");
	text_free(&dir);
	return rc == 0 ? 0 : 1;
}

/* Opens cfg's database for writing, the zone of its rollup set. */
static store *
open_store(const struct cfg *cfg)
{
	struct store_where w = cfg_store_where(cfg);
	char err[512];
	store *st;

	if (store_connect(&w, false, &st, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "timmy import: %s: %s\n", cfg->db_shown, err);
		return NULL;
	}
	store_set_default_zone(st, cfg->timezone);
	return st;
}

/* The import of p for a's user into cfg's database; the exit code. */
static int
run_import(const struct cli_args *a, const struct cfg *cfg,
           enum import_format f, struct import_plan *p)
{
	char zone[TZ_NAME_MAX + 1];
	struct import_result r;
	struct text report;
	store *st;
	int rc = 0;

	if ((st = open_store(cfg)) == NULL)
		return 1;
	cli_zone_of(st, a->user, cfg, zone, sizeof(zone));
	text_init(&report, SIZE_MAX / 2);
	/* One transaction: the whole import commits, or none of it; a dry
	 * run is rolled back after it reported what it would do. */
	if (store_begin(st) != STORE_OK ||
	    import_apply(st, a->user, wall_now(), zone, f, p, a->dry_run,
	                 &report, NULL, &r) != STORE_OK ||
	    (!a->dry_run && store_change_commit(st, a->user, NULL) != STORE_OK)) {
		store_rollback(st);
		fprintf(stderr, "timmy import: %s: %s\n", cfg->db_shown,
		        store_errmsg(st));
		fprintf(stderr, "timmy import: nothing was imported\n");
		rc = 1;
	} else {
		if (a->dry_run)
			store_rollback(st);
		fputs(text_str(&report), stdout);
	}
	/* Not one interval read: the wrong file or the wrong --from, which
	 * a script must not take for an import of nothing. */
	if (rc == 0 && import_plan_unreadable(p)) {
		fprintf(stderr, "timmy import: nothing in it could be read as "
		        "%s; is --from right?\n", import_format_name(f));
		rc = 1;
	}
	text_free(&report);
	store_close(st);
	return rc;
}

int
cli_import(int argc, char **argv)
{
	const struct cli_spec spec = {
		"import", "-:c:", import_options, "missing value after",
		usage_import, false, true,
	};
	struct cli_args a = { 0 };
	struct import_plan *p;
	enum import_format f;
	struct cfg *cfg;
	int rc;

	if (cli_parse(&spec, argc, argv, &a) != 0)
		return 2;
	if (a.config == NULL || a.user == NULL || a.from == NULL ||
	    *a.user == '\0') {
		fprintf(stderr, "timmy import: give -c FILE, --user JID and "
		                "--from FORMAT\n");
		usage_import();
		return 2;
	}
	if (import_format_parse(a.from, &f) != 0) {
		fprintf(stderr, "timmy import: unknown format \"%s\" "
		        "(timewarrior, watson, csv or json)\n", a.from);
		return 2;
	}
	if (f != IMPORT_TIMEWARRIOR && a.operand == NULL) {
		fprintf(stderr, "timmy import: --from %s needs a FILE\n", a.from);
		usage_import();
		return 2;
	}
	if ((p = import_plan_new()) == NULL) {
		fprintf(stderr, "timmy import: out of memory\n");
		return 1;
	}
	if ((rc = read_inputs(p, f, a.operand)) != 0) {
		import_plan_free(p);
		return rc;
	}
	if ((cfg = cli_config_load(a.config)) == NULL) {
		rc = 1;
	} else {
		rc = run_import(&a, cfg, f, p);
		cfg_free(cfg);
	}
	import_plan_free(p);
	return rc;
}
