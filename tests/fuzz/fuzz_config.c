/*
 * tests/fuzz/fuzz_config.c - libFuzzer target: any bytes as bot.yaml,
 * through cfg_load (libyaml's parser, then the checks of every section
 * and key), and cfg_reload of the same file.
 *
 * cfg_load reads a path, so each input is written to one file in a
 * directory made once per process (removed at exit). Before that, these
 * placeholders in it are replaced, so that inputs reach passwords and
 * password files without knowing them:
 *   @PW@         a secret of its own for each occurrence
 *   @PWFILE@     a file (mode 0600) whose first line is another secret
 *   @PWFILE644@  the same, but readable by all (refused)
 *   @PWDIR@      the directory (not a regular file)
 * Secrets are 32 hex digits, new for every run (a counter through a
 * mixing function): an input cannot hold one by itself, nor learn it
 * from an earlier run's comparisons. The promises of config.h, checked
 * with abort():
 *   - cfg_load returns a config or writes errors, never both, never
 *     neither;
 *   - no error message holds (half of) the password: the secrets inside
 *     a value of account.password as libyaml reads the document, and the
 *     password files' secret. (An input with an anchor, '&', may make the
 *     password the value of another key too, which errors may quote: for
 *     those the password value is not checked.) A secret the input put
 *     into another value is that value, and may be quoted;
 *   - a config has a JID, a password, a database path, at least one allow
 *     entry, a resource and a valid time zone;
 *   - reloading an unchanged file succeeds and names nothing that needs
 *     a restart.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "../../bot/config.h"
#include "../../bot/log.h"
#include "../../lib/tz.h"

#define INPUT_MAX 65536
#define SECRET_LEN 32  /* hex digits */
#define SECRETS_MAX 64 /* @PW@ secrets per run; later ones repeat */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/timmy-fuzz-config-XXXXXX";
static char cfg_path[64], pw_path[64], pw644_path[64];

/* The secrets of this run: [0] the password files', [1 + k] the k-th
 * @PW@'s. */
static char secrets[1 + SECRETS_MAX][SECRET_LEN + 1];

/* What a failed check prints: the errors of the run. */
static const struct text *run_errs;

static void
check(bool ok)
{
	if (ok)
		return;
	if (run_errs != NULL)
		fprintf(stderr, "fuzz_config: errors of this run:\n%s\n",
		        text_str(run_errs));
	abort();
}

static void
cleanup(void)
{
	unlink(cfg_path);
	unlink(pw_path);
	unlink(pw644_path);
	rmdir(dir);
}

/* Writes len bytes of s to path (created with mode, replaced whole). */
static void
write_file(const char *path, const char *s, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	check(fd != -1);
	check(fchmod(fd, mode) == 0);
	check(write(fd, s, len) == (ssize_t)len);
	close(fd);
}

/* SECRET_LEN hex digits from the numbers run and k (splitmix64). */
static void
make_secret(uint64_t run, uint64_t k, char *out)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t x = run * UINT64_C(0x9e3779b97f4a7c15) + k * 0x10001 + 7;
	int i;

	for (i = 0; i < SECRET_LEN; i++) {
		if (i % 16 == 0) {
			x += UINT64_C(0x9e3779b97f4a7c15);
			x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
			x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
			x ^= x >> 31;
		}
		out[i] = hex[(x >> (4 * (i % 16))) & 0xf];
	}
	out[SECRET_LEN] = '\0';
}

/* in (n bytes, NULs too) with the placeholders replaced, into out (outsz
 * bytes); returns the length. */
static size_t
substitute(const char *in, size_t n, char *out, size_t outsz)
{
	static const struct {
		const char *mark;
		const char *with;
	} marks[] = {
		{ "@PWFILE644@", pw644_path },
		{ "@PWFILE@", pw_path },
		{ "@PWDIR@", dir },
		{ "@PW@", NULL }, /* the next secret */
	};
	size_t i = 0, o = 0, m, len, pw = 0;
	const char *with;

	while (i < n) {
		for (m = 0; m < sizeof(marks) / sizeof(marks[0]); m++)
			if (n - i >= strlen(marks[m].mark) &&
			    memcmp(in + i, marks[m].mark,
			           strlen(marks[m].mark)) == 0)
				break;
		if (m == sizeof(marks) / sizeof(marks[0])) {
			check(o < outsz);
			out[o++] = in[i++];
			continue;
		}
		with = marks[m].with != NULL ? marks[m].with
		                             : secrets[1 + pw++ % SECRETS_MAX];
		len = strlen(with);
		check(o + len < outsz);
		memcpy(out + o, with, len);
		o += len;
		i += strlen(marks[m].mark);
	}
	return o;
}

/* Whether node is the scalar name. */
static bool
is_scalar(const yaml_node_t *node, const char *name)
{
	return node != NULL && node->type == YAML_SCALAR_NODE &&
	       node->data.scalar.length == strlen(name) &&
	       memcmp(node->data.scalar.value, name, strlen(name)) == 0;
}

/* Whether the n bytes at hay hold secret s. */
static bool
holds(const unsigned char *hay, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i + SECRET_LEN <= n; i++)
		if (memcmp(hay + i, s, SECRET_LEN) == 0)
			return true;
	return false;
}

/* Whether half of secret s is in errs. */
static bool
leaked(const char *s, const struct text *errs)
{
	char half[SECRET_LEN / 2 + 1];

	memcpy(half, s, SECRET_LEN / 2);
	half[SECRET_LEN / 2] = '\0';
	return strstr(text_str(errs), half) != NULL;
}

/*
 * Checks that no secret inside a value of account.password in the YAML
 * text buf (len bytes), as libyaml reads its first document, is in errs.
 * A text libyaml cannot read has no password.
 */
static void
check_password_values(const char *buf, size_t len, const struct text *errs)
{
	yaml_node_pair_t *sp, *ap;
	yaml_node_t *root, *acct, *k, *v;
	yaml_document_t doc;
	yaml_parser_t p;
	size_t i;

	check(yaml_parser_initialize(&p) != 0);
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&p, &doc)) {
		yaml_parser_delete(&p);
		return;
	}
	root = yaml_document_get_root_node(&doc);
	for (sp = root && root->type == YAML_MAPPING_NODE ?
	          root->data.mapping.pairs.start : NULL;
	     sp != NULL && sp < root->data.mapping.pairs.top; sp++) {
		acct = yaml_document_get_node(&doc, sp->value);
		if (!is_scalar(yaml_document_get_node(&doc, sp->key), "account") ||
		    acct == NULL || acct->type != YAML_MAPPING_NODE)
			continue;
		for (ap = acct->data.mapping.pairs.start;
		     ap < acct->data.mapping.pairs.top; ap++) {
			k = yaml_document_get_node(&doc, ap->key);
			v = yaml_document_get_node(&doc, ap->value);
			if (!is_scalar(k, "password") || v == NULL ||
			    v->type != YAML_SCALAR_NODE)
				continue;
			for (i = 1; i <= SECRETS_MAX; i++)
				if (holds(v->data.scalar.value,
				          v->data.scalar.length, secrets[i]))
					check(!leaked(secrets[i], errs));
		}
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&p);
}

static void
init(void)
{
	check(mkdtemp(dir) != NULL);
	snprintf(cfg_path, sizeof(cfg_path), "%s/bot.yaml", dir);
	snprintf(pw_path, sizeof(pw_path), "%s/password", dir);
	snprintf(pw644_path, sizeof(pw644_path), "%s/password-644", dir);
	atexit(cleanup);
	/* cfg_load warns through the log; the fuzzer's output stays clean. */
	log_set_level(LOG_ERROR);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[INPUT_MAX * 8];
	static uint64_t runs;
	char line[SECRET_LEN + 8], restart[128];
	struct text errs;
	struct cfg *cfg;
	size_t len, k;

	if (size > INPUT_MAX)
		return 0;
	if (runs++ == 0)
		init();
	for (k = 0; k < 1 + SECRETS_MAX; k++)
		make_secret(runs, k, secrets[k]);
	len = substitute((const char *)data, size, out, sizeof(out));
	/* The password files: the first line, then one that is ignored. */
	snprintf(line, sizeof(line), "%s\nmore", secrets[0]);
	write_file(pw_path, line, strlen(line), 0600);
	write_file(pw644_path, line, strlen(line), 0644);
	/* Every byte, NULs too: cfg_load reads them all. */
	write_file(cfg_path, out, len, 0600);

	text_init(&errs, 1024 * 1024);
	run_errs = &errs;
	cfg = cfg_load(cfg_path, &errs);
	check((cfg == NULL) != (errs.len == 0));
	check(!leaked(secrets[0], &errs));
	if (memchr(data, '&', size) == NULL)
		check_password_values(out, len, &errs);
	if (cfg != NULL) {
		check(cfg->jid != NULL && cfg->password != NULL &&
		      cfg->db_path != NULL && cfg->nallow >= 1 &&
		      cfg->allow != NULL && cfg->resource != NULL &&
		      cfg->timezone != NULL && tz_valid(cfg->timezone));
		check(cfg->nadmins == 0 || cfg->admins != NULL);
		text_clear(&errs);
		check(cfg_reload(cfg, &errs, restart, sizeof(restart)) == 0);
		check(errs.len == 0 && restart[0] == '\0');
		cfg_free(cfg);
	}
	run_errs = NULL;
	text_free(&errs);
	return 0;
}
