/*
 * bot/keyslot.h - the lookup shared by bot/'s fixed tables of string
 * keys: the rate limiter (ratelimit.c, a bucket per sender) and the
 * counted log lines (log.c, a tally per ignored sender). Each keeps its
 * slots in an array whose element begins with a struct keyslot; one pass
 * over it finds the key or, failing that, the slot to take for it.
 *
 * Plain C, used by bot/ only; depends on nothing but libc and lib/str.h.
 */
#ifndef TIMMY_KEYSLOT_H
#define TIMMY_KEYSLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct keyslot {
	char *key;     /* owned by the table (free); NULL: the slot is free */
	uint64_t hash; /* keyslot_hash of key */
	int64_t stamp; /* the table's own order: the lowest goes first */
};

/* FNV-1a over key, in ASCII lower case when fold; *len receives the
 * length of key. */
uint64_t keyslot_hash(const char *key, bool fold, size_t *len);

/*
 * Looks key (of hash h, from keyslot_hash with the same fold) up among
 * the n slots of size bytes each from base, every one beginning with a
 * struct keyslot. Returns the slot holding key (stored keys, with fold,
 * are in ASCII lower case and key matches them in any case), or NULL;
 * then *victim is the slot to take for it: the first free one, else the
 * one of lowest stamp (the first of equals). n is at least 1.
 */
struct keyslot *keyslot_find(void *base, size_t n, size_t size,
                             const char *key, bool fold, uint64_t h,
                             struct keyslot **victim);

/* A copy of key (len bytes), in ASCII lower case when fold, owned by the
 * caller (free); NULL when out of memory. */
char *keyslot_copy(const char *key, size_t len, bool fold);

#endif
