/*
 * commands/export.h - time entries as files people hand to a client:
 * CSV (RFC 4180), JSON (built with jansson) and iCalendar (RFC 5545).
 *
 * A writer streams: entries are appended one at a time to a bounded
 * struct text, so memory follows the file's size limit, never the
 * database. Every row holds the entry's number, project, tags, note, start
 * and stop in ISO 8601 with the offset of the zone in force at that
 * moment (2026-11-25T15:00:00+01:00), the duration (the time worked:
 * breaks left out) in seconds and in hours, and the breaks: CSV their
 * seconds in a column breaks_seconds; JSON a "breaks" array of
 * {start, stop} and break_seconds; then (CSV and JSON) the worked time
 * as the user's setting rounding counts it, rounded_seconds and
 * rounded_hours, and that rule, rounding ("15m up", "none": then they
 * equal the exact ones; export_set_rounding); then the billing: billable,
 * rate, currency and amount, the amount of the rounded time
 * (export_set_book); iCalendar keeps the whole span in
 * DTSTART/DTEND and says "Worked 7h 45m (break 45m)" in DESCRIPTION. A
 * running entry has no stop and counts up to now.
 */
#ifndef TIMMY_EXPORT_H
#define TIMMY_EXPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "../lib/text.h"
#include "../storage/store.h"
#include "rounding.h"

enum export_format { EXPORT_CSV, EXPORT_JSON, EXPORT_ICAL };

/* "csv", "json", "ical" (also "ics"), any case; -1 when word is none. */
int export_format_parse(const char *word, enum export_format *out);

/* "text/csv", "application/json", "text/calendar". */
const char *export_mime(enum export_format f);

/* The file name extension without the dot: "csv", "json", "ics". */
const char *export_ext(enum export_format f);

struct export_writer;

/*
 * Starts a file in format f into out (which bounds its size), with times
 * in zone and running entries counted up to now. with_owner adds a column
 * (field, property) naming each entry's user, for exports of several
 * users. origin is the bot's bare JID (account.jid; NULL when not known):
 * with each entry's owner and number it makes iCalendar UIDs that no
 * other user, bot or server has (export.c, ical_uid). Returns a writer
 * owned by the caller (export_end frees it), or NULL when out of memory.
 */
struct export_writer *export_begin(enum export_format f, const char *zone,
                                   int64_t now, bool with_owner,
                                   const char *origin, struct text *out);

/* export_begin with the owner column named owner_column (at most 15
 * bytes, a CSV and JSON name as it is: "member"), NULL: none. */
struct export_writer *export_begin_named(enum export_format f,
                                         const char *zone, int64_t now,
                                         const char *owner_column,
                                         const char *origin,
                                         struct text *out);

/*
 * The rounding of the columns rounded_seconds and rounded_hours (CSV;
 * JSON fields of the same names) and what the column rounding says
 * ("15m up"), for a user whose setting rounding is r: each entry as a
 * report counts it (commands/rounding.h). Without this call, or with r
 * none, they equal the exact ones and rounding says "none". iCalendar
 * keeps the exact span. Call it before the first entry.
 */
void export_set_rounding(struct export_writer *w, const struct rounding *r);

/* Appends one entry of owner, the user's bare JID, which the iCalendar
 * UID is made of with or without an owner column (NULL: the UID is made
 * of the row id; see ical_uid). */
void export_entry(struct export_writer *w, const char *owner,
                  const struct store_entry *e);

/*
 * Gives w the rates its CSV and JSON entries are billed by (billing.h):
 * w owns book from then on and frees it with itself (export_end). Without
 * one every entry is written as not billable, without rate or amount.
 * An amount is that of the entry's rounded seconds (export_set_rounding).
 */
struct billing_book;
void export_set_book(struct export_writer *w, struct billing_book *book);

/* True once an entry did not fit: the writer takes no more. */
bool export_full(const struct export_writer *w);

/* Finishes the file (closing brackets, END:VCALENDAR) and frees w.
 * Returns 0, or -1 when out could not hold everything (out->truncated). */
int export_end(struct export_writer *w);

#endif
