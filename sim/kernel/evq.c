/* evq.c — 4-ary heap plus a same-instant FIFO; see evq.h for the ordering contract.
 *
 * Invariant: every key in the FIFO has time == q->now and a larger seq than every FIFO key
 * before it; heap keys have time >= q->now. Pop takes the smaller (time, seq) of the FIFO head
 * and the heap top, so heap events at the current instant that were scheduled earlier still go
 * first. A slot's pos says where its key is, which makes cancel O(log n) in the heap and O(1)
 * (a tombstone: the key stays in the ring and is skipped) in the FIFO.
 *
 * The heap is tuned for the pop-one-push-one pattern of a running simulation: child selection
 * is branch-free (which child is smallest is a coin toss a branch predictor cannot learn), the
 * root is removed bottom-up (Floyd), each node's four children fill one aligned cache line with
 * sentinels past the end, and large heaps prefetch the level after next while sifting. */
#include "evq.h"

#include <stdlib.h>
#include <string.h>

#include "base/invariant.h"

#define EVQ_SLOT_BITS 24
#define EVQ_SLOT_MASK ((UINT64_C(1) << EVQ_SLOT_BITS) - 1)
#define EVQ_SEQ_MAX (UINT64_C(1) << (64 - EVQ_SLOT_BITS))
#define EVQ_POS_FIFO UINT32_MAX
#define EVQ_POS_FREE (UINT32_MAX - 1)

/* Keys compared as one 128-bit number, time high and seqslot low: the comparison compiles to
 * cmp/sbb, so it can feed arithmetic instead of a branch. */
typedef unsigned __int128 evq_u128;
static inline evq_u128 key_val(const evq_key_t *k) { return ((evq_u128)k->time << 64) | k->seqslot; }
static inline bool key_less(const evq_key_t *a, const evq_key_t *b) { return key_val(a) < key_val(b); }

static inline uint32_t key_slot(const evq_key_t *k) { return (uint32_t)(k->seqslot & EVQ_SLOT_MASK); }

/* Heap storage. &heap[1] is 64-byte aligned, so the four children 4i+1..4i+4 of every node fill
 * exactly one cache line. The keys from heap_len up to heap_cap + 3 are sentinels, no smaller
 * than any real key, so every node with a first child has four keys to compare and the sift
 * loops need no "how many children?" tests. (A real key can only equal the sentinel, never
 * exceed it, and ties go to the lower index, which is a real key whenever c < heap_len.) */
#define HEAP_PAD 3        /* keys before heap[0], to align heap[1] */
#define HEAP_TAIL 4       /* sentinels past heap_cap */
#define CACHE_LINE 64
/* From this many keys on (1 MiB of heap) sifting down prefetches the level after next. */
#define HEAP_PREFETCH_MIN (1u << 16)

static const evq_key_t key_sentinel = { SIM_TIME_MAX, UINT64_MAX };

/* A heap array with room for cap keys, every position from `len` on holding the sentinel. */
static evq_key_t *heap_alloc(uint32_t cap, const evq_key_t *old, uint32_t len)
{
    size_t n = (size_t)cap + HEAP_PAD + HEAP_TAIL;
    size_t bytes = (sizeof(evq_key_t) * n + CACHE_LINE - 1) & ~(size_t)(CACHE_LINE - 1);
    evq_key_t *base = aligned_alloc(CACHE_LINE, bytes);
    if (!base) return NULL;
    evq_key_t *h = base + HEAP_PAD;
    if (len) memcpy(h, old, sizeof *h * len);
    for (size_t i = len; i < (size_t)cap + HEAP_TAIL; i++) h[i] = key_sentinel;
    return h;
}

static void heap_free(evq_key_t *h)
{
    if (h) free(h - HEAP_PAD);
}

int evq_init(evq_t *q)
{
    memset(q, 0, sizeof *q);
    q->next_seq = 1;
    q->heap_cap = 64;
    q->fifo_cap = 64;
    q->slot_cap = 64;
    q->heap = heap_alloc(q->heap_cap, NULL, 0);
    q->fifo = malloc(sizeof *q->fifo * q->fifo_cap);
    q->slots = malloc(sizeof *q->slots * q->slot_cap);
    if (!q->heap || !q->fifo || !q->slots) goto fail;
    /* Free list threads through .arg; slot 0 is reserved so that ids are never 0. */
    q->slots[0].pos = EVQ_POS_FREE;
    q->free_head = 0;
    for (uint32_t i = q->slot_cap - 1; i >= 1; i--) {
        q->slots[i] = (evq_slot_t){ .arg = q->free_head, .pos = EVQ_POS_FREE };
        q->free_head = i;
    }
    return 0;
fail:
    heap_free(q->heap);
    free(q->fifo);
    free(q->slots);
    memset(q, 0, sizeof *q);
    return -1;
}

void evq_deinit(evq_t *q)
{
    heap_free(q->heap);
    free(q->fifo);
    free(q->slots);
    memset(q, 0, sizeof *q);
}

static int slots_grow(evq_t *q)
{
    uint32_t cap = q->slot_cap * 2;
    if (cap > EVQ_SLOT_MASK + 1) cap = (uint32_t)(EVQ_SLOT_MASK + 1);
    if (cap <= q->slot_cap) return -1;
    evq_slot_t *s = realloc(q->slots, sizeof *s * cap);
    if (!s) return -1;
    q->slots = s;
    for (uint32_t i = cap - 1; i >= q->slot_cap; i--) {
        s[i] = (evq_slot_t){ .arg = q->free_head, .pos = EVQ_POS_FREE };
        q->free_head = i;
    }
    q->slot_cap = cap;
    return 0;
}

static inline void slot_free(evq_t *q, uint32_t i)
{
    evq_slot_t *s = &q->slots[i];
    s->gen++;
    s->pos = EVQ_POS_FREE;
    s->fn = NULL;
    s->ctx = NULL;
    s->arg = q->free_head;
    q->free_head = i;
}

static inline void heap_place(evq_t *q, uint32_t i, evq_key_t k)
{
    q->heap[i] = k;
    q->slots[key_slot(&k)].pos = i;
}

static inline void heap_up(evq_t *q, uint32_t i, evq_key_t k)
{
    evq_u128 kv = key_val(&k);
    while (i > 0) {
        uint32_t p = (i - 1) / 4;
        if (!(kv < key_val(&q->heap[p]))) break;
        heap_place(q, i, q->heap[p]);
        i = p;
    }
    heap_place(q, i, k);
}

/* Index of the smallest of the four keys h[c..c+3], chosen without branches (the outcome is a
 * coin toss, so a branch would mispredict about half the time). */
static inline uint32_t min4(const evq_key_t *h, uint32_t c)
{
    uint32_t a = c + (key_val(&h[c + 1]) < key_val(&h[c]));
    uint32_t b = c + 2 + (key_val(&h[c + 3]) < key_val(&h[c + 2]));
    uint32_t b_less = key_val(&h[b]) < key_val(&h[a]);
    return a ^ ((a ^ b) & (0u - b_less));
}

/* Hints the four cache lines holding the grandchildren 4c+1..4c+16 of the node whose children
 * start at c. A prefetch never faults, so the address may lie past the array. */
static inline void prefetch_grandchildren(const evq_key_t *h, uint32_t c)
{
    uintptr_t g = (uintptr_t)h + sizeof(evq_key_t) * (4 * (uintptr_t)c + 1);
    for (int l = 0; l < 4; l++) __builtin_prefetch((const void *)(g + (uintptr_t)l * CACHE_LINE));
}

static void heap_down(evq_t *q, uint32_t i, evq_key_t k)
{
    uint32_t n = q->heap_len;
    evq_u128 kv = key_val(&k);
    for (;;) {
        uint32_t c = 4 * i + 1;
        if (c >= n) break;
        uint32_t best = min4(q->heap, c);
        if (!(key_val(&q->heap[best]) < kv)) break;
        heap_place(q, i, q->heap[best]);
        i = best;
    }
    heap_place(q, i, k);
}

/* Removes heap[0]. The hole walks down to a leaf along the smaller children without comparing
 * against the key that must fill it (the last one, which almost always belongs near the bottom),
 * then that key rises from the leaf: Floyd's bottom-up deletion, fewer comparisons than a
 * plain sift-down and no unpredictable early exit. */
static inline void heap_pop_root(evq_t *q)
{
    evq_key_t *h = q->heap;
    uint32_t n = --q->heap_len;
    evq_key_t last = h[n];
    h[n] = key_sentinel;
    if (n == 0) return;
    bool big = n >= HEAP_PREFETCH_MIN;
    uint32_t i = 0;
    for (;;) {
        uint32_t c = 4 * i + 1;
        if (c >= n) break;
        if (big) prefetch_grandchildren(h, c);
        uint32_t best = min4(h, c);
        heap_place(q, i, h[best]);
        i = best;
    }
    heap_up(q, i, last);
}

static void heap_remove_at(evq_t *q, uint32_t i)
{
    SIM_ASSERT(i < q->heap_len);
    uint32_t n = --q->heap_len;
    evq_key_t last = q->heap[n];
    q->heap[n] = key_sentinel;
    if (i == n) return;
    if (i > 0 && key_less(&last, &q->heap[(i - 1) / 4]))
        heap_up(q, i, last);
    else
        heap_down(q, i, last);
}

static int fifo_grow(evq_t *q)
{
    uint32_t cap = q->fifo_cap * 2;
    evq_key_t *f = malloc(sizeof *f * cap);
    if (!f) return -1;
    for (uint32_t i = 0; i < q->fifo_len; i++)
        f[i] = q->fifo[(q->fifo_head + i) & (q->fifo_cap - 1)];
    free(q->fifo);
    q->fifo = f;
    q->fifo_head = 0;
    q->fifo_cap = cap;
    return 0;
}

evq_id_t evq_push(evq_t *q, sim_time_t at, evq_fn fn, void *ctx, uint64_t arg)
{
    SIM_ASSERT(at >= q->now);
    SIM_ASSERT(fn != NULL);
    SIM_ASSERT(q->next_seq < EVQ_SEQ_MAX);
    if (q->free_head == 0 && slots_grow(q) != 0) return 0;
    if (at == q->now) {
        if (q->fifo_len == q->fifo_cap && fifo_grow(q) != 0) return 0;
    } else if (q->heap_len == q->heap_cap) {
        evq_key_t *h = heap_alloc(q->heap_cap * 2, q->heap, q->heap_len);
        if (!h) return 0;
        heap_free(q->heap);
        q->heap = h;
        q->heap_cap *= 2;
    }
    uint32_t si = q->free_head;
    evq_slot_t *s = &q->slots[si];
    q->free_head = (uint32_t)s->arg;
    s->fn = fn;
    s->ctx = ctx;
    s->arg = arg;
    q->live++;
    evq_key_t k = { at, (q->next_seq++ << EVQ_SLOT_BITS) | si };
    if (at == q->now) {
        q->fifo[(q->fifo_head + q->fifo_len++) & (q->fifo_cap - 1)] = k;
        s->pos = EVQ_POS_FIFO;
    } else {
        heap_up(q, q->heap_len++, k);
    }
    return ((uint64_t)s->gen << 32) | si;
}

static inline evq_slot_t *slot_of(const evq_t *q, evq_id_t id)
{
    uint32_t si = (uint32_t)id;
    if (id == 0 || si == 0 || si >= q->slot_cap) return NULL;
    evq_slot_t *s = &q->slots[si];
    if (s->gen != (uint32_t)(id >> 32) || s->pos == EVQ_POS_FREE) return NULL;
    return s;
}

bool evq_is_pending(const evq_t *q, evq_id_t id)
{
    evq_slot_t *s = slot_of(q, id);
    return s != NULL && s->fn != NULL;
}

bool evq_cancel(evq_t *q, evq_id_t id)
{
    evq_slot_t *s = slot_of(q, id);
    if (!s || !s->fn) return false;
    if (s->pos == EVQ_POS_FIFO) {
        s->fn = NULL; /* tombstone; the ring entry is dropped when it reaches the head */
    } else {
        heap_remove_at(q, s->pos);
        slot_free(q, (uint32_t)id);
    }
    q->live--;
    return true;
}

/* Drops cancelled entries from the FIFO head, freeing their slots. */
static inline void fifo_skip_dead(evq_t *q)
{
    while (q->fifo_len > 0) {
        evq_key_t *k = &q->fifo[q->fifo_head];
        evq_slot_t *s = &q->slots[key_slot(k)];
        if (s->fn) return;
        slot_free(q, key_slot(k));
        q->fifo_head = (q->fifo_head + 1) & (q->fifo_cap - 1);
        q->fifo_len--;
    }
}

sim_time_t evq_peek_time(const evq_t *q)
{
    evq_t *mq = (evq_t *)q; /* skipping tombstones does not change the observable state */
    fifo_skip_dead(mq);
    if (q->fifo_len > 0) return q->now;
    return q->heap_len ? q->heap[0].time : SIM_TIME_MAX;
}

bool evq_pop(evq_t *q, evq_event_t *out)
{
    fifo_skip_dead(q);
    evq_key_t k;
    if (q->fifo_len > 0 && (q->heap_len == 0 || key_less(&q->fifo[q->fifo_head], &q->heap[0]))) {
        k = q->fifo[q->fifo_head];
        q->fifo_head = (q->fifo_head + 1) & (q->fifo_cap - 1);
        q->fifo_len--;
    } else if (q->heap_len > 0) {
        k = q->heap[0];
        heap_pop_root(q);
    } else {
        return false;
    }
    SIM_ASSERT(k.time >= q->now);
    uint32_t si = key_slot(&k);
    evq_slot_t *s = &q->slots[si];
    SIM_ASSERT(s->fn != NULL);
    out->time = k.time;
    out->seq = k.seqslot >> EVQ_SLOT_BITS;
    out->fn = s->fn;
    out->ctx = s->ctx;
    out->arg = s->arg;
    q->now = k.time;
    slot_free(q, si);
    q->live--;
    return true;
}

void evq_advance(evq_t *q, sim_time_t t)
{
    SIM_ASSERT(t >= q->now);
    SIM_ASSERT(evq_peek_time(q) >= t);
    if (q->fifo_len == 0) q->fifo_head = 0;
    q->now = t;
}
