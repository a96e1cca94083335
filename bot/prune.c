/*
 * bot/prune.c - dropping what is past its age (prune.h).
 */
#include "prune.h"

#include "log.h"

/* One kind of aged row: its store function, and its name in the log. */
static const struct aged {
	store_rc (*prune)(store *st, int64_t now, int64_t *removed);
	const char *what;
} aged[] = {
	{ store_msg_prune, "message keys" },
	/* A nudge sent names a day or an entry that is long past. */
	{ store_nudge_prune, "nudge records" },
	{ store_team_digest_prune, "team digest records" },
};

void
prune_aged(store *st, int64_t now)
{
	int64_t removed;
	size_t i;

	for (i = 0; i < sizeof(aged) / sizeof(aged[0]); i++) {
		if (aged[i].prune(st, now, &removed) != STORE_OK)
			log_error("pruning %s: %s", aged[i].what,
			          store_errmsg(st));
		else if (removed > 0)
			log_info("dropped %lld %s older than %d days",
			         (long long)removed, aged[i].what,
			         STORE_MSG_DAYS);
	}
}
