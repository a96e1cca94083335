/*
 * tests/unit/test_nodelay.c - the socket options bot/ sets on the
 * connection to the server (bot/nodelay.c): libstrophe's keepalive,
 * TCP_NODELAY, and the cork around a turn's writes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../bot/nodelay.h"

/* The value of the int option name at level of fd. */
static int
option(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);

	assert_int_equal(getsockopt(fd, level, name, &v, &len), 0);
	return v;
}

static void
nodelay__sets_keepalive_nagle_off_and_the_cork(void **state)
{
	xmpp_ctx_t *ctx;
	xmpp_conn_t *conn;
	int fd;

	(void)state;
	xmpp_initialize();
	assert_non_null(ctx = xmpp_ctx_new(NULL, NULL));
	assert_non_null(conn = xmpp_conn_new(ctx));
	assert_true((fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);

	assert_int_equal(nodelay_sockopt(conn, &fd), 0);
	assert_int_not_equal(option(fd, SOL_SOCKET, SO_KEEPALIVE), 0);
	/* Nagle's algorithm off from the start (nodelay.c says why). */
	assert_int_not_equal(option(fd, IPPROTO_TCP, TCP_NODELAY), 0);
	/* The cork around a turn's writes, on and off again; asking twice
	 * changes nothing. */
	assert_int_equal(option(fd, IPPROTO_TCP, TCP_CORK), 0);
	nodelay_cork(true);
	assert_int_not_equal(option(fd, IPPROTO_TCP, TCP_CORK), 0);
	nodelay_cork(true);
	assert_int_not_equal(option(fd, IPPROTO_TCP, TCP_CORK), 0);
	nodelay_cork(false);
	assert_int_equal(option(fd, IPPROTO_TCP, TCP_CORK), 0);
	assert_int_not_equal(option(fd, IPPROTO_TCP, TCP_NODELAY), 0);

	close(fd);
	xmpp_conn_release(conn);
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			nodelay__sets_keepalive_nagle_off_and_the_cork),
	};

	return cmocka_run_group_tests_name("socket options", tests, NULL, NULL);
}
