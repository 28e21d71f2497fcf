/* bench_viz.c — can the live view keep up? Frame time with 10,000 processes and heavy message
 * traffic. The scenario (bench/viz_cluster.lua) puts 10,000 processes in supervision trees on
 * four nodes and runs a load of 50,000 gen_server calls per virtual second across two nodes
 * (100,000 messages per virtual second), for 2 virtual seconds, in-process through the scenario
 * host, twice: once without a view, once with the live view drawing offscreen (the same code as
 * the window, SDL's software renderer, 1280 x 720) as fast as the simulation goes, at most 60
 * frames per wall second. Reports the frame time (sampling the world, layout and drawing: mean,
 * p99, max; 16.7 ms is the 60 fps budget), frames drawn, and the simulation's events per wall
 * second without and with the view (what observing costs the run). Checksum: the trace-hash,
 * which must be the same with and without the view.
 *
 * Usage: bench_viz [--quick]    --quick: 1,000 processes, 5,000 calls/s, 0.3 s, for `make test`. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host/scenario.h"
#include "viz/viz.h"
#include "bench/bench_util.h"

static void ob_attach(void *ctx, struct sim_world *w) { viz_attach(ctx, w); }
static void ob_between(void *ctx, const host_observation_t *o, uint64_t *n, sim_time_t *until)
{
    viz_between(ctx, o->next_time, o->run_end, n, until);
}
static void ob_detach(void *ctx, const host_observation_t *o) { viz_detach(ctx, o->exit_code); }

static int run(const host_set_t *sets, size_t nsets, viz_t *v, host_run_result_t *r, double *wall)
{
    host_observer_t ob = { .ctx = v, .attach = ob_attach, .between = ob_between, .detach = ob_detach };
    host_run_opts_t o = { .path = "bench/viz_cluster.lua", .seed = 1, .sets = sets, .nsets = nsets,
                          .lib_dir = "scenarios/lib", .max_instructions = 1000000000,
                          .max_memory = (size_t)8 << 30, .out = stdout, .quiet = true, .observer = v ? &ob : NULL };
    double t0 = wall_seconds();
    host_scenario_run(&o, r);
    *wall = wall_seconds() - t0;
    if (r->exit_code != 0) {
        fprintf(stderr, "bench_viz: the scenario failed (exit %d): %s\n", r->exit_code, r->error ? r->error : "");
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    host_set_t sets[3] = { { "procs", quick ? "1000" : "10000" }, { "rate", quick ? "5000" : "50000" },
                           { "duration_ms", quick ? "300" : "2000" } };
    host_run_result_t plain, viewed;
    double wall_plain, wall_viewed;
    if (run(sets, 3, NULL, &plain, &wall_plain) != 0) return 1;

    setenv("OTPSIM_VIZ_SPEED", "max", 1);
    char err[512];
    viz_opts_t vo = { .live = true, .offscreen = true, .title = "viz_cluster.lua", .seed = 1, .hold = false };
    viz_t *v = viz_create(&vo, err, sizeof err);
    if (!v) {
        fprintf(stderr, "bench_viz: %s\n", err);
        return 1;
    }
    if (run(sets, 3, v, &viewed, &wall_viewed) != 0) return 1;
    uint64_t frames;
    double mean, p99, max;
    viz_frame_times(v, &frames, &mean, &p99, &max);
    const viz_model_t *m = viz_model(v);
    uint64_t sends = m->sends;
    viz_destroy(v);
    if (viewed.trace_hash != plain.trace_hash) {
        fprintf(stderr, "bench_viz: the view changed the run: trace-hash %016" PRIx64 " vs %016" PRIx64 "\n",
                viewed.trace_hash, plain.trace_hash);
        return 1;
    }
    if (frames == 0) {
        fprintf(stderr, "bench_viz: no frame was drawn\n");
        return 1;
    }
    printf("live view: %s processes, %" PRIu64 " messages over %s ms virtual (%.0f msg per virtual s); "
           "%" PRIu64 " frames of 1280x720, frame time mean %.2f ms, p99 %.2f ms, max %.2f ms (60 fps budget 16.7 ms)\n",
           sets[0].value, sends, sets[2].value, (double)sends / (atof(sets[2].value) / 1e3), frames, mean, p99, max);
    printf("simulation: %.0f events/s without the view, %.0f events/s with it (%.2fx the wall time); "
           "trace-hash %016" PRIx64 " with and without\n",
           (double)plain.events / wall_plain, (double)viewed.events / wall_viewed, wall_viewed / wall_plain, plain.trace_hash);
    host_run_result_free(&plain);
    host_run_result_free(&viewed);
    return 0;
}
