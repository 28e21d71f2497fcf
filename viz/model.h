/* model.h — what the live view knows about a run: an observer's model, built from the trace and
 * from read-only samples of the world, never written back (design.md, "Observers never steer").
 *
 * Two sources. (1) Trace events, as the kernel's trace observer hands them over (spawn, exit,
 * send, register, supervisor reports, application starts, faults, node events): they give
 * processes, supervision trees (a supervisor's `child_started` report puts the child under it,
 * in child-spec order; a restarted child takes its predecessor's place and its restart count),
 * applications (a process belongs to its spawner's, as with group leaders), crashes, message
 * flows between nodes, fault windows and a ticker of notable events. (2) Samples of the world
 * taken once per frame (viz_model_sample): node CPU, memory, run queues, up/paused, the
 * network's pairs (connected, blocked, degraded), the load time series (parsed from the world's
 * metrics CSV as it grows), mailbox depths of the processes the frame shows, and the inspected
 * process (its mailbox, links, monitors and sys state, read without running it).
 *
 * Cost: O(1) per trace event (hash-map lookups; an application's start, which is rare, makes one
 * pass over the processes), and per frame a bounded amount of work (VIZ_SCAN_BUDGET processes
 * scanned round-robin for deep mailboxes, plus the processes on screen), whatever the number of
 * processes. The model holds no SDL and can be filled by hand (tests build small fixed worlds
 * this way). Ghosts: a supervised process that exits stays in its supervisor's child list for
 * VIZ_GHOST_FRAMES frames (drawn as a crash), so a restart is seen in place. */
#ifndef VIZ_MODEL_H
#define VIZ_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/jbuf.h"
#include "base/u64map.h"
#include "runtime/rt.h"
#include "sim/kernel/simtime.h"
#include "sim/kernel/trace.h"

struct sim_world;

#define VIZ_MAX_NODES 256         /* nodes drawn; more are counted, not drawn */
#define VIZ_HOT 6                 /* per node: processes outside any tree worth showing */
#define VIZ_SCAN_BUDGET 2048      /* processes sampled per frame for deep mailboxes */
#define VIZ_GHOST_FRAMES 30       /* frames a crashed supervised process stays visible */
#define VIZ_FLASH_FRAMES 30       /* frames a crash or restart flash lasts */
#define VIZ_SPRITES 96            /* messages animated at once, at most */
#define VIZ_SPRITE_FRAMES 18      /* frames a message takes from one node to another */
#define VIZ_TICKER 6              /* notable events listed */
#define VIZ_LABEL 28
#define VIZ_MAX_APPS 16           /* applications told apart (index 0: none); later ones count as none */
#define VIZ_APP_NAME 32

enum { VIZ_P_SUP = 1, VIZ_P_DEAD = 2, VIZ_P_CRASHED = 4, VIZ_P_NAMED = 8, VIZ_P_ROOT = 16 };

/* One process. Slots are stable indices into viz_model_t.procs; links between slots are
 * "index + 1" with 0 meaning none. */
typedef struct viz_proc {
    rt_pid_t pid;
    rt_pid_t parent;                       /* its spawner, 0 if none (a pid: slots are reused) */
    uint32_t node;
    uint32_t sup;                          /* supervisor's slot + 1 */
    uint32_t first_child, last_child;      /* a supervisor's children, in start order */
    uint32_t next, prev;                   /* siblings (under sup, or in the node's root list) */
    uint32_t nchildren;                    /* live and ghost entries in the child list */
    uint32_t restarts;                     /* how many times this child id was restarted */
    uint64_t child_key;                    /* hash of (supervisor, child id), 0 if none */
    uint64_t dead_frame, flash_frame;      /* frame of death; of the last crash or restart flash */
    sim_time_t born, died;
    uint64_t msgs_in, msgs_out, msgs_seen; /* from the trace; msgs_seen: at the previous frame */
    uint32_t mailbox;                      /* sampled mailbox length */
    uint8_t flags;                         /* VIZ_P_* */
    uint8_t app;                           /* its application (index into viz_model_t.apps), 0: none */
    bool live;                             /* the slot is in use */
    char label[VIZ_LABEL];                 /* registered name, else the child id */
} viz_proc_t;

typedef struct viz_node {
    char name[48];
    bool up, paused;
    uint32_t cores, rq_len;
    double cpu;                  /* utilisation 0..1, smoothed */
    double slow;                 /* CPU factor from sim.slow (1 = normal) */
    uint64_t mem, mem_limit;
    uint64_t nprocs;             /* live processes (the runtime's count) */
    uint64_t crashes;            /* abnormal exits seen */
    uint64_t flash_frame;        /* last abnormal exit or node death */
    uint32_t roots_first, roots_last, nroots;   /* top-level supervisors (slot + 1) */
    uint64_t in_tree;            /* live processes in this node's trees */
    uint32_t app_procs[VIZ_MAX_APPS];  /* live processes of each application (from the trace) */
    rt_pid_t hot[VIZ_HOT];       /* outside trees: named processes and deep mailboxes */
    uint32_t hot_mailbox[VIZ_HOT];
    uint64_t sends_local;        /* sends within the node since the last frame */
    double local_rate;           /* messages per virtual second, smoothed */
    sim_time_t busy_prev;        /* world busy_ns at the previous sample */
} viz_node_t;

/* Between two nodes a < b. */
typedef struct viz_pair {
    uint8_t state;               /* 0 never connected, 1 setting up, 2 up */
    bool blocked_ab, blocked_ba; /* partitioned (a -> b, b -> a) */
    bool degraded;               /* sim.degrade: extra latency or loss */
    sim_time_t extra_ns;
    uint32_t loss_ppm;
    uint32_t queued;             /* packets waiting or in flight, both ways */
    uint64_t sends_ab, sends_ba; /* since the last frame */
    double rate_ab, rate_ba;     /* messages per virtual second, smoothed */
} viz_pair_t;

typedef struct viz_sprite { uint32_t from_node, to_node; uint64_t from_pid; uint32_t age; } viz_sprite_t;

enum { VIZ_F_PARTITION, VIZ_F_NODE_DOWN, VIZ_F_PAUSE, VIZ_F_SLOW, VIZ_F_DEGRADE, VIZ_F_NEMESIS, VIZ_F_INSTANT };
typedef struct viz_fault {
    uint8_t kind;
    int32_t node;                /* -1 if none */
    sim_time_t t0, t1;           /* t1 = SIM_TIME_MAX while open */
    char label[48];
} viz_fault_t;

typedef struct viz_sample { double t, throughput, p50, p99, errors, timeouts; } viz_sample_t;
typedef struct viz_series { char name[48]; viz_sample_t *v; uint32_t n, cap; } viz_series_t;

typedef struct viz_slo { char load[48], metric[16]; int op; double value; } viz_slo_t;

typedef struct viz_ticker { sim_time_t t; char text[96]; uint8_t kind; } viz_ticker_t;

/* The process the user inspects: refreshed every frame from the runtime. */
typedef struct viz_inspect {
    rt_pid_t pid;
    bool alive;
    rt_proc_info_t info;
    char name[64];
    rt_pid_t links[8], monitors[8], monitored_by[8];
    uint32_t nlinks, nmonitors, nmonitored_by;
    char mailbox[5][72];         /* the oldest messages, rendered */
    uint32_t nmailbox;
    char exit_reason[72];        /* when it has exited */
    sim_time_t died;
    char sup_label[VIZ_LABEL];
    rt_pid_t sup_pid;
    uint32_t restarts;
    uint8_t app;                 /* its application, 0: none */
    bool has_sys;                /* a behaviour: sys holds rt_proc_sys_state's two lines */
    char sys[RT_SYS_TEXT_MAX + 128];
} viz_inspect_t;

typedef struct viz_model {
    viz_proc_t *procs;
    uint32_t nprocs_slots, procs_cap, free_head;   /* free list through .next */
    uint32_t live_procs;
    u64map_t by_pid;             /* pid -> slot + 1 */
    u64map_t by_child;           /* child_key -> slot + 1 of the current entry */
    viz_node_t nodes[VIZ_MAX_NODES];
    uint32_t nnodes, nnodes_total;
    viz_pair_t pairs[VIZ_MAX_NODES * (VIZ_MAX_NODES - 1) / 2];
    viz_sprite_t sprites[VIZ_SPRITES];
    uint32_t nsprites;
    uint64_t sprite_skip;        /* sampling: inter-node sends seen this frame */
    viz_fault_t *faults;
    uint32_t nfaults, faults_cap;
    viz_series_t *series;
    uint32_t nseries;
    size_t csv_off;              /* bytes of the metrics CSV already parsed */
    viz_sample_t csv_cur;        /* the sample being parsed, and its load */
    char csv_load[48];
    viz_slo_t slos[16];
    uint32_t nslos;
    viz_ticker_t ticker[VIZ_TICKER];
    uint32_t nticker;            /* total added; the last VIZ_TICKER are kept */
    viz_inspect_t inspect;
    /* Applications, as their "started" events name them: apps[0] is none, napps counts it. A
     * process belongs to the application of the process that spawned it, as with OTP's group
     * leaders; a start tags the application master and everything it spawned so far. */
    char apps[VIZ_MAX_APPS][VIZ_APP_NAME];
    uint32_t napps;
    uint64_t frame;              /* frames sampled so far */
    uint32_t flash_frames;       /* frames a flash lasts and a ghost stays (VIZ_FLASH_FRAMES) */
    sim_time_t now;              /* the time shown */
    sim_time_t sampled_at;       /* the world time of the previous sample */
    uint64_t events;             /* trace events seen */
    uint64_t sends, crashes, restarts;
    uint32_t scan_cursor;
    /* the trace event being received */
    struct {
        int kind;
        sim_time_t t;
        rt_pid_t pid, from, to, parent;
        const uint8_t *reason;   /* term bytes, valid until the event ends */
        uint32_t reason_len;
        char node[48], peer[48], str1[64], str2[64], str3[64], str4[96];
        jbuf_t reason_copy;
    } ev;
    bool muted;                  /* the view was closed: trace events are ignored */
    trace_observer_t tobs;
    const struct sim_world *w;   /* for names and reasons while receiving events; may be NULL */
} viz_model_t;

/* Starts an empty model (caller owns storage). */
void viz_model_init(viz_model_t *m);
void viz_model_deinit(viz_model_t *m);

/* The kernel trace observer that feeds this model (install with trace_observer_set). w is read
 * for node names; it may be NULL in tests. */
const trace_observer_t *viz_model_trace_observer(viz_model_t *m, const struct sim_world *w);

/* ---- what the trace tells (also callable directly: tests build worlds by hand) ---------- */
/* A node appears (index order); returns its index. */
uint32_t viz_model_node_add(viz_model_t *m, const char *name, uint32_t cores);
void viz_model_spawn(viz_model_t *m, sim_time_t t, rt_pid_t pid, rt_pid_t parent);
/* A process ended; abnormal: not normal or shutdown. reason (may be NULL) is text for the ticker. */
void viz_model_exit(viz_model_t *m, sim_time_t t, rt_pid_t pid, bool abnormal, const char *reason);
void viz_model_register(viz_model_t *m, rt_pid_t pid, const char *name);
/* A supervisor report child_started: child_pid now runs child id `child` under sup. */
void viz_model_child_started(viz_model_t *m, sim_time_t t, rt_pid_t sup, const char *child, rt_pid_t child_pid);
/* A message from pid `from` (0: outside processes) on node from_node to node to_node. */
void viz_model_send(viz_model_t *m, rt_pid_t from, uint32_t from_node, rt_pid_t to, uint32_t to_node);
void viz_model_receive(viz_model_t *m, rt_pid_t pid);
/* An application started (the trace's "application" event "started"): the master and every
 * process it spawned so far, directly or not, now belong to it. Costs one pass over the
 * processes (starts are rare); spawns then inherit the application in O(1). Returns the
 * application's index (0 if the table is full). */
uint32_t viz_model_app_started(viz_model_t *m, sim_time_t t, const char *app, rt_pid_t master);
/* The index of an application by name, or 0. */
uint32_t viz_model_app_find(const viz_model_t *m, const char *app);
/* A fault event (trace kind "fault"): opens or closes fault windows. node may be NULL. */
void viz_model_fault(viz_model_t *m, sim_time_t t, const char *fault, const char *node, const char *detail);
void viz_model_node_down(viz_model_t *m, sim_time_t t, uint32_t node, const char *why);
void viz_model_node_up(viz_model_t *m, sim_time_t t, uint32_t node);
void viz_model_resume(viz_model_t *m, sim_time_t t, uint32_t node);
void viz_model_ticker_add(viz_model_t *m, sim_time_t t, uint8_t kind, const char *text);
/* Adds a point to a load's time series (the metrics CSV does this while a world runs). */
void viz_model_series_add(viz_model_t *m, const char *load, const viz_sample_t *s);
void viz_model_slo_add(viz_model_t *m, const char *load, const char *metric, int op, double value);

/* ---- per frame ------------------------------------------------------------------------------ */
/* Samples the world (read only) for the frame showing time `now`: nodes, pairs, the metrics
 * CSV, a bounded scan for deep mailboxes; advances the frame counter, ages sprites and reaps
 * ghosts. w may be NULL (tests: only the frame-based parts advance). */
void viz_model_sample(viz_model_t *m, const struct sim_world *w, sim_time_t now);
/* Refreshes the mailbox depth of the given slots (the ones on screen) and the inspected
 * process. */
void viz_model_refresh(viz_model_t *m, const struct sim_world *w, const uint32_t *slots, size_t n);
/* Chooses the process to inspect (0: none). */
void viz_model_inspect(viz_model_t *m, rt_pid_t pid);

/* Lookups. */
viz_proc_t *viz_model_proc(viz_model_t *m, rt_pid_t pid);   /* NULL if unknown */
static inline viz_proc_t *viz_model_slot(const viz_model_t *m, uint32_t slot1)
{
    return slot1 ? &m->procs[slot1 - 1] : NULL;
}
viz_pair_t *viz_model_pair(viz_model_t *m, uint32_t a, uint32_t b);  /* a != b */
const viz_ticker_t *viz_model_ticker_at(const viz_model_t *m, uint32_t i);  /* 0 = newest */

#endif
