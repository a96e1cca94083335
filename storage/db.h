/*
 * storage/db.h - one statement interface over the two database engines
 * timmy stores in: SQLite (the embedded default) and PostgreSQL (pg.c,
 * through libpq). The queries of storage/ prepare, bind, step and read
 * through these calls, so that the same SQL text, with its named
 * parameters (:name), runs on either; what only one engine has (opening,
 * the schema, WAL and read-only files, query plans) stays in that
 * engine's own code.
 *
 * The result codes are SQLite's numbers, so that SQLite's pass through
 * unchanged; PostgreSQL's are mapped onto them (pg.c): a refusal by a
 * constraint or a trigger is DB_CONSTRAINT on both.
 *
 * Dependency rule: included by the .c files of storage/ (through
 * store_int.h) only.
 */
#ifndef TIMMY_DB_H
#define TIMMY_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	DB_OK = 0,
	DB_ERROR = 1,
	DB_NOMEM = 7,
	DB_CONSTRAINT = 19,
	DB_MISUSE = 21,
	DB_RANGE = 25,
	DB_ROW = 100,
	DB_DONE = 101
};

/* A prepared statement of either engine; owned by whoever prepared it
 * (the handle's cache, or a cursor), freed with db_finalize. */
typedef struct db_stmt db_stmt;

struct store;

/*
 * Prepares sql on st's connection; NULL on failure with "name: the
 * engine's message" in st's error. persistent: kept for the handle's
 * life (SQLite's SQLITE_PREPARE_PERSISTENT).
 */
db_stmt *db_prepare(struct store *st, const char *name, const char *sql,
                    bool persistent);
void db_finalize(db_stmt *s);

/*
 * Has the engine compile s as it stands, every parameter NULL: SQLite
 * did when preparing; PostgreSQL does at the first step (pg.c), so this
 * asks it now. DB_OK, or a failure whose message is db_errmsg's. Outside
 * a transaction: on PostgreSQL a failure spoils an open one.
 */
int db_check(db_stmt *s);

/* The statement's SQL text as prepared (our own text, not a value). */
const char *db_sql(db_stmt *s);

/*
 * Binds text (len bytes, which need no NUL; borrowed until the statement
 * is reset), an integer or NULL to the parameter called name (":uid").
 * DB_RANGE when the statement has no such parameter.
 */
int db_bind_text(db_stmt *s, const char *name, const char *v, size_t len);
int db_bind_int64(db_stmt *s, const char *name, int64_t v);
int db_bind_null(db_stmt *s, const char *name);
bool db_has_param(db_stmt *s, const char *name);

/*
 * Runs the statement to its next row: DB_ROW with one ready to read,
 * DB_DONE at the end, else a failure (DB_CONSTRAINT when a constraint or
 * a trigger said no), whose message is db_errmsg's.
 */
int db_step(db_stmt *s);

/* The next step of an INSERT yields the new row's id as its one row
 * (PostgreSQL; SQLite has sqlite3_last_insert_rowid instead). */
void db_want_id(db_stmt *s);

/* Forgets the rows and the bindings: it holds no lock and no pointer. */
void db_reset(db_stmt *s);

/*
 * The current row's column col: as an integer (NULL reads as 0), as text
 * (NULL for an SQL NULL; valid until the next step or reset) and its
 * length in bytes, or whether it is NULL.
 */
int64_t db_int64(db_stmt *s, int col);
int db_int(db_stmt *s, int col);
const unsigned char *db_text(db_stmt *s, int col);
int db_bytes(db_stmt *s, int col);
bool db_is_null(db_stmt *s, int col);

/* ---- The connection of a handle ---- */

/* Nonzero when no transaction is open (SQLite's autocommit). */
int db_autocommit(struct store *st);

/* Rows the last statement changed; the total since the connection opened. */
int64_t db_changes(struct store *st);
int64_t db_total_changes(struct store *st);

/* The connection only reads (a read-only handle). */
bool db_readonly(struct store *st);

/* The engine's message about the last failure. */
const char *db_errmsg(struct store *st);

/* The last failure was running out of memory. */
bool db_nomem(struct store *st);

/* ---- Rows whose columns are known only when read (store_copy) ---- */

/* What a value of a row is: the kinds of timmy's columns. */
enum db_kind {
	DB_KIND_NULL,
	DB_KIND_INTEGER, /* SQLite's INTEGER; PostgreSQL's integers and
	                    booleans (1 and 0), and numeric sums */
	DB_KIND_TEXT,
	DB_KIND_OTHER    /* a real, a blob...: nothing of timmy's schema */
};

/*
 * The number of columns of the statement's rows, and the name of column
 * col (borrowed, valid until the statement is reset or finalized; NULL
 * when there is no such column). On PostgreSQL both are known once the
 * statement has run (after its first step).
 */
int db_columns(db_stmt *s);
const char *db_column_name(db_stmt *s, int col);

/* The kind of column col's value in the current row (enum db_kind). */
int db_column_kind(db_stmt *s, int col);

/*
 * Binds NULL to the parameter called name, of whatever type its place in
 * the statement gives it: on PostgreSQL the server infers it (an INSERT's
 * column), where db_bind_null types it by the parameter's name, which a
 * statement built from a table's column names cannot rely on. The same
 * as db_bind_null on SQLite.
 */
int db_bind_null_any(db_stmt *s, const char *name);

#endif
