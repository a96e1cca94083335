/*
 * lib/str.c - small string helpers. See str.h. Plain C; no dependencies.
 */
#include "str.h"

#include <string.h>

int
str_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Overwrites n bytes at p in a way the compiler may not drop. */
void
str_wipe(void *p, size_t n)
{
#if defined(__OpenBSD__) || defined(__FreeBSD__) ||                          \
	(defined(__GLIBC__) &&                                               \
	 (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 25)))
	if (p != NULL)
		explicit_bzero(p, n);
#else
	volatile unsigned char *v = p;

	while (v != NULL && n-- > 0)
		*v++ = 0;
#endif
}
