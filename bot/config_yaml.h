/*
 * bot/config_yaml.h - the YAML side of loading bot.yaml: reading the file,
 * parsing it with libyaml, walking a mapping against a table of the keys
 * it may hold, taking strings and numbers out of it, and reporting
 * problems as "FILE:LINE: message". Private to bot/config*.c: config.c
 * knows the sections, this knows YAML.
 *
 * No function here quotes a value it was not asked to show: the password
 * goes through cfg_get_string, which quotes nothing.
 */
#ifndef TIMMY_CONFIG_YAML_H
#define TIMMY_CONFIG_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <yaml.h>

#include "../lib/text.h"
#include "config.h"

/* The largest bot.yaml read; anything bigger is not a config file. */
#define CFG_FILE_MAX (1024 * 1024)
/* The longest JID part, host or path value accepted (RFC 7622 limits
 * each JID part to 1023 bytes). */
#define CFG_VALUE_MAX 1023
/* How much of a bad value an error message quotes. */
#define CFG_SHOW_MAX 64
/* The buffer cfg_show_path needs: a file name is shown whole (up to
 * CFG_VALUE_MAX bytes, escaped), since a message may tell what to run on
 * it. */
#define CFG_PATH_SHOW_BUF (4 * CFG_VALUE_MAX + 8)

/*
 * Writes s into buf (size bytes, at least CFG_SHOW_BUF) as a printable
 * excerpt: at most CFG_SHOW_MAX bytes of s, control characters as \xNN,
 * quotes and backslashes escaped, "..." when cut; in double quotes when
 * quote is set. A value shown this way cannot break an error line.
 * Returns buf. Never used on a password.
 */
#define CFG_SHOW_BUF (4 * CFG_SHOW_MAX + 8)
const char *cfg_show(const char *s, bool quote, char *buf, size_t size);

/* cfg_show for a file name (buf of CFG_PATH_SHOW_BUF bytes), quoted,
 * whole. */
const char *cfg_show_path(const char *s, char *buf, size_t size);

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
 * One key a mapping may hold. cfg_walk_mapping fills in where it was found:
 * value stays NULL when the key is absent.
 */
struct key {
	const char *name;
	yaml_node_t *value;
	size_t line;        /* of the key, 1-based */
};

/*
 * Reads the file l->path, parses it as one YAML document and has check
 * examine it (with l->doc set). Every problem goes to l; a second
 * document is one. The copies of the input made here and by libyaml are
 * wiped before they are freed. *mode gets the file's permission bits.
 * Returns -1 when the file could not be read (reported), else 0.
 */
int cfg_read_document(struct loader *l, void (*check)(struct loader *l),
                      mode_t *mode);

/* Appends "FILE:LINE: message" (or "FILE: message" when line is 0) to
 * l's errors, and counts it. */
void cfg_error(struct loader *l, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* True when s holds an ASCII control character. */
bool cfg_has_control(const char *s);

/* strdup that records running out of memory as a problem; the caller
 * frees the copy. */
char *cfg_strdup(struct loader *l, const char *s);

/* Frees the n strings of list, and list. */
void cfg_free_list(char **list, size_t n);

/* The 1-based line a node starts on. */
size_t cfg_line_of(const yaml_node_t *node);

/* A plain scalar that YAML reads as null: empty, "~" or "null". */
bool cfg_is_null(const yaml_node_t *node);

/* "a string", "a list", "a mapping" or "nothing", for type errors. */
const char *cfg_kind_of(const yaml_node_t *node);

/* True when key k was given a value other than null. */
bool cfg_present(const struct key *k);

/* True when scalar v spans several lines of the file (an unclosed
 * quote); such a value is never quoted in a message. */
bool cfg_multi_line(const yaml_node_t *v);

/*
 * Matches the pairs of mapping map against keys[0..n), filling in each
 * key's value and line; reports keys that are unknown, given twice or
 * not strings. sect names the mapping ("account"), NULL for the top
 * level.
 */
void cfg_walk_mapping(struct loader *l, const char *sect, yaml_node_t *map,
                      struct key *keys, size_t n);

/*
 * Opens top-level section s for its keys[0..n): true when they may be
 * examined (a mapping, or null); false when it is missing (reported if
 * required) or not a mapping (reported).
 */
bool cfg_open_section(struct loader *l, const struct key *s, bool required,
                      struct key *keys, size_t n);

/* Reports that required key k of section s is missing or null. */
void cfg_missing(struct loader *l, const struct key *s, const struct key *k);

/*
 * The string value of key k in section s, borrowed from the document;
 * NULL when absent or null, or not a usable string (then reported). No
 * message quotes the value, so this serves passwords too.
 */
const char *cfg_get_string(struct loader *l, const struct key *s,
                           const struct key *k);

/*
 * The first line of secrets file file, key k, named what in messages
 * ("account.password_file"), read as config.c says; NULL after reporting
 * why. The caller wipes and frees it.
 */
char *cfg_read_secret(struct loader *l, const struct key *k, const char *what,
                      const char *file);

/* The storage section (config_storage.c). */
void cfg_load_storage(struct loader *l, const struct key *s);

/* The import section (config_import.c). */
void cfg_load_import(struct loader *l, const struct key *s);

/* bot/config_billing.c: the billing section. */
void cfg_load_billing(struct loader *l, const struct key *s);

/* The value of key k in section s as a whole number min..max, in *out;
 * false when absent or null, or not such a number (reported). */
bool cfg_get_number(struct loader *l, const struct key *s, const struct key *k,
                    long long min, long long max, long long *out);

/*
 * Checks one item of a list: true when item may be in it; else false with
 * why (n bytes) saying so, quoting the item as shown (cfg_show, quoted).
 */
#define CFG_WHY_MAX (CFG_SHOW_BUF + 200)
typedef bool (*cfg_item_check)(const char *item, const char *shown,
                               char *why, size_t n);

/*
 * Reads the list of strings in key k of section s into *out and *n (owned
 * by cfg), what naming its items in messages ("JIDs"). Each item check
 * refuses is reported as "FILE:LINE: s.k: why" and left out; so are
 * items that are not strings.
 */
void cfg_get_list(struct loader *l, const struct key *s, const struct key *k,
                  const char *what, cfg_item_check check, char ***out,
                  size_t *n);

#endif
