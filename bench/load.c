/*
 * bench/load.c - the load client of the chat-path benchmark: N accounts,
 * each on its own XMPP connection, all in one libstrophe event loop,
 * send commands to one bot and time each round trip.
 *
 *     bench/load -t echo@localhost,timmy@localhost -u 'user%d' -n 50 \
 *         -w PASSWORD -H 127.0.0.1 -P PORT -C CA.pem -k mix,status \
 *         -K 1,8 -d 3 -W 0.5 -p BOTPID -p BOTPID -p SERVERPID
 *
 * The accounts log in once (at most LOGINS_MAX at a time); then a round
 * runs for every load of -k, with every number in flight of -K, -r times
 * (default 1) against every target of -t in turn (lists separated by
 * commas; the targets alternate innermost, so that whatever else the
 * machine does falls on all of them alike).
 *
 * -u is the account's local part, with %d for 1..N (without %d, -n must
 * be 1); every account has the password -w. -k is the load:
 *   mix        start/stop/status 60 % (start and stop alternate per user,
 *              so each is 20 %), report week 25 %, report year 10 %,
 *              export csv month 5 %
 *   status, startstop (start and stop in turns), week, year, export:
 *              that kind alone
 *   heavy      export csv of all time (2000-01-01..9999-12-31) and report
 *              year by day in turns
 *   exportall  export csv of all time alone
 * -K is the commands in flight per user: 1 is sequential (send, wait for
 * the reply, send the next), more is pipelined. A run ends when every user
 * has sent -c commands (0: no bound) or -d seconds have passed after the
 * warm-up of -W seconds (whose commands are not counted), whichever comes
 * first; then the run waits for what is still owed, giving up after -T
 * seconds (default 60) without a message.
 *
 * What counts as the reply: the first chat message with a body that
 * carries the command's <thread/> (every command has its own; timmy and
 * bench/echo copy it into their reply), timed from the send to its
 * arrival. Chat states without a body ("composing") do not count. An
 * export's file may follow as numbered messages "(i/n) NAME\n..." (bot/
 * inline.c), or as one message with its link in the request's thread (HTTP
 * upload): those are parts, counted but not timed. A user whose reply
 * announced a file (timmy's "Export of ...") sends nothing more until the
 * part n/n has come, and a round waits for its files (a client that left
 * early would leave the rest to the server's offline storage). With -F it
 * sends on (timmy makes each export in full, then refuses to send it while
 * the first is on its way) and a round ends with the last reply: for a
 * bot that is stopped right after.
 *
 * Output, one JSON object a line, on stdout: {"kind": "login", ...} (the
 * time from connect to the session's start, per account), then for each
 * round, with its "load", "K", "target" and "rep", one line per kind
 * sent and one for "all": n (replies counted), failed, secs (the measured
 * window), per_s, p50, p95, p99, max (ms), parts; with -E, one more line
 * per kind whose replies announced files, "KIND: whole file", timed from
 * the command's send to the file's last part (not part of "all"); then, for
 * each -p PID and for the client itself, {"kind": "cpu", "pid": PID, "ns":
 * N}: the CPU time that process spent from the end of the warm-up to the
 * last reply (all its threads, /proc/PID/task/TID/schedstat). Exit status 0
 * when every command got its reply, 1 when not (failed > 0, or a login
 * failed), 2 on bad usage.
 *
 * Not part of timmy: built by `make bench-tools`, used by bench/chat.py.
 */
#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <strophe.h>

#define USERS_MAX 500     /* select() in libstrophe: fds below 1024 */
#define INFLIGHT_MAX 64
#define JID_MAX 256
#define PIDS_MAX 8        /* -p */
#define LIST_MAX 8        /* entries of -t, -k, -K */
/* Logins under way at once. Prosody listens with a backlog of 128
 * (net/server_epoll.lua, tcp_backlog): 200 connects at once overflowed
 * it, and the connections the kernel dropped came in seconds later
 * through SYN retries, or timed out (ETIMEDOUT). */
#define LOGINS_MAX 32

enum kind { K_STATUS, K_START, K_STOP, K_WEEK, K_YEAR, K_EXPORT,
            K_EXPORT_ALL, K_YEAR_DAY, NKINDS };

static const char *const kind_name[NKINDS] = {
	"status", "start", "stop", "report week", "report year",
	"export csv month", "export csv all time", "report year by day",
};
/* "All time" as a range timmy takes (DAY..DAY, years 2000 to 9999):
 * every entry, on any date. */
static const char *const kind_body[NKINDS] = {
	"status", "start bench", "stop", "report week", "report year",
	"export csv month", "export csv 2000-01-01..9999-12-31",
	"report year by day",
};

enum load { L_MIX, L_STATUS, L_STARTSTOP, L_WEEK, L_YEAR, L_EXPORT,
            L_HEAVY, L_EXPORT_ALL };

static const char *const load_name[] = {
	"mix", "status", "startstop", "week", "year", "export", "heavy",
	"exportall",
};
#define NLOADS (sizeof(load_name) / sizeof(load_name[0]))

struct pending {
	unsigned seq;
	enum kind kind;
	double sent;           /* monotonic seconds */
	int counted;           /* sent after the warm-up */
};

struct user {
	xmpp_conn_t *conn;
	char jid[JID_MAX];
	int online, dead;
	double connect_at, login_ms;
	unsigned sent;         /* commands sent, warm-up included */
	unsigned seq;
	struct pending q[INFLIGHT_MAX];
	int nq;
	int running;           /* startstop: the next is stop */
	int turn;              /* heavy: which of the two is next */
	int file_wait;         /* an announced file has not fully come */
	unsigned file_seq;     /* the command that announced the last file */
	enum kind file_kind;   /* and its kind, whose parts the file's are */
	double file_sent;      /* and when it was sent */
	int file_counted;      /* and whether it was sent after the warm-up */
	unsigned rng;
};

struct samples {
	double *v;
	size_t n, cap;
	unsigned failed, parts, sent;
};

static struct {
	const char *target;        /* this round's */
	enum load load;
	int inflight;
	char tag[JID_MAX + 64];    /* this round's fields in each line */
	unsigned count;        /* per user; 0: no bound */
	double duration, warmup, timeout;
	double t0, t_measure, t_stop, t_last;
	double t_heard;        /* the last message from the bot */
	int sending;           /* new commands may go out */
	int closing;           /* we log out: disconnects are ours */
	int overlap;           /* -F: send on while a file comes, and
	                          end without waiting for files */
	int time_files;        /* -E: time each file to its last part */
	int nusers;
	struct user *u;
	struct samples s[NKINDS];
	struct samples files[NKINDS];  /* -E: send to a file's last part */
	unsigned stray;
	xmpp_ctx_t *ctx;
	int pids[PIDS_MAX + 1];    /* -p, then ourselves */
	int npids;
	unsigned long long cpu0[PIDS_MAX + 1], cpu1[PIDS_MAX + 1];
	int cpu_taken;             /* cpu0 is read (the warm-up is over) */
} L = { .inflight = 1, .duration = 0, .warmup = 0, .timeout = 60 };

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

static void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "load: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static void
add_sample(struct samples *s, double ms)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		if ((s->v = realloc(s->v, s->cap * sizeof(*s->v))) == NULL)
			die("out of memory");
	}
	s->v[s->n++] = ms;
}

/* xorshift32: a fixed sequence per user, so a mix repeats. */
static unsigned
next_rand(struct user *u)
{
	u->rng ^= u->rng << 13;
	u->rng ^= u->rng >> 17;
	u->rng ^= u->rng << 5;
	return u->rng;
}

/* The kind of u's next command under the load. */
static enum kind
pick(struct user *u)
{
	unsigned r;

	switch (L.load) {
	case L_STATUS: return K_STATUS;
	case L_WEEK: return K_WEEK;
	case L_YEAR: return K_YEAR;
	case L_EXPORT: return K_EXPORT;
	case L_EXPORT_ALL: return K_EXPORT_ALL;
	case L_HEAVY: return (u->turn ^= 1) ? K_EXPORT_ALL : K_YEAR_DAY;
	case L_STARTSTOP: break;
	case L_MIX:
		r = next_rand(u) % 100;
		if (r < 20)
			return K_STATUS;
		if (r < 60)
			break;
		if (r < 85)
			return K_WEEK;
		if (r < 95)
			return K_YEAR;
		return K_EXPORT;
	}
	return (u->running ^= 1) ? K_START : K_STOP;
}

/* Sends u's next command when the load and u's state allow one. */
static void
send_next(struct user *u)
{
	char buf[1024];
	struct pending *p;
	enum kind k;
	double t = now_s();
	int n;

	if (!L.sending || !u->online || u->dead ||
	    (u->file_wait && !L.overlap) ||
	    u->nq >= L.inflight || (L.count && u->sent >= L.count))
		return;
	k = pick(u);
	p = &u->q[u->nq++];
	p->seq = ++u->seq;
	p->kind = k;
	p->sent = t;
	p->counted = t >= L.t_measure;
	u->sent++;
	if (p->counted)
		L.s[k].sent++;
	/* Written by hand: the body is one of ours (no escaping needed),
	 * and building a stanza tree would cost the client more than the
	 * bot's parse. */
	n = snprintf(buf, sizeof(buf), "<message type='chat' to='%s' "
	             "id='b%u'><body>%s</body><thread>c%u</thread></message>",
	             L.target, p->seq, kind_body[k], p->seq);
	xmpp_send_raw(u->conn, buf, (size_t)n);
}

static void
pump(struct user *u)
{
	int before;

	do {
		before = u->nq;
		send_next(u);
	} while (u->nq > before);
}

/* "(i/n) " at the start of body: a part of a file (bot/inline.c). Sets
 * *last when i == n. */
static int
is_part(const char *body, int *last)
{
	unsigned long i, n;
	int len = 0;

	if (sscanf(body, "(%lu/%lu) %n", &i, &n, &len) != 2 || len == 0)
		return 0;
	*last = i == n;
	return 1;
}

static void
got_reply(struct user *u, int slot, const char *body)
{
	struct pending p = u->q[slot];
	double t = now_s();

	memmove(&u->q[slot], &u->q[slot + 1],
	        (size_t)(u->nq - slot - 1) * sizeof(u->q[0]));
	u->nq--;
	if (p.counted) {
		add_sample(&L.s[p.kind], (t - p.sent) * 1000.0);
		L.t_last = t;
	}
	if (strncmp(body, "Export of ", 10) == 0) {
		u->file_wait = 1;
		u->file_seq = p.seq;
		u->file_kind = p.kind;
		u->file_sent = p.sent;
		u->file_counted = p.counted;
	}
}

/* u's announced file has come whole (its last part, or its link). */
static void
got_file(struct user *u)
{
	u->file_wait = 0;
	L.s[u->file_kind].parts++;
	if (L.time_files && u->file_counted)
		add_sample(&L.files[u->file_kind],
		           (now_s() - u->file_sent) * 1000.0);
}

static int
on_message(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
	struct user *u = userdata;
	xmpp_stanza_t *th;
	char *body, *ttext = NULL;
	unsigned seq;
	int i, last, matched = 0;

	(void)conn;
	if ((body = xmpp_message_get_body(stanza)) == NULL)
		return 1;
	L.t_heard = now_s();
	if (is_part(body, &last)) {
		if (last)
			got_file(u);
		else
			L.s[u->file_kind].parts++;
		matched = 1;
	} else if ((th = xmpp_stanza_get_child_by_name(stanza, "thread")) &&
	           (ttext = xmpp_stanza_get_text(th)) != NULL &&
	           sscanf(ttext, "c%u", &seq) == 1) {
		for (i = 0; i < u->nq; i++)
			if (u->q[i].seq == seq) {
				got_reply(u, i, body);
				matched = 1;
				break;
			}
		/* Through HTTP upload the file is one more message in the
		 * request's thread: its link. */
		if (!matched && u->file_wait && seq == u->file_seq) {
			got_file(u);
			matched = 1;
		}
	}
	if (!matched)
		L.stray++;
	if (ttext)
		xmpp_free(L.ctx, ttext);
	xmpp_free(L.ctx, body);
	pump(u);
	return 1;
}

static void
on_conn(xmpp_conn_t *conn, xmpp_conn_event_t status, int error,
        xmpp_stream_error_t *stream_error, void *userdata)
{
	struct user *u = userdata;
	xmpp_stanza_t *pres;

	(void)stream_error;
	if (status == XMPP_CONN_CONNECT) {
		u->online = 1;
		u->login_ms = (now_s() - u->connect_at) * 1000.0;
		if ((pres = xmpp_presence_new(L.ctx)) != NULL) {
			xmpp_send(conn, pres);
			xmpp_stanza_release(pres);
		}
		return;
	}
	if (!u->dead && !L.closing)
		fprintf(stderr, "load: %s disconnected (error %d)\n", u->jid,
		        error);
	u->dead = 1;
	u->online = 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The nearest-rank percentile q (0..100) of sorted v[0..n). */
static double
pct(const double *v, size_t n, double q)
{
	size_t r = (size_t)(q / 100.0 * (double)n + 0.999999);

	if (n == 0)
		return 0;
	return v[r == 0 ? 0 : (r > n ? n - 1 : r - 1)];
}

static void
print_line(const char *name, struct samples *s, double secs)
{
	qsort(s->v, s->n, sizeof(*s->v), cmp_double);
	printf("{%s\"kind\": \"%s\", \"n\": %zu, \"failed\": %u, \"secs\": %.4f, "
	       "\"per_s\": %.1f, \"p50\": %.3f, \"p95\": %.3f, \"p99\": %.3f, "
	       "\"max\": %.3f, \"parts\": %u}\n", L.tag, name, s->n, s->failed, secs,
	       secs > 0 ? (double)s->n / secs : 0.0, pct(s->v, s->n, 50),
	       pct(s->v, s->n, 95), pct(s->v, s->n, 99),
	       s->n ? s->v[s->n - 1] : 0.0, s->parts);
}

/* The login times of every account, as one line. */
static void
report_login(void)
{
	struct samples login = { 0 };
	int i;

	for (i = 0; i < L.nusers; i++)
		if (L.u[i].login_ms > 0)
			add_sample(&login, L.u[i].login_ms);
	print_line("login", &login, 0);
	free(login.v);
}

/* A round's per-kind lines, then "all" (every sample together), then the
 * CPU lines; the samples are dropped for the next round. */
static void
report(void)
{
	struct samples all = { 0 };
	double secs = L.t_last > L.t_measure ? L.t_last - L.t_measure : 0;
	int k, i;
	size_t j;

	for (k = 0; k < NKINDS; k++) {
		struct samples *s = &L.s[k];

		if (s->sent == 0 && s->parts == 0)
			continue;
		for (j = 0; j < s->n; j++)
			add_sample(&all, s->v[j]);
		all.failed += s->failed;
		all.parts += s->parts;
		print_line(kind_name[k], s, secs);
	}
	print_line("all", &all, secs);
	for (k = 0; k < NKINDS; k++) {
		char name[64];

		if (L.files[k].n == 0)
			continue;
		snprintf(name, sizeof(name), "%s: whole file", kind_name[k]);
		print_line(name, &L.files[k], secs);
	}
	for (i = 0; L.cpu_taken && i < L.npids; i++)
		printf("{%s\"kind\": \"cpu\", \"pid\": %d, \"ns\": %llu}\n",
		       L.tag, L.pids[i], L.cpu1[i] - L.cpu0[i]);
	if (L.stray)
		fprintf(stderr, "load: %u messages matched no command\n",
		        L.stray);
	free(all.v);
	for (k = 0; k < NKINDS; k++) {
		free(L.s[k].v);
		free(L.files[k].v);
	}
	memset(L.s, 0, sizeof(L.s));
	memset(L.files, 0, sizeof(L.files));
	L.stray = 0;
	L.cpu_taken = 0;
	fflush(stdout);
}

static void
usage(void)
{
	fprintf(stderr, "usage: load -t TARGET -u USER[%%d] -w PASSWORD [-n N] "
	        "[-H HOST] [-P PORT] [-C CAFILE] [-k LOAD] [-K INFLIGHT] "
	        "[-c COUNT] [-d SECS] [-W SECS] [-T SECS] [-D DOMAIN] "
	        "[-p PID]... [-F] [-E] [-r REPS]\n");
	exit(2);
}

static enum load
parse_load(const char *s)
{
	size_t i;

	for (i = 0; i < NLOADS; i++)
		if (strcmp(s, load_name[i]) == 0)
			return (enum load)i;
	usage();
	return L_MIX;
}

/* TCP_NODELAY on every account's socket: a command written while the
 * previous one is unacknowledged would otherwise wait for the server's
 * delayed ACK (up to 40 ms), and the client's own latency would swamp the
 * bot's. */
static int
no_delay(xmpp_conn_t *conn, void *sock)
{
	int fd = *(int *)sock, on = 1;

	(void)conn;
	return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
}

/* The local part of account i: fmt with its "%d" (if any) replaced by
 * i. Not through printf: fmt comes from the command line. */
static void
account(char *buf, size_t n, const char *fmt, int i)
{
	const char *d = strstr(fmt, "%d");
	int r;

	if (d == NULL)
		r = snprintf(buf, n, "%s", fmt);
	else
		r = snprintf(buf, n, "%.*s%d%s", (int)(d - fmt), fmt, i, d + 2);
	if (r < 0 || (size_t)r >= n)
		die("account name too long: %s", fmt);
}

/* Starts user i's login. */
static void
connect_one(int i, const char *fmt, const char *domain, const char *pass,
            const char *host, unsigned short port, const char *cafile)
{
	char local[JID_MAX];
	struct user *u = &L.u[i];

	account(local, sizeof(local), fmt, i + 1);
	if (snprintf(u->jid, sizeof(u->jid), "%s@%s/load", local,
	             domain) >= (int)sizeof(u->jid))
		die("JID too long: %s@%s", local, domain);
	u->rng = 2463534242u ^ (unsigned)(i + 1) * 2654435761u;
	if ((u->conn = xmpp_conn_new(L.ctx)) == NULL)
		die("out of memory");
	xmpp_conn_set_jid(u->conn, u->jid);
	xmpp_conn_set_pass(u->conn, pass);
	/* Stream management would ack every stanza: the client's
	 * side of the load stays as cheap as it can. */
	xmpp_conn_set_flags(u->conn, XMPP_CONN_FLAG_MANDATORY_TLS |
	                    XMPP_CONN_FLAG_DISABLE_SM);
	if (cafile)
		xmpp_conn_set_cafile(u->conn, cafile);
	xmpp_conn_set_sockopt_callback(u->conn, no_delay);
	xmpp_handler_add(u->conn, on_message, NULL, "message", NULL, u);
	u->connect_at = now_s();
	if (xmpp_connect_client(u->conn, host, port, on_conn, u) !=
	    XMPP_EOK)
		die("cannot connect %s", u->jid);
}

/* Connects every user, at most LOGINS_MAX logins under way at once;
 * returns when all are online (or dies). */
static void
connect_all(const char *fmt, const char *domain, const char *pass,
            const char *host, unsigned short port, const char *cafile)
{
	int i, up, next = 0;
	double deadline;

	if ((L.u = calloc((size_t)L.nusers, sizeof(*L.u))) == NULL)
		die("out of memory");
	deadline = now_s() + 60;
	for (;;) {
		for (i = up = 0; i < next; i++) {
			if (L.u[i].dead)
				die("%s could not log in", L.u[i].jid);
			up += L.u[i].online;
		}
		if (up == L.nusers)
			return;
		while (next < L.nusers && next - up < LOGINS_MAX)
			connect_one(next++, fmt, domain, pass, host, port,
			            cafile);
		if (now_s() > deadline)
			die("%d of %d accounts online after 60 s", up, L.nusers);
		xmpp_run_once(L.ctx, 5);
	}
}

/* CPU time of every thread of pid so far, in ns, from
 * /proc/PID/task/TID/schedstat (exact, where stat's utime and stime count
 * 10 ms ticks); 0 when unreadable. */
static unsigned long long
cpu_ns(int pid)
{
	char path[64];
	unsigned long long sum = 0, ns;
	struct dirent *e;
	FILE *f;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	if ((d = opendir(path)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.16s/schedstat",
		         pid, e->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		if (fscanf(f, "%llu", &ns) == 1)
			sum += ns;
		fclose(f);
	}
	closedir(d);
	return sum;
}

static void
take_cpu(unsigned long long *v)
{
	int i;

	for (i = 0; i < L.npids; i++)
		v[i] = cpu_ns(L.pids[i]);
}

/* Sends and receives until the run's bound, then until everything owed
 * has come, giving up when nothing has come for the timeout. Returns how
 * many commands got no reply. */
static unsigned
run(void)
{
	unsigned failed = 0;
	int i, j, busy;
	double t;

	L.t0 = now_s();
	L.t_measure = L.t0 + L.warmup;
	L.t_stop = L.duration > 0 ? L.t_measure + L.duration : 0;
	L.t_last = L.t_heard = L.t_measure;
	L.sending = 1;
	for (i = 0; i < L.nusers; i++)
		pump(&L.u[i]);
	for (;;) {
		t = now_s();
		if (!L.cpu_taken && t >= L.t_measure) {
			take_cpu(L.cpu0);
			L.cpu_taken = 1;
		}
		if (L.sending && L.t_stop > 0 && t >= L.t_stop)
			L.sending = 0;
		for (i = busy = 0; i < L.nusers; i++) {
			struct user *u = &L.u[i];

			busy += !u->dead && (u->nq > 0 ||
			        (u->file_wait && !L.overlap) ||
			        (L.sending && (!L.count || u->sent < L.count)));
		}
		if (!busy || t > L.t_heard + L.timeout)
			break;
		xmpp_run_once(L.ctx, 2);
	}
	take_cpu(L.cpu1);
	for (i = 0; i < L.nusers; i++)
		for (j = 0; j < L.u[i].nq; j++) {
			if (L.u[i].q[j].counted)
				L.s[L.u[i].q[j].kind].failed++;
			failed++;
		}
	return failed;
}

/* Splits a comma-separated list (modified in place) into v; returns the
 * count, or dies when there are too many. */
static int
split(char *list, char **v)
{
	char *save = NULL, *w;
	int n = 0;

	for (w = strtok_r(list, ",", &save); w != NULL;
	     w = strtok_r(NULL, ",", &save)) {
		if (n == LIST_MAX)
			die("more than %d in %s", LIST_MAX, list);
		v[n++] = w;
	}
	return n;
}

/* One round: load k with inflight f against target t, repetition r. */
static unsigned
one_round(const char *k, const char *f, const char *t, int r)
{
	unsigned failed;
	int i;

	L.load = parse_load(k);
	L.inflight = atoi(f);
	L.target = t;
	if (L.inflight < 1 || L.inflight > INFLIGHT_MAX ||
	    strchr(L.target, '\'') != NULL)
		usage();
	snprintf(L.tag, sizeof(L.tag), "\"load\": \"%s\", \"K\": %d, "
	         "\"target\": \"%s\", \"rep\": %d, ", k, L.inflight, L.target,
	         r);
	failed = run();
	report();
	/* What a failed round left owed belongs to no later one. */
	for (i = 0; i < L.nusers; i++)
		L.u[i].nq = L.u[i].file_wait = 0;
	return failed;
}

/* Every round: each load of loads, with each of inflights, reps times
 * against each of targets in turn. Returns the commands that got no
 * reply. */
static unsigned
rounds(char *targets, char *loads, char *inflights, int reps)
{
	char *t[LIST_MAX], *k[LIST_MAX], *f[LIST_MAX];
	int nt = split(targets, t), nk = split(loads, k),
	    nf = split(inflights, f), a, b, c, r;
	unsigned failed = 0;

	for (a = 0; a < nk; a++)
		for (b = 0; b < nf; b++)
			for (r = 0; r < reps; r++)
				for (c = 0; c < nt; c++)
					failed += one_round(k[a], f[b], t[c], r);
	return failed;
}

int
main(int argc, char **argv)
{
	const char *user = NULL, *pass = NULL, *host = NULL, *cafile = NULL;
	const char *domain = "localhost";
	char *targets = NULL, *loads = "mix", *inflights = "1";
	int reps = 1;
	unsigned short port = 0;
	unsigned failed;
	int c, i;

	L.nusers = 1;
	while ((c = getopt(argc, argv, "t:u:n:w:H:P:C:k:K:c:d:W:T:D:p:FEr:")) != -1)
		switch (c) {
		case 't': targets = optarg; break;
		case 'u': user = optarg; break;
		case 'n': L.nusers = atoi(optarg); break;
		case 'w': pass = optarg; break;
		case 'H': host = optarg; break;
		case 'P': port = (unsigned short)strtoul(optarg, NULL, 10); break;
		case 'C': cafile = optarg; break;
		case 'k': loads = optarg; break;
		case 'K': inflights = optarg; break;
		case 'c': L.count = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'd': L.duration = atof(optarg); break;
		case 'W': L.warmup = atof(optarg); break;
		case 'T': L.timeout = atof(optarg); break;
		case 'D': domain = optarg; break;
		case 'F': L.overlap = 1; break;
		case 'E': L.time_files = 1; break;
		case 'r': reps = atoi(optarg); break;
		case 'p':
			if (L.npids == PIDS_MAX)
				usage();
			L.pids[L.npids++] = atoi(optarg);
			break;
		default: usage();
		}
	if (targets == NULL || user == NULL || pass == NULL || reps < 1 ||
	    L.nusers < 1 || L.nusers > USERS_MAX ||
	    (strstr(user, "%d") == NULL && L.nusers != 1))
		usage();
	L.pids[L.npids++] = (int)getpid();
	signal(SIGPIPE, SIG_IGN);
	xmpp_initialize();
	if ((L.ctx = xmpp_ctx_new(NULL, NULL)) == NULL)
		die("cannot set up libstrophe");
	connect_all(user, domain, pass, host, port, cafile);
	report_login();
	failed = L.count == 0 && L.duration <= 0 ? 0 :
	         rounds(targets, loads, inflights, reps);
	L.closing = 1;
	for (i = 0; i < L.nusers; i++)
		if (xmpp_conn_is_connected(L.u[i].conn))
			xmpp_disconnect(L.u[i].conn);
	for (c = 0; c < 100; c++) {
		int open = 0;

		for (i = 0; i < L.nusers; i++)
			open += !xmpp_conn_is_disconnected(L.u[i].conn);
		if (!open)
			break;
		xmpp_run_once(L.ctx, 10);
	}
	for (i = 0; i < L.nusers; i++)
		xmpp_conn_release(L.u[i].conn);
	xmpp_ctx_free(L.ctx);
	xmpp_shutdown();
	return failed ? 1 : 0;
}
