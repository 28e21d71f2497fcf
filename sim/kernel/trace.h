/* trace.h — the one recorder every observable event goes through.
 *
 * An event is a kind plus an ordered list of typed fields. The recorder numbers events (ev, from
 * 1), keeps a rolling 64-bit word-at-a-time hash over a canonical binary encoding of every event, and,
 * when a path was given, writes the same event as one JSON Lines record:
 *     {"ev":12,"t":250000000,"kind":"print","node":"a","text":"hello"}
 * The hash covers exactly what the line shows (number, time, kind, each key and value in order),
 * so two runs have equal hashes iff they produced the same traces, with or without --trace.
 *
 * Files are written to "<path>.tmp" and renamed into place by trace_commit, so an interrupted or
 * crashed run never leaves a half-written trace under the real name (base/atomic_file.h: a path
 * that is not a regular file, such as /dev/null or a FIFO, is written in place). */
#ifndef SIM_TRACE_H
#define SIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/atomic_file.h"
#include "base/jbuf.h"
#include "simtime.h"

/* An optional read-only observer (a live view, a recorder of its own): it is told every event as
 * it is recorded — begin, each field, end — and must not call back into the trace or change
 * anything the simulation reads. It sees exactly what the hash covers; blob values arrive as
 * their canonical bytes (an id is 8 bytes, little-endian). Recording without one costs a branch
 * per call. */
typedef struct trace_field {
    const char *key;
    char type;            /* 'u' u64, 'i' i64, 'b' bool, 's' string, 'j' JSON text, 'B' bytes */
    uint64_t u;           /* u, i (as two's complement), b */
    const void *data;     /* s, j, B: not NUL-terminated; valid during the call only */
    size_t n;
} trace_field_t;

typedef struct trace_observer {
    void *ctx;
    void (*begin)(void *ctx, uint64_t ev, sim_time_t time, const char *kind);
    void (*field)(void *ctx, const trace_field_t *f);
    void (*end)(void *ctx);
} trace_observer_t;

typedef struct trace {
    uint64_t hash;      /* rolling hash state */
    uint64_t events;    /* events recorded so far; the current one while open */
    FILE *f;            /* NULL when recording the hash only */
    atomic_file_t file; /* where f writes: <path>.tmp, renamed into place by trace_commit */
    jbuf_t line;        /* the JSON line being built */
    bool open_event;    /* between trace_begin and trace_end */
    bool write_error;
    const trace_observer_t *obs;   /* borrowed; NULL when nobody watches */
} trace_t;

/* Starts a trace. path NULL records the hash only. Returns 0, or -1 with errno set when the
 * temporary file cannot be created (nothing to deinit). */
int trace_init(trace_t *t, const char *path);

/* Begins event number t->events + 1 at virtual time `time` with the given kind (a short ASCII
 * identifier). Fields follow; trace_end finishes it. Events do not nest (asserted). */
void trace_begin(trace_t *t, sim_time_t time, const char *kind);
void trace_u64(trace_t *t, const char *key, uint64_t v);
void trace_i64(trace_t *t, const char *key, int64_t v);
void trace_bool(trace_t *t, const char *key, bool v);
void trace_str(trace_t *t, const char *key, const char *s);
void trace_strn(trace_t *t, const char *key, const char *s, size_t n);
/* A value that is already JSON text (an object or array rendered by the caller). It is hashed
 * as text, so the caller must render deterministically. */
void trace_json(trace_t *t, const char *key, const char *json, size_t n);
/* A value given as bytes in some canonical binary form (a message term, an id): the hash covers
 * the bytes; when writing, render(rctx, data, n, out) appends the JSON value that stands for
 * them (it must be a pure function of the bytes). Saves formatting when only hashing. */
typedef void (*trace_render_fn)(void *rctx, const void *data, size_t n, jbuf_t *out);
void trace_blob(trace_t *t, const char *key, const void *data, size_t n, trace_render_fn render, void *rctx);
/* trace_blob of v's 8 little-endian bytes (an id), without the general byte loop. */
void trace_blob_u64(trace_t *t, const char *key, uint64_t v, trace_render_fn render, void *rctx);
void trace_end(trace_t *t);

/* Installs (or with NULL removes) the observer; it is borrowed until removed or the trace is
 * released. Install it between events. */
void trace_observer_set(trace_t *t, const trace_observer_t *o);

/* The trace-hash: the rolling hash passed through a final avalanche. */
uint64_t trace_hash(const trace_t *t);
static inline uint64_t trace_events(const trace_t *t) { return t->events; }

/* Closes the file and renames it into place. Returns 0, or -1 with errno set if anything could
 * not be written (the temporary file is removed then). Always releases the recorder. */
int trace_commit(trace_t *t);

/* Closes and removes the temporary file; releases the recorder. Safe to call twice. */
void trace_abandon(trace_t *t);

/* Path of the temporary file being written, or NULL (for signal-time cleanup). */
static inline const char *trace_tmp_path(const trace_t *t) { return t->f ? atomic_file_tmp(&t->file) : NULL; }

#endif
