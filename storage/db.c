/*
 * storage/db.c - the statement interface of db.h: each call goes to the
 * engine of the statement or handle, SQLite here, PostgreSQL in pg.c.
 *
 * Dependency rule: SQLite, pg.c, lib/text.h and libc only.
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/text.h"
#include "store_int.h"

struct db_stmt {
	sqlite3_stmt *lite; /* SQLite's statement, or NULL */
	struct pg_stmt *pg; /* or PostgreSQL's (pg.c) */
};

db_stmt *
db_prepare(store *st, const char *name, const char *sql, bool persistent)
{
	db_stmt *s;
	int rc;

	if ((s = calloc(1, sizeof *s)) == NULL) {
		store_failf(st, "%s: out of memory", name);
		return NULL;
	}
	if (st->pg != NULL) {
		if ((s->pg = pg_prepare(st, name, sql)) == NULL) {
			free(s);
			return NULL;
		}
		return s;
	}
	rc = sqlite3_prepare_v3(st->db, sql, -1,
	                        persistent ? SQLITE_PREPARE_PERSISTENT : 0,
	                        &s->lite, NULL);
	if (rc != SQLITE_OK) {
		store_failf(st, "%s: %s", name, sqlite3_errmsg(st->db));
		sqlite3_finalize(s->lite);
		free(s);
		return NULL;
	}
	return s;
}

void
db_finalize(db_stmt *s)
{
	if (s == NULL)
		return;
	if (s->pg != NULL)
		pg_finalize(s->pg);
	sqlite3_finalize(s->lite); /* NULL is fine */
	free(s);
}

int
db_check(db_stmt *s)
{
	if (s->pg != NULL)
		return pg_check(s->pg) == 0 ? DB_OK : DB_ERROR;
	return DB_OK;
}

const char *
db_sql(db_stmt *s)
{
	return s->pg != NULL ? pg_sql(s->pg) : sqlite3_sql(s->lite);
}

int
db_bind_text(db_stmt *s, const char *name, const char *v, size_t len)
{
	if (s->pg != NULL)
		return pg_bind(s->pg, name, v, len);
	/* SQLITE_STATIC: every statement is reset before v can go away. */
	return sqlite3_bind_text(s->lite,
	                         sqlite3_bind_parameter_index(s->lite, name),
	                         v, (int)len, SQLITE_STATIC);
}

int
db_bind_int64(db_stmt *s, const char *name, int64_t v)
{
	if (s->pg != NULL)
		return pg_bind_int64(s->pg, name, v);
	return sqlite3_bind_int64(s->lite,
	                          sqlite3_bind_parameter_index(s->lite, name),
	                          v);
}

int
db_bind_null(db_stmt *s, const char *name)
{
	if (s->pg != NULL)
		return pg_bind(s->pg, name, NULL, 0);
	return sqlite3_bind_null(s->lite,
	                         sqlite3_bind_parameter_index(s->lite, name));
}

bool
db_has_param(db_stmt *s, const char *name)
{
	if (s->pg != NULL)
		return pg_has_param(s->pg, name);
	return sqlite3_bind_parameter_index(s->lite, name) != 0;
}

int
db_step(db_stmt *s)
{
	return s->pg != NULL ? pg_step(s->pg) : sqlite3_step(s->lite);
}

void
db_want_id(db_stmt *s)
{
	if (s->pg != NULL)
		pg_want_id(s->pg);
}

void
db_reset(db_stmt *s)
{
	if (s->pg != NULL) {
		pg_reset(s->pg);
		return;
	}
	/* The result repeats the last step's error, already handled. */
	(void)sqlite3_reset(s->lite);
	(void)sqlite3_clear_bindings(s->lite);
}

int64_t
db_int64(db_stmt *s, int col)
{
	return s->pg != NULL ? pg_integer(s->pg, col) :
	                       sqlite3_column_int64(s->lite, col);
}

int
db_int(db_stmt *s, int col)
{
	return (int)db_int64(s, col);
}

const unsigned char *
db_text(db_stmt *s, int col)
{
	return s->pg != NULL ? (const unsigned char *)pg_text(s->pg, col) :
	                       sqlite3_column_text(s->lite, col);
}

int
db_bytes(db_stmt *s, int col)
{
	return s->pg != NULL ? pg_bytes(s->pg, col) :
	                       sqlite3_column_bytes(s->lite, col);
}

bool
db_is_null(db_stmt *s, int col)
{
	return s->pg != NULL ? pg_is_null(s->pg, col) :
	                       sqlite3_column_type(s->lite, col) == SQLITE_NULL;
}

int
db_autocommit(store *st)
{
	return st->pg != NULL ? pg_autocommit(st->pg) :
	                        sqlite3_get_autocommit(st->db);
}

int64_t
db_changes(store *st)
{
	return st->pg != NULL ? pg_changes(st->pg) : sqlite3_changes64(st->db);
}

int64_t
db_total_changes(store *st)
{
	return st->pg != NULL ? pg_total_changes(st->pg) :
	                        sqlite3_total_changes64(st->db);
}

bool
db_readonly(store *st)
{
	return st->pg != NULL ? pg_readonly(st->pg) :
	                        sqlite3_db_readonly(st->db, "main") == 1;
}

const char *
db_errmsg(store *st)
{
	return st->pg != NULL ? pg_errmsg(st->pg) : sqlite3_errmsg(st->db);
}

bool
db_nomem(store *st)
{
	return st->pg == NULL && sqlite3_errcode(st->db) == SQLITE_NOMEM;
}

int
db_columns(db_stmt *s)
{
	return s->pg != NULL ? pg_columns(s->pg) :
	                       sqlite3_column_count(s->lite);
}

const char *
db_column_name(db_stmt *s, int col)
{
	return s->pg != NULL ? pg_column_name(s->pg, col) :
	                       sqlite3_column_name(s->lite, col);
}

int
db_column_kind(db_stmt *s, int col)
{
	if (s->pg != NULL)
		return pg_column_kind(s->pg, col);
	switch (sqlite3_column_type(s->lite, col)) {
	case SQLITE_NULL:
		return DB_KIND_NULL;
	case SQLITE_INTEGER:
		return DB_KIND_INTEGER;
	case SQLITE_TEXT:
		return DB_KIND_TEXT;
	default:
		return DB_KIND_OTHER;
	}
}

int
db_bind_null_any(db_stmt *s, const char *name)
{
	if (s->pg != NULL)
		return pg_bind_null_any(s->pg, name);
	return db_bind_null(s, name);
}

void
db_read_chunked(db_stmt *s)
{
	if (s->pg != NULL)
		pg_read_chunked(s->pg);
}

/* ---- Writing many rows into one table ---- */

/* Room for an INSERT made here: a table and its columns' names, and
 * the parameters. */
#define DB_COPY_SQL_MAX 4096

struct db_copy {
	struct pg_copy *pg; /* PostgreSQL's COPY (pg_copy.c), or */
	sqlite3 *db;        /* SQLite's INSERT of the row, on db */
	sqlite3_stmt *ins;
	int64_t rows;       /* rows written */
	int rc;             /* DB_OK, or the failure that ended the rows */
	int64_t refused;    /* the row refused (1 the first), 0 unknown */
};

void
db_column_list(struct text *sql, const char *const *cols, int n)
{
	const char *q;
	int i;

	text_printf(sql, "(");
	for (i = 0; i < n; i++) {
		text_printf(sql, "%s\"", i > 0 ? ", " : "");
		for (q = cols[i]; *q != '\0'; q++) {
			if (*q == '"')
				text_append(sql, "\"", 1);
			text_append(sql, q, 1);
		}
		text_printf(sql, "\"");
	}
	text_printf(sql, ")");
}

db_copy *
db_copy_begin(store *st, const char *table, const char *const *cols, int n)
{
	struct text sql;
	db_copy *c;
	int i, rc;

	if ((c = calloc(1, sizeof *c)) == NULL) {
		store_failf(st, "copy %s: out of memory", table);
		return NULL;
	}
	if (st->pg != NULL) {
		if ((c->pg = pg_copy_begin(st, table, cols, n)) == NULL) {
			free(c);
			return NULL;
		}
		return c;
	}
	/* INSERT INTO table ("c1", ...) VALUES (?, ...) */
	text_init(&sql, DB_COPY_SQL_MAX);
	text_printf(&sql, "INSERT INTO %s ", table);
	db_column_list(&sql, cols, n);
	text_printf(&sql, " VALUES (");
	for (i = 0; i < n; i++)
		text_printf(&sql, "%s?", i > 0 ? ", " : "");
	text_printf(&sql, ")");
	if (sql.truncated || n <= 0) {
		store_failf(st, "copy %s: cannot name its %d columns", table, n);
		rc = SQLITE_ERROR;
	} else if ((rc = sqlite3_prepare_v2(st->db, text_str(&sql), -1, &c->ins,
	                                    NULL)) != SQLITE_OK) {
		store_failf(st, "copy %s: %s", table, sqlite3_errmsg(st->db));
	}
	text_free(&sql);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(c->ins);
		free(c);
		return NULL;
	}
	c->db = st->db;
	return c;
}

int
db_copy_row(db_copy *c, const struct db_value *v, int n)
{
	int i, rc = SQLITE_OK;

	if (c->pg != NULL)
		return pg_copy_row(c->pg, v, n);
	if (c->rc != DB_OK)
		return c->rc;
	for (i = 0; i < n && rc == SQLITE_OK; i++) {
		switch (v[i].kind) {
		case DB_KIND_NULL:
			rc = sqlite3_bind_null(c->ins, i + 1);
			break;
		case DB_KIND_INTEGER:
			rc = sqlite3_bind_int64(c->ins, i + 1, v[i].i);
			break;
		case DB_KIND_TEXT:
			rc = sqlite3_bind_text64(c->ins, i + 1, v[i].text, v[i].len,
			                         SQLITE_STATIC, SQLITE_UTF8);
			break;
		default:
			rc = SQLITE_MISUSE;
		}
	}
	if (rc == SQLITE_OK && (rc = sqlite3_step(c->ins)) == SQLITE_DONE)
		rc = SQLITE_OK;
	/* The message stays the connection's (sqlite3_errmsg) past the
	 * reset, which repeats the step's failure. */
	(void)sqlite3_reset(c->ins);
	c->rows++;
	if (rc != SQLITE_OK) {
		c->rc = rc;
		c->refused = c->rows;
	}
	return rc;
}

int
db_copy_end(db_copy *c, bool keep, int64_t *refused)
{
	int rc;

	if (c->pg != NULL) {
		rc = pg_copy_end(c->pg, keep, refused);
	} else {
		rc = c->rc;
		if (refused != NULL)
			*refused = c->refused;
		sqlite3_finalize(c->ins);
	}
	free(c);
	return rc;
}
