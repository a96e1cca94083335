/*
 * storage/store_int.h - what the files of storage/ share, and its tests.
 *
 * Dependency rule: included only by the .c files of storage/ and by
 * tests/unit/test_store.c; everyone else sees store.h.
 */
#ifndef TIMMY_STORE_INT_H
#define TIMMY_STORE_INT_H

#include <sqlite3.h>

#include "store.h"

/*
 * The prepared statements, one per query. store.c holds each one's name and
 * SQL; a statement is prepared on first use, kept until store_close and
 * reset after every use.
 */
enum store_stmt {
	STMT_BEGIN,
	STMT_COMMIT,
	STMT_ROLLBACK,
	STMT_SAVEPOINT,
	STMT_RELEASE,
	STMT_ROLLBACK_TO,
	STMT_USER_ADD,
	STMT_USER_FIND,
	STMT_ENTRY_ADD,
	STMT_TAG_ADD,
	STMT_RUNNING,
	STMT_TAGS,
	STMT_STOP,
	STMT_TOTALS,
	STMT_TOTAL,
	STMT_ENTRY_COUNT,
	STMT_INTEGRITY_CHECK,
	STMT_FOREIGN_KEY_CHECK,
	STMT_NUM /* the number of statements */
};

#define STORE_ERRMSG_MAX 512

struct store {
	sqlite3 *db;
	sqlite3_stmt *stmts[STMT_NUM];
	char errmsg[STORE_ERRMSG_MAX];
};

/*
 * The cached statement id, prepared if it is not yet; NULL on failure, with
 * the reason in st->errmsg. Borrowed: reset it after use (store_reset).
 */
sqlite3_stmt *store_stmt(store *st, enum store_stmt id);

/* The name of statement id, as error messages show it. */
const char *store_stmt_name(enum store_stmt id);

/* Resets s and clears its bindings, so it holds no lock and no pointer. */
void store_reset(sqlite3_stmt *s);

/*
 * Records "name: SQLite's message" for a failure rc of statement id and
 * resets that statement. Returns STORE_CONFLICT when a constraint said no
 * (UNIQUE, CHECK, a trigger's RAISE), else STORE_ERR.
 */
store_rc store_fail(store *st, enum store_stmt id, int rc);

/*
 * Steps statement id, which returns no rows, to its end and resets it.
 * STORE_OK, or what store_fail says.
 */
store_rc store_exec(store *st, enum store_stmt id);

/* Records a message of our own; returns STORE_ERR. */
store_rc store_failf(store *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Binds text v (at most lim bytes of it are read, so a missing NUL cannot
 * run past a buffer of lim bytes), an integer, or NULL to the parameter
 * named name of s. Return SQLite's result code.
 */
int store_bind_text(sqlite3_stmt *s, const char *name, const char *v,
                    size_t lim);
int store_bind_int64(sqlite3_stmt *s, const char *name, int64_t v);
int store_bind_null(sqlite3_stmt *s, const char *name);

/*
 * A schema and the steps that bring older databases to it:
 * migrations[k - 1] is the SQL that turns version k into k + 1, for k from 1
 * to version - 1 (the array may end with a NULL sentinel).
 */
struct store_schema {
	int version;
	const char *sql; /* the whole schema; sets PRAGMA user_version */
	const char *const *migrations;
};

/*
 * Brings db to sc->version: an empty database gets sc->sql, an older one
 * the migrations in order, each step in its own BEGIN IMMEDIATE transaction
 * that also sets user_version. A newer database, or one with tables but no
 * version, is refused. Returns STORE_OK, or STORE_ERR with the reason in
 * err. store_open uses it with the embedded schema.sql; tests with their
 * own schemas.
 */
store_rc store_schema_apply(sqlite3 *db, const struct store_schema *sc,
                            char *err, size_t errsz);

/* Prepares every statement (tests: all SQL compiles against the schema). */
store_rc store_prepare_all(store *st);

#endif
