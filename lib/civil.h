/*
 * lib/civil.h - the proleptic Gregorian calendar: leap years, month
 * lengths, days since the epoch. Pure arithmetic, no time zones and no
 * clock. Plain C; includes nothing of the project.
 */
#ifndef TIMMY_CIVIL_H
#define TIMMY_CIVIL_H

#include <stdbool.h>
#include <stdint.h>

/* True when year y has a February 29th. */
bool civil_leap_year(int y);

/* The days in month m (1-12) of year y. */
int civil_days_in_month(int y, int m);

/* Days from 1970-01-01 to y-m-d (m 1-12, d 1-31), negative before it
 * (H. Hinnant's days_from_civil). */
int64_t civil_days_from(int64_t y, int m, int d);

#endif
