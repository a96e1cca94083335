/*
 * bot/clock.h - the clocks bot/ reads: a monotonic one for waits, and the
 * wall clock that commands, presence and nudges count at.
 */
#ifndef TIMMY_CLOCK_H
#define TIMMY_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* Milliseconds on CLOCK_MONOTONIC: for timeouts, backoff and rates, which
 * must not jump when the wall clock is set. Only differences mean
 * anything. */
int64_t mono_ms(void);

/*
 * UTC epoch seconds: what a command, a presence change or a nudge counts
 * at. Every "now" of bot/ comes from here, never from time() directly, so
 * that the tests can move it.
 *
 * Test builds only (TIMMY_TEST_HOOKS, which `make asan` and the fuzz
 * build define): when the environment names a file in TIMMY_TEST_CLOCK,
 * its content, a number of seconds such as "5400" or "-60", is added to
 * the system clock; the file is read again whenever it changes, so a test
 * moves a running bot's clock by rewriting it. A missing or unreadable
 * file adds nothing. The normal build has none of this.
 */
int64_t wall_now(void);

/* True when wall_now is moved by a test clock (test builds only), so that
 * whatever waits for the wall clock looks at it often. */
bool wall_faked(void);

#endif
