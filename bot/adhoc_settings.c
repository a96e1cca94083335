/*
 * bot/adhoc_settings.c - the Settings form of the command menus
 * (bot/adhoc.c runs the protocol): one field per setting, in the order of
 * prefs_names, holding the user's value as prefs_format spells it, with
 * what it takes (prefs_accepts) as its XEP-0004 <desc/>; and the
 * `settings NAME VALUE` commands a submitted one stands for, which run as
 * chat messages would.
 *
 * Every value of a submission is read with prefs_parse before any command
 * runs, so that a bad value refuses the whole form and changes nothing. A
 * value that reads as the current one changes nothing either (the same
 * setting spelled otherwise, "ASK" for "ask"); an emptied field, or
 * "default", goes back to the default. The commands carry prefs_format's
 * spelling of each value, never the text as typed.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../commands/prefs.h"
#include "adhoc_int.h"
#include "log.h"

static const char *const on_off[] = { "on", "off", NULL };
static const char *const idle_actions[] = { "ask", "stop", "off", NULL };
static const char *const hours_styles[] = { "hm", "decimal", NULL };
/* Every value of rounding, as prefs_format spells it. */
static const char *const roundings[] = {
	"none", "6m up", "6m nearest", "15m up", "15m nearest", "30m up",
	"30m nearest", NULL
};

/* How the form shows a setting: a label, and the values of one that is
 * a choice among a few words (list-single; else text-single). A setting
 * missing here shows as text-single under its own name. */
static const struct {
	const char *name;
	const char *label;
	const char *const *options;
} shown[] = {
	{ "idle.after", "Away this long means gone", NULL },
	{ "idle.action", "A timer left running while gone", idle_actions },
	{ "reminders", "Reminders", on_off },
	{ "reminders.running_over", "Remind of a timer running over", NULL },
	{ "reminders.start_by", "Remind to start by", NULL },
	{ "reminders.digest", "Digest", NULL },
	{ "workdays", "Working days", NULL },
	{ "workhours", "Working hours", NULL },
	{ "roster", "Timer in the contact list", on_off },
	{ "hours", "Durations in reports", hours_styles },
	{ "rounding", "Rounding per entry", roundings },
};

static void
settings_form(struct bot *b, xmpp_stanza_t *x, const char *owner,
              int64_t now)
{
	char v[PREFS_VALUE_MAX];
	const char *label;
	const char *const *options;
	struct prefs p;
	size_t i, k;

	(void)now;
	if (prefs_load(b->st, owner, &b->cfg->prefs, &p) != STORE_OK)
		log_error("settings of %s: %s", owner, store_errmsg(b->st));
	adhoc_text_child(b->ctx, x, "title", "Settings");
	adhoc_text_child(b->ctx, x, "instructions",
	                 "Change any of them; an empty field goes back to "
	                 "the default. In chat: settings NAME VALUE.");
	for (i = 0; prefs_names[i] != NULL; i++) {
		label = prefs_names[i];
		options = NULL;
		for (k = 0; k < sizeof(shown) / sizeof(shown[0]); k++)
			if (strcmp(shown[k].name, prefs_names[i]) == 0) {
				label = shown[k].label;
				options = shown[k].options;
			}
		prefs_format(&p, prefs_names[i], v, sizeof(v));
		adhoc_field(b->ctx, x, prefs_names[i],
		            options ? "list-single" : "text-single", label,
		            prefs_accepts(prefs_names[i]), v, options);
	}
}

/* True when s holds nothing but spaces. */
static bool
blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

/* Appends "name: sentence" to why (n bytes), a line each. */
static void
say_refused(char *why, size_t n, const char *name, const char *sentence)
{
	size_t len = strlen(why);

	if (len < n)
		snprintf(why + len, n - len, "%s%s: %s", len ? "\n" : "", name,
		         sentence);
}

/*
 * The change setting name of the submitted form x asks for, for a user
 * whose settings are cur over the defaults dflt: into line (n bytes)
 * "settings NAME VALUE", "settings NAME default", or "" for none. -1, with
 * prefs_parse's sentence appended to why (whyn bytes), when the value is
 * refused.
 */
static int
setting_line(xmpp_stanza_t *x, const char *name, const struct prefs *cur,
             const struct prefs *dflt, char *line, size_t n, char *why,
             size_t whyn)
{
	char typed[ADHOC_LINE_MAX], was[PREFS_VALUE_MAX], will[PREFS_VALUE_MAX];
	char sentence[PREFS_WHY_MAX];
	struct prefs next = *cur;
	bool reset;

	line[0] = '\0';
	if (adhoc_field_named(x, name) == NULL)
		return 0; /* not in the form: left as it is */
	adhoc_value_of(x, name, typed, sizeof(typed));
	reset = blank(typed) || strcasecmp(typed, "default") == 0;
	if (reset) {
		next = *dflt;
	} else if (prefs_parse(&next, name, typed, sentence,
	                       sizeof(sentence)) != 0) {
		say_refused(why, whyn, name, sentence);
		return -1;
	}
	prefs_format(cur, name, was, sizeof(was));
	prefs_format(&next, name, will, sizeof(will));
	if (strcmp(was, will) != 0)
		snprintf(line, n, "settings %s %s", name,
		         reset ? "default" : will);
	return 0;
}

bool
adhoc_settings_lines(xmpp_stanza_t *x, const struct prefs *cur,
                     const struct prefs *dflt, struct adhoc_lines *out,
                     char *why, size_t n)
{
	char line[ADHOC_LINE_MAX];
	bool ok = true;
	size_t i;

	out->n = 0;
	why[0] = '\0';
	for (i = 0; prefs_names[i] != NULL; i++) {
		if (setting_line(x, prefs_names[i], cur, dflt, line,
		                 sizeof(line), why, n) != 0) {
			ok = false;
		} else if (line[0] != '\0' && out->n == ADHOC_LINES_MAX) {
			snprintf(why, n, "Too many settings at once.");
			ok = false;
		} else if (line[0] != '\0') {
			memcpy(out->line[out->n++], line, sizeof(line));
		}
	}
	if (!ok)
		out->n = 0; /* one refused value: nothing of this form runs */
	return ok;
}

static bool
settings_submit(struct bot *b, const char *owner, xmpp_stanza_t *x,
                struct adhoc_lines *out, char *why, size_t n)
{
	struct prefs cur;

	if (prefs_load(b->st, owner, &b->cfg->prefs, &cur) != STORE_OK) {
		log_error("settings of %s: %s", owner, store_errmsg(b->st));
		snprintf(why, n, "Sorry, I could not read your settings. "
		                 "Please try again.");
		out->n = 0;
		return false;
	}
	return adhoc_settings_lines(x, &cur, &b->cfg->prefs, out, why, n);
}

/* A refused value shows the form again, with what was typed. */
const struct adhoc_form adhoc_form_settings = { settings_form, NULL,
	                                        settings_submit, ADHOC_AGAIN };
