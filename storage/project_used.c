/*
 * storage/project_used.c - whether a user has ever used a project name:
 * the question every "start" asks before it looks for a typo
 * (commands/suggest.c), answered from the newest entry back.
 *
 * Dependency rule: the statements of db.h (through store_int.h) and libc only.
 */
#include <string.h>

#include "store_int.h"

/*
 * Measured with callgrind through a private Prosody: the typo hint read
 * every name the user ever used, with its spellings and seconds
 * (store_projects, a scan of the user's whole part of entries_user_start
 * and a grouping by UNOCASE), on every start: 132,000 instructions with
 * a handful of entries, 33 ms at 100,000 (listing.c). A project that was
 * used before, which is nearly every start, needs none of that: one
 * entry of that name is enough, and walking entries_user_start from the
 * newest start back finds a project in current use within a few rows.
 * Only a name never used (then the hint's own walk follows anyway) reads
 * the user's whole part of the index.
 */
store_rc
store_project_used(store *st, const char *owner, const char *project)
{
	/* Backwards on (user_id, start, stop, project): the index covers
	 * the comparison, which names UNOCASE as store_same_name does. */
	STORE_SQL(q, "project-used",
		"SELECT 1 FROM entries"
		" WHERE user_id = (SELECT id FROM users WHERE jid = :owner)"
		" AND project = :project COLLATE UNOCASE"
		" ORDER BY start DESC LIMIT 1");
	db_stmt *s;
	store_rc ret;
	int rc;

	if (owner == NULL || project == NULL)
		return store_failf(st, "%s: no owner or project", q.name);
	if ((s = store_sql_prepare(st, &q)) == NULL)
		return STORE_ERR;
	rc = store_bind_text(s, ":owner", owner, STORE_OWNER_MAX + 1);
	if (rc == DB_OK)
		rc = store_bind_text(s, ":project", project,
		                     STORE_PROJECT_MAX + 1);
	if ((ret = store_sql_row(st, &q, s, rc)) == STORE_OK)
		store_reset(s);
	return ret;
}
