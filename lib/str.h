/*
 * lib/str.h - small string helpers every layer uses.
 *
 * ASCII only on purpose: keywords, JIDs' domain parts and config words are
 * compared the same whatever the process's locale is. Plain C; includes
 * nothing of the project.
 */
#ifndef TIMMY_STR_H
#define TIMMY_STR_H

#include <stddef.h>

/* c in ASCII lower case ('A'-'Z' become 'a'-'z'; any other value is
 * returned as it is), independent of the locale. */
int str_lower(int c);

/* Overwrites n bytes at p (a password; NULL: nothing) in a way the
 * compiler may not drop. */
void str_wipe(void *p, size_t n);

#endif
