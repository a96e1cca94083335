/*
 * bot/httpupload.c - a file delivered through the server's HTTP upload
 * service (XEP-0363 sections 4 and 5), the PUT made with libcurl's multi
 * interface. See upload_int.h.
 *
 * Part of bot/: libstrophe for the slot request and the link, libcurl for
 * HTTP; the queue (bot/delivery.c) only through the delivery_* calls of
 * upload_int.h, which decides when a file comes here and takes it back
 * (inline) when it fails.
 *
 * An iq get <request/> to the service returns a slot, a PUT URL with the
 * headers to send and a GET URL. We PUT the file with libcurl's multi
 * interface, driven by upload_poll from the session's loop, so no
 * transfer ever blocks the XMPP side; TLS is verified, over HTTPS only
 * (curl_https_options, curl_load.h). Then the user gets one message whose body is
 * the GET URL, with the same URL in an XEP-0066 <x xmlns='jabber:x:oob'/>:
 * clients show a file for exactly that. A refused or unanswered slot
 * request or a failed PUT falls back to inline delivery, and the log says
 * why, once.
 */
#include "upload_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "handlers.h"
#include "log.h"

#define NS_OOB "jabber:x:oob"

#define SLOT_TIMEOUT_MS 30000 /* for the answer to a slot request */
#define PUT_TIMEOUT_MS 60000L /* for a whole PUT, connection included */
#define URL_MAX 2048          /* longest slot URL we accept */
#define HEADER_MAX 4096       /* longest slot header value we send */

static int slot_answer(xmpp_conn_t *, xmpp_stanza_t *, void *);

int
httpupload_ready(struct upload *u, char *why, size_t n)
{
	return curl_multi_ready(&u->curl, &u->multi, why, n);
}

int
httpupload_request(struct delivery *d)
{
	struct upload *u = d->u;
	char size[32];

	snprintf(size, sizeof(size), "%zu", d->body.len);
	d->id = upload_iq_get(u, u->service, "request", NS_UPLOAD, slot_answer,
	                      d, "filename", d->name, "size", size,
	                      "content-type", d->mime, (const char *)NULL);
	if (d->id == NULL)
		return -1;
	d->state = D_WAIT_SLOT;
	d->deadline = mono_ms() + SLOT_TIMEOUT_MS;
	return 0;
}

void
httpupload_release(struct delivery *d)
{
	if (d->id != NULL) {
		xmpp_id_handler_delete(d->u->b->conn, slot_answer, d->id);
		free(d->id);
		d->id = NULL;
	}
	if (d->easy != NULL) {
		d->u->curl->multi_remove_handle(d->u->multi, d->easy);
		d->u->curl->easy_cleanup(d->easy);
		d->easy = NULL;
	}
	if (d->headers != NULL)
		d->u->curl->slist_free_all(d->headers);
	d->headers = NULL;
	free(d->get_url);
	d->get_url = NULL;
}

/* True when url is an https URL we may use: bounded, no spaces, no
 * control characters (it goes into a header line and a message). */
static bool
url_ok(const char *url)
{
	const unsigned char *p;

	if (url == NULL || strncasecmp(url, "https://", 8) != 0 ||
	    strlen(url) > URL_MAX || url[8] == '\0')
		return false;
	for (p = (const unsigned char *)url; *p; p++)
		if (*p <= 0x20 || *p == 0x7f)
			return false;
	return true;
}

/* libcurl asks for the next bytes of the file. */
static size_t
read_body(char *buf, size_t size, size_t nitems, void *userdata)
{
	struct delivery *d = userdata;
	size_t left = d->body.len - d->sent, n = size * nitems;

	if (n > left)
		n = left;
	if (n > 0)
		memcpy(buf, d->body.buf + d->sent, n);
	d->sent += n;
	return n;
}

/* The service's answer to a PUT is not needed: discarded. */
static size_t
discard(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	(void)ptr;
	(void)userdata;
	return size * nmemb;
}

/*
 * Adds the slot's <header/>s to d->headers, as XEP-0363 section 5 says:
 * only Authorization, Cookie and Expires, any other ignored, newlines
 * stripped from the value. Returns 0, or -1 (out of memory, too long).
 */
static int
slot_headers(struct delivery *d, xmpp_stanza_t *put)
{
	static const char *const allowed[] = { "Authorization", "Cookie",
	                                       "Expires" };
	xmpp_ctx_t *ctx = d->u->b->ctx;
	struct curl_slist *l;
	xmpp_stanza_t *h;
	char line[HEADER_MAX + 32];
	size_t i, o;
	char *v;

	for (h = xmpp_stanza_get_children(put); h; h = xmpp_stanza_get_next(h)) {
		const char *hn = xmpp_stanza_get_attribute(h, "name");
		const char *name = xmpp_stanza_get_name(h);

		if (!xmpp_stanza_is_tag(h) || name == NULL ||
		    strcmp(name, "header") != 0 || hn == NULL)
			continue;
		for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
			if (strcasecmp(hn, allowed[i]) == 0)
				break;
		if (i == sizeof(allowed) / sizeof(allowed[0]))
			continue;
		if ((v = xmpp_stanza_get_text(h)) == NULL)
			continue;
		o = (size_t)snprintf(line, sizeof(line), "%s: ", allowed[i]);
		for (i = 0; v[i] != '\0' && o < sizeof(line) - 1; i++)
			if (v[i] != '\r' && v[i] != '\n')
				line[o++] = v[i];
		line[o] = '\0';
		if (v[i] != '\0' || i > HEADER_MAX) {
			xmpp_free(ctx, v);
			return -1;
		}
		xmpp_free(ctx, v);
		if ((l = d->u->curl->slist_append(d->headers, line)) == NULL)
			return -1;
		d->headers = l;
	}
	return 0;
}

/* Starts the PUT of d to url. Returns 0, or -1 after filling why. */
static int
start_put(struct delivery *d, const char *url, char *why, size_t n)
{
	struct upload *u = d->u;
	const struct curl_api *c = u->curl;
	char ctype[160];
	struct curl_slist *l;
	CURLMcode mrc;

	snprintf(ctype, sizeof(ctype), "Content-Type: %s", d->mime);
	/* No "Expect: 100-continue": one round trip less, and the service
	 * has seen the size in the slot request already. */
	if ((l = c->slist_append(d->headers, ctype)) == NULL ||
	    (d->headers = l, (l = c->slist_append(d->headers, "Expect:")) == NULL)) {
		snprintf(why, n, "out of memory");
		return -1;
	}
	d->headers = l;
	if ((d->easy = c->easy_init()) == NULL) {
		snprintf(why, n, "cannot set up libcurl");
		return -1;
	}
	/* What every transfer sets (curl_load.h), then the PUT's own. */
	if (curl_https_options(c, d->easy, PUT_TIMEOUT_MS, d->errbuf, d) !=
	            CURLE_OK ||
	    c->easy_setopt(d->easy, CURLOPT_URL, url) != CURLE_OK ||
	    c->easy_setopt(d->easy, CURLOPT_UPLOAD, 1L) != CURLE_OK ||
	    c->easy_setopt(d->easy, CURLOPT_INFILESIZE_LARGE,
	                     (curl_off_t)d->body.len) != CURLE_OK ||
	    c->easy_setopt(d->easy, CURLOPT_READFUNCTION, read_body) != CURLE_OK ||
	    c->easy_setopt(d->easy, CURLOPT_READDATA, d) != CURLE_OK ||
	    c->easy_setopt(d->easy, CURLOPT_WRITEFUNCTION, discard) != CURLE_OK ||
	    c->easy_setopt(d->easy, CURLOPT_HTTPHEADER, d->headers) != CURLE_OK) {
		snprintf(why, n, "cannot set up the PUT");
		return -1;
	}
	if ((mrc = c->multi_add_handle(u->multi, d->easy)) != CURLM_OK) {
		snprintf(why, n, "cannot start the PUT: %s",
		         c->multi_strerror(mrc));
		return -1;
	}
	d->state = D_PUT;
	u->running++; /* until the next curl_multi_perform says otherwise */
	return 0;
}

/* The upload service answered d's slot request. */
static int
slot_answer(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
	struct delivery *d = userdata;
	xmpp_stanza_t *slot, *put, *get;
	const char *put_url, *get_url;
	char why[512];

	(void)conn;
	if (!upload_is_answer(stanza, d->u->service))
		return 1; /* not the answer: keep waiting */
	/* We return 0 below, so libstrophe drops this handler itself. */
	free(d->id);
	d->id = NULL;
	if (strcmp(xmpp_stanza_get_type(stanza), "error") == 0) {
		delivery_fail(d, "the upload service refused a slot: %s",
		              upload_error_of(stanza, why, sizeof(why)));
		return 0;
	}
	slot = xmpp_stanza_get_child_by_name_and_ns(stanza, "slot", NS_UPLOAD);
	put = slot ? xmpp_stanza_get_child_by_name(slot, "put") : NULL;
	get = slot ? xmpp_stanza_get_child_by_name(slot, "get") : NULL;
	put_url = put ? xmpp_stanza_get_attribute(put, "url") : NULL;
	get_url = get ? xmpp_stanza_get_attribute(get, "url") : NULL;
	if (!url_ok(put_url) || !url_ok(get_url)) {
		delivery_fail(d, "the slot has no usable https PUT and GET "
		              "URLs");
		return 0;
	}
	if ((d->get_url = strdup(get_url)) == NULL) {
		delivery_fail(d, "out of memory");
		return 0;
	}
	if (slot_headers(d, put) != 0) {
		delivery_fail(d, "the slot's headers are unusable");
		return 0;
	}
	if (start_put(d, put_url, why, sizeof(why)) != 0)
		delivery_fail(d, "%s", why);
	return 0;
}

/* Drops our reference to s, if we got one (NULL: nothing to drop). */
static void
release(xmpp_stanza_t *s)
{
	if (s != NULL)
		xmpp_stanza_release(s);
}

/* Tells the user where d is: the GET URL as the body, and again in an
 * XEP-0066 <x xmlns='jabber:x:oob'><url/></x>. */
static void
send_url(struct delivery *d)
{
	xmpp_ctx_t *ctx = d->u->b->ctx;
	xmpp_stanza_t *msg = NULL, *x = NULL, *url = NULL, *txt = NULL;
	xmpp_stanza_t *th = NULL, *thtxt = NULL;
	char *id = upload_new_id(d->u);

	if (id == NULL || (msg = xmpp_message_new(ctx, "chat", d->to, id)) == NULL ||
	    xmpp_message_set_body(msg, d->get_url) != XMPP_EOK ||
	    (x = xmpp_stanza_new(ctx)) == NULL ||
	    xmpp_stanza_set_name(x, "x") != XMPP_EOK ||
	    xmpp_stanza_set_ns(x, NS_OOB) != XMPP_EOK ||
	    (url = xmpp_stanza_new(ctx)) == NULL ||
	    xmpp_stanza_set_name(url, "url") != XMPP_EOK ||
	    (txt = xmpp_stanza_new(ctx)) == NULL ||
	    xmpp_stanza_set_text(txt, d->get_url) != XMPP_EOK ||
	    xmpp_stanza_add_child(url, txt) != XMPP_EOK ||
	    xmpp_stanza_add_child(x, url) != XMPP_EOK ||
	    xmpp_stanza_add_child(msg, x) != XMPP_EOK)
		goto oom;
	if (d->thread != NULL &&
	    ((th = xmpp_stanza_new(ctx)) == NULL ||
	     xmpp_stanza_set_name(th, "thread") != XMPP_EOK ||
	     (d->thread_parent != NULL &&
	      xmpp_stanza_set_attribute(th, "parent", d->thread_parent) !=
	              XMPP_EOK) ||
	     (thtxt = xmpp_stanza_new(ctx)) == NULL ||
	     xmpp_stanza_set_text(thtxt, d->thread) != XMPP_EOK ||
	     xmpp_stanza_add_child(th, thtxt) != XMPP_EOK ||
	     xmpp_stanza_add_child(msg, th) != XMPP_EOK))
		goto oom;
	xmpp_send(d->u->b->conn, msg);
	log_info("uploaded %s (%zu bytes) for %s", d->name, d->body.len, d->to);
	goto out;
oom:
	log_error("cannot send the link to %s to %s: out of memory", d->name,
	          d->to);
out:
	/* Each parent holds its own reference to each child added. */
	release(thtxt);
	release(th);
	release(txt);
	release(url);
	release(x);
	release(msg);
	free(id);
}

/* A PUT ended with result: tell the user where the file is, or send it
 * inline. Frees d. */
static void
put_done(struct delivery *d, CURLcode result)
{
	long status = 0;

	if (result != CURLE_OK) {
		delivery_fail(d, "PUT failed: %s", d->errbuf[0]
		              ? d->errbuf : d->u->curl->easy_strerror(result));
		return;
	}
	d->u->curl->easy_getinfo(d->easy, CURLINFO_RESPONSE_CODE, &status);
	if (status < 200 || status > 299) {
		delivery_fail(d, "PUT answered with HTTP status %ld", status);
		return;
	}
	send_url(d);
	delivery_free(d);
}

void
httpupload_poll(struct upload *u)
{
	struct CURLMsg *m;
	int left;
	if (u->running == 0)
		return;
	u->curl->multi_perform(u->multi, &u->running);
	while ((m = u->curl->multi_info_read(u->multi, &left)) != NULL) {
		char *p = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		u->curl->easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &p);
		if (p != NULL)
			put_done((struct delivery *)(void *)p, m->data.result);
	}
}

void
httpupload_timeouts(struct upload *u, int64_t now)
{
	struct delivery *d, *next;

	for (d = u->head; d != NULL; d = next) {
		next = d->next;
		if (d->state == D_WAIT_SLOT && now >= d->deadline)
			delivery_fail(d, "no answer to the slot request within %d s",
			              SLOT_TIMEOUT_MS / 1000);
	}
}
