/*
 * bot/config_import.c - bot.yaml's import section, for files users send
 * in chat to be imported (bot/chatimport.c):
 *
 *   import:
 *     max_bytes: 10485760        # the largest file downloaded, in bytes
 *     hosts: [files.example.org] # more hosts files may come from
 *
 * A file comes from the sender's own server (its domain or a subdomain:
 * where its upload service is) or a host listed in hosts. Part of bot/;
 * uses the YAML loader (config_yaml.h) and commands/import.h's limit.
 */
#include <stdio.h>
#include <string.h>

#include "../commands/import.h"
#include "config.h"
#include "config_yaml.h"

_Static_assert(CFG_IMPORT_MAX_BYTES_DEFAULT <= IMPORT_INPUT_MAX,
               "the default import.max_bytes is an input the readers take");

/* A cfg_item_check: a host name or an address, as a URL writes it
 * between "https://" and the port: letters, digits, '-', '.', and ':'
 * for an IPv6 address. */
static bool
host_ok(const char *host, const char *shown, char *why, size_t n)
{
	size_t i, len = strlen(host);

	for (i = 0; i < len; i++)
		if (!((host[i] >= 'a' && host[i] <= 'z') ||
		      (host[i] >= 'A' && host[i] <= 'Z') ||
		      (host[i] >= '0' && host[i] <= '9') || host[i] == '-' ||
		      host[i] == '.' || host[i] == ':'))
			break;
	if (len > 0 && len <= CFG_IMPORT_HOST_MAX && i == len)
		return true;
	snprintf(why, n, "invalid host %s (expected a host name such as "
	         "files.example.org, without scheme, port or path)", shown);
	return false;
}

void
cfg_load_import(struct loader *l, const struct key *s)
{
	enum { MAX_BYTES, HOSTS, NKEYS };
	struct key keys[NKEYS] = {
		[MAX_BYTES] = { .name = "max_bytes" },
		[HOSTS] = { .name = "hosts" },
	};
	long long n;

	if (!cfg_open_section(l, s, false, keys, NKEYS))
		return;
	/* IMPORT_INPUT_MAX is the most any reader takes: a larger file
	 * could never be imported, however long it took to download. */
	if (cfg_get_number(l, s, &keys[MAX_BYTES], 1, IMPORT_INPUT_MAX, &n))
		l->cfg->import_max_bytes = (size_t)n;
	if (cfg_present(&keys[HOSTS]))
		cfg_get_list(l, s, &keys[HOSTS], "hosts", host_ok,
		             &l->cfg->import_hosts, &l->cfg->nimport_hosts);
}
