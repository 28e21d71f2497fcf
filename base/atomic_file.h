/* atomic_file.h — writing an output file so that a reader never sees half of it: the bytes go to
 * PATH.tmp, renamed over PATH once complete (an interrupted run leaves the old file or none).
 * A PATH that exists and is not a regular file (/dev/null, a FIFO, a terminal, /dev/stdout) is
 * written in place instead: renaming over it would replace the device — as root, /dev/null
 * itself, for every program on the machine. */
#ifndef BASE_ATOMIC_FILE_H
#define BASE_ATOMIC_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct atomic_file {
    char *path;
    char *tmp;      /* PATH.tmp, or NULL when writing in place */
    FILE *f;
} atomic_file_t;

/* Opens for writing; NULL with errno set (a on failure holds nothing to close). */
FILE *atomic_file_open(atomic_file_t *a, const char *path);
/* Closes. ok: puts the file in place (flushing first); !ok: removes the temporary file. Returns
 * 0, or -1 with errno set (nothing is left behind then either). */
int atomic_file_close(atomic_file_t *a, bool ok);
/* The temporary file while open (for a signal handler to remove), or NULL. */
static inline const char *atomic_file_tmp(const atomic_file_t *a) { return a->f ? a->tmp : NULL; }
/* The whole of data to path. 0, or -1 with errno set. */
int atomic_file_write(const char *path, const void *data, size_t len);

#endif
