/*
 * commands/import_json.c - timmy's own JSON export (export_json.c), read
 * back with jansson: an array of objects with project, tags, note, start,
 * stop (null while it runs) and breaks [{start, stop}], times in ISO 8601
 * with their offset. The export's id is left behind (the entry gets the
 * user's next number); its durations are worked out again from the
 * times. An export of several users names each entry's user in an
 * "owner" (or "member") key: import_apply takes only the user's own.
 * Depends on the plan of import_int.h and jansson.
 */
#include "import_int.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A JSON time string into *t; a null is 0 when null_ok. -1 otherwise. */
static int
json_time(const json_t *v, bool null_ok, int64_t *t)
{
	if (json_is_null(v) && null_ok) {
		*t = 0;
		return 0;
	}
	if (!json_is_string(v))
		return -1;
	return import_time(json_string_value(v), json_string_length(v), t);
}

/* The entry's breaks into it; -1 when they cannot be read. */
static int
read_breaks(struct import_item *it, const json_t *breaks)
{
	int64_t start, stop;
	size_t i;

	if (breaks == NULL)
		return 0;
	if (!json_is_array(breaks))
		return -1;
	for (i = 0; i < json_array_size(breaks); i++) {
		const json_t *b = json_array_get(breaks, i);

		if (json_time(json_object_get(b, "start"), false, &start) != 0 ||
		    json_time(json_object_get(b, "stop"), true, &stop) != 0)
			return -1;
		import_add_break(it, start, stop);
	}
	return 0;
}

/* The owner of an export of several users, when the entry names one:
 * -1 when it is no string, -2 when memory ran out. */
static int
read_owner(struct import_item *it, const json_t *o)
{
	const json_t *v = json_object_get(o, "owner");

	if (v == NULL)
		v = json_object_get(o, "member");
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	return (it->owner = strdup(json_string_value(v))) != NULL ? 0 : -2;
}

int
import_json_names(struct import_item *it, const json_t *project,
                  const json_t *tags)
{
	size_t i;

	if (!json_is_string(project) || (tags != NULL && !json_is_array(tags)))
		return -1;
	import_set_project(it, json_string_value(project),
	                   json_string_length(project));
	for (i = 0; tags != NULL && i < json_array_size(tags); i++) {
		const json_t *t = json_array_get(tags, i);

		if (!json_is_string(t))
			return -1;
		import_add_tag(it, json_string_value(t), json_string_length(t));
	}
	return 0;
}

/* The fields of entry o into it; -1 when one cannot be read, -2 when
 * memory ran out. */
static int
read_fields(struct import_item *it, const json_t *o)
{
	const json_t *note = json_object_get(o, "note");

	if (!json_is_object(o) ||
	    (note != NULL && !json_is_null(note) && !json_is_string(note)) ||
	    json_time(json_object_get(o, "start"), false, &it->e.start) != 0 ||
	    json_time(json_object_get(o, "stop"), true, &it->e.stop) != 0 ||
	    import_json_names(it, json_object_get(o, "project"),
	                      json_object_get(o, "tags")) != 0)
		return -1;
	if (json_is_string(note))
		import_set_note(it, json_string_value(note),
		                json_string_length(note));
	if (read_breaks(it, json_object_get(o, "breaks")) != 0)
		return -1;
	return read_owner(it, o);
}

json_t *
import_json_load(struct import_plan *p, const char *name, const char *buf,
                 size_t len)
{
	char where[IMPORT_WHERE_MAX];
	json_error_t err;
	json_t *root;

	if ((root = json_loadb(buf, len, 0, &err)) == NULL) {
		snprintf(where, sizeof(where), "%s:%d", name, err.line);
		import_skip(p, where, err.text);
	}
	return root;
}

int
import_json_read(struct import_plan *p, const char *name, const char *buf,
                 size_t len)
{
	char where[IMPORT_WHERE_MAX];
	struct import_item *it;
	json_t *root;
	size_t i;
	int rc = 0;

	if ((root = import_json_load(p, name, buf, len)) == NULL)
		return 0;
	if (!json_is_array(root))
		import_skip(p, name, "not a JSON export of timmy's (an array of "
		                     "entries)");
	for (i = 0; json_is_array(root) && i < json_array_size(root); i++) {
		if ((it = import_item_new(p, "%s: entry %zu", name, i + 1)) ==
		    NULL) {
			rc = -1;
			break;
		}
		if ((rc = read_fields(it, json_array_get(root, i))) == -2)
			break;
		if (rc != 0) {
			rc = 0;
			snprintf(where, sizeof(where), "%s", it->where);
			free(it->owner);
			p->nitems--;
			import_skip(p, where, "not an entry of timmy's export "
			                      "(project, tags, note, start, stop)");
		}
	}
	json_decref(root);
	return rc == 0 ? 0 : -1;
}
