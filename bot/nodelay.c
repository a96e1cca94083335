/*
 * bot/nodelay.c - Nagle's algorithm off on the connection to the server.
 * See nodelay.h.
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
 * 12-20 ms. It costs packets: every stanza goes as one, so start/stop with
 * 8 commands in flight per user made 0.52-0.80x the echo bot's throughput
 * against 0.82-0.89x. Latency every user feels wins over a pipelined
 * synthetic load. The server side sends without delay too
 * (XMPP-NOTES.md: network_settings nagle = false).
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

int
nodelay_sockopt(xmpp_conn_t *conn, void *sock)
{
	int fd = *(int *)sock, on = 1;

	if (xmpp_sockopt_cb_keepalive(conn, sock) != 0)
		return -1;
	/* A failure costs only the speed: the stanzas go all the same. */
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) != 0)
		log_info("session: cannot set TCP_NODELAY: %s", strerror(errno));
	return 0;
}
