/*
 * storage/pg_stmt.c - a statement on PostgreSQL (db.h's calls for one):
 * prepared on the server once per combination of its parameters' types,
 * bound, run (inside a savepoint of its own when it writes in a
 * transaction), its rows read all at once or through a cursor, and read
 * as SQLite's are. pg.c's head comment says what differs and why.
 *
 * Dependency rule: libpq (through pg_load.h) and libc only, and
 * store_int.h's handle (both through pg_int.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_int.h"

static void close_cursor(struct pg_stmt *s);

static void
clear_values(struct pg_stmt *s)
{
	int i;

	for (i = 0; i < s->nparams; i++) {
		free(s->values[i]);
		s->values[i] = NULL;
		s->types[i] = pg_null_type(s->params[i]);
	}
}

struct pg_stmt *
pg_prepare(store *st, const char *name, const char *sql)
{
	struct pg_stmt *s = calloc(1, sizeof *s);

	if (s != NULL)
		s->conn = st->pg; /* pg_translate reads whether it only reads */
	if (s == NULL || pg_translate(s, sql) != 0) {
		store_failf(st, "%s: out of memory, or more than %d "
		            "parameters", name, PG_PARAMS_MAX);
		pg_finalize(s);
		return NULL;
	}
	clear_values(s); /* every parameter NULL, typed */
	s->conn = st->pg;
	s->name = name;
	s->kind = pg_kind_of(sql);
	s->row = -1;
	return s;
}

void
pg_finalize(struct pg_stmt *s)
{
	const struct pq_api *pq = pg_api();
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
	s->types[i] = pg_null_type(name);
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

/* The server-side statement for the types bound now, made if new; NULL
 * on failure (c->errmsg says why). */
static const char *
variant(struct pg_stmt *s, int *rc)
{
	const struct pq_api *pq = pg_api();
	struct pg_link *c = s->conn;
	char sig[PG_PARAMS_MAX + 2];
	const char *sql = s->sql;
	PGresult *r;
	bool guard, ok;
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
	/* A refused text would end the transaction around it: the
	 * savepoint keeps it usable (a new variant is rare, so its two
	 * round trips more are too). */
	guard = pq->transactionStatus(c->c) == PQTRANS_INTRANS;
	if (guard && pg_guard_begin(c) != 0)
		return NULL;
	r = pq->prepare(c->c, s->variants[k].name, sql, s->nparams,
	              (const Oid *)s->types);
	ok = pq->resultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		*rc = pg_result_fail(c, s->name, r);
	pq->clear(r);
	if (guard && pg_guard_end(c, ok) != 0)
		ok = false;
	if (!ok)
		return NULL;
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
	const struct pq_api *pq = pg_api();
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
	const struct pq_api *pq = pg_api();
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
	const struct pq_api *pq = pg_api();
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

/* Runs s's TRUNCATE in place of its DELETE of a whole temporary table
 * (in a savepoint inside a transaction, as any write): DB_OK, as a
 * statement that changed no rows, or a failure. */
static int
truncate_table(struct pg_stmt *s)
{
	const struct pq_api *pq = pg_api();
	struct pg_link *c = s->conn;
	bool guard = pq->transactionStatus(c->c) == PQTRANS_INTRANS;
	int rc;

	if (guard && pg_guard_begin(c) != 0)
		return DB_ERROR;
	rc = pg_run(c, s->truncate);
	if (guard && pg_guard_end(c, rc == 0) != 0)
		rc = -1;
	if (rc != 0)
		return DB_ERROR;
	s->dead = 0;
	s->ran = true;
	s->nrows = 0;
	c->changes = 0;
	return DB_OK;
}

/* Runs the prepared variant with the values bound (a write inside a
 * transaction in a savepoint of its own: pg_guard.c); DB_ROW or DB_DONE
 * as for the first step, else a failure. */
static int
execute(struct pg_stmt *s)
{
	const struct pq_api *pq = pg_api();
	struct pg_link *c = s->conn;
	const char *name;
	ExecStatusType t;
	int rc = DB_ERROR;

	if (s->truncate[0] != '\0' && s->dead >= PG_TEMP_DEAD_MAX)
		return truncate_table(s);
	if ((name = variant(s, &rc)) == NULL)
		return rc;
	if (s->kind == K_WRITE &&
	    pq->transactionStatus(c->c) == PQTRANS_INTRANS) {
		rc = pg_exec_guarded(c, name, s->nparams,
		                     (const char *const *)s->values, &s->res);
		if (rc != DB_OK)
			return rc;
	} else {
		s->res = pq->execPrepared(c->c, name, s->nparams,
		                          (const char *const *)s->values, NULL,
		                          NULL, 0);
	}
	t = pq->resultStatus(s->res);
	if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK) {
		rc = pg_result_fail(c, s->name, s->res);
		pq->clear(s->res);
		s->res = NULL;
		return rc;
	}
	s->ran = true;
	s->nrows = t == PGRES_TUPLES_OK ? pq->ntuples(s->res) : 0;
	c->changes = strtoll(pq->cmdTuples(s->res), NULL, 10);
	if (s->kind == K_WRITE)
		c->total += c->changes;
	s->dead += c->changes;
	return DB_OK;
}

int
pg_step(struct pg_stmt *s)
{
	const struct pq_api *pq = pg_api();
	int rc;

	if (!s->ran) {
		if (s->kind != K_READ && s->kind != K_WRITE)
			return pg_control(s);
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
	const struct pq_api *pq = pg_api();
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
	const struct pq_api *pq = pg_api();
	return s->res != NULL && s->row >= 0 && s->row < s->nrows &&
	       col >= 0 && col < pq->nfields(s->res);
}

int64_t
pg_integer(struct pg_stmt *s, int col)
{
	const struct pq_api *pq = pg_api();
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
	const struct pq_api *pq = pg_api();
	if (!has_cell(s, col) || pq->getisnull(s->res, s->row, col))
		return NULL;
	return pq->getvalue(s->res, s->row, col);
}

int
pg_bytes(struct pg_stmt *s, int col)
{
	const struct pq_api *pq = pg_api();
	if (!has_cell(s, col) || pq->getisnull(s->res, s->row, col))
		return 0;
	return pq->getlength(s->res, s->row, col);
}

bool
pg_is_null(struct pg_stmt *s, int col)
{
	const struct pq_api *pq = pg_api();
	return !has_cell(s, col) || pq->getisnull(s->res, s->row, col);
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
	const struct pq_api *pq = pg_api();
	return s->res != NULL ? pq->nfields(s->res) : 0;
}

const char *
pg_column_name(struct pg_stmt *s, int col)
{
	const struct pq_api *pq = pg_api();
	if (s->res == NULL || col < 0 || col >= pq->nfields(s->res))
		return NULL;
	return pq->fname(s->res, col);
}

int
pg_column_kind(struct pg_stmt *s, int col)
{
	const struct pq_api *pq = pg_api();
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
