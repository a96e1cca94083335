/*
 * storage/store_int.h - what the files of storage/ share: the handle, the
 * statement cache and the helpers that bind, step and read; and what the
 * SQLite-specific tests look at.
 *
 * Dependency rule: included only by the .c files of storage/ and by
 * tests/unit/test_sqlite.c; everyone else sees store.h (tests of the
 * interface also store_test.h).
 */
#ifndef TIMMY_STORE_INT_H
#define TIMMY_STORE_INT_H

#include <stdbool.h>

#include <sqlite3.h>

#include "../lib/text.h"
#include "db.h"
#include "pg.h"
#include "store.h"

/*
 * A statement: name is what error messages show ("stop: database is
 * locked") and what tests look a query plan up by; sql is prepared once
 * per handle, on first use, and kept until store_close (store_sql_prepare).
 * Declare one with STORE_SQL in the function that runs it, so that the
 * SQL sits beside the code that binds and steps it (the way of Fossil's
 * db_static_prepare); store_sql.h holds the fragments queries share.
 */
struct store_sql {
	const char *name;
	const char *sql;
	/* PostgreSQL's text when it cannot run sql (pg.c translates only
	 * what differs in spelling); NULL: sql on both; "": SQLite's alone
	 * (a PRAGMA), never prepared on PostgreSQL. */
	const char *pg_sql;
};

/*
 * Declares the static statement var. A pointer to it also goes into the
 * linker set "store_sql_set" (as FreeBSD's linker sets do it: the
 * linker gathers the section from every object and names its ends), so
 * that store_prepare_all and store_explain reach every statement without
 * a list of them to keep. A section whose name is a C identifier is left
 * alone by the sanitizers, and holds only pointers: no padding between
 * the entries of two objects.
 */
#define STORE_SQL(var, name, sql) STORE_SQL_PG(var, name, sql, NULL)

/*
 * A statement with a text of its own for PostgreSQL, pg_sql, where one
 * text cannot say the same on both engines (SQLite's bare column beside
 * min(), which PostgreSQL refuses, or an upsert that PostgreSQL wants
 * grouped first): keep both beside the code that runs them, and say
 * why. STORE_SQL_SQLITE is a statement of SQLite's alone (a PRAGMA),
 * which the code never runs on PostgreSQL; STORE_SQL_PG_ONLY one of
 * PostgreSQL's alone, never run on SQLite.
 */
#define STORE_SQL_PG(var, name, sql, pg_sql) \
	static const struct store_sql var = { name, sql, pg_sql }; \
	static const struct store_sql *const var##_in_set \
		__attribute__((section("store_sql_set"), used)) = &var
#define STORE_SQL_SQLITE(var, name, sql) STORE_SQL_PG(var, name, sql, "")
#define STORE_SQL_PG_ONLY(var, name, pg_sql) STORE_SQL_PG(var, name, "", pg_sql)

#define STORE_ERRMSG_MAX 512

/* Room for the prepared statements of a handle: every STORE_SQL (134
 * of them), with room to spare, an open-addressed table kept at most
 * about half full. */
#define STORE_STMTS_MAX 256

struct store {
	/* The connection: SQLite's, or PostgreSQL's (pg.c) when pg is not
	 * NULL; db.h's calls go to the one there is. */
	sqlite3 *db;
	struct pg_link *pg;
	/* PostgreSQL: where it is (owned copies; the password wiped when
	 * freed), for the second connection of a snapshot. */
	char *pg_conninfo;
	char *pg_password;
	/* The statements prepared on this handle, by the address of their
	 * struct store_sql (store_sql_prepare); q NULL in a free slot. */
	struct {
		const struct store_sql *q;
		db_stmt *s;
	} stmts[STORE_STMTS_MAX];
	char errmsg[STORE_ERRMSG_MAX];
	/* The undo step of the change under way (store_change_label, its
	 * undo_steps.id) and whose it is; 0 when none. Cleared by
	 * store_commit, store_rollback and store_begin; only trusted while a
	 * transaction is open. */
	int64_t step;
	int64_t step_uid;
	/* sqlite3_total_changes64 when the open transaction began
	 * (store_begin): store_change_commit keeps only a transaction that
	 * changed rows after that. */
	int64_t begun_changes;
	/* The zone of the days of a new rollup for a user without one of
	 * their own (store_set_default_zone); "" for UTC. */
	char zone[STORE_TZ_MAX + 1];
	/* Reports ignore the rollup (store_test.h's store_rollup_use). */
	bool rollup_off;
	/* Savepoints open (store_savepoint), and whether the outermost is a
	 * transaction by itself (none was open): then its release commits,
	 * and builds the rollup first. */
	int savepoints;
	bool savepoint_alone;
	/* The last day of a zone looked up (rollup.c's day_of): [day_lo,
	 * day_hi) of day_zone, whose start and next day's start are
	 * day_first and day_next; day_hi 0 when none. */
	char day_zone[STORE_TZ_MAX + 1];
	int64_t day_lo, day_hi, day_first, day_next;
	/* store_change_hold: store_change_commit leaves a change whose key
	 * it recorded open for store_change_release (messages.c). */
	bool hold;
	/* A write transaction of store_begin's is open (until store_commit
	 * or store_rollback). */
	bool writing;
	/* The user row found or added last in that transaction (users.c's
	 * store_user_find and store_user_get): its JID and id, "" when none.
	 * Cleared at every store_begin, store_commit, store_rollback and
	 * rollback to a savepoint, which may take the row with it. */
	char user_jid[STORE_OWNER_MAX + 1];
	int64_t user_id;
};

/*
 * Creates this connection's temporary tables (in memory): the buckets of
 * the report being made (report.c). SQLITE_OK or SQLite's code.
 */
int store_temp_setup(sqlite3 *db);

/*
 * The statement q, prepared on st if it is not yet; NULL on failure, with
 * the reason in st->errmsg. Borrowed: reset it after use (store_reset,
 * or store_sql_done).
 */
db_stmt *store_sql_prepare(store *st, const struct store_sql *q);

/* The text of q for st's engine (its pg_sql on PostgreSQL when it has
 * one); NULL, the error kept, when q is the other engine's alone. For a
 * statement prepared apart from the handle's set (a cursor's own). */
const char *store_sql_text(store *st, const struct store_sql *q);

/*
 * Records "name: the engine's message" for a failure rc of statement q and
 * resets q's statement. Returns STORE_CONFLICT when a constraint said no
 * (UNIQUE, CHECK, a trigger's RAISE), else STORE_ERR.
 */
store_rc store_sql_fail(store *st, const struct store_sql *q, int rc);

/*
 * The one way a statement is stepped to its end: s, statement q with its
 * parameters bound, from where rc says it is: DB_OK (binding went
 * well, nothing stepped yet) or DB_ROW (a row was read) steps on,
 * skipping any rows, DB_DONE is the end; anything else (a failed bind
 * or step) is a failure. Resets s; STORE_OK, or what store_sql_fail says.
 */
store_rc store_sql_done(store *st, const struct store_sql *q,
                        db_stmt *s, int rc);

/*
 * Steps s, statement q with its parameters bound, to its first row, from
 * where rc says (as store_sql_done): STORE_OK with the row ready to read
 * (reset s after), STORE_NOTFOUND when there is none (s reset), else what
 * store_sql_fail says.
 */
store_rc store_sql_row(store *st, const struct store_sql *q,
                       db_stmt *s, int rc);

/*
 * The number in the first column of the one row of s, statement q whose
 * parameters are bound (rc: how binding went, as store_sql_done), into
 * *n, stepping on to the end (a count, a max). No row is a failure.
 * Resets s.
 */
store_rc store_sql_number(store *st, const struct store_sql *q,
                          db_stmt *s, int rc, int64_t *n);

/*
 * Runs s, statement q, an INSERT whose parameters are bound (rc: how
 * binding went, as store_sql_done), to its end, and the rowid of the row
 * it inserted into *rowid (sqlite3_last_insert_rowid: the rows that a
 * trigger of the INSERT adds do not count once it is done). Instead of
 * "RETURNING id", which SQLite runs through an ephemeral table of its
 * own: measured with callgrind, a start cost some 20,000 instructions
 * less for each RETURNING it lost (the entry's id, its number, the undo
 * step's id). Resets s.
 */
store_rc store_sql_insert(store *st, const struct store_sql *q,
                          db_stmt *s, int rc, int64_t *rowid);

/*
 * Statement q, prepared, with :uid bound to uid: the queries scoped by
 * the owner's user id. NULL on failure (STORE_ERR), with the reason in
 * st->errmsg. Borrowed, as store_sql_prepare's.
 */
db_stmt *store_sql_uid(store *st, const struct store_sql *q,
                            int64_t uid);

/*
 * Runs q with :owner bound to owner, a bare JID (one longer than
 * STORE_OWNER_MAX is bound one byte over it, so that it matches no row):
 * with row NULL to its end (store_sql_done), else to its first row
 * (store_sql_row) with the statement, ready to read, in *row (reset it
 * after). An owner NULL is a failure, "name: no owner".
 */
store_rc store_sql_owner(store *st, const struct store_sql *q,
                         const char *owner, db_stmt **row);

/* Runs q, which takes no parameters, to its end (store_sql_done). */
store_rc store_sql_run(store *st, const struct store_sql *q);

/* Forgets the user row of the open transaction (struct store's
 * user_jid). */
void store_user_forget(store *st);

/* store_begin's write transaction is over, or another kind begins: no
 * longer writing, and its user row forgotten. */
void store_write_over(store *st);

/* Resets s and clears its bindings, so it holds no lock and no pointer. */
void store_reset(db_stmt *s);

/*
 * The savepoint around one change: atomic by itself outside a transaction,
 * a part of the caller's inside one, where a refusal undoes only itself.
 * store_savepoint_end releases it when ret is STORE_OK (returning what
 * that gives), else rolls back to it quietly (keeping the error that led
 * there) and returns ret.
 */
store_rc store_savepoint(store *st);
store_rc store_savepoint_end(store *st, store_rc ret);

/*
 * Formats into err (errsz bytes; nothing when err is NULL or errsz 0, and
 * a cut message is still useful) and returns STORE_ERR: the errors of
 * opening, before there is a handle to keep them.
 */
store_rc store_errf(char *err, size_t errsz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Records a message of our own; returns STORE_ERR. */
store_rc store_failf(store *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Binds text v (at most lim bytes of it are read, so a missing NUL cannot
 * run past a buffer of lim bytes), an integer, or NULL to the parameter
 * named name of s. Return db.h's result code.
 */
int store_bind_text(db_stmt *s, const char *name, const char *v,
                    size_t lim);
int store_bind_int64(db_stmt *s, const char *name, int64_t v);
int store_bind_null(db_stmt *s, const char *name);

/*
 * Rows of ncols integers each, gathered into one JSON text (rows.c) that
 * a statement reading SQL_JSON_ROWS (store_sql.h) from its parameter
 * :rows turns into rows: init with room for max_rows, add each row (v:
 * ncols numbers), run the statement with them (STORE_OK, or STORE_ERR
 * with the reason, too many rows among them), clear for more, free.
 */
struct store_rows {
	struct text text;
	size_t n;
	int ncols;
};
void store_rows_init(struct store_rows *r, size_t max_rows, int ncols);
void store_rows_add(struct store_rows *r, const int64_t *v);
store_rc store_rows_run(store *st, const struct store_sql *q,
                        struct store_rows *r);
void store_rows_clear(struct store_rows *r);
void store_rows_free(struct store_rows *r);

/* Binds :from, :to and :now, the range and clock of the range queries. */
int store_bind_span(db_stmt *s, int64_t from, int64_t to, int64_t now);

/*
 * Copies text column col of the current row of s into dst, dstsz bytes
 * with the NUL. False when it does not fit, which the schema's CHECK
 * constraints rule out, or when SQLite ran out of memory converting it.
 */
bool store_copy_text(char *dst, size_t dstsz, db_stmt *s, int col);

/*
 * A schema and the steps that bring older databases to it:
 * migrations[k - 1] is the SQL that turns version k into k + 1, for k from 1
 * to version - 1 (the array may end with a NULL sentinel).
 */
struct store_schema {
	int version;
	const char *sql; /* the whole schema; sets PRAGMA user_version */
	const char *const *migrations;
};

/*
 * Brings db to sc->version: an empty database gets sc->sql, an older one
 * the migrations in order, each step in its own BEGIN IMMEDIATE transaction
 * that also sets user_version. A newer database, or one with tables but no
 * version, is refused. Returns STORE_OK, or STORE_ERR with the reason in
 * err. store_open uses it with the embedded schema.sql; tests with their
 * own schemas.
 */
store_rc store_schema_apply(sqlite3 *db, const struct store_schema *sc,
                            char *err, size_t errsz);

/*
 * Runs sql (any number of statements, no results) on db, for settings
 * and schema changes; STORE_ERR with "what: SQLite's message" in err.
 */
store_rc store_exec_sql(sqlite3 *db, const char *sql, const char *what,
                        char *err, size_t errsz);

/*
 * Refuses db unless it is a timmy database of schema version version,
 * reading only: older, newer, without a version or without timmy's
 * tables, STORE_ERR with the reason in err. On failure *sqlrc is SQLite's
 * extended result code (SQLITE_OK when SQLite did not fail but the file
 * is wrong).
 */
store_rc store_schema_check(sqlite3 *db, int version, int *sqlrc, char *err,
                            size_t errsz);

/*
 * The query plan (EXPLAIN QUERY PLAN) of the statement called name into
 * out, one step per line; STORE_ERR when there is no such statement or
 * the plan does not fit in outsz bytes. For tests that hold the queries
 * to their indexes.
 */
store_rc store_explain(store *st, const char *name, char *out, size_t outsz);

/*
 * migrations.c: the SQL that turns a version-k database into version k + 1
 * is store_migration_k (see struct store_schema).
 */
extern const char store_migration_1[];
extern const char store_migration_2[];
extern const char store_migration_3[];
extern const char store_migration_4[];
extern const char store_migration_5[];
extern const char store_migration_6[];
extern const char store_migration_7[];
extern const char store_migration_8[];
extern const char store_migration_9[];
extern const char store_migration_10[];

/* ---- messages.c: the age limit ---- */

/*
 * Runs q, a DELETE of the rows made before :before, with :before
 * STORE_MSG_DAYS days before now: the age limit of the message keys and
 * of the nudges sent. *removed (may be NULL) gets how many went.
 */
store_rc store_prune_aged(store *st, const struct store_sql *q, int64_t now,
                          int64_t *removed);

/* ---- collate.c: UNOCASE, how names compare ---- */

/*
 * Registers the collation UNOCASE on db (every connection of store_open
 * and store_open_readonly has it); SQLite's result code. The queries
 * compare, group and order project and tag names with it.
 */
int store_unocase_register(sqlite3 *db);

/*
 * UNOCASE's comparison of a (na bytes) and b (nb bytes), neither needing
 * a NUL: negative, 0 or positive as a sorts before, with or after b.
 * Without regard to case by one-to-one Unicode case mappings; invalid
 * UTF-8 compares byte by byte, after every character. A total order
 * (collate.c says how).
 */
int store_unocase_cmp(const void *a, size_t na, const void *b, size_t nb);

/* Whether UNOCASE folds beyond ASCII: false when the C.UTF-8 locale is
 * missing, and then it folds like NOCASE. */
bool store_unocase_unicode(void);

/* ---- store_pg.c ---- */

/* store_snapshot_open on PostgreSQL: a second connection in a
 * REPEATABLE READ transaction. */
store_rc store_pg_snapshot(store *st, store **out);

/* ---- entry_read.c: reading entries ---- */

/* Puts e's tags in their one order (by name without regard to case,
 * then by bytes), whoever read them. */
void store_tags_sort(struct store_entry *e);

/* Statement q prepared with :entry bound to entry; NULL (the error
 * kept) when that failed. */
db_stmt *store_entry_stmt(store *st, const struct store_sql *q,
                          int64_t entry);

/*
 * Copies the columns of SQL_ENTRY (id, seq, project, note, start, stop;
 * stop NULL reads as 0, running) of the current row of s into *e, tags
 * left empty. False when a text does not fit.
 */
bool store_read_entry(db_stmt *s, struct store_entry *e);

/* Reads the tags of entry e->id into e, in the one order of store.h. */
store_rc store_tags_load(store *st, struct store_entry *e);

/*
 * Reads the tags and breaks of the current row of s, a listing's
 * SQL_LISTED columns col and col + 1, into e (after store_read_entry),
 * as store_tags_load would. False when they are not as SQL_LISTED makes
 * them or e has no room for them.
 */
bool store_read_listed(db_stmt *s, int col, struct store_entry *e);

/*
 * Steps s, statement q with its parameters bound (rc: how binding went,
 * as store_sql_done), which yields at most one entry (a SELECT, or an
 * UPDATE ... RETURNING that changes at most one row, stepped to its end):
 * STORE_NOTFOUND when it yields none, else the entry with its tags in *e.
 * s is reset either way.
 */
store_rc store_one_entry(store *st, const struct store_sql *q,
                         db_stmt *s, int rc, struct store_entry *e);

/* ---- listing.c ---- */

/*
 * Steps s, statement q with its parameters bound, through its rows of
 * (name, seconds) or, for reports, (name, seconds, bucket index), and
 * passes each to total or to report, whichever is not NULL (neither: the
 * rows are only read); name is borrowed for the call. Resets s; STORE_OK,
 * or STORE_ERR when a step or a name fails.
 */
store_rc store_name_rows(store *st, const struct store_sql *q,
                         db_stmt *s, store_total_cb total,
                         store_report_cb report, void *arg);

/* ---- filter.c ---- */

/*
 * STORE_OK when f (NULL: no filter) can be bound: at most
 * STORE_FILTER_MAX projects and tags, none of them NULL; else STORE_ERR
 * with the reason, named after what.
 */
store_rc store_filter_check(store *st, const char *what,
                            const struct store_filter *f);

/*
 * Binds a checked f (NULL: none) to the parameters of SQL_FILTER (store_sql.h)
 * in s: :p1... the projects, :t1... the tags. Strings are borrowed until
 * s is reset. db.h's result code.
 */
int store_bind_filter(db_stmt *s, const struct store_filter *f);

/* ---- users.c ---- */

/* Owner's user id into *uid; STORE_NOTFOUND when owner never wrote. */
store_rc store_user_find(store *st, const char *owner, int64_t *uid);

/* Owner's user id into *uid, adding the user row if there is none. */
store_rc store_user_get(store *st, const char *owner, int64_t *uid);

/* ---- undo.c: recording before-images into the open step ---- */

/* The undo step open for user uid in the current transaction, 0 if none. */
int64_t store_step(store *st, int64_t uid);

/* Records in step that the entry with row id entry is new: undo deletes it. */
store_rc store_record_created(store *st, int64_t step, int64_t entry);

/*
 * Record in step the before-image (row and tags) of the entry with row id
 * entry, or of all uid's entries of project (case-insensitively). An
 * entry the step already holds an image of keeps that first one.
 */
store_rc store_record_entry(store *st, int64_t step, int64_t entry);
store_rc store_record_project(store *st, int64_t step, int64_t uid,
                              const char *project);

/* The one of project, tag and none that by names; NULL for no such
 * grouping (report.c). */
const struct store_sql *store_sql_by(enum store_group by,
                                     const struct store_sql *project,
                                     const struct store_sql *tag,
                                     const struct store_sql *none);

/*
 * Binds :maxlen and the filter f to s, report statement q whose other
 * parameters are bound (rc: how that went, as store_sql_done), and passes
 * its rows (name, seconds, bucket) to cb (report.c).
 */
store_rc store_report_rows(store *st, const struct store_sql *q,
                           db_stmt *s, int rc, int64_t maxlen,
                           const struct store_filter *f,
                           store_report_cb cb, void *arg);

/* ---- rollup.c, rollup_check.c, rollup_report.c: per-day rollups ---- */

/*
 * The first second of the day of zone that holds t, and of the day after
 * the one that starts at day: the partition of time into a rollup's days.
 */
int64_t store_day_first(store *st, const char *zone, int64_t t);
int64_t store_day_next(store *st, const char *zone, int64_t day);

/*
 * The zone user uid's rollup was built in, into zone (n bytes): STORE_OK,
 * or STORE_NOTFOUND when they have none (or, when ready_only, when spans
 * of theirs are pending, so that it does not yet equal the entries).
 */
store_rc store_rollup_zone(store *st, int64_t uid, bool ready_only,
                           char *zone, size_t n);

/*
 * Recomputes the days of every pending span (rollup_dirty), and drops
 * those: called in the transaction of every change before it commits
 * (store_commit, store_savepoint_end). The users the migration left
 * pending are built only when all (the check) or when they change.
 * Nothing on a read-only handle.
 */
store_rc store_rollup_flush(store *st, bool all);

/*
 * Builds the pending spans, the migration's rows (2, 0) included
 * (store_rollup_flush with all), in a savepoint of its own: committed
 * when there is no transaction around it, and nothing of it left when it
 * fails. Costs what is pending, not the history (store_check_quick, and
 * the first step of store_rollup_check). Nothing on a read-only handle.
 */
store_rc store_rollup_build_pending(store *st);

/* Builds the pending rollups, then compares each user's with one built
 * afresh from the entries (store_check). */
store_rc store_rollup_check(store *st);

/* The users who have a rollup, ascending, into *ids (the caller frees
 * it) and their number into *n; and a rebuild of user uid's rollup in
 * the zone it was built in (both for the check). */
store_rc store_rollup_built_users(store *st, int64_t **ids, size_t *n);
store_rc store_rollup_rebuild_user(store *st, int64_t uid);

/*
 * A report of user uid from the rollup where it has whole days, as
 * store_report says; STORE_NOTFOUND when the rollup cannot answer it (no
 * rollup, pending spans, a tag filter, no whole day in any bucket), and
 * the caller reads the entries.
 */
store_rc store_rollup_report(store *st, int64_t uid, const int64_t *bounds,
                             int nbounds, int64_t now, enum store_group by,
                             const struct store_filter *f,
                             store_report_cb cb, void *arg);

#endif
