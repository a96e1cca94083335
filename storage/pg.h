/*
 * storage/pg.h - PostgreSQL's side of db.h (pg.c): a connection through
 * libpq, and statements that take timmy's SQL text as SQLite does.
 *
 * Dependency rule: included only by store_int.h.
 */
#ifndef TIMMY_PG_H
#define TIMMY_PG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct store_sql;
struct pg_link;
struct pg_stmt;

/*
 * Connects to conninfo (a postgresql:// URL or libpq's key=value words)
 * with password (NULL: none of ours) into *out; read-only refuses every
 * change. The password is never part of a message. 0, or -1 with the
 * reason in err.
 */
int pg_connect(const char *conninfo, const char *password, bool readonly,
               struct pg_link **out, char *err, size_t errsz);
void pg_disconnect(struct pg_link *c);

/*
 * Runs sql, statements without parameters or results (the schema), on
 * c; 0, or -1 with "what: PostgreSQL's message" in err.
 */
int pg_exec(struct pg_link *c, const char *sql, const char *what, char *err,
            size_t errsz);

/*
 * The first column of the one row of sql, a boolean, into *out; 0, or -1
 * with "what: PostgreSQL's message" in err (also when the connection is
 * gone).
 */
int pg_query_bool(struct pg_link *c, const char *sql, const char *what,
                  bool *out, char *err, size_t errsz);

/* The schema version recorded in the database, 0 when it has no timmy
 * tables; -1 on failure with the reason in err. */
int pg_schema_version(struct pg_link *c, char *err, size_t errsz);

/* db.h's calls, for a handle or statement of PostgreSQL. */
struct pg_stmt *pg_prepare(struct store *st, const char *name,
                           const char *sql);
void pg_finalize(struct pg_stmt *s);
const char *pg_sql(struct pg_stmt *s);
int pg_bind(struct pg_stmt *s, const char *name, const char *v, size_t len);
int pg_bind_int64(struct pg_stmt *s, const char *name, int64_t v);
bool pg_has_param(struct pg_stmt *s, const char *name);
int pg_step(struct pg_stmt *s);
void pg_reset(struct pg_stmt *s);
int64_t pg_integer(struct pg_stmt *s, int col);
const char *pg_text(struct pg_stmt *s, int col);
int pg_bytes(struct pg_stmt *s, int col);
bool pg_is_null(struct pg_stmt *s, int col);
int pg_autocommit(struct pg_link *c);
int64_t pg_changes(struct pg_link *c);
int64_t pg_total_changes(struct pg_link *c);
bool pg_readonly(struct pg_link *c);
const char *pg_errmsg(struct pg_link *c);

/*
 * Prepares s on the server as its first step would with every parameter
 * NULL (typed by its name), so that a statement's faults show without
 * running it; control statements (BEGIN, SAVEPOINT...) need nothing. 0,
 * or -1 with PostgreSQL's message in the connection's error.
 */
int pg_check(struct pg_stmt *s);

/* The next step of s yields the id of the row it inserts (store_sql_insert):
 * "RETURNING id", which PostgreSQL answers without a cost of note. */
void pg_want_id(struct pg_stmt *s);

/* db.h's calls for rows whose columns are known only when read. */
int pg_columns(struct pg_stmt *s);
const char *pg_column_name(struct pg_stmt *s, int col);
int pg_column_kind(struct pg_stmt *s, int col);
int pg_bind_null_any(struct pg_stmt *s, const char *name);
void pg_read_chunked(struct pg_stmt *s);

/* db.h's db_copy_begin, _row and _end on PostgreSQL: COPY ... FROM
 * STDIN. */
struct db_value;
struct pg_copy;
struct pg_copy *pg_copy_begin(struct store *st, const char *table,
                              const char *const *cols, int n);
int pg_copy_row(struct pg_copy *cp, const struct db_value *v, int n);
int pg_copy_end(struct pg_copy *cp, bool keep, int64_t *refused);

#endif
