/*
 * commands/import.h - history from another tracker (Timewarrior, Watson)
 * or from timmy's own CSV and JSON exports, added to one user's entries.
 *
 * Dependency rule: commands/ and storage/ only; nothing of XMPP, no file
 * system and no clock. A reader takes a buffer in memory (a file the
 * command line read, or one a chat upload brought) and turns it into
 * planned entries; import_apply adds them in the caller's transaction, as
 * one undo step, and writes what it did and what it left out, and why, into a
 * report. The caller reads the files and prints or sends the report.
 */
#ifndef TIMMY_IMPORT_H
#define TIMMY_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/text.h"
#include "../storage/store.h"

enum import_format {
	IMPORT_TIMEWARRIOR, /* data/YYYY-MM.data lines: inc START [- END] # tags # "note" */
	IMPORT_WATSON,      /* Watson's frames (a JSON array) and state (an object) */
	IMPORT_CSV,         /* timmy's CSV export */
	IMPORT_JSON         /* timmy's JSON export */
};

/* "timewarrior" (also "timew"), "watson", "csv", "json", any case; -1
 * when word names none. */
int import_format_parse(const char *word, enum import_format *out);

/* The format's name as import_format_parse reads it ("timewarrior"). */
const char *import_format_name(enum import_format f);

/* The most bytes one input (one file) may hold. */
#define IMPORT_INPUT_MAX (64 * 1024 * 1024)

struct import_plan;

/* A new, empty plan, owned by the caller (import_plan_free); NULL when
 * out of memory. */
struct import_plan *import_plan_new(void);
void import_plan_free(struct import_plan *p);

/*
 * Reads len bytes of buf, in format f, into p: every interval it holds
 * becomes a planned entry, every part that cannot be read a skip that
 * names it (name:line, name being what the report calls the input, such
 * as its file name). buf need not end with a NUL. May be called once per
 * input (Timewarrior's monthly files; Watson's frames and state).
 * Returns 0, or -1 when memory ran out (p then holds what came before).
 */
int import_read(struct import_plan *p, enum import_format f,
                const char *name, const char *buf, size_t len);

/* Whether p holds no interval and something that could not be read: its
 * inputs are not of the format asked for (an empty input is not). */
bool import_plan_unreadable(const struct import_plan *p);

/* How import_apply went. */
struct import_result {
	size_t added;   /* entries added (or, in a dry run, that would be) */
	size_t skipped; /* intervals and lines left out */
};

/*
 * Adds p's entries to owner's, oldest first, as a part of the caller's
 * open write transaction (store_begin), in a new undo step labelled
 * "import FORMAT" (undo takes the whole import back). The caller commits
 * it, or rolls it back (a dry run, a failure). An interval left out is
 * reported with its reason: one already there (the same start, stop and
 * project, case aside), one that overlaps another entry (named by its
 * number), one that ends before it starts or in the future, one over a
 * limit of the store, a running one while owner has a timer running.
 * dry_run only changes the words ("would add", "Would import ... dry
 * run"). Times in the report are in tz, as of now. report (NULL: none)
 * gets one line per entry and per skip, then a summary line; skips (NULL:
 * none) only the skip lines, for a caller that says just those (it may
 * be bounded: text.h cuts). Returns STORE_OK (also when nothing was
 * added) or STORE_ERR (the caller rolls back; store_errmsg says why).
 */
store_rc import_apply(store *st, const char *owner, int64_t now,
                      const char *tz, enum import_format f,
                      struct import_plan *p, bool dry_run,
                      struct text *report, struct text *skips,
                      struct import_result *r);

/*
 * Which format len bytes of buf are, from what they hold (commands/
 * import_guess.c): timmy's CSV export (its header line), timmy's JSON
 * export (an array of objects), Watson's frames (an array of arrays) or
 * state (an object with "project" and "start"), Timewarrior's data lines
 * ("inc ..."). name (NULL: none), the file's name, settles only what the
 * content leaves open (an empty JSON array: ".json" is timmy's, else
 * Watson's frames). Returns 0 with *out set, or -1 when it is none of
 * them.
 */
int import_format_guess(const char *buf, size_t len, const char *name,
                        enum import_format *out);

#endif
