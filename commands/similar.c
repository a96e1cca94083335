/*
 * commands/similar.c - the edit distance between two words.
 *
 * Words are compared as sequences of folded characters (store_name_fold),
 * so "Acme" and "ACMEE" are one step apart, as "acme" and "acmee" are.
 * The words are short (command words, project names of at most 64 bytes):
 * a full table of SIM_LEN_MAX + 1 squared small ints costs nothing.
 */
#include "similar.h"

#include <stdint.h>

#include "../storage/store.h"

/* The smallest of three. */
static int
min3(int a, int b, int c)
{
	int m = a < b ? a : b;

	return m < c ? m : c;
}

int
sim_distance(const char *a, const char *b, int max)
{
	uint32_t x[SIM_LEN_MAX], y[SIM_LEN_MAX];
	int d[SIM_LEN_MAX + 1][SIM_LEN_MAX + 1];
	size_t n = store_name_fold(a, x, SIM_LEN_MAX);
	size_t m = store_name_fold(b, y, SIM_LEN_MAX);
	size_t i, j;

	if (n > SIM_LEN_MAX || m > SIM_LEN_MAX)
		return max + 1;
	/* The lengths alone say it is too far. */
	if ((n > m ? n - m : m - n) > (size_t)max)
		return max + 1;
	for (i = 0; i <= n; i++)
		d[i][0] = (int)i;
	for (j = 0; j <= m; j++)
		d[0][j] = (int)j;
	for (i = 1; i <= n; i++) {
		for (j = 1; j <= m; j++) {
			int cost = x[i - 1] != y[j - 1];

			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1,
			               d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && x[i - 1] == y[j - 2] &&
			    x[i - 2] == y[j - 1] && d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	}
	return d[n][m] > max ? max + 1 : d[n][m];
}

int
sim_allowed(const char *typed)
{
	uint32_t u[SIM_LEN_MAX];
	size_t n = store_name_fold(typed, u, SIM_LEN_MAX);
	int allowed = n <= 4 ? 1 : 2;

	return (size_t)allowed < n ? allowed : (int)n - 1;
}
