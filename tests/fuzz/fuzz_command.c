/*
 * tests/fuzz/fuzz_command.c - libFuzzer target: any bytes as a chat
 * message through the whole command layer (tokeniser, dispatcher, time
 * parser, every handler) against a real SQLite database in memory.
 *
 * The first byte picks the sender and the time zone; the rest is the
 * message. A reply must never be empty and must never pass its limit; the
 * database must stay consistent.
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static store *st;
	static unsigned runs;
	static int64_t now = INT64_C(1795615200); /* Wed 25 Nov 2026 14:00 UTC */
	char body[BODY_MAX + 1], err[256];
	struct cmd_ctx ctx;
	struct text reply;
	enum cmd_status rc;

	if (size == 0 || size > BODY_MAX)
		return 0;
	if (st == NULL || ++runs % REOPEN_EVERY == 0) {
		store_close(st);
		if (store_open(":memory:", &st, err, sizeof(err)) != STORE_OK)
			abort();
	}
	memcpy(body, data + 1, size - 1);
	body[size - 1] = '\0';

	/* Time moves on a little with every message, as in a real chat. */
	now += data[0] % 61;
	ctx.st = st;
	ctx.owner = owners[data[0] & 1];
	ctx.now = now;
	ctx.tz = zones[(data[0] >> 1) % (sizeof(zones) / sizeof(zones[0]))];
	ctx.file = NULL;
	ctx.msg_key = NULL;
	ctx.offline = false;

	text_init(&reply, CMD_REPLY_MAX);
	rc = cmd_exec(&ctx, body, &reply);
	if (reply.len == 0 || reply.len > CMD_REPLY_MAX ||
	    strlen(text_str(&reply)) != reply.len)
		abort();
	if (rc != CMD_OK && rc != CMD_REFUSED)
		abort(); /* an in-memory database does not fail */
	text_free(&reply);
	return 0;
}
