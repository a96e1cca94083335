/*
 * lib/utf8.h - UTF-8 (RFC 3629): one character decoded, a string checked,
 * a string cut without splitting a character.
 *
 * The one decoder every layer uses: the bot refusing a message that is not
 * UTF-8, a name checked for format characters, an export cleaned, names
 * compared without case. Plain C; includes nothing of the project.
 */
#ifndef TIMMY_UTF8_H
#define TIMMY_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* U+FFFD REPLACEMENT CHARACTER, what a byte that starts no character
 * stands for. */
#define UTF8_REPLACEMENT 0xFFFDu

/* Whether byte c continues a character (10xxxxxx) rather than starting
 * one; inline, for loops over every byte. */
static inline bool
utf8_continues(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/*
 * Decodes the character that starts s (n >= 1 bytes readable) into *cp
 * and returns its length, 1 to 4. Returns 0, with *cp set to
 * UTF8_REPLACEMENT, when s[0] starts no well-formed character: a
 * continuation byte, C0, C1 or F5..FF, a sequence cut by the end of the
 * n bytes or by a byte that does not continue it, an overlong form, a
 * surrogate or a code point past U+10FFFF. A NUL ends every sequence, so
 * for a NUL-terminated s n may be 4 whatever its length.
 */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);

/* True when s[0..n) is well-formed UTF-8 throughout. */
bool utf8_valid(const char *s, size_t n);

/*
 * The length of the longest prefix of s[0..n) that is at most max bytes
 * and does not end inside a character: n when n <= max, else max moved
 * back over the continuation bytes that follow it, so the character they
 * belong to is left out whole.
 */
size_t utf8_prefix(const char *s, size_t n, size_t max);

/*
 * The length of s[0..n) without a character cut short at its end: for
 * text whose next bytes are unknown (a formatter that stopped at its
 * buffer's end), where utf8_prefix cannot look past the cut. A complete
 * last character stays.
 */
size_t utf8_trim(const char *s, size_t n);

/*
 * The bytes the first max characters of the NUL-terminated s take (all of
 * s when it has fewer), counting every byte that is not a continuation
 * byte as a character, so no character is split.
 */
size_t utf8_skip(const char *s, size_t max);

/* The characters in the NUL-terminated s, counted as utf8_skip does: a
 * column count for text tables. */
size_t utf8_width(const char *s);

#endif
