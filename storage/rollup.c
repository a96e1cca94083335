/*
 * storage/rollup.c - the per-day rollups of reports (schema.sql's
 * rollup_users, rollup_projects, rollup_tags): keeping them equal to the
 * entries in the transaction of every change (store_rollup_flush), the
 * days of a rollup's zone, building a user's rollup, and checking it.
 *
 * Why a log of changed spans and a recomputation, rather than adding and
 * subtracting in each write path: the triggers of schema.sql note the
 * span of every stopped entry that any statement touches (the entries,
 * their tags, their breaks; undo, edits, renames, cascades, raw SQL
 * alike), so no write path can forget the rollup, and a day recomputed
 * from the entries cannot drift the way sums of differences can. The
 * recomputation runs once per transaction, before the commit: one change
 * touches one or two days, each a handful of entries (one index range of
 * entries_user_start per day). The one difference that is added, not
 * recomputed, is the commonest change: an entry that has just become a
 * stopped one (stop, add), when it is all that changed.
 *
 * Costs, measured with callgrind on bench/gen.py's 100,000-entry history:
 * - a change (add a stopped entry with a tag and a break, commit):
 *   about 170,000 instructions for the rollup, 0.73 million in all
 *   against 0.47 million without a rollup (schema 9); an edit or delete
 *   recomputes its days, about twice the rollup's part of an add;
 * - a whole build (a new user, the migration, a change of zone, `timmy
 *   check --repair`): about 1 s of CPU per 100,000 entries, 9 s for
 *   1,000,000; it runs in the transaction that needs it, so a change of
 *   zone of a user with a long history holds that one command that long;
 * - reports: rollup_report.c.
 *
 * Dependency rule: the statements of db.h (through store_int.h), lib/tz.h and libc only.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/tz.h"
#include "store_int.h"
#include "store_sql.h"

/* Pending spans of one user beyond which a flush rebuilds the whole
 * rollup rather than day by day (a rename of many entries, raw inserts). */
#define FLUSH_SPANS_MAX 32

/* Days put into temp.rollup_days at once: bounds the temporary table
 * when a user's history spans decades. */
#define DAYS_CHUNK 1024

/*
 * The day of zone that holds t, into st's one-day cache: a change
 * touches a day or two, mostly today's, and each zone look-up (libc's
 * localtime_r and mktime under a switched TZ) costs about 28,000
 * instructions; the cache saved a quarter of the rollup's cost per change
 * (callgrind).
 */
static void
day_of(store *st, const char *zone, int64_t t)
{
	int64_t lo, hi;

	if (st->day_lo <= t && t < st->day_hi &&
	    strcmp(st->day_zone, zone) == 0)
		return;
	lo = tz_day_start(zone, t);
	/* A day lasts 23 to 25 hours: 26 hours on is inside the next. */
	hi = tz_day_start(zone, lo + 26 * 3600);
	if (hi <= lo)
		hi = lo + 86400;
	if (lo > t || t >= hi) { /* cannot be; do not cache it */
		st->day_lo = st->day_hi = 0;
		st->day_zone[0] = '\0';
		st->day_first = lo;
		st->day_next = hi;
		return;
	}
	snprintf(st->day_zone, sizeof st->day_zone, "%s", zone);
	st->day_lo = st->day_first = lo;
	st->day_hi = st->day_next = hi;
}

int64_t
store_day_first(store *st, const char *zone, int64_t t)
{
	day_of(st, zone, t);
	return st->day_first;
}

int64_t
store_day_next(store *st, const char *zone, int64_t day)
{
	day_of(st, zone, day);
	return st->day_next;
}

void
store_set_default_zone(store *st, const char *zone)
{
	if (st == NULL)
		return;
	if (zone == NULL || strlen(zone) > STORE_TZ_MAX)
		zone = "";
	snprintf(st->zone, sizeof st->zone, "%s", zone);
}

/* The zone user uid's days are in now: their own, else the default. */
static store_rc
zone_now(store *st, int64_t uid, char *zone, size_t n)
{
	STORE_SQL(q, "rollup-user-zone",
		"SELECT coalesce(tz, '') FROM users WHERE id = :uid");
	db_stmt *s;
	store_rc ret;

	if ((s = store_sql_uid(st, &q, uid)) == NULL)
		return STORE_ERR;
	ret = store_sql_row(st, &q, s, DB_OK);
	if (ret == STORE_OK) {
		if (!store_copy_text(zone, n, s, 0))
			zone[0] = '\0';
		store_reset(s);
	} else if (ret == STORE_NOTFOUND) {
		zone[0] = '\0';
	} else {
		return ret;
	}
	if (zone[0] == '\0')
		snprintf(zone, n, "%s", st->zone[0] != '\0' ? st->zone : "UTC");
	return STORE_OK;
}

store_rc
store_rollup_zone(store *st, int64_t uid, bool ready_only, char *zone,
                  size_t n)
{
	STORE_SQL(q, "rollup-zone",
		"SELECT tz, EXISTS (SELECT 1 FROM rollup_dirty"
		"  WHERE user_id = :uid)"
		" FROM rollup_users WHERE user_id = :uid");
	db_stmt *s;
	store_rc ret;
	bool pending;

	if ((s = store_sql_uid(st, &q, uid)) == NULL)
		return STORE_ERR;
	if ((ret = store_sql_row(st, &q, s, DB_OK)) != STORE_OK)
		return ret;
	pending = db_int(s, 1) != 0;
	if (!store_copy_text(zone, n, s, 0))
		zone[0] = '\0';
	store_reset(s);
	if (zone[0] == '\0' || (ready_only && pending))
		return STORE_NOTFOUND;
	return STORE_OK;
}

/*
 * More seconds than any day has (a week; a day of a zone is 23 to 25
 * hours, or a little more or less where a zone moved its clock by other
 * amounts): a day that holds an entry's start begins less than this
 * before it. With "d.lo <= e.stop", implied by the rest of
 * SQL_ROLLUP_FROM, it is there for PostgreSQL, which reads the days
 * inside the entries: the days of one entry are then one short range of
 * rollup_days' key instead of every day (`timmy check` of 100,000
 * entries: over 9 minutes without them). SQLite reads the days outside
 * and filters.
 */
#define SQL_DAY_LONGEST "604800"

/*
 * The worked seconds of the stopped entries of :uid inside each day of
 * temp.rollup_days, less their breaks there (as the report over entries
 * computes them). A zero-length entry counts in the day it lies in, and
 * one at the day's first second is marked edge (schema.sql says why). One
 * range of entries_user_start per day, bounded below by the longest entry.
 */
#define SQL_ROLLUP_FROM \
	" FROM temp.rollup_days AS d CROSS JOIN entries AS e" \
	"  ON e.user_id = :uid AND e.stop IS NOT NULL" \
	"  AND e.start < d.hi AND e.start >= d.lo - " SQL_LONGEST(":uid") \
	"  AND d.lo > e.start - " SQL_DAY_LONGEST " AND d.lo <= e.stop" \
	"  AND (e.stop > d.lo OR (e.stop = e.start AND e.start = d.lo))" \
	"  AND (:entry IS NULL OR e.id = :entry)"
#define SQL_ROLLUP_EDGE \
	"CASE WHEN e.start = e.stop AND e.start = d.lo THEN 1 ELSE 0 END"
#define SQL_ROLLUP_SECS \
	"min(e.stop, d.hi) - max(e.start, d.lo) - " \
	SQL_BREAKS("e.id", "max(e.start, d.lo)", "min(e.stop, d.hi)")

/*
 * Rows of one day and name add up as they are inserted (an upsert on the
 * primary key) rather than through GROUP BY, whose sorter cost more than
 * the rest of a one-day recomputation (measured with callgrind: about
 * 100,000 instructions a statement). "WHERE true" lets SQLite's parser
 * tell the ON CONFLICT of the upsert from a join's ON. The conflict's
 * columns (the table's primary key, key) are named, as PostgreSQL wants.
 */
#define SQL_ROLLUP_ADD(table, key) \
	" ON CONFLICT (" key ") DO UPDATE" \
	" SET secs = " table ".secs + excluded.secs," \
	" first = min(" table ".first, excluded.first)"

/*
 * PostgreSQL refuses an upsert that meets one key twice in a statement
 * ("ON CONFLICT DO UPDATE command cannot affect row a second time"): its
 * texts select the key's columns, then this: the seconds and the first
 * start of the rows, grouped by the key (GROUP BY those columns).
 */
#define SQL_ROLLUP_GROUPED \
	", sum(" SQL_ROLLUP_SECS "), min(e.start)" \
	SQL_ROLLUP_FROM

/*
 * Recomputes user uid's rollup rows of the days in temp.rollup_days, from
 * lo to hi (the first day's start, the last one's end); or, when entry is
 * not 0, adds that entry's part to them (an entry that has just become a
 * stopped one, and the only change of the user: schema.sql's
 * rollup_dirty). Adding reads one entry where recomputing reads every
 * entry of the day and deletes its rows first: the common change, a stop
 * or an add, costs about half as much (callgrind).
 */
static store_rc
rollup_compute(store *st, int64_t uid, int64_t lo, int64_t hi,
               int64_t entry)
{
	STORE_SQL(del_projects, "rollup-clear-projects",
		"DELETE FROM rollup_projects WHERE user_id = :uid"
		" AND day >= :lo AND day < :hi");
	STORE_SQL(del_tags, "rollup-clear-tags",
		"DELETE FROM rollup_tags WHERE user_id = :uid"
		" AND day >= :lo AND day < :hi");
	/* Projects as spelled: BINARY, as the column's NOCASE would fold
	 * ASCII spellings into one row. */
	STORE_SQL_PG(add_projects, "rollup-add-projects",
		"INSERT INTO rollup_projects"
		" (user_id, day, project, edge, secs, first)"
		" SELECT :uid, d.lo, e.project COLLATE BINARY,"
		"  " SQL_ROLLUP_EDGE ", " SQL_ROLLUP_SECS ", e.start"
		SQL_ROLLUP_FROM
		" WHERE true"
		SQL_ROLLUP_ADD("rollup_projects", "user_id, day, project, edge"),
		/* PostgreSQL: grouped first (the column is byte-wise). */
		"INSERT INTO rollup_projects"
		" (user_id, day, project, edge, secs, first)"
		" SELECT :uid, d.lo, e.project, " SQL_ROLLUP_EDGE
		SQL_ROLLUP_GROUPED
		" GROUP BY d.lo, e.project, " SQL_ROLLUP_EDGE
		SQL_ROLLUP_ADD("rollup_projects", "user_id, day, project, edge"));
	/* An entry counts once per tag (SQL_TAGS_ONCE); under ''
	 * when it has none. */
	STORE_SQL_PG(add_tags, "rollup-add-tags",
		"INSERT INTO rollup_tags"
		" (user_id, day, project, tag, edge, secs, first)"
		" SELECT :uid, d.lo, e.project COLLATE BINARY,"
		"  coalesce(t.tag, ''),"
		"  " SQL_ROLLUP_EDGE ", " SQL_ROLLUP_SECS ", e.start"
		SQL_ROLLUP_FROM
		SQL_TAGS_ONCE("e")
		SQL_ROLLUP_ADD("rollup_tags", "user_id, day, project, tag, edge"),
		/* PostgreSQL: grouped first. */
		"INSERT INTO rollup_tags"
		" (user_id, day, project, tag, edge, secs, first)"
		" SELECT :uid, d.lo, e.project, coalesce(t.tag, ''),"
		"  " SQL_ROLLUP_EDGE
		SQL_ROLLUP_GROUPED
		SQL_TAGS_ONCE("e")
		" GROUP BY d.lo, e.project, coalesce(t.tag, ''), "
		SQL_ROLLUP_EDGE
		SQL_ROLLUP_ADD("rollup_tags", "user_id, day, project, tag, edge"));
	static const struct store_sql *const steps[] = {
		&del_projects, &del_tags, &add_projects, &add_tags
	};
	db_stmt *s;
	store_rc ret;
	size_t i;
	int rc;

	for (i = entry != 0 ? 2 : 0; i < sizeof steps / sizeof steps[0]; i++) {
		if ((s = store_sql_uid(st, steps[i], uid)) == NULL)
			return STORE_ERR;
		rc = DB_OK;
		if (i < 2) {
			rc = store_bind_int64(s, ":lo", lo);
			if (rc == DB_OK)
				rc = store_bind_int64(s, ":hi", hi);
		} else if (entry != 0) {
			rc = store_bind_int64(s, ":entry", entry);
		}
		if ((ret = store_sql_done(st, steps[i], s, rc)) != STORE_OK)
			return ret;
	}
	return STORE_OK;
}

/*
 * Recomputes user uid's rollup for the days of zone from the one that
 * holds lo up to the one that holds hi (a closed span: a zero-length
 * entry at a day's start lies in that day), DAYS_CHUNK days at a time;
 * or adds entry's part to them (rollup_compute). The days of a chunk go
 * into temp.rollup_days in one statement (rows.c): a statement per day
 * cost a round trip per day on PostgreSQL, most of a whole build there
 * (`timmy check` of 100,000 entries over two years: 730 days a user).
 */
static store_rc
rollup_days(store *st, int64_t uid, const char *zone, int64_t lo,
            int64_t hi, int64_t entry)
{
	STORE_SQL(clear, "rollup-days-clear", "DELETE FROM temp.rollup_days");
	STORE_SQL_PG(add, "rollup-days",
		"INSERT INTO temp.rollup_days (lo, hi)"
		" SELECT " SQL_JSON_INT(0) ", " SQL_JSON_INT(1) SQL_JSON_ROWS,
		"INSERT INTO temp.rollup_days (lo, hi)"
		" SELECT " SQL_JSON_INT_PG(0) ", " SQL_JSON_INT_PG(1)
		SQL_JSON_ROWS_PG);
	int64_t day = store_day_first(st, zone, lo), first, row[2];
	struct store_rows days;
	store_rc ret = STORE_OK;
	int n;

	store_rows_init(&days, DAYS_CHUNK, 2);
	while (day <= hi && ret == STORE_OK) {
		if ((ret = store_sql_run(st, &clear)) != STORE_OK)
			break;
		first = day;
		store_rows_clear(&days);
		for (n = 0; n < DAYS_CHUNK && day <= hi; n++, day = row[1]) {
			row[0] = day;
			row[1] = store_day_next(st, zone, day);
			store_rows_add(&days, row);
		}
		if ((ret = store_rows_run(st, &add, &days)) == STORE_OK)
			ret = rollup_compute(st, uid, first, day, entry);
	}
	store_rows_free(&days);
	return ret;
}

/*
 * Builds user uid's whole rollup anew in zone, and records the zone: from
 * the day of their first start to the day their latest entry can reach
 * (its start plus the longest entry; both ends of indexes).
 */
static store_rc
rollup_build(store *st, int64_t uid, const char *zone)
{
	STORE_SQL(del_projects, "rollup-drop-projects",
		"DELETE FROM rollup_projects WHERE user_id = :uid");
	STORE_SQL(del_tags, "rollup-drop-tags",
		"DELETE FROM rollup_tags WHERE user_id = :uid");
	STORE_SQL(set_zone, "rollup-set-zone",
		"INSERT INTO rollup_users (user_id, tz) VALUES (:uid, :tz)"
		" ON CONFLICT (user_id) DO UPDATE SET tz = excluded.tz");
	STORE_SQL(span, "rollup-span",
		"SELECT min(start), max(start) + " SQL_LONGEST(":uid")
		" FROM entries WHERE user_id = :uid AND stop IS NOT NULL");
	db_stmt *s;
	store_rc ret;
	int64_t lo, hi;
	bool none;

	if ((s = store_sql_uid(st, &del_projects, uid)) == NULL ||
	    (ret = store_sql_done(st, &del_projects, s, DB_OK)) != STORE_OK)
		return STORE_ERR;
	if ((s = store_sql_uid(st, &del_tags, uid)) == NULL ||
	    (ret = store_sql_done(st, &del_tags, s, DB_OK)) != STORE_OK)
		return STORE_ERR;
	if ((s = store_sql_uid(st, &set_zone, uid)) == NULL)
		return STORE_ERR;
	ret = store_sql_done(st, &set_zone, s,
	                     store_bind_text(s, ":tz", zone, STORE_TZ_MAX + 1));
	if (ret != STORE_OK)
		return ret;
	if ((s = store_sql_uid(st, &span, uid)) == NULL)
		return STORE_ERR;
	if ((ret = store_sql_row(st, &span, s, DB_OK)) != STORE_OK)
		return ret;
	none = db_is_null(s, 0);
	lo = db_int64(s, 0);
	hi = db_int64(s, 1);
	store_reset(s);
	return none ? STORE_OK : rollup_days(st, uid, zone, lo, hi, 0);
}

/*
 * Brings user uid's rollup up to date with their pending spans, and
 * drops those: the days of each span recomputed (or, when every span is
 * an entry that just became a stopped one, that entry added), or the
 * whole rollup built when there is none yet, when there are many spans,
 * or when a change of the user's zone (a span with lo > hi) moved their
 * days.
 */
static store_rc
flush_user(store *st, int64_t uid)
{
	STORE_SQL(pending, "rollup-pending",
		"SELECT DISTINCT lo, hi, entry_id FROM rollup_dirty"
		" WHERE user_id = :uid LIMIT :n");
	STORE_SQL(done, "rollup-done",
		"DELETE FROM rollup_dirty WHERE user_id = :uid");
	int64_t lo[FLUSH_SPANS_MAX + 1], hi[FLUSH_SPANS_MAX + 1];
	int64_t entry[FLUSH_SPANS_MAX + 1];
	char zone[STORE_TZ_MAX + 1], now[STORE_TZ_MAX + 1];
	bool whole = false, rezone = false, adds = true;
	db_stmt *s;
	store_rc ret;
	int i, n = 0, rc;

	if ((ret = zone_now(st, uid, now, sizeof now)) != STORE_OK)
		return ret;
	ret = store_rollup_zone(st, uid, false, zone, sizeof zone);
	if (ret == STORE_NOTFOUND) {
		snprintf(zone, sizeof zone, "%s", now);
		whole = true;
	} else if (ret != STORE_OK) {
		return ret;
	}
	if ((s = store_sql_uid(st, &pending, uid)) == NULL)
		return STORE_ERR;
	rc = store_bind_int64(s, ":n", FLUSH_SPANS_MAX + 1);
	while (rc == DB_OK && (rc = db_step(s)) == DB_ROW) {
		lo[n] = db_int64(s, 0);
		hi[n] = db_int64(s, 1);
		entry[n] = db_int64(s, 2); /* NULL reads 0 */
		rezone = rezone || lo[n] > hi[n];
		adds = adds && entry[n] != 0;
		n++;
		rc = DB_OK;
	}
	if ((ret = store_sql_done(st, &pending, s, rc)) != STORE_OK)
		return ret;
	if (rezone && strcmp(zone, now) != 0) {
		snprintf(zone, sizeof zone, "%s", now);
		whole = true;
	}
	if (whole || n > FLUSH_SPANS_MAX)
		ret = rollup_build(st, uid, zone);
	for (i = 0; !whole && n <= FLUSH_SPANS_MAX && i < n &&
	     ret == STORE_OK; i++) {
		if (lo[i] <= hi[i])
			ret = rollup_days(st, uid, zone, lo[i], hi[i],
			                  adds ? entry[i] : 0);
	}
	if (ret != STORE_OK)
		return ret;
	if ((s = store_sql_uid(st, &done, uid)) == NULL)
		return STORE_ERR;
	return store_sql_done(st, &done, s, DB_OK);
}

store_rc
store_rollup_flush(store *st, bool all)
{
	/* The migration's rows (2, 0) wait for timmy check (also the quick
	 * one, which the systemd unit runs before each start) or the
	 * user's next change: building every user's whole history in the
	 * first commit after an upgrade would hold that one command (and
	 * everyone behind it) for about a second per 100,000 entries. */
	STORE_SQL(next, "rollup-next",
		"SELECT user_id FROM rollup_dirty"
		" WHERE NOT (lo = 2 AND hi = 0) LIMIT 1");
	STORE_SQL(next_any, "rollup-next-any",
		"SELECT user_id FROM rollup_dirty LIMIT 1");
	db_stmt *s;
	store_rc ret;
	int64_t uid;

	if (db_readonly(st))
		return STORE_OK; /* nothing can have changed here */
	for (;;) {
		if ((s = store_sql_prepare(st, all ? &next_any : &next)) == NULL)
			return STORE_ERR;
		ret = store_sql_row(st, all ? &next_any : &next, s, DB_OK);
		if (ret == STORE_NOTFOUND)
			return STORE_OK;
		if (ret != STORE_OK)
			return ret;
		uid = db_int64(s, 0);
		store_reset(s);
		if ((ret = flush_user(st, uid)) != STORE_OK)
			return ret;
	}
}

/*
 * The ids of the users that picks (a statement without parameters whose
 * first column is a user id) selects, into *ids (the caller frees it),
 * and their number into *n.
 */
static store_rc
user_ids(store *st, const struct store_sql *q, int64_t **ids, size_t *n)
{
	size_t cap = 0;
	db_stmt *s;
	int64_t *grown;
	int rc;

	*ids = NULL;
	*n = 0;
	if ((s = store_sql_prepare(st, q)) == NULL)
		return STORE_ERR;
	while ((rc = db_step(s)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			if ((grown = realloc(*ids, cap * sizeof **ids)) == NULL) {
				store_reset(s);
				return store_failf(st, "%s: out of memory",
				                   q->name);
			}
			*ids = grown;
		}
		(*ids)[(*n)++] = db_int64(s, 0);
	}
	return store_sql_done(st, q, s, rc);
}

/*
 * Builds the rollup of every user the statement q picks anew, in the
 * zone their days are in now, and drops the pending spans.
 */
static store_rc
rebuild_users(store *st, const struct store_sql *q)
{
	STORE_SQL(done, "rollup-all-done", "DELETE FROM rollup_dirty");
	char zone[STORE_TZ_MAX + 1];
	int64_t *ids;
	store_rc ret;
	size_t i, n;

	if ((ret = user_ids(st, q, &ids, &n)) != STORE_OK)
		return ret;
	for (i = 0; i < n && ret == STORE_OK; i++) {
		ret = zone_now(st, ids[i], zone, sizeof zone);
		if (ret == STORE_OK)
			ret = rollup_build(st, ids[i], zone);
	}
	free(ids);
	if (ret == STORE_OK)
		ret = store_sql_run(st, &done);
	return ret;
}

store_rc
store_rollup_rebuild(store *st)
{
	STORE_SQL(writers, "rollup-writers",
		"SELECT id FROM users AS u WHERE EXISTS (SELECT 1 FROM entries"
		" WHERE user_id = u.id AND stop IS NOT NULL)"
		" OR EXISTS (SELECT 1 FROM rollup_users WHERE user_id = u.id)");

	return rebuild_users(st, &writers);
}

store_rc
store_rollup_built_users(store *st, int64_t **ids, size_t *n)
{
	STORE_SQL(built, "rollup-built",
		"SELECT user_id FROM rollup_users ORDER BY user_id");

	return user_ids(st, &built, ids, n);
}

store_rc
store_rollup_rebuild_user(store *st, int64_t uid)
{
	char zone[STORE_TZ_MAX + 1];
	store_rc ret;

	if ((ret = store_rollup_zone(st, uid, false, zone, sizeof zone)) !=
	    STORE_OK)
		return ret;
	return rollup_build(st, uid, zone);
}
