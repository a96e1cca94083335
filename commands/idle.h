/*
 * commands/idle.h - the forgotten timer: what the bot makes of a user
 * leaving and coming back (their presence, as bot/whereabouts.c reads it),
 * in words and changes.
 *
 * When every resource of a user goes away or offline, the moment they
 * left is kept (idle_left). When they come back (idle_back), a timer that
 * ran all that time, for at least their idle.after, gets one question:
 * "acme has been running while you were away since 18:32 (2h 10m).
 * `stop` ends it at 18:32, `break` records 18:32-20:42 as a pause, `keep`
 * keeps it all." For IDLE_PROMPT_SECS the words stop, break and keep
 * answer it (commands/cmd.c hands them to cmd_idle_answer). With
 * idle.action stop the timer is stopped at the moment they left, without
 * asking, once they have been away idle.after (idle_check, or idle_back
 * when the check came too late), and they are told when they come back.
 * With idle.action off nothing of this happens.
 *
 * Dependency rule: like the rest of commands/, no XMPP and no clock: the
 * caller gives the time in ctx->now. Each function that changes data owns
 * its transaction (begun and ended as the dispatcher does for a command,
 * with ctx->msg_key, NULL from bot/), so the caller begins none.
 */
#ifndef TIMMY_IDLE_H
#define TIMMY_IDLE_H

#include <stdint.h>

#include "cmd.h"

/* How long the question about time away can be answered, in seconds. */
#define IDLE_PROMPT_SECS (30 * 60)

/*
 * ctx->owner left at since (taken as ctx->now when later): the moment is
 * kept, the earlier one when one is kept already. Nothing for a user who
 * never wrote. CMD_OK, or CMD_FAILED (store_errmsg says why).
 */
enum cmd_status idle_left(const struct cmd_ctx *ctx, int64_t since);

/*
 * ctx->owner is here again (a presence, or a command). Forgets when they
 * left and writes into reply (cleared first) what to tell them, or
 * nothing: the question about the timer that ran while they were away,
 * or (idle.action stop) what was stopped. CMD_OK; CMD_FAILED with reply
 * saying so (not meant to be sent unasked).
 */
enum cmd_status idle_back(const struct cmd_ctx *ctx, struct text *reply);

/*
 * Calls cb with each user (borrowed for the call) who is away with a
 * timer that ran since before they left and was not stopped for it yet:
 * the users idle_check may concern. cb must not use st.
 */
store_rc idle_candidates(store *st, store_owner_cb cb, void *arg);

/*
 * idle.action stop for ctx->owner, who is still away at ctx->now: once
 * they have been away for their idle.after, their running timer stops at
 * the moment they left (an undoable change, "stop acme (away since
 * 18:32)"), once per entry. CMD_OK (stopped or not due), CMD_FAILED.
 */
enum cmd_status idle_check(const struct cmd_ctx *ctx);

#endif
