/*
 * storage/rates.c - the rates table: hourly rates of a user's projects and
 * of a team's shared projects (store.h, "Hourly rates"). Which rate an
 * entry is billed at, and what a number or a currency may be, is
 * commands/billing.c's business; here they are rows.
 *
 * Dependency rule: the statements of db.h (through store_int.h) and libc only.
 */
#include <string.h>

#include "store_int.h"

/* The scope as the column spells it. */
static const char *
scope_word(enum store_rate_scope scope)
{
	return scope == STORE_RATE_TEAM ? "team" : "user";
}

/* Binds :scope, :name and (when not NULL) :project; one byte over the
 * limits, so that a longer one matches nothing and is refused by the
 * CHECK of schema.sql. */
static int
bind_key(db_stmt *s, enum store_rate_scope scope, const char *name,
         const char *project)
{
	int rc = store_bind_text(s, ":scope", scope_word(scope), 8);

	if (rc == DB_OK)
		rc = store_bind_text(s, ":name", name, STORE_OWNER_MAX + 1);
	if (rc == DB_OK && project != NULL)
		rc = store_bind_text(s, ":project", project,
		                     STORE_PROJECT_MAX + 1);
	return rc;
}

/* The current row of s, (scope, name, project, cents, currency, at), into
 * *r; false when a text does not fit (the CHECKs rule that out). */
static bool
read_rate(db_stmt *s, struct store_rate *r)
{
	char scope[8];

	memset(r, 0, sizeof *r);
	if (!store_copy_text(scope, sizeof scope, s, 0) ||
	    !store_copy_text(r->name, sizeof r->name, s, 1) ||
	    !store_copy_text(r->project, sizeof r->project, s, 2) ||
	    !store_copy_text(r->currency, sizeof r->currency, s, 4))
		return false;
	r->scope = strcmp(scope, "team") == 0 ? STORE_RATE_TEAM
	                                      : STORE_RATE_USER;
	r->cents = db_int64(s, 3);
	r->at = db_int64(s, 5);
	return true;
}

#define SQL_RATE_COLUMNS "scope, name, project, cents, currency, at"

/* The rate of project (case aside) of (scope, name) into *out (cents 0:
 * none). STORE_OK either way, or the failure. */
static store_rc
rate_get(store *st, enum store_rate_scope scope, const char *name,
         const char *project, struct store_rate *out)
{
	STORE_SQL(q, "rate-get",
		"SELECT " SQL_RATE_COLUMNS " FROM rates"
		" WHERE scope = :scope AND name = :name"
		" AND project = :project COLLATE UNOCASE LIMIT 1");
	db_stmt *s;
	store_rc ret;
	bool ok;

	memset(out, 0, sizeof *out);
	if ((s = store_sql_prepare(st, &q)) == NULL)
		return STORE_ERR;
	ret = store_sql_row(st, &q, s, bind_key(s, scope, name, project));
	if (ret == STORE_NOTFOUND)
		return STORE_OK;
	if (ret != STORE_OK)
		return ret;
	ok = read_rate(s, out);
	store_reset(s);
	return ok ? STORE_OK : store_failf(st, "%s: a stored rate does not "
	                                   "fit", q.name);
}

/* Deletes every spelling of project of (scope, name). */
static store_rc
rate_delete(store *st, enum store_rate_scope scope, const char *name,
            const char *project)
{
	STORE_SQL(q, "rate-delete",
		"DELETE FROM rates WHERE scope = :scope AND name = :name"
		" AND project = :project COLLATE UNOCASE");
	db_stmt *s;

	if ((s = store_sql_prepare(st, &q)) == NULL)
		return STORE_ERR;
	return store_sql_done(st, &q, s, bind_key(s, scope, name, project));
}

store_rc
store_rate_set(store *st, const struct store_rate *r, struct store_rate *old)
{
	STORE_SQL(q, "rate-set",
		"INSERT INTO rates (" SQL_RATE_COLUMNS ")"
		" VALUES (:scope, :name, :project, :cents, :currency, :at)");
	struct store_rate was;
	db_stmt *s;
	store_rc ret;
	int rc;

	if (r == NULL)
		return store_failf(st, "%s: no rate", q.name);
	/* One step: a refused value leaves the old rate in place. */
	if ((ret = store_savepoint(st)) != STORE_OK)
		return ret;
	ret = rate_get(st, r->scope, r->name, r->project, &was);
	if (ret == STORE_OK)
		ret = rate_delete(st, r->scope, r->name, r->project);
	if (ret == STORE_OK) {
		if ((s = store_sql_prepare(st, &q)) == NULL) {
			ret = STORE_ERR;
		} else {
			rc = bind_key(s, r->scope, r->name, r->project);
			if (rc == DB_OK)
				rc = store_bind_int64(s, ":cents", r->cents);
			if (rc == DB_OK)
				rc = store_bind_text(s, ":currency", r->currency,
				                     STORE_CURRENCY_LEN + 1);
			if (rc == DB_OK)
				rc = store_bind_int64(s, ":at", r->at);
			ret = store_sql_done(st, &q, s, rc);
		}
	}
	ret = store_savepoint_end(st, ret);
	if (ret == STORE_OK && old != NULL)
		*old = was;
	return ret;
}

store_rc
store_rate_unset(store *st, enum store_rate_scope scope, const char *name,
                 const char *project, struct store_rate *old)
{
	struct store_rate was;
	store_rc ret;

	if (name == NULL || project == NULL)
		return store_failf(st, "rate-unset: no name or project");
	if ((ret = rate_get(st, scope, name, project, &was)) != STORE_OK)
		return ret;
	if (was.cents == 0)
		return STORE_NOTFOUND; /* nothing written */
	if ((ret = rate_delete(st, scope, name, project)) != STORE_OK)
		return ret;
	if (old != NULL)
		*old = was;
	return STORE_OK;
}

store_rc
store_rates(store *st, enum store_rate_scope scope, const char *name,
            store_rate_cb cb, void *arg)
{
	/* :name NULL: every name of the scope (the primary key's range of
	 * the scope either way). */
	STORE_SQL(q, "rates",
		"SELECT " SQL_RATE_COLUMNS " FROM rates"
		" WHERE scope = :scope AND (:name IS NULL OR name = :name)"
		" ORDER BY name, project COLLATE UNOCASE, project");
	struct store_rate r;
	db_stmt *s;
	store_rc ret;
	int rc;

	if ((s = store_sql_prepare(st, &q)) == NULL)
		return STORE_ERR;
	rc = store_bind_text(s, ":scope", scope_word(scope), 8);
	if (rc == DB_OK && name != NULL)
		rc = store_bind_text(s, ":name", name, STORE_OWNER_MAX + 1);
	ret = store_sql_row(st, &q, s, rc);
	if (ret == STORE_NOTFOUND)
		return STORE_OK;
	if (ret != STORE_OK)
		return ret;
	do {
		if (!read_rate(s, &r)) {
			store_reset(s);
			return store_failf(st, "%s: a stored rate does not fit",
			                   q.name);
		}
		if (cb != NULL)
			cb(&r, arg);
	} while ((rc = db_step(s)) == DB_ROW);
	if (rc != DB_DONE)
		return store_sql_fail(st, &q, rc);
	store_reset(s);
	return STORE_OK;
}
