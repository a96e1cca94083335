/*
 * bot/access.c - who may talk to the bot: allowlist patterns and matching.
 * See access.h. Plain C; used by bot/ only, depends on nothing.
 */
#include "access.h"

#include <string.h>

#include "../lib/str.h"

/* True when a and b are equal ignoring ASCII case. */
static bool
equal_nocase(const char *a, const char *b)
{
	while (*a != '\0' &&
	       str_lower((unsigned char)*a) == str_lower((unsigned char)*b)) {
		a++;
		b++;
	}
	return *a == '\0' && *b == '\0';
}

bool
access_match(char *const *patterns, size_t n, const char *bare_jid)
{
	const char *at;
	size_t i;

	if (patterns == NULL || bare_jid == NULL)
		return false;
	at = strchr(bare_jid, '@');
	for (i = 0; i < n; i++) {
		const char *p = patterns[i];

		if (p == NULL)
			continue;
		if (p[0] == '*' && p[1] == '@') {
			/* A whole domain: any non-empty node at exactly that
			 * domain, not its subdomains. A server JID (no '@')
			 * has no node, so it never matches here. */
			if (at != NULL && at != bare_jid &&
			    equal_nocase(at + 1, p + 2))
				return true;
		} else if (equal_nocase(bare_jid, p)) {
			return true;
		}
	}
	return false;
}

bool
access_may_query(char *const *patterns, size_t n, const char *own_jid,
                 const char *bare_jid)
{
	const char *at;

	if (own_jid == NULL || bare_jid == NULL)
		return false;
	at = strchr(own_jid, '@');
	return equal_nocase(bare_jid, own_jid) ||
	       (at != NULL && equal_nocase(bare_jid, at + 1)) ||
	       access_match(patterns, n, bare_jid);
}

/*
 * Bytes never allowed anywhere in a pattern: ASCII controls and spaces,
 * and '*' outside the whole-node wildcard, which would read as a glob
 * ("b*@example.org", "*@*.example.org") that matching does not do.
 */
static bool
bad_byte(unsigned char c)
{
	return c <= 0x20 || c == 0x7f || c == '*';
}

/*
 * True when the node part s[0..n) is usable: non-empty, and none of the
 * characters XMPP's nodeprep forbids in a localpart (RFC 6122, A.5).
 */
static bool
node_valid(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++)
		if (bad_byte((unsigned char)s[i]) || strchr("\"&'/:<>@", s[i]))
			return false;
	return true;
}

/* True when s looks like a domain: non-empty labels separated by dots. */
static bool
domain_valid(const char *s)
{
	const char *p;

	if (*s == '\0' || *s == '.' || strstr(s, "..") != NULL)
		return false;
	for (p = s; *p; p++)
		if (bad_byte((unsigned char)*p) || *p == '@' || *p == '/')
			return false;
	return true;
}

bool
access_pattern_valid(const char *pattern)
{
	const char *at;

	if (pattern == NULL || (at = strchr(pattern, '@')) == NULL)
		return false;
	if (!domain_valid(at + 1))
		return false;
	if (at - pattern == 1 && pattern[0] == '*')
		return true;
	return node_valid(pattern, (size_t)(at - pattern));
}
