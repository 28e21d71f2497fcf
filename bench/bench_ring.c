/* bench_ring.c — what does one message hop cost, for Lua processes, C processes and BEAM?
 *
 * N processes in a ring pass a countdown token H hops (each hop: a send, a delivery event, a
 * dispatch onto the node's core, a receive, with the trace hash updated for every event, as in
 * any run). Reports wall ns per hop for each N, and BEAM's figure for the same ring (Debian
 * erlang-nox, `erl +S 1`, one scheduler) with the ratio, when erl is installed. Also: spawn rate
 * and bytes per idle Lua process, against BEAM's.
 * Checksum: the trace hash of the run (same ring, same hash), printed with each figure.
 *
 * Usage: bench_ring [--quick]    --quick: tiny sizes for `make test`, no BEAM. */
#include <inttypes.h>
#include <lauxlib.h>
#include <lualib.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host/alloc.h"
#include "runtime/rt.h"
#include "runtime/term.h"
#include "sim/world.h"
#include "bench/bench_util.h"

typedef struct bench_world {
    host_alloc_t alloc;
    lua_State *L;
    sim_world_t w;
    uint32_t node;
} bench_world_t;

static void world_open(bench_world_t *b)
{
    memset(b, 0, sizeof *b);
    b->L = lua_newstate(host_alloc_fn, &b->alloc);
    luaL_openlibs(b->L);
    if (sim_world_init(&b->w, 1, NULL) != 0 || sim_world_start_runtime(&b->w, b->L) != 0) {
        fprintf(stderr, "bench_ring: cannot start a world\n");
        exit(1);
    }
    sim_node_opts_t o = { .cores = 1, .instr_ns = 0, .quantum_ns = SIM_TIME_MS };
    b->node = sim_world_node_add(&b->w, "bench", &o);
}

static void world_close(bench_world_t *b)
{
    sim_world_deinit(&b->w);
    trace_abandon(&b->w.tr);
    lua_close(b->L);
}

static uint64_t run_all(bench_world_t *b)
{
    evq_event_t ev;
    uint64_t n = 0;
    while (evq_pop(&b->w.q, &ev)) {
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

static void send_next(rt_t *rt, rt_pid_t to, rt_pid_t next)
{
    jbuf_t t;
    jbuf_init(&t);
    rt_tb_table(&t, 0, 1);
    rt_tb_str(&t, "next");
    rt_tb_id(&t, next);
    rt_c_send(rt, to, (const uint8_t *)t.p, (uint32_t)t.len);
    jbuf_deinit(&t);
}

/* ---- Lua ring ----------------------------------------------------------------------------- */
static const char lua_node[] =
    "return function()\n"
    "  local nxt = otp.receive().next\n"
    "  while true do\n"
    "    local k = otp.receive()\n"
    "    if k > 0 then otp.send(nxt, k - 1) end\n"
    "  end\n"
    "end\n";

static double lua_ring(uint32_t n, uint64_t hops, uint64_t *hash)
{
    bench_world_t b;
    world_open(&b);
    rt_t *rt = b.w.rt;
    if (luaL_dostring(b.L, lua_node) != LUA_OK) {
        fprintf(stderr, "bench_ring: %s\n", lua_tostring(b.L, -1));
        exit(1);
    }
    rt_pid_t *pids = malloc(sizeof *pids * n);
    for (uint32_t i = 0; i < n; i++) pids[i] = rt_spawn_lua(rt, b.L, b.node, -1, 0);
    for (uint32_t i = 0; i < n; i++) send_next(rt, pids[i], pids[(i + 1) % n]);
    run_all(&b);
    double t0 = wall_seconds();
    send_int(rt, pids[0], (int64_t)hops);
    run_all(&b);
    double dt = wall_seconds() - t0;
    *hash = trace_hash(&b.w.tr);
    free(pids);
    world_close(&b);
    return dt * 1e9 / (double)hops;
}

/* ---- C ring ------------------------------------------------------------------------------- */
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

static double c_ring(uint32_t n, uint64_t hops, uint64_t *hash)
{
    bench_world_t b;
    world_open(&b);
    rt_t *rt = b.w.rt;
    cnode_t *nodes = calloc(n, sizeof *nodes);
    rt_pid_t *pids = malloc(sizeof *pids * n);
    for (uint32_t i = 0; i < n; i++) pids[i] = rt_spawn_c(rt, b.node, c_handle, &nodes[i]);
    for (uint32_t i = 0; i < n; i++) nodes[i].next = pids[(i + 1) % n];
    run_all(&b);
    double t0 = wall_seconds();
    send_int(rt, pids[0], (int64_t)hops);
    run_all(&b);
    double dt = wall_seconds() - t0;
    *hash = trace_hash(&b.w.tr);
    free(pids);
    world_close(&b);
    free(nodes);
    return dt * 1e9 / (double)hops;
}

/* ---- spawn rate and bytes per idle process ------------------------------------------------ */
static void lua_spawn_mem(uint32_t n, double *bytes, double *rate)
{
    bench_world_t b;
    world_open(&b);
    if (luaL_dostring(b.L, "return function() otp.receive() end") != LUA_OK) exit(1);
    lua_gc(b.L, LUA_GCCOLLECT);
    size_t lua0 = b.alloc.used;
    size_t c0 = mallinfo2().uordblks;
    double t0 = wall_seconds();
    for (uint32_t i = 0; i < n; i++) rt_spawn_lua(b.w.rt, b.L, b.node, -1, 0);
    run_all(&b); /* each runs until it blocks in receive */
    double dt = wall_seconds() - t0;
    lua_gc(b.L, LUA_GCCOLLECT);
    /* Lua heap growth plus C-side growth not already counted in the Lua heap */
    size_t lua1 = b.alloc.used;
    size_t c1 = mallinfo2().uordblks;
    double c_only = (double)(c1 - c0) - (double)(lua1 - lua0);
    *bytes = ((double)(lua1 - lua0) + (c_only > 0 ? c_only : 0)) / n;
    *rate = n / dt;
    world_close(&b);
}

/* ---- BEAM --------------------------------------------------------------------------------- */
static int beam_dir(char *dir, size_t n)
{
    if (system("command -v erl >/dev/null 2>&1 && command -v erlc >/dev/null 2>&1") != 0) return -1;
    snprintf(dir, n, "/tmp/otpsim-bench-beam-%d", (int)getpid());
    char cmd[512];
    snprintf(cmd, sizeof cmd, "mkdir -p %s && erlc -o %s bench/ring.erl", dir, dir);
    return system(cmd) == 0 ? 0 : -1;
}

static double beam_eval(const char *dir, const char *expr, const char *key, double *second)
{
    char cmd[1024], line[256];
    snprintf(cmd, sizeof cmd, "erl -noshell +S 1 +P 4000000 -pa %s -eval '%s, halt().' 2>/dev/null", dir, expr);
    FILE *f = popen(cmd, "r");
    double v = -1;
    if (!f) return -1;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, key, strlen(key)) == 0) {
            if (second) sscanf(line + strlen(key), " %lf spawns_per_s %lf", &v, second);
            else sscanf(line + strlen(key), " %lf", &v);
        }
    }
    pclose(f);
    return v;
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    static const uint32_t sizes[] = { 1000, 100000, 1000000 };
    char dir[128];
    int beam = quick ? -1 : beam_dir(dir, sizeof dir);
    if (!quick) printf("ring: N processes pass a token H hops on one core (instr_ns = 0); wall ns per hop\n");
    for (int i = 0; i < 3; i++) {
        uint32_t n = quick ? (uint32_t)(10 * (i + 1)) : sizes[i];
        uint64_t hops = quick ? (getenv("RING_HOPS") ? strtoull(getenv("RING_HOPS"), NULL, 10) : 1000) : (n >= 1000000 ? 1000000 : 1000000);
        uint64_t hl, hc;
        double lua = lua_ring(n, hops, &hl);
        double c = c_ring(n, hops, &hc);
        printf("N=%-8u H=%-8" PRIu64 " lua %8.1f ns/hop (hash %016" PRIx64 ")  C %8.1f ns/hop (hash %016" PRIx64 ")",
               n, hops, lua, hl, c, hc);
        if (beam == 0) {
            char expr[128];
            snprintf(expr, sizeof expr, "ring:main(%u, %" PRIu64 ")", n, hops);
            double b = beam_eval(dir, expr, "ns_per_hop", NULL);
            if (b > 0) printf("  BEAM %7.1f ns/hop  lua/BEAM %.2fx  C/BEAM %.2fx", b, lua / b, c / b);
        }
        printf("\n");
    }
    uint32_t ns = quick ? 1000 : 100000;
    double bytes, rate;
    lua_spawn_mem(ns, &bytes, &rate);
    printf("spawn: %u idle Lua processes: %.0f bytes/process, %.0f spawns/s", ns, bytes, rate);
    if (beam == 0) {
        char expr[64];
        snprintf(expr, sizeof expr, "ring:spawn_mem(%u)", ns);
        double brate = 0, bbytes = beam_eval(dir, expr, "bytes_per_process", &brate);
        if (bbytes > 0) printf("  BEAM %.0f bytes/process, %.0f spawns/s", bbytes, brate);
    }
    printf("\n");
    if (beam == 0) {
        char cmd[256];
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        if (system(cmd) != 0) return 1;
    }
    return 0;
}
