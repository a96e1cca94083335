/*
 * bot/probe.c - a TCP probe of the server before a resume (probe.h).
 */
#include "probe.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PROBE_MS 3000 /* how long the reachability check may take */

/*
 * True when a TCP connection to host:port opens within PROBE_MS. Used
 * before handing libstrophe a session it is to resume: if that attempt
 * failed, libstrophe 0.12.2 would reset the resumption state a second
 * time (_reset_sm_state_for_reconnect in src/conn.c), losing the
 * resumption id and leaking the bound JID. Checking first keeps the state
 * whole until the server answers. Blocks the loop for at most PROBE_MS,
 * only while we are offline anyway.
 */
bool
reachable(const char *host, unsigned short port)
{
	struct addrinfo hints, *res = NULL, *ai;
	char service[8];
	bool ok = false;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(service, sizeof(service), "%u", port ? port : 5222);
	if (getaddrinfo(host, service, &hints, &res) != 0)
		return false;
	for (ai = res; ai != NULL && !ok; ai = ai->ai_next) {
		struct pollfd p;
		int fd, err = 0;
		socklen_t len = sizeof(err);

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		            SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
			ok = true;
		} else if (errno == EINPROGRESS) {
			p.fd = fd;
			p.events = POLLOUT;
			if (poll(&p, 1, PROBE_MS) == 1 &&
			    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 &&
			    err == 0)
				ok = true;
		}
		close(fd);
	}
	freeaddrinfo(res);
	return ok;
}

