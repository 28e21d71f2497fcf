/* runobs.h — the run's own observer: stopping at a moment (--until T, --until-event N) and the
 * event number of each failing check. It wraps another observer (the --viz view, or none) and
 * forwards everything to it, so both work together (docs/reproducing.md). */
#ifndef HOST_RUNOBS_H
#define HOST_RUNOBS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "perfetto.h"
#include "scenario.h"

typedef struct host_fail_ev { char *name; uint64_t ev; } host_fail_ev_t;

typedef struct host_runobs {
    const host_observer_t *inner;   /* borrowed, may be NULL */
    sim_time_t until_time;          /* SIM_TIME_MAX: none */
    uint64_t until_event;           /* 0: none */
    FILE *out;
    /* set by the caller so the stop report can print them */
    uint64_t seed;
    /* filled as the run goes */
    struct sim_world *world;
    const void *inner_tr;           /* the trace observer the inner observer installed */
    uint64_t cur_ev;
    bool cur_judged;
    char *cur_name;
    bool cur_failed;
    host_fail_ev_t *fails;
    size_t nfails;
    host_perfetto_t *perfetto;      /* --perfetto: fed every event (owned; NULL: off) */
    const char *perfetto_path;
    uint64_t inner_left;            /* events until the inner observer wants to be called */
    sim_time_t inner_until;
    host_observer_t self;
    void *tr_self;                  /* the trace observer installed on the trace */
    /* With a live view (--viz): called once at the --until / --until-event moment instead of
     * stopping the run; the view pauses there and the run goes on when the user resumes it. */
    void (*at_until)(void *ctx);
    void *at_until_ctx;
} host_runobs_t;

/* Prepares ro and returns the observer to put in host_run_opts_t.observer. */
const host_observer_t *host_runobs_init(host_runobs_t *ro, const host_observer_t *inner, sim_time_t until_time,
                                        uint64_t until_event, uint64_t seed, FILE *out);
/* The event at which the check/property/SLO `name` first failed; 0 if unknown. */
uint64_t host_runobs_fail_event(const host_runobs_t *ro, const char *name);
void host_runobs_deinit(host_runobs_t *ro);

#endif
