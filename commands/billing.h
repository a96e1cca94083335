/*
 * commands/billing.h - rates and billable time: what an hour of a project
 * is billed at, which entries are billable, and what their time comes to.
 *
 * The rules, in one place (README "Rates and billable time" says them to
 * users):
 * - A rate is integer cents per hour of a currency (ISO 4217, three
 *   capital letters). A user sets their own (`rate acme 85 EUR`); a lead
 *   of a team sets the team's for its shared projects (`rate team web
 *   acme 120 EUR`).
 * - Which applies to an entry of a user: the rate of a team the user is a
 *   member of that shares the entry's project, when that team has one
 *   (the team bills its client), else the user's own. Teams are looked at
 *   in bot.yaml's order.
 * - An entry is billable when a rate applies to its project and it has no
 *   non-billable tag (billing.nonbillable_tag, "nobill" by default).
 * - An amount is billing_amount(seconds, rate): seconds x cents per hour
 *   / 3600, rounded to the cent, half up; a report computes it once per
 *   row (per project, or per day and project) from that row's billable
 *   time, and its totals are the sums of its rows, per currency.
 *   Currencies are never added together.
 *
 * Dependency rule: storage/store.h, lib/ and the rest of commands/; no
 * clock, no XMPP, no SQL.
 */
#ifndef TIMMY_BILLING_H
#define TIMMY_BILLING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../storage/store.h"
#include "../lib/text.h"

struct teams;
struct cmd_ctx;
struct cmd_query;

/* bot.yaml's billing section (bot/config_billing.c). */
struct billing_cfg {
	/* billing.nonbillable_tag: time with this tag (case aside) is not
	 * billable; "nobill" unless set. */
	char nobill_tag[STORE_TAG_MAX + 1];
	/* billing.currency: the currency of a rate given without one
	 * (`rate acme 85`); "" when unset, and then a rate needs one. */
	char currency[STORE_CURRENCY_LEN + 1];
};

/* The built-in billing settings: tag "nobill", no default currency. */
void billing_cfg_builtin(struct billing_cfg *c);

/* ctx's billing settings: bot.yaml's, else the built-in ones. Borrowed. */
const struct billing_cfg *billing_cfg_of(const struct cmd_ctx *ctx);

/*
 * The amount of secs at cents_per_hour, in cents, into *cents:
 * secs x cents_per_hour / 3600, rounded half up (half a cent is a cent
 * more). 0 for 0 seconds. -1 (and *cents 0) when either is negative or
 * the product does not fit in 64 bits (more than some 290 years at the
 * highest rate); callers then show no amount.
 */
int billing_amount(int64_t secs, int64_t cents_per_hour, int64_t *cents);

/* Room for "1,000,000,000,000.00 EUR" and more. */
#define BILLING_MONEY_MAX 48

/*
 * cents as money, into buf (n bytes, BILLING_MONEY_MAX will do): digits
 * grouped by three with commas, a point and two decimals, then the
 * currency when it is not NULL ("1,234.50 EUR", "0.85 USD"). The same
 * whatever the locale. Negative amounts (never made here) get a "-".
 */
void billing_money(int64_t cents, const char *currency, char *buf, size_t n);

/* cents as a plain decimal, "1234.50": what exports write. */
void billing_decimal(struct text *t, int64_t cents);

/*
 * Reads an hourly rate, "85", "85.5", "85.50" or "85,50" (a comma for the
 * point), into *cents. -1 with why in reply for anything else: a sign,
 * more than two decimals, no digits, grouping ("1,000.50"), zero (`off`
 * removes a rate), or more than STORE_RATE_CENTS_MAX.
 */
int billing_parse_rate(const char *word, int64_t *cents, struct text *reply);

/* True when word looks like an amount (starts with a digit, or a sign
 * and a digit): what the rate command reads as the rate. */
bool billing_looks_like_rate(const char *word);

/* True when word is three ASCII letters: a currency code, written into
 * out (STORE_CURRENCY_LEN + 1 bytes) in capitals. The code is not looked
 * up in ISO 4217's list: any three letters are taken, as typed. */
bool billing_currency(const char *word, char *out);

/* ---- Which rate applies (a book of rates, read once) ---- */

/* The rate that applies to an entry. */
struct billing_rate {
	int64_t cents;                /* per hour; 0: none applies */
	char currency[STORE_CURRENCY_LEN + 1];
	const char *team;             /* the team's name when it is the
	                                 team's rate, else NULL; borrowed
	                                 from the teams */
};

/*
 * The rates a report or an export needs, read once before it: owner's
 * own (owner NULL: every user's, for exports of several users) and every
 * team's, with teams (NULL: none) and cfg (NULL: the built-in) to tell
 * which applies. STORE_OK with *out owned by the caller
 * (billing_book_free); teams and cfg are borrowed and must outlive it.
 */
struct billing_book;
store_rc billing_book_load(store *st, const struct teams *teams,
                           const struct billing_cfg *cfg, const char *owner,
                           struct billing_book **out);
void billing_book_free(struct billing_book *b);

/* True when b holds no rate at all (then nothing is billable). */
bool billing_book_empty(const struct billing_book *b);

/* The non-billable tag of b. Borrowed. */
const char *billing_book_nobill(const struct billing_book *b);

/*
 * Calls cb with each rate of b, as billing_book_load read them: owner's
 * own (by project), then, where there are teams, every team's (by team,
 * then project). Each is borrowed for the call. Nothing when b is NULL.
 */
void billing_book_each(const struct billing_book *b, store_rate_cb cb,
                       void *arg);

/* The rate that applies to owner's time on project, by the rules above,
 * into *out (cents 0: none). */
void billing_rate_of(const struct billing_book *b, const char *owner,
                     const char *project, struct billing_rate *out);

/* What an export writes about one entry. */
struct billing_entry {
	bool billable;
	struct billing_rate rate;     /* cents 0 when none applies */
	int64_t amount;               /* cents; valid when has_amount */
	bool has_amount;
};

/* The billing of owner's entry e, worked secs seconds, by b (NULL: no
 * rates) into *out. */
void billing_of_entry(const struct billing_book *b, const char *owner,
                      const struct store_entry *e, int64_t secs,
                      struct billing_entry *out);

/* ---- Reports (commands/billing_report.c) ---- */

/* Room for one row's amounts, "1,234.50 EUR, 300.00 USD". */
#define BILLING_CELL_MAX 160

struct billing_report;

/*
 * The amounts of a report of ctx's owner for q, read from the store:
 * grouped by project over [bounds[0], bounds[nb - 1]) (by_day false), or
 * by day over the nb - 1 buckets of bounds (by_day true), the local days
 * of the period (cmd_day_bounds); each entry rounded by rounding, as the
 * report rounds it (cmd_report_sums). NULL in *out
 * when no rate applies to any of it (the report then stays as it was),
 * else a report owned by the caller (billing_report_free). STORE_OK or
 * the store's failure. The report keeps the book of rates it read, and
 * borrows ctx's owner and teams: ctx must outlive it.
 */
struct rounding;
store_rc billing_report_read(const struct cmd_ctx *ctx,
                             const struct cmd_query *q,
                             const struct rounding *rounding,
                             const int64_t *bounds, int nb, bool by_day,
                             struct billing_report **out);
void billing_report_free(struct billing_report *r);

/* The rate that applies to the report owner's time on project, from the
 * book the report read, into *out (cents 0: none, or r NULL). */
void billing_report_rate(const struct billing_report *r, const char *project,
                         struct billing_rate *out);

/* The amounts of the report's row name (by project; case aside) or
 * bucket (by day) into buf (n bytes), "" when it has none. */
void billing_report_cell(const struct billing_report *r, const char *name,
                         int bucket, char *buf, size_t n);

/* The billable total of r, "1,234.50 EUR, 300.00 USD", into buf (n
 * bytes); "" when r is NULL. */
void billing_report_total(const struct billing_report *r, char *buf,
                          size_t n);

/*
 * The lines after the table: "Billable: 1,234.50 EUR, 300.00 USD (9h
 * 05m)", "Not billable: 2h 00m (no rate, or +nobill)" when total_secs
 * holds time that is not billable, and the rule the amounts follow;
 * times in decimal hours when decimal (the setting hours).
 */
void billing_report_say(const struct billing_report *r, int64_t total_secs,
                        bool decimal, struct text *out);

#endif
