/*
 * tests/unit/store_fixture.h - what the storage tests share: a temp
 * directory, a store in memory or in a file, entries and the callbacks
 * that collect what the store passes. Written against storage/store.h
 * (and store_test.h) alone.
 *
 * Included once by each of tests/unit/test_store.c, test_sqlite.c and
 * test_team_digest.c, after cmocka.h; a test file uses some of these
 * helpers, not all.
 */
#ifndef TIMMY_STORE_FIXTURE_H
#define TIMMY_STORE_FIXTURE_H

#include "../../storage/store.h"
#include "../../storage/store_test.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"

#define ALICE "alice@example.org"
#define BOB "bob@example.org"
#define CAROL "carol@example.org"

static char tmpdir[] = "/tmp/timmy-test-store-XXXXXX";

/* The path of file name in the temp directory, in buf. */
static void tmp_path(char *buf, size_t bufsz, const char *name)
{
	int n = snprintf(buf, bufsz, "%s/%s", tmpdir, name);

	assert_true(n > 0 && (size_t)n < bufsz);
}

static int make_tmpdir(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

/* Removes the temp directory and the files the tests left in it. */
static int remove_tmpdir(void **state)
{
	char path[512];
	struct dirent *d;
	DIR *dir;

	(void)state;
	if ((dir = opendir(tmpdir)) == NULL)
		return -1;
	while ((d = readdir(dir)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", tmpdir, d->d_name);
		unlink(path);
	}
	closedir(dir);
	return rmdir(tmpdir);
}

/*
 * Whether the tests of open_memory run on PostgreSQL: $TIMMY_TEST_PG
 * names a database (libpq's connection string).
 */
static bool on_postgresql(void)
{
	return getenv("TIMMY_TEST_PG") != NULL;
}

/* A new, empty SQLite database in memory, whatever on_postgresql says. */
static int open_sqlite_memory(void **state)
{
	struct store_where w = { STORE_SQLITE, ":memory:", NULL };
	char err[512];
	store *st = NULL;

	if (store_connect(&w, false, &st, err, sizeof err) != STORE_OK) {
		fprintf(stderr, "store_connect: %s\n", err);
		return -1;
	}
	*state = st;
	return 0;
}

/*
 * A new, empty database: in memory, or, on PostgreSQL (on_postgresql),
 * that database emptied: the same tests on the second engine.
 */
static int open_memory(void **state)
{
	struct store_where w = { STORE_POSTGRESQL, NULL, NULL };
	char err[512];
	store *st = NULL;

	if (!on_postgresql())
		return open_sqlite_memory(state);
	w.path = getenv("TIMMY_TEST_PG");
	if (store_connect(&w, false, &st, err, sizeof err) != STORE_OK) {
		fprintf(stderr, "store_connect: %s\n", err);
		return -1;
	}
	if (store_test_empty(st) != STORE_OK) {
		fprintf(stderr, "store_test_empty: %s\n", store_errmsg(st));
		store_close(st);
		return -1;
	}
	*state = st;
	return 0;
}

static int close_store(void **state)
{
	store_close(*state);
	return 0;
}

/* Opens path in the temp directory; fails the test otherwise. */
static store *open_file(const char *name)
{
	char path[512], err[512];
	store *st = NULL;
	store_rc rc;

	tmp_path(path, sizeof path, name);
	rc = store_open(path, &st, err, sizeof err);
	if (rc != STORE_OK)
		fail_msg("store_open %s: %s", path, err);
	return st;
}

/* An entry of project from start to stop (0: running), no tags, no note. */
static struct store_entry entry(const char *project, int64_t start,
                                int64_t stop)
{
	struct store_entry e;

	memset(&e, 0, sizeof e);
	snprintf(e.project, sizeof e.project, "%s", project);
	e.start = start;
	e.stop = stop;
	return e;
}

static void add_tag(struct store_entry *e, const char *tag)
{
	assert_true(e->ntags < STORE_TAGS_MAX);
	snprintf(e->tags[e->ntags], sizeof e->tags[0], "%s", tag);
	e->ntags++;
}

/* Inserts e for owner and expects rc. */
static void insert(store *st, const char *owner, struct store_entry e,
                   store_rc rc)
{
	store_rc got = store_insert(st, owner, &e, NULL);

	if (got != rc)
		fail_msg("insert %s: got %d, want %d (%s)", e.project, got,
		         rc, store_errmsg(st));
}

static int64_t count(store *st, const char *owner)
{
	int64_t n = -1;

	assert_int_equal(store_count(st, owner, &n), STORE_OK);
	return n;
}

/* What store_totals reported, in order. */
struct totals {
	int n;
	char project[8][STORE_PROJECT_MAX + 1];
	int64_t secs[8];
};

static void collect(const char *project, int64_t secs, void *arg)
{
	struct totals *t = arg;

	if (t->n < 8) {
		snprintf(t->project[t->n], sizeof t->project[0], "%s", project);
		t->secs[t->n] = secs;
	}
	t->n++;
}

static struct totals totals(store *st, const char *owner, int64_t from,
                            int64_t to, int64_t now)
{
	struct totals t;

	memset(&t, 0, sizeof t);
	assert_int_equal(store_totals(st, owner, from, to, now, collect, &t),
	                 STORE_OK);
	assert_true(t.n <= 8);
	return t;
}

static int64_t total(store *st, const char *owner, int64_t from, int64_t to,
                     int64_t now)
{
	int64_t secs = -1;

	assert_int_equal(store_total(st, owner, from, to, now, &secs),
	                 STORE_OK);
	return secs;
}

#define H 3600 /* an hour, in seconds */

/* Inserts e for owner and returns the number it got. */
static int64_t add(store *st, const char *owner, struct store_entry e)
{
	store_rc rc = store_insert_entry(st, owner, &e);

	if (rc != STORE_OK)
		fail_msg("insert %s: got %d (%s)", e.project, rc,
		         store_errmsg(st));
	assert_true(e.id > 0);
	return e.seq;
}

/* Entry #seq of owner, which must exist. */
static struct store_entry get(store *st, const char *owner, int64_t seq)
{
	struct store_entry e;
	store_rc rc = store_get(st, owner, seq, &e);

	if (rc != STORE_OK)
		fail_msg("get #%" PRId64 ": got %d (%s)", seq, rc,
		         store_errmsg(st));
	return e;
}

/* a and b alike in every field, tags in order. */
static void assert_entry_equal(const struct store_entry *a,
                               const struct store_entry *b)
{
	int i;

	assert_int_equal(a->id, b->id);
	assert_int_equal(a->seq, b->seq);
	assert_string_equal(a->project, b->project);
	assert_string_equal(a->note, b->note);
	assert_int_equal(a->start, b->start);
	assert_int_equal(a->stop, b->stop);
	assert_int_equal(a->ntags, b->ntags);
	for (i = 0; i < a->ntags; i++)
		assert_string_equal(a->tags[i], b->tags[i]);
	assert_int_equal(a->nbreaks, b->nbreaks);
	for (i = 0; i < a->nbreaks; i++) {
		assert_int_equal(a->breaks[i].start, b->breaks[i].start);
		assert_int_equal(a->breaks[i].stop, b->breaks[i].stop);
	}
}

/* What store_list passed, in order. */
struct listing {
	int n;
	int64_t seq[16];
	int64_t start[16];
	int ntags[16];
};

static void collect_entry(const struct store_entry *e, void *arg)
{
	struct listing *l = arg;

	if (l->n < 16) {
		l->seq[l->n] = e->seq;
		l->start[l->n] = e->start;
		l->ntags[l->n] = e->ntags;
	}
	l->n++;
}

static struct listing list(store *st, const char *owner, int64_t from,
                           int64_t to, int64_t now, size_t limit,
                           int64_t *total)
{
	struct listing l;

	memset(&l, 0, sizeof l);
	if (store_list(st, owner, from, to, now, limit, collect_entry, &l,
	               total) != STORE_OK)
		fail_msg("list: %s", store_errmsg(st));
	assert_true(l.n <= 16);
	return l;
}

static struct totals names(store *st, const char *owner, int tags,
                           int64_t from, int64_t to, int64_t now)
{
	struct totals t;

	memset(&t, 0, sizeof t);
	assert_int_equal((tags ? store_tags : store_projects)(st, owner, from,
	                 to, now, collect, &t), STORE_OK);
	assert_true(t.n <= 8);
	return t;
}

/*
 * Whether the last error of st is a refusal by the constraint of the kind
 * SQLite calls sqlite_word ("UNIQUE", "CHECK"): PostgreSQL says "unique
 * constraint", "check constraint".
 */
static bool refused_by(store *st, const char *sqlite_word)
{
	const char *msg = store_errmsg(st);

	if (!on_postgresql())
		return strstr(msg, sqlite_word) != NULL;
	if (strcmp(sqlite_word, "UNIQUE") == 0)
		return strstr(msg, "unique constraint") != NULL;
	if (strcmp(sqlite_word, "CHECK") == 0)
		return strstr(msg, "check constraint") != NULL;
	return false;
}

/* Opens a change step for owner labelled label at time 1000. */
static void change(store *st, const char *owner, const char *label)
{
	if (store_begin_change(st, owner, label, 1000) != STORE_OK)
		fail_msg("begin_change: %s", store_errmsg(st));
}

static void commit(store *st)
{
	if (store_commit(st) != STORE_OK)
		fail_msg("commit: %s", store_errmsg(st));
}

/* Undoes owner's latest step, which must be labelled want. */
static void undo(store *st, const char *owner, const char *want)
{
	char label[STORE_LABEL_MAX + 1] = "";
	int64_t at = -1;
	store_rc rc = store_undo(st, owner, label, sizeof label, &at);

	if (rc != STORE_OK)
		fail_msg("undo %s: got %d (%s)", want, rc, store_errmsg(st));
	assert_string_equal(label, want);
	assert_int_equal(at, 1000);
}

#define DAY (24 * H)

#define D0 (20000 * DAY) /* a UTC midnight */

/* An entry of project with one or two tags (NULL: none). */
static struct store_entry tagged(const char *project, int64_t start,
                                 int64_t stop, const char *tag1,
                                 const char *tag2)
{
	struct store_entry e = entry(project, start, stop);

	if (tag1 != NULL)
		add_tag(&e, tag1);
	if (tag2 != NULL)
		add_tag(&e, tag2);
	return e;
}

/* What store_list_filtered passed, in order. */
struct export {
	int n;
	char owner[16][64];
	int64_t seq[16];
	int64_t start[16];
	int ntags[16];
};

static void collect_export(const char *owner, const struct store_entry *e,
                           void *arg)
{
	struct export *x = arg;

	if (x->n < 16) {
		snprintf(x->owner[x->n], sizeof x->owner[0], "%s", owner);
		x->seq[x->n] = e->seq;
		x->start[x->n] = e->start;
		x->ntags[x->n] = e->ntags;
	}
	x->n++;
}

static struct export list_filtered(store *st, const char *owner,
                                   int64_t from, int64_t to, int64_t now,
                                   const struct store_filter *f,
                                   size_t limit, int64_t *total)
{
	struct export x;

	memset(&x, 0, sizeof x);
	if (store_list_filtered(st, owner, from, to, now, f, limit,
	                        collect_export, &x, total) != STORE_OK)
		fail_msg("list_filtered: %s", store_errmsg(st));
	assert_true(x.n <= 16);
	return x;
}

/* What store_active passed, in order. */
struct active {
	int n;
	char owner[8][64];
	int64_t secs[8];
	int running[8];
};

static void collect_active(const char *owner, int64_t secs, int running,
                           void *arg)
{
	struct active *a = arg;

	if (a->n < 8) {
		snprintf(a->owner[a->n], sizeof a->owner[0], "%s", owner);
		a->secs[a->n] = secs;
		a->running[a->n] = running;
	}
	a->n++;
}

static struct active active(store *st, int64_t from, int64_t to,
                            int64_t now, size_t limit, int64_t *total)
{
	struct active a;

	memset(&a, 0, sizeof a);
	if (store_active(st, from, to, now, limit, collect_active, &a,
	                 total) != STORE_OK)
		fail_msg("active: %s", store_errmsg(st));
	assert_true(a.n <= 8);
	return a;
}

/* What store_report passed, in order (the first REPORT_ROWS rows). */
#define REPORT_ROWS 40

struct report {
	int n;
	int bucket[REPORT_ROWS];
	char key[REPORT_ROWS][STORE_PROJECT_MAX + 1];
	int64_t secs[REPORT_ROWS];
};

static void collect_report(int bucket, const char *key, int64_t secs,
                           void *arg)
{
	struct report *r = arg;

	if (r->n < REPORT_ROWS) {
		r->bucket[r->n] = bucket;
		snprintf(r->key[r->n], sizeof r->key[0], "%s", key);
		r->secs[r->n] = secs;
	}
	r->n++;
}

static struct report report(store *st, const char *owner,
                            const int64_t *bounds, int nbounds, int64_t now,
                            enum store_group by, const struct store_filter *f)
{
	struct report r;

	memset(&r, 0, sizeof r);
	if (store_report(st, owner, bounds, nbounds, now, by, f,
	                 collect_report, &r) != STORE_OK)
		fail_msg("report: %s", store_errmsg(st));
	assert_true(r.n <= REPORT_ROWS);
	return r;
}

/* Row i of r is (bucket, key, secs). */
static void assert_row(const struct report *r, int i, int bucket,
                       const char *key, int64_t secs)
{
	assert_true(i < r->n);
	if (r->bucket[i] != bucket || strcmp(r->key[i], key) != 0 ||
	    r->secs[i] != secs)
		fail_msg("row %d: got (%d, \"%s\", %" PRId64 "), want (%d, "
		         "\"%s\", %" PRId64 ")", i, r->bucket[i], r->key[i],
		         r->secs[i], bucket, key, secs);
}

/* Whether the file name exists in the temp directory. */
static int exists(const char *name)
{
	char path[512];

	tmp_path(path, sizeof path, name);
	return access(path, F_OK) == 0;
}

/* Expects store_open_readonly on name to fail saying want. */
static void refused_readonly(const char *name, const char *want)
{
	char path[512], err[512] = "";
	store *st = NULL;

	tmp_path(path, sizeof path, name);
	assert_int_equal(store_open_readonly(path, &st, err, sizeof err),
	                 STORE_ERR);
	assert_null(st);
	if (strstr(err, want) == NULL || strstr(err, path) == NULL)
		fail_msg("%s: got \"%s\", want \"%s\"", name, err, want);
}

/* Adds alice's entries #1 to #3 (#3 runs) and bob's #1 to st. */
static void add_three(store *st)
{
	add(st, ALICE, tagged("acme", D0 + H, D0 + 2 * H, "client", NULL));
	add(st, ALICE, entry("beta", D0 + 3 * H, D0 + 5 * H));
	add(st, ALICE, entry("runs", D0 + 6 * H, 0));
	add(st, BOB, entry("bob", D0 + H, D0 + 9 * H));
}

#pragma GCC diagnostic pop

#endif
