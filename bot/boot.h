/*
 * bot/boot.h - what `timmy` and the bot it starts (timmy-bot) both do
 * first: no core dumps, the config read with every problem printed, the
 * database opened. Errors go to stderr; a daemon has no log yet here.
 */
#ifndef TIMMY_BOOT_H
#define TIMMY_BOOT_H

#include "../storage/store.h"
#include "config.h"

/* 0, or 1 after saying why core dumps could not be turned off. */
int boot_no_core_dumps(void);

/* The config in file, or NULL after printing every problem. */
struct cfg *boot_config(const char *file);

/* cfg's database, open and up to date, or NULL after saying why. */
store *boot_store(const struct cfg *cfg);

#endif
