/*
 * bot/config.c - bot.yaml, read with libyaml's document API and checked
 * in full. See config.h. Part of bot/; uses commands/ only for the text
 * buffer and time zone validation.
 *
 * The loader walks a fixed schema: for each mapping, a table of the keys
 * it may hold. Every problem is appended to the caller's error list as
 * "FILE:LINE: section.key: message" and checking goes on, so one run
 * reports all of them. A missing key is reported at the line of its
 * section; a missing section without a line.
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

#include "../commands/tz.h"
#include "access.h"
#include "testing.h"

/* The largest bot.yaml read; anything bigger is not a config file. */
#define CFG_FILE_MAX (1024 * 1024)
/* The longest password, in bytes (a password file's first line). */
#define CFG_PASSWORD_MAX 1023
/* The longest JID part, host or path value accepted (RFC 7622 limits
 * each JID part to 1023 bytes). */
#define CFG_VALUE_MAX 1023
/* How much of a bad value an error message quotes. */
#define CFG_SHOW_MAX 64
/* The buffer show_path needs: a file name is shown whole (up to
 * CFG_VALUE_MAX bytes, escaped), since a message may tell what to run on
 * it. */
#define CFG_PATH_SHOW_BUF (4 * CFG_VALUE_MAX + 8)

/* State of one cfg_load run. */
struct loader {
	const char *path;   /* the file, for messages */
	yaml_document_t *doc;
	struct text *errs;  /* the caller's error list */
	int nerr;           /* problems found so far */
	struct cfg *cfg;    /* being filled in */
	unsigned flags;     /* CFG_* from config.h */
};

/*
 * One key a mapping may hold. walk_mapping fills in where it was found:
 * value stays NULL when the key is absent.
 */
struct key {
	const char *name;
	yaml_node_t *value;
	size_t line;        /* of the key, 1-based */
};

/* Overwrites n bytes at p in a way the compiler may not drop. */
static void
wipe(void *p, size_t n)
{
#if defined(__OpenBSD__) || defined(__FreeBSD__) ||                          \
	(defined(__GLIBC__) &&                                               \
	 (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 25)))
	if (p != NULL)
		explicit_bzero(p, n);
#else
	volatile unsigned char *v = p;

	while (v != NULL && n-- > 0)
		*v++ = 0;
#endif
}

/* Appends "FILE:LINE: message" (or "FILE: message" when line is 0). */
static void
cfg_error(struct loader *l, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
cfg_error(struct loader *l, size_t line, const char *fmt, ...)
{
	char msg[1024 + 2 * CFG_PATH_SHOW_BUF];
	va_list ap;
	int r;

	l->nerr++;
	if (l->errs == NULL)
		return;
	va_start(ap, fmt);
	r = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r < 0)
		snprintf(msg, sizeof(msg), "(unformattable message)");
	/* A message cut at sizeof(msg) still names file, line and key. */
	if (line > 0)
		text_printf(l->errs, "%s:%zu: %s\n", l->path, line, msg);
	else
		text_printf(l->errs, "%s: %s\n", l->path, msg);
}

/* The 1-based line a node starts on. */
static size_t
line_of(const yaml_node_t *node)
{
	return node->start_mark.line + 1;
}


/*
 * Writes s into buf (size bytes, at least CFG_SHOW_BUF) as a printable
 * excerpt: at most CFG_SHOW_MAX bytes of s, control characters as \xNN,
 * quotes and backslashes escaped, "..." when cut; in double quotes when
 * quote is set. A value shown this way cannot break an error line.
 * Returns buf. Never used on a password.
 */
#define CFG_SHOW_BUF (4 * CFG_SHOW_MAX + 8)

static const char *show_max(const char *s, bool quote, size_t max, char *buf,
                            size_t size);

static const char *
show(const char *s, bool quote, char *buf, size_t size)
{
	return show_max(s, quote, CFG_SHOW_MAX, buf, size);
}

/* show for a file name (buf of CFG_PATH_SHOW_BUF bytes), quoted, whole. */
static const char *
show_path(const char *s, char *buf, size_t size)
{
	return show_max(s, true, CFG_VALUE_MAX, buf, size);
}

/* show with at most max bytes of s (buf: 4 * max + 8 bytes). */
static const char *
show_max(const char *s, bool quote, size_t max, char *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	if (size < 4 * max + 8)
		return "";
	if (quote)
		buf[o++] = '"';
	for (i = 0; s[i] != '\0' && i < max; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f) {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 0xf];
		} else if (quote && (c == '"' || c == '\\')) {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else {
			buf[o++] = (char)c;
		}
	}
	if (s[i] != '\0') {
		/* Drop a UTF-8 sequence the cut left incomplete. */
		size_t back = o;

		while (back > 0 && ((unsigned char)buf[back - 1] & 0xc0) == 0x80)
			back--;
		if (back > 0 && ((unsigned char)buf[back - 1] & 0xc0) == 0xc0)
			o = back - 1;
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	if (quote)
		buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

/* A plain scalar that YAML reads as null: empty, "~" or "null". */
static bool
is_null(const yaml_node_t *node)
{
	const char *v;

	if (node == NULL)
		return true;
	if (node->type != YAML_SCALAR_NODE ||
	    node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	v = (const char *)node->data.scalar.value;
	return strcmp(v, "") == 0 || strcmp(v, "~") == 0 ||
	       strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
	       strcmp(v, "NULL") == 0;
}

/* "a string", "a list", "a mapping" or "nothing", for type errors. */
static const char *
kind_of(const yaml_node_t *node)
{
	if (is_null(node))
		return "nothing";
	switch (node->type) {
	case YAML_SCALAR_NODE:
		return "a string";
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return "nothing";
	}
}

/* strdup that records running out of memory as a problem. */
static char *
cfg_strdup(struct loader *l, const char *s)
{
	char *p;

	if ((p = strdup(s)) == NULL)
		cfg_error(l, 0, "out of memory");
	return p;
}

/* True when key k was given a value other than null. */
static bool
present(const struct key *k)
{
	return k->value != NULL && !is_null(k->value);
}

/*
 * Matches the pairs of mapping map against keys[0..n): fills in each
 * key's value and line, and reports keys that are unknown, given twice
 * or not strings. sect names the mapping in messages ("account"), or is
 * NULL for the top level, whose keys are sections.
 */
static void
walk_mapping(struct loader *l, const char *sect, yaml_node_t *map,
             struct key *keys, size_t n)
{
	yaml_node_pair_t *pair;
	char shown[CFG_SHOW_BUF];

	for (pair = map->data.mapping.pairs.start;
	     pair < map->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(l->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(l->doc, pair->value);
		const char *name;
		size_t i;

		if (k == NULL || v == NULL)
			continue;
		if (k->type != YAML_SCALAR_NODE) {
			cfg_error(l, line_of(k), "%s%skeys must be strings, not %s",
			          sect ? sect : "", sect ? ": " : "", kind_of(k));
			continue;
		}
		name = (const char *)k->data.scalar.value;
		for (i = 0; i < n; i++)
			if (strcmp(name, keys[i].name) == 0)
				break;
		if (i == n) {
			show(name, false, shown, sizeof(shown));
			if (sect == NULL)
				cfg_error(l, line_of(k),
				          "%s: unknown section (expected account, "
				          "storage, access, limits, defaults, export "
				          "or log)",
				          shown);
			else
				cfg_error(l, line_of(k), "%s.%s: unknown key",
				          sect, shown);
			continue;
		}
		if (keys[i].value != NULL) {
			cfg_error(l, line_of(k),
			          "%s%s%s: duplicate key (first at line %zu)",
			          sect ? sect : "", sect ? "." : "", keys[i].name,
			          keys[i].line);
			continue;
		}
		keys[i].value = v;
		keys[i].line = line_of(k);
	}
}

/*
 * Opens top-level section s for its keys[0..n). Returns true when they
 * may be examined: the section is a mapping, or null (then every key is
 * absent). Returns false when it is missing (reported if required) or
 * not a mapping (reported).
 */
static bool
open_section(struct loader *l, const struct key *s, bool required,
             struct key *keys, size_t n)
{
	if (s->value == NULL) {
		if (required)
			cfg_error(l, 0, "%s: required section is missing", s->name);
		return false;
	}
	if (is_null(s->value))
		return true;
	if (s->value->type != YAML_MAPPING_NODE) {
		cfg_error(l, s->line, "%s: expected a mapping, got %s", s->name,
		          kind_of(s->value));
		return false;
	}
	walk_mapping(l, s->name, s->value, keys, n);
	return true;
}

/* Reports that required key k of section s is missing or null. */
static void
missing(struct loader *l, const struct key *s, const struct key *k)
{
	if (k->value == NULL)
		cfg_error(l, s->line, "%s.%s: required key is missing", s->name,
		          k->name);
	else
		cfg_error(l, k->line, "%s.%s: required key has no value",
		          s->name, k->name);
}

/*
 * The string value of key k in section s, borrowed from the document;
 * NULL when the key is absent or null, or when the value is not a usable
 * string (then reported: not a scalar, empty, too long or holding a NUL
 * byte). No message quotes the value, so this serves passwords too.
 */
/*
 * True when scalar v spans several lines of the file. No value of
 * bot.yaml does; it is what an unclosed quote makes, folding the lines
 * after it (perhaps "password: ...") into this value. Such a value is
 * never quoted in a message.
 */
static bool
multi_line(const yaml_node_t *v)
{
	return v->type == YAML_SCALAR_NODE &&
	       v->start_mark.line != v->end_mark.line;
}

static const char *
get_string(struct loader *l, const struct key *s, const struct key *k)
{
	const yaml_node_t *v = k->value;
	const char *str;

	if (!present(k))
		return NULL;
	if (v->type != YAML_SCALAR_NODE) {
		cfg_error(l, line_of(v), "%s.%s: expected a string, got %s",
		          s->name, k->name, kind_of(v));
		return NULL;
	}
	if (multi_line(v)) {
		cfg_error(l, line_of(v), "%s.%s: the value runs over %zu lines "
		          "(an unclosed quote?); write it on one line", s->name,
		          k->name, v->end_mark.line - v->start_mark.line + 1);
		return NULL;
	}
	str = (const char *)v->data.scalar.value;
	if (strlen(str) != v->data.scalar.length) {
		cfg_error(l, line_of(v), "%s.%s: contains a NUL byte", s->name,
		          k->name);
		return NULL;
	}
	if (*str == '\0') {
		cfg_error(l, line_of(v), "%s.%s: must not be empty", s->name,
		          k->name);
		return NULL;
	}
	if (v->data.scalar.length > CFG_VALUE_MAX) {
		cfg_error(l, line_of(v), "%s.%s: longer than %d bytes", s->name,
		          k->name, CFG_VALUE_MAX);
		return NULL;
	}
	return str;
}

/*
 * The value of key k in section s as a whole number min..max, in *out.
 * Returns false when the key is absent or null, or when the value is not
 * such a number (then reported as "section.key: expected a number
 * min-max"). Digits only: strtoll alone would take " +5222" or "0x10".
 */
static bool
get_number(struct loader *l, const struct key *s, const struct key *k,
           long long min, long long max, long long *out)
{
	const yaml_node_t *v = k->value;
	const char *str = "";
	char *end;
	long long n = min - 1;

	if (!present(k))
		return false;
	if (v->type == YAML_SCALAR_NODE)
		str = (const char *)v->data.scalar.value;
	if (*str >= '0' && *str <= '9') {
		errno = 0;
		n = strtoll(str, &end, 10);
		if (errno != 0 || *end != '\0')
			n = min - 1;
	}
	if (n < min || n > max) {
		cfg_error(l, line_of(v), "%s.%s: expected a number %lld-%lld",
		          s->name, k->name, min, max);
		return false;
	}
	*out = n;
	return true;
}

/* True when s holds an ASCII control character. */
static bool
has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

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
 * Reads the password from the first line of file (key k, for messages):
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
static char *
read_password(struct loader *l, const struct key *k, const char *file)
{
	char buf[CFG_PASSWORD_MAX + 3], shown[CFG_PATH_SHOW_BUF];
	char *nl, *pw = NULL;
	size_t total = 0, n;
	struct stat st;
	ssize_t r;
	int fd;

	show_path(file, shown, sizeof(shown));
	if ((fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		cfg_error(l, k->line, "account.password_file: cannot read %s: %s",
		          shown, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		cfg_error(l, k->line,
		          "account.password_file: %s is not a regular file", shown);
		close(fd);
		return NULL;
	}
	if (st.st_mode & (S_IRGRP | S_IROTH)) {
		/* Not read at all: the password stays where it is. */
		cfg_error(l, k->line,
		          "account.password_file: %s is readable by %s (mode "
		          "%04o); make it readable by timmy alone: chmod 600 %s",
		          shown,
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
			          "account.password_file: cannot read %s: %s", shown,
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
		          "account.password_file: %s: the password is longer "
		          "than %d bytes", shown, CFG_PASSWORD_MAX);
	else if (n == 0)
		cfg_error(l, k->line,
		          "account.password_file: %s: the first line is empty",
		          shown);
	else if (memchr(buf, '\0', n) != NULL)
		cfg_error(l, k->line,
		          "account.password_file: %s: the password contains a "
		          "NUL byte", shown);
	else if ((pw = malloc(n + 1)) == NULL)
		cfg_error(l, 0, "out of memory");
	else {
		memcpy(pw, buf, n);
		pw[n] = '\0';
	}
out:
	wipe(buf, sizeof(buf));
	close(fd);
	return pw;
}

/* account: the XMPP account and how to reach its server. */
static void
load_account(struct loader *l, const struct key *s)
{
	enum {
		JID, PASSWORD, PASSWORD_FILE, RESOURCE, HOST, PORT, TLS,
		KEEPALIVE, NKEYS
	};
	struct key keys[NKEYS] = {
		[JID] = { .name = "jid" },
		[PASSWORD] = { .name = "password" },
		[PASSWORD_FILE] = { .name = "password_file" },
		[RESOURCE] = { .name = "resource" },
		[HOST] = { .name = "host" },
		[PORT] = { .name = "port" },
		[TLS] = { .name = "tls" },
		[KEEPALIVE] = { .name = "keepalive" },
	};
	struct cfg *cfg = l->cfg;
	char shown[CFG_SHOW_BUF];
	const char *v;
	long long num;

	if (!open_section(l, s, true, keys, NKEYS))
		return;

	if (!present(&keys[JID]))
		missing(l, s, &keys[JID]);
	else if ((v = get_string(l, s, &keys[JID])) != NULL) {
		/* A bare JID is a pattern without the domain wildcard. */
		if (!access_pattern_valid(v) || strncmp(v, "*@", 2) == 0)
			cfg_error(l, line_of(keys[JID].value),
			          "account.jid: %s is not a bare JID (expected "
			          "name@domain, without a /resource)",
			          show(v, true, shown, sizeof(shown)));
		else
			cfg->jid = cfg_strdup(l, v);
	}

	/* Exactly one of password and password_file. */
	if (present(&keys[PASSWORD]) && present(&keys[PASSWORD_FILE]))
		cfg_error(l, keys[PASSWORD].line,
		          "account.password: set either password or "
		          "password_file, not both");
	else if (present(&keys[PASSWORD])) {
		if ((v = get_string(l, s, &keys[PASSWORD])) != NULL)
			cfg->password = cfg_strdup(l, v);
	} else if (present(&keys[PASSWORD_FILE])) {
		if ((v = get_string(l, s, &keys[PASSWORD_FILE])) != NULL) {
			cfg->password_file = cfg_strdup(l, v);
			if (!(l->flags & CFG_NO_SECRETS))
				cfg->password = read_password(l, &keys[PASSWORD_FILE],
				                              v);
		}
	} else {
		cfg_error(l, keys[PASSWORD_FILE].value ? keys[PASSWORD_FILE].line
		             : keys[PASSWORD].value    ? keys[PASSWORD].line
		                                       : s->line,
		          "account.password_file: required key is missing (or "
		          "set account.password)");
	}

	if ((v = get_string(l, s, &keys[RESOURCE])) != NULL) {
		if (has_control(v))
			cfg_error(l, line_of(keys[RESOURCE].value),
			          "account.resource: %s contains control characters",
			          show(v, true, shown, sizeof(shown)));
		else
			cfg->resource = cfg_strdup(l, v);
	}

	if ((v = get_string(l, s, &keys[HOST])) != NULL) {
		if (v[strcspn(v, " \t\r\n\v\f/@")] != '\0' || has_control(v))
			cfg_error(l, line_of(keys[HOST].value),
			          "account.host: %s is not a host name or address",
			          show(v, true, shown, sizeof(shown)));
		else
			cfg->host = cfg_strdup(l, v);
	}

	if (get_number(l, s, &keys[PORT], 1, 65535, &num))
		cfg->port = (unsigned short)num;

	if (get_number(l, s, &keys[KEEPALIVE], CFG_KEEPALIVE_MIN,
	               CFG_KEEPALIVE_MAX, &num))
		cfg->keepalive = (unsigned)num;

	if ((v = get_string(l, s, &keys[TLS])) != NULL) {
		if (strcmp(v, "required") == 0)
			cfg->tls = CFG_TLS_REQUIRED;
		else if (strcmp(v, "trust-any") == 0)
			cfg->tls = CFG_TLS_TRUST_ANY;
		else if (strcmp(v, "off") == 0) {
			/* Plaintext only where nobody else can listen. */
			if (cfg->host != NULL && is_loopback(cfg->host))
				cfg->tls = CFG_TLS_OFF;
			else
				cfg_error(l, line_of(keys[TLS].value),
				          "account.tls: off is only allowed with a "
				          "loopback host (host: 127.0.0.1)");
		} else
			cfg_error(l, line_of(keys[TLS].value),
			          "account.tls: unknown value %s (expected "
			          "required, trust-any or off)",
			          show(v, true, shown, sizeof(shown)));
	}
}

/* storage: where the database lives. */
static void
load_storage(struct loader *l, const struct key *s)
{
	struct key keys[] = { { .name = "path" } };
	const char *v;

	if (!open_section(l, s, true, keys, 1))
		return;
	if (!present(&keys[0]))
		missing(l, s, &keys[0]);
	else if ((v = get_string(l, s, &keys[0])) != NULL)
		l->cfg->db_path = cfg_strdup(l, v);
}

/*
 * Reads the list of JID patterns in key k of section s into *out and *n
 * (owned by cfg, freed by cfg_free), reporting each bad item.
 */
static void
load_jid_list(struct loader *l, const struct key *s, const struct key *k,
              char ***out, size_t *n)
{
	const yaml_node_t *v = k->value;
	yaml_node_item_t *item;
	char shown[CFG_SHOW_BUF];
	size_t count;

	if (v->type != YAML_SEQUENCE_NODE) {
		cfg_error(l, line_of(v), "%s.%s: expected a list of JIDs, got %s",
		          s->name, k->name, kind_of(v));
		return;
	}
	count = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	if (count == 0)
		return;
	if ((*out = calloc(count, sizeof(**out))) == NULL) {
		cfg_error(l, 0, "out of memory");
		return;
	}
	for (item = v->data.sequence.items.start;
	     item < v->data.sequence.items.top; item++) {
		const yaml_node_t *iv = yaml_document_get_node(l->doc, *item);
		const char *str;

		if (iv == NULL)
			continue;
		if (iv->type != YAML_SCALAR_NODE || is_null(iv)) {
			cfg_error(l, line_of(iv),
			          "%s.%s: expected a list of JIDs, got %s in it",
			          s->name, k->name, kind_of(iv));
			continue;
		}
		if (multi_line(iv)) {
			cfg_error(l, line_of(iv), "%s.%s: an item runs over "
			          "several lines (an unclosed quote?)", s->name,
			          k->name);
			continue;
		}
		str = (const char *)iv->data.scalar.value;
		if (strlen(str) != iv->data.scalar.length ||
		    strlen(str) > CFG_VALUE_MAX || !access_pattern_valid(str)) {
			cfg_error(l, line_of(iv),
			          "%s.%s: invalid pattern %s (expected name@domain "
			          "or *@domain)",
			          s->name, k->name, show(str, true, shown, sizeof(shown)));
			continue;
		}
		if (((*out)[*n] = cfg_strdup(l, str)) != NULL)
			(*n)++;
	}
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

	if (!open_section(l, s, true, keys, NKEYS))
		return;
	if (!present(&keys[ALLOW]))
		missing(l, s, &keys[ALLOW]);
	else {
		before = l->nerr;
		load_jid_list(l, s, &keys[ALLOW], &cfg->allow, &cfg->nallow);
		if (cfg->nallow == 0 && l->nerr == before)
			cfg_error(l, line_of(keys[ALLOW].value),
			          "access.allow: the list is empty (expected at "
			          "least one name@domain or *@domain)");
	}
	if (present(&keys[ADMINS]))
		load_jid_list(l, s, &keys[ADMINS], &cfg->admins, &cfg->nadmins);
}

/* defaults: settings users start with. */
static void
load_defaults(struct loader *l, const struct key *s)
{
	struct key keys[] = { { .name = "timezone" } };
	char shown[CFG_SHOW_BUF];
	const char *v;

	if (!open_section(l, s, false, keys, 1))
		return;
	if ((v = get_string(l, s, &keys[0])) == NULL)
		return;
	if (!tz_valid(v))
		cfg_error(l, line_of(keys[0].value),
		          "defaults.timezone: unknown time zone %s",
		          show(v, true, shown, sizeof(shown)));
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

	if (!open_section(l, s, false, keys, NKEYS))
		return;
	if ((v = get_string(l, s, &keys[UPLOAD])) != NULL) {
		if (strcmp(v, "auto") == 0)
			l->cfg->upload = CFG_UPLOAD_AUTO;
		else if (strcmp(v, "off") == 0)
			l->cfg->upload = CFG_UPLOAD_OFF;
		else
			cfg_error(l, line_of(keys[UPLOAD].value),
			          "export.upload: unknown value %s (expected auto "
			          "or off)", show(v, true, shown, sizeof(shown)));
	}
	if (get_number(l, s, &keys[PART_BYTES], CFG_PART_MIN, CFG_PART_MAX, &n))
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

	if (!open_section(l, s, false, keys, NKEYS))
		return;
	if (get_number(l, s, &keys[MAX_BODY], CFG_MAX_BODY_MIN,
	               CFG_MAX_BODY_MAX, &n))
		l->cfg->max_body = (size_t)n;
	if (get_number(l, s, &keys[RATE], 0, CFG_RATE_MAX, &n))
		l->cfg->commands_per_minute = (unsigned)n;
	if (get_number(l, s, &keys[BURST], CFG_BURST_MIN, CFG_BURST_MAX, &n))
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

	if (!open_section(l, s, false, keys, 1))
		return;
	if ((v = get_string(l, s, &keys[0])) == NULL)
		return;
	if ((level = log_level_parse(v)) == -1)
		cfg_error(l, line_of(keys[0].value),
		          "log.level: unknown value %s (expected error, warn, "
		          "info or debug)", show(v, true, shown, sizeof(shown)));
	else
		l->cfg->log_level = (enum log_level)level;
}

/* Checks the whole document, filling in l->cfg. */
static void
load_document(struct loader *l)
{
	enum {
		ACCOUNT, STORAGE, ACCESS, LIMITS, DEFAULTS, EXPORT, LOG,
		NSECTIONS
	};
	struct key sections[NSECTIONS] = {
		[ACCOUNT] = { .name = "account" },
		[STORAGE] = { .name = "storage" },
		[ACCESS] = { .name = "access" },
		[LIMITS] = { .name = "limits" },
		[DEFAULTS] = { .name = "defaults" },
		[EXPORT] = { .name = "export" },
		[LOG] = { .name = "log" },
	};
	yaml_node_t *root = yaml_document_get_root_node(l->doc);

	if (root == NULL || is_null(root)) {
		cfg_error(l, 0, "the file is empty (expected the sections account, "
		                "storage and access)");
		return;
	}
	if (root->type != YAML_MAPPING_NODE) {
		cfg_error(l, line_of(root),
		          "expected a mapping of sections (account, storage, "
		          "access, ...), got %s", kind_of(root));
		return;
	}
	walk_mapping(l, NULL, root, sections, NSECTIONS);
	load_account(l, &sections[ACCOUNT]);
	load_storage(l, &sections[STORAGE]);
	load_access(l, &sections[ACCESS]);
	load_limits(l, &sections[LIMITS]);
	load_defaults(l, &sections[DEFAULTS]);
	load_export(l, &sections[EXPORT]);
	load_log(l, &sections[LOG]);
}

/*
 * Reports libyaml's error from parser p: "FILE:LINE:COL: syntax error:
 * problem (context at line N)". Messages are libyaml's fixed strings;
 * none quotes the input. buf/len is the input, to turn a reader error's
 * byte offset into a line.
 */
static void
yaml_problem(struct loader *l, const yaml_parser_t *p, const char *buf,
             size_t len)
{
	const char *problem = p->problem ? p->problem : "unknown error";
	size_t i, line = 1;

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		cfg_error(l, 0, "out of memory");
		return;
	case YAML_READER_ERROR:
		for (i = 0; i < p->problem_offset && i < len; i++)
			if (buf[i] == '\n')
				line++;
		cfg_error(l, line, "syntax error: %s", problem);
		return;
	default:
		break;
	}
	l->nerr++;
	if (l->errs == NULL)
		return;
	if (p->context != NULL)
		text_printf(l->errs, "%s:%zu:%zu: syntax error: %s (%s at line %zu)\n",
		            l->path, p->problem_mark.line + 1,
		            p->problem_mark.column + 1, problem, p->context,
		            p->context_mark.line + 1);
	else
		text_printf(l->errs, "%s:%zu:%zu: syntax error: %s\n", l->path,
		            p->problem_mark.line + 1, p->problem_mark.column + 1,
		            problem);
}

/*
 * Reads the whole file l->path into *buf and *len (the caller wipes and
 * frees *buf) and its permission bits into *mode. Returns 0, or -1 after
 * reporting why.
 */
static int
read_file(struct loader *l, char **buf, size_t *len, mode_t *mode)
{
	struct stat st;
	size_t total = 0;
	ssize_t r = 0;
	char *b;
	int fd;

	*buf = NULL;
	*len = 0;
	if ((fd = open(l->path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		cfg_error(l, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		cfg_error(l, 0, "not a regular file");
		close(fd);
		return -1;
	}
	if (st.st_size > CFG_FILE_MAX) {
		cfg_error(l, 0, "larger than %d bytes", CFG_FILE_MAX);
		close(fd);
		return -1;
	}
	/* One byte more than allowed, to notice a file that grew. */
	if ((b = malloc(CFG_FILE_MAX + 1)) == NULL) {
		cfg_error(l, 0, "out of memory");
		close(fd);
		return -1;
	}
	while (total <= CFG_FILE_MAX) {
		r = read(fd, b + total, CFG_FILE_MAX + 1 - total);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			cfg_error(l, 0, "cannot read: %s", strerror(errno));
			break;
		}
		if (r == 0)
			break;
		total += (size_t)r;
	}
	close(fd);
	if (r == -1 || total > CFG_FILE_MAX) {
		if (r != -1)
			cfg_error(l, 0, "larger than %d bytes", CFG_FILE_MAX);
		wipe(b, total);
		free(b);
		return -1;
	}
	*buf = b;
	*len = total;
	*mode = st.st_mode;
	return 0;
}

/* Wipes every scalar in doc: one of them may be the password. */
static void
wipe_document(yaml_document_t *doc)
{
	yaml_node_t *node;

	for (node = doc->nodes.start; node != NULL && node < doc->nodes.top;
	     node++)
		if (node->type == YAML_SCALAR_NODE)
			wipe(node->data.scalar.value, node->data.scalar.length);
}

/* Wipes the copies of the input the parser keeps, before it frees them. */
static void
wipe_parser(yaml_parser_t *p)
{
	if (p->raw_buffer.start != NULL)
		wipe(p->raw_buffer.start,
		     (size_t)(p->raw_buffer.end - p->raw_buffer.start));
	if (p->buffer.start != NULL)
		wipe(p->buffer.start, (size_t)(p->buffer.end - p->buffer.start));
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
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	struct cfg *cfg;
	char *buf;
	size_t len;
	mode_t mode;

	if ((cfg = calloc(1, sizeof(*cfg))) == NULL) {
		cfg_error(&l, 0, "out of memory");
		return NULL;
	}
	cfg->tls = CFG_TLS_REQUIRED;
	cfg->keepalive = CFG_KEEPALIVE_DEFAULT;
	cfg->upload = CFG_UPLOAD_AUTO;
	cfg->inline_part_bytes = CFG_PART_DEFAULT;
	cfg->log_level = LOG_INFO;
	cfg->max_body = CFG_MAX_BODY_DEFAULT;
	cfg->commands_per_minute = CFG_RATE_DEFAULT;
	cfg->burst = CFG_BURST_DEFAULT;
	l.cfg = cfg;
	cfg->path = cfg_strdup(&l, path);
	if (read_file(&l, &buf, &len, &mode) == -1) {
		cfg_free(cfg);
		return NULL;
	}

	if (!yaml_parser_initialize(&parser)) {
		cfg_error(&l, 0, "out of memory");
		goto done;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		yaml_problem(&l, &parser, buf, len);
	} else {
		l.doc = &doc;
		load_document(&l);
		/* A second document would be silently ignored: refuse it. */
		if (!yaml_parser_load(&parser, &extra)) {
			yaml_problem(&l, &parser, buf, len);
		} else {
			yaml_node_t *root = yaml_document_get_root_node(&extra);

			if (root != NULL)
				cfg_error(&l, line_of(root),
				          "only one YAML document is allowed");
			wipe_document(&extra);
			yaml_document_delete(&extra);
		}
		wipe_document(&doc);
		yaml_document_delete(&doc);
	}
	wipe_parser(&parser);
	yaml_parser_delete(&parser);

	if (l.nerr == 0 && cfg->password_file == NULL &&
	    (mode & (S_IRGRP | S_IROTH)))
		log_warn("%s: holds account.password but is readable by "
		         "others; chmod 600 it, or use account.password_file",
		         path);
done:
	wipe(buf, len);
	free(buf);

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

static void
free_list(char **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

void
cfg_free(struct cfg *cfg)
{
	if (cfg == NULL)
		return;
	if (cfg->password != NULL) {
		wipe(cfg->password, strlen(cfg->password));
		free(cfg->password);
	}
	free(cfg->path);
	free(cfg->jid);
	free(cfg->password_file);
	free(cfg->resource);
	free(cfg->host);
	free(cfg->db_path);
	free_list(cfg->allow, cfg->nallow);
	free_list(cfg->admins, cfg->nadmins);
	free(cfg->timezone);
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

int
cfg_reload(struct cfg *live, struct text *errs, char *restart, size_t n)
{
	struct cfg *fresh;
	char **list;
	size_t count;

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
	if (!same_str(live->db_path, fresh->db_path))
		add_name(restart, n, "storage");
	if (!same_str(live->timezone, fresh->timezone))
		add_name(restart, n, "defaults");
	if (live->upload != fresh->upload ||
	    live->inline_part_bytes != fresh->inline_part_bytes)
		add_name(restart, n, "export");

	/* access, limits and log: swapped in, so that freeing fresh frees
	 * the old lists. */
	list = live->allow;
	count = live->nallow;
	live->allow = fresh->allow;
	live->nallow = fresh->nallow;
	fresh->allow = list;
	fresh->nallow = count;
	list = live->admins;
	count = live->nadmins;
	live->admins = fresh->admins;
	live->nadmins = fresh->nadmins;
	fresh->admins = list;
	fresh->nadmins = count;
	live->log_level = fresh->log_level;
	live->max_body = fresh->max_body;
	live->commands_per_minute = fresh->commands_per_minute;
	live->burst = fresh->burst;
	cfg_free(fresh);
	return 0;
}
