/*
 * bot/message.c - <message/> stanzas: accept (the filter), run the
 * command, reply.
 *
 * Everything is checked here before any text reaches commands/, in this
 * order: the stanza type; whether it only carries someone else's message
 * (carbons, forwards); the sender, taken from the stanza's from alone
 * (the server stamps it) and never our own account; the addressee (to);
 * the allow list; the sender's rate (limits.commands_per_minute and
 * burst); the body's size (limits.max_body) and encoding. Each ignored
 * message is logged once at info, with who sent it and never its text;
 * those of senders not in access.allow, whatever they are, one line a
 * minute per sender with a count (log.h).
 * commands/ never sees a stanza; it gets a struct cmd_ctx and the text:
 * the time the command counts at (the XEP-0203 delay stamp of a message
 * the server kept while the bot was offline, when inbound_sent_at
 * believes it; else now) and the message's key, by
 * which a message delivered again after a stream management resume
 * (XEP-0198) is applied once (inbound.c), and the keys of the earlier
 * message an XEP-0308 correction or XEP-0424 retraction names. Messages are handled one at a
 * time in the order they arrive, offline ones included. A file the
 * command makes (export) follows the reply, through upload.c, and costs
 * more of the sender's rate than other commands (RL_EXPORT_COST); one
 * that upload.c cannot take now is refused instead. A long export goes
 * on in slices (bot/jobs.c), which answer it, receipt included, when it
 * is done; meanwhile the next messages are served.
 *
 * A message carrying a file (an XEP-0066 link) with the text "import",
 * its own link or none is an import: bot/chatimport.c downloads the file
 * and runs the import command with it, and answers when it is in; the
 * message passed every filter above first.
 *
 * Courtesy, for accepted messages only (caps.h advertises both): a
 * chat message whose command may take a while (cmd_is_slow) gets a
 * XEP-0085 "composing" before it runs and "active" in its reply; a
 * message asking for a XEP-0184 receipt gets one after its reply.
 *
 * A command that fails in storage has changed nothing (one transaction)
 * and its reply says so; the error goes to the log and the bot carries
 * on with the next message.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../commands/cmd.h"
#include "../lib/utf8.h"
#include "access.h"
#include "caps.h"
#include "chatimport.h"
#include "clock.h"
#include "handlers.h"
#include "inbound.h"
#include "jobs.h"
#include "log.h"
#include "muc.h"
#include "ratelimit.h"
#include "timerstatus.h"
#include "upload.h"
#include "whereabouts.h"

_Static_assert(INBOUND_DIGEST_LEN == STORE_MSG_KEY_LEN,
               "every message key bot/ makes can be stored");

/* How much of a foreign 'to' the log quotes. */
#define LOG_TO_MAX 200

/*
 * RFC 6121 section 5.2.2: a message without a type is "normal". We answer
 * "chat" and "normal"; "groupchat" (a room would echo us), "headline"
 * (automated, no reply expected) and "error" (answering errors loops)
 * are ignored.
 */
static bool
type_served(const char *type)
{
	return type == NULL || strcmp(type, "chat") == 0 ||
	       strcmp(type, "normal") == 0;
}

/* Sends body to the full JID to as a chat message, carrying the thread
 * of the message we answer (XEP-0201) so clients keep the conversation
 * together, and the XEP-0085 chat state state (NULL: none). */
static void
reply(struct bot *b, const char *to, xmpp_stanza_t *thread, const char *body,
      const char *state)
{
	xmpp_stanza_t *msg, *t;
	char *id = xmpp_uuid_gen(b->ctx);

	msg = xmpp_message_new(b->ctx, "chat", to, id);
	if (id)
		xmpp_free(b->ctx, id);
	if (msg == NULL || xmpp_message_set_body(msg, body) != XMPP_EOK) {
		log_error("reply to %s: out of memory", to);
		if (msg)
			xmpp_stanza_release(msg);
		return;
	}
	if (thread && (t = xmpp_stanza_copy(thread)) != NULL) {
		xmpp_stanza_add_child(msg, t);
		xmpp_stanza_release(t);
	}
	/* Without it (out of memory) the reply still goes. */
	if (state != NULL)
		(void)caps_add_chat_state(msg, state);
	xmpp_send(b->conn, msg);
	xmpp_stanza_release(msg);
}

void
send_chat(struct bot *b, const char *to, const char *body)
{
	reply(b, to, NULL, body, NULL);
}

void
message_rate_report(const char *jid, unsigned skipped, void *userdata)
{
	const struct bot *b = userdata;

	log_info("rate limit: skipped %u command%s from %s (more than %u a "
	         "minute after a burst of %u)", skipped, skipped == 1 ? "" : "s",
	         jid, b->cfg->commands_per_minute, b->cfg->burst);
}

/*
 * True when a message with this 'to' is for us. Our server routes by
 * 'to' (RFC 6120 10.5) and hands us what is addressed to our account:
 * its bare JID, our full JID, or a resource of it that is not online
 * (RFC 6121 8.5.3.2.1 sends such a chat message on to the bare JID), so
 * any resource of our account is us. A 'to' naming another account means
 * a server routing what is not ours: ignored. No 'to' at all can only
 * come from our server over our own stream, where the stanza is about our
 * account (as roster pushes are, RFC 6121 2.1.6): accepted, and its from
 * is still checked like any other.
 */
static bool
addressed_to_us(const struct bot *b, const char *to)
{
	return to == NULL || jid_is_own(b, to);
}

/*
 * Asks the rate limiter whether the sender bare may have a command run
 * now. When not, logs the skipped count when it is time (at most once a
 * minute per sender), and tells the sender the first time in a minute.
 * Without a limiter everything passes.
 */
int
message_rate_check(struct bot *b, const char *bare)
{
	unsigned report;
	enum rl_verdict v;

	if (b->rl == NULL)
		return RL_PASS;
	v = rl_check(b->rl, bare, mono_ms(), &report);
	if (report > 0)
		message_rate_report(bare, report, b);
	return (int)v;
}

static bool
rate_allows(struct bot *b, const char *bare, const char *from,
            xmpp_stanza_t *thread)
{
	char msg[160];
	enum rl_verdict v = (enum rl_verdict)message_rate_check(b, bare);

	if (v == RL_NOTIFY) {
		snprintf(msg, sizeof(msg),
		         "You are sending commands faster than I take them (%u a "
		         "minute); I skipped this one: please wait a moment.",
		         b->cfg->commands_per_minute);
		reply(b, from, thread, msg, NULL);
	}
	return v == RL_PASS;
}

/*
 * A command made a file (an export) for the sender bare: it costs
 * RL_EXPORT_COST tokens, of which rl_check took one, and it goes out only
 * when upload_admit lets it (one file per user at a time, a bounded number
 * in all), and a file for HTTP upload only when upload_can_link does (a
 * page for a browser is no use inline). Otherwise the reply becomes the
 * refusal, and the file is dropped. The command menus share it
 * (bot/adhoc.c).
 */
void
message_admit_file(struct bot *b, const char *bare, struct cmd_file *file,
                   struct text *out)
{
	char why[256];

	if (b->rl != NULL)
		rl_charge(b->rl, bare, mono_ms(), RL_EXPORT_COST - 1);
	if ((!file->upload_only ||
	     upload_can_link(b->up, file, why, sizeof(why))) &&
	    (b->up == NULL ||
	     upload_admit(b->up, bare, file->body.len, why, sizeof(why))))
		return;
	log_info("refused an export of %zu bytes for %s: %s", file->body.len,
	         bare, why);
	text_clear(out);
	text_printf(out, "%s", why);
	cmd_file_free(file);
	cmd_file_init(file);
}

/* A message accepted for a command: who sent it and what it says. */
struct accepted {
	const char *from;               /* the full JID, borrowed */
	char bare[STORE_OWNER_MAX + 1]; /* its bare JID: the owner */
	xmpp_stanza_t *thread;          /* XEP-0201, borrowed; NULL: none */
	bool chat;                      /* of type chat: XEP-0085 applies */
	char *body;                     /* owned, xmpp_free; NULL only for a
	                                   retraction */
	enum inbound_about about;       /* corrects or retracts an earlier
	                                   message (XEP-0308, XEP-0424) */
	const char *about_id;           /* that message's id, borrowed */
	enum cmd_status rc;             /* run_command's outcome */
	bool changes;                   /* the command may change data
	                                   (cmd_changes) */
};

/*
 * The filter: true when stanza is a message from an allowed user that a
 * command may answer, with m filled (m->body is the caller's to free);
 * false when it is ignored (logged as each branch says, nothing to free).
 * The size and encoding are judged after, by text_acceptable, since their
 * refusals are answered.
 */
static bool
accept_message(struct bot *b, xmpp_stanza_t *stanza, struct accepted *m)
{
	const char *to = xmpp_stanza_get_to(stanza);
	xmpp_stanza_t *body_el;
	const char *wrapped;

	m->from = xmpp_stanza_get_from(stanza);
	if (!type_served(xmpp_stanza_get_type(stanza)))
		return false;
	body_el = xmpp_stanza_get_child_by_name(stanza, "body");
	/* XEP-0308 corrections and XEP-0424 retractions name an earlier
	 * message; a retraction may come without a body (its body is only a
	 * fallback for clients that do not know it). */
	m->about = inbound_about(stanza, &m->about_id);
	/*
	 * XEP-0280 carbons and XEP-0297 forwards carry another message, from
	 * and to whoever its own attributes claim, which nothing vouches for:
	 * CVE-2017-5589 was clients believing them. Their text is never a
	 * command, and neither is an outer body next to them, whoever sent
	 * the whole. timmy never enables carbons (it sends no <enable
	 * xmlns='urn:xmpp:carbons:2'/>), so no honest server sends it any.
	 */
	wrapped = inbound_wrapped(stanza);
	/* Chat states, receipts and other body-less messages need no
	 * answer, nor a log line. */
	if (wrapped == NULL && body_el == NULL && m->about != INBOUND_RETRACTS &&
	    chatimport_link(stanza) == NULL)
		return false;
	/* The server stamps "from" on everything it routes to us (RFC 6120
	 * 8.1.2.1); a message without one did not come from a user. */
	if (!bare_jid(m->from, m->bare, sizeof(m->bare))) {
		log_info("ignored %s without a sender", wrapped ? wrapped
		                                                : "a message");
		return false;
	}
	/* No reply to anyone not in access.allow, whatever they send:
	 * answering strangers would make us a spam reflector. Their stanzas
	 * are logged one line a minute per sender, the rest counted, so
	 * that a flood cannot fill the log either. Our own account is
	 * judged below. */
	if (!jid_is_own(b, m->from) &&
	    !cfg_allowed(b->cfg, m->bare)) {
		if (log_tally_first(b->strangers, m->bare, mono_ms()))
			log_info("ignored %s from %s (not in access.allow)",
			         wrapped ? wrapped : "message", m->bare);
		return false;
	}
	if (wrapped != NULL) {
		log_info("ignored %s from %s: what it carries is never a "
		         "command", wrapped, m->from);
		return false;
	}
	/* Our own account: another resource of it, or a forgery the server
	 * let through. Never a user, even when access.allow would match it
	 * ("*@our.domain"): answering could loop between two bots. */
	if (jid_is_own(b, m->from)) {
		log_info("ignored a message from our own account (%s)", m->from);
		return false;
	}
	if (!addressed_to_us(b, to)) {
		log_info("ignored a message from %s to %.*s: not addressed to us",
		         m->bare, LOG_TO_MAX, to);
		return false;
	}
	/* NULL for <body/>: nothing to do, unless it retracts. */
	m->body = body_el != NULL ? xmpp_stanza_get_text(body_el) : NULL;
	/* A file sent without a word (XEP-0066) is an import's: it goes
	 * on, its body NULL, to chatimport_take. */
	if (m->body == NULL && m->about != INBOUND_RETRACTS &&
	    chatimport_link(stanza) == NULL)
		return false;
	m->thread = xmpp_stanza_get_child_by_name(stanza, "thread");
	m->chat = xmpp_stanza_get_type(stanza) != NULL &&
	          strcmp(xmpp_stanza_get_type(stanza), "chat") == 0;
	/* Every message we would answer counts, refusals below included:
	 * a flood of oversized bodies would otherwise flood replies. */
	if (!rate_allows(b, m->bare, m->from, m->thread)) {
		if (m->body != NULL)
			xmpp_free(b->ctx, m->body);
		return false;
	}
	return true;
}

/*
 * The last of the filter: true when m's body may go to commands/; else
 * false, with the refusal in out (logged).
 */
static bool
text_acceptable(const struct bot *b, const struct accepted *m,
                struct text *out)
{
	size_t len = strlen(m->body);

	if (len > b->cfg->max_body) {
		log_info("refused %zu-byte message from %s (limits.max_body %zu)",
		         len, m->bare, b->cfg->max_body);
		text_printf(out, "That message is too long for me (%zu bytes; "
		                 "at most %zu). Send it as several shorter "
		                 "messages, one command each.", len,
		            b->cfg->max_body);
		return false;
	}
	if (!utf8_valid(m->body, len)) {
		/* libstrophe's expat parser only passes UTF-8; checked all the
		 * same, since commands/ counts on it. */
		log_info("refused a message from %s: not UTF-8", m->bare);
		text_printf(out, "That message is not valid UTF-8 text; I "
		                 "skipped it.");
		return false;
	}
	return true;
}

/*
 * Fills *about for m when it corrects or retracts an earlier message
 * (keys, of the earlier message's two possible keys, holds them) and
 * returns about; NULL for a message of its own.
 */
static const struct cmd_about *
about_earlier(xmpp_stanza_t *stanza, const struct accepted *m,
              struct cmd_about *about, char keys[2][INBOUND_DIGEST_LEN + 1])
{
	size_t i;

	if (m->about == INBOUND_NEW)
		return NULL;
	about->kind = m->about == INBOUND_CORRECTS ? CMD_CORRECTS
	                                           : CMD_RETRACTS;
	inbound_about_keys(stanza, m->about_id, keys);
	for (i = 0; i < 2; i++)
		about->keys[i] = keys[i][0] != '\0' ? keys[i] : NULL;
	log_debug("message from %s %s an earlier one", m->bare,
	          m->about == INBOUND_CORRECTS ? "corrects" : "retracts");
	return about;
}

void
message_origin(struct bot *b, xmpp_stanza_t *stanza, struct msg_origin *o)
{
	int64_t sent;

	o->now = wall_now();
	o->offline = false;
	if (inbound_key_digest(stanza, o->key, sizeof(o->key)) == NULL)
		o->key[0] = '\0';
	/* Kept by the server while we were away (XEP-0203): it counts when
	 * it was sent. A stamp clamped to now is no delay worth a word. */
	if (inbound_sent_at(stanza, &b->away, b->cfg->jid, o->now, &sent) &&
	    sent < o->now) {
		log_debug("message was sent %lld s ago, while we were offline",
		          (long long)(o->now - sent));
		o->now = sent;
		o->offline = true;
	}
}

/* The context of a command of bare's that came as *o says. */
static void
fill_ctx(struct bot *b, const char *bare, const struct msg_origin *o,
         struct cmd_ctx *cctx)
{
	memset(cctx, 0, sizeof(*cctx));
	cctx->st = b->st;
	cctx->owner = bare;
	cctx->now = o->now;
	cctx->tz = b->cfg->timezone;
	cctx->msg_key = o->key[0] != '\0' ? o->key : NULL;
	cctx->offline = o->offline;
	cctx->admin = access_match(b->cfg->admins, b->cfg->nadmins, bare);
	cctx->prefs = &b->cfg->prefs;
	cctx->teams = &b->cfg->teams;
	cctx->billing = &b->cfg->billing;
	cctx->bot_jid = b->cfg->jid;
}

/* Logs how ctx's command went. */
static void
log_outcome(struct bot *b, const char *bare, enum cmd_status rc)
{
	if (rc == CMD_FAILED)
		log_error("command from %s failed: %s", bare,
		          store_errmsg(b->st));
	else
		log_debug("command from %s: %s", bare,
		          rc == CMD_OK ? "done" : "refused");
}

/*
 * Runs the command in m's body for its sender: the reply goes to out, a
 * file it makes to file. The command counts at the XEP-0203 delay stamp
 * of a message the server kept while we were offline, else at now.
 * Returns true when it counted at now: it was sent just now.
 */
static bool
run_command(struct bot *b, xmpp_stanza_t *stanza, struct accepted *m,
            struct cmd_file *file, struct text *out, struct cmd_job **job)
{
	char keys[2][INBOUND_DIGEST_LEN + 1];
	struct msg_origin o;
	struct cmd_about about;
	struct cmd_ctx cctx;
	enum cmd_status rc;

	message_origin(b, stanza, &o);
	fill_ctx(b, m->bare, &o, &cctx);
	cctx.file = file;
	cctx.job = job; /* NULL: everything at once */
	cctx.about = about_earlier(stanza, m, &about, keys);
	rc = cmd_exec(&cctx, m->body != NULL ? m->body : "", out);
	m->rc = rc;
	m->changes = cmd_changes(&cctx, m->body);
	log_outcome(b, m->bare, rc);
	return !cctx.offline;
}

/*
 * After m's command: a change that was made (or a retraction or
 * correction, which may have undone the earlier message's change whatever
 * its own text is) refreshes the sender's status on their contact list
 * (timerstatus.h). The caller sends it after the reply: the server routes
 * stanzas in the order they come, and the reply is what the sender waits
 * for.
 */
static void
refresh_status(struct bot *b, const struct accepted *m)
{
	if (m->rc == CMD_OK && (m->about != INBOUND_NEW || m->changes))
		timerstatus_changed(b, m->bare);
}

void
message_answer(struct bot *b, const char *from, const char *bare,
               xmpp_stanza_t *thread, struct cmd_file *file,
               struct text *out, const char *state)
{
	if (file->present)
		message_admit_file(b, bare, file, out);
	reply(b, from, thread, text_str(out), state);
	/* After the reply that describes it: the file itself. */
	if (file->present)
		upload_deliver(b->up, from, thread, file);
}

/* Sends stanza, made by caps.c, if it was made; releases it. */
static void
send_made(struct bot *b, xmpp_stanza_t *stanza)
{
	if (stanza == NULL)
		return;
	xmpp_send(b->conn, stanza);
	xmpp_stanza_release(stanza);
}

void
message_run_input(struct bot *b, const char *from, const char *bare,
                  xmpp_stanza_t *thread, const struct msg_origin *o,
                  const char *body, const struct cmd_input *in,
                  xmpp_stanza_t *receipt)
{
	struct cmd_ctx cctx;
	enum cmd_status rc;
	struct text out;

	fill_ctx(b, bare, o, &cctx);
	cctx.input = in;
	text_init(&out, CMD_REPLY_MAX);
	rc = cmd_exec(&cctx, body, &out);
	log_outcome(b, bare, rc);
	reply(b, from, thread, text_str(&out), NULL);
	send_made(b, receipt);
	/* An import may bring a running timer. */
	if (rc == CMD_OK && cmd_changes(&cctx, body))
		timerstatus_changed(b, bare);
	text_free(&out);
}

bool
message_replay(struct bot *b, xmpp_stanza_t *stanza, const char *from,
               const char *bare, xmpp_stanza_t *thread,
               const struct msg_origin *o)
{
	struct cmd_ctx cctx;
	struct text out;
	bool repeated;

	fill_ctx(b, bare, o, &cctx);
	text_init(&out, CMD_REPLY_MAX);
	if ((repeated = cmd_repeated(&cctx, &out))) {
		log_info("message from %s reached us again: its first reply "
		         "again", bare);
		reply(b, from, thread, text_str(&out), NULL);
		send_made(b, caps_receipt_for(b->ctx, stanza, from));
	}
	text_free(&out);
	return repeated;
}

int
message_run_as(struct bot *b, xmpp_stanza_t *stanza, const char *bare,
               const char *body, struct cmd_file *file, struct text *out,
               bool *changed, struct cmd_job **job)
{
	struct accepted m;

	memset(&m, 0, sizeof(m));
	/* Refusals of the rate limit go to the person, not the room. */
	m.from = bare;
	if (!bare_jid(bare, m.bare, sizeof(m.bare)))
		return -1;
	m.body = (char *)body; /* only read */
	m.about = INBOUND_NEW;
	m.rc = CMD_REFUSED;
	if (!rate_allows(b, m.bare, m.from, NULL))
		return -1;
	if (text_acceptable(b, &m, out) &&
	    run_command(b, stanza, &m, file, out,
	                b->jobs != NULL ? job : NULL))
		whereabouts_heard(b, m.bare, out);
	/* Here before the reply, which the caller sends (muc.c). */
	refresh_status(b, &m);
	if (file->present)
		message_admit_file(b, m.bare, file, out);
	*changed = m.rc == CMD_OK && m.changes;
	return (int)m.rc;
}

int
handle_message(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
	struct bot *b = userdata;
	struct accepted m;
	struct cmd_file file;
	struct cmd_job *job = NULL;
	struct text out;
	bool slow = false, ran = false, acceptable;

	(void)conn;
	/* Groupchat, and private messages through a team room: muc.c. */
	if (muc_message(b, stanza))
		return 1;
	if (!accept_message(b, stanza, &m))
		return 1;
	text_init(&out, CMD_REPLY_MAX);
	cmd_file_init(&file);
	/* A retraction runs no text, and a file sent without any has none
	 * to judge. */
	acceptable = m.about == INBOUND_RETRACTS || m.body == NULL ||
	             text_acceptable(b, &m, &out);
	/* A file sent to be imported (XEP-0066): answered when it is in,
	 * or refused now (bot/chatimport.c). A link nobody takes, without
	 * a word, needs no answer. */
	if (acceptable && m.about == INBOUND_NEW &&
	    (chatimport_take(b, stanza, m.from, m.bare,
	                     m.body != NULL ? m.body : "", m.thread) ||
	     m.body == NULL))
		goto taken;
	if (acceptable) {
		/* XEP-0085 5.1 and 5.3: "composing" while a long command
		 * runs, "active" in its reply; only in chat, and only when
		 * the wait is worth a word. */
		if (m.chat && m.body != NULL && (slow = cmd_is_slow(m.body)))
			send_made(b, caps_chat_state(b->ctx, m.from, "composing"));
		/* A command sent just now is a sign of life, whatever the
		 * presence says: the question about time away, if one is
		 * due, comes with its reply (commands/idle.h). One sent
		 * while we were offline tells nothing of now. */
		if (run_command(b, stanza, &m, &file, &out,
		                b->jobs != NULL ? &job : NULL))
			whereabouts_heard(b, m.bare, &out);
		ran = true;
	}
	if (job != NULL) {
		/* An export going on in slices (bot/jobs.c): its reply, out
		 * after it, the file and the receipt come when it is done. */
		jobs_add(b, job, m.from, m.bare, m.thread,
		         slow ? "active" : NULL,
		         caps_receipt_for(b->ctx, stanza, m.from), &out);
	} else {
		message_answer(b, m.from, m.bare, m.thread, &file, &out,
		               slow ? "active" : NULL);
		/* XEP-0184: received, and handled; after the reply. */
		send_made(b, caps_receipt_for(b->ctx, stanza, m.from));
	}
	/* Then the contact list: the server routes our stanzas in the
	 * order they come, and a directed presence sent first went (with
	 * its roster and privacy checks) ahead of the reply it waits on. */
	if (ran)
		refresh_status(b, &m);
taken:
	cmd_file_free(&file);
	text_free(&out);
	if (m.body != NULL)
		xmpp_free(b->ctx, m.body);
	return 1;
}
