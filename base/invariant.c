/* invariant.c — failure path of SIM_ASSERT: print the run's coordinates, clean up, exit 3. */
#include "invariant.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static uint64_t ctx_seed;
static const uint64_t *ctx_now;
static const uint64_t *ctx_events;
static void (*cleanup_fn)(void *);
static void *cleanup_ctx;

void sim_invariant_context_set(uint64_t seed, const uint64_t *now_ns, const uint64_t *events)
{
    ctx_seed = seed;
    ctx_now = now_ns;
    ctx_events = events;
}

void sim_invariant_cleanup_set(void (*fn)(void *), void *ctx)
{
    cleanup_fn = fn;
    cleanup_ctx = ctx;
}

_Noreturn void sim_invariant_fail(const char *file, int line, const char *expr)
{
    fflush(stdout);
    fprintf(stderr, "otpsim: internal error: %s:%d: invariant `%s` broken (seed %" PRIu64
            ", virtual time %" PRIu64 " ns, event %" PRIu64 ")\n",
            file, line, expr, ctx_seed, ctx_now ? *ctx_now : 0, ctx_events ? *ctx_events : 0);
    fflush(stderr);
    void (*fn)(void *) = cleanup_fn;
    cleanup_fn = NULL; /* a failure inside cleanup must not recurse */
    if (fn) fn(cleanup_ctx);
    const char *ab = getenv("OTPSIM_ABORT");
    if (ab && *ab && *ab != '0') abort();
    _exit(3);
}
