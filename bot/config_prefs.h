/*
 * bot/config_prefs.h - the keys of bot.yaml that give the defaults of
 * each user's settings (commands/prefs.h): the sections idle and
 * reminders, and workdays, workhours, roster, hours and rounding of
 * defaults (bot/config.c reads those with cfg_load_setting). Private to
 * bot/config*.c.
 */
#ifndef TIMMY_CONFIG_PREFS_H
#define TIMMY_CONFIG_PREFS_H

#include "config_yaml.h"

/* idle: after, action; into l->cfg->prefs. */
void cfg_load_idle(struct loader *l, const struct key *s);

/* reminders: running_over, start_by, digest; into l->cfg->prefs. */
void cfg_load_reminders(struct loader *l, const struct key *s);

/*
 * Key k of section s (absent: nothing) as the setting name of
 * commands/prefs.h, read by prefs_parse into l->cfg->prefs; a value it
 * refuses is reported as "FILE:LINE: s.k: why". For defaults' workdays,
 * workhours and roster, whose setting has the key's name.
 */
void cfg_load_setting(struct loader *l, const struct key *s,
                      const struct key *k, const char *name);

#endif
