/*
 * bot/session.c - one XMPP client connection, kept alive.
 *
 * libstrophe has no reconnect helper: on every disconnect we schedule a
 * new xmpp_connect_client from our own loop (xmpp_run_once with a short
 * timeout), with exponential backoff and jitter, so a server that goes
 * away is retried without spinning. Stanza handlers are added once, after
 * xmpp_conn_new: libstrophe keeps user handlers across reconnects, and
 * adding them in the connect callback would pile them up.
 *
 * XEP-0198 stream management is on: the server keeps our session for a
 * while when the connection breaks (Prosody: smacks_hibernation_time),
 * and the next connection resumes it, with what either side sent and the
 * other did not confirm sent again. A message may then reach us twice;
 * cmd_ctx.msg_key lets the command layer apply it once. What libstrophe
 * 0.12.2 does there (src/auth.c, src/conn.c; upstream
 * https://github.com/strophe/libstrophe/blob/0.12.2/src/auth.c):
 *  - it keeps the resumption state in the xmpp_conn_t across
 *    disconnects, and on the next xmpp_connect_client sends <resume/> by
 *    itself (unless the server ended the stream with </stream:stream>);
 *  - a successful resume fires XMPP_CONN_CONNECT again, exactly like a
 *    fresh login; only its debug log line "Session resumed successfully."
 *    tells them apart (strophe_log below watches for it). After a resume
 *    the server still has our presence, so we do not send it again;
 *  - a failed resume falls back to binding a new session on the same
 *    connection, but keeps the old stanza counter and queue (fixed after
 *    0.12: upstream commit fa96042, "Clear the SM queue in case resumption
 *    failed"). The new session's acknowledgements would then never match,
 *    the queue would grow with everything we send, and the next resume
 *    would send it all again. So a fresh session must start from fresh
 *    resumption state: before a connection we will not try to resume we
 *    drop it, and a fresh login on used state (a resume the server
 *    refused) is closed at once and made again from scratch.
 *
 * Dead connections: TCP keepalive on the socket (libstrophe's
 * xmpp_sockopt_cb_keepalive: probes after 60 s idle, gone after 150 s of
 * unacknowledged data), and XEP-0199 pings to our server after
 * account.keepalive seconds without any stanza from it. No answer and no
 * other traffic within the ping timeout: we drop the connection and the
 * usual reconnect with backoff follows (resuming, if the server still
 * keeps the session).
 *
 * Delay stamps (inbound.h, struct inbound_away): the session notes when
 * the bot was last online (the wall clock of the last stanza from the
 * server before a break) and when it came back, and opens a short
 * catch-up window at every connection: the server hands out offline
 * storage when it gets our initial presence and replays a resumed
 * session's queue when it resumes it, before it reads the ping we send
 * right after either, so messages that arrive before its answer are what
 * it kept for us. Only their stamps count.
 *
 * After every fresh login (not after a resume) we fetch the roster, and
 * contacts no longer in access.allow are unsubscribed (roster.h); so
 * they are after every reload.
 *
 * The loop also serves SIGHUP (configuration reload, cfg_reload) and the
 * systemd notifications of notify.h; each turn of it sends the watchdog
 * its ping, so a loop that hangs stops them. Once a second it has the
 * rate limiter log what it skipped (ratelimit.h), and the count of what
 * strangers sent (log.h); hourly it prunes old message keys (store.h).
 *
 * The password: cfg holds one copy (wiped by cfg_free at exit; a reload
 * reads the file again into a copy wiped at once), and libstrophe another, which xmpp_conn_set_pass makes and keeps in the
 * connection for every reconnect, until session_free releases it. From
 * it libstrophe builds the SASL exchange (PLAIN's base64, SCRAM's salted
 * password, the <auth/> in its send queue) and frees those buffers as
 * they are: 0.12.2 clears none of them (src/sasl.c, src/auth.c,
 * src/conn.c). So its context gets an allocator that wipes every block
 * before freeing it (wipe_free below): its copy is cleared at release,
 * the exchange's buffers as soon as they are done with. What OpenSSL
 * keeps of the TLS records is out of our reach.
 */
#include "session.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <sys/socket.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strophe.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "handlers.h"
#include "log.h"
#include "notify.h"
#include "ratelimit.h"
#include "roster.h"
#include "upload.h"

#define BACKOFF_MIN 1     /* seconds before the first retry */
#define BACKOFF_MAX 60    /* the longest wait between attempts */
#define STABLE_MS 60000   /* online this long resets the backoff */
#define LOOP_MS 200       /* longest sleep in xmpp_run_once: signal latency */
#define BUSY_LOOP_MS 10   /* the same while HTTP uploads run (upload_poll) */
#define DRAIN_MS 1000     /* longest wait for the pings before a logout */
#define LOGOUT_MS 3000    /* then for the server to close the stream */
#define PING_TIMEOUT_MIN 5  /* seconds a ping may take: keepalive / 2, */
#define PING_TIMEOUT_MAX 30 /* within these bounds */
#define SWEEP_MS 1000     /* how often the rate limiter's counts are logged */
#define CATCH_UP_MS 10000 /* the longest catch-up after a login (its ping
                             unanswered): see the top of this file */
#define PRUNE_MS 3600000  /* how often old message keys go (store_msg_prune) */
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

struct session {
	struct bot b;
	struct cfg *cfg;     /* the live config, b.cfg; main owns it, SIGHUP
	                        changes parts of it in place (cfg_reload) */
	xmpp_log_t logger;   /* libstrophe's log, to ours; userdata is us */
	unsigned backoff;    /* seconds to wait after the next failure */
	int64_t retry_at;    /* monotonic ms of the next attempt; 0: none due */
	int64_t online_at;   /* monotonic ms we came online; 0: offline */
	bool ever_online;    /* for a clearer message when login never worked */
	bool stopping;       /* logging out: a disconnect is expected */
	bool freeing;        /* session_free: the connection's last events
	                        find the rest gone and change nothing */
	/* Stream management (see the top of this file). */
	bool resumed;        /* libstrophe said it resumed the session */
	bool sm_used;        /* the resumption state in the connection has
	                        served a session with stream management on */
	bool sm_resumable;   /* ... which the server offered to resume */
	bool sm_drop;        /* drop that state before the next connection */
	bool renewing;       /* closing a fresh session made on used state */
	/* Keepalive (XEP-0199). */
	int64_t last_rx;     /* monotonic ms anything last came from the server */
	int64_t last_rx_wall; /* the same on the wall clock, in seconds: when
	                         we were last known online (b.away.since) */
	bool catch_up_sent;  /* the catch-up ping is out, unanswered */
	int64_t ping_sent;   /* monotonic ms our ping went out; 0: none pending */
	bool dead;           /* the ping went unanswered: disconnecting */
	int64_t swept_at;    /* monotonic ms of the last rl_sweep */
	int64_t pruned_at;   /* monotonic ms of the last prune_messages; 0:
	                        none yet */
};

#ifdef __GLIBC__
/*
 * libstrophe's allocator (see the top of this file): glibc's, with every
 * block wiped before it goes back. malloc_usable_size gives a block's
 * size (at least what was asked for), so a free needs no bookkeeping;
 * growing a block copies it and wipes the old one, where realloc would
 * leave it behind uncleared.
 */
static void *
wipe_alloc(size_t size, void *userdata)
{
	(void)userdata;
	return malloc(size);
}

static void
wipe_free(void *p, void *userdata)
{
	(void)userdata;
	if (p == NULL)
		return;
	explicit_bzero(p, malloc_usable_size(p));
	free(p);
}

static void *
wipe_realloc(void *p, size_t size, void *userdata)
{
	size_t old;
	void *q;

	(void)userdata;
	if (p == NULL)
		return malloc(size);
	old = malloc_usable_size(p);
	if (size <= old)
		return p; /* it fits where it is */
	if ((q = malloc(size)) == NULL)
		return NULL;
	memcpy(q, p, old);
	explicit_bzero(p, old);
	free(p);
	return q;
}

static const xmpp_mem_t wiping_mem = { wipe_alloc, wipe_free, wipe_realloc,
	                                   NULL };
#define STROPHE_MEM (&wiping_mem)
#else
/* Elsewhere libstrophe's own allocator: its buffers are not wiped. */
#define STROPHE_MEM NULL
#endif

/*
 * libstrophe's own log, passed to ours. Its debug level prints every byte
 * sent, the SASL <auth> with the password in base64 among them, so debug
 * is dropped whatever our level is; info only shows when we log debug.
 * One debug line is read, never printed: the only sign that a stream
 * management resume succeeded (see the top of this file).
 */
static void
strophe_log(void *userdata, xmpp_log_level_t level, const char *area,
            const char *msg)
{
	struct session *s = userdata;

	switch (level) {
	case XMPP_LEVEL_ERROR:
		log_error("xmpp %s: %s", area, msg);
		break;
	case XMPP_LEVEL_WARN:
		/* A refused resume is routine after a long break or a server
		 * restart; conn_handler says so in plain words. */
		if (strcmp(area, "xmpp") == 0 &&
		    strncmp(msg, "SM error: Stanza received was: <failed",
		            strlen("SM error: Stanza received was: <failed")) == 0)
			log_debug("xmpp %s: %s", area, msg);
		else
			log_warn("xmpp %s: %s", area, msg);
		break;
	case XMPP_LEVEL_INFO:
		log_debug("xmpp %s: %s", area, msg);
		break;
	case XMPP_LEVEL_DEBUG:
		if (strcmp(area, "xmpp") == 0 &&
		    strcmp(msg, "Session resumed successfully.") == 0)
			s->resumed = true;
		break;
	}
}

/* Called when the server's certificate does not verify; says why once.
 * Returning 0 refuses the connection. */
static int
certfail(const xmpp_tlscert_t *cert, const char *const errormsg)
{
	const char *cn = xmpp_tlscert_get_string(cert, XMPP_CERT_SUBJECT);

	log_error("TLS: server certificate not trusted (%s; subject %s). Install "
	          "the server's CA, or set account.tls: trust-any knowingly",
	          errormsg ? errormsg : "unknown reason", cn ? cn : "unknown");
	return 0;
}

/* Plans the next connection attempt after a failure or disconnect. */
static void
schedule_retry(struct session *s)
{
	int64_t delay = (int64_t)s->backoff * 1000;

	/* Up to a quarter more, so many bots cut off together do not all
	 * come back in the same second. */
	delay += random() % (delay / 4 + 1);
	s->retry_at = mono_ms() + delay;
	log_info("reconnecting in %.1fs", (double)delay / 1000.0);
	notify_status("reconnecting in %llds", (long long)(delay + 500) / 1000);
	s->backoff = s->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : s->backoff * 2;
}

static int pong(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata);
static int caught_up(xmpp_conn_t *conn, xmpp_stanza_t *stanza,
                     void *userdata);
static void send_ping(struct session *s, const char *id,
                      xmpp_handler answer);

/* Ends the catch-up after a login (see the top of this file): from now
 * on delay stamps count for nothing. Forgets its ping, if still out. */
static void
catch_up_end(struct session *s, const char *why)
{
	if (s->catch_up_sent)
		xmpp_id_handler_delete(s->b.conn, caught_up, CATCH_UP_ID);
	s->catch_up_sent = false;
	if (s->b.away.catching_up && why != NULL)
		log_debug("caught up with what the server kept for us (%s)", why);
	s->b.away.catching_up = false;
}

/* Forgets the keepalive ping in flight, with its id handler. */
static void
ping_clear(struct session *s)
{
	if (s->ping_sent != 0)
		xmpp_id_handler_delete(s->b.conn, pong, PING_ID);
	s->ping_sent = 0;
}

static void
conn_handler(xmpp_conn_t *conn, xmpp_conn_event_t event, int error,
             xmpp_stream_error_t *stream_error, void *userdata)
{
	struct session *s = userdata;
	const char *bound = xmpp_conn_get_bound_jid(conn);
	const char *who = bound ? bound : s->cfg->jid;
	bool resumed = s->resumed;

	/* A logout the server never answered leaves the stream open;
	 * releasing it in session_free reports a disconnect, after the
	 * uploads and the roster are gone. */
	if (s->freeing)
		return;

	s->resumed = false;
	if (event == XMPP_CONN_CONNECT) {
		if (!resumed && s->sm_used) {
			/* A fresh session on used resumption state: the server
			 * refused to resume. Close it before anyone sees it and
			 * log in again with fresh state. */
			log_info("the server could not resume the session; "
			         "logging in afresh");
			s->renewing = true;
			xmpp_disconnect(conn);
			return;
		}
		s->online_at = mono_ms();
		s->last_rx = s->online_at;
		s->b.away.until = (int64_t)time(NULL);
		s->last_rx_wall = s->b.away.until;
		s->dead = false;
		s->ever_online = true;
		if (resumed) {
			/* The server kept our session, presence and roster
			 * included: sending presence again would announce us
			 * twice. The roster we had is still right (pushes
			 * missed meanwhile come with the resume); an allow list
			 * reloaded while we were away is applied now. */
			log_info("resumed the session as %s", who);
			roster_enforce(&s->b);
		} else {
			/* RFC 6121 2.2: the roster first, then presence. */
			roster_fetch(&s->b);
			send_presence(&s->b, NULL, NULL);
			log_info("online as %s", who);
		}
		/* After our presence: the server answers this ping once it
		 * has handed out what it kept for us. */
		send_ping(s, CATCH_UP_ID, caught_up);
		s->catch_up_sent = true;
		notify_ready("online as %s", who);
		upload_online(s->b.up);
		return;
	}
	if (event == XMPP_CONN_RAW_CONNECT)
		return; /* we never ask for raw connections */

	/* XMPP_CONN_DISCONNECT or XMPP_CONN_FAIL. Pending deliveries and
	 * their id handlers go with the stream, so does our ping. */
	upload_offline(s->b.up);
	roster_offline(&s->b);
	ping_clear(s);
	catch_up_end(s, NULL);
	/* Messages sent from now on may wait on the server for us. */
	if (s->online_at != 0)
		s->b.away.since = s->last_rx_wall;

	/*
	 * Keep the resumption state only for a session the server offered to
	 * resume and that broke (a socket error, or our keepalive gave up):
	 * libstrophe does not try after the server closed the stream, nor
	 * after our logout. A stream error ends the session for good (RFC
	 * 6120 4.9: a server shutting down sends system-shutdown), so there
	 * is nothing to resume either - and keeping the state would meet a
	 * libstrophe 0.12.2 bug: when the next attempt fails, its reset of
	 * the state (_reset_sm_state_for_reconnect in src/conn.c) loses the
	 * resumption id and leaks the bound JID.
	 */
	if (s->sm_used && !(s->sm_resumable && (error != 0 || s->dead) &&
	                    stream_error == NULL && !s->stopping &&
	                    !s->renewing))
		s->sm_drop = true;

	if (s->stopping) {
		s->online_at = 0;
		log_info("logged out");
		return;
	}
	if (s->renewing) {
		s->renewing = false;
		s->retry_at = mono_ms(); /* at once: the server is there */
		return;
	}
	if (s->online_at != 0) {
		if (mono_ms() - s->online_at >= STABLE_MS)
			s->backoff = BACKOFF_MIN;
		if (s->dead)
			log_warn("dropped the dead connection");
		else
			log_warn("disconnected from the server%s%s%s",
			         stream_error ? " (stream error: " : "",
			         stream_error && stream_error->text ? stream_error->text
			         : stream_error ? "no text" : "",
			         stream_error ? ")" : "");
	} else if (!s->ever_online) {
		log_error("could not log in as %s%s%s: check account.jid, the "
		          "password, account.host/port and account.tls",
		          s->cfg->jid, error ? ": " : "",
		          error ? strerror(error) : "");
	} else {
		log_warn("connection attempt failed%s%s", error ? ": " : "",
		         error ? strerror(error) : "");
	}
	s->online_at = 0;
	s->dead = false;
	schedule_retry(s);
}

/* Any stanza from the server: the connection is alive. Also the SM
 * nonzas <r/> and <a/>, so an active stream is never pinged. */
static int
traffic(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
	struct session *s = userdata;

	(void)conn;
	(void)stanza;
	s->last_rx = mono_ms();
	s->last_rx_wall = (int64_t)time(NULL);
	return 1;
}

/* XEP-0198 answers to our <enable/> (libstrophe sends it and handles
 * them; we only watch). */
static int
sm_nonza(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
	struct session *s = userdata;
	const char *name = xmpp_stanza_get_name(stanza);
	const char *resume;

	(void)conn;
	if (name == NULL || s->renewing)
		return 1;
	if (strcmp(name, "enabled") == 0) {
		resume = xmpp_stanza_get_attribute(stanza, "resume");
		s->sm_used = true;
		s->sm_resumable = resume != NULL && (strcmp(resume, "true") == 0 ||
		                                     strcmp(resume, "1") == 0);
		log_info("stream management enabled (XEP-0198)%s",
		         s->sm_resumable ? "; the session can be resumed" : "");
	} else if (strcmp(name, "failed") == 0) {
		log_warn("the server refused stream management (XEP-0198); "
		         "going on without it");
	}
	return 1;
}

/* The answer to our keepalive ping: a result or an error, either shows
 * the server is there. One-shot: libstrophe drops the handler. */
static int
pong(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
	struct session *s = userdata;

	(void)conn;
	(void)stanza;
	s->ping_sent = 0;
	s->last_rx = mono_ms();
	return 0;
}

/* The answer to the catch-up ping (a result or an error): the server has
 * delivered everything it kept for us. One-shot. */
static int
caught_up(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
	struct session *s = userdata;

	(void)conn;
	(void)stanza;
	s->catch_up_sent = false;
	catch_up_end(s, "the server answered our ping");
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
 * answer (an id handler, with s) takes the answer. */
static void
send_ping(struct session *s, const char *id, xmpp_handler answer)
{
	const char *at = strchr(s->cfg->jid, '@');
	xmpp_stanza_t *iq, *ping;

	if ((iq = xmpp_iq_new(s->b.ctx, "get", id)) == NULL ||
	    (ping = xmpp_stanza_new(s->b.ctx)) == NULL) {
		if (iq)
			xmpp_stanza_release(iq);
		log_error("ping: out of memory");
		return;
	}
	xmpp_stanza_set_to(iq, at ? at + 1 : s->cfg->jid);
	xmpp_stanza_set_name(ping, "ping");
	xmpp_stanza_set_ns(ping, NS_PING);
	xmpp_stanza_add_child(iq, ping);
	xmpp_stanza_release(ping);
	xmpp_id_handler_add(s->b.conn, answer, id, s);
	xmpp_send(s->b.conn, iq);
	xmpp_stanza_release(iq);
}

/* The keepalive ping; pong takes the answer. */
static void
ping_server(struct session *s, int64_t now)
{
	send_ping(s, PING_ID, pong);
	s->ping_sent = now;
}

/* One turn of the keepalive: ping after account.keepalive seconds of
 * silence; drop the connection when neither the answer nor anything else
 * came within the timeout. */
static void
keepalive(struct session *s, int64_t now)
{
	if (s->online_at == 0 || s->dead || !xmpp_conn_is_connected(s->b.conn))
		return;
	/* Traffic since the ping shows the connection alive, answer or not. */
	if (s->ping_sent != 0 && s->last_rx > s->ping_sent)
		ping_clear(s);
	if (s->ping_sent == 0) {
		if (now - s->last_rx >= (int64_t)s->cfg->keepalive * 1000) {
			log_debug("keepalive: nothing from the server for %lld s; "
			          "pinging it", (long long)(now - s->last_rx) / 1000);
			ping_server(s, now);
		}
		return;
	}
	if (now - s->ping_sent >= (int64_t)ping_timeout(s->cfg) * 1000) {
		log_warn("no answer from the server for %lld s: the connection "
		         "is dead; dropping it", (long long)(now - s->last_rx) / 1000);
		ping_clear(s);
		s->dead = true;
		/* </stream:stream> into the void; libstrophe gives up waiting
		 * for the server's after 2 s and reports the disconnect. */
		xmpp_disconnect(s->b.conn);
	}
}

static long
conn_flags(const struct cfg *cfg)
{
	/* Stream management (XEP-0198) is on: libstrophe enables it with
	 * every server that offers it. */
	long flags = 0;

	switch (cfg->tls) {
	case CFG_TLS_REQUIRED:
		/* Without MANDATORY_TLS a server that offers no STARTTLS would
		 * get the password in the clear. */
		flags |= XMPP_CONN_FLAG_MANDATORY_TLS;
		break;
	case CFG_TLS_TRUST_ANY:
		flags |= XMPP_CONN_FLAG_MANDATORY_TLS | XMPP_CONN_FLAG_TRUST_TLS;
		break;
	case CFG_TLS_OFF:
		flags |= XMPP_CONN_FLAG_DISABLE_TLS;
		break;
	}
	return flags;
}

struct session *
session_new(struct cfg *cfg, store *st)
{
	struct session *s;
	char *jid;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		log_error("session: out of memory");
		return NULL;
	}
	s->cfg = cfg;
	s->b.cfg = cfg;
	s->b.st = st;
	s->backoff = BACKOFF_MIN;
	/* Whatever our predecessor missed waits in offline storage; see
	 * inbound.c for this bound. */
	s->b.away.since = (int64_t)time(NULL) - INBOUND_AWAY_MAX;
	s->b.away.until = INT64_MAX;
	s->logger.handler = strophe_log;
	s->logger.userdata = s;
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());

	xmpp_initialize();
	if ((s->b.ctx = xmpp_ctx_new(STROPHE_MEM, &s->logger)) == NULL ||
	    (s->b.conn = xmpp_conn_new(s->b.ctx)) == NULL) {
		log_error("session: cannot set up libstrophe");
		session_free(s);
		return NULL;
	}
	if ((jid = xmpp_jid_new(s->b.ctx, NULL, cfg->jid, cfg->resource)) == NULL) {
		log_error("session: out of memory");
		session_free(s);
		return NULL;
	}
	xmpp_conn_set_jid(s->b.conn, jid);
	xmpp_free(s->b.ctx, jid);
	xmpp_conn_set_pass(s->b.conn, cfg->password);
	xmpp_conn_set_flags(s->b.conn, conn_flags(cfg));
	xmpp_conn_set_certfail_handler(s->b.conn, certfail);
	xmpp_conn_set_sockopt_callback(s->b.conn, xmpp_sockopt_cb_keepalive);

	xmpp_handler_add(s->b.conn, traffic, NULL, NULL, NULL, s);
	xmpp_handler_add(s->b.conn, sm_nonza, XMPP_NS_SM, NULL, NULL, s);
	xmpp_handler_add(s->b.conn, handle_message, NULL, "message", NULL, &s->b);
	xmpp_handler_add(s->b.conn, handle_presence, NULL, "presence", NULL, &s->b);
	xmpp_handler_add(s->b.conn, handle_iq, NULL, "iq", NULL, &s->b);
	if ((s->b.up = upload_new(&s->b)) == NULL ||
	    (s->b.roster = roster_new()) == NULL) {
		session_free(s);
		return NULL;
	}
	if ((s->b.rl = rl_new()) == NULL) {
		log_error("session: out of memory");
		session_free(s);
		return NULL;
	}
	rl_set(s->b.rl, cfg->commands_per_minute, cfg->burst);
	if ((s->b.strangers = log_tally_new("not in access.allow")) == NULL)
		log_warn("session: out of memory; every ignored stanza will "
		         "be logged");
	return s;
}

/* What limits says, for the log: "bodies up to 2048 bytes, 30 commands a
 * minute per sender after a burst of 10". */
static const char *
limits_desc(const struct cfg *cfg, char *buf, size_t n)
{
	if (cfg->commands_per_minute == 0)
		snprintf(buf, n, "bodies up to %zu bytes, no rate limit",
		         cfg->max_body);
	else
		snprintf(buf, n, "bodies up to %zu bytes, %u commands a minute "
		                 "per sender after a burst of %u",
		         cfg->max_body, cfg->commands_per_minute, cfg->burst);
	return buf;
}

#define PROBE_MS 3000 /* how long the reachability check may take */

/*
 * True when a TCP connection to host:port opens within PROBE_MS. Used
 * before handing libstrophe a session it is to resume: if that attempt
 * failed, libstrophe 0.12.2 would reset the resumption state a second
 * time (_reset_sm_state_for_reconnect in src/conn.c), losing the
 * resumption id and leaking the bound JID. Checking first keeps the state
 * whole until the server answers. Blocks the loop for at most PROBE_MS,
 * only while we are offline anyway.
 */
static bool
reachable(const char *host, unsigned short port)
{
	struct addrinfo hints, *res = NULL, *ai;
	char service[8];
	bool ok = false;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(service, sizeof(service), "%u", port ? port : 5222);
	if (getaddrinfo(host, service, &hints, &res) != 0)
		return false;
	for (ai = res; ai != NULL && !ok; ai = ai->ai_next) {
		struct pollfd p;
		int fd, err = 0;
		socklen_t len = sizeof(err);

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		            SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
			ok = true;
		} else if (errno == EINPROGRESS) {
			p.fd = fd;
			p.events = POLLOUT;
			if (poll(&p, 1, PROBE_MS) == 1 &&
			    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 &&
			    err == 0)
				ok = true;
		}
		close(fd);
	}
	freeaddrinfo(res);
	return ok;
}

static void
connect_now(struct session *s)
{
	const struct cfg *cfg = s->cfg;
	int rc;

	s->retry_at = 0;
	s->resumed = false;
	/* The server replays a resumed session's queue right after its
	 * <resumed/>, which may reach our handlers before libstrophe reports
	 * the session: the catch-up starts with the connection. */
	s->b.away.catching_up = true;
	s->b.away.until = INT64_MAX;
	if (s->sm_drop) {
		/* Disconnected here, so libstrophe hands the state over; the
		 * next xmpp_connect_client starts from a fresh one. */
		xmpp_free_sm_state(xmpp_conn_get_sm_state(s->b.conn));
		s->sm_drop = false;
		s->sm_used = false;
		s->sm_resumable = false;
	}
	/* A session to resume goes to libstrophe only when the server is
	 * there (see reachable); with no host configured (DNS SRV, which
	 * libstrophe resolves itself) there is nothing to check first. */
	if (s->sm_resumable && cfg->host != NULL &&
	    !reachable(cfg->host, cfg->port)) {
		log_warn("connection attempt failed: %s%s%u does not answer",
		         cfg->host, cfg->port ? " port " : "", cfg->port);
		schedule_retry(s);
		return;
	}
	log_info("connecting to %s%s%u as %s", cfg->host ? cfg->host : cfg->jid,
	         cfg->port ? " port " : "", cfg->port, cfg->jid);
	notify_status("logging in");
	rc = xmpp_connect_client(s->b.conn, cfg->host, cfg->port, conn_handler, s);
	if (rc != XMPP_EOK) {
		log_warn("cannot connect to %s (libstrophe error %d)",
		         cfg->host ? cfg->host : "the JID's domain", rc);
		schedule_retry(s);
	}
}

/*
 * SIGHUP: reads the config file again. access, limits and log take effect
 * at once (contacts no longer allowed are unsubscribed); other sections
 * are reported as needing a restart. An invalid file changes nothing.
 * Handlers read s->cfg only while they run, inside xmpp_run_once, so
 * changing it here, between turns, is safe.
 */
static void
reload(struct session *s)
{
	char restart[128], limits[128];
	struct text errs;
	const char *p, *nl;

	notify_reloading();
	log_info("reloading the configuration from %s", s->cfg->path);
	text_init(&errs, 65536);
	if (cfg_reload(s->cfg, &errs, restart, sizeof(restart)) != 0) {
		for (p = text_str(&errs); *p != '\0'; p = nl + 1) {
			if ((nl = strchr(p, '\n')) == NULL) {
				log_error("%s", p);
				break;
			}
			log_error("%.*s", (int)(nl - p), p);
		}
		log_error("%s: configuration has errors; still running with the "
		          "previous one", s->cfg->path);
	} else {
		log_set_level(s->cfg->log_level);
		rl_set(s->b.rl, s->cfg->commands_per_minute, s->cfg->burst);
		log_info("configuration reloaded: %zu allow pattern%s, %zu "
		         "admin pattern%s, log level %s, %s", s->cfg->nallow,
		         s->cfg->nallow == 1 ? "" : "s", s->cfg->nadmins,
		         s->cfg->nadmins == 1 ? "" : "s",
		         log_level_name(s->cfg->log_level),
		         limits_desc(s->cfg, limits, sizeof(limits)));
		/* Offline, the next login does it. */
		roster_enforce(&s->b);
		if (restart[0] != '\0')
			log_warn("%s: changes to %s need a restart; until then "
			         "the previous values stay", s->cfg->path, restart);
	}
	text_free(&errs);
	notify_reloaded();
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
static void
drain(struct session *s, int64_t deadline)
{
	int round;

	ping_clear(s);
	for (round = 0; round < 2; round++) {
		ping_server(s, mono_ms());
		while (s->ping_sent != 0 && xmpp_conn_is_connected(s->b.conn) &&
		       mono_ms() < deadline)
			xmpp_run_once(s->b.ctx, 20);
		if (s->ping_sent != 0) {
			ping_clear(s);
			return;
		}
	}
}

/* Unavailable presence, what the server sent handled (drain), then
 * </stream:stream>, waiting a little for the server to close its side so
 * nothing we sent is cut off. */
static void
logout(struct session *s)
{
	int64_t deadline;

	if (xmpp_conn_is_connected(s->b.conn)) {
		send_presence(&s->b, "unavailable", NULL);
		if (s->online_at != 0 && !s->dead)
			drain(s, mono_ms() + DRAIN_MS);
	}
	if (xmpp_conn_is_connected(s->b.conn) ||
	    xmpp_conn_is_connecting(s->b.conn))
		xmpp_disconnect(s->b.conn);
	/* libstrophe waits 2 s for the server's </stream:stream>. */
	deadline = mono_ms() + LOGOUT_MS;
	while (!xmpp_conn_is_disconnected(s->b.conn) && mono_ms() < deadline)
		xmpp_run_once(s->b.ctx, 50);
}

/*
 * Drops the keys of handled messages past their age (store.h): at start,
 * then every PRUNE_MS, whether online or not. A failure is logged and
 * tried again PRUNE_MS later: rows a few hours past their age do no harm.
 */
static void
prune_messages(struct session *s, int64_t now)
{
	int64_t removed;

	s->pruned_at = now;
	if (store_msg_prune(s->b.st, (int64_t)time(NULL), &removed) != STORE_OK)
		log_error("pruning message keys: %s", store_errmsg(s->b.st));
	else if (removed > 0)
		log_info("dropped %lld message keys older than %d days",
		         (long long)removed, STORE_MSG_DAYS);
}

/*
 * The loop. HTTP uploads run on libcurl's multi interface beside the XMPP
 * stream: upload_poll moves them on without blocking after every turn of
 * xmpp_run_once, whose sleep is short while any transfer runs, so neither
 * side waits for the other.
 */
int
session_run(struct session *s, volatile sig_atomic_t *stop,
            volatile sig_atomic_t *reload_requested)
{
	char limits[128];
	bool busy = false;
	int64_t now;

	notify_init();
	log_info("limits: %s", limits_desc(s->cfg, limits, sizeof(limits)));
	connect_now(s);
	while (!*stop) {
		now = mono_ms();
		notify_watchdog(now);
		if (*reload_requested) {
			*reload_requested = 0;
			reload(s);
		}
		if (s->retry_at != 0 && now >= s->retry_at &&
		    xmpp_conn_is_disconnected(s->b.conn))
			connect_now(s);
		keepalive(s, now);
		if (s->b.away.catching_up && s->online_at != 0 &&
		    now - s->online_at >= CATCH_UP_MS)
			catch_up_end(s, "no answer to our ping in time");
		if (now - s->swept_at >= SWEEP_MS) {
			rl_sweep(s->b.rl, now, message_rate_report, &s->b);
			log_tally_sweep(s->b.strangers, now);
			s->swept_at = now;
		}
		if (s->pruned_at == 0 || now - s->pruned_at >= PRUNE_MS)
			prune_messages(s, now);
		xmpp_run_once(s->b.ctx, busy ? BUSY_LOOP_MS : LOOP_MS);
		busy = upload_poll(s->b.up);
	}
	notify_stopping();
	log_info("shutting down");
	s->stopping = true;
	s->retry_at = 0;
	logout(s);
	return 0;
}

void
session_free(struct session *s)
{
	if (s == NULL)
		return;
	s->freeing = true;
	/* Before the connection: they delete their id handlers there. */
	upload_free(s->b.up);
	if (s->b.conn)
		roster_offline(&s->b);
	roster_free(s->b.roster);
	rl_free(s->b.rl);
	log_tally_free(s->b.strangers);
	if (s->b.conn)
		xmpp_conn_release(s->b.conn);
	if (s->b.ctx)
		xmpp_ctx_free(s->b.ctx);
	xmpp_shutdown();
	free(s);
}
