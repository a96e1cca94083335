/*
 * bot/statuswindow.c - one contact-list status per user per window
 * (statuswindow.h).
 */
#include "statuswindow.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"

static struct statuswindow_user *
find(struct statuswindow *w, const char *jid)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (strcmp(w->v[i].jid, jid) == 0)
			return &w->v[i];
	return NULL;
}

/* Appends jid, unmarked; NULL when out of memory (logged). */
static struct statuswindow_user *
add(struct statuswindow *w, const char *jid)
{
	struct statuswindow_user *v, *u;
	size_t cap;

	if (w->n == w->cap) {
		cap = w->cap ? w->cap * 2 : 16;
		if ((v = realloc(w->v, cap * sizeof(*v))) == NULL) {
			log_error("status window: out of memory");
			return NULL;
		}
		w->v = v;
		w->cap = cap;
	}
	u = &w->v[w->n];
	if ((u->jid = strdup(jid)) == NULL) {
		log_error("status window: out of memory");
		return NULL;
	}
	u->sent_ms = 0;
	u->marked = false;
	w->n++;
	return u;
}

void
statuswindow_clear(struct statuswindow *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free(w->v[i].jid);
	free(w->v);
	w->v = NULL;
	w->n = w->cap = 0;
}

bool
statuswindow_change(struct statuswindow *w, const char *jid, int64_t now)
{
	struct statuswindow_user *u = find(w, jid);

	if (u == NULL || now - u->sent_ms >= STATUSWINDOW_MS)
		return true;
	u->marked = true;
	return false;
}

void
statuswindow_sent(struct statuswindow *w, const char *jid, int64_t now)
{
	struct statuswindow_user *u = find(w, jid);

	if (u == NULL && (u = add(w, jid)) == NULL)
		return;
	u->sent_ms = now;
	u->marked = false;
}

size_t
statuswindow_due(struct statuswindow *w, int64_t now,
                 void (*send)(const char *jid, void *arg), void *arg)
{
	struct statuswindow_user *u;
	size_t i = 0;

	while (i < w->n) {
		u = &w->v[i];
		if (now - u->sent_ms < STATUSWINDOW_MS) {
			i++;
			continue;
		}
		if (u->marked) {
			/* send may note a new window for this user (in place:
			 * statuswindow_sent finds them, adds nobody). */
			u->marked = false;
			send(u->jid, arg);
			u = &w->v[i];
			if (now - u->sent_ms < STATUSWINDOW_MS) {
				i++;
				continue;
			}
		}
		/* Quiet for a whole window: forgotten, the last entry takes
		 * its place. */
		free(u->jid);
		w->v[i] = w->v[--w->n];
	}
	return w->n;
}
