/*
 * bot/statuswindow.h - which contact-list statuses (timerstatus.h) go out
 * now and which wait: one per user per window at most.
 *
 * The first change after a quiet spell goes out at once (a person sees
 * their timer in the contact list immediately); changes within
 * STATUSWINDOW_MS of the last status sent to that user only mark them,
 * and statuswindow_due hands each marked user back once their window has
 * passed, so that one status with the timer of that moment goes out. The
 * last change is never lost: a mark stays until it is handed back.
 *
 * What it saves is measured in timerstatus.c (timerstatus_changed).
 *
 * Pure: no XMPP, the clock passed in (milliseconds of a monotonic clock).
 * A table of the users who got a status within the window, searched from
 * end to end: under load it holds those who send commands within one
 * second, and it empties when they go quiet.
 */
#ifndef TIMMY_STATUSWINDOW_H
#define TIMMY_STATUSWINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The window: at most one status per user in this time, under load. */
#define STATUSWINDOW_MS 1000

struct statuswindow_user {
	char *jid;       /* bare, owned */
	int64_t sent_ms; /* when their last status went out */
	bool marked;     /* changed since: one status is owed */
};

struct statuswindow {
	struct statuswindow_user *v;
	size_t n, cap;
};

/* An empty window; nothing to allocate. */
#define STATUSWINDOW_INIT { NULL, 0, 0 }

/* Frees every entry; w is empty (and usable) afterwards. */
void statuswindow_clear(struct statuswindow *w);

/* The user jid changed something at now: true when their status is to
 * go out now (no status within the window); false when they are marked
 * instead, to be handed back by statuswindow_due. */
bool statuswindow_change(struct statuswindow *w, const char *jid,
                         int64_t now);

/* A status went out to jid at now: their window begins. Out of memory
 * (logged) it is not noted, and their next change goes out at once. */
void statuswindow_sent(struct statuswindow *w, const char *jid, int64_t now);

/* Calls send(jid, arg) for each marked user whose window has passed at
 * now (unmarking them first; send calls statuswindow_sent when it sent
 * a status), and drops the unmarked users whose window has passed.
 * Returns the number of users still in the window: 0 when there is
 * nothing more to do. */
size_t statuswindow_due(struct statuswindow *w, int64_t now,
                        void (*send)(const char *jid, void *arg), void *arg);

#endif
