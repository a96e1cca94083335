/*
 * storage/db.c - the statement interface of db.h: each call goes to the
 * engine of the statement or handle, SQLite here, PostgreSQL in pg.c.
 *
 * Dependency rule: SQLite, pg.c and libc only.
 */
#include <stdlib.h>
#include <string.h>

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
