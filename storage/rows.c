/*
 * storage/rows.c - rows of integers gathered into one parameter (a JSON
 * array of arrays), which one statement turns into rows of a temporary
 * table (SQL_JSON_ROWS in store_sql.h): a report's buckets and pieces,
 * the days of a rollup.
 *
 * Why one parameter and not a statement per row: on PostgreSQL each
 * statement is a round trip to the server, and a report's buckets and
 * pieces were about seven of a chat command's thirty (its log, during
 * bench/scale.py's mix), a rollup's days 730 per user of `timmy check`.
 * On SQLite it is one statement instead of many, and costs about the
 * same.
 *
 * Dependency rule: the statements of db.h (through store_int.h),
 * lib/text.h and libc only.
 */
#include <inttypes.h>

#include "store_int.h"

void
store_rows_init(struct store_rows *r, size_t max_rows, int ncols)
{
	/* "[" and "]", and per row "," "[" "]" and up to 20 characters
	 * and a comma per number. */
	text_init(&r->text, 2 + max_rows * (3 + 21 * (size_t)ncols));
	r->ncols = ncols;
	r->n = 0;
	text_printf(&r->text, "[");
}

void
store_rows_clear(struct store_rows *r)
{
	text_clear(&r->text);
	r->n = 0;
	text_printf(&r->text, "[");
}

void
store_rows_add(struct store_rows *r, const int64_t *v)
{
	int k;

	text_printf(&r->text, "%s[", r->n > 0 ? "," : "");
	for (k = 0; k < r->ncols; k++)
		text_printf(&r->text, "%s%" PRId64, k > 0 ? "," : "", v[k]);
	text_printf(&r->text, "]");
	r->n++;
}

store_rc
store_rows_run(store *st, const struct store_sql *q, struct store_rows *r)
{
	db_stmt *s;
	int rc;

	text_printf(&r->text, "]");
	if (r->text.truncated)
		return store_failf(st, "%s: out of memory for %zu rows",
		                   q->name, r->n);
	if ((s = store_sql_prepare(st, q)) == NULL)
		return STORE_ERR;
	rc = store_bind_text(s, ":rows", text_str(&r->text),
	                     r->text.max + 1);
	return store_sql_done(st, q, s, rc);
}

void
store_rows_free(struct store_rows *r)
{
	text_free(&r->text);
}
