/*
 * bot/log.c - the daemon's log: one line per event on stderr.
 * See log.h. Used by bot/ only; depends on nothing but libc, lib/utf8.h
 * and keyslot.h.
 *
 * Each line is "YYYY-MM-DDTHH:MM:SSZ LEVEL: message", built in full and
 * written with one write(2), so lines from one process never interleave.
 * Messages often carry outside text (a JID, a chat body), so control
 * characters are escaped: nothing logged can start a forged line.
 *
 * Counted lines (log_tally_*) keep a fixed table of keys, searched from
 * end to end (keyslot.h: LOG_TALLY_SLOTS hashes compared at most): only
 * ignored stanzas go through it, and that pass also finds the slot to
 * reuse.
 */
#include "log.h"
#include "testing.h"

#include <errno.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/utf8.h"
#include "keyslot.h"

/* The longest message kept; longer ones are cut and end in "...". */
#define LOG_MSG_MAX 2048
/* Timestamp, level and separators: "2024-01-31T12:00:00Z debug: ". */
#define LOG_PREFIX_MAX 40
/* Escaping makes at most 4 bytes of one ("\x1b"; "\u0085" is 6 of 2),
 * then come "..." and the newline. */
#define LOG_LINE_MAX (LOG_PREFIX_MAX + 4 * LOG_MSG_MAX + 8)

static enum log_level threshold = LOG_INFO;

static const char *const level_names[] = {
	[LOG_ERROR] = "error",
	[LOG_WARN] = "warn",
	[LOG_INFO] = "info",
	[LOG_DEBUG] = "debug",
};

void
log_set_level(enum log_level level)
{
	threshold = level;
}

int
log_level_parse(const char *name)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (strcmp(name, level_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
log_level_name(enum log_level level)
{
	if ((unsigned)level >= sizeof(level_names) / sizeof(level_names[0]))
		return "?";
	return level_names[level];
}

/*
 * Copies msg[0..n) to out (room for at least 4 * n bytes), escaping what
 * a terminal or a log reader would act on: ASCII controls and DEL as
 * "\n", "\r", "\t" or "\xNN", and UTF-8 encoded C1 controls (U+0080 to
 * U+009F, which some terminals obey) as "\uNNNN". Returns the bytes
 * written.
 */
static size_t
escape(char *out, const char *msg, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)msg[i];

		if (c == '\n' || c == '\r' || c == '\t') {
			out[o++] = '\\';
			out[o++] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
		} else if (c < 0x20 || c == 0x7f) {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 0xf];
		} else if (c == 0xc2 && i + 1 < n &&
		           (unsigned char)msg[i + 1] >= 0x80 &&
		           (unsigned char)msg[i + 1] <= 0x9f) {
			c = (unsigned char)msg[++i];
			memcpy(out + o, "\\u00", 4);
			o += 4;
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 0xf];
		} else {
			out[o++] = (char)c;
		}
	}
	return o;
}

/* Formats, escapes and writes one line at level, if level is enabled. */
static void
log_vwrite(enum log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void
log_vwrite(enum log_level level, const char *fmt, va_list ap)
{
	char msg[LOG_MSG_MAX + 1], line[LOG_LINE_MAX], stamp[32];
	struct tm tm;
	time_t now;
	size_t len, n, off;
	ssize_t w;
	int r, saved = errno;
	bool cut = false;

	if (level > threshold)
		return;

	r = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (r < 0) {
		n = (size_t)snprintf(msg, sizeof(msg), "(unformattable message)");
	} else if ((size_t)r >= sizeof(msg)) {
		cut = true;
		/* Do not end inside a UTF-8 sequence: vsnprintf stopped at
		 * the buffer's end, so only the bytes before it can tell. */
		n = utf8_trim(msg, sizeof(msg) - 1);
	} else {
		n = (size_t)r;
	}

	now = time(NULL);
	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(stamp, sizeof(stamp), "0000-00-00T00:00:00Z");

	r = snprintf(line, LOG_PREFIX_MAX, "%s %s: ", stamp,
	             log_level_name(level));
	if (r < 0 || r >= LOG_PREFIX_MAX)
		goto out;
	len = (size_t)r;
	len += escape(line + len, msg, n);
	if (cut) {
		memcpy(line + len, "...", 3);
		len += 3;
	}
	line[len++] = '\n';

	/* One write for the line; a short write to a full pipe is finished
	 * rather than dropped. */
	for (off = 0; off < len; off += (size_t)w) {
		w = write(STDERR_FILENO, line + off, len - off);
		if (w < 0 && errno == EINTR) {
			w = 0;
			continue;
		}
		if (w <= 0)
			break;
	}
out:
	errno = saved;
}

#define LOG_FUNC(name, level)                                                \
	void name(const char *fmt, ...)                                      \
	{                                                                    \
		va_list ap;                                                  \
		va_start(ap, fmt);                                           \
		log_vwrite(level, fmt, ap);                                  \
		va_end(ap);                                                  \
	}

LOG_FUNC(log_error, LOG_ERROR)
LOG_FUNC(log_warn, LOG_WARN)
LOG_FUNC(log_info, LOG_INFO)
LOG_FUNC(log_debug, LOG_DEBUG)

/* ---- counted lines ---- */

struct tally_slot {
	struct keyslot k; /* key: as given, compared to the letter; stamp:
	                     ms the window began (the oldest is reused) */
	unsigned count;  /* events in it after the one logged in full */
};

struct log_tally {
	const char *why;
	size_t used;
	struct tally_slot slots[LOG_TALLY_SLOTS];
};

struct log_tally *
log_tally_new(const char *why)
{
	struct log_tally *t = calloc(1, sizeof(*t));

	if (t != NULL)
		t->why = why;
	return t;
}

/* Writes slot's count, if any, and starts a new window at now. */
static void
tally_report(const struct log_tally *t, struct tally_slot *slot, int64_t now)
{
	if (slot->count > 0)
		log_info("ignored %u more stanza%s from %s (%s) in the last "
		         "minute", slot->count, slot->count == 1 ? "" : "s",
		         slot->k.key, t->why);
	slot->count = 0;
	slot->k.stamp = now;
}

static void
tally_forget(struct log_tally *t, struct tally_slot *slot)
{
	free(slot->k.key);
	slot->k.key = NULL;
	t->used--;
}

void
log_tally_free(struct log_tally *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < LOG_TALLY_SLOTS; i++)
		if (t->slots[i].k.key != NULL) {
			tally_report(t, &t->slots[i], 0);
			free(t->slots[i].k.key);
		}
	free(t);
}

bool
log_tally_first(struct log_tally *t, const char *key, int64_t now)
{
	struct tally_slot *found, *oldest;
	struct keyslot *k;
	size_t len;
	uint64_t h;
	char *copy;

	if (t == NULL || key == NULL)
		return true;
	h = keyslot_hash(key, false, &len);
	found = (struct tally_slot *)keyslot_find(t->slots, LOG_TALLY_SLOTS,
	                                          sizeof(t->slots[0]), key,
	                                          false, h, &k);
	if (found != NULL) {
		/* A window the sweep has not closed yet is closed here. */
		if (now - found->k.stamp >= LOG_TALLY_WINDOW_MS) {
			if (found->count == 0) {
				found->k.stamp = now;
				return true;
			}
			tally_report(t, found, now);
		}
		found->count++;
		return false;
	}
	if ((copy = keyslot_copy(key, len, false)) == NULL)
		return true;
	oldest = (struct tally_slot *)k;
	if (oldest->k.key != NULL) {
		tally_report(t, oldest, now);
		tally_forget(t, oldest);
	}
	oldest->k.key = copy;
	oldest->k.hash = h;
	oldest->k.stamp = now;
	oldest->count = 0;
	t->used++;
	return true;
}

void
log_tally_sweep(struct log_tally *t, int64_t now)
{
	struct tally_slot *slot;
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < LOG_TALLY_SLOTS; i++) {
		slot = &t->slots[i];
		if (slot->k.key == NULL || now - slot->k.stamp < LOG_TALLY_WINDOW_MS)
			continue;
		if (slot->count == 0)
			tally_forget(t, slot);
		else
			tally_report(t, slot, now);
	}
}

size_t
log_tally_size(const struct log_tally *t)
{
	return t != NULL ? t->used : 0;
}
