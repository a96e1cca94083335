/*
 * tests/unit/test_caps.c - what the bot says it is and supports
 * (bot/caps.c): the XEP-0115 verification string, checked against the
 * worked example of XEP-0115 section 5.2 and against our own disco#info
 * answer; the caps node queries we answer; the XEP-0184 receipt and
 * XEP-0085 chat state stanzas; and which commands count as slow enough
 * for a "composing" (commands/cmd.c, cmd_is_slow); the chat command a
 * submitted XEP-0050 Start, Report or Export form stands for
 * (bot/adhoc_forms.c), and the settings commands of a Settings form
 * (bot/adhoc_settings.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strophe.h>

#include "../../bot/adhoc_int.h"
#include "../../bot/caps.h"
#include "../../bot/testing.h"
#include "../../commands/cmd.h"
#include "../../commands/prefs.h"

static xmpp_ctx_t *ctx;

static int
setup(void **state)
{
	(void)state;
	ctx = xmpp_ctx_new(NULL, NULL);
	return ctx == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	xmpp_ctx_free(ctx);
	return 0;
}

/* XEP-0115 section 5.2: Exodus 0.9.1, one identity, four features. */
static const struct caps_identity exodus_ids[] = {
	{ "client", "pc", NULL, "Exodus 0.9.1" },
};
static const char *const exodus_features[] = {
	"http://jabber.org/protocol/caps",
	"http://jabber.org/protocol/disco#info",
	"http://jabber.org/protocol/disco#items",
	"http://jabber.org/protocol/muc",
};

static void
caps_ver__is_the_xep_example_value__for_the_exodus_example(void **state)
{
	char ver[CAPS_VER_MAX];

	(void)state;
	assert_true(caps_ver(ctx, exodus_ids, 1, exodus_features, 4, ver,
	                     sizeof(ver)));
	assert_string_equal(ver, "QgayPKawpkPSDYmwT/WM94uAlu0=");
}

static void
caps_ver__is_the_same__when_features_and_identities_come_unsorted(
    void **state)
{
	static const struct caps_identity ids[] = {
		{ "client", "pc", "en", "Two" },
		{ "client", "pc", NULL, "Exodus 0.9.1" },
		{ "client", "bot", NULL, "One" },
	};
	static const struct caps_identity sorted[] = {
		{ "client", "bot", NULL, "One" },
		{ "client", "pc", NULL, "Exodus 0.9.1" },
		{ "client", "pc", "en", "Two" },
	};
	const char *shuffled[] = {
		exodus_features[3], exodus_features[1], exodus_features[0],
		exodus_features[2],
	};
	char a[CAPS_VER_MAX], b[CAPS_VER_MAX], c[CAPS_VER_MAX];

	(void)state;
	assert_true(caps_ver(ctx, exodus_ids, 1, shuffled, 4, a, sizeof(a)));
	assert_string_equal(a, "QgayPKawpkPSDYmwT/WM94uAlu0=");
	assert_true(caps_ver(ctx, ids, 3, shuffled, 4, b, sizeof(b)));
	assert_true(caps_ver(ctx, sorted, 3, exodus_features, 4, c, sizeof(c)));
	assert_string_equal(b, c);
	assert_string_not_equal(a, b);
	/* The caller's array is left in its order. */
	assert_ptr_equal(shuffled[0], exodus_features[3]);
}

static void
caps_ver__fails_with_an_empty_string__when_the_buffer_is_too_small(
    void **state)
{
	char ver[10] = "junk";

	(void)state;
	assert_false(caps_ver(ctx, exodus_ids, 1, exodus_features, 4, ver,
	                      sizeof(ver)));
	assert_string_equal(ver, "");
}

/* The attribute attr of every child of q named name, in order, into out
 * (at most max); returns how many. */
static size_t
children_attr(xmpp_stanza_t *q, const char *name, const char *attr,
              const char **out, size_t max)
{
	xmpp_stanza_t *c;
	size_t n = 0;

	for (c = xmpp_stanza_get_children(q); c; c = xmpp_stanza_get_next(c))
		if (xmpp_stanza_is_tag(c) && n < max &&
		    strcmp(xmpp_stanza_get_name(c), name) == 0)
			out[n++] = xmpp_stanza_get_attribute(c, attr);
	return n;
}

static bool
has(const char **list, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list[i] != NULL && strcmp(list[i], s) == 0)
			return true;
	return false;
}

static void
caps_disco_query__lists_client_bot_and_every_feature__without_a_node(
    void **state)
{
	xmpp_stanza_t *q = caps_disco_query(ctx, NULL);
	const char *features[CAPS_LIST_MAX], *cats[4], *types[4];
	size_t nf;

	(void)state;
	assert_non_null(q);
	assert_string_equal(xmpp_stanza_get_ns(q), NS_DISCO_INFO);
	assert_null(xmpp_stanza_get_attribute(q, "node"));
	assert_int_equal(children_attr(q, "identity", "category", cats, 4), 1);
	assert_int_equal(children_attr(q, "identity", "type", types, 4), 1);
	assert_string_equal(cats[0], "client");
	assert_string_equal(types[0], "bot");
	nf = children_attr(q, "feature", "var", features, CAPS_LIST_MAX);
	assert_int_equal(nf, 9);
	assert_true(has(features, nf, NS_DISCO_INFO));
	assert_true(has(features, nf, NS_CAPS));
	assert_true(has(features, nf, NS_RECEIPTS));
	assert_true(has(features, nf, NS_CHATSTATES));
	assert_true(has(features, nf, "urn:xmpp:ping"));
	assert_true(has(features, nf, "jabber:iq:version"));
	assert_true(has(features, nf, "urn:xmpp:message-correct:0"));
	assert_true(has(features, nf, "urn:xmpp:message-retract:1"));
	xmpp_stanza_release(q);
}

/* What a client does with our presence: hash the disco#info answer it
 * gets and compare it with the ver it was given. */
static void
caps_own_ver__is_the_hash_of_the_disco_answer__so_clients_can_verify_it(
    void **state)
{
	xmpp_stanza_t *q = caps_disco_query(ctx, NULL);
	const char *features[CAPS_LIST_MAX], *cats[4], *types[4], *names[4];
	struct caps_identity id;
	char ver[CAPS_VER_MAX];
	size_t nf;

	(void)state;
	assert_non_null(q);
	assert_int_equal(children_attr(q, "identity", "category", cats, 4), 1);
	children_attr(q, "identity", "type", types, 4);
	children_attr(q, "identity", "name", names, 4);
	id = (struct caps_identity){ cats[0], types[0], NULL, names[0] };
	nf = children_attr(q, "feature", "var", features, CAPS_LIST_MAX);
	assert_true(caps_ver(ctx, &id, 1, features, nf, ver, sizeof(ver)));
	assert_string_equal(caps_own_ver(ctx), ver);
	assert_int_equal(strlen(ver), CAPS_VER_MAX - 1);
	xmpp_stanza_release(q);
}

static void
caps_node_ours__answers_no_node_and_node_hash_ver__and_nothing_else(
    void **state)
{
	char node[128];

	(void)state;
	snprintf(node, sizeof(node), "%s#%s", CAPS_NODE, caps_own_ver(ctx));
	assert_true(caps_node_ours(ctx, NULL));
	assert_true(caps_node_ours(ctx, node));
	assert_false(caps_node_ours(ctx, CAPS_NODE));
	assert_false(caps_node_ours(ctx, CAPS_NODE "#"));
	assert_false(caps_node_ours(ctx, CAPS_NODE "#QgayPKawpkPSDYmwT/WM94uAlu0="));
	assert_false(caps_node_ours(ctx, "http://jabber.org/protocol/commands"));
	node[strlen(node) - 1] ^= 1;
	assert_false(caps_node_ours(ctx, node));
}

static void
caps_disco_query__echoes_the_node__when_asked_for_node_hash_ver(void **state)
{
	char node[128];
	xmpp_stanza_t *q;

	(void)state;
	snprintf(node, sizeof(node), "%s#%s", CAPS_NODE, caps_own_ver(ctx));
	q = caps_disco_query(ctx, node);
	assert_non_null(q);
	assert_string_equal(xmpp_stanza_get_attribute(q, "node"), node);
	xmpp_stanza_release(q);
}

static void
caps_element__names_sha1_our_node_and_ver(void **state)
{
	xmpp_stanza_t *c = caps_element(ctx);

	(void)state;
	assert_non_null(c);
	assert_string_equal(xmpp_stanza_get_name(c), "c");
	assert_string_equal(xmpp_stanza_get_ns(c), NS_CAPS);
	assert_string_equal(xmpp_stanza_get_attribute(c, "hash"), "sha-1");
	assert_string_equal(xmpp_stanza_get_attribute(c, "node"), CAPS_NODE);
	assert_string_equal(xmpp_stanza_get_attribute(c, "ver"),
	                    caps_own_ver(ctx));
	xmpp_stanza_release(c);
}

/* A chat message with id (NULL: none) and the receipt children kids
 * (request, received or both, by name). */
static xmpp_stanza_t *
message(const char *id, const char *const *kids)
{
	xmpp_stanza_t *m = xmpp_message_new(ctx, "chat", "timmy@example.org", id);

	assert_non_null(m);
	assert_int_equal(xmpp_message_set_body(m, "status"), XMPP_EOK);
	for (; *kids != NULL; kids++) {
		xmpp_stanza_t *k = xmpp_stanza_new(ctx);

		xmpp_stanza_set_name(k, *kids);
		xmpp_stanza_set_ns(k, NS_RECEIPTS);
		if (strcmp(*kids, "received") == 0)
			xmpp_stanza_set_attribute(k, "id", "earlier");
		xmpp_stanza_add_child(m, k);
		xmpp_stanza_release(k);
	}
	return m;
}

static void
caps_receipt_for__acks_the_message_id__when_a_receipt_is_requested(
    void **state)
{
	static const char *const kids[] = { "request", NULL };
	xmpp_stanza_t *m = message("msg-1", kids), *r, *got;

	(void)state;
	r = caps_receipt_for(ctx, m, "alice@example.org/phone");
	assert_non_null(r);
	assert_string_equal(xmpp_stanza_get_name(r), "message");
	assert_string_equal(xmpp_stanza_get_to(r), "alice@example.org/phone");
	assert_null(xmpp_stanza_get_child_by_name(r, "body"));
	/* Its own id: the receipt is another message. */
	assert_non_null(xmpp_stanza_get_id(r));
	assert_string_not_equal(xmpp_stanza_get_id(r), "msg-1");
	got = xmpp_stanza_get_child_by_name_and_ns(r, "received", NS_RECEIPTS);
	assert_non_null(got);
	assert_string_equal(xmpp_stanza_get_attribute(got, "id"), "msg-1");
	xmpp_stanza_release(r);
	xmpp_stanza_release(m);
}

static void
caps_receipt_for__makes_none__without_request_or_id_or_for_a_receipt(
    void **state)
{
	static const char *const none[] = { NULL };
	static const char *const request[] = { "request", NULL };
	static const char *const both[] = { "request", "received", NULL };
	xmpp_stanza_t *m;

	(void)state;
	m = message("msg-2", none);
	assert_null(caps_receipt_for(ctx, m, "alice@example.org/phone"));
	xmpp_stanza_release(m);
	m = message(NULL, request);
	assert_null(caps_receipt_for(ctx, m, "alice@example.org/phone"));
	xmpp_stanza_release(m);
	m = message("msg-3", both);
	assert_null(caps_receipt_for(ctx, m, "alice@example.org/phone"));
	xmpp_stanza_release(m);
}

static void
caps_chat_state__is_a_bodyless_chat_message_with_the_state(void **state)
{
	xmpp_stanza_t *m = caps_chat_state(ctx, "alice@example.org/phone",
	                                   "composing");

	(void)state;
	assert_non_null(m);
	assert_string_equal(xmpp_stanza_get_type(m), "chat");
	assert_string_equal(xmpp_stanza_get_to(m), "alice@example.org/phone");
	assert_null(xmpp_stanza_get_child_by_name(m, "body"));
	assert_non_null(xmpp_stanza_get_child_by_name_and_ns(m, "composing",
	                                                     NS_CHATSTATES));
	assert_true(caps_add_chat_state(m, "active"));
	assert_non_null(xmpp_stanza_get_child_by_name_and_ns(m, "active",
	                                                     NS_CHATSTATES));
	xmpp_stanza_release(m);
}

static void
cmd_is_slow__is_true__for_report_log_and_export_in_any_case(void **state)
{
	(void)state;
	assert_true(cmd_is_slow("report"));
	assert_true(cmd_is_slow("report last month by day"));
	assert_true(cmd_is_slow("  \tREPORT week"));
	assert_true(cmd_is_slow("log 2025-06-02"));
	assert_true(cmd_is_slow("Export json year"));
	assert_true(cmd_is_slow("report bob@example.org"));
}

static void
cmd_is_personal__is_true_only_for_the_users_own_settings(void **state)
{
	(void)state;
	assert_true(cmd_is_personal("tz Europe/Berlin"));
	assert_true(cmd_is_personal("  Settings idle.after 30m"));
	assert_true(cmd_is_personal("snooze 1h"));
	assert_true(cmd_is_personal("REMINDERS off"));
	assert_false(cmd_is_personal("start acme"));
	assert_false(cmd_is_personal("stop"));
	assert_false(cmd_is_personal("tzz"));
	assert_false(cmd_is_personal(""));
}

static void
cmd_is_slow__is_false__for_fast_unknown_or_no_command(void **state)
{
	(void)state;
	assert_false(cmd_is_slow("status"));
	assert_false(cmd_is_slow("start acme"));
	assert_false(cmd_is_slow("help report"));
	assert_false(cmd_is_slow("reports"));
	assert_false(cmd_is_slow("repor"));
	assert_false(cmd_is_slow(""));
	assert_false(cmd_is_slow("   "));
	assert_false(cmd_is_slow("reportreportreportreport"));
}

/* ---- the chat command a submitted XEP-0050 form stands for (bot/adhoc_forms.c) ---- */

/* A submitted form of the given fields ("<field .../>..."). */
static xmpp_stanza_t *
form(const char *fields)
{
	char xml[2048];
	xmpp_stanza_t *x;

	snprintf(xml, sizeof(xml),
	         "<x xmlns='jabber:x:data' type='submit'>%s</x>", fields);
	x = xmpp_stanza_new_from_string(ctx, xml);
	assert_non_null(x);
	return x;
}

#define F(var, value) "<field var='" var "'><value>" value "</value></field>"

/* The line fn makes of a form of fields, or NULL; why into *why. */
static const char *
line_of(const char *(*fn)(xmpp_stanza_t *, char *, size_t, const char **),
        const char *fields, char *line, size_t n, const char **why)
{
	xmpp_stanza_t *x = form(fields);
	const char *r = fn(x, line, n, why);

	xmpp_stanza_release(x);
	return r;
}

/* The start line of fields, or NULL; why into *why. */
static const char *
start(const char *fields, char *line, size_t n, const char **why)
{
	return line_of(adhoc_start_line, fields, line, n, why);
}

static void
start_line__is_start_and_the_picked_project__when_only_it_is_given(
        void **state)
{
	char line[256];
	const char *why;

	(void)state;
	assert_non_null(start(F("project", "acme"), line, sizeof(line), &why));
	assert_string_equal(line, "start acme");
}

static void
start_line__quotes_the_other_project_and_adds_tags_note_and_time__when_all_given(
        void **state)
{
	char line[256];
	const char *why;

	(void)state;
	assert_non_null(start(F("project", "acme") F("other", "client work")
	                      F("tags", "design +billable") F("note", "the header")
	                      F("start", "9:30"), line, sizeof(line), &why));
	assert_string_equal(line, "start \"client work\" +design +billable "
	                          "the header at 9:30");
	assert_non_null(start(F("project", "acme") F("start", "15m ago"), line,
	                      sizeof(line), &why));
	assert_string_equal(line, "start acme 15m ago");
}

static void
start_line__refuses__when_no_project_or_a_quote_in_project_or_tags(
        void **state)
{
	char line[256];
	const char *why;

	(void)state;
	assert_null(start(F("tags", "design"), line, sizeof(line), &why));
	assert_non_null(why);
	assert_null(start(F("other", "a\"b"), line, sizeof(line), &why));
	assert_non_null(why);
	assert_null(start(F("project", "acme") F("tags", "x\""), line,
	                  sizeof(line), &why));
	assert_non_null(why);
}

static void
report_line__is_range_by_grouping__from_the_lists_only(void **state)
{
	char line[256];
	const char *why;
	xmpp_stanza_t *x;

	(void)state;
	x = form(F("range", "last week") F("by", "tag"));
	assert_non_null(adhoc_report_line(x, line, sizeof(line), &why));
	assert_string_equal(line, "report last week by tag");
	xmpp_stanza_release(x);
	x = form(F("range", "all; delete") F("by", "tag"));
	assert_null(adhoc_report_line(x, line, sizeof(line), &why));
	assert_non_null(why);
	xmpp_stanza_release(x);
}

/* The export line of fields, or NULL; why into *why. */
static const char *
export(const char *fields, char *line, size_t n, const char **why)
{
	return line_of(adhoc_export_line, fields, line, n, why);
}

static void
export_line__is_csv_this_month__when_nothing_is_filled_in(void **state)
{
	char line[256];
	const char *why;

	(void)state;
	assert_non_null(export("", line, sizeof(line), &why));
	assert_string_equal(line, "export csv this month");
	assert_non_null(export(F("format", "") F("range", "") F("project", ""),
	                       line, sizeof(line), &why));
	assert_string_equal(line, "export csv this month");
}

static void
export_line__is_format_range_as_typed_and_quoted_project__when_all_given(
        void **state)
{
	char line[256];
	const char *why;

	(void)state;
	assert_non_null(export(F("format", "ical") F("range", "last week")
	                       F("project", "client work"), line, sizeof(line),
	                       &why));
	assert_string_equal(line, "export ical last week \"client work\"");
	assert_non_null(export(F("format", "json") F("range", "mon..wed")
	                       F("project", "acme"), line, sizeof(line), &why));
	assert_string_equal(line, "export json mon..wed acme");
}

static void
export_line__refuses__when_format_not_listed_or_a_quote_or_too_long(
        void **state)
{
	char line[256], small[24];
	const char *why;

	(void)state;
	assert_null(export(F("format", "pdf"), line, sizeof(line), &why));
	assert_string_equal(why, "Pick a format from the list.");
	assert_null(export(F("range", "to\"day"), line, sizeof(line), &why));
	assert_non_null(why);
	assert_null(export(F("project", "a\"b"), line, sizeof(line), &why));
	assert_non_null(why);
	assert_null(export(F("range", "2025-06-01..2025-06-30"), small,
	                   sizeof(small), &why));
	assert_string_equal(why, "Too long.");
}

/* The report line of fields, or NULL; why into *why. */
static const char *
report(const char *fields, char *line, size_t n, const char **why)
{
	return line_of(adhoc_report_line, fields, line, n, why);
}

static void
report_line__is_report_team_name__when_whose_is_a_team(void **state)
{
	char line[256];
	const char *why;

	(void)state;
	assert_non_null(report(F("whose", "team web") F("range", "week")
	                       F("by", "member"), line, sizeof(line), &why));
	assert_string_equal(line, "report team web week by member");
	assert_non_null(report(F("whose", "team web") F("range", "last month")
	                       F("by", "day"), line, sizeof(line), &why));
	assert_string_equal(line, "report team web last month by day");
	assert_non_null(report(F("whose", "mine") F("range", "today")
	                       F("by", "project"), line, sizeof(line), &why));
	assert_string_equal(line, "report today by project");
}

static void
report_line__refuses__when_by_member_is_mine_or_whose_not_a_team_word(
        void **state)
{
	char line[256];
	const char *why;

	(void)state;
	assert_null(report(F("whose", "mine") F("by", "member"), line,
	                   sizeof(line), &why));
	assert_string_equal(why, "Grouped by member is for a team's report: "
	                         "pick a team under Whose.");
	assert_null(report(F("by", "member"), line, sizeof(line), &why));
	assert_non_null(why);
	assert_null(report(F("whose", "team web") F("by", "tag"), line,
	                   sizeof(line), &why));
	assert_non_null(why);
	assert_null(report(F("whose", "team web; delete"), line, sizeof(line),
	                   &why));
	assert_non_null(why);
	assert_null(report(F("whose", "team "), line, sizeof(line), &why));
	assert_non_null(why);
	assert_null(report(F("whose", "everyone"), line, sizeof(line), &why));
	assert_non_null(why);
}

static void
export_line__is_format_team_name_range__when_whose_is_a_team(void **state)
{
	char line[256];
	const char *why;

	(void)state;
	assert_non_null(export(F("whose", "team web"), line, sizeof(line),
	                       &why));
	assert_string_equal(line, "export csv team web this month");
	assert_non_null(export(F("format", "json") F("whose", "team web")
	                       F("range", "last week"), line, sizeof(line),
	                       &why));
	assert_string_equal(line, "export json team web last week");
	assert_non_null(export(F("whose", "mine") F("project", "acme"), line,
	                       sizeof(line), &why));
	assert_string_equal(line, "export csv this month acme");
}

static void
export_line__refuses__when_a_team_and_a_project_or_whose_not_a_team_word(
        void **state)
{
	char line[256];
	const char *why;

	(void)state;
	assert_null(export(F("whose", "team web") F("project", "acme"), line,
	                   sizeof(line), &why));
	assert_non_null(why);
	assert_null(export(F("whose", "team a b"), line, sizeof(line), &why));
	assert_string_equal(why, "Pick whose time from the list.");
}

static void
refill__sets_each_field_the_submitted_form_has__and_keeps_the_others(
        void **state)
{
	xmpp_stanza_t *x, *prior;
	char *xml;
	size_t len;

	(void)state;
	x = xmpp_stanza_new_from_string(
	        ctx, "<x xmlns='jabber:x:data' type='form'>"
	             "<field var='format'><value>csv</value>"
	             "<option><value>json</value></option></field>"
	             "<field var='range'><value>this month</value></field>"
	             "<field var='project'/></x>");
	assert_non_null(x);
	prior = form(F("format", "json") F("project", "acme"));
	adhoc_refill(ctx, x, prior);
	assert_int_equal(xmpp_stanza_to_text(x, &xml, &len), XMPP_EOK);
	assert_string_equal(xml,
	        "<x xmlns=\"jabber:x:data\" type=\"form\">"
	        "<field var=\"format\"><value>json</value>"
	        "<option><value>json</value></option></field>"
	        "<field var=\"range\"><value>this month</value></field>"
	        "<field var=\"project\"><value>acme</value></field></x>");
	xmpp_free(ctx, xml);
	xmpp_stanza_release(prior);
	xmpp_stanza_release(x);
}

/* ---- the settings commands of a submitted Settings form ---- */

/* The lines of a Settings form of fields for a user at cur, over the
 * built-in defaults; the verdict into *ok, why into why. */
static void
settings(const char *fields, const struct prefs *cur,
         struct adhoc_lines *out, bool *ok, char *why, size_t n)
{
	xmpp_stanza_t *x = form(fields);
	struct prefs dflt;

	prefs_builtin(&dflt);
	*ok = adhoc_settings_lines(x, cur, &dflt, out, why, n);
	xmpp_stanza_release(x);
}

static void
settings_lines__are_none__when_every_value_reads_as_the_current_one(
        void **state)
{
	static struct adhoc_lines out;
	struct prefs cur;
	char why[1024];
	bool ok;

	(void)state;
	prefs_builtin(&cur);
	/* The form as shown, one value spelled otherwise, the reminders'
	 * fields left out (they stay as they are). */
	settings(F("idle.after", "15m") F("idle.action", "ASK")
	         F("reminders", "on") F("workdays", "Mon-Fri")
	         F("workhours", "09:00-17:00") F("roster", "on"),
	         &cur, &out, &ok, why, sizeof(why));
	assert_true(ok);
	assert_int_equal(out.n, 0);
}

static void
settings_lines__are_one_settings_command_per_change__in_prefs_names_order(
        void **state)
{
	static struct adhoc_lines out;
	struct prefs cur;
	char why[1024];
	bool ok;

	(void)state;
	prefs_builtin(&cur);
	assert_int_equal(prefs_parse(&cur, "workhours", "08:00-16:00", NULL, 0),
	                 0);
	settings(F("roster", "off") F("idle.after", "1h30m")
	         F("reminders.digest", "Weekly MON 9:00")
	         F("workhours", "08:00-16:00"),
	         &cur, &out, &ok, why, sizeof(why));
	assert_true(ok);
	assert_int_equal(out.n, 3);
	assert_string_equal(out.line[0], "settings idle.after 1h30m");
	/* prefs_format's spelling, not the one typed. */
	assert_string_equal(out.line[1],
	                    "settings reminders.digest weekly mon 09:00");
	assert_string_equal(out.line[2], "settings roster off");
}

static void
settings_lines__go_back_to_the_default__when_a_changed_field_is_emptied(
        void **state)
{
	static struct adhoc_lines out;
	struct prefs cur;
	char why[1024];
	bool ok;

	(void)state;
	prefs_builtin(&cur);
	assert_int_equal(prefs_parse(&cur, "idle.after", "30m", NULL, 0), 0);
	settings(F("idle.after", "") F("workdays", "default")
	         F("roster", " "), &cur, &out, &ok, why, sizeof(why));
	assert_true(ok);
	/* workdays and roster are at the default already. */
	assert_int_equal(out.n, 1);
	assert_string_equal(out.line[0], "settings idle.after default");
}

static void
settings_lines__refuse_all__naming_each_bad_field_with_prefs_parse_sentence(
        void **state)
{
	static struct adhoc_lines out;
	char why[1024], expect[1024], s1[PREFS_WHY_MAX], s2[PREFS_WHY_MAX];
	struct prefs cur, scratch;
	bool ok;

	(void)state;
	prefs_builtin(&cur);
	scratch = cur;
	assert_int_equal(prefs_parse(&scratch, "idle.after", "soon", s1,
	                             sizeof(s1)), -1);
	assert_int_equal(prefs_parse(&scratch, "workhours", "17:00-09:00", s2,
	                             sizeof(s2)), -1);
	settings(F("idle.after", "soon") F("roster", "off")
	         F("workhours", "17:00-09:00"), &cur, &out, &ok, why,
	         sizeof(why));
	assert_false(ok);
	/* roster off was fine, but nothing of this form runs. */
	assert_int_equal(out.n, 0);
	snprintf(expect, sizeof(expect), "idle.after: %s\nworkhours: %s", s1,
	         s2);
	assert_string_equal(why, expect);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    caps_ver__is_the_xep_example_value__for_the_exodus_example),
		cmocka_unit_test(
		    caps_ver__is_the_same__when_features_and_identities_come_unsorted),
		cmocka_unit_test(
		    caps_ver__fails_with_an_empty_string__when_the_buffer_is_too_small),
		cmocka_unit_test(
		    caps_disco_query__lists_client_bot_and_every_feature__without_a_node),
		cmocka_unit_test(
		    caps_own_ver__is_the_hash_of_the_disco_answer__so_clients_can_verify_it),
		cmocka_unit_test(
		    caps_node_ours__answers_no_node_and_node_hash_ver__and_nothing_else),
		cmocka_unit_test(
		    caps_disco_query__echoes_the_node__when_asked_for_node_hash_ver),
		cmocka_unit_test(caps_element__names_sha1_our_node_and_ver),
		cmocka_unit_test(
		    caps_receipt_for__acks_the_message_id__when_a_receipt_is_requested),
		cmocka_unit_test(
		    caps_receipt_for__makes_none__without_request_or_id_or_for_a_receipt),
		cmocka_unit_test(
		    caps_chat_state__is_a_bodyless_chat_message_with_the_state),
		cmocka_unit_test(
		    cmd_is_personal__is_true_only_for_the_users_own_settings),
		cmocka_unit_test(
		    cmd_is_slow__is_true__for_report_log_and_export_in_any_case),
		cmocka_unit_test(
		    cmd_is_slow__is_false__for_fast_unknown_or_no_command),
		cmocka_unit_test(
		        start_line__is_start_and_the_picked_project__when_only_it_is_given),
		cmocka_unit_test(
		        start_line__quotes_the_other_project_and_adds_tags_note_and_time__when_all_given),
		cmocka_unit_test(
		        start_line__refuses__when_no_project_or_a_quote_in_project_or_tags),
		cmocka_unit_test(report_line__is_range_by_grouping__from_the_lists_only),
		cmocka_unit_test(
		    export_line__is_csv_this_month__when_nothing_is_filled_in),
		cmocka_unit_test(
		    export_line__is_format_range_as_typed_and_quoted_project__when_all_given),
		cmocka_unit_test(
		    export_line__refuses__when_format_not_listed_or_a_quote_or_too_long),
		cmocka_unit_test(
		    report_line__is_report_team_name__when_whose_is_a_team),
		cmocka_unit_test(
		    report_line__refuses__when_by_member_is_mine_or_whose_not_a_team_word),
		cmocka_unit_test(
		    export_line__is_format_team_name_range__when_whose_is_a_team),
		cmocka_unit_test(
		    export_line__refuses__when_a_team_and_a_project_or_whose_not_a_team_word),
		cmocka_unit_test(
		    refill__sets_each_field_the_submitted_form_has__and_keeps_the_others),
		cmocka_unit_test(
		    settings_lines__are_none__when_every_value_reads_as_the_current_one),
		cmocka_unit_test(
		    settings_lines__are_one_settings_command_per_change__in_prefs_names_order),
		cmocka_unit_test(
		    settings_lines__go_back_to_the_default__when_a_changed_field_is_emptied),
		cmocka_unit_test(
		    settings_lines__refuse_all__naming_each_bad_field_with_prefs_parse_sentence),
	};

	xmpp_initialize();
	return cmocka_run_group_tests_name("caps", tests, setup, teardown);
}
