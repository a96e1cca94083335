/*
 * bot/xmltext.c - text escaped for XML 1.0 (section 2.2 Characters, 2.4
 * Character Data, 2.11 End-of-Line Handling); see xmltext.h.
 *
 * Part of bot/, but a leaf: it depends on nothing of the project beyond
 * lib/ (struct text, UTF-8 decoding), and on no XMPP library.
 */
#include "xmltext.h"

#include <stdint.h>
#include <string.h>

#include "../lib/utf8.h"

size_t
xmltext_char(const unsigned char *p, size_t n, bool attr, size_t *len,
             char *out)
{
	static const char fffd[] = "\xef\xbf\xbd";
	const char *ent = NULL;
	unsigned char c = p[0];
	uint32_t cp;
	size_t need;

	*len = 1;
	if (c < 0x80) {
		switch (c) {
		case '&': ent = "&amp;"; break;
		case '<': ent = "&lt;"; break;
		case '>': ent = "&gt;"; break;
		case '\r': ent = "&#13;"; break;
		case '\'': ent = attr ? "&apos;" : NULL; break;
		case '"': ent = attr ? "&quot;" : NULL; break;
		case '\t':
		case '\n':
			ent = attr ? (c == '\t' ? "&#9;" : "&#10;") : NULL;
			break;
		default:
			if (c < 0x20)
				goto invalid;
		}
		if (ent == NULL) {
			if (out)
				out[0] = (char)c;
			return 1;
		}
		if (out)
			memcpy(out, ent, strlen(ent));
		return strlen(ent);
	}
	/* XML 1.0 excludes U+FFFE and U+FFFF besides what UTF-8 does. */
	need = utf8_decode((const char *)p, n, &cp);
	if (need == 0 || cp == 0xfffe || cp == 0xffff)
		goto invalid;
	*len = need;
	if (out)
		memcpy(out, p, need);
	return need;
invalid:
	if (out)
		memcpy(out, fffd, 3);
	return 3;
}

int
xmltext_append(struct text *t, const char *s, size_t n, bool attr)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0, len, w;
	char esc[8];

	while (i < n) {
		w = xmltext_char(p + i, n - i, attr, &len, esc);
		if (w == len && memcmp(esc, p + i, len) == 0) {
			i += len; /* unchanged: part of a run copied at once */
			continue;
		}
		if (i > run && text_append(t, s + run, i - run) != 0)
			return -1;
		if (text_append(t, esc, w) != 0)
			return -1;
		i += len;
		run = i;
	}
	if (i > run && text_append(t, s + run, i - run) != 0)
		return -1;
	return 0;
}
