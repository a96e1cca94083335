/*
 * bot/nodelay.c - Nagle's algorithm off on the connection to the server,
 * and a cork around each turn's writes. See nodelay.h.
 *
 * libstrophe 0.12 writes each stanza as a TLS record of its own, all that
 * its queue holds at the start of a turn of its loop. With Nagle's
 * algorithm (the default) a write goes at once only when the server has
 * acknowledged everything before it; otherwise it waits for that ACK,
 * and the server delays its ACKs by up to 40 ms when it has nothing to
 * send us. A slow command answers "composing" (XEP-0085) and then its
 * reply, a change answers and then updates the contact list's status, a
 * receipt follows a reply: so with Nagle the next stanza, and every
 * reply queued behind it whoever it is for, often waited those 40 ms.
 *
 * Measured through a private Prosody (bench/chat.py, 10 users, three runs
 * each way on a busy 2-core machine): with Nagle on for quick commands
 * and off only for a slow command's answer, the realistic mix's p99 was
 * 40 ms above the echo bot's in two runs of three and its worst round trip
 * 48-58 ms; with TCP_NODELAY always, p99 was 5-10 ms above and the worst
 * 12-20 ms. The server side sends without delay too (XMPP-NOTES.md:
 * network_settings nagle = false).
 *
 * But without Nagle every stanza went as a packet of its own, and under a
 * pipelined load (50 users, 8 commands in flight each) Prosody, the
 * bottleneck on 2 cores, spent 381 us a status reading them against 212
 * for the echo bot's: 0.56x its throughput. So bot/session.c corks the
 * socket (TCP_CORK) while libstrophe writes what a turn of its loop
 * queued, and uncorks it before the loop sleeps: the turn's stanzas go
 * together, in full segments, and none waits for an acknowledgement.
 *
 * Dependency rule: libstrophe, libc and log.h only.
 */
#include "nodelay.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"

/* The connection's socket (one connection a process) and its cork. */
static int conn_fd = -1;
static bool corked;

int
nodelay_sockopt(xmpp_conn_t *conn, void *sock)
{
	int fd = *(int *)sock, on = 1;

	if (xmpp_sockopt_cb_keepalive(conn, sock) != 0)
		return -1;
	conn_fd = fd;
	corked = false;
	/* A failure costs only the speed: the stanzas go all the same. */
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) != 0)
		log_info("session: cannot set TCP_NODELAY: %s", strerror(errno));
	return 0;
}

void
nodelay_cork(bool on)
{
	int v = on;

	if (conn_fd < 0 || on == corked)
		return;
	/* Failing, the stanzas go one a packet: slower, never later. A
	 * socket closed meanwhile (a disconnect in the turn) refuses it. */
	if (setsockopt(conn_fd, IPPROTO_TCP, TCP_CORK, &v, sizeof(v)) != 0 &&
	    on)
		return;
	corked = on;
}
