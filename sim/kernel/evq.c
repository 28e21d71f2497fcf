/* evq.c — a radix heap of (time, seq) keys with 6-bit digits; see evq.h for the contract.
 *
 * Invariant: every queued key has time >= q->last (the radix base). Outside the current run, a
 * key lives in bucket (l, d): l is the highest 6-bit digit position in which its time differs
 * from last (0 when it equals last) and d is its time's digit at l. Every key of bucket (l, d) is
 * smaller than every key of (l, d+1) and of any bucket at a higher level; a level-0 bucket holds
 * keys of a single time. `levels` and `digits` are bitmaps of the non-empty buckets, so the
 * lowest one is two count-trailing-zeros away.
 *
 * The current run: when no run is open, the lowest non-empty bucket (l, d) is examined. If it
 * holds at most RUN_MAX keys, or is at level 0, it is sorted by (time, seq) in place and becomes
 * the run (cur, cur_level = l): last becomes its first time, which moves no other key to another
 * bucket (they all differ from it where they differed from the old base), pops take keys from
 * its head, and a push whose bucket relative to last would be below level l (or be cur itself,
 * for a level-0 run) belongs to the run's range and is inserted after every key of time <= its
 * own (its seq is the largest yet), so the run stays sorted and levels below l stay empty (the
 * shorter side moves: keys before it may shift into the room the popped keys left). A
 * push with more than RUN_SHIFT_MAX keys after it first dissolves the run back into buckets.
 * Otherwise the bucket is redistributed: last becomes its minimum and each key moves to a bucket
 * below level l (a bucket of a single instant instead swaps arrays with the empty level-0 bucket
 * of that instant). A key therefore moves at most once per level, each move a sequential append.
 *
 * Pops return keys >= last, so pushes (time >= now) never go below last — except after
 * evq_peek_time, which settles ahead of now. A push at `at` < last then rebases the queue: the
 * run is dissolved, and with H the highest digit in which at and last differ, keys at levels
 * above H keep their buckets relative to at, keys at level H keep theirs too (their digit H is
 * above last's, which is above at's), and keys below level H all belong to bucket (H, digit H of
 * last) relative to at — which is empty, as a key there would be below last. So the levels below
 * H are appended to that bucket, and last = at.
 *
 * Cancellation is lazy: it clears the slot's callback (fn == NULL marks the key dead); the key is
 * dropped, and its slot freed, when the run reaches it. Pop and peek skip dead keys; live counts
 * only pending events. When dead keys outnumber live ones (and there are more than
 * DEAD_SWEEP_MIN) a sweep drops them all, so memory stays proportional to the live events. */
#include "evq.h"

#include <stdlib.h>
#include <string.h>

#include "base/invariant.h"

#define EVQ_SLOT_BITS 24
#define EVQ_SLOT_MASK ((UINT64_C(1) << EVQ_SLOT_BITS) - 1)
#define EVQ_SEQ_MAX (UINT64_C(1) << (64 - EVQ_SLOT_BITS))
#define DB EVQ_DIGIT_BITS
#define DIGIT_MASK ((UINT64_C(1) << DB) - 1)
#define NBUCKETS ((uint32_t)EVQ_LEVELS << DB)
#define NO_CUR UINT32_MAX
#define BUCKET_MIN_CAP 16u
#define BUCKET_KEEP_CAP (1u << 16) /* a redistributed bucket larger than this may be freed */
#define DEAD_SWEEP_MIN 4096u
#define SMALL_SORT 32u   /* longer unsorted runs use qsort */
#define RUN_MAX 32u      /* larger buckets above level 0 are redistributed */
#define RUN_SHIFT_MAX 64u /* an insertion shifting more keys dissolves the run */

static inline uint32_t key_slot(const evq_key_t *k) { return (uint32_t)(k->seqslot & EVQ_SLOT_MASK); }

/* Bucket index (l << DB | d) of time t relative to base t0 <= t, without a branch: t == t0 lands
 * in level 0 under t's low digit like any t differing only there. */
static inline uint32_t bucket_of(sim_time_t t, sim_time_t t0)
{
    uint32_t p = 63u - (uint32_t)__builtin_clzll((t ^ t0) | 1);
    uint32_t l = p / DB;
    return (l << DB) | (uint32_t)((t >> (l * DB)) & DIGIT_MASK);
}

static inline void mark(evq_t *q, uint32_t bi)
{
    q->digits[bi >> DB] |= UINT64_C(1) << (bi & DIGIT_MASK);
    q->levels |= UINT64_C(1) << (bi >> DB);
}

static inline void unmark(evq_t *q, uint32_t bi)
{
    uint32_t l = bi >> DB;
    q->digits[l] &= ~(UINT64_C(1) << (bi & DIGIT_MASK));
    if (q->digits[l] == 0) q->levels &= ~(UINT64_C(1) << l);
}

int evq_init(evq_t *q)
{
    memset(q, 0, sizeof *q);
    q->next_seq = 1;
    q->cur = NO_CUR;
    q->slot_cap = 64;
    q->b = calloc(NBUCKETS, sizeof *q->b);
    q->slots = malloc(sizeof *q->slots * q->slot_cap);
    if (!q->b || !q->slots) {
        free(q->b);
        free(q->slots);
        memset(q, 0, sizeof *q);
        return -1;
    }
    /* Free list threads through .arg; slot 0 is reserved so that ids are never 0. */
    q->slots[0] = (evq_slot_t){ 0 };
    q->free_head = 0;
    for (uint32_t i = q->slot_cap - 1; i >= 1; i--) {
        q->slots[i] = (evq_slot_t){ .arg = q->free_head };
        q->free_head = i;
    }
    return 0;
}

void evq_deinit(evq_t *q)
{
    if (q->b)
        for (uint32_t i = 0; i < NBUCKETS; i++) free(q->b[i].k);
    free(q->b);
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
        s[i] = (evq_slot_t){ .arg = q->free_head };
        q->free_head = i;
    }
    q->slot_cap = cap;
    return 0;
}

static inline void slot_free(evq_t *q, uint32_t i)
{
    evq_slot_t *s = &q->slots[i];
    s->gen++;
    s->fn = NULL;
    s->ctx = NULL;
    s->arg = q->free_head;
    q->free_head = i;
}

/* Grows a bucket to hold at least `need` keys. Returns 0, or -1 (bucket unchanged). */
static int bucket_grow(evq_bucket_t *bk, uint64_t need)
{
    if (need <= bk->cap) return 0;
    uint64_t cap = bk->cap ? bk->cap : BUCKET_MIN_CAP;
    while (cap < need) cap *= 2;
    if (cap > UINT32_MAX) return -1;
    evq_key_t *k = realloc(bk->k, sizeof *k * cap);
    if (!k) return -1;
    bk->k = k;
    bk->cap = (uint32_t)cap;
    return 0;
}

/* Closes the current bucket: drops its consumed prefix (keeping it sorted) and forgets it. */
/* Ends the current run, which leaves every key in a canonical bucket: the unconsumed keys of a
 * level-0 run stay where they are (their bucket is cur's own), those of a higher run move to
 * their buckets relative to last, all below the run's level. */
static void run_dissolve(evq_t *q)
{
    if (q->cur == NO_CUR) return;
    uint32_t ci = q->cur;
    evq_bucket_t *bk = &q->b[ci];
    if (q->cur_level == 0) {
        bk->len -= q->head;
        memmove(bk->k, bk->k + q->head, sizeof *bk->k * bk->len);
    } else {
        for (uint32_t i = q->head; i < bk->len; i++) {
            evq_key_t key = bk->k[i];
            uint32_t d = bucket_of(key.time, q->last);
            evq_bucket_t *dst = &q->b[d];
            if (dst->len == dst->cap) SIM_ASSERT(bucket_grow(dst, (uint64_t)dst->len + 1) == 0);
            dst->k[dst->len++] = key;
            mark(q, d);
        }
        bk->len = 0;
    }
    if (bk->len == 0) unmark(q, ci);
    q->cur = NO_CUR;
    q->head = 0;
}

static inline bool key_less(const evq_key_t *a, const evq_key_t *b)
{
    return a->time < b->time || (a->time == b->time && a->seqslot < b->seqslot);
}

static int cmp_key(const void *a, const void *b)
{
    const evq_key_t *x = a, *y = b;
    return key_less(x, y) ? -1 : key_less(y, x);
}

/* Sorts keys k[0..n) by (time, seq). */
static void sort_keys(evq_key_t *k, uint32_t n)
{
    uint32_t i = 1;
    while (i < n && key_less(&k[i - 1], &k[i])) i++;
    if (i >= n) return;
    if (n > SMALL_SORT) {
        qsort(k, n, sizeof *k, cmp_key);
        return;
    }
    for (; i < n; i++) {
        evq_key_t x = k[i];
        uint32_t j = i;
        while (j > 0 && key_less(&x, &k[j - 1])) {
            k[j] = k[j - 1];
            j--;
        }
        k[j] = x;
    }
}

/* No run is open and bucket bi (at level >= 1, the lowest non-empty bucket, more than RUN_MAX
 * keys) is redistributed around its minimum. */
static void redistribute(evq_t *q, uint32_t bi)
{
    uint32_t l = bi >> DB;
    evq_bucket_t *src = &q->b[bi];
    const evq_key_t *k = src->k;
    uint32_t n = src->len;
    sim_time_t m = k[0].time, mx = m;
    for (uint32_t i = 1; i < n; i++) {
        m = k[i].time < m ? k[i].time : m;
        mx = k[i].time > mx ? k[i].time : mx;
    }
    SIM_ASSERT(m > q->last);
    q->last = m;
    unmark(q, bi);
    if (m == mx) {
        /* One instant: the whole bucket becomes the (empty) level-0 bucket of that instant by
         * swapping the arrays. */
        uint32_t ti = (uint32_t)(m & DIGIT_MASK);
        evq_bucket_t t = q->b[ti];
        q->b[ti] = *src;
        *src = t;
        mark(q, ti);
        return;
    }
    src->len = 0;
    for (uint32_t i = 0; i < n; i++) {
        evq_key_t key = k[i];
        uint32_t d = bucket_of(key.time, m);
        evq_bucket_t *dst = &q->b[d];
        if (__builtin_expect(dst->len == dst->cap, 0))
            SIM_ASSERT(bucket_grow(dst, (uint64_t)dst->len + 1) == 0);
        dst->k[dst->len++] = key;
        q->digits[d >> DB] |= UINT64_C(1) << (d & DIGIT_MASK);
    }
    for (uint32_t j = 0; j < l; j++)
        if (q->digits[j]) q->levels |= UINT64_C(1) << j;
    if (src->cap > BUCKET_KEEP_CAP && src->cap / 2 > q->live + q->dead) {
        free(src->k);
        src->k = NULL;
        src->cap = 0;
    }
}

/* Lowers last to `at` (< last, with keys queued); see the header comment. Returns 0 or -1. */
static int rebase(evq_t *q, sim_time_t at)
{
    run_dissolve(q);
    uint32_t h = (63u - (uint32_t)__builtin_clzll(at ^ q->last)) / DB;
    if (h > 0) {
        uint32_t ti = (h << DB) | (uint32_t)((q->last >> (h * DB)) & DIGIT_MASK);
        evq_bucket_t *dst = &q->b[ti];
        SIM_ASSERT(dst->len == 0);
        uint64_t total = 0;
        for (uint32_t l = 0; l < h; l++)
            for (uint64_t m = q->digits[l]; m; m &= m - 1)
                total += q->b[(l << DB) | (uint32_t)__builtin_ctzll(m)].len;
        if (bucket_grow(dst, total) != 0) return -1;
        for (uint32_t l = 0; l < h; l++) {
            for (uint64_t m = q->digits[l]; m; m &= m - 1) {
                evq_bucket_t *bk = &q->b[(l << DB) | (uint32_t)__builtin_ctzll(m)];
                memcpy(dst->k + dst->len, bk->k, sizeof *bk->k * bk->len);
                dst->len += bk->len;
                bk->len = 0;
            }
            q->digits[l] = 0;
        }
        q->levels &= ~((UINT64_C(1) << h) - 1);
        if (dst->len) mark(q, ti);
    }
    q->last = at;
    return 0;
}

/* Drops every dead key, freeing its slot; keeps each bucket's order (so the run stays sorted). */
static void sweep(evq_t *q)
{
    for (uint32_t l = 0; l < EVQ_LEVELS; l++) {
        for (uint64_t m = q->digits[l]; m; m &= m - 1) {
            uint32_t bi = (l << DB) | (uint32_t)__builtin_ctzll(m);
            evq_bucket_t *bk = &q->b[bi];
            uint32_t n = 0;
            for (uint32_t i = bi == q->cur ? q->head : 0; i < bk->len; i++) {
                evq_key_t key = bk->k[i];
                uint32_t si = key_slot(&key);
                if (q->slots[si].fn == NULL)
                    slot_free(q, si);
                else
                    bk->k[n++] = key;
            }
            bk->len = n;
            if (bi == q->cur) {
                q->head = 0;
                if (n == 0) q->cur = NO_CUR;
            }
            if (n == 0) unmark(q, bi);
        }
    }
    q->dead = 0;
}

/* Inserts key into the run after every key of time <= its own. Returns 0, 1 when the run was
 * dissolved instead (the caller then files the key in its bucket), or -1 (out of memory). */
static int run_insert(evq_t *q, evq_key_t key)
{
    evq_bucket_t *bk = &q->b[q->cur];
    evq_key_t *k = bk->k;
    uint32_t head = q->head, i = bk->len;
    if (i > head && k[i - 1].time > key.time) {
        /* The first key of time > key.time in [head, end] (the run is sorted; k[end] is such a
         * key). Most pushes land near the head: a few steps from there, then a branchless binary
         * search over the rest, the answer staying in [b, b + n]. */
        uint32_t end = i - 1, lim = head + 8 < end ? head + 8 : end;
        i = head;
        while (i < lim && k[i].time <= key.time) i++;
        if (i == lim && k[i].time <= key.time) { /* then lim < end */
            const evq_key_t *b = k + lim + 1;
            uint32_t n = end - lim;
            while (n > 1) {
                uint32_t half = n / 2;
                b = b[half - 1].time <= key.time ? b + half : b;
                n -= half;
            }
            i = (uint32_t)(b - k) + (b->time <= key.time);
        }
    }
    if (bk->len - i > RUN_SHIFT_MAX) {
        run_dissolve(q);
        return 1;
    }
    if (head > 0 && i - head < bk->len - i) { /* fewer keys before it: they move into the room
                                              * the popped keys left */
        memmove(k + head - 1, k + head, sizeof *k * (i - head));
        k[i - 1] = key;
        q->head = head - 1;
        return 0;
    }
    if (bk->len == bk->cap) {
        if (q->head > 0 && q->head >= bk->len / 2) {
            bk->len -= q->head;
            i -= q->head;
            memmove(bk->k, bk->k + q->head, sizeof *bk->k * bk->len);
            q->head = 0;
        } else if (bucket_grow(bk, (uint64_t)bk->len + 1) != 0) {
            return -1;
        }
    }
    memmove(bk->k + i + 1, bk->k + i, sizeof *bk->k * (bk->len - i));
    bk->k[i] = key;
    bk->len++;
    return 0;
}

evq_id_t evq_push(evq_t *q, sim_time_t at, evq_fn fn, void *ctx, uint64_t arg)
{
    SIM_ASSERT(at >= q->now);
    SIM_ASSERT(fn != NULL);
    SIM_ASSERT(q->next_seq < EVQ_SEQ_MAX);
    if (q->free_head == 0 && slots_grow(q) != 0) {
        if (q->dead == 0) return 0;
        sweep(q);
        if (q->free_head == 0) return 0;
    }
    if (q->live + q->dead == 0)
        q->last = at; /* nothing queued (so no run): any base <= at will do */
    else if (at < q->last && rebase(q, at) != 0)
        return 0;
    uint32_t si = q->free_head;
    evq_key_t key = { at, (q->next_seq << EVQ_SLOT_BITS) | si };
    uint32_t bi = bucket_of(at, q->last);
    int r = 1;
    if (q->cur != NO_CUR && ((bi >> DB) < q->cur_level || bi == q->cur)) {
        r = run_insert(q, key);
        if (r < 0) return 0;
    }
    if (r > 0) {
        evq_bucket_t *bk = &q->b[bi];
        if (bk->len == bk->cap && bucket_grow(bk, (uint64_t)bk->len + 1) != 0) return 0;
        bk->k[bk->len++] = key;
        mark(q, bi);
    }
    q->next_seq++;
    evq_slot_t *s = &q->slots[si];
    q->free_head = (uint32_t)s->arg;
    s->fn = fn;
    s->ctx = ctx;
    s->arg = arg;
    q->live++;
    return ((uint64_t)s->gen << 32) | si;
}

static inline evq_slot_t *slot_of(const evq_t *q, evq_id_t id)
{
    uint32_t si = (uint32_t)id;
    if (id == 0 || si == 0 || si >= q->slot_cap) return NULL;
    evq_slot_t *s = &q->slots[si];
    if (s->gen != (uint32_t)(id >> 32) || s->fn == NULL) return NULL;
    return s;
}

bool evq_is_pending(const evq_t *q, evq_id_t id)
{
    return slot_of(q, id) != NULL;
}

bool evq_cancel(evq_t *q, evq_id_t id)
{
    evq_slot_t *s = slot_of(q, id);
    if (!s) return false;
    s->fn = NULL; /* the key stays queued, dead, until it is reached or swept */
    s->ctx = NULL;
    q->live--;
    q->dead++;
    if (q->dead > DEAD_SWEEP_MIN && q->dead > q->live) sweep(q);
    return true;
}

/* Makes the head of the run a live key, dropping dead keys, redistributing and opening runs on
 * the way. Returns false when nothing is pending (then nothing is queued either). */
static __attribute__((noinline)) bool settle_slow(evq_t *q)
{
    for (;;) {
        if (q->cur != NO_CUR) {
            evq_bucket_t *bk = &q->b[q->cur];
            while (q->head < bk->len) {
                uint32_t si = key_slot(&bk->k[q->head]);
                if (q->slots[si].fn != NULL) return true;
                slot_free(q, si);
                q->dead--;
                q->head++;
            }
            bk->len = 0;
            unmark(q, q->cur);
            q->cur = NO_CUR;
            q->head = 0;
        }
        if (q->levels == 0) return false;
        uint32_t l = (uint32_t)__builtin_ctzll(q->levels);
        uint32_t bi = (l << DB) | (uint32_t)__builtin_ctzll(q->digits[l]);
        evq_bucket_t *bk = &q->b[bi];
        if (l > 0 && bk->len > RUN_MAX) {
            redistribute(q, bi);
            continue;
        }
        if (bk->len > 1) sort_keys(bk->k, bk->len);
        SIM_ASSERT(bk->k[0].time >= q->last);
        q->last = bk->k[0].time;
        q->cur = bi;
        q->cur_level = l;
        q->head = 0;
    }
}

/* settle_slow, with its common case inline: a run is open and its head is live. */
static inline bool settle(evq_t *q)
{
    if (q->cur != NO_CUR) {
        const evq_bucket_t *bk = &q->b[q->cur];
        if (q->head < bk->len && q->slots[key_slot(&bk->k[q->head])].fn != NULL) return true;
    }
    return settle_slow(q);
}

_Static_assert(EVQ_SLOT_MASK == 0xffffff && NO_CUR == UINT32_MAX, "evq_peek_time (evq.h) knows these");

sim_time_t evq_peek_time_slow(const evq_t *q)
{
    evq_t *mq = (evq_t *)q; /* settling does not change the observable state */
    return settle(mq) ? q->b[q->cur].k[q->head].time : SIM_TIME_MAX;
}

bool evq_pop(evq_t *q, evq_event_t *out)
{
    if (!settle(q)) return false;
    evq_bucket_t *bk = &q->b[q->cur];
    evq_key_t k = bk->k[q->head++];
    SIM_ASSERT(k.time >= q->now);
    uint32_t si = key_slot(&k);
    evq_slot_t *s = &q->slots[si];
    out->time = k.time;
    out->seq = k.seqslot >> EVQ_SLOT_BITS;
    out->fn = s->fn;
    out->ctx = s->ctx;
    out->arg = s->arg;
    q->now = k.time;
    slot_free(q, si);
    q->live--;
    if (q->head == bk->len) {
        bk->len = 0;
        unmark(q, q->cur);
        q->cur = NO_CUR;
        q->head = 0;
    }
    return true;
}

void evq_advance(evq_t *q, sim_time_t t)
{
    SIM_ASSERT(t >= q->now);
    SIM_ASSERT(evq_peek_time(q) >= t);
    q->now = t;
}
