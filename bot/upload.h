/*
 * bot/upload.h - delivering the files commands make (exports) to the user
 * who asked: through the server's HTTP upload service (XEP-0363) when it
 * offers one, else inline, as numbered chat messages.
 *
 * Private to bot/. The session owns one struct upload for its connection:
 * it tells it when the connection comes up (discovery of the service) and
 * goes down (everything pending is dropped: inline files after the part
 * they reached), and calls upload_poll from
 * its event loop, which drives the HTTP transfers (libcurl's multi
 * interface) and the timeouts, so no transfer ever blocks the XMPP side.
 *
 * bot/delivery.c implements it, with bot/disco.c (XEP-0030),
 * bot/httpupload.c (XEP-0363), bot/inline.c (inline parts) and
 * bot/upload_iq.c behind it; they share bot/upload_int.h, which nothing
 * else includes.
 */
#ifndef TIMMY_UPLOAD_H
#define TIMMY_UPLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <strophe.h>

#include "../commands/cmd.h"

struct bot;
struct upload;

/* A new delivery service for b (borrowed; it must outlive the result).
 * libcurl is loaded at the first HTTP upload (curl_load.h); curl_unload
 * after upload_free. Returns NULL when out of memory (logged). */
struct upload *upload_new(struct bot *b);

/* Drops every pending delivery and discovery (their id handlers
 * included), frees u. Call it before the connection is released. NULL is
 * fine. */
void upload_free(struct upload *u);

/* After a login: finds the upload service again (XEP-0030 disco#items of
 * the server's domain, then disco#info of each item), unless
 * export.upload is off. */
void upload_online(struct upload *u);

/* After a disconnect: drops pending deliveries (logged), discovery and
 * their id handlers; the service is found again at the next login. */
void upload_offline(struct upload *u);

/*
 * Whether a file of size bytes for the bare JID owner may be delivered
 * now. One file per owner is on its way at a time, and a bounded number
 * of files and bytes in all (delivery.c). Returns true, or false after
 * writing into why (n bytes) the reply that tells the owner why not (for
 * a file going out inline, how far it is: "part 120 of 558").
 */
bool upload_admit(const struct upload *u, const char *owner, size_t size,
                  char *why, size_t n);

/*
 * Whether the file f, marked for HTTP upload only (cmd_file.upload_only:
 * a page to open in a browser, no use as chat messages), can be uploaded
 * now: export.upload is not off and the server has an upload service
 * that takes its size, or discovery is still looking for one (should it
 * find none, the delivery says so then). u NULL: none. Returns true, or
 * false after writing into why (n bytes) the reply that says it cannot
 * be sent and offers export csv.
 */
bool upload_can_link(const struct upload *u, const struct cmd_file *f,
                     char *why, size_t n);

/*
 * Delivers the file f to the full JID to, in the thread of the message
 * that asked (thread: its <thread/> element or NULL). Takes f's content:
 * afterwards f holds nothing (cmd_file_free on it is still right). Ask
 * upload_admit first. Uploads finish later, from upload_poll; inline
 * parts go out one at a time as the server reads them (the first at
 * once), from upload_poll too.
 */
void upload_deliver(struct upload *u, const char *to, xmpp_stanza_t *thread,
                    struct cmd_file *f);

/* Moves HTTP transfers and inline parts on and handles timeouts; never
 * blocks. Returns true while transfers are running or parts wait for
 * libstrophe's send queue, when the caller should come back within a few
 * milliseconds. */
bool upload_poll(struct upload *u);

/*
 * Where the next inline part of data[0..len) should end: the largest cut
 * of at most cap bytes whose XML-escaped form (see xmltext.h) takes at most
 * wire_max bytes, made after the last line end that fits, else before the
 * first UTF-8 character that does not fit whole. Returns len when all of
 * it fits; otherwise a cut in 1..cap (when cap >= 4 and wire_max >= 12).
 */
size_t upload_inline_cut(const char *data, size_t len, size_t cap,
                         size_t wire_max);

#endif
