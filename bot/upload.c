/*
 * bot/upload.c - files made by commands (exports), delivered to the user.
 * See upload.h. Part of bot/: libstrophe for the XMPP side, libcurl for
 * HTTP; commands/ only hands over a struct cmd_file.
 *
 * Discovery (XEP-0030, as XEP-0363 section 3 describes): after each login
 * we ask our server's domain for disco#items and every item for
 * disco#info; the first item, in the server's order, that has the feature
 * urn:xmpp:http:upload:0 is the upload service, and the max-file-size
 * field of its jabber:x:data form (if any) its size limit. Exports made
 * while discovery runs wait for it.
 *
 * Upload (XEP-0363 sections 4 and 5): an iq get <request/> to the service
 * returns a slot, a PUT URL with the headers to send and a GET URL. We PUT
 * the file with libcurl's multi interface, driven by upload_poll from the
 * session's loop; TLS is verified as libcurl does by default, over HTTPS
 * only. Then the user gets one message whose body is the GET URL, with the
 * same URL in an XEP-0066 <x xmlns='jabber:x:oob'/>: clients show a file
 * for exactly that. A refused or unanswered slot request or a failed PUT
 * falls back to inline delivery, and the log says why, once.
 *
 * Inline: numbered chat messages "(i/n) FILENAME\n" + a piece of the file,
 * each body at most export.inline_part_bytes bytes, cut after a line end
 * where one fits, never inside a UTF-8 character. Joined in order the
 * pieces give the file: these stanzas are serialised here rather than by
 * libstrophe, which writes a carriage return as is, where an XML parser
 * turns it into a line feed (XML 1.0 section 2.11); here it goes out as
 * "&#13;". (Prosody 0.12 decodes that and forwards a bare CR again, so its
 * users still see LF: util/stanza.lua escapes only ' " & < >.)
 *
 * Inline parts share the stream with everyone's replies, and a server
 * reads it slowly: Prosody's default limit is 10 KiB/s for a client, so a
 * 4 MiB export takes minutes. Parts therefore go out one at a time, from
 * the event loop (pump): the next only once the server has answered an
 * XEP-0199 ping sent after the last one, which it does after reading
 * everything before it (RFC 6120 8.2.3 wants an answer to every iq; one
 * left unanswered for PACE_TIMEOUT_MS ends the pings until the next
 * login), and only while libstrophe's send queue is short.
 * So at most one part stands between a reply to anyone and the server,
 * and a second of the server's reading covers it at the default limits.
 * When several users' files go out, a new file's first part goes next,
 * then their parts take turns. What waits
 * is bounded: one file per user on its way (a user who asks for another
 * meanwhile is refused, upload_admit), DELIVERIES_MAX files and
 * DELIVERY_BYTES_MAX bytes in all.
 *
 * Pending deliveries own their data. A disconnect or shutdown drops them
 * all (an inline file after the part it had reached: the log says which;
 * the user has the numbered parts so far and may ask again), with their
 * id handlers (libstrophe keeps user id handlers across
 * reconnects) and HTTP transfers. Each answer handler returns 0, so
 * libstrophe drops it after the answer; one we give up on is deleted.
 * (libstrophe 0.12 still keeps each id seen as an empty key in its handler
 * table until the connection is released: some 60 bytes per request.) libstrophe's event loop uses select(),
 * so every descriptor must stay below 1024: PENDING_MAX bounds how many
 * transfers (sockets) run at once; more exports go inline.
 */
#include "upload.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../lib/utf8.h"
#include "clock.h"
#include "handlers.h"
#include "log.h"

#define NS_DISCO_ITEMS "http://jabber.org/protocol/disco#items"
#define NS_DISCO_INFO "http://jabber.org/protocol/disco#info"
#define NS_UPLOAD "urn:xmpp:http:upload:0"
#define NS_DATA "jabber:x:data"
#define NS_OOB "jabber:x:oob"
#define NS_STANZAS "urn:ietf:params:xml:ns:xmpp-stanzas"
#define NS_PING "urn:xmpp:ping"

#define DISCO_ITEMS_MAX 32    /* items of the domain asked for disco#info */
#define DISCO_TIMEOUT_MS 30000 /* unanswered items count as "no upload" */
#define SLOT_TIMEOUT_MS 30000 /* for the answer to a slot request */
#define PUT_TIMEOUT_MS 60000  /* for a whole PUT, connection included */
#define CONNECT_TIMEOUT_MS 15000
#define PENDING_MAX 8         /* deliveries waiting or uploading at once */
#define DELIVERIES_MAX 16     /* files on their way at once, all users */
#define DELIVERY_BYTES_MAX (16 * 1024 * 1024) /* their bytes together */
#define PACE_TIMEOUT_MS 30000 /* for the server's answer to a pacing ping */
/* An inline part is handed to libstrophe only while fewer stanzas than
 * this wait in its send queue. */
#define INLINE_SENDQ_MAX 2
#define URL_MAX 2048          /* longest slot URL we accept */
#define HEADER_MAX 4096       /* longest slot header value we send */
#define THREAD_MAX 256        /* longest <thread/> we echo (XEP-0201) */
/* The most an inline body may take once escaped: far below Prosody's
 * default stanza limit of 256 KiB, whatever the content. */
#define INLINE_WIRE_MAX (128 * 1024)
/* Room for the rest of an inline message: attributes, <thread/>, tags. */
#define INLINE_ENVELOPE_MAX (6 * 3072 + 6 * THREAD_MAX + 512)

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
	D_INLINE        /* going out in parts, one at a time (pump) */
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
	uint64_t turn;        /* lowest goes next (TURN_AGAIN) */
};

struct upload {
	struct bot *b;          /* borrowed */
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

/* A file's first part goes before the next part of any file already going
 * out (turn: the count of files so far), so a short export is not held up
 * by a long one; after that, files take turns (turn: TURN_AGAIN and the
 * count of parts when its last went). */
#define TURN_AGAIN (UINT64_C(1) << 63)

static int disco_items_answer(xmpp_conn_t *, xmpp_stanza_t *, void *);
static int disco_info_answer(xmpp_conn_t *, xmpp_stanza_t *, void *);
static int slot_answer(xmpp_conn_t *, xmpp_stanza_t *, void *);
static int pace_answer(xmpp_conn_t *, xmpp_stanza_t *, void *);
static char *send_iq_get(struct upload *u, const char *to, const char *name,
                         const char *ns, xmpp_handler handler,
                         void *userdata, ...);
static void delivery_free(struct delivery *d);
static bool is_answer(xmpp_stanza_t *stanza, const char *from);

/* The domain of our own JID (cfg->jid is a validated bare JID). */
static const char *
own_domain(const struct upload *u)
{
	const char *at = strchr(u->b->cfg->jid, '@');

	return at ? at + 1 : u->b->cfg->jid;
}

/* A fresh stanza id, owned by the caller (free), or NULL. */
static char *
new_id(struct upload *u)
{
	char *x = xmpp_uuid_gen(u->b->ctx), *id;

	if (x == NULL)
		return NULL;
	id = strdup(x);
	xmpp_free(u->b->ctx, x);
	return id;
}

/* ---- XML text for inline parts -------------------------------------- */

/*
 * The character at p (n > 0 bytes left) as it goes into XML: sets *len to
 * the bytes it takes in the input and returns the bytes it takes escaped.
 * & < > and CR become entities (' and " too in attributes); a byte that
 * starts no character XML 1.0 allows (a control character, broken UTF-8,
 * a surrogate, U+FFFE/U+FFFF) becomes U+FFFD, since it could not be sent
 * at all and would cost the bot its stream. If out is not NULL the escaped
 * form is written there (at most 6 bytes).
 */
static size_t
xml_char(const unsigned char *p, size_t n, bool attr, size_t *len, char *out)
{
	static const char fffd[] = "\xef\xbf\xbd";
	const char *ent = NULL;
	unsigned char c = p[0];
	uint32_t cp;
	size_t need;

	*len = 1;
	if (c < 0x80) {
		switch (c) {
		case '&': ent = "&amp;"; break;
		case '<': ent = "&lt;"; break;
		case '>': ent = "&gt;"; break;
		case '\r': ent = "&#13;"; break;
		case '\'': ent = attr ? "&apos;" : NULL; break;
		case '"': ent = attr ? "&quot;" : NULL; break;
		case '\t':
		case '\n':
			ent = attr ? (c == '\t' ? "&#9;" : "&#10;") : NULL;
			break;
		default:
			if (c < 0x20)
				goto invalid;
		}
		if (ent == NULL) {
			if (out)
				out[0] = (char)c;
			return 1;
		}
		if (out)
			memcpy(out, ent, strlen(ent));
		return strlen(ent);
	}
	/* XML 1.0 excludes U+FFFE and U+FFFF besides what UTF-8 does. */
	need = utf8_decode((const char *)p, n, &cp);
	if (need == 0 || cp == 0xfffe || cp == 0xffff)
		goto invalid;
	*len = need;
	if (out)
		memcpy(out, p, need);
	return need;
invalid:
	if (out)
		memcpy(out, fffd, 3);
	return 3;
}

/* Appends s[0..n) to t, escaped for XML text or (attr) an attribute
 * value. Returns 0, or -1 when t is full (t->truncated). */
static int
xml_append(struct text *t, const char *s, size_t n, bool attr)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0, len, w;
	char esc[8];

	while (i < n) {
		w = xml_char(p + i, n - i, attr, &len, esc);
		if (w == len && memcmp(esc, p + i, len) == 0) {
			i += len; /* unchanged: part of a run copied at once */
			continue;
		}
		if (i > run && text_append(t, s + run, i - run) != 0)
			return -1;
		if (text_append(t, esc, w) != 0)
			return -1;
		i += len;
		run = i;
	}
	if (i > run && text_append(t, s + run, i - run) != 0)
		return -1;
	return 0;
}

size_t
upload_inline_cut(const char *data, size_t len, size_t cap, size_t wire_max)
{
	const unsigned char *p = (const unsigned char *)data;
	size_t i = 0, wire = 0, nl = 0, k, w;

	/* Whole characters only, so a cut never splits one. */
	while (i < len) {
		w = xml_char(p + i, len - i, false, &k, NULL);
		if (i + k > cap || wire + w > wire_max)
			break;
		wire += w;
		i += k;
		if (p[i - 1] == '\n')
			nl = i;
	}
	if (i == len)
		return len;
	return nl > 0 ? nl : i;
}

/* ---- inline delivery ------------------------------------------------ */

/* Decimal digits of n. */
static int
digits(size_t n)
{
	int d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

/* How many parts data[0..len) takes with cap/wire per piece; 0 when a
 * piece cannot be cut (cap too small). An empty file is one part. */
static size_t
count_parts(const char *data, size_t len, size_t cap, size_t wire)
{
	size_t pos = 0, cut, n = 0;

	if (len == 0)
		return 1;
	while (pos < len) {
		if ((cut = upload_inline_cut(data + pos, len - pos, cap, wire)) == 0)
			return 0;
		pos += cut;
		n++;
	}
	return n;
}

/*
 * Writes into x (emptied first) one inline part: a chat message with id
 * to the full JID to, whose body is header and then chunk[0..n), in the
 * thread (text, parent; either NULL) of the request. Returns 0, or -1
 * when x cannot hold it.
 */
static int
inline_stanza(struct text *x, const char *id, const char *to,
              const char *thread, const char *parent, const char *header,
              const char *chunk, size_t n)
{
	text_clear(x);
	if (text_printf(x, "<message type='chat' id='%s' to='", id) != 0 ||
	    xml_append(x, to, strlen(to), true) != 0 ||
	    text_printf(x, "'><body>") != 0 ||
	    xml_append(x, header, strlen(header), false) != 0 ||
	    xml_append(x, chunk, n, false) != 0 ||
	    text_printf(x, "</body>") != 0)
		return -1;
	if (thread != NULL) {
		if (text_printf(x, "<thread") != 0)
			return -1;
		if (parent != NULL &&
		    (text_printf(x, " parent='") != 0 ||
		     xml_append(x, parent, strlen(parent), true) != 0 ||
		     text_printf(x, "'") != 0))
			return -1;
		if (text_printf(x, ">") != 0 ||
		    xml_append(x, thread, strlen(thread), false) != 0 ||
		    text_printf(x, "</thread>") != 0)
			return -1;
	}
	return text_printf(x, "</message>");
}

/*
 * Plans d's inline delivery: the size of each piece (d->cap, d->wire) and
 * the number of parts, on whose digits the length of the header "(i/n)
 * NAME\n" depends. Logs one line at level warn when failed is set (why:
 * the reason the upload failed), else at info (why: the reason it goes
 * inline). Returns 0, or -1 after logging when export.inline_part_bytes
 * is too small for the file's name.
 */
static int
inline_plan(struct delivery *d, bool failed, const char *why)
{
	size_t part = d->u->b->cfg->inline_part_bytes, namelen = strlen(d->name);
	const char *data = d->body.buf ? d->body.buf : "";
	size_t cap = 0, wire = 0, n = 0, hlen = 0;
	int k;

	for (k = 1; k <= 20; k++) {
		hlen = 2 * (size_t)k + 4 + namelen + 1; /* "(i/n) NAME\n" */
		if (hlen + 4 > part)
			break;
		cap = part - hlen;
		/* The header escaped takes at most 6 bytes a byte. */
		wire = INLINE_WIRE_MAX - 6 * hlen;
		n = count_parts(data, d->body.len, cap, wire);
		if (n == 0 || digits(n) <= k)
			break;
	}
	if (n == 0 || k > 20 || hlen + 4 > part) {
		log_error("cannot send %s to %s inline: export.inline_part_bytes "
		          "%zu is too small for its name", d->name, d->to, part);
		return -1;
	}
	if (failed)
		log_warn("could not upload %s for %s (%s); sending it inline in "
		         "%zu part%s", d->name, d->to, why, n, n == 1 ? "" : "s");
	else
		log_info("sending %s to %s inline in %zu part%s (%s)", d->name,
		         d->to, n, n == 1 ? "" : "s", why);
	d->cap = cap;
	d->wire = wire;
	d->nparts = n;
	return 0;
}

/* Hands d's next inline part to libstrophe. Returns 0, or -1 after
 * logging (out of memory). */
static int
send_part(struct delivery *d)
{
	const char *data = d->body.buf ? d->body.buf : "";
	char header[sizeof(d->name) + 64];
	char *id = new_id(d->u);
	struct text x;
	size_t cut;
	int r, rc = -1;

	cut = d->body.len == 0 ? 0
	                       : upload_inline_cut(data + d->pos,
	                                           d->body.len - d->pos, d->cap,
	                                           d->wire);
	r = snprintf(header, sizeof(header), "(%zu/%zu) %s\n", d->part + 1,
	             d->nparts, d->name);
	text_init(&x, INLINE_WIRE_MAX + INLINE_ENVELOPE_MAX);
	if (id != NULL && r >= 0 && (size_t)r < sizeof(header) &&
	    inline_stanza(&x, id, d->to, d->thread, d->thread_parent, header,
	                  data + d->pos, cut) == 0) {
		xmpp_send_raw(d->u->b->conn, x.buf, x.len);
		d->pos += cut;
		d->part++;
		rc = 0;
	} else {
		log_error("cannot send part %zu of %s to %s: out of memory",
		          d->part + 1, d->name, d->to);
	}
	text_free(&x);
	free(id);
	return rc;
}

/*
 * Sends one inline part, of the file whose turn it is, when the stream
 * can take it: connected, the server has answered the ping that followed
 * the last part (so it has read that part), and libstrophe's send queue
 * is short. Then pings the server again. A file whose last part went is
 * freed. Frees deliveries: never call it while walking the list.
 */
static void
pump(struct upload *u)
{
	struct delivery *d, *next_up = NULL;

	if (u->pace_id != NULL || !xmpp_conn_is_connected(u->b->conn) ||
	    xmpp_conn_send_queue_len(u->b->conn) >= INLINE_SENDQ_MAX)
		return;
	for (d = u->head; d != NULL; d = d->next)
		if (d->state == D_INLINE &&
		    (next_up == NULL || d->turn < next_up->turn))
			next_up = d;
	if ((d = next_up) == NULL)
		return;
	if (send_part(d) != 0) {
		delivery_free(d);
		return;
	}
	if (d->part == d->nparts) {
		log_debug("sent %s to %s inline", d->name, d->to);
		delivery_free(d);
	} else {
		d->turn = TURN_AGAIN | ++u->turns;
	}
	if (u->pace_off)
		return;
	u->pace_id = send_iq_get(u, own_domain(u), "ping", NS_PING, pace_answer,
	                         u, (const char *)NULL);
	u->pace_deadline = mono_ms() + PACE_TIMEOUT_MS;
}

/* The server answered our ping (a result, or an error from a server
 * without XEP-0199): it has read every part before it. */
static int
pace_answer(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
	struct upload *u = userdata;

	(void)conn;
	if (!is_answer(stanza, own_domain(u)))
		return 1;
	free(u->pace_id); /* libstrophe drops the handler: we return 0 */
	u->pace_id = NULL;
	pump(u);
	return 0;
}

/* Forgets the pacing ping, deleting its id handler. */
static void
pace_clear(struct upload *u)
{
	if (u->pace_id == NULL)
		return;
	xmpp_id_handler_delete(u->b->conn, pace_answer, u->pace_id);
	free(u->pace_id);
	u->pace_id = NULL;
}

/* ---- deliveries ----------------------------------------------------- */

/* Unlinks d from u's list and frees it with everything it owns: its id
 * handler (unless libstrophe is dropping it: d->id already NULL), its
 * transfer, its data. */
static void
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
	if (d->id != NULL)
		xmpp_id_handler_delete(u->b->conn, slot_answer, d->id);
	if (d->easy != NULL) {
		curl_multi_remove_handle(u->multi, d->easy);
		curl_easy_cleanup(d->easy);
	}
	curl_slist_free_all(d->headers);
	text_free(&d->body);
	free(d->id);
	free(d->to);
	free(d->owner);
	free(d->thread);
	free(d->thread_parent);
	free(d->get_url);
	free(d);
}

/* Turns d into an inline delivery (see inline_plan for failed and why);
 * its parts go out from pump. Frees d when it cannot be sent inline. */
static void
go_inline(struct delivery *d, bool failed, const char *why)
{
	if (d->id != NULL) {
		xmpp_id_handler_delete(d->u->b->conn, slot_answer, d->id);
		free(d->id);
		d->id = NULL;
	}
	if (d->easy != NULL) {
		curl_multi_remove_handle(d->u->multi, d->easy);
		curl_easy_cleanup(d->easy);
		d->easy = NULL;
	}
	if (inline_plan(d, failed, why) != 0) {
		delivery_free(d);
		return;
	}
	d->state = D_INLINE;
	d->turn = ++d->u->fresh;
}

/* The upload of d failed for the reason fmt says: inline instead. */
static void
fail(struct delivery *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
fail(struct delivery *d, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(why, sizeof(why), fmt, ap) < 0)
		snprintf(why, sizeof(why), "unknown reason");
	va_end(ap);
	go_inline(d, true, why);
}

/* Sends the iq get <name xmlns=ns attrs.../> to `to` with a new id, and
 * registers handler for its answer. Returns the id (the caller frees it
 * after deleting the handler, or when libstrophe drops it), or NULL after
 * logging. attrs is name, value, ..., NULL. */
static char *
send_iq_get(struct upload *u, const char *to, const char *name,
            const char *ns, xmpp_handler handler, void *userdata, ...)
{
	xmpp_ctx_t *ctx = u->b->ctx;
	xmpp_stanza_t *iq = NULL, *q = NULL;
	const char *k, *v;
	char *id;
	va_list ap;

	if ((id = new_id(u)) == NULL ||
	    (iq = xmpp_iq_new(ctx, "get", id)) == NULL ||
	    (q = xmpp_stanza_new(ctx)) == NULL ||
	    xmpp_stanza_set_to(iq, to) != XMPP_EOK ||
	    xmpp_stanza_set_name(q, name) != XMPP_EOK ||
	    xmpp_stanza_set_ns(q, ns) != XMPP_EOK)
		goto oom;
	va_start(ap, userdata);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		if (xmpp_stanza_set_attribute(q, k, v) != XMPP_EOK) {
			va_end(ap);
			goto oom;
		}
	}
	va_end(ap);
	if (xmpp_stanza_add_child(iq, q) != XMPP_EOK)
		goto oom;
	xmpp_stanza_release(q);
	xmpp_id_handler_add(u->b->conn, handler, id, userdata);
	xmpp_send(u->b->conn, iq);
	xmpp_stanza_release(iq);
	return id;
oom:
	log_error("upload: cannot send an iq to %s: out of memory", to);
	if (q)
		xmpp_stanza_release(q);
	if (iq)
		xmpp_stanza_release(iq);
	free(id);
	return NULL;
}

/* Asks the upload service for a slot for d, or delivers it inline when
 * there is none, or none for this size. */
static void
start(struct delivery *d)
{
	struct upload *u = d->u;
	char size[32];

	if (u->service == NULL) {
		go_inline(d, false, "the server offers no HTTP upload");
		return;
	}
	if (u->max_size != 0 && d->body.len > u->max_size) {
		char why[128];

		snprintf(why, sizeof(why), "%zu bytes is more than the upload "
		         "service takes, %" PRIu64, d->body.len, u->max_size);
		go_inline(d, false, why);
		return;
	}
	snprintf(size, sizeof(size), "%zu", d->body.len);
	d->id = send_iq_get(u, u->service, "request", NS_UPLOAD, slot_answer,
	                    d, "filename", d->name, "size", size,
	                    "content-type", d->mime, (const char *)NULL);
	if (d->id == NULL) {
		fail(d, "cannot request a slot");
		return;
	}
	d->state = D_WAIT_SLOT;
	d->deadline = mono_ms() + SLOT_TIMEOUT_MS;
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
	pump(u);
}

/* ---- the slot and the PUT ------------------------------------------- */

/* True when stanza is the answer (iq result or error) from `from`. */
static bool
is_answer(xmpp_stanza_t *stanza, const char *from)
{
	const char *name = xmpp_stanza_get_name(stanza);
	const char *type = xmpp_stanza_get_type(stanza);
	const char *sender = xmpp_stanza_get_from(stanza);

	return name != NULL && strcmp(name, "iq") == 0 && type != NULL &&
	       (strcmp(type, "result") == 0 || strcmp(type, "error") == 0) &&
	       sender != NULL && from != NULL && strcasecmp(sender, from) == 0;
}

/* The defined condition of an error answer ("item-not-found"), with its
 * text if any, in buf. */
static const char *
error_of(xmpp_stanza_t *stanza, char *buf, size_t n)
{
	xmpp_stanza_t *err = xmpp_stanza_get_child_by_name(stanza, "error");
	xmpp_stanza_t *c, *t;
	const char *cond = "no condition given";
	char *text = NULL;

	if (err != NULL) {
		for (c = xmpp_stanza_get_children(err); c; c = xmpp_stanza_get_next(c)) {
			const char *name = xmpp_stanza_get_name(c);

			if (!xmpp_stanza_is_tag(c) || name == NULL)
				continue;
			if (strcmp(name, "text") != 0) {
				cond = name;
				break;
			}
		}
		t = xmpp_stanza_get_child_by_name_and_ns(err, "text", NS_STANZAS);
		if (t != NULL)
			text = xmpp_stanza_get_text(t);
	}
	snprintf(buf, n, "%s%s%.200s%s", cond, text ? ": \"" : "",
	         text ? text : "", text ? "\"" : "");
	if (text)
		xmpp_free(xmpp_stanza_get_context(stanza), text);
	return buf;
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
		if ((l = curl_slist_append(d->headers, line)) == NULL)
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
	const char *ca_file = getenv("SSL_CERT_FILE");
	const char *ca_dir = getenv("SSL_CERT_DIR");
	char ctype[160];
	struct curl_slist *l;
	CURLMcode mrc;

	snprintf(ctype, sizeof(ctype), "Content-Type: %s", d->mime);
	/* No "Expect: 100-continue": one round trip less, and the service
	 * has seen the size in the slot request already. */
	if ((l = curl_slist_append(d->headers, ctype)) == NULL ||
	    (d->headers = l, (l = curl_slist_append(d->headers, "Expect:")) == NULL)) {
		snprintf(why, n, "out of memory");
		return -1;
	}
	d->headers = l;
	if ((d->easy = curl_easy_init()) == NULL) {
		snprintf(why, n, "cannot set up libcurl");
		return -1;
	}
	/*
	 * HTTPS only (the file is someone's work record), certificate and
	 * host name verified (libcurl's defaults, stated here so nobody
	 * wonders). The CA store is libcurl's; SSL_CERT_FILE and SSL_CERT_DIR,
	 * which OpenSSL, and so libstrophe, honour for the XMPP connection,
	 * are handed over too, so a private CA trusted for one is trusted for
	 * the other. libcurl reads neither by itself.
	 */
	if (curl_easy_setopt(d->easy, CURLOPT_URL, url) != CURLE_OK ||
#if LIBCURL_VERSION_NUM >= 0x075500
	    curl_easy_setopt(d->easy, CURLOPT_PROTOCOLS_STR, "https") != CURLE_OK ||
#else
	    curl_easy_setopt(d->easy, CURLOPT_PROTOCOLS, (long)CURLPROTO_HTTPS) !=
	            CURLE_OK ||
#endif
	    curl_easy_setopt(d->easy, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK ||
	    curl_easy_setopt(d->easy, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK ||
	    (ca_file != NULL && *ca_file != '\0' &&
	     curl_easy_setopt(d->easy, CURLOPT_CAINFO, ca_file) != CURLE_OK) ||
	    (ca_dir != NULL && *ca_dir != '\0' &&
	     curl_easy_setopt(d->easy, CURLOPT_CAPATH, ca_dir) != CURLE_OK) ||
	    curl_easy_setopt(d->easy, CURLOPT_UPLOAD, 1L) != CURLE_OK ||
	    curl_easy_setopt(d->easy, CURLOPT_INFILESIZE_LARGE,
	                     (curl_off_t)d->body.len) != CURLE_OK ||
	    curl_easy_setopt(d->easy, CURLOPT_READFUNCTION, read_body) != CURLE_OK ||
	    curl_easy_setopt(d->easy, CURLOPT_READDATA, d) != CURLE_OK ||
	    curl_easy_setopt(d->easy, CURLOPT_WRITEFUNCTION, discard) != CURLE_OK ||
	    curl_easy_setopt(d->easy, CURLOPT_HTTPHEADER, d->headers) != CURLE_OK ||
	    curl_easy_setopt(d->easy, CURLOPT_USERAGENT,
	                     "timmy/" TIMMY_VERSION) != CURLE_OK ||
	    curl_easy_setopt(d->easy, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(d->easy, CURLOPT_TIMEOUT_MS,
	                     (long)PUT_TIMEOUT_MS) != CURLE_OK ||
	    curl_easy_setopt(d->easy, CURLOPT_CONNECTTIMEOUT_MS,
	                     (long)CONNECT_TIMEOUT_MS) != CURLE_OK ||
	    curl_easy_setopt(d->easy, CURLOPT_ERRORBUFFER, d->errbuf) != CURLE_OK ||
	    curl_easy_setopt(d->easy, CURLOPT_PRIVATE, d) != CURLE_OK) {
		snprintf(why, n, "cannot set up the PUT");
		return -1;
	}
	if ((mrc = curl_multi_add_handle(u->multi, d->easy)) != CURLM_OK) {
		snprintf(why, n, "cannot start the PUT: %s",
		         curl_multi_strerror(mrc));
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
	if (!is_answer(stanza, d->u->service))
		return 1; /* not the answer: keep waiting */
	/* We return 0 below, so libstrophe drops this handler itself. */
	free(d->id);
	d->id = NULL;
	if (strcmp(xmpp_stanza_get_type(stanza), "error") == 0) {
		fail(d, "the upload service refused a slot: %s",
		     error_of(stanza, why, sizeof(why)));
		return 0;
	}
	slot = xmpp_stanza_get_child_by_name_and_ns(stanza, "slot", NS_UPLOAD);
	put = slot ? xmpp_stanza_get_child_by_name(slot, "put") : NULL;
	get = slot ? xmpp_stanza_get_child_by_name(slot, "get") : NULL;
	put_url = put ? xmpp_stanza_get_attribute(put, "url") : NULL;
	get_url = get ? xmpp_stanza_get_attribute(get, "url") : NULL;
	if (!url_ok(put_url) || !url_ok(get_url)) {
		fail(d, "the slot has no usable https PUT and GET URLs");
		return 0;
	}
	if ((d->get_url = strdup(get_url)) == NULL) {
		fail(d, "out of memory");
		return 0;
	}
	if (slot_headers(d, put) != 0) {
		fail(d, "the slot's headers are unusable");
		return 0;
	}
	if (start_put(d, put_url, why, sizeof(why)) != 0)
		fail(d, "%s", why);
	return 0;
}

/* Tells the user where d is: the GET URL as the body, and again in an
 * XEP-0066 <x xmlns='jabber:x:oob'><url/></x>. */
static void
send_url(struct delivery *d)
{
	xmpp_ctx_t *ctx = d->u->b->ctx;
	xmpp_stanza_t *msg = NULL, *x = NULL, *url = NULL, *txt = NULL;
	xmpp_stanza_t *th = NULL, *thtxt = NULL;
	char *id = new_id(d->u);

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
	if (thtxt)
		xmpp_stanza_release(thtxt);
	if (th)
		xmpp_stanza_release(th);
	if (txt)
		xmpp_stanza_release(txt);
	if (url)
		xmpp_stanza_release(url);
	if (x)
		xmpp_stanza_release(x);
	if (msg)
		xmpp_stanza_release(msg);
	free(id);
}

/* A PUT ended with result: tell the user where the file is, or send it
 * inline. Frees d. */
static void
put_done(struct delivery *d, CURLcode result)
{
	long status = 0;

	if (result != CURLE_OK) {
		fail(d, "PUT failed: %s", d->errbuf[0] ? d->errbuf
		                                      : curl_easy_strerror(result));
		return;
	}
	curl_easy_getinfo(d->easy, CURLINFO_RESPONSE_CODE, &status);
	if (status < 200 || status > 299) {
		fail(d, "PUT answered with HTTP status %ld", status);
		return;
	}
	send_url(d);
	delivery_free(d);
}

/* ---- discovery ------------------------------------------------------ */

/* Forgets discovery state, deleting the id handlers still set. */
static void
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
	struct delivery *d, *next;

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
		         own_domain(u), why ? why : "no item offers it");

	for (d = u->head; d != NULL; d = next) {
		next = d->next;
		if (d->state == D_WAIT_SERVICE)
			start(d);
	}
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
	if (!is_answer(stanza, own_domain(u)))
		return 1;
	free(u->items_id); /* libstrophe drops the handler: we return 0 */
	u->items_id = NULL;
	if (strcmp(xmpp_stanza_get_type(stanza), "error") == 0) {
		snprintf(buf, sizeof(buf), "disco#items failed: %s",
		         error_of(stanza, why, sizeof(why)));
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
			          "are asked", DISCO_ITEMS_MAX, own_domain(u));
			break;
		}
		item = &u->items[u->nitems];
		if ((item->jid = strdup(jid)) == NULL)
			break;
		u->nitems++;
		item->answer = ITEM_ASKED;
		item->id = send_iq_get(u, jid, "query", NS_DISCO_INFO,
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
	if (!is_answer(stanza, item->jid))
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

/* ---- the session's side --------------------------------------------- */

struct upload *
upload_new(struct bot *b)
{
	struct upload *u = calloc(1, sizeof(*u));

	if (u == NULL || (u->multi = curl_multi_init()) == NULL) {
		log_error("upload: cannot set up libcurl");
		free(u);
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
	disco_clear(u);
	u->state = SVC_DISCOVERING;
	u->disco_deadline = mono_ms() + DISCO_TIMEOUT_MS;
	u->items_id = send_iq_get(u, own_domain(u), "query", NS_DISCO_ITEMS,
	                          disco_items_answer, u, (const char *)NULL);
	if (u->items_id == NULL)
		disco_done(u, -1, "cannot ask the server");
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
	pace_clear(u);
	u->pace_off = false;
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
	curl_multi_cleanup(u->multi);
	free(u);
}

bool
upload_poll(struct upload *u)
{
	struct delivery *d, *next;
	struct CURLMsg *m;
	int64_t now;
	int left;

	if (u == NULL)
		return false;
	if (u->running > 0) {
		curl_multi_perform(u->multi, &u->running);
		while ((m = curl_multi_info_read(u->multi, &left)) != NULL) {
			char *p = NULL;

			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &p);
			if (p != NULL)
				put_done((struct delivery *)(void *)p, m->data.result);
		}
	}
	now = mono_ms();
	if (u->state == SVC_DISCOVERING && now >= u->disco_deadline) {
		size_t i;

		if (u->items_id != NULL) {
			disco_done(u, -1, "no answer to disco#items in time");
		} else {
			/* Items still silent count as "no"; their handlers go
			 * in disco_done. */
			for (i = 0; i < u->nitems; i++)
				if (u->items[i].answer == ITEM_ASKED)
					u->items[i].answer = ITEM_NO;
			disco_decide(u);
		}
	}
	for (d = u->head; d != NULL; d = next) {
		next = d->next;
		if (d->state == D_WAIT_SLOT && now >= d->deadline)
			fail(d, "no answer to the slot request within %d s",
			     SLOT_TIMEOUT_MS / 1000);
	}
	if (u->pace_id != NULL && now >= u->pace_deadline) {
		log_warn("no answer from %s to a ping within %d s; inline parts "
		         "go out as the send queue empties until the next login",
		         own_domain(u), PACE_TIMEOUT_MS / 1000);
		pace_clear(u);
		u->pace_off = true;
	}
	pump(u);
	/* Parts held back by a long send queue: back soon. */
	if (u->pace_id == NULL)
		for (d = u->head; d != NULL; d = d->next)
			if (d->state == D_INLINE)
				return true;
	return u->running > 0;
}
