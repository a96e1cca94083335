/*
 * storage/store.c - the database handle: opening, schema versions and
 * migrations, the prepared-statement cache, errors, transactions and the
 * integrity check. The queries on entries are in entries.c, users and
 * their settings in users.c, undo steps in undo.c, the messages changes
 * were made for in messages.c, the migration steps in migrations.c.
 *
 * Dependency rule: SQLite and libc only; nothing of commands/ or bot/.
 *
 * Every SQL statement timmy runs after start-up is in the table below,
 * indexed by enum store_stmt (store_int.h), prepared on first use and kept
 * until store_close. Values are always bound as named parameters, never
 * formatted into SQL.
 *
 * Project and tag names compare, group and sort with COLLATE UNOCASE
 * (collate.c, registered on every connection): without regard to case,
 * Unicode's as well as ASCII's. Every comparison of names says so itself:
 * the column entries.project keeps the NOCASE of schema.sql, which folds
 * ASCII alone (the schema cannot name a collation of ours, collate.c says
 * why), and a bare "project = :x" would use that.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_int.h"

/* STORE_SCHEMA_VERSION and store_schema_sql, generated from schema.sql. */
#include "schema.inc"

/*
 * store_migrations[k - 1] turns a version-k database into version k + 1
 * (migrations.c); store_schema_apply runs them in order, each in its own
 * transaction, and sets user_version itself. The NULL at the end keeps
 * the array non-empty; the assertion makes a new schema version come with
 * its migration.
 */
static const char *const store_migrations[] = {
	store_migration_1,
	store_migration_2,
	store_migration_3,
	NULL
};

_Static_assert(sizeof store_migrations / sizeof store_migrations[0] ==
                       STORE_SCHEMA_VERSION,
               "schema.sql's user_version needs one migration per step");

static const struct store_schema store_schema_current = {
	STORE_SCHEMA_VERSION, store_schema_sql, store_migrations
};

/* The columns of an entry, in the order read_entry (entries.c) reads. */
#define SQL_ENTRY "id, seq, project, note, start, stop"

/*
 * The longest duration among the stopped entries of user uid (an SQL
 * expression), from the end of entries_user_duration; NULL when there are
 * none.
 */
#define SQL_LONGEST(uid) \
	"(SELECT max(stop - start) FROM entries WHERE user_id = " uid ")"

/*
 * The part of the entries of :uid inside [:from, :to), as the rows
 * (id, project, start, stop) of "overlap":
 * - stopped entries that overlap the range. None lasts longer than the
 *   user's longest entry, so none that starts before :from minus that
 *   length reaches :from: with that bound the search is one range of
 *   entries_user_start, whatever the size of the user's history, instead
 *   of every entry before :to;
 * - the running entry (entries_running), stopping at :now.
 * SQL_CLIPPED is the seconds of one such row inside the range; it is never
 * negative, so a running entry that starts after :now counts nothing.
 */
#define SQL_OVERLAP \
	"WITH overlap (id, project, start, stop) AS (" \
	" SELECT id, project, start, stop FROM entries" \
	"  WHERE user_id = :uid AND stop IS NOT NULL" \
	"   AND start < :to AND stop > :from" \
	"   AND start >= :from - " SQL_LONGEST(":uid") \
	" UNION ALL" \
	" SELECT id, project, start, :now FROM entries" \
	"  WHERE user_id = :uid AND stop IS NULL" \
	") "
#define SQL_CLIPPED "max(min(stop, :to) - max(start, :from), 0)"

/*
 * Whole entries that overlap [:from, :to), the running one as
 * [start, max(start, :now)) (from its first second, while that span is
 * still empty: a timer started as a period begins, at midnight, is in
 * it), of the users (u) that the condition who
 * picks (ANDed to the rest), as the columns cols of e (entries) and u
 * (users): the stopped ones with SQL_STOPPED_HITS, the running ones with
 * SQL_RUNNING_HITS. The same index bound as in SQL_OVERLAP, per user: one
 * range of entries_user_start, then the row for the columns the index
 * lacks, so the stopped hits of one user come in the order of start. The
 * running entry comes from entries_running: "+start" keeps the planner
 * from taking it as a range of entries_user_start instead, which reads
 * every entry before :to. CROSS JOIN makes users the outer loop, so that
 * each user's longest entry is looked up once and bounds the search of
 * that user's entries, with or without statistics
 * (https://www.sqlite.org/optoverview.html, "Manual Control Of Query
 * Plans Using CROSS JOIN").
 */
#define SQL_STOPPED_HITS(cols, who) \
	" SELECT " cols \
	"  FROM users AS u CROSS JOIN entries AS e ON e.user_id = u.id" \
	"  WHERE " who " AND e.stop IS NOT NULL" \
	"   AND e.start < :to AND e.stop > :from" \
	"   AND e.start >= :from - " SQL_LONGEST("u.id")
#define SQL_RUNNING_HITS(cols, who) \
	" SELECT " cols \
	"  FROM users AS u CROSS JOIN entries AS e ON e.user_id = u.id" \
	"  WHERE " who " AND e.stop IS NULL" \
	"   AND +e.start < :to AND (e.start >= :from OR :now > :from)"

/* A hit as a listing reads it: SQL_ENTRY of e, then (SQL_HIT) the owner. */
#define SQL_HIT_ENTRY "e.id, e.seq, e.project, e.note, e.start, e.stop"
#define SQL_HIT SQL_HIT_ENTRY ", u.jid"

/*
 * The same for one user, :uid, without the users table: one range of
 * entries_user_start comes in the order of start whatever the planner
 * knows, where a join that statistics show to have one user may be read
 * the other way round and then sorted whole.
 */
#define SQL_OWN_STOPPED_HITS(cols) \
	" SELECT " cols " FROM entries AS e" \
	"  WHERE e.user_id = :uid AND e.stop IS NOT NULL" \
	"   AND e.start < :to AND e.stop > :from" \
	"   AND e.start >= :from - " SQL_LONGEST(":uid")
#define SQL_OWN_RUNNING_HITS(cols) \
	" SELECT " cols " FROM entries AS e" \
	"  WHERE e.user_id = :uid AND e.stop IS NULL" \
	"   AND +e.start < :to AND (e.start >= :from OR :now > :from)"

/*
 * The hits of the users who picks, leaving out #:except (none when it is
 * NULL or 0), as the rows SQL_ENTRY, jid (the owner) of "hits".
 */
#define SQL_HITS(who) \
	"WITH hits AS (" \
	SQL_STOPPED_HITS(SQL_HIT, who " AND e.seq IS NOT :except") \
	" UNION ALL" \
	SQL_RUNNING_HITS(SQL_HIT, who " AND e.seq IS NOT :except") \
	") "

/*
 * The stopped entries of every user that overlap [:from, :to) and meet
 * the condition cond, as the columns cols of e and u, in the order of
 * start: one range of entries_start, bounded below by the longest entry
 * of anyone (each user's from the end of entries_user_duration, one
 * look-up per user; that index has no order across users). CROSS JOIN
 * keeps entries the outer loop, so the rows come in the index's order.
 */
#define SQL_STOPPED_HITS_BY_START(cols, cond) \
	" SELECT " cols \
	"  FROM entries AS e CROSS JOIN users AS u ON u.id = e.user_id" \
	"  WHERE e.stop IS NOT NULL" \
	"   AND e.start < :to AND e.stop > :from" \
	"   AND e.start >= :from - (SELECT max(" SQL_LONGEST("w.id") ")" \
	"    FROM users AS w)" \
	"   AND " cond

/*
 * Whether the row e (an alias with columns id and project) passes the
 * filter (struct store_filter) bound as :p1 to :p8, the projects, and :t1
 * to :t8, the tags, each list from its first parameter on, the unused
 * ones NULL; no value at all (:p1 or :t1 NULL) filters nothing. The
 * project is any of the list's, case aside (UNOCASE); each tag of the
 * list must be among the entry's, case aside too (entry_tags' primary key
 * finds the entry's few tags, UNOCASE compares them). A value in a
 * parameter of its own, never in the SQL text.
 */
#define SQL_FILTER(e) \
	"(:p1 IS NULL OR " e ".project COLLATE UNOCASE IN" \
	" (:p1, :p2, :p3, :p4, :p5, :p6, :p7, :p8))" \
	" AND (:t1 IS NULL OR NOT EXISTS (" \
	" SELECT 1 FROM (VALUES (:t1), (:t2), (:t3), (:t4), (:t5), (:t6)," \
	"  (:t7), (:t8)) AS f" \
	" WHERE f.column1 IS NOT NULL AND NOT EXISTS (" \
	"  SELECT 1 FROM entry_tags AS t WHERE t.entry_id = " e ".id" \
	"   AND t.tag = f.column1 COLLATE UNOCASE)))"

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
 * none). The index on hi finds an entry's buckets directly: one that
 * overlaps [start, stop) ends after start and, being at most :maxlen
 * long, before stop + :maxlen - so a year by day looks at a few buckets
 * per entry instead of all 366 (a plain nested loop took 0.16 to 0.22 s
 * for a year by day with an entry an hour).
 */
#define SQL_REPORT(named) \
	SQL_OVERLAP \
	", picked AS (" \
	" SELECT id, project, start, stop FROM overlap AS o" \
	"  WHERE " SQL_FILTER("o") \
	"), named (id, name, start, stop) AS (" named \
	"), spelling AS (" \
	" SELECT name, min(start) FROM named GROUP BY name COLLATE UNOCASE" \
	"), parts AS (" \
	" SELECT b.i, n.id, n.name COLLATE UNOCASE AS name," \
	"  min(n.stop, b.hi) - max(n.start, b.lo) AS secs" \
	"  FROM named AS n JOIN temp.report_buckets AS b" \
	"   ON b.hi > n.start AND b.hi < n.stop + :maxlen" \
	"   AND b.lo < n.stop AND n.start < n.stop" \
	") SELECT s.name, sum(p.secs) AS total, p.i" \
	" FROM parts AS p" \
	" JOIN spelling AS s ON s.name = p.name COLLATE UNOCASE" \
	" GROUP BY p.i, p.name COLLATE UNOCASE HAVING total > 0" \
	" ORDER BY p.i, total DESC, s.name COLLATE UNOCASE"

/*
 * The before-image of entries (those the WHERE that follows picks) for
 * undo step :step, unless the step has one already. The tags go first,
 * while "has one already" still means an earlier touch (undo_tags'
 * reference to the image is deferred for this).
 */
#define SQL_IMAGE_TAGS \
	"INSERT INTO undo_tags (step_id, entry_id, tag)" \
	" SELECT :step, t.entry_id, t.tag" \
	" FROM entries AS e JOIN entry_tags AS t ON t.entry_id = e.id" \
	" WHERE NOT EXISTS (SELECT 1 FROM undo_entries AS u" \
	"                   WHERE u.step_id = :step AND u.entry_id = e.id)"
#define SQL_IMAGE \
	"INSERT INTO undo_entries" \
	" (step_id, entry_id, existed, seq, project, note, start, stop)" \
	" SELECT :step, id, 1, seq, project, note, start, stop FROM entries"

/*
 * The statements. name is what error messages show ("stop: database is
 * locked"); sql is prepared once per handle.
 */
static const struct {
	const char *name;
	const char *sql;
} store_stmt_defs[STMT_NUM] = {
	[STMT_BEGIN] = { "begin", "BEGIN IMMEDIATE" },
	[STMT_COMMIT] = { "commit", "COMMIT" },
	[STMT_ROLLBACK] = { "rollback", "ROLLBACK" },
	/* A savepoint nests in a caller's transaction or, outside one,
	 * makes a single change atomic by itself. */
	[STMT_SAVEPOINT] = { "savepoint", "SAVEPOINT store_change" },
	[STMT_RELEASE] = { "release", "RELEASE store_change" },
	[STMT_ROLLBACK_TO] = { "rollback-to", "ROLLBACK TO store_change" },

	/* A write first, so that outside a transaction the write lock is
	 * taken before anything is read (and the busy timeout applies). */
	[STMT_USER_ADD] = { "add-user",
		"INSERT INTO users (jid) VALUES (:owner)"
		" ON CONFLICT (jid) DO NOTHING" },
	[STMT_USER_FIND] = { "find-user",
		"SELECT id FROM users WHERE jid = :owner" },
	[STMT_USER_TZ] = { "user-tz",
		"SELECT tz FROM users WHERE jid = :owner" },
	[STMT_USER_SET_TZ] = { "set-user-tz",
		"UPDATE users SET tz = :tz WHERE id = :uid" },
	/* Who has time in a range ("who"): the hits of every user, one
	 * range of entries_user_start per user (as STMT_LIST_ALL_COUNT
	 * counts them), summed per user and clipped to the range as
	 * SQL_CLIPPED does (a running entry up to :now); count(*) OVER ()
	 * counts the users before LIMIT (-1: none) cuts: one row per user,
	 * not per entry. */
	[STMT_ACTIVE] = { "active-users",
		SQL_HITS("1")
		"SELECT jid, sum(max(min(coalesce(stop, :now), :to)"
		"  - max(start, :from), 0)) AS secs,"
		" max(stop IS NULL), count(*) OVER ()"
		" FROM hits GROUP BY jid ORDER BY secs DESC, jid LIMIT :limit" },

	/* The user's next number, taken in the transaction of the insert
	 * that uses it. */
	[STMT_SEQ_NEXT] = { "next-seq",
		"UPDATE users SET next_seq = next_seq + 1 WHERE id = :uid"
		" RETURNING next_seq - 1" },
	[STMT_ENTRY_ADD] = { "insert",
		"INSERT INTO entries (user_id, seq, project, note, start, stop)"
		" VALUES (:uid, :seq, :project, :note, :start, :stop)"
		" RETURNING id" },
	/* Tags are a set: a repeated one is stored once. */
	[STMT_TAG_ADD] = { "insert-tag",
		"INSERT INTO entry_tags (entry_id, tag) VALUES (:entry, :tag)"
		" ON CONFLICT (entry_id, tag) DO NOTHING" },
	[STMT_RUNNING] = { "running",
		"SELECT " SQL_ENTRY " FROM entries"
		" WHERE user_id = :uid AND stop IS NULL" },
	[STMT_TAGS] = { "tags",
		"SELECT tag FROM entry_tags WHERE entry_id = :entry ORDER BY tag" },
	[STMT_STOP] = { "stop",
		"UPDATE entries SET stop = :stop"
		" WHERE user_id = :uid AND stop IS NULL"
		" RETURNING " SQL_ENTRY },
	[STMT_GET] = { "get",
		"SELECT " SQL_ENTRY " FROM entries"
		" WHERE user_id = :uid AND seq = :seq" },
	/* Backwards along entries_user_start; of entries that started at
	 * the same second, the one added last. */
	[STMT_LAST] = { "last",
		"SELECT " SQL_ENTRY " FROM entries WHERE user_id = :uid"
		" ORDER BY start DESC, seq DESC LIMIT 1" },
	[STMT_ENTRY_SET] = { "update",
		"UPDATE entries SET project = :project, note = :note,"
		" start = :start, stop = :stop WHERE id = :entry" },
	[STMT_TAGS_CLEAR] = { "update-tags",
		"DELETE FROM entry_tags WHERE entry_id = :entry" },
	[STMT_ENTRY_DEL] = { "delete",
		"DELETE FROM entries WHERE id = :entry" },
	/* Any case of :old. */
	[STMT_RENAME] = { "rename",
		"UPDATE entries SET project = :new"
		" WHERE user_id = :uid AND project = :old COLLATE UNOCASE" },
	[STMT_OVERLAP] = { "overlap",
		SQL_HITS("u.id = :uid")
		"SELECT " SQL_ENTRY " FROM hits ORDER BY start, seq LIMIT 1" },
	/*
	 * Listings stream: no statement holds the rows it has read. A
	 * compound SELECT whose arms both come in the order of its ORDER BY
	 * is merged as it is read (SQLite's MERGE (UNION ALL)), and only
	 * entries that start at the same second are sorted among themselves
	 * ("RIGHT PART OF ORDER BY"). No LIMIT and no count(*) OVER ():
	 * entries.c stops at the limit and, only when there is more, counts
	 * all with the *-count statement, which reads the index alone.
	 *
	 * One user's: the stopped hits by start from entries_user_start,
	 * merged with the running one; the caller knows the owner.
	 */
	[STMT_LIST] = { "list",
		SQL_OWN_STOPPED_HITS(SQL_HIT_ENTRY) " AND " SQL_FILTER("e")
		" UNION ALL"
		SQL_OWN_RUNNING_HITS(SQL_HIT_ENTRY) " AND " SQL_FILTER("e")
		" ORDER BY start, seq" },
	[STMT_LIST_COUNT] = { "list-count",
		"SELECT ("
		SQL_OWN_STOPPED_HITS("count(*)") " AND " SQL_FILTER("e")
		") + ("
		SQL_OWN_RUNNING_HITS("count(*)") " AND " SQL_FILTER("e")
		")" },
	/* Every user's, ordered by start, then owner, then number: the
	 * stopped hits by start from entries_start, merged with the running
	 * ones, which are sorted (at most one per user). */
	[STMT_LIST_ALL] = { "list-all",
		SQL_STOPPED_HITS_BY_START(SQL_HIT, SQL_FILTER("e"))
		" UNION ALL"
		SQL_RUNNING_HITS(SQL_HIT, SQL_FILTER("e"))
		" ORDER BY start, jid, seq" },
	/* Counting needs no order: entries_user_start per user (users is
	 * scanned, one row per user), as "active-users" reads them. */
	[STMT_LIST_ALL_COUNT] = { "list-all-count",
		"SELECT ("
		SQL_STOPPED_HITS("count(*)", SQL_FILTER("e"))
		") + ("
		SQL_RUNNING_HITS("count(*)", SQL_FILTER("e"))
		")" },
	/* Grouped without regard to case (UNOCASE); the spelling shown is
	 * that of the group's earliest entry in the range (SQLite takes a
	 * bare column from the row that min() picked), so a later "ACME"
	 * does not rename "acme". */
	[STMT_TOTALS] = { "totals",
		SQL_OVERLAP
		"SELECT project, sum(" SQL_CLIPPED ") AS secs, min(start)"
		" FROM overlap GROUP BY project COLLATE UNOCASE HAVING secs > 0"
		" ORDER BY secs DESC, project COLLATE UNOCASE" },
	[STMT_TOTAL] = { "total",
		SQL_OVERLAP
		"SELECT coalesce(sum(" SQL_CLIPPED "), 0) FROM overlap" },
	/*
	 * Every name the user ever used, spelled as in its earliest entry
	 * of all, joined with the seconds of the range. First each exact
	 * spelling with its earliest start (a scan of the user's part of
	 * entries_user_start, grouped by bytes, which is quick), then the
	 * few spellings of one name together. For a user of 100,000 entries
	 * that took 33 ms here, against 51 ms (ASCII names) to 61 ms (other
	 * names) grouping every entry with UNOCASE, and 48 ms with NOCASE.
	 */
	[STMT_PROJECTS] = { "projects",
		SQL_OVERLAP
		", spellings AS ("
		" SELECT project, min(start) AS first FROM entries"
		" WHERE user_id = :uid GROUP BY project COLLATE BINARY"
		"), names AS ("
		" SELECT project, min(first) FROM spellings"
		" GROUP BY project COLLATE UNOCASE"
		"), secs AS ("
		" SELECT project, sum(" SQL_CLIPPED ") AS secs FROM overlap"
		" GROUP BY project COLLATE UNOCASE"
		") SELECT n.project, coalesce(s.secs, 0) AS total"
		" FROM names AS n LEFT JOIN secs AS s"
		"  ON s.project = n.project COLLATE UNOCASE"
		" ORDER BY total DESC, n.project COLLATE UNOCASE" },
	/* The same for tags. Tags are stored byte-exact, so one entry may
	 * have "x" and "X": DISTINCT counts its time once for the name. */
	[STMT_TAG_TOTALS] = { "tag-totals",
		SQL_OVERLAP
		", spellings AS ("
		" SELECT t.tag, min(e.start) AS first"
		" FROM entries AS e JOIN entry_tags AS t ON t.entry_id = e.id"
		" WHERE e.user_id = :uid GROUP BY t.tag COLLATE BINARY"
		"), names AS ("
		" SELECT tag, min(first) FROM spellings"
		" GROUP BY tag COLLATE UNOCASE"
		"), per AS ("
		" SELECT DISTINCT o.id, t.tag COLLATE UNOCASE AS tag,"
		"  " SQL_CLIPPED " AS secs"
		" FROM overlap AS o JOIN entry_tags AS t ON t.entry_id = o.id"
		"), secs AS ("
		" SELECT tag, sum(secs) AS secs FROM per GROUP BY tag"
		") SELECT n.tag, coalesce(s.secs, 0) AS total"
		" FROM names AS n LEFT JOIN secs AS s"
		"  ON s.tag = n.tag COLLATE UNOCASE"
		" ORDER BY total DESC, n.tag COLLATE UNOCASE" },
	[STMT_ENTRY_COUNT] = { "count",
		"SELECT count(*) FROM entries WHERE user_id = :uid" },
	/* Reports: what an entry counts under. */
	[STMT_REPORT_PROJECT] = { "report-by-project",
		SQL_REPORT("SELECT id, project, start, stop FROM picked") },
	/* An entry without tags counts under none; one with "x" and "X"
	 * once under that name. */
	[STMT_REPORT_TAG] = { "report-by-tag",
		SQL_REPORT("SELECT DISTINCT p.id, t.tag COLLATE UNOCASE, p.start,"
		           " p.stop FROM picked AS p"
		           " JOIN entry_tags AS t ON t.entry_id = p.id") },
	[STMT_REPORT_NONE] = { "report",
		SQL_REPORT("SELECT id, '', start, stop FROM picked") },
	[STMT_BUCKETS_CLEAR] = { "report-buckets",
		"DELETE FROM temp.report_buckets" },
	[STMT_BUCKET_ADD] = { "report-bucket",
		"INSERT INTO temp.report_buckets (i, lo, hi)"
		" VALUES (:i, :lo, :hi)" },

	/* Keeps the :keep latest steps of the user (undo_steps_user). */
	[STMT_STEP_PRUNE] = { "prune-undo",
		"DELETE FROM undo_steps WHERE user_id = :uid AND id <= ("
		" SELECT id FROM undo_steps WHERE user_id = :uid"
		" ORDER BY id DESC LIMIT 1 OFFSET :keep)" },
	[STMT_STEP_ADD] = { "begin-change",
		"INSERT INTO undo_steps (user_id, label, at)"
		" VALUES (:uid, :label, :at) RETURNING id" },
	/* A step that recorded nothing is not worth an undo. */
	[STMT_STEP_DROP_EMPTY] = { "commit-change",
		"DELETE FROM undo_steps WHERE id = :step AND NOT EXISTS"
		" (SELECT 1 FROM undo_entries WHERE step_id = :step)" },
	[STMT_STEP_LATEST] = { "undo",
		"SELECT id, label, at FROM undo_steps WHERE user_id = :uid"
		" ORDER BY id DESC LIMIT 1" },
	/* Its images and their tags go with it (ON DELETE CASCADE). */
	[STMT_STEP_DEL] = { "undo-forget",
		"DELETE FROM undo_steps WHERE id = :step" },
	[STMT_IMAGE_NEW] = { "record-new",
		"INSERT INTO undo_entries (step_id, entry_id, existed)"
		" VALUES (:step, :entry, 0) ON CONFLICT DO NOTHING" },
	[STMT_IMAGE_TAGS] = { "record-tags",
		SQL_IMAGE_TAGS " AND e.id = :entry" },
	[STMT_IMAGE] = { "record",
		SQL_IMAGE " WHERE id = :entry ON CONFLICT DO NOTHING" },
	[STMT_IMAGE_TAGS_PROJECT] = { "record-project-tags",
		SQL_IMAGE_TAGS " AND e.user_id = :uid"
		" AND e.project = :project COLLATE UNOCASE" },
	[STMT_IMAGE_PROJECT] = { "record-project",
		SQL_IMAGE " WHERE user_id = :uid"
		" AND project = :project COLLATE UNOCASE"
		" ON CONFLICT DO NOTHING" },
	/* Undo replaces every entry the step touched by its before-image:
	 * first all of them go (the ones it created for good), then the
	 * images come back under their ids, stopped ones first so that the
	 * running one meets entries_running last, then their tags. */
	[STMT_UNDO_CLEAR] = { "undo-clear",
		"DELETE FROM entries WHERE id IN"
		" (SELECT entry_id FROM undo_entries WHERE step_id = :step)"
		" AND +user_id = :uid" },
	[STMT_UNDO_ENTRIES] = { "undo-restore",
		"INSERT INTO entries"
		" (id, user_id, seq, project, note, start, stop)"
		" SELECT entry_id, :uid, seq, project, note, start, stop"
		" FROM undo_entries WHERE step_id = :step AND existed = 1"
		" ORDER BY stop IS NULL, entry_id" },
	[STMT_UNDO_TAGS] = { "undo-restore-tags",
		"INSERT INTO entry_tags (entry_id, tag)"
		" SELECT entry_id, tag FROM undo_tags WHERE step_id = :step" },

	/* A user's rows handled before :before (handled_messages_at). */
	[STMT_MSG_PRUNE] = { "prune-messages",
		"DELETE FROM handled_messages"
		" WHERE user_id = :uid AND at < :before" },
	/* A key already there fails the primary key: STORE_CONFLICT. */
	[STMT_MSG_ADD] = { "record-message",
		"INSERT INTO handled_messages (user_id, msg_key, at)"
		" VALUES (:uid, :key, :at)" },
	/* The user by the UNIQUE index on jid, the row by the primary key. */
	[STMT_MSG_SEEN] = { "message-seen",
		"SELECT m.reply FROM users AS u"
		" JOIN handled_messages AS m ON m.user_id = u.id"
		" WHERE u.jid = :owner AND m.msg_key = :key" },
	[STMT_MSG_REPLY] = { "save-reply",
		"UPDATE handled_messages SET reply = :reply"
		" WHERE user_id = (SELECT id FROM users WHERE jid = :owner)"
		" AND msg_key = :key" },

	[STMT_INTEGRITY_CHECK] = { "integrity-check", "PRAGMA integrity_check" },
	[STMT_FOREIGN_KEY_CHECK] = { "foreign-key-check",
		"PRAGMA foreign_key_check" },
};

/* Formats into err (if any) and returns STORE_ERR. */
static store_rc errf(char *err, size_t errsz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static store_rc errf(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errsz > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errsz, fmt, ap); /* a cut message is still useful */
		va_end(ap);
	}
	return STORE_ERR;
}

const char *store_stmt_name(enum store_stmt id)
{
	return store_stmt_defs[id].name;
}

sqlite3_stmt *store_stmt(store *st, enum store_stmt id)
{
	int rc;

	if (st->stmts[id] != NULL)
		return st->stmts[id];
	rc = sqlite3_prepare_v3(st->db, store_stmt_defs[id].sql, -1,
	                        SQLITE_PREPARE_PERSISTENT, &st->stmts[id], NULL);
	if (rc != SQLITE_OK) {
		store_failf(st, "%s: %s", store_stmt_defs[id].name,
		            sqlite3_errmsg(st->db));
		sqlite3_finalize(st->stmts[id]);
		st->stmts[id] = NULL;
	}
	return st->stmts[id];
}

void store_reset(sqlite3_stmt *s)
{
	/* The result repeats the last step's error, already handled. */
	(void)sqlite3_reset(s);
	(void)sqlite3_clear_bindings(s);
}

store_rc store_fail(store *st, enum store_stmt id, int rc)
{
	store_failf(st, "%s: %s", store_stmt_defs[id].name,
	            sqlite3_errmsg(st->db));
	if (st->stmts[id] != NULL)
		store_reset(st->stmts[id]);
	return (rc & 0xff) == SQLITE_CONSTRAINT ? STORE_CONFLICT : STORE_ERR;
}

store_rc store_failf(store *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->errmsg, sizeof st->errmsg, fmt, ap); /* may cut */
	va_end(ap);
	return STORE_ERR;
}

store_rc store_exec(store *st, enum store_stmt id)
{
	sqlite3_stmt *s = store_stmt(st, id);
	int rc;

	if (s == NULL)
		return STORE_ERR;
	rc = sqlite3_step(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, id, rc);
	store_reset(s);
	return STORE_OK;
}

store_rc store_savepoint(store *st)
{
	bool outermost = sqlite3_get_autocommit(st->db) != 0;
	store_rc ret;

	if ((ret = store_exec(st, STMT_SAVEPOINT)) != STORE_OK || !outermost)
		return ret;
	/* A change on its own is a transaction of its own, and records the
	 * message it is for as store_begin does. */
	if ((ret = store_msg_record(st)) != STORE_OK)
		store_savepoint_end(st, ret);
	return ret;
}

store_rc store_savepoint_end(store *st, store_rc ret)
{
	static const enum store_stmt undo[] = { STMT_ROLLBACK_TO,
		                                STMT_RELEASE };
	sqlite3_stmt *s;
	size_t i;

	if (ret == STORE_OK && (ret = store_exec(st, STMT_RELEASE)) == STORE_OK)
		return STORE_OK;
	/* SQLite may have rolled everything back already (I/O error, full
	 * disk); then there is no savepoint left. When the savepoint was
	 * the outermost transaction, this ends it. */
	for (i = 0; i < sizeof undo / sizeof undo[0]; i++) {
		if (sqlite3_get_autocommit(st->db))
			break;
		if ((s = store_stmt(st, undo[i])) == NULL)
			break;
		(void)sqlite3_step(s);
		store_reset(s);
	}
	return ret;
}

size_t store_utf8_prefix(const char *s, size_t max)
{
	size_t n = strnlen(s, max + 1);

	if (n <= max)
		return n;
	n = max;
	/* s[n] is the first byte left out: while it continues a character,
	 * that character's start is left out too. */
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

int store_bind_text(sqlite3_stmt *s, const char *name, const char *v,
                    size_t lim)
{
	/* SQLITE_STATIC: every statement is reset before v can go away. */
	return sqlite3_bind_text(s, sqlite3_bind_parameter_index(s, name), v,
	                         (int)strnlen(v, lim), SQLITE_STATIC);
}

int store_bind_int64(sqlite3_stmt *s, const char *name, int64_t v)
{
	return sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, name), v);
}

int store_bind_null(sqlite3_stmt *s, const char *name)
{
	return sqlite3_bind_null(s, sqlite3_bind_parameter_index(s, name));
}

int store_bind_span(sqlite3_stmt *s, int64_t from, int64_t to, int64_t now)
{
	int rc = store_bind_int64(s, ":from", from);

	if (rc == SQLITE_OK)
		rc = store_bind_int64(s, ":to", to);
	if (rc == SQLITE_OK)
		rc = store_bind_int64(s, ":now", now);
	return rc;
}

bool store_copy_text(char *dst, size_t dstsz, sqlite3_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s, col);
	int n = sqlite3_column_bytes(s, col);

	if (t == NULL) {
		/* NULL is out of memory or an SQL NULL, which no column read
		 * here holds; empty text reads as "". */
		if (sqlite3_errcode(sqlite3_db_handle(s)) == SQLITE_NOMEM)
			return false;
		n = 0;
	}
	if (n < 0 || (size_t)n >= dstsz)
		return false;
	memcpy(dst, t != NULL ? (const char *)t : "", (size_t)n);
	dst[n] = '\0';
	return true;
}

/* Runs sql (any number of statements, no results) on db; what names it. */
static store_rc exec_sql(sqlite3 *db, const char *sql, const char *what,
                         char *err, size_t errsz)
{
	char *msg = NULL;
	store_rc rc = STORE_OK;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		rc = errf(err, errsz, "%s: %s", what,
		          msg != NULL ? msg : sqlite3_errmsg(db));
	}
	sqlite3_free(msg);
	return rc;
}

/* The integer in the first column of the first row of sql. */
static store_rc query_int(sqlite3 *db, const char *sql, int *out, char *err,
                          size_t errsz)
{
	sqlite3_stmt *s = NULL;
	int rc;

	rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW) {
			*out = sqlite3_column_int(s, 0);
			rc = SQLITE_OK;
		}
	}
	if (rc != SQLITE_OK)
		errf(err, errsz, "%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_finalize(s);
	return rc == SQLITE_OK ? STORE_OK : STORE_ERR;
}

/*
 * One step towards sc->version, inside the caller's write transaction: the
 * whole schema on an empty database, else the next migration. The version
 * is read again here because another process may have moved it between
 * the caller's look and the lock.
 */
static store_rc schema_step(sqlite3 *db, const struct store_schema *sc,
                            char *err, size_t errsz)
{
	const char *step;
	char bump[64];
	char what[64];
	int v, n;

	if (query_int(db, "PRAGMA user_version", &v, err, errsz) != STORE_OK)
		return STORE_ERR;
	if (v >= sc->version)
		return STORE_OK; /* done meanwhile; the caller looks again */
	if (v < 0)
		return errf(err, errsz, "invalid database schema version %d", v);

	if (v == 0) {
		if (query_int(db, "SELECT count(*) FROM sqlite_schema", &n,
		              err, errsz) != STORE_OK)
			return STORE_ERR;
		if (n > 0)
			return errf(err, errsz, "the database has tables but no "
			            "schema version: not a timmy database");
		if (exec_sql(db, sc->sql, "schema", err, errsz) != STORE_OK)
			return STORE_ERR;
		if (query_int(db, "PRAGMA user_version", &v, err, errsz) !=
		    STORE_OK)
			return STORE_ERR;
		if (v != sc->version)
			return errf(err, errsz, "the schema sets user_version %d, "
			            "not %d", v, sc->version);
		return STORE_OK;
	}

	step = sc->migrations != NULL ? sc->migrations[v - 1] : NULL;
	if (step == NULL)
		return errf(err, errsz, "no migration from schema version %d "
		            "to %d", v, v + 1);
	snprintf(what, sizeof what, "migration from schema version %d", v);
	if (exec_sql(db, step, what, err, errsz) != STORE_OK)
		return STORE_ERR;
	/* PRAGMA takes no bound parameters; the value is our own integer. */
	snprintf(bump, sizeof bump, "PRAGMA user_version = %d", v + 1);
	return exec_sql(db, bump, what, err, errsz);
}

store_rc store_schema_apply(sqlite3 *db, const struct store_schema *sc,
                            char *err, size_t errsz)
{
	int v;

	for (;;) {
		if (query_int(db, "PRAGMA user_version", &v, err, errsz) !=
		    STORE_OK)
			return STORE_ERR;
		if (v == sc->version)
			return STORE_OK;
		if (v > sc->version)
			return errf(err, errsz, "database schema version %d is "
			            "newer than this timmy (%d)", v, sc->version);
		if (exec_sql(db, "BEGIN IMMEDIATE", "schema: begin", err,
		             errsz) != STORE_OK)
			return STORE_ERR;
		if (schema_step(db, sc, err, errsz) != STORE_OK ||
		    exec_sql(db, "COMMIT", "schema: commit", err, errsz) !=
		            STORE_OK) {
			/* The first error is the one to report. */
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return STORE_ERR;
		}
	}
}

/*
 * The connection settings, before anything else touches the file:
 * - WAL: readers never block the writer nor the writer them;
 * - synchronous=NORMAL: in WAL mode a commit survives a crash of the
 *   process (not of the machine), with one fsync per checkpoint instead
 *   of one per commit: ~26,000 commits/s here against ~6,000 with FULL;
 * - foreign keys, off by default in SQLite, so entry_tags' references and
 *   its ON DELETE CASCADE hold.
 */
int store_temp_setup(sqlite3 *db)
{
	/* A report's buckets: a few hundred rows at most. */
	return sqlite3_exec(db,
	    "CREATE TEMP TABLE report_buckets (i INTEGER PRIMARY KEY,"
	    " lo INTEGER NOT NULL, hi INTEGER NOT NULL);"
	    "CREATE INDEX temp.report_buckets_hi ON report_buckets (hi);",
	    NULL, NULL, NULL);
}

static store_rc configure(sqlite3 *db, char *err, size_t errsz)
{
	sqlite3_stmt *s = NULL;
	char mode[16] = "";
	int rc;

	/* SQLITE_OPEN_READWRITE quietly falls back to read-only when the
	 * file is write-protected; better to say so now than at the first
	 * command. */
	if (sqlite3_db_readonly(db, "main") == 1)
		return errf(err, errsz, "opened read-only: check the "
		            "permissions of the file and its directory");
	if (sqlite3_busy_timeout(db, 5000) != SQLITE_OK)
		return errf(err, errsz, "busy timeout: %s", sqlite3_errmsg(db));

	/* The pragma answers with the mode in force, which stays the old
	 * one where WAL is not possible. */
	rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &s, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (sqlite3_column_text(s, 0) != NULL)
			snprintf(mode, sizeof mode, "%s",
			         (const char *)sqlite3_column_text(s, 0));
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_OK) {
		errf(err, errsz, "journal_mode: %s", sqlite3_errmsg(db));
		sqlite3_finalize(s);
		return STORE_ERR;
	}
	sqlite3_finalize(s);
	/* ":memory:" has no WAL; its mode is "memory". */
	if (strcmp(mode, "wal") != 0 && strcmp(mode, "memory") != 0)
		return errf(err, errsz, "journal_mode: WAL is not available "
		            "here (the mode is %s)", mode);

	if (exec_sql(db, "PRAGMA synchronous = NORMAL", "synchronous", err,
	             errsz) != STORE_OK ||
	    exec_sql(db, "PRAGMA foreign_keys = ON", "foreign_keys", err,
	             errsz) != STORE_OK)
		return STORE_ERR;
	return STORE_OK;
}

store_rc store_open(const char *path, store **out, char *err, size_t errsz)
{
	char why[STORE_ERRMSG_MAX] = "";
	store *st;
	int rc;

	*out = NULL;
	if (path == NULL)
		return errf(err, errsz, "no database path");
	st = calloc(1, sizeof *st);
	if (st == NULL)
		return errf(err, errsz, "%s: out of memory", path);

	rc = sqlite3_open_v2(path, &st->db,
	                     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		/* Without a handle (out of memory) only the code is left. */
		errf(why, sizeof why, "%s", st->db != NULL ?
		     sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	if ((rc = store_unocase_register(st->db)) != SQLITE_OK) {
		errf(why, sizeof why, "collation: %s", sqlite3_errstr(rc));
		goto fail;
	}
	if (configure(st->db, why, sizeof why) != STORE_OK ||
	    store_schema_apply(st->db, &store_schema_current, why,
	                       sizeof why) != STORE_OK)
		goto fail;
	if ((rc = store_temp_setup(st->db)) != SQLITE_OK) {
		errf(why, sizeof why, "temporary tables: %s",
		     sqlite3_errmsg(st->db));
		goto fail;
	}
	*out = st;
	return STORE_OK;

fail:
	store_close(st);
	return errf(err, errsz, "%s: %s", path, why);
}

/*
 * The URI that opens path read-only, and immutable (see
 * store_open_readonly) when immutable is true: an sqlite3_str string the
 * caller frees with sqlite3_free, NULL when out of memory. Every byte of
 * path but letters, digits and "/-._~" is %-escaped, so the name is taken
 * as it is: a "?" or "#" in it starts no query, and "file:" at its start
 * means nothing special (Debian's SQLite is built with SQLITE_USE_URI,
 * which takes a plain name starting so for a URI). An absolute path gets
 * the empty authority, so that one starting with "//" is no host name.
 * https://www.sqlite.org/uri.html
 */
static char *readonly_uri(const char *path, bool immutable)
{
	sqlite3_str *u = sqlite3_str_new(NULL);
	const unsigned char *p;

	sqlite3_str_appendall(u, path[0] == '/' ? "file://" : "file:");
	for (p = (const unsigned char *)path; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/-._~", *p) != NULL)
			sqlite3_str_appendchar(u, 1, (char)*p);
		else
			sqlite3_str_appendf(u, "%%%02X", (unsigned)*p);
	}
	sqlite3_str_appendall(u, immutable ? "?mode=ro&immutable=1" :
	                                     "?mode=ro");
	return sqlite3_str_finish(u);
}

/*
 * Refuses db unless it is a timmy database of this binary's schema
 * version, reading only. On failure *sqlrc is SQLite's extended result
 * code (SQLITE_OK when SQLite did not fail but the file is wrong).
 */
static store_rc readonly_check(sqlite3 *db, int *sqlrc, char *err,
                               size_t errsz)
{
	int v, n;

	*sqlrc = SQLITE_OK;
	if (query_int(db, "PRAGMA user_version", &v, err, errsz) != STORE_OK) {
		*sqlrc = sqlite3_extended_errcode(db);
		return STORE_ERR;
	}
	if (v > STORE_SCHEMA_VERSION)
		return errf(err, errsz, "database schema version %d is newer "
		            "than this timmy (%d)", v, STORE_SCHEMA_VERSION);
	if (v > 0 && v < STORE_SCHEMA_VERSION)
		return errf(err, errsz, "database schema version %d is older "
		            "than this timmy (%d): the bot brings it up to date "
		            "when it starts", v, STORE_SCHEMA_VERSION);
	if (query_int(db, "SELECT count(*) FROM sqlite_schema"
	              " WHERE type = 'table'"
	              " AND name IN ('users', 'entries', 'entry_tags')",
	              &n, err, errsz) != STORE_OK) {
		*sqlrc = sqlite3_extended_errcode(db);
		return STORE_ERR;
	}
	if (v == 0 || n != 3)
		return errf(err, errsz, "not a timmy database");
	return STORE_OK;
}

/*
 * Opens uri read-only into st->db and checks it (readonly_check, which
 * sets *sqlrc). After a failure *wal_gone says whether the database has
 * no -wal file.
 */
static store_rc readonly_try(store *st, const char *uri, int *sqlrc,
                             bool *wal_gone, char *err, size_t errsz)
{
	const char *wal;
	int rc;

	rc = sqlite3_open_v2(uri, &st->db,
	                     SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
	*sqlrc = rc;
	if (rc != SQLITE_OK)
		return errf(err, errsz, "%s", st->db != NULL ?
		            sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
	sqlite3_extended_result_codes(st->db, 1);
	if ((rc = store_unocase_register(st->db)) != SQLITE_OK)
		return errf(err, errsz, "collation: %s", sqlite3_errstr(rc));
	/* A reader waits out a writer's WAL recovery or restart. */
	if (sqlite3_busy_timeout(st->db, 5000) != SQLITE_OK)
		return errf(err, errsz, "busy timeout: %s",
		            sqlite3_errmsg(st->db));
	if (readonly_check(st->db, sqlrc, err, errsz) == STORE_OK) {
		if ((rc = store_temp_setup(st->db)) != SQLITE_OK)
			return errf(err, errsz, "temporary tables: %s",
			            sqlite3_errmsg(st->db));
		return STORE_OK;
	}
	wal = sqlite3_filename_wal(sqlite3_db_filename(st->db, "main"));
	*wal_gone = wal != NULL && access(wal, F_OK) != 0 && errno == ENOENT;
	return STORE_ERR;
}

/*
 * Read-only and WAL. A connection reads a WAL database through its -wal
 * file and the -shm wal-index:
 * - while the bot runs, both exist, and since SQLite 3.22 (Debian 12 has
 *   3.40) a read-only connection needs only to read them;
 * - when nobody has the database open, a clean close has removed both.
 *   SQLITE_OPEN_READONLY then creates them again where the directory is
 *   writable, and leaves them (no changes in them; the bot's next open
 *   uses them; SQLite running as root gives them the database's owner).
 *   Without write access to the directory the first read fails with
 *   SQLITE_READONLY_DIRECTORY, and SQLite's documented way out is the
 *   immutable URI parameter: no locks, no -shm, no -wal. It is taken only
 *   then, and only when no -wal file exists: no connection has the
 *   database open, every change is in the main file. Were the bot to
 *   start meanwhile, its changes would go to a new -wal and reach the
 *   main file only at a checkpoint (1000 pages, or its close), so a read
 *   of seconds is safe in practice.
 * https://www.sqlite.org/wal.html#readonly
 * https://www.sqlite.org/walformat.html (after "SQLITE_FCNTL_PERSIST_WAL")
 * https://www.sqlite.org/uri.html#uriimmutable
 *
 * Writes through the handle fail in SQLite (SQLITE_READONLY), so every
 * change returns STORE_ERR; store_begin says no by itself.
 */
store_rc store_open_readonly(const char *path, store **out, char *err,
                             size_t errsz)
{
	char why[STORE_ERRMSG_MAX] = "";
	bool immutable, wal_gone = false;
	struct stat sb;
	store_rc ret;
	store *st;
	char *uri;
	int sqlrc;

	*out = NULL;
	if (path == NULL || path[0] == '\0')
		return errf(err, errsz, "no database path");
	/* SQLite's "unable to open database file" does not say why; and
	 * nothing is created here. */
	if (stat(path, &sb) != 0)
		return errf(err, errsz, "%s: %s", path, strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return errf(err, errsz, "%s: not a regular file", path);
	st = calloc(1, sizeof *st);
	if (st == NULL)
		return errf(err, errsz, "%s: out of memory", path);

	for (immutable = false;; immutable = true) {
		if ((uri = readonly_uri(path, immutable)) == NULL) {
			errf(why, sizeof why, "out of memory");
			break;
		}
		ret = readonly_try(st, uri, &sqlrc, &wal_gone, why, sizeof why);
		sqlite3_free(uri);
		if (ret == STORE_OK) {
			*out = st;
			return STORE_OK;
		}
		/* Again as immutable only when there is no -wal file and
		 * no right to make the -shm. */
		if (immutable || !wal_gone ||
		    ((sqlrc & 0xff) != SQLITE_READONLY &&
		     (sqlrc & 0xff) != SQLITE_CANTOPEN))
			break;
		sqlite3_close(st->db);
		st->db = NULL;
	}
	store_close(st);
	return errf(err, errsz, "%s: %s", path, why);
}

void store_close(store *st)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < STMT_NUM; i++)
		sqlite3_finalize(st->stmts[i]);
	/* Every statement is finalized, so this cannot be busy; a last
	 * checkpoint folds the WAL into the file. */
	sqlite3_close(st->db);
	free(st);
}

int store_schema_version(void)
{
	return STORE_SCHEMA_VERSION;
}

const char *store_errmsg(const store *st)
{
	return st->errmsg;
}

store_rc store_begin(store *st)
{
	store_rc ret;

	st->step = 0; /* a plain transaction records no undo step */
	/* On a read-only handle SQLite's BEGIN IMMEDIATE quietly begins a
	 * read transaction; one for changes is better refused at once. */
	if (sqlite3_db_readonly(st->db, "main") == 1)
		return store_failf(st, "%s: the database is open read-only",
		                   store_stmt_name(STMT_BEGIN));
	if ((ret = store_exec(st, STMT_BEGIN)) != STORE_OK)
		return ret;
	/* The message this change is for, in the same transaction. */
	if ((ret = store_msg_record(st)) != STORE_OK)
		store_rollback(st);
	return ret;
}

/*
 * Commits; a step of store_begin_change that recorded nothing (the
 * command changed no entry) is dropped first, so that undo never reverts
 * a step that did nothing.
 */
store_rc store_commit(store *st)
{
	sqlite3_stmt *s;
	store_rc ret;
	int rc;

	if (st->step != 0 && !sqlite3_get_autocommit(st->db)) {
		if ((s = store_stmt(st, STMT_STEP_DROP_EMPTY)) == NULL)
			return STORE_ERR;
		rc = store_bind_int64(s, ":step", st->step);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(s);
		if (rc != SQLITE_DONE)
			return store_fail(st, STMT_STEP_DROP_EMPTY, rc);
		store_reset(s);
	}
	ret = store_exec(st, STMT_COMMIT);
	if (ret == STORE_OK)
		st->step = 0;
	return ret;
}

void store_rollback(store *st)
{
	char first[STORE_ERRMSG_MAX];
	sqlite3_stmt *s;
	int rc;

	if (st == NULL)
		return;
	st->step = 0;
	/* No transaction (none begun, or SQLite already rolled it back after
	 * an error): nothing to do. */
	if (sqlite3_get_autocommit(st->db))
		return;
	s = store_stmt(st, STMT_ROLLBACK);
	if (s == NULL)
		return;
	rc = sqlite3_step(s);
	if (rc != SQLITE_DONE) {
		/* Keep the error that made the caller roll back, first; a
		 * cut message is still useful. */
		memcpy(first, st->errmsg, sizeof first);
		store_failf(st, "%s; rollback: %s", first,
		            sqlite3_errmsg(st->db));
	}
	store_reset(s);
}

/* Steps s to its end; false (with the error recorded) on failure. */
static bool drain(store *st, enum store_stmt id, sqlite3_stmt *s, int rc)
{
	while (rc == SQLITE_ROW)
		rc = sqlite3_step(s);
	if (rc != SQLITE_DONE) {
		store_fail(st, id, rc);
		return false;
	}
	store_reset(s);
	return true;
}

/*
 * PRAGMA integrity_check (which says "ok" when the file is sound) and, as
 * it does not look at references, PRAGMA foreign_key_check (no rows when
 * they hold). STORE_ERR with the first problem in errmsg otherwise.
 */
store_rc store_check(store *st)
{
	const unsigned char *text;
	sqlite3_stmt *s;
	bool sound = true;
	int rc;

	if ((s = store_stmt(st, STMT_INTEGRITY_CHECK)) == NULL)
		return STORE_ERR;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		text = sqlite3_column_text(s, 0);
		if (text == NULL || strcmp((const char *)text, "ok") != 0) {
			store_failf(st, "integrity-check: %s", text != NULL ?
			            (const char *)text : "(no text)");
			sound = false;
		}
	}
	if (!drain(st, STMT_INTEGRITY_CHECK, s, rc))
		return STORE_ERR;
	if (!sound)
		return STORE_ERR;

	if ((s = store_stmt(st, STMT_FOREIGN_KEY_CHECK)) == NULL)
		return STORE_ERR;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		/* Columns: table, rowid (NULL without one), parent, fk id. */
		const unsigned char *parent = sqlite3_column_text(s, 2);

		text = sqlite3_column_text(s, 0);
		store_failf(st, "foreign-key-check: a row of %s refers to a "
		            "missing row of %s",
		            text != NULL ? (const char *)text : "?",
		            parent != NULL ? (const char *)parent : "?");
		sound = false;
	}
	if (!drain(st, STMT_FOREIGN_KEY_CHECK, s, rc))
		return STORE_ERR;
	return sound ? STORE_OK : STORE_ERR;
}

store_rc store_prepare_all(store *st)
{
	size_t i;

	for (i = 0; i < STMT_NUM; i++) {
		if (store_stmt(st, (enum store_stmt)i) == NULL)
			return STORE_ERR;
	}
	return STORE_OK;
}

store_rc store_explain(store *st, enum store_stmt id, char *out, size_t outsz)
{
	const unsigned char *detail;
	sqlite3_stmt *s, *x = NULL;
	store_rc ret = STORE_OK;
	size_t len = 0;
	char *sql;
	int rc, n;

	if (outsz == 0)
		return store_failf(st, "explain: no room for the plan");
	out[0] = '\0';
	if ((s = store_stmt(st, id)) == NULL)
		return STORE_ERR;
	/* Our own SQL text, not a value: formatting is right here. */
	sql = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sqlite3_sql(s));
	if (sql == NULL)
		return store_failf(st, "explain: out of memory");
	rc = sqlite3_prepare_v2(st->db, sql, -1, &x, NULL);
	sqlite3_free(sql);
	if (rc != SQLITE_OK) {
		store_failf(st, "explain %s: %s", store_stmt_name(id),
		            sqlite3_errmsg(st->db));
		sqlite3_finalize(x);
		return STORE_ERR;
	}
	/* Columns: id, parent, (unused), detail. */
	while ((rc = sqlite3_step(x)) == SQLITE_ROW) {
		detail = sqlite3_column_text(x, 3);
		n = snprintf(out + len, outsz - len, "%s\n",
		             detail != NULL ? (const char *)detail : "");
		if (n < 0 || (size_t)n >= outsz - len) {
			ret = store_failf(st, "explain: the plan is longer than "
			                  "%zu bytes", outsz);
			break;
		}
		len += (size_t)n;
	}
	if (ret == STORE_OK && rc != SQLITE_DONE)
		ret = store_failf(st, "explain: %s", sqlite3_errmsg(st->db));
	sqlite3_finalize(x);
	return ret;
}

store_rc store_explain_totals(store *st, char *out, size_t outsz)
{
	return store_explain(st, STMT_TOTALS, out, outsz);
}
