/*
 * bot/config.c - bot.yaml, read with libyaml's document API and checked
 * in full. See config.h. Part of bot/; uses commands/ only for the text
 * buffer and time zone validation.
 *
 * The loader walks a fixed schema: for each mapping, a table of the keys
 * it may hold. Every problem is appended to the caller's error list as
 * "FILE:LINE: section.key: message" and checking goes on, so one run
 * reports all of them. A missing key is reported at the line of its
 * section; a missing section without a line. Reading and walking the YAML
 * is config_yaml.c's job; this file knows the sections and what their
 * keys may hold, and reloads the file for a running daemon.
 *
 * The password never reaches an error message: no message quotes a
 * password value or a line of the password file. The copies of the input
 * this file makes, and those libyaml keeps, are wiped before they are
 * freed (all but a partial document libyaml frees itself on a syntax
 * error).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "../lib/str.h"
#include "../lib/tz.h"
#include "access.h"
#include "config_prefs.h"
#include "config_teams.h"
#include "config_yaml.h"
#include "testing.h"

/* The longest password, in bytes (a password file's first line). */
#define CFG_PASSWORD_MAX 1023

/* True when host is "localhost", ::1 or in 127.0.0.0/8. */
static bool
is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (strcasecmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return false;
}

/*
 * Reads the password from the first line of file (key k, named what in
 * messages: "account.password_file"):
 * without its "\n" or "\r\n", non-empty, at most CFG_PASSWORD_MAX bytes.
 * Returns it (the caller wipes and frees it), or NULL after reporting
 * why. Nothing read from the file is ever quoted, and the read buffer is
 * wiped. A file group or others may read is refused, as OpenBSD's daemons
 * refuse such secrets files: whoever else could read it has the account.
 * Only the mode is checked, not the owner: a file of mode 0400 or 0600
 * owned by another user is unreadable to timmy anyway (open fails), and
 * root reads anything. systemd's LoadCredential= copies (mode 0400, owned
 * by the service user) pass.
 */
char *
cfg_read_secret(struct loader *l, const struct key *k, const char *what,
                const char *file)
{
	char buf[CFG_PASSWORD_MAX + 3], shown[CFG_PATH_SHOW_BUF];
	char *nl, *pw = NULL;
	size_t total = 0, n;
	struct stat st;
	ssize_t r;
	int fd;

	cfg_show_path(file, shown, sizeof(shown));
	if ((fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		cfg_error(l, k->line, "%s: cannot read %s: %s", what,
		          shown, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		cfg_error(l, k->line,
		          "%s: %s is not a regular file", what, shown);
		close(fd);
		return NULL;
	}
	if (st.st_mode & (S_IRGRP | S_IROTH)) {
		/* Not read at all: the password stays where it is. */
		cfg_error(l, k->line,
		          "%s: %s is readable by %s (mode "
		          "%04o); make it readable by timmy alone: chmod 600 %s",
		          what, shown,
		          (st.st_mode & S_IRGRP) && (st.st_mode & S_IROTH)
		                  ? "group and others"
		          : (st.st_mode & S_IRGRP) ? "its group"
		                                   : "others",
		          (unsigned)(st.st_mode & 07777), shown);
		close(fd);
		return NULL;
	}

	while (total < sizeof(buf)) {
		r = read(fd, buf + total, sizeof(buf) - total);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			cfg_error(l, k->line,
			          "%s: cannot read %s: %s", what, shown,
			          strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		total += (size_t)r;
		if (memchr(buf, '\n', total) != NULL)
			break;
	}
	nl = memchr(buf, '\n', total);
	n = nl ? (size_t)(nl - buf) : total;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	if (n > CFG_PASSWORD_MAX)
		cfg_error(l, k->line,
		          "%s: %s: the password is longer "
		          "than %d bytes", what, shown, CFG_PASSWORD_MAX);
	else if (n == 0)
		cfg_error(l, k->line,
		          "%s: %s: the first line is empty",
		          what, shown);
	else if (memchr(buf, '\0', n) != NULL)
		cfg_error(l, k->line,
		          "%s: %s: the password contains a "
		          "NUL byte", what, shown);
	else if ((pw = malloc(n + 1)) == NULL)
		cfg_error(l, 0, "out of memory");
	else {
		memcpy(pw, buf, n);
		pw[n] = '\0';
	}
out:
	str_wipe(buf, sizeof(buf));
	close(fd);
	return pw;
}

char *
cfg_secret_file(const char *prog, const char *what, const char *file,
                struct text *errs)
{
	struct loader l = { .path = prog, .errs = errs };
	struct key k = { .name = what };

	return cfg_read_secret(&l, &k, what, file);
}

/* The keys of account. */
enum account_key {
	ACC_JID, ACC_PASSWORD, ACC_PASSWORD_FILE, ACC_RESOURCE, ACC_HOST,
	ACC_PORT, ACC_TLS, ACC_KEEPALIVE, ACC_NKEYS
};

/* account.jid: required, a bare JID. */
static void
account_jid(struct loader *l, const struct key *s, const struct key *k)
{
	char shown[CFG_SHOW_BUF];
	const char *v;

	if (!cfg_present(k))
		cfg_missing(l, s, k);
	else if ((v = cfg_get_string(l, s, k)) != NULL) {
		/* A bare JID is a pattern without the domain wildcard. */
		if (!access_pattern_valid(v) || strncmp(v, "*@", 2) == 0)
			cfg_error(l, cfg_line_of(k->value),
			          "account.jid: %s is not a bare JID (expected "
			          "name@domain, without a /resource)",
			          cfg_show(v, true, shown, sizeof(shown)));
		else
			l->cfg->jid = cfg_strdup(l, v);
	}
}

/* account.password or account.password_file: exactly one of them. The
 * file is read unless CFG_NO_SECRETS. */
static void
account_password(struct loader *l, const struct key *s,
                 const struct key *keys)
{
	const struct key *pw = &keys[ACC_PASSWORD];
	const struct key *file = &keys[ACC_PASSWORD_FILE];
	struct cfg *cfg = l->cfg;
	const char *v;

	if (cfg_present(pw) && cfg_present(file))
		cfg_error(l, pw->line,
		          "account.password: set either password or "
		          "password_file, not both");
	else if (cfg_present(pw)) {
		if ((v = cfg_get_string(l, s, pw)) != NULL)
			cfg->password = cfg_strdup(l, v);
	} else if (cfg_present(file)) {
		if ((v = cfg_get_string(l, s, file)) != NULL) {
			cfg->password_file = cfg_strdup(l, v);
			if (!(l->flags & CFG_NO_SECRETS))
				cfg->password = cfg_read_secret(l, file,
				                                "account.password_file", v);
		}
	} else {
		cfg_error(l, file->value ? file->line
		             : pw->value ? pw->line
		                         : s->line,
		          "account.password_file: required key is missing (or "
		          "set account.password)");
	}
}

/* account.tls: required (the default), trust-any, or off with a loopback
 * account.host. */
static void
account_tls(struct loader *l, const struct key *s, const struct key *k)
{
	struct cfg *cfg = l->cfg;
	char shown[CFG_SHOW_BUF];
	const char *v;

	if ((v = cfg_get_string(l, s, k)) == NULL)
		return;
	if (strcmp(v, "required") == 0)
		cfg->tls = CFG_TLS_REQUIRED;
	else if (strcmp(v, "trust-any") == 0)
		cfg->tls = CFG_TLS_TRUST_ANY;
	else if (strcmp(v, "off") == 0) {
		/* Plaintext only where nobody else can listen. */
		if (cfg->host != NULL && is_loopback(cfg->host))
			cfg->tls = CFG_TLS_OFF;
		else
			cfg_error(l, cfg_line_of(k->value),
			          "account.tls: off is only allowed with a "
			          "loopback host (host: 127.0.0.1)");
	} else
		cfg_error(l, cfg_line_of(k->value),
		          "account.tls: unknown value %s (expected "
		          "required, trust-any or off)",
		          cfg_show(v, true, shown, sizeof(shown)));
}

/* account: the XMPP account and how to reach its server. */
static void
load_account(struct loader *l, const struct key *s)
{
	struct key keys[ACC_NKEYS] = {
		[ACC_JID] = { .name = "jid" },
		[ACC_PASSWORD] = { .name = "password" },
		[ACC_PASSWORD_FILE] = { .name = "password_file" },
		[ACC_RESOURCE] = { .name = "resource" },
		[ACC_HOST] = { .name = "host" },
		[ACC_PORT] = { .name = "port" },
		[ACC_TLS] = { .name = "tls" },
		[ACC_KEEPALIVE] = { .name = "keepalive" },
	};
	struct cfg *cfg = l->cfg;
	char shown[CFG_SHOW_BUF];
	const char *v;
	long long num;

	if (!cfg_open_section(l, s, true, keys, ACC_NKEYS))
		return;
	account_jid(l, s, &keys[ACC_JID]);
	account_password(l, s, keys);

	if ((v = cfg_get_string(l, s, &keys[ACC_RESOURCE])) != NULL) {
		if (cfg_has_control(v))
			cfg_error(l, cfg_line_of(keys[ACC_RESOURCE].value),
			          "account.resource: %s contains control characters",
			          cfg_show(v, true, shown, sizeof(shown)));
		else
			cfg->resource = cfg_strdup(l, v);
	}

	if ((v = cfg_get_string(l, s, &keys[ACC_HOST])) != NULL) {
		if (v[strcspn(v, " \t\r\n\v\f/@")] != '\0' || cfg_has_control(v))
			cfg_error(l, cfg_line_of(keys[ACC_HOST].value),
			          "account.host: %s is not a host name or address",
			          cfg_show(v, true, shown, sizeof(shown)));
		else
			cfg->host = cfg_strdup(l, v);
	}

	if (cfg_get_number(l, s, &keys[ACC_PORT], 1, 65535, &num))
		cfg->port = (unsigned short)num;

	if (cfg_get_number(l, s, &keys[ACC_KEEPALIVE], CFG_KEEPALIVE_MIN,
	                   CFG_KEEPALIVE_MAX, &num))
		cfg->keepalive = (unsigned)num;

	/* After host: off depends on it. */
	account_tls(l, s, &keys[ACC_TLS]);
}

/* A cfg_item_check: pattern may be in access.allow or admins. */
static bool
pattern_ok(const char *pattern, const char *shown, char *why, size_t n)
{
	if (access_pattern_valid(pattern))
		return true;
	snprintf(why, n, "invalid pattern %s (expected name@domain or "
	         "*@domain)", shown);
	return false;
}

/*
 * Reads the list of JID patterns in key k of section s into *out and *n
 * (owned by cfg, freed by cfg_free), reporting each bad item.
 */
static void
load_jid_list(struct loader *l, const struct key *s, const struct key *k,
              char ***out, size_t *n)
{
	cfg_get_list(l, s, k, "JIDs", pattern_ok, out, n);
}

/* access: who may use the bot, and who administers it. */
static void
load_access(struct loader *l, const struct key *s)
{
	enum { ALLOW, ADMINS, NKEYS };
	struct key keys[NKEYS] = {
		[ALLOW] = { .name = "allow" },
		[ADMINS] = { .name = "admins" },
	};
	struct cfg *cfg = l->cfg;
	int before;

	if (!cfg_open_section(l, s, true, keys, NKEYS))
		return;
	if (!cfg_present(&keys[ALLOW]))
		cfg_missing(l, s, &keys[ALLOW]);
	else {
		before = l->nerr;
		load_jid_list(l, s, &keys[ALLOW], &cfg->allow, &cfg->nallow);
		if (cfg->nallow == 0 && l->nerr == before)
			cfg_error(l, cfg_line_of(keys[ALLOW].value),
			          "access.allow: the list is empty (expected at "
			          "least one name@domain or *@domain)");
	}
	if (cfg_present(&keys[ADMINS]))
		load_jid_list(l, s, &keys[ADMINS], &cfg->admins, &cfg->nadmins);
}

/* defaults: settings users start with (the settings command changes
 * them for one user; the time zone, the tz command). */
static void
load_defaults(struct loader *l, const struct key *s)
{
	enum { TIMEZONE, WORKDAYS, WORKHOURS, ROSTER, HOURS, ROUNDING, NKEYS };
	struct key keys[NKEYS] = {
		[TIMEZONE] = { .name = "timezone" },
		[WORKDAYS] = { .name = "workdays" },
		[WORKHOURS] = { .name = "workhours" },
		[ROSTER] = { .name = "roster" },
		[HOURS] = { .name = "hours" },
		[ROUNDING] = { .name = "rounding" },
	};
	char shown[CFG_SHOW_BUF];
	const char *v;

	if (!cfg_open_section(l, s, false, keys, NKEYS))
		return;
	cfg_load_setting(l, s, &keys[WORKDAYS], "workdays");
	cfg_load_setting(l, s, &keys[WORKHOURS], "workhours");
	cfg_load_setting(l, s, &keys[ROSTER], "roster");
	cfg_load_setting(l, s, &keys[HOURS], "hours");
	cfg_load_setting(l, s, &keys[ROUNDING], "rounding");
	if ((v = cfg_get_string(l, s, &keys[TIMEZONE])) == NULL)
		return;
	if (!tz_valid(v))
		cfg_error(l, cfg_line_of(keys[TIMEZONE].value),
		          "defaults.timezone: unknown time zone %s",
		          cfg_show(v, true, shown, sizeof(shown)));
	else
		l->cfg->timezone = cfg_strdup(l, v);
}

/*
 * export: how files made by commands reach the user. upload: auto uses
 * the server's HTTP upload service when it offers one, off always sends
 * files inline; inline_part_bytes bounds the body of one inline message.
 */
static void
load_export(struct loader *l, const struct key *s)
{
	enum { UPLOAD, PART_BYTES, NKEYS };
	struct key keys[NKEYS] = {
		[UPLOAD] = { .name = "upload" },
		[PART_BYTES] = { .name = "inline_part_bytes" },
	};
	char shown[CFG_SHOW_BUF];
	const char *v;
	long long n;

	if (!cfg_open_section(l, s, false, keys, NKEYS))
		return;
	if ((v = cfg_get_string(l, s, &keys[UPLOAD])) != NULL) {
		if (strcmp(v, "auto") == 0)
			l->cfg->upload = CFG_UPLOAD_AUTO;
		else if (strcmp(v, "off") == 0)
			l->cfg->upload = CFG_UPLOAD_OFF;
		else
			cfg_error(l, cfg_line_of(keys[UPLOAD].value),
			          "export.upload: unknown value %s (expected auto "
			          "or off)", cfg_show(v, true, shown, sizeof(shown)));
	}
	if (cfg_get_number(l, s, &keys[PART_BYTES], CFG_PART_MIN, CFG_PART_MAX, &n))
		l->cfg->inline_part_bytes = (size_t)n;
}

/*
 * limits: what one message and one sender may cost. max_body bounds the
 * body timmy parses; commands_per_minute and burst shape the token bucket
 * each sender gets (ratelimit.h); commands_per_minute 0 turns it off, and
 * burst is then not used (but still checked).
 */
static void
load_limits(struct loader *l, const struct key *s)
{
	enum { MAX_BODY, RATE, BURST, NKEYS };
	struct key keys[NKEYS] = {
		[MAX_BODY] = { .name = "max_body" },
		[RATE] = { .name = "commands_per_minute" },
		[BURST] = { .name = "burst" },
	};
	long long n;

	if (!cfg_open_section(l, s, false, keys, NKEYS))
		return;
	if (cfg_get_number(l, s, &keys[MAX_BODY], CFG_MAX_BODY_MIN,
	               CFG_MAX_BODY_MAX, &n))
		l->cfg->max_body = (size_t)n;
	if (cfg_get_number(l, s, &keys[RATE], 0, CFG_RATE_MAX, &n))
		l->cfg->commands_per_minute = (unsigned)n;
	if (cfg_get_number(l, s, &keys[BURST], CFG_BURST_MIN, CFG_BURST_MAX, &n))
		l->cfg->burst = (unsigned)n;
}

/* log: how much the daemon says. */
static void
load_log(struct loader *l, const struct key *s)
{
	struct key keys[] = { { .name = "level" } };
	char shown[CFG_SHOW_BUF];
	const char *v;
	int level;

	if (!cfg_open_section(l, s, false, keys, 1))
		return;
	if ((v = cfg_get_string(l, s, &keys[0])) == NULL)
		return;
	if ((level = log_level_parse(v)) == -1)
		cfg_error(l, cfg_line_of(keys[0].value),
		          "log.level: unknown value %s (expected error, warn, "
		          "info or debug)", cfg_show(v, true, shown, sizeof(shown)));
	else
		l->cfg->log_level = (enum log_level)level;
}

/* Checks the whole document, filling in l->cfg. */
static void
load_document(struct loader *l)
{
	enum {
		ACCOUNT, STORAGE, ACCESS, LIMITS, DEFAULTS, IDLE, REMINDERS,
		EXPORT, IMPORT, LOG, TEAMS, BILLING, NSECTIONS
	};
	struct key sections[NSECTIONS] = {
		[ACCOUNT] = { .name = "account" },
		[STORAGE] = { .name = "storage" },
		[ACCESS] = { .name = "access" },
		[LIMITS] = { .name = "limits" },
		[DEFAULTS] = { .name = "defaults" },
		[IDLE] = { .name = "idle" },
		[REMINDERS] = { .name = "reminders" },
		[EXPORT] = { .name = "export" },
		[IMPORT] = { .name = "import" },
		[LOG] = { .name = "log" },
		[TEAMS] = { .name = "teams" },
		[BILLING] = { .name = "billing" },
	};
	yaml_node_t *root = yaml_document_get_root_node(l->doc);

	if (root == NULL || cfg_is_null(root)) {
		cfg_error(l, 0, "the file is empty (expected the sections account, "
		                "storage and access)");
		return;
	}
	if (root->type != YAML_MAPPING_NODE) {
		cfg_error(l, cfg_line_of(root),
		          "expected a mapping of sections (account, storage, "
		          "access, ...), got %s", cfg_kind_of(root));
		return;
	}
	cfg_walk_mapping(l, NULL, root, sections, NSECTIONS);
	load_account(l, &sections[ACCOUNT]);
	cfg_load_storage(l, &sections[STORAGE]);
	load_access(l, &sections[ACCESS]);
	load_limits(l, &sections[LIMITS]);
	load_defaults(l, &sections[DEFAULTS]);
	cfg_load_idle(l, &sections[IDLE]);
	cfg_load_reminders(l, &sections[REMINDERS]);
	load_export(l, &sections[EXPORT]);
	cfg_load_import(l, &sections[IMPORT]);
	load_log(l, &sections[LOG]);
	cfg_load_teams(l, &sections[TEAMS]);
	cfg_load_billing(l, &sections[BILLING]);
}

struct cfg *
cfg_load(const char *path, struct text *errs)
{
	return cfg_load_flags(path, 0, errs);
}

struct cfg *
cfg_load_flags(const char *path, unsigned flags, struct text *errs)
{
	struct loader l = { .path = path, .errs = errs, .flags = flags };
	struct cfg *cfg;
	mode_t mode;

	if ((cfg = calloc(1, sizeof(*cfg))) == NULL) {
		cfg_error(&l, 0, "out of memory");
		return NULL;
	}
	cfg->tls = CFG_TLS_REQUIRED;
	cfg->keepalive = CFG_KEEPALIVE_DEFAULT;
	cfg->upload = CFG_UPLOAD_AUTO;
	cfg->inline_part_bytes = CFG_PART_DEFAULT;
	cfg->import_max_bytes = CFG_IMPORT_MAX_BYTES_DEFAULT;
	cfg->log_level = LOG_INFO;
	cfg->max_body = CFG_MAX_BODY_DEFAULT;
	cfg->commands_per_minute = CFG_RATE_DEFAULT;
	cfg->burst = CFG_BURST_DEFAULT;
	prefs_builtin(&cfg->prefs);
	billing_cfg_builtin(&cfg->billing);
	l.cfg = cfg;
	cfg->path = cfg_strdup(&l, path);
	if (cfg_read_document(&l, load_document, &mode) == -1) {
		cfg_free(cfg);
		return NULL;
	}
	if (l.nerr == 0 && cfg->password_file == NULL &&
	    (mode & (S_IRGRP | S_IROTH)))
		log_warn("%s: holds account.password but is readable by "
		         "others; chmod 600 it, or use account.password_file",
		         path);
	if (l.nerr == 0) {
		if (cfg->resource == NULL)
			cfg->resource = cfg_strdup(&l, "timmy");
		if (cfg->timezone == NULL)
			cfg->timezone = cfg_strdup(&l, "UTC");
	}
	if (l.nerr > 0) {
		cfg_free(cfg);
		return NULL;
	}
	return cfg;
}

void
cfg_free(struct cfg *cfg)
{
	if (cfg == NULL)
		return;
	if (cfg->password != NULL) {
		str_wipe(cfg->password, strlen(cfg->password));
		free(cfg->password);
	}
	free(cfg->path);
	free(cfg->jid);
	free(cfg->password_file);
	free(cfg->resource);
	free(cfg->host);
	free(cfg->db_path);
	free(cfg->db_shown);
	if (cfg->db_password != NULL) {
		str_wipe(cfg->db_password, strlen(cfg->db_password));
		free(cfg->db_password);
	}
	cfg_free_list(cfg->allow, cfg->nallow);
	cfg_free_list(cfg->admins, cfg->nadmins);
	cfg_free_list(cfg->import_hosts, cfg->nimport_hosts);
	free(cfg->timezone);
	cfg_teams_free(&cfg->teams);
	free(cfg);
}

const char *
cfg_tls_name(enum cfg_tls tls)
{
	switch (tls) {
	case CFG_TLS_REQUIRED:
		return "required";
	case CFG_TLS_TRUST_ANY:
		return "trust-any";
	case CFG_TLS_OFF:
		return "off";
	}
	return "?";
}

const char *
cfg_upload_name(enum cfg_upload upload)
{
	switch (upload) {
	case CFG_UPLOAD_AUTO:
		return "auto";
	case CFG_UPLOAD_OFF:
		return "off";
	}
	return "?";
}

/* True when a and b are both NULL or equal strings. */
static bool
same_str(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Appends name to the comma-separated list in buf (n bytes). */
static void
add_name(char *buf, size_t n, const char *name)
{
	size_t len = strlen(buf);

	snprintf(buf + len, n - len, "%s%s", len > 0 ? ", " : "", name);
}

/* Swaps the list *a (of *na items) with *b (of *nb). */
static void
swap_list(char ***a, size_t *na, char ***b, size_t *nb)
{
	char **list = *a;
	size_t n = *na;

	*a = *b;
	*na = *nb;
	*b = list;
	*nb = n;
}

int
cfg_reload(struct cfg *live, struct text *errs, char *restart, size_t n)
{
	struct cfg *fresh;
	struct teams teams;

	if (n > 0)
		restart[0] = '\0';
	if ((fresh = cfg_load(live->path, errs)) == NULL)
		return -1;

	/* The sections that only take effect at start. The password is
	 * compared, never shown. */
	if (!same_str(live->jid, fresh->jid) ||
	    !same_str(live->password, fresh->password) ||
	    !same_str(live->password_file, fresh->password_file) ||
	    !same_str(live->resource, fresh->resource) ||
	    !same_str(live->host, fresh->host) || live->port != fresh->port ||
	    live->tls != fresh->tls || live->keepalive != fresh->keepalive)
		add_name(restart, n, "account");
	if (live->db_backend != fresh->db_backend ||
	    !same_str(live->db_path, fresh->db_path) ||
	    !same_str(live->db_password, fresh->db_password))
		add_name(restart, n, "storage");
	if (!same_str(live->timezone, fresh->timezone))
		add_name(restart, n, "defaults");
	if (live->upload != fresh->upload ||
	    live->inline_part_bytes != fresh->inline_part_bytes)
		add_name(restart, n, "export");

	/* access, limits, log and import: swapped in, so that freeing
	 * fresh frees the old lists (a file sent is judged by the lists of
	 * its day). */
	swap_list(&live->allow, &live->nallow, &fresh->allow, &fresh->nallow);
	swap_list(&live->admins, &live->nadmins, &fresh->admins,
	          &fresh->nadmins);
	swap_list(&live->import_hosts, &live->nimport_hosts,
	          &fresh->import_hosts, &fresh->nimport_hosts);
	live->import_max_bytes = fresh->import_max_bytes;
	/* Teams too: who is in a team counts from the next message on. */
	teams = live->teams;
	live->teams = fresh->teams;
	fresh->teams = teams;
	live->log_level = fresh->log_level;
	live->max_body = fresh->max_body;
	live->commands_per_minute = fresh->commands_per_minute;
	live->burst = fresh->burst;
	/* The defaults of the settings are read for each command and each
	 * nudge: they apply from the next one on. */
	live->prefs = fresh->prefs;
	/* Billing is read for each report and export. */
	live->billing = fresh->billing;
	cfg_free(fresh);
	return 0;
}

