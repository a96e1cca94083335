/*
 * lib/str.c - small string helpers. See str.h. Plain C; no dependencies.
 */
#include "str.h"

int
str_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}
