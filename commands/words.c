/*
 * commands/words.c - reading a message's words: the tokeniser, and the
 * checks of project names, tags, notes and entry numbers that every
 * command shares, so each rule is written once.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../lib/utf8.h"
#include "cmd_int.h"

/* ASCII whitespace plus the other C0 controls and DEL: a pasted tab or
 * newline separates words like a space does. */
static bool
is_sep(unsigned char c)
{
	return c <= ' ' || c == 0x7f;
}

/* Length of the quote mark at s, or 0: the ASCII " or one of the two
 * curly marks a and b (three bytes of UTF-8 each). */
static size_t
quote_mark(const char *s, const char *a, const char *b)
{
	if (s[0] == '"')
		return 1;
	if (strncmp(s, a, 3) == 0 || strncmp(s, b, 3) == 0)
		return 3;
	return 0;
}

/* Length of the quote mark at s that opens a phrase, or 0: " “ „ */
static size_t
open_quote(const char *s)
{
	return quote_mark(s, "\xe2\x80\x9c", "\xe2\x80\x9e");
}

/* Length of the quote mark at s that closes a phrase, or 0: " ” “ */
static size_t
close_quote(const char *s)
{
	return quote_mark(s, "\xe2\x80\x9d", "\xe2\x80\x9c");
}

int
cmd_tokenise(const char *body, char *buf, struct cmd_args *args)
{
	const char *p = body, *start, *end;
	char *w = buf;
	size_t q;
	bool quoted;
	int n = -1; /* -1: the command word comes first */

	args->word = NULL;
	args->argc = 0;
	for (;;) {
		while (*p && is_sep((unsigned char)*p))
			p++;
		if (*p == '\0')
			return 0;
		start = p;
		if ((q = open_quote(p)) != 0) {
			/* A phrase runs to its closing quote, or to the end of
			 * the message when it has none. */
			const char *c = p + q;
			size_t cq = 0;

			while (*c && (cq = close_quote(c)) == 0)
				c++;
			memcpy(w, p + q, (size_t)(c - (p + q)));
			w[c - (p + q)] = '\0';
			p = *c ? c + cq : c;
			quoted = true;
		} else {
			while (*p && !is_sep((unsigned char)*p))
				p++;
			memcpy(w, start, (size_t)(p - start));
			w[p - start] = '\0';
			quoted = false;
		}
		end = p;
		if (n < 0) {
			args->word = w;
		} else if (n < CMD_ARGS_MAX) {
			args->argv[n] = w;
			args->raw[n] = start;
			args->raw_end[n] = end;
			args->quoted[n] = quoted;
			args->argc = n + 1;
		} else {
			return -1;
		}
		n++;
		w += strlen(w) + 1;
	}
}

void
cmd_lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

bool
cmd_is(const char *word, const char *kw)
{
	for (; *word && *kw; word++, kw++)
		if (tolower((unsigned char)*word) != *kw)
			return false;
	return *word == '\0' && *kw == '\0';
}

void
cmd_join(const struct cmd_args *args, int from, int to, struct text *out)
{
	const char *p, *end;
	bool space = false;

	if (from >= to)
		return;
	end = args->raw_end[to - 1];
	for (p = args->raw[from]; p < end; p++) {
		if (is_sep((unsigned char)*p)) {
			space = true;
			continue;
		}
		if (space)
			text_append(out, " ", 1);
		space = false;
		text_append(out, p, 1);
	}
}

/* Letters (any non-ASCII byte counts: Unicode names are kept), digits and
 * the few marks a project or tag name may hold without quotes. */
static bool
name_char(unsigned char c)
{
	return c >= 0x80 || isalnum(c) || c == '-' || c == '_' || c == '.' ||
	       c == '/';
}

/*
 * Unicode's format characters (general category Cf, UnicodeData.txt of
 * Unicode 15.1), sorted. They are invisible or change the direction of
 * the text around them, so a name holding one looks like another name
 * ("acme" and "acme" + U+200B are two projects) or garbles the lines of
 * reports and exports it is printed in (U+202E RIGHT-TO-LEFT OVERRIDE
 * reverses the rest of the line). Project names and tags refuse them;
 * notes are free text and keep them as typed. tests/integration/
 * test_hardening.py compares this table with Python's unicodedata.
 */
static const struct {
	uint32_t lo, hi;  /* a range of code points, both included */
	const char *name; /* the character's Unicode name; NULL for a range */
} format_chars[] = {
	{ 0x00AD, 0x00AD, "SOFT HYPHEN" },
	{ 0x0600, 0x0600, "ARABIC NUMBER SIGN" },
	{ 0x0601, 0x0601, "ARABIC SIGN SANAH" },
	{ 0x0602, 0x0602, "ARABIC FOOTNOTE MARKER" },
	{ 0x0603, 0x0603, "ARABIC SIGN SAFHA" },
	{ 0x0604, 0x0604, "ARABIC SIGN SAMVAT" },
	{ 0x0605, 0x0605, "ARABIC NUMBER MARK ABOVE" },
	{ 0x061C, 0x061C, "ARABIC LETTER MARK" },
	{ 0x06DD, 0x06DD, "ARABIC END OF AYAH" },
	{ 0x070F, 0x070F, "SYRIAC ABBREVIATION MARK" },
	{ 0x0890, 0x0890, "ARABIC POUND MARK ABOVE" },
	{ 0x0891, 0x0891, "ARABIC PIASTRE MARK ABOVE" },
	{ 0x08E2, 0x08E2, "ARABIC DISPUTED END OF AYAH" },
	{ 0x180E, 0x180E, "MONGOLIAN VOWEL SEPARATOR" },
	{ 0x200B, 0x200B, "ZERO WIDTH SPACE" },
	{ 0x200C, 0x200C, "ZERO WIDTH NON-JOINER" },
	{ 0x200D, 0x200D, "ZERO WIDTH JOINER" },
	{ 0x200E, 0x200E, "LEFT-TO-RIGHT MARK" },
	{ 0x200F, 0x200F, "RIGHT-TO-LEFT MARK" },
	{ 0x202A, 0x202A, "LEFT-TO-RIGHT EMBEDDING" },
	{ 0x202B, 0x202B, "RIGHT-TO-LEFT EMBEDDING" },
	{ 0x202C, 0x202C, "POP DIRECTIONAL FORMATTING" },
	{ 0x202D, 0x202D, "LEFT-TO-RIGHT OVERRIDE" },
	{ 0x202E, 0x202E, "RIGHT-TO-LEFT OVERRIDE" },
	{ 0x2060, 0x2060, "WORD JOINER" },
	{ 0x2061, 0x2061, "FUNCTION APPLICATION" },
	{ 0x2062, 0x2062, "INVISIBLE TIMES" },
	{ 0x2063, 0x2063, "INVISIBLE SEPARATOR" },
	{ 0x2064, 0x2064, "INVISIBLE PLUS" },
	{ 0x2066, 0x2066, "LEFT-TO-RIGHT ISOLATE" },
	{ 0x2067, 0x2067, "RIGHT-TO-LEFT ISOLATE" },
	{ 0x2068, 0x2068, "FIRST STRONG ISOLATE" },
	{ 0x2069, 0x2069, "POP DIRECTIONAL ISOLATE" },
	{ 0x206A, 0x206A, "INHIBIT SYMMETRIC SWAPPING" },
	{ 0x206B, 0x206B, "ACTIVATE SYMMETRIC SWAPPING" },
	{ 0x206C, 0x206C, "INHIBIT ARABIC FORM SHAPING" },
	{ 0x206D, 0x206D, "ACTIVATE ARABIC FORM SHAPING" },
	{ 0x206E, 0x206E, "NATIONAL DIGIT SHAPES" },
	{ 0x206F, 0x206F, "NOMINAL DIGIT SHAPES" },
	{ 0xFEFF, 0xFEFF, "ZERO WIDTH NO-BREAK SPACE" },
	{ 0xFFF9, 0xFFF9, "INTERLINEAR ANNOTATION ANCHOR" },
	{ 0xFFFA, 0xFFFA, "INTERLINEAR ANNOTATION SEPARATOR" },
	{ 0xFFFB, 0xFFFB, "INTERLINEAR ANNOTATION TERMINATOR" },
	{ 0x110BD, 0x110BD, "KAITHI NUMBER SIGN" },
	{ 0x110CD, 0x110CD, "KAITHI NUMBER SIGN ABOVE" },
	{ 0x13430, 0x13430, "EGYPTIAN HIEROGLYPH VERTICAL JOINER" },
	{ 0x13431, 0x13431, "EGYPTIAN HIEROGLYPH HORIZONTAL JOINER" },
	{ 0x13432, 0x13432, "EGYPTIAN HIEROGLYPH INSERT AT TOP START" },
	{ 0x13433, 0x13433, "EGYPTIAN HIEROGLYPH INSERT AT BOTTOM START" },
	{ 0x13434, 0x13434, "EGYPTIAN HIEROGLYPH INSERT AT TOP END" },
	{ 0x13435, 0x13435, "EGYPTIAN HIEROGLYPH INSERT AT BOTTOM END" },
	{ 0x13436, 0x13436, "EGYPTIAN HIEROGLYPH OVERLAY MIDDLE" },
	{ 0x13437, 0x13437, "EGYPTIAN HIEROGLYPH BEGIN SEGMENT" },
	{ 0x13438, 0x13438, "EGYPTIAN HIEROGLYPH END SEGMENT" },
	{ 0x13439, 0x13439, "EGYPTIAN HIEROGLYPH INSERT AT MIDDLE" },
	{ 0x1343A, 0x1343A, "EGYPTIAN HIEROGLYPH INSERT AT TOP" },
	{ 0x1343B, 0x1343B, "EGYPTIAN HIEROGLYPH INSERT AT BOTTOM" },
	{ 0x1343C, 0x1343C, "EGYPTIAN HIEROGLYPH BEGIN ENCLOSURE" },
	{ 0x1343D, 0x1343D, "EGYPTIAN HIEROGLYPH END ENCLOSURE" },
	{ 0x1343E, 0x1343E, "EGYPTIAN HIEROGLYPH BEGIN WALLED ENCLOSURE" },
	{ 0x1343F, 0x1343F, "EGYPTIAN HIEROGLYPH END WALLED ENCLOSURE" },
	{ 0x1BCA0, 0x1BCA0, "SHORTHAND FORMAT LETTER OVERLAP" },
	{ 0x1BCA1, 0x1BCA1, "SHORTHAND FORMAT CONTINUING OVERLAP" },
	{ 0x1BCA2, 0x1BCA2, "SHORTHAND FORMAT DOWN STEP" },
	{ 0x1BCA3, 0x1BCA3, "SHORTHAND FORMAT UP STEP" },
	{ 0x1D173, 0x1D173, "MUSICAL SYMBOL BEGIN BEAM" },
	{ 0x1D174, 0x1D174, "MUSICAL SYMBOL END BEAM" },
	{ 0x1D175, 0x1D175, "MUSICAL SYMBOL BEGIN TIE" },
	{ 0x1D176, 0x1D176, "MUSICAL SYMBOL END TIE" },
	{ 0x1D177, 0x1D177, "MUSICAL SYMBOL BEGIN SLUR" },
	{ 0x1D178, 0x1D178, "MUSICAL SYMBOL END SLUR" },
	{ 0x1D179, 0x1D179, "MUSICAL SYMBOL BEGIN PHRASE" },
	{ 0x1D17A, 0x1D17A, "MUSICAL SYMBOL END PHRASE" },
	{ 0xE0001, 0xE0001, "LANGUAGE TAG" },
	/* Tag characters: invisible copies of ASCII 0x20-0x7E. */
	{ 0xE0020, 0xE007E, NULL },
	{ 0xE007F, 0xE007F, "CANCEL TAG" },
};

/* Whether cp is a format character; *name gets its Unicode name (NULL for
 * one of the tag characters, which are not named one by one here). */
static bool
format_char(uint32_t cp, const char **name)
{
	size_t lo = 0, hi = sizeof(format_chars) / sizeof(format_chars[0]);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp < format_chars[mid].lo) {
			hi = mid;
		} else if (cp > format_chars[mid].hi) {
			lo = mid + 1;
		} else {
			*name = format_chars[mid].name;
			return true;
		}
	}
	return false;
}

/*
 * The character at s (not at its NUL) into *cp, and its length in bytes.
 * A byte that starts no well-formed character counts as one character
 * U+FFFD, so it can neither hide a format character nor pass for a C1
 * control. The bot refuses messages that are not UTF-8 before any command
 * runs; this only keeps the check total. (The NUL ends any sequence, so 4
 * bytes may be offered whatever is left.)
 */
static size_t
next_char(const unsigned char *s, uint32_t *cp)
{
	size_t n = utf8_decode((const char *)s, 4, cp);

	return n > 0 ? n : 1;
}

/*
 * Refuses a character a name (what: "A project name", "A tag") must not
 * hold: a control character (C0, DEL, C1) or a format character. Writes
 * why to reply, naming the character, and returns -1; 0 when cp may stay.
 */
static int
name_cp_ok(uint32_t cp, const char *what, struct text *reply)
{
	const char *name = NULL;

	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
		text_printf(reply, "%s cannot contain control characters "
		                   "(U+%04X).", what, (unsigned)cp);
		return -1;
	}
	if (format_char(cp, &name)) {
		text_printf(reply, "%s cannot contain invisible or "
		                   "direction-changing characters (U+%04X%s%s).",
		            what, (unsigned)cp, name ? " " : "", name ? name : "");
		return -1;
	}
	return 0;
}

int
cmd_project_ok(const char *name, bool quoted, struct text *reply)
{
	const unsigned char *p;
	uint32_t cp;
	size_t n;

	if (*name == '\0') {
		text_printf(reply, "A project needs a name. Example: start acme");
		return -1;
	}
	if (strlen(name) > STORE_PROJECT_MAX) {
		text_printf(reply, "That project name is too long (at most %d "
		                   "bytes).", STORE_PROJECT_MAX);
		return -1;
	}
	if (!quoted && name[0] == '+') {
		text_printf(reply, "A project name comes before the tags. "
		                   "Example: start acme +design");
		return -1;
	}
	for (p = (const unsigned char *)name; *p; p += n) {
		n = next_char(p, &cp);
		if (name_cp_ok(cp, "A project name", reply) != 0)
			return -1;
		if (!quoted && !name_char(*p)) {
			text_printf(reply, "\"%s\" is not a project name: use letters, "
			                   "digits and - _ . / or put a phrase in "
			                   "quotes, like \"client work\".", name);
			return -1;
		}
	}
	return 0;
}

int
cmd_tag_ok(const char *tag, struct text *reply)
{
	const unsigned char *p;
	uint32_t cp;
	size_t n;

	if (*tag == '\0' || strlen(tag) > STORE_TAG_MAX) {
		text_printf(reply, "A tag is + and 1 to %d bytes, like +design.",
		            STORE_TAG_MAX);
		return -1;
	}
	for (p = (const unsigned char *)tag; *p; p += n) {
		n = next_char(p, &cp);
		if (name_cp_ok(cp, "A tag", reply) != 0)
			return -1;
		if (!name_char(*p)) {
			text_printf(reply, "\"+%s\" is not a tag: use letters, digits "
			                   "and - _ . /, like +design.", tag);
			return -1;
		}
	}
	return 0;
}

int
cmd_add_tag(struct store_entry *e, const char *tag, struct text *reply)
{
	int j;

	for (j = 0; j < e->ntags; j++)
		if (store_same_name(e->tags[j], tag))
			return 0;
	if (e->ntags == STORE_TAGS_MAX) {
		text_printf(reply, "At most %d tags per entry.", STORE_TAGS_MAX);
		return -1;
	}
	snprintf(e->tags[e->ntags++], sizeof(e->tags[0]), "%s", tag);
	return 0;
}

int
cmd_read_project_tags(const struct cmd_args *args, int *i,
                      struct store_entry *e, struct text *reply)
{
	if (*i >= args->argc) {
		text_printf(reply, "Which project? Example: start acme +design");
		return -1;
	}
	if (cmd_project_ok(args->argv[*i], args->quoted[*i], reply) != 0)
		return -1;
	snprintf(e->project, sizeof(e->project), "%s", args->argv[*i]);
	e->ntags = 0;
	for ((*i)++; *i < args->argc && !args->quoted[*i] &&
	             args->argv[*i][0] == '+'; (*i)++) {
		const char *tag = args->argv[*i] + 1;

		if (cmd_tag_ok(tag, reply) != 0 || cmd_add_tag(e, tag, reply) != 0)
			return -1;
	}
	return 0;
}

int
cmd_read_note(const struct cmd_args *args, int from, int to,
              struct store_entry *e, struct text *reply)
{
	struct text note;
	int rc = 0;

	/* "note" may say where the note begins, as edit requires: "add
	 * globex 7:00-8:00 note early call" keeps "early call". Alone it is
	 * the note itself, as any other single word. */
	if (to - from >= 2 && !args->quoted[from] &&
	    cmd_is(args->argv[from], "note"))
		from++;
	text_init(&note, STORE_NOTE_MAX);
	cmd_join(args, from, to, &note);
	if (note.truncated) {
		text_printf(reply, "That note is too long (at most %d bytes).",
		            STORE_NOTE_MAX);
		rc = -1;
	} else {
		snprintf(e->note, sizeof(e->note), "%s", text_str(&note));
	}
	text_free(&note);
	return rc;
}

int
cmd_read_id(const char *word, int64_t *seq, struct text *reply)
{
	const char *p = word[0] == '#' ? word + 1 : word;
	int64_t v = 0;
	int n = 0;

	for (; *p >= '0' && *p <= '9' && n < 15; p++, n++)
		v = v * 10 + (*p - '0');
	if (n == 0 || *p != '\0' || v == 0) {
		text_printf(reply, "\"%s\" is not an entry number. The numbers "
		                   "are in the log, like #12.", word);
		return -1;
	}
	*seq = v;
	return 0;
}
