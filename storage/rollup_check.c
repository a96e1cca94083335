/*
 * storage/rollup_check.c - `timmy check`'s look at the rollups
 * (store_rollup_check): pending spans built (store_rollup_build_pending,
 * all that `timmy check --quick` does here), then every user's rollup
 * compared with one built afresh from the entries in the rollup's own
 * zone, CHECK_USERS_CHUNK users a transaction, and the first difference
 * named (user, local day, project, tag).
 *
 * Dependency rule: the statements of db.h (through store_int.h), lib/tz.h and libc only.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/tz.h"
#include "store_int.h"

/* Runs one statement without parameters (a savepoint, a copy). */
static store_rc
run(store *st, const struct store_sql *q)
{
	return store_sql_run(st, q);
}

/*
 * Users checked in one transaction: the check holds the database's write
 * lock (SQLite's, or PostgreSQL's writer lock) for one chunk of users at
 * a time, tens to hundreds of milliseconds, and the bot's changes go in
 * between. Checked in one transaction, 10,000,000 entries held it 181 s
 * on SQLite, and the bot's changes failed after 5 s of waiting.
 */
#define CHECK_USERS_CHUNK 16

/* The pause between two chunks on SQLite (let_writers_in). */
#define CHECK_PAUSE_MS 110

/*
 * Fails, naming the user, when one who has stopped entries has no
 * rollup (store_rollup_build_pending built every pending one).
 */
static store_rc
missing_rollup(store *st)
{
	STORE_SQL(missing, "rollup-check-missing",
		"SELECT u.jid FROM users AS u WHERE EXISTS (SELECT 1 FROM entries"
		"  WHERE user_id = u.id AND stop IS NOT NULL)"
		" AND NOT EXISTS (SELECT 1 FROM rollup_users WHERE user_id = u.id)"
		" LIMIT 1");
	char jid[3072];
	db_stmt *s;
	store_rc ret;

	if ((s = store_sql_prepare(st, &missing)) == NULL)
		return STORE_ERR;
	ret = store_sql_row(st, &missing, s, DB_OK);
	if (ret == STORE_OK) {
		if (!store_copy_text(jid, sizeof jid, s, 0))
			jid[0] = '\0';
		store_reset(s);
		return store_failf(st, "rollup: user %s has entries but no "
		                   "rollup", jid);
	}
	return ret == STORE_NOTFOUND ? STORE_OK : ret;
}

/*
 * Copies the rollup as stored of the users ids[0..n-1] (ascending) into
 * the temporary tables, and rebuilds each one's in the zone it was built
 * in. The caller rolls all this back.
 */
static store_rc
rebuild_for_check(store *st, const int64_t *ids, size_t n)
{
	STORE_SQL(clear_p, "rollup-check-clear-projects",
		"DELETE FROM temp.rollup_check_projects");
	STORE_SQL(clear_t, "rollup-check-clear-tags",
		"DELETE FROM temp.rollup_check_tags");
	STORE_SQL(copy_p, "rollup-check-copy-projects",
		"INSERT INTO temp.rollup_check_projects"
		" SELECT user_id, day, project, edge, secs, first"
		" FROM rollup_projects WHERE user_id BETWEEN :lo AND :hi");
	STORE_SQL(copy_t, "rollup-check-copy-tags",
		"INSERT INTO temp.rollup_check_tags"
		" SELECT user_id, day, project, tag, edge, secs, first"
		" FROM rollup_tags WHERE user_id BETWEEN :lo AND :hi");
	static const struct store_sql *const copy[] = { &copy_p, &copy_t };
	db_stmt *s;
	store_rc ret;
	size_t i;
	int rc;

	if ((ret = run(st, &clear_p)) != STORE_OK ||
	    (ret = run(st, &clear_t)) != STORE_OK)
		return ret;
	for (i = 0; i < sizeof copy / sizeof copy[0]; i++) {
		if ((s = store_sql_prepare(st, copy[i])) == NULL)
			return STORE_ERR;
		rc = store_bind_int64(s, ":lo", ids[0]);
		if (rc == DB_OK)
			rc = store_bind_int64(s, ":hi", ids[n - 1]);
		if ((ret = store_sql_done(st, copy[i], s, rc)) != STORE_OK)
			return ret;
	}
	for (i = 0; i < n && ret == STORE_OK; i++)
		ret = store_rollup_rebuild_user(st, ids[i]);
	return ret;
}

/*
 * The first row where the stored rollup (temp) and the one built afresh
 * (main) of the users from lo to hi differ: user, zone, day, project, tag
 * ('' in rollup_projects), and the seconds of that (day, project, tag) in
 * each.
 */
#define SQL_CHECK_MAIN(main) \
	"SELECT * FROM " main " WHERE user_id BETWEEN :lo AND :hi"
#define SQL_CHECK_DIFF(cols, main, temp) \
	" SELECT user_id, day, " cols " FROM (" SQL_CHECK_MAIN(main) \
	"  EXCEPT SELECT * FROM temp." temp ") AS gone" \
	" UNION ALL SELECT user_id, day, " cols " FROM (SELECT * FROM temp." \
	temp " EXCEPT " SQL_CHECK_MAIN(main) ") AS added"

static store_rc
first_difference(store *st, int64_t lo, int64_t hi)
{
	STORE_SQL(diff, "rollup-check-diff",
		"WITH d (user_id, day, project, tag) AS ("
		SQL_CHECK_DIFF("project, NULL", "rollup_projects",
		               "rollup_check_projects")
		" UNION ALL"
		SQL_CHECK_DIFF("project, tag", "rollup_tags", "rollup_check_tags")
		") SELECT u.jid, r.tz, d.day, d.project, d.tag,"
		" CASE WHEN d.tag IS NULL THEN"
		"  (SELECT coalesce(sum(secs), 0) FROM temp.rollup_check_projects"
		"   AS x WHERE x.user_id = d.user_id AND x.day = d.day"
		"   AND x.project = d.project)"
		" ELSE (SELECT coalesce(sum(secs), 0) FROM temp.rollup_check_tags"
		"   AS x WHERE x.user_id = d.user_id AND x.day = d.day"
		"   AND x.project = d.project AND x.tag = d.tag) END,"
		" CASE WHEN d.tag IS NULL THEN"
		"  (SELECT coalesce(sum(secs), 0) FROM rollup_projects"
		"   AS x WHERE x.user_id = d.user_id AND x.day = d.day"
		"   AND x.project = d.project)"
		" ELSE (SELECT coalesce(sum(secs), 0) FROM rollup_tags"
		"   AS x WHERE x.user_id = d.user_id AND x.day = d.day"
		"   AND x.project = d.project AND x.tag = d.tag) END"
		" FROM d JOIN users AS u ON u.id = d.user_id"
		" LEFT JOIN rollup_users AS r ON r.user_id = d.user_id"
		" ORDER BY d.user_id, d.day LIMIT 1");
	char jid[3072], zone[STORE_TZ_MAX + 1];
	char project[STORE_PROJECT_MAX + 1], tag[STORE_TAG_MAX + 3];
	char date[32] = "?";
	db_stmt *s;
	struct tm tm;
	store_rc ret;
	bool tagged;
	int rc;

	if ((s = store_sql_prepare(st, &diff)) == NULL)
		return STORE_ERR;
	rc = store_bind_int64(s, ":lo", lo);
	if (rc == DB_OK)
		rc = store_bind_int64(s, ":hi", hi);
	ret = store_sql_row(st, &diff, s, rc);
	if (ret == STORE_NOTFOUND)
		return STORE_OK;
	if (ret != STORE_OK)
		return ret;
	if (!store_copy_text(jid, sizeof jid, s, 0))
		jid[0] = '\0';
	if (!store_copy_text(zone, sizeof zone, s, 1))
		snprintf(zone, sizeof zone, "UTC");
	if (tz_local(zone, db_int64(s, 2), &tm) == 0)
		strftime(date, sizeof date, "%Y-%m-%d", &tm);
	if (!store_copy_text(project, sizeof project, s, 3))
		project[0] = '\0';
	tagged = !db_is_null(s, 4);
	if (!tagged || !store_copy_text(tag, sizeof tag, s, 4))
		tag[0] = '\0';
	store_failf(st, "rollup of %s differs from the entries on %s (%s), "
	            "project \"%s\"%s%s%s: %" PRId64 " s stored, %" PRId64
	            " s in the entries (timmy check --repair rebuilds it)",
	            jid, date, zone, project, tagged ? ", tag \"" : "", tag,
	            tagged ? "\"" : "", (int64_t)db_int64(s, 5),
	            (int64_t)db_int64(s, 6));
	store_reset(s);
	return STORE_ERR;
}

store_rc
store_rollup_build_pending(store *st)
{
	STORE_SQL(flush_begin, "rollup-check-flush", "SAVEPOINT rollup_flush");
	STORE_SQL(flush_end, "rollup-check-flushed", "RELEASE rollup_flush");
	STORE_SQL(flush_undo, "rollup-check-unflush",
		"ROLLBACK TO rollup_flush");
	char keep[STORE_ERRMSG_MAX];
	store_rc ret;

	/* A database open read-only can be built nothing in; reports of
	 * its pending users read the entries. */
	if (db_readonly(st))
		return STORE_OK;
	if ((ret = run(st, &flush_begin)) != STORE_OK)
		return ret;
	ret = store_rollup_flush(st, true);
	if (ret != STORE_OK) {
		memcpy(keep, st->errmsg, sizeof keep);
		(void)run(st, &flush_undo);
		(void)run(st, &flush_end);
		memcpy(st->errmsg, keep, sizeof keep);
		return ret;
	}
	return run(st, &flush_end);
}

/*
 * Checks the users ids[0..n-1] (ascending) in a transaction of their own
 * (or a savepoint, inside the caller's), rolled back whatever it finds.
 * A transaction for writing from its start (BEGIN IMMEDIATE): one that
 * read first would, in SQLite's WAL, fail its first write at once after
 * the bot committed a change in between (SQLITE_BUSY_SNAPSHOT), where
 * this one waits its turn.
 */
static store_rc
check_users(store *st, const int64_t *ids, size_t n)
{
	STORE_SQL(begin, "rollup-check-begin", "SAVEPOINT rollup_check");
	STORE_SQL(undo, "rollup-check-undo", "ROLLBACK TO rollup_check");
	STORE_SQL(end, "rollup-check-end", "RELEASE rollup_check");
	bool own = db_autocommit(st) != 0;
	char keep[STORE_ERRMSG_MAX];
	store_rc ret;

	if ((ret = own ? store_begin(st) : run(st, &begin)) != STORE_OK)
		return ret;
	ret = rebuild_for_check(st, ids, n);
	if (ret == STORE_OK)
		ret = first_difference(st, ids[0], ids[n - 1]);
	/* Whatever the rebuild wrote goes; keep the first message. */
	memcpy(keep, st->errmsg, sizeof keep);
	if (own)
		store_rollback(st);
	else if (run(st, &undo) != STORE_OK || run(st, &end) != STORE_OK)
		return STORE_ERR;
	memcpy(st->errmsg, keep, sizeof keep);
	return ret;
}

/*
 * A pause between two chunks on SQLite, whose lock has no queue: a
 * writer that waits for it (the bot, sqlite3_busy_timeout) looks again
 * every 100 ms once it has waited a while, and a check that took the
 * lock again at once kept it out for 11 s of the check of 1,000,000
 * entries (tests: a writer beside the check). PostgreSQL's lock is a
 * queue: the bot's change goes after the chunk that holds it.
 */
static void
let_writers_in(store *st)
{
	struct timespec pause = { 0, CHECK_PAUSE_MS * 1000000L };

	if (st->pg == NULL)
		(void)nanosleep(&pause, NULL);
}

store_rc
store_rollup_check(store *st)
{
	int64_t *ids;
	store_rc ret;
	size_t i, n;

	/* The comparison rebuilds in the database itself (and rolls that
	 * back), which a read-only handle cannot. */
	if (db_readonly(st))
		return STORE_OK;
	if ((ret = store_rollup_build_pending(st)) != STORE_OK ||
	    (ret = missing_rollup(st)) != STORE_OK)
		return ret;
	if ((ret = store_rollup_built_users(st, &ids, &n)) != STORE_OK)
		return ret;
	for (i = 0; i < n && ret == STORE_OK; i += CHECK_USERS_CHUNK) {
		if (i > 0)
			let_writers_in(st);
		ret = check_users(st, ids + i, n - i < CHECK_USERS_CHUNK ?
		                  n - i : CHECK_USERS_CHUNK);
	}
	free(ids);
	return ret;
}
