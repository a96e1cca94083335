/*
 * lib/civil.c - Gregorian calendar arithmetic. See civil.h.
 * Plain C; no dependencies.
 */
#include "civil.h"

bool
civil_leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
civil_days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30,
	                            31, 31, 30, 31, 30, 31 };

	return m == 2 && civil_leap_year(y) ? 29 : days[m - 1];
}

int64_t
civil_days_from(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	/* Years start in March, so February's leap day ends the year. */
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}
