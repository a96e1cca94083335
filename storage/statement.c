/*
 * storage/statement.c - the prepared statements of a handle and what
 * every query uses: the cache that prepares each statement once
 * (store_sql_prepare), the one helper that steps a statement to its end,
 * errors named after their statement, the helpers that bind parameters
 * and copy text out, and, for tests, every statement at once and query
 * plans.
 *
 * Each statement is declared with STORE_SQL (store_int.h) in the function
 * that runs it; a handle keeps the ones it prepared in a small table
 * keyed by the address of their struct store_sql, until store_close.
 *
 * Dependency rule: db.h's statements, SQLite (query plans) and libc only.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "store_int.h"
#include "store_test.h"

/*
 * The ends of the linker set of STORE_SQL: the linker names them after
 * the section. Weak, so that a program without any would still link.
 */
extern const struct store_sql *const __start_store_sql_set[]
	__attribute__((weak));
extern const struct store_sql *const __stop_store_sql_set[]
	__attribute__((weak));

/*
 * The slot of st->stmts that holds q, or the free one where q would go;
 * -1 when q is not there and the table is full.
 */
static int
slot_of(const store *st, const struct store_sql *q)
{
	size_t i, n;

	/* Descriptors are at least pointer-aligned: the low bits say
	 * nothing. */
	i = (size_t)((uintptr_t)q / sizeof(void *)) % STORE_STMTS_MAX;
	for (n = 0; n < STORE_STMTS_MAX; n++) {
		if (st->stmts[i].q == q || st->stmts[i].q == NULL)
			return (int)i;
		i = (i + 1) % STORE_STMTS_MAX;
	}
	return -1;
}

const char *
store_sql_text(store *st, const struct store_sql *q)
{
	if (st->pg != NULL && q->pg_sql != NULL) {
		if (q->pg_sql[0] == '\0') {
			store_failf(st, "%s: SQLite's only", q->name);
			return NULL;
		}
		return q->pg_sql;
	}
	if (st->pg == NULL && q->sql[0] == '\0') {
		store_failf(st, "%s: PostgreSQL's only", q->name);
		return NULL;
	}
	return q->sql;
}

db_stmt *
store_sql_prepare(store *st, const struct store_sql *q)
{
	const char *sql;
	db_stmt *s;
	int i;

	if ((i = slot_of(st, q)) < 0) {
		store_failf(st, "%s: no room for another statement", q->name);
		return NULL;
	}
	if (st->stmts[i].q == q)
		return st->stmts[i].s;
	if ((sql = store_sql_text(st, q)) == NULL)
		return NULL;
	if ((s = db_prepare(st, q->name, sql, true)) == NULL)
		return NULL;
	st->stmts[i].q = q;
	st->stmts[i].s = s;
	return s;
}

void
store_reset(db_stmt *s)
{
	db_reset(s);
}

store_rc
store_sql_fail(store *st, const struct store_sql *q, int rc)
{
	int i;

	store_failf(st, "%s: %s", q->name, db_errmsg(st));
	if ((i = slot_of(st, q)) >= 0 && st->stmts[i].q == q)
		store_reset(st->stmts[i].s);
	return (rc & 0xff) == DB_CONSTRAINT ? STORE_CONFLICT : STORE_ERR;
}

store_rc
store_sql_done(store *st, const struct store_sql *q, db_stmt *s, int rc)
{
	if (rc == DB_OK)
		rc = db_step(s);
	while (rc == DB_ROW)
		rc = db_step(s);
	if (rc != DB_DONE)
		return store_sql_fail(st, q, rc);
	store_reset(s);
	return STORE_OK;
}

store_rc
store_sql_row(store *st, const struct store_sql *q, db_stmt *s, int rc)
{
	if (rc == DB_OK)
		rc = db_step(s);
	if (rc == DB_DONE) {
		store_reset(s);
		return STORE_NOTFOUND;
	}
	if (rc != DB_ROW)
		return store_sql_fail(st, q, rc);
	return STORE_OK;
}

store_rc
store_sql_number(store *st, const struct store_sql *q, db_stmt *s,
                 int rc, int64_t *n)
{
	if (rc == DB_OK)
		rc = db_step(s);
	if (rc != DB_ROW)
		return store_sql_fail(st, q, rc);
	*n = db_int64(s, 0);
	return store_sql_done(st, q, s, rc);
}

store_rc
store_sql_insert(store *st, const struct store_sql *q, db_stmt *s,
                 int rc, int64_t *rowid)
{
	store_rc ret;

	/* PostgreSQL has no last rowid: the id comes back as a row. */
	if (st->pg != NULL) {
		db_want_id(s);
		return store_sql_number(st, q, s, rc, rowid);
	}
	ret = store_sql_done(st, q, s, rc);
	if (ret == STORE_OK)
		*rowid = sqlite3_last_insert_rowid(st->db);
	return ret;
}

db_stmt *
store_sql_uid(store *st, const struct store_sql *q, int64_t uid)
{
	db_stmt *s;
	int rc;

	if ((s = store_sql_prepare(st, q)) == NULL)
		return NULL;
	if ((rc = store_bind_int64(s, ":uid", uid)) != DB_OK) {
		/* Binding an integer never breaks a constraint: STORE_ERR. */
		store_sql_fail(st, q, rc);
		return NULL;
	}
	return s;
}

store_rc
store_sql_owner(store *st, const struct store_sql *q, const char *owner,
                db_stmt **row)
{
	db_stmt *s;
	int rc;

	if (owner == NULL)
		return store_failf(st, "%s: no owner", q->name);
	if ((s = store_sql_prepare(st, q)) == NULL)
		return STORE_ERR;
	rc = store_bind_text(s, ":owner", owner, STORE_OWNER_MAX + 1);
	if (row == NULL)
		return store_sql_done(st, q, s, rc);
	*row = s;
	return store_sql_row(st, q, s, rc);
}

store_rc
store_sql_run(store *st, const struct store_sql *q)
{
	db_stmt *s = store_sql_prepare(st, q);

	return s == NULL ? STORE_ERR : store_sql_done(st, q, s, DB_OK);
}

store_rc
store_failf(store *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->errmsg, sizeof st->errmsg, fmt, ap); /* may cut */
	va_end(ap);
	return STORE_ERR;
}

int
store_bind_text(db_stmt *s, const char *name, const char *v, size_t lim)
{
	/* Borrowed: every statement is reset before v can go away. */
	return db_bind_text(s, name, v, strnlen(v, lim));
}

int
store_bind_int64(db_stmt *s, const char *name, int64_t v)
{
	return db_bind_int64(s, name, v);
}

int
store_bind_null(db_stmt *s, const char *name)
{
	return db_bind_null(s, name);
}

int
store_bind_span(db_stmt *s, int64_t from, int64_t to, int64_t now)
{
	int rc = store_bind_int64(s, ":from", from);

	if (rc == DB_OK)
		rc = store_bind_int64(s, ":to", to);
	if (rc == DB_OK)
		rc = store_bind_int64(s, ":now", now);
	return rc;
}

bool
store_copy_text(char *dst, size_t dstsz, db_stmt *s, int col)
{
	const unsigned char *t = db_text(s, col);
	int n = db_bytes(s, col);

	if (t == NULL) {
		/* NULL is out of memory or an SQL NULL, which no column read
		 * here holds; empty text reads as "". */
		if (!db_is_null(s, col))
			return false;
		n = 0;
	}
	if (n < 0 || (size_t)n >= dstsz)
		return false;
	memcpy(dst, t != NULL ? (const char *)t : "", (size_t)n);
	dst[n] = '\0';
	return true;
}

/*
 * Every statement there is, the k-th of the linker set for k from 0 on;
 * NULL after the last.
 */
static const struct store_sql *
nth_sql(size_t k)
{
	size_t nset = 0;

	if (__start_store_sql_set != NULL)
		nset = (size_t)(__stop_store_sql_set - __start_store_sql_set);
	return k < nset ? __start_store_sql_set[k] : NULL;
}

store_rc
store_prepare_all(store *st)
{
	char first[STORE_ERRMSG_MAX] = "";
	const struct store_sql *q, *r;
	size_t i, j, failed = 0;
	db_stmt *s;

	for (i = 0; (q = nth_sql(i)) != NULL; i++) {
		for (j = 0; j < i; j++) {
			r = nth_sql(j);
			if (strcmp(q->name, r->name) == 0)
				return store_failf(st, "%s: two statements "
				                   "have this name", q->name);
		}
		/* SQLite's own statements (PRAGMAs) have no PostgreSQL
		 * text to try, PostgreSQL's own (ANALYZE) no SQLite one. */
		if ((st->pg != NULL && q->pg_sql != NULL &&
		     q->pg_sql[0] == '\0') || (st->pg == NULL && q->sql[0] == '\0'))
			continue;
		if ((s = store_sql_prepare(st, q)) != NULL &&
		    db_check(s) == DB_OK)
			continue;
		if (s != NULL)
			store_failf(st, "%s: %s", q->name, db_errmsg(st));
		/* Every failure is counted, the first one told. */
		if (failed++ == 0)
			memcpy(first, st->errmsg, sizeof first);
	}
	if (failed > 0)
		return store_failf(st, "%zu of the statements fail to prepare; "
		                   "the first, %s", failed, first);
	return STORE_OK;
}

/* The plan of x, an EXPLAIN QUERY PLAN statement, into out (outsz > 0). */
static store_rc
plan_lines(store *st, db_stmt *x, char *out, size_t outsz)
{
	const unsigned char *detail;
	size_t len = 0;
	int rc, n;

	/* Columns: id, parent, (unused), detail. */
	while ((rc = db_step(x)) == DB_ROW) {
		detail = db_text(x, 3);
		n = snprintf(out + len, outsz - len, "%s\n",
		             detail != NULL ? (const char *)detail : "");
		if (n < 0 || (size_t)n >= outsz - len)
			return store_failf(st, "explain: the plan is longer "
			                   "than %zu bytes", outsz);
		len += (size_t)n;
	}
	if (rc != DB_DONE)
		return store_failf(st, "explain: %s", db_errmsg(st));
	return STORE_OK;
}

store_rc
store_explain(store *st, const char *name, char *out, size_t outsz)
{
	const struct store_sql *q;
	db_stmt *s, *x;
	store_rc ret;
	size_t i;
	char *sql;

	if (outsz == 0)
		return store_failf(st, "explain: no room for the plan");
	/* SQLite's plans: what tests hold the queries of the default to. */
	if (st->pg != NULL)
		return store_failf(st, "explain: SQLite's query plans only");
	out[0] = '\0';
	for (i = 0; (q = nth_sql(i)) != NULL; i++)
		if (strcmp(q->name, name) == 0)
			break;
	if (q == NULL)
		return store_failf(st, "explain: no statement %s", name);
	if ((s = store_sql_prepare(st, q)) == NULL)
		return STORE_ERR;
	/* Our own SQL text, not a value: formatting is right here. */
	sql = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", db_sql(s));
	if (sql == NULL)
		return store_failf(st, "explain: out of memory");
	x = db_prepare(st, "explain", sql, false);
	sqlite3_free(sql);
	if (x == NULL)
		return STORE_ERR;
	ret = plan_lines(st, x, out, outsz);
	db_finalize(x);
	return ret;
}
