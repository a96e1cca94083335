/*
 * lib/text.h - a growable text buffer with a hard size limit.
 *
 * Replies, reports and error lists are built here with a checked
 * formatter: every append either fits or marks the buffer truncated,
 * so no caller has to count bytes. Every layer builds text here; it
 * includes nothing of the project but lib/utf8.h.
 */
#ifndef TIMMY_TEXT_H
#define TIMMY_TEXT_H

#include <stdbool.h>
#include <stddef.h>

struct text {
	char *buf;      /* NUL-terminated once anything was appended */
	size_t len;     /* bytes used, without the NUL */
	size_t cap;     /* bytes allocated */
	size_t max;     /* the most len may ever reach */
	bool truncated; /* an append did not fit in max, or memory ran out */
};

/* Starts an empty buffer that may grow to max bytes; allocates nothing yet. */
void text_init(struct text *t, size_t max);

/* Frees the buffer (the struct itself belongs to the caller). */
void text_free(struct text *t);

/* Empties the buffer and clears the truncated flag; keeps the memory. */
void text_clear(struct text *t);

/*
 * Appends formatted text. Returns 0, or -1 when the result would pass max
 * or memory ran out: then as much as fits is kept, cut at a UTF-8
 * character boundary, and t->truncated is set.
 */
int text_printf(struct text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Appends n bytes of s (same rules as text_printf). */
int text_append(struct text *t, const char *s, size_t n);

/*
 * Ends the buffer with marker, dropping as much of the tail as needed (at a
 * character boundary) for it to fit within max. Used to say "this was cut".
 */
void text_end_with(struct text *t, const char *marker);

/* The contents, "" when empty; borrowed, valid until the next change. */
const char *text_str(const struct text *t);

#endif
