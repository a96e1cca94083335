/*
 * storage/store.c - the database handle: opening (read-write, and
 * read-only for reports and exports), its errors, closing, and the
 * transactions. The schema and its migrations are applied by schema.c,
 * statements prepared and stepped by statement.c; the queries on entries
 * are in entries.c and listing.c, users and their settings in users.c,
 * reports in report.c, undo steps in undo.c, the messages changes were
 * made for in messages.c, the migration steps in migrations.c.
 *
 * Dependency rule: SQLite and libc only; nothing of commands/ or bot/.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/str.h"
#include "store_int.h"

/* STORE_SCHEMA_VERSION and store_schema_sql, generated from schema.sql. */
#include "schema.inc"

/*
 * store_migrations[k - 1] turns a version-k database into version k + 1
 * (migrations.c); store_schema_apply runs them in order, each in its own
 * transaction, and sets user_version itself. The NULL at the end keeps
 * the array non-empty; the assertion makes a new schema version come with
 * its migration.
 */
static const char *const store_migrations[] = {
	store_migration_1,
	store_migration_2,
	store_migration_3,
	store_migration_4,
	store_migration_5,
	store_migration_6,
	store_migration_7,
	store_migration_8,
	store_migration_9,
	store_migration_10,
	NULL
};

#define STORE_MIGRATIONS (sizeof store_migrations / sizeof store_migrations[0])
_Static_assert(STORE_MIGRATIONS == STORE_SCHEMA_VERSION, "one migration a step");

static const struct store_schema store_schema_current = {
	STORE_SCHEMA_VERSION, store_schema_sql, store_migrations
};

store_rc
store_errf(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errsz > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errsz, fmt, ap); /* a cut message is still useful */
		va_end(ap);
	}
	return STORE_ERR;
}

/* A savepoint nests in a caller's transaction or, outside one, makes a
 * single change atomic by itself. */
store_rc
store_savepoint(store *st)
{
	STORE_SQL(q, "savepoint", "SAVEPOINT store_change");
	bool outermost = db_autocommit(st) != 0;
	store_rc ret;

	/* A transaction of its own is none of store_begin's. */
	if (outermost)
		store_write_over(st);
	ret = store_sql_run(st, &q);

	if (ret == STORE_OK) {
		if (st->savepoints == 0)
			st->savepoint_alone = outermost;
		st->savepoints++;
	}
	return ret;
}

store_rc
store_savepoint_end(store *st, store_rc ret)
{
	STORE_SQL(release, "release", "RELEASE store_change");
	STORE_SQL(rollback_to, "rollback-to", "ROLLBACK TO store_change");
	static const struct store_sql *const undo[] = { &rollback_to,
		&release };
	db_stmt *s;
	size_t i;

	/* The rollup of what this savepoint changed, before it commits
	 * (rollup.c), when it is a transaction of its own; inside another
	 * one, that one's store_commit builds it once for all its changes. */
	if (st->savepoints > 0)
		st->savepoints--;
	if (ret == STORE_OK && st->savepoints == 0 && st->savepoint_alone)
		ret = store_rollup_flush(st, false);
	if (ret == STORE_OK && (ret = store_sql_run(st, &release)) == STORE_OK)
		return STORE_OK;
	/* What the savepoint added goes, a user row too. */
	store_user_forget(st);
	/* SQLite may have rolled everything back already (I/O error, full
	 * disk); then there is no savepoint left. When the savepoint was
	 * the outermost transaction, this ends it. */
	for (i = 0; i < sizeof undo / sizeof undo[0]; i++) {
		if (db_autocommit(st))
			break;
		if ((s = store_sql_prepare(st, undo[i])) == NULL)
			break;
		(void)db_step(s);
		store_reset(s);
	}
	return ret;
}

/*
 * The settings of the SQLite library itself, once per process, before
 * its first connection (sqlite3_config refuses them after that, and then
 * SQLite's defaults stay: nothing breaks).
 *
 * No bulk allocation per page cache (SQLITE_CONFIG_PAGECACHE with no
 * buffer and N = 0): by default every page cache, also the one of each
 * ephemeral table that a statement opens and closes (RETURNING, DISTINCT,
 * a sorter, INSERT ... SELECT from the same table), first takes about
 * 86 KB in one piece. In a process with a small heap glibc hands that
 * from the top of the heap and gives it back to the kernel at the next
 * free: a program that only ran commands through cmd_exec on a file
 * database moved the heap's end up and down five times per command (brk)
 * and faulted the pages in again, 190 us of CPU per start before, 131 us
 * after (3,000 commands, 2 cores). In the bot, whose heap holds
 * libstrophe's buffers too, the pieces seldom lay at the top (11 brk
 * calls in 3 s of the chat benchmark's start/stop load): there it saves
 * nothing measurable. Caches now grow a page at a time, as they fill.
 */
static void
configure_library(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	(void)sqlite3_config(SQLITE_CONFIG_PAGECACHE, (void *)NULL, 0, 0);
}

/*
 * The connection settings, before anything else touches the file:
 * - WAL: readers never block the writer nor the writer them;
 * - synchronous=NORMAL: in WAL mode a commit survives a crash of the
 *   process (not of the machine), with one fsync per checkpoint instead
 *   of one per commit: ~26,000 commits/s here against ~6,000 with FULL;
 * - foreign keys, off by default in SQLite, so entry_tags' references and
 *   its ON DELETE CASCADE hold.
 */
static store_rc
configure(sqlite3 *db, char *err, size_t errsz)
{
	sqlite3_stmt *s = NULL;
	char mode[16] = "";
	int rc;

	/* SQLITE_OPEN_READWRITE quietly falls back to read-only when the
	 * file is write-protected; better to say so now than at the first
	 * command. */
	if (sqlite3_db_readonly(db, "main") == 1)
		return store_errf(err, errsz, "opened read-only: check the "
		                  "permissions of the file and its directory");
	if (sqlite3_busy_timeout(db, 5000) != SQLITE_OK)
		return store_errf(err, errsz, "busy timeout: %s",
		                  sqlite3_errmsg(db));

	/* The pragma answers with the mode in force, which stays the old
	 * one where WAL is not possible. */
	rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &s, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (sqlite3_column_text(s, 0) != NULL)
			snprintf(mode, sizeof mode, "%s",
			         (const char *)sqlite3_column_text(s, 0));
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_OK) {
		store_errf(err, errsz, "journal_mode: %s", sqlite3_errmsg(db));
		sqlite3_finalize(s);
		return STORE_ERR;
	}
	sqlite3_finalize(s);
	/* ":memory:" has no WAL; its mode is "memory". */
	if (strcmp(mode, "wal") != 0 && strcmp(mode, "memory") != 0)
		return store_errf(err, errsz, "journal_mode: WAL is not "
		                  "available here (the mode is %s)", mode);

	if (store_exec_sql(db, "PRAGMA synchronous = NORMAL", "synchronous",
	                   err, errsz) != STORE_OK ||
	    store_exec_sql(db, "PRAGMA foreign_keys = ON", "foreign_keys",
	                   err, errsz) != STORE_OK)
		return STORE_ERR;
	return STORE_OK;
}

store_rc
store_open(const char *path, store **out, char *err, size_t errsz)
{
	char why[STORE_ERRMSG_MAX] = "";
	store *st;
	int rc;

	*out = NULL;
	if (path == NULL)
		return store_errf(err, errsz, "no database path");
	st = calloc(1, sizeof *st);
	if (st == NULL)
		return store_errf(err, errsz, "%s: out of memory", path);

	configure_library();
	rc = sqlite3_open_v2(path, &st->db,
	                     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		/* Without a handle (out of memory) only the code is left. */
		store_errf(why, sizeof why, "%s", st->db != NULL ?
		           sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	if ((rc = store_unocase_register(st->db)) != SQLITE_OK) {
		store_errf(why, sizeof why, "collation: %s",
		           sqlite3_errstr(rc));
		goto fail;
	}
	if (configure(st->db, why, sizeof why) != STORE_OK ||
	    store_schema_apply(st->db, &store_schema_current, why,
	                       sizeof why) != STORE_OK)
		goto fail;
	if ((rc = store_temp_setup(st->db)) != SQLITE_OK) {
		store_errf(why, sizeof why, "temporary tables: %s",
		           sqlite3_errmsg(st->db));
		goto fail;
	}
	*out = st;
	return STORE_OK;

fail:
	store_close(st);
	return store_errf(err, errsz, "%s: %s", path, why);
}

/*
 * The URI that opens path read-only, and immutable (see
 * store_open_readonly) when immutable is true: an sqlite3_str string the
 * caller frees with sqlite3_free, NULL when out of memory. Every byte of
 * path but letters, digits and "/-._~" is %-escaped, so the name is taken
 * as it is: a "?" or "#" in it starts no query, and "file:" at its start
 * means nothing special (Debian's SQLite is built with SQLITE_USE_URI,
 * which takes a plain name starting so for a URI). An absolute path gets
 * the empty authority, so that one starting with "//" is no host name.
 * https://www.sqlite.org/uri.html
 */
static char *
readonly_uri(const char *path, bool immutable)
{
	sqlite3_str *u = sqlite3_str_new(NULL);
	const unsigned char *p;

	sqlite3_str_appendall(u, path[0] == '/' ? "file://" : "file:");
	for (p = (const unsigned char *)path; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/-._~", *p) != NULL)
			sqlite3_str_appendchar(u, 1, (char)*p);
		else
			sqlite3_str_appendf(u, "%%%02X", (unsigned)*p);
	}
	sqlite3_str_appendall(u, immutable ? "?mode=ro&immutable=1" :
	                                     "?mode=ro");
	return sqlite3_str_finish(u);
}


/*
 * Opens uri read-only into st->db and checks it (readonly_check, which
 * sets *sqlrc). After a failure *wal_gone says whether the database has
 * no -wal file.
 */
static store_rc
readonly_try(store *st, const char *uri, int *sqlrc,
             bool *wal_gone, char *err, size_t errsz)
{
	const char *wal;
	int rc;

	configure_library();
	rc = sqlite3_open_v2(uri, &st->db,
	                     SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
	*sqlrc = rc;
	if (rc != SQLITE_OK)
		return store_errf(err, errsz, "%s", st->db != NULL ?
		                  sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
	sqlite3_extended_result_codes(st->db, 1);
	if ((rc = store_unocase_register(st->db)) != SQLITE_OK)
		return store_errf(err, errsz, "collation: %s",
		                  sqlite3_errstr(rc));
	/* A reader waits out a writer's WAL recovery or restart. */
	if (sqlite3_busy_timeout(st->db, 5000) != SQLITE_OK)
		return store_errf(err, errsz, "busy timeout: %s",
		                  sqlite3_errmsg(st->db));
	if (store_schema_check(st->db, STORE_SCHEMA_VERSION, sqlrc, err,
	                       errsz) == STORE_OK) {
		if ((rc = store_temp_setup(st->db)) != SQLITE_OK)
			return store_errf(err, errsz, "temporary tables: %s",
			                  sqlite3_errmsg(st->db));
		return STORE_OK;
	}
	wal = sqlite3_filename_wal(sqlite3_db_filename(st->db, "main"));
	*wal_gone = wal != NULL && access(wal, F_OK) != 0 && errno == ENOENT;
	return STORE_ERR;
}

/*
 * Read-only and WAL. A connection reads a WAL database through its -wal
 * file and the -shm wal-index:
 * - while the bot runs, both exist, and since SQLite 3.22 (Debian 12 has
 *   3.40) a read-only connection needs only to read them;
 * - when nobody has the database open, a clean close has removed both.
 *   SQLITE_OPEN_READONLY then creates them again where the directory is
 *   writable, and leaves them (no changes in them; the bot's next open
 *   uses them; SQLite running as root gives them the database's owner).
 *   Without write access to the directory the first read fails with
 *   SQLITE_READONLY_DIRECTORY, and SQLite's documented way out is the
 *   immutable URI parameter: no locks, no -shm, no -wal. It is taken only
 *   then, and only when no -wal file exists: no connection has the
 *   database open, every change is in the main file. Were the bot to
 *   start meanwhile, its changes would go to a new -wal and reach the
 *   main file only at a checkpoint (1000 pages, or its close), so a read
 *   of seconds is safe in practice.
 * https://www.sqlite.org/wal.html#readonly
 * https://www.sqlite.org/walformat.html (after "SQLITE_FCNTL_PERSIST_WAL")
 * https://www.sqlite.org/uri.html#uriimmutable
 *
 * Writes through the handle fail in SQLite (SQLITE_READONLY), so every
 * change returns STORE_ERR; store_begin says no by itself.
 */
store_rc
store_open_readonly(const char *path, store **out, char *err,
                    size_t errsz)
{
	char why[STORE_ERRMSG_MAX] = "";
	bool immutable, wal_gone = false;
	struct stat sb;
	store_rc ret;
	store *st;
	char *uri;
	int sqlrc;

	*out = NULL;
	if (path == NULL || path[0] == '\0')
		return store_errf(err, errsz, "no database path");
	/* SQLite's "unable to open database file" does not say why; and
	 * nothing is created here. */
	if (stat(path, &sb) != 0)
		return store_errf(err, errsz, "%s: %s", path, strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return store_errf(err, errsz, "%s: not a regular file", path);
	st = calloc(1, sizeof *st);
	if (st == NULL)
		return store_errf(err, errsz, "%s: out of memory", path);

	for (immutable = false;; immutable = true) {
		if ((uri = readonly_uri(path, immutable)) == NULL) {
			store_errf(why, sizeof why, "out of memory");
			break;
		}
		ret = readonly_try(st, uri, &sqlrc, &wal_gone, why, sizeof why);
		sqlite3_free(uri);
		if (ret == STORE_OK) {
			*out = st;
			return STORE_OK;
		}
		/* Again as immutable only when there is no -wal file and
		 * no right to make the -shm. */
		if (immutable || !wal_gone ||
		    ((sqlrc & 0xff) != SQLITE_READONLY &&
		     (sqlrc & 0xff) != SQLITE_CANTOPEN))
			break;
		sqlite3_close(st->db);
		st->db = NULL;
	}
	store_close(st);
	return store_errf(err, errsz, "%s: %s", path, why);
}

void
store_close(store *st)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < STORE_STMTS_MAX; i++)
		db_finalize(st->stmts[i].s); /* NULL in a free slot */
	/* Every statement is finalized, so this cannot be busy; a last
	 * checkpoint folds the WAL into the file. */
	sqlite3_close(st->db);
	pg_disconnect(st->pg);
	free(st->pg_conninfo);
	if (st->pg_password != NULL) {
		str_wipe(st->pg_password, strlen(st->pg_password));
		free(st->pg_password);
	}
	free(st);
}

int
store_schema_version(void)
{
	return STORE_SCHEMA_VERSION;
}

const char *
store_errmsg(const store *st)
{
	return st->errmsg;
}

store_rc
store_begin(store *st)
{
	STORE_SQL(q, "begin", "BEGIN IMMEDIATE");
	store_rc ret;

	st->step = 0; /* a plain transaction records no undo step */
	st->savepoints = 0;
	store_write_over(st);
	/* On a read-only handle SQLite's BEGIN IMMEDIATE quietly begins a
	 * read transaction; one for changes is better refused at once. */
	if (db_readonly(st))
		return store_failf(st, "%s: the database is open read-only",
		                   q.name);
	if ((ret = store_sql_run(st, &q)) != STORE_OK)
		return ret;
	st->begun_changes = db_total_changes(st);
	st->writing = true;
	return STORE_OK;
}

/*
 * Commits; a step of store_begin_change that recorded nothing (the
 * command changed no entry) is dropped first, so that undo never reverts
 * a step that did nothing.
 */
store_rc
store_commit(store *st)
{
	STORE_SQL(q, "commit", "COMMIT");
	STORE_SQL(drop_empty, "commit-change",
		"DELETE FROM undo_steps WHERE id = :step AND NOT EXISTS"
		" (SELECT 1 FROM undo_entries WHERE step_id = :step)");
	db_stmt *s;
	store_rc ret;
	int rc;

	if (!db_autocommit(st) &&
	    (ret = store_rollup_flush(st, false)) != STORE_OK)
		return ret; /* rollup.c: the rollup commits with the change */
	if (st->step != 0 && !db_autocommit(st)) {
		if ((s = store_sql_prepare(st, &drop_empty)) == NULL)
			return STORE_ERR;
		rc = store_bind_int64(s, ":step", st->step);
		if ((ret = store_sql_done(st, &drop_empty, s, rc)) != STORE_OK)
			return ret;
	}
	ret = store_sql_run(st, &q);
	if (ret == STORE_OK) {
		st->step = 0;
		st->savepoints = 0;
		store_write_over(st);
	}
	return ret;
}

void
store_rollback(store *st)
{
	STORE_SQL(q, "rollback", "ROLLBACK");
	char first[STORE_ERRMSG_MAX];
	db_stmt *s;
	int rc;

	if (st == NULL)
		return;
	st->step = 0;
	st->savepoints = 0;
	store_write_over(st);
	/* No transaction (none begun, or SQLite already rolled it back after
	 * an error): nothing to do. */
	if (db_autocommit(st))
		return;
	s = store_sql_prepare(st, &q);
	if (s == NULL)
		return;
	rc = db_step(s);
	if (rc != DB_DONE) {
		/* Keep the error that made the caller roll back, first; a
		 * cut message is still useful. */
		memcpy(first, st->errmsg, sizeof first);
		store_failf(st, "%s; rollback: %s", first,
		            db_errmsg(st));
	}
	store_reset(s);
}
