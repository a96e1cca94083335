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
 *   its own, released after it or rolled back to on failure;
 * - results come as text: integers are read with strtoll, booleans ("t",
 *   "f") as 1 and 0; a statement asked to (db_read_chunked) reads them
 *   through a cursor, PG_FETCH_ROWS at a time, instead of all at once;
 * - a refusal by a constraint or a trigger (SQLSTATE class 23) is
 *   DB_CONSTRAINT, as SQLite's is.
 * The scalar max(a, b) and min(a, b) of SQLite and the collation UNOCASE
 * are functions and a collation of the schema (schema-pg.sql). Rows
 * written in bulk (db_copy_begin) go through COPY, in pg_copy.c.
 *
 * Dependency rule: libpq (through pg_load.h) and libc only, and
 * store_int.h's handle (both through pg_int.h).
 */
#include <ctype.h>
#include <inttypes.h>
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

/* Type OIDs of PostgreSQL's catalog (pg_type.dat), stable across
 * versions. */
#define PG_INT8 20
#define PG_TEXT 25

/* The key of the advisory lock that makes writers queue ("timm"). */
#define PG_WRITER_LOCK "1953066349"

#define PG_PARAMS_MAX 32
#define PG_VARIANTS 4

/* The rows a cursor fetches at a time (db_read_chunked): a table of
 * millions is read in a few megabytes, and the round trips are a
 * small part of the time. */
#define PG_FETCH_ROWS 10000

static void close_cursor(struct pg_stmt *s);

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
};

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
	 * found its table) are not for the log. */
	if (pg_run(c, "SET client_encoding = 'UTF8';"
	                 " SET client_min_messages = warning") != 0 ||
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

/* Whether text t starts with the keyword k, case aside. */
static bool
starts(const char *t, const char *k)
{
	while (isspace((unsigned char)*t))
		t++;
	return strncasecmp(t, k, strlen(k)) == 0 &&
	       !isalnum((unsigned char)t[strlen(k)]);
}

static enum pg_kind
kind_of(const char *sql)
{
	if (starts(sql, "BEGIN IMMEDIATE"))
		return K_BEGIN_WRITE;
	if (starts(sql, "BEGIN"))
		return K_BEGIN_READ;
	if (starts(sql, "COMMIT") || starts(sql, "END"))
		return K_COMMIT;
	if (starts(sql, "ROLLBACK TO"))
		return K_ROLLBACK_TO;
	if (starts(sql, "ROLLBACK"))
		return K_ROLLBACK;
	if (starts(sql, "SAVEPOINT"))
		return K_SAVEPOINT;
	if (starts(sql, "RELEASE"))
		return K_RELEASE;
	if (starts(sql, "SELECT") || starts(sql, "VALUES"))
		return K_READ;
	/* INSERT, UPDATE, DELETE, and WITH ... whichever: a WITH that only
	 * reads pays a savepoint it did not need, nothing more. */
	return K_WRITE;
}

/* The number of parameter name (":uid", len bytes) in s, adding it. */
static int
param_no(struct pg_stmt *s, const char *name, size_t len)
{
	int i;

	for (i = 0; i < s->nparams; i++)
		if (strlen(s->params[i]) == len &&
		    memcmp(s->params[i], name, len) == 0)
			return i + 1;
	if (s->nparams == PG_PARAMS_MAX)
		return -1;
	if ((s->params[i] = strndup(name, len)) == NULL)
		return -1;
	s->nparams++;
	return i + 1;
}

/*
 * s->sql from sql: parameters numbered, "temp." schema-qualified the
 * PostgreSQL way; quoted text ('...' and "...") kept as it is. 0, or -1
 * when out of memory or past PG_PARAMS_MAX parameters.
 */
static int
translate(struct pg_stmt *s, const char *sql)
{
	size_t cap = strlen(sql) * 2 + 64, len = 0, n;
	const char *p = sql;
	char *out = malloc(cap), quote = 0;
	int no;

	if (out == NULL)
		return -1;
	while (*p != '\0') {
		if (len + 32 >= cap) {
			char *grown = realloc(out, cap *= 2);

			if (grown == NULL) {
				free(out);
				return -1;
			}
			out = grown;
		}
		if (quote != 0) {
			if (*p == quote)
				quote = 0;
			out[len++] = *p++;
			continue;
		}
		if (*p == '\'' || *p == '"') {
			quote = *p;
			out[len++] = *p++;
			continue;
		}
		if (*p == ':' && (isalpha((unsigned char)p[1]) || p[1] == '_')) {
			for (n = 1; isalnum((unsigned char)p[n]) || p[n] == '_';
			     n++)
				;
			if ((no = param_no(s, p, n)) < 0) {
				free(out);
				return -1;
			}
			len += (size_t)snprintf(out + len, cap - len, "$%d", no);
			p += n;
			continue;
		}
		if (strncasecmp(p, "CROSS JOIN", 10) == 0 &&
		    !isalnum((unsigned char)p[10])) {
			memcpy(out + len, "JOIN", 4);
			len += 4;
			p += 10;
			continue;
		}
		if (strncasecmp(p, "COLLATE BINARY", 14) == 0 &&
		    !isalnum((unsigned char)p[14])) {
			memcpy(out + len, "COLLATE \"C\"", 11);
			len += 11;
			p += 14;
			continue;
		}
		if (strncasecmp(p, "temp.", 5) == 0 &&
		    (p == sql || !(isalnum((unsigned char)p[-1]) ||
		                   p[-1] == '_' || p[-1] == '.'))) {
			memcpy(out + len, "pg_temp.", 8);
			len += 8;
			p += 5;
			continue;
		}
		out[len++] = *p++;
	}
	out[len] = '\0';
	s->sql = out;
	return 0;
}

/*
 * The type a parameter has when its value is NULL, or when nothing was
 * bound to it (NULL, as in SQLite): PostgreSQL wants one where the
 * statement alone does not say it (":entry IS NULL OR e.id = :entry"
 * fails to prepare untyped). timmy's parameters are named for what they
 * hold: these hold text, every other one an integer. A name missing
 * here shows at once: every statement is prepared with every parameter
 * NULL by the tests (store_prepare_all).
 */
static unsigned
null_type(const char *name)
{
	static const char *const text[] = { ":owner", ":tz", ":project",
		":reply", ":name", ":key", ":value", ":team", ":tag", ":old",
		":new", ":note", ":label", ":kind" };
	size_t i;

	if ((name[1] == 'p' || name[1] == 't') && name[2] >= '1' &&
	    name[2] <= '9' && name[3] == '\0')
		return PG_TEXT; /* a filter's :p1... and :t1... */
	for (i = 0; i < sizeof text / sizeof text[0]; i++)
		if (strcmp(name, text[i]) == 0)
			return PG_TEXT;
	return PG_INT8;
}

static void
clear_values(struct pg_stmt *s)
{
	int i;

	for (i = 0; i < s->nparams; i++) {
		free(s->values[i]);
		s->values[i] = NULL;
		s->types[i] = null_type(s->params[i]);
	}
}

struct pg_stmt *
pg_prepare(store *st, const char *name, const char *sql)
{
	struct pg_stmt *s = calloc(1, sizeof *s);

	if (s == NULL || translate(s, sql) != 0) {
		store_failf(st, "%s: out of memory, or more than %d "
		            "parameters", name, PG_PARAMS_MAX);
		pg_finalize(s);
		return NULL;
	}
	clear_values(s); /* every parameter NULL, typed */
	s->conn = st->pg;
	s->name = name;
	s->kind = kind_of(sql);
	s->row = -1;
	return s;
}

void
pg_finalize(struct pg_stmt *s)
{
	char sql[64];
	int i;

	if (s == NULL)
		return;
	close_cursor(s);
	pq->clear(s->res);
	/* The server-side statements go with it, unless the connection
	 * went first. */
	for (i = 0; i < s->nvariants && s->conn != NULL; i++) {
		snprintf(sql, sizeof sql, "DEALLOCATE %s", s->variants[i].name);
		if (pq->status(s->conn->c) == CONNECTION_OK)
			pq->clear(pq->exec(s->conn->c, sql));
	}
	clear_values(s);
	for (i = 0; i < s->nparams; i++)
		free(s->params[i]);
	free(s->sql);
	free(s->sql_id);
	free(s);
}

const char *
pg_sql(struct pg_stmt *s)
{
	return s->sql;
}

static int
param_index(struct pg_stmt *s, const char *name)
{
	int i;

	for (i = 0; i < s->nparams; i++)
		if (strcmp(s->params[i], name) == 0)
			return i;
	return -1;
}

int
pg_bind(struct pg_stmt *s, const char *name, const char *v, size_t len)
{
	int i = param_index(s, name);

	if (i < 0)
		return DB_RANGE;
	free(s->values[i]);
	s->values[i] = NULL;
	s->types[i] = null_type(name);
	if (v == NULL)
		return DB_OK;
	if ((s->values[i] = strndup(v, len)) == NULL)
		return DB_NOMEM;
	s->types[i] = PG_TEXT;
	return DB_OK;
}

int
pg_bind_int64(struct pg_stmt *s, const char *name, int64_t v)
{
	char num[24];
	int i = param_index(s, name);

	if (i < 0)
		return DB_RANGE;
	snprintf(num, sizeof num, "%" PRId64, v);
	free(s->values[i]);
	if ((s->values[i] = strdup(num)) == NULL)
		return DB_NOMEM;
	s->types[i] = PG_INT8;
	return DB_OK;
}

bool
pg_has_param(struct pg_stmt *s, const char *name)
{
	return param_index(s, name) >= 0;
}

void
pg_want_id(struct pg_stmt *s)
{
	s->want_id = true;
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

/* The transaction statements, as SQLite means them (see the top). */
static int
run_control(struct pg_stmt *s)
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

/* The server-side statement for the types bound now, made if new; NULL
 * on failure (c->errmsg says why). */
static const char *
variant(struct pg_stmt *s, int *rc)
{
	struct pg_link *c = s->conn;
	char sig[PG_PARAMS_MAX + 2];
	const char *sql = s->sql;
	PGresult *r;
	int i, k;

	for (i = 0; i < s->nparams; i++)
		sig[i] = s->types[i] == PG_INT8 ? 'i' :
		         s->types[i] == PG_TEXT ? 't' : 'n';
	sig[i++] = s->want_id ? 'R' : '-';
	sig[i] = '\0';
	for (k = 0; k < s->nvariants; k++)
		if (strcmp(s->variants[k].sig, sig) == 0)
			return s->variants[k].name;
	if (s->want_id) {
		if (s->sql_id == NULL) {
			size_t n = strlen(s->sql) + sizeof " RETURNING id";

			if ((s->sql_id = malloc(n)) == NULL) {
				pg_fail(c, s->name, "out of memory");
				*rc = DB_NOMEM;
				return NULL;
			}
			snprintf(s->sql_id, n, "%s RETURNING id", s->sql);
		}
		sql = s->sql_id;
	}
	/* The oldest variant makes room: a statement seldom sees more than
	 * two combinations (a value, or NULL). */
	if (s->nvariants == PG_VARIANTS) {
		char dealloc[48];

		snprintf(dealloc, sizeof dealloc, "DEALLOCATE %s",
		         s->variants[0].name);
		pq->clear(pq->exec(c->c, dealloc));
		memmove(&s->variants[0], &s->variants[1],
		        sizeof s->variants[0] * (PG_VARIANTS - 1));
		s->nvariants--;
	}
	k = s->nvariants;
	snprintf(s->variants[k].sig, sizeof s->variants[k].sig, "%s", sig);
	snprintf(s->variants[k].name, sizeof s->variants[k].name, "s%u",
	         ++c->next_name);
	r = pq->prepare(c->c, s->variants[k].name, sql, s->nparams,
	              (const Oid *)s->types);
	if (pq->resultStatus(r) != PGRES_COMMAND_OK) {
		*rc = pg_result_fail(c, s->name, r);
		pq->clear(r);
		return NULL;
	}
	pq->clear(r);
	s->nvariants++;
	return s->variants[k].name;
}

int
pg_check(struct pg_stmt *s)
{
	int rc = DB_ERROR;

	if (s->kind != K_READ && s->kind != K_WRITE)
		return 0;
	return variant(s, &rc) != NULL ? 0 : -1;
}

/*
 * s's next rows, PG_FETCH_ROWS at most, from its open cursor into s->res
 * (an empty result at the end): DB_OK, or a failure.
 */
static int
fetch(struct pg_stmt *s)
{
	char sql[64];

	pq->clear(s->res);
	snprintf(sql, sizeof sql, "FETCH %d FROM %s", PG_FETCH_ROWS,
	         s->cursor);
	s->res = pq->exec(s->conn->c, sql);
	s->row = -1;
	s->nrows = 0;
	if (pq->resultStatus(s->res) != PGRES_TUPLES_OK) {
		int rc = pg_result_fail(s->conn, s->name, s->res);

		pq->clear(s->res);
		s->res = NULL;
		return rc;
	}
	s->nrows = pq->ntuples(s->res);
	return DB_OK;
}

/*
 * Runs s, a read asked to be chunked, inside the open transaction: a
 * cursor over it, with the values bound, then its first rows. DB_OK, or
 * a failure.
 */
static int
open_cursor(struct pg_stmt *s)
{
	struct pg_link *c = s->conn;
	size_t n = strlen(s->sql) + 64;
	char *sql = malloc(n);
	PGresult *r;
	int rc;

	if (sql == NULL) {
		pg_fail(c, s->name, "out of memory");
		return DB_NOMEM;
	}
	snprintf(s->cursor, sizeof s->cursor, "c%u", ++c->next_name);
	snprintf(sql, n, "DECLARE %s NO SCROLL CURSOR FOR %s", s->cursor,
	         s->sql);
	r = pq->execParams(c->c, sql, s->nparams, (const Oid *)s->types,
	                   (const char *const *)s->values, NULL, NULL, 0);
	free(sql);
	if (pq->resultStatus(r) != PGRES_COMMAND_OK) {
		rc = pg_result_fail(c, s->name, r);
		pq->clear(r);
		s->cursor[0] = '\0';
		return rc;
	}
	pq->clear(r);
	if ((rc = fetch(s)) != DB_OK)
		return rc;
	s->ran = true;
	c->changes = 0;
	return DB_OK;
}

/* Closes s's cursor, if one is open and its transaction still is (its
 * end closed it). */
static void
close_cursor(struct pg_stmt *s)
{
	char sql[48];

	if (s->cursor[0] == '\0')
		return;
	if (s->conn != NULL && pq->status(s->conn->c) == CONNECTION_OK &&
	    pq->transactionStatus(s->conn->c) == PQTRANS_INTRANS) {
		snprintf(sql, sizeof sql, "CLOSE %s", s->cursor);
		pq->clear(pq->exec(s->conn->c, sql));
	}
	s->cursor[0] = '\0';
}

/* Runs the prepared variant with the values bound; DB_ROW or DB_DONE as
 * for the first step, else a failure. */
static int
execute(struct pg_stmt *s)
{
	struct pg_link *c = s->conn;
	bool guard = s->kind == K_WRITE &&
	             pq->transactionStatus(c->c) == PQTRANS_INTRANS;
	const char *name;
	ExecStatusType t;
	int rc = DB_ERROR;

	if (guard && pg_run(c, "SAVEPOINT db_statement") != 0)
		return DB_ERROR;
	if ((name = variant(s, &rc)) == NULL)
		goto failed;
	s->res = pq->execPrepared(c->c, name, s->nparams,
	                        (const char *const *)s->values, NULL, NULL, 0);
	t = pq->resultStatus(s->res);
	if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK) {
		rc = pg_result_fail(c, s->name, s->res);
		pq->clear(s->res);
		s->res = NULL;
		goto failed;
	}
	if (guard && pg_run(c, "RELEASE db_statement") != 0)
		return DB_ERROR;
	s->ran = true;
	s->nrows = t == PGRES_TUPLES_OK ? pq->ntuples(s->res) : 0;
	c->changes = strtoll(pq->cmdTuples(s->res), NULL, 10);
	if (s->kind == K_WRITE)
		c->total += c->changes;
	return DB_OK;

failed:
	if (guard) {
		char keep[STORE_ERRMSG_MAX];

		memcpy(keep, c->errmsg, sizeof keep);
		(void)pg_run(c, "ROLLBACK TO db_statement;"
		                   " RELEASE db_statement");
		memcpy(c->errmsg, keep, sizeof keep);
	}
	return rc;
}

int
pg_step(struct pg_stmt *s)
{
	int rc;

	if (!s->ran) {
		if (s->kind != K_READ && s->kind != K_WRITE)
			return run_control(s);
		if (s->chunked && s->kind == K_READ &&
		    pq->transactionStatus(s->conn->c) == PQTRANS_INTRANS)
			rc = open_cursor(s);
		else
			rc = execute(s);
		if (rc != DB_OK)
			return rc;
	}
	/* A cursor's FETCH that filled its rows may have more after them. */
	if (s->row + 1 == s->nrows && s->cursor[0] != '\0' &&
	    s->nrows == PG_FETCH_ROWS && (rc = fetch(s)) != DB_OK)
		return rc;
	if (s->row + 1 < s->nrows) {
		s->row++;
		return DB_ROW;
	}
	return DB_DONE;
}

void
pg_reset(struct pg_stmt *s)
{
	close_cursor(s);
	s->chunked = false;
	pq->clear(s->res);
	s->res = NULL;
	s->ran = false;
	s->row = -1;
	s->nrows = 0;
	s->want_id = false;
	clear_values(s);
}

static bool
has_cell(struct pg_stmt *s, int col)
{
	return s->res != NULL && s->row >= 0 && s->row < s->nrows &&
	       col >= 0 && col < pq->nfields(s->res);
}

int64_t
pg_integer(struct pg_stmt *s, int col)
{
	const char *v;

	if (!has_cell(s, col) || pq->getisnull(s->res, s->row, col))
		return 0;
	v = pq->getvalue(s->res, s->row, col);
	if (v[0] == 't' && v[1] == '\0')
		return 1; /* a boolean, as SQLite's 1 */
	/* A sum of bigints is numeric: "12" all the same. */
	return strtoll(v, NULL, 10);
}

const char *
pg_text(struct pg_stmt *s, int col)
{
	if (!has_cell(s, col) || pq->getisnull(s->res, s->row, col))
		return NULL;
	return pq->getvalue(s->res, s->row, col);
}

int
pg_bytes(struct pg_stmt *s, int col)
{
	if (!has_cell(s, col) || pq->getisnull(s->res, s->row, col))
		return 0;
	return pq->getlength(s->res, s->row, col);
}

bool
pg_is_null(struct pg_stmt *s, int col)
{
	return !has_cell(s, col) || pq->getisnull(s->res, s->row, col);
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

/* ---- Reading and writing rows whose columns are known only when read
 * (store_copy) ---- */

/* More type OIDs of pg_type.dat: the other integers a column may have. */
#define PG_BOOL 16
#define PG_INT2 21
#define PG_INT4 23
#define PG_NUMERIC 1700
#define PG_VARCHAR 1043

int
pg_columns(struct pg_stmt *s)
{
	return s->res != NULL ? pq->nfields(s->res) : 0;
}

const char *
pg_column_name(struct pg_stmt *s, int col)
{
	if (s->res == NULL || col < 0 || col >= pq->nfields(s->res))
		return NULL;
	return pq->fname(s->res, col);
}

int
pg_column_kind(struct pg_stmt *s, int col)
{
	if (!has_cell(s, col))
		return DB_KIND_OTHER;
	if (pq->getisnull(s->res, s->row, col))
		return DB_KIND_NULL;
	switch (pq->ftype(s->res, col)) {
	case PG_INT8:
	case PG_INT4:
	case PG_INT2:
	case PG_BOOL:
	case PG_NUMERIC: /* a sum of bigints */
		return DB_KIND_INTEGER;
	case PG_TEXT:
	case PG_VARCHAR:
		return DB_KIND_TEXT;
	default:
		return DB_KIND_OTHER;
	}
}

int
pg_bind_null_any(struct pg_stmt *s, const char *name)
{
	int i = param_index(s, name);

	if (i < 0)
		return DB_RANGE;
	free(s->values[i]);
	s->values[i] = NULL;
	s->types[i] = 0; /* the server's choice: the column's type */
	return DB_OK;
}

void
pg_read_chunked(struct pg_stmt *s)
{
	s->chunked = true;
}
