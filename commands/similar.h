/*
 * commands/similar.h - how close two words are, for "Did you mean ...?"
 * and for noticing a new project that looks like a mistyped old one.
 *
 * Dependency rule: plain C and storage's name folding (store_name_fold),
 * so that "close" agrees with what storage takes as one name.
 */
#ifndef TIMMY_SIMILAR_H
#define TIMMY_SIMILAR_H

/* Names longer than this (in characters) are never taken as close. */
#define SIM_LEN_MAX 64

/*
 * The Damerau-Levenshtein distance (optimal string alignment: an insert,
 * a delete, a change or a swap of two neighbours each counts 1) between
 * a and b, compared without regard to case as names are; max + 1 when
 * it is more than max (or a word is longer than SIM_LEN_MAX characters).
 */
int sim_distance(const char *a, const char *b, int max);

/*
 * How far typed may be from a known word and still be taken as a typo of
 * it: 1 for words of up to 4 characters, 2 for longer ones, and never as
 * far as the length of typed itself ("x" is no typo of "tz").
 */
int sim_allowed(const char *typed);

#endif
