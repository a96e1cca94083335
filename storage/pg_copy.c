/*
 * storage/pg_copy.c - rows written into PostgreSQL with COPY ... FROM
 * STDIN: db.h's db_copy_begin, _row and _end on PostgreSQL, which
 * store_copy writes every table with. An INSERT a row costs a round
 * trip each; COPY streams the rows and answers once.
 *
 * The rows go in COPY's text format (PostgreSQL's manual, COPY, "File
 * Formats"): a tab between values, a newline after each row, NULL as
 * \N, integers in decimal, and in text a backslash, tab, newline and
 * carriage return written as \\, \t, \n and \r. They gather in a buffer
 * sent every PG_COPY_CHUNK bytes.
 *
 * As every write of pg.c inside a transaction, the COPY runs inside a
 * savepoint of its own: a refused row spoils the COPY, not the
 * transaction. The server checks each row as it arrives (constraints,
 * triggers) and stops at the first it refuses, but says so only when
 * asked for the COPY's result, at its end; its message's context names
 * that row's line ("COPY entries, line 2"), which is the row's number
 * here.
 *
 * Dependency rule: pg_int.h (libpq, pg.c's connection), lib/text.h and
 * libc.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/text.h"
#include "pg_int.h"

/* The bytes of rows gathered before they are sent. */
#define PG_COPY_CHUNK 65536

/* Room for the COPY statement: a table and its columns' names. */
#define PG_COPY_SQL_MAX 4096

struct pg_copy {
	struct pg_link *conn;
	const struct pq_api *pq;
	char *buf;        /* rows not sent yet: len bytes of cap */
	size_t len, cap;
	int64_t rows;     /* rows written so far */
	int rc;           /* DB_OK, or the failure that ended the COPY */
	int64_t refused;  /* the row refused (1 the first), 0 unknown */
	bool guard;       /* inside its savepoint */
	bool open;        /* the server takes rows: COPY IN under way */
};

/* Ends the savepoint around cp's COPY: released after a COPY that went
 * well, rolled back to after a failure (keeping its message). */
static void
end_guard(struct pg_copy *cp)
{
	if (!cp->guard)
		return;
	cp->guard = false;
	if (pg_guard_end(cp->conn, cp->rc == DB_OK) != 0)
		cp->rc = DB_ERROR;
}

struct pg_copy *
pg_copy_begin(store *st, const char *table, const char *const *cols, int n)
{
	struct pg_link *c = st->pg;
	struct pg_copy *cp;
	struct text sql;
	PGresult *r;

	if ((cp = calloc(1, sizeof *cp)) == NULL) {
		store_failf(st, "copy %s: out of memory", table);
		return NULL;
	}
	cp->conn = c;
	cp->pq = pg_api();
	text_init(&sql, PG_COPY_SQL_MAX);
	text_printf(&sql, "COPY %s ", table);
	db_column_list(&sql, cols, n);
	text_printf(&sql, " FROM STDIN");
	if (sql.truncated || n <= 0) {
		store_failf(st, "copy %s: cannot name its %d columns", table, n);
		goto fail;
	}
	if (cp->pq->transactionStatus(c->c) == PQTRANS_INTRANS) {
		if (pg_guard_begin(c) != 0) {
			store_failf(st, "copy %s: %s", table, c->errmsg);
			goto fail;
		}
		cp->guard = true;
	}
	r = cp->pq->exec(c->c, text_str(&sql));
	if (cp->pq->resultStatus(r) != PGRES_COPY_IN) {
		cp->rc = pg_result_fail(c, "copy", r);
		cp->pq->clear(r);
		/* A statement other than COPY IN answers at once: nothing
		 * more to read. */
		end_guard(cp);
		store_failf(st, "copy %s: %s", table, c->errmsg);
		goto fail;
	}
	cp->pq->clear(r);
	cp->open = true;
	text_free(&sql);
	return cp;

fail:
	text_free(&sql);
	free(cp);
	return NULL;
}

/* Room for need more bytes in cp's buffer; false when out of memory. */
static bool
room(struct pg_copy *cp, size_t need)
{
	size_t cap = cp->cap > 0 ? cp->cap : PG_COPY_CHUNK * 2;
	char *grown;

	if (cp->len + need <= cp->cap)
		return true;
	while (cap < cp->len + need)
		cap *= 2;
	if ((grown = realloc(cp->buf, cap)) == NULL)
		return false;
	cp->buf = grown;
	cp->cap = cap;
	return true;
}

/* Appends text v (len bytes) to cp's buffer, escaped as COPY's text
 * format wants it; room for 2 * len bytes was made. */
static void
put_text(struct pg_copy *cp, const char *v, size_t len)
{
	char *out = cp->buf + cp->len;
	size_t i;

	for (i = 0; i < len; i++) {
		switch (v[i]) {
		case '\\':
			*out++ = '\\';
			*out++ = '\\';
			break;
		case '\t':
			*out++ = '\\';
			*out++ = 't';
			break;
		case '\n':
			*out++ = '\\';
			*out++ = 'n';
			break;
		case '\r':
			*out++ = '\\';
			*out++ = 'r';
			break;
		default:
			*out++ = v[i];
		}
	}
	cp->len = (size_t)(out - cp->buf);
}

/*
 * Ends the COPY on the server: sends what the buffer holds (unless
 * abandon, a reason to fail it with) and the end, and reads its result.
 * Sets cp->rc and cp->refused from a failure; DB_OK or that failure.
 */
static int
finish(struct pg_copy *cp, const char *abandon)
{
	const struct pq_api *pq = cp->pq;
	struct pg_link *c = cp->conn;
	PGresult *r;
	int rc = DB_OK;

	if (!cp->open)
		return cp->rc;
	cp->open = false;
	if (abandon == NULL && cp->len > 0 &&
	    pq->putCopyData(c->c, cp->buf, (int)cp->len) != 1)
		abandon = "the rows could not be sent";
	cp->len = 0;
	(void)pq->putCopyEnd(c->c, abandon);
	/* The COPY's one result, then NULL: read them all, so that the
	 * connection is free again. */
	while ((r = pq->getResult(c->c)) != NULL) {
		if (rc == DB_OK &&
		    pq->resultStatus(r) != PGRES_COMMAND_OK) {
			const char *ctx = pq->resultErrorField(r,
			                                       PG_DIAG_CONTEXT);
			const char *at = ctx != NULL ? strstr(ctx, "COPY ") :
			                               NULL;

			rc = pg_result_fail(c, "copy", r);
			if (at != NULL && (at = strstr(at, ", line ")) != NULL)
				cp->refused = strtoll(at + 7, NULL, 10);
		}
		pq->clear(r);
	}
	if (rc == DB_OK && abandon != NULL) {
		pg_fail(c, NULL, abandon);
		rc = DB_ERROR;
	}
	cp->rc = rc;
	end_guard(cp);
	return cp->rc;
}

int
pg_copy_row(struct pg_copy *cp, const struct db_value *v, int n)
{
	size_t need = 1;
	int i;

	if (cp->rc != DB_OK || !cp->open)
		return cp->rc != DB_OK ? cp->rc : DB_MISUSE;
	for (i = 0; i < n; i++)
		need += v[i].kind == DB_KIND_TEXT ? 2 * v[i].len + 1 : 24;
	if (!room(cp, need)) {
		pg_fail(cp->conn, "copy", "out of memory");
		(void)finish(cp, "out of memory");
		cp->refused = 0;
		return cp->rc = DB_NOMEM;
	}
	for (i = 0; i < n; i++) {
		if (i > 0)
			cp->buf[cp->len++] = '\t';
		switch (v[i].kind) {
		case DB_KIND_NULL:
			memcpy(cp->buf + cp->len, "\\N", 2);
			cp->len += 2;
			break;
		case DB_KIND_INTEGER:
			cp->len += (size_t)snprintf(cp->buf + cp->len, 24,
			                            "%" PRId64, v[i].i);
			break;
		case DB_KIND_TEXT:
			put_text(cp, v[i].text, v[i].len);
			break;
		default:
			pg_fail(cp->conn, "copy", "a value of no kind of ours");
			(void)finish(cp, "a value of no kind of ours");
			return cp->rc = DB_MISUSE;
		}
	}
	cp->buf[cp->len++] = '\n';
	cp->rows++;
	if (cp->len >= PG_COPY_CHUNK) {
		if (cp->pq->putCopyData(cp->conn->c, cp->buf, (int)cp->len) !=
		    1)
			/* The server's own reason comes with the result. */
			return finish(cp, "the rows could not be sent");
		cp->len = 0;
	}
	return DB_OK;
}

int
pg_copy_end(struct pg_copy *cp, bool keep, int64_t *refused)
{
	int rc;

	rc = finish(cp, keep ? NULL : "the copy was abandoned");
	if (refused != NULL)
		*refused = cp->refused;
	free(cp->buf);
	free(cp);
	return rc;
}
