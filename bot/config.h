/*
 * bot/config.h - bot.yaml, read with libyaml and checked in full.
 *
 * cfg_load reports every problem it finds as "FILE:LINE: message" (naming
 * the key), not just the first, so one run of `timmy check` shows all of
 * them. The password is held only in struct cfg, zeroed when freed, and
 * never written into an error message. A password file that group or
 * others may read is refused.
 */
#ifndef TIMMY_CONFIG_H
#define TIMMY_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "../commands/billing.h"
#include "../commands/prefs.h"
#include "../commands/teams.h"
#include "../lib/text.h"
#include "../storage/store.h"
#include "log.h"

enum cfg_tls {
	CFG_TLS_REQUIRED,  /* STARTTLS mandatory, certificate verified */
	CFG_TLS_TRUST_ANY, /* STARTTLS mandatory, certificate not verified */
	CFG_TLS_OFF        /* plaintext; only with a loopback host */
};

/* How files a command makes (exports) reach the user. */
enum cfg_upload {
	CFG_UPLOAD_AUTO, /* the server's HTTP upload (XEP-0363) when offered */
	CFG_UPLOAD_OFF   /* always inline, in chat messages */
};

/* The range and default of account.keepalive, in seconds. */
#define CFG_KEEPALIVE_MIN 10
#define CFG_KEEPALIVE_MAX 3600
#define CFG_KEEPALIVE_DEFAULT 90

/* The range and default of export.inline_part_bytes. */
#define CFG_PART_MIN 512
#define CFG_PART_MAX 65536
#define CFG_PART_DEFAULT 8192

/* The default of import.max_bytes (its most is IMPORT_INPUT_MAX of
 * commands/import.h), and the longest host name import.hosts takes. */
#define CFG_IMPORT_MAX_BYTES_DEFAULT (10 * 1024 * 1024)
#define CFG_IMPORT_HOST_MAX 253

/* The ranges and defaults of the limits section: the largest message body
 * (bytes), commands a minute per sender (0: no rate limit) and how many a
 * sender may send at once before that rate applies. */
#define CFG_MAX_BODY_MIN 64
#define CFG_MAX_BODY_MAX 65536
#define CFG_MAX_BODY_DEFAULT 2048
#define CFG_RATE_MAX 10000
#define CFG_RATE_DEFAULT 30
#define CFG_BURST_MIN 1
#define CFG_BURST_MAX 1000
#define CFG_BURST_DEFAULT 10

struct cfg {
	char *path;           /* the file this was read from */
	char *jid;            /* account.jid, a bare JID */
	char *password;       /* from account.password or the first line of
	                         account.password_file */
	char *password_file;  /* NULL when the password was inline */
	char *resource;       /* account.resource, default "timmy" */
	char *host;           /* account.host, NULL: the JID's domain */
	unsigned short port;  /* account.port, 0: default / SRV */
	enum cfg_tls tls;     /* account.tls, default required */
	unsigned keepalive;   /* account.keepalive: seconds without a word
	                         from the server before we ping it (XEP-0199),
	                         default CFG_KEEPALIVE_DEFAULT */
	enum store_backend db_backend; /* storage.backend, default sqlite */
	char *db_path;        /* storage.path, or storage.url (PostgreSQL) */
	char *db_password;    /* PostgreSQL: storage.password_file's first
	                         line, or NULL */
	char *db_shown;       /* where the database is, for messages and the
	                         log: the path, or the URL without a password */
	char **allow;         /* access.allow, nallow >= 1 */
	size_t nallow;
	char **admins;        /* access.admins, may be empty */
	size_t nadmins;
	char *timezone;       /* defaults.timezone, default "UTC" */
	enum cfg_upload upload;   /* export.upload, default auto */
	size_t inline_part_bytes; /* export.inline_part_bytes: the largest
	                             body of one inline part, default
	                             CFG_PART_DEFAULT */
	size_t import_max_bytes; /* import.max_bytes: the largest file a
	                         user may send to be imported, default
	                         CFG_IMPORT_MAX_BYTES_DEFAULT */
	char **import_hosts;  /* import.hosts: hosts such files may come
	                         from besides the sender's own server; may be
	                         empty */
	size_t nimport_hosts;
	enum log_level log_level; /* log.level, default info */
	size_t max_body;      /* limits.max_body: longer bodies are refused
	                         unparsed, default CFG_MAX_BODY_DEFAULT */
	unsigned commands_per_minute; /* limits.commands_per_minute: per
	                         sender, 0 for no limit, default
	                         CFG_RATE_DEFAULT */
	unsigned burst;       /* limits.burst: commands a sender may send at
	                         once, default CFG_BURST_DEFAULT */
	struct teams teams;   /* teams: none when the section is absent
	                         (commands/teams.h) */
	struct billing_cfg billing; /* billing: the non-billable tag and
	                         the default currency (commands/billing.h) */
	struct prefs prefs;   /* the defaults of each user's settings: idle,
	                         reminders, and defaults' workdays, workhours
	                         and roster (commands/prefs.h) */
};

/*
 * Reads and validates the file at path. Returns a config owned by the
 * caller (cfg_free), or NULL after appending one line per problem to errs.
 */
struct cfg *cfg_load(const char *path, struct text *errs);

/*
 * cfg_load with flags. CFG_NO_SECRETS: the password file is not read (its
 * path is still checked as a key; cfg->password stays NULL unless given
 * inline) - for the read-only commands, which an administrator may run
 * where the bot's credentials are out of reach.
 */
#define CFG_NO_SECRETS 1u
struct cfg *cfg_load_flags(const char *path, unsigned flags,
                           struct text *errs);

/*
 * Reads live->path again, for a running daemon (SIGHUP). When the file is
 * valid, the sections that can change at once move into live: access
 * (allow, admins), teams, limits, log (level), and the defaults of the user
 * settings (prefs: idle, reminders, and defaults' workdays, workhours
 * and roster); restart (n bytes) receives the names
 * of the other sections that differ from live, which keep their old
 * values until a restart ("account, defaults"; "" when none); returns 0.
 * Otherwise every problem goes to errs, live stays as it was, and -1 is
 * returned. The replaced lists are freed before this returns, so call it
 * where nothing holds a pointer into them (between turns of the event
 * loop: handlers only look at live while they run).
 */
int cfg_reload(struct cfg *live, struct text *errs, char *restart, size_t n);

/*
 * True when bare (a bare JID) may use the bot: it matches access.allow,
 * or it is a member or lead of one of the teams (who are allowed as if
 * they were in access.allow). Ignores ASCII case, like access_match.
 */
bool cfg_allowed(const struct cfg *cfg, const char *bare);

/* Frees cfg and everything in it; zeroes the password first. NULL is fine. */
void cfg_free(struct cfg *cfg);

/* "required", "trust-any", "off". */
const char *cfg_tls_name(enum cfg_tls tls);

/* Where cfg's database is, for store_connect; borrows from cfg. */
struct store_where cfg_store_where(const struct cfg *cfg);

/*
 * A copy of url (a PostgreSQL connection string) to show: the password
 * of a URL ("postgresql://user:secret@host/db") and every "password="
 * word, in the URL's query too, replaced by "***". The caller frees it;
 * NULL when out of memory.
 */
char *cfg_db_redact(const char *url);

/*
 * The password in the first line of file, read as a password_file of
 * bot.yaml is (the mode checked, nothing of it quoted), for a command
 * line's option what ("--to-password-file"); NULL after appending why to
 * errs as "prog: what: ...". The caller wipes and frees it.
 */
char *cfg_secret_file(const char *prog, const char *what, const char *file,
                      struct text *errs);

#endif
