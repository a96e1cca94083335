/*
 * bot/jobs.c - commands that go on in slices, run from the event loop
 * (jobs.h). Part of bot/: commands/ does the work of each slice
 * (cmd_job_step); here are the clock that bounds a slice, the turns, and
 * the answer.
 *
 * Why on the event loop and not a thread: the bot is single-threaded,
 * and so is everything a job touches after its start (the writer, the
 * delivery queue, libstrophe). A job reads from a snapshot of its own
 * (a read-only connection, commands/export_job.h), so the only thing it
 * needs from the loop is time: bot/session.c's loop calls jobs_poll
 * after each turn of xmpp_run_once, and while jobs remain it turns
 * without sleeping (a timeout of 0: libstrophe then only polls the
 * socket). A turn is then one slice of at most JOBS_SLICE_US plus the
 * stanzas that arrived meanwhile, each answered before the next slice.
 * (Not a timed handler of period 0: libstrophe 0.12 leaves a handler
 * that just fired out of the wait it computes, so the loop would sleep
 * its full timeout between slices.)
 *
 * Measured (release build, a loaded 2-core machine, 1,000,000 entries,
 * "export json" and "export csv" of them all: 100,000 written, the rest
 * counted): 98 % of slices took under 1.25 ms of CPU, the longest
 * 3.3 ms; another user's status sent over and over meanwhile was
 * answered in 2.3-3.6 ms at the median, where it waited for the whole
 * export before (0.36-0.50 s); and the export itself took no longer
 * (0.27-0.45 s against 0.36-0.50 s).
 *
 * What happens to a job:
 *  - the same user's other commands run meanwhile, between slices, as
 *    anyone's; what they change is not in the file (the snapshot is of
 *    when the export ran, as if it had answered at once);
 *  - the same user's next export, while one is under way, is refused
 *    (one file per user on its way, as bot/delivery.c has it), and costs
 *    what an export costs of the rate limit;
 *  - a disconnect drops every job (logged), as it drops the deliveries:
 *    the full JID that asked may be gone, and the user was sent nothing
 *    yet, not even the receipt, so they ask again;
 *  - a reload of bot.yaml (SIGHUP) changes nothing of a job, which holds
 *    copies of all it needs; a user taken out of access.allow meanwhile
 *    gets nothing;
 *  - shutdown drops them like a disconnect.
 * An export is a read: it records no message key, so a message that
 * arrives twice (stream management) runs twice, as any read does; the
 * second, while the first is under way, is refused.
 */
#include "jobs.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "handlers.h"
#include "log.h"
#include "ratelimit.h"

/* One job under way, and how it is answered. Owns every pointer, and
 * answer.arg (answer.drop frees it). */
struct job {
	struct job *next;
	struct cmd_job *cj;
	char *to;               /* the full JID that asked */
	char *owner;            /* its bare JID */
	struct jobs_answer answer;
};

struct jobs {
	struct job *head;       /* the next to run a slice */
	size_t n;
};

/* A chat message's answer (jobs_add), as bot/message.c gives it. */
struct chat {
	char *to;               /* the full JID that asked */
	char *owner;            /* its bare JID */
	xmpp_stanza_t *thread;  /* a copy of the <thread/>, or NULL */
	const char *state;      /* static chat state for the reply, or NULL */
	xmpp_stanza_t *receipt; /* XEP-0184, sent after the reply; or NULL */
	struct text tail;       /* what follows the job's own reply */
};

/* Microseconds on CLOCK_MONOTONIC: slices are a few milliseconds. */
static int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

struct jobs *
jobs_new(void)
{
	struct jobs *js = calloc(1, sizeof(*js));

	if (js == NULL)
		log_error("jobs: out of memory");
	return js;
}

static void
job_free(struct job *j)
{
	cmd_job_free(j->cj);
	j->answer.drop(j->answer.arg);
	free(j->to);
	free(j->owner);
	free(j);
}

/* Drops every job of js, saying so in the log. */
static void
drop_all(struct jobs *js, const char *why)
{
	struct job *j;

	while ((j = js->head) != NULL) {
		js->head = j->next;
		log_warn("dropped the export for %s before it was done: %s",
		         j->to, why);
		job_free(j);
	}
	js->n = 0;
}

void
jobs_free(struct jobs *js)
{
	if (js == NULL)
		return;
	drop_all(js, "shutting down");
	free(js);
}

/* Answers the finished job j: its reply, status rc, file. */
static void
answer(struct bot *b, struct job *j, struct text *reply,
       struct cmd_file *file, enum cmd_status rc)
{
	/* Taken out of access.allow while it ran: nothing more for them. */
	if (!cfg_allowed(b->cfg, j->owner)) {
		log_info("dropped the export for %s: no longer in access.allow",
		         j->owner);
		return;
	}
	if (rc == CMD_FAILED)
		log_error("command from %s failed: %s", j->owner,
		          store_errmsg(b->st));
	j->answer.done(b, j->answer.arg, reply, file, rc);
}

#ifdef TIMMY_TEST_HOOKS
/*
 * Test builds: no job moves on while the file named by
 * TIMMY_TEST_HOLD_JOBS exists, so that a test can act while an export is
 * under way (another user's status, a change, a disconnect, a reload, a
 * stop) without racing the 100 ms the export takes: whether a message
 * sent after it reached the bot in time depended on how the server and
 * the client were scheduled. One access(2) a turn.
 */
static bool
jobs_held(void)
{
	const char *path = getenv("TIMMY_TEST_HOLD_JOBS");

	return path != NULL && *path != '\0' && access(path, F_OK) == 0;
}
#else
static bool
jobs_held(void)
{
	return false;
}
#endif

bool
jobs_poll(struct bot *b)
{
	struct jobs *js = b->jobs;
	struct job *j, **end;
	enum cmd_status rc = CMD_FAILED;
	struct cmd_file file;
	struct text reply;
	int64_t until;
	bool more;

	if (js == NULL || (j = js->head) == NULL)
		return false;
	/* Held: the loop sleeps as when idle, and looks again. */
	if (jobs_held())
		return false;
	until = mono_us() + JOBS_SLICE_US;
	js->head = j->next;
	j->next = NULL;
	text_init(&reply, CMD_REPLY_MAX);
	cmd_file_init(&file);
	do
		more = cmd_job_step(j->cj, JOBS_STEP, &reply, &file, &rc);
	while (more && mono_us() < until);
	if (more) {
		/* To the back: the jobs take turns. */
		for (end = &js->head; *end != NULL; end = &(*end)->next)
			;
		*end = j;
	} else {
		js->n--;
		answer(b, j, &reply, &file, rc);
		job_free(j);
	}
	cmd_file_free(&file);
	text_free(&reply);
	return js->head != NULL;
}

/* The refusal of a job for bare, or NULL when it may go on. */
static const char *
refusal(const struct jobs *js, const char *bare)
{
	const struct job *j;

	for (j = js->head; j != NULL; j = j->next)
		if (strcasecmp(j->owner, bare) == 0)
			return "Your last export is still being prepared; ask "
			       "again when it is done.";
	if (js->n >= JOBS_MAX)
		return "I am preparing too many exports right now; ask again "
		       "in a minute.";
	return NULL;
}

void
jobs_add_answer(struct bot *b, struct cmd_job *job, const char *from,
                const char *bare, const struct jobs_answer *a)
{
	struct jobs *js = b->jobs;
	const char *why = refusal(js, bare);
	struct job *j, **end;
	struct cmd_file none;
	struct text out;

	if (why != NULL) {
		/* Answered and charged as an export's refusal is
		 * (bot/message.c's message_admit_file). */
		cmd_job_free(job);
		log_info("refused an export for %s: %s", bare, why);
		if (b->rl != NULL)
			rl_charge(b->rl, bare, mono_ms(), RL_EXPORT_COST - 1);
		text_init(&out, CMD_REPLY_MAX);
		cmd_file_init(&none);
		text_printf(&out, "%s", why);
		a->done(b, a->arg, &out, &none, CMD_REFUSED);
		a->drop(a->arg);
		text_free(&out);
		return;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->to = strdup(from)) == NULL || (j->owner = strdup(bare)) == NULL) {
		log_error("cannot go on with the export for %s: out of memory",
		          from);
		if (j != NULL) {
			free(j->to);
			free(j);
		}
		cmd_job_free(job);
		a->drop(a->arg);
		return;
	}
	j->cj = job;
	j->answer = *a;
	for (end = &js->head; *end != NULL; end = &(*end)->next)
		;
	*end = j;
	js->n++;
	log_info("the export for %s goes on in slices", from);
}

/* struct chat's answer: the reply, what followed it, the file, then the
 * receipt. */
static void
chat_done(struct bot *b, void *arg, struct text *reply,
          struct cmd_file *file, enum cmd_status rc)
{
	struct chat *c = arg;

	(void)rc;
	text_printf(reply, "%s", text_str(&c->tail));
	message_answer(b, c->to, c->owner, c->thread, file, reply, c->state);
	if (c->receipt != NULL)
		xmpp_send(b->conn, c->receipt);
}

static void
chat_drop(void *arg)
{
	struct chat *c = arg;

	if (c == NULL)
		return;
	free(c->to);
	free(c->owner);
	if (c->thread != NULL)
		xmpp_stanza_release(c->thread);
	if (c->receipt != NULL)
		xmpp_stanza_release(c->receipt);
	text_free(&c->tail);
	free(c);
}

void
jobs_add(struct bot *b, struct cmd_job *job, const char *from,
         const char *bare, xmpp_stanza_t *thread, const char *state,
         xmpp_stanza_t *receipt, const struct text *tail)
{
	struct jobs_answer a = { chat_done, chat_drop, NULL };
	struct chat *c = calloc(1, sizeof(*c));

	if (c != NULL) {
		c->receipt = receipt;
		c->state = state;
		text_init(&c->tail, CMD_REPLY_MAX);
	} else if (receipt != NULL) {
		xmpp_stanza_release(receipt);
	}
	if (c == NULL || (c->to = strdup(from)) == NULL ||
	    (c->owner = strdup(bare)) == NULL ||
	    (thread != NULL && (c->thread = xmpp_stanza_copy(thread)) == NULL)) {
		log_error("cannot go on with the export for %s: out of memory",
		          from);
		chat_drop(c);
		cmd_job_free(job);
		return;
	}
	text_printf(&c->tail, "%s", text_str(tail));
	a.arg = c;
	jobs_add_answer(b, job, from, bare, &a);
}

void
jobs_offline(struct bot *b)
{
	if (b->jobs == NULL)
		return;
	drop_all(b->jobs, "disconnected");
}
