/* bench_load.c — how fast does the load generator's C fast path simulate a busy service?
 * One hour of virtual time at 10,000 requests per second (36 million gen_server calls) across
 * three nodes: bench/load_mmc.lua, an M/M/c model (two server nodes of 4 cores, 16 gen_servers
 * each, exponential service times, 80 % busy), run in-process through the scenario host (as
 * `otpsim run bench/load_mmc.lua`). Reports virtual seconds per wall second, the mean response
 * time against SimPy's and Erlang C's, peak RSS and the trace hash. Then the same with casts
 * (no replies) for 10 virtual minutes, the generator and network alone (casts to a name that
 * nobody registered: built, sent, carried and dropped) for 10 virtual minutes, and the same model
 * in SimPy (bench/mmc_simpy.py, 60 virtual seconds: it is far slower) for the side-by-side ratio. SimPy is never a dependency:
 * without it (apt-get install python3-simpy) that part is skipped with a note.
 *
 * Usage: bench_load [--quick] [--seconds N]
 *   --quick      2 virtual seconds at 2,000 requests/s, run twice (the trace hashes must agree);
 *                no SimPy. For `make test`.
 *   --seconds N  virtual seconds of the call run (default 3600). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host/scenario.h"
#include "bench/bench_util.h"

typedef struct outcome {
    host_run_result_t r;
    double wall, cpu;
    char line[512];        /* the scenario's "mmc result:" line */
    double mean_ms, erlang_ms, util;
    uint64_t requests;
} outcome_t;

static double field(const char *line, const char *key)
{
    const char *p = strstr(line, key);
    return p ? strtod(p + strlen(key), NULL) : -1;
}

static int run(const host_set_t *sets, size_t nsets, outcome_t *o)
{
    FILE *out = tmpfile();
    if (!out) return -1;
    host_run_opts_t opts = { .path = "bench/load_mmc.lua", .seed = 1, .sets = sets, .nsets = nsets,
                             .lib_dir = "scenarios/lib", .max_instructions = 0,
                             .max_memory = (size_t)8 << 30, .out = out };
    memset(o, 0, sizeof *o);
    double t0 = wall_seconds(), c0 = cpu_seconds();
    host_scenario_run(&opts, &o->r);
    o->wall = wall_seconds() - t0;
    o->cpu = cpu_seconds() - c0;
    rewind(out);
    char line[512];
    while (fgets(line, sizeof line, out)) {
        const char *p = strstr(line, "mmc result: ");
        if (p) {
            snprintf(o->line, sizeof o->line, "%s", p + strlen("mmc result: "));
            o->line[strcspn(o->line, "\n")] = 0;
        }
    }
    fclose(out);
    if (o->r.exit_code != 0 || !o->line[0]) {
        fprintf(stderr, "bench_load: the scenario failed (exit %d): %s\n", o->r.exit_code, o->r.error ? o->r.error : "");
        for (size_t i = 0; i < o->r.nchecks; i++)
            if (!o->r.checks[i].ok) fprintf(stderr, "  check failed: %s: %s\n", o->r.checks[i].name, o->r.checks[i].detail);
        return -1;
    }
    o->mean_ms = field(o->line, "mean_response_ms ");
    o->erlang_ms = field(o->line, "erlang_c_ms ");
    o->util = field(o->line, "util ");
    o->requests = (uint64_t)field(o->line, "requests ");
    return 0;
}

static void report(const char *what, const outcome_t *o)
{
    double vs = (double)o->r.sim_time * 1e-9;
    printf("%s: %.0f virtual s in %.2f wall s = %.1f virtual s per wall s (%.1f per CPU s: %.2f CPU s); %" PRIu64
           " requests, %.2f us of CPU each; %" PRIu64 " trace events; trace-hash %016" PRIx64 "\n",
           what, vs, o->wall, vs / o->wall, vs / o->cpu, o->cpu, o->requests,
           o->requests ? o->cpu * 1e6 / (double)o->requests : 0.0, o->r.events, o->r.trace_hash);
}

/* Runs bench/mmc_simpy.py with the interpreter that has SimPy; fills wall/virtual seconds. */
static int simpy(double seconds, double *virt, double *wall, double *cpu, double *mean_ms, char *version, size_t vlen)
{
    static const char *const pythons[] = { "/usr/bin/python3", "python3" };
    for (size_t i = 0; i < sizeof pythons / sizeof pythons[0]; i++) {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "%s bench/mmc_simpy.py --duration %.0f 2>/dev/null", pythons[i], seconds);
        FILE *p = popen(cmd, "r");
        if (!p) continue;
        char line[512] = "";
        char got[512] = "";
        while (fgets(line, sizeof line, p))
            if (strncmp(line, "simpy result: ", 14) == 0) snprintf(got, sizeof got, "%s", line + 14);
        int rc = pclose(p);
        if (rc != 0 || !got[0]) continue;
        *virt = field(got, "virtual_s ");
        *wall = field(got, "wall_s ");
        *cpu = field(got, "cpu_s ");
        *mean_ms = field(got, "mean_response_ms ");
        const char *py = strstr(got, " python ");
        snprintf(version, vlen, "%.*s", py ? (int)(py - got) : 8, got);
        return *wall > 0 ? 0 : -1;
    }
    return -1;
}

int main(int argc, char **argv)
{
    int quick = 0;
    double seconds = 3600;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) quick = 1;
        else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) seconds = atof(argv[++i]);
        else {
            fprintf(stderr, "usage: bench_load [--quick] [--seconds N]\n");
            return 2;
        }
    }
    if (quick) {
        static const host_set_t small[] = { { "rate", "2000" }, { "duration_s", "2" } };
        outcome_t a, b;
        if (run(small, 2, &a) != 0 || run(small, 2, &b) != 0) return 1;
        if (a.r.trace_hash != b.r.trace_hash) {
            fprintf(stderr, "bench_load: trace hash differs between two runs (%016" PRIx64 " vs %016" PRIx64 ")\n",
                    a.r.trace_hash, b.r.trace_hash);
            return 1;
        }
        report("load (quick)", &a);
        host_run_result_free(&a.r);
        host_run_result_free(&b.r);
        return 0;
    }

    char dur[32];
    snprintf(dur, sizeof dur, "%.0f", seconds);
    const host_set_t calls[] = { { "duration_s", dur } };
    printf("load: M/M/c through the C fast path: Poisson 10,000 requests/s from node client to 2 x 16 "
           "gen_servers on nodes s1, s2 (4 cores each, exponential service, 80 %% busy)\n");
    fflush(stdout);
    outcome_t c;
    if (run(calls, 1, &c) != 0) return 1;
    long rss = peak_rss_kib();
    report("  calls", &c);
    printf("  calls: mean response %.4f ms (Erlang C for a shared queue: %.4f ms); cores %.1f %% busy; "
           "peak RSS %.1f MiB\n", c.mean_ms, c.erlang_ms, 100 * c.util, rss / 1024.0);
    fflush(stdout);

    static const host_set_t casts[] = { { "duration_s", "600" }, { "kind", "cast" } };
    outcome_t k;
    if (run(casts, 2, &k) != 0) return 1;
    report("  casts", &k);
    fflush(stdout);

    static const host_set_t bare[] = { { "duration_s", "600" }, { "kind", "cast" }, { "servers", "false" } };
    outcome_t g;
    if (run(bare, 3, &g) != 0) return 1;
    report("  the generator and network alone (casts to a name nobody has on s1, s2)", &g);
    fflush(stdout);

    double svirt = 0, swall = 0, scpu = 0, smean = 0;
    char version[64];
    if (simpy(60, &svirt, &swall, &scpu, &smean, version, sizeof version) == 0) {
        double ovs = (double)c.r.sim_time * 1e-9 / c.wall, svs = svirt / swall;
        double ocpu = (double)c.r.sim_time * 1e-9 / c.cpu, scpus = scpu > 0 ? svirt / scpu : 0;
        printf("  SimPy (%s, bench/mmc_simpy.py, the same model): %.0f virtual s in %.2f wall s = %.2f virtual s "
               "per wall s (%.2f per CPU s); mean response %.4f ms\n", version, svirt, swall, svs, scpus, smean);
        printf("  otpsim (calls) / SimPy: %.1fx faster in wall time, %.1fx in CPU time\n", ovs / svs,
               scpus > 0 ? ocpu / scpus : 0.0);
    } else {
        printf("  SimPy: not run (needs python3 with SimPy: apt-get install python3-simpy)\n");
    }
    host_run_result_free(&c.r);
    host_run_result_free(&k.r);
    host_run_result_free(&g.r);
    return 0;
}
