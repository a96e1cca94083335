/*
 * tests/fuzz/fuzz_import.c - libFuzzer target: any bytes through every
 * reader of timmy import (commands/import_*.c), each as its own input,
 * and the plan they make added to a store in memory.
 *
 * Byte 0 picks the format (its value modulo four); the rest is the
 * input, not NUL-terminated. The promises of import.h, checked with
 * abort():
 *   - a reader never fails but for memory, and every item it plans holds
 *     NUL-terminated fields within the store's limits, or says why not;
 *   - import_apply with a dry run returns STORE_OK, adds no more entries
 *     than were planned, and leaves the store as empty as it was once
 *     its transaction is rolled back; its skips stay within their text;
 *   - import_format_guess names one of the formats or none, and a name
 *     that says nothing does not change its answer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../commands/import_int.h"
#include "../../storage/store.h"

#define OWNER "fuzz@example.org"
#define NOW INT64_C(1795615200) /* Wed 25 Nov 2026 14:00 UTC */

static store *st;

/* The fields of it are strings within their arrays. */
static void
check_item(const struct import_item *it)
{
	int i;

	if (it->why != NULL)
		return;
	if (memchr(it->e.project, '\0', sizeof(it->e.project)) == NULL ||
	    memchr(it->e.note, '\0', sizeof(it->e.note)) == NULL ||
	    it->e.ntags < 0 || it->e.ntags > STORE_TAGS_MAX ||
	    it->e.nbreaks < 0 || it->e.nbreaks > STORE_BREAKS_MAX)
		abort();
	for (i = 0; i < it->e.ntags; i++)
		if (memchr(it->e.tags[i], '\0', sizeof(it->e.tags[i])) == NULL ||
		    it->e.tags[i][0] == '\0')
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_plan *p;
	struct import_result r;
	struct text report, skips;
	enum import_format f, g;
	int guessed;
	char err[256];
	int64_t n = -1;
	size_t i;

	if (size < 1)
		return 0;
	if (st == NULL && store_open(":memory:", &st, err, sizeof(err)) !=
	                      STORE_OK)
		abort();
	if ((p = import_plan_new()) == NULL)
		return 0;
	if (import_read(p, (enum import_format)(data[0] % 4), "in",
	                (const char *)data + 1, size - 1) != 0) {
		import_plan_free(p);
		return 0; /* out of memory */
	}
	for (i = 0; i < p->nitems; i++)
		check_item(&p->items[i]);
	text_init(&report, 1024 * 1024);
	text_init(&skips, 2048);
	if (store_begin(st) != STORE_OK ||
	    import_apply(st, OWNER, NOW, "Europe/Berlin",
	                 (enum import_format)(data[0] % 4), p, true, &report,
	                 &skips, &r) != STORE_OK ||
	    r.added > p->nitems || skips.len > 2048)
		abort();
	store_rollback(st);
	text_free(&skips);
	/* The guess from content: one of the four formats, or none, and the
	 * same answer with a name that cannot tip it. */
	guessed = import_format_guess((const char *)data + 1, size - 1, NULL,
	                              &f);
	if (guessed != 0 && guessed != -1)
		abort();
	if (guessed == 0 && (f < IMPORT_TIMEWARRIOR || f > IMPORT_JSON))
		abort();
	if (import_format_guess((const char *)data + 1, size - 1, "x.bin",
	                        &g) != guessed || (guessed == 0 && g != f))
		abort();
	if (store_count(st, OWNER, &n) != STORE_OK || n != 0)
		abort();
	text_free(&report);
	import_plan_free(p);
	return 0;
}
