/*
 * commands/room.c - the words of a team room (room.h).
 */
#include "room.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "teams.h"

/* Where the blanks at p end. */
static const char *
skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

const char *
cmd_room_addressed(const char *body, const char *nick)
{
	size_t n = strlen(nick);
	const char *p;

	body = skip_blanks(body);
	if (n == 0 || strncasecmp(body, nick, n) != 0)
		return NULL;
	if (body[n] != ':' && body[n] != ',')
		return NULL;
	p = skip_blanks(body + n + 1);
	return *p != '\0' ? p : NULL;
}

/* True when body is word alone, or word and then blanks and more when
 * more_ok: in any case, around blanks. */
static bool
is_word(const char *body, const char *word, bool more_ok)
{
	size_t n = strlen(word);
	const char *p = skip_blanks(body);

	if (strncasecmp(p, word, n) != 0)
		return false;
	p += n;
	if (*p == '\0')
		return true;
	if (!isspace((unsigned char)*p))
		return false;
	return more_ok || *skip_blanks(p) == '\0';
}

const char *
cmd_room_command(const char *body, const struct team *t, char *buf, size_t n)
{
	int r;

	if (t == NULL || t->nprojects == 0 || !is_word(body, "start", false))
		return body;
	/* Quoted: a name of several words is one project, not a project
	 * and a note. */
	r = snprintf(buf, n, "start \"%s\"", t->projects[0]);
	return r >= 0 && (size_t)r < n ? buf : body;
}

bool
cmd_room_public(const char *body)
{
	const char *p = skip_blanks(body);

	if (!is_word(p, "report", true))
		return false;
	return is_word(p + strlen("report"), "team", true);
}

void
cmd_room_ack(const char *who, const char *reply, struct text *out)
{
	size_t len = 0;

	/* The first sentence: up to ". ", a line's end, or a final '.'. */
	while (reply[len] != '\0' && reply[len] != '\n' &&
	       !(reply[len] == '.' &&
	         (reply[len + 1] == ' ' || reply[len + 1] == '\0' ||
	          reply[len + 1] == '\n')))
		len++;
	text_clear(out);
	if (len == 0) {
		text_printf(out, "%s did something", who);
		return;
	}
	/* "Started ..." reads "alice started ...". */
	text_printf(out, "%s %c%.*s", who, tolower((unsigned char)reply[0]),
	            (int)len - 1, reply + 1);
}
