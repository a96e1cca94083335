/*
 * bot/fetch.c - HTTPS downloads on libcurl's multi interface: see
 * fetch.h. Part of bot/; libcurl only (curl_load.h), nothing of XMPP.
 *
 * A download that ends otherwise than with a 2xx answer is a failure
 * with a reason the user can act on: a redirect is not followed (the
 * host it names was never judged by chatimport.c's host rule), an HTTP
 * error says its status, a file over the bound says the bound.
 */
#include "fetch.h"

#include <stdio.h>
#include <string.h>

/* A whole download may take this long, connection included: 10 MiB at
 * a slow 100 kB/s, with room. */
#define FETCH_TIMEOUT_MS 120000L

int
fetcher_ready(struct fetcher *f, char *why, size_t n)
{
	return curl_multi_ready(&f->curl, &f->multi, why, n);
}

void
fetcher_close(struct fetcher *f)
{
	if (f->multi != NULL)
		f->curl->multi_cleanup(f->multi);
	f->multi = NULL;
	f->running = 0;
}

/* libcurl hands over the next bytes of the file: kept while they fit
 * in x->max, else the transfer stops (a short count is an error to
 * libcurl, CURLE_WRITE_ERROR). */
static size_t
take(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct fetch *x = userdata;
	size_t n = size * nmemb;

	if (n > x->max - x->body.len) {
		x->too_big = true;
		return 0;
	}
	if (text_append(&x->body, ptr, n) != 0)
		return 0;
	return n;
}

int
fetch_begin(struct fetcher *f, struct fetch *x, const char *url,
            size_t max, char *why, size_t n)
{
	const struct curl_api *c = f->curl;
	CURLMcode mrc;

	x->f = f;
	x->max = max;
	text_init(&x->body, max);
	if ((x->easy = c->easy_init()) == NULL) {
		snprintf(why, n, "cannot set up libcurl");
		return -1;
	}
	if (curl_https_options(c, x->easy, FETCH_TIMEOUT_MS, x->errbuf, x) !=
	            CURLE_OK ||
	    c->easy_setopt(x->easy, CURLOPT_URL, url) != CURLE_OK ||
	    c->easy_setopt(x->easy, CURLOPT_HTTPGET, 1L) != CURLE_OK ||
	    c->easy_setopt(x->easy, CURLOPT_FAILONERROR, 1L) != CURLE_OK ||
	    c->easy_setopt(x->easy, CURLOPT_MAXFILESIZE_LARGE,
	                   (curl_off_t)max) != CURLE_OK ||
	    c->easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, take) != CURLE_OK ||
	    c->easy_setopt(x->easy, CURLOPT_WRITEDATA, x) != CURLE_OK) {
		snprintf(why, n, "cannot set up the download");
		return -1;
	}
	if ((mrc = c->multi_add_handle(f->multi, x->easy)) != CURLM_OK) {
		snprintf(why, n, "cannot start the download: %s",
		         c->multi_strerror(mrc));
		return -1;
	}
	f->running++; /* until the next curl_multi_perform says otherwise */
	return 0;
}

void
fetch_end(struct fetch *x)
{
	if (x->easy != NULL) {
		x->f->curl->multi_remove_handle(x->f->multi, x->easy);
		x->f->curl->easy_cleanup(x->easy);
		x->easy = NULL;
	}
	text_free(&x->body);
}

/* Why x, which ended with result, brought no file; NULL when it did. */
static const char *
failure(struct fetch *x, CURLcode result, char *why, size_t n)
{
	const struct curl_api *c = x->f->curl;
	long status = 0;

	c->easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	/* Refused by its Content-Length, or stopped on the way. */
	if (result == CURLE_FILESIZE_EXCEEDED)
		x->too_big = true;
	if (x->too_big)
		snprintf(why, n, "it is larger than %zu bytes", x->max);
	else if (result == CURLE_HTTP_RETURNED_ERROR)
		snprintf(why, n, "the server answered HTTP status %ld", status);
	else if (result != CURLE_OK)
		snprintf(why, n, "%s", x->errbuf[0] ? x->errbuf
		                                     : c->easy_strerror(result));
	else if (status >= 300 && status <= 399)
		snprintf(why, n, "the server sent me elsewhere (HTTP status "
		         "%ld), and I follow no redirects", status);
	else if (status < 200 || status > 299)
		snprintf(why, n, "the server answered HTTP status %ld", status);
	else
		return NULL;
	return why;
}

bool
fetcher_poll(struct fetcher *f,
             void (*done)(struct fetch *x, bool ok, const char *why))
{
	struct CURLMsg *m;
	char why[CURL_ERROR_SIZE + 64];
	int left;

	if (f->multi == NULL || f->running == 0)
		return false;
	f->curl->multi_perform(f->multi, &f->running);
	while ((m = f->curl->multi_info_read(f->multi, &left)) != NULL) {
		char *p = NULL;
		const char *bad;

		if (m->msg != CURLMSG_DONE)
			continue;
		f->curl->easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &p);
		if (p == NULL)
			continue;
		bad = failure((struct fetch *)(void *)p, m->data.result, why,
		              sizeof(why));
		done((struct fetch *)(void *)p, bad == NULL, bad);
	}
	return f->running > 0;
}
