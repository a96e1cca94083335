/*
 * storage/pg_guard.c - the savepoint around one write inside a
 * transaction on PostgreSQL (pg.c's head comment: a failed statement
 * spoils only itself, as in SQLite).
 *
 * A prepared write goes out with its savepoint and the release in one
 * pipeline (libpq's pipeline mode, PostgreSQL 14 and later): one round
 * trip to the server instead of three. A command of the bot writes five
 * to ten times inside its transaction, and `timmy check` and the rollup
 * write once per user and chunk of days; each round trip over a Unix
 * socket costs more than the statement itself. Only a failure costs a
 * second one, for the rollback to the savepoint. A COPY cannot go in a
 * pipeline: pg_copy.c takes the savepoint and ends it through
 * pg_guard_begin and pg_guard_end.
 *
 * Dependency rule: libpq (through pg_load.h) and libc only, and
 * store_int.h's handle (both through pg_int.h).
 */
#include <string.h>

#include "pg_int.h"

#define PG_GUARD "db_statement"

int
pg_guard_begin(struct pg_link *c)
{
	return pg_run(c, "SAVEPOINT " PG_GUARD);
}

int
pg_guard_end(struct pg_link *c, bool ok)
{
	char keep[STORE_ERRMSG_MAX];

	if (ok)
		return pg_run(c, "RELEASE " PG_GUARD);
	memcpy(keep, c->errmsg, sizeof keep);
	(void)pg_run(c, "ROLLBACK TO " PG_GUARD "; RELEASE " PG_GUARD);
	memcpy(c->errmsg, keep, sizeof keep);
	return 0;
}

/* The queries of one guarded write, in the order they are sent. */
enum { Q_SAVEPOINT, Q_WRITE, Q_RELEASE, Q_N };

/*
 * Reads the results of the pipeline's queries into res (the first of
 * each; NULL when none came, as when the connection broke), then its
 * sync. false when a query had no result or the sync did not come.
 */
static bool
read_pipeline(const struct pq_api *pq, PGconn *conn, PGresult *res[Q_N])
{
	PGresult *r;
	bool whole = true;
	int i;

	for (i = 0; i < Q_N; i++) {
		/* A query's results end with a NULL; one without any (a
		 * connection lost) ends at once. */
		while ((r = pq->getResult(conn)) != NULL) {
			if (res[i] == NULL)
				res[i] = r;
			else
				pq->clear(r);
		}
		if (res[i] == NULL) {
			whole = false;
			break;
		}
	}
	if (whole) {
		r = pq->getResult(conn);
		whole = r != NULL && pq->resultStatus(r) == PGRES_PIPELINE_SYNC;
		pq->clear(r);
	}
	return whole;
}

static bool
went_well(const struct pq_api *pq, const PGresult *r)
{
	ExecStatusType t;

	if (r == NULL)
		return false;
	t = pq->resultStatus(r);
	return t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK;
}

int
pg_exec_guarded(struct pg_link *c, const char *stmt, int n,
                const char *const *values, PGresult **out)
{
	const struct pq_api *pq = pg_api();
	PGresult *res[Q_N] = { NULL, NULL, NULL };
	const PGresult *bad = NULL;
	bool sent, whole;
	int i, rc = DB_OK;

	*out = NULL;
	if (!pq->enterPipelineMode(c->c)) {
		pg_fail(c, "pipeline", pq->errorMessage(c->c));
		return DB_ERROR;
	}
	sent = pq->sendQueryParams(c->c, "SAVEPOINT " PG_GUARD, 0, NULL, NULL,
	                           NULL, NULL, 0) &&
	       pq->sendQueryPrepared(c->c, stmt, n, values, NULL, NULL, 0) &&
	       pq->sendQueryParams(c->c, "RELEASE " PG_GUARD, 0, NULL, NULL,
	                           NULL, NULL, 0) &&
	       pq->pipelineSync(c->c);
	whole = read_pipeline(pq, c->c, res);
	/* Fails only with results unread: the connection is lost then,
	 * and every later call says so. */
	(void)pq->exitPipelineMode(c->c);
	/* The first failure tells why: a savepoint refused (the
	 * transaction failed before) aborts the rest of the pipeline. */
	for (i = 0; i < Q_N && bad == NULL; i++) {
		if (res[i] != NULL && !went_well(pq, res[i]) &&
		    pq->resultStatus(res[i]) != PGRES_PIPELINE_ABORTED)
			bad = res[i];
	}
	if (bad != NULL)
		rc = pg_result_fail(c, NULL, bad);
	else if (!sent || !whole || !went_well(pq, res[Q_WRITE]) ||
	         !went_well(pq, res[Q_RELEASE]))
		rc = pg_result_fail(c, NULL, NULL);
	if (rc == DB_OK) {
		*out = res[Q_WRITE];
		res[Q_WRITE] = NULL;
	} else if (went_well(pq, res[Q_SAVEPOINT]) &&
	           !went_well(pq, res[Q_RELEASE])) {
		/* The write failed inside its savepoint: the transaction
		 * goes on without it. */
		(void)pg_guard_end(c, false);
	}
	for (i = 0; i < Q_N; i++)
		pq->clear(res[i]);
	return rc;
}
