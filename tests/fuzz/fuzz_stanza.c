/*
 * tests/fuzz/fuzz_stanza.c - libFuzzer target: any bytes as one stanza
 * from the server, through libstrophe's parser (expat) into the bot's
 * handlers for <message/>, <presence/> and <iq/>, and from there into the
 * command layer, with storage in an in-memory database.
 *
 * The bot is set up by tests/support/fakebot.h, without a server: the
 * bot is timmy@example.org, *@example.org and bob@elsewhere.net are
 * allowed, boss@example.org is an admin, files go inline, the rate limit
 * is off (the fuzzer sends thousands of stanzas a second). libstrophe's
 * handler tables, the roster and the database grow with what the stanzas
 * do, so every REOPEN_EVERY runs all of it is made anew, the database
 * checked (PRAGMA integrity_check) before it goes.
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
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "../../bot/access.h"
#include "../support/fakebot.h"

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
bot_up(void)
{
	fakebot_up(&bot);
	/* Catching up on a long absence: delay stamps reach commands/. */
	bot.away.since = 0;
	bot.away.until = INT64_MAX;
	bot.away.catching_up = true;
}

static void
init(void)
{
	xmpp_initialize();
	/* Errors only: the handlers log every stanza they ignore. */
	log_set_level(LOG_ERROR);
	cfg = fakebot_config(config);
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
	bool known;

	if (size > INPUT_MAX)
		return 0;
	if (runs == 0)
		init();
	else if (runs % REOPEN_EVERY == 0) {
		fakebot_down(&bot);
		bot_up();
	}
	runs++;
	memcpy(text, data, size);
	text[size] = '\0';
	if ((st = xmpp_stanza_new_from_string(bot.ctx, text)) == NULL)
		return 0;

	known = bare_jid(xmpp_stanza_get_from(st), sender, sizeof(sender));
	all = fakebot_entries(&bot, NULL);
	if (known)
		own = fakebot_entries(&bot, sender);

	fakebot_check(fakebot_dispatch(&bot, st) == 1);

	/* Only the sender's entries may have changed. */
	if (known)
		fakebot_check(fakebot_entries(&bot, NULL) - all ==
		              fakebot_entries(&bot, sender) - own);
	else
		fakebot_check(fakebot_entries(&bot, NULL) == all);
	if (known && (!access_match(cfg->allow, cfg->nallow, sender) ||
	              strcasecmp(sender, cfg->jid) == 0))
		fakebot_check(fakebot_entries(&bot, sender) == 0);
	xmpp_stanza_release(st);
	return 0;
}
