/* scenario_int.h — the scenario host's state, shared by scenario.c and simapi.c only. */
#ifndef HOST_SCENARIO_INT_H
#define HOST_SCENARIO_INT_H

#include <lua.h>

#include "alloc.h"
#include "sandbox.h"
#include "scenario.h"
#include "base/jbuf.h"
#include "sim/world.h"

typedef struct host_param {
    char *name;
    char *json;      /* the effective value, as JSON */
    char *shrink;    /* {shrink = FLOOR}: the floor as JSON (otpsim shrink may lower it), or NULL */
} host_param_t;

typedef struct host_check { char *name; int fn_ref; } host_check_t;

typedef struct host_prop {   /* sim.always / sim.eventually (props.c) */
    char *name;
    int fn_ref;
    uint8_t kind, state;
    sim_time_t every;       /* 0: after every event */
    sim_time_t within;      /* eventually: the bound */
    sim_time_t after;       /* eventually: start, or SIM_TIME_MAX for "when the faults stop" */
    evq_id_t ev;
    evq_id_t start_ev, mark_ev;   /* eventually: evaluations at the start and the deadline */
    sim_time_t mark_at;
    uint64_t evaluations;
    uint64_t fail_event;    /* the trace event of its failure */
    char *detail;           /* set when it failed or held */
} host_prop_t;

typedef struct host_slo {    /* one sim.slo threshold (simload.c) */
    char load[96], metric[32], text[128];
    int op;                 /* -2 <, -1 <=, 1 >=, 2 > */
    double value;           /* ms for latencies */
} host_slo_t;

typedef struct host_timer {
    evq_id_t ev;            /* pending firing, 0 when none */
    int fn_ref;             /* registry reference to the callback */
    sim_time_t interval;    /* 0 for one-shot timers */
    uint64_t remaining;     /* firings left for sim.every{count=}; 0 = unlimited */
    sim_time_t until;       /* last allowed firing time for sim.every; SIM_TIME_MAX = none */
    char where[96];         /* "file.lua:12" where the callback was defined */
    bool active;
} host_timer_t;

typedef struct host_scenario {
    lua_State *L;
    host_alloc_t alloc;
    sim_world_t w;              /* clock, events, trace, nodes, runtime */
    const host_run_opts_t *opts;
    uint64_t next_udata_id;
    prng_t rng_dist;            /* the "dist" stream behind sim.exp and friends */
    int *boot_ref;              /* per node: registry ref of its boot function, or LUA_NOREF */
    sim_time_t *heart;          /* per node: restart delay after it goes down, or SIM_TIME_MAX */
    uint32_t nboot;
    bool no_heart;              /* sim.crash with restart_after: no heart restart as well */

    char *scenario_dir;         /* where require looks first (sandbox.h: kept out of the Lua heap) */
    host_sandbox_dirs_t dirs;
    host_param_t *params;
    size_t nparams, params_cap;
    bool *set_used;             /* per opts->sets entry */

    host_check_t *checks;
    size_t nchecks, checks_cap;

    host_timer_t *timers;       /* timer id = index + 1; never reused */
    size_t ntimers, timers_cap;
    size_t unbounded_timers;    /* active sim.every timers with neither count nor until */

    uint64_t instr_used;        /* in the current top-level chunk or callback */
    uint64_t instr_total;
    bool dying;                 /* a limit was exceeded: every instruction raises fatal_msg */
    char fatal_msg[512];

    host_slo_t *slos;
    size_t nslos;
    size_t unbounded_loads;     /* loads without a 'to' */
    int request_wrapper_ref;    /* the Lua wrapper of sim.load request functions */
    struct sim_service **services;  /* sim.service stubs (restarted with their node) */
    size_t nservices;

    host_prop_t *props;
    size_t nprops, props_cap;
    size_t props_each;          /* properties evaluated after every event */
    sim_time_t faults_end;      /* when the nemesis stops (sim.eventually counts from it) */
    bool stopped;               /* a sim.always was violated: no more events run */

    bool unbounded_run;         /* a sim.run without an end is in progress */
    int depth;                  /* > 0 while a callback runs */
    bool ran;                   /* sim.run was called */
    bool sets_checked;
    bool failed;                /* a script error happened: the run stops */
    jbuf_t err, err_detail;     /* the first script error */

    /* the observer (opts->observer), called between events */
    uint64_t obs_events;        /* events left before the next call */
    sim_time_t obs_until;       /* call before the first event later than this */
    host_slo_view_t *obs_slos;  /* views of slos[], rebuilt when nslos changes */
    size_t obs_nslos;
} host_scenario_t;

/* From scenario.c, for simapi.c. */
host_scenario_t *host_scenario_of(lua_State *L);
/* Runs events up to and including `end`, then sets the clock to `end` (unless SIM_TIME_MAX).
 * Returns 0, or -1 if a callback failed (the error is recorded in s). */
int host_scenario_advance(host_scenario_t *s, sim_time_t end);
/* Raises a Lua error if a --set names a parameter the script has not declared. */
void host_scenario_check_sets(host_scenario_t *s);
/* Schedules timer t (index) at `at`. Raises on memory exhaustion. */
void host_scenario_arm_timer(host_scenario_t *s, size_t t, sim_time_t at);
/* Cancels timer t (index) if it is active and releases its callback. */
void host_scenario_cancel_timer(host_scenario_t *s, size_t t);
/* Emits a print event and writes the line to opts->out unless quiet. */
void host_scenario_print(host_scenario_t *s, const char *text, size_t n);

/* Calls the function below the nargs arguments on top of the stack, protected, with the limits
 * of scenario code; soft: an error is returned (message on the stack) instead of stopping the run. */
int host_scenario_call(host_scenario_t *s, int nargs, int nres, bool soft);
/* lua_CFunction: calls the function at 1 and returns (ok, detail string) like a sim.check. */
int host_check_call(lua_State *L);
/* From props.c: sim.always, sim.eventually, sim._faults_end (added to the table on top). */
void host_props_open(lua_State *L);
void host_props_after_event(host_scenario_t *s);
void host_props_results(host_scenario_t *s, host_run_result_t *res);  /* appends to res->checks */
void host_props_free(host_scenario_t *s);

/* From simload.c: sim.load and the rest of the load API (added to the table on top). */
void host_simload_open(lua_State *L);
void host_slo_add(host_scenario_t *s, const host_slo_t *t);
void host_slo_results(host_scenario_t *s, host_run_result_t *res);  /* appends to res->checks */
void host_loads_json(host_scenario_t *s, jbuf_t *m);                 /* "loads":{...} */
void host_services_restart(host_scenario_t *s, uint32_t node);       /* after node restarted */
void host_services_free(host_scenario_t *s);

/* From simapi.c: installs the global `sim` table and `print`. */
void host_simapi_open(lua_State *L);
/* Raises if the table at idx has a key not in `allowed` (checked in deterministic order). */
void host_check_options(lua_State *L, int idx, const char *fname, const char *const *allowed);
/* The node named by the string at idx; raises "fname: no node named ..." otherwise. */
uint32_t host_check_node(lua_State *L, host_scenario_t *s, int idx, const char *fname);
/* From simnet.c: sim.net, sim.link, partitions and the other network and node faults, added to
 * the table on top of the stack. */
void host_simnet_open(lua_State *L);

#endif
