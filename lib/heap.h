/*
 * lib/heap.h - giving the heap's free memory back to the system.
 *
 * A daemon that once held much in small blocks (a large roster's answer
 * parsed into a tree of stanzas) keeps that memory after freeing it
 * whenever something still in use lies above it: glibc gives back only
 * the end of its heap by itself. Plain C; includes nothing of the
 * project.
 */
#ifndef TIMMY_HEAP_H
#define TIMMY_HEAP_H

/* Returns every whole free page of the heap to the system (glibc's
 * malloc_trim); elsewhere does nothing. Costs a pass over the
 * allocator's free lists: for after a burst, not for every turn. */
void heap_trim(void);

#endif
