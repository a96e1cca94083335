/*
 * storage/entry_read.c - an entry as read from a row: its columns
 * (SQL_ENTRY), its tags in their one order and its breaks, each read by a
 * statement of its own (one entry: store_one_entry) or from two columns
 * of the row itself (a listing: store_read_listed, SQL_LISTED).
 *
 * Why listings read them in their own row: on PostgreSQL a statement is
 * a round trip to the server, and two per listed entry were most of an
 * export's time (the scale run's export of every user took 526 s).
 *
 * Dependency rule: the statements of db.h (through store_int.h) and libc only.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "store_sql.h"

/*
 * The one order of an entry's tags, whoever reads them and whatever order
 * they were typed in, so that every reply and file lists them alike: by
 * name without regard to case (UNOCASE, as reports sort names), then by
 * bytes, which orders "X" and "x" on one entry (older builds stored both).
 */
static int
tag_cmp(const void *a, const void *b)
{
	const char *x = a, *y = b;
	int c = store_unocase_cmp(x, strlen(x), y, strlen(y));

	return c != 0 ? c : strcmp(x, y);
}

/* Puts e's tags in that order. */
void
store_tags_sort(struct store_entry *e)
{
	if (e->ntags > 1 && e->ntags <= STORE_TAGS_MAX)
		qsort(e->tags, (size_t)e->ntags, sizeof e->tags[0], tag_cmp);
}

bool
store_read_entry(db_stmt *s, struct store_entry *e)
{
	memset(e, 0, sizeof *e);
	e->id = db_int64(s, 0);
	e->seq = db_int64(s, 1);
	e->start = db_int64(s, 4);
	e->stop = db_int64(s, 5); /* NULL reads as 0 */
	return store_copy_text(e->project, sizeof e->project, s, 2) &&
	       store_copy_text(e->note, sizeof e->note, s, 3);
}

/* Statement q prepared with :entry bound to entry; NULL (the error
 * kept) when that failed. */
db_stmt *
store_entry_stmt(store *st, const struct store_sql *q, int64_t entry)
{
	db_stmt *s = store_sql_prepare(st, q);
	int rc;

	if (s != NULL && (rc = store_bind_int64(s, ":entry", entry)) !=
	    DB_OK) {
		store_sql_fail(st, q, rc);
		return NULL;
	}
	return s;
}

/*
 * Runs q, a query of e's rows in some table, and hands each row to add;
 * when add finds no room for it (false), fails saying that e "has" what
 * add is short of.
 */
static store_rc
entry_rows(store *st, const struct store_sql *q, struct store_entry *e,
           bool (*add)(struct store_entry *, db_stmt *),
           const char *what)
{
	db_stmt *s;
	int rc;

	if ((s = store_entry_stmt(st, q, e->id)) == NULL)
		return STORE_ERR;
	while ((rc = db_step(s)) == DB_ROW) {
		if (!add(e, s)) {
			store_reset(s);
			return store_failf(st, "%s: entry %" PRId64 " has %s",
			                   q->name, e->id, what);
		}
	}
	if (rc != DB_DONE)
		return store_sql_fail(st, q, rc);
	store_reset(s);
	return STORE_OK;
}

/* Adds the break in row s to e; false when e has all it can hold. */
static bool
break_add(struct store_entry *e, db_stmt *s)
{
	if (e->nbreaks == STORE_BREAKS_MAX)
		return false;
	e->breaks[e->nbreaks].start = db_int64(s, 0);
	e->breaks[e->nbreaks].stop = db_int64(s, 1);
	e->nbreaks++;
	return true;
}

/* Reads e's breaks, oldest first (the primary key's order). */
static store_rc
breaks_load(store *st, struct store_entry *e)
{
	STORE_SQL(q, "breaks",
		"SELECT start, stop FROM entry_breaks WHERE entry_id = :entry"
		" ORDER BY start");

	e->nbreaks = 0;
	return entry_rows(st, &q, e, break_add, "too many");
}

/* Adds the tag in row s to e; false when e has all it can hold or the
 * tag is too long. */
static bool
tag_add(struct store_entry *e, db_stmt *s)
{
	if (e->ntags == STORE_TAGS_MAX ||
	    !store_copy_text(e->tags[e->ntags], sizeof e->tags[0], s, 0))
		return false;
	e->ntags++;
	return true;
}

/* The tags and the breaks of e. */
store_rc
store_tags_load(store *st, struct store_entry *e)
{
	/* In no order: tags_sort puts them in one. */
	STORE_SQL(q, "tags",
		"SELECT tag FROM entry_tags WHERE entry_id = :entry");
	store_rc ret;

	e->ntags = 0;
	if ((ret = entry_rows(st, &q, e, tag_add,
	                      "a tag too many or too long")) != STORE_OK)
		return ret;
	store_tags_sort(e);
	return breaks_load(st, e);
}

store_rc
store_one_entry(store *st, const struct store_sql *q,
                db_stmt *s, int rc, struct store_entry *e)
{
	store_rc ret;
	bool fits;

	if ((ret = store_sql_row(st, q, s, rc)) != STORE_OK)
		return ret;
	fits = store_read_entry(s, e);
	rc = db_step(s);
	if (rc == DB_ROW) { /* UNIQUE constraints rule this out */
		store_reset(s);
		return store_failf(st, "%s: more than one entry", q->name);
	}
	if (rc != DB_DONE)
		return store_sql_fail(st, q, rc);
	store_reset(s);
	if (!fits)
		return store_failf(st, "%s: a stored text does not fit",
		                   q->name);
	return store_tags_load(st, e);
}

/* Orders breaks by start, as breaks_load reads them. */
static int
break_cmp(const void *a, const void *b)
{
	const struct store_break *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

/*
 * Reads the tags of column col of s into e: "LEN:TAG" one after the
 * other, LEN the tag's bytes (SQL_LISTED). NULL: none. false when the
 * text is not that, or e has no room.
 */
static bool
listed_tags(db_stmt *s, int col, struct store_entry *e)
{
	const char *p = (const char *)db_text(s, col), *end;
	char *colon;
	unsigned long len;

	e->ntags = 0;
	if (p == NULL)
		return true;
	end = p + db_bytes(s, col);
	while (p < end) {
		errno = 0;
		len = strtoul(p, &colon, 10);
		if (errno != 0 || colon == p || *colon != ':' ||
		    len == 0 || len > STORE_TAG_MAX ||
		    len > (size_t)(end - colon - 1) ||
		    e->ntags == STORE_TAGS_MAX)
			return false;
		memcpy(e->tags[e->ntags], colon + 1, len);
		e->tags[e->ntags][len] = '\0';
		e->ntags++;
		p = colon + 1 + len;
	}
	store_tags_sort(e);
	return true;
}

/* The number at *p into *v, *end after it; false when there is none. */
static bool
listed_int(const char *p, char **end, int64_t *v)
{
	long long n;

	errno = 0;
	n = strtoll(p, end, 10);
	if (errno != 0 || *end == p)
		return false;
	*v = n;
	return true;
}

/*
 * Reads the breaks of column col of s into e: "START:STOP" separated by
 * spaces, STOP empty while the break runs (read as 0, as a NULL stop is
 * read elsewhere) (SQL_LISTED). NULL: none. false when the text is not
 * that, or e has no room.
 */
static bool
listed_breaks(db_stmt *s, int col, struct store_entry *e)
{
	const char *p = (const char *)db_text(s, col);
	struct store_break *br;
	char *next;

	e->nbreaks = 0;
	if (p == NULL)
		return true;
	while (*p != '\0') {
		if (e->nbreaks == STORE_BREAKS_MAX)
			return false;
		br = &e->breaks[e->nbreaks++];
		br->stop = 0;
		if (!listed_int(p, &next, &br->start) || *next != ':')
			return false;
		p = next + 1;
		if (*p != ' ' && *p != '\0') {
			if (!listed_int(p, &next, &br->stop))
				return false;
			p = next;
		}
		if (*p == ' ')
			p++;
		else if (*p != '\0')
			return false;
	}
	qsort(e->breaks, (size_t)e->nbreaks, sizeof e->breaks[0], break_cmp);
	return true;
}

bool
store_read_listed(db_stmt *s, int col, struct store_entry *e)
{
	return listed_tags(s, col, e) && listed_breaks(s, col + 1, e);
}
