/*
 * bot/testing.h - what the unit tests look at that the program never
 * does: sizes of bounded tables and names only the tests print. Kept out
 * of the modules' own headers so that nothing in bot/ comes to rely on
 * them. Only tests/ and the files defining them include this.
 */
#ifndef TIMMY_TESTING_H
#define TIMMY_TESTING_H

#include <stddef.h>
#include <strophe.h>

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

/* The chat command a submitted Start or Report form (XEP-0004 x of
 * type submit) stands for, into line (n bytes); NULL with *why set
 * when the form cannot be said as chat text (bot/adhoc.c). */
const char *adhoc_start_line(xmpp_stanza_t *x, char *line, size_t n,
                             const char **why);
const char *adhoc_report_line(xmpp_stanza_t *x, char *line, size_t n,
                              const char **why);

#endif
