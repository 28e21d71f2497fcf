/* evq.h — the pending-event set of the simulation kernel.
 *
 * Events are ordered by (virtual time, sequence number). The sequence number is assigned when an
 * event is pushed, so two events for the same instant fire in the order they were scheduled, and
 * an event scheduled for "now" fires after everything already scheduled for now (FIFO). The
 * kernel knows nothing of what an event means: it stores a callback, a borrowed context pointer
 * and a 64-bit argument. The context pointer is never compared or hashed, so no ordering can
 * depend on an address.
 *
 * Design: a radix heap with 6-bit digits (every push is at a time >= now, so keys only grow).
 * A key {time, seq<<24 | slot} relative to the radix base `last` lives in the bucket named by
 * the highest 6-bit digit in which its time differs from last (the level) and its time's value
 * of that digit. The lowest non-empty bucket, once small (or of a single instant), is sorted by
 * (time, seq) into the current run, which pops from its head and takes pushes that fall in its
 * range by insertion; a larger one is first redistributed around its minimum, so a key moves at
 * most once per level (once or twice for typical delays), each move a sequential append.
 * Cancellation is lazy: the callback is cleared and the key dropped when it is reached (or when
 * cancelled keys outnumber live ones, by a sweep). Event bodies live in a slot pool with
 * generation counters, so an evq_id_t stays safe to cancel after its event fired or was
 * cancelled. Limits (asserted): 2^24 - 1 pending events, 2^40 events pushed per run. Bucket
 * storage grows while popping too; running out of memory there is an invariant failure. */
#ifndef SIM_EVQ_H
#define SIM_EVQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "simtime.h"

typedef void (*evq_fn)(void *ctx, uint64_t arg);

/* Identifies one pushed event; 0 is never a valid id. */
typedef uint64_t evq_id_t;

typedef struct evq_event {
    sim_time_t time;   /* when it fires */
    uint64_t seq;      /* scheduling order, unique per queue, starts at 1 */
    evq_fn fn;
    void *ctx;         /* borrowed from the pusher */
    uint64_t arg;
} evq_event_t;

typedef struct evq_key { sim_time_t time; uint64_t seqslot; } evq_key_t;

typedef struct evq_slot {
    evq_fn fn;         /* NULL when free or cancelled */
    void *ctx;
    uint64_t arg;      /* free-list link while free */
    uint32_t gen;      /* bumped each time the slot is freed; a cancelled slot stays taken
                        * (fn NULL, gen unchanged) until its key leaves the buckets */
} evq_slot_t;

#define EVQ_DIGIT_BITS 6
#define EVQ_LEVELS 11  /* ceil(64 / EVQ_DIGIT_BITS) */

typedef struct evq_bucket {
    evq_key_t *k;
    uint32_t len, cap;
} evq_bucket_t;

typedef struct evq {
    sim_time_t now;      /* time of the last popped event */
    uint64_t next_seq;   /* next sequence number to assign */
    sim_time_t last;     /* radix base: every queued key has time >= last */
    uint32_t cur;        /* the bucket holding the current run (sorted by (time, seq) from head
                          * on), or UINT32_MAX */
    uint32_t head;
    uint32_t cur_level;  /* cur's level; pushes below it (or into cur) join the run */
    uint64_t levels;     /* bit l set iff level l has a non-empty bucket */
    uint64_t digits[EVQ_LEVELS]; /* bit d of digits[l] set iff bucket (l, d) is non-empty */
    evq_bucket_t *b;     /* EVQ_LEVELS << EVQ_DIGIT_BITS buckets, (l, d) at l * 64 + d */
    uint32_t dead;       /* cancelled keys still queued */
    evq_slot_t *slots;   /* slot 0 unused so that no id is 0 */
    uint32_t slot_cap, free_head, live;
} evq_t;

/* Caller owns *q's storage. Returns 0, or -1 when memory is exhausted (nothing to deinit). */
int evq_init(evq_t *q);
void evq_deinit(evq_t *q);

/* Schedules fn(ctx, arg) at virtual time `at`, which must be >= evq_now(q) (asserted).
 * Returns the event's id, or 0 when memory is exhausted (nothing was scheduled). */
evq_id_t evq_push(evq_t *q, sim_time_t at, evq_fn fn, void *ctx, uint64_t arg);

/* Removes a pending event. Returns true if it was pending; false if it already fired, was
 * cancelled, or id is 0. Never calls the callback. */
bool evq_cancel(evq_t *q, evq_id_t id);

/* True if the event is still pending. */
bool evq_is_pending(const evq_t *q, evq_id_t id);

/* Removes the earliest event into *out and advances evq_now to its time. Returns false when
 * nothing is pending. Does not call the callback: the caller dispatches (so it can trace first). */
bool evq_pop(evq_t *q, evq_event_t *out);

/* Moves the clock forward to t without an event (the end of a run window). No event may be
 * pending before t (asserted); events at t stay pending. */
void evq_advance(evq_t *q, sim_time_t t);

/* Time of the earliest pending event, or SIM_TIME_MAX when none. */
sim_time_t evq_peek_time_slow(const evq_t *q);
static inline sim_time_t evq_peek_time(const evq_t *q)
{
    /* the common case inline: a run is open and its head is live (slot = the low 24 bits) */
    if (q->cur != UINT32_MAX) {
        const evq_bucket_t *bk = &q->b[q->cur];
        if (q->head < bk->len && q->slots[(uint32_t)(bk->k[q->head].seqslot & 0xffffff)].fn != NULL)
            return bk->k[q->head].time;
    }
    return evq_peek_time_slow(q);
}

static inline sim_time_t evq_now(const evq_t *q) { return q->now; }
static inline size_t evq_len(const evq_t *q) { return q->live; }

#endif
