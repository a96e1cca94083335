/*
 * commands/teams.h - teams, as bot.yaml's teams section gives them:
 * members, leads, the projects they share, and optionally a room
 * (XEP-0045) the bot sits in and a daily digest posted there.
 *
 * The configuration owns every string (bot/config.c reads and frees
 * them); commands/ only reads them, through cmd_ctx.teams.
 */
#ifndef TIMMY_TEAMS_H
#define TIMMY_TEAMS_H

#include <stdbool.h>
#include <stddef.h>

struct team {
	char *name;        /* the key under teams:, e.g. "web" */
	char **members;    /* bare JIDs, as written; nmembers >= 1 */
	size_t nmembers;
	char **leads;      /* bare JIDs; leads see their members' data */
	size_t nleads;
	char **projects;   /* the team's shared projects, in the order given;
	                      the first is what `start` in the room starts */
	size_t nprojects;
	char *room;        /* the room's bare JID, NULL: none */
	int digest;        /* minutes after midnight in defaults.timezone of
	                      the weekday digest posted in the room; -1: none */
};

struct teams {
	struct team *v;
	size_t n;
};

#endif
