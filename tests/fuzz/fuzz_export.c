/*
 * tests/fuzz/fuzz_export.c - libFuzzer target: any bytes as entries,
 * through every export format, within any size limit.
 *
 * Byte 0 picks the format, the owner column, the time zone and (its top
 * two bits) the rounding of the rounded columns; bytes 1-2
 * the size limit (big-endian; none given: 1 MiB). The rest is split on
 * 0x1E into at most ENTRIES_MAX entries, each a flag byte, start and stop
 * (8 bytes each, big-endian; near now or raw, as the flags say) and then
 * fields split on 0x1F: owner, project, note, tags. A field fills its
 * array to the last byte when long enough, so it may lack a NUL, and
 * ntags may be anything. now is fixed. The promises of export.h, checked
 * with abort():
 *   - export_end returns -1 exactly when out->truncated, and then only;
 *     out never passes its limit and holds no NUL;
 *   - the file is valid UTF-8 and valid in its format, whole or cut: CSV
 *     reads back with a strict RFC 4180 reader, a header and 16 or 17
 *     fields a record (rounding, then the four billing columns last);
 *     JSON parses with jansson into an array; iCalendar
 *     has BEGIN:VCALENDAR ... END:VCALENDAR, CRLF lines of at most 75
 *     octets, a continuation never inside a character, VEVENTs closed;
 *   - no more entries come out than went in, and all of them when the file
 *     was not cut;
 *   - a note that is valid UTF-8 comes back exactly from CSV and JSON
 *     (in CSV after a ' when it starts as a formula would);
 *   - the same input gives the same file twice.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../commands/export.h"
#include "../../lib/text.h"

#define ENTRIES_MAX 16
#define FIELDS_MAX 12
#define NOW INT64_C(1795615200) /* Wed 25 Nov 2026 14:00 UTC */
#define NO_LIMIT (1024 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *zones[] = { "UTC", "Europe/Berlin", "America/New_York",
                               "Asia/Kolkata", "Australia/Lord_Howe",
                               "Pacific/Chatham", "America/St_Johns",
                               "Not/A_Zone" };

struct input {
	char owner[ENTRIES_MAX][64];
	bool has_owner[ENTRIES_MAX];
	struct store_entry e[ENTRIES_MAX];
	int n;
};

static void
check(bool ok)
{
	if (!ok)
		abort();
}

static bool
utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len, k;
	unsigned long cp;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (p[i] >= 0xC2 && p[i] <= 0xDF)
			len = 2;
		else if (p[i] >= 0xE0 && p[i] <= 0xEF)
			len = 3;
		else if (p[i] >= 0xF0 && p[i] <= 0xF4)
			len = 4;
		else
			return false;
		if (i + len > n)
			return false;
		cp = p[i] & (0x7F >> len);
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return false;
			cp = cp << 6 | (p[i + k] & 0x3F);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
			return false;
		i += len;
	}
	return true;
}

static int64_t
be64(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < 8; i++)
		v = v << 8 | (i < n ? p[i] : 0);
	return (int64_t)v;
}

/* Copies a field of n bytes into dst (size bytes), filling it to the last
 * byte without a NUL when n is that long. */
static void
put_field(char *dst, size_t size, const uint8_t *s, size_t n)
{
	memset(dst, 0, size);
	memcpy(dst, s, n < size ? n : size);
}

static void
parse_entry(struct input *in, const uint8_t *p, size_t n)
{
	struct store_entry *e = &in->e[in->n];
	int i = in->n++, f = 0;
	uint8_t flags = n > 0 ? p[0] : 0;
	int64_t start = be64(p + (n > 0), n > 1 ? n - 1 : 0);
	int64_t stop = be64(p + (n > 9 ? 9 : n), n > 9 ? n - 9 : 0);
	const uint8_t *end, *q;

	memset(e, 0, sizeof(*e));
	e->id = i + 1;
	e->seq = (flags & 0x80) ? start : i + 1;
	/* Mostly times near now with sane lengths, sometimes anything. */
	if (!(flags & 0x01)) {
		start = NOW + (int32_t)start;
		stop = (flags & 0x02) ? 0 : start + (uint16_t)stop * 7;
	}
	e->start = start;
	e->stop = stop;
	e->ntags = (flags & 0x04) ? (int8_t)(flags >> 3) : 0;
	in->has_owner[i] = !(flags & 0x40);
	in->owner[i][0] = '\0';

	p += n < 17 ? n : 17;
	n -= n < 17 ? n : 17;
	end = p + n;
	for (f = 0; p <= end && f < FIELDS_MAX; f++) {
		q = memchr(p, 0x1F, (size_t)(end - p));
		if (q == NULL)
			q = end;
		switch (f) {
		case 0: /* the owner is a C string: always ended */
			put_field(in->owner[i], sizeof(in->owner[i]) - 1, p,
			          (size_t)(q - p));
			in->owner[i][sizeof(in->owner[i]) - 1] = '\0';
			break;
		case 1:
			put_field(e->project, sizeof(e->project), p,
			          (size_t)(q - p));
			break;
		case 2:
			put_field(e->note, sizeof(e->note), p, (size_t)(q - p));
			break;
		default:
			if (f - 3 < STORE_TAGS_MAX) {
				put_field(e->tags[f - 3], sizeof(e->tags[0]), p,
				          (size_t)(q - p));
				if (!(flags & 0x04))
					e->ntags = f - 2;
			}
		}
		p = q + 1;
	}
}

/* ---- Readers ---- */

/* A strict RFC 4180 reader; calls back each field of each record with
 * its record number. Returns the number of records, -1 when invalid. */
static int
csv_read(const char *s, size_t n, int *fields, int fields_max,
         void (*cb)(int rec, int field, const char *v, size_t len, void *),
         void *arg)
{
	static char buf[4 * 1024 * 64];
	const char *end = s + n;
	int rec = 0, f;
	size_t k;

	while (s < end) {
		if (rec == fields_max)
			return -1;
		for (f = 0;; f++) {
			k = 0;
			if (*s == '"') {
				for (s++;; s++) {
					if (s >= end)
						return -1;
					if (*s == '"' && (s + 1 >= end || s[1] != '"'))
						break;
					if (*s == '"')
						s++;
					if (k >= sizeof(buf))
						return -1;
					buf[k++] = *s;
				}
				s++;
			} else {
				for (; s < end && *s != ',' && *s != '\r'; s++) {
					if (*s == '"' || *s == '\n' || k >= sizeof(buf))
						return -1;
					buf[k++] = *s;
				}
			}
			cb(rec, f, buf, k, arg);
			if (s < end && *s == ',') {
				s++;
				continue;
			}
			if (s + 1 >= end || s[0] != '\r' || s[1] != '\n')
				return -1;
			s += 2;
			break;
		}
		fields[rec++] = f + 1;
	}
	return rec;
}

struct csv_check {
	const struct input *in;
	bool with_owner;
};

static void
csv_field_check(int rec, int field, const char *v, size_t len, void *arg)
{
	const struct csv_check *c = arg;
	const struct store_entry *e;
	size_t nlen, guard;

	if (rec == 0 || field != (c->with_owner ? 4 : 3))
		return;
	/* Entries come out in order; none is left out in CSV. */
	check(rec - 1 < c->in->n);
	e = &c->in->e[rec - 1];
	nlen = strnlen(e->note, sizeof(e->note));
	/* A note that starts like a formula gets a ' in front (csv_field). */
	guard = nlen > 0 && strchr("=+-@\t\r", e->note[0]) != NULL;
	if (utf8_valid(e->note, nlen))
		check(len == nlen + guard && (!guard || v[0] == '\'') &&
		      memcmp(v + guard, e->note, nlen) == 0);
}

static int
check_csv(const struct input *in, bool with_owner, const struct text *out)
{
	static int fields[ENTRIES_MAX + 2];
	struct csv_check c = { in, with_owner };
	int rows, r;

	if (out->len == 0)
		return 0;
	rows = csv_read(out->buf, out->len, fields, ENTRIES_MAX + 2,
	                csv_field_check, &c);
	check(rows >= 1);
	for (r = 0; r < rows; r++)
		check(fields[r] == (with_owner ? 17 : 16));
	return rows - 1;
}

static int
check_json(const struct input *in, const struct text *out)
{
	json_t *root, *o, *note;
	const struct store_entry *e;
	size_t i, nlen;
	int n;

	if (out->len == 0)
		return 0;
	root = json_loadb(out->buf, out->len, 0, NULL);
	check(root != NULL && json_is_array(root));
	n = (int)json_array_size(root);
	check(n <= in->n);
	for (i = 0; i < (size_t)n; i++) {
		o = json_array_get(root, i);
		e = &in->e[i];
		check(json_integer_value(json_object_get(o, "id")) == e->seq);
		note = json_object_get(o, "note");
		check(json_is_string(note));
		nlen = strnlen(e->note, sizeof(e->note));
		if (utf8_valid(e->note, nlen))
			check(json_string_length(note) == nlen &&
			      memcmp(json_string_value(note), e->note, nlen) ==
			              0);
	}
	json_decref(root);
	return n;
}

static int
check_ical(const struct text *out)
{
	static const char head[] = "BEGIN:VCALENDAR\r\n";
	static const char tail[] = "END:VCALENDAR\r\n";
	const char *s, *end, *eol;
	int begins = 0, ends = 0;

	if (out->len == 0)
		return 0;
	s = out->buf;
	end = out->buf + out->len;
	check(out->len >= sizeof(head) - 1 + sizeof(tail) - 1);
	check(memcmp(s, head, sizeof(head) - 1) == 0);
	check(memcmp(end - (sizeof(tail) - 1), tail, sizeof(tail) - 1) == 0);
	while (s < end) {
		eol = memchr(s, '\r', (size_t)(end - s));
		check(eol != NULL && eol + 1 < end && eol[1] == '\n');
		check(eol - s <= 75 && eol > s);
		check(memchr(s, '\n', (size_t)(eol - s)) == NULL);
		if (*s == ' ')
			check(eol - s > 1 && ((unsigned char)s[1] & 0xC0) != 0x80);
		if (eol - s == 12 && memcmp(s, "BEGIN:VEVENT", 12) == 0)
			check(begins++ == ends);
		if (eol - s == 10 && memcmp(s, "END:VEVENT", 10) == 0)
			check(++ends == begins);
		s = eol + 2;
	}
	check(begins == ends);
	return ends;
}

/* The roundings byte 0's top bits pick. */
static const struct rounding roundings[] = {
	{ 0, true }, { 6, false }, { 15, true }, { 30, false }
};

static int
run(const struct input *in, enum export_format f, const char *zone,
    bool with_owner, const struct rounding *r, size_t max, struct text *out)
{
	struct export_writer *w;
	int i;

	text_init(out, max);
	w = export_begin(f, zone, NOW, with_owner, "timmy@example.org", out);
	check(w != NULL);
	export_set_rounding(w, r);
	for (i = 0; i < in->n; i++)
		export_entry(w, in->has_owner[i] ? in->owner[i] : NULL, &in->e[i]);
	return export_end(w);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct input in;
	struct text out, again;
	enum export_format f;
	const char *zone;
	const struct rounding *r;
	const uint8_t *p, *end, *q;
	bool with_owner;
	size_t max;
	int rc, n;

	if (size < 1)
		return 0;
	f = (enum export_format)(data[0] % 3);
	with_owner = (data[0] >> 2) & 1;
	zone = zones[(data[0] >> 3) % (sizeof(zones) / sizeof(zones[0]))];
	r = &roundings[data[0] >> 6];
	max = size >= 3 ? (size_t)data[1] << 8 | data[2] : NO_LIMIT;

	memset(&in, 0, sizeof(in));
	p = data + (size < 3 ? size : 3);
	end = data + size;
	while (p < end && in.n < ENTRIES_MAX) {
		q = memchr(p, 0x1E, (size_t)(end - p));
		if (q == NULL)
			q = end;
		parse_entry(&in, p, (size_t)(q - p));
		p = q + 1;
	}

	rc = run(&in, f, zone, with_owner, r, max, &out);
	check(rc == 0 || rc == -1);
	check((rc == -1) == out.truncated);
	check(out.len <= max);
	check(out.len == 0 || strlen(out.buf) == out.len);
	check(utf8_valid(out.buf, out.len));
	switch (f) {
	case EXPORT_CSV:
		n = check_csv(&in, with_owner, &out);
		check(n <= in.n && (rc == -1 || n == in.n));
		break;
	case EXPORT_JSON:
		n = check_json(&in, &out);
		check(rc == -1 || n == in.n);
		break;
	case EXPORT_ICAL:
		/* An entry without a start that iCalendar can write is left
		 * out, so fewer may come out of a whole file. */
		n = check_ical(&out);
		check(n <= in.n);
		break;
	}

	check(run(&in, f, zone, with_owner, r, max, &again) == rc);
	check(again.len == out.len &&
	      (out.len == 0 || memcmp(again.buf, out.buf, out.len) == 0));
	text_free(&again);
	text_free(&out);
	return 0;
}
