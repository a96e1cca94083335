/*
 * bot/chatimport.h - a file a user sends in chat to be imported: their
 * client uploads it (XEP-0363) and sends the link in an XEP-0066
 * <x xmlns='jabber:x:oob'/>, with the text "import", the link itself or
 * none. The bot downloads it (bot/fetch.h) from an allowed host and runs
 * the import command with it (commands/cmd_import.c), which answers.
 *
 * Private to bot/. bot/message.c hands over accepted messages
 * (chatimport_take); bot/session.c makes the state, polls it from its
 * loop beside upload_poll, and drops what is under way at a disconnect
 * and at shutdown.
 */
#ifndef TIMMY_CHATIMPORT_H
#define TIMMY_CHATIMPORT_H

#include <stdbool.h>
#include <strophe.h>

struct bot;
struct chatimport;

/* Downloads under way at once, all users; one per user. */
#define CHATIMPORT_MAX 4

/* A new, idle state for b (borrowed); NULL when out of memory (logged).
 * libcurl is loaded at the first download (curl_load.h). */
struct chatimport *chatimport_new(struct bot *b);

/* Drops every download (logged) and frees ci; NULL is fine. Before
 * curl_unload. */
void chatimport_free(struct chatimport *ci);

/* At a disconnect: drops every download (logged); nobody can be
 * answered, and the users send their files again. */
void chatimport_offline(struct chatimport *ci);

/* Moves downloads on and answers those that ended; never blocks.
 * Returns true while downloads run: come back within milliseconds. */
bool chatimport_poll(struct chatimport *ci);

/* The URL of msg's XEP-0066 link (its first <x xmlns='jabber:x:oob'>
 * <url/>), borrowed from msg; NULL when it has none. */
const char *chatimport_link(xmpp_stanza_t *msg);

/*
 * Takes msg, accepted from from (full JID; bare its bare JID) with the
 * text body, when it is an import: a link, and for text "import" (any
 * case and spaces), nothing or the link itself. Then it is answered from
 * here: refused at once (not https, a host not allowed, busy), or when
 * its download ends. Returns false for any other message, the caller's
 * to run as a command.
 */
bool chatimport_take(struct bot *b, xmpp_stanza_t *msg, const char *from,
                     const char *bare, const char *body,
                     xmpp_stanza_t *thread);

#endif
