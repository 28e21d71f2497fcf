/* scenario.h — running one scenario: load the Lua script, run its events, evaluate its checks.
 *
 * A run is a pure function of (script and the files it requires, parameters, seed, binary): the
 * trace and its hash are identical in any process. The CLI fills host_run_opts_t, calls
 * host_scenario_run once, and prints or serialises the host_run_result_t. */
#ifndef HOST_SCENARIO_H
#define HOST_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/kernel/simtime.h"

/* Exit codes, as design.md §4 fixes them. */
enum { HOST_EXIT_PASS = 0, HOST_EXIT_CHECK_FAILED = 1, HOST_EXIT_USAGE = 2, HOST_EXIT_INTERNAL = 3 };

typedef struct host_set { const char *name, *value; } host_set_t;

/* ---- observers (viz/): read-only watchers of a run ------------------------------------------
 * An observer sees the world between events and may block there (a paused live view), but must
 * never change anything the simulation reads: the trace-hash of a run is the same with or
 * without one (design.md, "Observers never steer"). */
struct sim_world;

/* A sim.slo threshold (docs/load.md): metric is mean, p50, p90, p99, p999, max (value in ms),
 * error_rate, availability or throughput; op -2 <, -1 <=, 1 >=, 2 >. */
typedef struct host_slo_view { const char *load, *metric, *text; int op; double value; } host_slo_view_t;

typedef struct host_observation {
    struct sim_world *world;     /* the run's world: read only */
    sim_time_t next_time;        /* when the next event is due; SIM_TIME_MAX if none is pending */
    sim_time_t run_end;          /* end of the sim.run in progress (SIM_TIME_MAX: open) */
    const host_slo_view_t *slos; /* valid during the call */
    size_t nslos;
    int exit_code;               /* -1 while running; the run's exit code in `detach` */
} host_observation_t;

typedef struct host_observer {
    void *ctx;
    /* The world exists and its runtime is up; the script has not run yet. The observer may
     * install a trace observer (trace_observer_set) and nothing else. */
    void (*attach)(void *ctx, struct sim_world *w);
    /* Between two events. The host calls it again once *events more events have run, or before
     * the first event later than *until, whichever comes first (*events >= 1). */
    void (*between)(void *ctx, const host_observation_t *o, uint64_t *events, sim_time_t *until);
    /* The run is over (checks judged, the end event traced); the world still exists. */
    void (*detach)(void *ctx, const host_observation_t *o);
    /* Asked after each `between` (may be NULL): true abandons the run there — it ends at once as
     * a scenario error, unjudged, and `detach` is still called. A live view rewinding in time
     * does this; the CLI then runs the scenario again (the same run, event for event). */
    bool (*abandon)(void *ctx);
} host_observer_t;

typedef struct host_run_opts {
    const char *path;            /* scenario file */
    uint64_t seed;
    const host_set_t *sets;      /* --set NAME=VALUE, in command-line order (borrowed) */
    size_t nsets;
    const char *trace_path;      /* NULL: hash only */
    const char *lib_dir;         /* scenarios/lib */
    bool quiet;                  /* no print output on stdout */
    uint64_t max_instructions;   /* per top-level chunk or callback; 0 = unlimited */
    size_t max_memory;           /* bytes of Lua heap; 0 = unlimited */
    FILE *out;                   /* where prints go (stdout) */
    const host_observer_t *observer;  /* NULL: none (--viz installs one; borrowed) */
} host_run_opts_t;

/* event: the trace event that judged it (a check's, an SLO's, a property's failure), 0 if none */
typedef struct host_check_result { char *name; bool ok; char *detail; uint64_t event; } host_check_result_t;
/* shrink: the floor `otpsim shrink` may lower the parameter to (JSON), NULL if it may not */
typedef struct host_param_result { char *name; char *json; char *shrink; } host_param_result_t;

typedef struct host_run_result {
    int exit_code;
    uint64_t trace_hash;
    uint64_t events;
    sim_time_t sim_time;
    host_check_result_t *checks;
    size_t nchecks;
    host_param_result_t *params;  /* declaration order; json is the value as JSON */
    size_t nparams;
    char *error;                  /* first line(s) of the error, or NULL */
    char *error_detail;           /* traceback, or NULL */
    char *metrics_json;           /* a JSON object */
    char *metrics_csv;            /* the time series (time_s,scope,name,metric,value), or NULL */
} host_run_result_t;

/* Runs the scenario. Never exits the process except through SIM_ASSERT. The result is filled
 * in every case; release it with host_run_result_free. */
void host_scenario_run(const host_run_opts_t *opts, host_run_result_t *res);
void host_run_result_free(host_run_result_t *res);

/* Removes any temporary output of the run in progress (for signal handlers: async-signal-safe). */
void host_scenario_cleanup_on_signal(void);

#endif
