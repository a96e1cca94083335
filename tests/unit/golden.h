/*
 * tests/unit/golden.h - the golden files of tests/unit/golden/, read
 * whole, for the unit tests that compare with them or read them
 * (test_export.c, test_import.c, test_timesheet.c, test_export_html.c).
 * Header-only (static inline).
 */
#ifndef TIMMY_TEST_GOLDEN_H
#define TIMMY_TEST_GOLDEN_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* The largest golden file. */
#define GOLDEN_MAX (1024 * 1024)

/* The whole of a golden file, found next to this source (make runs tests
 * from the repo root, where __FILE__ is relative) or under tests/unit.
 * "@VERSION@" is replaced by TIMMY_VERSION. Caller frees. */
static inline char *
golden(const char *name)
{
	const char *dirs[] = { NULL, "tests/unit", "." };
	char path[1024], *buf, *at, *out;
	const char *slash = strrchr(__FILE__, '/');
	FILE *fp = NULL;
	size_t i, n;
	int r;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && fp == NULL; i++) {
		if (dirs[i] == NULL)
			r = snprintf(path, sizeof(path), "%.*s/golden/%s",
			             slash ? (int)(slash - __FILE__) : 1,
			             slash ? __FILE__ : ".", name);
		else
			r = snprintf(path, sizeof(path), "%s/golden/%s", dirs[i],
			             name);
		if (r > 0 && (size_t)r < sizeof(path))
			fp = fopen(path, "rb");
	}
	if (fp == NULL)
		fail_msg("golden file %s not found", name);
	buf = calloc(1, GOLDEN_MAX + 1);
	assert_non_null(buf);
	n = fread(buf, 1, GOLDEN_MAX, fp);
	fclose(fp);
	buf[n] = '\0';
	if ((at = strstr(buf, "@VERSION@")) == NULL)
		return buf;
	out = calloc(1, n + strlen(TIMMY_VERSION) + 1);
	assert_non_null(out);
	memcpy(out, buf, (size_t)(at - buf));
	strcat(out, TIMMY_VERSION);
	strcat(out, at + strlen("@VERSION@"));
	free(buf);
	return out;
}

/* Compares out with golden file name; on a difference prints both and
 * fails. */
static inline void
golden_assert(const char *out, const char *name)
{
	char *want = golden(name);

	if (strcmp(out, want) != 0) {
		fprintf(stderr, "--- %s\n%s--- got\n%s---\n", name, want, out);
		fail_msg("differs from golden file %s", name);
	}
	free(want);
}

#endif
