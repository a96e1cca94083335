/*
 * bot/nodelay.h - the socket options of the connection to the server:
 * libstrophe's TCP keepalive (probes of an idle connection)
 * and no Nagle delay. Private to bot/.
 */
#ifndef TIMMY_NODELAY_H
#define TIMMY_NODELAY_H

#include <strophe.h>

/*
 * The sockopt callback of the connection (xmpp_conn_set_sockopt_callback):
 * xmpp_sockopt_cb_keepalive, then TCP_NODELAY on sock (a pointer to the
 * socket's fd). Returns 0, or -1 when an option could not be set (logged;
 * libstrophe then gives up the connection attempt, as it does when the
 * keepalive fails).
 */
int nodelay_sockopt(xmpp_conn_t *conn, void *sock);

#endif
