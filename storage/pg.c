/*
 * storage/pg.c - PostgreSQL's side of db.h: timmy's SQL, written for
 * SQLite, run through libpq on PostgreSQL 15 with the schema of
 * storage/schema-pg.sql.
 *
 * What the two engines spell or do differently is bridged here, once,
 * instead of in every query:
 * - parameters: ":name" becomes "$n" (the same n for every use of a
 *   name); each is sent with the type of its value (int8 or text; a NULL
 *   with the type its name says, null_type), and a statement is prepared
 *   on the server once per combination of types;
 * - "temp.x" (SQLite's schema of temporary tables) is "pg_temp.x", and
 *   SQLite's COLLATE BINARY, byte order, is PostgreSQL's "C"; SQLite's
 *   CROSS JOIN ... ON, an inner join whose order the planner keeps, is a
 *   JOIN (PostgreSQL allows no ON there, and plans the order itself);
 * - transactions: "BEGIN IMMEDIATE", SQLite's one writer at a time, is a
 *   transaction that first takes a transaction-level advisory lock, so
 *   that writers queue as they do on SQLite (a timmy CLI beside the
 *   bot); "BEGIN DEFERRED", the snapshot of a read, is REPEATABLE READ;
 * - a SAVEPOINT outside a transaction begins one, and the release of
 *   that outermost savepoint commits it, as in SQLite; a COMMIT or a
 *   ROLLBACK outside one fails, as in SQLite (PostgreSQL only warns);
 * - a failed statement inside a transaction spoils only itself, as in
 *   SQLite, not the whole transaction as in PostgreSQL: each statement
 *   that changes rows inside a transaction runs inside a savepoint of
 *   its own, released after it or rolled back to on failure, the three
 *   sent in one round trip (pg_guard.c);
 * - results come as text: integers are read with strtoll, booleans ("t",
 *   "f") as 1 and 0; a statement asked to (db_read_chunked) reads them
 *   through a cursor, PG_FETCH_ROWS at a time, instead of all at once;
 * - a refusal by a constraint or a trigger (SQLSTATE class 23) is
 *   DB_CONSTRAINT, as SQLite's is.
 * The scalar max(a, b) and min(a, b) of SQLite and the collation UNOCASE
 * are functions and a collation of the schema (schema-pg.sql). Rows
 * written in bulk (db_copy_begin) go through COPY, in pg_copy.c.
 *
 * This file holds the connection and the transactions; pg_sql.c the
 * translation of a statement's text, pg_stmt.c the statements,
 * pg_guard.c the savepoint around a write.
 *
 * Dependency rule: libpq (through pg_load.h) and libc only, and
 * store_int.h's handle (both through pg_int.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_int.h"

/* libpq's functions, once pg_connect loaded them. */
static const struct pq_api *pq;

const struct pq_api *
pg_api(void)
{
	return pq;
}

/* The key of the advisory lock that makes writers queue ("timm"). */
#define PG_WRITER_LOCK "1953066349"

void
pg_fail(struct pg_link *c, const char *what, const char *msg)
{
	size_t n;

	snprintf(c->errmsg, sizeof c->errmsg, "%s%s%s", what != NULL ? what : "",
	         what != NULL ? ": " : "", msg);
	n = strlen(c->errmsg);
	while (n > 0 && (c->errmsg[n - 1] == '\n' || c->errmsg[n - 1] == ' '))
		c->errmsg[--n] = '\0';
}

int
pg_run(struct pg_link *c, const char *sql)
{
	PGresult *r = pq->exec(c->c, sql);
	ExecStatusType t = pq->resultStatus(r);
	int ret = 0;

	if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK) {
		pg_fail(c, NULL, pq->resultErrorMessage(r));
		ret = -1;
	}
	pq->clear(r);
	return ret;
}

int
pg_connect(const char *conninfo, const char *password, bool readonly,
           struct pg_link **out, char *err, size_t errsz)
{
	/* dbname with expand_dbname: conninfo is read as a whole
	 * connection string, and the password given here is added to it. */
	const char *keys[] = { "dbname", password != NULL ? "password" : NULL,
		NULL };
	const char *values[] = { conninfo, password, NULL };
	struct pg_link *c;

	*out = NULL;
	if (pq == NULL && (pq = pg_load(err, errsz)) == NULL)
		return -1;
	if ((c = calloc(1, sizeof *c)) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	c->readonly = readonly;
	/* libpq's messages name the host and the database, never the
	 * password. */
	c->c = pq->connectdbParams(keys, values, 1);
	if (c->c == NULL || pq->status(c->c) != CONNECTION_OK) {
		pg_fail(c, NULL, c->c != NULL ? pq->errorMessage(c->c) :
		          "out of memory");
		snprintf(err, errsz, "%s", c->errmsg);
		pg_disconnect(c);
		return -1;
	}
	/* The queries' text is UTF-8, and so are names; times are integers,
	 * so no zone or date style matters. Notices (an IF NOT EXISTS that
	 * found its table) are not for the log. No JIT: the planner's cost
	 * of a report's CTEs passes jit_above_cost (100,000) though the
	 * query reads a few hundred rows in a millisecond, and compiling
	 * it took 860 ms (a year's report of a user with 100 entries,
	 * auto_explain). */
	if (pg_run(c, "SET client_encoding = 'UTF8';"
	                 " SET client_min_messages = warning;"
	                 " SET jit = off") != 0 ||
	    (readonly && pg_run(c, "SET default_transaction_read_only"
	                              " = on") != 0)) {
		snprintf(err, errsz, "%s", c->errmsg);
		pg_disconnect(c);
		return -1;
	}
	*out = c;
	return 0;
}

void
pg_disconnect(struct pg_link *c)
{
	if (c == NULL)
		return;
	pq->finish(c->c); /* NULL is fine */
	free(c);
}

int
pg_exec(struct pg_link *c, const char *sql, const char *what, char *err,
        size_t errsz)
{
	if (pg_run(c, sql) == 0)
		return 0;
	snprintf(err, errsz, "%s: %s", what, c->errmsg);
	return -1;
}

int
pg_query_bool(struct pg_link *c, const char *sql, const char *what,
              bool *out, char *err, size_t errsz)
{
	PGresult *r = pq->exec(c->c, sql);

	if (pq->resultStatus(r) != PGRES_TUPLES_OK || pq->ntuples(r) != 1) {
		snprintf(err, errsz, "%s: %s", what,
		         pq->resultStatus(r) == PGRES_TUPLES_OK ? "no answer" :
		         pq->status(c->c) != CONNECTION_OK ?
		         "the connection to the server is lost" :
		         pq->resultErrorMessage(r));
		pq->clear(r);
		return -1;
	}
	*out = strcmp(pq->getvalue(r, 0, 0), "t") == 0;
	pq->clear(r);
	return 0;
}

int
pg_schema_version(struct pg_link *c, char *err, size_t errsz)
{
	PGresult *r;
	int v = -1;

	r = pq->exec(c->c, "SELECT CASE WHEN to_regclass('timmy_meta') IS NULL"
	                 " THEN (SELECT count(*) FROM pg_tables"
	                 "  WHERE schemaname = current_schema()"
	                 "  AND tablename IN ('users', 'entries'))"
	                 " ELSE NULL END,"
	                 " to_regclass('timmy_meta') IS NOT NULL");
	if (pq->resultStatus(r) != PGRES_TUPLES_OK) {
		snprintf(err, errsz, "schema version: %s",
		         pq->resultErrorMessage(r));
		pq->clear(r);
		return -1;
	}
	if (strcmp(pq->getvalue(r, 0, 1), "t") != 0) {
		/* No version: empty (0), or tables of someone else's. */
		v = atoi(pq->getvalue(r, 0, 0)) == 0 ? 0 : -2;
		pq->clear(r);
		if (v == -2)
			snprintf(err, errsz, "the database has tables but no "
			         "timmy schema version: not a timmy database");
		return v == -2 ? -1 : 0;
	}
	pq->clear(r);
	r = pq->exec(c->c, "SELECT value FROM timmy_meta"
	                 " WHERE key = 'schema_version'");
	if (pq->resultStatus(r) != PGRES_TUPLES_OK || pq->ntuples(r) != 1) {
		snprintf(err, errsz, "schema version: %s",
		         pq->resultStatus(r) == PGRES_TUPLES_OK ?
		         "timmy_meta has no schema_version" :
		         pq->resultErrorMessage(r));
		pq->clear(r);
		return -1;
	}
	v = atoi(pq->getvalue(r, 0, 0));
	pq->clear(r);
	return v;
}

int
pg_result_fail(struct pg_link *c, const char *name, const PGresult *r)
{
	const char *state = r != NULL ? pq->resultErrorField(r, PG_DIAG_SQLSTATE) :
	                                NULL;

	pg_fail(c, NULL, r != NULL ? pq->resultErrorMessage(r) :
	          pq->errorMessage(c->c));
	(void)name;
	if (state != NULL && strncmp(state, "23", 2) == 0)
		return DB_CONSTRAINT;
	return DB_ERROR;
}

int
pg_control(struct pg_stmt *s)
{
	struct pg_link *c = s->conn;
	bool in_tx = pq->transactionStatus(c->c) != PQTRANS_IDLE;
	char sql[160];
	int rc = 0;

	switch (s->kind) {
	case K_BEGIN_WRITE:
		if (c->readonly) {
			pg_fail(c, NULL, "the database is open read-only");
			return DB_ERROR;
		}
		rc = pg_run(c, "BEGIN; SELECT pg_advisory_xact_lock("
		                  PG_WRITER_LOCK ")");
		c->sp_tx = false;
		c->sp_depth = 0;
		break;
	case K_BEGIN_READ:
		rc = pg_run(c, "BEGIN ISOLATION LEVEL REPEATABLE READ");
		c->sp_tx = false;
		c->sp_depth = 0;
		break;
	case K_COMMIT:
	case K_ROLLBACK:
		/* PostgreSQL only warns; SQLite's is an error. */
		if (!in_tx) {
			pg_fail(c, NULL, s->kind == K_COMMIT ?
			          "cannot commit - no transaction is active" :
			          "cannot rollback - no transaction is active");
			return DB_ERROR;
		}
		rc = pg_run(c, s->kind == K_COMMIT ? "COMMIT" : "ROLLBACK");
		c->sp_tx = false;
		c->sp_depth = 0;
		break;
	case K_SAVEPOINT:
		if (!in_tx) {
			snprintf(sql, sizeof sql, "BEGIN; %s%s", c->readonly ?
			         "" : "SELECT pg_advisory_xact_lock("
			         PG_WRITER_LOCK "); ", s->sql);
			rc = pg_run(c, sql);
			c->sp_tx = rc == 0;
			c->sp_depth = rc == 0 ? 1 : 0;
		} else if ((rc = pg_run(c, s->sql)) == 0) {
			c->sp_depth++;
		}
		break;
	case K_RELEASE:
		if ((rc = pg_run(c, s->sql)) == 0 && c->sp_depth > 0 &&
		    --c->sp_depth == 0 && c->sp_tx) {
			c->sp_tx = false;
			rc = pg_run(c, "COMMIT");
		}
		break;
	case K_ROLLBACK_TO:
		rc = pg_run(c, s->sql);
		break;
	default:
		break;
	}
	if (rc != 0)
		return DB_ERROR;
	s->ran = true;
	s->nrows = 0;
	c->changes = 0;
	return DB_DONE;
}

int
pg_autocommit(struct pg_link *c)
{
	return pq->transactionStatus(c->c) == PQTRANS_IDLE;
}

int64_t
pg_changes(struct pg_link *c)
{
	return c->changes;
}

int64_t
pg_total_changes(struct pg_link *c)
{
	return c->total;
}

bool
pg_readonly(struct pg_link *c)
{
	return c->readonly;
}

const char *
pg_errmsg(struct pg_link *c)
{
	return c->errmsg;
}
