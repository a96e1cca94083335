/*
 * bot/message.c - <message/> stanzas: filter, run the command, reply.
 *
 * Everything is checked here before any text reaches commands/: the
 * stanza type, the sender, the allow list, the body and its size.
 * commands/ never sees a stanza; it gets a struct cmd_ctx and the text:
 * the time the command counts at (the XEP-0203 delay stamp of a message
 * sent while the bot was offline, else now) and the message's key, by
 * which a message delivered again after a stream management resume
 * (XEP-0198) is applied once (inbound.c). Messages are handled one at a
 * time in the order they arrive, offline ones included. A file the
 * command makes (export) follows the reply, through upload.c.
 *
 * A command that fails in storage has changed nothing (one transaction)
 * and its reply says so; the error goes to the log and the bot carries
 * on with the next message.
 */
#include <string.h>
#include <time.h>

#include "../commands/cmd.h"
#include "access.h"
#include "handlers.h"
#include "inbound.h"
#include "log.h"
#include "upload.h"

/* Bodies longer than this are refused unparsed (bytes). */
#define BODY_MAX 4096

_Static_assert(INBOUND_KEY_MAX <= STORE_MSG_KEY_MAX,
               "every message key bot/ makes can be stored");

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
 * together. */
static void
reply(struct bot *b, const char *to, xmpp_stanza_t *thread, const char *body)
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
	xmpp_send(b->conn, msg);
	xmpp_stanza_release(msg);
}

int
handle_message(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
	struct bot *b = userdata;
	const char *from = xmpp_stanza_get_from(stanza);
	xmpp_stanza_t *body_el, *thread;
	char bare[STORE_OWNER_MAX + 1];
	char key[INBOUND_KEY_MAX + 1];
	struct cmd_file file;
	struct cmd_ctx cctx;
	struct text out;
	enum cmd_status rc;
	int64_t now, sent;
	char *body;

	(void)conn;
	if (!type_served(xmpp_stanza_get_type(stanza)))
		return 1;
	/* Chat states, receipts and other body-less messages need no answer. */
	if ((body_el = xmpp_stanza_get_child_by_name(stanza, "body")) == NULL)
		return 1;
	/* The server stamps "from" on everything it routes to us (RFC 6120
	 * 8.1.2.1); a message without one did not come from a user. */
	if (!bare_jid(from, bare, sizeof(bare)))
		return 1;
	if (!access_match(b->cfg->allow, b->cfg->nallow, bare)) {
		/* No reply: answering strangers would make us a spam reflector. */
		log_info("ignored message from %s (not in access.allow)", bare);
		return 1;
	}
	/* NULL for <body/>: nothing to do. */
	if ((body = xmpp_stanza_get_text(body_el)) == NULL)
		return 1;

	text_init(&out, CMD_REPLY_MAX);
	cmd_file_init(&file);
	if (strlen(body) > BODY_MAX) {
		log_info("refused %zu-byte message from %s (limit %d)",
		         strlen(body), bare, BODY_MAX);
		text_printf(&out, "That message is too long for me (at most %d "
		                  "bytes). Try \"help\".", BODY_MAX);
	} else {
		now = (int64_t)time(NULL);
		cctx.st = b->st;
		cctx.owner = bare;
		cctx.now = now;
		cctx.tz = b->cfg->timezone;
		cctx.file = &file;
		cctx.msg_key = inbound_key(stanza, key, sizeof(key));
		cctx.offline = false;
		cctx.admin = access_match(b->cfg->admins, b->cfg->nadmins, bare);
		/* Sent while we were away (XEP-0203): it counts when it was
		 * sent. A stamp clamped to now is no delay worth a word. */
		if (inbound_sent_at(stanza, now, &sent) && sent < now) {
			cctx.now = sent;
			cctx.offline = true;
			log_debug("message from %s was sent %lld s ago, while we "
			          "were offline", bare, (long long)(now - sent));
		}
		rc = cmd_exec(&cctx, body, &out);
		if (rc == CMD_FAILED)
			log_error("command from %s failed: %s", bare,
			          store_errmsg(b->st));
		else
			log_debug("command from %s: %s", bare,
			          rc == CMD_OK ? "done" : "refused");
	}
	thread = xmpp_stanza_get_child_by_name(stanza, "thread");
	reply(b, from, thread, text_str(&out));
	/* After the reply that describes it: the file itself. */
	if (file.present)
		upload_deliver(b->up, from, thread, &file);
	cmd_file_free(&file);
	text_free(&out);
	xmpp_free(b->ctx, body);
	return 1;
}
