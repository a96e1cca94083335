/*
 * bot/xmltext.h - text escaped for XML 1.0 by hand, for stanzas bot/
 * serialises itself rather than through libstrophe (inline parts,
 * bot/inline.c). Private to bot/.
 */
#ifndef TIMMY_XMLTEXT_H
#define TIMMY_XMLTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "../lib/text.h"

/*
 * The character at p (n > 0 bytes left) as it goes into XML: sets *len to
 * the bytes it takes in the input and returns the bytes it takes escaped.
 * & < > and CR become entities (' and " too in attributes, and TAB and LF
 * as character references); a byte that starts no character XML 1.0
 * allows (a control character, broken UTF-8, a surrogate, U+FFFE/U+FFFF)
 * becomes U+FFFD, since it could not be sent at all and would cost the
 * bot its stream. If out is not NULL the escaped form is written there
 * (at most 6 bytes).
 */
size_t xmltext_char(const unsigned char *p, size_t n, bool attr, size_t *len,
                    char *out);

/* Appends s[0..n) to t, escaped for XML text or (attr) an attribute
 * value, as xmltext_char says. Returns 0, or -1 when t is full
 * (t->truncated). */
int xmltext_append(struct text *t, const char *s, size_t n, bool attr);

#endif
