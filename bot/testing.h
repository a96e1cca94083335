/*
 * bot/testing.h - what the unit tests look at that the program never
 * does: sizes of bounded tables and names only the tests print. Kept out
 * of the modules' own headers so that nothing in bot/ comes to rely on
 * them. Only tests/ and the files defining them include this.
 */
#ifndef TIMMY_TESTING_H
#define TIMMY_TESTING_H

#include <stddef.h>

#include "config.h"
#include "log.h"
#include "ratelimit.h"

/* "auto", "off" (bot/config.c). */
const char *cfg_upload_name(enum cfg_upload upload);

/* How many keys t holds now, at most LOG_TALLY_SLOTS; 0 for NULL
 * (bot/log.c). */
size_t log_tally_size(const struct log_tally *t);

/* How many senders rl remembers now, at most RL_SLOTS (bot/ratelimit.c). */
size_t rl_size(const struct ratelimit *rl);

#endif
