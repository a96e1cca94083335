/*
 * bot/adhoc_forms.c - the XEP-0004 forms of the XEP-0050 command menus
 * (bot/adhoc.c runs the protocol): what each form shows, and the chat
 * command a submitted one stands for. Nothing here sends or runs
 * anything.
 *
 * The project picker: a list-single of the user's projects of the last
 * 30 days plus a text-single "other project" that wins when filled in, as
 * a list-single cannot take a new name.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../commands/cmd.h"
#include "../commands/team.h"
#include "access.h"
#include "adhoc_int.h"
#include "log.h"

#define ADHOC_RECENT_SECS (30 * 86400)
#define ADHOC_PROJECTS_MAX 20
#define ADHOC_TEAMS_MAX 16

static const char *const ranges[] = { "today", "week", "last week", "month",
	                              "last month", "year", NULL };
static const char *const groupings[] = { "project", "day", "tag", NULL };
/* "member" only when there is a team to group: the form of a user in
 * none keeps the list above. */
static const char *const team_groupings[] = { "project", "day", "tag",
	                                      "member", NULL };
static const char *const formats[] = { "csv", "json", "ical", NULL };

xmpp_stanza_t *
adhoc_field(xmpp_ctx_t *ctx, xmpp_stanza_t *x, const char *var,
            const char *type, const char *label, const char *desc,
            const char *value, const char *const *options)
{
	xmpp_stanza_t *f = adhoc_child(ctx, x, "field", NULL,
	                               (const char *[]){ "var", var,
	                                                 "type", type,
	                                                 "label", label,
	                                                 NULL });

	if (f == NULL)
		return NULL;
	/* XEP-0004 3.2 and its schema: desc, then values, then options. */
	if (desc)
		adhoc_text_child(ctx, f, "desc", desc);
	if (value)
		adhoc_text_child(ctx, f, "value", value);
	for (; options && *options; options++) {
		xmpp_stanza_t *o = adhoc_child(ctx, f, "option", NULL,
		                               (const char *[]){ "label",
		                                                 *options,
		                                                 NULL });
		if (o)
			adhoc_text_child(ctx, o, "value", *options);
	}
	return f;
}

struct recent {
	char names[ADHOC_PROJECTS_MAX][STORE_PROJECT_MAX + 1];
	const char *list[ADHOC_PROJECTS_MAX + 1];
	size_t n;
};

static void
add_recent(const char *project, int64_t secs, void *arg)
{
	struct recent *r = arg;

	(void)secs;
	if (r->n >= ADHOC_PROJECTS_MAX)
		return;
	snprintf(r->names[r->n], sizeof(r->names[r->n]), "%s", project);
	r->list[r->n] = r->names[r->n];
	r->n++;
	r->list[r->n] = NULL;
}

static void
start_form(struct bot *b, xmpp_stanza_t *x, const char *owner, int64_t now)
{
	static struct recent r;

	r.n = 0;
	r.list[0] = NULL;
	if (store_projects(b->st, owner, now - ADHOC_RECENT_SECS, now, now,
	                   add_recent, &r) != STORE_OK)
		log_error("projects of %s: %s", owner, store_errmsg(b->st));
	adhoc_text_child(b->ctx, x, "title", "Start a timer");
	adhoc_text_child(b->ctx, x, "instructions",
	                 "Pick a recent project or name another one.");
	adhoc_field(b->ctx, x, "project", "list-single", "Project", NULL,
	            r.n ? r.list[0] : NULL, r.list);
	adhoc_field(b->ctx, x, "other", "text-single", "Other project", NULL,
	            NULL, NULL);
	adhoc_field(b->ctx, x, "tags", "text-single",
	            "Tags (+design +billable)", NULL, NULL, NULL);
	adhoc_field(b->ctx, x, "note", "text-single", "Note", NULL, NULL,
	            NULL);
	adhoc_field(b->ctx, x, "start", "text-single",
	            "Started at (9:30, 15m ago; empty: now)", NULL, NULL, NULL);
}

/* The "Whose" choices: "mine" and "team NAME" for each team of ts
 * that bare is in (leads: that bare leads; admin: every team). */
struct whose {
	char names[ADHOC_TEAMS_MAX][ADHOC_LINE_MAX / 8];
	const char *list[ADHOC_TEAMS_MAX + 2];
	size_t n;
};

static void
whose_fill(struct whose *w, const struct teams *ts, const char *bare,
           bool leads, bool admin)
{
	size_t i;

	w->n = 0;
	w->list[0] = "mine";
	for (i = 0; ts && i < ts->n && w->n < ADHOC_TEAMS_MAX; i++) {
		const struct team *t = &ts->v[i];

		if (!admin && !team_has_lead(t, bare) &&
		    (leads || !team_has_member(t, bare)))
			continue;
		snprintf(w->names[w->n], sizeof(w->names[w->n]), "team %s",
		         t->name);
		w->list[w->n + 1] = w->names[w->n];
		w->n++;
	}
	w->list[w->n + 1] = NULL;
}

static void
whose_field(struct bot *b, xmpp_stanza_t *x, const struct whose *w)
{
	adhoc_field(b->ctx, x, "whose", "list-single", "Whose",
	            "Your own time, or a team's time on its shared projects",
	            "mine", w->list);
}

static void
report_form(struct bot *b, xmpp_stanza_t *x, const char *owner, int64_t now)
{
	static struct whose w;

	(void)now;
	whose_fill(&w, &b->cfg->teams, owner, false, false);
	adhoc_text_child(b->ctx, x, "title", "Report");
	if (w.n)
		whose_field(b, x, &w);
	adhoc_field(b->ctx, x, "range", "list-single", "Range", NULL, "week",
	            ranges);
	adhoc_field(b->ctx, x, "by", "list-single", "Grouped by", NULL,
	            "project", w.n ? team_groupings : groupings);
}

xmpp_stanza_t *
adhoc_field_named(xmpp_stanza_t *x, const char *var)
{
	xmpp_stanza_t *f;

	for (f = xmpp_stanza_get_children(x); f; f = xmpp_stanza_get_next(f)) {
		const char *name = xmpp_stanza_get_name(f);
		const char *fv = xmpp_stanza_get_attribute(f, "var");

		if (name != NULL && strcmp(name, "field") == 0 && fv != NULL &&
		    strcmp(fv, var) == 0)
			return f;
	}
	return NULL;
}

/* The text of the first <value/> of field f, in buf (empty when
 * absent). */
static const char *
field_value(xmpp_stanza_t *f, char *buf, size_t n)
{
	xmpp_stanza_t *v;
	char *t;

	buf[0] = '\0';
	v = f ? xmpp_stanza_get_child_by_name(f, "value") : NULL;
	if (v && (t = xmpp_stanza_get_text(v)) != NULL) {
		snprintf(buf, n, "%s", t);
		xmpp_free(xmpp_stanza_get_context(v), t);
	}
	return buf;
}

const char *
adhoc_value_of(xmpp_stanza_t *x, const char *var, char *buf, size_t n)
{
	return field_value(adhoc_field_named(x, var), buf, n);
}

void
adhoc_refill(xmpp_ctx_t *ctx, xmpp_stanza_t *x, xmpp_stanza_t *prior)
{
	char buf[ADHOC_LINE_MAX];
	xmpp_stanza_t *f, *v, *t;
	const char *var;

	for (f = xmpp_stanza_get_children(x); f; f = xmpp_stanza_get_next(f)) {
		var = xmpp_stanza_get_attribute(f, "var");
		if (var == NULL || adhoc_field_named(prior, var) == NULL)
			continue;
		field_value(adhoc_field_named(prior, var), buf, sizeof(buf));
		v = xmpp_stanza_get_child_by_name(f, "value");
		if (v != NULL && (t = xmpp_stanza_get_children(v)) != NULL)
			xmpp_stanza_set_text(t, buf);
		else if (v == NULL)
			adhoc_text_child(ctx, f, "value", buf);
		else if ((t = xmpp_stanza_new(ctx)) != NULL) {
			xmpp_stanza_set_text(t, buf);
			adhoc_adopt(v, t);
		}
	}
}

static bool
one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

/* Appends s to line (n bytes); false when it does not fit. */
static bool
append(char *line, size_t n, const char *s)
{
	size_t len = strlen(line);

	if (len + strlen(s) >= n)
		return false;
	memcpy(line + len, s, strlen(s) + 1);
	return true;
}

/* Appends project to line (n bytes), in quotes when it has a space, as
 * chat text takes it; false when it does not fit. */
static bool
append_project(char *line, size_t n, const char *project)
{
	const char *q = strchr(project, ' ') ? "\"" : "";

	return append(line, n, q) && append(line, n, project) &&
	       append(line, n, q);
}

/*
 * The start command of submitted form x into line: "start PROJECT
 * [+tag ...] [note] [at TIME | N ago]", the project quoted when it has a
 * space. NULL with why set when a value cannot be said as chat text.
 */
const char *
adhoc_start_line(xmpp_stanza_t *x, char *line, size_t n, const char **why)
{
	char project[STORE_PROJECT_MAX + 1], tags[512], note[512], when[64];
	char *tok, *save;

	if (*adhoc_value_of(x, "other", project, sizeof(project)) == '\0')
		adhoc_value_of(x, "project", project, sizeof(project));
	adhoc_value_of(x, "tags", tags, sizeof(tags));
	adhoc_value_of(x, "note", note, sizeof(note));
	adhoc_value_of(x, "start", when, sizeof(when));
	*why = NULL;
	if (project[0] == '\0')
		*why = "Name a project.";
	else if (strchr(project, '"') || strchr(tags, '"'))
		*why = "Projects and tags cannot hold a quote (\").";
	if (*why)
		return NULL;
	snprintf(line, n, "start ");
	append_project(line, n, project);
	for (tok = strtok_r(tags, " ,", &save); tok;
	     tok = strtok_r(NULL, " ,", &save)) {
		append(line, n, tok[0] == '+' ? " " : " +");
		append(line, n, tok);
	}
	if (note[0]) {
		append(line, n, " ");
		append(line, n, note);
	}
	if (when[0]) {
		size_t wl = strlen(when);
		bool ago = wl > 3 && strcmp(when + wl - 3, "ago") == 0;

		append(line, n, ago || strncmp(when, "at ", 3) == 0 ? " "
		                                                     : " at ");
		if (!append(line, n, when)) {
			*why = "Too long.";
			return NULL;
		}
	}
	return line;
}

/*
 * The "whose" of submitted form x into team: "" for mine (or none), the
 * NAME of "team NAME" else; false when it is neither, or NAME is not one
 * word of chat text (the chat command judges whether it is a team of
 * the user's).
 */
static bool
whose_team(xmpp_stanza_t *x, char *team, size_t n)
{
	char whose[ADHOC_LINE_MAX / 8];

	team[0] = '\0';
	if (*adhoc_value_of(x, "whose", whose, sizeof(whose)) == '\0' ||
	    strcmp(whose, "mine") == 0)
		return true;
	if (strncmp(whose, "team ", 5) != 0 || whose[5] == '\0' ||
	    strpbrk(whose + 5, " \t\"") != NULL)
		return false;
	snprintf(team, n, "%s", whose + 5);
	return true;
}

/* The report command of submitted form x into line: "report [team NAME]
 * RANGE by GROUPING", all from the form's lists (by member only for a
 * team, by tag only for one's own); NULL with why set otherwise. */
const char *
adhoc_report_line(xmpp_stanza_t *x, char *line, size_t n, const char **why)
{
	char range[32], by[32], team[ADHOC_LINE_MAX / 8];

	adhoc_value_of(x, "range", range, sizeof(range));
	adhoc_value_of(x, "by", by, sizeof(by));
	if (range[0] == '\0')
		snprintf(range, sizeof(range), "week");
	if (by[0] == '\0')
		snprintf(by, sizeof(by), "project");
	*why = NULL;
	if (!one_of(range, ranges) || !one_of(by, team_groupings) ||
	    !whose_team(x, team, sizeof(team)))
		*why = "Pick a range and a grouping from the lists.";
	else if (team[0] == '\0' && strcmp(by, "member") == 0)
		*why = "Grouped by member is for a team's report: pick a "
		       "team under Whose.";
	else if (team[0] != '\0' && strcmp(by, "tag") == 0)
		*why = "A team's report groups by member, project or day.";
	if (*why)
		return NULL;
	if (team[0])
		snprintf(line, n, "report team %s %s by %s", team, range, by);
	else
		snprintf(line, n, "report %s by %s", range, by);
	return line;
}

static void
export_form(struct bot *b, xmpp_stanza_t *x, const char *owner, int64_t now)
{
	static struct whose w;

	(void)now;
	whose_fill(&w, &b->cfg->teams, owner, true,
	           access_match(b->cfg->admins, b->cfg->nadmins, owner));
	adhoc_text_child(b->ctx, x, "title", "Export");
	adhoc_text_child(b->ctx, x, "instructions",
	                 "The file comes to you in a chat message: a link "
	                 "when your server offers HTTP upload, else the text "
	                 "itself, in parts.");
	adhoc_field(b->ctx, x, "format", "list-single", "Format",
	            "csv for spreadsheets, json for programs, ical for "
	            "calendars", "csv", formats);
	adhoc_field(b->ctx, x, "range", "text-single", "Range",
	            "As in chat: today, yesterday, week, last week, this "
	            "month, last month, year, a day (mon, 2025-06-02) or "
	            "DAY..DAY", "this month", NULL);
	adhoc_field(b->ctx, x, "project", "text-single", "Project",
	            "Only this project's entries; empty: all", NULL, NULL);
	if (w.n)
		whose_field(b, x, &w);
}

/*
 * The export command of submitted form x into line: "export FORMAT RANGE
 * [PROJECT]", or for a team "export FORMAT team NAME RANGE" (a team's
 * file has no project filter), the format from the form's list, the
 * range as typed (the chat command's parser judges it; empty: this
 * month), the project quoted when it has a space. NULL with why set
 * otherwise.
 */
const char *
adhoc_export_line(xmpp_stanza_t *x, char *line, size_t n, const char **why)
{
	char format[16], range[256], project[STORE_PROJECT_MAX + 1];
	char team[ADHOC_LINE_MAX / 8];

	if (*adhoc_value_of(x, "format", format, sizeof(format)) == '\0')
		snprintf(format, sizeof(format), "csv");
	if (*adhoc_value_of(x, "range", range, sizeof(range)) == '\0')
		snprintf(range, sizeof(range), "this month");
	adhoc_value_of(x, "project", project, sizeof(project));
	*why = NULL;
	if (!one_of(format, formats))
		*why = "Pick a format from the list.";
	else if (strchr(range, '"') || strchr(project, '"'))
		*why = "A range or a project cannot hold a quote (\").";
	else if (!whose_team(x, team, sizeof(team)))
		*why = "Pick whose time from the list.";
	else if (team[0] && project[0])
		*why = "A team's export has all of the team's projects: leave "
		       "Project empty.";
	if (*why)
		return NULL;
	snprintf(line, n, "export %s ", format);
	if (team[0] && (!append(line, n, "team ") || !append(line, n, team) ||
	                !append(line, n, " "))) {
		*why = "Too long.";
		return NULL;
	}
	if (!append(line, n, range) ||
	    (project[0] && (!append(line, n, " ") ||
	                    !append_project(line, n, project)))) {
		*why = "Too long.";
		return NULL;
	}
	return line;
}

/* ---- the forms, for bot/adhoc.c ---- */

/* Start completes with whatever the command answers; Report and Export
 * show their form again when refused (a grouping that needs a team, a
 * range the parser does not take, a file that cannot go now), so that
 * the user can correct it. */
const struct adhoc_form adhoc_form_start = { start_form, adhoc_start_line,
	                                     NULL, 0 };
const struct adhoc_form adhoc_form_report = { report_form, adhoc_report_line,
	                                      NULL, ADHOC_AGAIN };
const struct adhoc_form adhoc_form_export = { export_form, adhoc_export_line,
	                                      NULL,
	                                      ADHOC_AGAIN | ADHOC_FILE };
