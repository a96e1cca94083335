/*
 * tests/unit/cmd_fixture.h - the command layer's test fixture, shared by
 * the unit tests that call cmd_exec: a store in memory (or, with
 * $TIMMY_TEST_PG set, that PostgreSQL database), a context for one user
 * in UTC, and a reply buffer. Header-only (static inline): each test
 * program includes it once, and wraps open and close in its own cmocka
 * setup and teardown.
 */
#ifndef TIMMY_CMD_FIXTURE_H
#define TIMMY_CMD_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../commands/cmd.h"
#include "../../storage/store_test.h"

struct cmd_fixture {
	store *st;
	struct cmd_ctx ctx;
	struct text reply;
};

/* The rest of f, its store open: owner's context and the reply; 0. */
static inline int
cmd_fixture_ready(struct cmd_fixture *f, const char *owner)
{
	f->ctx.st = f->st;
	f->ctx.owner = owner;
	f->ctx.tz = "UTC";
	text_init(&f->reply, CMD_REPLY_MAX);
	return 0;
}

/*
 * Opens f for owner (in UTC, now 0 until the test sets it) on a new SQLite
 * database in memory; 0, or -1 after saying why on stderr.
 */
static inline int
cmd_fixture_open_sqlite(struct cmd_fixture *f, const char *owner)
{
	char err[256];

	memset(f, 0, sizeof(*f));
	if (store_open(":memory:", &f->st, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "store_open: %s\n", err);
		return -1;
	}
	return cmd_fixture_ready(f, owner);
}

/*
 * The same on the database $TIMMY_TEST_PG names (libpq's connection
 * string), emptied, when it is set: the command tests on PostgreSQL.
 */
static inline int
cmd_fixture_open(struct cmd_fixture *f, const char *owner)
{
	struct store_where w = { STORE_POSTGRESQL, NULL, NULL };
	char err[256];

	if ((w.path = getenv("TIMMY_TEST_PG")) == NULL)
		return cmd_fixture_open_sqlite(f, owner);
	memset(f, 0, sizeof(*f));
	if (store_connect(&w, false, &f->st, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "store_connect: %s\n", err);
		return -1;
	}
	if (store_test_empty(f->st) != STORE_OK) {
		fprintf(stderr, "store_test_empty: %s\n",
		        store_errmsg(f->st));
		store_close(f->st);
		return -1;
	}
	return cmd_fixture_ready(f, owner);
}

/*
 * A cmocka setup's body for a program with one fixture: opens it for
 * owner at now into *state; 0, or -1 after saying why.
 */
static inline int
cmd_fixture_setup(void **state, const char *owner, int64_t now)
{
	static struct cmd_fixture f;

	if (cmd_fixture_open(&f, owner) != 0)
		return -1;
	f.ctx.now = now;
	*state = &f;
	return 0;
}

/* Runs body in f's context and returns the reply (borrowed until the
 * next run), which must come with want; else fails the test. */
static inline const char *
cmd_fixture_run(struct cmd_fixture *f, const char *body,
                enum cmd_status want)
{
	text_clear(&f->reply);
	if (cmd_exec(&f->ctx, body, &f->reply) != want)
		fail_msg("%s: %s", body, text_str(&f->reply));
	return text_str(&f->reply);
}

/* Fails the test unless reply holds s. */
static inline void
reply_has(const char *reply, const char *s)
{
	if (strstr(reply, s) == NULL)
		fail_msg("expected \"%s\" in:\n%s", s, reply);
}

/* Fails the test if reply holds s. */
static inline void
reply_lacks(const char *reply, const char *s)
{
	if (strstr(reply, s) != NULL)
		fail_msg("did not expect \"%s\" in:\n%s", s, reply);
}

/* Closes f after checking the database (PRAGMA integrity_check): 0, or -1
 * when it is not sound. */
static inline int
cmd_fixture_close(struct cmd_fixture *f)
{
	int rc = store_check(f->st) == STORE_OK ? 0 : -1;

	text_free(&f->reply);
	store_close(f->st);
	return rc;
}

#endif
