/*
 * tests/unit/test_keyslot.c - the lookup bot/'s fixed tables share
 * (bot/keyslot.h): a key found in any ASCII case with fold and only to
 * the letter without, and the slot offered for a new key: the first free
 * one, else the one of lowest stamp.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../../bot/keyslot.h"

/* A table element as the users of keyslot.h lay it out. */
struct slot {
	struct keyslot k;
	int payload;
};

#define NSLOTS 3

/* Puts key (taken as is) with stamp into slot i. */
static void
put(struct slot *t, size_t i, const char *key, bool fold, int64_t stamp)
{
	size_t len;

	t[i].k.hash = keyslot_hash(key, fold, &len);
	t[i].k.key = keyslot_copy(key, len, fold);
	assert_non_null(t[i].k.key);
	t[i].k.stamp = stamp;
}

static struct keyslot *
find(struct slot *t, const char *key, bool fold, struct keyslot **victim)
{
	size_t len;

	return keyslot_find(t, NSLOTS, sizeof(t[0]), key, fold,
	                    keyslot_hash(key, fold, &len), victim);
}

static void
clear(struct slot *t)
{
	size_t i;

	for (i = 0; i < NSLOTS; i++)
		free(t[i].k.key);
}

static void
keyslot_find__matches_any_case__when_folding(void **state)
{
	struct slot t[NSLOTS] = { 0 };
	struct keyslot *victim;

	(void)state;
	put(t, 1, "Alice@Example.org", true, 1);
	assert_string_equal(t[1].k.key, "alice@example.org");
	assert_ptr_equal(find(t, "ALICE@example.ORG", true, &victim), &t[1].k);
	clear(t);
}

static void
keyslot_find__matches_only_to_the_letter__when_not_folding(void **state)
{
	struct slot t[NSLOTS] = { 0 };
	struct keyslot *victim;

	(void)state;
	put(t, 0, "alice@example.org", false, 1);
	assert_null(find(t, "Alice@example.org", false, &victim));
	assert_ptr_equal(find(t, "alice@example.org", false, &victim), &t[0].k);
	clear(t);
}

static void
keyslot_find__offers_first_free_slot__when_key_is_new(void **state)
{
	struct slot t[NSLOTS] = { 0 };
	struct keyslot *victim;

	(void)state;
	put(t, 0, "a", false, 5);
	assert_null(find(t, "b", false, &victim));
	assert_ptr_equal(victim, &t[1].k);
	clear(t);
}

static void
keyslot_find__offers_first_lowest_stamp__when_table_is_full(void **state)
{
	struct slot t[NSLOTS] = { 0 };
	struct keyslot *victim;

	(void)state;
	put(t, 0, "a", false, 7);
	put(t, 1, "b", false, 3);
	put(t, 2, "c", false, 3);
	assert_null(find(t, "d", false, &victim));
	assert_ptr_equal(victim, &t[1].k);
	clear(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keyslot_find__matches_any_case__when_folding),
		cmocka_unit_test(
			keyslot_find__matches_only_to_the_letter__when_not_folding),
		cmocka_unit_test(
			keyslot_find__offers_first_free_slot__when_key_is_new),
		cmocka_unit_test(
			keyslot_find__offers_first_lowest_stamp__when_table_is_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
