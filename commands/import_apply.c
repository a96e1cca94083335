/*
 * commands/import_apply.c - a plan of imported intervals added to one
 * user's entries in the caller's transaction, as one undo step, every
 * interval left out reported with its reason. See import.h. Depends on storage/ and
 * the formatting of commands/; nothing of XMPP.
 *
 * An import is meant to be run again safely: an interval that is there
 * already (the same start, stop and project, case aside) is skipped, so
 * importing the same file twice adds nothing the second time. Entries
 * are added oldest first, each checked against the entries there and
 * those added before it in the same transaction, so two intervals of the
 * file that overlap are reported like an overlap with an older entry.
 * A dry run does exactly the same inside the transaction, which its
 * caller then rolls back: what it reports is what the import would do.
 */
#include "cmd_int.h"
#include "import_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The longest line of a report: where (IMPORT_WHERE_MAX), a reason and
 * an entry as cmd_say_entry writes it (project, tags, a whole note). */
#define IMPORT_LINE_MAX 4096

/* What store_list found about an incoming interval. */
struct clash {
	const struct store_entry *in;
	int64_t in_end;          /* its stop, or now for a running one */
	int64_t now;
	bool same;               /* an entry equal to it is there */
	bool overlap;            /* another entry overlaps it */
	struct store_entry other;
};

static void
find_clash(const struct store_entry *e, void *arg)
{
	struct clash *c = arg;
	int64_t end = e->stop != 0 ? e->stop : (c->now > e->start ? c->now :
	                                                           e->start);

	if (c->same)
		return;
	if (e->start == c->in->start && e->stop == c->in->stop &&
	    store_same_name(e->project, c->in->project)) {
		c->same = true;
		c->other = *e;
		return;
	}
	/* [start, end) intervals overlap when each begins before the other
	 * ends, as store_overlap counts them. */
	if (!c->overlap && e->start < c->in_end && end > c->in->start) {
		c->overlap = true;
		c->other = *e;
	}
}

/* The import's state while it runs. */
struct run {
	struct cmd_ctx ctx;      /* store, owner, now, zone: for the report */
	const char *owner;
	bool dry_run;
	struct text *report;     /* NULL: none */
	struct text *skips;      /* NULL: none */
	struct import_result *r;
};

/* Appends the formatted line to report and, when it is a skip, to skips
 * (either may be NULL). */
static void
say(struct run *u, bool skip, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void
say(struct run *u, bool skip, const char *fmt, ...)
{
	char line[IMPORT_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (u->report != NULL)
		text_printf(u->report, "%s", line);
	if (skip && u->skips != NULL)
		text_printf(u->skips, "%s", line);
}

/* Reports it as left out for why (and e, an entry it meets, if any). */
static void
say_skip(struct run *u, const struct import_item *it, const char *why,
         const struct store_entry *e)
{
	struct text entry;

	text_init(&entry, IMPORT_LINE_MAX);
	if (e != NULL)
		cmd_say_entry(&u->ctx, e, &entry);
	say(u, true, "skipped %s: %s%s%s\n", it->where, why, e ? " " : "",
	    text_str(&entry));
	text_free(&entry);
	u->r->skipped++;
}

/* Why the breaks of e cannot be kept, or NULL when they can: each inside
 * the entry, after the one before it, and only the last of a running
 * entry open. */
static const char *
breaks_wrong(const struct store_entry *e)
{
	int64_t after = e->start;
	int i;

	for (i = 0; i < e->nbreaks; i++) {
		const struct store_break *b = &e->breaks[i];

		if (b->start < after)
			return "a break lies outside it or over another one";
		if (b->stop == 0 && (e->stop != 0 || i != e->nbreaks - 1))
			return "a break has no end, but the entry has one";
		if (b->stop != 0 && (b->stop <= b->start ||
		                     (e->stop != 0 && b->stop > e->stop)))
			return "a break lies outside it or over another one";
		after = b->stop;
	}
	return NULL;
}

/*
 * Why it cannot be added as it is, from what it holds alone and what
 * owner has; NULL when it can. *e gets an entry it meets (one there
 * already, one in its way) and *met says so. STORE_ERR goes to *rc.
 */
static const char *
refusal(struct run *u, const struct import_item *it, struct store_entry *e,
        bool *met, store_rc *rc)
{
	const struct store_entry *in = &it->e;
	struct clash c;

	*met = false;
	*rc = STORE_OK;
	if (it->why != NULL)
		return it->why;
	if (it->owner != NULL && strcasecmp(it->owner, u->owner) != 0)
		return "it is another user's entry";
	if (in->stop != 0 && in->stop < in->start)
		return "it ends before it starts";
	if (in->start > u->ctx.now || in->stop > u->ctx.now)
		return "it lies in the future";
	if (breaks_wrong(in) != NULL)
		return breaks_wrong(in);
	/* A timer of owner's that runs is in the way of a running one,
	 * wherever it began. */
	if (in->stop == 0) {
		*rc = store_running(u->ctx.st, u->owner, e);
		if (*rc == STORE_OK) {
			*met = true;
			return "it runs, and a timer runs already:";
		}
		if (*rc != STORE_NOTFOUND)
			return NULL;
		*rc = STORE_OK;
	}
	memset(&c, 0, sizeof(c));
	c.in = in;
	c.now = u->ctx.now;
	c.in_end = in->stop != 0 ? in->stop : u->ctx.now;
	/* One second either side: an entry of no length at the same
	 * second is found too, to be told apart by find_clash. */
	*rc = store_list(u->ctx.st, u->owner, in->start - 1, c.in_end + 1,
	                 u->ctx.now, 0, find_clash, &c, NULL);
	if (*rc != STORE_OK)
		return NULL;
	*met = c.same || c.overlap;
	*e = c.other;
	if (c.same)
		return "already there:";
	if (c.overlap)
		return "it overlaps";
	return NULL;
}

/* Adds it's breaks to the entry e just added: the closed ones, then the
 * open one of a paused timer. */
static store_rc
add_breaks(struct run *u, const struct import_item *it, struct store_entry *e)
{
	store_rc rc = STORE_OK;
	int i;

	for (i = 0; i < it->e.nbreaks && rc == STORE_OK; i++) {
		const struct store_break *b = &it->e.breaks[i];

		if (b->stop != 0)
			rc = store_add_break(u->ctx.st, u->owner, e->seq,
			                     b->start, b->stop, e);
		else
			rc = store_pause(u->ctx.st, u->owner, b->start, e);
	}
	return rc;
}

/* Adds one item, or says why not. STORE_ERR when the store failed. */
static store_rc
add_item(struct run *u, const struct import_item *it)
{
	struct store_entry e;
	const char *why;
	store_rc rc;
	bool met;

	why = refusal(u, it, &e, &met, &rc);
	if (rc != STORE_OK)
		return rc;
	if (why != NULL) {
		say_skip(u, it, why, met ? &e : NULL);
		return STORE_OK;
	}
	e = it->e;
	e.nbreaks = 0;
	rc = store_insert_entry(u->ctx.st, u->owner, &e);
	if (rc == STORE_OK)
		rc = add_breaks(u, it, &e);
	/* A rule of the store the checks above did not foresee: its
	 * statement rolled back alone (a savepoint), the rest goes on. */
	if (rc == STORE_CONFLICT) {
		say_skip(u, it, "the store refused it", NULL);
		return STORE_OK;
	}
	if (rc != STORE_OK)
		return rc;
	if (u->report != NULL) {
		text_printf(u->report, "%s ", u->dry_run ? "would add" : "added");
		cmd_say_entry(&u->ctx, &e, u->report);
		text_printf(u->report, " (%s)\n", it->where);
	}
	u->r->added++;
	return STORE_OK;
}

/* Oldest first; running ones after stopped ones of the same start;
 * else in the order they were read. */
static int
item_cmp(const void *a, const void *b)
{
	const struct import_item *x = a, *y = b;

	if (x->e.start != y->e.start)
		return x->e.start < y->e.start ? -1 : 1;
	if ((x->e.stop == 0) != (y->e.stop == 0))
		return x->e.stop == 0 ? 1 : -1;
	return x->order < y->order ? -1 : x->order > y->order;
}

store_rc
import_apply(store *st, const char *owner, int64_t now, const char *tz,
             enum import_format f, struct import_plan *p, bool dry_run,
             struct text *report, struct text *skips, struct import_result *r)
{
	char label[64];
	struct run u;
	store_rc rc = STORE_OK;
	size_t i;

	memset(r, 0, sizeof(*r));
	memset(&u, 0, sizeof(u));
	u.ctx.st = st;
	u.ctx.owner = owner;
	u.ctx.now = now;
	u.ctx.tz = tz;
	u.owner = owner;
	u.dry_run = dry_run;
	u.report = report;
	u.skips = skips;
	u.r = r;
	/* What the reader could not read comes first, in input order. */
	for (i = 0; i < 2; i++) {
		struct text *t = i == 0 ? report : skips;

		if (t == NULL)
			continue;
		text_printf(t, "%s", text_str(&p->skips));
		if (p->skips.truncated)
			text_printf(t, "[more lines could not be read]\n");
	}
	r->skipped = p->nskips;
	if (p->nitems > 1)
		qsort(p->items, p->nitems, sizeof(p->items[0]), item_cmp);
	snprintf(label, sizeof(label), "import %s", import_format_name(f));
	if (store_change_label(st, owner, label, now) != STORE_OK)
		return STORE_ERR;
	for (i = 0; i < p->nitems && rc == STORE_OK; i++)
		rc = add_item(&u, &p->items[i]);
	if (rc != STORE_OK)
		return STORE_ERR;
	if (report != NULL)
		text_printf(report, "%s %zu entr%s from %s, skipped %zu.%s\n",
		            dry_run ? "Would import" : "Imported", r->added,
		            r->added == 1 ? "y" : "ies", import_format_name(f),
		            r->skipped,
		            dry_run ? " Nothing was changed (dry run)." : "");
	return STORE_OK;
}
