/*
 * bot/config_prefs.c - bot.yaml's defaults of each user's settings (see
 * config_prefs.h). Every value is read by commands/prefs.c's
 * prefs_parse, the parser of the settings command, so that bot.yaml and
 * chat take the same spelling and say the same about a bad one.
 */
#include "config_prefs.h"

#include "../commands/prefs.h"

void
cfg_load_setting(struct loader *l, const struct key *s, const struct key *k,
                 const char *name)
{
	char why[PREFS_WHY_MAX], shown[CFG_SHOW_BUF];
	const char *v;

	if ((v = cfg_get_string(l, s, k)) == NULL)
		return;
	/* The why sentence quotes the value as it is: nothing in it may
	 * break the error line. */
	if (cfg_has_control(v))
		cfg_error(l, cfg_line_of(k->value), "%s.%s: %s contains control "
		          "characters", s->name, k->name,
		          cfg_show(v, true, shown, sizeof(shown)));
	else if (prefs_parse(&l->cfg->prefs, name, v, why, sizeof(why)) != 0)
		cfg_error(l, cfg_line_of(k->value), "%s.%s: %s", s->name, k->name,
		          why);
}

void
cfg_load_idle(struct loader *l, const struct key *s)
{
	enum { AFTER, ACTION, NKEYS };
	struct key keys[NKEYS] = {
		[AFTER] = { .name = "after" },
		[ACTION] = { .name = "action" },
	};

	if (!cfg_open_section(l, s, false, keys, NKEYS))
		return;
	cfg_load_setting(l, s, &keys[AFTER], "idle.after");
	cfg_load_setting(l, s, &keys[ACTION], "idle.action");
}

void
cfg_load_reminders(struct loader *l, const struct key *s)
{
	enum { RUNNING_OVER, START_BY, DIGEST, NKEYS };
	struct key keys[NKEYS] = {
		[RUNNING_OVER] = { .name = "running_over" },
		[START_BY] = { .name = "start_by" },
		[DIGEST] = { .name = "digest" },
	};

	if (!cfg_open_section(l, s, false, keys, NKEYS))
		return;
	cfg_load_setting(l, s, &keys[RUNNING_OVER], "reminders.running_over");
	cfg_load_setting(l, s, &keys[START_BY], "reminders.start_by");
	cfg_load_setting(l, s, &keys[DIGEST], "reminders.digest");
}
