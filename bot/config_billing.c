/*
 * bot/config_billing.c - bot.yaml's billing section, the rules of rates
 * and billable time that the whole bot shares (commands/billing.h):
 *
 *   billing:
 *     nonbillable_tag: nobill   # time with this tag is not billable
 *     currency: EUR             # of a rate given without one
 *
 * Both optional; without the section the tag is "nobill" and a rate
 * needs its currency. Part of bot/; uses the YAML loader (config_yaml.h)
 * and commands/billing.h's checks.
 */
#include <stdio.h>
#include <string.h>

#include "../commands/billing.h"
#include "../commands/cmd.h"
#include "config.h"
#include "config_yaml.h"

void
cfg_load_billing(struct loader *l, const struct key *s)
{
	enum { TAG, CURRENCY, NKEYS };
	struct key keys[NKEYS] = {
		[TAG] = { .name = "nonbillable_tag" },
		[CURRENCY] = { .name = "currency" },
	};
	struct billing_cfg *b = &l->cfg->billing;
	char shown[CFG_SHOW_BUF];
	struct text why;
	const char *v;

	if (!cfg_open_section(l, s, false, keys, NKEYS))
		return;
	/* The tag as a user types it after +: the same check as chat's. */
	if ((v = cfg_get_string(l, s, &keys[TAG])) != NULL) {
		text_init(&why, 512);
		if (cmd_tag_ok(v, &why) == 0)
			snprintf(b->nobill_tag, sizeof b->nobill_tag, "%s", v);
		else
			cfg_error(l, cfg_line_of(keys[TAG].value),
			          "billing.nonbillable_tag: invalid tag %s "
			          "(expected one word of at most %d bytes of "
			          "letters, digits and - _ . /, without its +, "
			          "such as nobill)",
			          cfg_show(v, true, shown, sizeof(shown)),
			          STORE_TAG_MAX);
		text_free(&why);
	}
	if ((v = cfg_get_string(l, s, &keys[CURRENCY])) != NULL &&
	    !billing_currency(v, b->currency))
		cfg_error(l, cfg_line_of(keys[CURRENCY].value),
		          "billing.currency: invalid currency %s (expected "
		          "an ISO 4217 code of three letters, such as EUR)",
		          cfg_show(v, true, shown, sizeof(shown)));
}
