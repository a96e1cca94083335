/*
 * bot/delivery.c - the queue of files made by commands (exports) on their
 * way to the users who asked: the functions of upload.h. It admits a file,
 * bounds what waits, chooses HTTP upload (bot/httpupload.c, XEP-0363) or
 * inline parts (bot/inline.c), falls back to inline when an upload fails,
 * and drops everything at a disconnect.
 *
 * Part of bot/: commands/ only hands over a struct cmd_file. It drives
 * bot/disco.c, bot/httpupload.c and bot/inline.c through upload_int.h;
 * they call back only through the delivery_* functions below.
 *
 * What waits is bounded: one file per user on its way (a user who asks
 * for another meanwhile is refused, upload_admit), DELIVERIES_MAX files
 * and DELIVERY_BYTES_MAX bytes in all.
 *
 * Pending deliveries own their data. A disconnect or shutdown drops them
 * all (an inline file after the part it had reached: the log says which;
 * the user has the numbered parts so far and may ask again), with their
 * id handlers (libstrophe keeps user id handlers across reconnects) and
 * HTTP transfers. Each answer handler returns 0, so libstrophe drops it
 * after the answer; one we give up on is deleted. (libstrophe 0.12 still
 * keeps each id seen as an empty key in its handler table until the
 * connection is released: some 60 bytes per request.) libstrophe's event
 * loop uses select(), so every descriptor must stay below 1024:
 * PENDING_MAX bounds how many transfers (sockets) run at once; more
 * exports go inline.
 */
#include "upload_int.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "handlers.h"
#include "log.h"

#define PENDING_MAX 8         /* deliveries waiting or uploading at once */
#define DELIVERIES_MAX 16     /* files on their way at once, all users */
#define DELIVERY_BYTES_MAX (16 * 1024 * 1024) /* their bytes together */

/* ---- deliveries ----------------------------------------------------- */

void
delivery_free(struct delivery *d)
{
	struct upload *u = d->u;
	struct delivery **pd;

	for (pd = &u->head; *pd != NULL; pd = &(*pd)->next)
		if (*pd == d) {
			*pd = d->next;
			u->pending--;
			break;
		}
	httpupload_release(d);
	text_free(&d->body);
	free(d->to);
	free(d->owner);
	free(d->thread);
	free(d->thread_parent);
	free(d);
}

/* The answer to a file for HTTP upload only that cannot be uploaded
 * (no service; off: export.upload is off; failed: the upload failed),
 * into buf. */
static void
say_no_link(const char *name, bool off, bool failed, char *buf, size_t n)
{
	if (off)
		snprintf(buf, n, "I do not use HTTP upload here, so I cannot send "
		         "you the HTML file %s; try \"export csv\" instead, which "
		         "can come as chat messages.", name);
	else if (failed)
		snprintf(buf, n, "I could not upload %s, and a page for a "
		         "browser is no use as chat messages; ask again later, "
		         "or try \"export csv\" instead.", name);
	else
		snprintf(buf, n, "This server offers no HTTP upload, so I cannot "
		         "send you the HTML file %s; try \"export csv\" instead, "
		         "which can come as chat messages.", name);
}

/* Turns d into an inline delivery (see inline_begin for failed and why);
 * its parts go out from inline_pump. Frees d when it cannot be sent
 * inline. A file for upload only is not sent: its user is told why. */
static void
go_inline(struct delivery *d, bool failed, const char *why)
{
	char say[512];

	httpupload_release(d);
	if (d->upload_only) {
		if (failed)
			log_warn("could not upload %s for %s (%s); not sending it "
			         "inline (upload only)", d->name, d->to, why);
		else
			log_info("not sending %s to %s inline (%s): upload only",
			         d->name, d->to, why);
		/* With a service, the upload did not happen (it failed, or
		 * too many were running): not the server's lack of one. */
		say_no_link(d->name, d->u->b->cfg->upload == CFG_UPLOAD_OFF,
		            failed || d->u->service != NULL, say, sizeof(say));
		send_chat(d->u->b, d->to, say);
		delivery_free(d);
		return;
	}
	if (inline_begin(d, failed, why) != 0)
		delivery_free(d);
}

void
delivery_fail(struct delivery *d, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(why, sizeof(why), fmt, ap) < 0)
		snprintf(why, sizeof(why), "unknown reason");
	va_end(ap);
	go_inline(d, true, why);
}

/* Asks the upload service for a slot for d, or delivers it inline when
 * there is none, or none for this size. */
static void
start(struct delivery *d)
{
	struct upload *u = d->u;
	char why[512];

	if (u->service == NULL) {
		go_inline(d, false, "the server offers no HTTP upload");
		return;
	}
	if (u->max_size != 0 && d->body.len > u->max_size) {
		snprintf(why, sizeof(why), "%zu bytes is more than the upload "
		         "service takes, %" PRIu64, d->body.len, u->max_size);
		go_inline(d, false, why);
		return;
	}
	/* libcurl is loaded here, not at start-up (curl_load.h); where it
	 * is missing the file goes inline and the log says why. */
	if (httpupload_ready(u, why, sizeof(why)) != 0)
		delivery_fail(d, "%s", why);
	else if (httpupload_request(d) != 0)
		delivery_fail(d, "cannot request a slot");
}

bool
upload_admit(const struct upload *u, const char *owner, size_t size,
             char *why, size_t n)
{
	const struct delivery *d;
	size_t count = 0, bytes = 0;

	for (d = u->head; d != NULL; d = d->next) {
		if (strcasecmp(d->owner, owner) == 0) {
			if (d->state != D_INLINE)
				snprintf(why, n, "Your last export is still being "
				         "uploaded; ask again when it is done.");
			else if (d->part == 0)
				snprintf(why, n, "Your last export is still waiting to "
				         "be sent (%zu part%s); ask again when it is "
				         "done.", d->nparts, d->nparts == 1 ? "" : "s");
			else
				snprintf(why, n, "Your last export is still being sent "
				         "(part %zu of %zu); ask again when it is "
				         "done.", d->part, d->nparts);
			return false;
		}
		count++;
		bytes += d->body.len;
	}
	if (count >= DELIVERIES_MAX || size > DELIVERY_BYTES_MAX - bytes) {
		snprintf(why, n, "I am sending too many exports right now; ask "
		         "again in a few minutes.");
		return false;
	}
	return true;
}

bool
upload_can_link(const struct upload *u, const struct cmd_file *f, char *why,
                size_t n)
{
	if (u != NULL && u->b->cfg->upload != CFG_UPLOAD_OFF &&
	    (u->state == SVC_DISCOVERING ||
	     (u->state == SVC_KNOWN && u->service != NULL)) &&
	    (u->max_size == 0 || f->body.len <= u->max_size))
		return true;
	if (u != NULL && u->service != NULL && u->max_size != 0 &&
	    f->body.len > u->max_size)
		snprintf(why, n, "%s is larger than your server's HTTP upload "
		         "takes (%zu bytes, at most %" PRIu64 "); ask for a "
		         "shorter period, or try \"export csv\".", f->name,
		         f->body.len, u->max_size);
	else
		say_no_link(f->name,
		            u != NULL && u->b->cfg->upload == CFG_UPLOAD_OFF,
		            false, why, n);
	return false;
}

/* How many deliveries go through HTTP upload (or wait to). */
static size_t
uploads(const struct upload *u)
{
	const struct delivery *d;
	size_t n = 0;

	for (d = u->head; d != NULL; d = d->next)
		if (d->state != D_INLINE)
			n++;
	return n;
}

void
upload_deliver(struct upload *u, const char *to, xmpp_stanza_t *thread,
               struct cmd_file *f)
{
	char owner[STORE_OWNER_MAX + 1];
	const char *tparent = NULL, *why = NULL;
	struct delivery *d;
	char *stext;

	if (!f->present)
		return;
	if (!bare_jid(to, owner, sizeof(owner)) ||
	    (d = calloc(1, sizeof(*d))) == NULL) {
		log_error("cannot deliver %s to %s: out of memory", f->name, to);
		return;
	}
	d->u = u;
	if (thread != NULL && (stext = xmpp_stanza_get_text(thread)) != NULL) {
		/* An overlong thread id is not echoed (XEP-0201 ids are short). */
		if (strlen(stext) <= THREAD_MAX) {
			d->thread = strdup(stext);
			tparent = xmpp_stanza_get_attribute(thread, "parent");
			if (tparent != NULL && strlen(tparent) > THREAD_MAX)
				tparent = NULL;
		}
		xmpp_free(u->b->ctx, stext);
	}
	snprintf(d->name, sizeof(d->name), "%s", f->name);
	d->mime = f->mime ? f->mime : "application/octet-stream";
	d->body = f->body; /* taken: f starts afresh */
	d->upload_only = f->upload_only;
	cmd_file_init(f);
	if ((d->to = strdup(to)) == NULL || (d->owner = strdup(owner)) == NULL ||
	    (tparent != NULL && (d->thread_parent = strdup(tparent)) == NULL)) {
		log_error("cannot deliver %s to %s: out of memory", d->name, to);
		free(d->to);
		free(d->owner);
		free(d->thread);
		free(d->thread_parent);
		text_free(&d->body);
		free(d);
		return;
	}

	if (u->b->cfg->upload == CFG_UPLOAD_OFF)
		why = "export.upload is off";
	else if (u->state == SVC_OFFLINE)
		why = "no upload service known";
	else if (uploads(u) >= PENDING_MAX)
		why = "too many uploads in progress";
	d->state = D_WAIT_SERVICE;
	d->next = u->head;
	u->head = d;
	u->pending++;
	if (why != NULL)
		go_inline(d, false, why);
	else if (u->state == SVC_KNOWN)
		start(d);
	/* A small file goes out at once. */
	inline_pump(u);
}

void
delivery_service_known(struct upload *u)
{
	struct delivery *d, *next;

	for (d = u->head; d != NULL; d = next) {
		next = d->next;
		if (d->state == D_WAIT_SERVICE)
			start(d);
	}
}

/* ---- the session's side --------------------------------------------- */

struct upload *
upload_new(struct bot *b)
{
	struct upload *u = calloc(1, sizeof(*u));

	if (u == NULL) {
		log_error("upload: out of memory");
		return NULL;
	}
	u->b = b;
	return u;
}

void
upload_online(struct upload *u)
{
	if (u->b->cfg->upload == CFG_UPLOAD_OFF) {
		if (!u->off_logged)
			log_info("HTTP upload: not used (export.upload is off); "
			         "exports go inline");
		u->off_logged = true;
		return;
	}
	disco_start(u);
}

void
upload_offline(struct upload *u)
{
	struct delivery *d;

	if (u == NULL)
		return;
	while ((d = u->head) != NULL) {
		if (d->state == D_INLINE)
			log_warn("dropped the delivery of %s to %s after part %zu "
			         "of %zu: disconnected", d->name, d->to, d->part,
			         d->nparts);
		else
			log_warn("dropped the delivery of %s to %s: disconnected",
			         d->name, d->to);
		delivery_free(d);
	}
	inline_offline(u);
	disco_clear(u);
	free(u->service);
	u->service = NULL;
	u->max_size = 0;
	u->state = SVC_OFFLINE;
	u->running = 0;
}

void
upload_free(struct upload *u)
{
	if (u == NULL)
		return;
	upload_offline(u);
	if (u->multi != NULL)
		u->curl->multi_cleanup(u->multi);
	free(u);
}

bool
upload_poll(struct upload *u)
{
	int64_t now;
	bool held;

	if (u == NULL)
		return false;
	httpupload_poll(u);
	now = mono_ms();
	disco_poll(u, now);
	httpupload_timeouts(u, now);
	held = inline_poll(u, now);
	return held || u->running > 0;
}
