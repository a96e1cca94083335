/*
 * bot/inline.c - a file delivered inline, as numbered chat messages, when
 * there is no HTTP upload (bot/delivery.c decides), paced by XEP-0199
 * pings. See upload_int.h.
 *
 * Part of bot/: libstrophe for the XMPP side, bot/xmltext.c for the XML
 * it writes itself; the queue (bot/delivery.c) only through the
 * delivery_* calls of upload_int.h.
 *
 * Each part is a chat message "(i/n) FILENAME\n" + a piece of the file,
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
 * the event loop (inline_pump): the next only once the server has
 * answered an XEP-0199 ping sent after the last one, which it does after
 * reading everything before it (RFC 6120 8.2.3 wants an answer to every
 * iq; one left unanswered for PACE_TIMEOUT_MS ends the pings until the
 * next login), and only while libstrophe's send queue is short.
 * So at most one part stands between a reply to anyone and the server,
 * and a second of the server's reading covers it at the default limits.
 * When several users' files go out, a new file's first part goes next,
 * then their parts take turns.
 */
#include "upload_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "handlers.h"
#include "log.h"
#include "xmltext.h"

#define NS_PING "urn:xmpp:ping"

#define PACE_TIMEOUT_MS 30000 /* for the server's answer to a pacing ping */
/* An inline part is handed to libstrophe only while fewer stanzas than
 * this wait in its send queue. */
#define INLINE_SENDQ_MAX 2
/* The most an inline body may take once escaped: far below Prosody's
 * default stanza limit of 256 KiB, whatever the content. */
#define INLINE_WIRE_MAX (128 * 1024)
/* Room for the rest of an inline message: attributes, <thread/>, tags. */
#define INLINE_ENVELOPE_MAX (6 * 3072 + 6 * THREAD_MAX + 512)

/* A file's first part goes before the next part of any file already going
 * out (turn: the count of files so far), so a short export is not held up
 * by a long one; after that, files take turns (turn: TURN_AGAIN and the
 * count of parts when its last went). */
#define TURN_AGAIN (UINT64_C(1) << 63)

static int pace_answer(xmpp_conn_t *, xmpp_stanza_t *, void *);

size_t
upload_inline_cut(const char *data, size_t len, size_t cap, size_t wire_max)
{
	const unsigned char *p = (const unsigned char *)data;
	size_t i = 0, wire = 0, nl = 0, k, w;

	/* Whole characters only, so a cut never splits one. */
	while (i < len) {
		w = xmltext_char(p + i, len - i, false, &k, NULL);
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
	    xmltext_append(x, to, strlen(to), true) != 0 ||
	    text_printf(x, "'><body>") != 0 ||
	    xmltext_append(x, header, strlen(header), false) != 0 ||
	    xmltext_append(x, chunk, n, false) != 0 ||
	    text_printf(x, "</body>") != 0)
		return -1;
	if (thread != NULL) {
		if (text_printf(x, "<thread") != 0)
			return -1;
		if (parent != NULL &&
		    (text_printf(x, " parent='") != 0 ||
		     xmltext_append(x, parent, strlen(parent), true) != 0 ||
		     text_printf(x, "'") != 0))
			return -1;
		if (text_printf(x, ">") != 0 ||
		    xmltext_append(x, thread, strlen(thread), false) != 0 ||
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
	char *id = upload_new_id(d->u);
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
void
inline_pump(struct upload *u)
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
	u->pace_id = upload_iq_get(u, upload_own_domain(u), "ping", NS_PING,
	                           pace_answer, u, (const char *)NULL);
	u->pace_deadline = mono_ms() + PACE_TIMEOUT_MS;
}

/* The server answered our ping (a result, or an error from a server
 * without XEP-0199): it has read every part before it. */
static int
pace_answer(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
	struct upload *u = userdata;

	(void)conn;
	if (!upload_is_answer(stanza, upload_own_domain(u)))
		return 1;
	free(u->pace_id); /* libstrophe drops the handler: we return 0 */
	u->pace_id = NULL;
	inline_pump(u);
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

int
inline_begin(struct delivery *d, bool failed, const char *why)
{
	if (inline_plan(d, failed, why) != 0)
		return -1;
	d->state = D_INLINE;
	d->turn = ++d->u->fresh;
	return 0;
}

bool
inline_poll(struct upload *u, int64_t now)
{
	const struct delivery *d;

	if (u->pace_id != NULL && now >= u->pace_deadline) {
		log_warn("no answer from %s to a ping within %d s; inline parts "
		         "go out as the send queue empties until the next login",
		         upload_own_domain(u), PACE_TIMEOUT_MS / 1000);
		pace_clear(u);
		u->pace_off = true;
	}
	inline_pump(u);
	/* Parts held back by a long send queue: back soon. */
	if (u->pace_id == NULL)
		for (d = u->head; d != NULL; d = d->next)
			if (d->state == D_INLINE)
				return true;
	return false;
}

void
inline_offline(struct upload *u)
{
	pace_clear(u);
	u->pace_off = false;
}
