/*
 * commands/import_int.h - what the import driver (commands/import.c)
 * shares with the reader of each format (import_timew.c, import_watson.c,
 * import_csv.c, import_json.c): the plan they fill and the helpers that
 * check a field against the store's limits as it goes in. Private to
 * those files and their unit tests.
 */
#ifndef TIMMY_IMPORT_INT_H
#define TIMMY_IMPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "import.h"

/* "data/2025-01.data:12", "frames: frame 3": where an item came from. */
#define IMPORT_WHERE_MAX 320

/* One interval read from an input. */
struct import_item {
	struct store_entry e;  /* project, tags, note, start, stop (0: it
	                          runs) and breaks (a stop of 0: the open
	                          break of a paused one); id and seq unused */
	char where[IMPORT_WHERE_MAX];
	char *owner;           /* the owner column of an export of several
	                          users (malloc'ed, freed with the plan);
	                          NULL: none */
	const char *why;       /* static text: why it cannot be imported as
	                          read (a field over a limit); NULL: fine */
	size_t order;          /* its place in the inputs, for a stable sort */
};

struct import_plan {
	struct import_item *items;
	size_t nitems, cap;
	struct text skips;     /* "skipped name:line: why\n" for each part that
	                          could not be read, in input order */
	size_t nskips;
};

/* A reader: len bytes of buf, named name in the report, into p. Returns
 * 0, or -1 when memory ran out. */
typedef int (*import_reader)(struct import_plan *p, const char *name,
                             const char *buf, size_t len);

int import_timew_read(struct import_plan *p, const char *name,
                      const char *buf, size_t len);
int import_watson_read(struct import_plan *p, const char *name,
                       const char *buf, size_t len);
int import_csv_read(struct import_plan *p, const char *name,
                    const char *buf, size_t len);
int import_json_read(struct import_plan *p, const char *name,
                     const char *buf, size_t len);

/*
 * A new item at the end of p, zeroed, with where set from printf-style
 * arguments; borrowed until the next import_item_new. NULL when memory
 * ran out.
 */
struct import_item *import_item_new(struct import_plan *p, const char *fmt,
                                    ...)
	__attribute__((format(printf, 2, 3)));

/* Records that a part of an input could not be read: "skipped where:
 * why". */
void import_skip(struct import_plan *p, const char *where, const char *why);

/*
 * The fields of an item, n bytes of s each. A value the store would
 * refuse (an empty project, a project, tag or note over its STORE_*_MAX,
 * a ninth tag) sets it->why instead. A tag's spaces become '-' (a tag is
 * one word in timmy: the CSV export parts tags with spaces); an empty tag,
 * or one the item has already in that spelling, is left out.
 */
void import_set_project(struct import_item *it, const char *s, size_t n);
void import_add_tag(struct import_item *it, const char *s, size_t n);
void import_set_note(struct import_item *it, const char *s, size_t n);

/*
 * A JSON project string and array of tag strings (tags may be NULL)
 * into it, for the readers that use jansson (import_json.c defines it):
 * -1 when they are not that.
 */
struct json_t;
int import_json_names(struct import_item *it, const struct json_t *project,
                      const struct json_t *tags);

/* len bytes of buf parsed as JSON (the caller json_decref's it), or NULL
 * after a skip of name:line with the parser's reason (import_json.c). */
struct json_t *import_json_load(struct import_plan *p, const char *name,
                                const char *buf, size_t len);

/* Adds a break to it; it->why when it has STORE_BREAKS_MAX already. */
void import_add_break(struct import_item *it, int64_t start, int64_t stop);

/*
 * n bytes of s as a time: ISO 8601 with a zone ("2026-11-25T15:00:00+01:00",
 * "...Z", as the exports write it) or Timewarrior's basic UTC form
 * ("20250102T090000Z"). Returns 0 with *t in UTC epoch seconds, or -1.
 */
int import_time(const char *s, size_t n, int64_t *t);

#endif
