/*
 * bot/nodelay.c - TCP_NODELAY on the connection to the server, beside
 * libstrophe's keepalive options. See nodelay.h.
 *
 * libstrophe 0.12 leaves Nagle's algorithm on, and every stanza it sends
 * is a TLS record of its own: a command that answers with two stanzas
 * ("composing" before a slow command, then the reply; or a reply and then
 * a receipt or a roster presence) had its second one held until the
 * server acknowledged the first, which a server with delayed ACKs does
 * after up to 40 ms. Measured through a private Prosody, one client
 * asking in turn: `report week` ("composing", then the reply) took 45 ms
 * a round trip (22 a second) with under 1 ms of the bot's CPU; with
 * TCP_NODELAY 2.4 ms (410 a second). The server side already sends
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

int
nodelay_sockopt(xmpp_conn_t *conn, void *sock)
{
	int fd = *(int *)sock, on = 1;

	if (xmpp_sockopt_cb_keepalive(conn, sock) != 0)
		return -1;
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) != 0) {
		log_error("session: cannot set TCP_NODELAY: %s", strerror(errno));
		return -1;
	}
	return 0;
}
