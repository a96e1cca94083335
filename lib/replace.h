/*
 * lib/replace.h - replacing a file as a whole: a new file is written
 * beside it and renamed over it once complete, so that a reader sees the
 * old file or the new one, never half of one, and a failure leaves the
 * old one as it was. timmy export and timmy backup write their output so.
 * Plain C and POSIX; includes nothing of the project.
 */
#ifndef TIMMY_REPLACE_H
#define TIMMY_REPLACE_H

/*
 * Creates the file that will become path: a new file beside it (path, a
 * dot and six random characters, so that the rename stays within one file
 * system), made with O_CREAT | O_EXCL by mkstemp, which follows no
 * symlink and opens nothing that exists, and set to mode 0600 whatever
 * the umask: it holds people's work records. Returns its descriptor, open
 * for reading and writing, with its name in *tmp (the caller frees it);
 * or -1 with errno set and *tmp NULL, leaving nothing behind.
 */
int replace_create(const char *path, char **tmp);

/*
 * Renames tmp, complete and flushed to disk by the caller, over path, and
 * flushes path's directory to disk, so that the rename outlives a crash of
 * the machine. Whatever was at path (a file of another mode, a symlink)
 * is replaced, never written through. Returns 0, or -1 with errno set:
 * when the rename failed, path is as it was and tmp is still there (the
 * caller removes it); when only the directory's flush failed, the rename
 * took place.
 */
int replace_commit(const char *tmp, const char *path);

#endif
