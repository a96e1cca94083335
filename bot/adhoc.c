/*
 * bot/adhoc.c - XEP-0050 ad-hoc commands with XEP-0004 forms.
 *
 * Status and Stop complete at once; Start and Report first return a form
 * and complete when it comes back submitted. Either way the command runs
 * as the text a chat message would carry ("start acme +design at 9:30"),
 * through cmd_exec, as the requesting user (owner: bare JID, the
 * configured zone, the admin flag), and its reply text comes back as the
 * <note type='info'/> of the completed command.
 *
 * Unlike a chat message, an iq has no message key (an iq id identifies
 * nothing across a resend): a client that sends the same completing iq
 * twice runs the command twice.
 *
 * The forms themselves, what they show and the chat text a submitted
 * one stands for, are in bot/adhoc_forms.c (bot/adhoc_int.h).
 *
 * Sessions between the form and its submission live in a small fixed
 * table, keyed by session id and the requester's full JID, and expire
 * after ADHOC_SESSION_SECS; one bot process serves one account, so the
 * table is file-local.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../commands/cmd.h"
#include "access.h"
#include "adhoc.h"
#include "adhoc_int.h"
#include "caps.h"
#include "clock.h"
#include "log.h"
#include "ratelimit.h"
#include "timerstatus.h"

#define NS_DISCO_ITEMS "http://jabber.org/protocol/disco#items"

#define ADHOC_SESSIONS 16
#define ADHOC_SESSION_SECS 600
#define ADHOC_LINE_MAX 1024

struct adhoc_cmd {
	const char *node;
	const char *name;
	const char *text; /* the chat command of one that needs no form */
};

static const struct adhoc_cmd adhoc_cmds[] = {
	{ "start", "Start a timer", NULL },
	{ "stop", "Stop the timer", "stop" },
	{ "status", "Status", "status" },
	{ "report", "Report", NULL },
};

#define NCMDS (sizeof(adhoc_cmds) / sizeof(adhoc_cmds[0]))

struct adhoc_session {
	char id[32];
	char from[STORE_OWNER_MAX + 1024];
	const struct adhoc_cmd *cmd;
	int64_t expires; /* 0: free */
};

static struct adhoc_session sessions[ADHOC_SESSIONS];
static unsigned session_serial;

xmpp_stanza_t *
adhoc_adopt(xmpp_stanza_t *parent, xmpp_stanza_t *child)
{
	if (child) {
		xmpp_stanza_add_child(parent, child);
		xmpp_stanza_release(child);
	}
	return child;
}

xmpp_stanza_t *
adhoc_child(xmpp_ctx_t *ctx, xmpp_stanza_t *parent, const char *name,
            const char *ns, const char *const *attrs)
{
	xmpp_stanza_t *e = bot_element(ctx, name, ns);

	if (e == NULL)
		return NULL;
	for (; attrs && attrs[0]; attrs += 2)
		if (attrs[1])
			xmpp_stanza_set_attribute(e, attrs[0], attrs[1]);
	return adhoc_adopt(parent, e);
}

void
adhoc_text_child(xmpp_ctx_t *ctx, xmpp_stanza_t *parent, const char *name,
                 const char *text)
{
	xmpp_stanza_t *e = adhoc_child(ctx, parent, name, NULL, NULL);
	xmpp_stanza_t *t;

	if (e == NULL || (t = xmpp_stanza_new(ctx)) == NULL)
		return;
	xmpp_stanza_set_text(t, text);
	adhoc_adopt(e, t);
}

static const struct adhoc_cmd *
find_cmd(const char *node)
{
	size_t i;

	for (i = 0; node && i < NCMDS; i++)
		if (strcmp(adhoc_cmds[i].node, node) == 0)
			return &adhoc_cmds[i];
	return NULL;
}

static xmpp_stanza_t *
result(xmpp_stanza_t *iq)
{
	xmpp_stanza_t *res = xmpp_stanza_reply(iq);

	if (res)
		xmpp_stanza_set_type(res, "result");
	return res;
}

/* XEP-0050 2.1: the commands as disco#items of the commands node. */
static xmpp_stanza_t *
list_commands(struct bot *b, xmpp_stanza_t *iq)
{
	xmpp_stanza_t *res = result(iq), *q;
	size_t i;

	if (res == NULL)
		return NULL;
	q = adhoc_child(b->ctx, res, "query", NS_DISCO_ITEMS,
	                (const char *[]){ "node", NS_COMMANDS, NULL });
	for (i = 0; q && i < NCMDS; i++)
		adhoc_child(b->ctx, q, "item", NULL,
		            (const char *[]){ "jid", xmpp_stanza_get_to(iq),
		                              "node", adhoc_cmds[i].node,
		                              "name", adhoc_cmds[i].name, NULL });
	return res;
}

/* XEP-0050 2.2: what a command node is. */
static xmpp_stanza_t *
command_info(struct bot *b, xmpp_stanza_t *iq, const struct adhoc_cmd *c)
{
	xmpp_stanza_t *res = result(iq), *q;

	if (res == NULL)
		return NULL;
	q = adhoc_child(b->ctx, res, "query", NS_DISCO_INFO,
	                (const char *[]){ "node", c->node, NULL });
	if (q == NULL)
		return res;
	adhoc_child(b->ctx, q, "identity", NULL,
	            (const char *[]){ "category", "automation", "type",
	                              "command-node", "name", c->name, NULL });
	adhoc_child(b->ctx, q, "feature", NULL,
	            (const char *[]){ "var", NS_COMMANDS, NULL });
	adhoc_child(b->ctx, q, "feature", NULL,
	            (const char *[]){ "var", NS_DATA, NULL });
	return res;
}

/* ---- sessions ---- */

static struct adhoc_session *
session_new(const char *from, const struct adhoc_cmd *c, int64_t now)
{
	struct adhoc_session *s = NULL;
	size_t i;

	for (i = 0; i < ADHOC_SESSIONS; i++)
		if (sessions[i].expires <= now) {
			s = &sessions[i];
			break;
		}
	if (s == NULL) /* all busy: the one closest to expiry goes */
		for (s = &sessions[0], i = 1; i < ADHOC_SESSIONS; i++)
			if (sessions[i].expires < s->expires)
				s = &sessions[i];
	snprintf(s->id, sizeof(s->id), "%s-%lx-%u", c->node,
	         (unsigned long)now, ++session_serial);
	snprintf(s->from, sizeof(s->from), "%s", from);
	s->cmd = c;
	s->expires = now + ADHOC_SESSION_SECS;
	return s;
}

static struct adhoc_session *
session_find(const char *id, const char *from, const struct adhoc_cmd *c,
             int64_t now)
{
	size_t i;

	for (i = 0; id && from && i < ADHOC_SESSIONS; i++)
		if (sessions[i].expires > now && sessions[i].cmd == c &&
		    strcmp(sessions[i].id, id) == 0 &&
		    strcmp(sessions[i].from, from) == 0)
			return &sessions[i];
	return NULL;
}

/* ---- running ---- */

/* Runs text as bare's chat command; the reply into out. */
static void
run(struct bot *b, const char *bare, const char *text, struct text *out)
{
	struct cmd_ctx cctx;
	enum cmd_status rc;

	memset(&cctx, 0, sizeof(cctx));
	cctx.st = b->st;
	cctx.owner = bare;
	cctx.now = wall_now();
	cctx.tz = b->cfg->timezone;
	cctx.file = NULL; /* a file would come inline in the note */
	cctx.msg_key = NULL; /* see the top of this file */
	cctx.admin = access_match(b->cfg->admins, b->cfg->nadmins, bare);
	cctx.prefs = &b->cfg->prefs;
	cctx.bot_jid = b->cfg->jid;
	rc = cmd_exec(&cctx, text, out);
	if (rc == CMD_FAILED)
		log_error("command from %s failed: %s", bare,
		          store_errmsg(b->st));
	else
		log_debug("ad-hoc command from %s: %s", bare,
		          rc == CMD_OK ? "done" : "refused");
	/* As after a chat message: the contact list shows the timer. */
	timerstatus_after_command(b, &cctx, text, rc);
}

/* The <command/> answer: status, the session, and res holding it. */
static xmpp_stanza_t *
command_answer(struct bot *b, xmpp_stanza_t *iq, const struct adhoc_cmd *c,
               const char *sessionid, const char *status)
{
	xmpp_stanza_t *res = result(iq);

	if (res == NULL)
		return NULL;
	adhoc_child(b->ctx, res, "command", NS_COMMANDS,
	            (const char *[]){ "node", c->node, "sessionid", sessionid,
	                              "status", status, NULL });
	return res;
}

static xmpp_stanza_t *
completed(struct bot *b, xmpp_stanza_t *iq, const struct adhoc_cmd *c,
          const char *sessionid, const char *note)
{
	xmpp_stanza_t *res = command_answer(b, iq, c, sessionid, "completed");
	xmpp_stanza_t *cmd;

	if (res && (cmd = xmpp_stanza_get_children(res)) != NULL) {
		xmpp_stanza_t *nt = adhoc_child(b->ctx, cmd, "note", NULL,
		                                (const char *[]){ "type", "info",
		                                                  NULL });
		xmpp_stanza_t *t = xmpp_stanza_new(b->ctx);

		if (nt && t) {
			xmpp_stanza_set_text(t, note);
			adhoc_adopt(nt, t);
		} else if (t) {
			xmpp_stanza_release(t);
		}
	}
	return res;
}

/* XEP-0050 4.6: an unknown or expired session. */
static xmpp_stanza_t *
bad_session(struct bot *b, xmpp_stanza_t *iq)
{
	xmpp_stanza_t *res = xmpp_stanza_reply_error(iq, "modify",
	                                             "bad-request", NULL);
	xmpp_stanza_t *err;

	if (res && (err = xmpp_stanza_get_child_by_name(res, "error")) != NULL)
		adhoc_child(b->ctx, err, "bad-sessionid", NS_COMMANDS, NULL);
	return res;
}

static xmpp_stanza_t *
execute(struct bot *b, xmpp_stanza_t *iq, xmpp_stanza_t *cmd)
{
	const struct adhoc_cmd *c =
	        find_cmd(xmpp_stanza_get_attribute(cmd, "node"));
	const char *from = xmpp_stanza_get_from(iq);
	const char *action = xmpp_stanza_get_attribute(cmd, "action");
	const char *sid = xmpp_stanza_get_attribute(cmd, "sessionid");
	char bare[STORE_OWNER_MAX + 1], line[ADHOC_LINE_MAX];
	int64_t now = wall_now();
	struct adhoc_session *s = NULL;
	xmpp_stanza_t *x, *res, *out;
	const char *text, *why = NULL;
	struct text reply;

	if (c == NULL)
		return xmpp_stanza_reply_error(iq, "cancel", "item-not-found",
		                               NULL);
	if (!bare_jid(from, bare, sizeof(bare)))
		return xmpp_stanza_reply_error(iq, "modify", "bad-request", NULL);
	/* Every step counts, in the bucket of the sender's chat messages. */
	if (message_rate_check(b, bare) != RL_PASS)
		return xmpp_stanza_reply_error(iq, "wait", "resource-constraint",
		                               NULL);
	if (sid != NULL && (s = session_find(sid, from, c, now)) == NULL)
		return bad_session(b, iq);
	if (action && strcmp(action, "cancel") == 0) {
		if (s)
			s->expires = 0;
		return command_answer(b, iq, c, sid, "canceled");
	}
	x = xmpp_stanza_get_child_by_name_and_ns(cmd, "x", NS_DATA);
	if (c->text) {
		text = c->text;
	} else if (s == NULL || x == NULL ||
	           strcmp(xmpp_stanza_get_type(x) ? xmpp_stanza_get_type(x)
	                                          : "", "submit") != 0) {
		/* The first step: the form. */
		if (s == NULL)
			s = session_new(from, c, now);
		res = command_answer(b, iq, c, s->id, "executing");
		if (res == NULL)
			return NULL;
		out = xmpp_stanza_get_children(res);
		adhoc_child(b->ctx,
		            adhoc_child(b->ctx, out, "actions", NULL,
		                        (const char *[]){ "execute", "complete",
		                                          NULL }),
		            "complete", NULL, NULL);
		x = adhoc_child(b->ctx, out, "x", NS_DATA,
		                (const char *[]){ "type", "form", NULL });
		if (x && strcmp(c->node, "start") == 0)
			adhoc_start_form(b, x, bare, now);
		else if (x)
			adhoc_report_form(b, x);
		return res;
	} else {
		text = strcmp(c->node, "start") == 0
		               ? adhoc_start_line(x, line, sizeof(line), &why)
		               : adhoc_report_line(x, line, sizeof(line), &why);
	}
	if (s)
		s->expires = 0;
	if (text == NULL)
		return completed(b, iq, c, sid, why);
	text_init(&reply, CMD_REPLY_MAX);
	run(b, bare, text, &reply);
	res = completed(b, iq, c, sid, text_str(&reply));
	text_free(&reply);
	return res;
}

bool
adhoc_handle(struct bot *b, xmpp_stanza_t *iq, xmpp_stanza_t *child)
{
	const char *type = xmpp_stanza_get_type(iq);
	const char *ns = xmpp_stanza_get_ns(child);
	const char *name = xmpp_stanza_get_name(child);
	const char *node = xmpp_stanza_get_attribute(child, "node");
	const struct adhoc_cmd *c;
	xmpp_stanza_t *res;

	if (ns == NULL || name == NULL)
		return false;
	if (strcmp(type, "get") == 0 && strcmp(name, "query") == 0 &&
	    strcmp(ns, NS_DISCO_ITEMS) == 0 && node &&
	    strcmp(node, NS_COMMANDS) == 0)
		res = list_commands(b, iq);
	else if (strcmp(type, "get") == 0 && strcmp(name, "query") == 0 &&
	         strcmp(ns, NS_DISCO_INFO) == 0 && (c = find_cmd(node)) != NULL)
		res = command_info(b, iq, c);
	else if (strcmp(type, "set") == 0 && strcmp(name, "command") == 0 &&
	         strcmp(ns, NS_COMMANDS) == 0)
		res = execute(b, iq, child);
	else
		return false;
	if (res) {
		xmpp_send(b->conn, res);
		xmpp_stanza_release(res);
	}
	return true;
}
