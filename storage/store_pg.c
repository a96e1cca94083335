/*
 * storage/store_pg.c - a handle on a PostgreSQL database: connecting,
 * the schema (storage/schema-pg.sql, the same version as schema.sql),
 * the temporary tables of reports, and store_connect, which opens either
 * engine's database.
 *
 * Everything after opening is the same code for both engines (db.h); the
 * connection, its statements and their translation are pg.c's.
 *
 * Dependency rule: pg.c, store.c's opening and libc only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "store_test.h"

/* STORE_SCHEMA_PG_VERSION and store_schema_pg_sql, generated from
 * storage/schema-pg.sql. */
#include "schema-pg.inc"

/* The key of the session-level advisory lock the leader holds ("timl"). */
#define PG_LEADER_LOCK "1953066348"

/* The key of the advisory lock held while a schema is applied ("tims"):
 * two processes starting on an empty database create it once. */
#define PG_SCHEMA_LOCK "1953066355"

/*
 * The temporary tables of store_temp_setup (report.c), PostgreSQL's way:
 * bigint, and the indexes in the session's own schema. On commit they
 * stay, as SQLite's do.
 *
 * Then statistics of a few rows for those that reports and the rollup
 * fill: no autovacuum ever analyzes a temporary table, and the planner
 * took one never analyzed for ten pages, 1,353 rows of report_pieces
 * where a report puts 1 to 3, and planned a year's report of a user
 * with 2,000 entries around a sequential scan of all the entries (61 ms
 * of a 100,000-entry database; 16 ms with these).
 */
static const char temp_tables[] =
	"CREATE TEMP TABLE report_buckets (i bigint PRIMARY KEY,"
	" lo bigint NOT NULL, hi bigint NOT NULL);"
	"CREATE INDEX report_buckets_hi ON pg_temp.report_buckets (hi);"
	"CREATE TEMP TABLE report_pieces (i bigint NOT NULL,"
	" lo bigint NOT NULL, hi bigint NOT NULL, edge bigint NOT NULL);"
	"CREATE INDEX report_pieces_hi ON pg_temp.report_pieces (hi);"
	"CREATE TEMP TABLE rollup_days (lo bigint PRIMARY KEY,"
	" hi bigint NOT NULL);"
	"CREATE TEMP TABLE rollup_check_projects (user_id bigint,"
	" day bigint, project text, edge bigint, secs bigint,"
	" first bigint);"
	"CREATE TEMP TABLE rollup_check_tags (user_id bigint,"
	" day bigint, project text, tag text, edge bigint,"
	" secs bigint, first bigint);"
	"INSERT INTO pg_temp.report_pieces VALUES (0, 0, 1, 1), (0, 1, 2, 0),"
	" (0, 2, 3, 1);"
	"INSERT INTO pg_temp.report_buckets VALUES (0, 0, 1), (1, 1, 2);"
	"INSERT INTO pg_temp.rollup_days VALUES (0, 1), (1, 2);"
	"ANALYZE pg_temp.report_buckets, pg_temp.report_pieces,"
	" pg_temp.rollup_days;"
	"TRUNCATE pg_temp.report_buckets, pg_temp.report_pieces,"
	" pg_temp.rollup_days;";

/*
 * The steps that bring a PostgreSQL database of version k to k + 1, for
 * k from PG_MIGRATIONS_FROM on (PostgreSQL databases started at version
 * 10): append only, each step's CREATE text as schema-pg.sql has it, and
 * the version row set in the step's own transaction, as schema.c sets
 * user_version.
 */
#define PG_MIGRATIONS_FROM 10
static const char *const pg_migrations[] = {
	/* 10 to 11: hourly rates (the rate command). A new table only. */
	"CREATE TABLE rates (\n"
	"\tscope text COLLATE \"C\" NOT NULL\n"
	"\t\tCHECK (scope IN ('user', 'team')),\n"
	"\tname text COLLATE \"C\" NOT NULL\n"
	"\t\tCHECK (octet_length(name) BETWEEN 1 AND 3071),\n"
	"\tproject text COLLATE \"C\" NOT NULL\n"
	"\t\tCHECK (octet_length(project) BETWEEN 1 AND 64),\n"
	"\tcents bigint NOT NULL\n"
	"\t\tCHECK (cents BETWEEN 1 AND 100000000),\n"
	"\tcurrency text COLLATE \"C\" NOT NULL\n"
	"\t\tCHECK (currency ~ '^[A-Z]{3}$'),\n"
	"\tat bigint NOT NULL,\n"
	"\tPRIMARY KEY (scope, name, project)\n"
	");\n"
	"UPDATE timmy_meta SET value = '11' WHERE key = 'schema_version';\n",
};

#define PG_MIGRATIONS (sizeof pg_migrations / sizeof pg_migrations[0])
_Static_assert(PG_MIGRATIONS_FROM + PG_MIGRATIONS == STORE_SCHEMA_PG_VERSION,
               "one PostgreSQL migration a step");

/* Runs the migrations from version *v on, each in a transaction of its
 * own, advancing *v; -1 with the first error in err. */
static int
pg_migrate(struct pg_link *c, int *v, char *err, size_t errsz)
{
	char why[STORE_ERRMSG_MAX];

	while (*v >= PG_MIGRATIONS_FROM && *v < STORE_SCHEMA_PG_VERSION) {
		if (pg_exec(c, "BEGIN", "migration: begin", err, errsz) != 0)
			return -1;
		if (pg_exec(c, pg_migrations[*v - PG_MIGRATIONS_FROM],
		            "migration", err, errsz) != 0 ||
		    pg_exec(c, "COMMIT", "migration: commit", err, errsz) != 0) {
			(void)pg_exec(c, "ROLLBACK", "", why, sizeof why);
			return -1;
		}
		(*v)++;
	}
	return 0;
}

/*
 * Brings the database of c to this binary's schema: the whole of
 * schema-pg.sql on an empty one, in one transaction, under the advisory
 * lock, or the migrations of pg_migrations on one of version 10 or later;
 * a newer or older version is refused.
 */
static store_rc
schema_apply(struct pg_link *c, char *err, size_t errsz)
{
	char why[STORE_ERRMSG_MAX];
	store_rc ret = STORE_ERR;
	int v;

	if (pg_exec(c, "SELECT pg_advisory_lock(" PG_SCHEMA_LOCK ")",
	            "schema: lock", err, errsz) != 0)
		return STORE_ERR;
	if ((v = pg_schema_version(c, err, errsz)) < 0)
		goto out;
	if (v == 0) {
		if (pg_exec(c, "BEGIN", "schema: begin", err, errsz) != 0)
			goto out;
		if (pg_exec(c, store_schema_pg_sql, "schema", err, errsz) != 0 ||
		    pg_exec(c, "COMMIT", "schema: commit", err, errsz) != 0) {
			/* The first error is the one to report. */
			(void)pg_exec(c, "ROLLBACK", "", why, sizeof why);
			goto out;
		}
		v = STORE_SCHEMA_PG_VERSION;
	}
	if (pg_migrate(c, &v, err, errsz) != 0)
		goto out;
	if (v > STORE_SCHEMA_PG_VERSION)
		store_errf(err, errsz, "database schema version %d is newer "
		           "than this timmy (%d)", v, STORE_SCHEMA_PG_VERSION);
	else if (v < STORE_SCHEMA_PG_VERSION)
		store_errf(err, errsz, "database schema version %d is older "
		           "than this timmy (%d), and PostgreSQL databases have "
		           "no migration from it", v, STORE_SCHEMA_PG_VERSION);
	else
		ret = STORE_OK;
out:
	(void)pg_exec(c, "SELECT pg_advisory_unlock(" PG_SCHEMA_LOCK ")",
	              "", why, sizeof why);
	return ret;
}

/* Refuses, reading only, a database that is not of this version. */
static store_rc
schema_check(struct pg_link *c, char *err, size_t errsz)
{
	int v = pg_schema_version(c, err, errsz);

	if (v < 0)
		return STORE_ERR;
	if (v == 0)
		return store_errf(err, errsz, "not a timmy database (no "
		                  "timmy tables)");
	if (v != STORE_SCHEMA_PG_VERSION)
		return store_errf(err, errsz, "database schema version %d is "
		                  "%s than this timmy (%d)", v,
		                  v > STORE_SCHEMA_PG_VERSION ? "newer" : "older",
		                  STORE_SCHEMA_PG_VERSION);
	return STORE_OK;
}

static store_rc
open_pg(const struct store_where *w, bool readonly, store **out, char *err,
        size_t errsz)
{
	char why[STORE_ERRMSG_MAX] = "";
	store *st;

	*out = NULL;
	if (w->path == NULL || w->path[0] == '\0')
		return store_errf(err, errsz, "PostgreSQL: no connection "
		                  "string (storage.url)");
	/* Built from two files: they must agree on what a version means. */
	if (STORE_SCHEMA_PG_VERSION != store_schema_version())
		return store_errf(err, errsz, "PostgreSQL: schema-pg.sql is "
		                  "version %d, schema.sql %d",
		                  STORE_SCHEMA_PG_VERSION,
		                  store_schema_version());
	if ((st = calloc(1, sizeof *st)) == NULL ||
	    (st->pg_conninfo = strdup(w->path)) == NULL ||
	    (w->password != NULL &&
	     (st->pg_password = strdup(w->password)) == NULL)) {
		store_close(st);
		return store_errf(err, errsz, "PostgreSQL: out of memory");
	}
	if (pg_connect(w->path, w->password, readonly, &st->pg, why,
	               sizeof why) != 0)
		goto fail;
	if ((readonly ? schema_check(st->pg, why, sizeof why) :
	                schema_apply(st->pg, why, sizeof why)) != STORE_OK)
		goto fail;
	/* A read-only session (default_transaction_read_only) may fill
	 * temporary tables but not create them: they are made in a
	 * transaction that says READ WRITE, which writes nothing else. */
	if (pg_exec(st->pg, "BEGIN READ WRITE", "temporary tables", why,
	            sizeof why) != 0 ||
	    pg_exec(st->pg, temp_tables, "temporary tables", why,
	            sizeof why) != 0 ||
	    pg_exec(st->pg, "COMMIT", "temporary tables", why,
	            sizeof why) != 0)
		goto fail;
	*out = st;
	return STORE_OK;

fail:
	store_close(st);
	return store_errf(err, errsz, "PostgreSQL: %s", why);
}

store_rc
store_connect(const struct store_where *w, bool readonly, store **out,
              char *err, size_t errsz)
{
	if (w->backend == STORE_POSTGRESQL)
		return open_pg(w, readonly, out, err, errsz);
	return readonly ? store_open_readonly(w->path, out, err, errsz) :
	                  store_open(w->path, out, err, errsz);
}

store_rc
store_pg_snapshot(store *st, store **out)
{
	const struct store_where w = { STORE_POSTGRESQL, st->pg_conninfo,
		st->pg_password };
	char err[STORE_ERRMSG_MAX];
	store *r;

	*out = NULL;
	/* No other connection sees what st's open transaction changed. */
	if (!db_autocommit(st))
		return STORE_NOTFOUND;
	if (open_pg(&w, true, &r, err, sizeof err) != STORE_OK)
		return store_failf(st, "snapshot: %s", err);
	/* REPEATABLE READ takes its snapshot at the first statement: now. */
	if (pg_exec(r->pg, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;"
	            " SELECT 1 FROM users LIMIT 1", "snapshot", err,
	            sizeof err) != 0) {
		store_close(r);
		return store_failf(st, "%s", err);
	}
	*out = r;
	return STORE_OK;
}

store_rc
store_test_empty(store *st)
{
	char err[STORE_ERRMSG_MAX];

	if (st->pg == NULL)
		return store_failf(st, "empty: PostgreSQL only");
	if (pg_exec(st->pg, "TRUNCATE users, entries, entry_tags,"
	            " entry_breaks, undo_steps, undo_entries, undo_tags,"
	            " undo_breaks, handled_messages, user_settings, user_away,"
	            " idle_prompts, nudges_sent, team_digests, rates, rollup_users,"
	            " rollup_projects, rollup_tags, rollup_dirty"
	            " RESTART IDENTITY", "empty", err, sizeof err) != 0)
		return store_failf(st, "%s", err);
	return STORE_OK;
}

store_rc
store_lead(store *st, bool *leading)
{
	char err[STORE_ERRMSG_MAX];

	*leading = true;
	if (st->pg == NULL)
		return STORE_OK;
	/* Asked until it says yes, then never again: a session that holds
	 * the lock would take it once more (PostgreSQL counts them). */
	if (pg_query_bool(st->pg, "SELECT pg_try_advisory_lock("
	                  PG_LEADER_LOCK ")", "lead", leading, err,
	                  sizeof err) != 0)
		return store_failf(st, "%s", err);
	return STORE_OK;
}

store_rc
store_ping(store *st)
{
	char err[STORE_ERRMSG_MAX];
	bool alive;

	if (st->pg == NULL)
		return STORE_OK;
	if (pg_query_bool(st->pg, "SELECT true", "ping", &alive, err,
	                  sizeof err) != 0)
		return store_failf(st, "%s", err);
	return STORE_OK;
}
