/* service.h — built-in service stubs: a gen_server-compatible C process that answers every call
 * with a fixed reply after a simulated service time (design.md §3 "Load"). For models where the
 * service's logic does not matter, only its demand on the CPU (an M/M/c station, a database
 * stand-in), at rates where a Lua gen_server would cost more wall time than the model needs.
 *
 * It speaks gen_server's wire protocol: {tag = "$gen_call", from = {pid, ref}, req} is answered
 * with {tag = "$reply", ref, value} to the caller's alias once `work` of CPU has been spent;
 * {tag = "$gen_cast"} costs `work` and has no answer; anything else is dropped at no cost. One
 * service is one process (one core at a time), registered under its name on its node. */
#ifndef SIM_SERVICE_H
#define SIM_SERVICE_H

#include <stdint.h>

#include "base/prng.h"
#include "sim/load.h"

struct sim_world;

typedef struct sim_service {
    char *name;
    uint32_t node;
    load_dist_t work;          /* service time per call or cast, ns */
    uint8_t *reply;            /* the reply's value (a term) */
    uint32_t reply_len;
    prng_t rng;                /* stream "service:<name>" */
    rt_pid_t pid;
    uint64_t calls, casts;
    jbuf_t buf;                /* the reply term, built at the first call (a zeroed jbuf_t is an
                                * empty one); each reply writes its ref into it at ref_at */
    uint32_t ref_at;
} sim_service_t;

/* Spawns (or, after its node restarted, respawns) the service's process and registers its name.
 * Returns the pid, or 0 if the node is down or the name is taken. */
rt_pid_t sim_service_start(struct sim_world *w, sim_service_t *svc);

#endif
