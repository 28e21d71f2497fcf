/* shrink.c — `otpsim shrink`: the smallest fault schedule that still fails the same check.
 *
 * The nemesis records its schedule as data and replays an explicit one (host/lua/nemesis.lua).
 * The shrinker runs a copy of the scenario with a one-line prelude (so line numbers stay the
 * same) that wraps sim.nemesis: it prints each fault as the nemesis records it (so a run that a
 * sim.always stops early still shows its schedule) and, for a candidate, hands the nemesis an
 * explicit schedule. Each candidate is one `otpsim
 * run` child process (/proc/self/exe); "still fails" means the same check fails (its --json).
 * Delta debugging (ddmin) over the faults, then the parameters declared with a shrink floor
 * (bisection, passed as --set), then shorter durations and later starts per fault, then whole
 * milliseconds. See docs/reproducing.md. */
#include "shrink.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "args.h"
#include "report_int.h"

const char host_shrink_usage[] =
    "usage: otpsim shrink SCENARIO --seed N [--check NAME] [--set NAME=VALUE]... [--out FILE]\n"
    "\n"
    "Takes the failing run (SCENARIO, seed N) and minimises the fault schedule its sim.nemesis\n"
    "injected: fewer faults (delta debugging), then smaller values of the parameters declared\n"
    "with sim.param(name, n, {shrink = floor}) (load, node count), then shorter durations and\n"
    "later starts, keeping only what still makes the same check fail (NAME, default: the first\n"
    "failing check). Prints the minimal schedule as sim.at(...) calls to paste in place of the\n"
    "sim.nemesis call with the --set values it needs, writes the scenario with that schedule to\n"
    "FILE (default SCENARIO-seedN-min.lua in the current directory) and prints the reproduce:\n"
    "command for it.\n"
    "\n"
    "options:\n"
    "  --max-runs N     at most N shrinking runs (default 1000)\n"
    "\n"
    "Exit codes: 0 a minimal schedule was found, 1 the run does not fail (nothing to shrink) or\n"
    "the recorded schedule does not reproduce the failure, 2 usage error, 3 internal error.\n";

static const char prelude[] =
    "local __otpsim_shrink, __otpsim_record = @SCHED@, @REC@ do local orig = sim.nemesis local "
    "function lit(v) if type(v) == \"string\" then return string.format(\"%q\", v) end if type(v) == "
    "\"number\" then if v == math.floor(v) and math.abs(v) < 2^53 then return string.format(\"%d\", "
    "math.floor(v)) end return string.format(\"%.17g\", v) end if type(v) == \"table\" then local t = {} "
    "for i, x in ipairs(v) do t[i] = lit(x) end return \"{\" .. table.concat(t, \", \") .. \"}\" end "
    "return tostring(v) end local KEYS = {\"node\", \"a\", \"b\", \"x\", \"y\", \"factor\", \"ppm\", \"latency\", "
    "\"loss_ppm\", \"name\"} local function fields(f) local t = {\"kind = \" .. lit(f.kind)} for _, k in "
    "ipairs(KEYS) do if f[k] ~= nil then t[#t + 1] = k .. \" = \" .. lit(f[k]) end end return "
    "table.concat(t, \", \") end local function calls(f) local k = f.kind if k == \"crash\" then return "
    "\"sim.crash(\" .. lit(f.node) .. \")\", \"if not sim.node_stats(\" .. lit(f.node) .. \").up then "
    "sim.restart(\" .. lit(f.node) .. \") end\" end if k == \"pause\" then return \"sim.pause(\" .. "
    "lit(f.node) .. \", $DUR)\", \"-\" end if k == \"partition\" then return \"sim.partition(\" .. lit(f.a) "
    ".. \", \" .. lit(f.b) .. \")\", \"sim.heal()\" end if k == \"partition_oneway\" then return "
    "\"sim.partition_oneway(\" .. lit(f.x) .. \", \" .. lit(f.y) .. \")\", \"sim.heal()\" end if k == "
    "\"degrade\" then return \"sim.degrade(\" .. lit(f.x) .. \", \" .. lit(f.y) .. \", {latency = \" .. "
    "lit(f.latency) .. \", loss_ppm = \" .. lit(f.loss_ppm) .. \"})\", \"sim.heal()\" end if k == "
    "\"disconnect\" then return \"sim.disconnect(\" .. lit(f.x) .. \", \" .. lit(f.y) .. \")\", \"-\" end if k "
    "== \"slow\" then return \"sim.slow(\" .. lit(f.node) .. \", \" .. lit(f.factor) .. \")\", \"sim.slow(\" "
    ".. lit(f.node) .. \", 1)\" end if k == \"clock_drift\" then return \"sim.clock_drift(\" .. "
    "lit(f.node) .. \", \" .. lit(f.ppm) .. \")\", \"sim.clock_drift(\" .. lit(f.node) .. \", 0)\" end if k "
    "== \"kill\" then return \"sim.kill({\" .. lit(f.name) .. \", \" .. lit(f.node) .. \"}, \\\"kill\\\")\", \"-\" "
    "end return \"-\", \"-\" end sim.nemesis = function(o) if __otpsim_shrink then o.schedule = "
    "__otpsim_shrink o.existing_nodes_only = true end local h = orig(o) local function emit(f) local "
    "ap, un = calls(f) print(\"OTPSIM-SHRINK-FAULT\\t\" .. lit(f.at) .. \"\\t\" .. (f.stop and lit(f.stop) "
    "or \"-\") .. \"\\t\" .. fields(f) .. \"\\t\" .. ap .. \"\\t\" .. un) end if __otpsim_record then for _, f "
    "in ipairs(h.schedule) do emit(f) end setmetatable(h.schedule, {__newindex = function(t, k, v) "
    "rawset(t, k, v) emit(v) end}) end return h end end";

typedef struct fault {
    double at, stop;       /* ms; stop NAN: an instant */
    char *fields, *apply, *undo;
} fault_t;

typedef struct shrink {
    const char *path, *check_opt, *prog;
    uint64_t seed;
    const rp_kv_t *sets;
    size_t nsets;
    char *text;            /* the scenario */
    char dir[64];
    char *copy, *json, *out;
    char *check;           /* the target check */
    size_t runs, max_runs;
    rp_kv_t psets[16];     /* shrunk parameters, passed after the user's --set (the last wins) */
    size_t npsets;
} shrink_t;

static void schedule_lua(jbuf_t *b, const fault_t *f, const size_t *idx, size_t n)
{
    jbuf_puts(b, "{");
    for (size_t i = 0; i < n; i++) {
        const fault_t *x = &f[idx[i]];
        jbuf_printf(b, "{at = %.17g, ", x->at);
        if (!isnan(x->stop)) jbuf_printf(b, "stop = %.17g, ", x->stop);
        jbuf_printf(b, "%s}, ", x->fields);
    }
    jbuf_puts(b, "}");
}

/* Writes the scenario with the prelude to path: sched NULL lets the nemesis draw its schedule,
 * else it replays sched; record makes it print each fault it applies (for the shrinker, not in
 * the scenario written for the user). */
static int write_variant(const shrink_t *s, const char *path, const char *sched, bool record)
{
    jbuf_t b;
    jbuf_init(&b);
    const char *at = strstr(prelude, "@SCHED@"), *rec = strstr(prelude, "@REC@");
    jbuf_put(&b, prelude, (size_t)(at - prelude));
    jbuf_puts(&b, sched ? sched : "nil");
    jbuf_put(&b, at + 7, (size_t)(rec - (at + 7)));
    jbuf_puts(&b, record ? "true" : "false");
    jbuf_puts(&b, rec + 5);
    jbuf_putc(&b, ' ');
    jbuf_puts(&b, s->text);
    int rc = b.oom ? -1 : rp_write_file(path, b.p, b.len);
    jbuf_deinit(&b);
    return rc;
}

/* Runs the copy; returns the exit code (or -1) and leaves the output in s->out, result in s->json. */
static int run_copy(shrink_t *s)
{
    s->runs++;
    char seed[32];
    snprintf(seed, sizeof seed, "%" PRIu64, s->seed);
    size_t nkv = s->nsets + s->npsets;
    const char **argv = calloc(10 + 2 * nkv, sizeof *argv);
    char **kv = calloc(nkv + 1, sizeof *kv);
    if (!argv || !kv) abort();
    size_t n = 0;
    argv[n++] = "otpsim";
    argv[n++] = "run";
    argv[n++] = s->copy;
    argv[n++] = "--seed";
    argv[n++] = seed;
    for (size_t i = 0; i < nkv; i++) {
        const rp_kv_t *e = i < s->nsets ? &s->sets[i] : &s->psets[i - s->nsets];
        kv[i] = malloc(strlen(e->name) + strlen(e->value) + 2);
        if (!kv[i]) abort();
        sprintf(kv[i], "%s=%s", e->name, e->value);
        argv[n++] = "--set";
        argv[n++] = kv[i];
    }
    argv[n++] = "--json";
    argv[n++] = s->json;
    argv[n] = NULL;
    unlink(s->json);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(s->out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int nul = open("/dev/null", O_RDWR);
        if (fd >= 0) dup2(fd, 1);
        if (nul >= 0) {
            dup2(nul, 0);
            dup2(nul, 2);
        }
        execv("/proc/self/exe", (char *const *)argv);
        _exit(127);
    }
    int st = 0, rc = -1;
    if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st)) rc = WEXITSTATUS(st);
    for (size_t i = 0; i < nkv; i++) free(kv[i]);
    free(kv);
    free(argv);
    return rc;
}

/* The first failing check's name in the run's --json (or NULL); *target_failed says whether
 * `target` failed. */
static char *failed_check(const shrink_t *s, const char *target, bool *target_failed)
{
    char err[128];
    *target_failed = false;
    rj_t *j = rj_parse_file(s->json, err, sizeof err);
    if (!j) return NULL;
    char *first = NULL;
    const rj_t *checks = rj_get(j, "checks");
    for (size_t i = 0; checks && checks->type == RJ_ARR && i < checks->n; i++) {
        const rj_t *c = checks->items[i], *ok = rj_get(c, "ok");
        const char *name = rj_str(rj_get(c, "name"), "");
        if (ok && ok->type == RJ_BOOL && !ok->b) {
            if (!first) first = rp_strdup(name);
            if (target && strcmp(name, target) == 0) *target_failed = true;
        }
    }
    rj_free(j);
    return first;
}

/* Does the candidate (faults idx[0..n)) still fail the target check? */
static bool fails(shrink_t *s, const fault_t *f, const size_t *idx, size_t n)
{
    if (s->runs >= s->max_runs) return false;
    jbuf_t b;
    jbuf_init(&b);
    schedule_lua(&b, f, idx, n);
    int wrc = write_variant(s, s->copy, jbuf_cstr(&b), true);
    jbuf_deinit(&b);
    if (wrc != 0) return false;
    int rc = run_copy(s);
    if (rc != 1) return false;
    bool tf;
    free(failed_check(s, s->check, &tf));
    return tf;
}

static char *field_dup(const char *p, size_t n)
{
    char *d = malloc(n + 1);
    if (!d) abort();
    memcpy(d, p, n);
    d[n] = 0;
    return d;
}

/* The faults the recording prelude printed. */
static fault_t *parse_faults(const char *out, size_t *nf)
{
    fault_t *f = NULL;
    size_t n = 0;
    for (const char *p = strstr(out, "OTPSIM-SHRINK-FAULT\t"); p; p = strstr(p + 1, "OTPSIM-SHRINK-FAULT\t")) {
        const char *q = p + strlen("OTPSIM-SHRINK-FAULT\t");
        const char *eol = strchr(q, '\n');
        if (!eol) eol = q + strlen(q);
        const char *col[5];
        size_t len[5], k = 0;
        while (k < 5) {
            const char *t = memchr(q, '\t', (size_t)(eol - q));
            if (!t || k == 4) t = eol;
            col[k] = q;
            len[k] = (size_t)(t - q);
            k++;
            if (t == eol) break;
            q = t + 1;
        }
        if (k < 5) continue;
        f = rp_realloc(f, (n + 1) * sizeof *f);
        f[n].at = strtod(col[0], NULL);
        f[n].stop = len[1] == 1 && col[1][0] == '-' ? NAN : strtod(col[1], NULL);
        f[n].fields = field_dup(col[2], len[2]);
        f[n].apply = field_dup(col[3], len[3]);
        f[n].undo = field_dup(col[4], len[4]);
        n++;
    }
    *nf = n;
    return f;
}

/* ddmin over idx[0..*n): leaves a 1-minimal failing subset in idx, returns its size. */
static size_t ddmin(shrink_t *s, const fault_t *f, size_t *idx, size_t n)
{
    size_t gran = 2;
    size_t *cand = rp_alloc((n + 1) * sizeof *cand);
    while (n >= 2) {
        bool reduced = false;
        size_t chunk = (n + gran - 1) / gran;
        /* a chunk alone */
        for (size_t st = 0; st < n && !reduced; st += chunk) {
            size_t m = 0;
            for (size_t i = st; i < n && i < st + chunk; i++) cand[m++] = idx[i];
            if (m < n && fails(s, f, cand, m)) {
                memcpy(idx, cand, m * sizeof *idx);
                n = m;
                gran = 2;
                reduced = true;
            }
        }
        /* the complement of a chunk */
        for (size_t st = 0; st < n && !reduced && gran > 2; st += chunk) {
            size_t m = 0;
            for (size_t i = 0; i < n; i++)
                if (i < st || i >= st + chunk) cand[m++] = idx[i];
            if (m < n && fails(s, f, cand, m)) {
                memcpy(idx, cand, m * sizeof *idx);
                n = m;
                gran = gran - 1 > 2 ? gran - 1 : 2;
                reduced = true;
            }
        }
        if (!reduced) {
            if (gran >= n) break;
            gran = gran * 2 < n ? gran * 2 : n;
        }
        if (s->runs >= s->max_runs) break;
    }
    free(cand);
    return n;
}

static void print_call(jbuf_t *b, double t, const char *call, double dur)
{
    jbuf_printf(b, "sim.at(%.17g, function() ", t);
    const char *d = strstr(call, "$DUR");
    if (d) {
        jbuf_put(b, call, (size_t)(d - call));
        jbuf_printf(b, "%.17g", dur);
        jbuf_puts(b, d + 4);
    } else {
        jbuf_puts(b, call);
    }
    jbuf_puts(b, " end)\n");
}

typedef struct at_line { double t; size_t order; char *text; } at_line_t;
static int cmp_line(const void *a, const void *b)
{
    const at_line_t *x = a, *y = b;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Sets the override of parameter `name` to x (formatted so that the value run is the value
 * printed); returns the value as run. */
static const char *param_set(shrink_t *s, const char *name, double x, bool integer)
{
    char buf[64];
    if (integer) snprintf(buf, sizeof buf, "%.0f", x);
    else snprintf(buf, sizeof buf, "%.4g", x);
    size_t i = 0;
    while (i < s->npsets && strcmp(s->psets[i].name, name) != 0) i++;
    if (i == s->npsets) s->psets[s->npsets++].name = rp_strdup(name);
    free(s->psets[i].value);
    s->psets[i].value = rp_strdup(buf);
    return s->psets[i].value;
}

/* The parameters the scenario lets shrink lower (sim.param(name, default, {shrink = FLOOR})):
 * each in declaration order, with the fault schedule as it is now, to the smallest value that
 * still fails — the floor if that fails, else a bisection between the floor and the value (whole
 * numbers for whole-number parameters, about 1% of the range otherwise). A value one step below
 * the result has been run and does not fail. */
static void shrink_params(shrink_t *s, const fault_t *f, const size_t *idx, size_t n, const rj_t *params,
                          const rj_t *floors)
{
    for (size_t k = 0; params && params->type == RJ_OBJ && k < params->n; k++) {
        const char *name = params->keys[k];
        const rj_t *v = params->items[k], *m = rj_get(floors, name);
        if (!m || m->type != RJ_NUM || !v || v->type != RJ_NUM || !(m->num < v->num)) continue;
        if (s->npsets == sizeof s->psets / sizeof s->psets[0]) break;
        bool integer = floor(v->num) == v->num && floor(m->num) == m->num;
        double lo = m->num, hi = v->num;
        param_set(s, name, lo, integer);
        if (fails(s, f, idx, n)) {
            hi = lo;
        } else {
            double eps = integer ? 1 : (hi - lo) / 100;
            while (hi - lo > eps && s->runs < s->max_runs) {
                double mid = strtod(param_set(s, name, integer ? floor((lo + hi) / 2) : (lo + hi) / 2, integer), NULL);
                if (mid <= lo || mid >= hi) break;
                if (fails(s, f, idx, n)) hi = mid;
                else lo = mid;
            }
        }
        if (hi < v->num) {
            printf("shrink: parameter %s: %.10g -> %s (%zu runs)\n", name, v->num, param_set(s, name, hi, integer),
                   s->runs);
            continue;
        }
        printf("shrink: parameter %s stays %.10g: no smaller value fails (%zu runs)\n", name, v->num, s->runs);
        s->npsets--; /* the override just tried is the last one */
        free(s->psets[s->npsets].name);
        free(s->psets[s->npsets].value);
        s->psets[s->npsets] = (rp_kv_t){ NULL, NULL };
    }
}

static int usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "otpsim: shrink: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see 'otpsim help shrink')\n");
    return 2;
}

int host_shrink_main(int argc, char **argv, const char *prog)
{
    shrink_t s;
    memset(&s, 0, sizeof s);
    s.prog = prog;
    s.max_runs = 1000;
    rp_kv_t *sets = rp_alloc(((size_t)argc + 1) * sizeof *sets);
    size_t nsets = 0;
    const char *out_file = NULL;
    bool seed_given = false;
    int rc = 2;
    fault_t *f = NULL;
    size_t nf = 0, *idx = NULL;
    rj_t *j0 = NULL;       /* the failing run's --json: its parameters and their shrink floors */
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *val = NULL;
        char opt[64];
        a = host_arg_split(a, opt, sizeof opt, &val); /* --opt=value */
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(host_shrink_usage, stdout);
            rc = 0;
            goto out;
        } else if (strcmp(a, "--seed") == 0 || strcmp(a, "--check") == 0 || strcmp(a, "--set") == 0 ||
                   strcmp(a, "--out") == 0 || strcmp(a, "--max-runs") == 0) {
            HOST_ARG_VALUE(usage("option %s needs a value", a));
            if (strcmp(a, "--seed") == 0) {
                if (host_parse_u64(val, &s.seed) != 0) {
                    usage("--seed takes a non-negative integer (got '%s')", val);
                    goto out;
                }
                seed_given = true;
            } else if (strcmp(a, "--check") == 0) {
                s.check_opt = val;
            } else if (strcmp(a, "--out") == 0) {
                out_file = val;
            } else if (strcmp(a, "--max-runs") == 0) {
                uint64_t n;
                if (host_parse_u64(val, &n) != 0 || n == 0) {
                    usage("--max-runs takes a positive number (got '%s')", val);
                    goto out;
                }
                s.max_runs = (size_t)n;
            } else {
                const char *eq = strchr(val, '=');
                if (!eq || eq == val) {
                    usage("--set takes NAME=VALUE (got '%s')", val);
                    goto out;
                }
                sets[nsets].name = strndup(val, (size_t)(eq - val));
                sets[nsets].value = rp_strdup(eq + 1);
                nsets++;
            }
        } else if (a[0] == '-' && a[1]) {
            usage("unknown option '%s'", a);
            goto out;
        } else if (!s.path) {
            s.path = a;
        } else {
            usage("unexpected argument '%s'", a);
            goto out;
        }
    }
    if (!s.path) {
        usage("%s", "missing SCENARIO");
        goto out;
    }
    if (!seed_given) {
        usage("%s", "missing --seed N (the seed of the failing run)");
        goto out;
    }
    s.sets = sets;
    s.nsets = nsets;
    s.text = rp_read_file(s.path, NULL);
    if (!s.text) {
        fprintf(stderr, "otpsim: shrink: cannot read scenario '%s': %s\n", s.path, strerror(errno));
        goto out;
    }
    if (!strstr(s.text, "sim.nemesis")) {
        fprintf(stderr, "otpsim: shrink: %s does not call sim.nemesis: there is no recorded fault schedule to shrink\n", s.path);
        goto out;
    }
    snprintf(s.dir, sizeof s.dir, "/tmp/otpsim-shrink-XXXXXX");
    if (!mkdtemp(s.dir)) {
        fprintf(stderr, "otpsim: shrink: cannot create a temporary directory: %s\n", strerror(errno));
        rc = 3;
        goto out;
    }
    const char *base = strrchr(s.path, '/');
    base = base ? base + 1 : s.path;
    s.copy = rp_join(s.dir, base);
    s.json = rp_join(s.dir, "result.json");
    s.out = rp_join(s.dir, "out.txt");

    /* 1. the failing run, recording its schedule */
    rc = 3;
    if (write_variant(&s, s.copy, NULL, true) != 0) goto cleanup;
    int r0 = run_copy(&s);
    char *output = rp_read_file(s.out, NULL);
    bool tf = false;
    char *first = r0 == 1 ? failed_check(&s, s.check_opt, &tf) : NULL;
    if (r0 != 1 || (s.check_opt && !tf)) {
        if (r0 == 0 || r0 == 1)
            printf("shrink: %s --seed %" PRIu64 ": %s does not fail: nothing to shrink\n", s.path, s.seed,
                   s.check_opt ? s.check_opt : "no check");
        else
            fprintf(stderr, "otpsim: shrink: the run ends with exit %d (a scenario error?); run it with 'otpsim run' to see\n", r0);
        rc = r0 == 0 || r0 == 1 ? 1 : 2;
        free(first);
        free(output);
        goto cleanup;
    }
    s.check = rp_strdup(s.check_opt ? s.check_opt : first);
    free(first);
    j0 = rj_parse_file(s.json, NULL, 0);
    f = parse_faults(output ? output : "", &nf);
    free(output);
    printf("shrink: %s --seed %" PRIu64 ": check \"%s\" fails; the nemesis injected %zu faults\n", s.path, s.seed,
           s.check, nf);
    idx = rp_alloc((nf + 1) * sizeof *idx);
    for (size_t i = 0; i < nf; i++) idx[i] = i;
    /* 2. the recorded schedule, replayed explicitly, must fail the same way */
    if (!fails(&s, f, idx, nf)) {
        printf("shrink: replaying the recorded schedule does not fail \"%s\": the failure depends on more than the "
               "fault schedule (e.g. random durations drawn from a stream the scenario also uses)\n", s.check);
        rc = 1;
        goto cleanup;
    }
    /* 3. fewer faults */
    size_t n = nf;
    if (nf > 0 && fails(&s, f, idx, 0)) {
        n = 0;
    } else {
        n = ddmin(&s, f, idx, nf);
    }
    printf("shrink: %zu -> %zu faults (%zu runs)\n", nf, n, s.runs);
    /* 4. smaller load, fewer nodes: the parameters the scenario declares shrinkable (before the
     *    durations: a load cut down to fit a shortened window would be an artefact of the cut) */
    shrink_params(&s, f, idx, n, rj_get(j0, "params"), rj_get(j0, "shrink"));
    /* 5. shorter durations, later starts, whole milliseconds */
    for (size_t k = 0; k < n; k++) {
        fault_t *x = &f[idx[k]];
        if (isnan(x->stop)) continue;
        for (int step = 0; step < 12; step++) {
            double d = floor((x->stop - x->at) / 2);
            if (d < 1) break;
            double old = x->stop;
            x->stop = x->at + d;
            if (!fails(&s, f, idx, n)) {
                x->stop = old;
                break;
            }
        }
        for (int step = 0; step < 12; step++) {
            double d = floor((x->stop - x->at) / 2);
            if (d < 1) break;
            double old = x->at;
            x->at = x->at + d;
            if (!fails(&s, f, idx, n)) {
                x->at = old;
                break;
            }
        }
    }
    {
        double *saved = rp_alloc((2 * n + 1) * sizeof *saved);
        for (size_t k = 0; k < n; k++) {
            fault_t *x = &f[idx[k]];
            saved[2 * k] = x->at;
            saved[2 * k + 1] = x->stop;
            x->at = round(x->at);
            if (!isnan(x->stop)) x->stop = round(x->stop) > x->at ? round(x->stop) : x->at + 1;
        }
        if (!fails(&s, f, idx, n))
            for (size_t k = 0; k < n; k++) {
                f[idx[k]].at = saved[2 * k];
                f[idx[k]].stop = saved[2 * k + 1];
            }
        free(saved);
    }
    /* 6. the result: sim.at calls, the minimal scenario, the reproduce command. With fewer nodes
     *    the replay drops what concerned the missing ones: one last run records what it applied. */
    if (s.npsets && n > 0 && fails(&s, f, idx, n)) {
        char *out2 = rp_read_file(s.out, NULL);
        size_t ne = 0;
        fault_t *eff = parse_faults(out2 ? out2 : "", &ne);
        free(out2);
        if (ne > 0) {
            for (size_t i = 0; i < nf; i++) {
                free(f[i].fields);
                free(f[i].apply);
                free(f[i].undo);
            }
            free(f);
            f = eff;
            nf = n = ne;
            for (size_t i = 0; i < n; i++) idx[i] = i;
        } else {
            free(eff);
        }
    }
    jbuf_t b;
    jbuf_init(&b);
    schedule_lua(&b, f, idx, n);
    char defname[512];
    if (!out_file) {
        char stem[256];
        snprintf(stem, sizeof stem, "%s", base);
        char *dot = strrchr(stem, '.');
        if (dot && strcmp(dot, ".lua") == 0) *dot = 0;
        snprintf(defname, sizeof defname, "%s-seed%" PRIu64 "-min.lua", stem, s.seed);
        out_file = defname;
    }
    int wrc = write_variant(&s, out_file, jbuf_cstr(&b), false);
    jbuf_deinit(&b);
    at_line_t *lines = rp_alloc((2 * n + 1) * sizeof *lines);
    size_t nl = 0;
    for (size_t k = 0; k < n; k++) {
        const fault_t *x = &f[idx[k]];
        jbuf_t l;
        jbuf_init(&l);
        print_call(&l, x->at, x->apply, isnan(x->stop) ? 0 : x->stop - x->at);
        lines[nl++] = (at_line_t){ x->at, 2 * k, rp_strdup(jbuf_cstr(&l)) };
        if (!isnan(x->stop) && strcmp(x->undo, "-") != 0) {
            jbuf_reset(&l);
            print_call(&l, x->stop, x->undo, 0);
            lines[nl++] = (at_line_t){ x->stop, 2 * k + 1, rp_strdup(jbuf_cstr(&l)) };
        }
        jbuf_deinit(&l);
    }
    qsort(lines, nl, sizeof *lines, cmp_line);
    printf("minimal fault schedule (%zu fault%s, %zu runs in all); paste in place of the sim.nemesis call:\n", n,
           n == 1 ? "" : "s", s.runs);
    printf("-- otpsim shrink %s --seed %" PRIu64 ": \"%s\" still fails (times in ms)\n", s.path, s.seed, s.check);
    if (s.npsets) {
        printf("-- with");
        for (size_t i = 0; i < s.npsets; i++) printf(" --set %s=%s", s.psets[i].name, s.psets[i].value);
        printf("\n");
    }
    for (size_t i = 0; i < nl; i++) {
        fputs(lines[i].text, stdout);
        free(lines[i].text);
    }
    free(lines);
    if (s.runs >= s.max_runs) printf("shrink: stopped at --max-runs %zu: the schedule may not be minimal\n", s.max_runs);
    if (wrc == 0) {
        jbuf_t r;
        jbuf_init(&r);
        jbuf_printf(&r, "%s run %s --seed %" PRIu64, prog, out_file, s.seed);
        for (size_t i = 0; i < nsets; i++) {
            bool shrunk = false;
            for (size_t k = 0; k < s.npsets; k++) shrunk |= strcmp(s.psets[k].name, sets[i].name) == 0;
            if (!shrunk) jbuf_printf(&r, " --set '%s=%s'", sets[i].name, sets[i].value);
        }
        for (size_t i = 0; i < s.npsets; i++) jbuf_printf(&r, " --set '%s=%s'", s.psets[i].name, s.psets[i].value);
        printf("written: %s (the scenario with this schedule given to its sim.nemesis)\n", out_file);
        printf("reproduce: %s\n", jbuf_cstr(&r));
        jbuf_deinit(&r);
        rc = 0;
    } else {
        fprintf(stderr, "otpsim: shrink: cannot write %s\n", out_file);
        rc = 3;
    }
cleanup:
    if (s.copy) unlink(s.copy);
    if (s.json) unlink(s.json);
    if (s.out) unlink(s.out);
    rmdir(s.dir);
out:
    for (size_t i = 0; i < nf; i++) {
        free(f[i].fields);
        free(f[i].apply);
        free(f[i].undo);
    }
    free(f);
    free(idx);
    for (size_t i = 0; i < nsets; i++) {
        free(sets[i].name);
        free(sets[i].value);
    }
    free(sets);
    free(s.text);
    free(s.copy);
    free(s.json);
    free(s.out);
    free(s.check);
    for (size_t i = 0; i < s.npsets; i++) {
        free(s.psets[i].name);
        free(s.psets[i].value);
    }
    rj_free(j0);
    return rc;
}
