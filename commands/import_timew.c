/*
 * commands/import_timew.c - Timewarrior's data files (data/YYYY-MM.data),
 * one interval a line:
 *
 *   inc 20250102T090000Z - 20250102T103000Z # acme "two words" # "a note"
 *   inc 20250103T080000Z # acme              (open: it still runs)
 *
 * Times are UTC in ISO 8601's basic form. After the first " # " come the
 * tags, separated by spaces, a tag with a space or a quote in double
 * quotes with \" inside; after a second "#" the annotation, quoted the
 * same way ("# #" when there are no tags). Timewarrior keeps the tags of
 * an interval sorted, so "the first tag" is the first in that order: it
 * becomes the project, the others tags, the annotation the note. An
 * interval without tags goes to the project "untagged". Depends on the
 * plan of import_int.h only.
 */
#include "import_int.h"

#include <stdio.h>
#include <string.h>

/* The project of an interval without tags. */
#define UNTAGGED "untagged"

/* Unquoted text of one word of a line, at most a note long. */
#define WORD_MAX (STORE_NOTE_MAX + 1)

/* One line being read: p..end, and where it is. */
struct line {
	const char *p, *end;
	char where[IMPORT_WHERE_MAX];
};

static void
skip_spaces(struct line *l)
{
	while (l->p < l->end && (*l->p == ' ' || *l->p == '\t'))
		l->p++;
}

/*
 * The next word of l into w (at most WORD_MAX bytes; *n its length): a
 * run up to a space, or a quoted one without its quotes and with \" and
 * \\ made " and \. *quoted says which. Returns 0, -1 at the end of the
 * line, -2 for a quote that does not end or a word too long.
 */
static int
next_word(struct line *l, char *w, size_t *n, bool *quoted)
{
	*n = 0;
	*quoted = false;
	skip_spaces(l);
	if (l->p == l->end)
		return -1;
	if (*l->p != '"') {
		while (l->p < l->end && *l->p != ' ' && *l->p != '\t') {
			if (*n == WORD_MAX)
				return -2;
			w[(*n)++] = *l->p++;
		}
		return 0;
	}
	*quoted = true;
	for (l->p++; l->p < l->end && *l->p != '"'; l->p++) {
		if (*l->p == '\\' && l->p + 1 < l->end &&
		    (l->p[1] == '"' || l->p[1] == '\\'))
			l->p++;
		if (*n == WORD_MAX)
			return -2;
		w[(*n)++] = *l->p;
	}
	if (l->p == l->end)
		return -2;
	l->p++;
	return 0;
}

/* The time word of l into *t: -1 when there is none, or it is no time. */
static int
next_time(struct line *l, int64_t *t)
{
	char w[WORD_MAX];
	size_t n;
	bool quoted;

	if (next_word(l, w, &n, &quoted) != 0 || quoted)
		return -1;
	return import_time(w, n, t);
}

/* The tags and annotation after the first "#" of l, into it. -1 when a
 * word cannot be read. */
static int
read_tags(struct line *l, struct import_item *it)
{
	char w[WORD_MAX];
	bool quoted, note = false, project = false;
	size_t n;
	int rc;

	while ((rc = next_word(l, w, &n, &quoted)) == 0) {
		if (note) {
			if (!project)
				import_set_project(it, UNTAGGED,
				                   strlen(UNTAGGED));
			import_set_note(it, w, n);
			/* What follows a quoted annotation is not Timewarrior's. */
			skip_spaces(l);
			return l->p == l->end ? 0 : -1;
		}
		if (!quoted && n == 1 && w[0] == '#') {
			note = true;
		} else if (!project) {
			import_set_project(it, w, n);
			project = true;
		} else {
			import_add_tag(it, w, n);
		}
	}
	if (rc == -2)
		return -1;
	if (!project)
		import_set_project(it, UNTAGGED, strlen(UNTAGGED));
	return 0;
}

/* One line: an interval into p, or a skip that names it. */
static int
read_line(struct import_plan *p, struct line *l)
{
	struct import_item *it;
	char w[WORD_MAX];
	size_t n;
	bool quoted;
	int64_t start, stop = 0;

	skip_spaces(l);
	if (l->p == l->end)
		return 0; /* an empty line */
	if (next_word(l, w, &n, &quoted) != 0 || quoted || n != 3 ||
	    memcmp(w, "inc", 3) != 0 || next_time(l, &start) != 0) {
		import_skip(p, l->where, "not an interval of Timewarrior's "
		                         "(inc START - END # tags)");
		return 0;
	}
	skip_spaces(l);
	if (l->p < l->end && *l->p == '-') {
		l->p++;
		if (next_time(l, &stop) != 0) {
			import_skip(p, l->where, "its end is not a time");
			return 0;
		}
	}
	skip_spaces(l);
	if ((it = import_item_new(p, "%s", l->where)) == NULL)
		return -1;
	it->e.start = start;
	it->e.stop = stop;
	if (l->p < l->end && *l->p == '#') {
		l->p++;
		if (read_tags(l, it) == 0)
			return 0;
	} else if (l->p == l->end) {
		import_set_project(it, UNTAGGED, strlen(UNTAGGED));
		return 0;
	}
	p->nitems--; /* the item goes: the line could not be read */
	import_skip(p, l->where, "its tags cannot be read");
	return 0;
}

int
import_timew_read(struct import_plan *p, const char *name, const char *buf,
                  size_t len)
{
	const char *end = buf + len, *nl;
	struct line l;
	long lineno = 0;

	while (buf < end) {
		lineno++;
		nl = memchr(buf, '\n', (size_t)(end - buf));
		l.p = buf;
		l.end = nl != NULL ? nl : end;
		if (l.end > l.p && l.end[-1] == '\r')
			l.end--;
		snprintf(l.where, sizeof(l.where), "%s:%ld", name, lineno);
		if (read_line(p, &l) != 0)
			return -1;
		buf = nl != NULL ? nl + 1 : end;
	}
	return 0;
}
