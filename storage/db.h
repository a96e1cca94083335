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

/*
 * Has the statement read its rows a chunk at a time for its next run
 * rather than all at once, so that a table of any size is read in
 * bounded memory: on PostgreSQL, inside a transaction, through a cursor
 * (FETCH of 10,000 rows at a time; outside one, as usual). SQLite
 * reads a row at a time anyway. Call it before the first step; a reset
 * forgets it.
 */
void db_read_chunked(db_stmt *s);

/* ---- Writing many rows into one table (store_copy) ---- */

/* A value of a row to write: kind DB_KIND_NULL, DB_KIND_INTEGER (i) or
 * DB_KIND_TEXT (len bytes at text, borrowed for the call). */
struct db_value {
	int kind;
	int64_t i;
	const char *text;
	size_t len;
};

/*
 * Rows going into one table of a handle, the fastest way its engine
 * has: PostgreSQL's COPY ... FROM STDIN, which streams them with no
 * round trip per row; on SQLite a prepared INSERT, as fast there. Owned
 * by its caller until db_copy_end.
 */
typedef struct db_copy db_copy;

/*
 * Appends ("c1", "c2", ...) to sql: the n names of cols, each quoted as
 * an identifier, its quotes doubled (both engines' way). A name that
 * does not fit leaves sql->truncated set.
 */
struct text;
void db_column_list(struct text *sql, const char *const *cols, int n);

/*
 * Starts writing rows of n values into table of st (an identifier of
 * our own), each to the columns named in cols, in that order. Run it
 * inside a transaction. NULL on failure, with st's message saying why.
 */
db_copy *db_copy_begin(struct store *st, const char *table,
                       const char *const *cols, int n);

/*
 * Writes the row v[0..n-1] (n as given to db_copy_begin). DB_OK, or a
 * failure (DB_CONSTRAINT when a constraint or a trigger said no) whose
 * message is db_errmsg's; after a failure only db_copy_end remains.
 * PostgreSQL checks rows as they arrive but may tell of a refusal only
 * at db_copy_end: a DB_OK here is not yet the row's acceptance.
 */
int db_copy_row(db_copy *c, const struct db_value *v, int n);

/*
 * Ends the rows of c and frees it. keep false abandons them (the
 * caller is failing: on PostgreSQL the rows sent go; on SQLite those
 * written stay until the caller's rollback). DB_OK when every row went
 * in, else the failure, db_copy_row's again if it had one, with
 * db_errmsg's message and, in *refused, the number of the row refused
 * (1 for the first written) when the engine says which, else 0.
 */
int db_copy_end(db_copy *c, bool keep, int64_t *refused);

#endif
