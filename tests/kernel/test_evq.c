/* test_evq.c — the pending-event set keeps the ordering contract of evq.h.
 *
 * Proves: events pop in (time, seq) order; seq is assigned at push, starts at 1 and is unique;
 * events pushed at the current instant run FIFO and after heap events already due then;
 * cancellation removes exactly the event named, once, and a stale id (fired, cancelled, or whose
 * slot was reused) never touches a later event; evq_len / evq_peek_time / evq_now stay exact;
 * evq_advance moves the clock only up to the next pending event; a push into the past (or an
 * advance past a pending event) is an invariant failure (exit code 3). The two model tests drive
 * the queue with seeded random pushes, cancels and pops (one at 100k+ pending) and demand the pop
 * order match a naive reference exactly, not merely be sorted. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim/kernel/evq.h"
#include "base/prng.h"

static void nop(void *ctx, uint64_t arg)
{
    (void)ctx;
    (void)arg;
}

static int marker; /* a context pointer to see round-trip; never compared for ordering */

/* Pops one event and checks its time and arg. */
static void pop_expect(evq_t *q, sim_time_t time, uint64_t arg)
{
    evq_event_t e;
    ck_assert_msg(evq_pop(q, &e), "queue empty, expected arg %llu", (unsigned long long)arg);
    ck_assert_uint_eq(e.time, time);
    ck_assert_uint_eq(e.arg, arg);
    ck_assert_uint_eq(evq_now(q), time);
}

static void pop_expect_empty(evq_t *q)
{
    evq_event_t e;
    ck_assert(!evq_pop(q, &e));
    ck_assert_uint_eq(evq_len(q), 0);
    ck_assert_uint_eq(evq_peek_time(q), SIM_TIME_MAX);
}

START_TEST(test_order_by_time)
{
    evq_t q;
    ck_assert_int_eq(evq_init(&q), 0);
    static const sim_time_t at[] = { 50, 10, 40, 30, 20, 60, 5, 1000000, 15 };
    for (uint64_t i = 0; i < sizeof at / sizeof at[0]; i++)
        ck_assert_uint_ne(evq_push(&q, at[i], nop, &marker, at[i]), 0);
    static const sim_time_t want[] = { 5, 10, 15, 20, 30, 40, 50, 60, 1000000 };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        evq_event_t e;
        ck_assert(evq_pop(&q, &e));
        ck_assert_uint_eq(e.time, want[i]);
        ck_assert_uint_eq(e.arg, want[i]);
        ck_assert_ptr_eq(e.fn, nop);
        ck_assert_ptr_eq(e.ctx, &marker);
    }
    pop_expect_empty(&q);
    evq_deinit(&q);
}
END_TEST

START_TEST(test_ties_by_push_order)
{
    evq_t q;
    ck_assert_int_eq(evq_init(&q), 0);
    /* Same-time events interleaved with other times: each instant keeps its push order. */
    for (uint64_t i = 0; i < 30; i++) evq_push(&q, 100 + 10 * (i % 3), nop, NULL, i);
    for (sim_time_t t = 100; t <= 120; t += 10)
        for (uint64_t i = 0; i < 30; i++)
            if (100 + 10 * (i % 3) == t) pop_expect(&q, t, i);
    pop_expect_empty(&q);
    evq_deinit(&q);
}
END_TEST

START_TEST(test_zero_delay_fifo)
{
    evq_t q;
    ck_assert_int_eq(evq_init(&q), 0);
    /* At time 0, events pushed "now" fire in push order. */
    for (uint64_t i = 0; i < 5; i++) evq_push(&q, 0, nop, NULL, i);
    evq_push(&q, 100, nop, NULL, 10);
    evq_push(&q, 100, nop, NULL, 11);
    evq_push(&q, 200, nop, NULL, 20);
    for (uint64_t i = 0; i < 5; i++) pop_expect(&q, 0, i);
    /* Now at 100: 11 was scheduled for 100 before the zero-delay pushes, so it goes first;
     * the zero-delay events follow in FIFO order, all before anything later. */
    pop_expect(&q, 100, 10);
    evq_push(&q, 100, nop, NULL, 12);
    evq_push(&q, 150, nop, NULL, 15);
    evq_push(&q, 100, nop, NULL, 13);
    pop_expect(&q, 100, 11);
    /* A zero-delay push from inside a zero-delay event still queues behind its siblings. */
    pop_expect(&q, 100, 12);
    evq_push(&q, 100, nop, NULL, 14);
    pop_expect(&q, 100, 13);
    pop_expect(&q, 100, 14);
    pop_expect(&q, 150, 15);
    pop_expect(&q, 200, 20);
    pop_expect_empty(&q);
    evq_deinit(&q);
}
END_TEST

START_TEST(test_cancel_pending)
{
    evq_t q;
    ck_assert_int_eq(evq_init(&q), 0);
    evq_id_t a = evq_push(&q, 10, nop, NULL, 1);
    evq_id_t b = evq_push(&q, 20, nop, NULL, 2);
    ck_assert_uint_ne(a, 0);
    ck_assert_uint_ne(b, 0);
    ck_assert_uint_ne(a, b);
    ck_assert(evq_is_pending(&q, a));
    ck_assert(evq_cancel(&q, a));
    ck_assert(!evq_is_pending(&q, a));
    ck_assert(!evq_cancel(&q, a)); /* twice */
    ck_assert(evq_is_pending(&q, b));
    ck_assert_uint_eq(evq_len(&q), 1);
    pop_expect(&q, 20, 2);
    pop_expect_empty(&q);
    evq_deinit(&q);
}
END_TEST

START_TEST(test_cancel_after_fire)
{
    evq_t q;
    ck_assert_int_eq(evq_init(&q), 0);
    evq_id_t a = evq_push(&q, 10, nop, NULL, 1);
    evq_id_t f = evq_push(&q, 0, nop, NULL, 0); /* via the FIFO */
    pop_expect(&q, 0, 0);
    pop_expect(&q, 10, 1);
    ck_assert(!evq_is_pending(&q, a));
    ck_assert(!evq_cancel(&q, a));
    ck_assert(!evq_is_pending(&q, f));
    ck_assert(!evq_cancel(&q, f));
    /* The freed slots get reused; the old ids must not reach the new events. */
    evq_id_t c = evq_push(&q, 30, nop, NULL, 3);
    evq_id_t d = evq_push(&q, 10, nop, NULL, 4);
    ck_assert_uint_ne(c, a);
    ck_assert_uint_ne(c, f);
    ck_assert_uint_ne(d, a);
    ck_assert_uint_ne(d, f);
    ck_assert(!evq_cancel(&q, a));
    ck_assert(!evq_cancel(&q, f));
    ck_assert(evq_is_pending(&q, c));
    ck_assert(evq_is_pending(&q, d));
    ck_assert_uint_eq(evq_len(&q), 2);
    pop_expect(&q, 10, 4);
    pop_expect(&q, 30, 3);
    evq_deinit(&q);
}
END_TEST

START_TEST(test_cancel_invalid_id)
{
    evq_t q;
    ck_assert_int_eq(evq_init(&q), 0);
    ck_assert(!evq_cancel(&q, 0));
    ck_assert(!evq_is_pending(&q, 0));
    evq_id_t a = evq_push(&q, 5, nop, NULL, 1);
    ck_assert(!evq_cancel(&q, 0));
    ck_assert(!evq_cancel(&q, a ^ (UINT64_C(1) << 32))); /* right slot, wrong generation */
    ck_assert(!evq_cancel(&q, UINT64_C(0xffffff)));     /* slot beyond the pool */
    ck_assert(!evq_cancel(&q, UINT64_MAX));
    ck_assert(!evq_is_pending(&q, UINT64_MAX));
    ck_assert(evq_is_pending(&q, a));
    ck_assert_uint_eq(evq_len(&q), 1);
    pop_expect(&q, 5, 1);
    evq_deinit(&q);
}
END_TEST

START_TEST(test_cancel_in_fifo)
{
    evq_t q;
    ck_assert_int_eq(evq_init(&q), 0);
    evq_push(&q, 100, nop, NULL, 99);
    pop_expect(&q, 100, 99);
    evq_id_t id[6];
    for (uint64_t i = 0; i < 6; i++) id[i] = evq_push(&q, 100, nop, NULL, i);
    evq_push(&q, 200, nop, NULL, 50);
    ck_assert(evq_cancel(&q, id[0])); /* head */
    ck_assert(evq_cancel(&q, id[3])); /* middle */
    ck_assert(evq_cancel(&q, id[5])); /* tail */
    ck_assert(!evq_cancel(&q, id[3]));
    ck_assert(!evq_is_pending(&q, id[0]));
    ck_assert(evq_is_pending(&q, id[1]));
    ck_assert_uint_eq(evq_len(&q), 4);
    ck_assert_uint_eq(evq_peek_time(&q), 100);
    pop_expect(&q, 100, 1);
    pop_expect(&q, 100, 2);
    ck_assert(!evq_cancel(&q, id[3])); /* its tombstone may still sit in the ring */
    pop_expect(&q, 100, 4);
    ck_assert(!evq_is_pending(&q, id[5]));
    /* Only tombstones left at 100: peek looks past them. */
    ck_assert_uint_eq(evq_peek_time(&q), 200);
    ck_assert_uint_eq(evq_len(&q), 1);
    pop_expect(&q, 200, 50);
    pop_expect_empty(&q);
    evq_deinit(&q);
}
END_TEST

START_TEST(test_cancel_in_heap)
{
    evq_t q;
    ck_assert_int_eq(evq_init(&q), 0);
    enum { N = 200 };
    evq_id_t id[N];
    /* Times in a scrambled order so cancelled keys sit at every depth of the heap. */
    for (uint64_t i = 0; i < N; i++) id[i] = evq_push(&q, 1 + (i * 7919) % N, nop, NULL, i);
    uint64_t root = 0;
    for (uint64_t i = 0; i < N; i++)
        if (1 + (i * 7919) % N == 1) root = i;
    ck_assert(evq_cancel(&q, id[root]));
    ck_assert_uint_eq(evq_peek_time(&q), 2);
    for (uint64_t i = 0; i < N; i += 3)
        if (i != root) ck_assert(evq_cancel(&q, id[i]));
    ck_assert(evq_cancel(&q, id[N - 1])); /* the last key pushed */
    size_t live = 0;
    for (uint64_t i = 0; i < N; i++) live += evq_is_pending(&q, id[i]);
    ck_assert_uint_eq(evq_len(&q), live);
    sim_time_t last = 0;
    size_t popped = 0;
    evq_event_t e;
    while (evq_pop(&q, &e)) {
        ck_assert(e.arg % 3 != 0 && e.arg != root && e.arg != N - 1);
        ck_assert_uint_eq(e.time, 1 + (e.arg * 7919) % N);
        ck_assert_uint_gt(e.time, last);
        last = e.time;
        popped++;
    }
    ck_assert_uint_eq(popped, live);
    pop_expect_empty(&q);
    evq_deinit(&q);
}
END_TEST

START_TEST(test_cancelled_never_popped)
{
    evq_t q;
    ck_assert_int_eq(evq_init(&q), 0);
    /* Cancel everything, in both structures: nothing may come out, and now must not move. */
    evq_id_t id[40];
    for (uint64_t i = 0; i < 20; i++) id[i] = evq_push(&q, 0, nop, NULL, i);
    for (uint64_t i = 20; i < 40; i++) id[i] = evq_push(&q, i, nop, NULL, i);
    for (int i = 39; i >= 0; i -= 2) ck_assert(evq_cancel(&q, id[i]));
    for (int i = 0; i < 40; i += 2) ck_assert(evq_cancel(&q, id[i]));
    ck_assert_uint_eq(evq_len(&q), 0);
    ck_assert_uint_eq(evq_peek_time(&q), SIM_TIME_MAX);
    pop_expect_empty(&q);
    ck_assert_uint_eq(evq_now(&q), 0);
    /* The queue is still usable afterwards. */
    evq_push(&q, 7, nop, NULL, 7);
    pop_expect(&q, 7, 7);
    evq_deinit(&q);
}
END_TEST

START_TEST(test_len_and_peek)
{
    evq_t q;
    ck_assert_int_eq(evq_init(&q), 0);
    ck_assert_uint_eq(evq_len(&q), 0);
    ck_assert_uint_eq(evq_peek_time(&q), SIM_TIME_MAX);
    ck_assert_uint_eq(evq_now(&q), 0);
    evq_id_t a = evq_push(&q, 30, nop, NULL, 0);
    ck_assert_uint_eq(evq_peek_time(&q), 30);
    evq_push(&q, 20, nop, NULL, 0);
    ck_assert_uint_eq(evq_peek_time(&q), 20);
    evq_id_t z = evq_push(&q, 0, nop, NULL, 0);
    ck_assert_uint_eq(evq_peek_time(&q), 0);
    ck_assert_uint_eq(evq_len(&q), 3);
    ck_assert(evq_cancel(&q, z));
    ck_assert_uint_eq(evq_len(&q), 2);
    ck_assert_uint_eq(evq_peek_time(&q), 20);
    ck_assert_uint_eq(evq_now(&q), 0); /* peeking never advances time */
    evq_push(&q, SIM_TIME_MAX - 1, nop, NULL, 0);
    ck_assert_uint_eq(evq_len(&q), 3);
    pop_expect(&q, 20, 0);
    ck_assert_uint_eq(evq_len(&q), 2);
    ck_assert_uint_eq(evq_peek_time(&q), 30);
    ck_assert(evq_cancel(&q, a));
    ck_assert_uint_eq(evq_peek_time(&q), SIM_TIME_MAX - 1);
    pop_expect(&q, SIM_TIME_MAX - 1, 0);
    pop_expect_empty(&q);
    evq_deinit(&q);
}
END_TEST

START_TEST(test_now_monotonic)
{
    evq_t q;
    prng_t r;
    ck_assert_int_eq(evq_init(&q), 0);
    prng_seed(&r, 7);
    for (int i = 0; i < 1000; i++) evq_push(&q, prng_below(&r, 10000), nop, NULL, 0);
    sim_time_t prev = evq_now(&q);
    evq_event_t e;
    for (int i = 0; i < 200000 && evq_pop(&q, &e); i++) {
        ck_assert_uint_ge(evq_now(&q), prev);
        ck_assert_uint_eq(evq_now(&q), e.time);
        prev = evq_now(&q);
        if (i < 150000) {
            uint64_t d = prng_below(&r, 4) == 0 ? 0 : prng_below(&r, 1000);
            evq_push(&q, evq_now(&q) + d, nop, NULL, 0);
        }
    }
    ck_assert_uint_eq(evq_len(&q), 0);
    evq_deinit(&q);
}
END_TEST

START_TEST(test_seq_unique)
{
    evq_t q;
    prng_t r;
    ck_assert_int_eq(evq_init(&q), 0);
    prng_seed(&r, 11);
    /* Few distinct times, many zero-delay pushes: lots of ties on both paths. */
    enum { PUSHES = 50000 };
    unsigned char *seen = calloc(PUSHES + 2, 1);
    ck_assert_ptr_nonnull(seen);
    uint64_t pushed = 0;
    for (int i = 0; i < 500; i++, pushed++) evq_push(&q, prng_below(&r, 20), nop, NULL, 0);
    evq_event_t e;
    sim_time_t last_t = 0;
    uint64_t last_seq = 0;
    while (evq_pop(&q, &e)) {
        ck_assert_uint_ge(e.seq, 1);
        ck_assert_uint_le(e.seq, pushed);
        ck_assert_msg(!seen[e.seq], "seq %llu popped twice", (unsigned long long)e.seq);
        seen[e.seq] = 1;
        if (e.time == last_t) ck_assert_uint_gt(e.seq, last_seq);
        last_t = e.time;
        last_seq = e.seq;
        for (int k = 0; k < 2 && pushed < PUSHES; k++, pushed++)
            evq_push(&q, evq_now(&q) + (prng_below(&r, 2) ? 0 : prng_below(&r, 3)), nop, NULL, 0);
    }
    for (uint64_t s = 1; s <= pushed; s++) ck_assert(seen[s]);
    free(seen);
    evq_deinit(&q);
}
END_TEST

/* Reference model: one record per push, indexed by the event's arg. */
typedef struct ref {
    sim_time_t time;
    uint64_t seq;
    evq_id_t id;
    bool alive;
} ref_t;

static ref_t *refs;

static int ref_cmp(const void *a, const void *b)
{
    const ref_t *x = &refs[*(const uint32_t *)a], *y = &refs[*(const uint32_t *)b];
    if (x->time != y->time) return x->time < y->time ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void check_pop_ref(evq_t *q, uint32_t want)
{
    evq_event_t e;
    ck_assert(evq_pop(q, &e));
    ck_assert_msg(e.arg == want && e.time == refs[want].time && e.seq == refs[want].seq,
                  "popped arg %llu t %llu seq %llu, reference wants arg %u t %llu seq %llu",
                  (unsigned long long)e.arg, (unsigned long long)e.time,
                  (unsigned long long)e.seq, want, (unsigned long long)refs[want].time,
                  (unsigned long long)refs[want].seq);
    refs[want].alive = false;
}

START_TEST(test_model_large)
{
    /* Rounds of bulk pushes (many ties, a quarter at the current instant) and random cancels
     * (some of ids already fired or cancelled), then a partial drain compared to the reference
     * order: the live records sorted by (time, seq). Round 0 holds about 150k pending. */
    enum { ROUNDS = 4, FIRST = 200000, LATER = 60000, TOTAL = FIRST + (ROUNDS - 1) * LATER };
    evq_t q;
    prng_t r;
    ck_assert_int_eq(evq_init(&q), 0);
    prng_seed(&r, 20240601);
    refs = calloc(TOTAL, sizeof *refs);
    uint32_t *order = malloc(sizeof *order * TOTAL);
    ck_assert_ptr_nonnull(refs);
    ck_assert_ptr_nonnull(order);
    uint32_t n = 0;
    uint64_t seq = 0;
    size_t live = 0, max_live = 0;
    for (int round = 0; round < ROUNDS; round++) {
        uint32_t k = round == 0 ? FIRST : LATER;
        for (uint32_t i = 0; i < k; i++, n++) {
            sim_time_t at = evq_now(&q) + (prng_below(&r, 4) == 0 ? 0 : prng_below(&r, 5000));
            refs[n] = (ref_t){ at, ++seq, evq_push(&q, at, nop, NULL, n), true };
            ck_assert_uint_ne(refs[n].id, 0);
            live++;
        }
        for (uint32_t i = 0; i < k / 3; i++) {
            uint32_t v = (uint32_t)prng_below(&r, n);
            ck_assert_int_eq(evq_is_pending(&q, refs[v].id), refs[v].alive);
            ck_assert_int_eq(evq_cancel(&q, refs[v].id), refs[v].alive);
            if (refs[v].alive) live--;
            refs[v].alive = false;
        }
        ck_assert_uint_eq(evq_len(&q), live);
        if (live > max_live) max_live = live;
        uint32_t m = 0;
        for (uint32_t i = 0; i < n; i++)
            if (refs[i].alive) order[m++] = i;
        qsort(order, m, sizeof *order, ref_cmp);
        ck_assert_uint_eq(evq_peek_time(&q), refs[order[0]].time);
        uint32_t drain = round == ROUNDS - 1 ? m : m / 2;
        for (uint32_t i = 0; i < drain; i++) check_pop_ref(&q, order[i]);
        live -= drain;
        ck_assert_uint_eq(evq_len(&q), live);
    }
    ck_assert_uint_ge(max_live, 100000);
    pop_expect_empty(&q);
    free(order);
    free(refs);
    evq_deinit(&q);
}
END_TEST

START_TEST(test_model_interleaved)
{
    /* Pushes, cancels and pops interleaved one at a time, as a simulation does, against a
     * linear-scan reference: exercises the FIFO/heap hand-over and tombstones at every step. */
    enum { OPS = 300000, MAX_PENDING = 600 };
    evq_t q;
    prng_t r;
    ck_assert_int_eq(evq_init(&q), 0);
    prng_seed(&r, 99);
    refs = calloc(OPS, sizeof *refs);
    uint32_t *pend = malloc(sizeof *pend * OPS); /* indexes of live records, unordered */
    ck_assert_ptr_nonnull(refs);
    ck_assert_ptr_nonnull(pend);
    uint32_t n = 0, np = 0;
    uint64_t seq = 0;
    for (int op = 0; op < OPS; op++) {
        uint64_t c = prng_below(&r, 100);
        if (c < 45 && np < MAX_PENDING) {
            sim_time_t at = evq_now(&q) + (prng_below(&r, 3) == 0 ? 0 : prng_below(&r, 40));
            refs[n] = (ref_t){ at, ++seq, evq_push(&q, at, nop, NULL, n), true };
            pend[np++] = n++;
        } else if (c < 60 && n > 0) {
            /* Mostly recent ids, so both live and dead ones are cancelled. */
            uint32_t span = n < 1000 ? n : 1000;
            uint32_t v = n - 1 - (uint32_t)prng_below(&r, span);
            bool was = refs[v].alive;
            ck_assert_int_eq(evq_cancel(&q, refs[v].id), was);
            if (was) {
                refs[v].alive = false;
                for (uint32_t i = 0; i < np; i++)
                    if (pend[i] == v) {
                        pend[i] = pend[--np];
                        break;
                    }
            }
        } else {
            if (np == 0) {
                pop_expect_empty(&q);
                continue;
            }
            uint32_t best = 0;
            for (uint32_t i = 1; i < np; i++) {
                const ref_t *a = &refs[pend[i]], *b = &refs[pend[best]];
                if (a->time < b->time || (a->time == b->time && a->seq < b->seq)) best = i;
            }
            ck_assert_uint_eq(evq_peek_time(&q), refs[pend[best]].time);
            check_pop_ref(&q, pend[best]);
            pend[best] = pend[--np];
        }
        ck_assert_uint_eq(evq_len(&q), np);
    }
    free(pend);
    free(refs);
    evq_deinit(&q);
}
END_TEST

START_TEST(test_push_in_past_fails)
{
    unsetenv("OTPSIM_ABORT"); /* the invariant must exit(3), not abort */
    ck_assert_ptr_nonnull(freopen("/dev/null", "w", stderr)); /* expected failure: keep quiet */
    evq_t q;
    evq_init(&q);
    evq_push(&q, 10, nop, NULL, 0);
    evq_event_t e;
    evq_pop(&q, &e);
    evq_push(&q, 9, nop, NULL, 0);
}
END_TEST

START_TEST(test_push_null_fn_fails)
{
    unsetenv("OTPSIM_ABORT");
    ck_assert_ptr_nonnull(freopen("/dev/null", "w", stderr));
    evq_t q;
    evq_init(&q);
    evq_push(&q, 10, NULL, NULL, 0);
}
END_TEST

START_TEST(test_advance)
{
    evq_t q;
    ck_assert_int_eq(evq_init(&q), 0);
    evq_push(&q, 100, nop, NULL, 1);
    evq_push(&q, 300, nop, NULL, 3);
    evq_advance(&q, 50); /* nothing due before 50 */
    ck_assert_uint_eq(evq_now(&q), 50);
    evq_advance(&q, 100); /* up to, not past, a pending event */
    ck_assert_uint_eq(evq_now(&q), 100);
    ck_assert_uint_eq(evq_len(&q), 2);
    /* The event already scheduled for 100 still fires before one pushed at 100 afterwards. */
    evq_push(&q, 100, nop, NULL, 2);
    pop_expect(&q, 100, 1);
    pop_expect(&q, 100, 2);
    /* Cancelled zero-delay events do not hold the clock back. */
    evq_id_t z = evq_push(&q, 100, nop, NULL, 9);
    ck_assert(evq_cancel(&q, z));
    evq_advance(&q, 200);
    ck_assert_uint_eq(evq_now(&q), 200);
    evq_push(&q, 200, nop, NULL, 4);
    pop_expect(&q, 200, 4);
    pop_expect(&q, 300, 3);
    evq_advance(&q, SIM_TIME_MAX); /* empty: any later time */
    ck_assert_uint_eq(evq_now(&q), SIM_TIME_MAX);
    pop_expect_empty(&q);
    evq_deinit(&q);
}
END_TEST

START_TEST(test_advance_past_event_fails)
{
    unsetenv("OTPSIM_ABORT");
    ck_assert_ptr_nonnull(freopen("/dev/null", "w", stderr));
    evq_t q;
    evq_init(&q);
    evq_push(&q, 100, nop, NULL, 0);
    evq_advance(&q, 101);
}
END_TEST

START_TEST(test_advance_backwards_fails)
{
    unsetenv("OTPSIM_ABORT");
    ck_assert_ptr_nonnull(freopen("/dev/null", "w", stderr));
    evq_t q;
    evq_init(&q);
    evq_advance(&q, 100);
    evq_advance(&q, 99);
}
END_TEST

/* Declared here for -Wmissing-prototypes; "extern" keeps the line out of the Makefile's
 * suite scan, which matches definitions starting with "Suite *suite_". */
extern Suite *suite_evq(void);

static void add_case(Suite *s, const char *name, const TTest *t, int timeout_s)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, timeout_s);
    tcase_add_test(tc, t);
    suite_add_tcase(s, tc);
}

static void add_exit_case(Suite *s, const char *name, const TTest *t, int code)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, 30);
    tcase_add_exit_test(tc, t, code);
    suite_add_tcase(s, tc);
}

Suite *suite_evq(void)
{
    Suite *s = suite_create("evq");
    add_case(s, "order_by_time", test_order_by_time, 30);
    add_case(s, "ties_by_push_order", test_ties_by_push_order, 30);
    add_case(s, "zero_delay_fifo", test_zero_delay_fifo, 30);
    add_case(s, "cancel_pending", test_cancel_pending, 30);
    add_case(s, "cancel_after_fire", test_cancel_after_fire, 30);
    add_case(s, "cancel_invalid_id", test_cancel_invalid_id, 30);
    add_case(s, "cancel_in_fifo", test_cancel_in_fifo, 30);
    add_case(s, "cancel_in_heap", test_cancel_in_heap, 30);
    add_case(s, "cancelled_never_popped", test_cancelled_never_popped, 30);
    add_case(s, "len_and_peek", test_len_and_peek, 30);
    add_case(s, "now_monotonic", test_now_monotonic, 60);
    add_case(s, "seq_unique", test_seq_unique, 60);
    add_case(s, "model_large", test_model_large, 300);
    add_case(s, "model_interleaved", test_model_interleaved, 300);
    add_exit_case(s, "push_in_past_fails", test_push_in_past_fails, 3);
    add_exit_case(s, "push_null_fn_fails", test_push_null_fn_fails, 3);
    add_case(s, "advance", test_advance, 30);
    add_exit_case(s, "advance_past_event_fails", test_advance_past_event_fails, 3);
    add_exit_case(s, "advance_backwards_fails", test_advance_backwards_fails, 3);
    return s;
}
