/*
 * bot/adhoc.h - XEP-0050 ad-hoc commands: the command menus of Gajim,
 * Psi, Cheogram, Movim. Each command builds the text a chat message
 * would carry and runs it through cmd_exec, so menus and chat share one
 * code path in commands/.
 */
#ifndef TIMMY_ADHOC_H
#define TIMMY_ADHOC_H

#include <stdbool.h>
#include <strophe.h>

#include "handlers.h"

#define NS_COMMANDS "http://jabber.org/protocol/commands"

/*
 * Answers iq (get or set, from an allowed user) when child, its payload,
 * is ours: disco#items of the commands node, disco#info of a command
 * node, or a <command/>. False, with nothing sent, for anything else.
 */
bool adhoc_handle(struct bot *b, xmpp_stanza_t *iq, xmpp_stanza_t *child);

#endif
