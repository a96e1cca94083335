/*
 * commands/import_csv.c - timmy's own CSV export (export.c), read back:
 * RFC 4180 records (a quoted field may hold commas, doubled quotes and
 * line breaks), the columns found by the names of the header line, so
 * that export then import is the identity (the numbers aside). Three
 * things the export did to a field are undone: the ' it put before a text
 * a spreadsheet would read as a formula (=, +, -, @, tab, CR) goes; the
 * tags cell is the tags parted by spaces; breaks_seconds, all the CSV
 * keeps of the breaks, comes back as one break that ends with the entry
 * (so the time worked is the same; where the breaks lay is not in the
 * file). A running entry (no stop) keeps no breaks: the CSV counts an
 * open one up to the moment of the export. An export of several users
 * has an owner (or member) column first: import_apply takes only the
 * user's own rows. Depends on the plan of import_int.h only.
 */
#include "import_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fields of one record; the export writes 10 at most. */
#define CSV_FIELDS_MAX 32
/* Bytes of one field: a note escaped, with room. */
#define CSV_FIELD_MAX (4 * STORE_NOTE_MAX)

/* The columns the reader needs, by what the header calls them. */
enum col { COL_OWNER, COL_PROJECT, COL_TAGS, COL_NOTE, COL_START, COL_STOP,
	COL_BREAKS, NCOLS };
static const char *const col_names[NCOLS] = {
	"owner", "project", "tags", "note", "start", "stop", "breaks_seconds",
};

/* One record: its fields, unquoted, each NUL-terminated in buf. */
struct record {
	char buf[CSV_FIELDS_MAX * (CSV_FIELD_MAX + 1)];
	size_t len[CSV_FIELDS_MAX];
	char *field[CSV_FIELDS_MAX];
	int n;
	bool bad; /* a field too long, too many, a quote that never ends */
};

/* The reader's place in the input. */
struct csv {
	const char *p, *end;
	long line;          /* of p */
};

/* Ends the field being built in r at *used. */
static void
end_field(struct record *r, size_t *used, size_t start)
{
	r->buf[*used] = '\0';
	r->field[r->n] = r->buf + start;
	r->len[r->n] = *used - start;
	r->n++;
	(*used)++;
}

/* Appends c to the field being built (at most CSV_FIELD_MAX bytes, and
 * room for its NUL in buf, also past the last field kept). */
static void
put(struct record *r, size_t *used, size_t start, char c)
{
	if (*used - start >= CSV_FIELD_MAX || *used + 1 >= sizeof(r->buf)) {
		r->bad = true;
		return;
	}
	r->buf[(*used)++] = c;
}

/*
 * Reads one record of c into r (RFC 4180: fields parted by commas, the
 * record ended by CRLF or LF outside quotes). Returns false at the end of
 * the input.
 */
static bool
read_record(struct csv *c, struct record *r)
{
	size_t used = 0, start = 0;
	bool quoted = false;

	r->n = 0;
	r->bad = false;
	if (c->p >= c->end)
		return false;
	while (c->p < c->end) {
		char ch = *c->p++;

		if (quoted) {
			if (ch == '"' && c->p < c->end && *c->p == '"') {
				c->p++;
				put(r, &used, start, '"');
			} else if (ch == '"') {
				quoted = false;
			} else {
				if (ch == '\n')
					c->line++;
				put(r, &used, start, ch);
			}
			continue;
		}
		if (ch == '"' && used == start) {
			quoted = true;
		} else if (ch == ',' || ch == '\n') {
			if (r->n == CSV_FIELDS_MAX) {
				r->bad = true;
			} else {
				if (used > start && r->buf[used - 1] == '\r' &&
				    ch == '\n')
					used--;
				end_field(r, &used, start);
			}
			start = used;
			if (ch == '\n') {
				c->line++;
				return true;
			}
		} else {
			put(r, &used, start, ch);
		}
	}
	if (quoted)
		r->bad = true;
	if (r->n < CSV_FIELDS_MAX)
		end_field(r, &used, start);
	return true;
}

/* A field without the ' the export put before a formula's first
 * character (export.c, csv_field). */
static const char *
unguard(const char *s, size_t *n)
{
	if (*n >= 2 && s[0] == '\'' && strchr("=+-@\t\r", s[1]) != NULL) {
		(*n)--;
		return s + 1;
	}
	return s;
}

/* The column of each name in the header r into col (-1: none). 0, or -1
 * when project, start or stop are missing. */
static int
read_header(const struct record *r, int col[NCOLS])
{
	int i, k;

	for (k = 0; k < NCOLS; k++)
		col[k] = -1;
	for (i = 0; i < r->n; i++)
		for (k = 0; k < NCOLS; k++)
			if (strcmp(r->field[i], col_names[k]) == 0 ||
			    (k == COL_OWNER && i == 0 &&
			     strcmp(r->field[i], "member") == 0))
				col[k] = i;
	return col[COL_PROJECT] < 0 || col[COL_START] < 0 || col[COL_STOP] < 0
	               ? -1 : 0;
}

/* The text of column k of r (n bytes), unguarded; "" when r has none. */
static const char *
cell(const struct record *r, const int col[NCOLS], enum col k, size_t *n)
{
	if (col[k] < 0 || col[k] >= r->n) {
		*n = 0;
		return "";
	}
	*n = r->len[col[k]];
	return unguard(r->field[col[k]], n);
}

/* The tags cell, parted by spaces, into it. */
static void
read_tags(struct import_item *it, const char *s, size_t n)
{
	size_t i = 0, j;

	while (i < n) {
		for (j = i; j < n && s[j] != ' '; j++)
			;
		import_add_tag(it, s + i, j - i);
		i = j + 1;
	}
}

/* breaks_seconds as one break that ends with a stopped entry; -1 when it
 * is no number. */
static int
read_breaks(struct import_item *it, const char *s, size_t n)
{
	char *end;
	long long secs;

	if (n == 0)
		return 0;
	secs = strtoll(s, &end, 10);
	if (end != s + n || secs < 0)
		return -1;
	if (secs == 0 || it->e.stop == 0)
		return 0;
	if (secs > it->e.stop - it->e.start)
		return -1;
	import_add_break(it, it->e.stop - secs, it->e.stop);
	return 0;
}

/* One data record into an item of p; -1 when memory ran out. */
static int
read_row(struct import_plan *p, const struct record *r, const int col[NCOLS],
         const char *where)
{
	struct import_item *it;
	const char *s;
	size_t n;

	if ((it = import_item_new(p, "%s", where)) == NULL)
		return -1;
	s = cell(r, col, COL_START, &n);
	if (r->bad || import_time(s, n, &it->e.start) != 0)
		goto bad;
	s = cell(r, col, COL_STOP, &n);
	if (n > 0 && import_time(s, n, &it->e.stop) != 0)
		goto bad;
	s = cell(r, col, COL_PROJECT, &n);
	import_set_project(it, s, n);
	s = cell(r, col, COL_TAGS, &n);
	read_tags(it, s, n);
	s = cell(r, col, COL_NOTE, &n);
	import_set_note(it, s, n);
	s = cell(r, col, COL_BREAKS, &n);
	if (read_breaks(it, s, n) != 0)
		goto bad;
	s = cell(r, col, COL_OWNER, &n);
	if (col[COL_OWNER] >= 0 && (it->owner = strndup(s, n)) == NULL)
		return -1;
	return 0;
bad:
	p->nitems--;
	import_skip(p, where, "not a row of timmy's CSV export");
	return 0;
}

int
import_csv_read(struct import_plan *p, const char *name, const char *buf,
                size_t len)
{
	char where[IMPORT_WHERE_MAX];
	struct csv c = { buf, buf + len, 1 };
	struct record *r;
	int col[NCOLS];
	long line;
	int rc = 0;

	if ((r = malloc(sizeof(*r))) == NULL)
		return -1;
	if (!read_record(&c, r) || r->bad || read_header(r, col) != 0) {
		import_skip(p, name, "not a CSV export of timmy's (its first "
		                     "line names project, start and stop)");
		free(r);
		return 0;
	}
	for (line = c.line; rc == 0 && read_record(&c, r); line = c.line) {
		if (r->n == 1 && r->len[0] == 0)
			continue; /* an empty line */
		snprintf(where, sizeof(where), "%s:%ld", name, line);
		rc = read_row(p, r, col, where);
	}
	free(r);
	return rc;
}
