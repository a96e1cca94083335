/*
 * commands/settings_say.h - what the value of a setting means, in the
 * words of a reply: "when your timer runs while you are away for 30m, I
 * ask you about it when you are back." Used by the settings command
 * (commands/cmd_settings.c).
 */
#ifndef TIMMY_SETTINGS_SAY_H
#define TIMMY_SETTINGS_SAY_H

#include "prefs.h"
#include "../lib/text.h"

/* Appends to out one sentence (lower case first, ending with a full
 * stop) on what setting name (one of prefs_names) does with the values
 * of *p; nothing for a name that is none. */
void settings_say_meaning(const struct prefs *p, const char *name,
                          struct text *out);

#endif
