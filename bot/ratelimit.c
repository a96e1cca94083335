/*
 * bot/ratelimit.c - a token bucket per sender in a fixed table. See
 * ratelimit.h. Plain C; depends on nothing but libc and keyslot.h.
 *
 * Tokens are counted in units of 1/RL_WINDOW_MS of a token, so that a
 * bucket refilling per_minute tokens a minute gains exactly per_minute
 * units a millisecond: integer arithmetic, no rounding, no drift.
 *
 * The table is searched from end to end at every call (keyslot.h: RL_SLOTS
 * hashes compared, a string only when its hash matches), and that same
 * pass finds the slot to evict: a few microseconds, and obviously right.
 */
#include "ratelimit.h"
#include "testing.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "keyslot.h"

/* One token, in units. */
#define RL_UNIT ((int64_t)RL_WINDOW_MS)

struct rl_slot {
	struct keyslot k;   /* key: ASCII lower case; stamp: rl->clock when
	                       last checked, the LRU order */
	int64_t tokens;     /* in units, -burst..burst * RL_UNIT (below 0: a
	                       debt, rl_charge) */
	int64_t filled_at;  /* ms the tokens were last brought up to date */
	int64_t replied_at; /* ms of the last RL_NOTIFY */
	int64_t logged_at;  /* ms of the last report */
	unsigned pending;   /* skipped since the last report */
};

struct ratelimit {
	unsigned per_minute; /* 0: no limit */
	unsigned burst;
	int64_t clock;       /* counts calls, for the LRU order */
	size_t used;         /* slots taken */
	struct rl_slot slots[RL_SLOTS];
};

struct ratelimit *
rl_new(void)
{
	struct ratelimit *rl = calloc(1, sizeof(*rl));

	if (rl != NULL)
		rl->burst = 1;
	return rl;
}

void
rl_free(struct ratelimit *rl)
{
	size_t i;

	if (rl == NULL)
		return;
	for (i = 0; i < RL_SLOTS; i++)
		free(rl->slots[i].k.key);
	free(rl);
}

void
rl_set(struct ratelimit *rl, unsigned per_minute, unsigned burst)
{
	size_t i;

	rl->per_minute = per_minute;
	rl->burst = burst > 0 ? burst : 1;
	for (i = 0; i < RL_SLOTS; i++)
		if (rl->slots[i].tokens > (int64_t)rl->burst * RL_UNIT)
			rl->slots[i].tokens = (int64_t)rl->burst * RL_UNIT;
}

/* Adds the tokens earned since s->filled_at, up to the bucket's size. A
 * clock that went back earns nothing. */
static void
refill(const struct ratelimit *rl, struct rl_slot *s, int64_t now)
{
	int64_t cap = (int64_t)rl->burst * RL_UNIT;
	int64_t elapsed = now - s->filled_at;

	if (elapsed <= 0)
		return;
	s->filled_at = now;
	/* Past this, any rate of at least 1 has filled the bucket, from a
	 * debt (rl_charge) too; below it (at most two bursts), elapsed *
	 * per_minute stays far from overflowing. */
	if (elapsed >= cap - s->tokens)
		s->tokens = cap;
	else
		s->tokens += elapsed * (int64_t)rl->per_minute;
	if (s->tokens > cap)
		s->tokens = cap;
}

/*
 * The slot of key, found or newly taken (evicting the least recently
 * used one when all are taken); NULL when out of memory.
 */
static struct rl_slot *
find_slot(struct ratelimit *rl, const char *key, int64_t now)
{
	struct rl_slot *victim;
	struct keyslot *found, *free_or_old;
	size_t len;
	uint64_t h = keyslot_hash(key, true, &len);
	char *copy;

	found = keyslot_find(rl->slots, RL_SLOTS, sizeof(rl->slots[0]), key,
	                     true, h, &free_or_old);
	if (found != NULL)
		return (struct rl_slot *)found;
	if ((copy = keyslot_copy(key, len, true)) == NULL)
		return NULL;
	victim = (struct rl_slot *)free_or_old;
	if (victim->k.key == NULL)
		rl->used++;
	free(victim->k.key);
	memset(victim, 0, sizeof(*victim));
	victim->k.key = copy;
	victim->k.hash = h;
	victim->tokens = (int64_t)rl->burst * RL_UNIT;
	victim->filled_at = now;
	/* As if the last reply and log line were a window ago. */
	victim->replied_at = now - RL_WINDOW_MS;
	victim->logged_at = now - RL_WINDOW_MS;
	return victim;
}

enum rl_verdict
rl_check(struct ratelimit *rl, const char *key, int64_t now, unsigned *report)
{
	struct rl_slot *s;

	*report = 0;
	if (rl->per_minute == 0 || strlen(key) > RL_KEY_MAX)
		return RL_PASS;
	if ((s = find_slot(rl, key, now)) == NULL)
		return RL_PASS;
	s->k.stamp = ++rl->clock;
	refill(rl, s, now);
	if (s->tokens >= RL_UNIT) {
		s->tokens -= RL_UNIT;
		return RL_PASS;
	}
	s->pending++;
	if (now - s->logged_at >= RL_WINDOW_MS) {
		*report = s->pending;
		s->pending = 0;
		s->logged_at = now;
	}
	if (now - s->replied_at >= RL_WINDOW_MS) {
		s->replied_at = now;
		return RL_NOTIFY;
	}
	return RL_DROP;
}

void
rl_charge(struct ratelimit *rl, const char *key, int64_t now, unsigned tokens)
{
	struct rl_slot *s;
	int64_t floor = -(int64_t)rl->burst * RL_UNIT;

	if (rl->per_minute == 0 || strlen(key) > RL_KEY_MAX ||
	    (s = find_slot(rl, key, now)) == NULL)
		return;
	s->k.stamp = ++rl->clock;
	refill(rl, s, now);
	s->tokens -= (int64_t)tokens * RL_UNIT;
	if (s->tokens < floor)
		s->tokens = floor;
}

void
rl_sweep(struct ratelimit *rl, int64_t now,
         void (*report)(const char *key, unsigned skipped, void *arg),
         void *arg)
{
	struct rl_slot *s;
	size_t i;

	for (i = 0; i < RL_SLOTS; i++) {
		s = &rl->slots[i];
		if (s->k.key == NULL || s->pending == 0 ||
		    now - s->logged_at < RL_WINDOW_MS)
			continue;
		report(s->k.key, s->pending, arg);
		s->pending = 0;
		s->logged_at = now;
	}
}

size_t
rl_size(const struct ratelimit *rl)
{
	return rl->used;
}
