/*
 * commands/cmd.h - chat text in, reply text out.
 *
 * Dependency rule: commands/ sees storage/ and plain C; never <strophe.h>,
 * never the clock, never stdout. bot/ fills a struct cmd_ctx for each
 * accepted message and sends back whatever reply this module writes, so
 * every command is testable as a function call against a temp database.
 */
#ifndef TIMMY_CMD_H
#define TIMMY_CMD_H

#include <stdint.h>

#include "../storage/store.h"
#include "text.h"

/* Replies never grow past this; longer output is cut and says so. */
#define CMD_REPLY_MAX 16384

struct cmd_ctx {
	store *st;
	const char *owner; /* bare JID of the sender, already authorised */
	int64_t now;       /* UTC epoch seconds the command counts at */
	const char *tz;    /* the user's IANA time zone */
};

enum cmd_status {
	CMD_OK,      /* done; reply says what happened */
	CMD_REFUSED, /* bad input or nothing to do; reply says why; no change */
	CMD_FAILED   /* storage failed; nothing changed; store_errmsg() says why */
};

/*
 * Parses body (any text, any case, any whitespace), runs the command and
 * writes a human reply into reply (always non-empty afterwards).
 */
enum cmd_status cmd_exec(const struct cmd_ctx *ctx, const char *body,
                         struct text *reply);

#endif
