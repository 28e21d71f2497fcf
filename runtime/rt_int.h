/* rt_int.h — the runtime's internal structures, shared by the files of runtime/ only. */
#ifndef RT_RT_INT_H
#define RT_RT_INT_H

#include "base/jbuf.h"
#include "base/strmap.h"
#include "base/u64map.h"
#include "rt.h"

/* ---- signals and messages: one allocation, header + term bytes --------------------------- */
enum rt_sig_kind {
    RT_SIG_MSG,        /* data: the message */
    RT_SIG_EXIT,       /* data: the reason; linked = from a link */
    RT_SIG_LINK,
    RT_SIG_UNLINK,
    RT_SIG_MONITOR,    /* ref: the monitor */
    RT_SIG_DEMONITOR,
    RT_SIG_DOWN,       /* ref; data: the reason */
    RT_SIG_SPAWN,      /* a remote spawn request: starts the embryo process `to` */
};

struct rt_msg {
    rt_msg_t *next;       /* mailbox / transport queue link */
    rt_pid_t from;
    uint64_t to;          /* a pid, or a ref (an alias) */
    rt_ref_t ref;
    uint8_t kind;
    uint8_t linked;
    uint8_t has_refs;     /* the term holds Lua registry references */
    uint8_t pad;
    uint32_t len;
    uint8_t data[];       /* the term (term.h) */
};

/* ---- processes ------------------------------------------------------------------------------ */
enum rt_pstate { RT_P_WAITING, RT_P_RUNNABLE, RT_P_RUNNING, RT_P_DEAD };
enum rt_wait { RT_W_NONE, RT_W_ANY, RT_W_TABLE, RT_W_FUNC, RT_W_SLEEP };
enum rt_yield { RT_Y_NONE, RT_Y_BLOCK, RT_Y_PREEMPT, RT_Y_WORK };

typedef struct rt_mon {
    rt_ref_t ref;
    rt_pid_t pid;         /* out: the target; in: the watcher */
    char *name;           /* out, monitor by name: the name (owned), else NULL */
    uint32_t name_node;
} rt_mon_t;

typedef struct rt_vec { void *p; uint32_t len, cap; } rt_vec_t;

struct rt_proc {
    rt_pid_t pid;
    uint32_t node;
    uint8_t state;           /* enum rt_pstate */
    uint8_t wait;            /* enum rt_wait, while blocked */
    uint8_t yield;           /* enum rt_yield, why the last slice stopped */
    bool trap_exit;
    bool queued;             /* handed to platform->ready, not yet run */
    bool woken;              /* a wake-up arrived while RUNNING */
    bool timed_out;          /* the blocked receive's timer fired */
    bool exited;             /* the slice ended the process (exit_reason set) */
    bool started;            /* the coroutine has been resumed once */
    bool embryo;             /* remotely spawned, its SPAWN signal not yet arrived */
    bool external;           /* a C process handled at delivery, off the cores (rt_spawn_c_external) */
    bool sys_ctx;            /* a behaviour: its ctx is in the registry under the pid (sysstate.c) */
    uint16_t monitor_nodes;  /* net_kernel:monitor_nodes(true) subscriptions */

    /* mailbox: FIFO of RT_SIG_MSG messages */
    rt_msg_t *mb_head, **mb_tail;
    uint32_t mb_len;
    uint64_t mb_bytes;
    rt_msg_t **scan;         /* blocked receive: next message to examine */
    rt_msg_t *pattern;       /* blocked receive with a table pattern: its term (owned) */
    uint64_t recv_timer;     /* timer id of the blocked receive's timeout, 0 = none */

    rt_vec_t links;          /* rt_pid_t, in link order */
    rt_vec_t mons_out;       /* rt_mon_t: monitors this process holds */
    rt_vec_t mons_in;        /* rt_mon_t: monitors on this process */
    rt_vec_t node_mons;      /* uint32_t node: monitor_node(node, true) subscriptions */
    rt_vec_t conn_waits;     /* uint32_t node: otp.connect_node waiting for an answer */
    char *name;              /* registered name (owned) or NULL */

    lua_State *co;           /* the process's coroutine (NULL for a C process) */
    rt_c_handler_t chandle;  /* a C process's handler */
    void *cstate;
    int co_ref;              /* registry reference anchoring co */
    int start_nargs;         /* arguments waiting on co's stack for the first resume */

    rt_time_t slice_start, cpu;   /* current slice: start and CPU used so far */
    rt_time_t work_left;          /* otp.work still to burn */
    uint64_t slice_instr;         /* Lua instructions charged in this slice */
    rt_msg_t *exit_reason;        /* term of the reason when exited or killed (owned) */
    rt_msg_t *pending_exit;       /* exit signal reason that arrived while RUNNING (owned) */

    uint64_t reductions, msgs_in, msgs_out;
    rt_time_t cpu_total;          /* CPU time used by all its slices */
    rt_time_t started_at;

    rt_proc_t *node_prev, *node_next;  /* the node's processes, in spawn order */
    rt_proc_t *queue_next;             /* platform's run queue */
};

typedef struct rt_node {
    char *name;
    rt_node_params_t params;
    strmap_t names;           /* registered name -> pid */
    rt_proc_t *first, *last;  /* processes in spawn order */
    size_t nprocs;
    bool down;                /* halted or crashed: no process runs or starts there */
    bool oom;                 /* out of memory: halting */
    uint64_t mem;             /* bytes (rt_node_memory) */
    uint64_t mem_peak;
} rt_node_t;

enum rt_timer_kind { RT_T_RECV, RT_T_SEND, RT_T_READY, RT_T_HALT };

typedef struct rt_timer {
    uint8_t kind;
    rt_pid_t owner;          /* RECV: the waiting process */
    uint64_t dest;           /* SEND: a pid, or 0 with dest_name */
    char *dest_name;
    uint32_t dest_node;
    rt_msg_t *msg;           /* SEND: the message (owned); HALT: the reason */
    uint64_t handle;         /* platform handle */
    rt_time_t at;
} rt_timer_t;

struct rt {
    rt_platform_t plat;
    lua_State *L;
    rt_node_t *nodes;
    uint32_t nnodes, nodes_cap;
    u64map_t procs;           /* pid -> rt_proc_t* */
    u64map_t aliases;         /* alias ref -> owner pid */
    u64map_t timers;          /* timer id (a ref) -> rt_timer_t* */
    uint64_t next_serial;     /* pids and refs share one counter: unique across nodes */
    size_t nprocs;
    rt_proc_t *current;       /* the process whose slice is running, or NULL */
    int exit_marker_ref;      /* registry ref of the table marking otp.exit errors */
    jbuf_t scratch;           /* term building; never held across a call that may use it */
    rt_msg_t *pool;           /* free small messages */
    uint32_t pool_len;
    uint8_t *conn;            /* conn[a * conn_cap + b]: node a has a connection to b */
    uint32_t conn_cap;
    strmap_t node_index;      /* node name -> index */
    strmap_t atoms;           /* registered names used as remote destinations -> index */
    char **atom_names;
    uint32_t natoms, atoms_cap;
};

/* ---- shared helpers ----------------------------------------------------------------------- */
/* proc.c */
rt_t *rt__of(lua_State *L);                               /* the runtime that owns L */
rt_proc_t *rt__proc_get(const rt_t *rt, rt_pid_t pid);   /* alive (not DEAD) or NULL */
rt_time_t rt__now(const rt_t *rt);                        /* slice-local time inside a slice */
void rt__proc_wake(rt_t *rt, rt_proc_t *p);               /* WAITING -> RUNNABLE */
void rt__proc_exit(rt_t *rt, rt_proc_t *p, rt_msg_t *reason); /* reason owned */
rt_ref_t rt__make_ref(rt_t *rt, uint32_t node);
void *rt__vec_push(rt_vec_t *v, size_t elem);
void rt__vec_remove(rt_vec_t *v, size_t elem, uint32_t i);
rt_pid_t rt__spawn_lua(rt_t *rt, lua_State *L, uint32_t node, int fn_idx, int nargs, bool remote);
/* signal.c */
rt_msg_t *rt__msg_new(rt_t *rt, uint8_t kind, rt_pid_t from, uint64_t to, const jbuf_t *term, bool has_refs);
rt_msg_t *rt__msg_new_raw(rt_t *rt, uint8_t kind, rt_pid_t from, uint64_t to, const uint8_t *data, uint32_t len,
                          bool has_refs);
void rt__post(rt_t *rt, rt_msg_t *m);        /* from the current process (or outside) */
void rt__mailbox_put(rt_t *rt, rt_proc_t *p, rt_msg_t *m);  /* m owned by the mailbox */
rt_msg_t *rt__exit_message(rt_t *rt, rt_pid_t from, rt_pid_t to, const rt_msg_t *reason);
void rt__send_exit(rt_t *rt, rt_pid_t from, rt_pid_t to, const uint8_t *reason, uint32_t len, bool linked);
void rt__exit_effect(rt_t *rt, rt_proc_t *p, rt_msg_t *m);  /* link already checked */
void rt__down_effect(rt_t *rt, rt_proc_t *p, rt_mon_t *mon, rt_msg_t *m);  /* mon removed */
void rt__mb_taken(rt_t *rt, rt_proc_t *p, const rt_msg_t *m);  /* m left p's mailbox */
/* dist.c */
uint64_t rt__name_id(rt_t *rt, uint32_t node, const char *name);  /* RT_ID_NAME destination */
const char *rt__name_of(const rt_t *rt, uint64_t name_id);
bool rt__is_remote(const rt_t *rt, uint32_t node);
uint64_t rt__mon_target(rt_t *rt, const rt_proc_t *p, const rt_mon_t *mon); /* pid, name id or 0 */
rt_time_t rt__delay(const rt_t *rt, uint32_t node, rt_time_t d);  /* a node-clock duration, globally */  /* node differs from the running process's */
void rt__dist_open(rt_t *rt, lua_State *L);         /* otp.monitor_node and friends */
void rt__dist_free(rt_t *rt);
void rt__conn_reset(rt_t *rt, uint32_t node);       /* a dead node has no connections */
/* name.c */
int rt__name_register(rt_t *rt, uint32_t node, const char *name, rt_proc_t *p);
void rt__name_release(rt_t *rt, rt_proc_t *p);
/* sysstate.c */
void rt__sys_ctx_install(lua_State *L, int gen);  /* wraps gen.init_ctx (gen: the table's index) */
void rt__sys_ctx_drop(rt_t *rt, rt_proc_t *p);
/* timer.c */
uint64_t rt__timer_recv_start(rt_t *rt, rt_proc_t *p, rt_time_t at);
uint64_t rt__timer_send_start(rt_t *rt, rt_proc_t *owner, rt_time_t at, uint64_t dest, const char *dest_name,
                              uint32_t dest_node, rt_msg_t *msg);
int64_t rt__timer_cancel_left(rt_t *rt, uint64_t id);
void rt__halt_later(rt_t *rt, uint32_t node, const char *why);
void rt__timer_cancel(rt_t *rt, uint64_t id);
/* trace helpers */
void rt__trace_pid(rt_t *rt, const char *key, rt_pid_t pid);
void rt__trace_term(rt_t *rt, const char *key, const uint8_t *data, uint32_t len);

#endif
