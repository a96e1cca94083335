/*
 * bot/access.h - who may talk to the bot.
 *
 * Patterns are bare JIDs ("bob@example.org") or a whole domain
 * ("*@example.org"). Matching ignores ASCII case, as XMPP's nodeprep and
 * nameprep would for the addresses people actually use.
 */
#ifndef TIMMY_ACCESS_H
#define TIMMY_ACCESS_H

#include <stdbool.h>
#include <stddef.h>

/* True when bare_jid matches one of the n patterns. */
bool access_match(char *const *patterns, size_t n, const char *bare_jid);

/*
 * True when bare_jid may have its queries (iq) answered: it matches one of
 * the n patterns, or it is own_jid (the bot's account, bare) or own_jid's
 * domain (the bot's server). Ignores ASCII case, like access_match.
 */
bool access_may_query(char *const *patterns, size_t n, const char *own_jid,
                      const char *bare_jid);

/* True when pattern is a well-formed bare JID or "*@domain". */
bool access_pattern_valid(const char *pattern);

#endif
