/*
 * bot/disco.c - finding the server's HTTP upload service after each login
 * (XEP-0030 service discovery, as XEP-0363 section 3 describes). See
 * upload_int.h.
 *
 * Part of bot/: libstrophe only. It fills in u->service and u->max_size,
 * and tells the queue (bot/delivery.c) through delivery_service_known;
 * it knows nothing of the files waiting.
 *
 * We ask our server's domain for disco#items and every item for
 * disco#info; the first item, in the server's order, that has the feature
 * urn:xmpp:http:upload:0 is the upload service, and the max-file-size
 * field of its jabber:x:data form (XEP-0128) its size limit, if it gives
 * one. Exports made while discovery runs wait for it.
 */
#include "upload_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "handlers.h"
#include "log.h"

#define NS_DISCO_ITEMS "http://jabber.org/protocol/disco#items"
#define NS_DISCO_INFO "http://jabber.org/protocol/disco#info"
#define NS_DATA "jabber:x:data"

#define DISCO_TIMEOUT_MS 30000 /* unanswered items count as "no upload" */

static int disco_items_answer(xmpp_conn_t *, xmpp_stanza_t *, void *);
static int disco_info_answer(xmpp_conn_t *, xmpp_stanza_t *, void *);

void
disco_clear(struct upload *u)
{
	size_t i;

	if (u->items_id != NULL) {
		xmpp_id_handler_delete(u->b->conn, disco_items_answer, u->items_id);
		free(u->items_id);
		u->items_id = NULL;
	}
	for (i = 0; i < u->nitems; i++) {
		if (u->items[i].id != NULL) {
			xmpp_id_handler_delete(u->b->conn, disco_info_answer,
			                       u->items[i].id);
			free(u->items[i].id);
		}
		free(u->items[i].jid);
	}
	memset(u->items, 0, sizeof(u->items));
	u->nitems = 0;
}

/* Discovery is over: item `found` (an index, or -1 for none) is the
 * service; why says what went wrong when none was found through an
 * error. Starts the deliveries that waited. */
static void
disco_done(struct upload *u, long found, const char *why)
{
	free(u->service);
	u->service = NULL;
	u->max_size = 0;
	if (found >= 0) {
		u->service = u->items[found].jid;
		u->items[found].jid = NULL;
		u->max_size = u->items[found].max_size;
	}
	disco_clear(u);
	u->state = SVC_KNOWN;
	if (u->service != NULL && u->max_size != 0)
		log_info("HTTP upload: %s, files up to %" PRIu64 " bytes",
		         u->service, u->max_size);
	else if (u->service != NULL)
		log_info("HTTP upload: %s, no size limit given", u->service);
	else
		log_info("HTTP upload: none on %s (%s); exports go inline",
		         upload_own_domain(u), why ? why : "no item offers it");

	delivery_service_known(u);
}

/* Decides when it can: the first item in order that offers upload wins,
 * once every item before it said no. */
static void
disco_decide(struct upload *u)
{
	size_t i;

	for (i = 0; i < u->nitems; i++) {
		if (u->items[i].answer == ITEM_ASKED)
			return;
		if (u->items[i].answer == ITEM_YES) {
			disco_done(u, (long)i, NULL);
			return;
		}
	}
	disco_done(u, -1, NULL);
}

static int
disco_items_answer(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
	struct upload *u = userdata;
	xmpp_stanza_t *q, *it;
	char why[512], buf[600];

	(void)conn;
	if (!upload_is_answer(stanza, upload_own_domain(u)))
		return 1;
	free(u->items_id); /* libstrophe drops the handler: we return 0 */
	u->items_id = NULL;
	if (strcmp(xmpp_stanza_get_type(stanza), "error") == 0) {
		snprintf(buf, sizeof(buf), "disco#items failed: %s",
		         upload_error_of(stanza, why, sizeof(why)));
		disco_done(u, -1, buf);
		return 0;
	}
	q = xmpp_stanza_get_child_by_name_and_ns(stanza, "query", NS_DISCO_ITEMS);
	for (it = q ? xmpp_stanza_get_children(q) : NULL; it != NULL;
	     it = xmpp_stanza_get_next(it)) {
		const char *name = xmpp_stanza_get_name(it);
		const char *jid = xmpp_stanza_get_attribute(it, "jid");
		struct disco_item *item;

		/* Items with a node are not entities of their own. */
		if (!xmpp_stanza_is_tag(it) || name == NULL ||
		    strcmp(name, "item") != 0 || jid == NULL || *jid == '\0' ||
		    xmpp_stanza_get_attribute(it, "node") != NULL)
			continue;
		if (u->nitems == DISCO_ITEMS_MAX) {
			log_debug("HTTP upload: only the first %d items of %s "
			          "are asked", DISCO_ITEMS_MAX, upload_own_domain(u));
			break;
		}
		item = &u->items[u->nitems];
		if ((item->jid = strdup(jid)) == NULL)
			break;
		u->nitems++;
		item->answer = ITEM_ASKED;
		item->id = upload_iq_get(u, jid, "query", NS_DISCO_INFO,
		                         disco_info_answer, u, (const char *)NULL);
		if (item->id == NULL)
			item->answer = ITEM_NO;
	}
	disco_decide(u);
	return 0;
}

/* The max-file-size of the XEP-0363 form in a disco#info query (XEP-0128
 * extended information), 0 when it gives none. */
static uint64_t
max_file_size(xmpp_stanza_t *query)
{
	xmpp_ctx_t *ctx = xmpp_stanza_get_context(query);
	xmpp_stanza_t *x, *f, *v;
	uint64_t max = 0;

	for (x = xmpp_stanza_get_children(query); x; x = xmpp_stanza_get_next(x)) {
		const char *ns = xmpp_stanza_get_ns(x);
		bool ours = false;
		char *val = NULL;

		if (!xmpp_stanza_is_tag(x) || ns == NULL || strcmp(ns, NS_DATA) != 0)
			continue;
		/* FORM_TYPE first: only the upload form's fields count. */
		for (f = xmpp_stanza_get_children(x); f; f = xmpp_stanza_get_next(f)) {
			const char *var = xmpp_stanza_get_attribute(f, "var");

			if (var == NULL || strcmp(var, "FORM_TYPE") != 0 ||
			    (v = xmpp_stanza_get_child_by_name(f, "value")) == NULL ||
			    (val = xmpp_stanza_get_text(v)) == NULL)
				continue;
			ours = strcmp(val, NS_UPLOAD) == 0;
			xmpp_free(ctx, val);
			break;
		}
		if (!ours)
			continue;
		for (f = xmpp_stanza_get_children(x); f; f = xmpp_stanza_get_next(f)) {
			const char *var = xmpp_stanza_get_attribute(f, "var");
			const char *s;
			char *end;

			if (var == NULL || strcmp(var, "max-file-size") != 0 ||
			    (v = xmpp_stanza_get_child_by_name(f, "value")) == NULL ||
			    (val = xmpp_stanza_get_text(v)) == NULL)
				continue;
			s = val;
			if (*s >= '0' && *s <= '9') {
				unsigned long long n = strtoull(s, &end, 10);

				if (*end == '\0')
					max = (uint64_t)n;
			}
			xmpp_free(ctx, val);
			break;
		}
		break;
	}
	return max;
}

static int
disco_info_answer(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
	struct upload *u = userdata;
	const char *id = xmpp_stanza_get_id(stanza);
	struct disco_item *item = NULL;
	xmpp_stanza_t *q, *f;
	size_t i;

	(void)conn;
	for (i = 0; i < u->nitems && id != NULL; i++)
		if (u->items[i].id != NULL && strcmp(u->items[i].id, id) == 0)
			item = &u->items[i];
	if (item == NULL)
		return 0; /* not ours any more */
	if (!upload_is_answer(stanza, item->jid))
		return 1;
	free(item->id); /* libstrophe drops the handler: we return 0 */
	item->id = NULL;
	item->answer = ITEM_NO;
	q = xmpp_stanza_get_child_by_name_and_ns(stanza, "query", NS_DISCO_INFO);
	if (strcmp(xmpp_stanza_get_type(stanza), "result") == 0 && q != NULL) {
		for (f = xmpp_stanza_get_children(q); f; f = xmpp_stanza_get_next(f)) {
			const char *name = xmpp_stanza_get_name(f);
			const char *var = xmpp_stanza_get_attribute(f, "var");

			if (name && var && strcmp(name, "feature") == 0 &&
			    strcmp(var, NS_UPLOAD) == 0) {
				item->answer = ITEM_YES;
				item->max_size = max_file_size(q);
				break;
			}
		}
	}
	disco_decide(u);
	return 0;
}

void
disco_start(struct upload *u)
{
	disco_clear(u);
	u->state = SVC_DISCOVERING;
	u->disco_deadline = mono_ms() + DISCO_TIMEOUT_MS;
	u->items_id = upload_iq_get(u, upload_own_domain(u), "query",
	                            NS_DISCO_ITEMS, disco_items_answer, u,
	                            (const char *)NULL);
	if (u->items_id == NULL)
		disco_done(u, -1, "cannot ask the server");
}

void
disco_poll(struct upload *u, int64_t now)
{
	size_t i;

	if (u->state != SVC_DISCOVERING || now < u->disco_deadline)
		return;
	if (u->items_id != NULL) {
		disco_done(u, -1, "no answer to disco#items in time");
		return;
	}
	/* Items still silent count as "no"; their handlers go in
	 * disco_done. */
	for (i = 0; i < u->nitems; i++)
		if (u->items[i].answer == ITEM_ASKED)
			u->items[i].answer = ITEM_NO;
	disco_decide(u);
}
