/*
 * storage/filter.c - the filters (struct store_filter) of reports
 * (report.c) and exports (listing.c's store_list_filtered): checking one
 * and binding it to a statement with SQL_FILTER (store_sql.h).
 *
 * Dependency rule: the statements of db.h (through store_int.h) and libc only.
 */
#include "store_int.h"

/* SQL_FILTER has eight parameters of each kind. */
_Static_assert(STORE_FILTER_MAX == 8, "SQL_FILTER binds 8 of each");

static const char *const project_params[STORE_FILTER_MAX] = {
	":p1", ":p2", ":p3", ":p4", ":p5", ":p6", ":p7", ":p8"
};
static const char *const tag_params[STORE_FILTER_MAX] = {
	":t1", ":t2", ":t3", ":t4", ":t5", ":t6", ":t7", ":t8"
};

store_rc
store_filter_check(store *st, const char *what,
                   const struct store_filter *f)
{
	int i;

	if (f == NULL)
		return STORE_OK;
	if (f->nprojects < 0 || f->nprojects > STORE_FILTER_MAX ||
	    f->ntags < 0 || f->ntags > STORE_FILTER_MAX)
		return store_failf(st, "%s: a filter of %d projects and %d tags;"
		                   " at most %d of each", what, f->nprojects,
		                   f->ntags, STORE_FILTER_MAX);
	for (i = 0; i < f->nprojects; i++) {
		if (f->projects[i] == NULL)
			return store_failf(st, "%s: filter project %d is NULL",
			                   what, i);
	}
	for (i = 0; i < f->ntags; i++) {
		if (f->tags[i] == NULL)
			return store_failf(st, "%s: filter tag %d is NULL", what,
			                   i);
	}
	return STORE_OK;
}

int
store_bind_filter(db_stmt *s, const struct store_filter *f)
{
	int i, rc = DB_OK;

	if (f == NULL)
		return DB_OK; /* all NULL: no filter */
	/* A value one byte over the limit can match no stored name. */
	for (i = 0; rc == DB_OK && i < f->nprojects; i++)
		rc = store_bind_text(s, project_params[i], f->projects[i],
		                     STORE_PROJECT_MAX + 1);
	for (i = 0; rc == DB_OK && i < f->ntags; i++)
		rc = store_bind_text(s, tag_params[i], f->tags[i],
		                     STORE_TAG_MAX + 1);
	/* Only SQL_FILTER has it; the rollup's statements, which never see
	 * such a filter (rollup_report.c), do not. */
	if (rc == DB_OK && f->without_tag != NULL &&
	    db_has_param(s, ":without_tag"))
		rc = store_bind_text(s, ":without_tag", f->without_tag,
		                     STORE_TAG_MAX + 1);
	return rc;
}
