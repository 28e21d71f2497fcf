/* atomic_file.c — see atomic_file.h. */
#include "atomic_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *dup_str(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    char *p = malloc(a + b + 1);
    if (!p) return NULL;
    memcpy(p, s, a);
    memcpy(p + a, suffix, b + 1);
    return p;
}

FILE *atomic_file_open(atomic_file_t *a, const char *path)
{
    memset(a, 0, sizeof *a);
    struct stat st;
    bool in_place = stat(path, &st) == 0 && !S_ISREG(st.st_mode);
    a->path = dup_str(path, "");
    a->tmp = in_place ? NULL : dup_str(path, ".tmp");
    if (!a->path || (!in_place && !a->tmp)) {
        free(a->path);
        free(a->tmp);
        memset(a, 0, sizeof *a);
        errno = ENOMEM;
        return NULL;
    }
    a->f = fopen(in_place ? a->path : a->tmp, "wb");
    if (!a->f) {
        int e = errno;
        free(a->path);
        free(a->tmp);
        memset(a, 0, sizeof *a);
        errno = e;
    }
    return a->f;
}

int atomic_file_close(atomic_file_t *a, bool ok)
{
    int e = 0;
    if (!a->f) return 0;
    if (ok && (fflush(a->f) != 0 || ferror(a->f))) ok = false, e = errno ? errno : EIO;
    if (fclose(a->f) != 0 && ok) ok = false, e = errno;
    a->f = NULL;
    if (a->tmp) {
        if (ok && rename(a->tmp, a->path) != 0) ok = false, e = errno;
        if (!ok) unlink(a->tmp);
    }
    free(a->path);
    free(a->tmp);
    a->path = a->tmp = NULL;
    if (!ok) errno = e ? e : EIO;
    return ok ? 0 : -1;
}

int atomic_file_write(const char *path, const void *data, size_t len)
{
    atomic_file_t a;
    FILE *f = atomic_file_open(&a, path);
    if (!f) return -1;
    bool ok = fwrite(data, 1, len, f) == len;
    int e = errno;
    int rc = atomic_file_close(&a, ok);
    if (!ok) errno = e ? e : EIO;
    return rc;
}
