/*
 * commands/billing_report.c - the amounts of a report: per row (a
 * project, or a day) the billable time at the rate that applies, and the
 * billable total per currency (billing.h has the rules).
 *
 * The billable time is a second report of the same period and filter
 * without the entries that carry the non-billable tag (store_filter's
 * without_tag), grouped by project, so that each project's time meets
 * its own rate; a day's amount is the sum of its projects' amounts. Each
 * amount is rounded once, from the time of its row as the store sums it
 * (with the setting rounding on, the sum of the rounded entries, as the
 * report shows it: cmd_report_sums), and the totals add those rounded
 * amounts up: the column and the total always agree to the cent.
 */
#include "billing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_int.h"
#include "format.h"

/* Currencies one row or report keeps apart; more are left out of the
 * amounts (and the report says so). */
#define REPORT_CURRENCIES_MAX 8

struct sum {
	char currency[STORE_CURRENCY_LEN + 1];
	int64_t cents;
};

struct cell {
	struct sum v[REPORT_CURRENCIES_MAX];
	int n;
};

struct billing_report {
	bool by_day;
	struct billing_book *book; /* owned; its nobill tag is the report's */
	const char *owner;         /* borrowed from the cmd_ctx */
	/* By day: one cell per bucket. By project: one per project, named. */
	struct cell *cells;
	char (*names)[STORE_PROJECT_MAX + 1];
	int ncells, cap;
	struct cell total;
	int64_t billable_secs;
	bool lost;   /* an amount did not fit, or too many currencies */
	bool failed; /* out of memory */
};

/* Adds cents of currency to c; false when it cannot (too many
 * currencies, or the sum does not fit). */
static bool
cell_add(struct cell *c, const char *currency, int64_t cents)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i].currency, currency) == 0)
			return !__builtin_add_overflow(c->v[i].cents, cents,
			                               &c->v[i].cents);
	if (c->n == REPORT_CURRENCIES_MAX)
		return false;
	snprintf(c->v[c->n].currency, sizeof c->v[c->n].currency, "%s",
	         currency);
	c->v[c->n++].cents = cents;
	return true;
}

/* The cell of project name (case aside), added when new; NULL when out
 * of memory. */
static struct cell *
project_cell(struct billing_report *r, const char *name)
{
	void *grown;
	int i;

	for (i = 0; i < r->ncells; i++)
		if (store_same_name(r->names[i], name))
			return &r->cells[i];
	if (r->ncells == r->cap) {
		int cap = r->cap ? r->cap * 2 : 16;

		if ((grown = realloc(r->cells, (size_t)cap * sizeof *r->cells)) ==
		    NULL)
			return NULL;
		r->cells = grown;
		if ((grown = realloc(r->names, (size_t)cap * sizeof *r->names)) ==
		    NULL)
			return NULL;
		r->names = grown;
		r->cap = cap;
	}
	memset(&r->cells[r->ncells], 0, sizeof r->cells[0]);
	snprintf(r->names[r->ncells], sizeof r->names[0], "%s", name);
	return &r->cells[r->ncells++];
}

/* store_report's callback: one (bucket, project) of billable time. */
static void
collect(int bucket, const char *project, int64_t secs, void *arg)
{
	struct billing_report *r = arg;
	struct billing_rate rate;
	struct cell *c;
	int64_t cents;

	billing_rate_of(r->book, r->owner, project, &rate);
	if (rate.cents == 0 || r->failed)
		return;
	if (billing_amount(secs, rate.cents, &cents) != 0) {
		r->lost = true;
		return;
	}
	if (r->by_day)
		c = bucket >= 0 && bucket < r->ncells ? &r->cells[bucket] : NULL;
	else if ((c = project_cell(r, project)) == NULL)
		r->failed = true;
	if (c == NULL)
		return;
	if (!cell_add(c, rate.currency, cents) ||
	    !cell_add(&r->total, rate.currency, cents))
		r->lost = true;
	r->billable_secs += secs;
}

store_rc
billing_report_read(const struct cmd_ctx *ctx, const struct cmd_query *q,
                    const struct rounding *rounding, const int64_t *bounds,
                    int nb, bool by_day, struct billing_report **out)
{
	const struct billing_cfg *cfg = billing_cfg_of(ctx);
	struct billing_book *book = NULL;
	struct billing_report *r;
	struct store_filter f = q->filter;
	store_rc rc;

	*out = NULL;
	rc = billing_book_load(ctx->st, ctx->teams, cfg, ctx->owner, &book);
	if (rc != STORE_OK || billing_book_empty(book)) {
		billing_book_free(book);
		return rc;
	}
	if ((r = calloc(1, sizeof *r)) == NULL) {
		billing_book_free(book);
		return STORE_ERR;
	}
	r->by_day = by_day;
	r->book = book; /* freed with r from here on */
	r->owner = ctx->owner;
	if (by_day) {
		r->ncells = r->cap = nb - 1;
		if ((r->cells = calloc((size_t)nb, sizeof *r->cells)) == NULL)
			r->failed = true;
	}
	f.without_tag = billing_book_nobill(book);
	if (!r->failed)
		rc = cmd_report_sums(ctx, rounding, bounds, nb, by_day,
		                     STORE_BY_PROJECT, &f, collect, r);
	if (rc == STORE_OK && r->failed)
		rc = STORE_ERR;
	if (rc != STORE_OK || r->total.n == 0) {
		/* Nothing billable: the report stays as it was. */
		billing_report_free(r);
		return rc;
	}
	*out = r;
	return STORE_OK;
}

void
billing_report_free(struct billing_report *r)
{
	if (r == NULL)
		return;
	billing_book_free(r->book);
	free(r->cells);
	free(r->names);
	free(r);
}

void
billing_report_rate(const struct billing_report *r, const char *project,
                    struct billing_rate *out)
{
	if (r == NULL) {
		memset(out, 0, sizeof *out);
		return;
	}
	billing_rate_of(r->book, r->owner, project, out);
}

/* The sums of c, "602.08 EUR, 300.00 USD", into buf. */
static void
say_cell(const struct cell *c, char *buf, size_t n)
{
	char money[BILLING_MONEY_MAX];
	size_t len = 0;
	int i;

	if (n > 0)
		buf[0] = '\0';
	for (i = 0; i < c->n && len < n; i++) {
		billing_money(c->v[i].cents, c->v[i].currency, money,
		              sizeof money);
		len += (size_t)snprintf(buf + len, n - len, "%s%s",
		                        i ? ", " : "", money);
	}
}

void
billing_report_cell(const struct billing_report *r, const char *name,
                    int bucket, char *buf, size_t n)
{
	int i;

	if (n > 0)
		buf[0] = '\0';
	if (r == NULL)
		return;
	if (r->by_day) {
		if (bucket >= 0 && bucket < r->ncells)
			say_cell(&r->cells[bucket], buf, n);
		return;
	}
	for (i = 0; name != NULL && i < r->ncells; i++)
		if (store_same_name(r->names[i], name)) {
			say_cell(&r->cells[i], buf, n);
			return;
		}
}

void
billing_report_total(const struct billing_report *r, char *buf, size_t n)
{
	if (r == NULL) {
		if (n > 0)
			buf[0] = '\0';
		return;
	}
	say_cell(&r->total, buf, n);
}

void
billing_report_say(const struct billing_report *r, int64_t total_secs,
                   bool decimal, struct text *out)
{
	char buf[BILLING_CELL_MAX], dur[FMT_DURATION_MAX];

	if (r == NULL)
		return;
	say_cell(&r->total, buf, sizeof buf);
	fmt_worked(decimal, r->billable_secs, dur, sizeof dur);
	text_printf(out, "\nBillable: %s (%s).", buf, dur);
	if (total_secs > r->billable_secs) {
		fmt_worked(decimal, total_secs - r->billable_secs, dur,
		           sizeof dur);
		text_printf(out, " Not billable: %s (no rate, or +%s).", dur,
		            billing_book_nobill(r->book));
	}
	text_printf(out, "\nAmounts: each row's billable hours at its hourly "
	                 "rate, rounded to the cent (half up); currencies are "
	                 "never added together.");
	if (r->lost)
		text_printf(out, " Some time is left out of the amounts: too "
		                 "many currencies, or an amount too large.");
}
