/*
 * bot/adhoc.c - XEP-0050 ad-hoc commands with XEP-0004 forms.
 *
 * Status and Stop complete at once; Start, Report, Export and Settings
 * first return a form and complete when it comes back submitted. Either
 * way the command runs as the text a chat message would carry ("start
 * acme +design at 9:30", "export csv this month", one "settings NAME
 * VALUE" per changed setting), through cmd_exec, as the requesting user
 * (owner: bare JID, the configured zone, the admin flag), and its reply
 * text comes back as the <note type='info'/> of the completed command. A
 * file the command makes (Export) goes to the requester's full JID in
 * chat messages, as the chat command's does (send_file); a long export
 * goes on in slices (bot/jobs.h), and the iq is answered, the same way,
 * when it is done (adhoc_later). Export and
 * Settings show a refused form again, with an error note, in the same
 * session (ADHOC_AGAIN); Start and Report complete with the refusal.
 *
 * Unlike a chat message, an iq has no message key (an iq id identifies
 * nothing across a resend): a client that sends the same completing iq
 * twice runs the command twice.
 *
 * The forms themselves, what they show and the chat text a submitted
 * one stands for, are in bot/adhoc_forms.c and bot/adhoc_settings.c
 * (bot/adhoc_int.h).
 *
 * Sessions between the form and its submission live in a small fixed
 * table, keyed by session id and the requester's full JID, and expire
 * after ADHOC_SESSION_SECS; one bot process serves one account, so the
 * table is file-local.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../commands/cmd.h"
#include "access.h"
#include "adhoc.h"
#include "adhoc_int.h"
#include "caps.h"
#include "clock.h"
#include "jobs.h"
#include "log.h"
#include "ratelimit.h"
#include "timerstatus.h"
#include "upload.h"

#define NS_DISCO_ITEMS "http://jabber.org/protocol/disco#items"

#define ADHOC_SESSIONS 16
#define ADHOC_SESSION_SECS 600

struct adhoc_cmd {
	const char *node;
	const char *name;
	const char *text;              /* the chat command of one without a
	                                  form */
	const struct adhoc_form *form; /* NULL: none (adhoc_forms.c) */
};

static const struct adhoc_cmd adhoc_cmds[] = {
	{ "start", "Start a timer", NULL, &adhoc_form_start },
	{ "stop", "Stop the timer", "stop", NULL },
	{ "status", "Status", "status", NULL },
	{ "report", "Report", NULL, &adhoc_form_report },
	{ "export", "Export", NULL, &adhoc_form_export },
	{ "settings", "Settings", NULL, &adhoc_form_settings },
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

xmpp_stanza_t *
adhoc_text_child(xmpp_ctx_t *ctx, xmpp_stanza_t *parent, const char *name,
                 const char *text)
{
	xmpp_stanza_t *e = adhoc_child(ctx, parent, name, NULL, NULL);
	xmpp_stanza_t *t;

	if (e == NULL || (t = xmpp_stanza_new(ctx)) == NULL)
		return e;
	xmpp_stanza_set_text(t, text);
	adhoc_adopt(e, t);
	return e;
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

/* Runs text as bare's chat command; the reply into out, a file it makes
 * into file (NULL: it comes inline in the reply); a long export may go
 * on in slices into *job (NULL: none may). */
static enum cmd_status
run(struct bot *b, const char *bare, const char *text, struct cmd_file *file,
    struct text *out, struct cmd_job **job)
{
	struct cmd_ctx cctx;
	enum cmd_status rc;

	memset(&cctx, 0, sizeof(cctx));
	cctx.st = b->st;
	cctx.owner = bare;
	cctx.now = wall_now();
	cctx.tz = b->cfg->timezone;
	cctx.file = file;
	cctx.msg_key = NULL; /* see the top of this file */
	cctx.admin = access_match(b->cfg->admins, b->cfg->nadmins, bare);
	cctx.prefs = &b->cfg->prefs;
	cctx.teams = &b->cfg->teams;
	cctx.billing = &b->cfg->billing;
	cctx.bot_jid = b->cfg->jid;
	cctx.job = job;
	rc = cmd_exec(&cctx, text, out);
	if (rc == CMD_FAILED)
		log_error("command from %s failed: %s", bare,
		          store_errmsg(b->st));
	else
		log_debug("ad-hoc command from %s: %s", bare,
		          rc == CMD_OK ? "done" : "refused");
	/* As after a chat message: the contact list shows the timer. */
	timerstatus_after_command(b, &cctx, text, rc);
	return rc;
}

/*
 * The file a command made goes to the full JID to in chat messages, as
 * the chat command's does (bot/message.c: the same admission and rate
 * cost, then upload.h: a link, or inline parts), and the reply says so.
 * CMD_REFUSED, the reply being the reason, when upload.c cannot take it
 * now.
 */
static enum cmd_status
send_file(struct bot *b, const char *to, const char *bare,
          struct cmd_file *file, struct text *reply)
{
	message_admit_file(b, bare, file, reply);
	if (!file->present)
		return CMD_REFUSED;
	upload_deliver(b->up, to, NULL, file);
	text_printf(reply, " Sent to you in a chat message.");
	return CMD_OK;
}

/* Runs the lines of a submitted form f for the full JID from, one after
 * the other until one is not done; their replies, a line each, into
 * note. Returns the last one's status. The one line of a form that makes
 * a file (Export) may go on in slices instead, into *job (bot/jobs.h),
 * when the bot makes exports so: nothing is in note then. */
static enum cmd_status
run_lines(struct bot *b, const char *from, const char *bare,
          const struct adhoc_form *f, const struct adhoc_lines *lines,
          struct text *note, struct cmd_job **job)
{
	enum cmd_status rc = CMD_OK;
	struct cmd_file file;
	struct text one;
	size_t i;

	if (lines->n == 0) {
		text_printf(note, "Nothing changed.");
		return CMD_OK;
	}
	text_init(&one, CMD_REPLY_MAX);
	for (i = 0; i < lines->n && rc == CMD_OK; i++) {
		cmd_file_init(&file);
		rc = run(b, bare, lines->line[i],
		         (f->flags & ADHOC_FILE) ? &file : NULL, &one,
		         (f->flags & ADHOC_FILE) && lines->n == 1 &&
		         b->jobs != NULL ? job : NULL);
		if (job != NULL && *job != NULL)
			break; /* see adhoc_later */
		if (rc == CMD_OK && file.present)
			rc = send_file(b, from, bare, &file, &one);
		text_printf(note, "%s%s", i ? "\n" : "", text_str(&one));
		cmd_file_free(&file);
	}
	text_free(&one);
	return rc;
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

/* A <note type='type'>text</note> under cmd (XEP-0050 6.1). */
static void
add_note(struct bot *b, xmpp_stanza_t *cmd, const char *type,
         const char *text)
{
	xmpp_stanza_t *n = cmd ? adhoc_text_child(b->ctx, cmd, "note", text)
	                       : NULL;

	if (n != NULL)
		xmpp_stanza_set_attribute(n, "type", type);
}

static xmpp_stanza_t *
completed(struct bot *b, xmpp_stanza_t *iq, const struct adhoc_cmd *c,
          const char *sessionid, const char *note)
{
	xmpp_stanza_t *res = command_answer(b, iq, c, sessionid, "completed");

	if (res)
		add_note(b, xmpp_stanza_get_children(res), "info", note);
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

/*
 * The executing step of session s: c's form for bare at now, with a
 * "complete" action. After a refusal, prior is the form as submitted,
 * whose values it keeps, and error the refusal, shown as an error note
 * (XEP-0050 4.4); both NULL the first time.
 */
static xmpp_stanza_t *
show_form(struct bot *b, xmpp_stanza_t *iq, const struct adhoc_cmd *c,
          const struct adhoc_session *s, const char *bare, int64_t now,
          xmpp_stanza_t *prior, const char *error)
{
	xmpp_stanza_t *res = command_answer(b, iq, c, s->id, "executing");
	xmpp_stanza_t *out, *x;

	if (res == NULL)
		return NULL;
	out = xmpp_stanza_get_children(res);
	adhoc_child(b->ctx,
	            adhoc_child(b->ctx, out, "actions", NULL,
	                        (const char *[]){ "execute", "complete",
	                                          NULL }),
	            "complete", NULL, NULL);
	if (error != NULL)
		add_note(b, out, "error", error);
	x = adhoc_child(b->ctx, out, "x", NS_DATA,
	                (const char *[]){ "type", "form", NULL });
	if (x == NULL)
		return res;
	c->form->build(b, x, bare, now);
	if (prior != NULL)
		adhoc_refill(b->ctx, x, prior);
	return res;
}

/* The chat commands of the submitted form x of f for owner, into out;
 * false with why (n bytes) set when it cannot be said as chat text. */
static bool
form_lines(struct bot *b, const struct adhoc_form *f, const char *owner,
           xmpp_stanza_t *x, struct adhoc_lines *out, char *why, size_t n)
{
	const char *w = NULL;

	if (f->line == NULL)
		return f->submit(b, owner, x, out, why, n);
	out->n = 0;
	if (f->line(x, out->line[0], sizeof(out->line[0]), &w) == NULL) {
		snprintf(why, n, "%s", w ? w : "That cannot be done.");
		return false;
	}
	out->n = 1;
	return true;
}

/*
 * The answer to the submitted form x of session s (NULL: it expired;
 * sid was its id) for bare, whose chat commands ended with rc and said
 * note: a refusal of a form with ADHOC_AGAIN shows the form again; else
 * the command completes with note.
 */
static xmpp_stanza_t *
conclude(struct bot *b, xmpp_stanza_t *iq, const struct adhoc_cmd *c,
         struct adhoc_session *s, const char *sid, const char *bare,
         xmpp_stanza_t *x, enum cmd_status rc, const char *note)
{
	if (rc != CMD_OK && (c->form->flags & ADHOC_AGAIN) && s != NULL)
		return show_form(b, iq, c, s, bare, wall_now(), x, note);
	if (s != NULL)
		s->expires = 0;
	return completed(b, iq, c, sid, note);
}

/* A form whose export goes on in slices: what its answer needs, owned
 * (copies of the iq and the form submitted). */
struct later {
	xmpp_stanza_t *iq;
	xmpp_stanza_t *x;
	const struct adhoc_cmd *c;
	char sid[sizeof(((struct adhoc_session *)0)->id)];
	char *from;
	char bare[STORE_OWNER_MAX + 1];
};

static void
later_drop(void *arg)
{
	struct later *l = arg;

	if (l == NULL)
		return;
	if (l->iq != NULL)
		xmpp_stanza_release(l->iq);
	if (l->x != NULL)
		xmpp_stanza_release(l->x);
	free(l->from);
	free(l);
}

/* The export is done (or refused): its file goes as a chat export's
 * does (send_file), and the form is answered as it would have been at
 * once. */
static void
later_done(struct bot *b, void *arg, struct text *reply,
           struct cmd_file *file, enum cmd_status rc)
{
	struct later *l = arg;
	xmpp_stanza_t *res;

	if (rc == CMD_OK && file->present)
		rc = send_file(b, l->from, l->bare, file, reply);
	res = conclude(b, l->iq, l->c,
	               session_find(l->sid, l->from, l->c, wall_now()), l->sid,
	               l->bare, l->x, rc, text_str(reply));
	if (res != NULL) {
		xmpp_send(b->conn, res);
		xmpp_stanza_release(res);
	}
}

/*
 * Hands job, the export of the submitted form x of session s, to
 * bot/jobs.c: the iq is answered when it is done (XEP-0050 sets no time
 * for the answer; a long export takes a second or two). Returns 0, or
 * -1 when out of memory (job freed; the caller answers with an error).
 */
static int
adhoc_later(struct bot *b, xmpp_stanza_t *iq, const struct adhoc_cmd *c,
            const struct adhoc_session *s, const char *bare,
            xmpp_stanza_t *x, struct cmd_job *job)
{
	const char *from = xmpp_stanza_get_from(iq);
	struct jobs_answer a = { later_done, later_drop, NULL };
	struct later *l = calloc(1, sizeof(*l));

	if (l == NULL || (l->iq = xmpp_stanza_copy(iq)) == NULL ||
	    (l->x = xmpp_stanza_copy(x)) == NULL ||
	    (l->from = strdup(from)) == NULL) {
		log_error("cannot go on with the export for %s: out of memory",
		          from);
		later_drop(l);
		cmd_job_free(job);
		return -1;
	}
	l->c = c;
	snprintf(l->sid, sizeof(l->sid), "%s", s->id);
	snprintf(l->bare, sizeof(l->bare), "%s", bare);
	a.arg = l;
	jobs_add_answer(b, job, from, bare, &a);
	return 0;
}

/*
 * The submitted form x of session s: its chat commands run for bare (from:
 * the full JID), and the command completes with their replies (conclude);
 * NULL when an export goes on in slices, whose answer comes later
 * (adhoc_later).
 */
static xmpp_stanza_t *
submit(struct bot *b, xmpp_stanza_t *iq, const struct adhoc_cmd *c,
       struct adhoc_session *s, const char *bare, xmpp_stanza_t *x,
       int64_t now)
{
	static struct adhoc_lines lines; /* 16 KiB: off the stack */
	const char *from = xmpp_stanza_get_from(iq);
	bool again = (c->form->flags & ADHOC_AGAIN) != 0;
	struct cmd_job *job = NULL;
	xmpp_stanza_t *res;
	struct text note;
	char why[ADHOC_LINE_MAX];
	enum cmd_status rc;

	if (!form_lines(b, c->form, bare, x, &lines, why, sizeof(why))) {
		if (again)
			return show_form(b, iq, c, s, bare, now, x, why);
		s->expires = 0;
		return completed(b, iq, c, s->id, why);
	}
	text_init(&note, CMD_REPLY_MAX);
	rc = run_lines(b, from, bare, c->form, &lines, &note, &job);
	if (job != NULL) {
		text_free(&note);
		if (adhoc_later(b, iq, c, s, bare, x, job) == 0)
			return NULL;
		return xmpp_stanza_reply_error(iq, "wait",
		                               "resource-constraint", NULL);
	}
	res = conclude(b, iq, c, s, s->id, bare, x, rc, text_str(&note));
	text_free(&note);
	return res;
}

/* A command without a form: its chat text runs at once. */
static xmpp_stanza_t *
run_text(struct bot *b, xmpp_stanza_t *iq, const struct adhoc_cmd *c,
         const char *bare, const char *sid)
{
	xmpp_stanza_t *res;
	struct text reply;

	text_init(&reply, CMD_REPLY_MAX);
	run(b, bare, c->text, NULL, &reply, NULL);
	res = completed(b, iq, c, sid, text_str(&reply));
	text_free(&reply);
	return res;
}

static bool
is_submitted(xmpp_stanza_t *x)
{
	const char *type = x != NULL ? xmpp_stanza_get_type(x) : NULL;

	return type != NULL && strcmp(type, "submit") == 0;
}

static xmpp_stanza_t *
execute(struct bot *b, xmpp_stanza_t *iq, xmpp_stanza_t *cmd)
{
	const struct adhoc_cmd *c =
	        find_cmd(xmpp_stanza_get_attribute(cmd, "node"));
	const char *from = xmpp_stanza_get_from(iq);
	const char *action = xmpp_stanza_get_attribute(cmd, "action");
	const char *sid = xmpp_stanza_get_attribute(cmd, "sessionid");
	char bare[STORE_OWNER_MAX + 1];
	int64_t now = wall_now();
	struct adhoc_session *s = NULL;
	xmpp_stanza_t *x;

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
	if (c->form == NULL) {
		if (s)
			s->expires = 0;
		return run_text(b, iq, c, bare, sid);
	}
	x = xmpp_stanza_get_child_by_name_and_ns(cmd, "x", NS_DATA);
	if (s == NULL || !is_submitted(x))
		/* The first step: the form. */
		return show_form(b, iq, c, s ? s : session_new(from, c, now),
		                 bare, now, NULL, NULL);
	return submit(b, iq, c, s, bare, x, now);
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
