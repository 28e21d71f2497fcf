/* trace.c — event numbering, canonical hashing and JSON Lines output.
 *
 * Canonical encoding hashed per event: "ev" u64, "t" u64, kind string, then for each field its
 * key string, a type byte and the value (u64/i64 as 8 little-endian bytes, bool as one byte,
 * strings and JSON as 8-byte length + bytes), then an end byte. Strings are length-prefixed so
 * no two different traces encode to the same byte stream. */
#include "trace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/invariant.h"

#define FNV_OFFSET UINT64_C(0xcbf29ce484222325)
#define FNV_PRIME UINT64_C(0x100000001b3)

static inline void mix_bytes(trace_t *t, const void *p, size_t n)
{
    const unsigned char *u = p;
    uint64_t h = t->hash;
    for (size_t i = 0; i < n; i++) {
        h ^= u[i];
        h *= FNV_PRIME;
    }
    t->hash = h;
}

static inline void mix_u64(trace_t *t, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)(v >> (8 * i));
    mix_bytes(t, b, 8);
}

static inline void mix_str(trace_t *t, const char *s, size_t n)
{
    mix_u64(t, n);
    mix_bytes(t, s, n);
}

static char *dup_cat(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *p = malloc(la + lb + 1);
    if (!p) return NULL;
    memcpy(p, a, la);
    memcpy(p + la, b, lb + 1);
    return p;
}

int trace_init(trace_t *t, const char *path)
{
    memset(t, 0, sizeof *t);
    t->hash = FNV_OFFSET;
    jbuf_init(&t->line);
    if (!path) return 0;
    t->path = dup_cat(path, "");
    t->tmp_path = dup_cat(path, ".tmp");
    if (!t->path || !t->tmp_path) {
        errno = ENOMEM;
        goto fail;
    }
    t->f = fopen(t->tmp_path, "w");
    if (!t->f) goto fail;
    setvbuf(t->f, NULL, _IOFBF, 1 << 16);
    return 0;
fail: {
        int e = errno;
        free(t->path);
        free(t->tmp_path);
        jbuf_deinit(&t->line);
        memset(t, 0, sizeof *t);
        errno = e;
        return -1;
    }
}

void trace_begin(trace_t *t, sim_time_t time, const char *kind)
{
    SIM_ASSERT(!t->open_event);
    t->open_event = true;
    t->events++;
    mix_u64(t, t->events);
    mix_u64(t, time);
    mix_str(t, kind, strlen(kind));
    if (!t->f) return;
    jbuf_reset(&t->line);
    jbuf_puts(&t->line, "{\"ev\":");
    jbuf_u64(&t->line, t->events);
    jbuf_puts(&t->line, ",\"t\":");
    jbuf_u64(&t->line, time);
    jbuf_puts(&t->line, ",\"kind\":");
    jbuf_json_str(&t->line, kind, strlen(kind));
}

static inline void key(trace_t *t, const char *k, unsigned char type)
{
    SIM_ASSERT(t->open_event);
    size_t n = strlen(k);
    mix_str(t, k, n);
    mix_bytes(t, &type, 1);
    if (!t->f) return;
    jbuf_putc(&t->line, ',');
    jbuf_json_str(&t->line, k, n);
    jbuf_putc(&t->line, ':');
}

void trace_u64(trace_t *t, const char *k, uint64_t v)
{
    key(t, k, 'u');
    mix_u64(t, v);
    if (t->f) jbuf_u64(&t->line, v);
}

void trace_i64(trace_t *t, const char *k, int64_t v)
{
    key(t, k, 'i');
    mix_u64(t, (uint64_t)v);
    if (t->f) jbuf_i64(&t->line, v);
}

void trace_bool(trace_t *t, const char *k, bool v)
{
    key(t, k, 'b');
    unsigned char b = v;
    mix_bytes(t, &b, 1);
    if (t->f) jbuf_puts(&t->line, v ? "true" : "false");
}

void trace_strn(trace_t *t, const char *k, const char *s, size_t n)
{
    key(t, k, 's');
    mix_str(t, s, n);
    if (t->f) jbuf_json_str(&t->line, s, n);
}

void trace_str(trace_t *t, const char *k, const char *s) { trace_strn(t, k, s, strlen(s)); }

void trace_json(trace_t *t, const char *k, const char *json, size_t n)
{
    key(t, k, 'j');
    mix_str(t, json, n);
    if (t->f) jbuf_put(&t->line, json, n);
}

void trace_end(trace_t *t)
{
    SIM_ASSERT(t->open_event);
    t->open_event = false;
    unsigned char end = 0xff;
    mix_bytes(t, &end, 1);
    if (!t->f) return;
    jbuf_puts(&t->line, "}\n");
    if (t->line.oom || fwrite(t->line.p, 1, t->line.len, t->f) != t->line.len) t->write_error = true;
}

uint64_t trace_hash(const trace_t *t)
{
    uint64_t z = t->hash ^ t->events;
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static void release(trace_t *t)
{
    free(t->path);
    free(t->tmp_path);
    jbuf_deinit(&t->line);
    t->path = t->tmp_path = NULL;
    t->f = NULL;
}

int trace_commit(trace_t *t)
{
    int rc = 0, e = 0;
    if (t->f) {
        if (fflush(t->f) != 0 || ferror(t->f) || t->write_error) {
            rc = -1;
            e = errno ? errno : EIO;
        }
        if (fclose(t->f) != 0 && rc == 0) {
            rc = -1;
            e = errno;
        }
        t->f = NULL;
        if (rc == 0 && rename(t->tmp_path, t->path) != 0) {
            rc = -1;
            e = errno;
        }
        if (rc != 0) unlink(t->tmp_path);
    }
    release(t);
    if (rc) errno = e;
    return rc;
}

void trace_abandon(trace_t *t)
{
    if (t->f) {
        fclose(t->f);
        t->f = NULL;
        unlink(t->tmp_path);
    }
    release(t);
}
