/*
 * storage/store.h - all of timmy's persistent state: the storage
 * interface, and the only door into storage/.
 *
 * Dependency rule: plain C only. No type, SQL text, row number or error
 * code of a database crosses this header: callers see plain C structs
 * and small return codes, so that another backend could fill it. The one
 * implementation, and the default, keeps everything in one SQLite file
 * (the .c files of storage/; store_int.h is its inside). A backend's
 * error message is kept in the handle (store_errmsg) for the caller's log
 * and never meant for a chat reply.
 *
 * Times are UTC epoch seconds. A user is identified by a bare JID
 * ("owner"); every query is scoped by owner, so no call can read or change
 * another user's rows. The exceptions are for administrators:
 * store_list_filtered with no owner, an export of everyone's entries, and
 * store_active, who has time in a range.
 *
 * Names are kept exactly as given, byte for byte, and compared without
 * regard to case, Unicode's as well as ASCII's: "Ärger", "ärger" and
 * "ÄRGER" are one project, "Σ", "σ" and "ς" one letter, wherever a name
 * is looked up (filters, renames) or grouped (totals, projects, tags,
 * reports); a group is spelled as its earliest entry. Only one-to-one
 * case mappings apply (Unicode's simple case folding, from glibc's
 * tables): "ß" and "ẞ" are one, "Straße" and "STRASSE" are two, and "ﬁ"
 * is not "fi". Nothing is normalized: a precomposed "ä" and "a" with a
 * combining diaeresis differ. Bytes that are not UTF-8 compare as
 * themselves. Names sort by their folded characters (for ASCII names as
 * SQLite's NOCASE sorts them), not by any language's rules. Where the
 * C.UTF-8 locale is missing, only ASCII letters fold (storage/collate.c).
 *
 * Tags follow the same rule where they are looked up or grouped: the
 * filter "+design" finds an entry tagged "Design", and store_tags and
 * reports by tag put "Design" and "design" together. An entry's own tags
 * are stored as spelled, a set of exact spellings; commands/ add a tag
 * only when the entry has no spelling of it and remove every spelling
 * (store_same_name), but an entry may still carry "x" and "X" (older
 * builds allowed it); its time then counts once for that name.
 */
#ifndef TIMMY_STORE_H
#define TIMMY_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits in bytes (UTF-8), enforced by the store too (in SQLite by
 * schema.sql's CHECK constraints). */
#define STORE_OWNER_MAX 3071   /* RFC 7622: localpart + '@' + domainpart */
#define STORE_PROJECT_MAX 64
#define STORE_TAG_MAX 32
#define STORE_TAGS_MAX 8       /* tags per entry */
#define STORE_NOTE_MAX 1000
#define STORE_TZ_MAX 64        /* users.tz, an IANA zone name */
#define STORE_BREAKS_MAX 16    /* breaks per entry */

typedef struct store store;

typedef enum {
	STORE_OK = 0,
	STORE_NOTFOUND, /* no such row (or it belongs to someone else) */
	STORE_CONFLICT, /* a constraint said no: e.g. a second running timer */
	STORE_ERR       /* the store failed; store_errmsg() says why */
} store_rc;

/*
 * A break of an entry: time inside it that is not work. stop == 0 is the
 * open break of a paused timer (at most one, only in the running entry).
 * An entry's breaks lie inside it and do not overlap (the store refuses
 * anything else with STORE_CONFLICT).
 */
struct store_break {
	int64_t start;
	int64_t stop;
};

/* One time entry. stop == 0 means the timer is still running. */
struct store_entry {
	int64_t id;  /* the store's own identifier of the entry: unique in
	                the store, never reused, kept by undo; never shown
	                to users (an export names the entry by it) */
	int64_t seq; /* the owner's own number for it (1, 2, ...), shown as #seq;
	                never reused, even after a delete */
	char project[STORE_PROJECT_MAX + 1];
	char tags[STORE_TAGS_MAX][STORE_TAG_MAX + 1];
	int ntags;
	char note[STORE_NOTE_MAX + 1];
	int64_t start;
	int64_t stop;
	/* Its breaks, oldest first, as every read gives them; store_insert
	 * and store_update ignore them (store_pause, store_resume and
	 * store_add_break change them). */
	struct store_break breaks[STORE_BREAKS_MAX];
	int nbreaks;
};

/*
 * The seconds of e's breaks inside [from, to), an open one up to now
 * (INT64_MIN and INT64_MAX: the whole entry). Needs no store.
 */
int64_t store_break_secs(const struct store_entry *e, int64_t from,
                         int64_t to, int64_t now);

/* The worked seconds of e: its span (a running one up to now, never
 * less than 0) without its breaks. Needs no store. */
int64_t store_worked_secs(const struct store_entry *e, int64_t now);

/*
 * Opens (creating if needed) the database at path and brings its schema
 * to store_schema_version(): the whole schema on an empty database, the
 * migrations on an older one; a newer one is refused. ":memory:" is a
 * private database that lives until store_close, for tests. (SQLite: the
 * file gets WAL, foreign keys and a busy timeout; schema.sql is the
 * schema.)
 * On success *out is set and owned by the caller (store_close).
 * On failure returns STORE_ERR and writes the reason to err.
 */
store_rc store_open(const char *path, store **out, char *err, size_t errsz);
void store_close(store *st);

/* The engines a database may live in. */
enum store_backend {
	STORE_SQLITE,     /* a file of its own: the default */
	STORE_POSTGRESQL  /* a database on a PostgreSQL server */
};

/* Where a database is. */
struct store_where {
	enum store_backend backend;
	/* SQLite: the file's path. PostgreSQL: libpq's connection string,
	 * a postgresql:// URL or key=value words. */
	const char *path;
	/* PostgreSQL: the password (from a file of its own), or NULL when
	 * the connection string or libpq's own files provide it. Never
	 * part of a message. */
	const char *password;
};

/*
 * Opens the database w names, as store_open does (readonly false) or
 * store_open_readonly (true). On PostgreSQL the schema is
 * storage/schema-pg.sql, with the same version as schema.sql's; an empty
 * database gets it, under an advisory lock, so that two timmy processes
 * starting at once do not both create it.
 */
store_rc store_connect(const struct store_where *w, bool readonly,
                       store **out, char *err, size_t errsz);

/* ---- Copying a database into another (timmy migrate) ---- */

#define STORE_COPY_TABLES_MAX 32

/* What store_copy copied and found equal on both sides. */
struct store_copy_report {
	int ntables;
	struct {
		const char *name; /* a table of the schema (static text) */
		int64_t rows;
	} tables[STORE_COPY_TABLES_MAX]; /* in the order they were copied */
	int64_t rows;     /* of every table */
	int64_t users;
	int64_t entries;  /* the running ones included */
	int64_t secs;     /* sum of stop - start of the stopped entries */
};

/*
 * Copies every row of every table of from into to, an empty database of
 * the same schema version (opened by store_connect; from may be
 * read-only), with the ids as they are: SQLite to PostgreSQL, back, or
 * to another file. The rows are read in one snapshot of from and written
 * in one transaction on to, which the copy commits only once it has
 * found both equal: each table's number of rows, and per user the number
 * of entries, the sum of (stop - start) of the stopped ones and the
 * running one's start. Then to's id sequences continue where from's
 * were: a new entry gets an id neither database ever gave. The rollup of
 * reports is copied as it is, spans still to be built included, so the
 * copy equals from. Fills *r (when not NULL) with what was copied.
 *
 * A change made to from meanwhile is not in the copy: from is best not
 * in use (the bot stopped). STORE_ERR when to holds a row already (in
 * any table; nothing is written), when a row does not go in (to's
 * constraints can be stricter: PostgreSQL refuses two stopped entries of
 * a user that overlap), or when the check finds a difference (the
 * message names the table or the user); to then holds nothing new.
 */
store_rc store_copy(store *from, store *to, struct store_copy_report *r);

/* ---- A copy of a running SQLite database (timmy backup) ---- */

/* What store_backup wrote. */
struct store_backup_report {
	int64_t pages;  /* the database's pages */
	int64_t bytes;  /* the copy's size */
};

/*
 * Copies the SQLite database at path, which the bot may have open and be
 * writing, into the file out (storage/backup.c): one moment of it, taken
 * with SQLite's online backup API without holding up the bot's writes,
 * written to a new file beside out (mode 0600), flushed to disk, checked
 * (its schema version and PRAGMA quick_check), then renamed over out.
 * The copy is in SQLite's default journal mode, one file by itself.
 * Fills *r. STORE_ERR with the reason in err when a step fails or the
 * copy is not sound: then out is as it was and nothing new is left
 * beside it.
 */
store_rc store_backup(const char *path, const char *out,
                      struct store_backup_report *r, char *err,
                      size_t errsz);

/*
 * Whether this process leads among the timmy processes that share st's
 * database, into *leading. PostgreSQL: it takes a session-level advisory
 * lock when no other connection holds it, and keeps it until its
 * connection ends (a kill -9, a machine or network lost: the server ends
 * the session, and the lock with it); a process that has it is told so
 * again. SQLite: always true, one process serving a file. STORE_ERR when
 * the database cannot answer.
 */
store_rc store_lead(store *st, bool *leading);

/* STORE_OK while st's connection to its database lives (PostgreSQL: one
 * round trip to the server); else STORE_ERR with the reason. */
store_rc store_ping(store *st);

/* Whether two names (projects or tags) are one name by the rule above:
 * "Design" and "design" are. Needs no open database. */
bool store_same_name(const char *a, const char *b);

/*
 * The units name is compared by in store_same_name: its UTF-8 characters
 * (a byte that starts none, a unit of its own), each folded as names
 * compare, so that "Acme" and "acme" give the same units. Writes at most
 * max of them to units and returns how many name has (more than max when
 * it did not fit). For measuring how close two names are.
 */
size_t store_name_fold(const char *name, uint32_t *units, size_t max);

/* Schema version this binary writes (SQLite: PRAGMA user_version). */
int store_schema_version(void);

/* The last error as "what: the backend's message" (what names the
 * statement or step that failed); borrowed, valid until the next call on
 * st. */
const char *store_errmsg(const store *st);

/* STORE_OK when the database is sound, its references included (SQLite:
 * PRAGMA integrity_check and foreign_key_check), and every user's rollup
 * of reports equals the sum of their entries (after building the pending
 * ones, on a handle open for writing); else STORE_ERR with the first
 * problem in store_errmsg (a rollup's names the user and the day). */
store_rc store_check(store *st);

/*
 * What a start of the bot needs of the database, at a cost that does not
 * grow with the history (`timmy check --quick`, which the systemd unit
 * runs before each start): the spans pending in the rollup of reports
 * built, the migration's whole users included, as store_check does first
 * (a cost of what is pending); and the newest user and entry read, a
 * walk from each table's root to its last row (SQLite: a few pages, where
 * a file torn or not timmy's shows). Opening did the rest: SQLite's
 * header, the schema and its version. Every other page, the references
 * and the rollup's rows are left to store_check. STORE_ERR with the
 * problem in store_errmsg.
 */
store_rc store_check_quick(store *st);

/*
 * The zone whose days a user's rollup of reports is built in when they
 * have no zone of their own (the bot's defaults.timezone; NULL or "":
 * UTC). Given at open and at every reload; a rollup already built keeps
 * the zone it was built in until it is rebuilt (a change of the user's
 * own zone, store_rollup_rebuild).
 */
void store_set_default_zone(store *st, const char *zone);

/*
 * Builds every user's rollup of reports anew, in the zone their days are
 * in now, inside the caller's transaction (`timmy check --repair`):
 * about as long as a report by day over every user's whole history.
 */
store_rc store_rollup_rebuild(store *st);

/*
 * Transactions. store_begin starts BEGIN IMMEDIATE so a change never meets
 * a lock half-way. Every change a command makes happens in one
 * transaction, which commands/ begins for it (store_begin) and ends:
 * store_change_commit when it succeeded, store_rollback on any failure or
 * refusal (safe when nothing is open; also after a failed commit).
 *
 * store_change_commit commits the change asked for by the message key of
 * owner (see "Messages handled once" below; NULL: none), recording
 * (owner, key, the change's undo step if it has one) in the same
 * transaction first, so that the key commits with the change or not at
 * all. A transaction that changed no row since
 * it began is rolled back instead (STORE_OK): a command that only looked,
 * or found nothing to do, leaves nothing, not even its key or a user row.
 * STORE_CONFLICT when the key is already recorded (the message was
 * handled meanwhile); then, as on any failure, the caller rolls back. A
 * key the store cannot keep (not STORE_MSG_KEY_LEN lowercase hex digits,
 * or an owner over STORE_OWNER_MAX bytes) identifies nothing: the change
 * commits without one. STORE_ERR when key is given without owner.
 * store_commit commits whatever the transaction holds, with no key.
 */
store_rc store_begin(store *st);
store_rc store_change_commit(store *st, const char *owner, const char *key);
store_rc store_commit(store *st);
void store_rollback(store *st);

/*
 * The running entry of owner into *out (when out is not NULL), or
 * STORE_NOTFOUND.
 *
 * Every entry read from the store (store_running, store_get, store_last,
 * store_stop, store_delete, store_overlap, the listings) has its tags in
 * one order, whatever order they were given in: by name without regard
 * to case (as names sort), then by bytes ("X" before "x"); and
 * store_insert_entry and store_update put the caller's in that order
 * too, so a reply made from them lists the tags as every later one does.
 */
store_rc store_running(store *st, const char *owner, struct store_entry *out);

/*
 * Inserts e (e->id and e->seq are ignored) for owner: on STORE_OK e->id
 * is the new entry's id, e->seq the owner's next number (1, 2, ...) and
 * e->tags in the order every read gives them (see store_running);
 * otherwise e is unchanged. e->stop == 0 makes it the running entry:
 * STORE_CONFLICT when owner already has one (the store enforces this).
 * Tags are a set: a tag given twice is stored once. Strings over their
 * STORE_*_MAX, an empty project or tag, more than STORE_TAGS_MAX tags, or
 * stop before start: STORE_CONFLICT, and nothing is written.
 * Atomic by itself; inside store_begin/store_commit, part of that
 * transaction.
 */
store_rc store_insert_entry(store *st, const char *owner,
                            struct store_entry *e);

/*
 * Stops owner's running entry at time stop and copies the stopped entry to
 * *out when out is not NULL. A paused entry ends where its open break
 * began (the time after is no work, whatever stop says) and the open break
 * goes. STORE_NOTFOUND when nothing runs; STORE_CONFLICT when stop is
 * before the entry's start or inside or before one of its breaks (then
 * nothing changes).
 */
store_rc store_stop(store *st, const char *owner, int64_t stop,
                    struct store_entry *out);

/*
 * Pauses owner's running entry: opens a break at time at; *out (when not
 * NULL) gets the entry. STORE_NOTFOUND when nothing runs; STORE_CONFLICT
 * when it is paused already, at is before its start or inside an earlier
 * break, or it has STORE_BREAKS_MAX breaks (then nothing changes).
 */
store_rc store_pause(store *st, const char *owner, int64_t at,
                     struct store_entry *out);

/*
 * Resumes owner's paused entry: closes its open break at time at.
 * STORE_NOTFOUND when nothing runs or it is not paused; STORE_CONFLICT
 * when at is not after the break's start.
 */
store_rc store_resume(store *st, const char *owner, int64_t at,
                      struct store_entry *out);

/*
 * Adds the break [start, stop) to owner's entry #seq, which must lie
 * inside the entry (a running one: after its start) and apart from its
 * other breaks: else STORE_CONFLICT. STORE_NOTFOUND when there is no
 * such entry. *out (when not NULL) gets the entry with its breaks.
 */
store_rc store_add_break(store *st, const char *owner, int64_t seq,
                         int64_t start, int64_t stop,
                         struct store_entry *out);

/*
 * Removes the breaks of owner's entry #seq, all but the open one of a
 * paused entry (resume ends that). STORE_NOTFOUND when there is no such
 * entry; *out as for store_add_break. Recorded for undo like the others.
 */
store_rc store_clear_breaks(store *st, const char *owner, int64_t seq,
                            struct store_entry *out);

/*
 * Totals per project of owner's time inside [from, to): each entry counts
 * only its part inside the range, a running entry counts up to now, and
 * its breaks inside the range (an open one up to now) do not count.
 * Grouped and summed in the store. Calls cb once per project, largest first;
 * the project string is borrowed for the call only. Nothing is called for
 * projects with zero seconds in the range. Projects group without
 * regard to case (see the top of the file), under the spelling of their
 * earliest entry in the range.
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
 * ---- Changes that can be undone ----
 *
 * store_change_label opens a new undo step for owner in the open
 * transaction (STORE_ERR when none is open, or it has a step already),
 * labelled with what the user did ("start acme") at time at;
 * store_begin_change is store_begin and store_change_label together. Until
 * store_commit, every store_insert(_entry), store_stop,
 * store_update, store_delete, store_rename_project, store_pause,
 * store_resume, store_add_break and store_clear_breaks for owner records
 * the before-image of each entry it touches (with its tags and breaks)
 * in that step (the first touch counts), so store_undo can put
 * everything back. Changes for another
 * owner in the same transaction are not recorded. Steps beyond
 * STORE_UNDO_MAX per user are dropped, oldest first. Without a step
 * nothing is recorded. A step that recorded nothing is dropped at
 * store_commit; store_rollback takes the step with the rest. A label over
 * STORE_LABEL_MAX bytes is cut there (at a UTF-8 character boundary);
 * NULL is "". Creates owner's user row. When store_change_label fails the
 * caller rolls back; when store_begin_change does, nothing is left open.
 */
#define STORE_UNDO_MAX 100
#define STORE_LABEL_MAX 200

store_rc store_change_label(store *st, const char *owner, const char *label,
                            int64_t at);
store_rc store_begin_change(store *st, const char *owner, const char *label,
                            int64_t at);

/*
 * Reverts owner's latest step and forgets it, as a part of the open
 * transaction (which must have no step of its own: STORE_ERR) that undoes
 * only itself when it fails, or in a transaction of its own when none is
 * open: entries it created are deleted, entries
 * it changed or deleted come back exactly (same id, seq, tags, breaks,
 * note, times); numbers are not given back, the next entry still gets a
 * new one.
 * Copies the step's label (cut to labelsz bytes with the NUL; label may be
 * NULL) and time (at may be NULL) when there is a step, also on
 * STORE_CONFLICT. STORE_NOTFOUND when there is nothing left to undo;
 * STORE_CONFLICT when the restore would break a rule, e.g. a running entry
 * comes back while another, started without a step, runs (then nothing
 * changes and the step stays).
 */
store_rc store_undo(store *st, const char *owner, char *label, size_t labelsz,
                    int64_t *at);

/*
 * The id of owner's latest undo step into *step, its label (cut to
 * labelsz bytes with the NUL at a character boundary; label may be NULL)
 * with it: the step store_undo would revert now. STORE_NOTFOUND (*step
 * 0, label "") when owner has none. Reads only.
 */
store_rc store_last_step(store *st, const char *owner, int64_t *step,
                         char *label, size_t labelsz);

/*
 * ---- Messages handled once ----
 *
 * A message can reach the bot twice: stream management (XEP-0198) may
 * resend one after a resume, and the server hands out again from offline
 * storage what the bot took but had not acknowledged when it died. Each
 * change is therefore recorded with the key of the message that asked for
 * it, in the change's own transaction (store_change_commit): a second
 * delivery finds the key (store_msg_seen) and changes nothing, and a
 * change that rolled back left no key, so the message applies when it
 * comes again.
 *
 * A key is the SHA-1 of what identifies the message (bot/ makes it from
 * the XEP-0359 origin-id, or the sender's full JID and stanza id), as
 * STORE_MSG_KEY_LEN lowercase hex digits: a fixed size, whatever the
 * client chose. Keys are per owner (the same key from two users is two
 * keys); SHA-1's known weakness lets one make two colliding ids, which
 * would only make that owner's own second message count as a repeat.
 *
 * What is kept, and for how long: for each owner the STORE_MSG_KEEP
 * newest keys and at most STORE_MSG_BATCH - 1 older ones (every
 * STORE_MSG_BATCH-th key the owner records drops all but the newest
 * STORE_MSG_KEEP: storage/messages.c says why in batches), none older than
 * STORE_MSG_DAYS days from when it was handled, by the store's clock
 * (store_msg_prune, which the bot runs hourly: bot/prune.c). Counts first: a message
 * comes again only after a resume (within minutes) or, from offline
 * storage, when the bot logs in again after a crash, however long it was
 * away; either way few of the owner's messages are handled in between.
 * The age limit takes the rows of users who have gone quiet. A row is a
 * digest, a number, a time and the reply (at most STORE_REPLY_MAX bytes;
 * a change's reply is a line or two, about 100 bytes): an owner's rows
 * take at most about 4.6 MB, in practice some 200 KB.
 */
#define STORE_MSG_KEY_LEN 40    /* hex digits of a key (SHA-1: 20 bytes) */
#define STORE_REPLY_MAX 4096    /* bytes of a saved reply */
#define STORE_MSG_KEEP 1000     /* keys kept per owner, the newest */
#define STORE_MSG_BATCH 64      /* older keys dropped together */
#define STORE_MSG_DAYS 30

/*
 * STORE_OK when owner has a change recorded under key: reply (replysz
 * bytes, at least 1) gets the reply saved with it (store_msg_reply), cut
 * at a UTF-8 character boundary when it does not fit, "" when none was
 * saved. STORE_NOTFOUND when owner has none (also for a key that can
 * never have been recorded, not STORE_MSG_KEY_LEN hex digits). Reads
 * only; one lookup of the UNIQUE (user_id, msg_key) index.
 */
store_rc store_msg_seen(store *st, const char *owner, const char *key,
                        char *reply, size_t replysz);

/*
 * What a correction (XEP-0308) or retraction (XEP-0424) of owner's
 * message under key would take back: STORE_OK when the message made a
 * change, with *step the undo step that stands for it (recorded by
 * store_change_commit, moved by store_msg_follow), 0 when it has none
 * (the command made no step, or the step was undone or pruned since);
 * STORE_NOTFOUND (*step 0) when the message changed nothing, or is
 * unknown. Compare *step with store_last_step's before undoing: only
 * the latest step can be undone. Reads only.
 */
store_rc store_msg_step(store *st, const char *owner, const char *key,
                        int64_t *step);

/*
 * In the open change: owner's message under key (made earlier, and now
 * corrected) stands from now on for this change's undo step (none when
 * the change has no step), so that correcting the same message again, as
 * clients do when they edit a message twice, takes back this change.
 * STORE_OK also when owner has no such message. STORE_ERR when no change
 * is open.
 */
store_rc store_msg_follow(store *st, const char *owner, const char *key);

/*
 * Saves reply, the answer sent for the change owner made under key, after
 * that change committed; a later store_msg_seen returns it. A reply over
 * STORE_REPLY_MAX bytes is not saved (a repeat then gets "" from
 * store_msg_seen, as when none was saved: half a reply would mislead). A
 * small write of its own: if it fails, or the process dies before it,
 * the change stays recorded and a repeat of the message gets no saved
 * reply. STORE_NOTFOUND when owner has no change under key (found out by
 * reading, so a caller may call it after any command).
 */
store_rc store_msg_reply(store *st, const char *owner, const char *key,
                         const char *reply);

/*
 * The same in the change's own transaction, for a caller that knows the
 * reply only after the change is done (commands/cmd.c, cmd_exec):
 * after store_change_hold, the next store_change_commit that records a
 * message's key leaves the transaction open (STORE_OK); then
 * store_change_release saves reply with owner's key (as store_msg_reply
 * would) and commits. STORE_OK when nothing was held (a read, a
 * refusal, a change without a key), or the commit's failure, rolled back
 * (then nothing changed). Every store_change_hold is followed by one
 * store_change_release, with no other transaction in between.
 */
void store_change_hold(store *st);
store_rc store_change_release(store *st, const char *owner, const char *key,
                              const char *reply);

/*
 * A read transaction around the statements of a command that only reads
 * (commands/cmd.c: status and the like): they share one snapshot and one
 * read lock. store_read_begin returns whether it began one (not inside
 * another transaction, nor after a failure, when each statement reads on
 * its own as before); pass that to store_read_end, which ends it. No
 * store_begin may come in between.
 */
bool store_read_begin(store *st);
void store_read_end(store *st, bool began);

/*
 * Drops every owner's keys handled more than STORE_MSG_DAYS days before
 * now (UTC epoch seconds); *removed (may be NULL) gets how many. One
 * range of an index, a transaction of its own; the bot calls it at start
 * and hourly.
 */
store_rc store_msg_prune(store *st, int64_t now, int64_t *removed);

/* ---- Single entries, by the owner's number ---- */

/* Entry #seq of owner, with its tags, into *out (when out is not NULL);
 * STORE_NOTFOUND when owner has none (an entry of another user is
 * "none"). */
store_rc store_get(store *st, const char *owner, int64_t seq,
                   struct store_entry *out);

/* Owner's most recently started entry (running or not; of several that
 * started at the same second, the highest number); STORE_NOTFOUND when
 * owner has none. */
store_rc store_last(store *st, const char *owner, struct store_entry *out);

/*
 * Rewrites entry #e->seq of owner with e's project, tags (replacing the
 * old ones), note, start and stop (0: running); its id and seq stay
 * (e->id is ignored). STORE_NOTFOUND when there is no such entry;
 * STORE_CONFLICT when a rule says no (stop before start, a second running
 * entry, limits as for store_insert_entry); then nothing changes. On STORE_OK
 * e->tags are in the order every read gives them (see store_running).
 */
store_rc store_update(store *st, const char *owner, struct store_entry *e);

/* Deletes entry #seq of owner with its tags, copying it to *out first when
 * out is not NULL. STORE_NOTFOUND when there is no such entry. */
store_rc store_delete(store *st, const char *owner, int64_t seq,
                      struct store_entry *out);

/*
 * The earliest of owner's entries that overlaps [from, to), the running
 * one counting as [start, max(start, now)), leaving out entry #except_seq
 * (0: leave none out). An entry [start, stop) overlaps when start < to and
 * stop > from: one that ends where the span begins does not. STORE_OK
 * with it (and its tags) in *out when out is not NULL, STORE_NOTFOUND when
 * the span is free. Uses the same index bound as the totals.
 */
store_rc store_overlap(store *st, const char *owner, int64_t from, int64_t to,
                       int64_t now, int64_t except_seq,
                       struct store_entry *out);

/*
 * Owner's entries that overlap [from, to) (as store_overlap counts them),
 * oldest first (by start, then number), with their tags, whole (not
 * clipped to the range); cb gets each (borrowed for the call, and it must
 * not use st). At most limit entries are passed (0: no limit), the oldest
 * ones; *total, when not NULL, gets how many overlap in all. The entries
 * stream from one range of an index, in order, as cb gets them: memory
 * does not grow with their number. When the limit leaves some out, a
 * second read counts them (in the same transaction as the first).
 */
typedef void (*store_entry_cb)(const struct store_entry *e, void *arg);
store_rc store_list(store *st, const char *owner, int64_t from, int64_t to,
                    int64_t now, size_t limit, store_entry_cb cb, void *arg,
                    int64_t *total);

/* ---- Projects, tags, settings ---- */

/*
 * Every project owner ever used (one per name, case aside, spelled as in
 * its earliest entry of all), each with its seconds inside [from, to) as
 * store_totals counts them (0 when none), ordered by those seconds,
 * largest first, then by name (case aside). For "projects". Scans
 * the owner's entries once (grouped in the store).
 */
store_rc store_projects(store *st, const char *owner, int64_t from, int64_t to,
                        int64_t now, store_total_cb cb, void *arg);

/* The same for tags (an entry's time counts once for each of its tags;
 * tags, too, are one name whatever their case). */
store_rc store_tags(store *st, const char *owner, int64_t from, int64_t to,
                    int64_t now, store_total_cb cb, void *arg);

/*
 * The projects owner renamed away, as far as the undo history still
 * remembers (the last STORE_UNDO_MAX steps): cb gets each old name with
 * the name its entries carry now (both borrowed for the call; cb must not
 * use st), the latest rename first, at most STORE_RENAMES_MAX pairs. A
 * "rename" and an "edit ... project" both count: an entry whose
 * before-image in a step has another name (case aside) than it has now.
 * Undoing the step forgets it. An owner who never wrote has none.
 */
#define STORE_RENAMES_MAX 20
typedef void (*store_rename_cb)(const char *old, const char *now_name,
                                void *arg);
store_rc store_project_renames(store *st, const char *owner,
                               store_rename_cb cb, void *arg);

/*
 * STORE_OK when owner has an entry of project (case aside, as
 * store_same_name compares), STORE_NOTFOUND when not (also for an owner
 * who never wrote). Reads from the newest entry back: quick for a
 * project in use, the owner's whole history for a new one.
 */
store_rc store_project_used(store *st, const char *owner, const char *project);

/*
 * Renames project old (in any case: "ÄRGER" finds "ärger") to new_name,
 * spelled as given, in all of owner's entries; *n (when n is not NULL)
 * gets how many entries changed. STORE_NOTFOUND when owner has no entry
 * of old; STORE_CONFLICT when new_name breaks a limit (empty, over
 * STORE_PROJECT_MAX). If new_name already exists under another spelling,
 * the entries simply join it (the earliest entry's spelling names the
 * group in reports).
 */
store_rc store_rename_project(store *st, const char *owner, const char *old,
                              const char *new_name, int64_t *n);

/* Owner's own time zone into buf (n bytes), "" when none is set (or owner
 * is unknown). STORE_ERR when it does not fit. */
store_rc store_user_tz(store *st, const char *owner, char *buf, size_t n);

/* Sets owner's time zone (creating the user row); NULL clears it. The zone
 * is not checked against the zone database here; "" or one over
 * STORE_TZ_MAX bytes: STORE_CONFLICT, and nothing is written. */
store_rc store_set_user_tz(store *st, const char *owner, const char *tz);

/* ---- Reports and exports ---- */

/*
 * Opens the database at path read-only, for `timmy export` and `timmy
 * report` while the daemon runs: nothing is created, migrated or written,
 * and an older or newer schema version is refused with a clear err, as
 * are a missing file, one that is not a database and one without
 * timmy's tables. The daemon may have the database open meanwhile or not.
 * (SQLite: its -wal and -shm files need only be readable; after a clean
 * close removed them, SQLite makes them again where the directory is
 * writable, and otherwise the file is read as it is: store.c says how.)
 * path is a file
 * name, never a URI. Every change through the handle fails with STORE_ERR
 * (store_begin included); reads work as on any handle. Close it with
 * store_close.
 */
store_rc store_open_readonly(const char *path, store **out, char *err,
                             size_t errsz);

/*
 * Which entries a report or export looks at. Projects are alternatives
 * (an entry of any of them), matched without regard to case; tags must
 * all be present on an entry, case aside too ("Design" is "design"; see
 * the top of the file). Empty lists do not filter; a name no entry can
 * have (over its STORE_*_MAX, "") matches none. More than
 * STORE_FILTER_MAX of either, or a NULL string among the first
 * nprojects / ntags: STORE_ERR. Strings are borrowed.
 */
#define STORE_FILTER_MAX 8
struct store_filter {
	const char *projects[STORE_FILTER_MAX];
	int nprojects;
	const char *tags[STORE_FILTER_MAX];
	int ntags;
	/* NULL, or a tag (case aside) that an entry must not have: the
	 * billable time is the entries without the non-billable tag
	 * (commands/billing.c). A report with it reads the entries, not the
	 * rollup, as one with tags does. */
	const char *without_tag;
};

/* What a report groups by. */
enum store_group {
	STORE_BY_PROJECT, /* key: the project (spelled as in its earliest entry) */
	STORE_BY_TAG,     /* key: the tag; an entry counts once per tag it has,
	                     one without tags under "" */
	STORE_BY_NONE     /* key: "" (only the buckets split the time) */
};

/*
 * Seconds of owner's time per (bucket, key), summed in the store. The
 * buckets are the consecutive spans [bounds[i], bounds[i+1]) for
 * i < nbounds - 1 (e.g. the local midnights of each day of a week, worked
 * out by the caller who knows the time zone; two bounds for one bucket). Each entry counts only
 * its part inside each bucket (an entry across midnight is split between
 * the days), a running one up to now, less its breaks' part inside the
 * bucket. f may be NULL. cb gets each non-zero
 * (bucket index, key, seconds), ordered by bucket, then by seconds
 * descending, then key (case aside); key is borrowed for the call and cb
 * must not use st. At most 367 buckets.
 *
 * Keys group without regard to case, spelled as in their earliest entry
 * of the whole report (the same in every bucket). By tag, an entry
 * counts under every tag it has, those of the filter or not, and an entry
 * without tags under the key "" (which no tag can be), so the time no
 * tag covers is there too. A bound may equal the one before it: that
 * bucket is empty and never reported. STORE_ERR (with store_errmsg) when
 * nbounds is not 2 to STORE_BUCKETS_MAX + 1, bounds is NULL, a bound is
 * before the one before it, by is none of enum store_group, or f is
 * wrong. An owner who never wrote has nothing: STORE_OK. The whole days
 * (in the zone of the owner's rollup) inside each bucket come from the
 * per-day rollup (rollup_report.c), so a year costs its days and
 * projects, not its entries; the rest of a bucket, the running entry,
 * tag filters and owners whose rollup is pending cost the entries in
 * that range (an index finds each entry's few buckets: SQL_REPORT in
 * report.c). The result is the same either way.
 */
#define STORE_BUCKETS_MAX 367
typedef void (*store_report_cb)(int bucket, const char *key, int64_t secs,
                                void *arg);
store_rc store_report(store *st, const char *owner, const int64_t *bounds,
                      int nbounds, int64_t now, enum store_group by,
                      const struct store_filter *f, store_report_cb cb,
                      void *arg);

/*
 * store_report with each part of an entry rounded (a user's setting
 * rounding, commands/rounding.h): the worked seconds of an entry in each
 * bucket (as store_report counts them) rounded to a multiple of unit
 * seconds (> 0): up when up, else to the nearest (half a unit up); a
 * part of 0 stays 0. A key is reported when its exact seconds are not
 * 0, even where rounding to the nearest makes them 0. whole: the
 * rounded parts of every bucket are summed into bucket 0, so that a report of a period can round each entry per
 * day (the days as buckets) and still come as one bucket. Otherwise as
 * store_report (order, keys, errors; unit <= 0 or r NULL: STORE_ERR),
 * but never from the rollup, whose days hold sums that cannot be rounded
 * per entry: it costs every entry of the range, as a report of a pending
 * rollup does (a year of an entry an hour by day: some 20 ms on SQLite,
 * 3 ms from the rollup).
 */
struct store_rounding {
	int64_t unit;
	bool up;
	bool whole;
};
store_rc store_report_rounded(store *st, const char *owner,
                              const int64_t *bounds, int nbounds,
                              int64_t now, enum store_group by,
                              const struct store_filter *f,
                              const struct store_rounding *r,
                              store_report_cb cb, void *arg);

/*
 * store_list with a filter (NULL: none), for exports; owner NULL means
 * every user's entries (the command-line export of an administrator),
 * then the callback's owner argument says whose each is (it is always
 * passed, borrowed for the call). Oldest first: by start, then owner (by
 * the JID's bytes), then number. limit and *total as for store_list,
 * *total counting the entries the filter lets through. Streams as
 * store_list does; every user's entries come from one range of an index
 * on start alone, bounded by the longest entry of anyone, and only the
 * running entries (at most one per user) are sorted.
 */
typedef void (*store_export_cb)(const char *owner,
                                const struct store_entry *e, void *arg);
store_rc store_list_filtered(store *st, const char *owner, int64_t from,
                             int64_t to, int64_t now,
                             const struct store_filter *f, size_t limit,
                             store_export_cb cb, void *arg, int64_t *total);

/*
 * store_list_filtered in slices, for a long export that must not hold
 * the caller for long: a cursor over the same rows in the same order,
 * read a bounded number at a time. store_cursor_open takes copies of
 * owner and f; the cursor reads through st (borrowed: close the cursor
 * first), and keeps its place (and, on its own, a read of the database:
 * give it a store_snapshot_open handle to read one state across
 * slices). count_only: the cursor only counts the same entries, in no
 * order (store_cursor_next with cb NULL), for a tenth of the cost.
 * STORE_OK with *out owned by the caller (store_cursor_close); an owner
 * who never wrote gets a cursor that is done at once.
 */
struct store_cursor;
store_rc store_cursor_open(store *st, const char *owner, int64_t from,
                           int64_t to, int64_t now,
                           const struct store_filter *f, bool count_only,
                           struct store_cursor **out);

/*
 * Passes the next rows, at most max, to cb as store_list_filtered does
 * (cb NULL: they are only counted, which costs less than reading them;
 * a count_only cursor takes no cb); *passed: how many. Fewer than max
 * only at the end (store_cursor_done) or on a failure (STORE_ERR; the
 * cursor is then done too).
 */
store_rc store_cursor_next(struct store_cursor *c, size_t max,
                           store_export_cb cb, void *arg, size_t *passed);

/* True when c has passed its last row (NULL: nothing to read). */
bool store_cursor_done(const struct store_cursor *c);

/* Frees c (NULL is fine). */
void store_cursor_close(struct store_cursor *c);

/*
 * A second handle on st's database, read-only, whose reads all see the
 * database as it is at this call, whatever st (or anyone) writes
 * meanwhile, until it is closed (store_close). For an export made in
 * slices while the bot goes on changing entries. STORE_OK with *out
 * owned by the caller; STORE_NOTFOUND when st's database is not a file
 * (":memory:"), which no second handle reaches, or while st has a
 * transaction open, whose changes no other handle sees; else STORE_ERR,
 * the reason in store_errmsg(st). (SQLite: a read transaction on a
 * connection of its own; WAL lets st write meanwhile.)
 */
store_rc store_snapshot_open(store *st, store **out);

/* ---- Administration ---- */

/*
 * Every user with an entry that overlaps [from, to) (as store_overlap
 * counts them), for an administrator's "who": cb gets each one's bare JID
 * (borrowed for the call), the seconds of their entries inside the range
 * (a running entry counts up to now) and running, 1 when one of those
 * entries is the user's running one, else 0. Most seconds first, then by
 * JID (bytes). Breaks do not count. At most limit users are passed (0:
 * no limit); *total,
 * when not NULL, gets how many there are in all. cb must not use st.
 * Reads one range of entries_user_start per user.
 */
typedef void (*store_active_cb)(const char *owner, int64_t secs, int running,
                                void *arg);
store_rc store_active(store *st, int64_t from, int64_t to, int64_t now,
                      size_t limit, store_active_cb cb, void *arg,
                      int64_t *total);

/* ---- Presence: time away, and the question about it (storage/away.c) ----
 *
 * The moment a user left (every resource of theirs away or offline) is
 * kept until they come back, and the question asked then about a timer
 * that ran meanwhile (stop, break, keep) until it is answered or expires;
 * both survive a restart. Each function acts on owner's rows alone; a
 * write for an owner without a user row (who never wrote) changes nothing
 * and returns STORE_NOTFOUND.
 */

/* Remembers that owner left at since; when a moment is kept already, the
 * earlier of the two stays. */
store_rc store_away_set(store *st, const char *owner, int64_t since);

/* The moment owner left into *since; STORE_NOTFOUND when owner is not
 * away (or unknown). */
store_rc store_away_get(store *st, const char *owner, int64_t *since);

/* Forgets the moment owner left (STORE_OK also when none was kept). */
store_rc store_away_clear(store *st, const char *owner);

/*
 * Calls cb with each user (bare JID, borrowed for the call; cb must not
 * use st) who is away and whose running entry began before they left and
 * was not stopped for it before (no 'idle' note, store_nudge_record): whom
 * idle.action stop may concern. In JID order.
 */
typedef void (*store_owner_cb)(const char *owner, void *arg);
store_rc store_away_running(store *st, store_owner_cb cb, void *arg);

/* The question about time away (idle_prompts): the entry that ran while
 * the user was away from away_from to away_to; answered until expires. */
struct store_prompt {
	int64_t entry_id; /* the store's id of the entry (store_entry.id) */
	int64_t away_from;
	int64_t away_to;
	int64_t expires;
};

/* Keeps p as owner's question, in place of any earlier one. */
store_rc store_prompt_set(store *st, const char *owner,
                          const struct store_prompt *p);

/*
 * Owner's question into *p and its entry (with tags and breaks) into *e,
 * when it has not expired at now and the entry still runs; else
 * STORE_NOTFOUND.
 */
store_rc store_prompt_get(store *st, const char *owner, int64_t now,
                          struct store_prompt *p, struct store_entry *e);

/* Forgets owner's question (STORE_OK also when there was none). */
store_rc store_prompt_clear(store *st, const char *owner);

/*
 * The entry idle.action stop stopped (an 'idle' note) at since or later,
 * still stopped, into *e with its tags and breaks: what to tell owner when
 * they come back from the absence that began at since. STORE_NOTFOUND
 * when there is none.
 */
store_rc store_away_stopped(store *st, const char *owner, int64_t since,
                            struct store_entry *e);

/*
 * ---- Each user's settings (commands/prefs.h gives them meaning) ----
 *
 * One row per setting a user changed: its name as the settings command
 * spells it ("idle.after"), its value as it reads back ("30m"); a
 * setting without a row follows bot.yaml. Names are compared byte for
 * byte. Over STORE_SETTING_NAME_MAX or STORE_SETTING_VALUE_MAX bytes, or
 * empty: STORE_CONFLICT, and nothing is written. A change is atomic by
 * itself; inside store_begin/store_commit, part of that transaction (the
 * settings command's). Settings are no entries: undo does not take them
 * back, as it does not take back the time zone.
 */
#define STORE_SETTING_NAME_MAX 32
#define STORE_SETTING_VALUE_MAX 64

/* The name of the row that holds the end of a snooze (store_snooze). */
#define STORE_SNOOZE "snooze"

/* Owner's value of setting name into value (n bytes), STORE_NOTFOUND
 * (value "") when owner has not set it; STORE_ERR when it does not
 * fit. Reads only. */
store_rc store_setting_get(store *st, const char *owner, const char *name,
                           char *value, size_t n);

/* Sets owner's setting name to value (creating the user row), replacing
 * the value it had. */
store_rc store_setting_set(store *st, const char *owner, const char *name,
                           const char *value);

/* Removes owner's setting name, which then follows the default again;
 * STORE_NOTFOUND when owner had not set it (nothing is written, no user
 * row made). */
store_rc store_setting_unset(store *st, const char *owner, const char *name);

/* Every setting owner has set, the snooze row too, by name (bytes): cb
 * gets each name and value, borrowed for the call; cb must not use st.
 * An owner who set none (or never wrote): STORE_OK, no call. */
typedef void (*store_setting_cb)(const char *name, const char *value,
                                 void *arg);
store_rc store_settings(store *st, const char *owner, store_setting_cb cb,
                        void *arg);

/* The end of owner's snooze (epoch seconds; no nudges before it) into
 * *until; 0 when none was set (a passed one is returned as it is: the
 * caller compares it with its clock). Reads only. */
store_rc store_snooze(store *st, const char *owner, int64_t *until);

/* Sets the end of owner's snooze to until; 0 (or less) removes it. */
store_rc store_set_snooze(store *st, const char *owner, int64_t until);

/*
 * ---- Nudges (storage/nudges.c) ----
 *
 * The messages the bot sends unasked (commands/nudge.h decides which):
 * each one it sent is recorded as (owner, kind, occasion, when), in the
 * transaction that decided to send it, so that none goes twice, across
 * restarts too. The occasion says which one of its kind it was: for
 * running_over and idle the entry's id, for start_by the owner's local
 * day and for digest the first local day of the period it covers, both
 * as days since 1970-01-01. Rows older than STORE_MSG_DAYS days go with
 * the message keys (store_nudge_prune, hourly).
 */
enum store_nudge {
	STORE_NUDGE_RUNNING_OVER, /* a timer running longer than the owner's
	                             reminders.running_over */
	STORE_NUDGE_START_BY,     /* nothing tracked yet on a working day */
	STORE_NUDGE_DIGEST,       /* the daily or weekly digest */
	STORE_NUDGE_IDLE          /* a timer idle.action stopped, told */
};

/*
 * Records that owner was sent nudge kind for occasion at time at (adding
 * owner's user row if there is none): STORE_OK when it is new,
 * STORE_CONFLICT when it was recorded before (then nothing is written
 * and the nudge must not go). Inside a transaction, part of it.
 */
store_rc store_nudge_record(store *st, const char *owner,
                            enum store_nudge kind, int64_t occasion,
                            int64_t at);

/* STORE_OK when owner's nudge kind for occasion is recorded,
 * STORE_NOTFOUND when not. Reads only: one look-up of the primary key. */
store_rc store_nudge_sent(store *st, const char *owner, enum store_nudge kind,
                          int64_t occasion);

/* STORE_OK when owner has any nudge of kind recorded (within the age
 * limit), STORE_NOTFOUND when none. Reads only: one range of the
 * primary key. */
store_rc store_nudge_any(store *st, const char *owner, enum store_nudge kind);

/*
 * Whether the forgotten-timer flow holds owner's nudges at now: *held is
 * true while owner is away (a row in user_away) or has an unanswered
 * question that has not expired (idle_prompts), false otherwise (and for
 * an owner who never wrote). Reads only.
 */
store_rc store_nudge_held(store *st, const char *owner, int64_t now,
                          bool *held);

/*
 * The owners who may be due a nudge at now, for the bot's tick: those
 * with a running entry not yet nudged about (running_over), those with
 * settings of their own (whose reminders may differ from the defaults),
 * and, when everyone is true (the defaults turn on a nudge of the day:
 * start_by or digest), every user; never one whose nudges are held
 * (store_nudge_held). cb gets each once (borrowed for the call; cb must
 * not use st), in the order the users were added. A superset: the
 * caller decides for each. Cheap when few timers run and few users
 * changed their settings: the partial index of running entries, the
 * primary keys of user_settings, nudges_sent, user_away and
 * idle_prompts.
 */
typedef void (*store_owner_cb)(const char *owner, void *arg);
store_rc store_nudge_candidates(store *st, int64_t now, bool everyone,
                                store_owner_cb cb, void *arg);

/*
 * Drops every owner's nudge records made more than STORE_MSG_DAYS days
 * before now; *removed (may be NULL) gets how many. One range of
 * nudges_sent_at; the bot calls it beside store_msg_prune.
 */
store_rc store_nudge_prune(store *st, int64_t now, int64_t *removed);

/*
 * ---- Hourly rates (storage/rates.c) ----
 *
 * What an hour of a project is billed at: integer cents (1 to
 * STORE_RATE_CENTS_MAX) of a currency, three capital letters (ISO 4217),
 * of a user (STORE_RATE_USER, name the bare JID) or of a team of bot.yaml
 * (STORE_RATE_TEAM, name the team's name). commands/billing.c says which
 * applies to an entry. A (scope, name) has one rate per project, projects
 * compared case aside as everywhere (see the top of the file). Rates are
 * not entries: undo does not take them back, as it does not take back
 * settings. A change is atomic by itself; inside store_begin/store_commit,
 * part of that transaction.
 */
#define STORE_RATE_CENTS_MAX INT64_C(100000000) /* 1,000,000.00 an hour */
#define STORE_CURRENCY_LEN 3

enum store_rate_scope { STORE_RATE_USER, STORE_RATE_TEAM };

struct store_rate {
	enum store_rate_scope scope;
	char name[STORE_OWNER_MAX + 1];  /* the JID or the team */
	char project[STORE_PROJECT_MAX + 1];
	int64_t cents;                   /* per hour */
	char currency[STORE_CURRENCY_LEN + 1];
	int64_t at;                      /* when it was set */
};

/*
 * Sets r's rate (r->scope, r->name, r->project spelled as given,
 * r->cents, r->currency, r->at), replacing the one that project had
 * under any spelling; *old (when not NULL) gets that one, its cents 0
 * when there was none. STORE_CONFLICT for a value out of its limits
 * (nothing is written).
 */
store_rc store_rate_set(store *st, const struct store_rate *r,
                        struct store_rate *old);

/*
 * Removes the rate of project (case aside) of (scope, name); *old (when
 * not NULL) gets it. STORE_NOTFOUND when there is none.
 */
store_rc store_rate_unset(store *st, enum store_rate_scope scope,
                          const char *name, const char *project,
                          struct store_rate *old);

/*
 * The rates of (scope, name), by project (case aside); name NULL: every
 * rate of scope (the command-line export of every user). cb gets each,
 * borrowed for the call; cb must not use st.
 */
typedef void (*store_rate_cb)(const struct store_rate *r, void *arg);
store_rc store_rates(store *st, enum store_rate_scope scope, const char *name,
                     store_rate_cb cb, void *arg);

/*
 * ---- Team digests (storage/team_digest.c) ----
 *
 * The daily digest of a team room (bot/muc.c) is recorded as (team, day,
 * when) in the transaction that decides to post it, so that it goes once
 * per team and local day, across restarts too. team is the team's name
 * (at most STORE_TEAM_MAX bytes); day the local day in
 * defaults.timezone as days since 1970-01-01.
 */
#define STORE_TEAM_MAX 64

/* Records team's digest of day, posted at at: STORE_OK when new,
 * STORE_CONFLICT when that day's is recorded already (nothing changes,
 * and the digest must not go). Inside a transaction, part of it. */
store_rc store_team_digest_record(store *st, const char *team, int64_t day,
                                  int64_t at);

/* Drops the team digest records made more than STORE_MSG_DAYS days
 * before now; *removed (may be NULL) gets how many. One range of
 * team_digests_at; the bot calls it beside store_nudge_prune. */
store_rc store_team_digest_prune(store *st, int64_t now, int64_t *removed);

#endif
