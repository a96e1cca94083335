/*
 * bot/nodelay.h - the socket options of the connection to the server:
 * libstrophe's TCP keepalive (probes of an idle connection), Nagle's
 * algorithm off, and a cork around each turn's writes. Private to bot/.
 */
#ifndef TIMMY_NODELAY_H
#define TIMMY_NODELAY_H

#include <stdbool.h>

#include <strophe.h>

/*
 * The sockopt callback of the connection (xmpp_conn_set_sockopt_callback):
 * xmpp_sockopt_cb_keepalive, then TCP_NODELAY on the socket (sock points
 * at its fd). Returns 0, or -1 when the keepalive could not be set
 * (libstrophe then gives up the connection attempt); a TCP_NODELAY that
 * cannot be set is logged and costs only speed.
 */
int nodelay_sockopt(xmpp_conn_t *conn, void *sock);

/*
 * TCP_CORK on (true) or off (false) on the connection's socket, when it
 * is not so already. While on, what libstrophe writes waits in the kernel
 * and goes in full segments; turning it off sends the rest at once. The
 * caller turns it off before it sleeps. Nothing before the first
 * connection.
 */
void nodelay_cork(bool on);

#endif
