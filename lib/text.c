/*
 * lib/text.c - a growable text buffer with a hard size limit.
 * See text.h. Cuts at character boundaries with lib/utf8.c.
 */
#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

void
text_init(struct text *t, size_t max)
{
	memset(t, 0, sizeof(*t));
	t->max = max;
}

void
text_free(struct text *t)
{
	free(t->buf);
	t->buf = NULL;
	t->len = t->cap = 0;
	t->truncated = false;
}

void
text_clear(struct text *t)
{
	t->len = 0;
	t->truncated = false;
	if (t->buf)
		t->buf[0] = '\0';
}

const char *
text_str(const struct text *t)
{
	return t->buf ? t->buf : "";
}

/* Makes room for len + need + 1 bytes, within max + 1. Returns the bytes
 * that may be added (need, or less at the limit or when out of memory). */
static size_t
reserve(struct text *t, size_t need)
{
	size_t room = t->max - t->len;
	size_t want, cap;
	char *p;

	if (need > room)
		need = room;
	want = t->len + need + 1;
	if (want <= t->cap)
		return need;
	cap = t->cap ? t->cap : 256;
	while (cap < want)
		cap *= 2;
	if (cap > t->max + 1)
		cap = t->max + 1;
	if ((p = realloc(t->buf, cap)) == NULL)
		return t->cap > t->len ? t->cap - t->len - 1 : 0;
	t->buf = p;
	t->cap = cap;
	return need;
}

int
text_append(struct text *t, const char *s, size_t n)
{
	size_t fit = reserve(t, n);

	if (fit < n)
		fit = utf8_trim(s, fit);
	if (t->cap == 0) {
		t->truncated = true;
		return -1;
	}
	memcpy(t->buf + t->len, s, fit);
	t->len += fit;
	t->buf[t->len] = '\0';
	if (fit < n) {
		t->truncated = true;
		return -1;
	}
	return 0;
}

int
text_printf(struct text *t, const char *fmt, ...)
{
	char small[512];
	char *big = NULL;
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		t->truncated = true;
		return -1;
	}
	if ((size_t)n < sizeof(small))
		return text_append(t, small, (size_t)n);

	if ((big = malloc((size_t)n + 1)) == NULL) {
		t->truncated = true;
		return -1;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	rc = text_append(t, big, (size_t)n);
	free(big);
	return rc;
}

void
text_end_with(struct text *t, const char *marker)
{
	size_t m = strlen(marker);
	size_t keep;

	if (m > t->max)
		m = t->max;
	keep = t->len;
	if (keep > t->max - m)
		keep = utf8_trim(t->buf, t->max - m);
	t->len = keep;
	if (t->buf)
		t->buf[t->len] = '\0';
	text_append(t, marker, m);
	t->truncated = true;
}
