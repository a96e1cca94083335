/*
 * bot/nodelay.h - the socket options of the connection to the server:
 * libstrophe's TCP keepalive (probes of an idle connection), and
 * Nagle's algorithm off only while a slow command answers with two
 * stanzas. Private to bot/.
 */
#ifndef TIMMY_NODELAY_H
#define TIMMY_NODELAY_H

#include <stdbool.h>

#include <strophe.h>

/*
 * The sockopt callback of the connection (xmpp_conn_set_sockopt_callback):
 * xmpp_sockopt_cb_keepalive, and the socket (sock points at its fd)
 * remembered for nodelay_set, with Nagle's algorithm on. Returns 0, or -1
 * when the keepalive could not be set (libstrophe then gives up the
 * connection attempt).
 */
int nodelay_sockopt(xmpp_conn_t *conn, void *sock);

/*
 * TCP_NODELAY on the connection's socket on or off, when it is not so
 * already; what libstrophe writes next goes out accordingly. Nothing
 * before the first connection.
 */
void nodelay_set(bool on);

#endif
