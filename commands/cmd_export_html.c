/*
 * commands/cmd_export_html.c - export html: a period's time as one HTML
 * page (commands/export_html.h) to open in a browser, sent as a file.
 *
 * The numbers are the timesheet's: the same grid of projects by days,
 * filled by cmd_ts_load (commands/cmd_timesheet.c), here rounded as the
 * user's reports are (setting rounding) and shown in their hours (setting
 * hours). The page is useless as chat text, so the file is marked for
 * HTTP upload only (cmd_file.upload_only): where the server has none,
 * bot/ answers that it cannot send it, and offers export csv. Only reads.
 */
#include "cmd_int.h"

#include <stdio.h>
#include <string.h>

#include "billing.h"
#include "export_html.h"
#include "format.h"
#include "prefs.h"
#include "rounding.h"
#include "timesheet.h"

/* What the page says of how its times are counted, into out. */
static void
say_counting(const struct prefs *p, struct text *out)
{
	char how[ROUNDING_TEXT_MAX];

	rounding_say(&p->rounding, how, sizeof(how));
	if (how[0] != '\0')
		text_printf(out, "Times are %s, as your reports count them "
		                 "(setting rounding).", how);
	else
		text_printf(out, "Exact times: the time worked, breaks left out.");
}

/*
 * The amounts of g's projects into *a, as `report by project` computes
 * them (billing_report_read: each project's billable time, rounded as
 * the report rounds it, at the rate that applies): a row per project
 * with a rate, and the billable total. No rows when no rate applies.
 */
static store_rc
amounts(const struct cmd_ctx *ctx, const struct cmd_query *q,
        const struct prefs *p, const struct ts_grid *g, struct html_amounts *a)
{
	static int64_t bounds[STORE_BUCKETS_MAX + 1];
	struct billing_report *br = NULL;
	struct billing_rate rate;
	char money[BILLING_MONEY_MAX];
	store_rc rc;
	int nb, r;

	memset(a, 0, sizeof(*a));
	if ((nb = cmd_day_bounds(ctx->tz, q, bounds)) < 0)
		return STORE_OK; /* cmd_ts_load took this period */
	if ((rc = billing_report_read(ctx, q, &p->rounding, bounds, nb, false,
	                              &br)) != STORE_OK || br == NULL)
		return rc;
	for (r = 0; r < g->nrows; r++) {
		struct html_amount_row *row = &a->row[a->nrows];

		billing_report_cell(br, g->row[r].name, 0, row->amount,
		                    sizeof(row->amount));
		if (row->amount[0] == '\0')
			continue; /* no rate, or only non-billable time */
		snprintf(row->name, sizeof(row->name), "%s", g->row[r].name);
		billing_report_rate(br, g->row[r].name, &rate);
		if (rate.cents > 0) {
			billing_money(rate.cents, rate.currency, money,
			              sizeof(money));
			snprintf(row->rate, sizeof(row->rate), "%s/h", money);
		}
		a->nrows++;
	}
	billing_report_total(br, a->total, sizeof(a->total));
	billing_report_free(br);
	return STORE_OK;
}

/* The page of g into body (CMD_FILE_MAX); 0, or -1 when it did not fit. */
static int
make_page(const struct cmd_ctx *ctx, const struct cmd_query *q,
          const struct prefs *p, const struct ts_grid *g,
          const struct html_amounts *a, struct text *body)
{
	struct text heading, note;
	struct html_page page;
	int rc;

	text_init(&heading, CMD_REPLY_MAX);
	text_init(&note, CMD_REPLY_MAX);
	fmt_heading_of(&heading, ctx->owner, ctx->tz, q->label, q->from, q->to);
	cmd_say_filter(q, &heading);
	say_counting(p, &note);
	memset(&page, 0, sizeof(page));
	page.g = g;
	page.heading = text_str(&heading);
	page.note = text_str(&note);
	page.decimal = p->hours_decimal;
	page.amounts = a;
	text_init(body, CMD_FILE_MAX);
	rc = html_page(&page, body);
	text_free(&heading);
	text_free(&note);
	return rc;
}

enum cmd_status
cmd_html_export(const struct cmd_ctx *ctx, const struct cmd_args *args,
                const char *user, struct text *reply)
{
	char name[sizeof(((struct cmd_file *)0)->name)], dur[FMT_DURATION_MAX];
	static struct html_amounts money; /* large; commands run one at a
	                                     time */
	struct ts_grid *g;
	struct cmd_query q;
	struct prefs p;
	struct text body;
	enum cmd_status rc;

	if (ctx->file == NULL) {
		/* A caller that takes no files would get the page as text. */
		text_printf(reply, "An HTML report comes only as a file, and I "
		                   "cannot send one here. Try \"export csv\".");
		return CMD_REFUSED;
	}
	if (cmd_read_query(ctx, args, 1, TZ_MONTH, 0, &q, reply) != 0)
		return CMD_REFUSED;
	q.user = user;
	if (prefs_load(ctx->st, ctx->owner, ctx->prefs, &p) != STORE_OK)
		return cmd_store_failed(reply, 0);
	if ((rc = cmd_ts_load(ctx, &q, STORE_BY_PROJECT, &p.rounding, &g,
	                      reply)) != CMD_OK)
		return rc;
	if (g->total == 0) {
		ts_grid_free(g);
		return cmd_ts_none(ctx, &q, "; nothing to export", reply);
	}
	if (amounts(ctx, &q, &p, g, &money) != STORE_OK) {
		ts_grid_free(g);
		return cmd_store_failed(reply, 0);
	}
	if (make_page(ctx, &q, &p, g, &money, &body) != 0) {
		text_free(&body);
		ts_grid_free(g);
		text_printf(reply, "Sorry, that report did not fit in a file (at "
		                   "most %d MiB). Ask for a shorter period.",
		            CMD_FILE_MAX / (1024 * 1024));
		return CMD_REFUSED;
	}
	cmd_ts_file_name(g, "report", HTML_EXT, name, sizeof(name));
	fmt_worked(p.hours_decimal, g->total, dur, sizeof(dur));
	text_printf(reply, "Report of %s", q.label);
	if (user != NULL)
		text_printf(reply, " for %s", user);
	cmd_say_filter(&q, reply);
	text_printf(reply, ": %s on %d %s, as %s, a page to open in a browser.",
	            dur, g->nrows, g->nrows == 1 ? "project" : "projects", name);
	ts_grid_free(g);
	cmd_file_free(ctx->file);
	ctx->file->present = true;
	ctx->file->upload_only = true;
	snprintf(ctx->file->name, sizeof(ctx->file->name), "%s", name);
	ctx->file->mime = HTML_MIME;
	ctx->file->body = body; /* taken */
	return CMD_OK;
}
