/*
 * bot/keepalive.c - XEP-0199 pings to our server.
 *
 * Dead connections: TCP keepalive on the socket (libstrophe's
 * xmpp_sockopt_cb_keepalive: probes after 60 s idle, gone after 150 s of
 * unacknowledged data), and XEP-0199 pings to our server after
 * account.keepalive seconds without any stanza from it. No answer and no
 * other traffic within the ping timeout: the session drops the
 * connection and the usual reconnect with backoff follows (resuming, if
 * the server still keeps the session).
 *
 * Delay stamps (inbound.h, struct inbound_away): the session opens a
 * short catch-up window at every connection: the server hands out
 * offline storage when it gets our initial presence and replays a
 * resumed session's queue when it resumes it, before it reads the ping we
 * send right after either, so messages that arrive before its answer are
 * what it kept for us. Only their stamps count.
 *
 * Only bot/ includes <strophe.h>; this file sends nothing but pings.
 */
#include "keepalive.h"

#include <strophe.h>

#include "clock.h"
#include "log.h"

#define PING_TIMEOUT_MIN 5  /* seconds a ping may take: keepalive / 2, */
#define PING_TIMEOUT_MAX 30 /* within these bounds */
#define NS_PING "urn:xmpp:ping"
/*
 * One id for every keepalive ping. libstrophe 0.12 keeps each id it has
 * seen as a key of its id handler table until the connection is released,
 * so a new id per ping would grow it for as long as the daemon runs. A
 * late answer to an earlier ping is taken as an answer to the current
 * one: it shows the connection alive all the same.
 */
#define PING_ID "timmy-keepalive"
/* The ping that ends the catch-up after a login (one id, as above). */
#define CATCH_UP_ID "timmy-catch-up"

void
keepalive_heard(struct keepalive *k, int64_t now)
{
	k->last_rx = now;
}

/* The answer to our keepalive ping: a result or an error, either shows
 * the server is there. One-shot: libstrophe drops the handler. */
static int
pong(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
	struct keepalive *k = userdata;

	(void)conn;
	(void)stanza;
	k->ping_sent = 0;
	k->last_rx = mono_ms();
	return 0;
}

/* The answer to the catch-up ping (a result or an error): the server has
 * delivered everything it kept for us. One-shot. */
static int
caught_up(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
	struct keepalive *k = userdata;

	(void)conn;
	(void)stanza;
	k->catch_up_sent = false;
	catch_up_end(k, "the server answered our ping");
	return 0;
}

/* The timeout of a keepalive ping, in seconds. */
static unsigned
ping_timeout(const struct cfg *cfg)
{
	unsigned t = cfg->keepalive / 2;

	return t < PING_TIMEOUT_MIN ? PING_TIMEOUT_MIN
	       : t > PING_TIMEOUT_MAX ? PING_TIMEOUT_MAX : t;
}

/* XEP-0199 section 4.2: <iq type='get' to='our domain' id='id'><ping/></iq>;
 * answer (an id handler, with k) takes the answer. */
static void
send_ping(struct keepalive *k, const char *id, xmpp_handler answer)
{
	struct bot *b = k->b;

	if (!bot_iq_get(b, bot_own_domain(b), id, "ping", NS_PING, answer, k,
	                (const char *)NULL))
		log_error("ping: out of memory");
}

/* The keepalive ping; pong takes the answer. */
static void
ping_server(struct keepalive *k, int64_t now)
{
	send_ping(k, PING_ID, pong);
	k->ping_sent = now;
}

void
keepalive_clear(struct keepalive *k)
{
	if (k->ping_sent != 0)
		xmpp_id_handler_delete(k->b->conn, pong, PING_ID);
	k->ping_sent = 0;
}

bool
keepalive_tick(struct keepalive *k, int64_t now)
{
	/* Traffic since the ping shows the connection alive, answer or not. */
	if (k->ping_sent != 0 && k->last_rx > k->ping_sent)
		keepalive_clear(k);
	if (k->ping_sent == 0) {
		if (now - k->last_rx >= (int64_t)k->b->cfg->keepalive * 1000) {
			log_debug("keepalive: nothing from the server for %lld s; "
			          "pinging it", (long long)(now - k->last_rx) / 1000);
			ping_server(k, now);
		}
		return false;
	}
	if (now - k->ping_sent < (int64_t)ping_timeout(k->b->cfg) * 1000)
		return false;
	log_warn("no answer from the server for %lld s: the connection "
	         "is dead; dropping it", (long long)(now - k->last_rx) / 1000);
	keepalive_clear(k);
	return true;
}

/*
 * Before </stream:stream>: two pings to the server, one after the other,
 * each answered or given up at deadline. Messages that come meanwhile are
 * handled as ever. With stream management the server asks us (<r/>) to
 * acknowledge what it sent, at once, or as soon as our answer to an
 * earlier request came; the second round trip starts after that request
 * has gone out, and libstrophe answers it on the way. So every message the
 * server sent before our unavailable presence is acknowledged as handled,
 * where it would otherwise count as lost with the stream, go to offline
 * storage and come again at the next login (applied once, thanks to its
 * key, but answered twice). Our replies are through the server by then
 * too.
 */
void
keepalive_drain(struct keepalive *k, int64_t deadline)
{
	int round;

	keepalive_clear(k);
	for (round = 0; round < 2; round++) {
		ping_server(k, mono_ms());
		while (k->ping_sent != 0 && xmpp_conn_is_connected(k->b->conn) &&
		       mono_ms() < deadline)
			xmpp_run_once(k->b->ctx, 20);
		if (k->ping_sent != 0) {
			keepalive_clear(k);
			return;
		}
	}
}

void
catch_up_start(struct keepalive *k)
{
	send_ping(k, CATCH_UP_ID, caught_up);
	k->catch_up_sent = true;
}

void
catch_up_end(struct keepalive *k, const char *why)
{
	if (k->catch_up_sent)
		xmpp_id_handler_delete(k->b->conn, caught_up, CATCH_UP_ID);
	k->catch_up_sent = false;
	if (k->b->away.catching_up && why != NULL)
		log_debug("caught up with what the server kept for us (%s)", why);
	k->b->away.catching_up = false;
}
