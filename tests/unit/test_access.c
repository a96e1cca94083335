/*
 * tests/unit/test_access.c - the allowlist: which JIDs each pattern
 * admits, and which patterns are well formed. Table-driven.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "../../bot/access.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct match_case {
	const char *pattern;
	const char *jid;
	bool match;
};

static const struct match_case match_cases[] = {
	/* Exact bare JIDs, ignoring ASCII case on both sides. */
	{ "bob@example.org", "bob@example.org", true },
	{ "bob@example.org", "Bob@Example.ORG", true },
	{ "BOB@EXAMPLE.ORG", "bob@example.org", true },
	{ "bob@example.org", "alice@example.org", false },
	{ "bob@example.org", "bob@example.net", false },
	{ "bob@example.org", "bobby@example.org", false },
	{ "bob@example.org", "bob@example.org.evil", false },
	{ "bob@example.org", "bo@example.org", false },
	{ "bob@example.org", "", false },
	/* A full JID is not the bare JID it contains. */
	{ "bob@example.org", "bob@example.org/phone", false },
	/* A whole domain: any node, exactly that domain. */
	{ "*@example.org", "bob@example.org", true },
	{ "*@example.org", "alice@EXAMPLE.org", true },
	{ "*@Example.Org", "alice@example.org", true },
	{ "*@example.org", "bob@sub.example.org", false },
	{ "*@example.org", "bob@notexample.org", false },
	{ "*@example.org", "bob@example.org.evil", false },
	{ "*@example.org", "bob@example.org/phone", false },
	{ "*@example.org", "@example.org", false },
	/* Server JIDs (no node) match only an exact pattern. */
	{ "*@example.org", "example.org", false },
	{ "bob@example.org", "example.org", false },
	{ "example.org", "example.org", true },
	{ "example.org", "EXAMPLE.org", true },
	/* The wildcard is only a whole node. */
	{ "*@example.org", "*@example.org", true },
	{ "b*@example.org", "bob@example.org", false },
};

static void
access_match__follows_table__for_each_single_pattern(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < N(match_cases); i++) {
		char *patterns[] = { (char *)match_cases[i].pattern };
		bool got = access_match(patterns, 1, match_cases[i].jid);

		if (got != match_cases[i].match)
			fail_msg("access_match(\"%s\", \"%s\") is %s",
			         match_cases[i].pattern, match_cases[i].jid,
			         got ? "true" : "false");
	}
}

static void
access_match__matches_any__when_several_patterns(void **state)
{
	char *patterns[] = { "alice@example.net", "*@example.org",
	                     "carol@example.com" };

	(void)state;
	assert_true(access_match(patterns, N(patterns), "alice@example.net"));
	assert_true(access_match(patterns, N(patterns), "dave@example.org"));
	assert_true(access_match(patterns, N(patterns), "carol@example.com"));
	assert_false(access_match(patterns, N(patterns), "dave@example.com"));
	/* Only the first n patterns count. */
	assert_false(access_match(patterns, 2, "carol@example.com"));
}

static void
access_match__denies__when_list_empty_or_null(void **state)
{
	char *patterns[] = { "*@example.org", NULL };

	(void)state;
	assert_false(access_match(patterns, 0, "bob@example.org"));
	assert_false(access_match(NULL, 0, "bob@example.org"));
	assert_false(access_match(NULL, 3, "bob@example.org"));
	assert_false(access_match(patterns, 1, NULL));
	/* A NULL entry is skipped, not dereferenced. */
	assert_false(access_match(patterns + 1, 1, "bob@example.org"));
}

struct valid_case {
	const char *pattern;
	bool valid;
};

static const struct valid_case valid_cases[] = {
	{ "bob@example.org", true },
	{ "*@example.org", true },
	{ "Bob.Smith+timmy@mail.example.org", true },
	{ "bob@localhost", true },
	{ "bob@127.0.0.1", true },
	{ "b@e", true },
	{ "bob@example.org/phone", false },  /* a resource */
	{ "bob/x@example.org", false },
	{ "example.org", false },            /* no node */
	{ "@example.org", false },
	{ "bob@", false },
	{ "*@", false },
	{ "*", false },
	{ "", false },
	{ "bob@@example.org", false },
	{ "bob@alice@example.org", false },
	{ "bob smith@example.org", false },
	{ "bob@example .org", false },
	{ " bob@example.org", false },
	{ "bob@example.org ", false },
	{ "bob\t@example.org", false },
	{ "bob@example.org\n", false },
	{ "*.example.org", false },
	{ "*@*.example.org", false },        /* no globs: '*' is a whole node */
	{ "b*@example.org", false },
	{ "**@example.org", false },
	{ "bob@.example.org", false },
	{ "bob@example..org", false },
	{ "bob<x>@example.org", false },     /* nodeprep forbids <>&'":/ */
	{ "bob:x@example.org", false },
	{ "bob\"@example.org", false },
};

static void
access_pattern_valid__follows_table__for_each_pattern(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < N(valid_cases); i++) {
		bool got = access_pattern_valid(valid_cases[i].pattern);

		if (got != valid_cases[i].valid)
			fail_msg("access_pattern_valid(\"%s\") is %s",
			         valid_cases[i].pattern, got ? "true" : "false");
	}
	assert_false(access_pattern_valid(NULL));
}

static void
access_may_query__admits_allowed_own_account_and_server__only(void **state)
{
	char *allow[] = { "bob@example.org", "*@friends.net" };
	static const struct match_case cases[] = {
		/* pattern: unused; jid: who asks; match: answered. */
		{ NULL, "bob@example.org", true },
		{ NULL, "carol@friends.net", true },
		/* Our own account and our server, in any case. */
		{ NULL, "timmy@example.org", true },
		{ NULL, "TIMMY@Example.org", true },
		{ NULL, "example.org", true },
		{ NULL, "EXAMPLE.ORG", true },
		/* Strangers, other servers, look-alikes. */
		{ NULL, "stranger@example.org", false },
		{ NULL, "example.net", false },
		{ NULL, "friends.net", false },
		{ NULL, "upload.example.org", false },
		{ NULL, "example.org.evil", false },
		{ NULL, "", false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++)
		if (access_may_query(allow, N(allow), "timmy@example.org",
		                     cases[i].jid) != cases[i].match)
			fail_msg("access_may_query(\"%s\") should be %s",
			         cases[i].jid, cases[i].match ? "true" : "false");
	assert_false(access_may_query(allow, N(allow), NULL, "example.org"));
	assert_false(access_may_query(allow, N(allow), "timmy@example.org",
	                              NULL));
	/* No patterns: still our account and our server. */
	assert_true(access_may_query(NULL, 0, "timmy@example.org",
	                             "example.org"));
	assert_false(access_may_query(NULL, 0, "timmy@example.org",
	                              "bob@example.org"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(access_match__follows_table__for_each_single_pattern),
		cmocka_unit_test(access_match__matches_any__when_several_patterns),
		cmocka_unit_test(access_match__denies__when_list_empty_or_null),
		cmocka_unit_test(access_pattern_valid__follows_table__for_each_pattern),
		cmocka_unit_test(access_may_query__admits_allowed_own_account_and_server__only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
