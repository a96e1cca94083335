/*
 * bot/config_yaml.c - bot.yaml as YAML: the file read whole (bounded),
 * parsed with libyaml's document API, its mappings walked against tables
 * of keys, its scalars checked as strings and numbers, and every problem
 * reported with file and line (config_yaml.h). Part of bot/; uses
 * commands/ only for the text buffer.
 *
 * The copies of the input this file makes, and those libyaml keeps, are
 * wiped before they are freed (all but a partial document libyaml frees
 * itself on a syntax error).
 */
#include "config_yaml.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/str.h"
#include "../lib/utf8.h"

void
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
size_t
cfg_line_of(const yaml_node_t *node)
{
	return node->start_mark.line + 1;
}


static const char *show_max(const char *s, bool quote, size_t max, char *buf,
                            size_t size);

const char *
cfg_show(const char *s, bool quote, char *buf, size_t size)
{
	return show_max(s, quote, CFG_SHOW_MAX, buf, size);
}

/* show for a file name (buf of CFG_PATH_SHOW_BUF bytes), quoted, whole. */
const char *
cfg_show_path(const char *s, char *buf, size_t size)
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
		o = utf8_trim(buf, o);
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	if (quote)
		buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

/* A plain scalar that YAML reads as null: empty, "~" or "null". */
bool
cfg_is_null(const yaml_node_t *node)
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
const char *
cfg_kind_of(const yaml_node_t *node)
{
	if (cfg_is_null(node))
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
char *
cfg_strdup(struct loader *l, const char *s)
{
	char *p;

	if ((p = strdup(s)) == NULL)
		cfg_error(l, 0, "out of memory");
	return p;
}

void
cfg_free_list(char **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* True when key k was given a value other than null. */
bool
cfg_present(const struct key *k)
{
	return k->value != NULL && !cfg_is_null(k->value);
}

/*
 * Matches the pairs of mapping map against keys[0..n): fills in each
 * key's value and line, and reports keys that are unknown, given twice
 * or not strings. sect names the mapping in messages ("account"), or is
 * NULL for the top level, whose keys are sections.
 */
void
cfg_walk_mapping(struct loader *l, const char *sect, yaml_node_t *map,
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
			cfg_error(l, cfg_line_of(k), "%s%skeys must be strings, not %s",
			          sect ? sect : "", sect ? ": " : "", cfg_kind_of(k));
			continue;
		}
		name = (const char *)k->data.scalar.value;
		for (i = 0; i < n; i++)
			if (strcmp(name, keys[i].name) == 0)
				break;
		if (i == n) {
			cfg_show(name, false, shown, sizeof(shown));
			if (sect == NULL)
				cfg_error(l, cfg_line_of(k),
				          "%s: unknown section (expected account, "
				          "storage, access, limits, defaults, idle, "
				          "reminders, export, import, log or teams)",
				          shown);
			else
				cfg_error(l, cfg_line_of(k), "%s.%s: unknown key",
				          sect, shown);
			continue;
		}
		if (keys[i].value != NULL) {
			cfg_error(l, cfg_line_of(k),
			          "%s%s%s: duplicate key (first at line %zu)",
			          sect ? sect : "", sect ? "." : "", keys[i].name,
			          keys[i].line);
			continue;
		}
		keys[i].value = v;
		keys[i].line = cfg_line_of(k);
	}
}

/*
 * Opens top-level section s for its keys[0..n). Returns true when they
 * may be examined: the section is a mapping, or null (then every key is
 * absent). Returns false when it is missing (reported if required) or
 * not a mapping (reported).
 */
bool
cfg_open_section(struct loader *l, const struct key *s, bool required,
             struct key *keys, size_t n)
{
	if (s->value == NULL) {
		if (required)
			cfg_error(l, 0, "%s: required section is missing", s->name);
		return false;
	}
	if (cfg_is_null(s->value))
		return true;
	if (s->value->type != YAML_MAPPING_NODE) {
		cfg_error(l, s->line, "%s: expected a mapping, got %s", s->name,
		          cfg_kind_of(s->value));
		return false;
	}
	cfg_walk_mapping(l, s->name, s->value, keys, n);
	return true;
}

/* Reports that required key k of section s is missing or null. */
void
cfg_missing(struct loader *l, const struct key *s, const struct key *k)
{
	if (k->value == NULL)
		cfg_error(l, s->line, "%s.%s: required key is missing", s->name,
		          k->name);
	else
		cfg_error(l, k->line, "%s.%s: required key has no value",
		          s->name, k->name);
}

/*
 * True when scalar v spans several lines of the file. No value of
 * bot.yaml does; it is what an unclosed quote makes, folding the lines
 * after it (perhaps "password: ...") into this value. Such a value is
 * never quoted in a message.
 */
bool
cfg_multi_line(const yaml_node_t *v)
{
	return v->type == YAML_SCALAR_NODE &&
	       v->start_mark.line != v->end_mark.line;
}

/*
 * The string value of key k in section s, borrowed from the document;
 * NULL when the key is absent or null, or when the value is not a usable
 * string (then reported: not a scalar, empty, too long or holding a NUL
 * byte). No message quotes the value, so this serves passwords too.
 */
bool
cfg_has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

const char *
cfg_get_string(struct loader *l, const struct key *s, const struct key *k)
{
	const yaml_node_t *v = k->value;
	const char *str;

	if (!cfg_present(k))
		return NULL;
	if (v->type != YAML_SCALAR_NODE) {
		cfg_error(l, cfg_line_of(v), "%s.%s: expected a string, got %s",
		          s->name, k->name, cfg_kind_of(v));
		return NULL;
	}
	if (cfg_multi_line(v)) {
		cfg_error(l, cfg_line_of(v), "%s.%s: the value runs over %zu lines "
		          "(an unclosed quote?); write it on one line", s->name,
		          k->name, v->end_mark.line - v->start_mark.line + 1);
		return NULL;
	}
	str = (const char *)v->data.scalar.value;
	if (strlen(str) != v->data.scalar.length) {
		cfg_error(l, cfg_line_of(v), "%s.%s: contains a NUL byte", s->name,
		          k->name);
		return NULL;
	}
	if (*str == '\0') {
		cfg_error(l, cfg_line_of(v), "%s.%s: must not be empty", s->name,
		          k->name);
		return NULL;
	}
	if (v->data.scalar.length > CFG_VALUE_MAX) {
		cfg_error(l, cfg_line_of(v), "%s.%s: longer than %d bytes", s->name,
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
bool
cfg_get_number(struct loader *l, const struct key *s, const struct key *k,
           long long min, long long max, long long *out)
{
	const yaml_node_t *v = k->value;
	const char *str = "";
	char *end;
	long long n = min - 1;

	if (!cfg_present(k))
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
		cfg_error(l, cfg_line_of(v), "%s.%s: expected a number %lld-%lld",
		          s->name, k->name, min, max);
		return false;
	}
	*out = n;
	return true;
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
		str_wipe(b, total);
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
			str_wipe(node->data.scalar.value, node->data.scalar.length);
}

/* Wipes the copies of the input the parser keeps, before it frees them. */
static void
wipe_parser(yaml_parser_t *p)
{
	if (p->raw_buffer.start != NULL)
		str_wipe(p->raw_buffer.start,
		     (size_t)(p->raw_buffer.end - p->raw_buffer.start));
	if (p->buffer.start != NULL)
		str_wipe(p->buffer.start, (size_t)(p->buffer.end - p->buffer.start));
}

int
cfg_read_document(struct loader *l, void (*check)(struct loader *l),
                  mode_t *mode)
{
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	char *buf;
	size_t len;

	if (read_file(l, &buf, &len, mode) == -1)
		return -1;
	if (!yaml_parser_initialize(&parser)) {
		cfg_error(l, 0, "out of memory");
		goto done;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		yaml_problem(l, &parser, buf, len);
	} else {
		l->doc = &doc;
		check(l);
		/* A second document would be silently ignored: refuse it. */
		if (!yaml_parser_load(&parser, &extra)) {
			yaml_problem(l, &parser, buf, len);
		} else {
			yaml_node_t *root = yaml_document_get_root_node(&extra);

			if (root != NULL)
				cfg_error(l, cfg_line_of(root),
				          "only one YAML document is allowed");
			wipe_document(&extra);
			yaml_document_delete(&extra);
		}
		wipe_document(&doc);
		yaml_document_delete(&doc);
	}
	wipe_parser(&parser);
	yaml_parser_delete(&parser);
done:
	str_wipe(buf, len);
	free(buf);
	return 0;
}

void
cfg_get_list(struct loader *l, const struct key *s, const struct key *k,
             const char *what, cfg_item_check check, char ***out, size_t *n)
{
	const yaml_node_t *v = k->value;
	yaml_node_item_t *item;
	char shown[CFG_SHOW_BUF], why[CFG_WHY_MAX];
	size_t count;

	if (v->type != YAML_SEQUENCE_NODE) {
		cfg_error(l, cfg_line_of(v), "%s.%s: expected a list of %s, got %s",
		          s->name, k->name, what, cfg_kind_of(v));
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
		if (iv->type != YAML_SCALAR_NODE || cfg_is_null(iv)) {
			cfg_error(l, cfg_line_of(iv),
			          "%s.%s: expected a list of %s, got %s in it",
			          s->name, k->name, what, cfg_kind_of(iv));
			continue;
		}
		if (cfg_multi_line(iv)) {
			cfg_error(l, cfg_line_of(iv), "%s.%s: an item runs over "
			          "several lines (an unclosed quote?)", s->name,
			          k->name);
			continue;
		}
		str = (const char *)iv->data.scalar.value;
		cfg_show(str, true, shown, sizeof(shown));
		if (strlen(str) != iv->data.scalar.length ||
		    strlen(str) > CFG_VALUE_MAX)
			snprintf(why, sizeof(why), "invalid item %s", shown);
		else if (check(str, shown, why, sizeof(why)))
			why[0] = '\0';
		if (why[0] != '\0') {
			cfg_error(l, cfg_line_of(iv), "%s.%s: %s", s->name,
			          k->name, why);
			continue;
		}
		if (((*out)[*n] = cfg_strdup(l, str)) != NULL)
			(*n)++;
	}
}
