/*
 * bot/cli.c - timmy export and timmy report: the database read directly
 * (read-only, so the daemon may keep running), output to stdout or a file.
 *
 * The export streams: the writer's buffer is flushed to the output every
 * few kilobytes, so memory stays flat however many entries there are.
 */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../commands/cmd.h"
#include "../commands/export.h"
#include "../commands/timeparse.h"
#include "../lib/tz.h"
#include "../storage/store.h"
#include "config.h"

#define FLUSH_AT 65536

static void
usage_export(void)
{
	fprintf(stderr, "usage: timmy export -c FILE [--user JID] [--from DAY] "
	                "[--to DAY]\n"
	                "                    [--format csv|json|ical] [-o OUT]\n"
	                "DAY is YYYY-MM-DD (also today, yesterday, mon); both "
	                "days are included.\n"
	                "Without --user, every user's entries (with an owner "
	                "column).\n");
}

static void
usage_report(void)
{
	fprintf(stderr, "usage: timmy report -c FILE --user JID [RANGE ...]\n"
	                "RANGE as in chat: today, week, last month, "
	                "2026-11-01..2026-11-15, ...\n");
}

/* Loads the config (every problem to stderr) and opens its database
 * read-only. Returns 0, or 1 after saying why. */
static int
open_both(const char *file, struct cfg **cfg, store **st)
{
	struct text errs;
	char err[512];

	text_init(&errs, 65536);
	*cfg = cfg_load_flags(file, CFG_NO_SECRETS, &errs);
	if (*cfg == NULL) {
		fprintf(stderr, "%s", text_str(&errs));
		text_free(&errs);
		return 1;
	}
	text_free(&errs);
	if (store_open_readonly((*cfg)->db_path, st, err, sizeof(err)) !=
	    STORE_OK) {
		fprintf(stderr, "timmy: %s: %s\n", (*cfg)->db_path, err);
		cfg_free(*cfg);
		*cfg = NULL;
		return 1;
	}
	return 0;
}

/* The time zone for owner: their own (tz command), else the default. */
static void
zone_of(store *st, const char *owner, const struct cfg *cfg, char *buf,
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
 * file beside path ("PATH.XXXXXX", so the rename below stays within one
 * file system), made with O_CREAT | O_EXCL by mkstemp, which follows no
 * symlink and opens nothing that exists, and set to mode 0600 whatever the
 * umask. *tmp gets its name (the caller frees it). Returns the stream, or
 * NULL after saying why.
 */
static FILE *
out_open(const char *path, char **tmp)
{
	size_t n = strlen(path) + sizeof(".XXXXXX");
	FILE *f;
	int fd;

	if ((*tmp = malloc(n)) == NULL) {
		fprintf(stderr, "timmy export: out of memory\n");
		return NULL;
	}
	snprintf(*tmp, n, "%s.XXXXXX", path);
	if ((fd = mkstemp(*tmp)) < 0) {
		fprintf(stderr, "timmy export: %s: %s\n", *tmp, strerror(errno));
		free(*tmp);
		*tmp = NULL;
		return NULL;
	}
	if (fchmod(fd, 0600) != 0 || (f = fdopen(fd, "w")) == NULL) {
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
 * to disk and renamed to path: whatever was at path (a file of another
 * mode, a symlink) is replaced as a whole, never written through, and a
 * reader sees the old file or the new one, never half of it. Otherwise, or
 * when a step fails, the new file is removed and path stays as it was.
 * Frees tmp. Returns 0, or -1 (after saying why, unless !complete).
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
	} else if (rename(tmp, path) != 0) {
		fprintf(stderr, "timmy export: %s: %s\n", path, strerror(errno));
	} else {
		rc = 0;
	}
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

int
cli_export(int argc, char **argv)
{
	const char *file = NULL, *user = NULL, *from_s = NULL, *to_s = NULL;
	const char *fmt_s = "csv", *out_path = NULL;
	char *tmp = NULL;
	enum export_format fmt;
	struct cfg *cfg = NULL;
	store *st = NULL;
	struct text buf, err;
	struct stream s;
	struct tp_ctx c;
	char zone[TZ_NAME_MAX + 1];
	int64_t from = INT64_MIN / 4, to = INT64_MAX / 4, day, n = 0;
	int i, rc = 1;

	for (i = 1; i < argc; i++) {
		const char **slot = NULL;

		if (strcmp(argv[i], "-c") == 0 || strcmp(argv[i], "--config") == 0)
			slot = &file;
		else if (strcmp(argv[i], "--user") == 0)
			slot = &user;
		else if (strcmp(argv[i], "--from") == 0)
			slot = &from_s;
		else if (strcmp(argv[i], "--to") == 0)
			slot = &to_s;
		else if (strcmp(argv[i], "--format") == 0)
			slot = &fmt_s;
		else if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0)
			slot = &out_path;
		if (slot == NULL || i + 1 >= argc) {
			fprintf(stderr, "timmy export: %s \"%s\"\n",
			        slot ? "missing value after" : "unexpected argument",
			        argv[i]);
			usage_export();
			return 2;
		}
		*slot = argv[++i];
	}
	if (file == NULL) {
		fprintf(stderr, "timmy export: which config? Give -c FILE\n");
		usage_export();
		return 2;
	}
	if (export_format_parse(fmt_s, &fmt) != 0) {
		fprintf(stderr, "timmy export: unknown format \"%s\" (csv, json or "
		                "ical)\n", fmt_s);
		return 2;
	}
	if (open_both(file, &cfg, &st) != 0)
		return 1;

	zone_of(st, user, cfg, zone, sizeof(zone));
	c.now = (int64_t)time(NULL);
	c.tz = zone;
	text_init(&err, 1024);
	if (from_s && tp_day(&c, from_s, &day, &err) != TP_OK) {
		fprintf(stderr, "timmy export: --from: %s\n", err.len ?
		        text_str(&err) : "expected a day like 2026-11-01");
		goto out;
	}
	if (from_s)
		from = day;
	if (to_s && tp_day(&c, to_s, &day, &err) != TP_OK) {
		fprintf(stderr, "timmy export: --to: %s\n", err.len ?
		        text_str(&err) : "expected a day like 2026-11-30");
		goto out;
	}
	if (to_s) {
		struct tm tm;

		tz_local(zone, day, &tm);
		tm.tm_mday += 1; /* the --to day is included */
		to = tz_mktime(zone, &tm);
	}
	if (from >= to) {
		fprintf(stderr, "timmy export: --to is before --from\n");
		goto out;
	}

	s.out = stdout;
	if (out_path && (s.out = out_open(out_path, &tmp)) == NULL)
		goto out;
	text_init(&buf, SIZE_MAX / 2);
	s.buf = &buf;
	s.failed = 0;
	if ((s.w = export_begin(fmt, zone, c.now, user == NULL, cfg->jid,
	                        &buf)) == NULL) {
		fprintf(stderr, "timmy export: out of memory\n");
		text_free(&buf);
		goto close;
	}
	if (store_list_filtered(st, user, from, to, c.now, NULL, 0, stream_row,
	                        &s, &n) != STORE_OK) {
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
		        out_path ? tmp : "stdout", strerror(errno));
		goto close;
	}
	rc = 0;
close:
	if (out_path && out_finish(s.out, tmp, out_path, rc == 0) != 0)
		rc = 1;
	if (out_path && rc == 0)
		fprintf(stderr, "timmy export: %lld entries written to %s\n",
		        (long long)n, out_path);
out:
	text_free(&err);
	store_close(st);
	cfg_free(cfg);
	return rc;
}

int
cli_report(int argc, char **argv)
{
	const char *file = NULL, *user = NULL;
	struct cfg *cfg = NULL;
	store *st = NULL;
	struct text body, reply;
	struct cmd_ctx ctx;
	char zone[TZ_NAME_MAX + 1];
	enum cmd_status st_rc;
	int i;

	text_init(&body, 4096);
	text_printf(&body, "report");
	for (i = 1; i < argc; i++) {
		if ((strcmp(argv[i], "-c") == 0 || strcmp(argv[i], "--config") == 0) &&
		    i + 1 < argc)
			file = argv[++i];
		else if (strcmp(argv[i], "--user") == 0 && i + 1 < argc)
			user = argv[++i];
		else if (argv[i][0] == '-') {
			fprintf(stderr, "timmy report: unexpected argument \"%s\"\n",
			        argv[i]);
			usage_report();
			text_free(&body);
			return 2;
		} else {
			text_printf(&body, " %s", argv[i]);
		}
	}
	if (file == NULL || user == NULL) {
		fprintf(stderr, "timmy report: give -c FILE and --user JID\n");
		usage_report();
		text_free(&body);
		return 2;
	}
	if (open_both(file, &cfg, &st) != 0) {
		text_free(&body);
		return 1;
	}
	zone_of(st, user, cfg, zone, sizeof(zone));
	memset(&ctx, 0, sizeof(ctx));
	ctx.st = st;
	ctx.owner = user;
	ctx.now = (int64_t)time(NULL);
	ctx.tz = zone;
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
