/*
 * commands/cmd_settings.c - tz: the user's own time zone.
 */
#include "cmd_int.h"

#include <stdio.h>
#include <string.h>

#include "format.h"
#include "../lib/tz.h"

enum cmd_status
cmd_tz(const struct cmd_ctx *ctx, const struct cmd_args *args,
       struct text *reply)
{
	char own[TZ_NAME_MAX + 1], spelled[TZ_NAME_MAX + 1], clock[8];
	const char *zone;

	if (args->argc == 0) {
		if (store_user_tz(ctx->st, ctx->owner, own, sizeof(own)) != STORE_OK)
			return cmd_store_failed(reply, 0);
		fmt_hm(ctx->tz, ctx->now, clock, sizeof(clock));
		text_printf(reply, "Your time zone is %s%s; it is %s there. Change "
		                   "it with: tz Europe/Berlin", ctx->tz,
		            own[0] ? "" : " (the default)", clock);
		return CMD_OK;
	}
	zone = args->argv[0];
	if (cmd_is(zone, "default") || cmd_is(zone, "reset")) {
		if (store_set_user_tz(ctx->st, ctx->owner, NULL) != STORE_OK)
			return cmd_store_failed(reply, 1);
		fmt_hm(args->default_tz, ctx->now, clock, sizeof(clock));
		text_printf(reply, "Back to the default time zone, %s; it is %s "
		                   "there.", args->default_tz, clock);
		return CMD_OK;
	}
	/* "europe/berlin" is taken as "Europe/Berlin". */
	if (!tz_valid(zone)) {
		if (tz_spelling(zone, spelled, sizeof(spelled)) != 0) {
			text_printf(reply, "I don't know the time zone \"%s\". Use "
			                   "an IANA name like Europe/Berlin, "
			                   "America/New_York or UTC.", zone);
			return CMD_REFUSED;
		}
		zone = spelled;
	}
	if (store_set_user_tz(ctx->st, ctx->owner, zone) != STORE_OK)
		return cmd_store_failed(reply, 1);
	fmt_hm(zone, ctx->now, clock, sizeof(clock));
	text_printf(reply, "Your time zone is now %s; it is %s there.", zone,
	            clock);
	return CMD_OK;
}
