/*
 * bot/jobs.h - commands that go on in slices (cmd_ctx.job of
 * commands/cmd.h: a long export), run from libstrophe's event loop
 * between stanzas, so that one user's export of a large history never
 * keeps the others waiting for more than one slice (JOBS_SLICE_US).
 *
 * Private to bot/. bot/message.c hands a job over with everything its
 * answer needs (jobs_add); bot/session.c's loop runs one slice of one
 * job each turn (jobs_poll), the jobs taking turns, and a finished one
 * is answered exactly as a command that ran at once is answered (the
 * reply, the file through upload.h, the XEP-0184 receipt). The session
 * makes the list and drops what is under way at a disconnect and at
 * shutdown.
 */
#ifndef TIMMY_JOBS_H
#define TIMMY_JOBS_H

#include <stdbool.h>
#include <strophe.h>

#include "../commands/cmd.h"

struct bot;
struct jobs;

/* How long one slice may run, at most (plus one step of JOBS_STEP
 * entries): other users' messages wait at most this behind an export. */
#define JOBS_SLICE_US 1000

/* Entries one step of a slice reads and writes between looks at the
 * clock: some 0.1-0.3 ms (release build). */
#define JOBS_STEP 32

/* Jobs under way at once, all users: each holds a snapshot (a read-only
 * database connection) and a file of up to CMD_FILE_MAX bytes. */
#define JOBS_MAX 4

/*
 * How a job is answered: done gets, once, what the command would have
 * answered at once (its reply, its file, file->present when it made
 * one, and its status), or a refusal to go on with it (CMD_REFUSED, the
 * reply saying why); drop then frees arg, as it does when the job is
 * dropped unanswered.
 */
struct jobs_answer {
	void (*done)(struct bot *b, void *arg, struct text *reply,
	             struct cmd_file *file, enum cmd_status rc);
	void (*drop)(void *arg);
	void *arg;
};

/* An empty list; NULL when out of memory (logged). */
struct jobs *jobs_new(void);

/* Drops every job (logged) and frees js; NULL is fine. */
void jobs_free(struct jobs *js);

/*
 * Takes job (owned from now on) of the user bare, who asked from the
 * full JID from in thread (XEP-0201; NULL: none; copied): its answer
 * will carry the chat state state (static; NULL: none), and be followed
 * by receipt (owned; NULL: none). tail is what follows the job's own
 * reply (copied), a refusal's too (jobs_add_answer).
 */
void jobs_add(struct bot *b, struct cmd_job *job, const char *from,
              const char *bare, xmpp_stanza_t *thread, const char *state,
              xmpp_stanza_t *receipt, const struct text *tail);

/*
 * Takes job (owned from now on) of the user bare, who asked from the
 * full JID from, to be answered through *a (copied; a->arg is owned from
 * now on). A user with a job under way, or too many jobs in all
 * (JOBS_MAX), gets a refusal at once instead.
 */
void jobs_add_answer(struct bot *b, struct cmd_job *job, const char *from,
                     const char *bare, const struct jobs_answer *a);

/*
 * One slice of the job whose turn it is (at most JOBS_SLICE_US), which
 * is answered when it is done. Returns true while jobs remain: the
 * caller's loop should then turn again without sleeping.
 */
bool jobs_poll(struct bot *b);

/* At a disconnect: drops every job (logged); the users ask again. */
void jobs_offline(struct bot *b);

#endif
