/*
 * bot/chatimport.c - files sent in chat to be imported: see chatimport.h.
 * Part of bot/: XEP-0066 and the host rule here, the download in
 * bot/fetch.c, the import itself in commands/ through
 * message_run_input (the dispatcher's transaction and the message's key:
 * a message delivered twice imports once and gets the first reply).
 *
 * Where a file may come from: https only, from a host that is the
 * sender's own domain or a subdomain of it (where their server's upload
 * service is: upload.example.org, or example.org itself), or one listed
 * in import.hosts. Anything else is refused before a byte is fetched, and
 * the refusal names the host and the key: the bot does not fetch what
 * anyone points it at (a server-side request forgery). Redirects are not
 * followed (fetch.c), since their target was never judged.
 *
 * One download per user at a time and CHATIMPORT_MAX in all: each holds
 * a socket (libstrophe's select() wants few) and up to import.max_bytes.
 * A disconnect or shutdown drops them; the log says whose.
 */
#include "chatimport.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../commands/cmd.h"
#include "../commands/import.h"
#include "caps.h"
#include "fetch.h"
#include "handlers.h"
#include "log.h"

#define NS_OOB "jabber:x:oob"

#define URL_MAX 2048         /* longest link taken */
#define HOST_MAX 256         /* longest host name in a link */
#define NAME_MAX_SHOWN 96    /* longest file name a reply quotes */

/* One file on its way in. x comes first: fetch.c hands back &x, which
 * is then the pending's address too. */
struct pending {
	struct fetch x;
	struct pending *next;
	char *from;                     /* full JID to answer */
	char bare[STORE_OWNER_MAX + 1]; /* whose import it is */
	char host[HOST_MAX + 1];
	char name[NAME_MAX_SHOWN + 1];
	xmpp_stanza_t *thread;          /* a copy, or NULL */
	xmpp_stanza_t *receipt;         /* XEP-0184, sent after the answer */
	struct msg_origin origin;
};

struct chatimport {
	struct bot *b;
	struct fetcher f;
	struct pending *head;
	size_t n;
};

struct chatimport *
chatimport_new(struct bot *b)
{
	struct chatimport *ci = calloc(1, sizeof(*ci));

	if (ci == NULL) {
		log_error("chat import: out of memory");
		return NULL;
	}
	ci->b = b;
	return ci;
}

/* Unlinks p and frees it with all it owns. */
static void
pending_free(struct chatimport *ci, struct pending *p)
{
	struct pending **pp;

	for (pp = &ci->head; *pp != NULL; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			ci->n--;
			break;
		}
	fetch_end(&p->x);
	if (p->thread != NULL)
		xmpp_stanza_release(p->thread);
	if (p->receipt != NULL)
		xmpp_stanza_release(p->receipt);
	free(p->from);
	free(p);
}

void
chatimport_offline(struct chatimport *ci)
{
	if (ci == NULL)
		return;
	while (ci->head != NULL) {
		log_info("dropped the download of %s from %s for %s: the "
		         "connection went", ci->head->name, ci->head->host,
		         ci->head->bare);
		pending_free(ci, ci->head);
	}
}

void
chatimport_free(struct chatimport *ci)
{
	if (ci == NULL)
		return;
	chatimport_offline(ci);
	fetcher_close(&ci->f);
	free(ci);
}

const char *
chatimport_link(xmpp_stanza_t *msg)
{
	xmpp_stanza_t *x, *url, *t;

	x = xmpp_stanza_get_child_by_name_and_ns(msg, "x", NS_OOB);
	url = x != NULL ? xmpp_stanza_get_child_by_name(x, "url") : NULL;
	t = url != NULL ? xmpp_stanza_get_children(url) : NULL;
	return t != NULL && xmpp_stanza_is_text(t) ? xmpp_stanza_get_text_ptr(t)
	                                           : NULL;
}

/* n bytes of s, spaces around them left out: *s and *n moved in. */
static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && (unsigned char)**s <= ' ') {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && (unsigned char)(*s)[*n - 1] <= ' ')
		(*n)--;
}

/* Whether body, with the link url, asks for an import: "import" (any
 * case), nothing, or the link again (Conversations and Gajim put it in
 * the body for clients that do not read XEP-0066). */
static bool
asks_import(const char *body, const char *url)
{
	const char *b = body, *u = url;
	size_t bn = strlen(body), un = strlen(url);

	trim(&b, &bn);
	trim(&u, &un);
	return bn == 0 || (bn == 6 && strncasecmp(b, "import", 6) == 0) ||
	       (bn == un && memcmp(b, u, bn) == 0);
}

/*
 * The host of an https URL into host (HOST_MAX + 1 bytes), lower case,
 * without brackets or port; the file name (its last path part) into
 * name. Returns 0, or -1 when url is not an https URL we take.
 */
static int
split_url(const char *url, char *host, char *name)
{
	const char *a, *end, *h, *hend, *path, *q, *last;
	size_t i, n;

	if (strlen(url) > URL_MAX || strncasecmp(url, "https://", 8) != 0)
		return -1;
	for (i = 0; url[i] != '\0'; i++)
		if ((unsigned char)url[i] <= ' ' || url[i] == 0x7f)
			return -1;
	a = url + 8;
	end = a + strcspn(a, "/?#");
	/* user:password@ would make the host another than it seems. */
	if (memchr(a, '@', (size_t)(end - a)) != NULL)
		return -1;
	h = a;
	if (*h == '[') {
		h++;
		hend = memchr(h, ']', (size_t)(end - h));
		if (hend == NULL)
			return -1;
	} else {
		hend = memchr(h, ':', (size_t)(end - h));
		if (hend == NULL)
			hend = end;
	}
	n = (size_t)(hend - h);
	if (n == 0 || n > HOST_MAX)
		return -1;
	for (i = 0; i < n; i++)
		host[i] = (h[i] >= 'A' && h[i] <= 'Z') ? (char)(h[i] - 'A' + 'a')
		                                       : h[i];
	host[n] = '\0';
	path = end;
	q = path + strcspn(path, "?#");
	last = q;
	while (last > path && last[-1] != '/')
		last--;
	n = (size_t)(q - last);
	if (n > NAME_MAX_SHOWN)
		n = NAME_MAX_SHOWN;
	memcpy(name, last, n);
	name[n] = '\0';
	if (n == 0)
		snprintf(name, NAME_MAX_SHOWN + 1, "the file");
	return 0;
}

/* Whether files may come from host for the user bare: their own
 * domain, a subdomain of it, or a host of import.hosts. */
static bool
host_allowed(const struct cfg *cfg, const char *bare, const char *host)
{
	const char *domain = strchr(bare, '@');
	size_t i, hn = strlen(host), dn;

	if (domain != NULL) {
		domain++;
		dn = strlen(domain);
		if (strcasecmp(host, domain) == 0 ||
		    (hn > dn + 1 && host[hn - dn - 1] == '.' &&
		     strcasecmp(host + hn - dn, domain) == 0))
			return true;
	}
	for (i = 0; i < cfg->nimport_hosts; i++)
		if (strcasecmp(host, cfg->import_hosts[i]) == 0)
			return true;
	return false;
}

/* The most bytes one file may have: import.max_bytes, never more than
 * the readers take. */
static size_t
max_bytes(const struct cfg *cfg)
{
	return cfg->import_max_bytes < IMPORT_INPUT_MAX ? cfg->import_max_bytes
	                                                : IMPORT_INPUT_MAX;
}

/* Why a download for bare cannot start now, into why; NULL when it can. */
static const char *
busy(const struct chatimport *ci, const char *bare, char *why, size_t n)
{
	const struct pending *p;

	for (p = ci->head; p != NULL; p = p->next)
		if (strcmp(p->bare, bare) == 0) {
			snprintf(why, n, "I am still fetching your file %s; send "
			         "the next one when I have answered.", p->name);
			return why;
		}
	if (ci->n >= CHATIMPORT_MAX) {
		snprintf(why, n, "I am fetching as many files as I can at once "
		         "just now; please send yours again in a minute.");
		return why;
	}
	return NULL;
}

/* Starts the download of url for bare, whose message came as *origin
 * says; answers from itself when it cannot. */
static void
start(struct bot *b, xmpp_stanza_t *msg, const char *from, const char *bare,
      const char *url, const char *host, const char *name,
      xmpp_stanza_t *thread, const struct msg_origin *origin)
{
	struct chatimport *ci = b->ci;
	struct pending *p;
	char why[512];

	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->from = strdup(from)) == NULL) {
		free(p);
		log_error("chat import for %s: out of memory", bare);
		send_chat(b, from, "Sorry, I am short of memory. Please send "
		                   "the file again later.");
		return;
	}
	snprintf(p->bare, sizeof(p->bare), "%s", bare);
	snprintf(p->host, sizeof(p->host), "%s", host);
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->thread = thread != NULL ? xmpp_stanza_copy(thread) : NULL;
	p->receipt = caps_receipt_for(b->ctx, msg, from);
	p->origin = *origin;
	p->next = ci->head;
	ci->head = p;
	ci->n++;
	/* libcurl is loaded here, not at start-up (curl_load.h). */
	if (fetcher_ready(&ci->f, why, sizeof(why)) != 0 ||
	    fetch_begin(&ci->f, &p->x, url, max_bytes(b->cfg), why,
	                sizeof(why)) != 0) {
		log_warn("cannot download %s from %s for %s: %s", p->name,
		         host, bare, why);
		send_chat(b, from, "Sorry, I cannot fetch files just now; "
		                   "nothing was imported.");
		pending_free(ci, p);
		return;
	}
	log_info("downloading %s from %s for %s", p->name, host, bare);
}

bool
chatimport_take(struct bot *b, xmpp_stanza_t *msg, const char *from,
                const char *bare, const char *body, xmpp_stanza_t *thread)
{
	const char *url = chatimport_link(msg);
	char host[HOST_MAX + 1], name[NAME_MAX_SHOWN + 1];
	char why[HOST_MAX + 512];
	struct msg_origin origin;

	if (url == NULL || body == NULL || !asks_import(body, url))
		return false;
	if (b->ci == NULL)
		return false;
	/* Delivered again (a stream resumed, the bot restarted): the first
	 * reply, without fetching the file again, which may be gone. */
	message_origin(b, msg, &origin);
	if (message_replay(b, msg, from, bare, thread, &origin))
		return true;
	if (split_url(url, host, name) != 0) {
		log_info("refused an import link from %s: not an https URL",
		         bare);
		send_chat(b, from, "I only fetch files over https:// (your "
		                   "client's upload gives such links); nothing "
		                   "was imported.");
		return true;
	}
	if (!host_allowed(b->cfg, bare, host)) {
		log_info("refused an import from %s for %s: host not allowed",
		         host, bare);
		snprintf(why, sizeof(why), "I fetch files only from your own "
		         "server and the hosts in import.hosts; %s is neither. "
		         "Nothing was imported.", host);
		send_chat(b, from, why);
		return true;
	}
	if (busy(b->ci, bare, why, sizeof(why)) != NULL) {
		send_chat(b, from, why);
		return true;
	}
	start(b, msg, from, bare, url, host, name, thread, &origin);
	return true;
}

/* fetcher_poll's report on x, the first member of a pending. */
static void
fetched(struct fetch *x, bool ok, const char *why)
{
	struct pending *p = (struct pending *)(void *)x;
	/* x->f is the fetcher of the chatimport that started x. */
	struct chatimport *ci = (struct chatimport *)(void *)
	                        ((char *)x->f - offsetof(struct chatimport, f));
	struct cmd_input in;
	char msg[1024];

	if (!ok) {
		log_warn("download of %s from %s for %s failed: %s", p->name,
		         p->host, p->bare, why);
		if (p->x.too_big)
			snprintf(msg, sizeof(msg), "I cannot import %s: %s "
			         "(import.max_bytes). Nothing was imported.",
			         p->name, why);
		else
			snprintf(msg, sizeof(msg), "I could not fetch %s from %s: "
			         "%s. Nothing was imported.", p->name, p->host, why);
		send_chat(ci->b, p->from, msg);
		pending_free(ci, p);
		return;
	}
	log_info("downloaded %s (%zu bytes) from %s for %s", p->name,
	         p->x.body.len, p->host, p->bare);
	in.name = p->name;
	in.buf = p->x.body.len > 0 ? p->x.body.buf : "";
	in.len = p->x.body.len;
	message_run_input(ci->b, p->from, p->bare, p->thread, &p->origin,
	                  "import", &in, p->receipt);
	p->receipt = NULL; /* sent and released */
	pending_free(ci, p);
}

bool
chatimport_poll(struct chatimport *ci)
{
	if (ci == NULL || ci->head == NULL)
		return false;
	return fetcher_poll(&ci->f, fetched);
}
