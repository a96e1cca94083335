/*
 * commands/team.h - teams as commands use them (commands/team.c): who is
 * in which team, and the team's view of its members' time. Only time on
 * a team's shared projects is ever shown to others: a member's other
 * projects stay theirs. A member the configuration no longer lists is in
 * no team, so their time leaves the team's reports at once.
 *
 * JIDs compare ignoring ASCII case, as bot/access.c matches them.
 */
#ifndef TIMMY_TEAM_H
#define TIMMY_TEAM_H

#include <stdbool.h>

#include "cmd_int.h"
#include "teams.h"

/* True when bare is one of t's members. */
bool team_has_member(const struct team *t, const char *bare);

/* True when bare is one of t's leads. */
bool team_has_lead(const struct team *t, const char *bare);

/* True when bare is a member or lead of a team of ts (NULL: none). */
bool teams_include(const struct teams *ts, const char *bare);

/* True when lead leads a team of ts of which user is a member. */
bool teams_lead_of(const struct teams *ts, const char *lead,
                   const char *user);

/* t's spelling of project when t shares it (case aside), else NULL. */
const char *team_project(const struct team *t, const char *project);

/* True when lead leads some team of ts. */
bool teams_leads_any(const struct teams *ts, const char *lead);

/* The first team of ts that user is a member of and that shares project
 * (case aside), or NULL. */
const struct team *teams_sharing(const struct teams *ts, const char *user,
                                 const char *project);

/*
 * Reads "team [NAME]" at word *i of args (the word "team" itself already
 * seen there): the team named NAME among the sender's, or their only
 * one; leads_only: only a team the sender leads (an admin may name any).
 * Advances *i past what it read. NULL with why in reply when there is no
 * such team.
 */
const struct team *team_pick(const struct cmd_ctx *ctx,
                             const struct cmd_args *args, int *i,
                             bool leads_only, struct text *reply);

/*
 * What a team export lists, in its order: for each of t's members, their
 * entries on each chunk of at most STORE_FILTER_MAX of t's shared
 * projects (those of q's filter among them, when it names projects; its
 * tags as well). cb gets each (member as the store names them, filter),
 * both borrowed for the call, and returns 0 to go on. -1 with why in
 * reply when q names a project the team does not share (or when cb
 * returned non-zero, having said why); else 0.
 */
typedef int (*team_part_cb)(const char *owner, const struct store_filter *f,
                            void *arg);
int team_parts(const struct team *t, const struct cmd_query *q,
               team_part_cb cb, void *arg, struct text *reply);

/* report team [NAME] [RANGE] [PROJECT|+tag ...] [by member|project|day],
 * from word first of args (the word after "team"). */
enum cmd_status cmd_team_report(const struct cmd_ctx *ctx,
                                const struct cmd_args *args, int first,
                                struct text *reply);

/* team [NAME]: who of the sender's teams tracks what now, and today's
 * time per member on the team's projects. Also "who" for non-admins. */
enum cmd_status cmd_team(const struct cmd_ctx *ctx,
                         const struct cmd_args *args, struct text *reply);

/* The room team_mark needs. */
#define TEAM_MARK_MAX 80

/* The " (team web)" of a project the sender shares with a team, into buf
 * (n bytes); "" when none. */
void team_mark(const struct cmd_ctx *ctx, const char *project, char *buf,
               size_t n);

#endif
