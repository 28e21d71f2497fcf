/* bench_evq.c — how many events per wall second does the event queue sustain at a given size?
 *
 * The classic hold model: prefill P pending events at exponentially distributed times, then
 * repeat N times: pop the earliest, push one at now + an exponential delay. The queue size stays
 * P, so the figure is the cost of one pop plus one push at that size. Delays (mean 1 ms of virtual
 * time) come from a table of 64Ki exponential draws made before timing starts, so the timed loop
 * measures the queue rather than log(). The checksum folds every popped (time, seq) in order: it
 * is the same run after run and before and after any optimisation of evq.c (given the same libm,
 * which rounds the delays), so a fast wrong queue is caught. Wall-clock time is read only here (benchmarks are allowed to).
 *
 * Usage: bench_evq [--quick]     --quick: tiny sizes, for `make test`, well under a second. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/kernel/evq.h"
#include "base/prng.h"
#include "bench/bench_util.h"

#define DELAY_TABLE_BITS 16
#define DELAY_MEAN_NS 1000000.0
#define SEED 1

static void on_event(void *ctx, uint64_t arg)
{
    (void)ctx;
    (void)arg;
}

typedef struct result {
    double prefill_s, wall_s;
    uint64_t checksum;
    sim_time_t end_time;
} result_t;

/* Runs the hold model at size `pending` for `ops` pop+push pairs. Returns 0, or -1 if the queue
 * ran out of memory or misbehaved (then it prints why). */
static int hold(size_t pending, uint64_t ops, const sim_time_t *delay, result_t *r)
{
    evq_t q;
    if (evq_init(&q) != 0) {
        fprintf(stderr, "bench_evq: out of memory\n");
        return -1;
    }
    const uint64_t mask = (UINT64_C(1) << DELAY_TABLE_BITS) - 1;
    prng_t p;
    prng_stream_init(&p, SEED, "bench.prefill");
    double t0 = wall_seconds();
    for (size_t i = 0; i < pending; i++) {
        if (!evq_push(&q, (sim_time_t)prng_exp(&p, DELAY_MEAN_NS), on_event, NULL, i)) {
            fprintf(stderr, "bench_evq: out of memory at %zu pending\n", i);
            evq_deinit(&q);
            return -1;
        }
    }
    double t1 = wall_seconds();
    /* FNV-style fold of every popped time and seq, in pop order. */
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    uint64_t k = 0;
    evq_event_t e;
    for (uint64_t i = 0; i < ops; i++) {
        if (!evq_pop(&q, &e)) break;
        h = (h ^ e.time) * UINT64_C(0x100000001b3);
        h = (h ^ e.seq) * UINT64_C(0x100000001b3);
        /* A stride that is odd walks the whole table before repeating. */
        k = (k + 40503) & mask;
        if (!evq_push(&q, e.time + delay[k], on_event, NULL, e.arg)) break;
    }
    double t2 = wall_seconds();
    int rc = 0;
    if (evq_len(&q) != pending) {
        fprintf(stderr, "bench_evq: queue holds %zu events, expected %zu\n", evq_len(&q), pending);
        rc = -1;
    }
    r->prefill_s = t1 - t0;
    r->wall_s = t2 - t1;
    r->checksum = h;
    r->end_time = evq_now(&q);
    evq_deinit(&q);
    return rc;
}

int main(int argc, char **argv)
{
    int quick = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            quick = 1;
        } else {
            fprintf(stderr, "usage: %s [--quick]\n", argv[0]);
            return 2;
        }
    }
    static const size_t sizes_full[] = { 1000, 100000, 1000000 };
    static const size_t sizes_quick[] = { 1000, 10000 };
    const size_t *sizes = quick ? sizes_quick : sizes_full;
    size_t nsizes = quick ? 2 : 3;
    const uint64_t ops = quick ? 20000 : 20000000;

    sim_time_t *delay = malloc(sizeof *delay << DELAY_TABLE_BITS);
    if (!delay) {
        fprintf(stderr, "bench_evq: out of memory\n");
        return 1;
    }
    prng_t p;
    prng_stream_init(&p, SEED, "bench.delay");
    for (size_t i = 0; i < (size_t)1 << DELAY_TABLE_BITS; i++)
        delay[i] = (sim_time_t)prng_exp(&p, DELAY_MEAN_NS);

    printf("bench_evq: hold model (pop one, push one at now + Exp(mean %.0f ns))%s\n",
           DELAY_MEAN_NS, quick ? ", quick" : "");
    printf("%10s %12s %10s %10s %10s %14s  %s\n", "pending", "operations", "prefill_s", "wall_s",
           "M_ev/s", "virtual_ns", "checksum");
    int rc = 0;
    for (size_t i = 0; i < nsizes; i++) {
        result_t r;
        if (hold(sizes[i], ops, delay, &r) != 0) {
            rc = 1;
            continue;
        }
        printf("%10zu %12" PRIu64 " %10.3f %10.3f %10.2f %14" PRIu64 "  %016" PRIx64 "\n",
               sizes[i], ops, r.prefill_s, r.wall_s, (double)ops / r.wall_s / 1e6, r.end_time,
               r.checksum);
        fflush(stdout);
    }
    free(delay);
    return rc;
}
