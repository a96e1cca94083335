/*
 * bot/whereabouts.c - where each allowed contact is (whereabouts.h).
 *
 * Not kept yet: everyone is WHERE_UNKNOWN.
 */
#include "whereabouts.h"

enum where
whereabouts_of(struct bot *b, const char *bare)
{
	(void)b;
	(void)bare;
	return WHERE_UNKNOWN;
}
