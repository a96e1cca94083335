/*
 * bot/clock.c - the clocks bot/ reads (clock.h).
 */
#include "clock.h"

#include <time.h>

#ifdef TIMMY_TEST_HOOKS
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#endif

int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#ifdef TIMMY_TEST_HOOKS
/*
 * The test clock's offset: the file is read again when its modification
 * time or size differ from the last read, so the cost of a call is one
 * stat(2). Single-threaded, like the rest of bot/.
 */
static int64_t
test_offset(void)
{
	static struct timespec seen_mtime;
	static off_t seen_size = -1;
	static int64_t offset;
	const char *path = getenv("TIMMY_TEST_CLOCK");
	struct stat sb;
	long long v;
	FILE *f;

	if (path == NULL || *path == '\0' || stat(path, &sb) != 0)
		return 0;
	if (sb.st_size == seen_size &&
	    sb.st_mtim.tv_sec == seen_mtime.tv_sec &&
	    sb.st_mtim.tv_nsec == seen_mtime.tv_nsec)
		return offset;
	seen_mtime = sb.st_mtim;
	seen_size = sb.st_size;
	offset = 0;
	if ((f = fopen(path, "r")) != NULL) {
		if (fscanf(f, "%lld", &v) == 1)
			offset = (int64_t)v;
		fclose(f);
	}
	return offset;
}

bool
wall_faked(void)
{
	const char *path = getenv("TIMMY_TEST_CLOCK");

	return path != NULL && *path != '\0';
}
#else
static int64_t
test_offset(void)
{
	return 0;
}

bool
wall_faked(void)
{
	return false;
}
#endif

int64_t
wall_now(void)
{
	return (int64_t)time(NULL) + test_offset();
}
