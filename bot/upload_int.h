/*
 * bot/upload_int.h - what the files behind upload.h share, and nothing
 * else may include: the state of a connection's deliveries (struct
 * upload) and of each file (struct delivery), and the calls the files
 * make into each other.
 *
 *   bot/delivery.c    the queue: admission, bounds, upload or inline,
 *                     fallbacks, disconnects (upload.h's functions)
 *   bot/disco.c       XEP-0030: finding the upload service
 *   bot/httpupload.c  XEP-0363: the slot and the PUT (libcurl)
 *   bot/inline.c      numbered inline parts, paced by XEP-0199 pings
 *   bot/upload_iq.c   the iq requests they send and the answers they take
 *   (bot/xmltext.c    XML escaping for inline.c: a leaf of its own)
 *
 * Dependency rule: the protocol files (disco.c, httpupload.c, inline.c)
 * know the queue only through the delivery_* calls below, and each
 * other not at all; all of them share upload_iq.c. libcurl is called
 * from httpupload.c alone, but for the multi handle, which delivery.c
 * makes and frees with struct upload.
 */
#ifndef TIMMY_UPLOAD_INT_H
#define TIMMY_UPLOAD_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <strophe.h>

#include "../commands/cmd.h"
#include "curl_load.h"
#include "upload.h"

#define NS_UPLOAD "urn:xmpp:http:upload:0"

#define DISCO_ITEMS_MAX 32    /* items of the domain asked for disco#info */
#define THREAD_MAX 256        /* longest <thread/> we echo (XEP-0201) */

enum svc_state {
	SVC_OFFLINE,     /* not connected, or export.upload is off */
	SVC_DISCOVERING, /* asking the server */
	SVC_KNOWN        /* service is the upload service, or NULL: none */
};

enum item_answer { ITEM_ASKED, ITEM_NO, ITEM_YES };

/* One disco#items entry while its disco#info is asked. */
struct disco_item {
	char *jid;
	char *id;           /* of our disco#info request; NULL once answered */
	enum item_answer answer;
	uint64_t max_size;  /* from its form; 0: none given */
};

enum dstate {
	D_WAIT_SERVICE, /* discovery still running */
	D_WAIT_SLOT,    /* slot requested; id handler registered */
	D_PUT,          /* HTTP PUT running; easy handle in the multi */
	D_INLINE        /* going out in parts, one at a time (inline_pump) */
};

/* One file on its way to one user. Owns every pointer in it. */
struct delivery {
	struct delivery *next;
	struct upload *u;
	enum dstate state;
	char *to;             /* the full JID that asked */
	char *owner;          /* its bare JID: one file per owner at a time */
	char *thread;         /* <thread/> text to echo, or NULL */
	char *thread_parent;  /* its parent attribute, or NULL */
	char name[sizeof(((struct cmd_file *)0)->name)];
	const char *mime;     /* static */
	struct text body;     /* the file */
	bool upload_only;     /* never inline (cmd_file.upload_only) */
	char *id;             /* slot request id while its handler is set */
	int64_t deadline;     /* monotonic ms the slot answer is due */
	CURL *easy;
	struct curl_slist *headers;
	size_t sent;          /* bytes of body handed to libcurl */
	char *get_url;
	char errbuf[CURL_ERROR_SIZE];
	/* D_INLINE: each piece at most cap bytes, wire once escaped; nparts
	 * parts, `part` of them sent, the next from body.buf + pos. */
	size_t cap, wire, nparts, part, pos;
	uint64_t turn;        /* lowest goes next (inline.c) */
};

struct upload {
	struct bot *b;          /* borrowed */
	const struct curl_api *curl; /* libcurl once loaded (curl_load.h),
	                           with multi; both NULL until the first
	                           HTTP upload */
	CURLM *multi;
	enum svc_state state;
	char *items_id;         /* disco#items request id while pending */
	int64_t disco_deadline;
	struct disco_item items[DISCO_ITEMS_MAX];
	size_t nitems;
	char *service;          /* the upload service's JID, or NULL */
	uint64_t max_size;      /* its limit in bytes; 0: none given */
	bool off_logged;        /* "export.upload is off" said once */
	struct delivery *head;
	size_t pending;         /* deliveries in the list */
	int running;            /* transfers libcurl still works on */
	char *pace_id;          /* our ping after the last inline part, until
	                           the server answers it; NULL: none */
	int64_t pace_deadline;  /* monotonic ms its answer is due */
	bool pace_off;          /* the server left one unanswered: no more
	                           pings until the next login */
	uint64_t turns;         /* counts inline parts sent, for turn */
	uint64_t fresh;         /* counts inline files, for turn */
};

/* ---- bot/delivery.c: the queue ---------------------------------------- */

/* Unlinks d from its list and frees it with everything it owns (the
 * HTTP side through httpupload_release). */
void delivery_free(struct delivery *d);

/* The upload of d failed for the reason fmt says: inline instead (the
 * log says why, at level warn). Frees d when it cannot go inline. */
void delivery_fail(struct delivery *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Discovery is over (u->service is the service, or NULL): starts the
 * deliveries that waited for it. */
void delivery_service_known(struct upload *u);

/* ---- bot/disco.c: XEP-0030 discovery of the service ------------------ */

/* Asks the server's domain for its items, then each item for its
 * features (u->state becomes SVC_DISCOVERING, or SVC_KNOWN at once when
 * the request cannot be sent). */
void disco_start(struct upload *u);

/* Gives up on answers not there by the deadline. */
void disco_poll(struct upload *u, int64_t now);

/* Forgets discovery state, deleting the id handlers still set. */
void disco_clear(struct upload *u);

/* ---- bot/httpupload.c: XEP-0363 slot and PUT ------------------------- */

/* Loads libcurl and sets up u->multi, the first time. Returns 0, or -1
 * after writing into why (n bytes) the reason ("HTTP upload needs
 * libcurl.so.4: ..."). */
int httpupload_ready(struct upload *u, char *why, size_t n);

/* Asks u->service for a slot for d (d->state becomes D_WAIT_SLOT).
 * Returns 0, or -1 when the request could not be sent (logged). */
int httpupload_request(struct delivery *d);

/* Drops d's slot request (its id handler) and transfer, if any. */
void httpupload_release(struct delivery *d);

/* Moves the PUTs on; a finished one sends the link or goes inline. */
void httpupload_poll(struct upload *u);

/* Slot requests unanswered by their deadline go inline. */
void httpupload_timeouts(struct upload *u, int64_t now);

/* ---- bot/inline.c: numbered inline parts ------------------------------ */

/* Turns d into an inline delivery: plans its parts and logs one line, at
 * level warn when failed is set (why: the reason the upload failed), else
 * at info (why: the reason it goes inline). Returns 0, or -1 after
 * logging when export.inline_part_bytes is too small for the file's
 * name (d unchanged: the caller frees it). */
int inline_begin(struct delivery *d, bool failed, const char *why);

/* Sends the next inline part whose turn it is, if the stream can take
 * it. Frees deliveries: never call it while walking the list. */
void inline_pump(struct upload *u);

/* Handles the pacing ping's timeout, then inline_pump. Returns true
 * while parts wait that no ping answer will wake: the caller should come
 * back soon. */
bool inline_poll(struct upload *u, int64_t now);

/* After a disconnect: forgets the pacing ping (its id handler) and the
 * server's silence; pings are tried again at the next login. */
void inline_offline(struct upload *u);

/* ---- bot/upload_iq.c: requests and answers --------------------------- */

/* The domain of our own JID (borrowed from the configuration). */
const char *upload_own_domain(const struct upload *u);

/* A fresh stanza id, owned by the caller (free), or NULL. */
char *upload_new_id(struct upload *u);

/* Sends the iq get <name xmlns=ns attrs.../> to `to` with a new id, and
 * registers handler for its answer. Returns the id (the caller frees it
 * after deleting the handler, or when libstrophe drops it), or NULL after
 * logging. attrs is name, value, ..., NULL. */
char *upload_iq_get(struct upload *u, const char *to, const char *name,
                    const char *ns, xmpp_handler handler, void *userdata,
                    ...);

/* True when stanza is the answer (iq result or error) from `from`. */
bool upload_is_answer(xmpp_stanza_t *stanza, const char *from);

/* The defined condition of an error answer ("item-not-found"), with its
 * text if any, in buf (n bytes). Returns buf. */
const char *upload_error_of(xmpp_stanza_t *stanza, char *buf, size_t n);

#endif
