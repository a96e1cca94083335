/*
 * bot/jid.c - the one JID operation the bot needs: full to bare.
 */
#include <stdio.h>
#include <string.h>

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
