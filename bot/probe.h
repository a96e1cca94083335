/*
 * bot/probe.h - whether the server answers at all, before libstrophe is
 * handed a session to resume (bot/session.c says why).
 */
#ifndef TIMMY_PROBE_H
#define TIMMY_PROBE_H

#include <stdbool.h>

/* True when a TCP connection to host:port (0: 5222) opens within a few
 * seconds; blocks that long at most. */
bool reachable(const char *host, unsigned short port);

#endif
