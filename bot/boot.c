/*
 * bot/boot.c - the first steps of `timmy check` (bot/main.c) and of the
 * bot itself (bot/run.c): boot.h.
 */
#include "boot.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "../lib/text.h"

/*
 * Keeps the password (and people's records) out of core files: `run` and
 * `check` read the password, and systemd's watchdog ends a hung bot with
 * SIGABRT, which dumps core by default. PR_SET_DUMPABLE 0 stops the kernel
 * from writing a core (with the default fs.suid_dumpable = 0) and keeps
 * other processes of the same user from attaching with ptrace or reading
 * /proc/PID/mem and environ. A core limit of 0 (also LimitCORE=0 in
 * contrib/timmy.service) covers fs.suid_dumpable = 2, where the kernel
 * still dumps a process that is not dumpable. Call before the config is
 * read. Returns 0, or 1 after saying why (prctl does not fail on Linux;
 * if it ever does, the bot does not run unprotected).
 */
int
boot_no_core_dumps(void)
{
	struct rlimit none = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &none) != 0)
		fprintf(stderr, "timmy: warning: cannot set the core file size "
		                "limit to 0: %s\n", strerror(errno));
	if (prctl(PR_SET_DUMPABLE, 0L, 0L, 0L, 0L) != 0) {
		fprintf(stderr, "timmy: cannot turn off core dumps "
		                "(PR_SET_DUMPABLE): %s\n", strerror(errno));
		return 1;
	}
	return 0;
}

/* Loads the config, printing every problem; NULL when there were any. */
struct cfg *
boot_config(const char *file)
{
	struct text errs;
	struct cfg *cfg;

	text_init(&errs, 65536);
	if ((cfg = cfg_load(file, &errs)) == NULL) {
		fprintf(stderr, "%s%s", text_str(&errs),
		        errs.len && errs.buf[errs.len - 1] != '\n' ? "\n" : "");
		fprintf(stderr, "timmy: %s: configuration has errors; not starting\n",
		        file);
	}
	text_free(&errs);
	return cfg;
}

store *
boot_store(const struct cfg *cfg)
{
	struct store_where w = cfg_store_where(cfg);
	char err[512];
	store *st = NULL;

	if (store_connect(&w, false, &st, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "timmy: storage.%s: %s\n",
		        w.backend == STORE_POSTGRESQL ? "url" : "path", err);
		return NULL;
	}
	store_set_default_zone(st, cfg->timezone); /* the rollup's days */
	return st;
}

