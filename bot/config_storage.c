/*
 * bot/config_storage.c - bot.yaml's storage section:
 *
 *   storage:
 *     backend: sqlite               # the default
 *     path: /var/lib/timmy/timmy.db
 *
 *   storage:
 *     backend: postgresql
 *     url: "postgresql:///timmy?host=/run/postgresql"
 *     password_file: /etc/timmy/db-password   # optional
 *
 * url is any libpq connection string (a postgresql:// URL or key=value
 * words). Its password, if it holds one, never reaches a message or the
 * log: they show db_shown, the URL with the password cut out. A password
 * of its own is better kept in password_file, read like the account's.
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/str.h"
#include "config.h"
#include "config_yaml.h"

enum { ST_BACKEND, ST_PATH, ST_URL, ST_PASSWORD_FILE, ST_NKEYS };

char *
cfg_db_redact(const char *url)
{
	const char *p = url, *scheme = strstr(url, "://"), *at, *colon, *end;
	struct text out;
	char *shown;

	text_init(&out, strlen(url) + 64);
	if (scheme != NULL) {
		/* userinfo ends at the last '@' before the path or query. */
		end = scheme + 3 + strcspn(scheme + 3, "/?#");
		at = NULL;
		for (p = scheme + 3; p < end; p++)
			if (*p == '@')
				at = p;
		colon = at != NULL ? memchr(scheme + 3, ':',
		                            (size_t)(at - scheme - 3)) : NULL;
		if (colon != NULL) {
			text_append(&out, url, (size_t)(colon + 1 - url));
			text_append(&out, "***", 3);
			p = at;
		} else {
			p = url;
		}
	}
	/* password=... as a word, or as a query parameter of a URL. */
	while (*p != '\0') {
		const char *w = strstr(p, "password=");

		if (w == NULL || (w > url && !strchr(" \t?&", w[-1]))) {
			size_t n = w == NULL ? strlen(p) : (size_t)(w - p) + 9;

			text_append(&out, p, n);
			p += n;
			continue;
		}
		text_append(&out, p, (size_t)(w - p) + 9);
		text_append(&out, "***", 3);
		p = w + 9;
		if (*p == '\'') {
			/* A quoted value of libpq's words, with \' inside. */
			for (p++; *p != '\0' && *p != '\''; p++)
				if (*p == '\\' && p[1] != '\0')
					p++;
			if (*p == '\'')
				p++;
		} else {
			p += strcspn(p, scheme != NULL ? "&#" : " \t");
		}
	}
	shown = out.truncated ? NULL : strdup(text_str(&out));
	str_wipe(out.buf, out.cap);
	text_free(&out);
	return shown;
}

/* backend: sqlite (the default) or postgresql. */
static void
storage_backend(struct loader *l, const struct key *s, const struct key *k)
{
	char shown[CFG_SHOW_BUF];
	const char *v;

	l->cfg->db_backend = STORE_SQLITE;
	if (!cfg_present(k) || (v = cfg_get_string(l, s, k)) == NULL)
		return;
	if (strcmp(v, "sqlite") == 0)
		l->cfg->db_backend = STORE_SQLITE;
	else if (strcmp(v, "postgresql") == 0)
		l->cfg->db_backend = STORE_POSTGRESQL;
	else
		cfg_error(l, cfg_line_of(k->value),
		          "storage.backend: unknown value %s (expected sqlite "
		          "or postgresql)", cfg_show(v, true, shown,
		                                     sizeof(shown)));
}

void
cfg_load_storage(struct loader *l, const struct key *s)
{
	struct key keys[ST_NKEYS] = { { .name = "backend" }, { .name = "path" },
		{ .name = "url" }, { .name = "password_file" } };
	bool pg;
	const struct key *where;
	const char *v;

	if (!cfg_open_section(l, s, true, keys, ST_NKEYS))
		return;
	storage_backend(l, s, &keys[ST_BACKEND]);
	pg = l->cfg->db_backend == STORE_POSTGRESQL;
	/* Each backend its own key: a path given to PostgreSQL (or a URL to
	 * SQLite) is a mistake better said than ignored. */
	where = &keys[pg ? ST_URL : ST_PATH];
	if (cfg_present(&keys[pg ? ST_PATH : ST_URL]))
		cfg_error(l, keys[pg ? ST_PATH : ST_URL].line,
		          "storage.%s: not used with backend %s (use "
		          "storage.%s)", pg ? "path" : "url",
		          pg ? "postgresql" : "sqlite", pg ? "url" : "path");
	if (!pg && cfg_present(&keys[ST_PASSWORD_FILE]))
		cfg_error(l, keys[ST_PASSWORD_FILE].line,
		          "storage.password_file: only used with backend "
		          "postgresql");
	if (!cfg_present(where))
		cfg_missing(l, s, where);
	else if ((v = cfg_get_string(l, s, where)) != NULL) {
		l->cfg->db_path = cfg_strdup(l, v);
		l->cfg->db_shown = pg ? cfg_db_redact(v) : cfg_strdup(l, v);
		if (l->cfg->db_shown == NULL)
			cfg_error(l, 0, "out of memory");
	}
	/* Read also for the command line (CFG_NO_SECRETS is the account's):
	 * `timmy report` connects to the database as the bot does. */
	if (pg && cfg_present(&keys[ST_PASSWORD_FILE]) &&
	    (v = cfg_get_string(l, s, &keys[ST_PASSWORD_FILE])) != NULL)
		l->cfg->db_password = cfg_read_secret(l,
		        &keys[ST_PASSWORD_FILE], "storage.password_file", v);
}

struct store_where
cfg_store_where(const struct cfg *cfg)
{
	struct store_where w = { cfg->db_backend, cfg->db_path,
		cfg->db_password };

	return w;
}
