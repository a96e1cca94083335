/*
 * bot/keyslot.c - a key or the slot to take for it, in one pass over a
 * fixed table. See keyslot.h. Plain C; libc and lib/str.h only.
 *
 * Every slot is compared (hashes first, a string only when its hash
 * matches): the tables are small (at most a few hundred slots) and that
 * same pass finds the slot to evict, which keeps this obviously right.
 */
#include "keyslot.h"

#include <stdlib.h>
#include <string.h>

#include "../lib/str.h"

uint64_t
keyslot_hash(const char *key, bool fold, size_t *len)
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; key[i] != '\0'; i++) {
		h ^= fold ? (unsigned char)str_lower((unsigned char)key[i])
		          : (unsigned char)key[i];
		h *= 1099511628211ULL;
	}
	*len = i;
	return h;
}

/* True when stored equals key: to the letter, or with fold ignoring the
 * ASCII case of key (stored is in lower case). */
static bool
same_key(const char *stored, const char *key, bool fold)
{
	if (!fold)
		return strcmp(stored, key) == 0;
	while (*stored != '\0' && *stored == str_lower((unsigned char)*key)) {
		stored++;
		key++;
	}
	return *stored == '\0' && *key == '\0';
}

struct keyslot *
keyslot_find(void *base, size_t n, size_t size, const char *key, bool fold,
             uint64_t h, struct keyslot **victim)
{
	struct keyslot *s;
	size_t i;

	*victim = NULL;
	for (i = 0; i < n; i++) {
		s = (struct keyslot *)((char *)base + i * size);
		if (s->key == NULL) {
			if (*victim == NULL || (*victim)->key != NULL)
				*victim = s;
			continue;
		}
		if (s->hash == h && same_key(s->key, key, fold))
			return s;
		if (*victim == NULL ||
		    ((*victim)->key != NULL && s->stamp < (*victim)->stamp))
			*victim = s;
	}
	return NULL;
}

char *
keyslot_copy(const char *key, size_t len, bool fold)
{
	char *copy = malloc(len + 1);
	size_t i;

	if (copy == NULL)
		return NULL;
	for (i = 0; i <= len; i++)
		copy[i] = fold ? (char)str_lower((unsigned char)key[i]) : key[i];
	return copy;
}
