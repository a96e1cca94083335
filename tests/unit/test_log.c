/*
 * tests/unit/test_log.c - counted log lines (log_tally_*): the first event
 * of a key is logged in full, the rest of its minute counted into one
 * line, and the table stays bounded. The log's stderr is read back from
 * a temporary file; the clock is injected.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../bot/log.h"
#include "../../bot/testing.h"

#define WHY "not in access.allow"
#define T0 1000000 /* ms; any monotonic clock */

/* What the log wrote while a test ran: stderr goes to a temporary file. */
struct capture {
	FILE *f;
	int saved;
	char text[1 << 16];
};

static int
setup(void **state)
{
	struct capture *c = calloc(1, sizeof(*c));

	if (c == NULL || (c->f = tmpfile()) == NULL)
		return -1;
	fflush(stderr);
	c->saved = dup(STDERR_FILENO);
	if (c->saved < 0 || dup2(fileno(c->f), STDERR_FILENO) < 0)
		return -1;
	log_set_level(LOG_INFO);
	*state = c;
	return 0;
}

static int
teardown(void **state)
{
	struct capture *c = *state;

	dup2(c->saved, STDERR_FILENO);
	close(c->saved);
	fclose(c->f);
	free(c);
	return 0;
}

/* Everything logged so far. */
static const char *
logged(struct capture *c)
{
	size_t n;

	rewind(c->f);
	n = fread(c->text, 1, sizeof(c->text) - 1, c->f);
	c->text[n] = '\0';
	return c->text;
}

static int
lines(struct capture *c)
{
	const char *p;
	int n = 0;

	for (p = logged(c); *p != '\0'; p++)
		n += *p == '\n';
	return n;
}

static void
log_tally__counts_rest_of_minute_into_one_line__when_sender_floods(
	void **state)
{
	struct capture *c = *state;
	struct log_tally *t = log_tally_new(WHY);
	int i;

	assert_non_null(t);
	assert_true(log_tally_first(t, "stranger@example.org", T0));
	for (i = 1; i < 300; i++)
		assert_false(log_tally_first(t, "stranger@example.org",
		                             T0 + i));
	/* Within the minute, nothing is written. */
	log_tally_sweep(t, T0 + LOG_TALLY_WINDOW_MS - 1);
	assert_int_equal(lines(c), 0);
	/* At its end, one line with the count. */
	log_tally_sweep(t, T0 + LOG_TALLY_WINDOW_MS);
	assert_int_equal(lines(c), 1);
	assert_non_null(strstr(logged(c), "info: ignored 299 more stanzas from "
	                       "stranger@example.org (" WHY ") in the last "
	                       "minute"));
	/* A quiet minute writes nothing and forgets the sender, whose next
	 * stanza is logged in full again. */
	log_tally_sweep(t, T0 + 2 * LOG_TALLY_WINDOW_MS);
	assert_int_equal(lines(c), 1);
	assert_int_equal(log_tally_size(t), 0);
	assert_true(log_tally_first(t, "stranger@example.org",
	                            T0 + 2 * LOG_TALLY_WINDOW_MS + 1));
	log_tally_free(t);
	assert_int_equal(lines(c), 1);
}

static void
log_tally__writes_one_line_a_minute__while_flood_goes_on(void **state)
{
	struct capture *c = *state;
	struct log_tally *t = log_tally_new(WHY);
	int64_t now;
	int full = 0;

	/* One stanza a second for ten minutes, swept every second. */
	for (now = T0; now < T0 + 10 * LOG_TALLY_WINDOW_MS; now += 1000) {
		full += log_tally_first(t, "stranger@example.org", now);
		log_tally_sweep(t, now);
	}
	assert_int_equal(full, 1);
	assert_int_equal(lines(c), 9);
	assert_non_null(strstr(logged(c), "ignored 59 more stanzas"));
	/* The count not yet written goes out when the tally is freed. */
	log_tally_free(t);
	assert_int_equal(lines(c), 10);
}

static void
log_tally__closes_window_at_next_event__when_not_swept(void **state)
{
	struct capture *c = *state;
	struct log_tally *t = log_tally_new(WHY);

	assert_true(log_tally_first(t, "a@x", T0));
	assert_false(log_tally_first(t, "a@x", T0 + 1));
	/* A minute later, no sweep since: the count is written, and this
	 * stanza starts the next window's count. */
	assert_false(log_tally_first(t, "a@x", T0 + LOG_TALLY_WINDOW_MS));
	assert_non_null(strstr(logged(c), "ignored 1 more stanza from a@x"));
	log_tally_sweep(t, T0 + 2 * LOG_TALLY_WINDOW_MS);
	assert_int_equal(lines(c), 2);
	/* A window without a second stanza: the next is logged in full. */
	assert_true(log_tally_first(t, "b@x", T0));
	assert_true(log_tally_first(t, "b@x", T0 + LOG_TALLY_WINDOW_MS));
	log_tally_free(t);
}

static void
log_tally__stays_bounded__when_many_senders(void **state)
{
	struct capture *c = *state;
	struct log_tally *t = log_tally_new(WHY);
	char key[32];
	int i;

	/* The first sender floods, then more senders than slots come. */
	assert_true(log_tally_first(t, "s0@x", T0));
	assert_false(log_tally_first(t, "s0@x", T0));
	for (i = 1; i <= LOG_TALLY_SLOTS; i++) {
		snprintf(key, sizeof(key), "s%d@x", i);
		assert_true(log_tally_first(t, key, T0 + i));
	}
	assert_int_equal(log_tally_size(t), LOG_TALLY_SLOTS);
	/* The oldest went, and its count was written as it went. */
	assert_non_null(strstr(logged(c), "ignored 1 more stanza from s0@x"));
	assert_true(log_tally_first(t, "s0@x", T0 + LOG_TALLY_SLOTS + 1));
	assert_int_equal(log_tally_size(t), LOG_TALLY_SLOTS);
	log_tally_free(t);
}

static void
log_tally__logs_everything__when_no_tally(void **state)
{
	(void)state;
	assert_true(log_tally_first(NULL, "a@x", T0));
	assert_true(log_tally_first(NULL, "a@x", T0));
	log_tally_sweep(NULL, T0);
	assert_int_equal(log_tally_size(NULL), 0);
	log_tally_free(NULL);
}

static void
log__drops_a_cut_character__when_message_is_too_long(void **state)
{
	struct capture *c = *state;
	char msg[3000];
	const char *line, *end;

	/* 2047 bytes of "a", then "é" across the 2048-byte limit. */
	memset(msg, 'a', 2047);
	snprintf(msg + 2047, sizeof(msg) - 2047, "\xc3\xa9 and more");
	log_info("%s", msg);
	line = logged(c);
	assert_non_null(end = strstr(line, "..."));
	assert_int_equal(end[3], '\n');
	assert_true(end - line > 2047 && end[-1] == 'a');
	assert_null(strchr(line, '\xc3'));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			log_tally__counts_rest_of_minute_into_one_line__when_sender_floods,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			log_tally__writes_one_line_a_minute__while_flood_goes_on,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			log_tally__closes_window_at_next_event__when_not_swept,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			log_tally__stays_bounded__when_many_senders,
			setup, teardown),
		cmocka_unit_test(log_tally__logs_everything__when_no_tally),
		cmocka_unit_test_setup_teardown(
			log__drops_a_cut_character__when_message_is_too_long,
			setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
