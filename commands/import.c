/*
 * commands/import.c - the formats an import reads, and the plan their
 * readers fill: the table of formats, the items and skips, the checks of
 * each field against the store's limits, and the times the formats
 * write. The transaction that adds the plan is commands/import_apply.c.
 * Depends on lib/ and storage/store.h (its limits); nothing of XMPP, no
 * file system.
 */
#include "import_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../lib/civil.h"

/* Every format: the name the command line takes, and its reader. */
static const struct {
	const char *name;
	enum import_format f;
	import_reader read;
} formats[] = {
	{ "csv", IMPORT_CSV, import_csv_read },
	{ "json", IMPORT_JSON, import_json_read },
	{ "timewarrior", IMPORT_TIMEWARRIOR, import_timew_read },
	{ "timew", IMPORT_TIMEWARRIOR, import_timew_read },
	{ "watson", IMPORT_WATSON, import_watson_read },
};
#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

/* Skips of one plan never grow past this (a report says they were cut). */
#define IMPORT_SKIPS_MAX (8 * 1024 * 1024)

int
import_format_parse(const char *word, enum import_format *out)
{
	size_t i;

	for (i = 0; word != NULL && i < NFORMATS; i++)
		if (strcasecmp(word, formats[i].name) == 0) {
			*out = formats[i].f;
			return 0;
		}
	return -1;
}

const char *
import_format_name(enum import_format f)
{
	size_t i;

	for (i = 0; i < NFORMATS; i++)
		if (formats[i].f == f)
			return formats[i].name;
	return "?";
}

struct import_plan *
import_plan_new(void)
{
	struct import_plan *p = calloc(1, sizeof(*p));

	if (p != NULL)
		text_init(&p->skips, IMPORT_SKIPS_MAX);
	return p;
}

void
import_plan_free(struct import_plan *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nitems; i++)
		free(p->items[i].owner);
	free(p->items);
	text_free(&p->skips);
	free(p);
}

bool
import_plan_unreadable(const struct import_plan *p)
{
	return p->nitems == 0 && p->nskips > 0;
}

int
import_read(struct import_plan *p, enum import_format f, const char *name,
            const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < NFORMATS; i++)
		if (formats[i].f == f)
			return formats[i].read(p, name, buf, len);
	return -1;
}

struct import_item *
import_item_new(struct import_plan *p, const char *fmt, ...)
{
	struct import_item *it, *grown;
	size_t cap;
	va_list ap;

	if (p->nitems == p->cap) {
		cap = p->cap ? p->cap * 2 : 64;
		if ((grown = realloc(p->items, cap * sizeof(*grown))) == NULL)
			return NULL;
		p->items = grown;
		p->cap = cap;
	}
	it = &p->items[p->nitems];
	memset(it, 0, sizeof(*it));
	it->order = p->nitems++;
	va_start(ap, fmt);
	vsnprintf(it->where, sizeof(it->where), fmt, ap);
	va_end(ap);
	return it;
}

void
import_skip(struct import_plan *p, const char *where, const char *why)
{
	text_printf(&p->skips, "skipped %s: %s\n", where, why);
	p->nskips++;
}

/* Copies n bytes of s into dst (size bytes); false when they do not fit
 * or hold a NUL (the store keeps text, not bytes). */
static bool
copy_field(char *dst, size_t size, const char *s, size_t n)
{
	if (n >= size || memchr(s, '\0', n) != NULL)
		return false;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return true;
}

void
import_set_project(struct import_item *it, const char *s, size_t n)
{
	if (n == 0)
		it->why = "it has no project";
	else if (!copy_field(it->e.project, sizeof(it->e.project), s, n))
		it->why = "its project is longer than 64 bytes";
}

void
import_add_tag(struct import_item *it, const char *s, size_t n)
{
	char tag[STORE_TAG_MAX + 1];
	size_t i;
	int k;

	if (n == 0)
		return;
	if (!copy_field(tag, sizeof(tag), s, n)) {
		it->why = "a tag is longer than 32 bytes";
		return;
	}
	for (i = 0; i < n; i++)
		if (tag[i] == ' ' || tag[i] == '\t' || tag[i] == '\n' ||
		    tag[i] == '\r')
			tag[i] = '-';
	for (k = 0; k < it->e.ntags; k++)
		if (strcmp(it->e.tags[k], tag) == 0)
			return;
	if (it->e.ntags == STORE_TAGS_MAX) {
		it->why = "it has more than 8 tags";
		return;
	}
	memcpy(it->e.tags[it->e.ntags++], tag, n + 1);
}

void
import_set_note(struct import_item *it, const char *s, size_t n)
{
	if (!copy_field(it->e.note, sizeof(it->e.note), s, n))
		it->why = "its note is longer than 1000 bytes";
}

void
import_add_break(struct import_item *it, int64_t start, int64_t stop)
{
	if (it->e.nbreaks == STORE_BREAKS_MAX) {
		it->why = "it has more than 16 breaks";
		return;
	}
	it->e.breaks[it->e.nbreaks].start = start;
	it->e.breaks[it->e.nbreaks].stop = stop;
	it->e.nbreaks++;
}

/* The number of n digits at s, or -1 when one is not a digit. */
static int64_t
digits(const char *s, int n)
{
	int64_t v = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* The fields of a time as written, before they are checked. */
struct civil_time {
	int64_t y, mo, d, h, mi, s, off; /* off: seconds east of UTC */
};

/* The zone at s (n bytes): "Z", "+HH:MM" or "-HH:MM", into *off. */
static int
zone_offset(const char *s, size_t n, int64_t *off)
{
	int64_t hh, mm;

	if (n == 1 && s[0] == 'Z') {
		*off = 0;
		return 0;
	}
	if (n != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' ||
	    (hh = digits(s + 1, 2)) < 0 || (mm = digits(s + 4, 2)) < 0 ||
	    hh > 23 || mm > 59)
		return -1;
	*off = (hh * 3600 + mm * 60) * (s[0] == '-' ? -1 : 1);
	return 0;
}

/* Where the year, month, day, hour, minute and second stand in each
 * form of a time, and how many digits each has. */
static const int ext_at[6] = { 0, 5, 8, 11, 14, 17 };
static const int basic_at[6] = { 0, 4, 6, 9, 11, 13 };
static const int widths[6] = { 4, 2, 2, 2, 2, 2 };

int
import_time(const char *s, size_t n, int64_t *t)
{
	struct civil_time c;
	const int *at;
	int64_t v[6];
	int i;

	/* 2026-11-25T15:00:00+01:00 (or ...Z): the exports' extended form;
	 * 20250102T090000Z: Timewarrior's, always UTC. */
	if (n >= 20 && s[4] == '-' && s[7] == '-' && s[10] == 'T' &&
	    s[13] == ':' && s[16] == ':') {
		at = ext_at;
		if (zone_offset(s + 19, n - 19, &c.off) != 0)
			return -1;
	} else if (n == 16 && s[8] == 'T' && s[15] == 'Z') {
		at = basic_at;
		c.off = 0;
	} else {
		return -1;
	}
	for (i = 0; i < 6; i++)
		if ((v[i] = digits(s + at[i], widths[i])) < 0)
			return -1;
	c.y = v[0];
	c.mo = v[1];
	c.d = v[2];
	c.h = v[3];
	c.mi = v[4];
	c.s = v[5];
	if (c.mo < 1 || c.mo > 12 || c.d < 1 ||
	    c.d > civil_days_in_month((int)c.y, (int)c.mo) || c.h > 23 ||
	    c.mi > 59 || c.s > 60)
		return -1;
	*t = civil_days_from(c.y, (int)c.mo, (int)c.d) * 86400 + c.h * 3600 +
	     c.mi * 60 + c.s - c.off;
	return 0;
}
