/*
 * bot/jid.c - the JID operations the bot needs: full to bare, and "is
 * this our own account".
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "handlers.h"

bool
bare_jid(const char *jid, char *buf, size_t n)
{
	size_t len;

	if (jid == NULL || *jid == '\0')
		return false;
	len = strcspn(jid, "/");
	if (len == 0 || len >= n)
		return false;
	memcpy(buf, jid, len);
	buf[len] = '\0';
	return true;
}

bool
jid_is_own(const struct bot *b, const char *jid)
{
	char bare[STORE_OWNER_MAX + 1];

	/* The server stamps JIDs in their canonical form (RFC 7622 nodeprep
	 * and nameprep); account.jid is what the administrator typed, so
	 * compare ignoring case, as access_match does. */
	return bare_jid(jid, bare, sizeof(bare)) &&
	       strcasecmp(bare, b->cfg->jid) == 0;
}
