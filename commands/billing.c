/*
 * commands/billing.c - the arithmetic, parsing and formatting of money,
 * and the book of rates that says which rate applies to an entry. The
 * rules are billing.h's; the rate command is cmd_rate.c, the report's
 * amounts billing_report.c.
 *
 * Money is integer cents throughout: no floating point, so that an
 * amount is the same on every machine and adds up to the cent.
 */
#include "billing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_int.h"
#include "team.h"

void
billing_cfg_builtin(struct billing_cfg *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->nobill_tag, sizeof c->nobill_tag, "nobill");
}

const struct billing_cfg *
billing_cfg_of(const struct cmd_ctx *ctx)
{
	static struct billing_cfg builtin;

	if (ctx != NULL && ctx->billing != NULL)
		return ctx->billing;
	if (builtin.nobill_tag[0] == '\0')
		billing_cfg_builtin(&builtin);
	return &builtin;
}

int
billing_amount(int64_t secs, int64_t cents_per_hour, int64_t *cents)
{
	int64_t p;

	*cents = 0;
	if (secs < 0 || cents_per_hour < 0)
		return -1;
	/* Half an hundredth of a cent-hour is 1800 cent-seconds. */
	if (__builtin_mul_overflow(secs, cents_per_hour, &p) ||
	    __builtin_add_overflow(p, 1800, &p))
		return -1;
	*cents = p / 3600;
	return 0;
}

void
billing_money(int64_t cents, const char *currency, char *buf, size_t n)
{
	char digits[24], grouped[40];
	uint64_t u = cents < 0 ? 0 - (uint64_t)cents : (uint64_t)cents;
	size_t len, i, g = 0;

	if (n == 0)
		return;
	len = (size_t)snprintf(digits, sizeof digits, "%llu",
	                       (unsigned long long)(u / 100));
	for (i = 0; i < len; i++) {
		/* A comma before each group of three from the right. */
		if (i > 0 && (len - i) % 3 == 0)
			grouped[g++] = ',';
		grouped[g++] = digits[i];
	}
	grouped[g] = '\0';
	snprintf(buf, n, "%s%s.%02u%s%s", cents < 0 ? "-" : "", grouped,
	         (unsigned)(u % 100), currency != NULL ? " " : "",
	         currency != NULL ? currency : "");
}

void
billing_decimal(struct text *t, int64_t cents)
{
	uint64_t u = cents < 0 ? 0 - (uint64_t)cents : (uint64_t)cents;

	text_printf(t, "%s%llu.%02u", cents < 0 ? "-" : "",
	            (unsigned long long)(u / 100), (unsigned)(u % 100));
}

bool
billing_looks_like_rate(const char *word)
{
	if (word[0] == '-' || word[0] == '+')
		word++;
	return word[0] >= '0' && word[0] <= '9';
}

int
billing_parse_rate(const char *word, int64_t *cents, struct text *reply)
{
	const char *p = word;
	int64_t units = 0, frac = 0;
	int nfrac = 0;

	*cents = 0;
	if (*p == '-' || *p == '+') {
		text_printf(reply, "A rate is an amount without a sign, such as "
		                   "85 or 85.50.");
		return -1;
	}
	if (*p < '0' || *p > '9')
		goto bad;
	for (; *p >= '0' && *p <= '9'; p++) {
		units = units * 10 + (*p - '0');
		/* Checked at every digit: a long run never overflows. */
		if (units > STORE_RATE_CENTS_MAX / 100)
			goto absurd;
	}
	if (*p == '.' || *p == ',') {
		for (p++; *p >= '0' && *p <= '9'; p++, nfrac++)
			if (nfrac < 2)
				frac = frac * 10 + (*p - '0');
		if (nfrac == 0)
			goto bad;
		if (nfrac > 2) {
			text_printf(reply, "A rate has at most two decimals "
			                   "(cents): 85.50, not ");
			cmd_quote_word(reply, word);
			text_printf(reply, ". Write a thousand as 1000.");
			return -1;
		}
		if (nfrac == 1)
			frac *= 10;
	}
	if (*p != '\0')
		goto bad;
	*cents = units * 100 + frac;
	if (*cents > STORE_RATE_CENTS_MAX)
		goto absurd;
	if (*cents == 0) {
		text_printf(reply, "A rate of 0 bills nothing; \"rate PROJECT "
		                   "off\" removes one.");
		return -1;
	}
	return 0;
bad:
	text_printf(reply, "I read a rate as an amount such as 85, 85.50 or "
	                   "85,50, not ");
	cmd_quote_word(reply, word);
	text_printf(reply, ".");
	return -1;
absurd:
	*cents = 0;
	text_printf(reply, "That rate is more than I take: at most "
	                   "1,000,000.00 an hour.");
	return -1;
}

bool
billing_currency(const char *word, char *out)
{
	int i;

	for (i = 0; i < STORE_CURRENCY_LEN; i++) {
		char c = word[i];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c < 'A' || c > 'Z')
			return false;
		out[i] = c;
	}
	out[STORE_CURRENCY_LEN] = '\0';
	return word[STORE_CURRENCY_LEN] == '\0';
}

/* ---- The book ---- */

struct billing_book {
	const struct teams *teams;
	char nobill[STORE_TAG_MAX + 1];
	struct store_rate *v;
	size_t n, cap;
	bool failed; /* out of memory while loading */
};

/* store_rates' callback: one more rate into the book. */
static void
book_add(const struct store_rate *r, void *arg)
{
	struct billing_book *b = arg;
	struct store_rate *grown;

	if (b->failed)
		return;
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 8;

		if ((grown = realloc(b->v, cap * sizeof *grown)) == NULL) {
			b->failed = true;
			return;
		}
		b->v = grown;
		b->cap = cap;
	}
	b->v[b->n++] = *r;
}

store_rc
billing_book_load(store *st, const struct teams *teams,
                  const struct billing_cfg *cfg, const char *owner,
                  struct billing_book **out)
{
	struct billing_book *b;
	store_rc rc;

	*out = NULL;
	if ((b = calloc(1, sizeof *b)) == NULL)
		return STORE_ERR;
	if (cfg == NULL)
		cfg = billing_cfg_of(NULL);
	b->teams = teams;
	snprintf(b->nobill, sizeof b->nobill, "%s", cfg->nobill_tag);
	rc = store_rates(st, STORE_RATE_USER, owner, book_add, b);
	/* Team rates only matter where bot.yaml has teams. */
	if (rc == STORE_OK && teams != NULL && teams->n > 0)
		rc = store_rates(st, STORE_RATE_TEAM, NULL, book_add, b);
	if (rc == STORE_OK && b->failed)
		rc = STORE_ERR;
	if (rc != STORE_OK) {
		billing_book_free(b);
		return rc;
	}
	*out = b;
	return STORE_OK;
}

void
billing_book_free(struct billing_book *b)
{
	if (b == NULL)
		return;
	free(b->v);
	free(b);
}

bool
billing_book_empty(const struct billing_book *b)
{
	return b == NULL || b->n == 0;
}

const char *
billing_book_nobill(const struct billing_book *b)
{
	return b != NULL ? b->nobill : billing_cfg_of(NULL)->nobill_tag;
}

void
billing_book_each(const struct billing_book *b, store_rate_cb cb, void *arg)
{
	size_t i;

	for (i = 0; b != NULL && i < b->n; i++)
		cb(&b->v[i], arg);
}

/* The rate of (scope, name) for project (case aside), or NULL. */
static const struct store_rate *
book_find(const struct billing_book *b, enum store_rate_scope scope,
          const char *name, const char *project)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (b->v[i].scope == scope && strcmp(b->v[i].name, name) == 0 &&
		    store_same_name(b->v[i].project, project))
			return &b->v[i];
	return NULL;
}

void
billing_rate_of(const struct billing_book *b, const char *owner,
                const char *project, struct billing_rate *out)
{
	const struct store_rate *r = NULL;
	const char *team = NULL;
	size_t i;

	memset(out, 0, sizeof *out);
	if (billing_book_empty(b) || owner == NULL || project == NULL)
		return;
	/* The team's rate first: the team bills its client for the time
	 * its members spend on its shared projects. */
	for (i = 0; b->teams != NULL && i < b->teams->n && r == NULL; i++) {
		const struct team *t = &b->teams->v[i];

		if (team_has_member(t, owner) && team_project(t, project) != NULL &&
		    (r = book_find(b, STORE_RATE_TEAM, t->name, project)) != NULL)
			team = t->name;
	}
	if (r == NULL)
		r = book_find(b, STORE_RATE_USER, owner, project);
	if (r == NULL)
		return;
	out->cents = r->cents;
	memcpy(out->currency, r->currency, sizeof out->currency);
	out->team = team;
}

void
billing_of_entry(const struct billing_book *b, const char *owner,
                 const struct store_entry *e, int64_t secs,
                 struct billing_entry *out)
{
	int i, ntags = e->ntags < 0 ? 0 :
	               e->ntags > STORE_TAGS_MAX ? STORE_TAGS_MAX : e->ntags;

	memset(out, 0, sizeof *out);
	billing_rate_of(b, owner, e->project, &out->rate);
	if (out->rate.cents == 0)
		return;
	for (i = 0; i < ntags; i++)
		if (store_same_name(e->tags[i], billing_book_nobill(b)))
			return;
	out->billable = true;
	out->has_amount = billing_amount(secs, out->rate.cents,
	                                 &out->amount) == 0;
}
