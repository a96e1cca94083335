/*
 * bot/config_teams.c - bot.yaml's teams section (config_teams.h):
 *
 *   teams:
 *     web:
 *       members: ["alice@example.org", "bob@partner.net"]
 *       leads: ["carol@example.org"]
 *       projects: [acme, "acme website"]
 *       room: web@conference.example.org
 *       digest: "17:30"
 *
 * Every problem is reported as "FILE:LINE: teams.NAME.key: problem", and
 * checking goes on. Members and leads are people, not patterns: a
 * "*@domain" would let a whole server see a team's time. The team's
 * members and leads are allowed to use the bot as if they were in
 * access.allow (cfg_allowed).
 */
#include "config_teams.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../storage/store.h"
#include "access.h"

/* The longest team name: it is typed in `report team NAME`. */
#define TEAM_NAME_MAX 64

enum team_key { MEMBERS, LEADS, PROJECTS, ROOM, DIGEST, NKEYS };

/* True when v is a bare JID (name@domain), not a pattern. */
static bool
is_bare_jid(const char *v)
{
	return access_pattern_valid(v) && strncmp(v, "*@", 2) != 0 &&
	       strchr(v, '@') != NULL;
}

/* A cfg_item_check for members and leads: a bare JID. */
static bool
jid_ok(const char *v, const char *shown, char *why, size_t n)
{
	if (is_bare_jid(v))
		return true;
	snprintf(why, n, "%s is not a bare JID (expected name@domain, without "
	         "a /resource or *)", shown);
	return false;
}

/* A cfg_item_check for projects: a name commands/words.c takes as one
 * (a tag begins with '+'), no longer than storage keeps. */
static bool
project_ok(const char *v, const char *shown, char *why, size_t n)
{
	if (cfg_has_control(v))
		snprintf(why, n, "%s contains control characters", shown);
	else if (strlen(v) > STORE_PROJECT_MAX)
		snprintf(why, n, "%s is longer than %d bytes", shown,
		         STORE_PROJECT_MAX);
	else if (v[0] == '+' || v[0] == '@' || v[0] == ' ')
		snprintf(why, n, "%s must not begin with '+', '@' or a space",
		         shown);
	else
		return true;
	return false;
}

/* Minutes after midnight of "H:MM" or "HH:MM", or -1. */
static int
parse_digest(const char *v)
{
	int h = 0, i = 0;

	if (v[0] < '0' || v[0] > '9')
		return -1;
	h = v[i++] - '0';
	if (v[i] >= '0' && v[i] <= '9')
		h = h * 10 + (v[i++] - '0');
	if (v[i++] != ':' || v[i] < '0' || v[i] > '5' || v[i + 1] < '0' ||
	    v[i + 1] > '9' || v[i + 2] != '\0' || h > 23)
		return -1;
	return h * 60 + (v[i] - '0') * 10 + (v[i + 1] - '0');
}

/* room and digest of team section s into t. */
static void
read_room_and_digest(struct loader *l, const struct key *s,
                     const struct key *keys, struct team *t)
{
	char shown[CFG_SHOW_BUF];
	const char *v;

	if ((v = cfg_get_string(l, s, &keys[ROOM])) != NULL) {
		if (!is_bare_jid(v))
			cfg_error(l, cfg_line_of(keys[ROOM].value),
			          "%s.room: %s is not a room's bare JID (expected "
			          "name@conference.domain)", s->name,
			          cfg_show(v, true, shown, sizeof(shown)));
		else
			t->room = cfg_strdup(l, v);
	}
	if ((v = cfg_get_string(l, s, &keys[DIGEST])) != NULL &&
	    (t->digest = parse_digest(v)) == -1)
		cfg_error(l, cfg_line_of(keys[DIGEST].value),
		          "%s.digest: %s is not a time of day (expected HH:MM, "
		          "e.g. \"17:30\")", s->name,
		          cfg_show(v, true, shown, sizeof(shown)));
}

/* Team value (its section named "teams.NAME" in s) into t. */
static void
read_team(struct loader *l, const struct key *s, struct team *t)
{
	struct key keys[NKEYS] = {
		[MEMBERS] = { .name = "members" },
		[LEADS] = { .name = "leads" },
		[PROJECTS] = { .name = "projects" },
		[ROOM] = { .name = "room" },
		[DIGEST] = { .name = "digest" },
	};
	int before;

	t->digest = -1;
	if (cfg_is_null(s->value) || s->value->type != YAML_MAPPING_NODE) {
		cfg_error(l, s->line, "%s: expected a mapping (members, leads, "
		          "projects, room, digest), got %s", s->name,
		          cfg_kind_of(s->value));
		return;
	}
	cfg_walk_mapping(l, s->name, s->value, keys, NKEYS);
	if (!cfg_present(&keys[MEMBERS]))
		cfg_missing(l, s, &keys[MEMBERS]);
	else {
		before = l->nerr;
		cfg_get_list(l, s, &keys[MEMBERS], "JIDs", jid_ok, &t->members,
		             &t->nmembers);
		if (t->nmembers == 0 && l->nerr == before)
			cfg_error(l, cfg_line_of(keys[MEMBERS].value),
			          "%s.members: the list is empty (expected at "
			          "least one name@domain)", s->name);
	}
	if (cfg_present(&keys[LEADS]))
		cfg_get_list(l, s, &keys[LEADS], "JIDs", jid_ok, &t->leads,
		             &t->nleads);
	if (cfg_present(&keys[PROJECTS]))
		cfg_get_list(l, s, &keys[PROJECTS], "project names",
		             project_ok, &t->projects, &t->nprojects);
	read_room_and_digest(l, s, keys, t);
}

/* True when name may name a team: one word of letters, digits, '-',
 * '_' and '.', at most TEAM_NAME_MAX bytes. */
static bool
team_name_valid(const char *name, size_t len)
{
	size_t i;

	if (len == 0 || len > TEAM_NAME_MAX || strlen(name) != len)
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

/* The line where a team named name (ignoring case) was already read, or
 * 0. */
static size_t
seen_at(const struct teams *ts, const size_t *lines, const char *name)
{
	size_t i;

	for (i = 0; i < ts->n; i++)
		if (strcasecmp(ts->v[i].name, name) == 0)
			return lines[i];
	return 0;
}

void
cfg_load_teams(struct loader *l, const struct key *s)
{
	struct teams *ts = &l->cfg->teams;
	yaml_node_pair_t *pair;
	char shown[CFG_SHOW_BUF], sect[TEAM_NAME_MAX + 8];
	size_t count, *lines, first;

	if (s->value == NULL || cfg_is_null(s->value))
		return;
	if (s->value->type != YAML_MAPPING_NODE) {
		cfg_error(l, s->line, "teams: expected a mapping of teams, got %s",
		          cfg_kind_of(s->value));
		return;
	}
	count = (size_t)(s->value->data.mapping.pairs.top -
	                 s->value->data.mapping.pairs.start);
	if (count == 0)
		return;
	ts->v = calloc(count, sizeof(*ts->v));
	lines = calloc(count, sizeof(*lines));
	if (ts->v == NULL || lines == NULL) {
		free(lines);
		cfg_error(l, 0, "out of memory");
		return;
	}
	for (pair = s->value->data.mapping.pairs.start;
	     pair < s->value->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(l->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(l->doc, pair->value);
		struct key ks;
		const char *name;

		if (k == NULL || v == NULL)
			continue;
		name = k->type == YAML_SCALAR_NODE
		               ? (const char *)k->data.scalar.value : "?";
		if (k->type != YAML_SCALAR_NODE ||
		    !team_name_valid(name, k->data.scalar.length)) {
			cfg_error(l, cfg_line_of(k), "teams.%s: a team's name is "
			          "one word of letters, digits, '-', '_' or '.' "
			          "(at most %d bytes)",
			          cfg_show(name, false, shown, sizeof(shown)),
			          TEAM_NAME_MAX);
			continue;
		}
		if ((first = seen_at(ts, lines, name)) != 0) {
			cfg_error(l, cfg_line_of(k), "teams.%s: the team is named "
			          "twice (first at line %zu)", name, first);
			continue;
		}
		snprintf(sect, sizeof(sect), "teams.%s", name);
		ks = (struct key){ .name = sect, .value = v,
		                   .line = cfg_line_of(k) };
		if ((ts->v[ts->n].name = cfg_strdup(l, name)) == NULL)
			continue;
		lines[ts->n] = ks.line;
		read_team(l, &ks, &ts->v[ts->n++]);
	}
	free(lines);
}

void
cfg_teams_free(struct teams *ts)
{
	size_t i;

	for (i = 0; i < ts->n; i++) {
		struct team *t = &ts->v[i];

		free(t->name);
		cfg_free_list(t->members, t->nmembers);
		cfg_free_list(t->leads, t->nleads);
		cfg_free_list(t->projects, t->nprojects);
		free(t->room);
	}
	free(ts->v);
	ts->v = NULL;
	ts->n = 0;
}

bool
cfg_allowed(const struct cfg *cfg, const char *bare)
{
	size_t i;

	if (access_match(cfg->allow, cfg->nallow, bare))
		return true;
	for (i = 0; i < cfg->teams.n; i++) {
		const struct team *t = &cfg->teams.v[i];

		if (access_match(t->members, t->nmembers, bare) ||
		    access_match(t->leads, t->nleads, bare))
			return true;
	}
	return false;
}
