/* trace.c — event numbering, canonical hashing and JSON Lines output.
 *
 * Canonical encoding hashed per event: "ev" u64, "t" u64, kind string, then for each field its
 * key string, a type word and the value (u64/i64 as one word, bool as one word, strings and
 * JSON as a length word + bytes), then an end word. Strings are length-prefixed so no two
 * different traces encode to the same word stream. */
#include "trace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/atomic_file.h"
#include "base/invariant.h"
#include "base/load_le.h"
#include "base/short_len.h"

#define HASH_SEED UINT64_C(0xcbf29ce484222325)
#define HASH_MUL UINT64_C(0x9e3779b97f4a7c15)

/* Word-at-a-time multiply-xorshift: h = (h ^ w) * K; h ^= h >> 32 per 64-bit little-endian
 * word. Bytes are taken 8 at a time; a short tail is zero-padded (lengths are always hashed
 * first, so padding cannot make two encodings collide by construction). */
static inline uint64_t mix_word(uint64_t h, uint64_t w)
{
    h = (h ^ w) * HASH_MUL;
    return h ^ (h >> 32);
}

static inline void mix_bytes(trace_t *t, const void *p, size_t n)
{
    const unsigned char *u = p;
    uint64_t h = t->hash;
    while (n >= 8) {
        h = mix_word(h, load_le8(u));
        u += 8;
        n -= 8;
    }
    if (n) h = mix_word(h, load_le_tail(u, n));
    t->hash = h;
}

static inline void mix_u64(trace_t *t, uint64_t v) { t->hash = mix_word(t->hash, v); }

static inline void mix_str(trace_t *t, const char *s, size_t n)
{
    mix_u64(t, n);
    mix_bytes(t, s, n);
}

int trace_init(trace_t *t, const char *path)
{
    memset(t, 0, sizeof *t);
    t->hash = HASH_SEED;
    jbuf_init(&t->line);
    if (!path) return 0;
    t->f = atomic_file_open(&t->file, path);
    if (!t->f) {
        int e = errno;
        jbuf_deinit(&t->line);
        memset(t, 0, sizeof *t);
        errno = e;
        return -1;
    }
    setvbuf(t->f, NULL, _IOFBF, 1 << 16);
    return 0;
}

void trace_begin(trace_t *t, sim_time_t time, const char *kind)
{
    SIM_ASSERT(!t->open_event);
    t->open_event = true;
    t->events++;
    mix_u64(t, t->events);
    mix_u64(t, time);
    size_t kn = short_len(kind);
    mix_str(t, kind, kn);
    if (t->obs) t->obs->begin(t->obs->ctx, t->events, time, kind);
    if (!t->f) return;
    jbuf_reset(&t->line);
    jbuf_puts(&t->line, "{\"ev\":");
    jbuf_u64(&t->line, t->events);
    jbuf_puts(&t->line, ",\"t\":");
    jbuf_u64(&t->line, time);
    jbuf_puts(&t->line, ",\"kind\":");
    jbuf_json_str(&t->line, kind, kn);
}

static inline void observe(trace_t *t, const char *k, char type, uint64_t u, const void *data, size_t n)
{
    trace_field_t f = { .key = k, .type = type, .u = u, .data = data, .n = n };
    t->obs->field(t->obs->ctx, &f);
}

void trace_observer_set(trace_t *t, const trace_observer_t *o)
{
    SIM_ASSERT(!t->open_event);
    t->obs = o;
}

static inline __attribute__((always_inline)) void key(trace_t *t, const char *k, unsigned char type)
{
    SIM_ASSERT(t->open_event);
    size_t n = short_len(k);
    mix_str(t, k, n);
    mix_u64(t, type);
    if (!t->f) return;
    jbuf_putc(&t->line, ',');
    jbuf_json_str(&t->line, k, n);
    jbuf_putc(&t->line, ':');
}

void trace_u64(trace_t *t, const char *k, uint64_t v)
{
    key(t, k, 'u');
    mix_u64(t, v);
    if (t->obs) observe(t, k, 'u', v, NULL, 0);
    if (t->f) jbuf_u64(&t->line, v);
}

void trace_i64(trace_t *t, const char *k, int64_t v)
{
    key(t, k, 'i');
    mix_u64(t, (uint64_t)v);
    if (t->obs) observe(t, k, 'i', (uint64_t)v, NULL, 0);
    if (t->f) jbuf_i64(&t->line, v);
}

void trace_bool(trace_t *t, const char *k, bool v)
{
    key(t, k, 'b');
    unsigned char b = v;
    mix_u64(t, b);
    if (t->obs) observe(t, k, 'b', b, NULL, 0);
    if (t->f) jbuf_puts(&t->line, v ? "true" : "false");
}

void trace_strn(trace_t *t, const char *k, const char *s, size_t n)
{
    key(t, k, 's');
    mix_str(t, s, n);
    if (t->obs) observe(t, k, 's', 0, s, n);
    if (t->f) jbuf_json_str(&t->line, s, n);
}

void trace_str(trace_t *t, const char *k, const char *s) { trace_strn(t, k, s, strlen(s)); }

void trace_json(trace_t *t, const char *k, const char *json, size_t n)
{
    key(t, k, 'j');
    mix_str(t, json, n);
    if (t->obs) observe(t, k, 'j', 0, json, n);
    if (t->f) jbuf_put(&t->line, json, n);
}

void trace_blob(trace_t *t, const char *k, const void *data, size_t n, trace_render_fn render, void *rctx)
{
    key(t, k, 'B');
    mix_str(t, data, n);
    if (t->obs) observe(t, k, 'B', 0, data, n);
    if (t->f) render(rctx, data, n, &t->line);
}

void trace_blob_u64(trace_t *t, const char *k, uint64_t v, trace_render_fn render, void *rctx)
{
    key(t, k, 'B');
    mix_u64(t, 8); /* mix_str of the 8 bytes: their length, then one little-endian word */
    mix_u64(t, v);
    if (t->obs) observe(t, k, 'B', 0, &v, 8);
    if (t->f) render(rctx, &v, 8, &t->line);
}

void trace_end(trace_t *t)
{
    SIM_ASSERT(t->open_event);
    t->open_event = false;
    unsigned char end = 0xff;
    mix_u64(t, end);
    if (t->obs) t->obs->end(t->obs->ctx);
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
    jbuf_deinit(&t->line);
    t->f = NULL;
    t->obs = NULL;
}

int trace_commit(trace_t *t)
{
    int rc = 0;
    if (t->f) {
        if (t->write_error) errno = EIO;
        rc = atomic_file_close(&t->file, !t->write_error);
    }
    int e = errno;
    release(t);
    if (rc) errno = e;
    return rc;
}

void trace_abandon(trace_t *t)
{
    if (t->f) atomic_file_close(&t->file, false);
    release(t);
}
