/*
 * lib/replace.c - replacing a file as a whole (replace.h).
 *
 * Dependency rule: libc and POSIX only.
 */
#include "replace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* mkstemp's template: the characters it replaces. */
#define REPLACE_RANDOM 6

int
replace_create(const char *path, char **tmp)
{
	size_t len = strlen(path), n = len + 1 + REPLACE_RANDOM + 1;
	int fd, saved;

	if ((*tmp = malloc(n)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	memcpy(*tmp, path, len);
	(*tmp)[len] = '.';
	memset(*tmp + len + 1, 'X', REPLACE_RANDOM);
	(*tmp)[n - 1] = '\0';
	if ((fd = mkstemp(*tmp)) < 0)
		goto fail;
	/* mkstemp makes 0600 with glibc, but POSIX leaves the mode to the
	 * umask's mercy before 2008; a umask never widens it either way. */
	if (fchmod(fd, 0600) != 0) {
		saved = errno;
		close(fd);
		unlink(*tmp);
		errno = saved;
		goto fail;
	}
	return fd;
fail:
	saved = errno;
	free(*tmp);
	*tmp = NULL;
	errno = saved;
	return -1;
}

/* Flushes the directory that holds path (".", when path names none) to
 * disk: a rename is a change of the directory, not of the file. */
static int
sync_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd, rc, saved;

	if (slash == NULL)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (dir == NULL) {
		errno = ENOMEM;
		return -1;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	saved = errno;
	free(dir);
	if (fd < 0) {
		errno = saved;
		return -1;
	}
	rc = fsync(fd);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

int
replace_commit(const char *tmp, const char *path)
{
	if (rename(tmp, path) != 0)
		return -1;
	return sync_dir_of(path);
}
