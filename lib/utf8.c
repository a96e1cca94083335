/*
 * lib/utf8.c - UTF-8 decoding, validation and cutting. See utf8.h.
 * Plain C; no dependencies.
 */
#include "utf8.h"

size_t
utf8_decode(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t v, min;
	size_t len, i;

	*cp = UTF8_REPLACEMENT;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	/* The lead byte: the sequence's length, its bits, the least code
	 * point that needs that many bytes (anything less is overlong). */
	if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		len = 2, v = p[0] & 0x1Fu, min = 0x80;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		len = 3, v = p[0] & 0x0Fu, min = 0x800;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		len = 4, v = p[0] & 0x07u, min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if (!utf8_continues(p[i]))
			return 0;
		v = v << 6 | (p[i] & 0x3Fu);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return len;
}

bool
utf8_valid(const char *s, size_t n)
{
	size_t i = 0, len;
	uint32_t cp;

	while (i < n) {
		if ((len = utf8_decode(s + i, n - i, &cp)) == 0)
			return false;
		i += len;
	}
	return true;
}

size_t
utf8_prefix(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	/* s[max] is the first byte left out: while it continues a
	 * character, that character's start is left out too. */
	while (max > 0 && utf8_continues((unsigned char)s[max]))
		max--;
	return max;
}

size_t
utf8_trim(const char *s, size_t n)
{
	size_t i = n, back = 0, len;
	unsigned char lead;

	while (i > 0 && back < 4 && utf8_continues((unsigned char)s[i - 1])) {
		i--;
		back++;
	}
	if (i == 0)
		return n;
	lead = (unsigned char)s[i - 1];
	len = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
	if (len > 1 && back + 1 < len)
		return i - 1; /* an incomplete sequence: drop it */
	return n;
}

size_t
utf8_skip(const char *s, size_t max)
{
	size_t len = 0, chars = 0;

	while (s[len] != '\0' && chars < max) {
		len++;
		while (utf8_continues((unsigned char)s[len]))
			len++;
		chars++;
	}
	return len;
}

size_t
utf8_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (!utf8_continues((unsigned char)*s))
			w++;
	return w;
}
