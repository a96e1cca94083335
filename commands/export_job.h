/*
 * commands/export_job.h - an export as a job that runs in slices
 * (struct cmd_job of cmd.h): what commands/cmd_export.c fills in when
 * the command runs, and commands/export_job.c reads, writes and answers
 * slice by slice. Private to those two files.
 *
 * Why slices: a chat export of a large history (up to EXPORT_ROWS_MAX
 * entries and CMD_FILE_MAX bytes, then a count of everything the period
 * holds) took hundreds of milliseconds of the bot's one event loop,
 * during which no other user was answered. A job does the same work a
 * bounded number of entries at a time, reading one snapshot of the
 * database (store_snapshot_open) taken when the command ran, so its file
 * and its reply are byte for byte what the command made in one go, and
 * later changes (the user's own, or anyone's) never tear it.
 */
#ifndef TIMMY_EXPORT_JOB_H
#define TIMMY_EXPORT_JOB_H

#include <stdbool.h>
#include <stdint.h>

#include "cmd_int.h"
#include "export.h"

/* An export holds at most this many entries (and CMD_FILE_MAX bytes). */
#define EXPORT_ROWS_MAX 100000

/*
 * What counting an entry costs of a slice's budget, against writing one:
 * past EXPORT_ROWS_MAX (or a full file) entries are only counted, by a
 * cursor that reads an index alone. Measured here (release build,
 * 1,000,000 entries of one user): 0.1 us to count one, against 5-6 us to
 * read and write one as CSV and 7-10 us as JSON.
 */
#define EXPORT_COUNT_SHARE 32

/* One listing of the export: whose entries, with which filter. */
struct export_part {
	char *owner;                              /* owned */
	struct store_filter f;                    /* points into names */
	char *names[2 * STORE_FILTER_MAX];        /* owned copies */
};

struct cmd_job {
	store *st;            /* borrowed: the caller's handle (the end's
	                         checks read through it) */
	store *snap;          /* owned: the snapshot the entries are read
	                         from (store_snapshot_open); NULL: st */
	int64_t from, to, now;
	struct export_part *parts; /* owned, nparts of them, in file order */
	size_t nparts;
	size_t at;            /* the part being read */
	struct store_cursor *cur; /* parts[at]'s, owned; NULL: not opened */
	bool counting;        /* cur only counts (store_cursor_open's
	                         count_only) */
	int64_t part_seen;    /* entries cur passed or counted so far */
	struct export_writer *w;  /* owned until the end (export_end) */
	struct cmd_file file; /* what the writer writes into */
	bool inline_body;     /* the caller takes no file: the content goes
	                         into the reply */
	int64_t written;      /* entries passed to the writer (at most
	                         EXPORT_ROWS_MAX; a full one drops them) */
	int64_t total;        /* entries the period holds, counted so far */
	bool failed;          /* the store failed: the reply says so */
	/* The reply, made when the command ran (the words it names are
	 * gone by the end): "Export of last month for bob (acme)", and
	 * "No entries ... ; nothing to export." for an empty period. */
	struct text head;
	struct text none;
	char *user;           /* q->user, owned; NULL: the asker's own */
	bool check_projects;  /* an empty period: say when a project of the
	                         filter is none of the user's (one user's
	                         export only) */
	bool format_hint;     /* and that its first word may have been meant
	                         as a format */
};

/* A new, empty job (NULL when out of memory); cmd_job_free frees it. */
struct cmd_job *export_job_new(void);

/* Adds a listing of owner's entries through f (NULL: all) to j, after
 * the others; copies both. 0, or -1 when out of memory. */
int export_job_part(struct cmd_job *j, const char *owner,
                    const struct store_filter *f);

/*
 * Moves j, which has read from j->st so far, over to a snapshot of the
 * database as it is now (store_snapshot_open), where it finds its place
 * again: call it right after the first slice, with nothing written in
 * between, and the snapshot holds the entries that slice read. Opening
 * one costs some 0.5 ms, which an export that ends in its first slice
 * never pays. 0; -1 when no snapshot can be had (a database in memory)
 * or its place is not found again: then j goes on reading j->st.
 */
int export_job_snapshot(struct cmd_job *j);

#endif
