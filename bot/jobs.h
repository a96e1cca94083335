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

/* An empty list; NULL when out of memory (logged). */
struct jobs *jobs_new(void);

/* Drops every job (logged) and frees js; NULL is fine. */
void jobs_free(struct jobs *js);

/*
 * Takes job (owned from now on) of the user bare, who asked from the
 * full JID from in thread (XEP-0201; NULL: none; copied): its answer
 * will carry the chat state state (static; NULL: none), and be followed
 * by receipt (owned; NULL: none). tail is what follows the job's own
 * reply (copied). A user with a job under way, or too many jobs in all
 * (JOBS_MAX), gets a refusal at once instead, and job is freed.
 */
void jobs_add(struct bot *b, struct cmd_job *job, const char *from,
              const char *bare, xmpp_stanza_t *thread, const char *state,
              xmpp_stanza_t *receipt, const struct text *tail);

/*
 * One slice of the job whose turn it is (at most JOBS_SLICE_US), which
 * is answered when it is done. Returns true while jobs remain: the
 * caller's loop should then turn again without sleeping.
 */
bool jobs_poll(struct bot *b);

/* At a disconnect: drops every job (logged); the users ask again. */
void jobs_offline(struct bot *b);

#endif
