/*
 * storage/pg_sql.c - timmy's SQL text, written for SQLite, as PostgreSQL
 * takes it: the kind of a statement, its parameters numbered, the
 * spellings pg.c's head comment lists, and the type a NULL parameter is
 * sent with.
 *
 * Dependency rule: libc only, and pg_int.h's statement.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pg_int.h"

/* Whether text t starts with the keyword k, case aside. */
static bool
starts(const char *t, const char *k)
{
	while (isspace((unsigned char)*t))
		t++;
	return strncasecmp(t, k, strlen(k)) == 0 &&
	       !isalnum((unsigned char)t[strlen(k)]);
}

enum pg_kind
pg_kind_of(const char *sql)
{
	if (starts(sql, "BEGIN IMMEDIATE"))
		return K_BEGIN_WRITE;
	if (starts(sql, "BEGIN"))
		return K_BEGIN_READ;
	if (starts(sql, "COMMIT") || starts(sql, "END"))
		return K_COMMIT;
	if (starts(sql, "ROLLBACK TO"))
		return K_ROLLBACK_TO;
	if (starts(sql, "ROLLBACK"))
		return K_ROLLBACK;
	if (starts(sql, "SAVEPOINT"))
		return K_SAVEPOINT;
	if (starts(sql, "RELEASE"))
		return K_RELEASE;
	if (starts(sql, "SELECT") || starts(sql, "VALUES"))
		return K_READ;
	/* INSERT, UPDATE, DELETE, and WITH ... whichever: a WITH that only
	 * reads pays a savepoint it did not need, nothing more. */
	return K_WRITE;
}

/* The number of parameter name (":uid", len bytes) in s, adding it. */
static int
param_no(struct pg_stmt *s, const char *name, size_t len)
{
	int i;

	for (i = 0; i < s->nparams; i++)
		if (strlen(s->params[i]) == len &&
		    memcmp(s->params[i], name, len) == 0)
			return i + 1;
	if (s->nparams == PG_PARAMS_MAX)
		return -1;
	if ((s->params[i] = strndup(name, len)) == NULL)
		return -1;
	s->nparams++;
	return i + 1;
}

/*
 * s->sql from sql: parameters numbered, "temp." schema-qualified the
 * PostgreSQL way; quoted text ('...' and "...") kept as it is. 0, or -1
 * when out of memory or past PG_PARAMS_MAX parameters.
 */
int
pg_translate(struct pg_stmt *s, const char *sql)
{
	size_t cap = strlen(sql) * 2 + 64, len = 0, n;
	const char *p = sql;
	char *out = malloc(cap), quote = 0, table[41];
	int no;

	if (out == NULL)
		return -1;
	/* A temporary table emptied whole is truncated now and then: a
	 * DELETE leaves its rows dead, and no autovacuum ever visits a
	 * temporary table, so a table emptied and filled again for each
	 * user of `timmy check` grew with every one (a 7-day range of
	 * rollup_days' key held 1,279 rows, 7 of them live, after a few
	 * hundred users). A TRUNCATE each time cost more than the rest
	 * of a user's rebuild (5 ms: a new file for the table and its
	 * index, in a subtransaction), so the DELETE stays and pg_stmt.c
	 * truncates once PG_TEMP_DEAD_MAX rows lie dead. Not on a
	 * read-only connection, whose transactions refuse TRUNCATE even
	 * of a temporary table. */
	if (!s->conn->readonly && strncmp(sql, "DELETE FROM temp.", 17) == 0 &&
	    sscanf(sql, " DELETE FROM temp.%40[a-z_] %n", table, &no) == 1 &&
	    sql[no] == '\0')
		snprintf(s->truncate, sizeof s->truncate, "TRUNCATE pg_temp.%s",
		         table);
	while (*p != '\0') {
		if (len + 32 >= cap) {
			char *grown = realloc(out, cap *= 2);

			if (grown == NULL) {
				free(out);
				return -1;
			}
			out = grown;
		}
		if (quote != 0) {
			if (*p == quote)
				quote = 0;
			out[len++] = *p++;
			continue;
		}
		if (*p == '\'' || *p == '"') {
			quote = *p;
			out[len++] = *p++;
			continue;
		}
		if (*p == ':' && (isalpha((unsigned char)p[1]) || p[1] == '_')) {
			for (n = 1; isalnum((unsigned char)p[n]) || p[n] == '_';
			     n++)
				;
			if ((no = param_no(s, p, n)) < 0) {
				free(out);
				return -1;
			}
			len += (size_t)snprintf(out + len, cap - len, "$%d", no);
			p += n;
			continue;
		}
		if (strncasecmp(p, "CROSS JOIN", 10) == 0 &&
		    !isalnum((unsigned char)p[10])) {
			memcpy(out + len, "JOIN", 4);
			len += 4;
			p += 10;
			continue;
		}
		if (strncasecmp(p, "COLLATE BINARY", 14) == 0 &&
		    !isalnum((unsigned char)p[14])) {
			memcpy(out + len, "COLLATE \"C\"", 11);
			len += 11;
			p += 14;
			continue;
		}
		if (strncasecmp(p, "temp.", 5) == 0 &&
		    (p == sql || !(isalnum((unsigned char)p[-1]) ||
		                   p[-1] == '_' || p[-1] == '.'))) {
			memcpy(out + len, "pg_temp.", 8);
			len += 8;
			p += 5;
			continue;
		}
		out[len++] = *p++;
	}
	out[len] = '\0';
	s->sql = out;
	return 0;
}

/*
 * The type a parameter has when its value is NULL, or when nothing was
 * bound to it (NULL, as in SQLite): PostgreSQL wants one where the
 * statement alone does not say it (":entry IS NULL OR e.id = :entry"
 * fails to prepare untyped). timmy's parameters are named for what they
 * hold: these hold text, every other one an integer. A name missing
 * here shows at once: every statement is prepared with every parameter
 * NULL by the tests (store_prepare_all).
 */
unsigned
pg_null_type(const char *name)
{
	static const char *const text[] = { ":owner", ":tz", ":project",
		":reply", ":name", ":key", ":value", ":team", ":tag", ":old",
		":new", ":note", ":label", ":kind", ":rows", ":without_tag",
		":scope", ":currency" };
	size_t i;

	if ((name[1] == 'p' || name[1] == 't') && name[2] >= '1' &&
	    name[2] <= '9' && name[3] == '\0')
		return PG_TEXT; /* a filter's :p1... and :t1... */
	for (i = 0; i < sizeof text / sizeof text[0]; i++)
		if (strcmp(name, text[i]) == 0)
			return PG_TEXT;
	return PG_INT8;
}
