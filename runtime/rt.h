/* rt.h — the actor runtime: processes, mailboxes, signals, links, monitors, names, timers.
 *
 * The runtime is real: it implements Erlang/OTP 25's process semantics (shared/docs/
 * otp-semantics.md §1) and knows nothing of the simulator. It reaches time, timers, signal
 * transport between nodes, CPU scheduling, randomness and the trace only through the platform
 * interface below; sim/ implements it with a virtual clock, a wall-clock implementation could
 * implement it with real ones.
 *
 * Execution model. A process runs in slices. The platform decides *when* (cores, run queues)
 * and calls rt_proc_run; the runtime runs the process's code until it blocks (receive, sleep),
 * has used its quantum (preemption, like BEAM's reductions), or exits, and returns the virtual
 * CPU time the slice consumed. Everything the process does in the slice (sends, spawns, links,
 * timers) is stamped with the slice-local time start + CPU-so-far. The platform keeps the core
 * busy for that long and then calls rt_proc_slice_end, where the slice's outcome takes effect
 * (an exit, a wake-up that arrived meanwhile, a pending exit signal). Signals travel as rt_msg_t
 * values handed to the platform (post) and back (rt_deliver) when they arrive.
 *
 * Ownership: the runtime owns processes and messages; the platform borrows rt_proc_t pointers
 * between rt_proc_ready and rt_proc_run, and owns a posted rt_msg_t until it hands it back to
 * rt_deliver (or frees it with rt_msg_free if it is lost in transit). */
#ifndef RT_RT_H
#define RT_RT_H

#include <lua.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/jbuf.h"

typedef uint64_t rt_time_t;  /* nanoseconds */
typedef uint64_t rt_pid_t;   /* 0 = none; see rt_id_* */
typedef uint64_t rt_ref_t;

typedef struct rt rt_t;
typedef struct rt_proc rt_proc_t;
typedef struct rt_msg rt_msg_t;

/* ---- identifiers: pids and refs are tagged 64-bit values, usable as Lua light userdata ---- */
#define RT_ID_PID 1u
#define RT_ID_REF 2u
#define RT_ID_NAME 3u /* internal: a registered name on a node, as a signal's destination */
#define RT_ID_NODE_BITS 18
#define RT_ID_SERIAL_BITS 44
static inline uint64_t rt_id_make(unsigned tag, uint32_t node, uint64_t serial)
{
    return ((uint64_t)tag << 62) | ((uint64_t)node << RT_ID_SERIAL_BITS) | serial;
}
static inline unsigned rt_id_tag(uint64_t id) { return (unsigned)(id >> 62); }
static inline uint32_t rt_id_node(uint64_t id) { return (uint32_t)((id >> RT_ID_SERIAL_BITS) & ((1u << RT_ID_NODE_BITS) - 1)); }
static inline uint64_t rt_id_serial(uint64_t id) { return id & ((UINT64_C(1) << RT_ID_SERIAL_BITS) - 1); }
/* "<0.42.0>" for pids, "#Ref<0.7>" for refs. Returns the length written (at most n - 1). */
int rt_id_format(uint64_t id, char *buf, size_t n);

/* ---- the platform interface ------------------------------------------------------------- */
typedef struct rt_platform {
    void *ctx;
    /* Time now, outside any slice. */
    rt_time_t (*now)(void *ctx);
    /* Calls rt_timer_fire(rt, cookie) at time `at`; returns a handle for timer_cancel. */
    uint64_t (*timer_start)(void *ctx, rt_time_t at, uint64_t cookie);
    void (*timer_cancel)(void *ctx, uint64_t handle);
    /* Transports a signal sent at `at` from node `from` to node `to`; the platform calls
     * rt_deliver(rt, m) when (and if) it arrives. Per (from, to) pair, signals must arrive in
     * the order they were posted. */
    void (*post)(void *ctx, rt_time_t at, uint32_t from, uint32_t to, rt_msg_t *m);
    /* Process p became runnable: call rt_proc_run(rt, p) when one of its node's cores is free. */
    void (*ready)(void *ctx, rt_proc_t *p);
    /* The node that code outside any process (the scenario) acts on; the platform may create it
     * on first use. */
    uint32_t (*default_node)(void *ctx);
    /* A 64-bit random draw from the runtime's own stream (seeded choices). */
    uint64_t (*random)(void *ctx);
    /* Called from process threads every few hundred instructions (the host collects garbage at
     * deterministic points here). May be NULL. */
    void (*tick)(void *ctx, lua_State *L);
    /* Adds delta to the named counter of the run's metrics (alarms raised, drops, ...). */
    void (*count)(void *ctx, const char *name, int64_t delta);
    /* The trace: one event = begin, fields, end (see sim/kernel/trace.h for the format). */
    void (*trace_begin)(void *ctx, rt_time_t t, const char *kind);
    void (*trace_u64)(void *ctx, const char *key, uint64_t v);
    void (*trace_str)(void *ctx, const char *key, const char *s, size_t n);
    /* A message term (term.h) and a pid/ref: hashed in binary, shown rendered. */
    void (*trace_term)(void *ctx, const char *key, const uint8_t *term, uint32_t len);
    void (*trace_id)(void *ctx, const char *key, uint64_t id);
    void (*trace_end)(void *ctx);

    /* ---- distribution (all may be NULL for a single-node platform) ---- */
    /* Node `from` needs a connection to `to` (monitor_node, connect_node); a post between two
     * nodes asks for one implicitly. The platform answers with rt_conn_up or rt_conn_down. */
    void (*connect)(void *ctx, uint32_t from, uint32_t to);
    /* erlang:disconnect_node/1 on `from`; returns false if there was no connection. */
    bool (*disconnect)(void *ctx, uint32_t from, uint32_t to);
    /* The node halts (an application's death, out of memory): the platform calls rt_node_down
     * and may restart it later (heart). NULL: rt_node_down at once. */
    void (*halt)(void *ctx, uint32_t node, const char *why);
    /* Clock drift: the node's own monotonic clock at global time t, and the global duration of
     * a duration d measured on the node's clock. NULL: no drift. */
    rt_time_t (*local_time)(void *ctx, uint32_t node, rt_time_t t);
    rt_time_t (*local_delay)(void *ctx, uint32_t node, rt_time_t d);
} rt_platform_t;

/* Per-node scheduling parameters the runtime needs to slice processes. */
typedef struct rt_node_params {
    rt_time_t quantum_ns;     /* CPU time a process may use before it is preempted */
    uint32_t instr_ns;        /* virtual CPU time per Lua instruction (0 = free) */
    double cpu_factor;        /* CPU time multiplier: 1 normal, 2 = half speed (0 = 1) */
    uint64_t mem_limit;       /* bytes; 0 = unlimited (see rt_node_memory) */
    uint64_t proc_bytes;      /* heap estimate of one process (0 = RT_PROC_BYTES) */
} rt_node_params_t;

/* A fresh BEAM process: 233-word minimum heap plus the process control block (64-bit). */
#define RT_PROC_BYTES 2704
/* Per message in a mailbox, beyond its term bytes: the heap fragment and queue link. */
#define RT_MSG_OVERHEAD 48

/* ---- lifecycle ------------------------------------------------------------------------------ */

/* Creates a runtime on the Lua state L (borrowed; the runtime creates process threads in it and
 * installs the `otp` module as a global). plat is copied. Returns NULL when out of memory. */
rt_t *rt_create(const rt_platform_t *plat, lua_State *L);
/* Frees every process and message. L must still be open. */
void rt_destroy(rt_t *rt);

/* Adds a node; returns its index (0, 1, ...). Names are unique (asserted). */
uint32_t rt_node_add(rt_t *rt, const char *name, const rt_node_params_t *params);
uint32_t rt_node_count(const rt_t *rt);
const char *rt_node_name(const rt_t *rt, uint32_t node);
/* Index of the node named `name`, or -1. */
int rt_node_find(const rt_t *rt, const char *name);

/* Stops a node now (outside any slice): every process on it ends at once with reason
 * "noconnection" (what other nodes observe when a node goes away), its names are released, and
 * nothing can be spawned there until rt_node_up. Traced as "node_down" with `why`. */
void rt_node_down(rt_t *rt, uint32_t node, const char *why);
/* Makes a stopped node usable again (a restart, as heart does); traced as "node_up". */
void rt_node_up(rt_t *rt, uint32_t node);
bool rt_node_is_up(const rt_t *rt, uint32_t node);
/* Node memory (design.md §3): every process's heap estimate plus its mailbox (term bytes plus
 * RT_MSG_OVERHEAD per message), plus what the platform adds (distribution buffers). When it
 * exceeds the node's mem_limit the node halts, as a BEAM node that cannot allocate does. */
uint64_t rt_node_memory(const rt_t *rt, uint32_t node);
uint64_t rt_node_memory_peak(const rt_t *rt, uint32_t node);
void rt_node_memory_add(rt_t *rt, uint32_t node, int64_t delta);
void rt_node_set_cpu_factor(rt_t *rt, uint32_t node, double factor);
void rt_node_set_mem_limit(rt_t *rt, uint32_t node, uint64_t bytes);

/* ---- distribution: the platform reports connection changes as each node sees them ---------- */
/* Node `node` now has a connection to `peer`: nodes() includes it, monitor_nodes subscribers on
 * `node` get {tag = "nodeup", node = peer}. */
void rt_conn_up(rt_t *rt, uint32_t node, uint32_t peer);
/* Node `node` lost (or failed to set up) its connection to `peer`. On `node`, in spawn order,
 * each process gets, in this order (otp-semantics §1.7): an exit signal with reason
 * "noconnection" for each link to a process on peer, a DOWN with reason "noconnection" for each
 * monitor on one, {tag = "nodedown", node = peer} for each monitor_node subscription, and, if
 * the connection had been up, {tag = "nodedown", node = peer, reason = reason} for monitor_nodes
 * subscribers. Links and monitors from peer's processes are forgotten silently. */
void rt_conn_down(rt_t *rt, uint32_t node, uint32_t peer, const char *reason);
bool rt_conn_is_up(const rt_t *rt, uint32_t node, uint32_t peer);
/* A signal lost in transit (its connection broke): frees it and undoes what it carried (a
 * remote spawn that never arrived). */
void rt_msg_lost(rt_t *rt, rt_msg_t *m);
/* Bytes the signal occupies on the wire (term plus a header). */
uint32_t rt_msg_wire_size(const rt_msg_t *m);

/* ---- entry points for the platform ------------------------------------------------------- */

/* Runs one slice of p at time `now` (p was handed to ready()) and sets *cpu to the CPU time it
 * used. Returns false if p had exited meanwhile: p is freed then and the slice is void (no
 * rt_proc_slice_end). */
bool rt_proc_run(rt_t *rt, rt_proc_t *p, rt_time_t now, rt_time_t *cpu);
/* The slice started by rt_proc_run has ended (its CPU time has passed). Returns true if p is
 * runnable again (preempted, more work, or woken meanwhile): the platform queues it again. */
bool rt_proc_slice_end(rt_t *rt, rt_proc_t *p);
void rt_timer_fire(rt_t *rt, uint64_t cookie);
void rt_deliver(rt_t *rt, rt_msg_t *m);
void rt_msg_free(rt_t *rt, rt_msg_t *m);
/* At shutdown, for each process the platform still holds in a queue: frees it if it had exited
 * (live processes are freed by rt_destroy). */
void rt_proc_discard(rt_t *rt, rt_proc_t *p);

/* The node a process lives on, and its pid. */
uint32_t rt_proc_node(const rt_proc_t *p);
rt_pid_t rt_proc_pid(const rt_proc_t *p);
/* Opaque link for the platform's run queues. */
rt_proc_t **rt_proc_queue_link(rt_proc_t *p);

/* ---- operations for the scenario host ----------------------------------------------------- */

/* Spawns a Lua process on `node` running the function at stack index fn_idx with the nargs
 * values after it as arguments (copied). Returns the pid. Raises a Lua error on bad arguments. */
rt_pid_t rt_spawn_lua(rt_t *rt, lua_State *L, uint32_t node, int fn_idx, int nargs);
/* A process implemented in C, for built-in, high-volume components: handle() is called once per
 * message, in arrival order (no selective receive), with the message's term (term.h); it returns
 * the CPU time the message cost. It may call rt_c_send. The process waits while its mailbox is
 * empty and lives until it is killed. */
typedef rt_time_t (*rt_c_handler_t)(rt_t *rt, rt_pid_t self, void *state, const uint8_t *msg, uint32_t len);
rt_pid_t rt_spawn_c(rt_t *rt, uint32_t node, rt_c_handler_t handle, void *state);
/* A C process that stands for something outside the node's CPUs (a load generator's clients):
 * its handler runs the moment a message is delivered, without being scheduled on a core, and
 * the CPU time it returns is ignored. */
rt_pid_t rt_spawn_c_external(rt_t *rt, uint32_t node, rt_c_handler_t handle, void *state);
/* Adds CPU time to the running C process's slice (what it sends next leaves after it). */
void rt_c_charge(rt_t *rt, rt_time_t ns);
/* Registers pid under name on its node (as otp.register, from outside processes). Returns 0, -1
 * if the name is taken, -2 if the process has a name, -3 if it is not alive. */
int rt_register_name(rt_t *rt, rt_pid_t pid, const char *name);
/* Sends a message (a term) from the running C process, or from outside processes. */
void rt_c_send(rt_t *rt, rt_pid_t to, const uint8_t *term, uint32_t len);

/* Sends a term as process `from` (usually a C process; used as the sender) to dest: a pid or a
 * ref (an alias), or, with name != NULL, the name registered on name_node (looked up when it
 * arrives if that is another node than from's). Outside any slice, at the current time. Returns
 * false (nothing sent) if a name on from's own node is not registered. */
bool rt_send_as(rt_t *rt, rt_pid_t from, uint64_t dest, const char *name, uint32_t name_node,
                const uint8_t *term, uint32_t len);
/* A new alias (a ref) that delivers to owner until dropped (monitor aliases, otp-semantics
 * §1.4): a reply sent to a dropped alias is discarded. */
rt_ref_t rt_alias_new(rt_t *rt, rt_pid_t owner);
void rt_alias_drop(rt_t *rt, rt_ref_t alias);

/* Sends an exit signal with the reason at stack index idx to pid, as exit/2 from outside any
 * process. Returns false if pid is not alive. */
bool rt_exit_signal_from_outside(rt_t *rt, lua_State *L, rt_pid_t pid, int reason_idx);
/* Pid registered as `name` on node, or 0. */
rt_pid_t rt_whereis(const rt_t *rt, uint32_t node, const char *name);
bool rt_is_alive(const rt_t *rt, rt_pid_t pid);
/* The process whose slice is running (0 outside processes), and the time as it sees it. */
rt_pid_t rt_current_pid(const rt_t *rt);
lua_State *rt_current_thread(const rt_t *rt); /* its coroutine, or NULL */
rt_time_t rt_now(const rt_t *rt);
/* Messages in pid's mailbox (0 if it is not alive). */
uint32_t rt_mailbox_len(const rt_t *rt, rt_pid_t pid);
/* Number of processes alive, in all and on one node. */
size_t rt_proc_count(const rt_t *rt);
size_t rt_node_proc_count(const rt_t *rt, uint32_t node);

/* ---- read-only observation (viz/, reports): never changes anything ------------------------ */
enum { RT_STATUS_WAITING, RT_STATUS_RUNNABLE, RT_STATUS_RUNNING };
typedef struct rt_proc_info {
    rt_pid_t pid;
    uint32_t node;
    const char *name;          /* registered name, or NULL; borrowed until the process changes it */
    int status;                /* RT_STATUS_* */
    bool trap_exit, is_c;      /* is_c: a process implemented in C (rt_spawn_c) */
    uint32_t mailbox_len;
    uint64_t mailbox_bytes;
    uint32_t nlinks, nmonitors, nmonitored_by;
    uint64_t reductions, msgs_in, msgs_out;
    rt_time_t started_at;
    rt_time_t cpu_ns;          /* CPU time its slices used */
} rt_proc_info_t;
/* Fills *out for a live process; returns false (nothing written) if pid is not alive. */
bool rt_proc_info(const rt_t *rt, rt_pid_t pid, rt_proc_info_t *out);
/* The i-th link of pid (link order), the i-th process it monitors, the i-th process monitoring
 * it; 0 when i is out of range or pid is not alive. */
rt_pid_t rt_proc_link_at(const rt_t *rt, rt_pid_t pid, uint32_t i);
rt_pid_t rt_proc_monitor_at(const rt_t *rt, rt_pid_t pid, uint32_t i);
rt_pid_t rt_proc_monitored_by_at(const rt_t *rt, rt_pid_t pid, uint32_t i);
/* The sys state of a behaviour process (gen_server, gen_statem, gen_event; a supervisor is a
 * gen_server), read without running it: appends two lines to out,
 *     <behaviour> <registered name, or -> <running | suspended>
 *     <state>
 * where <state> is what sys.get_state would return — gen_server: its state; gen_statem:
 * {state, data}; gen_event: {{id = .., module = "name", state = ..}, ...}, newest handler
 * first — as print shows values, bounded (RT_SYS_DEPTH levels, RT_SYS_ITEMS entries per table,
 * RT_SYS_TEXT_MAX bytes; more is shown as "..."). Table keys come in print's order (numbers,
 * strings, booleans, pids); reading stops after RT_SYS_SCAN_MAX table entries in all, and then
 * which entries show depends on the order the scan met them. Returns false (nothing written) if
 * pid is not alive, not a behaviour, or its code has ended. Runs no Lua code, creates no Lua
 * value and leaves the Lua stack as it was, so observing changes nothing in the run; it works on
 * the main thread's stack, which lua_checkstack may grow (a block that is no Lua object: object
 * serials and the collector's pacing do not see it). Call it between events, not from inside a
 * process's slice. */
#define RT_SYS_DEPTH 4
#define RT_SYS_ITEMS 12
#define RT_SYS_TEXT_MAX 1024
#define RT_SYS_SCAN_MAX 16384
bool rt_proc_sys_state(const rt_t *rt, rt_pid_t pid, jbuf_t *out);
/* The i-th message of pid's mailbox (0 = oldest) as a term (term.h) of *len bytes, or NULL.
 * Walks i messages. Borrowed until the next event. */
const uint8_t *rt_mailbox_peek(const rt_t *rt, rt_pid_t pid, uint32_t i, uint32_t *len);
/* The node's memory limit in bytes (0 = unlimited). */
uint64_t rt_node_mem_limit(const rt_t *rt, uint32_t node);

#endif
