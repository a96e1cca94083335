/*
 * storage/store_sql.h - SQL text that several queries share: the columns
 * of an entry, the entries that overlap a range (and their clipped
 * seconds), the hits of a listing, and the filter of reports and
 * exports. Each statement itself is beside the function that runs it.
 *
 * Project and tag names compare, group and sort with COLLATE UNOCASE
 * (collate.c, registered on every connection): without regard to case,
 * Unicode's as well as ASCII's. Every comparison of names says so itself:
 * the column entries.project keeps the NOCASE of schema.sql, which folds
 * ASCII alone (the schema cannot name a collation of ours, collate.c says
 * why), and a bare "project = :x" would use that. Values are always bound
 * as named parameters, never formatted into SQL.
 *
 * Dependency rule: text only; included by the .c files of storage/.
 */
#ifndef TIMMY_STORE_SQL_H
#define TIMMY_STORE_SQL_H

/* The columns of an entry, in the order store_read_entry (entries.c) reads. */
#define SQL_ENTRY "id, seq, project, note, start, stop"

/*
 * The longest duration among the stopped entries of user uid (an SQL
 * expression), from the end of entries_user_duration; NULL when there are
 * none.
 */
#define SQL_LONGEST(uid) \
	"(SELECT max(stop - start) FROM entries WHERE user_id = " uid ")"

/*
 * The seconds of the breaks of entry id (an SQL expression naming the
 * entry's id) inside [lo, hi), an open one up to :now: one range of
 * entry_breaks' primary key, which has no row for an entry without
 * breaks. lo and hi must not name a bare start or stop: inside, those are
 * the break's (k).
 */
#define SQL_BREAKS(id, lo, hi) \
	"(SELECT coalesce(sum(max(min(coalesce(k.stop, :now), " hi ")" \
	"  - max(k.start, " lo "), 0)), 0)" \
	" FROM entry_breaks AS k WHERE k.entry_id = " id ")"

/*
 * The part of the entries of :uid inside [:from, :to), as the rows
 * (id, project, start, stop, brk) of "overlap":
 * - stopped entries that overlap the range. None lasts longer than the
 *   user's longest entry, so none that starts before :from minus that
 *   length reaches :from: with that bound the search is one range of
 *   entries_user_start, whatever the size of the user's history, instead
 *   of every entry before :to;
 * - the running entry (entries_running), stopping at :now.
 * brk is the seconds of the entry's breaks inside the range (SQL_BREAKS).
 * SQL_CLIPPED is the worked seconds of one such row inside the range; it
 * is never negative, so a running entry that starts after :now counts
 * nothing.
 */
#define SQL_OVERLAP \
	"WITH overlap (id, project, start, stop, brk) AS (" \
	" SELECT id, project, start, stop," \
	"  " SQL_BREAKS("entries.id", ":from", ":to") " FROM entries" \
	"  WHERE user_id = :uid AND stop IS NOT NULL" \
	"   AND start < :to AND stop > :from" \
	"   AND start >= :from - " SQL_LONGEST(":uid") \
	" UNION ALL" \
	" SELECT id, project, start, :now," \
	"  " SQL_BREAKS("entries.id", ":from", ":to") " FROM entries" \
	"  WHERE user_id = :uid AND stop IS NULL" \
	") "
#define SQL_CLIPPED "max(min(stop, :to) - max(start, :from) - brk, 0)"

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
 * A listed hit's tags and breaks, two more columns of its own row
 * (store_read_listed reads them), where a statement each per entry cost
 * two round trips a row on PostgreSQL. Tags as "LEN:TAG" one after the
 * other, LEN the tag's bytes, so that a tag may hold any character;
 * breaks as "START:STOP", separated by spaces, STOP empty while the
 * break runs; both in no order, NULL for none. Only the aggregate and the length in bytes are spelt apart
 * (SQLite 3.40 has no string_agg, PostgreSQL no group_concat).
 */
#define SQL_LISTED_OF(agg, bytes) \
	", (SELECT " agg "(CAST(" bytes " AS text) || ':' || t.tag, '')" \
	"   FROM entry_tags AS t WHERE t.entry_id = e.id)" \
	", (SELECT " agg "(CAST(b.start AS text) || ':' ||" \
	"   coalesce(CAST(b.stop AS text), ''), ' ')" \
	"   FROM entry_breaks AS b WHERE b.entry_id = e.id)"
#define SQL_LISTED SQL_LISTED_OF("group_concat", "length(CAST(t.tag AS BLOB))")
#define SQL_LISTED_PG SQL_LISTED_OF("string_agg", "octet_length(t.tag)")

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
	SQL_STOPPED_HITS(SQL_HIT, who " AND e.seq IS DISTINCT FROM :except") \
	" UNION ALL" \
	SQL_RUNNING_HITS(SQL_HIT, who " AND e.seq IS DISTINCT FROM :except") \
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
	"   AND t.tag = f.column1 COLLATE UNOCASE)))" \
	" AND (:without_tag IS NULL OR NOT EXISTS (" \
	" SELECT 1 FROM entry_tags AS t WHERE t.entry_id = " e ".id" \
	"  AND t.tag = :without_tag COLLATE UNOCASE))"

/*
 * The rows of :rows (store_rows in store_int.h: a JSON array of arrays
 * of integers), each inner array a row: SELECT SQL_JSON_INT(0), ...
 * SQL_JSON_ROWS on SQLite, the _PG spellings on PostgreSQL.
 */
#define SQL_JSON_INT(k) "value ->> " #k
#define SQL_JSON_ROWS " FROM json_each(:rows)"
#define SQL_JSON_INT_PG(k) "CAST(r ->> " #k " AS bigint)"
#define SQL_JSON_ROWS_PG " FROM jsonb_array_elements(CAST(:rows AS jsonb)) AS r"

/*
 * The tags an entry (alias e) counts under: each that differs from its
 * others in more than case, under its byte-wise least spelling; one row
 * with t.tag NULL when it has none. Chosen, not left to DISTINCT under
 * UNOCASE: which row of equals DISTINCT keeps is SQLite's first and
 * PostgreSQL's any, and the report over entries and the rollup must
 * spell a tag alike (tests/unit/test_rollup.c's random histories, on
 * PostgreSQL, found "x" against "X").
 */
#define SQL_TAGS_ONCE(e) \
	" LEFT JOIN entry_tags AS t ON t.entry_id = " e ".id" \
	" WHERE t.tag IS NULL OR NOT EXISTS (SELECT 1 FROM entry_tags AS u" \
	"  WHERE u.entry_id = " e ".id AND u.tag < t.tag" \
	"  AND u.tag = t.tag COLLATE UNOCASE)"

/*
 * What an entry of "picked" counts under in a report, as the rows (id,
 * name, start, stop) of "named": its project, each of its tags
 * (SQL_TAGS_ONCE; an entry without tags under '', no tag being empty),
 * or nothing ('').
 */
#define SQL_NAMED_PROJECT "SELECT id, project, start, stop FROM picked"
#define SQL_NAMED_TAG \
	"SELECT p.id," \
	" coalesce(t.tag, '') COLLATE UNOCASE, p.start, p.stop" \
	" FROM picked AS p" \
	SQL_TAGS_ONCE("p")
#define SQL_NAMED_NONE "SELECT id, '', start, stop FROM picked"

/*
 * The rows of a report from "parts" (i, name, secs: a bucket's seconds
 * of a name; SQL_REPORT_ROWS_OF: from another such table, keeping the
 * groups whose expression kept is above 0) and "spelling" (each folded name as spelled in its earliest
 * entry of the range): (name, seconds, bucket) in the order store.h says.
 * s.name is the spelling of the group: SQLite takes a column beside an
 * aggregate from one row of the group, which here all join the one
 * spelling of their folded name.
 */
#define SQL_REPORT_ROWS SQL_REPORT_ROWS_OF("parts", "total")
#define SQL_REPORT_ROWS_OF(parts, kept) \
	" SELECT s.name, sum(p.secs) AS total, p.i" \
	" FROM " parts " AS p" \
	" JOIN spelling AS s ON s.name = p.name COLLATE UNOCASE" \
	" GROUP BY p.i, p.name COLLATE UNOCASE HAVING " kept " > 0" \
	" ORDER BY p.i, total DESC, s.name COLLATE UNOCASE"

/*
 * "spelling" on PostgreSQL, which refuses SQLite's bare column beside
 * min() (the name of the row whose start is the least): each folded name
 * of from (rows of name and start, an aliased table or subquery) as
 * spelled in its earliest row, once.
 */
#define SQL_SPELLING_PG(from) \
	" SELECT DISTINCT first_value(name) OVER (" \
	"  PARTITION BY name COLLATE UNOCASE ORDER BY start) AS name" \
	" FROM " from

/*
 * SQL_REPORT_ROWS on PostgreSQL: grouped by the one spelling of each
 * folded name (SQL_SPELLING_PG), which is that name; HAVING names the
 * sum, not its alias.
 */
#define SQL_REPORT_ROWS_PG SQL_REPORT_ROWS_PG_OF("parts", "sum(p.secs)")
#define SQL_REPORT_ROWS_PG_OF(parts, kept) \
	" SELECT s.name, sum(p.secs) AS total, p.i" \
	" FROM " parts " AS p" \
	" JOIN spelling AS s ON s.name = p.name COLLATE UNOCASE" \
	" GROUP BY p.i, s.name HAVING " kept " > 0" \
	" ORDER BY p.i, total DESC, s.name COLLATE UNOCASE"

#endif
