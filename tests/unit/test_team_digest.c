/*
 * tests/unit/test_team_digest.c - storage/team_digest.c and
 * cmd_room_digest_take (commands/room_digest.c): a team's digest is
 * recorded once per local day, whoever asks again that day is told it
 * went (so a restarted bot does not post it twice), another day or team
 * is new, and the records age out after STORE_MSG_DAYS days.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_fixture.h"
#include "../../commands/room.h"
#include "../../commands/teams.h"

#define H 3600

/* 2025-06-02 (a Monday) 17:30 UTC and its day since 1970-01-01. */
#define T0 1748885400
#define DAY0 20241

static void
store_team_digest_record__is_new_once_per_team_and_day__and_prune_drops_rows_past_30_days(
	void **state)
{
	store *st = *state;
	int64_t removed = -1;

	assert_int_equal(store_team_digest_record(st, "web", DAY0, T0),
	                 STORE_OK);
	assert_int_equal(store_team_digest_record(st, "web", DAY0, T0 + H),
	                 STORE_CONFLICT);
	/* Another team the same day, the same team the next day: new. */
	assert_int_equal(store_team_digest_record(st, "ops", DAY0, T0),
	                 STORE_OK);
	assert_int_equal(store_team_digest_record(st, "web", DAY0 + 1,
	                                          T0 + 24 * H), STORE_OK);
	assert_int_equal(store_team_digest_prune(st, T0 + 30 * 24 * H,
	                                         &removed), STORE_OK);
	assert_int_equal(removed, 0);
	assert_int_equal(store_team_digest_prune(st, T0 + 30 * 24 * H + 1,
	                                         &removed), STORE_OK);
	assert_int_equal(removed, 2);
	assert_int_equal(store_team_digest_record(st, "web", DAY0 + 1, T0),
	                 STORE_CONFLICT);
}

static void
cmd_room_digest_take__gives_the_digest_once_a_day__and_conflict_after(
	void **state)
{
	char *members[] = { "alice@example.org" };
	char *projects[] = { "acme" };
	struct team t = { .name = "web", .members = members, .nmembers = 1,
	                  .projects = projects, .nprojects = 1, .digest = 1050 };
	store *st = *state;
	struct text out;

	text_init(&out, CMD_DIGEST_MAX);
	assert_int_equal(cmd_room_digest_take(st, &t, "UTC", DAY0, T0, &out),
	                 STORE_OK);
	assert_non_null(strstr(text_str(&out), "Team web today"));
	/* Asked again the same day (a restarted bot): nothing to post. */
	assert_int_equal(cmd_room_digest_take(st, &t, "UTC", DAY0, T0 + 60,
	                                      &out), STORE_CONFLICT);
	assert_string_equal(text_str(&out), "");
	assert_int_equal(cmd_room_digest_take(st, &t, "UTC", DAY0 + 1,
	                                      T0 + 24 * H, &out), STORE_OK);
	text_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(store_team_digest_record__is_new_once_per_team_and_day__and_prune_drops_rows_past_30_days, open_memory, close_store),
		cmocka_unit_test_setup_teardown(cmd_room_digest_take__gives_the_digest_once_a_day__and_conflict_after, open_memory, close_store),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
