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
 * Dead connections and delay stamps: keepalive.c pings the server after a
 * silence, and once after every connection to learn when the server has
 * handed out what it kept for us; the session notes when the bot was last
 * online (the wall clock of the last stanza from the server before a
 * break) and when it came back (inbound.h, struct inbound_away).
 *
 * The state of the connection is three enums (struct session): where the
 * link is (down, up, dead, renewing), how near the session is to its end
 * (serving, stopping, freeing), and what the resumption state in the
 * connection is worth (fresh, enabled, resumable, spent). conn_handler
 * moves them on libstrophe's events, and the loop on its timers.
 *
 * After every fresh login (not after a resume) we fetch the roster, and
 * contacts no longer in access.allow are unsubscribed (roster.h); so
 * they are after every reload.
 *
 * The loop also serves SIGHUP (configuration reload, cfg_reload) and the
 * systemd notifications of notify.h; each turn of it sends the watchdog
 * its ping, so a loop that hangs stops them. Once a second it has the
 * rate limiter log what it skipped (ratelimit.h), and the count of what
 * strangers sent (log.h); hourly it drops what is past its age
 * (prune.h). While online, nudge.h's timed handler sends the
 * nudges that are due. While a long export goes on in slices (jobs.h),
 * each turn runs one slice and the loop does not sleep.
 *
 * The password: libstrophe keeps its own copy in the connection, and
 * builds the SASL exchange from it; its context gets an allocator that
 * wipes every block before freeing it (wipe_mem.h).
 */
#include "session.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strophe.h>
#include <time.h>
#include <unistd.h>

#include "chatimport.h"
#include "clock.h"
#include "handlers.h"
#include "jobs.h"
#include "keepalive.h"
#include "nodelay.h"
#include "log.h"
#include "notify.h"
#include "muc.h"
#include "nudge.h"
#include "probe.h"
#include "prune.h"
#include "ratelimit.h"
#include "roster.h"
#include "standby.h"
#include "timerstatus.h"
#include "upload.h"
#include "whereabouts.h"
#include "wipe_mem.h"

#define BACKOFF_MIN 1     /* seconds before the first retry */
#define BACKOFF_MAX 60    /* the longest wait between attempts */
#define STABLE_MS 60000   /* online this long resets the backoff */
#define LOOP_MS 200       /* longest sleep in xmpp_run_once: signal latency */
#define BUSY_LOOP_MS 10   /* the same while HTTP uploads run (upload_poll) */
#define DRAIN_MS 1000     /* longest wait for the pings before a logout */
#define LOGOUT_MS 3000    /* then for the server to close the stream */
#define SWEEP_MS 1000     /* how often the rate limiter's counts are logged */
#define CATCH_UP_MS 10000 /* the longest catch-up after a login (its ping
                             unanswered): see keepalive.c */
#define PRUNE_MS 3600000  /* how often old message keys go (store_msg_prune) */

/* Where the connection is. */
enum link {
	LINK_DOWN,      /* no session: connecting, waiting to retry, logged out */
	LINK_UP,        /* logged in or resumed: serving (online_at) */
	LINK_DEAD,      /* up, but our ping went unanswered: disconnecting */
	LINK_RENEWING,  /* closing a fresh session made on used resumption
	                   state (see the top of this file) */
};

/* How near the session is to its end. */
enum life {
	LIFE_SERVING,
	LIFE_STOPPING,  /* logging out: a disconnect is expected */
	LIFE_FREEING,   /* session_free: the connection's last events find
	                   the rest gone and change nothing */
};

/* The XEP-0198 resumption state libstrophe keeps in the connection. */
enum sm {
	SM_FRESH,       /* has served no session with stream management */
	SM_ENABLED,     /* has served one, which the server would not resume */
	SM_RESUMABLE,   /* has served one the server offered to resume */
	SM_SPENT,       /* to be dropped before the next connection */
};

struct session {
	struct bot b;
	struct cfg *cfg;     /* the live config, b.cfg; main owns it, SIGHUP
	                        changes parts of it in place (cfg_reload) */
	xmpp_log_t logger;   /* libstrophe's log, to ours; userdata is us */
	unsigned backoff;    /* seconds to wait after the next failure */
	int64_t retry_at;    /* monotonic ms of the next attempt; 0: none due */
	int64_t online_at;   /* monotonic ms we came online (LINK_UP); 0:
	                        offline */
	bool ever_online;    /* for a clearer message when login never worked */
	enum link link;
	enum life life;
	enum sm sm;
	bool resumed;        /* libstrophe said it resumed the session (read
	                        and cleared by conn_handler) */
	struct keepalive ka; /* our pings (keepalive.h) */
	int64_t last_rx_wall; /* the wall clock, in seconds, when anything
	                         last came from the server: when we were last
	                         known online (b.away.since) */
	int64_t swept_at;    /* monotonic ms of the last rl_sweep */
	int64_t pruned_at;   /* monotonic ms of the last prune_messages; 0:
	                        none yet */
	int64_t pinged_at;   /* monotonic ms of the last store_ping */
};

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
		 * restart; on_connect says so in plain words. */
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

/* True while a session is up (LINK_UP), or dying (LINK_DEAD). */
static bool
online(const struct session *s)
{
	return s->link == LINK_UP || s->link == LINK_DEAD;
}

/*
 * XMPP_CONN_CONNECT: a fresh login or a resume (resumed) as who. A fresh
 * session on used resumption state is closed at once (LINK_RENEWING).
 */
static void
on_connect(struct session *s, const char *who, bool resumed)
{
	if (!resumed && s->sm != SM_FRESH) {
		/* A fresh session on used resumption state: the server
		 * refused to resume. Close it before anyone sees it and
		 * log in again with fresh state. */
		log_info("the server could not resume the session; "
		         "logging in afresh");
		s->link = LINK_RENEWING;
		xmpp_disconnect(s->b.conn);
		return;
	}
	s->online_at = mono_ms();
	keepalive_heard(&s->ka, s->online_at);
	s->b.away.until = wall_now();
	s->last_rx_wall = s->b.away.until;
	s->link = LINK_UP;
	s->ever_online = true;
	if (resumed) {
		/* The server kept our session, presence and roster included:
		 * sending presence again would announce us twice. The roster
		 * we had is still right (pushes missed meanwhile come with the
		 * resume); an allow list reloaded while we were away is
		 * applied now. */
		log_info("resumed the session as %s", who);
		roster_enforce(&s->b);
		/* The server kept the statuses we sent too: only those that
		 * changed meanwhile go out (timerstatus.h). After a fresh
		 * login the roster's arrival sends them all. */
		timerstatus_all(&s->b);
	} else {
		/* RFC 6121 2.2: the roster first, then presence. The
		 * server sends our contacts' presence afresh. */
		roster_fetch(&s->b);
		whereabouts_reset(&s->b);
		send_presence(&s->b, NULL, NULL);
		log_info("online as %s", who);
	}
	/* After our presence: the server answers this ping once it has
	 * handed out what it kept for us. */
	catch_up_start(&s->ka);
	notify_ready("online as %s", who);
	upload_online(s->b.up);
	nudge_online(&s->b);
	/* A resume keeps our place in the team rooms; a fresh session is
	 * in none. */
	muc_online(&s->b, !resumed);
}

/*
 * At a disconnect: whether the resumption state in the connection is
 * kept for the next one. Only for a session the server offered to resume
 * and that broke (a socket error, or our keepalive gave up): libstrophe
 * does not try after the server closed the stream, nor after our logout.
 * A stream error ends the session for good (RFC 6120 4.9: a server
 * shutting down sends system-shutdown), so there is nothing to resume
 * either - and keeping the state would meet a libstrophe 0.12.2 bug: when
 * the next attempt fails, its reset of the state
 * (_reset_sm_state_for_reconnect in src/conn.c) loses the resumption id
 * and leaks the bound JID.
 */
static void
sm_after_disconnect(struct session *s, int error,
                    const xmpp_stream_error_t *stream_error)
{
	bool broke = error != 0 || s->link == LINK_DEAD;

	if (s->sm != SM_FRESH &&
	    !(s->sm == SM_RESUMABLE && broke && stream_error == NULL &&
	      s->life != LIFE_STOPPING && s->link != LINK_RENEWING))
		s->sm = SM_SPENT;
}

/* The log line for a disconnect we did not ask for, or a failed attempt. */
static void
log_disconnect(const struct session *s, int error,
               const xmpp_stream_error_t *stream_error)
{
	if (online(s)) {
		if (s->link == LINK_DEAD)
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
}

/* XMPP_CONN_DISCONNECT or XMPP_CONN_FAIL: what the stream held goes, and
 * the next attempt is planned unless we are logging out. */
static void
on_disconnect(struct session *s, int error,
              const xmpp_stream_error_t *stream_error)
{
	/* Pending deliveries and their id handlers go with the stream, so
	 * does our ping. */
	upload_offline(s->b.up);
	chatimport_offline(s->b.ci);
	jobs_offline(&s->b);
	roster_offline(&s->b);
	nudge_offline(&s->b);
	muc_offline(&s->b);
	timerstatus_offline(&s->b);
	keepalive_clear(&s->ka);
	catch_up_end(&s->ka, NULL);
	/* Messages sent from now on may wait on the server for us. */
	if (online(s))
		s->b.away.since = s->last_rx_wall;
	sm_after_disconnect(s, error, stream_error);

	if (s->life == LIFE_STOPPING) {
		s->link = LINK_DOWN;
		s->online_at = 0;
		log_info("logged out");
		return;
	}
	if (s->link == LINK_RENEWING) {
		s->link = LINK_DOWN;
		s->retry_at = mono_ms(); /* at once: the server is there */
		return;
	}
	if (online(s) && mono_ms() - s->online_at >= STABLE_MS)
		s->backoff = BACKOFF_MIN;
	log_disconnect(s, error, stream_error);
	s->online_at = 0;
	s->link = LINK_DOWN;
	schedule_retry(s);
}

static void
conn_handler(xmpp_conn_t *conn, xmpp_conn_event_t event, int error,
             xmpp_stream_error_t *stream_error, void *userdata)
{
	struct session *s = userdata;
	const char *bound = xmpp_conn_get_bound_jid(conn);
	bool resumed = s->resumed;

	/* A logout the server never answered leaves the stream open;
	 * releasing it in session_free reports a disconnect, after the
	 * uploads and the roster are gone. */
	if (s->life == LIFE_FREEING)
		return;

	s->resumed = false;
	if (event == XMPP_CONN_CONNECT)
		on_connect(s, bound ? bound : s->cfg->jid, resumed);
	else if (event != XMPP_CONN_RAW_CONNECT) /* we never ask for raw */
		on_disconnect(s, error, stream_error);
}

/* Any stanza from the server: the connection is alive. Also the SM
 * nonzas <r/> and <a/>, so an active stream is never pinged. */
static int
traffic(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
	struct session *s = userdata;

	(void)conn;
	(void)stanza;
	keepalive_heard(&s->ka, mono_ms());
	s->last_rx_wall = wall_now();
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
	if (name == NULL || s->link == LINK_RENEWING)
		return 1;
	if (strcmp(name, "enabled") == 0) {
		resume = xmpp_stanza_get_attribute(stanza, "resume");
		s->sm = resume != NULL && (strcmp(resume, "true") == 0 ||
		                           strcmp(resume, "1") == 0)
		        ? SM_RESUMABLE : SM_ENABLED;
		log_info("stream management enabled (XEP-0198)%s",
		         s->sm == SM_RESUMABLE ? "; the session can be resumed"
		                               : "");
	} else if (strcmp(name, "failed") == 0) {
		log_warn("the server refused stream management (XEP-0198); "
		         "going on without it");
	}
	return 1;
}

/* One turn of the keepalive, while a session is up and connected: a
 * dead connection is dropped; the usual reconnect follows. */
static void
keepalive(struct session *s, int64_t now)
{
	if (s->link != LINK_UP || !xmpp_conn_is_connected(s->b.conn))
		return;
	if (keepalive_tick(&s->ka, now)) {
		s->link = LINK_DEAD;
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
	s->ka.b = &s->b;
	/* Whatever our predecessor missed waits in offline storage; see
	 * inbound.c for this bound. */
	s->b.away.since = wall_now() - INBOUND_AWAY_MAX;
	s->b.away.until = INT64_MAX;
	s->logger.handler = strophe_log;
	s->logger.userdata = s;
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());

	xmpp_initialize();
	if ((s->b.ctx = xmpp_ctx_new(wipe_mem(), &s->logger)) == NULL ||
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
	xmpp_conn_set_sockopt_callback(s->b.conn, nodelay_sockopt);

	xmpp_handler_add(s->b.conn, traffic, NULL, NULL, NULL, s);
	xmpp_handler_add(s->b.conn, sm_nonza, XMPP_NS_SM, NULL, NULL, s);
	xmpp_handler_add(s->b.conn, handle_message, NULL, "message", NULL, &s->b);
	xmpp_handler_add(s->b.conn, handle_presence, NULL, "presence", NULL, &s->b);
	xmpp_handler_add(s->b.conn, handle_iq, NULL, "iq", NULL, &s->b);
	if ((s->b.up = upload_new(&s->b)) == NULL ||
	    (s->b.roster = roster_new()) == NULL ||
	    (s->b.wb = whereabouts_new()) == NULL ||
	    (s->b.muc = muc_new()) == NULL ||
	    (s->b.jobs = jobs_new()) == NULL ||
	    (s->b.ci = chatimport_new(&s->b)) == NULL) {
		session_free(s);
		return NULL;
	}
	if ((s->b.rl = rl_new()) == NULL) {
		log_error("session: out of memory");
		session_free(s);
		return NULL;
	}
	rl_set(s->b.rl, cfg->commands_per_minute, cfg->burst);
	whereabouts_start(&s->b);
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
	if (s->sm == SM_SPENT) {
		/* Disconnected here, so libstrophe hands the state over; the
		 * next xmpp_connect_client starts from a fresh one. */
		xmpp_free_sm_state(xmpp_conn_get_sm_state(s->b.conn));
		s->sm = SM_FRESH;
	}
	/* A session to resume goes to libstrophe only when the server is
	 * there (see reachable); with no host configured (DNS SRV, which
	 * libstrophe resolves itself) there is nothing to check first. */
	if (s->sm == SM_RESUMABLE && cfg->host != NULL &&
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
		muc_reload(&s->b, online(s));
		if (restart[0] != '\0')
			log_warn("%s: changes to %s need a restart; until then "
			         "the previous values stay", s->cfg->path, restart);
	}
	text_free(&errs);
	notify_reloaded();
}

/* Unavailable presence, what the server sent handled (keepalive_drain),
 * then </stream:stream>, waiting a little for the server to close its side so
 * nothing we sent is cut off. */
static void
logout(struct session *s)
{
	int64_t deadline;

	if (xmpp_conn_is_connected(s->b.conn)) {
		send_presence(&s->b, "unavailable", NULL);
		if (s->link == LINK_UP)
			keepalive_drain(&s->ka, mono_ms() + DRAIN_MS);
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
 * Drops what is past its age (prune.h): at start, then every PRUNE_MS,
 * whether online or not.
 */
static void
prune_messages(struct session *s, int64_t now)
{
	s->pruned_at = now;
	prune_aged(s->b.st, wall_now());
}

/*
 * The loop. HTTP uploads and the downloads of files to import run on
 * libcurl's multi interface beside the XMPP stream: upload_poll and
 * chatimport_poll move them on without blocking after every turn of
 * xmpp_run_once, whose sleep is short while any transfer runs, so neither
 * side waits for the other.
 */
int
session_run(struct session *s, volatile sig_atomic_t *stop,
            volatile sig_atomic_t *reload_requested)
{
	char limits[128];
	bool busy = false, slicing = false;
	int64_t now;
	int rc = 0;

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
		if (s->b.away.catching_up && online(s) &&
		    now - s->online_at >= CATCH_UP_MS)
			catch_up_end(&s->ka, "no answer to our ping in time");
		if (now - s->swept_at >= SWEEP_MS) {
			rl_sweep(s->b.rl, now, message_rate_report, &s->b);
			log_tally_sweep(s->b.strangers, now);
			s->swept_at = now;
		}
		if (s->pruned_at == 0 || now - s->pruned_at >= PRUNE_MS)
			prune_messages(s, now);
		/* Without its database (PostgreSQL gone, or the network to
		 * it) the leader's lock is gone too, and a standby may serve
		 * already: stop at once (standby.c). */
		if (now - s->pinged_at >= STANDBY_TRY_MS) {
			s->pinged_at = now;
			if (store_ping(s->b.st) != STORE_OK) {
				log_error("database: %s; stopping, so that a "
				          "standby can serve",
				          store_errmsg(s->b.st));
				rc = 1;
				break;
			}
		}
		/* libstrophe writes what is queued at the start of a turn,
		 * then waits, reads and runs the handlers, which queue the
		 * replies. So: two turns that do not wait, corked, write the
		 * replies to what was read last and read on (nodelay.c: the
		 * stanzas go together, and at once when uncorked); then the
		 * turn that sleeps, unless an export goes on in slices
		 * (jobs.h), whose next slice comes first. */
		if (online(s))
			nodelay_cork(true);
		xmpp_run_once(s->b.ctx, 0);
		xmpp_run_once(s->b.ctx, 0);
		nodelay_cork(false);
		if (!slicing)
			xmpp_run_once(s->b.ctx, busy ? BUSY_LOOP_MS : LOOP_MS);
		busy = upload_poll(s->b.up);
		busy = chatimport_poll(s->b.ci) || busy;
		slicing = jobs_poll(&s->b);
	}
	notify_stopping();
	log_info("shutting down");
	s->life = LIFE_STOPPING;
	s->retry_at = 0;
	logout(s);
	return rc;
}

void
session_free(struct session *s)
{
	if (s == NULL)
		return;
	s->life = LIFE_FREEING;
	/* Before the connection: they delete their id handlers there. */
	upload_free(s->b.up);
	chatimport_free(s->b.ci);
	if (s->b.conn) {
		jobs_offline(&s->b);
		roster_offline(&s->b);
		timerstatus_offline(&s->b);
	}
	jobs_free(s->b.jobs);
	roster_free(s->b.roster);
	whereabouts_free(s->b.wb);
	muc_free(s->b.muc);
	rl_free(s->b.rl);
	log_tally_free(s->b.strangers);
	if (s->b.conn)
		xmpp_conn_release(s->b.conn);
	if (s->b.ctx)
		xmpp_ctx_free(s->b.ctx);
	xmpp_shutdown();
	free(s);
}
