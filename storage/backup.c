/*
 * storage/backup.c - timmy backup: a copy of an SQLite database, taken
 * with SQLite's online backup API while the bot goes on writing, checked,
 * and put in place whole.
 *
 * The copy is written to a new file beside the output (lib/replace.h:
 * mode 0600 from its creation), flushed to disk, opened again read-only
 * and checked (PRAGMA quick_check and the schema version, as
 * store_open_readonly checks any database), and only then renamed over
 * the output: a nightly job replaces yesterday's copy only with a whole
 * and sound one. A failure removes the new file and leaves the output as
 * it was.
 * https://www.sqlite.org/backup.html
 *
 * Dependency rule: SQLite, libc and lib/ only.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../lib/replace.h"
#include "store_int.h"

/* Pages copied by one sqlite3_backup_step: 256 pages of 4 KiB, 1 MiB. */
#define BACKUP_STEP_PAGES 256
/* The pause after a step the source was too busy for (SQLITE_BUSY: a
 * writer recovering the WAL or restarting it), and how long such pauses
 * may add up to before the copy gives up: the bot's own busy timeout. */
#define BACKUP_PAUSE_MS 20
#define BACKUP_PATIENCE_MS 5000

/* The files SQLite may make beside a database: removed with the copy
 * when it fails. */
static const char *const side_files[] = { "-journal", "-wal", "-shm" };

static void
pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Removes tmp and what SQLite may have made beside it. */
static void
remove_copy(const char *tmp)
{
	char side[4096];
	size_t i;
	int n;

	unlink(tmp);
	for (i = 0; i < sizeof side_files / sizeof side_files[0]; i++) {
		n = snprintf(side, sizeof side, "%s%s", tmp, side_files[i]);
		if (n > 0 && (size_t)n < sizeof side)
			unlink(side);
	}
}

/*
 * Copies the database of src, a read-only handle, into dst, page by page.
 * The source is read in one read transaction, held from the first step to
 * the last: the copy is of one moment, and in WAL mode (the bot's) that
 * reader blocks none of the bot's writes. Without it each step would read
 * the newest state, and SQLite starts a backup over from its first page
 * whenever another connection changed the source between two steps: a
 * bot kept busy could keep the copy from ever finishing. *pages gets the
 * number of pages copied. STORE_OK, or STORE_ERR with the reason in err.
 */
static store_rc
copy_pages(sqlite3 *src, sqlite3 *dst, int64_t *pages, char *err,
           size_t errsz)
{
	sqlite3_backup *b;
	long waited = 0;
	int rc;

	/* A deferred BEGIN takes its snapshot at the first read. */
	if (store_exec_sql(src, "BEGIN; SELECT count(*) FROM sqlite_schema",
	                   "backup: the source's snapshot", err,
	                   errsz) != STORE_OK)
		return STORE_ERR;
	if ((b = sqlite3_backup_init(dst, "main", src, "main")) == NULL) {
		store_errf(err, errsz, "backup: %s", sqlite3_errmsg(dst));
		sqlite3_exec(src, "ROLLBACK", NULL, NULL, NULL);
		return STORE_ERR;
	}
	for (;;) {
		rc = sqlite3_backup_step(b, BACKUP_STEP_PAGES);
		if (rc == SQLITE_DONE)
			break;
		if (rc == SQLITE_OK)
			continue;
		if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) &&
		    waited < BACKUP_PATIENCE_MS) {
			pause_ms(BACKUP_PAUSE_MS);
			waited += BACKUP_PAUSE_MS;
			continue;
		}
		break;
	}
	*pages = sqlite3_backup_pagecount(b);
	/* finish returns the step's error again, or its own. */
	rc = sqlite3_backup_finish(b);
	sqlite3_exec(src, "ROLLBACK", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return store_errf(err, errsz, "backup: %s%s", sqlite3_errstr(rc),
		                  waited >= BACKUP_PATIENCE_MS ?
		                  " (the database stayed busy)" : "");
	return STORE_OK;
}

/*
 * Writes the copy into tmp, an empty file: the pages of src, then the
 * journal mode set back to SQLite's default. The pages carry the
 * source's WAL mode, in which every reader of the copy would make a -wal
 * and -shm file beside it: the copy is one file by itself, and the bot
 * makes it WAL again when it opens it (store_open). STORE_OK, or
 * STORE_ERR with the reason in err.
 */
static store_rc
write_copy(sqlite3 *src, const char *tmp, int64_t *pages, char *err,
           size_t errsz)
{
	sqlite3 *dst = NULL;
	store_rc ret = STORE_ERR;
	int rc;

	rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE, NULL);
	if (rc != SQLITE_OK) {
		store_errf(err, errsz, "%s", dst != NULL ? sqlite3_errmsg(dst) :
		           sqlite3_errstr(rc));
		goto out;
	}
	/* The copy's file is new and ours alone: no journal while the pages
	 * go in (a failure removes it whole). */
	if (store_exec_sql(dst, "PRAGMA journal_mode = OFF",
	                   "backup: journal_mode", err, errsz) != STORE_OK ||
	    copy_pages(src, dst, pages, err, errsz) != STORE_OK ||
	    store_exec_sql(dst, "PRAGMA journal_mode = DELETE",
	                   "backup: journal_mode", err, errsz) != STORE_OK)
		goto out;
	ret = STORE_OK;
out:
	if (sqlite3_close(dst) != SQLITE_OK && ret == STORE_OK)
		ret = store_errf(err, errsz, "closing: %s", sqlite3_errmsg(dst));
	return ret;
}

/*
 * Opens the copy at tmp read-only, which checks its schema version, and
 * runs PRAGMA quick_check on it: every page and record sound (the order
 * of indexes and the references are the whole check's, timmy check).
 * STORE_OK, or STORE_ERR with the first problem in err.
 */
static store_rc
check_copy(const char *tmp, char *err, size_t errsz)
{
	STORE_SQL_SQLITE(quick, "backup-quick-check", "PRAGMA quick_check");
	char why[STORE_ERRMSG_MAX] = "";
	const unsigned char *text;
	bool sound = false;
	store *st;
	db_stmt *s;
	int rc;

	if (store_open_readonly(tmp, &st, why, sizeof why) != STORE_OK)
		return store_errf(err, errsz, "the copy is not sound: %s", why);
	if ((s = store_sql_prepare(st, &quick)) == NULL) {
		store_errf(err, errsz, "%s", store_errmsg(st));
		store_close(st);
		return STORE_ERR;
	}
	rc = db_step(s);
	if (rc == DB_ROW) {
		text = db_text(s, 0);
		sound = text != NULL && strcmp((const char *)text, "ok") == 0;
		if (!sound)
			store_errf(err, errsz, "the copy is not sound: "
			           "quick_check: %s", text != NULL ?
			           (const char *)text : "(no text)");
	}
	if (store_sql_done(st, &quick, s, rc) != STORE_OK) {
		store_errf(err, errsz, "%s", store_errmsg(st));
		sound = false;
	}
	store_close(st);
	return sound ? STORE_OK : STORE_ERR;
}

/* Flushes the file at tmp to disk and closes fd, its descriptor; its
 * size into *bytes. */
static store_rc
sync_copy(int fd, const char *tmp, int64_t *bytes, char *err, size_t errsz)
{
	struct stat sb;

	if (fsync(fd) != 0 || fstat(fd, &sb) != 0) {
		store_errf(err, errsz, "%s: %s", tmp, strerror(errno));
		close(fd);
		return STORE_ERR;
	}
	*bytes = (int64_t)sb.st_size;
	if (close(fd) != 0)
		return store_errf(err, errsz, "%s: %s", tmp, strerror(errno));
	return STORE_OK;
}

store_rc
store_backup(const char *path, const char *out, struct store_backup_report *r,
             char *err, size_t errsz)
{
	store *src = NULL;
	char *tmp = NULL;
	store_rc ret;
	int fd;

	memset(r, 0, sizeof *r);
	if (store_open_readonly(path, &src, err, errsz) != STORE_OK)
		return STORE_ERR;
	if ((fd = replace_create(out, &tmp)) < 0) {
		store_errf(err, errsz, "%s: cannot create the copy beside it: "
		           "%s", out, strerror(errno));
		store_close(src);
		return STORE_ERR;
	}
	ret = write_copy(src->db, tmp, &r->pages, err, errsz);
	store_close(src);
	if (ret != STORE_OK)
		close(fd);
	else
		ret = sync_copy(fd, tmp, &r->bytes, err, errsz);
	if (ret == STORE_OK)
		ret = check_copy(tmp, err, errsz);
	if (ret == STORE_OK && replace_commit(tmp, out) != 0)
		ret = store_errf(err, errsz, "%s: %s", out, strerror(errno));
	if (ret != STORE_OK)
		remove_copy(tmp);
	free(tmp);
	return ret;
}
