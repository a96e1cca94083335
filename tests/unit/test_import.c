/*
 * tests/unit/test_import.c - timmy import's readers on golden inputs
 * (tests/unit/golden/import-*: a Timewarrior data file, Watson's frames
 * and state; export.csv and export.json, timmy's own exports) and the
 * transaction that adds them (commands/import_apply.c) on a store in
 * memory, or on $TIMMY_TEST_PG.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../commands/export.h"
#include "../../commands/import_int.h"
#include "cmd_fixture.h"
#include "golden.h"

#define ALICE "alice@example.org"
/* 2026-11-25 14:00 UTC: the moment of the golden exports. */
#define NOW 1795615200
/* 2025-11-02 09:00 UTC. */
#define NOV2 1762074000

static int
setup(void **state)
{
	struct cmd_fixture *f = calloc(1, sizeof(*f));

	if (f == NULL || cmd_fixture_open(f, ALICE) != 0)
		return -1;
	f->ctx.now = NOW;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct cmd_fixture *f = *state;
	int rc = cmd_fixture_close(f);

	free(f);
	return rc;
}

/* The golden file name read into a new plan as f. */
static struct import_plan *
plan_of(enum import_format f, const char *name)
{
	struct import_plan *p = import_plan_new();
	char *buf = golden(name);

	assert_non_null(p);
	assert_int_equal(import_read(p, f, name, buf, strlen(buf)), 0);
	free(buf);
	return p;
}

/* Applies p for ALICE in zone; the report in out (caller frees). */
static struct import_result
apply(struct cmd_fixture *f, enum import_format fmt, struct import_plan *p,
      bool dry_run, const char *zone, struct text *out)
{
	struct import_result r;

	text_init(out, GOLDEN_MAX);
	/* The caller's transaction, as bot/cli_import.c and the import
	 * command run it: committed, or rolled back for a dry run. */
	assert_int_equal(store_begin(f->st), STORE_OK);
	assert_int_equal(import_apply(f->st, ALICE, NOW, zone, fmt, p, dry_run,
	                              out, NULL, &r), STORE_OK);
	if (dry_run)
		store_rollback(f->st);
	else
		assert_int_equal(store_change_commit(f->st, ALICE, NULL),
		                 STORE_OK);
	return r;
}

static int64_t
count(struct cmd_fixture *f)
{
	int64_t n = -1;

	assert_int_equal(store_count(f->st, ALICE, &n), STORE_OK);
	return n;
}

static bool
has(const struct text *t, const char *s)
{
	if (strstr(text_str(t), s) != NULL)
		return true;
	print_message("no \"%s\" in:\n%s\n", s, text_str(t));
	return false;
}

static void
import_time__reads_iso_with_offset_and_timewarrior_basic(void **state)
{
	int64_t t;

	(void)state;
	assert_int_equal(import_time("2025-11-02T10:00:00+01:00", 25, &t), 0);
	assert_int_equal(t, NOV2);
	assert_int_equal(import_time("2025-11-02T09:00:00Z", 20, &t), 0);
	assert_int_equal(t, NOV2);
	assert_int_equal(import_time("2025-11-02T04:30:00-04:30", 25, &t), 0);
	assert_int_equal(t, NOV2);
	assert_int_equal(import_time("20251102T090000Z", 16, &t), 0);
	assert_int_equal(t, NOV2);
	assert_int_equal(import_time("2025-02-29T09:00:00Z", 20, &t), -1);
	assert_int_equal(import_time("20251102T090000", 15, &t), -1);
	assert_int_equal(import_time("2025-11-02T09:00:00+1:00", 24, &t), -1);
	assert_int_equal(import_time("2025-11-02 09:00:00Z", 20, &t), -1);
}

static void
import_timew__golden__quoted_tags_annotation_open_interval(void **state)
{
	struct import_plan *p = plan_of(IMPORT_TIMEWARRIOR, "import-timew.data");
	const struct store_entry *e;

	(void)state;
	/* Lines 1, 2, 5, 6, 8 are intervals; 3 and 7 cannot be read. */
	assert_int_equal(p->nitems, 5);
	e = &p->items[0].e;
	assert_string_equal(e->project, "acme");
	assert_int_equal(e->ntags, 3);
	assert_string_equal(e->tags[0], "back\\slash");
	assert_string_equal(e->tags[1], "say-\"hi\"");
	assert_string_equal(e->tags[2], "two-words");
	assert_int_equal(e->start, NOV2);
	assert_int_equal(e->stop, NOV2 + 5400);
	assert_string_equal(p->items[0].where, "import-timew.data:1");
	e = &p->items[1].e;
	assert_string_equal(e->project, "solo");
	assert_string_equal(e->note, "note with \"quotes\" and # hash");
	assert_string_equal(p->items[2].e.project, "untagged");
	assert_string_equal(p->items[2].e.note, "only an annotation");
	assert_string_equal(p->items[4].e.project, "still running");
	assert_int_equal(p->items[4].e.stop, 0);
	assert_int_equal(p->nskips, 2);
	assert_string_equal(text_str(&p->skips),
	        "skipped import-timew.data:3: not an interval of "
	        "Timewarrior's (inc START - END # tags)\n"
	        "skipped import-timew.data:7: its tags cannot be read\n");
	import_plan_free(p);
}

static void
import_timew__apply__skips_backwards_and_unreadable__runs_open(void **state)
{
	struct cmd_fixture *f = *state;
	struct import_plan *p = plan_of(IMPORT_TIMEWARRIOR, "import-timew.data");
	struct import_result r;
	struct store_entry run;
	struct text out;

	r = apply(f, IMPORT_TIMEWARRIOR, p, false, "UTC", &out);
	assert_int_equal(r.added, 4);
	assert_int_equal(r.skipped, 3);
	assert_true(has(&out, "skipped import-timew.data:6: it ends before it "
	                      "starts"));
	assert_true(has(&out, "skipped import-timew.data:3: not an interval"));
	assert_true(has(&out, "Imported 4 entries from timewarrior, skipped 3."));
	assert_int_equal(store_running(f->st, ALICE, &run), STORE_OK);
	assert_string_equal(run.project, "still running");
	text_free(&out);
	import_plan_free(p);
}

static void
import_watson__frames_and_state__running_frame_from_state(void **state)
{
	struct cmd_fixture *f = *state;
	struct import_plan *p = plan_of(IMPORT_WATSON, "import-watson-frames.json");
	char *st = golden("import-watson-state.json");
	struct store_entry e;
	struct import_result r;
	struct text out;

	assert_int_equal(import_read(p, IMPORT_WATSON, "state", st, strlen(st)),
	                 0);
	free(st);
	assert_int_equal(p->nitems, 4);
	assert_string_equal(p->items[0].e.tags[1], "two-words");
	assert_string_equal(text_str(&p->skips),
	        "skipped import-watson-frames.json: frame 4: not a frame of "
	        "Watson's ([start, stop, project, id, tags, ...])\n");
	r = apply(f, IMPORT_WATSON, p, false, "UTC", &out);
	assert_int_equal(r.added, 3);
	assert_int_equal(r.skipped, 2);
	assert_true(has(&out, "skipped import-watson-frames.json: frame 3: it "
	                      "ends before it starts"));
	assert_int_equal(store_running(f->st, ALICE, &e), STORE_OK);
	assert_string_equal(e.project, "acme");
	assert_string_equal(e.tags[0], "ops");
	assert_int_equal(e.start, 1762502400);
	assert_int_equal(store_get(f->st, ALICE, 1, &e), STORE_OK);
	assert_int_equal(e.start, NOV2);
	assert_int_equal(e.stop, NOV2 + 5400);
	text_free(&out);
	import_plan_free(p);
}

/* Appends one entry to the writer (a store_list_filtered callback). */
static void
export_row(const char *owner, const struct store_entry *e, void *arg)
{
	export_entry(arg, owner, e);
}

/* ALICE's entries exported as f in Berlin at NOW, the id column (the
 * first field of each line) left out and the lines sorted, into out. */
static char *
export_without_ids(struct cmd_fixture *fx, enum export_format f)
{
	struct export_writer *w;
	struct text out;
	char *copy, *line, *save, **lines, *res;
	size_t n = 0, i, len;

	text_init(&out, GOLDEN_MAX);
	w = export_begin(f, "Europe/Berlin", NOW, false, NULL, &out);
	assert_non_null(w);
	assert_int_equal(store_list_filtered(fx->st, ALICE, INT64_MIN / 4,
	                                     INT64_MAX / 4, NOW, NULL, 0,
	                                     export_row, w, NULL), STORE_OK);
	assert_int_equal(export_end(w), 0);
	copy = strdup(text_str(&out));
	lines = calloc(out.len + 1, sizeof(*lines));
	len = out.len;
	text_free(&out);
	assert_non_null(copy);
	assert_non_null(lines);
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save))
		lines[n++] = line;
	res = calloc(1, len + 1);
	assert_non_null(res);
	for (i = 0; i < n; i++) {
		char *cut = strstr(lines[i], "\"id\":");
		const char *rest = lines[i];

		if (cut != NULL)
			rest = strchr(cut, ',');
		else if (f == EXPORT_CSV && strchr(lines[i], ',') != NULL &&
		         lines[i][0] >= '0' && lines[i][0] <= '9')
			rest = strchr(lines[i], ',');
		strcat(res, rest != NULL ? rest : lines[i]);
		strcat(res, "\n");
	}
	free(lines);
	free(copy);
	return res;
}

static void
import_json__export_then_import__is_the_identity_ids_aside(void **state)
{
	struct cmd_fixture *f = *state, *g;
	struct import_plan *p = plan_of(IMPORT_JSON, "export.json");
	struct import_result r;
	struct text out;
	char *want_src = golden("export.json"), *got, *want;

	r = apply(f, IMPORT_JSON, p, false, "UTC", &out);
	assert_int_equal(r.added, 10);
	assert_int_equal(r.skipped, 0);
	got = export_without_ids(f, EXPORT_JSON);
	/* The golden file, loaded in a second store the same way, but
	 * compared as the export writes it: in the order of start. */
	g = calloc(1, sizeof(*g));
	assert_non_null(g);
	assert_int_equal(cmd_fixture_open_sqlite(g, ALICE), 0);
	import_plan_free(p);
	p = plan_of(IMPORT_JSON, "export.json");
	text_free(&out);
	apply(g, IMPORT_JSON, p, false, "UTC", &out);
	want = export_without_ids(g, EXPORT_JSON);
	assert_string_equal(got, want);
	/* And every line of the golden file is there, ids aside. */
	{
		char *line, *save;

		for (line = strtok_r(want_src, "\n", &save); line != NULL;
		     line = strtok_r(NULL, "\n", &save)) {
			char *id = strstr(line, "\"id\":");
			size_t n = strlen(line);

			/* The comma between two entries goes with the
			 * order. */
			if (n > 0 && line[n - 1] == ',')
				line[n - 1] = '\0';
			if (id != NULL && strstr(got, strchr(id, ',')) == NULL)
				fail_msg("lost: %s", line);
		}
	}
	cmd_fixture_close(g);
	free(g);
	free(got);
	free(want);
	free(want_src);
	text_free(&out);
	import_plan_free(p);
}

static void
import_csv__export_then_import__is_the_identity_ids_aside(void **state)
{
	struct cmd_fixture *f = *state;
	struct import_plan *p = plan_of(IMPORT_CSV, "export.csv");
	struct import_result r;
	struct text out;
	char *src = golden("export.csv"), *got, *line, *save;
	size_t lines = 0;

	assert_int_equal(p->nskips, 0);
	assert_string_equal(p->items[9].e.project, "-dash");
	assert_string_equal(p->items[9].e.tags[0], "-x");
	assert_string_equal(p->items[9].e.note, "=1+2");
	r = apply(f, IMPORT_CSV, p, false, "UTC", &out);
	assert_int_equal(r.added, 10);
	got = export_without_ids(f, EXPORT_CSV);
	/* Every row of the golden file comes back, ids aside, but for the
	 * paused running entry (#9): the CSV keeps no place of its open
	 * break, which counted up to the moment of the export: at NOW it
	 * has run 1h 40m, all of it work now. */
	for (line = strtok_r(src, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *rest = strchr(line, ',');

		lines++;
		if (strncmp(line, "9,", 2) == 0 || strncmp(line, "id,", 3) == 0 ||
		    rest == NULL || strstr(line, "+01:00,") == NULL)
			continue; /* #9; the header; a note's inner lines */
		if (strstr(got, rest) == NULL)
			fail_msg("lost: %s\nin:\n%s", line, got);
	}
	assert_true(lines > 10);
	assert_true(strstr(got, ",2026-11-25T13:20:00+01:00,,6000,1.67,0") !=
	            NULL);
	free(got);
	free(src);
	text_free(&out);
	import_plan_free(p);
}

static void
import__twice__adds_nothing_the_second_time(void **state)
{
	struct cmd_fixture *f = *state;
	struct import_plan *p = plan_of(IMPORT_CSV, "export.csv");
	struct import_result r;
	struct text out;

	apply(f, IMPORT_CSV, p, false, "UTC", &out);
	text_free(&out);
	import_plan_free(p);
	p = plan_of(IMPORT_CSV, "export.csv");
	r = apply(f, IMPORT_CSV, p, false, "UTC", &out);
	assert_int_equal(r.added, 0);
	assert_int_equal(r.skipped, 10);
	assert_int_equal(count(f), 10);
	assert_true(has(&out, "export.csv:12: already there: #"));
	text_free(&out);
	import_plan_free(p);
}

static void
import__overlap__skipped_naming_the_entry(void **state)
{
	struct cmd_fixture *f = *state;
	struct import_plan *p = plan_of(IMPORT_WATSON,
	                                "import-watson-frames.json");
	struct store_entry e;
	struct import_result r;
	struct text out;

	memset(&e, 0, sizeof(e));
	strcpy(e.project, "other");
	e.start = NOV2 + 3600; /* inside frame 1 */
	e.stop = NOV2 + 7200;
	assert_int_equal(store_insert_entry(f->st, ALICE, &e), STORE_OK);
	r = apply(f, IMPORT_WATSON, p, false, "UTC", &out);
	assert_int_equal(r.added, 1);
	assert_true(has(&out, "skipped import-watson-frames.json: frame 1: it "
	                      "overlaps #1 other"));
	text_free(&out);
	import_plan_free(p);
}

static void
import__dry_run__reports_the_plan_and_changes_nothing(void **state)
{
	struct cmd_fixture *f = *state;
	struct import_plan *p = plan_of(IMPORT_TIMEWARRIOR, "import-timew.data");
	struct import_result r;
	struct text out;

	r = apply(f, IMPORT_TIMEWARRIOR, p, true, "UTC", &out);
	assert_int_equal(r.added, 4);
	assert_int_equal(count(f), 0);
	assert_true(has(&out, "would add #1 acme +back\\slash"));
	assert_true(has(&out, "Would import 4 entries from timewarrior, "
	                      "skipped 3. Nothing was changed (dry run)."));
	assert_int_equal(store_running(f->st, ALICE, NULL), STORE_NOTFOUND);
	text_free(&out);
	import_plan_free(p);
}

static void
import__running__becomes_timer_only_when_none_runs(void **state)
{
	struct cmd_fixture *f = *state;
	struct import_plan *p = plan_of(IMPORT_TIMEWARRIOR, "import-timew.data");
	struct store_entry e, run;
	struct import_result r;
	struct text out;

	memset(&e, 0, sizeof(e));
	strcpy(e.project, "mine");
	e.start = NOW - 600;
	assert_int_equal(store_insert_entry(f->st, ALICE, &e), STORE_OK);
	r = apply(f, IMPORT_TIMEWARRIOR, p, false, "UTC", &out);
	assert_int_equal(r.added, 3);
	assert_true(has(&out, "import-timew.data:8: it runs, and a timer runs "
	                      "already: #1 mine"));
	assert_int_equal(store_running(f->st, ALICE, &run), STORE_OK);
	assert_string_equal(run.project, "mine");
	text_free(&out);
	import_plan_free(p);
}

static void
import__undo__takes_the_whole_import_back(void **state)
{
	struct cmd_fixture *f = *state;
	struct import_plan *p = plan_of(IMPORT_JSON, "export.json");
	struct text out;

	apply(f, IMPORT_JSON, p, false, "UTC", &out);
	assert_int_equal(count(f), 10);
	assert_int_equal(cmd_exec(&f->ctx, "undo", &f->reply), CMD_OK);
	assert_true(has(&f->reply, "import json"));
	assert_int_equal(count(f), 0);
	text_free(&out);
	import_plan_free(p);
}

static void
import__another_users_rows__skipped(void **state)
{
	struct cmd_fixture *f = *state;
	struct import_plan *p = import_plan_new();
	const char csv[] =
		"owner,id,project,tags,note,start,stop,duration_seconds,"
		"duration_hours,breaks_seconds\r\n"
		"alice@example.org,1,acme,,,2025-11-02T09:00:00+00:00,"
		"2025-11-02T10:00:00+00:00,3600,1.00,0\r\n"
		"bob@example.org,1,globex,,,2025-11-02T09:00:00+00:00,"
		"2025-11-02T10:00:00+00:00,3600,1.00,0\r\n";
	struct import_result r;
	struct text out;

	assert_int_equal(import_read(p, IMPORT_CSV, "all.csv", csv,
	                             sizeof(csv) - 1), 0);
	r = apply(f, IMPORT_CSV, p, false, "UTC", &out);
	assert_int_equal(r.added, 1);
	assert_true(has(&out, "skipped all.csv:3: it is another user's entry"));
	text_free(&out);
	import_plan_free(p);
}

static void
import__malformed_inputs__name_file_and_line(void **state)
{
	struct import_plan *p = import_plan_new();
	const char csv[] =
		"id,project,tags,note,start,stop\n"
		"1,acme,,\"a note\non two lines\",2025-11-02T09:00:00Z,"
		"2025-11-02T10:00:00Z\n"
		"2,acme,,,yesterday,2025-11-02T10:00:00Z\n";
	const char json[] = "[\n{\"project\": \"x\",\n";
	const char notcsv[] = "hello,world\n";

	(void)state;
	assert_int_equal(import_read(p, IMPORT_CSV, "a.csv", csv,
	                             sizeof(csv) - 1), 0);
	assert_int_equal(import_read(p, IMPORT_JSON, "b.json", json,
	                             sizeof(json) - 1), 0);
	assert_int_equal(import_read(p, IMPORT_CSV, "c.csv", notcsv,
	                             sizeof(notcsv) - 1), 0);
	assert_int_equal(p->nitems, 1);
	assert_string_equal(p->items[0].e.note, "a note\non two lines");
	assert_int_equal(p->nskips, 3);
	assert_non_null(strstr(text_str(&p->skips),
	                       "skipped a.csv:4: not a row of timmy's CSV export\n"));
	assert_non_null(strstr(text_str(&p->skips), "skipped b.json:"));
	assert_non_null(strstr(text_str(&p->skips), "skipped c.csv: not a CSV export"));
	import_plan_free(p);
}

static void
import_format_parse__names_any_case(void **state)
{
	static const struct {
		const char *word;
		int rc;
		enum import_format f;
	} cases[] = {
		{ "TimeWarrior", 0, IMPORT_TIMEWARRIOR },
		{ "timew", 0, IMPORT_TIMEWARRIOR },
		{ "Watson", 0, IMPORT_WATSON },
		{ "csv", 0, IMPORT_CSV },
		{ "JSON", 0, IMPORT_JSON },
		{ "toggl", -1, IMPORT_CSV },
	};
	enum import_format f;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		f = IMPORT_CSV;
		assert_int_equal(import_format_parse(cases[i].word, &f),
		                 cases[i].rc);
		assert_int_equal(f, cases[i].f);
	}
	assert_string_equal(import_format_name(IMPORT_WATSON), "watson");
}

/* Each golden input is told from what it holds, with or without a byte
 * order mark or a name; what is none of them is not taken for one. */
static void
import_format_guess__tells_each_format_from_its_content(void **state)
{
	static const struct {
		const char *golden;
		enum import_format f;
	} files[] = {
		{ "import-timew.data", IMPORT_TIMEWARRIOR },
		{ "import-watson-frames.json", IMPORT_WATSON },
		{ "import-watson-state.json", IMPORT_WATSON },
		{ "export.csv", IMPORT_CSV },
		{ "export-owner.csv", IMPORT_CSV },
		{ "export.json", IMPORT_JSON },
		{ "export-owner.json", IMPORT_JSON },
	};
	static const struct {
		const char *buf, *name;
		int rc;
		enum import_format f;
	} cases[] = {
		{ "\xef\xbb\xbfinc 20251102T090000Z - 20251102T100000Z # a\n",
		  NULL, 0, IMPORT_TIMEWARRIOR },
		{ "\n\n  [\n]\n", "timmy-this-month.json", 0, IMPORT_JSON },
		{ "[]", "frames", 0, IMPORT_WATSON },
		{ "[]", NULL, 0, IMPORT_WATSON },
		{ "{}", "state", 0, IMPORT_WATSON },
		{ "project,start\r\nacme,2025-11-02T09:00:00Z\r\n", "x.txt", 0,
		  IMPORT_CSV },
		/* A name never makes a format of what is none. */
		{ "hello, world\n", "export.csv", -1, IMPORT_CSV },
		{ "{\"a\": 1}", "state", -1, IMPORT_CSV },
		{ "{\"project\": \"acme\"", NULL, -1, IMPORT_CSV },
		{ "[1, 2]", "frames", -1, IMPORT_CSV },
		{ "include 2025\n", "2025-11.data", -1, IMPORT_CSV },
		{ "", "2025-11.data", -1, IMPORT_CSV },
		{ " \r\n\t", NULL, -1, IMPORT_CSV },
		{ "\x89PNG\r\n\x1a\n", "a.png", -1, IMPORT_CSV },
	};
	enum import_format f;
	size_t i;
	char *buf;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		buf = golden(files[i].golden);
		f = (enum import_format)-1;
		assert_int_equal(import_format_guess(buf, strlen(buf), NULL, &f),
		                 0);
		assert_int_equal(f, files[i].f);
		free(buf);
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		f = IMPORT_CSV;
		assert_int_equal(import_format_guess(cases[i].buf,
		                                     strlen(cases[i].buf),
		                                     cases[i].name, &f),
		                 cases[i].rc);
		assert_int_equal(f, cases[i].f);
	}
}

/* A message's key, as bot/ makes one (STORE_MSG_KEY_LEN hex digits). */
static const char *
key_of(char c)
{
	static char key[STORE_MSG_KEY_LEN + 1];

	memset(key, c, STORE_MSG_KEY_LEN);
	key[STORE_MSG_KEY_LEN] = '\0';
	return key;
}

/* The import command with a file: one reply that says what came in and
 * what did not; the same message again imports nothing and gets the
 * first reply; the same file in a new message adds nothing; undo takes
 * the whole import back. */
static void
cmd_import__file__imports_once_per_message_and_undo_takes_it_back(
	void **state)
{
	struct cmd_fixture *f = *state;
	char *buf = golden("import-timew.data");
	struct cmd_input in = { "2025-11.data", buf, strlen(buf) };
	char first[CMD_REPLY_MAX + 1];
	int64_t n;

	f->ctx.input = &in;
	f->ctx.msg_key = key_of('a');
	assert_int_equal(cmd_exec(&f->ctx, "import", &f->reply), CMD_OK);
	assert_true(has(&f->reply, "Imported "));
	assert_true(has(&f->reply, " from timewarrior (file 2025-11.data); "
	                           "skipped "));
	assert_true(has(&f->reply, "skipped 2025-11.data:3: "));
	assert_true(has(&f->reply, "\"undo\" takes the whole import back."));
	n = count(f);
	assert_true(n > 0);
	snprintf(first, sizeof(first), "%s", text_str(&f->reply));

	/* Delivered again (a stream resumed): the first reply, no change. */
	assert_int_equal(cmd_exec(&f->ctx, "import", &f->reply), CMD_OK);
	assert_string_equal(text_str(&f->reply), first);
	assert_int_equal(count(f), n);

	/* The same file in another message: all there already. */
	f->ctx.msg_key = key_of('b');
	assert_int_equal(cmd_exec(&f->ctx, "import", &f->reply), CMD_OK);
	assert_true(has(&f->reply, "Nothing was imported from timewarrior"));
	assert_true(has(&f->reply, "already there"));
	assert_int_equal(count(f), n);

	f->ctx.input = NULL;
	f->ctx.msg_key = key_of('c');
	assert_int_equal(cmd_exec(&f->ctx, "undo", &f->reply), CMD_OK);
	assert_true(has(&f->reply, "import timewarrior"));
	assert_int_equal(count(f), 0);
	free(buf);
}

/* Without a file, import says how to send one; a file of no format is
 * refused naming the formats; neither changes anything. */
static void
cmd_import__no_file_or_unknown_format__says_why_and_changes_nothing(
	void **state)
{
	struct cmd_fixture *f = *state;
	static const char junk[] = "just some text\nand more\n";
	static const char words[] = "inc nothing of the kind\nnor this\n";
	struct cmd_input in = { "notes.txt", junk, sizeof(junk) - 1 };

	f->ctx.input = NULL;
	assert_int_equal(cmd_exec(&f->ctx, " IMPORT ", &f->reply),
	                 CMD_REFUSED);
	assert_true(has(&f->reply, "upload button"));
	assert_true(has(&f->reply, "Timewarrior"));
	assert_true(has(&f->reply, "timmy import"));

	f->ctx.input = &in;
	assert_int_equal(cmd_exec(&f->ctx, "import", &f->reply), CMD_REFUSED);
	assert_true(has(&f->reply, "I cannot import notes.txt"));
	assert_true(has(&f->reply, "Watson"));

	/* Looks like Timewarrior, but not one interval can be read. */
	in.name = "2025-11.data";
	in.buf = words;
	in.len = sizeof(words) - 1;
	assert_int_equal(cmd_exec(&f->ctx, "import", &f->reply), CMD_REFUSED);
	assert_true(has(&f->reply, "Nothing was imported from timewarrior "
	                           "(file 2025-11.data); skipped 2:"));
	assert_false(has(&f->reply, "undo"));
	assert_int_equal(count(f), 0);

	assert_int_equal(cmd_exec(&f->ctx, "help import", &f->reply), CMD_OK);
	assert_true(has(&f->reply, "upload button"));
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			import_time__reads_iso_with_offset_and_timewarrior_basic),
		cmocka_unit_test(
			import_timew__golden__quoted_tags_annotation_open_interval),
		T(import_timew__apply__skips_backwards_and_unreadable__runs_open),
		T(import_watson__frames_and_state__running_frame_from_state),
		T(import_json__export_then_import__is_the_identity_ids_aside),
		T(import_csv__export_then_import__is_the_identity_ids_aside),
		T(import__twice__adds_nothing_the_second_time),
		T(import__overlap__skipped_naming_the_entry),
		T(import__dry_run__reports_the_plan_and_changes_nothing),
		T(import__running__becomes_timer_only_when_none_runs),
		T(import__undo__takes_the_whole_import_back),
		T(import__another_users_rows__skipped),
		cmocka_unit_test(import__malformed_inputs__name_file_and_line),
		cmocka_unit_test(import_format_parse__names_any_case),
		cmocka_unit_test(
			import_format_guess__tells_each_format_from_its_content),
		T(cmd_import__file__imports_once_per_message_and_undo_takes_it_back),
		T(cmd_import__no_file_or_unknown_format__says_why_and_changes_nothing),
	};

	return cmocka_run_group_tests_name("import", tests, NULL, NULL);
}
