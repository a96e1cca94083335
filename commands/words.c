/*
 * commands/words.c - reading a message's words: the tokeniser, and the
 * checks of project names, tags, notes and entry numbers that every
 * command shares, so each rule is written once.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cmd_int.h"

/* ASCII whitespace plus the other C0 controls and DEL: a pasted tab or
 * newline separates words like a space does. */
static bool
is_sep(unsigned char c)
{
	return c <= ' ' || c == 0x7f;
}

/* Length of the quote mark at s that opens a phrase, or 0: " “ „ */
static size_t
open_quote(const char *s)
{
	if (s[0] == '"')
		return 1;
	if (strncmp(s, "\xe2\x80\x9c", 3) == 0 || strncmp(s, "\xe2\x80\x9e", 3) == 0)
		return 3;
	return 0;
}

/* Length of the quote mark at s that closes a phrase, or 0: " ” “ */
static size_t
close_quote(const char *s)
{
	if (s[0] == '"')
		return 1;
	if (strncmp(s, "\xe2\x80\x9d", 3) == 0 || strncmp(s, "\xe2\x80\x9c", 3) == 0)
		return 3;
	return 0;
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

int
cmd_project_ok(const char *name, bool quoted, struct text *reply)
{
	const unsigned char *p;

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
	for (p = (const unsigned char *)name; *p; p++) {
		if (is_sep(*p) && !(quoted && *p == ' ')) {
			text_printf(reply, "A project name cannot hold control "
			                   "characters.");
			return -1;
		}
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

	if (*tag == '\0' || strlen(tag) > STORE_TAG_MAX) {
		text_printf(reply, "A tag is + and 1 to %d bytes, like +design.",
		            STORE_TAG_MAX);
		return -1;
	}
	for (p = (const unsigned char *)tag; *p; p++)
		if (!name_char(*p)) {
			text_printf(reply, "\"+%s\" is not a tag: use letters, digits "
			                   "and - _ . /, like +design.", tag);
			return -1;
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
