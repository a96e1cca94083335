/*
 * commands/suggest.c - noticing a new project that looks like a typo.
 *
 * "start acmee" when the user has "acme" starts acmee as asked (a new
 * project is a normal thing to start), but the reply says so, so that a
 * typo is seen at once rather than in next month's report. Close means a
 * small edit distance without regard to case (similar.c); a name the user
 * renamed away counts too, for as long as the undo history remembers it.
 */
#include "cmd_int.h"

#include <stdio.h>
#include <string.h>

#include "similar.h"

/* What the walk over the user's names found. */
struct near {
	const char *typed;
	int allowed;    /* the farthest a typo may be (sim_allowed) */
	bool used;      /* the user has typed already */
	int best_d;     /* distance of best, allowed + 1: none yet */
	char best[STORE_PROJECT_MAX + 1];
	char now_name[STORE_PROJECT_MAX + 1]; /* "" unless best was renamed */
};

static void
see_project(const char *name, int64_t secs, void *arg)
{
	struct near *n = arg;
	int d;

	(void)secs;
	if (store_same_name(name, n->typed)) {
		n->used = true;
		return;
	}
	d = sim_distance(n->typed, name, n->allowed);
	if (d < n->best_d) {
		n->best_d = d;
		snprintf(n->best, sizeof(n->best), "%s", name);
	}
}

/* An old name the typed one is (or is close to) beats a project that is
 * only as close; a project found first wins a tie. */
static void
see_rename(const char *old, const char *now_name, void *arg)
{
	struct near *n = arg;
	int d = sim_distance(n->typed, old, n->allowed);

	if (d < n->best_d) {
		n->best_d = d;
		snprintf(n->best, sizeof(n->best), "%s", old);
		snprintf(n->now_name, sizeof(n->now_name), "%s", now_name);
	}
}

void
cmd_new_project_hint(const struct cmd_ctx *ctx, const char *project,
                     char *buf, size_t n)
{
	struct near near;

	buf[0] = '\0';
	/* A project used before (nearly every start) is no typo: one entry
	 * says so, without reading every name (storage/project_used.c). */
	if (store_project_used(ctx->st, ctx->owner, project) != STORE_NOTFOUND)
		return;
	memset(&near, 0, sizeof(near));
	near.typed = project;
	near.allowed = sim_allowed(project);
	near.best_d = near.allowed + 1;
	/* An empty range: only the names matter here, not their time. A
	 * failed read costs the hint, never the command. */
	if (store_projects(ctx->st, ctx->owner, ctx->now, ctx->now, ctx->now,
	                   see_project, &near) != STORE_OK || near.used)
		return;
	if (store_project_renames(ctx->st, ctx->owner, see_rename, &near) !=
	    STORE_OK || near.best_d > near.allowed)
		return;
	if (near.now_name[0] != '\0')
		snprintf(buf, n, " (a new project; you renamed %s to %s)",
		         near.best, near.now_name);
	else
		snprintf(buf, n, " (a new project; you have %s)", near.best);
}
