/*
 * storage/collate.c - UNOCASE, the collation that timmy's queries compare,
 * group and order project and tag names with: without regard to case by
 * Unicode's one-to-one case mappings, where SQLite's own NOCASE folds only
 * the 26 ASCII letters ("Ärger" and "ärger" would be two projects).
 *
 * Dependency rule: the statements of db.h (through store_int.h) and libc only.
 *
 * How two names compare: each is read as a sequence of units, its UTF-8
 * characters (code points) one by one, a byte that starts no well-formed
 * character (a stray continuation byte, a cut or overlong sequence, a
 * surrogate, beyond U+10FFFF) a unit by itself. Each unit is folded:
 * - ASCII: 'A' to 'Z' become 'a' to 'z', as in NOCASE, so that names of
 *   ASCII alone compare, group and sort exactly as they did with NOCASE;
 * - any other character: to lower case of its upper case, from glibc's
 *   tables for the C.UTF-8 locale (towupper_l, towlower_l). That puts
 *   "Σ", "σ" and "ς" together, like "ſ" with "s", "µ" with "μ" and "ẞ"
 *   with "ß", as Unicode's simple case folding (CaseFolding.txt, status C
 *   and S) does; it also puts the Turkish "İ" and "ı" with "i", which
 *   that folding leaves alone. Folds to several characters (status F:
 *   "ß" to "ss", "ﬁ" to "fi") are not applied, nor any normalization: a
 *   precomposed "ä" and "a" with a combining diaeresis differ;
 * - an invalid byte b: U+110000 + b, beyond every character, so that it
 *   equals only the same byte and never a character.
 * The folded sequences then compare unit by unit, a sequence that is the
 * start of another first. That is a comparison of keys, one key per
 * string: a total order (what the comparison says of a and b it says the
 * other way round of b and a; equal to equal is equal, less than less is
 * less), as SQLite requires of a collation for GROUP BY, DISTINCT and
 * ORDER BY, whatever the bytes.
 *
 * Without the C.UTF-8 locale (newlocale fails: it is glibc's, in
 * Debian's libc-bin, and an older or another libc may not have it) only
 * ASCII folds, as with NOCASE; storage does not log, and
 * store_unocase_unicode() says which it is.
 *
 * The schema never names UNOCASE (entries.project keeps NOCASE): an
 * index or column with a collation of our own would make every statement
 * that touches it fail ("no such collation sequence") in the sqlite3
 * shell and in older timmy builds, which do not have it. So the queries
 * name it themselves, and no index orders names by it: the groupings sort
 * in a temporary B-tree, as they did with NOCASE (entries_user_start has
 * the project last, after the times).
 */
#include <locale.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <wctype.h>

#include "../lib/utf8.h"
#include "store_int.h"

/* An invalid byte b reads as the unit UNIT_BYTE + b. */
#define UNIT_BYTE 0x110000u

/* The two-byte characters, U+0080 to U+07FF: Latin, Greek, Cyrillic,
 * Hebrew, Arabic and more. */
#define TWO_MIN 0x80u
#define TWO_END 0x800u

/*
 * The locale whose tables fold non-ASCII characters, made once for the
 * process and never freed; (locale_t)0 when it cannot be had. fold_two
 * holds the folds of the two-byte characters, looked up once from it
 * (each is two calls into libc otherwise, which made grouping 100,000
 * such names a quarter slower); without it, every one is itself.
 */
static locale_t fold_locale;
static uint32_t fold_two[TWO_END - TWO_MIN];
static pthread_once_t fold_once = PTHREAD_ONCE_INIT;

/* u, a character, folded with the locale's tables. */
static uint32_t
fold_libc(uint32_t u)
{
	return (uint32_t)towlower_l(towupper_l((wint_t)u, fold_locale),
	                            fold_locale);
}

static void
fold_init(void)
{
	uint32_t u;

	fold_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	for (u = TWO_MIN; u < TWO_END; u++)
		fold_two[u - TWO_MIN] = fold_locale != (locale_t)0 ?
		                        fold_libc(u) : u;
}

/*
 * The unit that starts at s (n >= 1 bytes left): the code point of a
 * well-formed UTF-8 character (RFC 3629: no overlong forms, no
 * surrogates, nothing past U+10FFFF), else UNIT_BYTE + s[0]. Its length
 * in bytes into *len.
 */
static uint32_t
decode(const unsigned char *s, size_t n, size_t *len)
{
	uint32_t c;

	if ((*len = utf8_decode((const char *)s, n, &c)) == 0) {
		*len = 1;
		return UNIT_BYTE + s[0];
	}
	return c;
}

/* Unit u folded (see the top of the file). */
static uint32_t
fold(uint32_t u)
{
	if (u < TWO_MIN)
		return u >= 'A' && u <= 'Z' ? u + ('a' - 'A') : u;
	if (u < TWO_END)
		return fold_two[u - TWO_MIN];
	if (u >= UNIT_BYTE || fold_locale == (locale_t)0)
		return u;
	return fold_libc(u);
}

/* store_unocase_cmp, once fold_init has run. */
static int
compare(const void *a, size_t na, const void *b, size_t nb)
{
	const unsigned char *p = a, *q = b;
	size_t i = 0, j, la, lb;
	uint32_t x, y;

	/*
	 * The bytes both start with are units both start with, folded or
	 * not, up to where a unit starts in both: where neither string has
	 * a continuation byte (every other byte starts a unit, and the
	 * units before end there in both). A sort or a grouping compares
	 * many a name with itself: this is the fast way to 0.
	 */
	while (i < na && i < nb && p[i] == q[i])
		i++;
	if (i == na && i == nb)
		return 0;
	while (i > 0 && ((i < na && utf8_continues(p[i])) ||
	                 (i < nb && utf8_continues(q[i]))))
		i--;
	j = i;

	while (i < na && j < nb) {
		x = p[i];
		y = q[j];
		if ((x | y) < 0x80) {
			/* Both ASCII, as most names are: fold ASCII inline. */
			x += x - 'A' < 26 ? 'a' - 'A' : 0;
			y += y - 'A' < 26 ? 'a' - 'A' : 0;
			i++;
			j++;
		} else {
			x = decode(p + i, na - i, &la);
			y = decode(q + j, nb - j, &lb);
			if (x != y) {
				x = fold(x);
				y = fold(y);
			}
			i += la;
			j += lb;
		}
		if (x != y)
			return x < y ? -1 : 1;
	}
	/* Equal so far: the one with units left is the greater. */
	return (i < na) - (j < nb);
}

int
store_unocase_cmp(const void *a, size_t na, const void *b, size_t nb)
{
	pthread_once(&fold_once, fold_init);
	return compare(a, na, b, nb);
}

bool
store_same_name(const char *a, const char *b)
{
	return store_unocase_cmp(a, strlen(a), b, strlen(b)) == 0;
}

size_t
store_name_fold(const char *name, uint32_t *units, size_t max)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t n = strlen(name), i = 0, k = 0, len;

	pthread_once(&fold_once, fold_init);
	while (i < n) {
		uint32_t u = fold(decode(p + i, n - i, &len));

		if (k < max)
			units[k] = u;
		k++;
		i += len;
	}
	return k;
}

/* The collation as SQLite calls it, on a connection that
 * store_unocase_register set up; lengths are never negative. */
static int
unocase(void *arg, int na, const void *a, int nb, const void *b)
{
	(void)arg;
	pthread_once(&fold_once, fold_init);
	return compare(a, na > 0 ? (size_t)na : 0, b, nb > 0 ? (size_t)nb : 0);
}

/* The locale is loaded at the first comparison (unocase,
 * store_unocase_cmp), not here: a bot that has compared no names yet maps
 * no locale files (LC_CTYPE and the gconv cache, 276 kB of the 9.6 MiB an
 * idle bot keeps resident), and an export that compares none never
 * loads them. */
int
store_unocase_register(sqlite3 *db)
{
	return sqlite3_create_collation_v2(db, "UNOCASE", SQLITE_UTF8, NULL,
	                                   unocase, NULL);
}

bool
store_unocase_unicode(void)
{
	pthread_once(&fold_once, fold_init);
	return fold_locale != (locale_t)0;
}
