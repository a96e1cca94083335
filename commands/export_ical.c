/*
 * commands/export_ical.c - the iCalendar (RFC 5545) writer of
 * commands/export.c: one VEVENT per entry, text escaped and content lines
 * folded as the RFC asks. It writes into the writer's row buffer only;
 * commands/export.c decides whether a row fits in the file.
 */
#include "export_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "format.h"
#include "../lib/utf8.h"

#ifndef TIMMY_VERSION
#define TIMMY_VERSION "unknown"
#endif

/* RFC 5545 3.1: content lines are folded at 75 octets, CRLF excluded. */
#define ICAL_LINE_MAX 75

/* t in RFC 5545's UTC form, "20261125T140000Z"; -1, and "" in buf, when
 * the year is out of 0..9999 or buf is too small. */
static int
ical_time(int64_t t, char *buf, size_t n)
{
	struct tm tm;
	time_t tt = (time_t)t;
	int r;

	buf[0] = '\0';
	if (gmtime_r(&tt, &tm) == NULL || tm.tm_year < -1900 ||
	    tm.tm_year > 9999 - 1900)
		return -1;
	r = snprintf(buf, n, "%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900,
	             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	             tm.tm_sec);
	if (r < 0 || (size_t)r >= n) {
		buf[0] = '\0';
		return -1;
	}
	return 0;
}

/* ---- iCalendar (RFC 5545) ---- */

const char export_ical_trailer[] = "END:VCALENDAR\r\n";

void
export_ical_begin(struct export_writer *w)
{
	text_printf(&w->row,
	            "BEGIN:VCALENDAR\r\n"
	            "VERSION:2.0\r\n"
	            "PRODID:-//timmy//timmy %s//EN\r\n"
	            "CALSCALE:GREGORIAN\r\n",
	            TIMMY_VERSION);
}

/*
 * Appends n bytes of s to w->line as a TEXT value (RFC 5545 3.3.11):
 * backslash, semicolon and comma escaped, a line break as \n. TEXT has no
 * way to write CR, so CRLF and a lone CR read as a line break too, and
 * control characters other than tab, which the grammar does not allow,
 * are left out.
 */
static void
ical_text(struct export_writer *w, const char *s, size_t n)
{
	const char *v = export_clean(w, s, n);
	size_t i, len;
	unsigned char c;

	if (v == NULL) {
		w->line.truncated = true;
		return;
	}
	len = strlen(v);
	for (i = 0; i < len; i++) {
		c = (unsigned char)v[i];
		if (c == '\\' || c == ';' || c == ',') {
			text_append(&w->line, "\\", 1);
			text_append(&w->line, v + i, 1);
		} else if (c == '\r' || c == '\n') {
			if (c == '\r' && v[i + 1] == '\n')
				i++;
			text_append(&w->line, "\\n", 2);
		} else if ((c < 0x20 && c != '\t') || c == 0x7F) {
			continue;
		} else {
			text_append(&w->line, v + i, 1);
		}
	}
}

/*
 * Moves w->line to w->row as one content line, folded (3.1): at most 75
 * octets a line, each continuation starting with a space, never inside a
 * UTF-8 sequence (clean made every sequence whole).
 */
static void
ical_fold(struct export_writer *w)
{
	const char *s = text_str(&w->line);
	size_t n = w->line.len, width = ICAL_LINE_MAX, cut;

	if (w->line.truncated) {
		w->row.truncated = true;
		return;
	}
	while (n > width) {
		cut = utf8_prefix(s, n, width);
		text_append(&w->row, s, cut);
		text_append(&w->row, "\r\n ", 3);
		s += cut;
		n -= cut;
		width = ICAL_LINE_MAX - 1; /* the space counts */
	}
	text_append(&w->row, s, n);
	text_append(&w->row, "\r\n", 2);
	text_clear(&w->line);
}

/* FNV-1a, 64 bits, continued from h over s: a short, stable digest for
 * UIDs (start with FNV_BASIS). */
#define FNV_BASIS UINT64_C(14695981039346656037)

static uint64_t
fnv1a(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= UINT64_C(1099511628211);
	}
	return h;
}

/*
 * Appends "UID:" and the entry's UID to w->line. It must be the same
 * each time the entry is exported, whatever changed in it, so that a
 * calendar updates the event rather than adding another; and unique
 * beyond this bot, since a calendar merges events of equal UIDs from any
 * file, another user's or another server's alike:
 *   timmy-<16 hex digits>-<seq>@<domain>: the digits are FNV-1a 64 of
 *     the owner's bare JID, a space and the bot's bare JID; an owner's
 *     numbers are never given twice, so owner and number name the entry
 *     within one bot, the bot's JID tells bots apart, and the domain on
 *     the right of the "@" is RFC 5545's (3.8.4.7) way of keeping UIDs
 *     of different servers apart. The digest keeps the user's JID out of
 *     the UID (RFC 7986 5.3 asks for no personal data there);
 *   timmy-row-<id>@<domain> when owner is NULL: the row id is never given
 *     twice in the database (AUTOINCREMENT) and survives edits and undo,
 *     which is unique for one bot's database; callers that know the owner
 *     pass it, with or without an owner column.
 * Without a bot JID (w->origin ""), "@<domain>" is left out.
 */
static void
ical_uid(struct export_writer *w, const char *owner,
         const struct store_entry *e)
{
	uint64_t h;

	if (owner != NULL) {
		h = fnv1a(fnv1a(fnv1a(FNV_BASIS, owner), " "), w->origin);
		text_printf(&w->line, "UID:timmy-%016llx-%lld",
		            (unsigned long long)h, (long long)e->seq);
	} else {
		text_printf(&w->line, "UID:timmy-row-%lld", (long long)e->id);
	}
	if (w->domain[0] != '\0') {
		text_append(&w->line, "@", 1);
		ical_text(w, w->domain, strlen(w->domain));
	}
}

/*
 * One VEVENT, with the UID of ical_uid. DTSTART and DTEND are in UTC. A
 * running entry ends now and says "(running)"; an entry with no length
 * has no DTEND (3.6.1: it then ends where it starts, while DTEND must be
 * later than DTSTART). An entry whose
 * start cannot be written (see ical_time) is left out: DTSTART is required.
 */
void
export_ical_entry(struct export_writer *w, const char *owner,
                  const struct store_entry *e)
{
	char start[EXPORT_TIME_MAX], end[EXPORT_TIME_MAX];
	char stamp[EXPORT_TIME_MAX];
	int64_t stop = e->stop != 0 ? e->stop : w->now;
	int i, ntags = export_tag_count(e);

	if (ical_time(e->start, start, sizeof(start)) != 0)
		return;
	text_append(&w->row, "BEGIN:VEVENT\r\n", 14);
	ical_uid(w, owner, e);
	ical_fold(w);
	if (ical_time(w->now, stamp, sizeof(stamp)) == 0) {
		text_printf(&w->line, "DTSTAMP:%s", stamp);
		ical_fold(w);
	}
	text_printf(&w->line, "DTSTART:%s", start);
	ical_fold(w);
	if (stop > e->start && ical_time(stop, end, sizeof(end)) == 0) {
		text_printf(&w->line, "DTEND:%s", end);
		ical_fold(w);
	}

	text_append(&w->line, "SUMMARY:", 8);
	ical_text(w, FIELD(e->project));
	for (i = 0; i < ntags; i++) {
		text_append(&w->line, " +", 2);
		ical_text(w, FIELD(e->tags[i]));
	}
	if (e->stop == 0)
		text_append(&w->line, " (running)", 10);
	ical_fold(w);
	/* DTSTART and DTEND span the whole entry; the time worked, breaks
	 * left out, is in the description, before the note. */
	if (e->nbreaks > 0 || e->note[0] != '\0') {
		text_append(&w->line, "DESCRIPTION:", 12);
		if (e->nbreaks > 0) {
			char worked[FMT_DURATION_MAX], breaks[FMT_DURATION_MAX];

			fmt_duration(export_entry_seconds(w, e), worked,
			             sizeof(worked));
			fmt_duration(export_break_seconds(w, e), breaks,
			             sizeof(breaks));
			text_printf(&w->line, "Worked %s (break %s)", worked,
			            breaks);
			if (e->note[0] != '\0')
				text_append(&w->line, "\\n", 2);
		}
		ical_text(w, FIELD(e->note));
		ical_fold(w);
	}
	if (ntags > 0) {
		text_append(&w->line, "CATEGORIES:", 11);
		for (i = 0; i < ntags; i++) {
			if (i > 0)
				text_append(&w->line, ",", 1);
			ical_text(w, FIELD(e->tags[i]));
		}
		ical_fold(w);
	}
	/* No standard property names whose time this is without implying
	 * scheduling (ORGANIZER, ATTENDEE), so the owner is an X- property. */
	if (w->with_owner && owner != NULL) {
		text_append(&w->line, "X-TIMMY-OWNER:", 14);
		ical_text(w, owner, strlen(owner));
		ical_fold(w);
	}
	text_append(&w->row, "END:VEVENT\r\n", 12);
}

/*
 * An all-day VEVENT of a timesheet's day (commands/export_timesheet.c)
 * into w->row: date and next "20261130" and "20261201" (DTEND is the day
 * after, RFC 5545 3.6.1), summary and description as TEXT. Its UID,
 * "timmy-<16 hex digits>-day-20261130@<domain>", is ical_uid's digest
 * of owner and the bot, continued over scope (the export's filter, ""
 * for none): a day exported again with the same filter updates its
 * event, one with another filter is an event of its own, and no entry's
 * UID (a number where "day" is) is ever one of them.
 */
void
export_ical_day(struct export_writer *w, const char *owner, const char *scope,
                const char *date, const char *next, const char *summary,
                const char *description)
{
	char stamp[EXPORT_TIME_MAX];
	uint64_t h = fnv1a(fnv1a(fnv1a(FNV_BASIS, owner), " "), w->origin);

	if (scope[0] != '\0')
		h = fnv1a(fnv1a(h, " "), scope);
	text_append(&w->row, "BEGIN:VEVENT\r\n", 14);
	text_printf(&w->line, "UID:timmy-%016llx-day-%s",
	            (unsigned long long)h, date);
	if (w->domain[0] != '\0') {
		text_append(&w->line, "@", 1);
		ical_text(w, w->domain, strlen(w->domain));
	}
	ical_fold(w);
	if (ical_time(w->now, stamp, sizeof(stamp)) == 0) {
		text_printf(&w->line, "DTSTAMP:%s", stamp);
		ical_fold(w);
	}
	text_printf(&w->line, "DTSTART;VALUE=DATE:%s", date);
	ical_fold(w);
	text_printf(&w->line, "DTEND;VALUE=DATE:%s", next);
	ical_fold(w);
	text_append(&w->line, "SUMMARY:", 8);
	ical_text(w, summary, strlen(summary));
	ical_fold(w);
	text_append(&w->line, "DESCRIPTION:", 12);
	ical_text(w, description, strlen(description));
	ical_fold(w);
	/* Free time: a day's sum is no appointment that blocks the day. */
	text_append(&w->row, "TRANSP:TRANSPARENT\r\n", 20);
	text_append(&w->row, "END:VEVENT\r\n", 12);
}
