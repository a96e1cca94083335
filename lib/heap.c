/*
 * lib/heap.c - the heap's free pages back to the system. See heap.h.
 * Plain C; no dependencies.
 */
#include "heap.h"

#include <stdlib.h> /* first: it defines __GLIBC__ */
#ifdef __GLIBC__
#include <malloc.h>
#endif

void
heap_trim(void)
{
#ifdef __GLIBC__
	/* 0: keep no slack at the top. Since glibc 2.8 it also releases the
	 * free pages inside the heap (madvise), not only its end. */
	(void)malloc_trim(0);
#endif
}
