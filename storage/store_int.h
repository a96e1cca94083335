/*
 * storage/store_int.h - what the files of storage/ share, and its tests.
 *
 * Dependency rule: included only by the .c files of storage/ and by
 * tests/unit/test_store.c; everyone else sees store.h.
 */
#ifndef TIMMY_STORE_INT_H
#define TIMMY_STORE_INT_H

#include <stdbool.h>

#include <sqlite3.h>

#include "store.h"

/*
 * The prepared statements, one per query. store.c holds each one's name and
 * SQL; a statement is prepared on first use, kept until store_close and
 * reset after every use.
 */
enum store_stmt {
	STMT_BEGIN,
	STMT_COMMIT,
	STMT_ROLLBACK,
	STMT_SAVEPOINT,
	STMT_RELEASE,
	STMT_ROLLBACK_TO,
	/* users.c */
	STMT_USER_ADD,
	STMT_USER_FIND,
	STMT_USER_TZ,
	STMT_USER_SET_TZ,
	STMT_ACTIVE,
	/* entries.c */
	STMT_SEQ_NEXT,
	STMT_ENTRY_ADD,
	STMT_TAG_ADD,
	STMT_RUNNING,
	STMT_TAGS,
	STMT_STOP,
	STMT_GET,
	STMT_LAST,
	STMT_ENTRY_SET,
	STMT_TAGS_CLEAR,
	STMT_ENTRY_DEL,
	STMT_RENAME,
	STMT_OVERLAP,
	STMT_LIST,
	STMT_LIST_COUNT,
	STMT_LIST_ALL,
	STMT_LIST_ALL_COUNT,
	STMT_TOTALS,
	STMT_TOTAL,
	STMT_PROJECTS,
	STMT_PROJECT_RENAMES,
	STMT_TAG_TOTALS,
	STMT_ENTRY_COUNT,
	/* report.c */
	STMT_REPORT_PROJECT,
	STMT_REPORT_TAG,
	STMT_REPORT_NONE,
	STMT_BUCKETS_CLEAR,
	STMT_BUCKET_ADD,
	/* undo.c */
	STMT_STEP_PRUNE,
	STMT_STEP_ADD,
	STMT_STEP_DROP_EMPTY,
	STMT_STEP_LATEST,
	STMT_STEP_DEL,
	STMT_IMAGE_NEW,
	STMT_IMAGE_TAGS,
	STMT_IMAGE,
	STMT_IMAGE_TAGS_PROJECT,
	STMT_IMAGE_PROJECT,
	STMT_UNDO_CLEAR,
	STMT_UNDO_ENTRIES,
	STMT_UNDO_TAGS,
	/* messages.c */
	STMT_MSG_PRUNE,
	STMT_MSG_ADD,
	STMT_MSG_CAP,
	STMT_MSG_SEEN,
	STMT_MSG_REPLY,
	/* store.c */
	STMT_INTEGRITY_CHECK,
	STMT_FOREIGN_KEY_CHECK,
	STMT_NUM /* the number of statements */
};

#define STORE_ERRMSG_MAX 512

struct store {
	sqlite3 *db;
	sqlite3_stmt *stmts[STMT_NUM];
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
};

/*
 * Creates this connection's temporary tables (in memory): the buckets of
 * the report being made (report.c). SQLITE_OK or SQLite's code.
 */
int store_temp_setup(sqlite3 *db);

/*
 * The cached statement id, prepared if it is not yet; NULL on failure, with
 * the reason in st->errmsg. Borrowed: reset it after use (store_reset).
 */
sqlite3_stmt *store_stmt(store *st, enum store_stmt id);

/* The name of statement id, as error messages show it. */
const char *store_stmt_name(enum store_stmt id);

/* Resets s and clears its bindings, so it holds no lock and no pointer. */
void store_reset(sqlite3_stmt *s);

/*
 * Records "name: SQLite's message" for a failure rc of statement id and
 * resets that statement. Returns STORE_CONFLICT when a constraint said no
 * (UNIQUE, CHECK, a trigger's RAISE), else STORE_ERR.
 */
store_rc store_fail(store *st, enum store_stmt id, int rc);

/*
 * Steps statement id, which returns no rows, to its end and resets it.
 * STORE_OK, or what store_fail says.
 */
store_rc store_exec(store *st, enum store_stmt id);

/*
 * The savepoint around one change: atomic by itself outside a transaction,
 * a part of the caller's inside one, where a refusal undoes only itself.
 * store_savepoint_end releases it when ret is STORE_OK (returning what
 * that gives), else rolls back to it quietly (keeping the error that led
 * there) and returns ret.
 */
store_rc store_savepoint(store *st);
store_rc store_savepoint_end(store *st, store_rc ret);

/* Records a message of our own; returns STORE_ERR. */
store_rc store_failf(store *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Binds text v (at most lim bytes of it are read, so a missing NUL cannot
 * run past a buffer of lim bytes), an integer, or NULL to the parameter
 * named name of s. Return SQLite's result code.
 */
int store_bind_text(sqlite3_stmt *s, const char *name, const char *v,
                    size_t lim);
int store_bind_int64(sqlite3_stmt *s, const char *name, int64_t v);
int store_bind_null(sqlite3_stmt *s, const char *name);

/* Binds :from, :to and :now, the range and clock of the range queries. */
int store_bind_span(sqlite3_stmt *s, int64_t from, int64_t to, int64_t now);

/*
 * Copies text column col of the current row of s into dst, dstsz bytes
 * with the NUL. False when it does not fit, which the schema's CHECK
 * constraints rule out, or when SQLite ran out of memory converting it.
 */
bool store_copy_text(char *dst, size_t dstsz, sqlite3_stmt *s, int col);

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

/* Prepares every statement (tests: all SQL compiles against the schema). */
store_rc store_prepare_all(store *st);

/*
 * The query plan (EXPLAIN QUERY PLAN) of statement id into out, one step
 * per line; STORE_ERR when it does not fit in outsz bytes. For tests that
 * hold the queries to their indexes.
 */
store_rc store_explain(store *st, enum store_stmt id, char *out, size_t outsz);

/*
 * migrations.c: the SQL that turns a version-k database into version k + 1
 * is store_migration_k (see struct store_schema).
 */
extern const char store_migration_1[];
extern const char store_migration_2[];
extern const char store_migration_3[];
extern const char store_migration_4[];

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

/* ---- entries.c ---- */

/*
 * Steps s, statement id with its parameters bound, through its rows of
 * (name, seconds) or, for reports, (name, seconds, bucket index), and
 * passes each to total or to report, whichever is not NULL (neither: the
 * rows are only read); name is borrowed for the call. Resets s; STORE_OK,
 * or STORE_ERR when a step or a name fails.
 */
store_rc store_name_rows(store *st, enum store_stmt id, sqlite3_stmt *s,
                         store_total_cb total, store_report_cb report,
                         void *arg);

/* ---- filter.c ---- */

/*
 * STORE_OK when f (NULL: no filter) can be bound: at most
 * STORE_FILTER_MAX projects and tags, none of them NULL; else STORE_ERR
 * with the reason, named after what.
 */
store_rc store_filter_check(store *st, const char *what,
                            const struct store_filter *f);

/*
 * Binds a checked f (NULL: none) to the parameters of SQL_FILTER (store.c)
 * in s: :p1... the projects, :t1... the tags. Strings are borrowed until
 * s is reset. SQLite's result code.
 */
int store_bind_filter(sqlite3_stmt *s, const struct store_filter *f);

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

#endif
