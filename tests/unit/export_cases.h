/*
 * tests/unit/export_cases.h - the entries of the export golden files
 * (tests/unit/golden/make_export_golden.py gives the same in local wall
 * time), and how a test writes them all and compares a file: shared by
 * test_export.c and test_export_rounding.c. Header-only (static), for
 * one test program each.
 */
#ifndef TIMMY_TEST_EXPORT_CASES_H
#define TIMMY_TEST_EXPORT_CASES_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../commands/export.h"
#include "../../lib/text.h"

#define NOW INT64_C(1795615200) /* Wed 25 Nov 2026 14:00 UTC */
#define ORIGIN "timmy@example.org" /* the bot's JID, as in the golden files */
#define FILE_MAX (1024 * 1024)

#define NOTE1                                                                 \
	"He said \"hi, there\"; C:\\path\\to, ok\nline two\r\nline three "    \
	"\xe2\x98\x95\xf0\x9f\x8e\x89 Gr\xc3\xbc\xc3\x9f" "e, "               \
	"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e na\xc3\xafve caf\xc3\xa9"
#define SMILES "\xc3\xa4\xc3\xb6\xc3\xbc\xe2\x82\xac\xf0\x9f\x98\x80"
#define NOTE9                                                                 \
	"\xc3\x9c" "berarbeitung der Startseite \xe2\x80\x94 Farben, "         \
	"Schriften; Abst\xc3\xa4nde \xe2\x80\xa6 "                             \
	"\xf0\x9f\x8e\xa8\xf0\x9f\x96\x8c\xef\xb8\x8f and a long tail so "     \
	"that the DESCRIPTION line folds more than once: " SMILES SMILES      \
	SMILES SMILES SMILES SMILES SMILES SMILES SMILES SMILES SMILES SMILES

/* The entries of the golden files (see make_export_golden.py), times in
 * epoch seconds worked out with Python's zoneinfo. */
static const struct {
	const char *owner;
	struct store_entry e;
} cases[] = {
	/* 2026-11-23 09:00 to 10:30 in Berlin (+01:00) */
	{ "alice@example.org",
	  { 101, 1, "acme", { "design" }, 1, NOTE1, 1795420800, 1795426200,
	    { { 1795423500, 1795424400 } }, 1 } }, /* a break 09:45-10:00 */
	/* 5399 s read as 1.50 hours */
	{ "bob@example.net",
	  { 102, 2, "big client", { "call", "design", "urgent" }, 3, "",
	    1795435200, 1795440599, { { 0, 0 } }, 0 } },
	/* 5401 s, also 1.50; no tags, no note */
	{ "alice@example.org",
	  { 103, 3, "internal", { "" }, 0, "", 1795503600, 1795509001,
	    { { 0, 0 } }, 0 } },
	/* 2026-11-24 23:30 to 2026-11-25 01:15 in Berlin: across midnight */
	{ "alice@example.org",
	  { 105, 5, "acme", { "ops" }, 1, "deploy across midnight",
	    1795559400, 1795565700,
	    { { 1795560600, 1795562400 } }, 1 } }, /* break 23:50-00:20 */
	/* 2026-10-25 01:30+02:00 to 03:30+01:00: Berlin falls back */
	{ "bob@example.net",
	  { 106, 6, "night shift", { "oncall", "ops" }, 2, "fall back",
	    1792884600, 1792895400, { { 0, 0 } }, 0 } },
	/* 2026-03-29 01:00+01:00 to 04:00+02:00: Berlin springs forward */
	{ "bob@example.net",
	  { 107, 7, "night shift", { "" }, 0, "spring forward", 1774742400,
	    1774749600, { { 0, 0 } }, 0 } },
	/* 18 s: 0.005 hours, rounded up to 0.01; looks like a formula */
	{ "alice@example.org",
	  { 108, 8, "acme", { "review" }, 1, " =SUM(A1:A3) padded ",
	    1795593600, 1795593618, { { 0, 0 } }, 0 } },
	/* running since 2026-11-25 13:20 in Berlin: 6000 s up to now */
	{ "alice@example.org",
	  { 109, 9, "acme", { "design" }, 1, NOTE9, 1795609200, 0,
	    /* a break 14:00-14:20, paused since 14:50 */
	    { { 1795611600, 1795612800 }, { 1795614600, 0 } }, 2 } },
	/* no length; a project with a comma, a tag with a semicolon */
	{ "zo\xc3\xab@example.org",
	  { 111, 12, "r&d, phase 2", { "q4;eu" }, 1, "", 1782907200,
	    1782907200, { { 0, 0 } }, 0 } },
	/* 2026-11-25 10:00 to 10:15 in Berlin; CSV cells that would be
	 * formulas (the tags cell starts with "-x") */
	{ "alice@example.org",
	  { 112, 13, "-dash", { "-x", "ops" }, 2, "=1+2", 1795597200,
	    1795598100, { { 0, 0 } }, 0 } },
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* Exports every case in format f into out (initialised with max), the
 * rounded columns by r (NULL: none). Returns export_end's answer. */
static inline int
export_all_rounded(enum export_format f, const char *zone, bool with_owner,
                   const struct rounding *r, size_t max, struct text *out)
{
	struct export_writer *w;
	size_t i;

	text_init(out, max);
	w = export_begin(f, zone, NOW, with_owner, ORIGIN, out);
	assert_non_null(w);
	export_set_rounding(w, r);
	/* The owner also without its column, as the bot's export does. */
	for (i = 0; i < NCASES; i++)
		export_entry(w, cases[i].owner, &cases[i].e);
	return export_end(w);
}

/* Fails with the first differing line when got is not want. */
static inline void
assert_same_file(const char *name, const char *got, const char *want)
{
	size_t i = 0, line = 1, from = 0;

	while (got[i] != '\0' && got[i] == want[i]) {
		if (got[i] == '\n') {
			line++;
			from = i + 1;
		}
		i++;
	}
	if (got[i] == want[i])
		return;
	fail_msg("%s differs at line %zu byte %zu:\n got: %.80s\nwant: %.80s",
	         name, line, i, got + from, want + from);
}

#endif
