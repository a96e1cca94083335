/*
 * commands/room_digest.c - the daily digest a team room gets (room.h).
 */
#include "room.h"

#include <stdlib.h>

#include "../lib/tz.h"
#include "format.h"
#include "teams.h"

/* One member's totals on the team's shared projects, gathered through
 * store_totals' callback. */
struct gather {
	const struct team *t;
	int64_t *per_project; /* t->nprojects sums, for the whole team */
	int64_t secs;         /* this member's, on shared projects */
};

/* The index of project among t's shared ones; -1: private. */
static long
shared_index(const struct team *t, const char *project)
{
	size_t i;

	for (i = 0; i < t->nprojects; i++)
		if (store_same_name(t->projects[i], project))
			return (long)i;
	return -1;
}

static void
gather_one(const char *project, int64_t secs, void *arg)
{
	struct gather *g = arg;
	long i = shared_index(g->t, project);

	if (i < 0)
		return;
	g->per_project[i] += secs;
	g->secs += secs;
}

/* Appends ", running X" for owner's timer, X its project when shared. */
static store_rc
say_running(store *st, const struct team *t, const char *owner,
            struct text *running)
{
	struct store_entry e;
	store_rc rc = store_running(st, owner, &e);

	if (rc == STORE_NOTFOUND)
		return STORE_OK;
	if (rc != STORE_OK)
		return rc;
	if (shared_index(t, e.project) >= 0)
		text_printf(running, "%s%s (%s)", running->len ? ", " : "",
		            owner, e.project);
	else
		text_printf(running, "%s%s", running->len ? ", " : "", owner);
	return STORE_OK;
}

store_rc
cmd_room_digest(store *st, const struct team *t, const char *tz, int64_t now,
                struct text *out)
{
	char dur[FMT_DURATION_MAX];
	struct text running;
	struct gather g;
	int64_t from, to;
	store_rc rc = STORE_OK;
	size_t i;

	text_clear(out);
	if ((g.per_project = calloc(t->nprojects + 1, sizeof(int64_t))) == NULL)
		return STORE_ERR;
	g.t = t;
	tz_period(tz, TZ_TODAY, now, &from, &to);
	text_init(&running, CMD_DIGEST_MAX);
	text_printf(out, "Team %s today, on its projects:", t->name);
	for (i = 0; i < t->nmembers && rc == STORE_OK; i++) {
		g.secs = 0;
		rc = store_totals(st, t->members[i], from, to, now, gather_one, &g);
		if (rc == STORE_OK)
			rc = say_running(st, t, t->members[i], &running);
		fmt_duration(g.secs, dur, sizeof(dur));
		text_printf(out, "\n- %s: %s", t->members[i], dur);
	}
	text_printf(out, "\nBy project:");
	for (i = 0; i < t->nprojects; i++) {
		fmt_duration(g.per_project[i], dur, sizeof(dur));
		text_printf(out, "%s %s %s", i ? "," : "", t->projects[i], dur);
	}
	text_printf(out, "\nStill running: %s",
	            running.len ? text_str(&running) : "no one");
	text_free(&running);
	free(g.per_project);
	if (rc != STORE_OK)
		text_clear(out);
	return rc;
}

store_rc
cmd_room_digest_take(store *st, const struct team *t, const char *tz,
                     int64_t day, int64_t now, struct text *out)
{
	store_rc rc;

	text_clear(out);
	if ((rc = store_begin(st)) != STORE_OK)
		return rc;
	if ((rc = store_team_digest_record(st, t->name, day, now)) == STORE_OK &&
	    (rc = cmd_room_digest(st, t, tz, now, out)) == STORE_OK &&
	    (rc = store_commit(st)) == STORE_OK)
		return STORE_OK;
	store_rollback(st);
	text_clear(out);
	return rc;
}
