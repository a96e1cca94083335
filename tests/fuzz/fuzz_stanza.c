/*
 * tests/fuzz/fuzz_stanza.c - libFuzzer target: any bytes as one stanza
 * from the server, through libstrophe's parser (expat) into the bot's
 * handlers for <message/>, <presence/> and <iq/>, and from there into the
 * command layer, with storage in an in-memory database.
 *
 * The bot is set up as bot/session.c sets it up, without a server: a
 * libstrophe context and connection with the bot's JID that never
 * connects (libstrophe 0.12.2's xmpp_send returns at once unless the
 * connection is CONNECTED, src/conn.c send_stanza, so replies are built
 * and dropped and no send queue grows), the upload service (no server
 * found: files would go inline), the roster (pushes are followed), the
 * rate limiter (set to no limit, as limits.commands_per_minute: 0: the
 * fuzzer sends thousands of stanzas a second), and a config read by
 * cfg_load from a file written once: the bot is timmy@example.org,
 * *@example.org and bob@elsewhere.net are allowed, boss@example.org is an
 * admin, files go inline. libstrophe's handler tables, the roster and the
 * database grow with what the stanzas do, so every REOPEN_EVERY runs all
 * of it is made anew, the database checked (PRAGMA integrity_check)
 * before it goes.
 *
 * Only the first stanza of an input counts (as xmpp_stanza_new_from_string
 * parses it), up to the first NUL; it goes to the handler of its name, as
 * libstrophe's handler table would send it. Checked with abort(), besides
 * the sanitizers:
 *   - a stanza changes the entries of its sender (the bare JID of its
 *     from) at most: no one else's, however it is wrapped (carbons,
 *     forwards), whatever it claims inside;
 *   - a sender the allow list does not match, and the bot's own account,
 *     never have entries.
 */
#include <curl/curl.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <strophe.h>
#include <unistd.h>

#include "../../bot/access.h"
#include "../../bot/config.h"
#include "../../bot/handlers.h"
#include "../../bot/log.h"
#include "../../bot/ratelimit.h"
#include "../../bot/roster.h"
#include "../../bot/upload.h"
#include "../../storage/store.h"

#define INPUT_MAX 65536
#define REOPEN_EVERY 5000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char config[] =
	"account:\n"
	"  jid: timmy@example.org\n"
	"  password: not-used\n"
	"  host: 127.0.0.1\n"
	"  tls: off\n"
	"storage:\n"
	"  path: \":memory:\"\n"
	"access:\n"
	"  allow: [\"*@example.org\", \"bob@elsewhere.net\"]\n"
	"  admins: [\"boss@example.org\"]\n"
	"limits:\n"
	"  commands_per_minute: 0\n"
	"export:\n"
	"  upload: off\n"
	"  inline_part_bytes: 512\n";

static struct cfg *cfg;
static struct bot bot;
static unsigned runs;

static void
check(bool ok)
{
	if (!ok)
		abort();
}

/* Reads the config from a file (cfg_load reads paths), once. */
static struct cfg *
load_config(void)
{
	char dir[] = "/tmp/timmy-fuzz-stanza-XXXXXX", path[64];
	struct text errs;
	struct cfg *c;
	int fd;

	check(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/bot.yaml", dir);
	/* Readable by its owner alone, as cfg_load wants a file with a
	 * password. */
	check((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) != -1);
	check(write(fd, config, strlen(config)) == (ssize_t)strlen(config));
	close(fd);
	text_init(&errs, 4096);
	c = cfg_load(path, &errs);
	if (c == NULL)
		fprintf(stderr, "fuzz_stanza: %s", text_str(&errs));
	check(c != NULL);
	text_free(&errs);
	unlink(path);
	rmdir(dir);
	return c;
}

/* Makes the bot's libstrophe objects, upload service and database anew. */
static void
bot_up(void)
{
	char err[256], *jid;

	check((bot.ctx = xmpp_ctx_new(NULL, NULL)) != NULL);
	check((bot.conn = xmpp_conn_new(bot.ctx)) != NULL);
	check((jid = xmpp_jid_new(bot.ctx, NULL, cfg->jid, cfg->resource)) !=
	      NULL);
	xmpp_conn_set_jid(bot.conn, jid);
	xmpp_free(bot.ctx, jid);
	check(store_open(":memory:", &bot.st, err, sizeof(err)) == STORE_OK);
	check((bot.up = upload_new(&bot)) != NULL);
	check((bot.roster = roster_new()) != NULL);
	/* A limiter without rl_set limits nothing. */
	check((bot.rl = rl_new()) != NULL);
	/* Catching up on a long absence: delay stamps reach commands/. */
	bot.away.since = 0;
	bot.away.until = INT64_MAX;
	bot.away.catching_up = true;
}

static void
bot_down(void)
{
	check(store_check(bot.st) == STORE_OK);
	/* Before the connection, as session_free does. */
	upload_free(bot.up);
	roster_offline(&bot);
	roster_free(bot.roster);
	rl_free(bot.rl);
	xmpp_conn_release(bot.conn);
	xmpp_ctx_free(bot.ctx);
	store_close(bot.st);
	bot.up = NULL;
	bot.roster = NULL;
	bot.rl = NULL;
	bot.conn = NULL;
	bot.ctx = NULL;
	bot.st = NULL;
}

/* Entries of owner (NULL: of everyone). */
static int64_t
entries(const char *owner)
{
	int64_t n = -1;

	if (owner != NULL)
		check(store_count(bot.st, owner, &n) == STORE_OK);
	else
		check(store_list_filtered(bot.st, NULL, INT64_MIN / 4,
		                          INT64_MAX / 4, 0, NULL, 1, NULL, NULL,
		                          &n) == STORE_OK);
	return n;
}

static void
init(void)
{
	xmpp_initialize();
	check(curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK);
	/* Errors only: the handlers log every stanza they ignore. */
	log_set_level(LOG_ERROR);
	cfg = load_config();
	bot.cfg = cfg;
	bot_up();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[INPUT_MAX + 1];
	char sender[STORE_OWNER_MAX + 1];
	int64_t all, own = 0;
	xmpp_stanza_t *st;
	const char *name;
	bool known;

	if (size > INPUT_MAX)
		return 0;
	if (runs == 0)
		init();
	else if (runs % REOPEN_EVERY == 0) {
		bot_down();
		bot_up();
	}
	runs++;
	memcpy(text, data, size);
	text[size] = '\0';
	if ((st = xmpp_stanza_new_from_string(bot.ctx, text)) == NULL)
		return 0;

	known = bare_jid(xmpp_stanza_get_from(st), sender, sizeof(sender));
	all = entries(NULL);
	if (known)
		own = entries(sender);

	name = xmpp_stanza_get_name(st);
	if (name != NULL && strcmp(name, "message") == 0)
		check(handle_message(bot.conn, st, &bot) == 1);
	else if (name != NULL && strcmp(name, "presence") == 0)
		check(handle_presence(bot.conn, st, &bot) == 1);
	else if (name != NULL && strcmp(name, "iq") == 0)
		check(handle_iq(bot.conn, st, &bot) == 1);

	/* Only the sender's entries may have changed. */
	if (known)
		check(entries(NULL) - all == entries(sender) - own);
	else
		check(entries(NULL) == all);
	if (known && (!access_match(cfg->allow, cfg->nallow, sender) ||
	              strcasecmp(sender, cfg->jid) == 0))
		check(entries(sender) == 0);
	xmpp_stanza_release(st);
	return 0;
}
