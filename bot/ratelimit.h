/*
 * bot/ratelimit.h - how fast each sender may have commands run: a token
 * bucket per bare JID, in a table of fixed size.
 *
 * Each sender has a bucket of `burst` tokens, full when first seen; a
 * command takes one, and tokens come back at `per_minute` a minute, never
 * above `burst`. A command that finds the bucket empty is not run. Of
 * those, the first in any minute gets a reply (RL_NOTIFY), the others are
 * dropped without one (RL_DROP), and at most one log line a minute per
 * sender counts them (the report argument of rl_check, then rl_sweep).
 *
 * Some commands cost more than one token: an export (RL_EXPORT_COST)
 * makes a file of up to 4 MiB and keeps the stream busy while it goes
 * out. rl_check takes the first token before anyone knows what the
 * command is; rl_charge takes the rest once it turns out to be one. The
 * bucket may then go below empty: that debt is paid back at the usual
 * rate before the sender's next command passes.
 *
 * Memory is bounded: RL_SLOTS senders are remembered; a new one takes
 * the place of the one heard from least recently, who starts with a full
 * bucket when heard from again. Evicting a sender's skipped count before
 * it was logged needs more than RL_SLOTS senders within a minute.
 *
 * Plain C, used by bot/ only, with no clock of its own: every call takes
 * the time in milliseconds (any monotonic clock), so tests drive it with
 * an injected one.
 */
#ifndef TIMMY_RATELIMIT_H
#define TIMMY_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

/* How many senders are remembered at once. */
#define RL_SLOTS 1024
/* The longest key kept (a bare JID: RFC 7622 localpart '@' domainpart);
 * longer keys are never limited. */
#define RL_KEY_MAX 3071
/* The window of the reply and of the log line: one of each per minute. */
#define RL_WINDOW_MS 60000
/* The tokens an export takes, its command's own included. */
#define RL_EXPORT_COST 5

struct ratelimit;

enum rl_verdict {
	RL_PASS,   /* run the command */
	RL_NOTIFY, /* over the limit: skip it and tell the sender, the first
	              time in RL_WINDOW_MS */
	RL_DROP    /* over the limit: skip it without a word */
};

/* A new limiter that limits nothing until rl_set; the caller frees it
 * with rl_free. NULL when out of memory. */
struct ratelimit *rl_new(void);

/* Frees rl and every key it holds. NULL is fine. */
void rl_free(struct ratelimit *rl);

/*
 * Sets the rate: per_minute commands a minute (0: no limit at all, every
 * call passes and nothing is remembered) after a first burst of `burst`
 * (at least 1). Takes effect at once; buckets fuller than the new burst
 * are cut down to it.
 */
void rl_set(struct ratelimit *rl, unsigned per_minute, unsigned burst);

/*
 * Takes a token from key's bucket at time now (ms); key is a bare JID,
 * compared ignoring ASCII case. Returns the verdict. *report is set to
 * the number of skipped commands to log now (this one included), or 0
 * when this is not the time: at most once per RL_WINDOW_MS per key, the
 * rest is for rl_sweep. Out of memory, a key passes.
 */
enum rl_verdict rl_check(struct ratelimit *rl, const char *key, int64_t now,
                         unsigned *report);

/*
 * Takes tokens more from key's bucket at time now, for a command that
 * cost more than the one token rl_check took. The bucket may go below
 * empty, down to minus one burst at most. Nothing happens without a limit
 * (per_minute 0), for an overlong key, or out of memory.
 */
void rl_charge(struct ratelimit *rl, const char *key, int64_t now,
               unsigned tokens);

/*
 * Calls report(key, skipped, arg) for every key with skipped commands not
 * logged yet whose last log line is at least RL_WINDOW_MS old, and starts
 * a new window for it. Call it every second or so.
 */
void rl_sweep(struct ratelimit *rl, int64_t now,
              void (*report)(const char *key, unsigned skipped, void *arg),
              void *arg);

#endif
