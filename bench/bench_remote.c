/* bench_remote.c — what does a message hop across nodes cost, against the same hop on one node?
 *
 * N C processes in a ring pass a countdown token H hops. "one node": the whole ring on one node,
 * every hop a local send (a delivery event). "K nodes": process i on node i mod K, so every hop
 * crosses nodes and goes through the network model (sim/net.c: the pair's connection, its ordered
 * channel, a packet departing and arriving after the default 100 us latency, then delivery), with
 * the nodes' distribution ticks running as in any run. Connections are set up by one warm-up lap
 * before the clock starts. Reports wall ns per hop for both and the difference: the network's
 * added cost per hop. Nodes have one core and instr_ns = 0, as in bench_ring.
 * Checksum: every figure is measured twice; both runs must give the same trace hash (printed),
 * and the better of the two times is reported.
 *
 * Usage: bench_remote [--quick]    --quick: tiny sizes for `make test`. */
#include <inttypes.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host/alloc.h"
#include "runtime/rt.h"
#include "runtime/term.h"
#include "sim/world.h"
#include "bench/bench_util.h"

typedef struct bench_world {
    host_alloc_t alloc;
    lua_State *L;
    sim_world_t w;
} bench_world_t;

static void world_open(bench_world_t *b, uint32_t nodes)
{
    memset(b, 0, sizeof *b);
    b->L = lua_newstate(host_alloc_fn, &b->alloc);
    luaL_openlibs(b->L);
    if (sim_world_init(&b->w, 1, NULL) != 0 || sim_world_start_runtime(&b->w, b->L) != 0) {
        fprintf(stderr, "bench_remote: cannot start a world\n");
        exit(1);
    }
    sim_node_opts_t o = { .cores = 1, .instr_ns = 0, .quantum_ns = SIM_TIME_MS };
    for (uint32_t i = 0; i < nodes; i++) {
        char name[32];
        snprintf(name, sizeof name, "n%u@bench", i);
        if (sim_world_node_add(&b->w, name, &o) != i) {
            fprintf(stderr, "bench_remote: node %u got another index\n", i);
            exit(1);
        }
    }
}

static void world_close(bench_world_t *b)
{
    sim_world_deinit(&b->w);
    trace_abandon(&b->w.tr);
    lua_close(b->L);
}

/* Runs until nothing but the ticks of healthy, idle connections is left (as `sim.run()` does:
 * the ticks alone would go on forever). */
static uint64_t run_all(bench_world_t *b)
{
    evq_event_t ev;
    uint64_t n = 0;
    while (!(evq_len(&b->w.q) <= b->w.background && net_quiescent(&b->w.net)) && evq_pop(&b->w.q, &ev)) {
        ev.fn(ev.ctx, ev.arg);
        n++;
    }
    return n;
}

static void send_int(rt_t *rt, rt_pid_t to, int64_t v)
{
    jbuf_t t;
    jbuf_init(&t);
    rt_tb_int(&t, v);
    rt_c_send(rt, to, (const uint8_t *)t.p, (uint32_t)t.len);
    jbuf_deinit(&t);
}

typedef struct cnode { rt_pid_t next; } cnode_t;

static rt_time_t c_handle(rt_t *rt, rt_pid_t self, void *state, const uint8_t *msg, uint32_t len)
{
    (void)self;
    (void)len;
    cnode_t *c = state;
    if (msg[0] == RT_T_INT) {
        int64_t k = 0;
        for (int i = 7; i >= 0; i--) k = (k << 8) | msg[1 + i];
        if (k > 0) send_int(rt, c->next, k - 1);
    }
    return 0;
}

typedef struct result {
    double ns_per_hop;
    uint64_t hash;
    uint64_t events;      /* kernel events popped during the timed part */
    double virtual_s;     /* virtual time the timed part took */
} result_t;

/* n processes, process i on node i % nodes; the token makes `hops` hops after a warm-up lap. */
static result_t ring(uint32_t n, uint32_t nodes, uint64_t hops)
{
    bench_world_t b;
    world_open(&b, nodes);
    rt_t *rt = b.w.rt;
    cnode_t *cs = calloc(n, sizeof *cs);
    rt_pid_t *pids = malloc(sizeof *pids * n);
    if (!cs || !pids) exit(1);
    for (uint32_t i = 0; i < n; i++) pids[i] = rt_spawn_c(rt, i % nodes, c_handle, &cs[i]);
    for (uint32_t i = 0; i < n; i++) cs[i].next = pids[(i + 1) % n];
    run_all(&b);
    send_int(rt, pids[0], (int64_t)n); /* warm-up lap: every connection is set up */
    run_all(&b);
    sim_time_t v0 = evq_now(&b.w.q);
    double t0 = wall_seconds();
    send_int(rt, pids[0], (int64_t)hops);
    uint64_t events = run_all(&b);
    double dt = wall_seconds() - t0;
    result_t r = { .ns_per_hop = dt * 1e9 / (double)hops, .hash = trace_hash(&b.w.tr), .events = events,
                   .virtual_s = (double)(evq_now(&b.w.q) - v0) * 1e-9 };
    free(pids);
    world_close(&b);
    free(cs);
    return r;
}

/* Measures twice: same hash or the benchmark fails; the faster time is kept. */
static result_t ring2(uint32_t n, uint32_t nodes, uint64_t hops)
{
    result_t a = ring(n, nodes, hops), c = ring(n, nodes, hops);
    if (a.hash != c.hash) {
        fprintf(stderr, "bench_remote: N=%u on %u node(s): trace hash differs between two runs "
                        "(%016" PRIx64 " vs %016" PRIx64 ")\n", n, nodes, a.hash, c.hash);
        exit(1);
    }
    return c.ns_per_hop < a.ns_per_hop ? c : a;
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    static const struct { uint32_t n, nodes; } full[] = { { 2, 2 }, { 100, 100 }, { 10000, 100 } };
    static const struct { uint32_t n, nodes; } small[] = { { 2, 2 }, { 10, 10 }, { 100, 10 } };
    uint64_t hops = quick ? 2000 : 1000000;
    if (!quick)
        printf("remote: N C processes pass a token H hops; one node, then spread over K nodes so that "
               "every hop crosses the network (latency 100 us); wall ns per hop\n");
    for (int i = 0; i < 3; i++) {
        uint32_t n = quick ? small[i].n : full[i].n, k = quick ? small[i].nodes : full[i].nodes;
        result_t l = ring2(n, 1, hops);
        result_t r = ring2(n, k, hops);
        printf("N=%-6u K=%-4u H=%-8" PRIu64 " one node %7.1f ns/hop (hash %016" PRIx64 ")  "
               "K nodes %7.1f ns/hop (hash %016" PRIx64 ")  network +%.1f ns/hop (%.2fx); "
               "events/hop %.2f vs %.2f, %.1f virtual s\n",
               n, k, hops, l.ns_per_hop, l.hash, r.ns_per_hop, r.hash, r.ns_per_hop - l.ns_per_hop,
               r.ns_per_hop / l.ns_per_hop, (double)l.events / (double)hops, (double)r.events / (double)hops,
               r.virtual_s);
    }
    return 0;
}
