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
	dlclose(handle);
	handle = NULL;
}
