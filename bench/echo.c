/*
 * bench/echo.c - the baseline of the chat-path benchmark: the least a bot
 * on libstrophe can do per command. It logs in as timmy does (STARTTLS
 * required, the server's certificate verified against one CA file, stream
 * management as libstrophe offers it, initial presence) and answers every
 * <message type='chat'/> with a <body/> by a chat message with the same
 * body (and <thread/>, which timmy copies too) to the sender.
 *
 *     bench/echo -j echo@localhost -w PASSWORD -H 127.0.0.1 -P PORT -C CA.pem
 *
 * Once online (presence sent) it prints "online" on stderr and, like
 * timmy, sends READY=1 to $NOTIFY_SOCKET when that is set, so the
 * benchmark times exec-to-ready the same way for both. SIGTERM or SIGINT
 * log out and exit 0; a failed login exits 1.
 *
 * Not part of timmy: built by `make bench-tools`, used by bench/chat.py.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <strophe.h>

static volatile sig_atomic_t stopping;

static void
on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

/* sd_notify(0, "READY=1") without libsystemd: one datagram to the socket
 * $NOTIFY_SOCKET names (an abstract one when it starts with '@'). */
static void
notify_ready(void)
{
	const char *path = getenv("NOTIFY_SOCKET"), *msg = "READY=1";
	struct sockaddr_un sa;
	socklen_t len;
	int fd;

	if (path == NULL || path[0] == '\0' ||
	    strlen(path) >= sizeof(sa.sun_path))
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path));
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0';
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return;
	if (sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&sa, len) < 0)
		fprintf(stderr, "echo: notify: %s\n", strerror(errno));
	close(fd);
}

/* A chat message with a body: the same body back to its sender. */
static int
on_message(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
	xmpp_ctx_t *ctx = userdata;
	const char *type = xmpp_stanza_get_type(stanza);
	const char *from = xmpp_stanza_get_from(stanza);
	xmpp_stanza_t *reply, *thread, *copy;
	char *body;

	if (type == NULL || strcmp(type, "chat") != 0 || from == NULL)
		return 1;
	/* NULL for a missing or empty body (chat states, receipts). */
	if ((body = xmpp_message_get_body(stanza)) == NULL)
		return 1;
	reply = xmpp_message_new(ctx, "chat", from, NULL);
	if (reply != NULL && xmpp_message_set_body(reply, body) == XMPP_EOK) {
		thread = xmpp_stanza_get_child_by_name(stanza, "thread");
		if (thread != NULL && (copy = xmpp_stanza_copy(thread)) != NULL) {
			xmpp_stanza_add_child(reply, copy);
			xmpp_stanza_release(copy);
		}
		xmpp_send(conn, reply);
	}
	if (reply != NULL)
		xmpp_stanza_release(reply);
	xmpp_free(ctx, body);
	return 1;
}

static int failed;

static void
on_conn(xmpp_conn_t *conn, xmpp_conn_event_t status, int error,
        xmpp_stream_error_t *stream_error, void *userdata)
{
	xmpp_ctx_t *ctx = userdata;
	xmpp_stanza_t *pres;

	(void)stream_error;
	if (status == XMPP_CONN_CONNECT) {
		if ((pres = xmpp_presence_new(ctx)) != NULL) {
			xmpp_send(conn, pres);
			xmpp_stanza_release(pres);
		}
		fprintf(stderr, "online\n");
		notify_ready();
		return;
	}
	if (!stopping) {
		fprintf(stderr, "echo: disconnected (error %d)\n", error);
		failed = 1;
	}
	xmpp_stop(ctx);
}

static void
usage(void)
{
	fprintf(stderr, "usage: echo -j JID -w PASSWORD [-H HOST] [-P PORT] "
	        "[-C CAFILE]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *jid = NULL, *pass = NULL, *host = NULL, *cafile = NULL;
	unsigned short port = 0;
	xmpp_ctx_t *ctx;
	xmpp_conn_t *conn;
	int c;

	while ((c = getopt(argc, argv, "j:w:H:P:C:")) != -1)
		switch (c) {
		case 'j': jid = optarg; break;
		case 'w': pass = optarg; break;
		case 'H': host = optarg; break;
		case 'P': port = (unsigned short)strtoul(optarg, NULL, 10); break;
		case 'C': cafile = optarg; break;
		default: usage();
		}
	if (jid == NULL || pass == NULL)
		usage();
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);

	xmpp_initialize();
	ctx = xmpp_ctx_new(NULL, NULL);
	conn = ctx ? xmpp_conn_new(ctx) : NULL;
	if (conn == NULL) {
		fprintf(stderr, "echo: cannot set up libstrophe\n");
		return 1;
	}
	xmpp_conn_set_jid(conn, jid);
	xmpp_conn_set_pass(conn, pass);
	xmpp_conn_set_flags(conn, XMPP_CONN_FLAG_MANDATORY_TLS);
	if (cafile != NULL)
		xmpp_conn_set_cafile(conn, cafile);
	xmpp_handler_add(conn, on_message, NULL, "message", NULL, ctx);
	if (xmpp_connect_client(conn, host, port, on_conn, ctx) != XMPP_EOK) {
		fprintf(stderr, "echo: cannot connect\n");
		return 1;
	}
	/* xmpp_run would not look at the flag: a signal only interrupts
	 * select(), so poll it between rounds. */
	while (!stopping && !failed && xmpp_conn_is_connecting(conn) +
	       xmpp_conn_is_connected(conn) > 0)
		xmpp_run_once(ctx, 100);
	if (stopping && xmpp_conn_is_connected(conn)) {
		xmpp_disconnect(conn);
		for (c = 0; c < 50 && !xmpp_conn_is_disconnected(conn); c++)
			xmpp_run_once(ctx, 20);
	}
	xmpp_conn_release(conn);
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
	return failed;
}
