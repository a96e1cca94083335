/*
 * storage/worked.c - the time an entry was worked: its span less its
 * breaks (pauses), computed from an entry as read (entries.c), without
 * the database. Reports, exports and replies all count it so.
 *
 * Dependency rule: libc and store.h only.
 */
#include <stdint.h>

#include "store.h"

int64_t
store_break_secs(const struct store_entry *e, int64_t from, int64_t to,
                 int64_t now)
{
	int64_t sum = 0, lo, hi;
	int i;

	for (i = 0; i < e->nbreaks && i < STORE_BREAKS_MAX; i++) {
		lo = e->breaks[i].start > from ? e->breaks[i].start : from;
		hi = e->breaks[i].stop != 0 ? e->breaks[i].stop : now;
		if (hi > to)
			hi = to;
		if (hi > lo)
			sum += hi - lo;
	}
	return sum;
}

int64_t
store_worked_secs(const struct store_entry *e, int64_t now)
{
	int64_t stop = e->stop != 0 ? e->stop : now;
	int64_t secs = stop - e->start - store_break_secs(e, e->start, stop,
	                                                  now);

	return secs > 0 ? secs : 0;
}
