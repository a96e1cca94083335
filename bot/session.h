/*
 * bot/session.h - the XMPP session: log in, serve, reconnect, log out.
 *
 * Only bot/ includes <strophe.h>. A session owns its libstrophe context
 * and connection; it borrows the config and the open store.
 */
#ifndef TIMMY_SESSION_H
#define TIMMY_SESSION_H

#include <signal.h>

#include "../storage/store.h"
#include "config.h"

struct session;

/* A new session for cfg and st (both borrowed; they must outlive it).
 * The session changes parts of cfg in place when it reloads the file
 * (cfg_reload). Returns NULL when libstrophe cannot be set up (logged). */
struct session *session_new(struct cfg *cfg, store *st);

/*
 * Connects and serves until *stop becomes non-zero (set by a signal
 * handler), reconnecting with backoff after every disconnect; reloads the
 * configuration whenever *reload is set (and clears it). Tells systemd
 * how it goes (notify.h). Then sends unavailable presence and closes the
 * stream. Returns 0 on a clean stop, 1 when the database went away
 * (store_ping: a standby may serve by now).
 */
int session_run(struct session *s, volatile sig_atomic_t *stop,
                volatile sig_atomic_t *reload);

void session_free(struct session *s);

#endif
