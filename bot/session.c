/*
 * bot/session.c - one XMPP client connection, kept alive.
 *
 * libstrophe has no reconnect helper: on every disconnect we schedule a
 * new xmpp_connect_client from our own loop (xmpp_run_once with a short
 * timeout), with exponential backoff and jitter, so a server that goes
 * away is retried without spinning. Stanza handlers are added once, after
 * xmpp_conn_new: libstrophe keeps user handlers across reconnects, and
 * adding them in the connect callback would pile them up.
 */
#include "session.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strophe.h>
#include <time.h>
#include <unistd.h>

#include "handlers.h"
#include "log.h"
#include "upload.h"

#define BACKOFF_MIN 1     /* seconds before the first retry */
#define BACKOFF_MAX 60    /* the longest wait between attempts */
#define STABLE_MS 60000   /* online this long resets the backoff */
#define LOOP_MS 200       /* longest sleep in xmpp_run_once: signal latency */
#define BUSY_LOOP_MS 10   /* the same while HTTP uploads run (upload_poll) */
#define LOGOUT_MS 3000    /* how long a clean logout may take */

struct session {
	struct bot b;
	unsigned backoff;  /* seconds to wait after the next failure */
	int64_t retry_at;  /* monotonic ms of the next attempt; 0: none due */
	int64_t online_at; /* monotonic ms we came online; 0: offline */
	bool ever_online;  /* for a clearer message when login never worked */
	bool stopping;     /* logging out: a disconnect is expected */
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * libstrophe's own log, passed to ours. Its debug level prints every byte
 * sent, the SASL <auth> with the password in base64 among them, so debug
 * is dropped whatever our level is; info only shows when we log debug.
 */
static void
strophe_log(void *userdata, xmpp_log_level_t level, const char *area,
            const char *msg)
{
	(void)userdata;
	switch (level) {
	case XMPP_LEVEL_ERROR:
		log_error("xmpp %s: %s", area, msg);
		break;
	case XMPP_LEVEL_WARN:
		log_warn("xmpp %s: %s", area, msg);
		break;
	case XMPP_LEVEL_INFO:
		log_debug("xmpp %s: %s", area, msg);
		break;
	case XMPP_LEVEL_DEBUG:
		break;
	}
}

static const xmpp_log_t strophe_logger = { strophe_log, NULL };

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
	s->retry_at = now_ms() + delay;
	log_info("reconnecting in %.1fs", (double)delay / 1000.0);
	s->backoff = s->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : s->backoff * 2;
}

static void
conn_handler(xmpp_conn_t *conn, xmpp_conn_event_t event, int error,
             xmpp_stream_error_t *stream_error, void *userdata)
{
	struct session *s = userdata;
	const char *bound = xmpp_conn_get_bound_jid(conn);

	if (event == XMPP_CONN_CONNECT) {
		s->online_at = now_ms();
		s->ever_online = true;
		send_presence(&s->b, NULL, NULL);
		log_info("online as %s", bound ? bound : s->b.cfg->jid);
		upload_online(s->b.up);
		return;
	}
	if (event == XMPP_CONN_RAW_CONNECT)
		return; /* we never ask for raw connections */

	/* Pending deliveries and their id handlers go with the stream. */
	upload_offline(s->b.up);

	/* XMPP_CONN_DISCONNECT or XMPP_CONN_FAIL */
	if (s->stopping) {
		s->online_at = 0;
		log_info("logged out");
		return;
	}
	if (s->online_at != 0) {
		if (now_ms() - s->online_at >= STABLE_MS)
			s->backoff = BACKOFF_MIN;
		log_warn("disconnected from the server%s%s%s",
		         stream_error ? " (stream error: " : "",
		         stream_error && stream_error->text ? stream_error->text
		         : stream_error ? "no text" : "",
		         stream_error ? ")" : "");
	} else if (!s->ever_online) {
		log_error("could not log in as %s%s%s: check account.jid, the "
		          "password, account.host/port and account.tls",
		          s->b.cfg->jid, error ? ": " : "",
		          error ? strerror(error) : "");
	} else {
		log_warn("connection attempt failed%s%s", error ? ": " : "",
		         error ? strerror(error) : "");
	}
	s->online_at = 0;
	schedule_retry(s);
}

static long
conn_flags(const struct cfg *cfg)
{
	/*
	 * XEP-0198 stream management is off: libstrophe may resend stanzas
	 * after a resume, and a command applied twice would double an entry.
	 * It comes back together with per-message deduplication.
	 */
	long flags = XMPP_CONN_FLAG_DISABLE_SM;

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
session_new(const struct cfg *cfg, store *st)
{
	struct session *s;
	char *jid;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		log_error("session: out of memory");
		return NULL;
	}
	s->b.cfg = cfg;
	s->b.st = st;
	s->backoff = BACKOFF_MIN;
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());

	xmpp_initialize();
	if ((s->b.ctx = xmpp_ctx_new(NULL, &strophe_logger)) == NULL ||
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

	xmpp_handler_add(s->b.conn, handle_message, NULL, "message", NULL, &s->b);
	xmpp_handler_add(s->b.conn, handle_presence, NULL, "presence", NULL, &s->b);
	xmpp_handler_add(s->b.conn, handle_iq, NULL, "iq", NULL, &s->b);
	if ((s->b.up = upload_new(&s->b)) == NULL) {
		session_free(s);
		return NULL;
	}
	return s;
}

static void
connect_now(struct session *s)
{
	const struct cfg *cfg = s->b.cfg;
	int rc;

	s->retry_at = 0;
	log_info("connecting to %s%s%u as %s", cfg->host ? cfg->host : cfg->jid,
	         cfg->port ? " port " : "", cfg->port, cfg->jid);
	rc = xmpp_connect_client(s->b.conn, cfg->host, cfg->port, conn_handler, s);
	if (rc != XMPP_EOK) {
		log_warn("cannot connect to %s (libstrophe error %d)",
		         cfg->host ? cfg->host : "the JID's domain", rc);
		schedule_retry(s);
	}
}

/* Unavailable presence, then </stream:stream>, waiting a little for the
 * server to close its side so nothing we sent is cut off. */
static void
logout(struct session *s)
{
	int64_t deadline;

	if (xmpp_conn_is_connected(s->b.conn)) {
		send_presence(&s->b, "unavailable", NULL);
		xmpp_disconnect(s->b.conn);
	} else if (xmpp_conn_is_connecting(s->b.conn)) {
		xmpp_disconnect(s->b.conn);
	}
	deadline = now_ms() + LOGOUT_MS;
	while (!xmpp_conn_is_disconnected(s->b.conn) && now_ms() < deadline)
		xmpp_run_once(s->b.ctx, 50);
}

/*
 * The loop. HTTP uploads run on libcurl's multi interface beside the XMPP
 * stream: upload_poll moves them on without blocking after every turn of
 * xmpp_run_once, whose sleep is short while any transfer runs, so neither
 * side waits for the other.
 */
int
session_run(struct session *s, volatile sig_atomic_t *stop)
{
	bool busy = false;

	connect_now(s);
	while (!*stop) {
		if (s->retry_at != 0 && now_ms() >= s->retry_at &&
		    xmpp_conn_is_disconnected(s->b.conn))
			connect_now(s);
		xmpp_run_once(s->b.ctx, busy ? BUSY_LOOP_MS : LOOP_MS);
		busy = upload_poll(s->b.up);
	}
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
	/* Before the connection: it deletes its id handlers there. */
	upload_free(s->b.up);
	if (s->b.conn)
		xmpp_conn_release(s->b.conn);
	if (s->b.ctx)
		xmpp_ctx_free(s->b.ctx);
	xmpp_shutdown();
	free(s);
}
