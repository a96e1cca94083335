/*
 * bot/prune.h - what the database keeps only for a while, dropped when
 * past its age: the keys of handled messages, the nudges sent and the
 * team digests posted (each STORE_MSG_DAYS days, storage/store.h).
 */
#ifndef TIMMY_PRUNE_H
#define TIMMY_PRUNE_H

#include <stdint.h>

#include "../storage/store.h"

/*
 * Drops from st every kind of row above that is past its age at now (UTC
 * epoch seconds). Each failure is logged and left for the next call:
 * rows a few hours past their age do no harm.
 */
void prune_aged(store *st, int64_t now);

#endif
