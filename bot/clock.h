/*
 * bot/clock.h - the clock bot/ measures waits with.
 */
#ifndef TIMMY_CLOCK_H
#define TIMMY_CLOCK_H

#include <stdint.h>

/* Milliseconds on CLOCK_MONOTONIC: for timeouts, backoff and rates, which
 * must not jump when the wall clock is set. Only differences mean
 * anything. */
int64_t mono_ms(void);

#endif
