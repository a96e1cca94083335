/*
 * tests/support/fakebot.h - the bot's stanza handlers without a server,
 * for the unit tests and fuzz targets that feed them stanzas.
 *
 * The bot is set up as bot/session.c sets it up: a libstrophe context and
 * connection with the bot's JID that never connects (libstrophe 0.12.2's
 * xmpp_send returns at once unless the connection is CONNECTED,
 * src/conn.c send_stanza, so replies are built and dropped and no send
 * queue grows), the upload service (no server found: files would go
 * inline), the roster, a rate limiter that limits nothing, a database in
 * memory, and a configuration read by cfg_load from the text given.
 *
 * Header-only (static inline, so a program may leave some unused).
 * Failures abort(): a fixture that cannot be built is no test.
 */
#ifndef TIMMY_FAKEBOT_H
#define TIMMY_FAKEBOT_H

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strophe.h>
#include <unistd.h>

#include "../../bot/config.h"
#include "../../bot/handlers.h"
#include "../../bot/log.h"
#include "../../bot/ratelimit.h"
#include "../../bot/roster.h"
#include "../../bot/upload.h"
#include "../../bot/whereabouts.h"
#include "../../storage/store.h"

static inline void
fakebot_check(bool ok)
{
	if (!ok)
		abort();
}

/* Reads a configuration from text (cfg_load reads paths) through a file
 * only its owner may read, as cfg_load wants one with a password. The
 * caller frees it with cfg_free. */
static inline struct cfg *
fakebot_config(const char *text)
{
	char dir[] = "/tmp/timmy-fakebot-XXXXXX", path[64];
	struct text errs;
	struct cfg *c;
	int fd;

	fakebot_check(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/bot.yaml", dir);
	fakebot_check((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) !=
	              -1);
	fakebot_check(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	text_init(&errs, 4096);
	c = cfg_load(path, &errs);
	if (c == NULL)
		fprintf(stderr, "fakebot: %s", text_str(&errs));
	fakebot_check(c != NULL);
	text_free(&errs);
	unlink(path);
	rmdir(dir);
	return c;
}

/* Makes b's libstrophe objects, upload service, roster, limiter and
 * database anew for b->cfg (set by the caller). */
static inline void
fakebot_up(struct bot *b)
{
	char err[256], *jid;

	fakebot_check((b->ctx = xmpp_ctx_new(NULL, NULL)) != NULL);
	fakebot_check((b->conn = xmpp_conn_new(b->ctx)) != NULL);
	fakebot_check((jid = xmpp_jid_new(b->ctx, NULL, b->cfg->jid,
	                                  b->cfg->resource)) != NULL);
	xmpp_conn_set_jid(b->conn, jid);
	xmpp_free(b->ctx, jid);
	fakebot_check(store_open(":memory:", &b->st, err, sizeof(err)) ==
	              STORE_OK);
	fakebot_check((b->up = upload_new(b)) != NULL);
	fakebot_check((b->roster = roster_new()) != NULL);
	fakebot_check((b->wb = whereabouts_new()) != NULL);
	/* A limiter without rl_set limits nothing. */
	fakebot_check((b->rl = rl_new()) != NULL);
}

/* Releases what fakebot_up made, after checking the database. */
static inline void
fakebot_down(struct bot *b)
{
	fakebot_check(store_check(b->st) == STORE_OK);
	/* Before the connection, as session_free does. */
	upload_free(b->up);
	roster_offline(b);
	roster_free(b->roster);
	whereabouts_free(b->wb);
	rl_free(b->rl);
	xmpp_conn_release(b->conn);
	xmpp_ctx_free(b->ctx);
	store_close(b->st);
	b->up = NULL;
	b->roster = NULL;
	b->wb = NULL;
	b->rl = NULL;
	b->conn = NULL;
	b->ctx = NULL;
	b->st = NULL;
}

/* The number of entries of owner, or of everyone when owner is NULL. */
static inline int64_t
fakebot_entries(const struct bot *b, const char *owner)
{
	int64_t n = -1;

	if (owner != NULL)
		fakebot_check(store_count(b->st, owner, &n) == STORE_OK);
	else
		fakebot_check(store_list_filtered(b->st, NULL, INT64_MIN / 4,
		                                  INT64_MAX / 4, 0, NULL, 1,
		                                  NULL, NULL, &n) == STORE_OK);
	return n;
}

/* Gives st to the handler of its name, as libstrophe's handler table
 * would; returns what the handler returned (1 keeps it registered), or 1
 * for a stanza no handler takes. */
static inline int
fakebot_dispatch(struct bot *b, xmpp_stanza_t *st)
{
	const char *name = xmpp_stanza_get_name(st);

	if (name != NULL && strcmp(name, "message") == 0)
		return handle_message(b->conn, st, b);
	if (name != NULL && strcmp(name, "presence") == 0)
		return handle_presence(b->conn, st, b);
	if (name != NULL && strcmp(name, "iq") == 0)
		return handle_iq(b->conn, st, b);
	return 1;
}

/* Parses text as one stanza and dispatches it (fakebot_dispatch); -1 when
 * text is no stanza. */
static inline int
fakebot_feed(struct bot *b, const char *text)
{
	xmpp_stanza_t *st;
	int rc;

	if ((st = xmpp_stanza_new_from_string(b->ctx, text)) == NULL)
		return -1;
	rc = fakebot_dispatch(b, st);
	xmpp_stanza_release(st);
	return rc;
}

/*
 * The bot of the stanza tests: timmy@example.org, allowing
 * *@example.org, without HTTP upload, its database in memory.
 */
#define FAKEBOT_EXAMPLE_CONFIG \
	"account:\n" \
	"  jid: timmy@example.org\n" \
	"  password: not-used\n" \
	"  host: 127.0.0.1\n" \
	"  tls: off\n" \
	"storage:\n" \
	"  path: \":memory:\"\n" \
	"access:\n" \
	"  allow: [\"*@example.org\"]\n" \
	"export:\n" \
	"  upload: off\n"

/* A cmocka fixture of that bot: fakebot_setup makes it (*state), with
 * only errors logged; fakebot_teardown checks its database and frees it. */
struct fakebot_fixture {
	struct cfg *cfg;
	struct bot bot;
};

static inline int
fakebot_setup(void **state)
{
	struct fakebot_fixture *f = calloc(1, sizeof(*f));

	fakebot_check(f != NULL);
	log_set_level(LOG_ERROR);
	f->cfg = fakebot_config(FAKEBOT_EXAMPLE_CONFIG);
	f->bot.cfg = f->cfg;
	fakebot_up(&f->bot);
	*state = f;
	return 0;
}

static inline int
fakebot_teardown(void **state)
{
	struct fakebot_fixture *f = *state;

	fakebot_down(&f->bot);
	cfg_free(f->cfg);
	free(f);
	return 0;
}

#endif
