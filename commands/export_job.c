/*
 * commands/export_job.c - an export made in slices (export_job.h): its
 * listings read a bounded number of entries at a time from one snapshot,
 * written to the file while it takes them and counted after, then the
 * reply the command would have made at once. Depends on storage/ (the
 * cursor and snapshot of store.h) and the writer of export.h; nothing of
 * XMPP, and no clock: the caller says how much a slice may do.
 */
#include "export_job.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cmd_job *
export_job_new(void)
{
	struct cmd_job *j = calloc(1, sizeof(*j));

	if (j == NULL)
		return NULL;
	cmd_file_init(&j->file);
	text_init(&j->head, CMD_REPLY_MAX);
	text_init(&j->none, CMD_REPLY_MAX);
	return j;
}

/* A copy of s into *dst (NULL stays NULL); -1 when out of memory. */
static int
copy(char **dst, const char *s)
{
	*dst = NULL;
	return s != NULL && (*dst = strdup(s)) == NULL ? -1 : 0;
}

int
export_job_part(struct cmd_job *j, const char *owner,
                const struct store_filter *f)
{
	struct export_part *grown, *p;
	int i, rc = 0;

	if ((grown = realloc(j->parts, (j->nparts + 1) * sizeof(*grown))) ==
	    NULL)
		return -1;
	j->parts = grown;
	p = &j->parts[j->nparts++];
	memset(p, 0, sizeof(*p));
	rc |= copy(&p->owner, owner);
	for (i = 0; f != NULL && i < f->nprojects && i < STORE_FILTER_MAX; i++) {
		rc |= copy(&p->names[i], f->projects[i]);
		p->f.projects[p->f.nprojects++] = p->names[i];
	}
	for (i = 0; f != NULL && i < f->ntags && i < STORE_FILTER_MAX; i++) {
		rc |= copy(&p->names[STORE_FILTER_MAX + i], f->tags[i]);
		p->f.tags[p->f.ntags++] = p->names[STORE_FILTER_MAX + i];
	}
	return rc;
}

/* The store's callback: one entry into the file. */
static void
export_row(const char *owner, const struct store_entry *e, void *arg)
{
	struct cmd_job *j = arg;

	/* No owner column, but the owner makes the iCalendar UID. */
	export_entry(j->w, owner, e);
	j->written++;
}

/* a * b, or SIZE_MAX when that does not fit. */
static size_t
times(size_t a, size_t b)
{
	return b != 0 && a > SIZE_MAX / b ? SIZE_MAX : a * b;
}

/* Opens the cursor of parts[at], counting only or not, from j->st or
 * its snapshot. */
static store_rc
open_part(struct cmd_job *j, bool count_only)
{
	const struct export_part *p = &j->parts[j->at];

	j->counting = count_only;
	j->part_seen = 0;
	return store_cursor_open(j->snap != NULL ? j->snap : j->st, p->owner,
	                         j->from, j->to, j->now, &p->f, count_only,
	                         &j->cur);
}

/*
 * One slice: the next entries of j's listings, for at most budget (an
 * entry written costs 1, one counted 1/EXPORT_COUNT_SHARE). Entries go
 * to the file up to EXPORT_ROWS_MAX while it takes them; after that the
 * rest is counted (the part under way counted anew, whole, by a cursor
 * that counts only). STORE_OK, or the store's failure.
 */
static store_rc
job_read(struct cmd_job *j, size_t budget)
{
	size_t want, n, spent;
	store_rc rc;
	bool write;

	while (budget > 0 && j->at < j->nparts) {
		write = j->written < EXPORT_ROWS_MAX && !export_full(j->w);
		if (j->cur != NULL && !write && !j->counting) {
			store_cursor_close(j->cur);
			j->cur = NULL;
			j->total -= j->part_seen;
		}
		if (j->cur == NULL && (rc = open_part(j, !write)) != STORE_OK)
			return rc;
		if (write) {
			want = (size_t)(EXPORT_ROWS_MAX - j->written);
			rc = store_cursor_next(j->cur, budget < want ? budget : want,
			                       export_row, j, &n);
		} else {
			want = times(budget, EXPORT_COUNT_SHARE);
			rc = store_cursor_next(j->cur, want, NULL, NULL, &n);
		}
		if (rc != STORE_OK)
			return rc;
		j->total += (int64_t)n;
		j->part_seen += (int64_t)n;
		spent = write ? n : (n + EXPORT_COUNT_SHARE - 1) / EXPORT_COUNT_SHARE;
		budget -= spent < budget ? spent : budget;
		if (store_cursor_done(j->cur)) {
			store_cursor_close(j->cur);
			j->cur = NULL;
			j->at++;
		}
	}
	return STORE_OK;
}

int
export_job_snapshot(struct cmd_job *j)
{
	size_t seen = (size_t)j->part_seen, n = 0;

	if (store_snapshot_open(j->st, &j->snap) != STORE_OK)
		return -1;
	if (j->cur == NULL)
		return 0;
	/* The same entries in the same order: step over those seen. */
	store_cursor_close(j->cur);
	j->cur = NULL;
	if (open_part(j, j->counting) == STORE_OK &&
	    store_cursor_next(j->cur, seen, NULL, NULL, &n) == STORE_OK &&
	    n == seen) {
		j->part_seen = (int64_t)seen;
		return 0;
	}
	/* Another process wrote in that instant: the file would not hold
	 * one state of the entries, so the export ends saying the store
	 * failed. */
	j->failed = true;
	return 0;
}

/* "3.1 KiB", "512 bytes". */
static void
say_size(size_t bytes, struct text *out)
{
	if (bytes < 1024)
		text_printf(out, "%zu bytes", bytes);
	else if (bytes < 1024 * 1024)
		text_printf(out, "%zu.%zu KiB", bytes / 1024, bytes % 1024 * 10 / 1024);
	else
		text_printf(out, "%zu.%zu MiB", bytes / (1024 * 1024),
		            bytes % (1024 * 1024) * 10 / (1024 * 1024));
}

/* For an empty period: when a project of the filter is none of the
 * user's, reply says so (cmd_unknown_project) and 1 is returned. */
static int
unknown_project(const struct cmd_job *j, struct text *reply)
{
	struct cmd_query q;
	struct cmd_ctx c;

	if (!j->check_projects || j->nparts != 1)
		return 0;
	memset(&c, 0, sizeof(c));
	memset(&q, 0, sizeof(q));
	c.st = j->st;
	c.owner = j->parts[0].owner;
	c.now = j->now;
	q.filter = j->parts[0].f;
	q.user = j->user;
	return cmd_unknown_project(&c, &q, reply);
}

/* The end: the file closed and the reply made, as the command makes
 * them at once; the file to *file (NULL: none may come, when
 * j->inline_body). */
static enum cmd_status
job_end(struct cmd_job *j, struct text *reply, struct cmd_file *file)
{
	bool cut = export_end(j->w) != 0 || j->total > EXPORT_ROWS_MAX;
	/* As the reply has always counted them: what the listing passed to
	 * the file, up to the limit, whether the file took them or not. */
	int64_t rows = j->total < EXPORT_ROWS_MAX ? j->total : EXPORT_ROWS_MAX;

	j->w = NULL;
	if (j->failed) {
		cmd_file_free(&j->file);
		return cmd_store_failed(reply, 0);
	}
	if (j->total == 0) {
		cmd_file_free(&j->file);
		if (unknown_project(j, reply)) {
			/* "export pdf": the first word may have been meant as
			 * a format. */
			if (j->format_hint)
				text_printf(reply, " Formats: csv, json, ical.");
			return CMD_REFUSED;
		}
		text_printf(reply, "%s", text_str(&j->none));
		return CMD_OK;
	}
	j->file.present = true;
	text_printf(reply, "%s: %lld %s as %s, ", text_str(&j->head),
	            (long long)rows, rows == 1 ? "entry" : "entries",
	            j->file.name);
	say_size(j->file.body.len, reply);
	text_printf(reply, ".");
	if (cut)
		text_printf(reply, " The export is cut short at %lld of %lld "
		                   "entries (the limit is %d entries or %d MiB); "
		                   "ask for a shorter period.",
		            (long long)rows, (long long)j->total,
		            EXPORT_ROWS_MAX, CMD_FILE_MAX / (1024 * 1024));
	if (j->inline_body || file == NULL) {
		text_printf(reply, "\n%s", text_str(&j->file.body));
		cmd_file_free(&j->file);
		return CMD_OK;
	}
	cmd_file_free(file);
	*file = j->file; /* taken: j's starts afresh */
	cmd_file_init(&j->file);
	return CMD_OK;
}

bool
cmd_job_step(struct cmd_job *j, size_t budget, struct text *reply,
             struct cmd_file *file, enum cmd_status *rc)
{
	if (!j->failed && j->at < j->nparts && job_read(j, budget) != STORE_OK)
		j->failed = true;
	if (!j->failed && j->at < j->nparts)
		return true;
	/* The snapshot goes before the end reads through st: it holds old
	 * pages of the database in place (SQLite: the WAL) while open. */
	store_cursor_close(j->cur);
	j->cur = NULL;
	store_close(j->snap);
	j->snap = NULL;
	*rc = job_end(j, reply, file);
	return false;
}

void
cmd_job_free(struct cmd_job *j)
{
	size_t i;
	int k;

	if (j == NULL)
		return;
	store_cursor_close(j->cur);
	store_close(j->snap);
	if (j->w != NULL)
		(void)export_end(j->w);
	cmd_file_free(&j->file);
	for (i = 0; i < j->nparts; i++) {
		free(j->parts[i].owner);
		for (k = 0; k < 2 * STORE_FILTER_MAX; k++)
			free(j->parts[i].names[k]);
	}
	free(j->parts);
	text_free(&j->head);
	text_free(&j->none);
	free(j->user);
	free(j);
}
