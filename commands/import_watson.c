/*
 * commands/import_watson.c - Watson's files, read with jansson:
 *
 *   frames  a JSON array of frames, each [start, stop, project, id, tags,
 *           updated_at], times in epoch seconds: the intervals
 *   state   a JSON object {"project", "start", "tags"} while a frame runs
 *           ({} when none): the running interval
 *
 * Which of the two a buffer is shows in its first value, so either may
 * come alone. Watson has no notes; its frame ids are left behind (timmy
 * numbers entries itself). Depends on the plan of import_int.h and
 * jansson.
 */
#include "import_int.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* A JSON number of seconds into *t (Watson writes integers; a fraction
 * is cut). -1 when it is no number or out of range. */
static int
epoch(const json_t *v, int64_t *t)
{
	double d;

	if (json_is_integer(v)) {
		*t = (int64_t)json_integer_value(v);
		return 0;
	}
	if (!json_is_real(v))
		return -1;
	d = json_real_value(v);
	if (!isfinite(d) || d < -9e15 || d > 9e15)
		return -1;
	*t = (int64_t)d;
	return 0;
}

/* Frame number i (from 1) of the array: an item, or a skip. */
static int
read_frame(struct import_plan *p, const char *name, size_t i, const json_t *f)
{
	struct import_item *it;
	char where[IMPORT_WHERE_MAX];

	snprintf(where, sizeof(where), "%s: frame %zu", name, i);
	if ((it = import_item_new(p, "%s", where)) == NULL)
		return -1;
	if (!json_is_array(f) || json_array_size(f) < 3 ||
	    epoch(json_array_get(f, 0), &it->e.start) != 0 ||
	    epoch(json_array_get(f, 1), &it->e.stop) != 0 ||
	    import_json_names(it, json_array_get(f, 2), json_array_get(f, 4)) != 0) {
		p->nitems--;
		import_skip(p, where, "not a frame of Watson's "
		                      "([start, stop, project, id, tags, ...])");
		return 0;
	}
	/* A stop of 0 would make a running entry: frames have ended. */
	if (it->e.stop <= 0 && it->e.stop < it->e.start)
		it->why = "it ends before it starts";
	return 0;
}

/* The state file: the running frame, if there is one. */
static int
read_state(struct import_plan *p, const char *name, const json_t *s)
{
	struct import_item *it;
	char where[IMPORT_WHERE_MAX];

	if (json_object_size(s) == 0)
		return 0; /* nothing runs */
	snprintf(where, sizeof(where), "%s: the running frame", name);
	if ((it = import_item_new(p, "%s", where)) == NULL)
		return -1;
	if (epoch(json_object_get(s, "start"), &it->e.start) != 0 ||
	    import_json_names(it, json_object_get(s, "project"),
	          json_object_get(s, "tags")) != 0) {
		p->nitems--;
		import_skip(p, where, "not Watson's state "
		                      "({\"project\", \"start\", \"tags\"})");
	}
	return 0;
}

int
import_watson_read(struct import_plan *p, const char *name, const char *buf,
                   size_t len)
{
	json_t *root;
	size_t i;
	int rc = 0;

	if ((root = import_json_load(p, name, buf, len)) == NULL)
		return 0;
	if (json_is_array(root)) {
		for (i = 0; i < json_array_size(root) && rc == 0; i++)
			rc = read_frame(p, name, i + 1, json_array_get(root, i));
	} else if (json_is_object(root)) {
		rc = read_state(p, name, root);
	} else {
		import_skip(p, name, "neither Watson's frames nor its state");
	}
	json_decref(root);
	return rc;
}
