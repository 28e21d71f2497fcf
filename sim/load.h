/* load.h — load generators and what they measure (design.md §3 "Load", docs/load.md).
 *
 * A load is a stream of requests from clients on one node to a service. Open loop: requests
 * arrive on a schedule (a rate function of time: constant, ramp, steps, spike, a CSV of rates;
 * Poisson or evenly spaced) whatever the service does; an optional concurrency limit makes late
 * requests wait for a free client. Closed loop: N users, each sending one request, waiting for
 * it, thinking, and sending the next. Each request draws an operation (weighted) and a key.
 *
 * Honest latency (capacity-validation.md §3.5): every request's intended time is known exactly,
 * so its response time is completion − intended time and its service time is completion − the
 * time it was actually sent (wrk2's corrected and uncorrected latencies). They differ when an
 * open loop's requests wait for a client (a concurrency limit); without a limit, and in a closed
 * loop (whose users send when they decide to), they are equal. Both go into HdrHistograms (base/hdr.h) per load and per
 * operation; timeouts and errors are counted, not timed.
 *
 * The fast path sends gen_server calls, casts or plain messages built in C from a client C
 * process on the load's node (no Lua per request); the host can instead build each message or
 * run each request as a Lua process through the callbacks in load_host_t. */
#ifndef SIM_LOAD_H
#define SIM_LOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "base/hdr.h"
#include "base/jbuf.h"
#include "base/prng.h"
#include "base/u64map.h"
#include "runtime/rt.h"
#include "sim/kernel/evq.h"

struct sim_world;

typedef struct load_seg { sim_time_t t0, t1; double r0, r1; } load_seg_t;  /* per second, linear on [t0, t1) */

enum { LOAD_POISSON, LOAD_EVEN };
enum { LOAD_KEY_NONE, LOAD_KEY_UNIFORM, LOAD_KEY_ZIPF, LOAD_KEY_PARETO };
enum { LOAD_OP_CALL, LOAD_OP_CAST, LOAD_OP_SEND, LOAD_OP_LUA };
enum { LOAD_OK, LOAD_ERROR, LOAD_TIMEOUT };
/* A think-time or latency distribution in ns: as net_lat_t (const, exp, uniform, lognormal). */
typedef struct load_dist { int kind; double a, b; } load_dist_t;

typedef struct load_keys {
    int kind;
    uint64_t n;          /* uniform, zipf: keys 1..n */
    double s;            /* zipf exponent */
    double xm, alpha;    /* pareto: scale and shape (keys >= xm) */
    double *cdf;         /* zipf: cumulative probabilities, n entries */
} load_keys_t;

typedef struct load_stats {
    uint64_t count, ok, errors, timeouts;   /* finished requests, by outcome */
    hdr_t response, service;
    uint64_t i_count, i_ok, i_errors, i_timeouts;  /* in the current interval */
    hdr_t i_response;          /* its counts are response's minus i_base, filled in when sampled */
    int64_t *i_base;           /* response's counts as at the interval's start */
} load_stats_t;

typedef struct load_op {
    char *name;
    double weight;
    int kind;                  /* LOAD_OP_* */
    uint64_t target;           /* a pid, or 0 with target_name */
    char *target_name;
    uint32_t target_node;
    uint8_t *msg;              /* the static message (term), or NULL: built by the host */
    uint32_t msg_len;
    int host_ref;              /* the host's handle for this op (a Lua reference) */
    load_stats_t stats;
    uint8_t *req;              /* with a static msg: the whole request term, built once (a call's
                                * alias is written into it per request), or NULL */
    uint32_t req_len, req_ref_at; /* req_ref_at: offset of a call's alias (an id term) in req */
    rt_pid_t req_client;       /* the client pid req was built with */
} load_op_t;

/* A closed loop's session (Tsung's): a fixed sequence of operations, each followed by its own
 * think time; a user picks a session by weight, runs its steps, thinks, and picks again. */
typedef struct load_session {
    char *name;
    double weight;
    uint32_t nsteps;
    uint32_t *op;              /* the step's operation (index into ops) */
    load_dist_t *think;        /* the pause after the step (the last step's: the load's think) */
} load_session_t;

typedef struct load_req {
    sim_time_t intended, sent;
    uint64_t key;
    uint64_t seq;              /* the request's number (1, 2, ...) */
    rt_ref_t alias;            /* a call's reply address */
    rt_pid_t pid;              /* a Lua request's process */
    uint32_t op, user;         /* user: 1-based in a closed loop */
    uint32_t gen;              /* bumped when the slot is reused */
    uint8_t state;             /* free, waiting for a client, in flight */
    uint8_t outcome;           /* a Lua request's, until its slice's CPU time has passed */
} load_req_t;

typedef struct load_ring { uint64_t *v; uint32_t head, len, cap; } load_ring_t;

typedef struct load {
    struct load_set *set;
    char *name;
    uint32_t index, node;
    bool closed;
    load_seg_t *segs;          /* open loop: the rate function (times relative to `from`) */
    uint32_t nsegs;
    int spacing;               /* LOAD_POISSON or LOAD_EVEN */
    uint32_t users;            /* closed loop */
    load_dist_t think;
    sim_time_t from, to;       /* to = SIM_TIME_MAX: until the run ends */
    sim_time_t timeout;        /* 0 = none ("infinity"); sim.load's default is 5 s */
    uint32_t concurrency;      /* open loop: requests in flight at most (0 = unlimited) */
    load_op_t *ops;
    uint32_t nops;
    double total_weight;
    double *op_cum;            /* with integer weights: their running sums (pick_op's binary
                                * search), else NULL */
    load_keys_t keys;
    prng_t rng;
    load_session_t *sessions;  /* closed loop: sessions instead of one op per request (may be NULL) */
    uint32_t nsessions;
    double session_weight;
    uint32_t *user_session, *user_step;  /* per user (1-based users: index user - 1) */

    rt_pid_t client;           /* the C process that receives replies */
    load_req_t *reqs;
    uint32_t nreqs, reqs_cap;
    load_ring_t free_slots, backlog, deadlines;   /* deadlines: (slot, gen) in send order */
    u64map_t by_alias;
    evq_id_t arrival_ev, timeout_ev;
    double arrival_pos;        /* open loop: seconds since `from` of the last arrival */
    uint64_t seq;              /* requests made */
    uint32_t inflight;
    load_stats_t total;
    sim_time_t last_done;
} load_t;

/* The scenario host's side: building messages and running requests in Lua. */
typedef struct load_host {
    void *ctx;
    /* Appends op's message for this request to out; returns 0, or -1 (the request fails). */
    int (*build)(void *ctx, load_t *l, load_op_t *op, uint64_t key, uint64_t seq, jbuf_t *out);
    /* Starts a Lua request: returns the pid of its process (0: it could not start). The host
     * reports back with load_lua_started and load_lua_done. */
    rt_pid_t (*start)(void *ctx, load_t *l, uint32_t req, uint32_t gen, load_op_t *op, uint64_t key, uint64_t seq);
    /* Kills a timed-out Lua request's process. */
    void (*cancel)(void *ctx, rt_pid_t pid);
} load_host_t;

typedef struct load_watch { char *name; uint32_t node; uint32_t mailbox_max; } load_watch_t;

typedef struct load_set {
    struct sim_world *w;
    load_host_t host;
    load_t **loads;
    uint32_t n, cap;
    sim_time_t interval;       /* time-series sampling period (default 1 s) */
    evq_id_t sample_ev;
    bool sampling;
    sim_time_t last_sample;
    sim_time_t *last_busy;     /* per node, at the last sample */
    uint32_t nlast;
    load_watch_t *watch;
    uint32_t nwatch;
    jbuf_t csv;                /* the time series: time_s,scope,name,metric,value */
    jbuf_t msg_buf, term_buf;  /* scratch for building requests */
} load_set_t;

void load_set_init(load_set_t *s, struct sim_world *w);
void load_set_deinit(load_set_t *s);
/* Adds a load whose fields the caller filled (name, node, closed/segs/users..., ops, keys);
 * takes ownership of its allocations; starts it at l->from. Returns 0, or -1 (bad). */
int load_add(load_set_t *s, load_t *l);
load_t *load_find(load_set_t *s, const char *name);
/* Reports from the host about a Lua request. */
void load_lua_started(load_set_t *s, load_t *l, uint32_t req, uint32_t gen, sim_time_t at);
void load_lua_done(load_set_t *s, load_t *l, uint32_t req, uint32_t gen, int outcome, sim_time_t at);
/* Adds a named process whose mailbox length the time series follows. */
void load_watch_add(load_set_t *s, const char *name, uint32_t node);
/* Starts the periodic sampling (idempotent). */
void load_sampling_start(load_set_t *s);
/* Appends the summary of one load (or op) as JSON: {"count":..,"response":{...},...}. */
void load_stats_json(const load_stats_t *st, sim_time_t active, jbuf_t *out);
/* Draws a key (1-based) from a key distribution. */
uint64_t load_key_draw(load_keys_t *k, prng_t *r);
/* Samples a load_dist_t in ns. */
sim_time_t load_dist_sample(const load_dist_t *d, prng_t *r);

#endif
