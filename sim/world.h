/* world.h — the simulated world the runtime lives in: nodes with CPU cores, and the platform
 * interface of runtime/rt.h implemented on the kernel's virtual clock, event queue and trace.
 *
 * CPU model (design.md §3): a node has `cores` BEAM schedulers. A runnable process takes an idle
 * core, or waits in the node's FIFO run queue. A slice holds its core for the CPU time the
 * runtime reports (Lua instructions × instr_ns, plus otp.work), preempted after `quantum`; then
 * the core takes the next process from the queue. Processes that become ready at the same
 * instant on the same node start in an order drawn from the seed (stream "sched") — the choice
 * OTP leaves to its schedulers — and that order is traced (kind "sched") when there is a choice.
 *
 * Signals between processes of one node are delivered as events at their sending time; between
 * nodes they travel over the network (net.h). Faults act here: a node crashes (every process
 * dies, its connections close), halts (the runtime asks: an application died, memory ran out)
 * and restarts; pauses (no slice starts, nothing is read or ticked); runs slow (CPU factor);
 * its clock drifts (timers and otp.now on that node). */
#ifndef SIM_WORLD_H
#define SIM_WORLD_H

#include <lua.h>
#include <stdbool.h>

#include "base/prng.h"
#include "base/strmap.h"
#include "runtime/rt.h"
#include "sim/kernel/evq.h"
#include "sim/kernel/trace.h"
#include "sim/load.h"
#include "sim/net.h"

typedef struct sim_node_opts {
    uint32_t cores;           /* >= 1 */
    uint32_t instr_ns;        /* virtual ns per Lua instruction */
    sim_time_t quantum_ns;    /* preemption quantum */
} sim_node_opts_t;

#define SIM_NODE_DEFAULTS ((sim_node_opts_t){ .cores = 1, .instr_ns = 10, .quantum_ns = SIM_TIME_MS })

typedef struct sim_node {
    sim_node_opts_t opts;
    uint32_t idle;               /* idle cores */
    rt_proc_t *rq_head, *rq_tail;
    uint32_t rq_len, rq_len_max;
    rt_proc_t **batch;           /* processes to start at the pending dispatch event */
    uint32_t batch_len, batch_cap;
    bool dispatch_pending;
    sim_time_t busy_ns;          /* total core time used */
    uint64_t slices;
    bool paused;                 /* stop-the-world: no slice starts */
    evq_id_t pause_ev;           /* its end */
    sim_time_t pause_until;
    evq_id_t tick_ev;            /* net: the node's next tick */
    sim_time_t tick_phase;
    double drift;                /* clock drift as a rate: local = anchor_local + (t - anchor) * (1 + drift) */
    sim_time_t anchor, anchor_local;
    uint64_t crashes;
    double base_factor;          /* CPU factor from the node's speed (sim.slow multiplies it) */
} sim_node_t;

typedef struct sim_world {
    evq_t q;
    trace_t tr;
    uint64_t seed;
    prng_t rng_sched, rng_rt;
    rt_t *rt;
    sim_node_t *nodes;
    uint32_t nnodes, nodes_cap;
    void (*tick)(void *ctx, lua_State *L);  /* forwarded from process threads (may be NULL) */
    void *tick_ctx;
    jbuf_t render_buf;           /* rendering terms for the trace file */
    strmap_t counters;           /* metrics counters (name -> int64 as uint64) */
    net_t net;
    load_set_t loads;
    size_t background;           /* pending events that are only net ticks */
    struct post_later *post_pool;  /* free records of signals that enter the network later */
    /* Told after a node went down (crash, halt, out of memory), e.g. to restart it (heart). */
    void (*on_node_down)(void *ctx, uint32_t node, const char *why);
    void *on_node_down_ctx;
} sim_world_t;

/* Initialises the kernel parts. trace_path NULL: hash only. Returns 0, or -1 with errno set
 * when the trace file cannot be created (nothing to deinit). */
int sim_world_init(sim_world_t *w, uint64_t seed, const char *trace_path);
/* Creates the runtime on L (the `otp` global appears). Returns 0 or -1 (out of memory). */
int sim_world_start_runtime(sim_world_t *w, lua_State *L);
/* Adds a node to the world and the runtime; returns its index. */
uint32_t sim_world_node_add(sim_world_t *w, const char *name, const sim_node_opts_t *o);
/* The node the scenario acts on by default: the first node, "nonode@nohost" if none was defined. */
uint32_t sim_world_default_node(sim_world_t *w);
/* Faults. A crash: every process on the node dies at once, its connections close (peers see
 * connection_closed after a latency). Traced as node_down with `why`. */
void sim_world_node_down(sim_world_t *w, uint32_t node, const char *why);
/* The node comes back (its boot function is the host's business). */
void sim_world_node_up(sim_world_t *w, uint32_t node);
/* Stop-the-world for d (extends a pause in progress). */
void sim_world_pause(sim_world_t *w, uint32_t node, sim_time_t d);
/* CPU factor: 1 normal, 3 = three times slower. */
void sim_world_slow(sim_world_t *w, uint32_t node, double factor);
/* The node's clock runs ppm parts per million fast (negative: slow) from now on. */
void sim_world_clock_drift(sim_world_t *w, uint32_t node, double ppm);
/* The node's clock at global time t, and the global time a local duration d takes. */
sim_time_t sim_world_local_time(const sim_world_t *w, uint32_t node, sim_time_t t);
sim_time_t sim_world_local_delay(const sim_world_t *w, uint32_t node, sim_time_t d);
/* One trace event of kind "fault": fault = what, node = node (may be NULL), detail (may be NULL). */
void sim_world_trace_fault(sim_world_t *w, const char *what, const char *node, const char *detail);

/* Frees the runtime (L must still be open) and the kernel parts, except the trace, which the
 * caller commits or abandons. */
void sim_world_deinit(sim_world_t *w);

#endif
