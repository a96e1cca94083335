/*
 * commands/export_int.h - what commands/export.c shares with the writer of
 * one format (commands/export_ical.c): the writer itself and the values
 * every format computes alike. Private to the export writer.
 */
#ifndef TIMMY_EXPORT_INT_H
#define TIMMY_EXPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "export.h"
#include "../lib/text.h"
#include "../lib/tz.h"

/*
 * The most one entry may take in any format: an owner of STORE_OWNER_MAX
 * bytes that JSON escapes as \u00XX six bytes each, plus the rest, fits
 * with room to spare. An entry that does not fit counts as not fitting in
 * out.
 */
#define EXPORT_ROW_MAX (64 * 1024)

/* "2026-11-25T15:00:00+01:00" and "20261125T140000Z", with room for
 * what the compiler cannot rule out. */
#define EXPORT_TIME_MAX 96

struct export_writer {
	enum export_format f;
	char zone[TZ_NAME_MAX + 1];
	int64_t now;
	bool with_owner;
	char owner_column[16]; /* its name: "owner", "member" */
	/* The bot's bare JID, ASCII in lower case ("" when not known), and
	 * its domain part: they name the deployment in iCalendar UIDs. */
	char origin[STORE_OWNER_MAX + 1];
	const char *domain;
	struct text *out;  /* the caller's; bounds the file */
	struct text row;   /* the entry being built */
	struct text clean; /* one field made valid UTF-8 */
	struct text line;  /* one iCalendar content line before folding */
	size_t entries;    /* entries written to out */
	bool started;      /* the file's opening part is in out */
	bool full;         /* something did not fit: write no more entries */
};

/* strlen bounded by the array that holds s, for fields of store_entry. */
static inline size_t
field_len(const char *s, size_t size)
{
	return strnlen(s, size);
}

#define FIELD(a) (a), field_len((a), sizeof(a))

/* The seconds of the entry's breaks, an open one up to now. */
int64_t export_break_seconds(const struct export_writer *w,
                             const struct store_entry *e);

/* The entry's worked seconds: from its start to its stop, or now while
 * it runs, less its breaks. */
int64_t export_entry_seconds(const struct export_writer *w,
                             const struct store_entry *e);

/* s (n bytes) with every invalid UTF-8 byte replaced by U+FFFD, borrowed
 * until the next call; NULL when it does not fit or memory ran out. */
const char *export_clean(struct export_writer *w, const char *s, size_t n);

/* The number of tags to read: ntags, kept within the array. */
int export_tag_count(const struct store_entry *e);

/* commands/export_ical.c: the file's opening part, into w->row; the
 * closing part; one entry as a VEVENT into w->row (nothing for an entry
 * whose start cannot be written). */
void export_ical_begin(struct export_writer *w);
extern const char export_ical_trailer[];
void export_ical_entry(struct export_writer *w, const char *owner,
                       const struct store_entry *e);

#endif
