/* sweep.c — `otpsim sweep`: one scenario over many seeds, in parallel, sharded, merged.
 *
 * The runs go through the report's runner (report_runner.c: `otpsim run` child processes, J at a
 * time, progress on standard error, SIGINT-safe): the plan is the scenario with no swept
 * parameter and the seed range. Each run's --json result and its output (the FAIL lines with
 * their event numbers, the reproduce: command) are read back into one sweep result. The --json
 * file of a sweep is a pure function of (scenario path, --set, seed range, binary): no wall
 * times, runs sorted by seed, and a shard's file differs from the whole sweep's only by its
 * "shard" field and the runs it holds, so `--merge` of all shards gives the unsharded file. */
#include "sweep.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "report_int.h"

const char host_sweep_usage[] =
    "usage: otpsim sweep SCENARIO --seeds N|A..B [options]\n"
    "       otpsim sweep --merge FILE... [--json FILE]\n"
    "\n"
    "Runs SCENARIO once per seed (1..N, or A..B) in parallel worker processes and reports the\n"
    "failing seeds, each with its failing check, virtual time, event and reproduce: command.\n"
    "\n"
    "options:\n"
    "  --seeds N|A..B      the seeds (required)\n"
    "  --jobs J            runs in parallel (default: the number of cores)\n"
    "  --shard K/N         run only seeds whose index i (0-based) has i % N == K - 1; write the\n"
    "                      result with --json and combine the shards with --merge\n"
    "  --set NAME=VALUE    parameter for every run (repeatable)\n"
    "  --json FILE         write the sweep's result as JSON (docs/reproducing.md)\n"
    "  --stop-on-fail      start no more runs once a seed has failed\n"
    "  --out DIR           keep each run's files (json, log) in DIR/runs/ (default: a temporary\n"
    "                      directory, removed at the end)\n"
    "  --progress MODE     bar, lines or none (default: a bar on a terminal, else lines)\n"
    "  --merge FILE...     combine the --json files of shards into one result\n"
    "\n"
    "Exit codes: 0 every seed passed, 1 some seed failed (a check, or a scenario error), 2 usage\n"
    "error or unreadable input.\n";

typedef struct sw_run {
    uint64_t seed;
    int exit_code;
    char *status, *trace_hash, *check, *detail, *reproduce;
    uint64_t events, sim_time_ns, fail_event;
} sw_run_t;

typedef struct sw_result {
    char *scenario;
    rp_kv_t *sets;
    size_t nsets;
    uint64_t from, to;
    size_t shard_k, shard_n; /* 0: not a shard */
    sw_run_t *runs;
    size_t nruns;
} sw_result_t;

static void run_free(sw_run_t *r)
{
    free(r->status);
    free(r->trace_hash);
    free(r->check);
    free(r->detail);
    free(r->reproduce);
}

static void result_free(sw_result_t *s)
{
    free(s->scenario);
    for (size_t i = 0; i < s->nsets; i++) {
        free(s->sets[i].name);
        free(s->sets[i].value);
    }
    free(s->sets);
    for (size_t i = 0; i < s->nruns; i++) run_free(&s->runs[i]);
    free(s->runs);
    memset(s, 0, sizeof *s);
}

static char *opt_dup(const char *s) { return s ? rp_strdup(s) : NULL; }

static int cmp_run(const void *a, const void *b)
{
    uint64_t x = ((const sw_run_t *)a)->seed, y = ((const sw_run_t *)b)->seed;
    return x < y ? -1 : x > y;
}

static void json_opt(jbuf_t *b, const char *s)
{
    if (s) jbuf_json_str(b, s, strlen(s));
    else jbuf_puts(b, "null");
}

static void result_json(const sw_result_t *s, jbuf_t *b)
{
    jbuf_puts(b, "{\"otpsim_version\":\"" OTPSIM_VERSION "\",\"scenario\":");
    jbuf_json_str(b, s->scenario, strlen(s->scenario));
    jbuf_puts(b, ",\"sets\":");
    rp_sets_json(b, s->sets, s->nsets);
    jbuf_printf(b, ",\"seeds\":{\"from\":%" PRIu64 ",\"to\":%" PRIu64 "}", s->from, s->to);
    if (s->shard_n) jbuf_printf(b, ",\"shard\":{\"k\":%zu,\"n\":%zu}", s->shard_k, s->shard_n);
    size_t passed = 0, failed = 0, errors = 0;
    jbuf_puts(b, ",\"runs\":[");
    for (size_t i = 0; i < s->nruns; i++) {
        const sw_run_t *r = &s->runs[i];
        passed += r->exit_code == 0;
        failed += r->exit_code == 1;
        errors += r->exit_code != 0 && r->exit_code != 1;
        jbuf_printf(b, "%s\n{\"seed\":%" PRIu64 ",\"exit_code\":%d,\"status\":", i ? "," : "", r->seed, r->exit_code);
        json_opt(b, r->status);
        jbuf_puts(b, ",\"trace_hash\":");
        json_opt(b, r->trace_hash);
        jbuf_printf(b, ",\"events\":%" PRIu64 ",\"sim_time_ns\":%" PRIu64 ",\"check\":", r->events, r->sim_time_ns);
        json_opt(b, r->check);
        jbuf_puts(b, ",\"detail\":");
        json_opt(b, r->detail);
        jbuf_printf(b, ",\"event\":%" PRIu64 ",\"reproduce\":", r->fail_event);
        json_opt(b, r->reproduce);
        jbuf_putc(b, '}');
    }
    uint64_t total = s->to - s->from + 1;
    if (s->shard_n) total = (total + s->shard_n - s->shard_k) / s->shard_n;
    jbuf_printf(b, "],\n\"summary\":{\"planned\":%" PRIu64 ",\"run\":%zu,\"passed\":%zu,\"failed\":%zu,\"errors\":%zu,"
                   "\"not_run\":%" PRIu64 "}}\n",
                total, s->nruns, passed, failed, errors, total - s->nruns);
}

/* Prints the summary; returns the exit code (0 all passed, 1 otherwise). */
static int result_print(const sw_result_t *s)
{
    size_t passed = 0, failed = 0, errors = 0;
    for (size_t i = 0; i < s->nruns; i++) {
        passed += s->runs[i].exit_code == 0;
        failed += s->runs[i].exit_code == 1;
        errors += s->runs[i].exit_code != 0 && s->runs[i].exit_code != 1;
    }
    uint64_t total = s->to - s->from + 1;
    if (s->shard_n) total = (total + s->shard_n - s->shard_k) / s->shard_n;
    if (failed + errors) {
        printf("failures:\n");
        for (size_t i = 0; i < s->nruns; i++) {
            const sw_run_t *r = &s->runs[i];
            if (r->exit_code == 0) continue;
            char t[32];
            snprintf(t, sizeof t, "%.6gs", (double)r->sim_time_ns / 1e9);
            if (r->exit_code == 1)
                printf("  seed %" PRIu64 ": FAIL %s%s%s (at %s", r->seed, r->check ? r->check : "?",
                       r->detail && r->detail[0] ? ": " : "", r->detail ? r->detail : "", t);
            else
                printf("  seed %" PRIu64 ": ERROR exit %d%s%s (at %s", r->seed, r->exit_code, r->detail ? ": " : "",
                       r->detail ? r->detail : "", t);
            if (r->fail_event) printf(", event %" PRIu64, r->fail_event);
            printf(")\n");
            if (r->reproduce) printf("    reproduce: %s\n", r->reproduce);
        }
    }
    printf("seeds run: %zu  passed: %zu  failed: %zu", s->nruns, passed, failed + errors);
    if (errors) printf(" (%zu with a scenario error)", errors);
    if (total > s->nruns) printf("  not run: %" PRIu64, total - s->nruns);
    printf("\n");
    printf("result: %s\n", failed + errors ? "FAIL" : s->nruns < total ? "incomplete" : "pass");
    return failed + errors || s->nruns < total ? 1 : 0;
}

/* ---- reading a run's files back --------------------------------------------------------------- */

static uint64_t num_u64(const rj_t *v)
{
    const char *t = rj_str(v, NULL);
    return t ? strtoull(t, NULL, 10) : 0;
}

static void read_run(const char *dir, const rp_plan_t *p, size_t r, sw_run_t *out)
{
    memset(out, 0, sizeof *out);
    out->seed = p->seed0 + r;
    char id[64], name[96];
    rp_run_id(p, r, id, sizeof id);
    snprintf(name, sizeof name, "runs/%s.status", id);
    char *path = rp_join(dir, name);
    char *st = rp_read_file(path, NULL);
    free(path);
    out->exit_code = 3;
    if (st && strncmp(st, "exit ", 5) == 0) out->exit_code = atoi(st + 5);
    else if (st && strncmp(st, "signal ", 7) == 0) out->exit_code = 128 + atoi(st + 7);
    free(st);
    snprintf(name, sizeof name, "runs/%s.json", id);
    path = rp_join(dir, name);
    char err[128];
    rj_t *j = access(path, R_OK) == 0 ? rj_parse_file(path, err, sizeof err) : NULL;
    free(path);
    if (j) {
        out->status = opt_dup(rj_str(rj_get(j, "status"), NULL));
        out->trace_hash = opt_dup(rj_str(rj_get(j, "trace_hash"), NULL));
        out->events = num_u64(rj_get(j, "events"));
        out->sim_time_ns = num_u64(rj_get(j, "sim_time_ns"));
        const rj_t *checks = rj_get(j, "checks");
        for (size_t i = 0; checks && checks->type == RJ_ARR && i < checks->n; i++) {
            const rj_t *c = checks->items[i];
            const rj_t *ok = rj_get(c, "ok");
            if (ok && ok->type == RJ_BOOL && !ok->b) {
                out->check = opt_dup(rj_str(rj_get(c, "name"), NULL));
                out->detail = opt_dup(rj_str(rj_get(c, "detail"), NULL));
                break;
            }
        }
        const rj_t *e = rj_get(j, "error");
        if (!out->check && e && e->type == RJ_STR) out->detail = rp_strdup(e->str);
        rj_free(j);
    } else if (out->exit_code != 0) {
        out->status = rp_strdup("error");
        out->detail = rp_strdup(out->exit_code >= 128 ? "the run was killed by a signal" : "no result (see the run's log)");
    }
    /* the run's output: "(event N)" on its first FAIL line, and the reproduce: command */
    snprintf(name, sizeof name, "runs/%s.log", id);
    path = rp_join(dir, name);
    char *log = rp_read_file(path, NULL);
    free(path);
    if (log) {
        for (char *line = log; line && *line;) {
            char *nl = strchr(line, '\n');
            if (nl) *nl = 0;
            if (strncmp(line, "reproduce: ", 11) == 0 && !out->reproduce) out->reproduce = rp_strdup(line + 11);
            if (strncmp(line, "  FAIL  ", 8) == 0 && !out->fail_event) {
                char *e = strstr(line, "(event ");
                if (e) out->fail_event = strtoull(e + 7, NULL, 10);
            }
            line = nl ? nl + 1 : NULL;
        }
        free(log);
    }
}

static void remove_tree(const char *dir)
{
    char *runs = rp_join(dir, "runs");
    DIR *d = opendir(runs);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.') continue;
            char *f = rp_join(runs, e->d_name);
            unlink(f);
            free(f);
        }
        closedir(d);
    }
    rmdir(runs);
    free(runs);
    rmdir(dir);
}

static int write_json_file(const char *path, const sw_result_t *s)
{
    jbuf_t b;
    jbuf_init(&b);
    result_json(s, &b);
    int rc = b.oom ? -1 : rp_write_file(path, b.p, b.len);
    jbuf_deinit(&b);
    if (rc) fprintf(stderr, "otpsim: sweep: cannot write %s: %s\n", path, strerror(errno));
    return rc;
}

/* ---- --merge ---------------------------------------------------------------------------------- */

static int load_result(const char *path, sw_result_t *s)
{
    memset(s, 0, sizeof *s);
    char err[160];
    rj_t *j = rj_parse_file(path, err, sizeof err);
    if (!j) {
        fprintf(stderr, "otpsim: sweep: --merge: %s: not a sweep result (%s)\n", path, err);
        return -1;
    }
    const rj_t *sc = rj_get(j, "scenario"), *seeds = rj_get(j, "seeds"), *runs = rj_get(j, "runs"),
               *sets = rj_get(j, "sets");
    if (!sc || sc->type != RJ_STR || !seeds || !runs || runs->type != RJ_ARR || !sets || sets->type != RJ_ARR) {
        fprintf(stderr, "otpsim: sweep: --merge: %s: not a sweep result (written by 'otpsim sweep --json')\n", path);
        rj_free(j);
        return -1;
    }
    s->scenario = rp_strdup(sc->str);
    s->from = num_u64(rj_get(seeds, "from"));
    s->to = num_u64(rj_get(seeds, "to"));
    s->nsets = sets->n;
    s->sets = rp_alloc((sets->n + 1) * sizeof *s->sets);
    for (size_t i = 0; i < sets->n; i++) {
        const rj_t *kv = sets->items[i];
        s->sets[i].name = rp_strdup(kv->type == RJ_ARR && kv->n == 2 ? rj_str(kv->items[0], "") : "");
        s->sets[i].value = rp_strdup(kv->type == RJ_ARR && kv->n == 2 ? rj_str(kv->items[1], "") : "");
    }
    s->runs = rp_alloc((runs->n + 1) * sizeof *s->runs);
    for (size_t i = 0; i < runs->n; i++) {
        const rj_t *r = runs->items[i];
        sw_run_t *o = &s->runs[s->nruns++];
        o->seed = num_u64(rj_get(r, "seed"));
        o->exit_code = (int)rj_num(rj_get(r, "exit_code"), 3);
        o->status = opt_dup(rj_str(rj_get(r, "status"), NULL));
        o->trace_hash = opt_dup(rj_str(rj_get(r, "trace_hash"), NULL));
        o->events = num_u64(rj_get(r, "events"));
        o->sim_time_ns = num_u64(rj_get(r, "sim_time_ns"));
        o->check = opt_dup(rj_str(rj_get(r, "check"), NULL));
        o->detail = opt_dup(rj_str(rj_get(r, "detail"), NULL));
        o->fail_event = num_u64(rj_get(r, "event"));
        o->reproduce = opt_dup(rj_str(rj_get(r, "reproduce"), NULL));
    }
    rj_free(j);
    return 0;
}

static int merge_main(char **files, size_t nfiles, const char *json)
{
    sw_result_t m;
    if (load_result(files[0], &m) != 0) return 2;
    m.shard_k = m.shard_n = 0;
    for (size_t f = 1; f < nfiles; f++) {
        sw_result_t s;
        if (load_result(files[f], &s) != 0) {
            result_free(&m);
            return 2;
        }
        bool same = strcmp(s.scenario, m.scenario) == 0 && s.from == m.from && s.to == m.to && s.nsets == m.nsets;
        for (size_t i = 0; same && i < s.nsets; i++)
            same = strcmp(s.sets[i].name, m.sets[i].name) == 0 && strcmp(s.sets[i].value, m.sets[i].value) == 0;
        if (!same) {
            fprintf(stderr, "otpsim: sweep: --merge: %s and %s are not shards of one sweep (scenario, --set or seeds differ)\n",
                    files[0], files[f]);
            result_free(&s);
            result_free(&m);
            return 2;
        }
        m.runs = rp_realloc(m.runs, (m.nruns + s.nruns + 1) * sizeof *m.runs);
        for (size_t i = 0; i < s.nruns; i++) m.runs[m.nruns++] = s.runs[i];
        s.nruns = 0;
        result_free(&s);
    }
    qsort(m.runs, m.nruns, sizeof *m.runs, cmp_run);
    size_t w = 0;
    for (size_t i = 0; i < m.nruns; i++) {
        if (w && m.runs[w - 1].seed == m.runs[i].seed) { /* the same seed in two shards */
            run_free(&m.runs[i]);
            continue;
        }
        m.runs[w++] = m.runs[i];
    }
    m.nruns = w;
    printf("sweep: merged %zu files: %s, seeds %" PRIu64 "..%" PRIu64 "\n", nfiles, m.scenario, m.from, m.to);
    int rc = result_print(&m);
    if (json && write_json_file(json, &m) != 0) rc = 2;
    result_free(&m);
    return rc;
}

/* ---- the command -------------------------------------------------------------------------------- */

static int usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "otpsim: sweep: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see 'otpsim help sweep')\n");
    return 2;
}

int host_sweep_main(int argc, char **argv, const char *prog)
{
    const char *path = NULL, *json = NULL, *out_dir = NULL, *seeds = NULL;
    size_t jobs = 0, shard_k = 0, shard_n = 0;
    bool stop_on_fail = false, merge = false;
    int progress = RP_PROGRESS_AUTO;
    char **files = rp_alloc(((size_t)argc + 1) * sizeof *files);
    size_t nfiles = 0;
    rp_plan_t p;
    memset(&p, 0, sizeof p);
    p.sets = rp_alloc(((size_t)argc + 1) * sizeof *p.sets);
    int rc = 2;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *val = NULL;
        char opt[64];
        a = host_arg_split(a, opt, sizeof opt, &val);
#define NEED() HOST_ARG_VALUE(usage("option %s needs a value", a))
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(host_sweep_usage, stdout);
            rc = 0;
            goto out;
        } else if (strcmp(a, "--seeds") == 0) {
            NEED();
            seeds = val;
        } else if (strcmp(a, "--jobs") == 0 || strcmp(a, "-j") == 0) {
            NEED();
            uint64_t j;
            if (host_parse_u64(val, &j) != 0 || j == 0 || j > 4096) {
                usage("--jobs takes a number of parallel runs, 1 or more (got '%s')", val);
                goto out;
            }
            jobs = (size_t)j;
        } else if (strcmp(a, "--shard") == 0) {
            NEED();
            unsigned long k, n;
            char c;
            if (sscanf(val, "%lu/%lu%c", &k, &n, &c) != 2 || k < 1 || n < 1 || k > n) {
                usage("--shard takes K/N with 1 <= K <= N (got '%s')", val);
                goto out;
            }
            shard_k = k;
            shard_n = n;
        } else if (strcmp(a, "--set") == 0) {
            NEED();
            const char *eq = strchr(val, '=');
            if (!eq || eq == val) {
                usage("--set takes NAME=VALUE (got '%s')", val);
                goto out;
            }
            p.sets[p.nsets].name = strndup(val, (size_t)(eq - val));
            p.sets[p.nsets].value = rp_strdup(eq + 1);
            p.nsets++;
        } else if (strcmp(a, "--json") == 0) {
            NEED();
            json = val;
        } else if (strcmp(a, "--out") == 0) {
            NEED();
            out_dir = val;
        } else if (strcmp(a, "--progress") == 0) {
            NEED();
            if (strcmp(val, "bar") == 0) progress = RP_PROGRESS_BAR;
            else if (strcmp(val, "lines") == 0) progress = RP_PROGRESS_LINES;
            else if (strcmp(val, "none") == 0) progress = RP_PROGRESS_NONE;
            else {
                usage("--progress takes bar, lines or none (got '%s')", val);
                goto out;
            }
        } else if (strcmp(a, "--stop-on-fail") == 0) {
            stop_on_fail = true;
        } else if (strcmp(a, "--merge") == 0) {
            merge = true;
        } else if (a[0] == '-' && a[1]) {
            usage("unknown option '%s'", argv[i]);
            goto out;
        } else if (merge) {
            files[nfiles++] = argv[i];
        } else if (!path) {
            path = a;
        } else {
            usage("unexpected argument '%s' (one scenario per sweep)", a);
            goto out;
        }
#undef NEED
    }
    if (merge) {
        if (path || seeds || shard_n || p.nsets) {
            usage("%s", "--merge takes the shards' --json files only (they say what was run)");
            goto out;
        }
        if (nfiles == 0) {
            usage("%s", "--merge needs at least one file");
            goto out;
        }
        rc = merge_main(files, nfiles, json);
        goto out;
    }
    if (!path) {
        usage("%s", "missing SCENARIO");
        goto out;
    }
    if (!seeds) {
        usage("%s", "missing --seeds N or --seeds A..B");
        goto out;
    }
    uint64_t from = 1, to = 0;
    const char *dots = strstr(seeds, "..");
    if (dots) {
        char *a = strndup(seeds, (size_t)(dots - seeds));
        int bad = !a || host_parse_u64(a, &from) != 0 || host_parse_u64(dots + 2, &to) != 0 || to < from;
        free(a);
        if (bad) {
            usage("--seeds takes N or A..B with A <= B (got '%s')", seeds);
            goto out;
        }
    } else if (host_parse_u64(seeds, &to) != 0 || to == 0) {
        usage("--seeds takes N or A..B with A <= B (got '%s')", seeds);
        goto out;
    }
    if (to - from >= UINT64_C(100000000)) {
        usage("%s", "--seeds: at most 100000000 seeds per sweep (use --shard for more machines, "
                    "and several sweeps)");
        goto out;
    }
    if (access(path, R_OK) != 0) {
        fprintf(stderr, "otpsim: sweep: cannot open scenario '%s': %s\n", path, strerror(errno));
        goto out;
    }
    if (!jobs) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = n > 0 ? (size_t)n : 1;
    }
    p.scenario = rp_strdup(path);
    p.seed0 = from;
    p.nseeds = (size_t)(to - from + 1);
    rp_plan_finish(&p);

    char tmpl[] = "/tmp/otpsim-sweep-XXXXXX";
    const char *dir = out_dir;
    if (!dir) {
        if (!mkdtemp(tmpl)) {
            fprintf(stderr, "otpsim: sweep: cannot create a temporary directory: %s\n", strerror(errno));
            rc = 3;
            goto out;
        }
        dir = tmpl;
    }
    printf("sweep: %s, seeds %" PRIu64 "..%" PRIu64, path, from, to);
    if (shard_n) printf(", shard %zu/%zu", shard_k, shard_n);
    printf(" (%zu jobs)\n", jobs);
    rp_runner_opts_t ro = { "/proc/self/exe", prog, dir, jobs, shard_n ? shard_k : 1, shard_n ? shard_n : 1,
                            progress, true };
    rp_runner_sweep_mode(stop_on_fail, "sweep");
    rp_runner_result_t rr;
    if (rp_runner_run(&p, &ro, &rr) != 0) {
        if (!out_dir) remove_tree(dir);
        rc = 3;
        goto out;
    }
    sw_result_t s;
    memset(&s, 0, sizeof s);
    s.scenario = rp_strdup(path);
    s.from = from;
    s.to = to;
    s.shard_k = shard_n ? shard_k : 0;
    s.shard_n = shard_n;
    s.nsets = p.nsets;
    s.sets = rp_alloc((p.nsets + 1) * sizeof *s.sets);
    for (size_t i = 0; i < p.nsets; i++) {
        s.sets[i].name = rp_strdup(p.sets[i].name);
        s.sets[i].value = rp_strdup(p.sets[i].value);
    }
    s.runs = rp_alloc((p.nruns + 1) * sizeof *s.runs);
    for (size_t r = 0; r < p.nruns; r++) {
        if (!rp_in_shard(r, ro.shard_k, ro.shard_n)) continue;
        char id[64], name[96];
        rp_run_id(&p, r, id, sizeof id);
        snprintf(name, sizeof name, "runs/%s.status", id);
        char *st = rp_join(dir, name);
        char *text = rp_read_file(st, NULL);
        bool ran = text && strncmp(text, "interrupted", 11) != 0;
        free(text);
        free(st);
        if (!ran) continue; /* not started (--stop-on-fail) or interrupted */
        read_run(dir, &p, r, &s.runs[s.nruns++]);
    }
    rc = result_print(&s);
    if (rr.not_started) printf("stopped on the first failure (--stop-on-fail): %zu seeds not run\n", rr.not_started);
    if (rr.was_interrupted) printf("interrupted: %zu seeds did not finish\n", rr.interrupted);
    if (json && write_json_file(json, &s) != 0) rc = 2;
    result_free(&s);
    if (!out_dir) remove_tree(dir);
out:
    free(files);
    rp_plan_free(&p);
    return rc;
}
