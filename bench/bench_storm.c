/* bench_storm.c — how fast do supervisors restart? One supervisor with 10,000 children; a
 * chaos process kills a random child every 100 us of virtual time, 20,000 times; each kill is a
 * restart. Reports restarts per wall second and the supervisor's virtual CPU per restart (the
 * scenario is bench/restart_storm.lua, run in-process through the scenario host). Checksum: the
 * run's trace-hash.
 *
 * Usage: bench_storm [--quick]    --quick: 200 children, 400 kills, for `make test`. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host/scenario.h"
#include "bench/bench_util.h"

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    host_set_t sets[2] = { { "children", quick ? "200" : "10000" }, { "kills", quick ? "400" : "20000" } };
    FILE *out = tmpfile();
    if (!out) return 1;
    host_run_opts_t o = { .path = "bench/restart_storm.lua", .seed = 1, .sets = sets, .nsets = 2,
                          .lib_dir = "scenarios/lib", .max_instructions = 1000000000,
                          .max_memory = (size_t)8 << 30, .out = out };
    host_run_result_t r;
    double t0 = wall_seconds();
    host_scenario_run(&o, &r);
    double wall = wall_seconds() - t0;
    if (r.exit_code != 0) {
        fprintf(stderr, "bench_storm: the scenario failed (exit %d): %s\n", r.exit_code, r.error ? r.error : "");
        return 1;
    }
    rewind(out);
    char line[512];
    long restarts = -1;
    double per_us = -1;
    while (fgets(line, sizeof line, out)) {
        const char *p = strstr(line, "restarts ");
        if (p) sscanf(p, "restarts %ld virtual %*f s sup cpu per restart %lf us", &restarts, &per_us);
    }
    fclose(out);
    if (restarts <= 0) {
        fprintf(stderr, "bench_storm: no result line\n");
        return 1;
    }
    printf("restart storm: %s children, %ld restarts in %.3f s wall: %.0f restarts/s; "
           "supervisor CPU %.1f us (virtual) per start; trace-hash %016" PRIx64 "\n",
           sets[0].value, restarts, wall, restarts / wall, per_us, r.trace_hash);
    host_run_result_free(&r);
    return 0;
}
