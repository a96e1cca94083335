/*
 * storage/report.c - reports: an owner's seconds per bucket of time and
 * per project, tag or nothing, summed in SQL (store_report).
 *
 * Dependency rule: SQLite (through store_int.h) and libc only. The SQL is
 * in store.c's statement table (SQL_REPORT).
 */
#include <inttypes.h>
#include <stdio.h>

#include "store_int.h"

/* The bounds as a JSON array: "[", at most 20 characters and a comma
 * for each, "]" and the NUL. */
#define BOUNDS_JSON_MAX ((STORE_BUCKETS_MAX + 1) * 21 + 3)

/*
 * Checks the bounds of a report (2 to STORE_BUCKETS_MAX + 1 of them,
 * none before the one it follows; equal ones make an empty bucket, which
 * reports nothing) and writes them into json (BOUNDS_JSON_MAX bytes) as a
 * JSON array. STORE_ERR with the reason otherwise.
 */
static store_rc bounds_json(store *st, const int64_t *bounds, int nbounds,
                            char *json)
{
	size_t len = 0;
	int i, n;

	if (bounds == NULL || nbounds < 2 || nbounds > STORE_BUCKETS_MAX + 1)
		return store_failf(st, "report: %d bounds; 2 to %d make 1 to %d "
		                   "buckets", bounds != NULL ? nbounds : 0,
		                   STORE_BUCKETS_MAX + 1, STORE_BUCKETS_MAX);
	for (i = 1; i < nbounds; i++) {
		if (bounds[i] < bounds[i - 1])
			return store_failf(st, "report: bound %d (%" PRId64 ") is "
			                   "before bound %d (%" PRId64 ")", i,
			                   bounds[i], i - 1, bounds[i - 1]);
	}
	for (i = 0; i < nbounds; i++) {
		n = snprintf(json + len, BOUNDS_JSON_MAX - len, "%c%" PRId64,
		             i == 0 ? '[' : ',', bounds[i]);
		if (n < 0 || (size_t)n >= BOUNDS_JSON_MAX - len)
			return store_failf(st, "report: the bounds do not fit");
		len += (size_t)n;
	}
	if (len + 2 > BOUNDS_JSON_MAX)
		return store_failf(st, "report: the bounds do not fit");
	json[len++] = ']';
	json[len] = '\0';
	return STORE_OK;
}

/* The statement of a report grouped by by; STMT_NUM when by is none. */
static enum store_stmt report_stmt(enum store_group by)
{
	switch (by) {
	case STORE_BY_PROJECT:
		return STMT_REPORT_PROJECT;
	case STORE_BY_TAG:
		return STMT_REPORT_TAG;
	case STORE_BY_NONE:
		return STMT_REPORT_NONE;
	}
	return STMT_NUM;
}

store_rc store_report(store *st, const char *owner, const int64_t *bounds,
                      int nbounds, int64_t now, enum store_group by,
                      const struct store_filter *f, store_report_cb cb,
                      void *arg)
{
	char json[BOUNDS_JSON_MAX];
	enum store_stmt id = report_stmt(by);
	sqlite3_stmt *s;
	store_rc ret;
	int64_t uid;
	int rc;

	if (id == STMT_NUM)
		return store_failf(st, "report: no such grouping (%d)", (int)by);
	if ((ret = bounds_json(st, bounds, nbounds, json)) != STORE_OK ||
	    (ret = store_filter_check(st, "report", f)) != STORE_OK)
		return ret;
	ret = store_user_find(st, owner, &uid);
	if (ret == STORE_NOTFOUND)
		return STORE_OK; /* never wrote: no time anywhere */
	if (ret != STORE_OK)
		return ret;
	if ((s = store_stmt(st, id)) == NULL)
		return STORE_ERR;
	/* The whole range bounds the index search (SQL_OVERLAP). */
	rc = store_bind_int64(s, ":uid", uid);
	if (rc == SQLITE_OK)
		rc = store_bind_span(s, bounds[0], bounds[nbounds - 1], now);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, ":bounds", json, sizeof json);
	if (rc == SQLITE_OK)
		rc = store_bind_filter(s, f);
	if (rc != SQLITE_OK)
		return store_fail(st, id, rc);
	return store_name_rows(st, id, s, NULL, cb, arg);
}
