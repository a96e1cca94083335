/*
 * tests/fuzz/fuzz_command.c - libFuzzer target: any bytes as a chat
 * message through the whole command layer (tokeniser, dispatcher, time
 * parser, every handler) against a real SQLite database in memory.
 *
 * The first byte picks the sender (alice, an admin, or bob, who is not),
 * the time zone and, when its top bit is set, the message's key (one of a
 * few, so that keys come again, as when a message is delivered twice;
 * some are no key the store keeps, which then runs as no key); the
 * rest is the message. A reply must never be empty and must never pass
 * its limit; the database must stay consistent. A message whose key has
 * a change is run a second time: that must change nothing and answer
 * as the first time.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../commands/cmd.h"

#define BODY_MAX 2048
#define REOPEN_EVERY 2000 /* keep the database small and the runs fast */

static const char *zones[] = { "UTC", "Europe/Berlin", "America/New_York",
                               "Asia/Kolkata", "Australia/Lord_Howe" };
static const char *owners[] = { "alice@example.org", "bob@example.org" };

/* Message keys: digests as bot/ makes them (STORE_MSG_KEY_LEN lowercase
 * hex digits), and what the store refuses as a key: empty, not hex, upper
 * case, one digit too many. */
static const char *keys[] = {
	"da39a3ee5e6b4b0d3255bfef95601890afd80709",
	"0000000000000000000000000000000000000001",
	"ffffffffffffffffffffffffffffffffffffffff",
	"",
	"o:1",
	"DA39A3EE5E6B4B0D3255BFEF95601890AFD80709",
	"da39a3ee5e6b4b0d3255bfef95601890afd807090",
};
_Static_assert(sizeof("da39a3ee5e6b4b0d3255bfef95601890afd80709") - 1 ==
               STORE_MSG_KEY_LEN, "a key is a SHA-1 in hex");

/* Runs body once more under the same key, which has a change: the reply
 * must be the saved one (or the fixed sentence when none was saved) and
 * no entry may come or go. */
static void
run_again(const struct cmd_ctx *ctx, const char *body, const char *saved)
{
	int64_t before = -1, after = -1;
	struct text again;

	if (store_count(ctx->st, ctx->owner, &before) != STORE_OK)
		abort();
	text_init(&again, CMD_REPLY_MAX);
	if (cmd_exec(ctx, body, &again) != CMD_OK)
		abort();
	if (saved[0] != '\0' && strcmp(text_str(&again), saved) != 0)
		abort();
	if (store_count(ctx->st, ctx->owner, &after) != STORE_OK ||
	    after != before)
		abort();
	text_free(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static store *st;
	static unsigned runs;
	static int64_t now = INT64_C(1795615200); /* Wed 25 Nov 2026 14:00 UTC */
	static char saved[STORE_REPLY_MAX + 1];
	char body[BODY_MAX + 1], err[256];
	struct cmd_ctx ctx;
	struct text reply;
	enum cmd_status rc;
	bool had_change;

	if (size == 0 || size > BODY_MAX)
		return 0;
	if (st == NULL || ++runs % REOPEN_EVERY == 0) {
		store_close(st);
		if (store_open(":memory:", &st, err, sizeof(err)) != STORE_OK)
			abort();
	}
	memcpy(body, data + 1, size - 1);
	body[size - 1] = '\0';

	/* Time moves on a little with every message, as in a real chat.
	 * Every field zero first: one the harness does not know of (a new
	 * one of cmd.h) is then its NULL, not the stack's garbage. */
	now += data[0] % 61;
	memset(&ctx, 0, sizeof(ctx));
	ctx.st = st;
	ctx.owner = owners[data[0] & 1];
	ctx.now = now;
	ctx.tz = zones[(data[0] >> 1) % (sizeof(zones) / sizeof(zones[0]))];
	ctx.file = NULL;
	ctx.msg_key = data[0] & 0x80 ?
	              keys[(data[0] >> 2) % (sizeof(keys) / sizeof(keys[0]))] :
	              NULL;
	ctx.offline = false;
	ctx.about = NULL;
	ctx.admin = (data[0] & 1) == 0; /* alice */
	ctx.prefs = NULL;
	ctx.teams = NULL;
	ctx.bot_jid = "timmy@example.org";
	ctx.job = NULL;
	ctx.input = NULL;
	had_change = ctx.msg_key != NULL &&
	             store_msg_seen(st, ctx.owner, ctx.msg_key, saved,
	                            sizeof(saved)) == STORE_OK;

	text_init(&reply, CMD_REPLY_MAX);
	rc = cmd_exec(&ctx, body, &reply);
	if (reply.len == 0 || reply.len > CMD_REPLY_MAX ||
	    strlen(text_str(&reply)) != reply.len)
		abort();
	if (rc != CMD_OK && rc != CMD_REFUSED)
		abort(); /* an in-memory database does not fail */
	/* A key seen before runs nothing; one that made its change now
	 * saved this very reply (unless it was longer than the store keeps:
	 * then none). */
	if (had_change && rc != CMD_OK)
		abort();
	if (ctx.msg_key != NULL &&
	    store_msg_seen(st, ctx.owner, ctx.msg_key, saved,
	                   sizeof(saved)) == STORE_OK) {
		if (!had_change && saved[0] != '\0' &&
		    strcmp(saved, text_str(&reply)) != 0)
			abort();
		run_again(&ctx, body, saved);
	}
	text_free(&reply);
	return 0;
}
