/*
 * storage/pg_load.c - libpq through dlopen(3): see pg_load.h.
 *
 * Test builds (TIMMY_TEST_HOOKS) take the soname from $TIMMY_TEST_LIBPQ
 * when it is set, so a test can name a library that is not there and see
 * the error a machine without libpq gives.
 *
 * Dependency rule: libc's dynamic loader only.
 */
#include "pg_load.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

static void *handle;        /* dlopen's, while loaded */
static struct pq_api api;   /* filled from handle */

const struct pq_api *
pg_load(char *err, size_t n)
{
	const char *soname = PG_LOAD_SONAME;

	if (handle != NULL)
		return &api;
#ifdef TIMMY_TEST_HOOKS
	if (getenv("TIMMY_TEST_LIBPQ") != NULL)
		soname = getenv("TIMMY_TEST_LIBPQ");
#endif
	if ((handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		snprintf(err, n, "PostgreSQL needs %s (Debian: libpq5): %s",
		         PG_LOAD_SONAME, dlerror());
		return NULL;
	}
	/* POSIX promises that dlsym's void * converts to a function
	 * pointer. */
#define LOAD(name) \
	if ((api.name = (__typeof__(api.name))dlsym(handle, "PQ" #name)) == \
	    NULL) \
		goto missing;
	PG_LOAD_SYMS(LOAD)
#undef LOAD
	return &api;

missing:
	snprintf(err, n, "PostgreSQL needs %s: %s", PG_LOAD_SONAME, dlerror());
	dlclose(handle);
	handle = NULL;
	return NULL;
}
