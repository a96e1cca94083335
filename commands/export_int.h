/*
 * commands/export_int.h - what commands/export.c shares with the writer of
 * one format (commands/export_json.c, commands/export_ical.c): the writer
 * itself and the values every format computes alike. Private to the
 * export writer (and its unit tests).
 */
#ifndef TIMMY_EXPORT_INT_H
#define TIMMY_EXPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "billing.h"
#include "export.h"
#include "rounding.h"
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
	struct rounding rounding; /* of the rounded columns (none: exact) */
	char rounding_name[ROUNDING_TEXT_MAX]; /* its spelling, "15m up" */
	size_t entries;    /* entries written to out */
	bool started;      /* the file's opening part is in out */
	bool full;         /* something did not fit: write no more entries */
	struct billing_book *book; /* the rates (export_set_book), owned;
	                              NULL: none */
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

/* The entry's worked seconds rounded by w's rounding (rounding_entry,
 * in w's zone): what a report counts of it; the worked seconds when
 * the rounding is none. */
int64_t export_rounded_seconds(const struct export_writer *w,
                               const struct store_entry *e);

/* s (n bytes) with every invalid UTF-8 byte replaced by U+FFFD, borrowed
 * until the next call; NULL when it does not fit or memory ran out. */
const char *export_clean(struct export_writer *w, const char *s, size_t n);

/* The number of tags to read: ntags, kept within the array. */
int export_tag_count(const struct store_entry *e);

/* Appends v in decimal, as printf's %lld would. */
void export_put_int(struct text *t, int64_t v);

/* t as ISO 8601 in zone, "2026-11-25T15:00:00+01:00", into buf (n bytes,
 * EXPORT_TIME_MAX will do). Returns 0, or -1 leaving buf "" for a time
 * outside the years 0000 to 9999. */
int export_iso_time(const char *zone, int64_t t, char *buf, size_t n);

/* commands/export_json.c: the closing part; one entry as one line of the
 * array into w->row. */
extern const char export_json_trailer[];
void export_json_entry(struct export_writer *w, const char *owner,
                       const struct store_entry *e);

/* s, a NUL-terminated valid UTF-8 text, as a JSON string with its quotes
 * appended to t: '"', '\\' and control characters escaped as jansson
 * does (\n, \t ..., else \u001F with capital hex digits), everything
 * else, "/" and non-ASCII included, as it is. */
void export_json_string(struct text *t, const char *s);

/* Hundredths of an hour c as the JSON number c / 100 (1.5, 0.25, 2.0) */
void export_json_hours(struct text *t, int64_t c);

/* commands/export_ical.c: the file's opening part, into w->row; the
 * closing part; one entry as a VEVENT into w->row (nothing for an entry
 * whose start cannot be written). */
void export_ical_begin(struct export_writer *w);
extern const char export_ical_trailer[];
void export_ical_entry(struct export_writer *w, const char *owner,
                       const struct store_entry *e);

/*
 * commands/export.c, for files whose rows are no entries (a timesheet,
 * commands/export_timesheet.c). export_begin_table starts a file of
 * format f as export_begin does, but writes no CSV header (the caller's
 * first row is one); export_table_row moves what the caller built in
 * w->row into the file when it fits (else the writer is full; see
 * export_full) and empties w->row and w->line; export_csv_cell appends
 * one CSV field to w->row, quoted and guarded against formulas as every
 * CSV field is; export_hours appends seconds as hours with two
 * decimals, "1.50". The file ends with export_end.
 */
struct export_writer *export_begin_table(enum export_format f,
                                         const char *zone, int64_t now,
                                         const char *origin,
                                         struct text *out);
void export_table_row(struct export_writer *w);
void export_csv_cell(struct export_writer *w, const char *s);
void export_hours(struct text *t, int64_t secs);

/* commands/export_ical.c: an all-day event of a timesheet into w->row
 * (see there). */
void export_ical_day(struct export_writer *w, const char *owner,
                     const char *scope, const char *date, const char *next,
                     const char *summary, const char *description);

#endif
