/*
 * bot/nodelay.c - Nagle's algorithm on the connection to the server, off
 * only for the answer to a slow command. See nodelay.h.
 *
 * libstrophe 0.12 writes each stanza as a TLS record of its own, all that
 * its queue holds at the start of a turn of its loop. With Nagle's
 * algorithm (the default) the first goes at once and the rest wait for
 * the server's acknowledgement of it, then go together: a reply and the
 * stream management request after it, a burst of replies to pipelined
 * commands, make few packets. But a slow command answers "composing"
 * (XEP-0085) and then its reply, so the reply itself waited: for the
 * server's delayed ACK, up to 40 ms. Measured through a private Prosody,
 * one client asking in turn: `report week` took 45 ms a round trip (22 a
 * second) with under 1 ms of the bot's CPU; with TCP_NODELAY 2.4 ms (410
 * a second). But TCP_NODELAY for every answer made a packet of every
 * stanza, and start/stop, one client asking in turn, went from some 2,400
 * round trips a second to 1,900 (three runs each, alternated). So the
 * option is on while a slow command's answer is written and off again
 * from the next quick command on (bot/message.c). The server side sends
 * without delay (XMPP-NOTES.md: network_settings nagle = false).
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

/* The connection's socket (one connection a process) and its option. */
static int conn_fd = -1;
static bool nodelay_on;

int
nodelay_sockopt(xmpp_conn_t *conn, void *sock)
{
	if (xmpp_sockopt_cb_keepalive(conn, sock) != 0)
		return -1;
	conn_fd = *(int *)sock;
	nodelay_on = false;
	return 0;
}

void
nodelay_set(bool on)
{
	int v = on;

	if (conn_fd < 0 || on == nodelay_on)
		return;
	/* A failure costs only the speed: the stanzas go all the same. */
	if (setsockopt(conn_fd, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v)) != 0) {
		log_info("session: cannot set TCP_NODELAY to %d: %s", v,
		         strerror(errno));
		return;
	}
	nodelay_on = on;
}
