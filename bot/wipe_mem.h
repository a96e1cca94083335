/*
 * bot/wipe_mem.h - the allocator libstrophe's context gets, so that the
 * password's copies it makes are wiped when freed. Private to bot/.
 */
#ifndef TIMMY_WIPE_MEM_H
#define TIMMY_WIPE_MEM_H

#include <strophe.h>

/* For xmpp_ctx_new: glibc's allocator, wiping every block before it goes
 * back; NULL (libstrophe's own, which wipes nothing) without glibc. */
const xmpp_mem_t *wipe_mem(void);

#endif
