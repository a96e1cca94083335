/*
 * bot/wipe_mem.c - an allocator for libstrophe that wipes what it frees.
 *
 * The password: cfg holds one copy (wiped by cfg_free at exit; a reload
 * reads the file again into a copy wiped at once), and libstrophe
 * another, which xmpp_conn_set_pass makes and keeps in the connection for
 * every reconnect, until session_free releases it. From it libstrophe
 * builds the SASL exchange (PLAIN's base64, SCRAM's salted password, the
 * <auth/> in its send queue) and frees those buffers as they are: 0.12.2
 * clears none of them (src/sasl.c, src/auth.c, src/conn.c). So its
 * context gets an allocator that wipes every block before freeing it
 * (wipe_free): its copy is cleared at release, the exchange's buffers as
 * soon as they are done with. What OpenSSL keeps of the TLS records is
 * out of our reach.
 */
#include "wipe_mem.h"

#include <stdlib.h> /* first: it defines __GLIBC__ */
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#ifdef __GLIBC__
/*
 * libstrophe's allocator: glibc's, with every block wiped before it goes
 * back. malloc_usable_size gives a block's
 * size (at least what was asked for), so a free needs no bookkeeping;
 * growing a block copies it and wipes the old one, where realloc would
 * leave it behind uncleared.
 */
static void *
wipe_alloc(size_t size, void *userdata)
{
	(void)userdata;
	return malloc(size);
}

static void
wipe_free(void *p, void *userdata)
{
	(void)userdata;
	if (p == NULL)
		return;
	explicit_bzero(p, malloc_usable_size(p));
	free(p);
}

static void *
wipe_realloc(void *p, size_t size, void *userdata)
{
	size_t old;
	void *q;

	(void)userdata;
	if (p == NULL)
		return malloc(size);
	old = malloc_usable_size(p);
	if (size <= old)
		return p; /* it fits where it is */
	if ((q = malloc(size)) == NULL)
		return NULL;
	memcpy(q, p, old);
	explicit_bzero(p, old);
	free(p);
	return q;
}

static const xmpp_mem_t wiping_mem = { wipe_alloc, wipe_free, wipe_realloc,
	                                   NULL };

const xmpp_mem_t *
wipe_mem(void)
{
	return &wiping_mem;
}
#else
/* Elsewhere libstrophe's own allocator: its buffers are not wiped. */
const xmpp_mem_t *
wipe_mem(void)
{
	return NULL;
}
#endif
