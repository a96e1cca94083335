/*
 * storage/rollup_report.c - a report that reads the whole days of its
 * buckets from the per-day rollup (rollup.c) and only the rest from the
 * entries: the parts of buckets that begin or end inside a day of the
 * rollup's zone, and the running entry, which the rollup never holds.
 *
 * What it costs, measured on bench/gen.py's history (Europe/Berlin, the
 * rollup in the same zone), `report year` on 7 December (one bucket):
 * - 100,000 entries: the entries query reads the year's 11,520 entries
 *   (one range of entries_user_start) with their breaks, and sorts them
 *   by folded name: 24-36 ms in process, 412 million instructions for the
 *   whole `timmy report` (callgrind). From the rollup: 2,533 rows of
 *   rollup_projects (one range of its primary key), summed per project as
 *   spelled (a sort of those rows, most of the cost), then folded: 0.9 ms,
 *   45 million instructions for the whole process, 18 million of them the
 *   report (the rest is loading, the config and the buckets).
 * - 1,000,000 entries (116,190 in the year): 280-540 ms against 1.2 ms;
 *   the rollup still holds one row per day and project, 3,075.
 * - by tag, 100,000 / 1,000,000: 54 / 380 ms against 4.5 / 19 ms (a row
 *   per day, project and tag: 11,400 in the year at 100,000); year by
 *   day: 24 / 290 ms against 7 / 9-18 ms (366 pieces and their zone
 *   arithmetic).
 * EXPLAIN QUERY PLAN of the year from the rollup: SCAN b (the pieces),
 * SEARCH r USING PRIMARY KEY (user_id=? AND day>? AND day<?), a temp
 * B-tree for its GROUP BY; the entries part is SEARCH e USING COVERING
 * INDEX entries_user_start per edge piece (none here) and the running
 * entry through entries_running. What bounds it is the days and projects
 * of the range, not the entries; a bucket whose ends are not midnights of
 * the rollup's zone (a user who changed zone, a report in another one)
 * adds the entries of those partial days only, and one with no whole day
 * is the entries query.
 *
 * Dependency rule: the statements of db.h (through store_int.h), lib/ and libc only.
 */
#include <inttypes.h>
#include <stdio.h>

#include "store_int.h"
#include "store_sql.h"

/*
 * A report from temp.report_pieces: each bucket i cut into the pieces
 * [lo, hi) whose whole days come from the rollup (edge 0) and those that
 * come from the entries (edge 1). named (as SQL_NAMED_*) is over
 * "picked": the stopped entries that overlap an edge piece (a zero-length
 * one at a piece's start too, unless that is the report's start, as the
 * entries report counts it: from < t < to) and the running entry;
 * rolled gives (i, name, secs, first) of the rollup rows of the whole
 * days. Spelling and totals as in report.c's SQL_REPORT, over both.
 * CROSS JOIN keeps the few pieces the outer loop, each one range of an
 * index inside.
 */
#define SQL_ROLLUP_REPORT(named, rolled) \
	SQL_ROLLUP_REPORT_OF(named, rolled, \
	" SELECT name, min(start) FROM (SELECT name, start FROM named" \
	"  UNION ALL SELECT name, first FROM rolled) AS spellings" \
	" GROUP BY name COLLATE UNOCASE", SQL_REPORT_ROWS)
/* PostgreSQL's text (SQLite's bare column: store_sql.h). */
#define SQL_ROLLUP_REPORT_PG(named, rolled) \
	SQL_ROLLUP_REPORT_OF(named, rolled, \
	SQL_SPELLING_PG("(SELECT name, start FROM named" \
	"  UNION ALL SELECT name, first FROM rolled) AS spellings"), \
	SQL_REPORT_ROWS_PG)
#define SQL_ROLLUP_REPORT_OF(named, rolled, spelling, rows) \
	"WITH pick (id) AS (" \
	" SELECT e.id FROM temp.report_pieces AS b CROSS JOIN entries AS e" \
	"  ON e.user_id = :uid AND e.stop IS NOT NULL" \
	"  AND e.start < b.hi AND e.start >= b.lo - " SQL_LONGEST(":uid") \
	"  AND (e.stop > b.lo" \
	"   OR (e.stop = e.start AND e.start = b.lo AND b.lo > :from))" \
	"  WHERE b.edge <> 0" \
	" UNION SELECT id FROM entries WHERE user_id = :uid AND stop IS NULL" \
	"), overlap (id, project, start, stop) AS (" \
	" SELECT e.id, e.project, e.start, coalesce(e.stop, :now)" \
	"  FROM pick CROSS JOIN entries AS e ON e.id = pick.id" \
	"), picked AS (" \
	" SELECT id, project, start, stop FROM overlap AS o" \
	"  WHERE " SQL_FILTER("o") \
	"), named (id, name, start, stop) AS (" named \
	"), rolled (i, name, secs, first) AS (" rolled \
	"), spelling AS (" spelling \
	"), parts (i, name, secs) AS (" \
	" SELECT b.i, n.name," \
	"  min(n.stop, b.hi) - max(n.start, b.lo)" \
	"  - " SQL_BREAKS("n.id", "max(n.start, b.lo)", "min(n.stop, b.hi)") \
	"  FROM named AS n JOIN temp.report_pieces AS b" \
	"   ON b.hi > n.start AND b.hi < n.stop + :maxlen" \
	"   AND b.lo < n.stop AND n.start < n.stop" \
	"   AND (b.edge <> 0 OR n.id IS NOT DISTINCT FROM (SELECT id" \
	"    FROM entries" \
	"    WHERE user_id = :uid AND stop IS NULL))" \
	" UNION ALL SELECT i, name, secs FROM rolled" \
	")" rows

/*
 * The rollup rows (table, the name column) of the whole days of the
 * pieces, with the project filter (tag filters never come here); a
 * zero-length entry at the report's first second is outside the range.
 * Summed per bucket and spelling first (a byte-wise grouping): the
 * folding (UNOCASE, far dearer per comparison) then sorts a dozen rows
 * per bucket instead of one per day and project (2,500 for a year; that
 * sort was most of the query's 57 million instructions).
 */
#define SQL_ROLLED(table, name) \
	" SELECT b.i, " name " AS n, sum(r.secs), min(r.first)" \
	"  FROM temp.report_pieces AS b CROSS JOIN " table " AS r" \
	"  ON r.user_id = :uid AND r.day >= b.lo AND r.day < b.hi" \
	"  WHERE b.edge = 0 AND NOT (r.edge <> 0 AND r.day = :from)" \
	"  AND (:p1 IS NULL OR r.project COLLATE UNOCASE IN" \
	"   (:p1, :p2, :p3, :p4, :p5, :p6, :p7, :p8))" \
	"  GROUP BY b.i, n"

static const struct store_sql *
rollup_sql(enum store_group by)
{
	STORE_SQL_PG(by_project, "rollup-report-by-project",
		SQL_ROLLUP_REPORT(SQL_NAMED_PROJECT,
		                  SQL_ROLLED("rollup_projects", "r.project")),
		SQL_ROLLUP_REPORT_PG(SQL_NAMED_PROJECT,
		                     SQL_ROLLED("rollup_projects", "r.project")));
	STORE_SQL_PG(by_tag, "rollup-report-by-tag",
		SQL_ROLLUP_REPORT(SQL_NAMED_TAG,
		                  SQL_ROLLED("rollup_tags", "r.tag")),
		SQL_ROLLUP_REPORT_PG(SQL_NAMED_TAG,
		                     SQL_ROLLED("rollup_tags", "r.tag")));
	STORE_SQL_PG(by_none, "rollup-report",
		SQL_ROLLUP_REPORT(SQL_NAMED_NONE,
		                  SQL_ROLLED("rollup_projects", "''")),
		SQL_ROLLUP_REPORT_PG(SQL_NAMED_NONE,
		                     SQL_ROLLED("rollup_projects", "''")));

	return store_sql_by(by, &by_project, &by_tag, &by_none);
}

/* Adds the piece [lo, hi) of bucket i to rows (nothing when empty). */
static void
add_piece(struct store_rows *rows, int i, int64_t lo, int64_t hi,
          bool edge, int64_t *maxlen)
{
	int64_t row[4] = { i, lo, hi, edge };

	if (lo >= hi)
		return;
	if (hi - lo > *maxlen)
		*maxlen = hi - lo;
	store_rows_add(rows, row);
}

/*
 * Cuts each bucket into its whole days of zone (one piece, from its first
 * midnight to its last) and the rest before and after them, into
 * temp.report_pieces; *spans gets how many buckets have whole days,
 * *maxlen the longest piece. The bounds are checked already.
 */
static store_rc
load_pieces(store *st, const char *zone, const int64_t *bounds,
            int nbounds, int *spans, int64_t *maxlen)
{
	STORE_SQL(clear, "report-pieces-clear",
		"DELETE FROM temp.report_pieces");
	STORE_SQL_PG(add, "report-pieces",
		"INSERT INTO temp.report_pieces (i, lo, hi, edge)"
		" SELECT " SQL_JSON_INT(0) ", " SQL_JSON_INT(1) ", "
		SQL_JSON_INT(2) ", " SQL_JSON_INT(3) SQL_JSON_ROWS,
		"INSERT INTO temp.report_pieces (i, lo, hi, edge)"
		" SELECT " SQL_JSON_INT_PG(0) ", " SQL_JSON_INT_PG(1) ", "
		SQL_JSON_INT_PG(2) ", " SQL_JSON_INT_PG(3) SQL_JSON_ROWS_PG);
	int64_t lo, hi, first, last;
	struct store_rows rows;
	store_rc ret;
	int i;

	*spans = 0;
	*maxlen = 0;
	if ((ret = store_sql_run(st, &clear)) != STORE_OK)
		return ret;
	store_rows_init(&rows, 3 * (size_t)nbounds, 4);
	for (i = 0; i + 1 < nbounds; i++) {
		lo = bounds[i];
		hi = bounds[i + 1];
		if (lo >= hi)
			continue; /* an empty bucket reports nothing */
		first = store_day_first(st, zone, lo);
		if (first < lo)
			first = store_day_next(st, zone, first);
		last = store_day_first(st, zone, hi);
		if (first >= last) {
			add_piece(&rows, i, lo, hi, true, maxlen);
		} else {
			(*spans)++;
			add_piece(&rows, i, lo, first, true, maxlen);
			add_piece(&rows, i, first, last, false, maxlen);
			add_piece(&rows, i, last, hi, true, maxlen);
		}
	}
	ret = rows.n > 0 ? store_rows_run(st, &add, &rows) : STORE_OK;
	store_rows_free(&rows);
	return ret;
}

store_rc
store_rollup_report(store *st, int64_t uid, const int64_t *bounds,
                    int nbounds, int64_t now, enum store_group by,
                    const struct store_filter *f, store_report_cb cb,
                    void *arg)
{
	const struct store_sql *q = rollup_sql(by);
	char zone[STORE_TZ_MAX + 1];
	int64_t maxlen;
	db_stmt *s;
	store_rc ret;
	int spans, rc;

	if (q == NULL || (f != NULL && (f->ntags > 0 || f->without_tag != NULL)))
		return STORE_NOTFOUND;
	ret = store_rollup_zone(st, uid, true, zone, sizeof zone);
	if (ret != STORE_OK)
		return ret;
	ret = load_pieces(st, zone, bounds, nbounds, &spans, &maxlen);
	if (ret != STORE_OK)
		return ret;
	if (spans == 0)
		return STORE_NOTFOUND; /* no whole day: the entries alone */
	if ((s = store_sql_uid(st, q, uid)) == NULL)
		return STORE_ERR;
	rc = store_bind_int64(s, ":from", bounds[0]);
	if (rc == DB_OK)
		rc = store_bind_int64(s, ":now", now);
	return store_report_rows(st, q, s, rc, maxlen, f, cb, arg);
}
