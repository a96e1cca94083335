/*
 * tests/unit/test_config.c - cfg_load on real files: every field, the
 * defaults, and one test per problem it must report (with file, line and
 * key), all of them at once, and never the password.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../bot/config.h"
#include "../../bot/testing.h"
#include "../../lib/text.h"

/* A password distinctive enough that any leak of it is found. */
#define SECRET "Zq7-hunter2-SECRET-pw"
/* The longest project name (storage/store.h's STORE_PROJECT_MAX). */
#define STORE_PROJECT_MAX_TEST 64

struct fixture {
	char cfg[64];      /* the config file */
	char pass[64];     /* a password file, "" when none */
	struct text errs;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	text_init(&f->errs, 64 * 1024);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	if (f->cfg[0] != '\0')
		unlink(f->cfg);
	if (f->pass[0] != '\0')
		unlink(f->pass);
	text_free(&f->errs);
	free(f);
	return 0;
}

/* Creates a temporary file holding content; its name goes to path. */
static void
write_temp(char *path, size_t size, const char *content)
{
	size_t n = strlen(content);
	int fd;

	snprintf(path, size, "/tmp/timmy-test-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, n), (ssize_t)n);
	assert_int_equal(close(fd), 0);
}

/* Writes the password file f->pass with content. */
static void
write_pass(struct fixture *f, const char *content)
{
	write_temp(f->pass, sizeof(f->pass), content);
}

/* Writes the config (printf format) to f->cfg and loads it. */
static struct cfg *
load(struct fixture *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static struct cfg *
load(struct fixture *f, const char *fmt, ...)
{
	char yaml[32768];
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(yaml, sizeof(yaml), fmt, ap);
	va_end(ap);
	assert_true(r >= 0 && (size_t)r < sizeof(yaml));
	write_temp(f->cfg, sizeof(f->cfg), yaml);
	return cfg_load(f->cfg, &f->errs);
}

/* Fails unless errs holds exactly the line "FILE<rest>" (no newline in
 * rest), where FILE is the config's path. */
static void
assert_error(struct fixture *f, const char *rest)
{
	char line[1024];
	const char *errs = text_str(&f->errs);
	const char *p;
	size_t n;

	snprintf(line, sizeof(line), "%s%s\n", f->cfg, rest);
	n = strlen(line);
	for (p = errs; *p; p = strchr(p, '\n') + 1) {
		if (strncmp(p, line, n) == 0)
			return;
		if (strchr(p, '\n') == NULL)
			break;
	}
	fail_msg("expected the line \"%s\" in:\n%s", line, errs);
}

/* The number of lines in errs. */
static int
count_errors(const struct fixture *f)
{
	const char *p;
	int n = 0;

	for (p = text_str(&f->errs); *p; p++)
		if (*p == '\n')
			n++;
	return n;
}

/* Loads yaml expecting failure with exactly one error, "FILE<rest>". */
static void
assert_only_error(struct fixture *f, const char *rest)
{
	assert_error(f, rest);
	assert_int_equal(count_errors(f), 1);
}

/* Fails unless every setting of *p is the built-in default. */
static void
assert_builtin_prefs(const struct prefs *p)
{
	char got[PREFS_VALUE_MAX], want[PREFS_VALUE_MAX];
	struct prefs builtin;
	size_t i;

	prefs_builtin(&builtin);
	for (i = 0; prefs_names[i] != NULL; i++) {
		prefs_format(p, prefs_names[i], got, sizeof(got));
		prefs_format(&builtin, prefs_names[i], want, sizeof(want));
		assert_string_equal(got, want);
	}
}

/* A valid config without optional keys; the jid line is line 2. */
#define MINIMAL MINIMAL_ACCOUNT MINIMAL_REST
/* Its account section (lines 1-3): more account keys may follow. */
#define MINIMAL_ACCOUNT                                                      \
	"account:\n"                                                         \
	"  jid: timmy@example.org\n"                                         \
	"  password: " SECRET "\n"
/* The rest of it: storage and access (allow being its last line). */
#define MINIMAL_REST                                                         \
	"storage:\n"                                                         \
	"  path: /var/lib/timmy/timmy.db\n"                                  \
	"access:\n"                                                          \
	"  allow: [\"*@example.org\"]\n"

static void
cfg_load__fills_every_field__when_config_full(void **state)
{
	struct fixture *f = *state;
	struct cfg *cfg;

	write_pass(f, SECRET "\nsecond line is ignored\n");
	cfg = load(f,
	           "# a full configuration\n"
	           "account:\n"
	           "  jid: Timmy@example.org\n"
	           "  password_file: %s\n"
	           "  resource: office\n"
	           "  host: xmpp.example.org\n"
	           "  port: 5223\n"
	           "  tls: trust-any\n"
	           "  keepalive: 300\n"
	           "storage:\n"
	           "  path: /var/lib/timmy/timmy.db\n"
	           "access:\n"
	           "  allow:\n"
	           "    - \"*@example.org\"\n"
	           "    - bob@elsewhere.net\n"
	           "  admins: [boss@example.org, deputy@example.org]\n"
	           "limits:\n"
	           "  max_body: 1000\n"
	           "  commands_per_minute: 12\n"
	           "  burst: 3\n"
	           "defaults:\n"
	           "  timezone: Europe/Berlin\n"
	           "export:\n"
	           "  upload: off\n"
	           "  inline_part_bytes: 1024\n"
	           "log:\n"
	           "  level: debug\n",
	           f->pass);
	assert_string_equal(text_str(&f->errs), "");
	assert_non_null(cfg);
	assert_string_equal(cfg->path, f->cfg);
	assert_string_equal(cfg->jid, "Timmy@example.org");
	assert_string_equal(cfg->password, SECRET);
	assert_string_equal(cfg->password_file, f->pass);
	assert_string_equal(cfg->resource, "office");
	assert_string_equal(cfg->host, "xmpp.example.org");
	assert_int_equal(cfg->port, 5223);
	assert_int_equal(cfg->tls, CFG_TLS_TRUST_ANY);
	assert_int_equal(cfg->keepalive, 300);
	assert_string_equal(cfg->db_path, "/var/lib/timmy/timmy.db");
	assert_int_equal(cfg->nallow, 2);
	assert_string_equal(cfg->allow[0], "*@example.org");
	assert_string_equal(cfg->allow[1], "bob@elsewhere.net");
	assert_int_equal(cfg->nadmins, 2);
	assert_string_equal(cfg->admins[0], "boss@example.org");
	assert_string_equal(cfg->admins[1], "deputy@example.org");
	assert_string_equal(cfg->timezone, "Europe/Berlin");
	assert_int_equal(cfg->upload, CFG_UPLOAD_OFF);
	assert_int_equal(cfg->inline_part_bytes, 1024);
	assert_int_equal(cfg->log_level, LOG_DEBUG);
	assert_int_equal(cfg->max_body, 1000);
	assert_int_equal(cfg->commands_per_minute, 12);
	assert_int_equal(cfg->burst, 3);
	cfg_free(cfg);
}

static void
cfg_load__applies_defaults__when_config_minimal(void **state)
{
	struct fixture *f = *state;
	struct cfg *cfg = load(f, MINIMAL);

	assert_string_equal(text_str(&f->errs), "");
	assert_non_null(cfg);
	assert_string_equal(cfg->jid, "timmy@example.org");
	assert_string_equal(cfg->password, SECRET);
	assert_null(cfg->password_file);
	assert_string_equal(cfg->resource, "timmy");
	assert_null(cfg->host);
	assert_int_equal(cfg->port, 0);
	assert_int_equal(cfg->tls, CFG_TLS_REQUIRED);
	assert_int_equal(cfg->keepalive, CFG_KEEPALIVE_DEFAULT);
	assert_int_equal(cfg->keepalive, 90);
	assert_int_equal(cfg->nallow, 1);
	assert_int_equal(cfg->nadmins, 0);
	assert_string_equal(cfg->timezone, "UTC");
	assert_int_equal(cfg->upload, CFG_UPLOAD_AUTO);
	assert_int_equal(cfg->inline_part_bytes, 8192);
	assert_int_equal(cfg->log_level, LOG_INFO);
	/* The values bot.yaml.example shows. */
	assert_int_equal(cfg->max_body, 2048);
	assert_int_equal(cfg->commands_per_minute, 30);
	assert_int_equal(cfg->burst, 10);
	cfg_free(cfg);
}

static void
cfg_load__applies_defaults__when_optional_sections_null(void **state)
{
	struct fixture *f = *state;
	struct cfg *cfg = load(f, MINIMAL "  admins: []\ndefaults:\nexport:\n"
	                                  "log:\nlimits:\n");

	assert_string_equal(text_str(&f->errs), "");
	assert_non_null(cfg);
	assert_int_equal(cfg->nadmins, 0);
	assert_string_equal(cfg->timezone, "UTC");
	assert_int_equal(cfg->upload, CFG_UPLOAD_AUTO);
	assert_int_equal(cfg->inline_part_bytes, CFG_PART_DEFAULT);
	assert_int_equal(cfg->log_level, LOG_INFO);
	assert_int_equal(cfg->max_body, CFG_MAX_BODY_DEFAULT);
	assert_int_equal(cfg->commands_per_minute, CFG_RATE_DEFAULT);
	assert_int_equal(cfg->burst, CFG_BURST_DEFAULT);
	cfg_free(cfg);
}

static void
cfg_load__strips_crlf__when_password_file_has_dos_line(void **state)
{
	struct fixture *f = *state;
	struct cfg *cfg;

	write_pass(f, SECRET "\r\n");
	cfg = load(f,
	           "account: {jid: a@example.org, password_file: %s}\n"
	           "storage: {path: t.db}\n"
	           "access: {allow: [a@example.org]}\n",
	           f->pass);
	assert_non_null(cfg);
	assert_string_equal(cfg->password, SECRET);
	cfg_free(cfg);
}

static void
cfg_load__reads_whole_file__when_password_file_has_no_newline(void **state)
{
	struct fixture *f = *state;
	struct cfg *cfg;

	write_pass(f, SECRET);
	cfg = load(f,
	           "account: {jid: a@example.org, password_file: %s}\n"
	           "storage: {path: t.db}\n"
	           "access: {allow: [a@example.org]}\n",
	           f->pass);
	assert_non_null(cfg);
	assert_string_equal(cfg->password, SECRET);
	cfg_free(cfg);
}

static void
cfg_load__names_key_and_line__when_key_unknown(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, "account:\n"
	                    "  jid: timmy@example.org\n"
	                    "  colour: blue\n"
	                    "  password: x\n"
	                    "storage: {path: t.db}\n"
	                    "access: {allow: [a@example.org]}\n"));
	assert_only_error(f, ":3: account.colour: unknown key");
}

static void
cfg_load__names_section__when_section_unknown(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, MINIMAL "colours:\n  fg: red\n"));
	assert_only_error(f, ":8: colours: unknown section (expected account, "
	                     "storage, access, limits, defaults, idle, "
	                     "reminders, export, import, log or teams)");
}

static void
cfg_load__reports_line_of_both__when_key_duplicated(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, MINIMAL "  allow: [b@example.org]\n"));
	assert_only_error(f, ":8: access.allow: duplicate key (first at line 7)");
}

static void
cfg_load__reports_missing_key__when_jid_missing(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, "storage: {path: t.db}\n"
	                    "access: {allow: [a@example.org]}\n"
	                    "account:\n"
	                    "  password: x\n"));
	assert_only_error(f, ":3: account.jid: required key is missing");
}

static void
cfg_load__reports_no_value__when_jid_null(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, "account:\n"
	                    "  jid:\n"
	                    "  password: x\n"
	                    "storage: {path: t.db}\n"
	                    "access: {allow: [a@example.org]}\n"));
	assert_only_error(f, ":2: account.jid: required key has no value");
}

/* storage: backend postgresql takes url and password_file, the password
 * file read like the account's. */
static void
cfg_load__takes_url_and_password__when_backend_postgresql(void **state)
{
	struct fixture *f = *state;
	struct cfg *cfg;
	struct store_where w;

	write_pass(f, "dbsecret\n");
	chmod(f->pass, 0600);
	cfg = load(f, MINIMAL_ACCOUNT
	           "storage:\n"
	           "  backend: postgresql\n"
	           "  url: \"postgresql:///timmy?host=/run/postgresql\"\n"
	           "  password_file: %s\n"
	           "access:\n"
	           "  allow: [\"*@example.org\"]\n", f->pass);
	assert_string_equal(text_str(&f->errs), "");
	assert_non_null(cfg);
	assert_int_equal(cfg->db_backend, STORE_POSTGRESQL);
	assert_string_equal(cfg->db_path,
	                    "postgresql:///timmy?host=/run/postgresql");
	assert_string_equal(cfg->db_password, "dbsecret");
	w = cfg_store_where(cfg);
	assert_int_equal(w.backend, STORE_POSTGRESQL);
	assert_string_equal(w.path, cfg->db_path);
	assert_string_equal(w.password, "dbsecret");
	cfg_free(cfg);
}

/* A password inside the URL (or a key=value string) never shows: the
 * log and messages name the database by db_shown. */
static void
cfg_load__hides_the_password__when_url_holds_one(void **state)
{
	static const char *const cases[][2] = {
		{ "postgresql://timmy:s3cret@db.example.org:5432/timmy",
		  "postgresql://timmy:***@db.example.org:5432/timmy" },
		{ "postgresql://db.example.org/timmy?user=t&password=s3cret&x=1",
		  "postgresql://db.example.org/timmy?user=t&password=***&x=1" },
		{ "host=/run/postgresql dbname=timmy password=s3cret user=t",
		  "host=/run/postgresql dbname=timmy password=*** user=t" },
		{ "host=db password='s3 cret' dbname=timmy",
		  "host=db password=*** dbname=timmy" },
		{ "postgresql:///timmy?host=/run/postgresql",
		  "postgresql:///timmy?host=/run/postgresql" },
	};
	struct fixture *f = *state;
	struct cfg *cfg;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		text_clear(&f->errs);
		cfg = load(f, MINIMAL_ACCOUNT
		           "storage:\n"
		           "  backend: postgresql\n"
		           "  url: \"%s\"\n"
		           "access:\n"
		           "  allow: [\"*@example.org\"]\n", cases[i][0]);
		assert_string_equal(text_str(&f->errs), "");
		assert_non_null(cfg);
		assert_string_equal(cfg->db_shown, cases[i][1]);
		assert_null(strstr(cfg->db_shown, "s3cret"));
		assert_null(cfg->db_password);
		cfg_free(cfg);
	}
}

/* Each backend has its own key; a wrong backend or key is said. */
static void
cfg_load__reports_the_other_backends_key__when_mixed(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, MINIMAL_ACCOUNT
	                 "storage:\n"
	                 "  backend: postgresql\n"
	                 "  path: /var/lib/timmy/timmy.db\n"
	                 "access:\n"
	                 "  allow: [\"*@example.org\"]\n"));
	assert_error(f, ":6: storage.path: not used with backend postgresql "
	             "(use storage.url)");
	assert_error(f, ":4: storage.url: required key is missing");
	text_clear(&f->errs);
	assert_null(load(f, MINIMAL_ACCOUNT
	                 "storage:\n"
	                 "  backend: mysql\n"
	                 "  path: /var/lib/timmy/timmy.db\n"
	                 "access:\n"
	                 "  allow: [\"*@example.org\"]\n"));
	assert_only_error(f, ":5: storage.backend: unknown value \"mysql\" "
	                  "(expected sqlite or postgresql)");
	text_clear(&f->errs);
	assert_null(load(f, MINIMAL_ACCOUNT
	                 "storage:\n"
	                 "  path: /var/lib/timmy/timmy.db\n"
	                 "  password_file: /etc/timmy/db\n"
	                 "access:\n"
	                 "  allow: [\"*@example.org\"]\n"));
	assert_only_error(f, ":6: storage.password_file: only used with "
	                  "backend postgresql");
}

static void
cfg_load__reports_missing_key__when_storage_path_missing(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, "account: {jid: a@example.org, password: x}\n"
	                    "access: {allow: [a@example.org]}\n"
	                    "storage:\n"
	                    "  # no path\n"
	                    "log: {level: info}\n"));
	assert_only_error(f, ":3: storage.path: required key is missing");
}

static void
cfg_load__reports_missing_section__when_storage_missing(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, "account: {jid: a@example.org, password: x}\n"
	                    "access: {allow: [a@example.org]}\n"));
	assert_only_error(f, ": storage: required section is missing");
}

static void
cfg_load__reports_missing_key__when_allow_missing(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, "account: {jid: a@example.org, password: x}\n"
	                    "storage: {path: t.db}\n"
	                    "access:\n"
	                    "  admins: [a@example.org]\n"));
	assert_only_error(f, ":3: access.allow: required key is missing");
}

static void
cfg_load__reports_empty_list__when_allow_empty(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, "account: {jid: a@example.org, password: x}\n"
	                    "storage: {path: t.db}\n"
	                    "access:\n"
	                    "  allow: []\n"));
	assert_only_error(f, ":4: access.allow: the list is empty (expected at "
	                     "least one name@domain or *@domain)");
}

static void
cfg_load__reports_missing_password__when_neither_given(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, "storage: {path: t.db}\n"
	                    "account:\n"
	                    "  jid: a@example.org\n"
	                    "access: {allow: [a@example.org]}\n"));
	assert_only_error(f, ":2: account.password_file: required key is "
	                     "missing (or set account.password)");
}

static void
cfg_load__rejects_both__when_password_and_password_file(void **state)
{
	struct fixture *f = *state;

	write_pass(f, "x\n");
	assert_null(load(f, "account:\n"
	                    "  jid: a@example.org\n"
	                    "  password_file: %s\n"
	                    "  password: x\n"
	                    "storage: {path: t.db}\n"
	                    "access: {allow: [a@example.org]}\n",
	                 f->pass));
	assert_only_error(f, ":4: account.password: set either password or "
	                     "password_file, not both");
}

static void
cfg_load__reports_type__when_allow_is_string(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, "account: {jid: a@example.org, password: x}\n"
	                    "storage: {path: t.db}\n"
	                    "access:\n"
	                    "  allow: a@example.org\n"));
	assert_only_error(f, ":4: access.allow: expected a list of JIDs, "
	                     "got a string");
}

static void
cfg_load__reports_type__when_section_is_list(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, MINIMAL "log: [info]\n"));
	assert_only_error(f, ":8: log: expected a mapping, got a list");
}

/* Each of bad as account.port is refused with the same message. */
static void
assert_ports_refused(struct fixture *f, const char *const *bad, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		assert_null(load(f, "account:\n"
		                    "  jid: a@example.org\n"
		                    "  password: x\n"
		                    "  port: %s\n"
		                    "storage: {path: t.db}\n"
		                    "access: {allow: [a@example.org]}\n",
		                 bad[i]));
		assert_only_error(f, ":4: account.port: expected a number 1-65535");
		text_clear(&f->errs);
		unlink(f->cfg);
		f->cfg[0] = '\0';
	}
}

static void
cfg_load__reports_range__when_port_not_a_number(void **state)
{
	static const char *const bad[] = { "abc", "52x", "\"\"", "-1",
	                                    "\" 5222\"", "[5222]" };

	assert_ports_refused(*state, bad, sizeof(bad) / sizeof(bad[0]));
}

static void
cfg_load__reports_range__when_port_out_of_range(void **state)
{
	static const char *const bad[] = { "70000", "0", "65536",
	                                    "99999999999999999999" };

	assert_ports_refused(*state, bad, sizeof(bad) / sizeof(bad[0]));
}

static void
cfg_load__accepts_port__when_at_limits(void **state)
{
	static const struct {
		const char *yaml;
		unsigned short port;
	} ok[] = { { "1", 1 }, { "65535", 65535 }, { "\"5222\"", 5222 } };
	struct fixture *f = *state;
	struct cfg *cfg;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		cfg = load(f, "account: {jid: a@example.org, password: x, "
		              "port: %s}\n"
		              "storage: {path: t.db}\n"
		              "access: {allow: [a@example.org]}\n",
		           ok[i].yaml);
		assert_string_equal(text_str(&f->errs), "");
		assert_non_null(cfg);
		assert_int_equal(cfg->port, ok[i].port);
		cfg_free(cfg);
		unlink(f->cfg);
		f->cfg[0] = '\0';
	}
}

static void
cfg_load__reports_duplicate__when_section_repeated(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, MINIMAL "account:\n  port: 1\n"));
	assert_only_error(f, ":8: account: duplicate key (first at line 1)");
}

static void
cfg_load__names_key_and_line__when_tls_unknown(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, "account:\n"
	                    "  jid: a@example.org\n"
	                    "  password: x\n"
	                    "  host: xmpp.example.org\n"
	                    "  port: 5222\n"
	                    "\n"
	                    "  tls: maybe\n"
	                    "storage: {path: t.db}\n"
	                    "access: {allow: [a@example.org]}\n"));
	assert_only_error(f, ":7: account.tls: unknown value \"maybe\" "
	                     "(expected required, trust-any or off)");
}

static void
cfg_load__rejects_tls_off__when_host_not_loopback(void **state)
{
	static const char *const hosts[] = { "xmpp.example.org", "10.0.0.1",
	                                     "128.0.0.1", "::2" };
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		assert_null(load(f, "account:\n"
		                    "  jid: a@example.org\n"
		                    "  password: x\n"
		                    "  host: \"%s\"\n"
		                    "  tls: off\n"
		                    "storage: {path: t.db}\n"
		                    "access: {allow: [a@example.org]}\n",
		                 hosts[i]));
		assert_only_error(f, ":5: account.tls: off is only allowed with a "
		                     "loopback host (host: 127.0.0.1)");
		text_clear(&f->errs);
		unlink(f->cfg);
		f->cfg[0] = '\0';
	}
}

static void
cfg_load__rejects_tls_off__when_host_unset(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, "account:\n"
	                    "  jid: a@localhost\n"
	                    "  password: x\n"
	                    "  tls: off\n"
	                    "storage: {path: t.db}\n"
	                    "access: {allow: [a@localhost]}\n"));
	assert_only_error(f, ":4: account.tls: off is only allowed with a "
	                     "loopback host (host: 127.0.0.1)");
}

static void
cfg_load__accepts_tls_off__when_host_loopback(void **state)
{
	static const char *const hosts[] = { "127.0.0.1", "127.1.2.3", "::1",
	                                     "localhost", "LocalHost" };
	struct fixture *f = *state;
	struct cfg *cfg;
	size_t i;

	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		cfg = load(f, "account:\n"
		              "  jid: a@example.org\n"
		              "  password: x\n"
		              "  host: \"%s\"\n"
		              "  tls: off\n"
		              "storage: {path: t.db}\n"
		              "access: {allow: [a@example.org]}\n",
		           hosts[i]);
		assert_string_equal(text_str(&f->errs), "");
		assert_non_null(cfg);
		assert_int_equal(cfg->tls, CFG_TLS_OFF);
		assert_string_equal(cfg->host, hosts[i]);
		cfg_free(cfg);
		unlink(f->cfg);
		f->cfg[0] = '\0';
	}
}

static void
cfg_load__names_zone__when_timezone_unknown(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, MINIMAL "defaults:\n  timezone: Mars/Olympus\n"));
	assert_only_error(f, ":9: defaults.timezone: unknown time zone "
	                     "\"Mars/Olympus\"");
}

static void
cfg_load__names_value__when_log_level_unknown(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, MINIMAL "log:\n  level: loud\n"));
	assert_only_error(f, ":9: log.level: unknown value \"loud\" (expected "
	                     "error, warn, info or debug)");
}

static void
cfg_load__rejects_jid__when_it_has_a_resource(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, "account:\n"
	                    "  jid: timmy@example.org/office\n"
	                    "  password: x\n"
	                    "storage: {path: t.db}\n"
	                    "access: {allow: [a@example.org]}\n"));
	assert_only_error(f, ":2: account.jid: \"timmy@example.org/office\" is "
	                     "not a bare JID (expected name@domain, without a "
	                     "/resource)");
}

static void
cfg_load__rejects_jid__when_it_is_a_wildcard_or_has_no_node(void **state)
{
	static const char *const bad[] = { "*@example.org", "example.org",
	                                   "a b@example.org", "@example.org" };
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_null(load(f, "account:\n"
		                    "  jid: \"%s\"\n"
		                    "  password: x\n"
		                    "storage: {path: t.db}\n"
		                    "access: {allow: [a@example.org]}\n",
		                 bad[i]));
		assert_int_equal(count_errors(f), 1);
		assert_non_null(strstr(text_str(&f->errs),
		                       ":2: account.jid: \""));
		text_clear(&f->errs);
		unlink(f->cfg);
		f->cfg[0] = '\0';
	}
}

static void
cfg_load__names_item_line__when_allow_pattern_invalid(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, "account: {jid: a@example.org, password: x}\n"
	                    "storage: {path: t.db}\n"
	                    "access:\n"
	                    "  allow:\n"
	                    "    - a@example.org\n"
	                    "    - \"bob@example.org/phone\"\n"
	                    "  admins: [\"*.example.org\"]\n"));
	assert_error(f, ":6: access.allow: invalid pattern "
	                "\"bob@example.org/phone\" (expected name@domain or "
	                "*@domain)");
	assert_error(f, ":7: access.admins: invalid pattern \"*.example.org\" "
	                "(expected name@domain or *@domain)");
	assert_int_equal(count_errors(f), 2);
}

static void
cfg_load__escapes_value__when_it_has_control_characters(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, MINIMAL "log: {level: \"x\\nbot.yaml:1: forged\"}\n"));
	assert_only_error(f, ":8: log.level: unknown value \"x\\x0abot.yaml:1: "
	                     "forged\" (expected error, warn, info or debug)");
}

static void
cfg_load__reports_line_and_column__when_yaml_invalid(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, "account:\n"
	                    "  jid: a@example.org\n"
	                    "  password: [x\n"
	                    "storage: {path: t.db}\n"));
	assert_int_equal(count_errors(f), 1);
	/* libyaml's own words, after our "FILE:LINE:COL: syntax error: ". */
	assert_non_null(strstr(text_str(&f->errs), ":4:8: syntax error: "));
	text_clear(&f->errs);
	unlink(f->cfg);

	assert_null(load(f, "account:\n"
	                    "  jid: a@example.org\n"
	                    " password: x\n"));
	assert_only_error(f, ":3:2: syntax error: did not find expected key "
	                     "(while parsing a block mapping at line 1)");
}

static void
cfg_load__reports_second_document__when_file_has_two(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, MINIMAL "---\nlog: {level: debug}\n"));
	assert_only_error(f, ":9: only one YAML document is allowed");
}

static void
cfg_load__names_file__when_password_file_unreadable(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, "account:\n"
	                    "  jid: a@example.org\n"
	                    "  password_file: /nonexistent/timmy/pass\n"
	                    "storage: {path: t.db}\n"
	                    "access: {allow: [a@example.org]}\n"));
	assert_only_error(f, ":3: account.password_file: cannot read "
	                     "\"/nonexistent/timmy/pass\": No such file or "
	                     "directory");
	text_clear(&f->errs);
	unlink(f->cfg);

	assert_null(load(f, "account:\n"
	                    "  jid: a@example.org\n"
	                    "  password_file: /tmp\n"
	                    "storage: {path: t.db}\n"
	                    "access: {allow: [a@example.org]}\n"));
	assert_only_error(f, ":3: account.password_file: \"/tmp\" is not a "
	                     "regular file");
}

static void
cfg_load__rejects_empty_password__when_first_line_empty(void **state)
{
	struct fixture *f = *state;
	char expected[256];

	write_pass(f, "\n" SECRET "\n");
	assert_null(load(f, "account:\n"
	                    "  jid: a@example.org\n"
	                    "  password_file: %s\n"
	                    "storage: {path: t.db}\n"
	                    "access: {allow: [a@example.org]}\n",
	                 f->pass));
	snprintf(expected, sizeof(expected),
	         ":3: account.password_file: \"%s\": the first line is empty",
	         f->pass);
	assert_only_error(f, expected);
	assert_null(strstr(text_str(&f->errs), SECRET));
	text_clear(&f->errs);
	unlink(f->cfg);

	assert_null(load(f, "account:\n"
	                    "  jid: a@example.org\n"
	                    "  password: \"\"\n"
	                    "storage: {path: t.db}\n"
	                    "access: {allow: [a@example.org]}\n"));
	assert_only_error(f, ":3: account.password: must not be empty");
}

static void
cfg_load__reports_empty__when_file_empty(void **state)
{
	static const char *const empty[] = { "", "# only a comment\n", "---\n" };
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		assert_null(load(f, "%s", empty[i]));
		assert_only_error(f, ": the file is empty (expected the sections "
		                     "account, storage and access)");
		text_clear(&f->errs);
		unlink(f->cfg);
		f->cfg[0] = '\0';
	}
}

static void
cfg_load__reports_type__when_top_level_not_mapping(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, "\n- account\n- storage\n"));
	assert_only_error(f, ":2: expected a mapping of sections (account, "
	                     "storage, access, ...), got a list");
}

static void
cfg_load__reports_strerror__when_file_missing(void **state)
{
	struct fixture *f = *state;

	snprintf(f->cfg, sizeof(f->cfg), "/nonexistent/timmy/bot.yaml");
	assert_null(cfg_load(f->cfg, &f->errs));
	assert_only_error(f, ": cannot open: No such file or directory");
	f->cfg[0] = '\0';
}

static void
cfg_load__reports_every_problem__when_file_has_several(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, "account:\n"                        /* 1 */
	                    "  jid: bob@example.org/res\n"      /* 2 */
	                    "  port: 52x\n"                     /* 3 */
	                    "  tls: maybe\n"                    /* 4 */
	                    "  colour: blue\n"                  /* 5 */
	                    "access:\n"                         /* 6 */
	                    "  allow: \"*@example.org\"\n"      /* 7 */
	                    "defaults:\n"                       /* 8 */
	                    "  timezone: Mars/Olympus\n"        /* 9 */
	                    "log: {level: loud}\n"              /* 10 */
	                    "extra: 1\n"));                     /* 11 */
	assert_error(f, ":2: account.jid: \"bob@example.org/res\" is not a bare "
	                "JID (expected name@domain, without a /resource)");
	assert_error(f, ":3: account.port: expected a number 1-65535");
	assert_error(f, ":4: account.tls: unknown value \"maybe\" (expected "
	                "required, trust-any or off)");
	assert_error(f, ":5: account.colour: unknown key");
	assert_error(f, ":1: account.password_file: required key is missing "
	                "(or set account.password)");
	assert_error(f, ": storage: required section is missing");
	assert_error(f, ":7: access.allow: expected a list of JIDs, got a string");
	assert_error(f, ":9: defaults.timezone: unknown time zone "
	                "\"Mars/Olympus\"");
	assert_error(f, ":10: log.level: unknown value \"loud\" (expected error, "
	                "warn, info or debug)");
	assert_error(f, ":11: extra: unknown section (expected account, "
	                "storage, access, limits, defaults, idle, reminders, "
	                "export, import, log or teams)");
	assert_int_equal(count_errors(f), 10);
}

static void
cfg_load__never_shows_password__when_file_has_other_errors(void **state)
{
	struct fixture *f = *state;

	/* Inline, next to other problems. */
	assert_null(load(f, "account:\n"
	                    "  jid: bad jid\n"
	                    "  password: " SECRET "\n"
	                    "  tls: maybe\n"
	                    "storage: {path: [t.db]}\n"
	                    "access: {allow: [\"x y\"]}\n"));
	assert_int_equal(count_errors(f), 4);
	assert_null(strstr(text_str(&f->errs), SECRET));
	text_clear(&f->errs);
	unlink(f->cfg);

	/* Breaking the YAML itself. */
	assert_null(load(f, "account:\n"
	                    "  jid: a@example.org\n"
	                    "  password: " SECRET ": \"" SECRET "\n"));
	assert_int_equal(count_errors(f), 1);
	assert_non_null(strstr(text_str(&f->errs), ":3:"));
	assert_null(strstr(text_str(&f->errs), SECRET));
	text_clear(&f->errs);
	unlink(f->cfg);

	/* An unclosed quote folds the password line into another value;
	 * that value is never quoted back. */
	assert_null(load(f, "account:\n"
	                    "  jid: \"timmy@example.org\n"
	                    "  password: " SECRET "\"\n"
	                    "storage: {path: t.db}\n"
	                    "access: {allow: [\"a@example.org\n"
	                    "  " SECRET "\"]}\n"));
	assert_error(f, ":2: account.jid: the value runs over 2 lines (an "
	                "unclosed quote?); write it on one line");
	assert_error(f, ":5: access.allow: an item runs over several lines "
	                "(an unclosed quote?)");
	assert_null(strstr(text_str(&f->errs), SECRET));
	text_clear(&f->errs);
	unlink(f->cfg);

	/* Malformed: a list where the password goes. */
	assert_null(load(f, "account:\n"
	                    "  jid: a@example.org\n"
	                    "  password: [" SECRET "]\n"
	                    "storage: {path: t.db}\n"
	                    "access: {allow: [a@example.org]}\n"
	                    "log: {level: x}\n"));
	assert_error(f, ":3: account.password: expected a string, got a list");
	assert_int_equal(count_errors(f), 2);
	assert_null(strstr(text_str(&f->errs), SECRET));
	text_clear(&f->errs);
	unlink(f->cfg);

	/* With a NUL byte. */
	assert_null(load(f, "account:\n"
	                    "  jid: a@example.org\n"
	                    "  password: \"" SECRET "\\0\"\n"
	                    "storage: {path: t.db}\n"
	                    "access: {allow: [a@example.org]}\n"));
	assert_only_error(f, ":3: account.password: contains a NUL byte");
	assert_null(strstr(text_str(&f->errs), SECRET));
	text_clear(&f->errs);
	unlink(f->cfg);

	/* In a file, next to other problems, and too long. */
	{
		char longpw[1100];

		memset(longpw, 'A', sizeof(longpw) - 1);
		memcpy(longpw, SECRET, strlen(SECRET));
		longpw[sizeof(longpw) - 1] = '\0';
		write_pass(f, longpw);
	}
	assert_null(load(f, "account:\n"
	                    "  jid: a@example.org\n"
	                    "  password_file: %s\n"
	                    "storage: {path: t.db}\n"
	                    "access: {allow: [a@example.org]}\n"
	                    "log: {level: x}\n",
	                 f->pass));
	assert_non_null(strstr(text_str(&f->errs),
	                       "the password is longer than 1023 bytes"));
	assert_int_equal(count_errors(f), 2);
	assert_null(strstr(text_str(&f->errs), SECRET));
}

static void
cfg_load__applies_defaults__when_export_keys_null(void **state)
{
	struct fixture *f = *state;
	struct cfg *cfg = load(f, MINIMAL "export:\n"
	                                  "  upload:\n"
	                                  "  inline_part_bytes: ~\n");

	assert_string_equal(text_str(&f->errs), "");
	assert_non_null(cfg);
	assert_int_equal(cfg->upload, CFG_UPLOAD_AUTO);
	assert_int_equal(cfg->inline_part_bytes, CFG_PART_DEFAULT);
	cfg_free(cfg);
}

static void
cfg_load__reads_upload__when_auto_or_off(void **state)
{
	static const struct {
		const char *yaml;
		enum cfg_upload upload;
	} ok[] = { { "auto", CFG_UPLOAD_AUTO },
	           { "off", CFG_UPLOAD_OFF },
	           { "\"off\"", CFG_UPLOAD_OFF } };
	struct fixture *f = *state;
	struct cfg *cfg;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		cfg = load(f, MINIMAL "export:\n  upload: %s\n", ok[i].yaml);
		assert_string_equal(text_str(&f->errs), "");
		assert_non_null(cfg);
		assert_int_equal(cfg->upload, ok[i].upload);
		assert_int_equal(cfg->inline_part_bytes, CFG_PART_DEFAULT);
		cfg_free(cfg);
		unlink(f->cfg);
		f->cfg[0] = '\0';
	}
}

static void
cfg_load__names_value__when_upload_unknown(void **state)
{
	static const char *const bad[] = { "on", "Auto", "OFF", "false",
	                                   "\"auto \"" };
	static const char *const shown[] = { "on", "Auto", "OFF", "false",
	                                     "auto " };
	struct fixture *f = *state;
	char expected[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_null(load(f, MINIMAL "export:\n  upload: %s\n", bad[i]));
		snprintf(expected, sizeof(expected),
		         ":9: export.upload: unknown value \"%s\" (expected "
		         "auto or off)", shown[i]);
		assert_only_error(f, expected);
		text_clear(&f->errs);
		unlink(f->cfg);
		f->cfg[0] = '\0';
	}
}

static void
cfg_load__reports_type__when_upload_not_a_string(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, MINIMAL "export:\n  upload: [auto]\n"));
	assert_only_error(f, ":9: export.upload: expected a string, got a list");
}

static void
cfg_load__accepts_inline_part_bytes__when_in_range(void **state)
{
	static const struct {
		const char *yaml;
		size_t bytes;
	} ok[] = { { "512", 512 },
	           { "65536", 65536 },
	           { "\"4096\"", 4096 },
	           { "8192", 8192 } };
	struct fixture *f = *state;
	struct cfg *cfg;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		cfg = load(f, MINIMAL "export: {inline_part_bytes: %s}\n",
		           ok[i].yaml);
		assert_string_equal(text_str(&f->errs), "");
		assert_non_null(cfg);
		assert_int_equal(cfg->inline_part_bytes, ok[i].bytes);
		assert_int_equal(cfg->upload, CFG_UPLOAD_AUTO);
		cfg_free(cfg);
		unlink(f->cfg);
		f->cfg[0] = '\0';
	}
}

static void
cfg_load__reports_range__when_inline_part_bytes_bad(void **state)
{
	static const char *const bad[] = { "511", "65537", "0", "-1", "abc",
	                                   "8k", "8192.0", "\" 8192\"", "\"\"",
	                                   "[8192]", "{a: 1}",
	                                   "99999999999999999999" };
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_null(load(f, MINIMAL "export:\n"
		                            "  upload: auto\n"
		                            "  inline_part_bytes: %s\n",
		                 bad[i]));
		assert_only_error(f, ":10: export.inline_part_bytes: expected a "
		                     "number 512-65536");
		text_clear(&f->errs);
		unlink(f->cfg);
		f->cfg[0] = '\0';
	}
}

static void
cfg_load__names_key_and_line__when_export_key_unknown(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, MINIMAL "export:\n"
	                            "  upload: off\n"
	                            "  inline_parts: 4\n"
	                            "  upload: auto\n"));
	assert_error(f, ":10: export.inline_parts: unknown key");
	assert_error(f, ":11: export.upload: duplicate key (first at line 9)");
	assert_int_equal(count_errors(f), 2);
}

static void
cfg_load__reports_type__when_export_not_mapping(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, MINIMAL "export: inline\n"));
	assert_only_error(f, ":8: export: expected a mapping, got a string");
	text_clear(&f->errs);
	unlink(f->cfg);

	assert_null(load(f, MINIMAL "export: [upload]\n"));
	assert_only_error(f, ":8: export: expected a mapping, got a list");
}

static void
cfg_load__reports_both__when_export_keys_both_bad(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, MINIMAL "export: {upload: sometimes,\n"
	                            "         inline_part_bytes: 100}\n"
	                            "log: {level: loud}\n"));
	assert_error(f, ":8: export.upload: unknown value \"sometimes\" "
	                "(expected auto or off)");
	assert_error(f, ":9: export.inline_part_bytes: expected a number "
	                "512-65536");
	assert_error(f, ":10: log.level: unknown value \"loud\" (expected "
	                "error, warn, info or debug)");
	assert_int_equal(count_errors(f), 3);
}

/* bot.yaml.example documents every key; with its password file pointed at
 * a real file it must load. Run from the top of the tree (make does). */
static void
cfg_load__accepts_example__when_password_file_exists(void **state)
{
	struct fixture *f = *state;
	char example[32768], *at;
	const char *key = "password_file: /etc/timmy/password\n";
	struct cfg *cfg;
	FILE *fp;
	size_t n;

	if ((fp = fopen("bot.yaml.example", "r")) == NULL) {
		skip();
		return;
	}
	n = fread(example, 1, sizeof(example) - 1, fp);
	assert_true(feof(fp));
	fclose(fp);
	example[n] = '\0';
	assert_non_null(at = strstr(example, key));
	*at = '\0';
	write_pass(f, SECRET "\n");
	cfg = load(f, "%spassword_file: %s\n%s", example, f->pass,
	           at + strlen(key));
	assert_string_equal(text_str(&f->errs), "");
	assert_non_null(cfg);
	assert_string_equal(cfg->jid, "timmy@example.org");
	assert_string_equal(cfg->password, SECRET);
	assert_int_equal(cfg->tls, CFG_TLS_REQUIRED);
	assert_true(cfg->nallow > 0);
	assert_int_equal(cfg->upload, CFG_UPLOAD_AUTO);
	assert_int_equal(cfg->inline_part_bytes, CFG_PART_DEFAULT);
	assert_int_equal(cfg->keepalive, CFG_KEEPALIVE_DEFAULT);
	assert_int_equal(cfg->max_body, CFG_MAX_BODY_DEFAULT);
	assert_int_equal(cfg->commands_per_minute, CFG_RATE_DEFAULT);
	assert_int_equal(cfg->burst, CFG_BURST_DEFAULT);
	/* The settings it shows are the built-in defaults. */
	assert_builtin_prefs(&cfg->prefs);
	cfg_free(cfg);
}

static void
cfg_load__accepts_keepalive__when_in_range(void **state)
{
	static const struct {
		const char *yaml;
		unsigned seconds;
	} ok[] = { { "10", 10 }, { "3600", 3600 }, { "\"60\"", 60 },
	           { "~", CFG_KEEPALIVE_DEFAULT }, { "", CFG_KEEPALIVE_DEFAULT } };
	struct fixture *f = *state;
	struct cfg *cfg;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		cfg = load(f, MINIMAL_ACCOUNT "  keepalive: %s\n" MINIMAL_REST,
		           ok[i].yaml);
		assert_string_equal(text_str(&f->errs), "");
		assert_non_null(cfg);
		assert_int_equal(cfg->keepalive, ok[i].seconds);
		cfg_free(cfg);
		unlink(f->cfg);
		f->cfg[0] = '\0';
	}
}

static void
cfg_load__reports_range__when_keepalive_bad(void **state)
{
	static const char *const bad[] = { "9", "0", "3601", "-10", "1.5",
	                                    "90s", "\" 90\"", "[90]", "{s: 90}",
	                                    "99999999999999999999" };
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_null(load(f, MINIMAL_ACCOUNT "  keepalive: %s\n" MINIMAL_REST,
		                 bad[i]));
		assert_only_error(f, ":4: account.keepalive: expected a number "
		                     "10-3600");
		text_clear(&f->errs);
		unlink(f->cfg);
		f->cfg[0] = '\0';
	}
}

static void
cfg_load__accepts_limits__when_in_range(void **state)
{
	static const struct {
		const char *yaml;
		size_t max_body;
		unsigned rate, burst;
	} ok[] = {
		{ "{max_body: 64, commands_per_minute: 0, burst: 1}", 64, 0, 1 },
		{ "{max_body: 65536, commands_per_minute: 10000, burst: 1000}",
		  65536, 10000, 1000 },
		{ "{max_body: \"4096\"}", 4096, CFG_RATE_DEFAULT,
		  CFG_BURST_DEFAULT },
		{ "{commands_per_minute: 0}", CFG_MAX_BODY_DEFAULT, 0,
		  CFG_BURST_DEFAULT },
		{ "{burst: ~, max_body: }", CFG_MAX_BODY_DEFAULT,
		  CFG_RATE_DEFAULT, CFG_BURST_DEFAULT },
	};
	struct fixture *f = *state;
	struct cfg *cfg;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		cfg = load(f, MINIMAL "limits: %s\n", ok[i].yaml);
		assert_string_equal(text_str(&f->errs), "");
		assert_non_null(cfg);
		assert_int_equal(cfg->max_body, ok[i].max_body);
		assert_int_equal(cfg->commands_per_minute, ok[i].rate);
		assert_int_equal(cfg->burst, ok[i].burst);
		cfg_free(cfg);
		unlink(f->cfg);
		f->cfg[0] = '\0';
	}
}

static void
cfg_load__reports_range__when_limits_out_of_range(void **state)
{
	static const struct {
		const char *key, *value, *expected;
	} bad[] = {
		{ "max_body", "63", "limits.max_body: expected a number 64-65536" },
		{ "max_body", "65537", "limits.max_body: expected a number 64-65536" },
		{ "max_body", "0", "limits.max_body: expected a number 64-65536" },
		{ "max_body", "2k", "limits.max_body: expected a number 64-65536" },
		{ "max_body", "[2048]", "limits.max_body: expected a number 64-65536" },
		{ "commands_per_minute", "-1",
		  "limits.commands_per_minute: expected a number 0-10000" },
		{ "commands_per_minute", "10001",
		  "limits.commands_per_minute: expected a number 0-10000" },
		{ "commands_per_minute", "0.5",
		  "limits.commands_per_minute: expected a number 0-10000" },
		{ "commands_per_minute", "off",
		  "limits.commands_per_minute: expected a number 0-10000" },
		{ "burst", "0", "limits.burst: expected a number 1-1000" },
		{ "burst", "1001", "limits.burst: expected a number 1-1000" },
		{ "burst", "\" 10\"", "limits.burst: expected a number 1-1000" },
		{ "burst", "99999999999999999999",
		  "limits.burst: expected a number 1-1000" },
	};
	struct fixture *f = *state;
	char expected[128];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_null(load(f, MINIMAL "limits:\n"
		                            "  %s: %s\n",
		                 bad[i].key, bad[i].value));
		snprintf(expected, sizeof(expected), ":9: %s", bad[i].expected);
		assert_only_error(f, expected);
		text_clear(&f->errs);
		unlink(f->cfg);
		f->cfg[0] = '\0';
	}
}

static void
cfg_load__reports_every_limit__when_all_three_bad(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, MINIMAL "limits:\n"              /* 8 */
	                            "  max_body: 10\n"       /* 9 */
	                            "  commands_per_minute: lots\n"
	                            "  burst: 0\n"           /* 11 */
	                            "  rate: 5\n"            /* 12 */
	                            "  burst: 2\n"));        /* 13 */
	assert_error(f, ":9: limits.max_body: expected a number 64-65536");
	assert_error(f, ":10: limits.commands_per_minute: expected a number "
	                "0-10000");
	assert_error(f, ":11: limits.burst: expected a number 1-1000");
	assert_error(f, ":12: limits.rate: unknown key");
	assert_error(f, ":13: limits.burst: duplicate key (first at line 11)");
	assert_int_equal(count_errors(f), 5);
}

static void
cfg_load__reports_type__when_limits_not_mapping(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, MINIMAL "limits: 30\n"));
	assert_only_error(f, ":8: limits: expected a mapping, got a string");
	text_clear(&f->errs);
	unlink(f->cfg);

	assert_null(load(f, MINIMAL "limits: [max_body]\n"));
	assert_only_error(f, ":8: limits: expected a mapping, got a list");
}

/* Loads a config naming f->pass as its password file, with that file's
 * mode set to mode first. */
static struct cfg *
load_with_pass_mode(struct fixture *f, mode_t mode)
{
	assert_int_equal(chmod(f->pass, mode), 0);
	return load(f, "account:\n"
	               "  jid: a@example.org\n"
	               "  password_file: %s\n"
	               "storage: {path: t.db}\n"
	               "access: {allow: [a@example.org]}\n",
	            f->pass);
}

static void
cfg_load__refuses_password_file__when_group_or_others_may_read(void **state)
{
	static const struct {
		mode_t mode;
		const char *who;
	} bad[] = {
		{ 0644, "group and others" }, { 0640, "its group" },
		{ 0604, "others" },           { 0444, "group and others" },
		{ 0660, "its group" },        { 0606, "others" },
	};
	struct fixture *f = *state;
	char expected[512];
	size_t i;

	write_pass(f, SECRET "\n");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_null(load_with_pass_mode(f, bad[i].mode));
		snprintf(expected, sizeof(expected),
		         ":3: account.password_file: \"%s\" is readable by %s "
		         "(mode %04o); make it readable by timmy alone: chmod "
		         "600 \"%s\"",
		         f->pass, bad[i].who, (unsigned)bad[i].mode, f->pass);
		assert_only_error(f, expected);
		assert_null(strstr(text_str(&f->errs), SECRET));
		text_clear(&f->errs);
		unlink(f->cfg);
		f->cfg[0] = '\0';
	}
}

static void
cfg_load__shows_whole_path__when_long_password_file_readable(void **state)
{
	struct fixture *f = *state;
	char path[256], expected[1024];
	struct cfg *cfg;
	int fd;

	/* Longer than the excerpts other values get: the fix names it. */
	snprintf(path, sizeof(path), "/tmp/timmy-test-a-password-file-with-"
	                             "a-name-well-past-sixty-four-bytes-XXXXXX");
	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, SECRET "\n", strlen(SECRET) + 1),
	                 (ssize_t)strlen(SECRET) + 1);
	assert_int_equal(fchmod(fd, 0644), 0);
	assert_int_equal(close(fd), 0);
	cfg = load(f, "account:\n"
	              "  jid: a@example.org\n"
	              "  password_file: %s\n"
	              "storage: {path: t.db}\n"
	              "access: {allow: [a@example.org]}\n",
	           path);
	unlink(path);
	assert_null(cfg);
	snprintf(expected, sizeof(expected),
	         ":3: account.password_file: \"%s\" is readable by group and "
	         "others (mode 0644); make it readable by timmy alone: chmod 600 "
	         "\"%s\"", path, path);
	assert_only_error(f, expected);
}

static void
cfg_load__reads_password_file__when_only_owner_may_read(void **state)
{
	static const mode_t ok[] = { 0600, 0400, 0700, 0620, 0602 };
	struct fixture *f = *state;
	struct cfg *cfg;
	size_t i;

	write_pass(f, SECRET "\n");
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		cfg = load_with_pass_mode(f, ok[i]);
		assert_string_equal(text_str(&f->errs), "");
		assert_non_null(cfg);
		assert_string_equal(cfg->password, SECRET);
		cfg_free(cfg);
		unlink(f->cfg);
		f->cfg[0] = '\0';
	}
}

static void
cfg_load__skips_mode_check__when_secrets_not_read(void **state)
{
	struct fixture *f = *state;
	char yaml[512];
	struct cfg *cfg;

	/* timmy report and export never read the password. */
	write_pass(f, SECRET "\n");
	assert_int_equal(chmod(f->pass, 0644), 0);
	snprintf(yaml, sizeof(yaml),
	         "account: {jid: a@example.org, password_file: %s}\n"
	         "storage: {path: t.db}\n"
	         "access: {allow: [a@example.org]}\n", f->pass);
	write_temp(f->cfg, sizeof(f->cfg), yaml);
	cfg = cfg_load_flags(f->cfg, CFG_NO_SECRETS, &f->errs);
	assert_string_equal(text_str(&f->errs), "");
	assert_non_null(cfg);
	assert_null(cfg->password);
	cfg_free(cfg);
}

/* Rewrites the config file f->cfg (keeping its name) with content. */
static void
rewrite(struct fixture *f, const char *content)
{
	FILE *fp = fopen(f->cfg, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(content, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

static void
cfg_reload__applies_access_and_log__when_file_valid(void **state)
{
	struct fixture *f = *state;
	char restart[128];
	struct cfg *cfg = load(f, MINIMAL);

	assert_non_null(cfg);
	rewrite(f, MINIMAL_ACCOUNT MINIMAL_REST
	        "  admins: [boss@example.org]\n"
	        "log: {level: debug}\n");
	assert_int_equal(cfg_reload(cfg, &f->errs, restart, sizeof(restart)), 0);
	assert_string_equal(text_str(&f->errs), "");
	assert_string_equal(restart, "");
	assert_int_equal(cfg->nallow, 1);
	assert_string_equal(cfg->allow[0], "*@example.org");
	assert_int_equal(cfg->nadmins, 1);
	assert_string_equal(cfg->admins[0], "boss@example.org");
	assert_int_equal(cfg->log_level, LOG_DEBUG);

	rewrite(f, MINIMAL_ACCOUNT "storage: {path: t.db}\n"
	           "access: {allow: [a@example.org, b@example.org]}\n");
	assert_int_equal(cfg_reload(cfg, &f->errs, restart, sizeof(restart)), 0);
	assert_int_equal(cfg->nallow, 2);
	assert_string_equal(cfg->allow[1], "b@example.org");
	assert_int_equal(cfg->nadmins, 0);
	assert_null(cfg->admins);
	assert_int_equal(cfg->log_level, LOG_INFO);
	cfg_free(cfg);
}

static void
cfg_reload__applies_limits__when_file_valid(void **state)
{
	struct fixture *f = *state;
	char restart[128];
	struct cfg *cfg = load(f, MINIMAL);

	assert_non_null(cfg);
	rewrite(f, MINIMAL "limits: {max_body: 100, commands_per_minute: 0, "
	                   "burst: 2}\n");
	assert_int_equal(cfg_reload(cfg, &f->errs, restart, sizeof(restart)), 0);
	assert_string_equal(text_str(&f->errs), "");
	assert_string_equal(restart, "");
	assert_int_equal(cfg->max_body, 100);
	assert_int_equal(cfg->commands_per_minute, 0);
	assert_int_equal(cfg->burst, 2);

	/* Left out again: the defaults. */
	rewrite(f, MINIMAL);
	assert_int_equal(cfg_reload(cfg, &f->errs, restart, sizeof(restart)), 0);
	assert_int_equal(cfg->max_body, CFG_MAX_BODY_DEFAULT);
	assert_int_equal(cfg->commands_per_minute, CFG_RATE_DEFAULT);
	assert_int_equal(cfg->burst, CFG_BURST_DEFAULT);

	/* A bad limit changes nothing. */
	rewrite(f, MINIMAL "limits: {max_body: 100, burst: 0}\n");
	assert_int_equal(cfg_reload(cfg, &f->errs, restart, sizeof(restart)), -1);
	assert_only_error(f, ":8: limits.burst: expected a number 1-1000");
	assert_int_equal(cfg->max_body, CFG_MAX_BODY_DEFAULT);
	cfg_free(cfg);
}

static void
cfg_reload__keeps_config__when_password_file_became_readable(void **state)
{
	struct fixture *f = *state;
	char restart[128];
	struct cfg *cfg;

	write_pass(f, SECRET "\n");
	cfg = load_with_pass_mode(f, 0600);
	assert_non_null(cfg);
	assert_int_equal(chmod(f->pass, 0644), 0);
	assert_int_equal(cfg_reload(cfg, &f->errs, restart, sizeof(restart)), -1);
	assert_non_null(strstr(text_str(&f->errs), "chmod 600"));
	assert_string_equal(cfg->password, SECRET);
	cfg_free(cfg);
}

static void
cfg_reload__names_sections_needing_restart__when_they_changed(void **state)
{
	struct fixture *f = *state;
	char restart[128];
	struct cfg *cfg = load(f, MINIMAL);

	assert_non_null(cfg);
	rewrite(f, "account:\n"
	           "  jid: timmy@example.org\n"
	           "  password: another-one\n"
	           "storage:\n"
	           "  path: /elsewhere.db\n"
	           "access:\n"
	           "  allow: [\"*@example.org\"]\n"
	           "defaults: {timezone: Europe/Berlin}\n"
	           "export: {upload: off}\n");
	assert_int_equal(cfg_reload(cfg, &f->errs, restart, sizeof(restart)), 0);
	assert_string_equal(restart, "account, storage, defaults, export");
	/* Those keep their old values. */
	assert_string_equal(cfg->password, SECRET);
	assert_string_equal(cfg->db_path, "/var/lib/timmy/timmy.db");
	assert_string_equal(cfg->timezone, "UTC");
	assert_int_equal(cfg->upload, CFG_UPLOAD_AUTO);
	assert_null(strstr(restart, "another-one"));

	rewrite(f, MINIMAL_ACCOUNT "  keepalive: 30\n" MINIMAL_REST);
	assert_int_equal(cfg_reload(cfg, &f->errs, restart, sizeof(restart)), 0);
	assert_string_equal(restart, "account");
	assert_int_equal(cfg->keepalive, CFG_KEEPALIVE_DEFAULT);
	cfg_free(cfg);
}

static void
cfg_reload__reports_every_error_and_keeps_config__when_file_invalid(void **state)
{
	struct fixture *f = *state;
	char restart[128] = "untouched";
	struct cfg *cfg = load(f, MINIMAL "log: {level: warn}\n");

	assert_non_null(cfg);
	rewrite(f, MINIMAL_ACCOUNT "  keepalive: 5\n"
	           "storage: {path: t.db}\n"
	           "access: {allow: [not a jid], admins: [x@example.org]}\n"
	           "log: {level: debug}\n");
	assert_int_equal(cfg_reload(cfg, &f->errs, restart, sizeof(restart)), -1);
	assert_error(f, ":4: account.keepalive: expected a number 10-3600");
	assert_error(f, ":6: access.allow: invalid pattern \"not a jid\" "
	                "(expected name@domain or *@domain)");
	assert_int_equal(count_errors(f), 2);
	assert_string_equal(restart, "");
	assert_int_equal(cfg->nallow, 1);
	assert_string_equal(cfg->allow[0], "*@example.org");
	assert_int_equal(cfg->nadmins, 0);
	assert_int_equal(cfg->log_level, LOG_WARN);
	assert_int_equal(cfg->keepalive, CFG_KEEPALIVE_DEFAULT);

	/* A file that vanished is an error too, and nothing changes. */
	unlink(f->cfg);
	text_clear(&f->errs);
	assert_int_equal(cfg_reload(cfg, &f->errs, restart, sizeof(restart)), -1);
	assert_true(count_errors(f) == 1);
	assert_int_equal(cfg->nallow, 1);
	f->cfg[0] = '\0';
	cfg_free(cfg);
}

static void
cfg_tls_name__names_each_mode(void **state)
{
	(void)state;
	assert_string_equal(cfg_tls_name(CFG_TLS_REQUIRED), "required");
	assert_string_equal(cfg_tls_name(CFG_TLS_TRUST_ANY), "trust-any");
	assert_string_equal(cfg_tls_name(CFG_TLS_OFF), "off");
}

static void
cfg_upload_name__names_each_mode(void **state)
{
	(void)state;
	assert_string_equal(cfg_upload_name(CFG_UPLOAD_AUTO), "auto");
	assert_string_equal(cfg_upload_name(CFG_UPLOAD_OFF), "off");
}

static void
cfg_free__accepts_null(void **state)
{
	(void)state;
	cfg_free(NULL);
}

static void
log_level_parse__round_trips_each_level(void **state)
{
	static const enum log_level levels[] = { LOG_ERROR, LOG_WARN, LOG_INFO,
	                                         LOG_DEBUG };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		assert_int_equal(log_level_parse(log_level_name(levels[i])),
		                 levels[i]);
	assert_int_equal(log_level_parse("INFO"), -1);
	assert_int_equal(log_level_parse("warning"), -1);
	assert_int_equal(log_level_parse(""), -1);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

static void
cfg_load__keeps_the_last_whole_character__when_a_long_key_is_cut(
	void **state)
{
	struct fixture *f = *state;
	char key[81], want[160];
	int i;

	/* 40 "ü", 80 bytes: the first 64 are 32 whole characters. */
	for (i = 0; i < 40; i++)
		memcpy(key + 2 * i, "\xc3\xbc", 2);
	key[80] = '\0';
	assert_null(load(f, "account:\n"
	                    "  jid: timmy@example.org\n"
	                    "  %s: blue\n"
	                    "  password: x\n"
	                    "storage: {path: t.db}\n"
	                    "access: {allow: [a@example.org]}\n", key));
	snprintf(want, sizeof(want), ":3: account.%.64s...: unknown key", key);
	assert_only_error(f, want);
}

/* ---- the defaults of the user settings: idle, reminders, defaults ---- */

static void
cfg_load__fills_the_settings_defaults__when_idle_reminders_and_defaults_given(
	void **state)
{
	struct fixture *f = *state;
	struct cfg *cfg;

	cfg = load(f, MINIMAL
	           "idle:\n"
	           "  after: 30m\n"
	           "  action: stop\n"
	           "reminders:\n"
	           "  running_over: 10h\n"
	           "  start_by: \"9:30\"\n"
	           "  digest: weekly fri 16:00\n"
	           "defaults:\n"
	           "  timezone: Europe/Berlin\n"
	           "  workdays: mon-thu\n"
	           "  workhours: 08:00-16:30\n"
	           "  roster: off\n"
	           "  hours: decimal\n"
	           "  rounding: 15m nearest\n");
	assert_string_equal(text_str(&f->errs), "");
	assert_non_null(cfg);
	assert_int_equal(cfg->prefs.idle_after, 30 * 60);
	assert_int_equal(cfg->prefs.idle_action, PREFS_IDLE_STOP);
	assert_true(cfg->prefs.reminders);
	assert_int_equal(cfg->prefs.running_over, 10 * 3600);
	assert_int_equal(cfg->prefs.start_by, 9 * 60 + 30);
	assert_int_equal(cfg->prefs.digest, PREFS_DIGEST_WEEKLY);
	assert_int_equal(cfg->prefs.digest_wday, 5);
	assert_int_equal(cfg->prefs.digest_at, 16 * 60);
	assert_int_equal(cfg->prefs.workdays, 0x1e);
	assert_int_equal(cfg->prefs.work_from, 8 * 60);
	assert_int_equal(cfg->prefs.work_to, 16 * 60 + 30);
	assert_false(cfg->prefs.roster);
	assert_true(cfg->prefs.hours_decimal);
	assert_int_equal(cfg->prefs.rounding.minutes, 15);
	assert_false(cfg->prefs.rounding.up);
	assert_string_equal(cfg->timezone, "Europe/Berlin");
	cfg_free(cfg);
}

static void
cfg_load__has_the_builtin_settings_defaults__when_sections_absent_or_null(
	void **state)
{
	struct fixture *f = *state;
	struct cfg *cfg = load(f, MINIMAL "idle:\nreminders:\n");

	assert_string_equal(text_str(&f->errs), "");
	assert_non_null(cfg);
	assert_builtin_prefs(&cfg->prefs);
	cfg_free(cfg);
}

static void
cfg_load__reports_every_bad_setting_with_line_and_key__when_values_wrong(
	void **state)
{
	struct fixture *f = *state;

	/* MINIMAL is lines 1-7. */
	assert_null(load(f, MINIMAL
	                 "idle:\n"                          /* 8 */
	                 "  after: soon\n"                  /* 9 */
	                 "  action: maybe\n"                /* 10 */
	                 "  later: 5m\n"                    /* 11 */
	                 "reminders:\n"                     /* 12 */
	                 "  running_over: 30h\n"            /* 13 */
	                 "  start_by: \"25:00\"\n"        /* 14 */
	                 "  digest: daily\n"                /* 15 */
	                 "defaults:\n"                      /* 16 */
	                 "  workdays: funday\n"             /* 17 */
	                 "  workhours: 17:00-09:00\n"       /* 18 */
	                 "  roster: [on]\n"                 /* 19 */
	                 "  timezone: Mars/Olympus\n"));    /* 20 */
	assert_error(f, ":9: idle.after: \"soon\" is not a duration. "
	                "idle.after takes a duration from 1m to 24h, such as "
	                "30m or 1h30m.");
	assert_error(f, ":10: idle.action: I don't know \"maybe\" here. "
	                "idle.action takes ask, stop or off.");
	assert_error(f, ":11: idle.later: unknown key");
	assert_error(f, ":13: reminders.running_over: \"30h\" is too long. "
	                "reminders.running_over takes a duration from 1m to "
	                "24h, such as 9h or 10h30m, or off.");
	assert_error(f, ":14: reminders.start_by: \"25:00\" is not a time of "
	                "day. reminders.start_by takes a time of day, such as "
	                "09:30, or off.");
	assert_error(f, ":15: reminders.digest: A daily digest needs a time. "
	                "reminders.digest takes off, daily HH:MM (such as daily "
	                "18:00) or weekly DAY HH:MM (such as weekly mon "
	                "09:00).");
	assert_error(f, ":17: defaults.workdays: \"funday\" is not a day of "
	                "the week. workdays takes days of the week and ranges "
	                "of them, such as mon-fri or mon,tue,thu.");
	assert_error(f, ":18: defaults.workhours: The end of the working hours "
	                "must come after their start. workhours takes a span of "
	                "hours, such as 09:00-17:00.");
	assert_error(f, ":19: defaults.roster: expected a string, got a list");
	assert_error(f, ":20: defaults.timezone: unknown time zone "
	                "\"Mars/Olympus\"");
	assert_int_equal(count_errors(f), 10);
}

static void
cfg_load__shows_a_setting_with_control_characters_escaped(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, MINIMAL "idle:\n  after: \"5m\\x01\"\n"));
	assert_only_error(f, ":9: idle.after: \"5m\\x01\" contains control "
	                     "characters");
}

static void
cfg_reload__applies_the_settings_defaults_at_once__when_file_valid(
	void **state)
{
	struct fixture *f = *state;
	char restart[128];
	struct cfg *cfg = load(f, MINIMAL);

	assert_non_null(cfg);
	assert_int_equal(cfg->prefs.idle_after, 15 * 60);
	rewrite(f, MINIMAL "idle: {after: 45m}\n"
	           "reminders: {digest: daily 18:00}\n"
	           "defaults: {workdays: \"mon,wed\", roster: off}\n");
	assert_int_equal(cfg_reload(cfg, &f->errs, restart, sizeof(restart)), 0);
	assert_string_equal(text_str(&f->errs), "");
	assert_string_equal(restart, "");
	assert_int_equal(cfg->prefs.idle_after, 45 * 60);
	assert_int_equal(cfg->prefs.digest, PREFS_DIGEST_DAILY);
	assert_int_equal(cfg->prefs.digest_at, 18 * 60);
	assert_int_equal(cfg->prefs.workdays, 0x0a);
	assert_false(cfg->prefs.roster);
	/* A file with errors changes nothing. */
	rewrite(f, MINIMAL "idle: {after: 1s}\n");
	assert_int_equal(cfg_reload(cfg, &f->errs, restart, sizeof(restart)), -1);
	assert_int_equal(cfg->prefs.idle_after, 45 * 60);
	/* Without the keys: the built-in defaults again. */
	rewrite(f, MINIMAL);
	assert_int_equal(cfg_reload(cfg, &f->errs, restart, sizeof(restart)), 0);
	assert_int_equal(cfg->prefs.idle_after, 15 * 60);
	assert_true(cfg->prefs.roster);
	cfg_free(cfg);
}

/* A teams section after MINIMAL (line 7 is access.allow): "teams:" is
 * line 8, "  web:" line 9. */
#define TEAMS_WEB                                                            \
	"teams:\n"                                                           \
	"  web:\n"                                                           \
	"    members: [\"alice@example.org\", \"bob@partner.net\"]\n"        \
	"    leads: [\"carol@lead.example\"]\n"                               \
	"    projects: [acme, \"acme website\"]\n"                           \
	"    room: web@conference.example.org\n"                             \
	"    digest: \"17:30\"\n"

static void
cfg_load__reads_every_key_of_a_team__when_teams_given(void **state)
{
	struct fixture *f = *state;
	struct cfg *cfg = load(f, MINIMAL TEAMS_WEB "  ops:\n"
	                       "    members: [dave@example.org]\n");
	const struct team *t;

	assert_string_equal(text_str(&f->errs), "");
	assert_non_null(cfg);
	assert_int_equal(cfg->teams.n, 2);
	t = &cfg->teams.v[0];
	assert_string_equal(t->name, "web");
	assert_int_equal(t->nmembers, 2);
	assert_string_equal(t->members[1], "bob@partner.net");
	assert_int_equal(t->nleads, 1);
	assert_string_equal(t->leads[0], "carol@lead.example");
	assert_int_equal(t->nprojects, 2);
	assert_string_equal(t->projects[0], "acme");
	assert_string_equal(t->projects[1], "acme website");
	assert_string_equal(t->room, "web@conference.example.org");
	assert_int_equal(t->digest, 17 * 60 + 30);
	t = &cfg->teams.v[1];
	assert_string_equal(t->name, "ops");
	assert_int_equal(t->nleads, 0);
	assert_int_equal(t->nprojects, 0);
	assert_null(t->room);
	assert_int_equal(t->digest, -1);
	cfg_free(cfg);
}

static void
cfg_load__has_no_teams__when_section_absent_or_null(void **state)
{
	struct fixture *f = *state;
	struct cfg *cfg = load(f, MINIMAL "teams:\n");

	assert_non_null(cfg);
	assert_int_equal(cfg->teams.n, 0);
	assert_null(cfg->teams.v);
	cfg_free(cfg);
}

static void
cfg_load__reports_every_team_problem_with_line_and_key__when_values_wrong(
	void **state)
{
	struct fixture *f = *state;
	char long_project[STORE_PROJECT_MAX_TEST + 2];
	struct cfg *cfg;

	memset(long_project, 'p', sizeof(long_project) - 1);
	long_project[sizeof(long_project) - 1] = '\0';
	cfg = load(f, MINIMAL
	           "teams:\n"                                       /* 8 */
	           "  web:\n"                                       /* 9 */
	           "    members: [\"*@example.org\", a@b/c]\n"      /* 10 */
	           "    leads: [carol]\n"                           /* 11 */
	           "    projects: [ok, %s]\n"                       /* 12 */
	           "    room: \"not a room\"\n"                     /* 13 */
	           "    digest: \"25:00\"\n"                        /* 14 */
	           "    colour: red\n"                              /* 15 */
	           "  ops:\n"                                       /* 16 */
	           "    members: []\n"                              /* 17 */
	           "    digest: \"9:5\"\n"                          /* 18 */
	           "  web:\n"                                       /* 19 */
	           "    members: [x@example.org]\n"                 /* 20 */
	           "  \"two words\":\n"                             /* 21 */
	           "    members: [x@example.org]\n"                 /* 22 */
	           "  qa:\n"                                        /* 23 */
	           "    leads: [x@example.org]\n"                   /* 24 */
	           "  dup:\n"                                       /* 25 */
	           "    members: [x@example.org, X@Example.org]\n", /* 26 */
	           long_project);
	assert_null(cfg);
	assert_error(f, ":10: teams.web.members: \"*@example.org\" is not a "
	                "bare JID (expected name@domain, without a /resource "
	                "or *)");
	assert_error(f, ":10: teams.web.members: \"a@b/c\" is not a bare JID "
	                "(expected name@domain, without a /resource or *)");
	assert_error(f, ":11: teams.web.leads: \"carol\" is not a bare JID "
	                "(expected name@domain, without a /resource or *)");
	assert_error(f, ":12: teams.web.projects: \"pppppppppppppppppppppppp"
	                "pppppppppppppppppppppppppppppppppppppppp...\" is "
	                "longer than 64 bytes");
	assert_error(f, ":13: teams.web.room: \"not a room\" is not a room's "
	                "bare JID (expected name@conference.domain)");
	assert_error(f, ":14: teams.web.digest: \"25:00\" is not a time of "
	                "day (expected HH:MM, e.g. \"17:30\")");
	assert_error(f, ":15: teams.web.colour: unknown key");
	assert_error(f, ":17: teams.ops.members: the list is empty (expected "
	                "at least one name@domain)");
	assert_error(f, ":18: teams.ops.digest: \"9:5\" is not a time of day "
	                "(expected HH:MM, e.g. \"17:30\")");
	assert_error(f, ":19: teams.web: the team is named twice (first at "
	                "line 9)");
	assert_error(f, ":21: teams.two words: a team's name is one word of "
	                "letters, digits, '-', '_' or '.' (at most 64 bytes)");
	assert_error(f, ":23: teams.qa.members: required key is missing");
	assert_error(f, ":26: teams.dup.members: X@Example.org is listed "
	                "twice");
	assert_int_equal(count_errors(f), 13);
}

static void
cfg_load__reports_type__when_teams_or_a_team_not_a_mapping(void **state)
{
	struct fixture *f = *state;

	assert_null(load(f, MINIMAL "teams: [web]\n"));
	assert_only_error(f, ":8: teams: expected a mapping of teams, got a "
	                     "list");
	text_clear(&f->errs);
	unlink(f->cfg);
	assert_null(load(f, MINIMAL "teams:\n  web: alice@example.org\n"));
	assert_only_error(f, ":9: teams.web: expected a mapping (members, "
	                     "leads, projects, room, digest), got a string");
}

static void
cfg_allowed__accepts_members_and_leads__as_if_in_allow(void **state)
{
	struct fixture *f = *state;
	struct cfg *cfg = load(f, MINIMAL TEAMS_WEB);

	assert_non_null(cfg);
	assert_true(cfg_allowed(cfg, "anyone@example.org"));
	assert_true(cfg_allowed(cfg, "bob@partner.net"));
	assert_true(cfg_allowed(cfg, "BOB@Partner.NET"));
	assert_true(cfg_allowed(cfg, "carol@lead.example"));
	assert_false(cfg_allowed(cfg, "eve@partner.net"));
	assert_false(cfg_allowed(cfg, "partner.net"));
	cfg_free(cfg);
}

static void
cfg_reload__moves_teams_in_at_once__when_file_valid(void **state)
{
	struct fixture *f = *state;
	char restart[128];
	struct cfg *cfg = load(f, MINIMAL TEAMS_WEB);

	assert_non_null(cfg);
	assert_true(cfg_allowed(cfg, "bob@partner.net"));
	rewrite(f, MINIMAL "teams:\n  web:\n    members: [alice@example.org]\n"
	           "    projects: [acme]\n");
	assert_int_equal(cfg_reload(cfg, &f->errs, restart, sizeof(restart)), 0);
	assert_string_equal(text_str(&f->errs), "");
	assert_string_equal(restart, "");
	assert_int_equal(cfg->teams.n, 1);
	assert_int_equal(cfg->teams.v[0].nmembers, 1);
	assert_int_equal(cfg->teams.v[0].nleads, 0);
	assert_null(cfg->teams.v[0].room);
	assert_false(cfg_allowed(cfg, "bob@partner.net"));
	assert_false(cfg_allowed(cfg, "carol@lead.example"));

	/* A bad teams section keeps the teams as they were. */
	rewrite(f, MINIMAL "teams:\n  web:\n    members: []\n");
	assert_int_equal(cfg_reload(cfg, &f->errs, restart, sizeof(restart)), -1);
	assert_int_equal(cfg->teams.v[0].nmembers, 1);
	rewrite(f, MINIMAL);
	assert_int_equal(cfg_reload(cfg, &f->errs, restart, sizeof(restart)), 0);
	assert_int_equal(cfg->teams.n, 0);
	cfg_free(cfg);
}

static void
cfg_load__reads_import__default_and_given(void **state)
{
	struct fixture *f = *state;
	struct cfg *cfg;

	cfg = load(f, MINIMAL);
	assert_non_null(cfg);
	assert_int_equal(cfg->import_max_bytes, 10 * 1024 * 1024);
	assert_int_equal(cfg->nimport_hosts, 0);
	cfg_free(cfg);
	unlink(f->cfg);
	f->cfg[0] = '\0';

	cfg = load(f, MINIMAL "import:\n"
	                      "  max_bytes: 1000\n"
	                      "  hosts: [files.example.org, 127.0.0.1, \"::1\"]\n");
	assert_string_equal(text_str(&f->errs), "");
	assert_non_null(cfg);
	assert_int_equal(cfg->import_max_bytes, 1000);
	assert_int_equal(cfg->nimport_hosts, 3);
	assert_string_equal(cfg->import_hosts[0], "files.example.org");
	assert_string_equal(cfg->import_hosts[2], "::1");
	cfg_free(cfg);
}

static void
cfg_load__reports_import__when_max_bytes_or_host_bad(void **state)
{
	static const char *const bad[] = { "0", "-1", "67108865", "10MiB",
	                                   "[1]" };
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_null(load(f, MINIMAL "import:\n  max_bytes: %s\n",
		                 bad[i]));
		assert_only_error(f, ":9: import.max_bytes: expected a number "
		                     "1-67108864");
		text_clear(&f->errs);
		unlink(f->cfg);
		f->cfg[0] = '\0';
	}
	assert_null(load(f, MINIMAL "import:\n"
	                            "  hosts: [\"https://files.example.org/\"]\n"));
	assert_only_error(f, ":9: import.hosts: invalid host "
	                     "\"https://files.example.org/\" (expected a host "
	                     "name such as files.example.org, without scheme, "
	                     "port or path)");
}

static void
cfg_load__reads_billing__default_and_given(void **state)
{
	struct fixture *f = *state;
	struct cfg *cfg;

	cfg = load(f, MINIMAL);
	assert_non_null(cfg);
	assert_string_equal(cfg->billing.nobill_tag, "nobill");
	assert_string_equal(cfg->billing.currency, "");
	cfg_free(cfg);
	unlink(f->cfg);
	f->cfg[0] = '\0';

	cfg = load(f, MINIMAL "billing:\n"
	                      "  nonbillable_tag: internal\n"
	                      "  currency: eur\n");
	assert_string_equal(text_str(&f->errs), "");
	assert_non_null(cfg);
	assert_string_equal(cfg->billing.nobill_tag, "internal");
	assert_string_equal(cfg->billing.currency, "EUR");
	cfg_free(cfg);
}

/* A non-billable tag no user could type after + (chat's own check,
 * cmd_tag_ok) is refused, rather than never matching any entry. */
static void
cfg_load__reports_billing__when_tag_or_currency_bad(void **state)
{
	static const char *const bad[] = { "\"a,b\"", "\"x!\"", "\"+nobill\"",
	                                   "\"no bill\"",
	                                   "tttttttttttttttttttttttttttttttttt" };
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_null(load(f, MINIMAL "billing:\n  nonbillable_tag: %s\n",
		                 bad[i]));
		assert_non_null(strstr(text_str(&f->errs),
		                       ":9: billing.nonbillable_tag: invalid tag"));
		text_clear(&f->errs);
		unlink(f->cfg);
		f->cfg[0] = '\0';
	}
	assert_null(load(f, MINIMAL "billing:\n  currency: EURO\n"));
	assert_non_null(strstr(text_str(&f->errs),
	                       ":9: billing.currency: invalid currency"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(cfg_load__fills_every_field__when_config_full),
		T(cfg_load__applies_defaults__when_config_minimal),
		T(cfg_load__applies_defaults__when_optional_sections_null),
		T(cfg_load__strips_crlf__when_password_file_has_dos_line),
		T(cfg_load__reads_whole_file__when_password_file_has_no_newline),
		T(cfg_load__names_key_and_line__when_key_unknown),
		T(cfg_load__keeps_the_last_whole_character__when_a_long_key_is_cut),
		T(cfg_load__names_section__when_section_unknown),
		T(cfg_load__reports_line_of_both__when_key_duplicated),
		T(cfg_load__reports_missing_key__when_jid_missing),
		T(cfg_load__reports_no_value__when_jid_null),
		T(cfg_load__reports_missing_key__when_storage_path_missing),
		T(cfg_load__takes_url_and_password__when_backend_postgresql),
		T(cfg_load__hides_the_password__when_url_holds_one),
		T(cfg_load__reports_the_other_backends_key__when_mixed),
		T(cfg_load__reports_missing_section__when_storage_missing),
		T(cfg_load__reports_missing_key__when_allow_missing),
		T(cfg_load__reports_empty_list__when_allow_empty),
		T(cfg_load__reports_missing_password__when_neither_given),
		T(cfg_load__rejects_both__when_password_and_password_file),
		T(cfg_load__reports_type__when_allow_is_string),
		T(cfg_load__reports_type__when_section_is_list),
		T(cfg_load__reports_range__when_port_not_a_number),
		T(cfg_load__reports_range__when_port_out_of_range),
		T(cfg_load__accepts_port__when_at_limits),
		T(cfg_load__reports_duplicate__when_section_repeated),
		T(cfg_load__names_key_and_line__when_tls_unknown),
		T(cfg_load__rejects_tls_off__when_host_not_loopback),
		T(cfg_load__rejects_tls_off__when_host_unset),
		T(cfg_load__accepts_tls_off__when_host_loopback),
		T(cfg_load__names_zone__when_timezone_unknown),
		T(cfg_load__names_value__when_log_level_unknown),
		T(cfg_load__rejects_jid__when_it_has_a_resource),
		T(cfg_load__rejects_jid__when_it_is_a_wildcard_or_has_no_node),
		T(cfg_load__names_item_line__when_allow_pattern_invalid),
		T(cfg_load__escapes_value__when_it_has_control_characters),
		T(cfg_load__reports_line_and_column__when_yaml_invalid),
		T(cfg_load__reports_second_document__when_file_has_two),
		T(cfg_load__names_file__when_password_file_unreadable),
		T(cfg_load__rejects_empty_password__when_first_line_empty),
		T(cfg_load__reports_empty__when_file_empty),
		T(cfg_load__reports_type__when_top_level_not_mapping),
		T(cfg_load__reports_strerror__when_file_missing),
		T(cfg_load__reports_every_problem__when_file_has_several),
		T(cfg_load__never_shows_password__when_file_has_other_errors),
		T(cfg_load__applies_defaults__when_export_keys_null),
		T(cfg_load__reads_upload__when_auto_or_off),
		T(cfg_load__names_value__when_upload_unknown),
		T(cfg_load__reports_type__when_upload_not_a_string),
		T(cfg_load__accepts_inline_part_bytes__when_in_range),
		T(cfg_load__reports_range__when_inline_part_bytes_bad),
		T(cfg_load__reads_import__default_and_given),
		T(cfg_load__reports_import__when_max_bytes_or_host_bad),
		T(cfg_load__reads_billing__default_and_given),
		T(cfg_load__reports_billing__when_tag_or_currency_bad),
		T(cfg_load__names_key_and_line__when_export_key_unknown),
		T(cfg_load__reports_type__when_export_not_mapping),
		T(cfg_load__reports_both__when_export_keys_both_bad),
		T(cfg_load__accepts_example__when_password_file_exists),
		T(cfg_load__accepts_keepalive__when_in_range),
		T(cfg_load__reports_range__when_keepalive_bad),
		T(cfg_load__accepts_limits__when_in_range),
		T(cfg_load__reports_range__when_limits_out_of_range),
		T(cfg_load__reports_every_limit__when_all_three_bad),
		T(cfg_load__reports_type__when_limits_not_mapping),
		T(cfg_load__refuses_password_file__when_group_or_others_may_read),
		T(cfg_load__shows_whole_path__when_long_password_file_readable),
		T(cfg_load__reads_password_file__when_only_owner_may_read),
		T(cfg_load__skips_mode_check__when_secrets_not_read),
		T(cfg_reload__applies_limits__when_file_valid),
		T(cfg_reload__keeps_config__when_password_file_became_readable),
		T(cfg_reload__applies_access_and_log__when_file_valid),
		T(cfg_reload__names_sections_needing_restart__when_they_changed),
		T(cfg_reload__reports_every_error_and_keeps_config__when_file_invalid),
		T(cfg_load__fills_the_settings_defaults__when_idle_reminders_and_defaults_given),
		T(cfg_load__has_the_builtin_settings_defaults__when_sections_absent_or_null),
		T(cfg_load__reports_every_bad_setting_with_line_and_key__when_values_wrong),
		T(cfg_load__shows_a_setting_with_control_characters_escaped),
		T(cfg_reload__applies_the_settings_defaults_at_once__when_file_valid),
		T(cfg_tls_name__names_each_mode),
		T(cfg_upload_name__names_each_mode),
		T(cfg_free__accepts_null),
		T(log_level_parse__round_trips_each_level),
		T(cfg_load__reads_every_key_of_a_team__when_teams_given),
		T(cfg_load__has_no_teams__when_section_absent_or_null),
		T(cfg_load__reports_every_team_problem_with_line_and_key__when_values_wrong),
		T(cfg_load__reports_type__when_teams_or_a_team_not_a_mapping),
		T(cfg_allowed__accepts_members_and_leads__as_if_in_allow),
		T(cfg_reload__moves_teams_in_at_once__when_file_valid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
