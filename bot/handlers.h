/*
 * bot/handlers.h - stanza handlers, one per stanza kind, and the state
 * they share with the session. Private to bot/.
 */
#ifndef TIMMY_HANDLERS_H
#define TIMMY_HANDLERS_H

#include <stdarg.h>
#include <stdbool.h>
#include <strophe.h>

#include "../storage/store.h"
#include "config.h"
#include "inbound.h"

struct upload;
struct ratelimit;
struct roster;
struct log_tally;
struct whereabouts;
struct muc;
struct jobs;

/* What every handler needs; owned by struct session. */
struct bot {
	const struct cfg *cfg; /* borrowed */
	store *st;             /* borrowed */
	xmpp_ctx_t *ctx;
	xmpp_conn_t *conn;
	struct upload *up;     /* delivers files commands make (upload.h) */
	struct ratelimit *rl;  /* commands a minute per sender (ratelimit.h);
	                          NULL: no limit */
	struct roster *roster; /* our contacts (roster.h); NULL: not kept */
	struct inbound_away away; /* when we were away, and whether we are
	                             catching up on it: which delay stamps
	                             count (inbound.h); session.c keeps it */
	struct log_tally *strangers; /* log lines about senders not in
	                          access.allow, counted (log.h); NULL: each
	                          is logged */
	struct whereabouts *wb; /* the presence of our contacts
	                          (whereabouts.h); NULL: not kept */
	struct muc *muc;       /* the team rooms we sit in (muc.h); NULL:
	                          none */
	struct jobs *jobs;     /* exports made in slices (jobs.h); NULL:
	                          every command runs at once */
	struct chatimport *ci; /* files sent to be imported, on their way
	                          in (chatimport.h); NULL: none taken */
};

/* <message/>: commands from allowed users, at the rate limits allow
 * (bot/message.c). */
int handle_message(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata);

/* The log line for skipped commands of a sender over the rate limit:
 * rl_sweep's report callback (userdata: the struct bot). */
void message_rate_report(const char *jid, unsigned skipped, void *userdata);

/* rl_check for the sender bare now, with the skipped count logged when
 * it is time: an enum rl_verdict (ratelimit.h), RL_PASS without a
 * limiter. Chat messages and menu commands share it (bot/message.c). */
int message_rate_check(struct bot *b, const char *bare);

struct cmd_file;
struct cmd_input;
struct cmd_job;
struct text;

/* A file a command made for bare: charged to its rate and admitted by
 * upload_admit, or dropped, with out made the refusal; the caller
 * delivers it when file->present is still true (bot/message.c). */
void message_admit_file(struct bot *b, const char *bare,
                        struct cmd_file *file, struct text *out);

/*
 * Answers a command of from (a full JID; bare its bare JID) in the thread
 * thread (XEP-0201; NULL: none): the reply in out, with the XEP-0085
 * chat state state (NULL: none), then the file, if the command made one
 * and upload.h admits it (message_admit_file: else out becomes the
 * refusal) (bot/message.c).
 */
void message_answer(struct bot *b, const char *from, const char *bare,
                    xmpp_stanza_t *thread, struct cmd_file *file,
                    struct text *out, const char *state);

/*
 * Runs body as the command of bare (a bare JID vouched for otherwise: a
 * team room's occupant, bot/muc.c) through the same path as a chat
 * message: its rate limit (a refusal goes to bare), size and encoding,
 * stanza's duplicate key, then cmd_exec; the reply in out, a file in
 * file (admitted; the caller delivers it after the reply). *changed:
 * it did change data. A long export may go on in slices into *job
 * (NULL: none may; else NULL before, and after unless it does), for
 * the caller to hand to bot/jobs.h with out, which then holds only what
 * follows its reply. Returns the enum cmd_status, or -1 when the rate
 * limit skipped it (out empty) (bot/message.c).
 */
int message_run_as(struct bot *b, xmpp_stanza_t *stanza, const char *bare,
                   const char *body, struct cmd_file *file, struct text *out,
                   bool *changed, struct cmd_job **job);

/*
 * What a message's command counts at and is known by, taken from its
 * stanza while it is there, for a command that runs after the stanza is
 * gone (an import, once its file is in: bot/chatimport.c): the time (the
 * XEP-0203 delay stamp of a message kept while we were offline, when
 * inbound_sent_at believes it, else now), whether it was such a message,
 * and its key (inbound_key_digest; "" when it has none).
 */
struct msg_origin {
	int64_t now;
	bool offline;
	char key[INBOUND_DIGEST_LEN + 1];
};

/* Fills *o for stanza, a message accepted now (bot/message.c). */
void message_origin(struct bot *b, xmpp_stanza_t *stanza,
                    struct msg_origin *o);

/*
 * Runs body as bare's command with the file in (cmd_ctx.input), as of
 * *o, and answers from (a full JID) in thread (XEP-0201; NULL: none)
 * like any chat message: the reply, then receipt (XEP-0184; NULL: none;
 * released here), then the contact list's status when it changed
 * (bot/message.c).
 */
void message_run_input(struct bot *b, const char *from, const char *bare,
                       xmpp_stanza_t *thread, const struct msg_origin *o,
                       const char *body, const struct cmd_input *in,
                       xmpp_stanza_t *receipt);

/*
 * When stanza, bare's message (come as *o says: message_origin), made
 * its change before (a second delivery of it: cmd_repeated), answers
 * from in thread with the first reply and the receipt it asks for, and
 * returns true; else false, nothing sent. For a message whose command
 * needs work first (a file to download).
 */
bool message_replay(struct bot *b, xmpp_stanza_t *stanza, const char *from,
                    const char *bare, xmpp_stanza_t *thread,
                    const struct msg_origin *o);

/* Sends body to to (a full or bare JID) as a chat message of its own,
 * not the answer to one (bot/message.c). */
void send_chat(struct bot *b, const char *to, const char *body);

/* <presence/>: subscription requests (bot/presence.c). */
int handle_presence(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata);

/* <iq/>: disco#info, ping, version for allowed users, our account and
 * our server; errors for the rest (bot/iq.c). */
int handle_iq(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata);

/* A new element name in ns (NULL: none); NULL when out of memory
 * (bot/iq.c). */
xmpp_stanza_t *bot_element(xmpp_ctx_t *ctx, const char *name, const char *ns);

/* The bare JID of a full one, in buf; false when it does not fit or jid is
 * NULL. Does not validate beyond that: the server stamped it. */
bool bare_jid(const char *jid, char *buf, size_t n);

/* True when jid (full or bare) belongs to the account the bot logs in
 * with: its bare part is account.jid, ignoring ASCII case. False for
 * NULL. */
bool jid_is_own(const struct bot *b, const char *jid);

/* Sends a presence of type type (NULL for available) to to (NULL: the
 * server broadcasts). */
void send_presence(struct bot *b, const char *type, const char *to);

/* The same with a <status/> text (RFC 6121 4.7.2.2) when status is not
 * NULL (bot/presence.c). */
void send_presence_status(struct bot *b, const char *type, const char *to,
                          const char *status);

/* The domain of our own JID (account.jid, a validated bare JID), borrowed
 * from the configuration (bot/iq_get.c). */
const char *bot_own_domain(const struct bot *b);

/* Sends <iq type='get' id=id to=to><name xmlns=ns attrs.../></iq> (no to
 * when to is NULL: our own account, RFC 6120 10.3.3) and registers
 * handler with userdata as the id handler for its answer. attrs is name,
 * value, ..., NULL. False, with nothing sent or registered, when out of
 * memory; the caller logs (bot/iq_get.c). */
bool bot_iq_get(struct bot *b, const char *to, const char *id,
                const char *name, const char *ns, xmpp_handler handler,
                void *userdata, ...);

/* bot_iq_get with the attributes in a va_list. */
bool bot_iq_vget(struct bot *b, const char *to, const char *id,
                 const char *name, const char *ns, xmpp_handler handler,
                 void *userdata, va_list ap);

#endif
