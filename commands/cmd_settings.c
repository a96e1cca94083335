/*
 * commands/cmd_settings.c - the user's own settings: tz (the time zone),
 * settings (every setting of prefs.h, and tz), reminders (the setting of
 * that name) and snooze (no reminders for a while).
 *
 * Like tz, a change of a setting is no change of entries: it makes no
 * undo step, so "undo" goes past it to the latest change of entries, and
 * a setting is changed back with "settings NAME default". What a value
 * means in a reply is commands/settings_say.c's.
 */
#include "cmd_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "prefs.h"
#include "settings_say.h"
#include "similar.h"
#include "../lib/tz.h"

/* The longest snooze: a week. */
#define SNOOZE_MAX (7 * 86400)

/* "Your time zone is Europe/Berlin; it is 14:05 there. ..." */
static enum cmd_status
tz_show(const struct cmd_ctx *ctx, struct text *reply)
{
	char own[TZ_NAME_MAX + 1], clock[8];

	if (store_user_tz(ctx->st, ctx->owner, own, sizeof(own)) != STORE_OK)
		return cmd_store_failed(reply, 0);
	fmt_hm(ctx->tz, ctx->now, clock, sizeof(clock));
	text_printf(reply, "Your time zone is %s%s; it is %s there. Change "
	                   "it with: tz Europe/Berlin", ctx->tz,
	            own[0] ? "" : " (the default)", clock);
	return CMD_OK;
}

/* Sets the user's zone to zone ("default" or "reset": back to
 * default_tz), for tz and settings tz. */
static enum cmd_status
tz_set(const struct cmd_ctx *ctx, const char *default_tz, const char *zone,
       struct text *reply)
{
	char spelled[TZ_NAME_MAX + 1], clock[8];

	if (cmd_is(zone, "default") || cmd_is(zone, "reset")) {
		if (store_set_user_tz(ctx->st, ctx->owner, NULL) != STORE_OK)
			return cmd_store_failed(reply, 1);
		fmt_hm(default_tz, ctx->now, clock, sizeof(clock));
		text_printf(reply, "Back to the default time zone, %s; it is %s "
		                   "there.", default_tz, clock);
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

enum cmd_status
cmd_tz(const struct cmd_ctx *ctx, const struct cmd_args *args,
       struct text *reply)
{
	if (args->argc == 0)
		return tz_show(ctx, reply);
	return tz_set(ctx, args->default_tz, args->argv[0], reply);
}

/* The defaults the user's settings start from: bot.yaml's (ctx->prefs),
 * else the built-in ones, in *buf. */
static const struct prefs *
defaults_of(const struct cmd_ctx *ctx, struct prefs *buf)
{
	if (ctx->prefs != NULL)
		return ctx->prefs;
	prefs_builtin(buf);
	return buf;
}

/* The user's settings into *p; STORE_OK or the store's error. */
static store_rc
load(const struct cmd_ctx *ctx, struct prefs *p)
{
	struct prefs builtin;

	return prefs_load(ctx->st, ctx->owner, defaults_of(ctx, &builtin), p);
}

/* Whether the user set name themselves: 1, 0, or -1 when the store
 * failed. */
static int
own_setting(const struct cmd_ctx *ctx, const char *name)
{
	char value[STORE_SETTING_VALUE_MAX + 1];

	switch (store_setting_get(ctx->st, ctx->owner, name, value,
	                          sizeof(value))) {
	case STORE_OK:
		return 1;
	case STORE_NOTFOUND:
		return 0;
	default:
		return -1;
	}
}

/* store_settings' callback of list_settings: which of prefs_names the
 * user set, as bits. */
static void
mark_own(const char *name, const char *value, void *arg)
{
	unsigned *own = arg;
	size_t i;

	(void)value;
	for (i = 0; prefs_names[i] != NULL; i++)
		if (strcmp(prefs_names[i], name) == 0)
			*own |= 1u << i;
}

/* "settings": every setting, the zone first, and a snooze that is on. */
static enum cmd_status
list_settings(const struct cmd_ctx *ctx, struct text *reply)
{
	char tz[TZ_NAME_MAX + 1], v[PREFS_VALUE_MAX], until[FMT_CLOCK_MAX];
	struct prefs p;
	unsigned own = 0;
	size_t i;

	if (load(ctx, &p) != STORE_OK ||
	    store_settings(ctx->st, ctx->owner, mark_own, &own) != STORE_OK ||
	    store_user_tz(ctx->st, ctx->owner, tz, sizeof(tz)) != STORE_OK)
		return cmd_store_failed(reply, 0);
	text_printf(reply, "Your settings:\n  tz %s%s", ctx->tz,
	            tz[0] ? "" : " (default)");
	for (i = 0; prefs_names[i] != NULL; i++) {
		prefs_format(&p, prefs_names[i], v, sizeof(v));
		text_printf(reply, "\n  %s %s%s", prefs_names[i], v,
		            own & (1u << i) ? "" : " (default)");
	}
	if (p.snooze_until > ctx->now) {
		fmt_clock(ctx->tz, p.snooze_until, ctx->now, until, sizeof(until));
		text_printf(reply, "\nSnoozed: no reminders until %s (snooze off "
		                   "ends it).", until);
	}
	text_printf(reply, "\nChange one with: settings NAME VALUE (settings "
	                   "NAME says what it takes; settings NAME default "
	                   "goes back to the default).");
	return CMD_OK;
}

/* The setting closest to word, or NULL: a typo of a name (sim_allowed),
 * or the part after the dot ("digest" for reminders.digest). */
static const char *
closest_setting(const char *word)
{
	const char *best = NULL, *dot;
	int allowed = sim_allowed(word), best_d = allowed + 1, d;
	size_t i;

	for (i = 0; prefs_names[i] != NULL; i++) {
		dot = strchr(prefs_names[i], '.');
		if (dot != NULL && sim_distance(word, dot + 1,
		                                sim_allowed(word)) <= allowed)
			return prefs_names[i];
		d = sim_distance(word, prefs_names[i], allowed);
		if (d < best_d) {
			best_d = d;
			best = prefs_names[i];
		}
	}
	if (best == NULL && sim_distance(word, "tz", allowed) <= allowed)
		best = "tz";
	return best;
}

/* The reply to a name that is no setting: the names, and the nearest. */
static enum cmd_status
unknown_setting(const char *word, struct text *reply)
{
	const char *near = closest_setting(word);
	size_t i;

	text_printf(reply, "There is no setting ");
	cmd_quote_word(reply, word);
	if (near != NULL)
		text_printf(reply, ". Did you mean \"%s\"?", near);
	else
		text_printf(reply, ".");
	text_printf(reply, " The settings are: tz");
	for (i = 0; prefs_names[i] != NULL; i++)
		text_printf(reply, ", %s", prefs_names[i]);
	text_printf(reply, ".");
	return CMD_REFUSED;
}

/* "settings NAME": its value, what it means, what it takes. */
static enum cmd_status
show_setting(const struct cmd_ctx *ctx, const char *name, struct text *reply)
{
	char v[PREFS_VALUE_MAX], dv[PREFS_VALUE_MAX];
	struct prefs p, builtin;
	int own;

	if (load(ctx, &p) != STORE_OK ||
	    (own = own_setting(ctx, name)) < 0)
		return cmd_store_failed(reply, 0);
	prefs_format(&p, name, v, sizeof(v));
	prefs_format(defaults_of(ctx, &builtin), name, dv, sizeof(dv));
	text_printf(reply, "%s is %s%s: ", name, v, own ? "" : " (default)");
	settings_say_meaning(&p, name, reply);
	text_printf(reply, "\n%s The default is %s: settings %s default.",
	            prefs_accepts(name), dv, name);
	return CMD_OK;
}

/* "settings NAME VALUE": value read, stored as prefs_format spells it. */
static enum cmd_status
set_setting(const struct cmd_ctx *ctx, const char *name, const char *value,
            struct text *reply)
{
	char why[PREFS_WHY_MAX], v[PREFS_VALUE_MAX];
	struct prefs p;

	if (load(ctx, &p) != STORE_OK)
		return cmd_store_failed(reply, 0);
	if (prefs_parse(&p, name, value, why, sizeof(why)) != 0) {
		text_printf(reply, "%s", why);
		return CMD_REFUSED;
	}
	prefs_format(&p, name, v, sizeof(v));
	if (store_setting_set(ctx->st, ctx->owner, name, v) != STORE_OK)
		return cmd_store_failed(reply, 1);
	text_printf(reply, "%s is now %s: ", name, v);
	settings_say_meaning(&p, name, reply);
	return CMD_OK;
}

/* "settings NAME default": the user's own value goes. */
static enum cmd_status
unset_setting(const struct cmd_ctx *ctx, const char *name,
              struct text *reply)
{
	char v[PREFS_VALUE_MAX];
	struct prefs p;
	store_rc rc;

	rc = store_setting_unset(ctx->st, ctx->owner, name);
	if ((rc != STORE_OK && rc != STORE_NOTFOUND) ||
	    load(ctx, &p) != STORE_OK)
		return cmd_store_failed(reply, 1);
	prefs_format(&p, name, v, sizeof(v));
	text_printf(reply, "%s %s the default, %s: ", name,
	            rc == STORE_OK ? "is back to" : "already follows", v);
	settings_say_meaning(&p, name, reply);
	return CMD_OK;
}

/* The words args->argv[from..] one space apart, into out. */
static void
join_words(const struct cmd_args *args, int from, struct text *out)
{
	int i;

	for (i = from; i < args->argc; i++)
		text_printf(out, "%s%s", i > from ? " " : "", args->argv[i]);
}

/* "settings NAME [VALUE|default]" for name, one of prefs_names. */
static enum cmd_status
one_setting(const struct cmd_ctx *ctx, const struct cmd_args *args,
            const char *name, struct text *reply)
{
	enum cmd_status rc;
	struct text value;

	if (args->argc == 1)
		return show_setting(ctx, name, reply);
	if (args->argc == 2 && cmd_is(args->argv[1], "default"))
		return unset_setting(ctx, name, reply);
	/* One byte over the longest value: prefs_parse says it is too long. */
	text_init(&value, PREFS_VALUE_MAX * 2);
	join_words(args, 1, &value);
	rc = set_setting(ctx, name, value.truncated ? "x" : text_str(&value),
	                 reply);
	if (value.truncated) {
		text_clear(reply);
		text_printf(reply, "That value is too long. %s",
		            prefs_accepts(name));
		rc = CMD_REFUSED;
	}
	text_free(&value);
	return rc;
}

static enum cmd_status snooze_show(const struct cmd_ctx *, struct text *);
static enum cmd_status snooze_set(const struct cmd_ctx *, const char *,
                                  struct text *);

enum cmd_status
cmd_settings(const struct cmd_ctx *ctx, const struct cmd_args *args,
             struct text *reply)
{
	char *name;
	size_t i;

	if (args->argc == 0)
		return list_settings(ctx, reply);
	name = args->argv[0];
	cmd_lower(name);
	if (strcmp(name, "tz") == 0) {
		if (args->argc > 2) {
			text_printf(reply, "A time zone is one word, such as "
			                   "Europe/Berlin.");
			return CMD_REFUSED;
		}
		return args->argc == 1 ? tz_show(ctx, reply)
		       : tz_set(ctx, args->default_tz, args->argv[1], reply);
	}
	if (strcmp(name, "snooze") == 0 && args->argc <= 2)
		return args->argc == 1 ? snooze_show(ctx, reply)
		       : snooze_set(ctx, args->argv[1], reply);
	for (i = 0; prefs_names[i] != NULL; i++)
		if (strcmp(prefs_names[i], name) == 0)
			return one_setting(ctx, args, prefs_names[i], reply);
	return unknown_setting(name, reply);
}

enum cmd_status
cmd_reminders(const struct cmd_ctx *ctx, const struct cmd_args *args,
              struct text *reply)
{
	if (args->argc == 0)
		return show_setting(ctx, "reminders", reply);
	if (cmd_is(args->argv[0], "default"))
		return unset_setting(ctx, "reminders", reply);
	return set_setting(ctx, "reminders", args->argv[0], reply);
}

/* True when the user turned every reminder off (false when that cannot
 * be read: a note, not worth failing the command for). */
static bool
reminders_off(const struct cmd_ctx *ctx)
{
	struct prefs p;

	return load(ctx, &p) == STORE_OK && !p.reminders;
}

/* Appends a note when the reminders are off altogether: a snooze then
 * changes nothing. */
static void
say_if_off(const struct cmd_ctx *ctx, struct text *reply)
{
	if (reminders_off(ctx))
		text_printf(reply, " (Reminders are off anyway; reminders on "
		                   "turns them on.)");
}

static enum cmd_status
snooze_show(const struct cmd_ctx *ctx, struct text *reply)
{
	char until[FMT_CLOCK_MAX];
	int64_t end;

	if (store_snooze(ctx->st, ctx->owner, &end) != STORE_OK)
		return cmd_store_failed(reply, 0);
	if (end > ctx->now) {
		fmt_clock(ctx->tz, end, ctx->now, until, sizeof(until));
		text_printf(reply, "No reminders until %s; snooze off ends it "
		                   "now.", until);
	} else {
		text_printf(reply, "No snooze is on. snooze 1h keeps reminders "
		                   "away for an hour (at most a week: snooze "
		                   "7d).");
	}
	return CMD_OK;
}

/*
 * word as a snooze's length: a duration (tp_duration) or whole days
 * ("2d", "1day", "3days"); 0, or -1 with why in reply.
 */
static int
snooze_length(const char *word, int64_t *secs, struct text *reply)
{
	char *end;
	long long days = strtoll(word, &end, 10);
	bool in_days = end != word && word[0] >= '1' && word[0] <= '9' &&
	               (cmd_is(end, "d") || cmd_is(end, "day") ||
	                cmd_is(end, "days"));

	if (in_days) {
		*secs = days <= 7 ? (int64_t)days * 86400 : SNOOZE_MAX + 1;
	} else if (tp_duration(word, secs, NULL) != TP_OK) {
		text_printf(reply, "I don't know how long ");
		cmd_quote_word(reply, word);
		text_printf(reply, " is. Try snooze 30m, snooze 2h or snooze "
		                   "1d, or snooze off.");
		return -1;
	}
	if (*secs > SNOOZE_MAX) {
		text_printf(reply, "A snooze lasts at most a week (snooze 7d); "
		                   "for longer, say reminders off.");
		return -1;
	}
	return 0;
}

static enum cmd_status
snooze_set(const struct cmd_ctx *ctx, const char *word, struct text *reply)
{
	char until[FMT_CLOCK_MAX];
	int64_t secs, was;

	if (cmd_is(word, "off")) {
		if (store_snooze(ctx->st, ctx->owner, &was) != STORE_OK ||
		    store_set_snooze(ctx->st, ctx->owner, 0) != STORE_OK)
			return cmd_store_failed(reply, 1);
		if (was <= ctx->now)
			text_printf(reply, "No snooze was on.");
		else if (!reminders_off(ctx))
			text_printf(reply, "Snooze over: reminders are back.");
		else
			text_printf(reply, "Snooze over.");
		say_if_off(ctx, reply);
		return CMD_OK;
	}
	if (snooze_length(word, &secs, reply) != 0)
		return CMD_REFUSED;
	if (store_set_snooze(ctx->st, ctx->owner, ctx->now + secs) != STORE_OK)
		return cmd_store_failed(reply, 1);
	fmt_clock(ctx->tz, ctx->now + secs, ctx->now, until, sizeof(until));
	text_printf(reply, "No reminders until %s.", until);
	say_if_off(ctx, reply);
	return CMD_OK;
}

enum cmd_status
cmd_snooze(const struct cmd_ctx *ctx, const struct cmd_args *args,
           struct text *reply)
{
	if (args->argc == 0)
		return snooze_show(ctx, reply);
	return snooze_set(ctx, args->argv[0], reply);
}
