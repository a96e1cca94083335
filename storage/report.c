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

/*
 * Checks the bounds of a report (2 to STORE_BUCKETS_MAX + 1 of them,
 * none before the one it follows; equal ones make an empty bucket, which
 * reports nothing), puts the buckets into temp.report_buckets and the
 * longest one's length into *maxlen. STORE_ERR with the reason otherwise.
 */
static store_rc load_buckets(store *st, const int64_t *bounds, int nbounds,
                             int64_t *maxlen)
{
	sqlite3_stmt *s;
	int i, rc;

	if (bounds == NULL || nbounds < 2 || nbounds > STORE_BUCKETS_MAX + 1)
		return store_failf(st, "report: %d bounds; 2 to %d make 1 to %d "
		                   "buckets", bounds != NULL ? nbounds : 0,
		                   STORE_BUCKETS_MAX + 1, STORE_BUCKETS_MAX);
	*maxlen = 0;
	for (i = 1; i < nbounds; i++) {
		if (bounds[i] < bounds[i - 1])
			return store_failf(st, "report: bound %d (%" PRId64 ") is "
			                   "before bound %d (%" PRId64 ")", i,
			                   bounds[i], i - 1, bounds[i - 1]);
		if (bounds[i] - bounds[i - 1] > *maxlen)
			*maxlen = bounds[i] - bounds[i - 1];
	}
	if (store_exec(st, STMT_BUCKETS_CLEAR) != STORE_OK)
		return STORE_ERR;
	if ((s = store_stmt(st, STMT_BUCKET_ADD)) == NULL)
		return STORE_ERR;
	for (i = 0; i + 1 < nbounds; i++) {
		rc = store_bind_int64(s, ":i", i);
		if (rc == SQLITE_OK)
			rc = store_bind_int64(s, ":lo", bounds[i]);
		if (rc == SQLITE_OK)
			rc = store_bind_int64(s, ":hi", bounds[i + 1]);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(s);
		if (rc != SQLITE_DONE)
			return store_fail(st, STMT_BUCKET_ADD, rc);
		store_reset(s);
	}
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
	enum store_stmt id = report_stmt(by);
	int64_t maxlen = 0;
	sqlite3_stmt *s;
	store_rc ret;
	int64_t uid;
	int rc;

	if (id == STMT_NUM)
		return store_failf(st, "report: no such grouping (%d)", (int)by);
	if ((ret = load_buckets(st, bounds, nbounds, &maxlen)) != STORE_OK ||
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
		rc = store_bind_int64(s, ":maxlen", maxlen);
	if (rc == SQLITE_OK)
		rc = store_bind_filter(s, f);
	if (rc != SQLITE_OK)
		return store_fail(st, id, rc);
	return store_name_rows(st, id, s, NULL, cb, arg);
}
