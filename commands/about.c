/*
 * commands/about.c - messages about an earlier message: an XEP-0308
 * correction takes back what the message it corrects did and runs in its
 * place, an XEP-0424 retraction only takes it back, in one transaction,
 * when that is still the sender's latest change (ctx->about). Also the end
 * of every change the dispatcher begins (cmd_end_change).
 */
#include "cmd_int.h"

#include <stddef.h>

/*
 * Ends the change of ctx's message that the dispatcher began: committed
 * with the message's key when the handler's rc is CMD_OK, else rolled
 * back (also when the commit fails: then the reply says so). Returns the
 * command's status.
 */
enum cmd_status
cmd_end_change(const struct cmd_ctx *ctx, enum cmd_status rc,
               struct text *reply)
{
	if (rc == CMD_OK && store_change_commit(ctx->st, ctx->owner,
	                                        ctx->msg_key) == STORE_OK)
		return CMD_OK;
	store_rollback(ctx->st);
	return rc == CMD_OK ? cmd_store_failed(reply, 1) : rc;
}

/* What an earlier message (ctx->about) did, as find_earlier sees it. */
enum earlier {
	EARLIER_NOTHING, /* no change (a read, a refusal, an unknown id) */
	EARLIER_LATEST,  /* its change is the owner's latest undo step */
	EARLIER_OLDER    /* a change that undo cannot reach now */
};

/*
 * What the earlier message of ctx->about did, read in the open
 * transaction: *e, and in label (labelsz bytes) the label of the owner's
 * latest step: the one that would be undone for EARLIER_LATEST, the one
 * in the way for EARLIER_OLDER; "" when the earlier message's change has
 * no step left to undo. A store failure
 * is returned as is.
 */
static store_rc
find_earlier(const struct cmd_ctx *ctx, enum earlier *e, char *label,
             size_t labelsz)
{
	store_rc ret = STORE_NOTFOUND;
	int64_t step = 0, last = 0;
	size_t i;

	*e = EARLIER_NOTHING;
	label[0] = '\0';
	for (i = 0; i < 2 && ret == STORE_NOTFOUND; i++)
		if (ctx->about->keys[i] != NULL)
			ret = store_msg_step(ctx->st, ctx->owner,
			                     ctx->about->keys[i], &step);
	if (ret == STORE_NOTFOUND)
		return STORE_OK;
	if (ret != STORE_OK)
		return ret;
	ret = store_last_step(ctx->st, ctx->owner, &last, label, labelsz);
	if (ret != STORE_OK && ret != STORE_NOTFOUND)
		return ret;
	*e = step != 0 && step == last ? EARLIER_LATEST : EARLIER_OLDER;
	/* No step left (undone already, or too old): no later change is
	 * what stands in the way. */
	if (step == 0)
		label[0] = '\0';
	return STORE_OK;
}

/* The refusal of a correction or retraction whose earlier message's
 * change is no longer the latest: what stands in the way (label, the
 * latest step's), and what to use instead. */
static void
say_not_latest(struct text *reply, const char *what, const char *label)
{
	if (label[0] != '\0')
		text_printf(reply, "I can only %s your latest change; since then "
		                   "you did \"%s\". Use \"edit\" or \"undo\" "
		                   "instead; nothing changed.", what, label);
	else
		text_printf(reply, "I can no longer take back what that message "
		                   "did, so I cannot %s it. Use \"edit\" "
		                   "instead; nothing changed.", what);
}

/*
 * Undoes the latest step in the open transaction for a correction or
 * retraction: CMD_OK, or the refusal or failure in reply (the caller
 * rolls back).
 */
static enum cmd_status
undo_earlier(const struct cmd_ctx *ctx, struct text *reply)
{
	switch (store_undo(ctx->st, ctx->owner, NULL, 0, NULL)) {
	case STORE_OK:
		return CMD_OK;
	case STORE_CONFLICT:
		text_printf(reply, "I could not take back what that message did "
		                   "without breaking a rule (overlap or a second "
		                   "running timer); nothing changed.");
		return CMD_REFUSED;
	default:
		return cmd_store_failed(reply, 1);
	}
}

/*
 * Runs def's handler for an XEP-0308 correction (ctx->about), in one
 * transaction begun here, whatever def's flags: when the corrected
 * message's change is the owner's latest step, it is undone and the
 * handler runs in its place ("Corrected: " and its reply), the corrected
 * message standing from then on for the new step (store_msg_follow), so
 * that it can be corrected again; all of it or nothing: when the new
 * command is refused, the original stands and the reply says so. A
 * change that is no longer the latest is refused, naming the one in the
 * way. A message that changed nothing: the handler runs as for a new
 * message.
 */
enum cmd_status
cmd_run_correction(const struct cmd_def *def, const struct cmd_ctx *ctx,
                   const struct cmd_args *args, struct text *reply)
{
	char label[STORE_LABEL_MAX];
	enum cmd_status rc;
	struct text out;
	enum earlier e;
	size_t i;

	if (store_begin(ctx->st) != STORE_OK)
		return cmd_store_failed(reply, 1);
	if (find_earlier(ctx, &e, label, sizeof(label)) != STORE_OK)
		return cmd_end_change(ctx, cmd_store_failed(reply, 1), reply);
	if (e == EARLIER_NOTHING)
		return cmd_end_change(ctx, def->fn(ctx, args, reply), reply);
	if (e == EARLIER_OLDER) {
		say_not_latest(reply, "correct", label);
		return cmd_end_change(ctx, CMD_REFUSED, reply);
	}
	if ((rc = undo_earlier(ctx, reply)) != CMD_OK)
		return cmd_end_change(ctx, rc, reply);
	text_init(&out, CMD_REPLY_MAX);
	rc = def->fn(ctx, args, &out);
	for (i = 0; rc == CMD_OK && i < 2; i++)
		if (ctx->about->keys[i] != NULL &&
		    store_msg_follow(ctx->st, ctx->owner,
		                     ctx->about->keys[i]) != STORE_OK)
			rc = cmd_store_failed(&out, 1);
	if (rc == CMD_OK)
		text_printf(reply, "Corrected: %s", text_str(&out));
	else if (rc == CMD_REFUSED)
		text_printf(reply, "%s\nYour original message stands (%s).",
		            text_str(&out), label);
	else
		text_printf(reply, "%s", text_str(&out));
	text_free(&out);
	return cmd_end_change(ctx, rc, reply);
}

/*
 * Runs an XEP-0424 retraction (ctx->about) in one transaction: undoes
 * what the retracted message did when that is the owner's latest step;
 * else says why not, and changes nothing.
 */
enum cmd_status
cmd_run_retraction(const struct cmd_ctx *ctx, struct text *reply)
{
	char label[STORE_LABEL_MAX];
	enum cmd_status rc;
	enum earlier e;

	if (store_begin(ctx->st) != STORE_OK)
		return cmd_store_failed(reply, 1);
	if (find_earlier(ctx, &e, label, sizeof(label)) != STORE_OK)
		return cmd_end_change(ctx, cmd_store_failed(reply, 1), reply);
	switch (e) {
	case EARLIER_NOTHING:
		text_printf(reply, "There was nothing to undo: the message you "
		                   "retracted changed nothing.");
		return cmd_end_change(ctx, CMD_REFUSED, reply);
	case EARLIER_OLDER:
		say_not_latest(reply, "undo", label);
		return cmd_end_change(ctx, CMD_REFUSED, reply);
	case EARLIER_LATEST:
		break;
	}
	if ((rc = undo_earlier(ctx, reply)) == CMD_OK)
		text_printf(reply, "Undone: %s (your retracted message).", label);
	return cmd_end_change(ctx, rc, reply);
}
