/*
 * storage/team_digest.c - the team rooms' digests posted (team_digests):
 * recording one once a day (store_team_digest_record) and the age limit
 * (store_team_digest_prune). store.h says what a row means; bot/muc.c
 * decides when one is due.
 *
 * Dependency rule: the statements of db.h (through store_int.h) and libc only.
 */
#include "store_int.h"

store_rc
store_team_digest_record(store *st, const char *team, int64_t day,
                         int64_t at)
{
	/* The primary key (team, day) says whether it is new: a row
	 * already there changes nothing. */
	STORE_SQL(q, "record-team-digest",
		"INSERT INTO team_digests (team, day, at)"
		" VALUES (:team, :day, :at) ON CONFLICT DO NOTHING");
	db_stmt *s;
	store_rc ret;
	int rc;

	if (team == NULL)
		return store_failf(st, "%s: no team", q.name);
	if ((s = store_sql_prepare(st, &q)) == NULL)
		return STORE_ERR;
	rc = store_bind_text(s, ":team", team, STORE_TEAM_MAX + 1);
	if (rc == DB_OK)
		rc = store_bind_int64(s, ":day", day);
	if (rc == DB_OK)
		rc = store_bind_int64(s, ":at", at);
	if ((ret = store_sql_done(st, &q, s, rc)) != STORE_OK)
		return ret;
	return db_changes(st) > 0 ? STORE_OK : STORE_CONFLICT;
}

store_rc
store_team_digest_prune(store *st, int64_t now, int64_t *removed)
{
	/* Every team's rows made before :before (team_digests_at). */
	STORE_SQL(q, "prune-team-digests",
		"DELETE FROM team_digests WHERE at < :before");

	return store_prune_aged(st, &q, now, removed);
}
