/*
 * storage/store.h - all of timmy's persistent state, in one SQLite file.
 *
 * Dependency rule: this module includes <sqlite3.h> and nothing of XMPP or
 * of commands/. Callers see plain C structs and small return codes; an
 * SQLite error message is kept in the handle (store_errmsg) for the
 * caller's log and never meant for a chat reply.
 *
 * Times are UTC epoch seconds. A user is identified by a bare JID
 * ("owner"); every query is scoped by owner, so no call can read or change
 * another user's rows.
 */
#ifndef TIMMY_STORE_H
#define TIMMY_STORE_H

#include <stddef.h>
#include <stdint.h>

/* Limits in bytes (UTF-8), enforced by schema.sql's CHECK constraints too. */
#define STORE_OWNER_MAX 3071   /* RFC 7622: localpart + '@' + domainpart */
#define STORE_PROJECT_MAX 64
#define STORE_TAG_MAX 32
#define STORE_TAGS_MAX 8       /* tags per entry */
#define STORE_NOTE_MAX 1000
#define STORE_TZ_MAX 64        /* users.tz, an IANA zone name */

typedef struct store store;

typedef enum {
	STORE_OK = 0,
	STORE_NOTFOUND, /* no such row (or it belongs to someone else) */
	STORE_CONFLICT, /* a constraint said no: e.g. a second running timer */
	STORE_ERR       /* SQLite failed; store_errmsg() says why */
} store_rc;

/* One time entry. stop == 0 means the timer is still running. */
struct store_entry {
	int64_t id;
	char project[STORE_PROJECT_MAX + 1];
	char tags[STORE_TAGS_MAX][STORE_TAG_MAX + 1];
	int ntags;
	char note[STORE_NOTE_MAX + 1];
	int64_t start;
	int64_t stop;
};

/*
 * Opens (creating if needed) the database at PATH, sets WAL, foreign keys
 * and a busy timeout, and brings the schema to store_schema_version():
 * applies schema.sql to an empty file, runs the migrations on an older one,
 * refuses a newer one. ":memory:" works for tests.
 * On success *out is set and owned by the caller (store_close).
 * On failure returns STORE_ERR and writes the reason to err.
 */
store_rc store_open(const char *path, store **out, char *err, size_t errsz);
void store_close(store *st);

/* Schema version this binary writes (PRAGMA user_version). */
int store_schema_version(void);

/* The last error as "statement-name: sqlite message"; borrowed, valid until
 * the next call on st. */
const char *store_errmsg(const store *st);

/* PRAGMA integrity_check; STORE_OK when the file is sound. */
store_rc store_check(store *st);

/*
 * Transactions. store_begin starts BEGIN IMMEDIATE so a change never meets
 * a lock half-way. Every change a command makes happens between store_begin
 * and store_commit; on any failure the caller calls store_rollback.
 */
store_rc store_begin(store *st);
store_rc store_commit(store *st);
void store_rollback(store *st);

/*
 * The running entry of owner into *out (when out is not NULL), or
 * STORE_NOTFOUND. Tags come back sorted by their bytes.
 */
store_rc store_running(store *st, const char *owner, struct store_entry *out);

/*
 * Inserts e (e->id is ignored) for owner; *id gets the new row id when id is
 * not NULL. e->stop == 0 makes it the running entry: STORE_CONFLICT when
 * owner already has one (the database enforces this).
 * Tags are a set: a tag given twice is stored once. Strings over their
 * STORE_*_MAX, an empty project or tag, more than STORE_TAGS_MAX tags, or
 * stop before start: STORE_CONFLICT, and nothing is written.
 * Atomic by itself; inside store_begin/store_commit, part of that
 * transaction.
 */
store_rc store_insert(store *st, const char *owner,
                      const struct store_entry *e, int64_t *id);

/*
 * Stops owner's running entry at time stop and copies the stopped entry to
 * *out when out is not NULL. STORE_NOTFOUND when nothing runs;
 * STORE_CONFLICT when stop is before the entry's start.
 */
store_rc store_stop(store *st, const char *owner, int64_t stop,
                    struct store_entry *out);

/*
 * Totals per project of owner's time inside [from, to): each entry counts
 * only its part inside the range, a running entry counts up to now.
 * Grouped and summed in SQL. Calls cb once per project, largest first;
 * the project string is borrowed for the call only. Nothing is called for
 * projects with zero seconds in the range. Projects group
 * case-insensitively (ASCII), under the spelling of their earliest entry
 * in the range.
 * cb must not use st. An owner who never wrote has no totals: STORE_OK.
 */
typedef void (*store_total_cb)(const char *project, int64_t secs, void *arg);
store_rc store_totals(store *st, const char *owner, int64_t from, int64_t to,
                      int64_t now, store_total_cb cb, void *arg);

/* The sum of the same, all projects together, into *secs. */
store_rc store_total(store *st, const char *owner, int64_t from, int64_t to,
                     int64_t now, int64_t *secs);

/* Number of entries of owner (all time), into *n. */
store_rc store_count(store *st, const char *owner, int64_t *n);

/*
 * For tests and benchmarks: the query plan (EXPLAIN QUERY PLAN) of
 * store_totals' query into out, one step per line. STORE_ERR when it does
 * not fit in outsz bytes.
 */
store_rc store_explain_totals(store *st, char *out, size_t outsz);

#endif
