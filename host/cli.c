/* cli.c — commands, options, human output and the --json result file. */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "dur.h"
#include "report.h"
#include "diff.h"
#include "determinism.h"
#include "runobs.h"
#include "sweep.h"
#include "shrink.h"
#include "base/atomic_file.h"
#include "scenario.h"
#include "base/jbuf.h"
#include "viz/viz.h"

#define DEFAULT_MAX_INSTRUCTIONS UINT64_C(1000000000)
#define DEFAULT_MAX_MEMORY ((size_t)4 << 30)

static const char usage_main[] =
    "otpsim " OTPSIM_VERSION " - deterministic simulator for Erlang/OTP-style systems\n"
    "\n"
    "usage: otpsim <command> [options]\n"
    "\n"
    "commands:\n"
    "  run SCENARIO     run a scenario script; pass/fail, metrics, trace\n"
    "  report SCENARIO  sweep a scenario's parameters over seeds: a capacity report\n"
    "  diff A B         the first divergent event of two traces (docs/reproducing.md)\n"
    "  sweep SCENARIO   run a scenario over many seeds in parallel; list the failing seeds\n"
    "  shrink SCENARIO  minimise the fault schedule of a failing run (--seed N)\n"
    "  help [COMMAND]   show help for a command\n"
    "\n"
    "options:\n"
    "  -h, --help       show this help\n"
    "  --version        print the version\n"
    "\n"
    "Every run is a pure function of (scenario, parameters, seed, binary): the same inputs give\n"
    "a byte-identical trace. See docs/ and 'otpsim help run'.\n";

static const char usage_run[] =
    "usage: otpsim run SCENARIO [options]\n"
    "\n"
    "Runs the Lua scenario script SCENARIO under the virtual clock and evaluates its checks.\n"
    "\n"
    "options:\n"
    "  --seed N|random        root seed of every random stream (default 1); 'random' draws one\n"
    "                         and prints it\n"
    "  --set NAME=VALUE       override a parameter declared with sim.param (repeatable)\n"
    "  --trace FILE           write the trace as JSON Lines (docs/trace-format.md)\n"
    "  --json FILE            write the result as one JSON object (docs/json-format.md)\n"
    "  --metrics FILE         write the time series of loads, nodes and watched processes as\n"
    "                         CSV: time_s,scope,name,metric,value (docs/load.md)\n"
    "  --junit FILE           write the checks and SLO verdicts as JUnit XML\n"
    "  -q, --quiet            do not echo print() output (it still goes to the trace)\n"
    "  --max-instructions N   Lua instructions allowed per top-level chunk, callback or check\n"
    "                         (default 1000000000; 0 = unlimited)\n"
    "  --max-memory SIZE      Lua heap limit, e.g. 512MB, 4GB (default 4GB; 0 = unlimited)\n"
    "  --viz                  watch the run live in a window (docs/viz.md; h shows the keys)\n"
    "  --viz-record DIR       write PNG frames of the view to DIR, without a display\n"
    "  --viz-every T          virtual time between recorded frames (default 100ms)\n"
    "  --until T              stop before the first event later than virtual time T (e.g. 2.5s)\n"
    "                         and print the state there; the checks are not judged (exit 0)\n"
    "  --until-event N        stop once trace event N has been recorded; print the state\n"
    "  --perfetto FILE        write the trace as Chrome trace-event JSON (Perfetto,\n"
    "                         chrome://tracing; docs/reproducing.md)\n"
    "  --check-determinism    run twice as separate processes and compare the traces event by\n"
    "                         event; exit 3 and the first divergent event if they differ\n"
    "  -h, --help             show this help\n"
    "\n"
    "Standard output ends with 'seed: N' and 'trace-hash: H'; a failing run also prints\n"
    "'reproduce: <command>'. Exit codes: 0 all checks passed, 1 a check failed, 2 usage or\n"
    "scenario error (with file:line), 3 internal error.\n";

/* ---- signal-time cleanup -------------------------------------------------------------------- */

static char json_tmp_path[4096];

static void on_signal(int sig)
{
    host_scenario_cleanup_on_signal();
    if (json_tmp_path[0]) unlink(json_tmp_path);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* ---- helpers -------------------------------------------------------------------------------- */

static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
    fprintf(stderr, "otpsim: %s%s", cmd ? cmd : "", cmd ? ": " : "");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see 'otpsim help%s%s')\n", cmd ? " " : "", cmd ? cmd : "");
    return 2;
}

/* "512MB", "4GB", "1048576", "0": bytes, with k/M/G/T suffixes in powers of 1024. */
static int parse_size(const char *s, size_t *out)
{
    errno = 0;
    char *end;
    if (!*s || *s == '-') return -1;
    double v = strtod(s, &end);
    if (errno || end == s || v < 0) return -1;
    double mult = 1;
    switch (*end) {
    case 'k': case 'K': mult = 1024.0; end++; break;
    case 'm': case 'M': mult = 1048576.0; end++; break;
    case 'g': case 'G': mult = 1073741824.0; end++; break;
    case 't': case 'T': mult = 1099511627776.0; end++; break;
    default: break;
    }
    if (*end == 'i') end++;
    if (*end == 'B' || *end == 'b') end++;
    if (*end) return -1;
    v *= mult;
    if (v > (double)SIZE_MAX / 2) return -1;
    *out = (size_t)v;
    return 0;
}

/* Appends s to b quoted for a POSIX shell if it needs quoting. */
static void shell_quote(jbuf_t *b, const char *s)
{
    bool plain = *s != 0;
    for (const char *p = s; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:,+@%", *p))
            plain = false;
    if (plain) {
        jbuf_puts(b, s);
        return;
    }
    jbuf_putc(b, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '\'') jbuf_puts(b, "'\\''");
        else jbuf_putc(b, *p);
    }
    jbuf_putc(b, '\'');
}

/* The folder scenarios/lib: $OTPSIM_LIB, else found by walking up from the executable. */
static char *find_lib_dir(void)
{
    const char *env = getenv("OTPSIM_LIB");
    if (env && *env) return strdup(env);
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        for (int up = 0; up < 5; up++) {
            char *slash = strrchr(exe, '/');
            if (!slash) break;
            *slash = 0;
            char cand[PATH_MAX + 32];
            snprintf(cand, sizeof cand, "%s/scenarios/lib", exe);
            if (access(cand, R_OK) == 0) return strdup(cand);
        }
    }
    return strdup("scenarios/lib");
}

static double wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts); /* lint: wall-clock-ok (reported, never simulated) */
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Writes data to path through path.tmp and a rename, so a reader never sees half a file
 * (base/atomic_file.h; /dev/null and other non-files are written in place). */
static int write_atomic(const char *path, const char *data, size_t len)
{
    atomic_file_t a;
    FILE *f = atomic_file_open(&a, path);
    int rc = -1;
    if (f) {
        if (atomic_file_tmp(&a)) snprintf(json_tmp_path, sizeof json_tmp_path, "%s", atomic_file_tmp(&a));
        bool ok = fwrite(data, 1, len, f) == len;
        rc = atomic_file_close(&a, ok);
    }
    if (rc) fprintf(stderr, "otpsim: cannot write %s: %s\n", path, strerror(errno));
    json_tmp_path[0] = 0;
    return rc;
}

static int write_json(const char *path, const char *scenario, uint64_t seed, const host_run_result_t *r,
                      double wall_s)
{
    jbuf_t b;
    jbuf_init(&b);
    jbuf_puts(&b, "{\"otpsim_version\":\"" OTPSIM_VERSION "\",\"scenario\":");
    jbuf_json_str(&b, scenario, strlen(scenario));
    jbuf_printf(&b, ",\"seed\":%" PRIu64 ",\"trace_hash\":\"%016" PRIx64 "\",\"events\":%" PRIu64
                ",\"sim_time_ns\":%" PRIu64 ",\"wall_s\":%.6f,\"exit_code\":%d,\"status\":\"%s\"",
                seed, r->trace_hash, r->events, r->sim_time, wall_s, r->exit_code,
                r->exit_code == 0 ? "pass" : r->exit_code == 1 ? "fail" : "error");
    jbuf_puts(&b, ",\"checks\":[");
    for (size_t i = 0; i < r->nchecks; i++) {
        jbuf_puts(&b, i ? ",{\"name\":" : "{\"name\":");
        jbuf_json_str(&b, r->checks[i].name, strlen(r->checks[i].name));
        jbuf_printf(&b, ",\"ok\":%s,\"detail\":", r->checks[i].ok ? "true" : "false");
        jbuf_json_str(&b, r->checks[i].detail, strlen(r->checks[i].detail));
        jbuf_putc(&b, '}');
    }
    jbuf_puts(&b, "],\"params\":{");
    for (size_t i = 0; i < r->nparams; i++) {
        if (i) jbuf_putc(&b, ',');
        jbuf_json_str(&b, r->params[i].name, strlen(r->params[i].name));
        jbuf_putc(&b, ':');
        jbuf_puts(&b, r->params[i].json);
    }
    jbuf_puts(&b, "},\"shrink\":{");
    for (size_t i = 0, k = 0; i < r->nparams; i++) {
        if (!r->params[i].shrink) continue;
        if (k++) jbuf_putc(&b, ',');
        jbuf_json_str(&b, r->params[i].name, strlen(r->params[i].name));
        jbuf_putc(&b, ':');
        jbuf_puts(&b, r->params[i].shrink);
    }
    jbuf_puts(&b, "},\"metrics\":");
    jbuf_puts(&b, r->metrics_json ? r->metrics_json : "{}");
    jbuf_puts(&b, ",\"error\":");
    if (r->error) jbuf_json_str(&b, r->error, strlen(r->error));
    else jbuf_puts(&b, "null");
    jbuf_puts(&b, "}\n");
    int rc = b.oom ? -1 : write_atomic(path, b.p, b.len);
    jbuf_deinit(&b);
    return rc;
}

/* JUnit XML for CI systems: one testsuite, one testcase per check (a failed check is a failure). */
static void xml_text(jbuf_t *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': jbuf_puts(b, "&lt;"); break;
        case '>': jbuf_puts(b, "&gt;"); break;
        case '&': jbuf_puts(b, "&amp;"); break;
        case '"': jbuf_puts(b, "&quot;"); break;
        default:
            if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t') jbuf_putc(b, ' ');
            else jbuf_putc(b, *s);
        }
    }
}

static int write_junit(const char *path, const char *scenario, uint64_t seed, const host_run_result_t *r, double wall_s)
{
    jbuf_t b;
    jbuf_init(&b);
    size_t failed = 0;
    for (size_t i = 0; i < r->nchecks; i++) failed += !r->checks[i].ok;
    jbuf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n<testsuite name=\"");
    xml_text(&b, scenario);
    jbuf_printf(&b, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%d\" time=\"%.3f\">\n", r->nchecks, failed,
                r->exit_code >= 2 ? 1 : 0, wall_s);
    jbuf_printf(&b, "<properties><property name=\"seed\" value=\"%" PRIu64 "\"/><property name=\"trace_hash\" value=\"%016" PRIx64 "\"/></properties>\n", seed, r->trace_hash);
    for (size_t i = 0; i < r->nchecks; i++) {
        jbuf_puts(&b, "<testcase classname=\"");
        xml_text(&b, scenario);
        jbuf_puts(&b, "\" name=\"");
        xml_text(&b, r->checks[i].name);
        jbuf_puts(&b, "\">");
        if (!r->checks[i].ok) {
            jbuf_puts(&b, "<failure message=\"");
            xml_text(&b, r->checks[i].detail);
            jbuf_puts(&b, "\"/>");
        }
        jbuf_puts(&b, "</testcase>\n");
    }
    if (r->error) {
        jbuf_puts(&b, "<testcase classname=\"");
        xml_text(&b, scenario);
        jbuf_puts(&b, "\" name=\"scenario\"><error message=\"");
        xml_text(&b, r->error);
        jbuf_puts(&b, "\"/></testcase>\n");
    }
    jbuf_puts(&b, "</testsuite>\n</testsuites>\n");
    int rc = b.oom ? -1 : write_atomic(path, b.p, b.len);
    jbuf_deinit(&b);
    return rc;
}

/* ---- --viz: the live view observes the run (viz/viz.h, docs/viz.md) ------------------------ */

static void viz_obs_sync(viz_t *v, const host_observation_t *o)
{
    for (size_t i = viz_slo_count(v); i < o->nslos; i++)
        viz_slo_add(v, o->slos[i].load, o->slos[i].metric, o->slos[i].op, o->slos[i].value);
}
static void viz_obs_attach(void *ctx, struct sim_world *w) { viz_attach(ctx, w); }
/* --until with --viz: the window pauses at that moment (and can step or resume from it) */
static void viz_pause_here(void *ctx)
{
    if (!viz_is_paused(ctx)) viz_command(ctx, VIZ_CMD_PAUSE);
}
static void viz_obs_between(void *ctx, const host_observation_t *o, uint64_t *events, sim_time_t *until)
{
    viz_obs_sync(ctx, o);
    viz_between(ctx, o->next_time, o->run_end, events, until);
}
static bool viz_obs_abandon(void *ctx) { return viz_rewind_pending(ctx, NULL); }
static void viz_obs_detach(void *ctx, const host_observation_t *o)
{
    viz_obs_sync(ctx, o);
    viz_detach(ctx, o->exit_code);
}

/* ---- run ------------------------------------------------------------------------------------ */

static int cmd_run(int argc, char **argv, const char *prog)
{
    const char *path = NULL, *trace = NULL, *json = NULL, *metrics = NULL, *junit = NULL;
    uint64_t seed = 1, max_instr = DEFAULT_MAX_INSTRUCTIONS;
    size_t max_mem = DEFAULT_MAX_MEMORY;
    bool quiet = false, seed_random = false, instr_given = false, mem_given = false;
    bool check_det = false, test_perturb = false, test_extra_draw = false;
    sim_time_t until_time = SIM_TIME_MAX;
    const char *perfetto = NULL;
    uint64_t until_event = 0;
    host_runobs_t runobs;
    bool runobs_on = false;
    bool viz_live = false;
    const char *viz_dir = NULL;
    sim_time_t viz_every = 0;
    viz_t *viz = NULL;
    host_set_t *sets = calloc((size_t)argc + 1, sizeof *sets);
    size_t nsets = 0;
    int rc = 2;
    if (!sets) return 3;

    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *val = NULL;
        char opt[64];
        a = host_arg_split(a, opt, sizeof opt, &val); /* --opt=value */
#define NEED_VALUE() HOST_ARG_VALUE(usage_error("run", "option %s needs a value", a))
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage_run, stdout);
            rc = 0;
            goto out;
        } else if (strcmp(a, "--seed") == 0) {
            NEED_VALUE();
            if (strcmp(val, "random") == 0) {
                seed_random = true;
            } else if (host_parse_u64(val, &seed) != 0) {
                usage_error("run", "--seed takes a non-negative integer or 'random' (got '%s')", val);
                goto out;
            } else {
                seed_random = false; /* the last --seed wins */
            }
        } else if (strcmp(a, "--set") == 0) {
            NEED_VALUE();
            const char *eq = strchr(val, '=');
            if (!eq || eq == val) {
                usage_error("run", "--set takes NAME=VALUE (got '%s')", val);
                goto out;
            }
            char *name = strndup(val, (size_t)(eq - val));
            if (!name) goto out;
            sets[nsets].name = name;
            sets[nsets].value = eq + 1;
            nsets++;
        } else if (strcmp(a, "--trace") == 0) {
            NEED_VALUE();
            trace = val;
        } else if (strcmp(a, "--json") == 0) {
            NEED_VALUE();
            json = val;
        } else if (strcmp(a, "--metrics") == 0) {
            NEED_VALUE();
            metrics = val;
        } else if (strcmp(a, "--junit") == 0) {
            NEED_VALUE();
            junit = val;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            quiet = true;
        } else if (strcmp(a, "--max-instructions") == 0) {
            NEED_VALUE();
            double d;
            char *end;
            d = strtod(val, &end);
            if (*end || end == val || d < 0 || d > 1.8e19 || host_parse_u64(val, &max_instr) != 0) {
                if (*end || end == val || d < 0 || d > 1.8e19 || d != (double)(uint64_t)d) {
                    usage_error("run", "--max-instructions takes a non-negative integer (got '%s')", val);
                    goto out;
                }
                max_instr = (uint64_t)d;
            }
            instr_given = true;
        } else if (strcmp(a, "--max-memory") == 0) {
            NEED_VALUE();
            if (parse_size(val, &max_mem) != 0) {
                usage_error("run", "--max-memory takes a size such as 512MB or 4GB (got '%s')", val);
                goto out;
            }
            mem_given = true;
        } else if (strcmp(a, "--viz") == 0) {
            viz_live = true;
        } else if (strcmp(a, "--viz-record") == 0) {
            NEED_VALUE();
            viz_dir = val;
        } else if (strcmp(a, "--viz-every") == 0) {
            NEED_VALUE();
            if (host_dur_parse(val, strlen(val), &viz_every) != 0 || viz_every == 0) {
                usage_error("run", "--viz-every takes a positive duration such as 100ms or 1s (got '%s')", val);
                goto out;
            }
        } else if (strcmp(a, "--until") == 0) {
            NEED_VALUE();
            if (host_dur_parse(val, strlen(val), &until_time) != 0) {
                usage_error("run", "--until takes a virtual time such as 2s or 150ms (got '%s')", val);
                goto out;
            }
        } else if (strcmp(a, "--perfetto") == 0) {
            NEED_VALUE();
            perfetto = val;
        } else if (strcmp(a, "--until-event") == 0) {
            NEED_VALUE();
            if (host_parse_u64(val, &until_event) != 0 || until_event == 0) {
                usage_error("run", "--until-event takes an event number, 1 or more (got '%s')", val);
                goto out;
            }
        } else if (strcmp(a, "--check-determinism") == 0) {
            check_det = true;
        } else if (strcmp(a, "--test-perturb-second-run") == 0) { /* test only (docs/reproducing.md) */
            test_perturb = true;
        } else if (strcmp(a, "--test-extra-draw") == 0) { /* test only (docs/reproducing.md) */
            test_extra_draw = true;
        } else if (a[0] == '-' && a[1] != 0) {
            usage_error("run", "unknown option '%s'", argv[i]);
            goto out;
        } else if (!path) {
            path = a;
        } else {
            usage_error("run", "unexpected argument '%s' (one scenario per run)", a);
            goto out;
        }
#undef NEED_VALUE
    }
    if (!path) {
        usage_error("run", "%s", "missing SCENARIO");
        goto out;
    }
    if (access(path, R_OK) != 0) {
        fprintf(stderr, "otpsim: error: cannot open scenario '%s': %s\n", path, strerror(errno));
        goto out;
    }
    if (seed_random) {
        if (getrandom(&seed, sizeof seed, 0) != sizeof seed) /* lint: wall-clock-ok (CLI only) */
            seed = (uint64_t)wall_seconds() * 1000003u;
        seed %= UINT64_C(1000000000000); /* short enough to type */
        printf("seed drawn: %" PRIu64 "\n", seed);
    }

    if (check_det) {
        if (trace || json || metrics || junit || viz_live || viz_dir || perfetto) {
            usage_error("run", "%s", "--check-determinism writes no --trace, --json, --metrics, --junit or --viz output; "
                                     "run without it for those");
            goto out;
        }
        host_det_opts_t d = { .path = path, .seed = seed, .sets = sets, .nsets = nsets, .instr_given = instr_given,
                              .mem_given = mem_given, .quiet = quiet, .max_instructions = max_instr,
                              .max_memory = max_mem, .perturb_second = test_perturb };
        rc = host_check_determinism(&d);
        goto out;
    }
    char *lib = find_lib_dir();
    host_run_opts_t o = {
        .path = path, .seed = seed, .sets = sets, .nsets = nsets, .trace_path = trace,
        .lib_dir = lib, .quiet = quiet, .max_instructions = max_instr, .max_memory = max_mem,
        .out = stdout,
    };
    host_observer_t viz_obs;
    if (viz_live || viz_dir) {
        const char *hold = getenv("OTPSIM_VIZ_HOLD");
        const char *base = strrchr(path, '/');
        viz_opts_t vo = { .live = viz_live, .record_dir = viz_dir, .record_every = viz_every,
                          .title = base ? base + 1 : path, .seed = seed, .hold = !(hold && strcmp(hold, "0") == 0) };
        char err[512];
        viz = viz_create(&vo, err, sizeof err);
        if (!viz) {
            fprintf(stderr, "otpsim: run: %s\n", err);
            free(lib);
            goto out;
        }
        viz_obs = (host_observer_t){ viz, viz_obs_attach, viz_obs_between, viz_obs_detach, viz_obs_abandon };
        o.observer = &viz_obs;
    }
    if (test_extra_draw && !o.observer) o.observer = &host_test_extra_draw_observer;
    /* the run observer only when something needs it: it sees every trace field */
    if (until_time != SIM_TIME_MAX || until_event || perfetto || o.observer) {
        o.observer = host_runobs_init(&runobs, o.observer, until_time, until_event, seed, stdout);
        runobs_on = true;
        if (viz && viz_live) {
            runobs.at_until = viz_pause_here;
            runobs.at_until_ctx = viz;
        }
    }
    if (perfetto) {
        runobs.perfetto = host_perfetto_new();
        runobs.perfetto_path = perfetto;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    double t0 = wall_seconds();
    host_run_result_t r;
    host_scenario_run(&o, &r);
    /* A jump back in the live view: the run is abandoned and run again from 0 — the same run,
     * event for event — with the view replaying it up to the time asked for. Every output
     * (trace, --json, --metrics) is that of the last, whole run. */
    sim_time_t back;
    while (viz && viz_rewind_pending(viz, &back)) {
        host_run_result_free(&r);
        char bt[32];
        host_dur_format(back, bt, sizeof bt);
        printf("rewind: the run starts again from 0 and the view opens paused at %s (same seed, same run)\n", bt);
        fflush(stdout);
        if (runobs_on) {
            host_perfetto_t *pf = runobs.perfetto ? host_perfetto_new() : NULL;
            host_runobs_deinit(&runobs); /* frees the old perfetto events */
            o.observer = host_runobs_init(&runobs, &viz_obs, SIM_TIME_MAX, 0, seed, stdout);
            runobs.perfetto = pf;
            runobs.perfetto_path = perfetto;
        }
        host_scenario_run(&o, &r);
    }
    double wall = wall_seconds() - t0;
    free(lib);
    if (viz) {
        char err[512];
        if (viz_status(viz, err, sizeof err) != 0) {
            fprintf(stderr, "otpsim: run: --viz-record: %s\n", err);
            if (r.exit_code == 0) r.exit_code = 2;
        }
        viz_destroy(viz);
        viz = NULL;
    }

    if (r.error) {
        fflush(stdout);
        fprintf(stderr, "otpsim: error: %s\n", r.error);
        if (r.error_detail) fprintf(stderr, "%s\n", r.error_detail);
    }
    if (r.nchecks) {
        size_t failed = 0;
        printf("checks:\n");
        for (size_t i = 0; i < r.nchecks; i++) {
            uint64_t fev = r.checks[i].ok ? 0 : r.checks[i].event;
            char evs[48] = "";
            if (fev && !strstr(r.checks[i].detail, "(event ")) snprintf(evs, sizeof evs, " (event %" PRIu64 ")", fev);
            printf("  %-5s %s%s%s%s\n", r.checks[i].ok ? "ok" : "FAIL", r.checks[i].name,
                   r.checks[i].detail[0] ? ": " : "", r.checks[i].detail, evs);
            failed += !r.checks[i].ok;
        }
        printf("result: %s (%zu of %zu checks failed)\n", failed ? "FAIL" : "pass", failed, r.nchecks);
    } else {
        printf("result: %s\n", r.exit_code == 0 ? "pass (no checks)" : "error");
    }
    char st[32];
    host_dur_format(r.sim_time, st, sizeof st);
    printf("events: %" PRIu64 "  sim-time: %s  wall: %.3fs\n", r.events, st, wall);
    if (json && write_json(json, path, seed, &r, wall) != 0 && r.exit_code == 0) r.exit_code = 2;
    if (metrics) {
        const char *csv = r.metrics_csv ? r.metrics_csv : "time_s,scope,name,metric,value\n";
        if (write_atomic(metrics, csv, strlen(csv)) != 0 && r.exit_code == 0) r.exit_code = 2;
    }
    if (junit && write_junit(junit, path, seed, &r, wall) != 0 && r.exit_code == 0) r.exit_code = 2;
    if (perfetto && host_perfetto_write(runobs.perfetto, perfetto) != 0 && r.exit_code == 0) r.exit_code = 2;
    if (r.exit_code != 0) {
        jbuf_t b;
        jbuf_init(&b);
        shell_quote(&b, prog);
        jbuf_puts(&b, " run ");
        shell_quote(&b, path);
        jbuf_printf(&b, " --seed %" PRIu64, seed);
        for (size_t i = 0; i < nsets; i++) {
            jbuf_puts(&b, " --set ");
            char *kv = malloc(strlen(sets[i].name) + strlen(sets[i].value) + 2);
            if (kv) {
                sprintf(kv, "%s=%s", sets[i].name, sets[i].value);
                shell_quote(&b, kv);
                free(kv);
            }
        }
        if (instr_given) jbuf_printf(&b, " --max-instructions %" PRIu64, max_instr);
        if (mem_given) jbuf_printf(&b, " --max-memory %zu", max_mem);
        uint64_t first_fail = 0;
        for (size_t i = 0; i < r.nchecks; i++) {
            uint64_t fev = r.checks[i].ok ? 0 : r.checks[i].event;
            if (fev && (!first_fail || fev < first_fail)) first_fail = fev;
        }
        /* before reproduce:, which stays just before seed: */
        if (first_fail) printf("watch it: %s --until-event %" PRIu64 " --viz\n", jbuf_cstr(&b), first_fail);
        printf("reproduce: %s\n", jbuf_cstr(&b));
        jbuf_deinit(&b);
    }
    printf("seed: %" PRIu64 "\n", seed);
    printf("trace-hash: %016" PRIx64 "\n", r.trace_hash);
    if (until_time != SIM_TIME_MAX || until_event)
        printf("note: the run ended before --until%s was reached\n", until_event ? "-event" : "");
    rc = r.exit_code;
    host_run_result_free(&r);
out:
    if (runobs_on) host_runobs_deinit(&runobs);
    for (size_t i = 0; i < nsets; i++) free((char *)sets[i].name);
    free(sets);
    return rc;
}

/* ---- dispatch ------------------------------------------------------------------------------- */

static int cmd_help(int argc, char **argv)
{
    if (argc == 0) {
        fputs(usage_main, stdout);
        return 0;
    }
    if (strcmp(argv[0], "run") == 0) {
        fputs(usage_run, stdout);
        return 0;
    }
    if (strcmp(argv[0], "report") == 0) {
        fputs(host_report_usage, stdout);
        return 0;
    }
    if (strcmp(argv[0], "diff") == 0) {
        fputs(host_diff_usage, stdout);
        return 0;
    }
    if (strcmp(argv[0], "sweep") == 0) {
        fputs(host_sweep_usage, stdout);
        return 0;
    }
    if (strcmp(argv[0], "shrink") == 0) {
        fputs(host_shrink_usage, stdout);
        return 0;
    }
    if (strcmp(argv[0], "help") == 0) {
        fputs("usage: otpsim help [COMMAND]\n\nShows the help of COMMAND, or the overview.\n", stdout);
        return 0;
    }
    return usage_error(NULL, "no help for unknown command '%s'", argv[0]);
}

int host_cli_main(int argc, char **argv)
{
    const char *prog = argc > 0 ? argv[0] : "otpsim";
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2) {
        fputs(usage_main, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) return cmd_help(0, NULL);
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("otpsim %s\n", OTPSIM_VERSION);
        return 0;
    }
    if (strcmp(cmd, "help") == 0) return cmd_help(argc - 2, argv + 2);
    if (strcmp(cmd, "run") == 0) return cmd_run(argc - 2, argv + 2, prog);
    if (strcmp(cmd, "report") == 0) return host_report_main(argc - 2, argv + 2, prog);
    if (strcmp(cmd, "diff") == 0) return host_diff_main(argc - 2, argv + 2);
    if (strcmp(cmd, "sweep") == 0) return host_sweep_main(argc - 2, argv + 2, prog);
    if (strcmp(cmd, "shrink") == 0) return host_shrink_main(argc - 2, argv + 2, prog);
    if (cmd[0] == '-') return usage_error(NULL, "unknown option '%s'", cmd);
    return usage_error(NULL, "unknown command '%s'", cmd);
}
