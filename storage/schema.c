/*
 * storage/schema.c - the schema of a database: bringing it to this
 * binary's version (schema.sql on an empty file, the migrations of
 * migrations.c on an older one), checking that a file opened read-only is
 * a timmy database of this version, and the checks: the whole one
 * (store_check) and the quick one before a start (store_check_quick).
 *
 * Dependency rule: SQLite and libc only.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "store_int.h"

store_rc
store_exec_sql(sqlite3 *db, const char *sql, const char *what, char *err,
               size_t errsz)
{
	char *msg = NULL;
	store_rc rc = STORE_OK;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		rc = store_errf(err, errsz, "%s: %s", what,
		                msg != NULL ? msg : sqlite3_errmsg(db));
	}
	sqlite3_free(msg);
	return rc;
}

/* The integer in the first column of the first row of sql. */
static store_rc
query_int(sqlite3 *db, const char *sql, int *out, char *err,
          size_t errsz)
{
	sqlite3_stmt *s = NULL;
	int rc;

	rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW) {
			*out = sqlite3_column_int(s, 0);
			rc = SQLITE_OK;
		}
	}
	if (rc != SQLITE_OK)
		store_errf(err, errsz, "%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_finalize(s);
	return rc == SQLITE_OK ? STORE_OK : STORE_ERR;
}

/*
 * One step towards sc->version, inside the caller's write transaction: the
 * whole schema on an empty database, else the next migration. The version
 * is read again here because another process may have moved it between
 * the caller's look and the lock.
 */
static store_rc
schema_step(sqlite3 *db, const struct store_schema *sc,
            char *err, size_t errsz)
{
	const char *step;
	char bump[64];
	char what[64];
	int v, n;

	if (query_int(db, "PRAGMA user_version", &v, err, errsz) != STORE_OK)
		return STORE_ERR;
	if (v >= sc->version)
		return STORE_OK; /* done meanwhile; the caller looks again */
	if (v < 0)
		return store_errf(err, errsz, "invalid database schema "
		                  "version %d", v);

	if (v == 0) {
		if (query_int(db, "SELECT count(*) FROM sqlite_schema", &n,
		              err, errsz) != STORE_OK)
			return STORE_ERR;
		if (n > 0)
			return store_errf(err, errsz, "the database has "
			                  "tables but no schema version: not a "
			                  "timmy database");
		if (store_exec_sql(db, sc->sql, "schema", err, errsz) !=
		    STORE_OK)
			return STORE_ERR;
		if (query_int(db, "PRAGMA user_version", &v, err, errsz) !=
		    STORE_OK)
			return STORE_ERR;
		if (v != sc->version)
			return store_errf(err, errsz, "the schema sets "
			                  "user_version %d, not %d", v,
			                  sc->version);
		return STORE_OK;
	}

	step = sc->migrations != NULL ? sc->migrations[v - 1] : NULL;
	if (step == NULL)
		return store_errf(err, errsz, "no migration from schema "
		                  "version %d to %d", v, v + 1);
	snprintf(what, sizeof what, "migration from schema version %d", v);
	if (store_exec_sql(db, step, what, err, errsz) != STORE_OK)
		return STORE_ERR;
	/* PRAGMA takes no bound parameters; the value is our own integer. */
	snprintf(bump, sizeof bump, "PRAGMA user_version = %d", v + 1);
	return store_exec_sql(db, bump, what, err, errsz);
}

store_rc
store_schema_apply(sqlite3 *db, const struct store_schema *sc,
                   char *err, size_t errsz)
{
	int v;

	for (;;) {
		if (query_int(db, "PRAGMA user_version", &v, err, errsz) !=
		    STORE_OK)
			return STORE_ERR;
		if (v == sc->version)
			return STORE_OK;
		if (v > sc->version)
			return store_errf(err, errsz, "database schema "
			                  "version %d is newer than this timmy "
			                  "(%d)", v, sc->version);
		if (store_exec_sql(db, "BEGIN IMMEDIATE", "schema: begin", err,
		             errsz) != STORE_OK)
			return STORE_ERR;
		if (schema_step(db, sc, err, errsz) != STORE_OK ||
		    store_exec_sql(db, "COMMIT", "schema: commit", err,
		                   errsz) != STORE_OK) {
			/* The first error is the one to report. */
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return STORE_ERR;
		}
	}
}

/*
 * Refuses db unless it is a timmy database of schema version version,
 * reading only (store_open_readonly). On failure *sqlrc is SQLite's
 * extended result code (SQLITE_OK when SQLite did not fail but the file
 * is wrong).
 */
store_rc
store_schema_check(sqlite3 *db, int version, int *sqlrc, char *err,
                   size_t errsz)
{
	int v, n;

	*sqlrc = SQLITE_OK;
	if (query_int(db, "PRAGMA user_version", &v, err, errsz) != STORE_OK) {
		*sqlrc = sqlite3_extended_errcode(db);
		return STORE_ERR;
	}
	if (v > version)
		return store_errf(err, errsz, "database schema version %d "
		                  "is newer than this timmy (%d)", v, version);
	if (v > 0 && v < version)
		return store_errf(err, errsz, "database schema version %d "
		                  "is older than this timmy (%d): the bot brings "
		                  "it up to date when it starts", v, version);
	if (query_int(db, "SELECT count(*) FROM sqlite_schema"
	              " WHERE type = 'table'"
	              " AND name IN ('users', 'entries', 'entry_tags')",
	              &n, err, errsz) != STORE_OK) {
		*sqlrc = sqlite3_extended_errcode(db);
		return STORE_ERR;
	}
	if (v == 0 || n != 3)
		return store_errf(err, errsz, "not a timmy database");
	return STORE_OK;
}

/*
 * PRAGMA integrity_check (which says "ok" when the file is sound) and, as
 * it does not look at references, PRAGMA foreign_key_check (no rows when
 * they hold). STORE_ERR with the first problem in errmsg otherwise.
 */
store_rc
store_check(store *st)
{
	STORE_SQL_SQLITE(integrity, "integrity-check",
		"PRAGMA integrity_check");
	STORE_SQL_SQLITE(foreign_keys, "foreign-key-check",
		"PRAGMA foreign_key_check");
	const unsigned char *text;
	db_stmt *s;
	bool sound = true;
	int rc;

	/* PostgreSQL keeps its pages and references sound by itself. */
	if (st->pg != NULL)
		return store_rollup_check(st);
	if ((s = store_sql_prepare(st, &integrity)) == NULL)
		return STORE_ERR;
	rc = db_step(s);
	if (rc == DB_ROW) {
		text = db_text(s, 0);
		if (text == NULL || strcmp((const char *)text, "ok") != 0) {
			store_failf(st, "integrity-check: %s", text != NULL ?
			            (const char *)text : "(no text)");
			sound = false;
		}
	}
	if (store_sql_done(st, &integrity, s, rc) != STORE_OK)
		return STORE_ERR;
	if (!sound)
		return STORE_ERR;

	if ((s = store_sql_prepare(st, &foreign_keys)) == NULL)
		return STORE_ERR;
	rc = db_step(s);
	if (rc == DB_ROW) {
		/* Columns: table, rowid (NULL without one), parent, fk id. */
		const unsigned char *parent = db_text(s, 2);

		text = db_text(s, 0);
		store_failf(st, "foreign-key-check: a row of %s refers to a "
		            "missing row of %s",
		            text != NULL ? (const char *)text : "?",
		            parent != NULL ? (const char *)parent : "?");
		sound = false;
	}
	if (store_sql_done(st, &foreign_keys, s, rc) != STORE_OK)
		return STORE_ERR;
	return sound ? store_rollup_check(st) : STORE_ERR;
}

store_rc
store_check_quick(store *st)
{
	/* max(id) of a rowid table (SQLite) or of a primary key (PostgreSQL)
	 * reads one path of the tree, not the table. */
	STORE_SQL(newest, "check-quick-newest",
		"SELECT (SELECT max(id) FROM users),"
		" (SELECT max(id) FROM entries)");
	db_stmt *s;
	int64_t n;

	if ((s = store_sql_prepare(st, &newest)) == NULL ||
	    store_sql_number(st, &newest, s, DB_OK, &n) != STORE_OK)
		return STORE_ERR;
	return store_rollup_build_pending(st);
}
