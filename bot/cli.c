/*
 * bot/cli.c - timmy export and timmy report: the database read directly
 * (read-only, so the daemon may keep running), output to stdout or a file.
 *
 * Every command line is read by one parser (cli_parse, on getopt_long):
 * export's, report's, the -c of run (cli_config), check's (cli_check.c),
 * migrate's (cli_migrate.c) and backup's (cli_backup.c). Options may come in any order and the
 * last of a repeated one wins (run and check take -c once); an option's
 * value is the word after it (or after '='), whatever it looks like.
 *
 * The export streams: the writer's buffer is flushed to the output every
 * few kilobytes, so memory stays flat however many entries there are.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../commands/billing.h"
#include "../commands/cmd.h"
#include "../commands/export.h"
#include "../commands/prefs.h"
#include "../commands/timeparse.h"
#include "../lib/replace.h"
#include "../lib/tz.h"
#include "../storage/store.h"
#include "clock.h"
#include "cli_int.h"
#include "config.h"

#define FLUSH_AT 65536

static void
usage_export(void)
{
	fprintf(stderr, "usage: timmy export -c FILE [--user JID] [--from DAY] "
	                "[--to DAY]\n"
	                "                    [--format csv|json|ical] [-o OUT]\n"
	                "       timmy export -c FILE --user JID --format html "
	                "[RANGE ...] [-o OUT]\n"
	                "DAY is YYYY-MM-DD (also today, yesterday, mon); both "
	                "days are included.\n"
	                "Without --user, every user's entries (with an owner "
	                "column).\n"
	                "html: the user's report as a page for a browser; RANGE "
	                "as in chat\n"
	                "(default this month): week, last month, "
	                "2026-11-01..2026-11-30, ...\n");
}

static void
usage_report(void)
{
	fprintf(stderr, "usage: timmy report -c FILE --user JID [RANGE ...]\n"
	                "RANGE as in chat: today, week, last month, "
	                "2026-11-01..2026-11-15, ...\n");
}

static const struct option export_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "user", required_argument, NULL, OPT_USER },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "output", required_argument, NULL, 'o' },
	{ NULL, 0, NULL, 0 },
};

/* The options of a command that takes -c alone (run, backup). */
const struct option cli_config_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ NULL, 0, NULL, 0 },
};

static const struct option report_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "user", required_argument, NULL, OPT_USER },
	{ NULL, 0, NULL, 0 },
};

/* "-" returns the other words in order (as option 1), whatever
 * POSIXLY_CORRECT says; ":" tells a missing value from an unknown
 * option. */
static const struct cli_spec export_spec = {
	"export", "-:c:o:", export_options, "missing value after",
	usage_export, false, false,
};

static const struct cli_spec report_spec = {
	"report", "-:c:", report_options, "unexpected argument", usage_report,
	false, false,
};

/* Says that word is wrong (why: "unexpected argument", ...), with the
 * usage. Returns 2, the exit code. */
static int
bad_word(const struct cli_spec *spec, const char *why, const char *word)
{
	fprintf(stderr, "timmy%s%s: %s \"%s\"\n", spec->name ? " " : "",
	        spec->name ? spec->name : "", why, word);
	spec->usage();
	return 2;
}

int
cli_parse(const struct cli_spec *spec, int argc, char **argv,
          struct cli_args *a)
{
	const char *word;
	int ch, at;

	opterr = 0;
	optind = 1;
	for (;;) {
		at = optind;
		ch = getopt_long(argc, argv, spec->shortopts, spec->longopts,
		                 NULL);
		/* The word getopt_long just read: it steps past a word once
		 * done with it, and stays on one for an unknown letter inside
		 * a group ("-xy"). */
		word = optind > at ? argv[optind - 1] : argv[at];

		switch (ch) {
		case -1:
			/* Having read "--", which ends the options for
			 * getopt_long and is nothing to us. */
			if (optind > at)
				return bad_word(spec, "unexpected argument", argv[at]);
			return 0;
		case 1:
			/* "-" too: the command says what it makes of it. */
			if (spec->operand && a->operand == NULL) {
				a->operand = optarg;
				break;
			}
			if (a->words == NULL || optarg[0] == '-')
				return bad_word(spec, "unexpected argument", optarg);
			text_printf(a->words, " %s", optarg);
			break;
		case 'c':
			if (spec->once && a->config != NULL)
				return bad_word(spec, "unexpected argument", argv[at]);
			a->config = optarg;
			break;
		case 'o':
			a->output = optarg;
			break;
		case OPT_USER:
			a->user = optarg;
			break;
		case OPT_FROM:
			a->from = optarg;
			break;
		case OPT_TO:
			a->to = optarg;
			break;
		case OPT_FORMAT:
			a->format = optarg;
			break;
		case OPT_REPAIR:
			a->repair = true;
			break;
		case OPT_DRY_RUN:
			a->dry_run = true;
			break;
		case OPT_QUICK:
			a->quick = true;
			break;
		case OPT_TO_PASSWORD_FILE:
			a->to_password_file = optarg;
			break;
		case ':':
			return bad_word(spec, spec->missing, word);
		default:
			return bad_word(spec, "unexpected argument", word);
		}
	}
}

int
cli_config(int argc, char **argv, void (*usage)(void), const char **file)
{
	const struct cli_spec spec = {
		NULL, "-:c:", cli_config_options, "unexpected argument",
		usage, true, false,
	};
	struct cli_args a = { 0 };

	if (cli_parse(&spec, argc, argv, &a) != 0)
		return 2;
	*file = a.config;
	return 0;
}

struct cfg *
cli_config_load(const char *file)
{
	struct text errs;
	struct cfg *cfg;

	text_init(&errs, 65536);
	if ((cfg = cfg_load_flags(file, CFG_NO_SECRETS, &errs)) == NULL)
		fprintf(stderr, "%s", text_str(&errs));
	text_free(&errs);
	return cfg;
}

/* Loads the config (every problem to stderr) and opens its database
 * read-only. Returns 0, or 1 after saying why. */
static int
open_both(const char *file, struct cfg **cfg, store **st)
{
	struct store_where w;
	char err[512];

	if ((*cfg = cli_config_load(file)) == NULL)
		return 1;
	w = cfg_store_where(*cfg);
	if (store_connect(&w, true, st, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "timmy: %s: %s\n", (*cfg)->db_shown, err);
		cfg_free(*cfg);
		*cfg = NULL;
		return 1;
	}
	return 0;
}

void
cli_zone_of(store *st, const char *owner, const struct cfg *cfg, char *buf,
            size_t n)
{
	if (owner == NULL || store_user_tz(st, owner, buf, n) != STORE_OK ||
	    tz_or_default(buf, NULL) == NULL)
		snprintf(buf, n, "%s", cfg->timezone);
}

struct stream {
	struct export_writer *w;
	struct text *buf;
	FILE *out;
	int failed;
};

static void
stream_row(const char *owner, const struct store_entry *e, void *arg)
{
	struct stream *s = arg;

	export_entry(s->w, owner, e);
	if (s->buf->len >= FLUSH_AT) {
		if (fwrite(s->buf->buf, 1, s->buf->len, s->out) != s->buf->len)
			s->failed = 1;
		text_clear(s->buf);
	}
}

/*
 * Opens the file an export is written to before it becomes path: a new
 * file beside path, mode 0600 (replace_create). *tmp gets its name (the
 * caller frees it). Returns the stream, or NULL after saying why.
 */
static FILE *
out_open(const char *path, char **tmp)
{
	FILE *f;
	int fd;

	if ((fd = replace_create(path, tmp)) < 0) {
		fprintf(stderr, "timmy export: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		fprintf(stderr, "timmy export: %s: %s\n", *tmp, strerror(errno));
		close(fd);
		unlink(*tmp);
		free(*tmp);
		*tmp = NULL;
		return NULL;
	}
	return f;
}

/*
 * Ends the export file f opened by out_open. When complete, it is flushed
 * to disk and renamed over path (replace_commit): a reader sees the old
 * file or the new one, never half of it. Otherwise, or when a step fails,
 * the new file is removed and path stays as it was. Frees tmp. Returns 0,
 * or -1 (after saying why, unless !complete).
 */
static int
out_finish(FILE *f, char *tmp, const char *path, bool complete)
{
	int rc = -1;

	if (!complete) {
		fclose(f);
	} else if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		fprintf(stderr, "timmy export: writing %s: %s\n", tmp,
		        strerror(errno));
		fclose(f);
	} else if (fclose(f) != 0) {
		fprintf(stderr, "timmy export: writing %s: %s\n", tmp,
		        strerror(errno));
	} else if (replace_commit(tmp, path) != 0) {
		fprintf(stderr, "timmy export: %s: %s\n", path, strerror(errno));
	} else {
		rc = 0;
	}
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

/*
 * The half-open span of an export in zone: from the start of --from (or
 * the beginning of time) to the end of --to (or its end), both days
 * included. Returns 0, or 1 after saying what is wrong.
 */
static int
export_span(const struct cli_args *a, const struct tp_ctx *c, int64_t *from,
            int64_t *to)
{
	struct text err;
	int64_t day;
	int rc = 1;

	*from = INT64_MIN / 4;
	*to = INT64_MAX / 4;
	text_init(&err, 1024);
	if (a->from && tp_day(c, a->from, &day, &err) != TP_OK) {
		fprintf(stderr, "timmy export: --from: %s\n", err.len ?
		        text_str(&err) : "expected a day like 2026-11-01");
		goto out;
	}
	if (a->from)
		*from = day;
	if (a->to && tp_day(c, a->to, &day, &err) != TP_OK) {
		fprintf(stderr, "timmy export: --to: %s\n", err.len ?
		        text_str(&err) : "expected a day like 2026-11-30");
		goto out;
	}
	if (a->to) {
		struct tm tm;

		tz_local(c->tz, day, &tm);
		tm.tm_mday += 1; /* the --to day is included */
		*to = tz_mktime(c->tz, &tm);
	}
	if (*from >= *to) {
		fprintf(stderr, "timmy export: --to is before --from\n");
		goto out;
	}
	rc = 0;
out:
	text_free(&err);
	return rc;
}

/* What an export writes: whose entries (NULL: everyone's), when, how. */
struct export_job {
	const char *user;
	enum export_format fmt;
	const struct tp_ctx *c;  /* now, and the zone the days are in */
	int64_t from, to;
	const char *out_path;    /* NULL: stdout */
};

/*
 * Writes the entries of job from st to its output (out_open's file, or
 * stdout); says how many went to a file. Returns 0, or 1 after saying
 * what went wrong (a file is then removed).
 */
static int
export_write(store *st, const struct cfg *cfg, const struct export_job *job)
{
	struct billing_book *book = NULL;
	char *tmp = NULL;
	struct text buf;
	struct stream s;
	struct prefs p;
	store_rc load_rc = STORE_OK;
	int64_t n = 0;
	int rc = 1;

	s.out = stdout;
	if (job->out_path && (s.out = out_open(job->out_path, &tmp)) == NULL)
		return 1;
	text_init(&buf, SIZE_MAX / 2);
	s.buf = &buf;
	s.failed = 0;
	if ((s.w = export_begin(job->fmt, job->c->tz, job->c->now,
	                        job->user == NULL, cfg->jid, &buf)) == NULL) {
		fprintf(stderr, "timmy export: out of memory\n");
		text_free(&buf);
		goto close;
	}
	/* One user's file is the one they get in chat, rounded columns by
	 * their setting; every user's keeps those exact ("none"), as the
	 * users' rules differ. The rates are read before the listing, whose
	 * callback may not use the store. */
	if (job->user != NULL &&
	    (load_rc = prefs_load(st, job->user, &cfg->prefs, &p)) == STORE_OK)
		export_set_rounding(s.w, &p.rounding);
	if (load_rc == STORE_OK &&
	    (load_rc = billing_book_load(st, &cfg->teams, &cfg->billing,
	                                 job->user, &book)) == STORE_OK)
		export_set_book(s.w, book);
	if (load_rc != STORE_OK ||
	    store_list_filtered(st, job->user, job->from, job->to, job->c->now,
	                        NULL, 0, stream_row, &s, &n) != STORE_OK) {
		fprintf(stderr, "timmy export: %s\n", store_errmsg(st));
		export_end(s.w);
		text_free(&buf);
		goto close;
	}
	export_end(s.w);
	if (fwrite(buf.buf ? buf.buf : "", 1, buf.len, s.out) != buf.len)
		s.failed = 1;
	text_free(&buf);
	if (fflush(s.out) != 0 || s.failed) {
		fprintf(stderr, "timmy export: writing %s: %s\n",
		        job->out_path ? tmp : "stdout", strerror(errno));
		goto close;
	}
	rc = 0;
close:
	if (job->out_path &&
	    out_finish(s.out, tmp, job->out_path, rc == 0) != 0)
		rc = 1;
	if (job->out_path && rc == 0)
		fprintf(stderr, "timmy export: %lld entries written to %s\n",
		        (long long)n, job->out_path);
	return rc;
}

/*
 * timmy export --format html: the page "export html WORDS" makes for
 * a->user in chat (commands/cmd_export_html.c), written to OUT or
 * stdout; what it holds is said on stderr. Returns the exit code.
 */
static int
export_html(store *st, const struct cfg *cfg, const struct cli_args *a,
            const char *zone, const char *words)
{
	struct cmd_file file;
	struct text reply;
	struct cmd_ctx ctx;
	char *tmp = NULL;
	FILE *out = stdout;
	int rc = 1;

	memset(&ctx, 0, sizeof(ctx));
	ctx.st = st;
	ctx.owner = a->user;
	ctx.now = wall_now();
	ctx.tz = zone;
	ctx.prefs = &cfg->prefs;
	ctx.teams = &cfg->teams;
	ctx.bot_jid = cfg->jid;
	ctx.file = &file;
	cmd_file_init(&file);
	text_init(&reply, CMD_REPLY_MAX);
	if (cmd_exec(&ctx, words, &reply) != CMD_OK || !file.present) {
		fprintf(stderr, "timmy export: %s\n", text_str(&reply));
		goto done;
	}
	if (a->output && (out = out_open(a->output, &tmp)) == NULL)
		goto done;
	if (fwrite(text_str(&file.body), 1, file.body.len, out) ==
	    file.body.len && fflush(out) == 0)
		rc = 0;
	else
		fprintf(stderr, "timmy export: writing %s: %s\n",
		        a->output ? tmp : "stdout", strerror(errno));
	if (a->output && out_finish(out, tmp, a->output, rc == 0) != 0)
		rc = 1;
	if (rc == 0)
		fprintf(stderr, "timmy export: %s\n", text_str(&reply));
done:
	text_free(&reply);
	cmd_file_free(&file);
	return rc;
}

/* Reads export's command line into a (RANGE words, for html only, into
 * words: "export html ..."). Returns 0, or the exit code after saying
 * what is wrong. */
static int
export_args(int argc, char **argv, struct cli_args *a, struct text *words)
{
	char first[256];
	const char *rest;
	bool html;

	text_printf(words, "export html");
	a->words = words;
	if (cli_parse(&export_spec, argc, argv, a) != 0)
		return 2;
	if (a->config == NULL) {
		fprintf(stderr, "timmy export: which config? Give -c FILE\n");
		usage_export();
		return 2;
	}
	html = a->format != NULL && strcmp(a->format, "html") == 0;
	if (!html && words->len > strlen("export html")) {
		/* The first word that is no option, as cli_parse says it. */
		rest = text_str(words) + strlen("export html ");
		snprintf(first, sizeof(first), "%.*s", (int)strcspn(rest, " "),
		         rest);
		return bad_word(&export_spec, "unexpected argument", first);
	}
	if (html && (a->user == NULL || a->from != NULL || a->to != NULL)) {
		fprintf(stderr, "timmy export: --format html is one user's report: "
		                "give --user JID, and the period as in chat (last "
		                "month, 2026-11-01..2026-11-30), not --from/--to\n");
		usage_export();
		return 2;
	}
	return 0;
}

int
cli_export(int argc, char **argv)
{
	struct cli_args a = { 0 };
	struct export_job job;
	struct cfg *cfg = NULL;
	store *st = NULL;
	struct text words;
	struct tp_ctx c;
	char zone[TZ_NAME_MAX + 1];
	int rc;

	text_init(&words, 4096);
	if ((rc = export_args(argc, argv, &a, &words)) != 0)
		goto out;
	rc = 2;
	if (a.format == NULL)
		a.format = "csv";
	if (strcmp(a.format, "html") != 0 &&
	    export_format_parse(a.format, &job.fmt) != 0) {
		fprintf(stderr, "timmy export: unknown format \"%s\" (csv, json, "
		                "ical or html)\n", a.format);
		goto out;
	}
	rc = 1;
	if (open_both(a.config, &cfg, &st) != 0)
		goto out;
	cli_zone_of(st, a.user, cfg, zone, sizeof(zone));
	if (strcmp(a.format, "html") == 0) {
		rc = export_html(st, cfg, &a, zone, text_str(&words));
		goto close;
	}
	c.now = wall_now();
	c.tz = zone;
	job.user = a.user;
	job.c = &c;
	job.out_path = a.output;
	if (export_span(&a, &c, &job.from, &job.to) == 0)
		rc = export_write(st, cfg, &job);
close:
	store_close(st);
	cfg_free(cfg);
out:
	text_free(&words);
	return rc;
}

int
cli_report(int argc, char **argv)
{
	struct cli_args a = { 0 };
	struct cfg *cfg = NULL;
	store *st = NULL;
	struct text body, reply;
	struct cmd_ctx ctx;
	char zone[TZ_NAME_MAX + 1];
	enum cmd_status st_rc;

	text_init(&body, 4096);
	text_printf(&body, "report");
	a.words = &body;
	if (cli_parse(&report_spec, argc, argv, &a) != 0) {
		text_free(&body);
		return 2;
	}
	if (a.config == NULL || a.user == NULL) {
		fprintf(stderr, "timmy report: give -c FILE and --user JID\n");
		usage_report();
		text_free(&body);
		return 2;
	}
	if (open_both(a.config, &cfg, &st) != 0) {
		text_free(&body);
		return 1;
	}
	cli_zone_of(st, a.user, cfg, zone, sizeof(zone));
	memset(&ctx, 0, sizeof(ctx));
	ctx.st = st;
	ctx.owner = a.user;
	ctx.now = wall_now();
	ctx.tz = zone;
	ctx.prefs = &cfg->prefs;
	ctx.teams = &cfg->teams;
	ctx.billing = &cfg->billing;
	text_init(&reply, CMD_REPLY_MAX);
	st_rc = cmd_exec(&ctx, text_str(&body), &reply);
	if (st_rc == CMD_FAILED)
		fprintf(stderr, "timmy report: %s\n", store_errmsg(st));
	else
		printf("%s\n", text_str(&reply));
	text_free(&reply);
	text_free(&body);
	store_close(st);
	cfg_free(cfg);
	return st_rc == CMD_OK ? 0 : 1;
}
