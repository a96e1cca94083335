/*
 * bot/keepalive.h - our XEP-0199 pings to the server: the keepalive that
 * finds a dead connection, the catch-up ping that ends the window in
 * which delay stamps count after a login, and the round trips that drain
 * the stream before a logout. Private to bot/; session.c owns the state.
 */
#ifndef TIMMY_KEEPALIVE_H
#define TIMMY_KEEPALIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "handlers.h"

struct keepalive {
	struct bot *b;       /* borrowed: the connection and account.keepalive */
	int64_t last_rx;     /* monotonic ms anything last came from the server */
	int64_t ping_sent;   /* monotonic ms our ping went out; 0: none pending */
	bool catch_up_sent;  /* the catch-up ping is out, unanswered */
};

/* Anything came from the server at now (monotonic ms): it is alive. */
void keepalive_heard(struct keepalive *k, int64_t now);

/*
 * One turn of the keepalive, while online: ping after account.keepalive
 * seconds of silence. Returns true when neither the answer nor anything
 * else came within the timeout (logged): the connection is dead and the
 * caller drops it.
 */
bool keepalive_tick(struct keepalive *k, int64_t now);

/* Forgets the keepalive ping in flight, with its id handler. */
void keepalive_clear(struct keepalive *k);

/*
 * Before a logout: two pings, one after the other, each answered or
 * given up at deadline (monotonic ms), handling what comes meanwhile.
 */
void keepalive_drain(struct keepalive *k, int64_t deadline);

/* Sends the catch-up ping, after our presence at a login; its answer
 * ends the catch-up (catch_up_end). */
void catch_up_start(struct keepalive *k);

/* Ends the catch-up after a login: from now on delay stamps count for
 * nothing (b->away). Forgets its ping, if still out. why (NULL: say
 * nothing) goes to the debug log. */
void catch_up_end(struct keepalive *k, const char *why);

#endif
