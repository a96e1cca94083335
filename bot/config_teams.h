/*
 * bot/config_teams.h - bot.yaml's teams section (commands/teams.h): each
 * team's members, leads, shared projects, room and digest time. Private
 * to bot/config*.c; cfg_allowed, which the rest of bot/ uses, is in
 * config.h.
 */
#ifndef TIMMY_CONFIG_TEAMS_H
#define TIMMY_CONFIG_TEAMS_H

#include "config_yaml.h"

/* teams: NAME: {members, leads, projects, room, digest}; into
 * l->cfg->teams. Absent or null: no teams. */
void cfg_load_teams(struct loader *l, const struct key *s);

/* Frees every team of *t and leaves it empty. */
void cfg_teams_free(struct teams *t);

#endif
