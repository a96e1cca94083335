/*
 * bot/curl_load.c - libcurl through dlopen(3), at the first HTTP upload.
 * See curl_load.h. Part of bot/; uses libc's dynamic loader only.
 *
 * Measured on a 2-core machine (glibc 2.36, libcurl 7.88 with
 * OpenSSL): `timmy --version` loaded 44 shared objects with libcurl and
 * libsystemd linked in, 11,574 relocations, about 9 ms; without them,
 * see the Makefile's link line.
 *
 * Test builds (TIMMY_TEST_HOOKS) take the soname from $TIMMY_TEST_LIBCURL
 * when it is set, so a test can name a library that is not there and see
 * the error a machine without libcurl gives.
 */
#include "curl_load.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

static void *handle;          /* dlopen's, while loaded */
static struct curl_api api;   /* filled from handle */

/* The address of name in handle, or NULL after writing why. Callers
 * convert it to the function's type: POSIX promises that dlsym's void *
 * converts to a function pointer. */
static void *
sym(const char *name, char *err, size_t n)
{
	void *p = dlsym(handle, name);

	if (p == NULL)
		snprintf(err, n, "HTTP upload needs %s with %s: %s",
		         CURL_LOAD_SONAME, name, dlerror());
	return p;
}

/* The table's entries and their symbols, in one place. */
#define CURL_SYMS(X) \
	X(easy_init) X(easy_setopt) X(easy_getinfo) X(easy_cleanup) \
	X(easy_strerror) X(slist_append) X(slist_free_all) X(multi_init) \
	X(multi_add_handle) X(multi_remove_handle) X(multi_perform) \
	X(multi_info_read) X(multi_strerror) X(multi_cleanup)

const struct curl_api *
curl_load(char *err, size_t n)
{
	const char *soname = CURL_LOAD_SONAME;
	CURLcode (*global_init)(long);

	if (handle != NULL)
		return &api;
#ifdef TIMMY_TEST_HOOKS
	if (getenv("TIMMY_TEST_LIBCURL") != NULL)
		soname = getenv("TIMMY_TEST_LIBCURL");
#endif
	if ((handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		snprintf(err, n, "HTTP upload needs %s: %s", CURL_LOAD_SONAME,
		         dlerror());
		return NULL;
	}
#define CURL_SYM(f) \
	if ((api.f = (__typeof__(api.f))sym("curl_" #f, err, n)) == NULL) \
		goto fail;
	CURL_SYMS(CURL_SYM)
#undef CURL_SYM
	global_init = (__typeof__(global_init))sym("curl_global_init", err, n);
	if (global_init == NULL)
		goto fail;
	/* Once, before any other libcurl call. */
	if (global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, n, "HTTP upload: %s cannot initialise",
		         CURL_LOAD_SONAME);
		goto fail;
	}
	return &api;
fail:
	dlclose(handle);
	handle = NULL;
	return NULL;
}

const struct curl_api *
curl_loaded(void)
{
	return handle != NULL ? &api : NULL;
}

void
curl_unload(void)
{
	void (*global_cleanup)(void);

	if (handle == NULL)
		return;
	global_cleanup = (__typeof__(global_cleanup))dlsym(handle,
	                                                    "curl_global_cleanup");
	if (global_cleanup != NULL)
		global_cleanup();
	handle = NULL;
}

CURLcode
curl_https_options(const struct curl_api *c, CURL *easy, long total_ms,
                   char *errbuf, void *priv)
{
	const char *ca_file = getenv("SSL_CERT_FILE");
	const char *ca_dir = getenv("SSL_CERT_DIR");
	CURLcode rc;

	/* The files are someone's work record: HTTPS only, verified (these
	 * are libcurl's defaults, stated so nobody wonders), and never
	 * sent on or fetched from where a redirect points. */
	if (
#if LIBCURL_VERSION_NUM >= 0x075500
	    (rc = c->easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "https")) !=
	            CURLE_OK ||
#else
	    (rc = c->easy_setopt(easy, CURLOPT_PROTOCOLS,
	                         (long)CURLPROTO_HTTPS)) != CURLE_OK ||
#endif
	    (rc = c->easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L)) != CURLE_OK ||
	    (rc = c->easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L)) != CURLE_OK ||
	    (rc = c->easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L)) != CURLE_OK ||
	    (ca_file != NULL && *ca_file != '\0' &&
	     (rc = c->easy_setopt(easy, CURLOPT_CAINFO, ca_file)) != CURLE_OK) ||
	    (ca_dir != NULL && *ca_dir != '\0' &&
	     (rc = c->easy_setopt(easy, CURLOPT_CAPATH, ca_dir)) != CURLE_OK) ||
	    (rc = c->easy_setopt(easy, CURLOPT_USERAGENT,
	                         "timmy/" TIMMY_VERSION)) != CURLE_OK ||
	    (rc = c->easy_setopt(easy, CURLOPT_NOSIGNAL, 1L)) != CURLE_OK ||
	    (rc = c->easy_setopt(easy, CURLOPT_TIMEOUT_MS, total_ms)) !=
	            CURLE_OK ||
	    (rc = c->easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
	                         CURL_CONNECT_TIMEOUT_MS)) != CURLE_OK ||
	    (rc = c->easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf)) !=
	            CURLE_OK ||
	    (rc = c->easy_setopt(easy, CURLOPT_PRIVATE, priv)) != CURLE_OK)
		return rc;
	return CURLE_OK;
}

int
curl_multi_ready(const struct curl_api **table, CURLM **multi, char *why,
                 size_t n)
{
	const struct curl_api *c;

	if (*multi != NULL)
		return 0;
	if ((c = curl_load(why, n)) == NULL)
		return -1;
	if ((*multi = c->multi_init()) == NULL) {
		snprintf(why, n, "cannot set up libcurl");
		return -1;
	}
	*table = c;
	return 0;
}
