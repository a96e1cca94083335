/*
 * storage/report.c - reports: an owner's seconds per bucket of time and
 * per project, tag or nothing, summed in SQL (store_report).
 *
 * Dependency rule: the statements of db.h (through store_int.h) and libc only.
 */
#include <inttypes.h>
#include <stdio.h>

#include "store_int.h"
#include "store_sql.h"
#include "store_test.h"

/*
 * A report (store_report): the seconds of each (bucket, name) as rows
 * (name, seconds, bucket index), ordered as store.h says. named is a
 * SELECT of (id, name, start, stop) from "picked", the owner's entries in
 * [:from, :to) (SQL_OVERLAP) that pass the filter: one row per entry and
 * name it counts under. A name counts an entry once (named is DISTINCT on
 * the entry and the folded name: tags "x" and "X" on one entry are one
 * name), so parts has one row per bucket of such a row and needs no
 * DISTINCT of its own (which cost a temporary B-tree of every part). A
 * name is spelled as in its earliest entry of the whole range, in every
 * bucket alike.
 *
 * The buckets are the rows of temp.report_buckets (report.c fills it
 * for each report; store_temp_setup makes it). Each entry is clipped to
 * every bucket it overlaps (a running one that starts after :now overlaps
 * none), less its breaks' part in that bucket (SQL_BREAKS). The index on hi finds an entry's buckets directly: one that
 * overlaps [start, stop) ends after start and, being at most :maxlen
 * long, before stop + :maxlen - so a year by day looks at a few buckets
 * per entry instead of all 366 (a plain nested loop took 0.16 to 0.22 s
 * for a year by day with an entry an hour).
 */
#define SQL_REPORT(named) \
	SQL_REPORT_OF(named, \
	" SELECT name, min(start) FROM named GROUP BY name COLLATE UNOCASE", \
	SQL_REPORT_ROWS)
/* PostgreSQL's text (SQLite's bare column: store_sql.h). */
#define SQL_REPORT_PG(named) \
	SQL_REPORT_OF(named, SQL_SPELLING_PG("named"), SQL_REPORT_ROWS_PG)
#define SQL_REPORT_OF(named, spelling, rows) \
	SQL_OVERLAP \
	", picked AS (" \
	" SELECT id, project, start, stop FROM overlap AS o" \
	"  WHERE " SQL_FILTER("o") \
	"), named (id, name, start, stop) AS (" named \
	"), spelling AS (" spelling \
	"), parts AS (" \
	" SELECT b.i, n.id, n.name COLLATE UNOCASE AS name," \
	"  min(n.stop, b.hi) - max(n.start, b.lo)" \
	"  - " SQL_BREAKS("n.id", "max(n.start, b.lo)", "min(n.stop, b.hi)") \
	"  AS secs" \
	"  FROM named AS n JOIN temp.report_buckets AS b" \
	"   ON b.hi > n.start AND b.hi < n.stop + :maxlen" \
	"   AND b.lo < n.stop AND n.start < n.stop" \
	")" rows

/*
 * A rounded report (store_report_rounded): the same parts, each (an
 * entry's worked seconds in one bucket) rounded to a multiple of :unit,
 * :add added first (:unit - 1 rounds up, :unit / 2 to the nearest with
 * half up; a part of 0 stays 0), and counted in bucket i * :per_bucket
 * (0: all in bucket 0). A group is kept when its exact seconds are
 * above 0, though rounding to the nearest may make them 0: a short
 * entry then shows as a row of 0, not as no time at all. The same arithmetic as commands/rounding.c's
 * rounding_apply, which the unit tests hold it to. secs is cast to an
 * integer because PostgreSQL's sum() of the breaks makes it numeric,
 * whose division keeps the fraction; as integers on both engines the
 * division truncates.
 */
#define SQL_ROUNDED \
	", rounded (i, name, secs, exact) AS (" \
	" SELECT i * :per_bucket, name," \
	"  (CAST(secs AS bigint) + :add) / :unit * :unit, secs" \
	"  FROM parts" \
	")"
#define SQL_REPORT_ROUNDED(named) \
	SQL_REPORT_OF(named, \
	" SELECT name, min(start) FROM named GROUP BY name COLLATE UNOCASE", \
	SQL_ROUNDED SQL_REPORT_ROWS_OF("rounded", "sum(p.exact)"))
#define SQL_REPORT_ROUNDED_PG(named) \
	SQL_REPORT_OF(named, SQL_SPELLING_PG("named"), \
	SQL_ROUNDED SQL_REPORT_ROWS_PG_OF("rounded", "sum(p.exact)"))

/*
 * The temporary table of the buckets, made on every connection that
 * store_open and store_open_readonly make.
 */
int
store_temp_setup(sqlite3 *db)
{
	/* A report's buckets: a few hundred rows at most. The pieces of a
	 * report from the rollup (rollup_report.c), the days a rollup is
	 * being built for (rollup.c), the copy of the rollup that the check
	 * compares (rollup_check.c). */
	return sqlite3_exec(db,
	    "CREATE TEMP TABLE report_buckets (i INTEGER PRIMARY KEY,"
	    " lo INTEGER NOT NULL, hi INTEGER NOT NULL);"
	    "CREATE INDEX temp.report_buckets_hi ON report_buckets (hi);"
	    "CREATE TEMP TABLE report_pieces (i INTEGER NOT NULL,"
	    " lo INTEGER NOT NULL, hi INTEGER NOT NULL, edge INTEGER NOT NULL);"
	    "CREATE INDEX temp.report_pieces_hi ON report_pieces (hi);"
	    "CREATE TEMP TABLE rollup_days (lo INTEGER PRIMARY KEY,"
	    " hi INTEGER NOT NULL);"
	    "CREATE TEMP TABLE rollup_check_projects (user_id INTEGER,"
	    " day INTEGER, project TEXT, edge INTEGER, secs INTEGER,"
	    " first INTEGER);"
	    "CREATE TEMP TABLE rollup_check_tags (user_id INTEGER,"
	    " day INTEGER, project TEXT, tag TEXT, edge INTEGER,"
	    " secs INTEGER, first INTEGER);",
	    NULL, NULL, NULL);
}

/*
 * Checks the bounds of a report (2 to STORE_BUCKETS_MAX + 1 of them,
 * none before the one it follows; equal ones make an empty bucket, which
 * reports nothing), puts the buckets into temp.report_buckets and the
 * longest one's length into *maxlen. STORE_ERR with the reason otherwise.
 */
static store_rc
load_buckets(store *st, const int64_t *bounds, int nbounds,
             int64_t *maxlen)
{
	STORE_SQL(buckets_clear, "report-buckets",
		"DELETE FROM temp.report_buckets");
	STORE_SQL_PG(bucket_add, "report-bucket",
		"INSERT INTO temp.report_buckets (i, lo, hi)"
		" SELECT " SQL_JSON_INT(0) ", " SQL_JSON_INT(1) ", "
		SQL_JSON_INT(2) SQL_JSON_ROWS,
		"INSERT INTO temp.report_buckets (i, lo, hi)"
		" SELECT " SQL_JSON_INT_PG(0) ", " SQL_JSON_INT_PG(1) ", "
		SQL_JSON_INT_PG(2) SQL_JSON_ROWS_PG);
	struct store_rows rows;
	int64_t row[3];
	store_rc ret;
	int i;

	if (bounds == NULL || nbounds < 2 || nbounds > STORE_BUCKETS_MAX + 1)
		return store_failf(st, "report: %d bounds; 2 to %d make 1 to %d "
		                   "buckets", bounds != NULL ? nbounds : 0,
		                   STORE_BUCKETS_MAX + 1, STORE_BUCKETS_MAX);
	*maxlen = 0;
	for (i = 1; i < nbounds; i++) {
		if (bounds[i] < bounds[i - 1])
			return store_failf(st, "report: bound %d (%" PRId64 ") is "
			                   "before bound %d (%" PRId64 ")", i,
			                   bounds[i], i - 1, bounds[i - 1]);
		if (bounds[i] - bounds[i - 1] > *maxlen)
			*maxlen = bounds[i] - bounds[i - 1];
	}
	if (store_sql_run(st, &buckets_clear) != STORE_OK)
		return STORE_ERR;
	store_rows_init(&rows, (size_t)nbounds - 1, 3);
	for (i = 0; i + 1 < nbounds; i++) {
		row[0] = i;
		row[1] = bounds[i];
		row[2] = bounds[i + 1];
		store_rows_add(&rows, row);
	}
	ret = store_rows_run(st, &bucket_add, &rows);
	store_rows_free(&rows);
	return ret;
}

/* The statement of a report grouped by by; NULL when by is none. */
static const struct store_sql *
report_sql(enum store_group by)
{
	/* Reports: what an entry counts under. */
	STORE_SQL_PG(by_project, "report-by-project",
		SQL_REPORT(SQL_NAMED_PROJECT),
		SQL_REPORT_PG(SQL_NAMED_PROJECT));
	/* An entry without tags counts under '' (no tag is empty), so
	 * that a report can show the time no tag covers. */
	STORE_SQL_PG(by_tag, "report-by-tag", SQL_REPORT(SQL_NAMED_TAG),
		SQL_REPORT_PG(SQL_NAMED_TAG));
	STORE_SQL_PG(by_none, "report", SQL_REPORT(SQL_NAMED_NONE),
		SQL_REPORT_PG(SQL_NAMED_NONE));

	return store_sql_by(by, &by_project, &by_tag, &by_none);
}

const struct store_sql *
store_sql_by(enum store_group by, const struct store_sql *project,
             const struct store_sql *tag, const struct store_sql *none)
{
	switch (by) {
	case STORE_BY_PROJECT:
		return project;
	case STORE_BY_TAG:
		return tag;
	case STORE_BY_NONE:
		return none;
	}
	return NULL;
}

/* The statement of a rounded report grouped by by (report_sql's). */
static const struct store_sql *
rounded_sql(enum store_group by)
{
	STORE_SQL_PG(by_project, "report-rounded-by-project",
		SQL_REPORT_ROUNDED(SQL_NAMED_PROJECT),
		SQL_REPORT_ROUNDED_PG(SQL_NAMED_PROJECT));
	STORE_SQL_PG(by_tag, "report-rounded-by-tag",
		SQL_REPORT_ROUNDED(SQL_NAMED_TAG),
		SQL_REPORT_ROUNDED_PG(SQL_NAMED_TAG));
	STORE_SQL_PG(by_none, "report-rounded",
		SQL_REPORT_ROUNDED(SQL_NAMED_NONE),
		SQL_REPORT_ROUNDED_PG(SQL_NAMED_NONE));

	return store_sql_by(by, &by_project, &by_tag, &by_none);
}

/*
 * A report (store_report), or with r a rounded one
 * (store_report_rounded): the same steps but for the statement, its
 * rounding's parameters, and the rollup, which only an exact report may
 * take (its days hold sums, and a sum of entries cannot be rounded per
 * entry).
 */
static store_rc
report(store *st, const char *owner, const int64_t *bounds, int nbounds,
       int64_t now, enum store_group by, const struct store_filter *f,
       const struct store_rounding *r, store_report_cb cb, void *arg)
{
	const struct store_sql *q = r != NULL ? rounded_sql(by) : report_sql(by);
	int64_t maxlen = 0;
	db_stmt *s;
	store_rc ret;
	int64_t uid;
	int rc;

	if (q == NULL)
		return store_failf(st, "report: no such grouping (%d)", (int)by);
	if ((ret = load_buckets(st, bounds, nbounds, &maxlen)) != STORE_OK ||
	    (ret = store_filter_check(st, "report", f)) != STORE_OK)
		return ret;
	ret = store_user_find(st, owner, &uid);
	if (ret == STORE_NOTFOUND)
		return STORE_OK; /* never wrote: no time anywhere */
	if (ret != STORE_OK)
		return ret;
	/* The whole days from the rollup where it can answer: rollup_report.c. */
	if (r == NULL && !st->rollup_off) {
		ret = store_rollup_report(st, uid, bounds, nbounds, now, by, f,
		                          cb, arg);
		if (ret != STORE_NOTFOUND)
			return ret;
	}
	if ((s = store_sql_prepare(st, q)) == NULL)
		return STORE_ERR;
	/* The whole range bounds the index search (SQL_OVERLAP). */
	rc = store_bind_int64(s, ":uid", uid);
	if (rc == DB_OK)
		rc = store_bind_span(s, bounds[0], bounds[nbounds - 1], now);
	if (rc == DB_OK && r != NULL)
		rc = store_bind_int64(s, ":unit", r->unit);
	if (rc == DB_OK && r != NULL)
		rc = store_bind_int64(s, ":add", r->up ? r->unit - 1 : r->unit / 2);
	if (rc == DB_OK && r != NULL)
		rc = store_bind_int64(s, ":per_bucket", r->whole ? 0 : 1);
	return store_report_rows(st, q, s, rc, maxlen, f, cb, arg);
}

store_rc
store_report(store *st, const char *owner, const int64_t *bounds,
             int nbounds, int64_t now, enum store_group by,
             const struct store_filter *f, store_report_cb cb,
             void *arg)
{
	return report(st, owner, bounds, nbounds, now, by, f, NULL, cb, arg);
}

store_rc
store_report_rounded(store *st, const char *owner, const int64_t *bounds,
                     int nbounds, int64_t now, enum store_group by,
                     const struct store_filter *f,
                     const struct store_rounding *r, store_report_cb cb,
                     void *arg)
{
	if (r == NULL || r->unit <= 0)
		return store_failf(st, "report: rounding to %lld seconds",
		                   r != NULL ? (long long)r->unit : 0LL);
	return report(st, owner, bounds, nbounds, now, by, f, r, cb, arg);
}

store_rc
store_report_rows(store *st, const struct store_sql *q, db_stmt *s,
                  int rc, int64_t maxlen, const struct store_filter *f,
                  store_report_cb cb, void *arg)
{
	if (rc == DB_OK)
		rc = store_bind_int64(s, ":maxlen", maxlen);
	if (rc == DB_OK)
		rc = store_bind_filter(s, f);
	if (rc != DB_OK)
		return store_sql_fail(st, q, rc);
	return store_name_rows(st, q, s, NULL, cb, arg);
}

void
store_rollup_use(store *st, bool on)
{
	st->rollup_off = !on;
}
