/*
 * commands/import_guess.c - which format a file is, from what it holds:
 * a file sent in chat comes without a --from (import_format_guess in
 * import.h). Depends on lib/ and jansson; nothing of XMPP, no file
 * system.
 *
 * Each format shows itself in its first bytes: timmy's CSV export in its
 * header line, Timewarrior's data files in "inc" lines, JSON in its first
 * bracket (timmy's export is an array of objects, Watson's frames an
 * array of arrays, Watson's state one object). Only the first line or
 * the first two brackets are looked at, so a large file costs nothing
 * more; the reader then says what it cannot read, line by line.
 */
#include "import_int.h"

#include <jansson.h>
#include <string.h>
#include <strings.h>

/* A UTF-8 byte order mark, which some editors write. */
static const char bom[] = "\xef\xbb\xbf";

/* p moved past spaces, tabs and line ends, up to end. */
static const char *
skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

/* True when the line at p (up to end) has a field that is exactly name
 * among its comma-separated fields. */
static bool
has_field(const char *p, const char *eol, const char *name)
{
	size_t n = strlen(name);
	const char *f = p, *comma;

	while (f <= eol) {
		comma = memchr(f, ',', (size_t)(eol - f));
		if (comma == NULL)
			comma = eol;
		if ((size_t)(comma - f) == n && memcmp(f, name, n) == 0)
			return true;
		f = comma + 1;
	}
	return false;
}

/* True when the first line at p is a header of timmy's CSV export: it
 * names the project and start columns the reader needs (with or without
 * the owner column of a team's or an admin's export). */
static bool
is_csv_header(const char *p, const char *end)
{
	const char *eol = p;

	while (eol < end && *eol != '\r' && *eol != '\n')
		eol++;
	return has_field(p, eol, "project") && has_field(p, eol, "start");
}

/* True when the line at p is a Timewarrior interval: "inc" and a space. */
static bool
is_timew_line(const char *p, const char *end)
{
	return end - p >= 4 && memcmp(p, "inc", 3) == 0 &&
	       (p[3] == ' ' || p[3] == '\t');
}

/* True when name's last part ends with suffix, ASCII case aside. */
static bool
name_ends(const char *name, const char *suffix)
{
	size_t n, s = strlen(suffix);

	if (name == NULL)
		return false;
	n = strlen(name);
	return n >= s && strcasecmp(name + n - s, suffix) == 0;
}

/* The object at p (up to end) is Watson's state: it has "project" and
 * "start", or nothing at all (Watson writes {} when no frame runs). */
static bool
is_watson_state(const char *p, const char *end)
{
	json_t *root;
	bool yes;

	if ((root = json_loadb(p, (size_t)(end - p), 0, NULL)) == NULL)
		return false;
	yes = json_is_object(root) &&
	      (json_object_size(root) == 0 ||
	       (json_object_get(root, "project") != NULL &&
	        json_object_get(root, "start") != NULL));
	json_decref(root);
	return yes;
}

int
import_format_guess(const char *buf, size_t len, const char *name,
                    enum import_format *out)
{
	const char *p = buf, *end = buf + len, *q;

	if (len >= 3 && memcmp(buf, bom, 3) == 0)
		p += 3;
	p = skip_space(p, end);
	if (p == end)
		return -1;
	if (*p == '[') {
		q = skip_space(p + 1, end);
		if (q < end && *q == '[') {
			*out = IMPORT_WATSON;
			return 0;
		}
		if (q < end && *q == '{') {
			*out = IMPORT_JSON;
			return 0;
		}
		if (q < end && *q == ']') {
			/* An empty array: either, and either adds nothing.
			 * Watson's frames file has no extension; timmy's
			 * exports end in .json. */
			*out = name_ends(name, ".json") ? IMPORT_JSON
			                                : IMPORT_WATSON;
			return 0;
		}
		return -1;
	}
	if (*p == '{') {
		if (!is_watson_state(p, end))
			return -1;
		*out = IMPORT_WATSON;
		return 0;
	}
	if (is_timew_line(p, end)) {
		*out = IMPORT_TIMEWARRIOR;
		return 0;
	}
	if (is_csv_header(p, end)) {
		*out = IMPORT_CSV;
		return 0;
	}
	return -1;
}
