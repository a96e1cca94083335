/*
 * storage/pg_int.h - what the files of PostgreSQL's side share: the
 * connection (pg.c), a statement (pg_stmt.c) and the translation of its
 * text (pg_sql.c), libpq's functions, and the helpers that run plain SQL
 * and record a failure.
 *
 * Dependency rule: included only by pg.c, pg_sql.c, pg_stmt.c,
 * pg_guard.c and pg_copy.c.
 */
#ifndef TIMMY_PG_INT_H
#define TIMMY_PG_INT_H

#include "pg_load.h"
#include "store_int.h"

struct pg_link {
	PGconn *c;
	bool readonly;
	/* The open transaction was begun by a SAVEPOINT (SQLite's way),
	 * with depth savepoints of the caller's open in it. */
	bool sp_tx;
	int sp_depth;
	int64_t changes, total;
	/* Names server-side statements and cursors: s1, c2, ... */
	unsigned next_name;
	char errmsg[STORE_ERRMSG_MAX];
};

/* Type OIDs of PostgreSQL's catalog (pg_type.dat), stable across
 * versions. */
#define PG_INT8 20
#define PG_TEXT 25

#define PG_PARAMS_MAX 32
#define PG_VARIANTS 4

/* The rows a cursor fetches at a time (db_read_chunked): a table of
 * millions is read in a few megabytes, and the round trips are a
 * small part of the time. */
#define PG_FETCH_ROWS 10000

/* Dead rows a temporary table emptied whole may hold (pg_sql.c): a
 * lookup by its key meets a few dead versions at most. */
#define PG_TEMP_DEAD_MAX 4096

/* What kind of statement a text is: transaction control runs as it is
 * (translated), reads and writes through prepared statements. */
enum pg_kind { K_READ, K_WRITE, K_BEGIN_WRITE, K_BEGIN_READ, K_COMMIT,
	K_ROLLBACK, K_SAVEPOINT, K_RELEASE, K_ROLLBACK_TO };

struct pg_stmt {
	struct pg_link *conn;
	const char *name; /* the statement's, for messages */
	enum pg_kind kind;
	char *sql;        /* translated: $n, pg_temp */
	char *sql_id;     /* sql with " RETURNING id", made when first asked */
	int nparams;
	char *params[PG_PARAMS_MAX];  /* the names, ":uid", by $n - 1 */
	/* The values bound: text (owned copies), or NULL; their types. */
	char *values[PG_PARAMS_MAX];
	unsigned types[PG_PARAMS_MAX];
	/* The server-side statements made so far: one per combination of
	 * parameter types (and whether RETURNING id was asked for). */
	struct {
		char sig[PG_PARAMS_MAX + 2];
		char name[16];
	} variants[PG_VARIANTS];
	int nvariants;
	bool want_id;
	/* Read through a cursor (db_read_chunked), and its name while it
	 * is open; res then holds its last FETCH. */
	bool chunked;
	char cursor[16];
	PGresult *res;
	int row, nrows;   /* the row read, -1 before the first */
	bool ran;
	/* A DELETE of a whole temporary table: the TRUNCATE that takes its
	 * place once dead rows (deleted since the last one) pass
	 * PG_TEMP_DEAD_MAX (pg_sql.c says why); "" for other statements. */
	char truncate[64];
	int64_t dead;
};

/* libpq's functions; loaded once a connection was made (pg_connect). */
const struct pq_api *pg_api(void);

/* Records "what: msg" (msg alone when what is NULL) as c's message,
 * without the newlines libpq ends it with. */
void pg_fail(struct pg_link *c, const char *what, const char *msg);

/* Runs sql without parameters; 0, or -1 with the message in c->errmsg. */
int pg_run(struct pg_link *c, const char *sql);

/* The failure of result r (NULL: the connection's) as db.h's code,
 * DB_CONSTRAINT for a refusal by a constraint or a trigger (SQLSTATE
 * class 23); its message in c->errmsg. name is unused. */
int pg_result_fail(struct pg_link *c, const char *name, const PGresult *r);

/* pg_sql.c: the kind of statement sql is; s->sql and s->params from
 * sql (0, or -1 when out of memory or past PG_PARAMS_MAX parameters);
 * the type of a NULL bound to the parameter called name. */
enum pg_kind pg_kind_of(const char *sql);
int pg_translate(struct pg_stmt *s, const char *sql);
unsigned pg_null_type(const char *name);

/* pg.c: runs s, a transaction statement, as SQLite means it; DB_DONE,
 * or DB_ERROR with the message in s->conn->errmsg. */
int pg_control(struct pg_stmt *s);

/*
 * pg_guard.c: the savepoint around one write inside a transaction.
 * pg_guard_begin takes it (0, or -1 with the message in c->errmsg);
 * pg_guard_end releases it when ok, else rolls back to it and releases
 * it, keeping c->errmsg. pg_exec_guarded runs the prepared statement
 * stmt with n values inside one, all in one round trip: DB_OK with its
 * result in *out (the caller clears it), or a failure (pg_result_fail's
 * code) with the write undone and the transaction still usable.
 */
int pg_guard_begin(struct pg_link *c);
int pg_guard_end(struct pg_link *c, bool ok);
int pg_exec_guarded(struct pg_link *c, const char *stmt, int n,
                    const char *const *values, PGresult **out);

#endif
