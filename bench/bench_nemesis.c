/* bench_nemesis.c — how fast does a big cluster under faults simulate, and in how much memory?
 * 100 nodes × 100 Lua processes (10,000), every process pinging the registered server of a
 * random node once a second (jittered) and waiting for its pong, under a swarm nemesis with every
 * fault kind (1 fault per second from 5 s to 50 s; crashed nodes reboot their processes through
 * their boot function), then a sim.eventually liveness check; 60 s of virtual time. The scenario
 * is bench/nemesis_cluster.lua, run in-process through the scenario host (as `otpsim run`).
 * Reports virtual seconds simulated per wall second and the peak resident set of this process
 * (VmHWM: the world, the Lua heap and everything else), with the run's trace-hash as checksum.
 * The seed (2) is one whose swarm draw enables node crashes (and five other fault kinds).
 *
 * Usage: bench_nemesis [--quick]    --quick: 10 nodes × 10 processes, 10 s, for `make test`;
 * runs twice and fails unless both runs give the same trace hash. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host/scenario.h"
#include "bench/bench_util.h"

typedef struct outcome {
    host_run_result_t r;
    double wall;
    char line[512];      /* the scenario's result line */
    double lua_peak;     /* metrics.lua.object_bytes_peak */
} outcome_t;

static int run(const host_set_t *sets, size_t nsets, outcome_t *o)
{
    FILE *out = tmpfile();
    if (!out) return -1;
    host_run_opts_t opts = { .path = "bench/nemesis_cluster.lua", .seed = 2, .sets = sets, .nsets = nsets,
                             .lib_dir = "scenarios/lib", .max_instructions = 1000000000,
                             .max_memory = (size_t)8 << 30, .out = out };
    memset(o, 0, sizeof *o);
    double t0 = wall_seconds();
    host_scenario_run(&opts, &o->r);
    o->wall = wall_seconds() - t0;
    rewind(out);
    char line[512];
    while (fgets(line, sizeof line, out)) {
        const char *p = strstr(line, "cluster nodes ");
        if (p) {
            snprintf(o->line, sizeof o->line, "%s", p);
            o->line[strcspn(o->line, "\n")] = 0;
        }
    }
    fclose(out);
    const char *m = o->r.metrics_json ? strstr(o->r.metrics_json, "\"object_bytes_peak\":") : NULL;
    o->lua_peak = m ? strtod(m + strlen("\"object_bytes_peak\":"), NULL) : -1;
    if (o->r.exit_code != 0) {
        fprintf(stderr, "bench_nemesis: the scenario failed (exit %d): %s\n", o->r.exit_code,
                o->r.error ? o->r.error : "");
        for (size_t i = 0; i < o->r.nchecks; i++)
            if (!o->r.checks[i].ok)
                fprintf(stderr, "  check failed: %s: %s\n", o->r.checks[i].name,
                        o->r.checks[i].detail ? o->r.checks[i].detail : "");
        return -1;
    }
    if (!o->line[0]) {
        fprintf(stderr, "bench_nemesis: no result line\n");
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    static const host_set_t full[] = { { "nodes", "100" }, { "procs", "100" } };
    static const host_set_t small[] = { { "nodes", "10" }, { "procs", "10" }, { "duration_s", "10" },
                                        { "from_s", "1" }, { "to_s", "7" }, { "within_s", "3" } };
    const host_set_t *sets = quick ? small : full;
    size_t nsets = quick ? sizeof small / sizeof small[0] : sizeof full / sizeof full[0];
    outcome_t a;
    if (run(sets, nsets, &a) != 0) return 1;
    long rss = peak_rss_kib();
    if (quick) {
        outcome_t b;
        if (run(sets, nsets, &b) != 0) return 1;
        if (a.r.trace_hash != b.r.trace_hash) {
            fprintf(stderr, "bench_nemesis: trace hash differs between two runs (%016" PRIx64 " vs %016" PRIx64 ")\n",
                    a.r.trace_hash, b.r.trace_hash);
            return 1;
        }
        host_run_result_free(&b.r);
    }
    double vs = (double)a.r.sim_time * 1e-9;
    printf("nemesis cluster: %s nodes x %s processes, swarm nemesis (all faults, 1/s), %.0f s virtual "
           "in %.2f s wall: %.2f virtual s per wall s; peak RSS %.1f MiB (Lua objects peak %.1f MiB); "
           "%" PRIu64 " trace events, trace-hash %016" PRIx64 "\n",
           sets[0].value, sets[1].value, vs, a.wall, vs / a.wall, rss / 1024.0, a.lua_peak / 1048576.0,
           a.r.events, a.r.trace_hash);
    printf("  %s\n", a.line);
    host_run_result_free(&a.r);
    return 0;
}
