/*
 * bot/fetch.h - files downloaded over HTTPS with libcurl's multi
 * interface, driven from the session's loop so that no download blocks
 * the XMPP side (bot/fetch.c). Private to bot/; knows nothing of XMPP:
 * bot/chatimport.c says what to fetch and what the file is for.
 *
 * Every transfer has curl_https_options (HTTPS only, verified, no
 * redirects followed, timeouts), and a size bound enforced twice: by
 * the Content-Length the server announces (CURLOPT_MAXFILESIZE_LARGE)
 * and while the bytes come (the write callback stops at the bound).
 */
#ifndef TIMMY_FETCH_H
#define TIMMY_FETCH_H

#include <stdbool.h>
#include <stddef.h>

#include "../lib/text.h"
#include "curl_load.h"

/* The multi handle and libcurl, shared by every download. */
struct fetcher {
	const struct curl_api *curl; /* NULL until fetcher_ready */
	CURLM *multi;
	int running;                 /* transfers libcurl still works on */
};

/* One download. Owned by its caller; between fetch_begin and fetch_end
 * the fetcher holds it in its multi handle. */
struct fetch {
	struct fetcher *f;
	CURL *easy;
	struct text body;            /* what came, at most max bytes */
	size_t max;
	bool too_big;                /* over max: said so by its
	                                Content-Length, or stopped by the
	                                write callback */
	char errbuf[CURL_ERROR_SIZE];
};

/* Loads libcurl and makes the multi handle, the first time. Returns 0,
 * or -1 after writing why into why (n bytes). */
int fetcher_ready(struct fetcher *f, char *why, size_t n);

/* Frees the multi handle; every fetch must have ended. */
void fetcher_close(struct fetcher *f);

/*
 * Starts the GET of url into x (zeroed by the caller), of at most max
 * bytes, with f's handle. Returns 0, or -1 after writing why (x then
 * holds nothing: fetch_end is still right).
 */
int fetch_begin(struct fetcher *f, struct fetch *x, const char *url,
                size_t max, char *why, size_t n);

/* Ends x, finished or not: its transfer and its bytes. */
void fetch_end(struct fetch *x);

/*
 * Moves the downloads on, never blocking, and calls done for each that
 * ended: ok with the file in x->body, or not with why, a sentence for
 * the user ("the server answered 404 (HTTP status)"). done may
 * fetch_end x. Returns true while downloads run.
 */
bool fetcher_poll(struct fetcher *f,
                  void (*done)(struct fetch *x, bool ok, const char *why));

#endif
