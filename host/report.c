/* report.c — the `otpsim report` command: options, the plan, running or merging, writing.
 *
 * Three modes share one pipeline (plan -> DIR/runs/ -> model -> files):
 *   otpsim report SCENARIO --out DIR [--sweep ...]     run every run here, then write the report
 *   otpsim report SCENARIO --out DIR --shard K/N ...   run one slice, write only the raw results
 *   otpsim report --merge DIR... --out DIR             gather the slices' raw results, then write
 * A report is built only from DIR/plan.json, DIR/scenario.lua and DIR/runs/, so the three give
 * the same files for the same plan. */
#include "report.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "args.h"
#include "report_int.h"

const char host_report_usage[] =
    "usage: otpsim report SCENARIO --out DIR [options]\n"
    "       otpsim report --merge DIR... --out DIR [--baseline DIR]\n"
    "\n"
    "Runs SCENARIO over a sweep of its parameters, several seeds per point, and writes a capacity\n"
    "report to DIR: index.html (self-contained), report.md, summary.json, data/ (CSV), plots/ (.gp\n"
    "scripts, .svg and .png by gnuplot), runs/ (each run's raw results). See docs/reports.md.\n"
    "\n"
    "options:\n"
    "  --out DIR              the report's directory (created)\n"
    "  --sweep NAME=FROM..TO/STEP | NAME=v1,v2,...\n"
    "                         sweep the sim.param NAME (repeatable: points are every combination)\n"
    "  --sweep NAME           sweep NAME from 1/4 to 2 times its default in 8 steps; with no\n"
    "                         --sweep at all, a param named 'rate' is swept that way\n"
    "  --seeds K              seeds per point (default 3): --seed, --seed + 1, ...\n"
    "  --seed N               the first seed (default 1)\n"
    "  --jobs J               parallel runs (default: the number of cores)\n"
    "  --set NAME=VALUE       a parameter for every run (repeatable)\n"
    "  --load NAME            the offered load, the x axis (default: 'rate' if swept, else the\n"
    "                         first numeric sweep)\n"
    "  --scale NAME           the N of the scalability (USL) fit (default: 'nodes' if swept)\n"
    "  --detail NAME=V[,NAME=V]  a point to show as time series and spectrum (repeatable;\n"
    "                         default: the last point within every SLO and the first past it)\n"
    "  --baseline DIR         compare with an earlier report; regressions make the exit code 1\n"
    "  --threshold PCT        the smallest change that counts as a regression (default 5)\n"
    "  --shard K/N            run only the K-th of N slices of the runs and write their raw\n"
    "                         results to DIR (no report); then: otpsim report --merge DIR...\n"
    "  --merge DIR...         build the report from the directories of the shards\n"
    "  --resume               keep the finished runs already in DIR (same plan), run the rest\n"
    "  --progress MODE        bar, lines or none (default: a bar on a terminal, else lines)\n"
    "  --max-instructions N, --max-memory SIZE\n"
    "                         passed to every run\n"
    "  -q, --quiet            no progress, no summary\n"
    "  -h, --help             show this help\n"
    "\n"
    "Exit codes: 0 report written, every run finished; 1 report written but a run failed or did\n"
    "not run, or a regression against --baseline; 2 usage error; 3 the report could not be\n"
    "written. Interrupting (Ctrl-C) stops the sweep and writes the report of the finished runs.\n";

typedef struct report_opts {
    const char *out, *baseline;
    char **merge;
    size_t nmerge;
    size_t jobs, shard_k, shard_n;
    double threshold;
    int progress;
    bool quiet, resume;
    char **auto_sweeps;  /* --sweep NAME without values */
    size_t nauto;
} report_opts_t;

static int usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "otpsim: report: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see 'otpsim help report')\n");
    return 2;
}

/* The binary to run: /proc/self/exe is the running binary itself (its inode), so every run of a
 * report uses the same binary even if bin/otpsim is rebuilt meanwhile. */
static char *self_exe(const char *prog)
{
    if (access("/proc/self/exe", X_OK) == 0) return rp_strdup("/proc/self/exe");
    return rp_strdup(prog);
}

static bool is_number(const char *s)
{
    char *end;
    errno = 0;
    strtod(s, &end);
    return end != s && !*end && !errno;
}

static bool sweep_numeric(const rp_sweep_t *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (!is_number(s->values[i])) return false;
    return true;
}

/* Runs the scenario once at its defaults to learn its parameters (for --sweep NAME without
 * values). Returns the parsed --json, or NULL. */
static rj_t *probe(const char *exe, const char *prog, const rp_plan_t *p, const char *dir)
{
    char *json = rp_join(dir, "probe.json"), *log = rp_join(dir, "probe.log");
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        char **argv = rp_alloc((10 + 2 * p->nsets + p->nrun_opts) * sizeof *argv);
        size_t n = 0;
        char seed[32];
        snprintf(seed, sizeof seed, "%" PRIu64, p->seed0);
        argv[n++] = (char *)prog;
        argv[n++] = "run";
        argv[n++] = p->scenario;
        argv[n++] = "--seed";
        argv[n++] = seed;
        for (size_t i = 0; i < p->nsets; i++) {
            argv[n++] = "--set";
            argv[n] = rp_alloc(strlen(p->sets[i].name) + strlen(p->sets[i].value) + 2);
            sprintf(argv[n++], "%s=%s", p->sets[i].name, p->sets[i].value);
        }
        argv[n++] = "--json";
        argv[n++] = json;
        argv[n++] = "-q";
        for (size_t i = 0; i < p->nrun_opts; i++) argv[n++] = p->run_opts[i];
        argv[n] = NULL;
        execv(exe, argv);
        _exit(127);
    }
    int st;
    if (pid > 0) waitpid(pid, &st, 0);
    rj_t *j = rj_parse_file(json, NULL, 0);
    unlink(json);
    if (j) unlink(log);
    free(json);
    free(log);
    return j;
}

static int auto_sweep(rp_plan_t *p, const rj_t *probe_json, const char *name, bool required)
{
    const rj_t *v = rj_get(rj_get(probe_json, "params"), name);
    if (!v || v->type != RJ_NUM || !(v->num > 0)) {
        if (required) fprintf(stderr, "otpsim: report: --sweep %s: the scenario declares no positive numeric sim.param '%s'\n", name, name);
        return -1;
    }
    rp_sweep_t s = { rp_strdup(name), rp_alloc(8 * sizeof(char *)), 8 };
    for (int i = 0; i < 8; i++) {
        char buf[64];
        double x = v->num * (i + 1) / 4.0;
        if (floor(v->num) == v->num && x != floor(x) && v->num >= 8) x = round(x);
        snprintf(buf, sizeof buf, "%.10g", x);
        s.values[i] = rp_strdup(buf);
    }
    p->sweeps = rp_realloc(p->sweeps, (p->nsweeps + 1) * sizeof *p->sweeps);
    p->sweeps[p->nsweeps++] = s;
    return 0;
}

static int copy_file(const char *from, const char *to)
{
    size_t n;
    char *data = rp_read_file(from, &n);
    if (!data) return -1;
    int rc = rp_write_file(to, data, n);
    free(data);
    return rc;
}

/* Removes a previous plan's run files from DIR/runs (only files named like runs). */
static void clear_runs(const char *dir)
{
    char *runs = rp_join(dir, "runs");
    DIR *d = opendir(runs);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            const char *n = e->d_name;
            if (n[0] != 'p' || !strstr(n, "-s")) continue;
            char *path = rp_join(runs, n);
            unlink(path);
            free(path);
        }
        closedir(d);
    }
    free(runs);
}

static int load_plan(const char *dir, rp_plan_t *p)
{
    char *path = rp_join(dir, "plan.json");
    char err[256];
    rj_t *j = rj_parse_file(path, err, sizeof err);
    free(path);
    if (!j) {
        fprintf(stderr, "otpsim: report: %s: no plan.json (%s): not a report or shard directory\n", dir, err);
        return -1;
    }
    int rc = rp_plan_from_json(j, p, err, sizeof err);
    rj_free(j);
    if (rc) {
        fprintf(stderr, "otpsim: report: %s/plan.json: %s\n", dir, err);
        return -1;
    }
    char *sp = rp_join(dir, "scenario.lua");
    p->scenario_text = rp_read_file(sp, NULL);
    free(sp);
    if (!p->scenario_text) p->scenario_text = rp_strdup("");
    return 0;
}

static int write_plan(const rp_plan_t *p, const char *dir)
{
    jbuf_t b;
    jbuf_init(&b);
    rp_plan_json(p, &b);
    char *path = rp_join(dir, "plan.json"), *sp = rp_join(dir, "scenario.lua");
    int rc = rp_write_file(path, b.p, b.len);
    if (rc == 0) rc = rp_write_file(sp, p->scenario_text, strlen(p->scenario_text));
    free(path);
    free(sp);
    jbuf_deinit(&b);
    return rc;
}

/* Builds and writes the report of the plan from DIR/runs; prints a summary. */
static int build(rp_plan_t *p, const report_opts_t *o)
{
    rp_model_t m;
    if (rp_model_build(&m, p, o->out, o->baseline, o->threshold) != 0) return 3;
    const char *gp = getenv("OTPSIM_GNUPLOT");
    rp_write_opts_t wo = { gp && *gp ? gp : "gnuplot", o->quiet };
    int rc = rp_report_write(&m, o->out, &wo) == 0 ? 0 : 3;
    if (rc == 0 && (m.nfailed || m.nmissing || m.nregressions)) rc = 1;
    if (!o->quiet) {
        printf("report: %s/index.html  (%zu points x %zu seeds: %zu runs finished", o->out, p->npoints, p->nseeds, m.ndone);
        if (m.nfailed) printf(", %zu FAILED", m.nfailed);
        if (m.nmissing) printf(", %zu did not run", m.nmissing);
        printf(")\n");
        for (size_t g = 0; g < m.ngroups && g < 12; g++) {
            const rp_group_t *gr = &m.groups[g];
            const char *x = p->load_param ? p->load_param : "point";
            printf("%s%s", m.ngroups > 1 ? gr->label : "", m.ngroups > 1 ? ": " : "");
            if (m.nslos && p->load_param) {
                char a[128];
                rp_fmt_ci(a, sizeof a, &gr->slo_max);
                if (gr->slo_censor < 0) printf("max %s within every SLO: below the sweep", x);
                else printf("max %s within every SLO: %s%s", x, a, gr->slo_censor > 0 ? " (every point passed)" : "");
                printf("; ");
            }
            if (gr->knee >= 0) {
                char k[64];
                rp_fmt(k, sizeof k, m.points[gr->pts[gr->knee]].x);
                printf("knee %s=%s\n", x, k);
            } else {
                printf("no knee in the sweep\n");
            }
            if (m.ngroups == 1) printf("bottleneck: %s\n", gr->bottleneck);
        }
        for (size_t g = 0; g < m.nscaling; g++)
            if (m.scaling[g].fit.ok)
                printf("USL%s%s: sigma %.4g, kappa %.4g, gamma %.4g, peak at %s=%.4g (R^2 %.4f)\n", m.nscaling > 1 ? " " : "",
                       m.nscaling > 1 ? m.scaling[g].label : "", m.scaling[g].fit.alpha, m.scaling[g].fit.beta, m.scaling[g].fit.gamma,
                       p->scale_param, m.scaling[g].fit.n_peak, m.scaling[g].fit.r2);
        if (m.baseline_dir) printf("baseline %s: %zu regression(s), %zu improvement(s)\n", m.baseline_dir, m.nregressions, m.nimprovements);
        if (m.warnings) fprintf(stderr, "otpsim: report: %s", m.warnings);
    }
    rp_model_free(&m);
    return rc;
}

static int merge(rp_plan_t *p, report_opts_t *o)
{
    for (size_t i = 0; i < o->nmerge; i++) {
        rp_plan_t q;
        if (load_plan(o->merge[i], &q) != 0) return 2;
        if (i == 0) {
            *p = q;
            continue;
        }
        char err[256];
        if (rp_plan_compare(p, &q, err, sizeof err) != 0) {
            fprintf(stderr, "otpsim: report: %s and %s are not shards of one report: %s\n", o->merge[0], o->merge[i], err);
            rp_plan_free(&q);
            return 2;
        }
        rp_plan_free(&q);
    }
    char *runs = rp_join(o->out, "runs");
    if (rp_mkdirs(runs) != 0) {
        free(runs);
        return 3;
    }
    bool out_is_shard = false;
    for (size_t i = 0; i < o->nmerge; i++) out_is_shard = out_is_shard || strcmp(o->merge[i], o->out) == 0;
    if (!out_is_shard) clear_runs(o->out);
    size_t found = 0;
    static const char *const ext[] = { ".status", ".json", ".csv", ".faults", ".log" };
    for (size_t r = 0; r < p->nruns; r++) {
        char id[64], name[128];
        rp_run_id(p, r, id, sizeof id);
        /* the first shard directory that finished the run (else the first that has it) */
        const char *src = NULL;
        for (int pass = 0; pass < 2 && !src; pass++)
            for (size_t i = 0; i < o->nmerge && !src; i++) {
                snprintf(name, sizeof name, "runs/%s.status", id);
                char *path = rp_join(o->merge[i], name);
                char *st = rp_read_file(path, NULL);
                if (st && (pass == 1 || strncmp(st, "exit ", 5) == 0)) src = o->merge[i];
                free(st);
                free(path);
            }
        if (!src) continue;
        found++;
        if (strcmp(src, o->out) == 0) continue;
        for (size_t e = 0; e < 5; e++) {
            snprintf(name, sizeof name, "runs/%s%s", id, ext[e]);
            char *from = rp_join(src, name), *to = rp_join(o->out, name);
            copy_file(from, to);
            free(from);
            free(to);
        }
    }
    free(runs);
    if (!o->quiet) fprintf(stderr, "report: merged %zu of %zu runs from %zu directories\n", found, p->nruns, o->nmerge);
    if (write_plan(p, o->out) != 0) return 3;
    return build(p, o);
}

int host_report_main(int argc, char **argv, const char *prog)
{
    rp_plan_t p;
    memset(&p, 0, sizeof p);
    report_opts_t o = { .threshold = 0.05, .progress = RP_PROGRESS_AUTO };
    p.seed0 = 1;
    p.nseeds = 3;
    p.version = rp_strdup(OTPSIM_VERSION);
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    o.jobs = ncpu > 0 ? (size_t)ncpu : 1;
    int rc = 2;
    char err[512];
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *val = NULL;
        char opt[64];
        a = host_arg_split(a, opt, sizeof opt, &val);
#define VALUE() HOST_ARG_VALUE(usage("option %s needs a value", a))
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(host_report_usage, stdout);
            rc = 0;
            goto out;
        } else if (strcmp(a, "--out") == 0) {
            VALUE();
            o.out = val;
        } else if (strcmp(a, "--sweep") == 0) {
            VALUE();
            if (!strchr(val, '=')) {
                o.auto_sweeps = rp_realloc(o.auto_sweeps, (o.nauto + 1) * sizeof *o.auto_sweeps);
                o.auto_sweeps[o.nauto++] = (char *)val;
                continue;
            }
            rp_sweep_t s;
            if (rp_sweep_parse(val, &s, err, sizeof err) != 0) {
                usage("%s", err);
                goto out;
            }
            for (size_t k = 0; k < p.nsweeps; k++)
                if (strcmp(p.sweeps[k].name, s.name) == 0) {
                    usage("--sweep %s is given twice", s.name);
                    goto out;
                }
            p.sweeps = rp_realloc(p.sweeps, (p.nsweeps + 1) * sizeof *p.sweeps);
            p.sweeps[p.nsweeps++] = s;
        } else if (strcmp(a, "--seeds") == 0 || strcmp(a, "--jobs") == 0) {
            VALUE();
            char *end;
            long v = strtol(val, &end, 10);
            if (*end || v < 1 || v > 100000) {
                usage(strcmp(a, "--seeds") == 0 ? "--seeds takes a positive integer (got '%s')" : "--jobs takes a positive integer (got '%s')", val);
                goto out;
            }
            if (strcmp(a, "--seeds") == 0) p.nseeds = (size_t)v;
            else o.jobs = (size_t)v;
        } else if (strcmp(a, "--seed") == 0) {
            VALUE();
            char *end;
            errno = 0;
            unsigned long long v = strtoull(val, &end, 10);
            if (*end || errno || !*val || *val == '-') {
                usage("--seed takes a non-negative integer (got '%s')", val);
                goto out;
            }
            p.seed0 = v;
        } else if (strcmp(a, "--set") == 0) {
            VALUE();
            const char *eq = strchr(val, '=');
            if (!eq || eq == val) {
                usage("--set takes NAME=VALUE (got '%s')", val);
                goto out;
            }
            p.sets = rp_realloc(p.sets, (p.nsets + 1) * sizeof *p.sets);
            p.sets[p.nsets].name = strndup(val, (size_t)(eq - val));
            p.sets[p.nsets++].value = rp_strdup(eq + 1);
        } else if (strcmp(a, "--load") == 0) {
            VALUE();
            free(p.load_param);
            p.load_param = rp_strdup(val);
        } else if (strcmp(a, "--scale") == 0) {
            VALUE();
            free(p.scale_param);
            p.scale_param = rp_strdup(val);
        } else if (strcmp(a, "--detail") == 0) {
            VALUE();
            p.details = rp_realloc(p.details, (p.ndetails + 1) * sizeof *p.details);
            p.details[p.ndetails++] = rp_strdup(val);
        } else if (strcmp(a, "--baseline") == 0) {
            VALUE();
            o.baseline = val;
        } else if (strcmp(a, "--threshold") == 0) {
            VALUE();
            char *end;
            double v = strtod(val, &end);
            if (*end == '%') end++;
            if (*end || !(v >= 0) || v > 1000) {
                usage("--threshold takes a percentage such as 5 (got '%s')", val);
                goto out;
            }
            o.threshold = v / 100;
        } else if (strcmp(a, "--shard") == 0) {
            VALUE();
            unsigned long k, n;
            char c;
            if (sscanf(val, "%lu/%lu%c", &k, &n, &c) != 2 || n < 1 || k < 1 || k > n) {
                usage("--shard takes K/N with 1 <= K <= N (got '%s')", val);
                goto out;
            }
            o.shard_k = k;
            o.shard_n = n;
        } else if (strcmp(a, "--merge") == 0) {
            if (val) {
                o.merge = rp_realloc(o.merge, (o.nmerge + 1) * sizeof *o.merge);
                o.merge[o.nmerge++] = (char *)val;
            }
            while (i + 1 < argc && argv[i + 1][0] != '-') {
                o.merge = rp_realloc(o.merge, (o.nmerge + 1) * sizeof *o.merge);
                o.merge[o.nmerge++] = argv[++i];
            }
            if (o.nmerge == 0) {
                usage("%s", "--merge needs at least one directory");
                goto out;
            }
        } else if (strcmp(a, "--resume") == 0) {
            o.resume = true;
        } else if (strcmp(a, "--progress") == 0) {
            VALUE();
            if (strcmp(val, "bar") == 0) o.progress = RP_PROGRESS_BAR;
            else if (strcmp(val, "lines") == 0) o.progress = RP_PROGRESS_LINES;
            else if (strcmp(val, "none") == 0) o.progress = RP_PROGRESS_NONE;
            else {
                usage("--progress takes bar, lines or none (got '%s')", val);
                goto out;
            }
        } else if (strcmp(a, "--max-instructions") == 0 || strcmp(a, "--max-memory") == 0) {
            VALUE();
            p.run_opts = rp_realloc(p.run_opts, (p.nrun_opts + 2) * sizeof *p.run_opts);
            p.run_opts[p.nrun_opts++] = rp_strdup(a);
            p.run_opts[p.nrun_opts++] = rp_strdup(val);
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            o.quiet = true;
        } else if (a[0] == '-' && a[1]) {
            usage("unknown option '%s'", argv[i]);
            goto out;
        } else if (!p.scenario) {
            p.scenario = rp_strdup(a);
        } else {
            usage("unexpected argument '%s' (one scenario per report)", a);
            goto out;
        }
#undef VALUE
    }
    if (o.quiet) o.progress = RP_PROGRESS_NONE;
    if (!o.out) {
        usage("%s", "missing --out DIR");
        goto out;
    }
    if (o.nmerge) {
        if (p.scenario || p.nsweeps || o.shard_n || o.nauto) {
            usage("%s", "--merge takes the shards' directories only (their plan says what was run)");
            goto out;
        }
        rp_plan_free(&p);
        rc = merge(&p, &o);
        goto out;
    }
    if (!p.scenario) {
        usage("%s", "missing SCENARIO");
        goto out;
    }
    size_t slen;
    p.scenario_text = rp_read_file(p.scenario, &slen);
    if (!p.scenario_text) {
        fprintf(stderr, "otpsim: report: cannot open scenario '%s': %s\n", p.scenario, strerror(errno));
        goto out;
    }
    snprintf(p.scenario_hash, sizeof p.scenario_hash, "%016" PRIx64, rp_fnv64(p.scenario_text, slen));
    if (rp_mkdirs(o.out) != 0) {
        rc = 3;
        goto out;
    }
    char *exe = self_exe(prog);
    /* sweeps without values, and the default sweep of 'rate' */
    if (o.nauto || p.nsweeps == 0) {
        rj_t *pj = probe(exe, prog, &p, o.out);
        if (!pj) {
            fprintf(stderr, "otpsim: report: the scenario does not run at its defaults (see %s/probe.log)\n", o.out);
            free(exe);
            goto out;
        }
        for (size_t i = 0; i < o.nauto; i++) {
            if (rp_plan_sweep_index(&p, o.auto_sweeps[i]) >= 0 || auto_sweep(&p, pj, o.auto_sweeps[i], true) != 0) {
                if (rp_plan_sweep_index(&p, o.auto_sweeps[i]) >= 0) usage("--sweep %s is given twice", o.auto_sweeps[i]);
                rj_free(pj);
                free(exe);
                goto out;
            }
        }
        if (p.nsweeps == 0 && auto_sweep(&p, pj, "rate", false) == 0 && !o.quiet)
            fprintf(stderr, "report: sweeping rate = %s..%s (1/4 to 2 times its default; choose with --sweep)\n", p.sweeps[0].values[0],
                    p.sweeps[0].values[7]);
        rj_free(pj);
    }
    /* the axes */
    if (p.load_param) {
        int k = rp_plan_sweep_index(&p, p.load_param);
        if (k < 0 || !sweep_numeric(&p.sweeps[k])) {
            usage("--load %s: name a swept parameter with numeric values", p.load_param);
            free(exe);
            goto out;
        }
    } else {
        int k = rp_plan_sweep_index(&p, "rate");
        if (k >= 0 && sweep_numeric(&p.sweeps[k])) p.load_param = rp_strdup("rate");
        for (size_t j = 0; j < p.nsweeps && !p.load_param; j++)
            if (sweep_numeric(&p.sweeps[j])) p.load_param = rp_strdup(p.sweeps[j].name);
    }
    if (p.scale_param) {
        int k = rp_plan_sweep_index(&p, p.scale_param);
        if (k < 0 || !sweep_numeric(&p.sweeps[k])) {
            usage("--scale %s: name a swept parameter with numeric values", p.scale_param);
            free(exe);
            goto out;
        }
    } else {
        int k = rp_plan_sweep_index(&p, "nodes");
        if (k >= 0 && sweep_numeric(&p.sweeps[k])) p.scale_param = rp_strdup("nodes");
    }
    rp_plan_finish(&p);
    if (p.nruns > 1000000) {
        usage("%s", "more than a million runs: narrow the sweep");
        free(exe);
        goto out;
    }
    /* a different plan in DIR: its runs are stale */
    {
        rp_plan_t old;
        char *pp = rp_join(o.out, "plan.json");
        bool had = access(pp, F_OK) == 0;
        free(pp);
        bool same = false;
        if (had && load_plan(o.out, &old) == 0) {
            same = rp_plan_compare(&p, &old, err, sizeof err) == 0;
            rp_plan_free(&old);
        }
        if (!o.resume || !same) clear_runs(o.out);
        if (o.resume && had && !same && !o.quiet) fprintf(stderr, "report: %s holds another plan (%s): starting afresh\n", o.out, err);
    }
    if (write_plan(&p, o.out) != 0) {
        free(exe);
        rc = 3;
        goto out;
    }
    rp_runner_opts_t ro = { exe, prog, o.out, o.jobs, o.shard_n ? o.shard_k : 1, o.shard_n ? o.shard_n : 1, o.progress, !o.resume };
    rp_runner_result_t rr;
    if (rp_runner_run(&p, &ro, &rr) != 0) {
        free(exe);
        rc = 3;
        goto out;
    }
    free(exe);
    if (o.shard_n) {
        if (!o.quiet)
            printf("report: shard %zu/%zu: %zu runs (%zu failed%s) in %s/runs; build the report with: otpsim report --merge DIR... --out OUT\n",
                   o.shard_k, o.shard_n, rr.planned, rr.failed, rr.was_interrupted ? ", interrupted" : "", o.out);
        rc = rr.failed || rr.interrupted ? 1 : 0;
        goto out;
    }
    rc = build(&p, &o);
out:
    rp_plan_free(&p);
    free(o.merge);
    free(o.auto_sweeps);
    return rc;
}
