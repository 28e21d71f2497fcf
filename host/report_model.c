/* report_model.c — from DIR/runs/ to numbers: per-run metrics, statistics across seeds, the
 * knee, the maximum load within every SLO, the bottleneck, USL fits, fault impact and deltas
 * against a baseline report.
 *
 * Everything is computed from the files in DIR/runs/ (never from wall time or process state),
 * in plan order, so equal inputs give equal models: the determinism of summary.json and the CSVs
 * — and the equality of a merged report with an unsharded one — rest on this. Metrics are
 * registered in order of first appearance while runs are read in plan order. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/duration.h"
#include "report_int.h"

/* ---- metrics ----------------------------------------------------------------------------------- */

int rp_metric_find(const rp_model_t *m, const char *scope, const char *object, const char *field)
{
    for (size_t i = 0; i < m->nmetrics; i++)
        if (strcmp(m->metrics[i].field, field) == 0 && strcmp(m->metrics[i].scope, scope) == 0 &&
            strcmp(m->metrics[i].object, object) == 0)
            return (int)i;
    return -1;
}

static size_t metric_id(rp_model_t *m, const char *scope, const char *object, const char *field, const char *unit, int better)
{
    int i = rp_metric_find(m, scope, object, field);
    if (i >= 0) return (size_t)i;
    if (m->nmetrics == m->mcap) {
        m->mcap = m->mcap ? m->mcap * 2 : 64;
        m->metrics = rp_realloc(m->metrics, m->mcap * sizeof *m->metrics);
    }
    m->metrics[m->nmetrics] = (rp_metric_t){ rp_strdup(scope), rp_strdup(object), rp_strdup(field), unit, better };
    return m->nmetrics++;
}

static void run_set(rp_model_t *m, rp_run_t *r, const char *scope, const char *object, const char *field,
                    const char *unit, int better, double v)
{
    size_t id = metric_id(m, scope, object, field, unit, better);
    if (id >= r->mcap) {
        size_t cap = r->mcap ? r->mcap : 32;
        while (cap <= id) cap *= 2;
        r->m = rp_realloc(r->m, cap * sizeof *r->m);
        for (size_t i = r->mcap; i < cap; i++) r->m[i] = NAN;
        r->mcap = cap;
    }
    r->m[id] = v;
}

static double run_get(const rp_run_t *r, int id) { return id >= 0 && (size_t)id < r->mcap ? r->m[id] : NAN; }

double rp_run_metric(const rp_model_t *m, const rp_run_t *r, const char *scope, const char *object, const char *field)
{
    return run_get(r, rp_metric_find(m, scope, object, field));
}

const rp_stat_t *rp_point_stat(const rp_model_t *m, size_t point, const char *scope, const char *object, const char *field)
{
    int id = rp_metric_find(m, scope, object, field);
    if (id < 0 || !m->points[point].st) return NULL;
    return &m->points[point].st[id];
}

static void add_name(char ***list, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*list)[i], name) == 0) return;
    *list = rp_realloc(*list, (*n + 1) * sizeof **list);
    (*list)[(*n)++] = rp_strdup(name);
}

static void note(rp_model_t *m, const char *fmt, const char *arg)
{
    size_t old = m->warnings ? strlen(m->warnings) : 0;
    size_t add = strlen(fmt) + strlen(arg ? arg : "") + 2;
    m->warnings = rp_realloc(m->warnings, old + add);
    snprintf(m->warnings + old, add, fmt, arg ? arg : "");
    strcat(m->warnings, "\n");
}

/* ---- SLOs -------------------------------------------------------------------------------------- */

/* "SLO api: p99 <= 50ms" -> load api, metric p99, op -1, threshold 50 (ms). */
static int slo_parse(const char *name, rp_slo_t *s)
{
    memset(s, 0, sizeof *s);
    if (strncmp(name, "SLO ", 4) != 0) return -1;
    const char *colon = strstr(name + 4, ": ");
    if (!colon) return -1;
    char metric[32], op[3], val[64];
    if (sscanf(colon + 2, " %31[a-z0-9_] %2[<>=] %63s", metric, op, val) != 3) return -1;
    s->name = rp_strdup(name);
    s->load = strndup(name + 4, (size_t)(colon - name - 4));
    s->metric = rp_strdup(metric);
    s->op = op[0] == '<' ? -1 : 1;
    bool lat = strcmp(metric, "mean") == 0 || (metric[0] == 'p' && metric[1] >= '0' && metric[1] <= '9') || strcmp(metric, "max") == 0;
    s->log_scale = lat;
    if (lat) {
        uint64_t ns;
        if (duration_parse(val, strlen(val), &ns) != 0) return -1;
        s->threshold = (double)ns / 1e6;
    } else {
        char *end;
        s->threshold = strtod(val, &end);
        if (*end == '%') s->threshold /= 100;
    }
    return 0;
}

static void slo_free(rp_slo_t *s)
{
    free(s->name);
    free(s->load);
    free(s->metric);
}

/* ---- reading one run ------------------------------------------------------------------------- */

static char *tail_of_log(const char *path)
{
    char *log = rp_read_file(path, NULL);
    if (!log) return rp_strdup("");
    /* the last three non-empty lines */
    size_t len = strlen(log);
    while (len && (log[len - 1] == '\n' || log[len - 1] == ' ')) log[--len] = 0;
    size_t start = len;
    int lines = 0;
    while (start > 0 && lines < 3) {
        start--;
        if (log[start] == '\n') lines++;
    }
    if (log[start] == '\n') start++;
    char *t = rp_strdup(log + start);
    for (char *c = t; *c; c++)
        if (*c == '\n') *c = ' ';
    free(log);
    return t;
}

static const char *signal_name(int sig)
{
    switch (sig) {
    case 2: return "SIGINT";
    case 6: return "SIGABRT";
    case 9: return "SIGKILL";
    case 11: return "SIGSEGV";
    case 15: return "SIGTERM";
    default: return "a signal";
    }
}

static void series_parse(rp_series_t *s, const char *text)
{
    memset(s, 0, sizeof *s);
    if (!text) return;
    typedef struct row { size_t ti, ki; double v; } row_t;
    row_t *rows = NULL;
    size_t nrows = 0, caprows = 0, last_k = 0;
    const char *line = strchr(text, '\n'); /* skip the header */
    while (line && *++line) {
        const char *eol = strchr(line, '\n');
        size_t n = eol ? (size_t)(eol - line) : strlen(line);
        /* time_s,scope,name,metric,value: the name may hold commas, so split from both ends */
        const char *c1 = memchr(line, ',', n);
        const char *c2 = c1 ? memchr(c1 + 1, ',', n - (size_t)(c1 + 1 - line)) : NULL;
        const char *c4 = NULL, *c3 = NULL;
        for (const char *p = line + n; p > line; p--)
            if (p[-1] == ',') {
                if (!c4) c4 = p - 1;
                else {
                    c3 = p - 1;
                    break;
                }
            }
        if (c1 && c2 && c3 && c4 && c3 > c2) {
            double t = strtod(line, NULL), v = strtod(c4 + 1, NULL);
            size_t ti;
            if (s->ntimes && s->t[s->ntimes - 1] == t) {
                ti = s->ntimes - 1;
            } else {
                s->t = rp_realloc(s->t, (s->ntimes + 1) * sizeof *s->t);
                s->t[s->ntimes] = t;
                ti = s->ntimes++;
            }
            size_t nl = (size_t)(c3 - c2 - 1), ml = (size_t)(c4 - c3 - 1);
            size_t ki = s->nkeys;
            /* keys repeat in the same order every sample: try the one after the last first */
            for (size_t probe = 0; probe < s->nkeys; probe++) {
                size_t k = (last_k + probe) % s->nkeys;
                if (strlen(s->name[k]) == nl && memcmp(s->name[k], c2 + 1, nl) == 0 && strlen(s->metric[k]) == ml &&
                    memcmp(s->metric[k], c3 + 1, ml) == 0 && strncmp(s->scope[k], c1 + 1, (size_t)(c2 - c1 - 1)) == 0 &&
                    s->scope[k][c2 - c1 - 1] == 0) {
                    ki = k;
                    break;
                }
            }
            if (ki == s->nkeys) {
                s->scope = rp_realloc(s->scope, (s->nkeys + 1) * sizeof *s->scope);
                s->name = rp_realloc(s->name, (s->nkeys + 1) * sizeof *s->name);
                s->metric = rp_realloc(s->metric, (s->nkeys + 1) * sizeof *s->metric);
                s->scope[ki] = strndup(c1 + 1, (size_t)(c2 - c1 - 1));
                s->name[ki] = strndup(c2 + 1, nl);
                s->metric[ki] = strndup(c3 + 1, ml);
                s->nkeys++;
            }
            last_k = ki + 1;
            if (nrows == caprows) rows = rp_realloc(rows, (caprows = caprows ? caprows * 2 : 256) * sizeof *rows);
            rows[nrows++] = (row_t){ ti, ki, v };
        }
        line = eol;
    }
    size_t cells = s->ntimes * s->nkeys;
    s->v = rp_alloc((cells ? cells : 1) * sizeof *s->v);
    for (size_t i = 0; i < s->ntimes * s->nkeys; i++) s->v[i] = NAN;
    for (size_t i = 0; i < nrows; i++) s->v[rows[i].ti * s->nkeys + rows[i].ki] = rows[i].v;
    free(rows);
}

static void series_free(rp_series_t *s)
{
    for (size_t k = 0; k < s->nkeys; k++) {
        free(s->scope[k]);
        free(s->name[k]);
        free(s->metric[k]);
    }
    free(s->scope);
    free(s->name);
    free(s->metric);
    free(s->t);
    free(s->v);
    memset(s, 0, sizeof *s);
}

int rp_series_key(const rp_series_t *s, const char *scope, const char *name, const char *metric)
{
    for (size_t k = 0; k < s->nkeys; k++)
        if (strcmp(s->metric[k], metric) == 0 && strcmp(s->name[k], name) == 0 && strcmp(s->scope[k], scope) == 0)
            return (int)k;
    return -1;
}

/* Fault windows from the kept trace lines (see report_runner.c). */
static rp_fault_t *fault_open(rp_run_t *r, double t, const char *kind, const char *what)
{
    r->faults = rp_realloc(r->faults, (r->nfaults + 1) * sizeof *r->faults);
    rp_fault_t *f = &r->faults[r->nfaults++];
    *f = (rp_fault_t){ t, NAN, rp_strdup(kind), rp_strdup(what) };
    return f;
}

static void faults_parse(rp_run_t *r, const char *text)
{
    if (!text) return;
    char crash_node[256] = "";
    double crash_t = -1;
    for (const char *line = text; line && *line;) {
        const char *eol = strchr(line, '\n');
        size_t n = eol ? (size_t)(eol - line) : strlen(line);
        rj_t *ev = rj_parse(line, n, NULL, 0);
        line = eol ? eol + 1 : NULL;
        if (!ev) continue;
        double t = rj_num(rj_get(ev, "t"), 0) / 1e9;
        const char *kind = rj_str(rj_get(ev, "kind"), ""), *node = rj_str(rj_get(ev, "node"), "");
        const char *fault = rj_str(rj_get(ev, "fault"), ""), *detail = rj_str(rj_get(ev, "detail"), "");
        if (strcmp(kind, "node_down") == 0) {
            bool open = false;
            for (size_t i = 0; i < r->nfaults; i++)
                if (isnan(r->faults[i].t1) && (strcmp(r->faults[i].kind, "crash") == 0 || strcmp(r->faults[i].kind, "down") == 0) &&
                    strcmp(r->faults[i].what, node) == 0)
                    open = true;
            if (!open) {
                bool crash = crash_t == t && strcmp(crash_node, node) == 0;
                if (crash) {
                    fault_open(r, t, "crash", node);
                } else {
                    char what[512];
                    snprintf(what, sizeof what, "%s (%s)", node, rj_str(rj_get(ev, "why"), "down"));
                    rp_fault_t *f = fault_open(r, t, "down", what);
                    free(f->what);
                    f->what = rp_strdup(node);
                }
            }
        } else if (strcmp(kind, "node_up") == 0) {
            for (size_t i = 0; i < r->nfaults; i++)
                if (isnan(r->faults[i].t1) && (strcmp(r->faults[i].kind, "crash") == 0 || strcmp(r->faults[i].kind, "down") == 0) &&
                    strcmp(r->faults[i].what, node) == 0)
                    r->faults[i].t1 = t;
        } else if (strcmp(kind, "fault") == 0) {
            if (strcmp(fault, "crash") == 0) {
                snprintf(crash_node, sizeof crash_node, "%s", node);
                crash_t = t;
            } else if (strcmp(fault, "kill") == 0 || strcmp(fault, "disconnect") == 0) {
                char what[512];
                snprintf(what, sizeof what, "%s%s%s", node, *node && *detail ? " " : "", detail);
                rp_fault_t *f = fault_open(r, t, fault, what);
                f->t1 = t;
            } else if (strcmp(fault, "partition") == 0 || strcmp(fault, "partition_oneway") == 0 || strcmp(fault, "degrade") == 0) {
                fault_open(r, t, fault, detail);
            } else if (strcmp(fault, "heal") == 0) {
                for (size_t i = 0; i < r->nfaults; i++)
                    if (isnan(r->faults[i].t1) && (strncmp(r->faults[i].kind, "partition", 9) == 0 || strcmp(r->faults[i].kind, "degrade") == 0))
                        r->faults[i].t1 = t;
            } else if (strcmp(fault, "slow") == 0) {
                double factor = 1;
                sscanf(detail, "factor %lf", &factor);
                for (size_t i = 0; i < r->nfaults; i++)
                    if (isnan(r->faults[i].t1) && strcmp(r->faults[i].kind, "slow") == 0 && strncmp(r->faults[i].what, node, strlen(node)) == 0 &&
                        r->faults[i].what[strlen(node)] == ' ')
                        r->faults[i].t1 = t;
                if (factor != 1) {
                    char what[512];
                    snprintf(what, sizeof what, "%s %s", node, detail);
                    fault_open(r, t, "slow", what);
                }
            } else if (strcmp(fault, "pause") == 0) {
                uint64_t ns = 0;
                duration_parse(detail, strlen(detail), &ns);
                rp_fault_t *f = fault_open(r, t, "pause", node);
                f->t1 = t + (double)ns / 1e9;
            } else if (strcmp(fault, "nemesis") == 0) {
                fault_open(r, t, "nemesis", detail);
            } else if (strcmp(fault, "nemesis_end") == 0) {
                for (size_t i = 0; i < r->nfaults; i++)
                    if (isnan(r->faults[i].t1) && strcmp(r->faults[i].kind, "nemesis") == 0) r->faults[i].t1 = t;
            }
        }
        rj_free(ev);
    }
    for (size_t i = 0; i < r->nfaults; i++)
        if (isnan(r->faults[i].t1)) r->faults[i].t1 = r->sim_s;
}

bool rp_in_fault(const rp_run_t *r, double t0, double t1)
{
    for (size_t i = 0; i < r->nfaults; i++) {
        const rp_fault_t *f = &r->faults[i];
        double a = f->t0, b = f->t1 > f->t0 ? f->t1 : f->t0 + 1e-9;
        if (a < t1 && b > t0) return true;
    }
    return false;
}

static double median_of(double *v, size_t n)
{
    if (n == 0) return NAN;
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
            double t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Fault impact of one run on one load: availability and p99 during the fault windows, the p99
 * outside them, and the time to recover after each window (see docs/reports.md). */
static void fault_impact(rp_model_t *m, rp_run_t *r, const char *load)
{
    const rp_series_t *s = &r->series;
    int kt = rp_series_key(s, "load", load, "throughput"), ke = rp_series_key(s, "load", load, "errors");
    int ko = rp_series_key(s, "load", load, "timeouts"), kp = rp_series_key(s, "load", load, "p99_ms");
    if (kt < 0 || s->ntimes < 2 || r->nfaults == 0) return;
    size_t nt = s->ntimes, K = s->nkeys, last = 0;
    for (size_t i = 0; i < nt; i++) {
        double tot = s->v[i * K + (size_t)kt] + (ke >= 0 ? s->v[i * K + (size_t)ke] : 0) + (ko >= 0 ? s->v[i * K + (size_t)ko] : 0);
        if (tot > 0) last = i;
    }
    double *buf = rp_alloc(nt * sizeof *buf), *buf2 = rp_alloc(nt * sizeof *buf2);
    double ok_in = 0, all_in = 0, p99_in = NAN, first_fault = r->faults[0].t0;
    size_t nb = 0, nout = 0;
    for (size_t i = 1; i <= last; i++) {
        double t0 = s->t[i - 1], t1 = s->t[i], span = t1 - t0;
        double ok = s->v[i * K + (size_t)kt] * span;
        double bad = (ke >= 0 ? s->v[i * K + (size_t)ke] : 0) + (ko >= 0 ? s->v[i * K + (size_t)ko] : 0);
        double p99 = kp >= 0 ? s->v[i * K + (size_t)kp] : NAN;
        if (rp_in_fault(r, t0, t1)) {
            ok_in += ok;
            all_in += ok + bad;
            if (!(p99 <= p99_in)) p99_in = p99;
        } else {
            if (!isnan(p99) && ok > 0) buf2[nout++] = p99;
        }
        if (t1 <= first_fault) buf[nb++] = s->v[i * K + (size_t)kt];
    }
    double p99_out = median_of(buf2, nout);
    double base_thr = median_of(buf, nb);
    nb = 0;
    for (size_t i = 1; i <= last; i++)
        if (s->t[i] <= first_fault && kp >= 0 && !isnan(s->v[i * K + (size_t)kp])) buf[nb++] = s->v[i * K + (size_t)kp];
    double base_p99 = median_of(buf, nb);
    if (isnan(base_thr)) { /* no interval before the first fault: use the ones outside faults */
        nb = 0;
        for (size_t i = 1; i <= last; i++)
            if (!rp_in_fault(r, s->t[i - 1], s->t[i])) buf[nb++] = s->v[i * K + (size_t)kt];
        base_thr = median_of(buf, nb);
    }
    if (isnan(base_p99)) base_p99 = p99_out;
    double ttr = 0;
    bool recovered_all = true;
    for (size_t w = 0; w < r->nfaults; w++) {
        double end = r->faults[w].t1 > r->faults[w].t0 ? r->faults[w].t1 : r->faults[w].t0;
        bool rec = false;
        for (size_t i = 1; i <= last; i++) {
            if (s->t[i - 1] < end - 1e-9) continue;
            double thr = s->v[i * K + (size_t)kt], span = s->t[i] - s->t[i - 1];
            double bad = (ke >= 0 ? s->v[i * K + (size_t)ke] : 0) + (ko >= 0 ? s->v[i * K + (size_t)ko] : 0);
            double p99 = kp >= 0 ? s->v[i * K + (size_t)kp] : NAN;
            bool ok = (isnan(base_thr) || thr >= 0.9 * base_thr) && bad <= 0.01 * (thr * span + bad) &&
                      (isnan(base_p99) || isnan(p99) || p99 <= 2 * base_p99);
            if (ok) {
                double d = s->t[i - 1] - end;
                if (d < 0) d = 0;
                if (d > ttr) ttr = d;
                rec = true;
                break;
            }
        }
        if (!rec) recovered_all = false;
    }
    free(buf);
    free(buf2);
    run_set(m, r, "fault", load, "availability_during", "", +1, all_in > 0 ? ok_in / all_in : NAN);
    run_set(m, r, "fault", load, "p99_during_ms", "ms", -1, p99_in);
    run_set(m, r, "fault", load, "p99_outside_ms", "ms", -1, p99_out);
    run_set(m, r, "fault", load, "ttr_s", "s", -1, recovered_all ? ttr : NAN);
    run_set(m, r, "fault", load, "recovered", "", +1, recovered_all ? 1 : 0);
}

static double series_mean(const rp_series_t *s, int k, double *max)
{
    double sum = 0;
    size_t n = 0;
    *max = NAN;
    if (k < 0) return NAN;
    for (size_t i = 0; i < s->ntimes; i++) {
        double v = s->v[i * s->nkeys + (size_t)k];
        if (isnan(v)) continue;
        sum += v;
        n++;
        if (!(v <= *max)) *max = v;
    }
    return n ? sum / (double)n : NAN;
}

static void run_metrics(rp_model_t *m, rp_run_t *r)
{
    const rj_t *metrics = rj_get(r->json, "metrics");
    const rj_t *loads = rj_get(metrics, "loads"), *nodes = rj_get(metrics, "nodes"), *procs = rj_get(metrics, "processes");
    static const char *const pct[] = { "mean", "p50", "p90", "p99", "p999", "max" };
    for (size_t i = 0; loads && i < loads->n; i++) {
        const char *L = loads->keys[i];
        const rj_t *l = loads->items[i];
        add_name(&m->loads, &m->nloads, L);
        double count = rj_num(rj_get(l, "count"), 0), ok = rj_num(rj_get(l, "ok"), 0);
        double errors = rj_num(rj_get(l, "errors"), 0), timeouts = rj_num(rj_get(l, "timeouts"), 0);
        double rate = rj_num(rj_get(l, "rate"), 0), per = count > 0 ? rate / count : 0;
        run_set(m, r, "load", L, "throughput", "/s", +1, ok * per);
        run_set(m, r, "load", L, "errors_per_s", "/s", -1, errors * per);
        run_set(m, r, "load", L, "timeouts_per_s", "/s", -1, timeouts * per);
        run_set(m, r, "load", L, "completed_per_s", "/s", 0, rate);
        run_set(m, r, "load", L, "error_ratio", "", -1, count > 0 ? (errors + timeouts) / count : NAN);
        run_set(m, r, "load", L, "availability", "", +1, count > 0 ? ok / count : NAN);
        run_set(m, r, "load", L, "count", "", 0, count);
        const rj_t *resp = rj_get(l, "response"), *svc = rj_get(l, "service");
        for (size_t k = 0; k < 6; k++) {
            char f[32];
            snprintf(f, sizeof f, "resp_%s", pct[k]);
            run_set(m, r, "load", L, f, "ms", -1, rj_num(rj_get(resp, pct[k]), NAN));
        }
        for (size_t k = 0; k < 6; k++) {
            char f[32];
            snprintf(f, sizeof f, "svc_%s", pct[k]);
            run_set(m, r, "load", L, f, "ms", -1, rj_num(rj_get(svc, pct[k]), NAN));
        }
    }
    for (size_t i = 0; nodes && i < nodes->n; i++) {
        const char *N = nodes->keys[i];
        const rj_t *n = nodes->items[i];
        add_name(&m->nodes, &m->nnodes, N);
        run_set(m, r, "node", N, "utilization", "", -1, rj_num(rj_get(n, "utilization"), NAN));
        run_set(m, r, "node", N, "cores", "", 0, rj_num(rj_get(n, "cores"), NAN));
        run_set(m, r, "node", N, "run_queue_max", "", -1, rj_num(rj_get(n, "run_queue_max"), NAN));
        double mx, mean = series_mean(&r->series, rp_series_key(&r->series, "node", N, "run_queue"), &mx);
        run_set(m, r, "node", N, "run_queue_mean", "", -1, mean);
        mean = series_mean(&r->series, rp_series_key(&r->series, "node", N, "cpu"), &mx);
        run_set(m, r, "node", N, "cpu_interval_max", "", -1, mx);
        run_set(m, r, "node", N, "memory_peak", "B", -1, rj_num(rj_get(n, "memory_peak"), NAN));
        run_set(m, r, "node", N, "crashes", "", -1, rj_num(rj_get(n, "crashes"), NAN));
    }
    for (size_t i = 0; procs && i < procs->n; i++) {
        const char *P = procs->keys[i];
        add_name(&m->procs, &m->nprocs, P);
        run_set(m, r, "process", P, "mailbox_max", "", -1, rj_num(rj_get(procs->items[i], "mailbox_max"), NAN));
        run_set(m, r, "process", P, "utilization", "", -1, rj_num(rj_get(procs->items[i], "utilization"), NAN));
        double mx, mean = series_mean(&r->series, rp_series_key(&r->series, "process", P, "mailbox"), &mx);
        run_set(m, r, "process", P, "mailbox_mean", "", -1, mean);
    }
    const rj_t *checks = rj_get(r->json, "checks");
    bool all_slo = true, all_checks = true, any_slo = false;
    for (size_t i = 0; checks && checks->type == RJ_ARR && i < checks->n; i++) {
        const char *name = rj_str(rj_get(checks->items[i], "name"), "");
        bool ok = rj_num(rj_get(checks->items[i], "ok"), 0) != 0;
        rp_slo_t s;
        if (slo_parse(name, &s) == 0) {
            bool known = false;
            for (size_t k = 0; k < m->nslos; k++) known = known || strcmp(m->slos[k].name, name) == 0;
            if (!known) {
                m->slos = rp_realloc(m->slos, (m->nslos + 1) * sizeof *m->slos);
                m->slos[m->nslos++] = s;
            } else {
                slo_free(&s);
            }
            double observed = NAN;
            const char *d = rj_str(rj_get(checks->items[i], "detail"), "");
            if (strncmp(d, "observed ", 9) == 0) observed = strtod(d + 9, NULL);
            run_set(m, r, "slo", name, "ok", "", +1, ok);
            run_set(m, r, "slo", name, "observed", "", 0, observed);
            all_slo = all_slo && ok;
            any_slo = true;
        } else {
            add_name(&m->checks, &m->nchecks, name);
            run_set(m, r, "check", name, "ok", "", +1, ok);
        }
        all_checks = all_checks && ok;
    }
    if (any_slo) run_set(m, r, "run", "", "all_slos_ok", "", +1, all_slo);
    run_set(m, r, "run", "", "all_checks_ok", "", +1, all_checks);
    run_set(m, r, "run", "", "events", "", 0, (double)r->events);
    if (r->nfaults) {
        run_set(m, r, "run", "", "fault_windows", "", 0, (double)r->nfaults);
        for (size_t i = 0; loads && i < loads->n; i++) fault_impact(m, r, loads->keys[i]);
    }
}

static void run_load(rp_model_t *m, const char *dir, size_t ri)
{
    rp_plan_t *p = m->plan;
    rp_run_t *r = &m->runs[ri];
    r->point = ri / p->nseeds;
    r->seed_index = ri % p->nseeds;
    r->seed = p->seed0 + r->seed_index;
    r->exit_code = -1;
    char id[64], name[128];
    rp_run_id(p, ri, id, sizeof id);
#define RUN_FILE(ext) (snprintf(name, sizeof name, "runs/%s" ext, id), rp_join(dir, name))
    char *status_path = RUN_FILE(".status");
    char *status = rp_read_file(status_path, NULL);
    free(status_path);
    char *log = RUN_FILE(".log");
    if (!status) {
        r->state = RP_RUN_MISSING;
        r->why = rp_strdup("not run");
    } else if (strncmp(status, "interrupted", 11) == 0) {
        r->state = RP_RUN_MISSING;
        r->why = rp_strdup("interrupted");
    } else if (strncmp(status, "exit ", 5) == 0) {
        r->exit_code = atoi(status + 5);
        char *jp = RUN_FILE(".json");
        char err[128];
        r->json = rj_parse_file(jp, err, sizeof err);
        free(jp);
        if ((r->exit_code == 0 || r->exit_code == 1) && r->json) {
            r->state = RP_RUN_DONE;
        } else {
            r->state = RP_RUN_FAILED;
            const char *e = rj_str(rj_get(r->json, "error"), NULL);
            char *t = e ? NULL : tail_of_log(log);
            char buf[1024];
            if (r->exit_code == 127) snprintf(buf, sizeof buf, "could not start otpsim run: %s", t ? t : "");
            else snprintf(buf, sizeof buf, "exit %d: %s", r->exit_code, e ? e : t);
            r->why = rp_strdup(buf);
            free(t);
        }
    } else if (strncmp(status, "signal ", 7) == 0) {
        r->state = RP_RUN_FAILED;
        int sig = atoi(status + 7);
        char *t = tail_of_log(log);
        char buf[1024];
        snprintf(buf, sizeof buf, "killed by %s (%d)%s%s", signal_name(sig), sig, *t ? ": " : "", t);
        r->why = rp_strdup(buf);
        free(t);
    } else {
        r->state = RP_RUN_FAILED;
        size_t l = strlen(status);
        while (l && status[l - 1] == '\n') status[--l] = 0;
        r->why = rp_strdup(status);
    }
    free(log);
    free(status);
    if (r->json) {
        snprintf(r->trace_hash, sizeof r->trace_hash, "%s", rj_str(rj_get(r->json, "trace_hash"), ""));
        r->events = (uint64_t)rj_num(rj_get(r->json, "events"), 0);
        r->sim_s = rj_num(rj_get(r->json, "sim_time_ns"), 0) / 1e9;
    }
    if (r->state != RP_RUN_DONE) return;
    char *csv = RUN_FILE(".csv"), *faults = RUN_FILE(".faults");
#undef RUN_FILE
    char *text = rp_read_file(csv, NULL);
    series_parse(&r->series, text);
    free(text);
    text = rp_read_file(faults, NULL);
    faults_parse(r, text);
    free(text);
    free(csv);
    free(faults);
    run_metrics(m, r);
}

/* ---- groups, knees, SLO maxima --------------------------------------------------------------- */

static double num_or_nan(const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    return (end != s && !*end && !errno) ? v : NAN;
}

/* Label of a point from its swept values except those named skip1, skip2. */
static char *label_except(const rp_plan_t *p, size_t point, const char *skip1, const char *skip2)
{
    jbuf_t b;
    jbuf_init(&b);
    for (size_t k = 0; k < p->nsweeps; k++) {
        if ((skip1 && strcmp(p->sweeps[k].name, skip1) == 0) || (skip2 && strcmp(p->sweeps[k].name, skip2) == 0)) continue;
        if (b.len) jbuf_putc(&b, ' ');
        jbuf_printf(&b, "%s=%s", p->sweeps[k].name, rp_plan_value(p, point, k));
    }
    char *s = rp_strdup(jbuf_cstr(&b));
    jbuf_deinit(&b);
    return s;
}

static const rp_run_t *run_of(const rp_model_t *m, size_t point, size_t seed_index)
{
    return &m->runs[point * m->plan->nseeds + seed_index];
}

/* The load (x) at which an SLO is crossed between a passing point (x0, v0) and a failing one
 * (x1, v1): on the quadratic through them and the passing point before (xa, va) when there is one
 * and the three rise steadily, else on the straight line — in log space for latencies (a p99
 * curve is close to exponential in the load, and a chord of a convex curve crosses early). */
static double crossing(const rp_slo_t *s, double xa, double va, double x0, double v0, double x1, double v1)
{
    if (isnan(v0) || isnan(v1) || v0 == v1) return x0;
    bool lg = s->log_scale && v0 > 0 && v1 > 0 && s->threshold > 0 && (isnan(va) || va > 0);
    double T = lg ? log(s->threshold) : s->threshold, g0 = lg ? log(v0) : v0, g1 = lg ? log(v1) : v1;
    double h = x1 - x0, d1 = (g1 - g0) / h, f = (T - g0) / (g1 - g0);
    if (!isnan(xa) && !isnan(va) && xa < x0) {
        double ga = lg ? log(va) : va, da = (g0 - ga) / (x0 - xa);
        bool steady = s->op < 0 ? (ga <= g0 && g0 <= g1) : (ga >= g0 && g0 >= g1);
        double d2 = (d1 - da) / (x1 - xa); /* q(x0 + u) = g0 + d1 u + d2 u (u - h) */
        if (steady && fabs(d2) > 1e-15 * (fabs(d1) + 1e-300)) {
            double A = d2, B = d1 - d2 * h, C = g0 - T, disc = B * B - 4 * A * C;
            if (disc >= 0) {
                double r1 = (-B + sqrt(disc)) / (2 * A), r2 = (-B - sqrt(disc)) / (2 * A);
                double u = (r1 >= 0 && r1 <= h) ? r1 : (r2 >= 0 && r2 <= h) ? r2 : NAN;
                if (!isnan(u)) return x0 + u;
            }
        }
    }
    if (!(f >= 0)) f = 0;
    if (f > 1) f = 1;
    return x0 + f * h;
}

/* A curve whose values stay within 10 % of its largest one has no knee to find: Kneedle would
 * normalise its noise into one. */
static bool flat(const double *ys, size_t n)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (ys[i] < lo) lo = ys[i];
        if (ys[i] > hi) hi = ys[i];
    }
    return n == 0 || !(hi - lo > 0.1 * fabs(hi));
}

static void group_analyse(rp_model_t *m, rp_group_t *g)
{
    const rp_plan_t *p = m->plan;
    g->knee = g->lat_knee = g->slo_first_fail = -1;
    g->slo_max_all = NAN;
    double *xs = rp_alloc((g->n + 1) * sizeof *xs), *ys = rp_alloc((g->n + 1) * sizeof *ys);
    size_t *idx = rp_alloc((g->n + 1) * sizeof *idx);
    double *seedv = rp_alloc((p->nseeds + 1) * sizeof *seedv);
    const char *L = m->load;
    /* the throughput knee on the mean curve, then on each seed's curve */
    for (int pass = 0; L && pass < 2; pass++) {
        size_t k = 0;
        for (size_t i = 0; i < g->n; i++) {
            const rp_stat_t *s = rp_point_stat(m, g->pts[i], "load", L, pass ? "resp_p99" : "throughput");
            if (!s || s->n == 0 || isnan(m->points[g->pts[i]].x)) continue;
            xs[k] = m->points[g->pts[i]].x;
            ys[k] = s->mean;
            idx[k++] = i;
        }
        int kn = flat(ys, k) ? -1 : rp_kneedle(xs, ys, k, pass ? RP_CONVEX_INCREASING : RP_CONCAVE_INCREASING, 1.0);
        if (pass) g->lat_knee = kn >= 0 ? (int)idx[kn] : -1;
        else g->knee = kn >= 0 ? (int)idx[kn] : -1;
    }
    for (size_t sd = 0; L && sd < p->nseeds; sd++) {
        size_t k = 0;
        for (size_t i = 0; i < g->n; i++) {
            const rp_run_t *r = run_of(m, g->pts[i], sd);
            double v = rp_run_metric(m, r, "load", L, "throughput");
            if (r->state != RP_RUN_DONE || isnan(v) || isnan(m->points[g->pts[i]].x)) continue;
            xs[k] = m->points[g->pts[i]].x;
            ys[k++] = v;
        }
        int kn = flat(ys, k) ? -1 : rp_kneedle(xs, ys, k, RP_CONCAVE_INCREASING, 1.0);
        seedv[sd] = kn >= 0 ? xs[kn] : NAN;
    }
    rp_stat_of(seedv, L ? p->nseeds : 0, &g->knee_seeds);

    /* the maximum load meeting every SLO, per seed */
    g->slo_censor = 0;
    if (m->nslos) {
        for (size_t sd = 0; sd < p->nseeds; sd++) {
            double best = INFINITY;
            int censor = +1;
            double xfirst = NAN, xlast = NAN;
            for (size_t si = 0; si < m->nslos; si++) {
                const rp_slo_t *s = &m->slos[si];
                double px = NAN, pv = NAN, ppx = NAN, ppv = NAN;
                for (size_t i = 0; i < g->n; i++) {
                    const rp_run_t *r = run_of(m, g->pts[i], sd);
                    double x = m->points[g->pts[i]].x;
                    double ok = rp_run_metric(m, r, "slo", s->name, "ok"), v = rp_run_metric(m, r, "slo", s->name, "observed");
                    if (r->state != RP_RUN_DONE || isnan(ok) || isnan(x)) continue;
                    if (isnan(xfirst)) xfirst = x;
                    xlast = x;
                    if (ok == 0) {
                        double c = isnan(px) ? x : crossing(s, ppx, ppv, px, pv, x, v);
                        if (isnan(px)) censor = -1;
                        else if (censor > 0) censor = 0;
                        if (c < best) best = c;
                        break;
                    }
                    ppx = px;
                    ppv = pv;
                    px = x;
                    pv = v;
                }
            }
            if (censor == -1) best = xfirst;
            if (isinf(best)) best = xlast;
            seedv[sd] = best;
            if (censor == -1) g->slo_censor = -1;
            else if (censor == 1 && g->slo_censor == 0 && !isnan(best)) g->slo_censor = 1;
        }
        rp_stat_of(seedv, p->nseeds, &g->slo_max);
        /* conservative: every seed passes here and at every lower load */
        for (size_t i = 0; i < g->n; i++) {
            const rp_point_t *pt = &m->points[g->pts[i]];
            if (pt->ndone == 0) continue;
            if (pt->slo_pass < pt->ndone) {
                g->slo_first_fail = (int)i;
                break;
            }
            g->slo_max_all = pt->x;
        }
    }
    free(xs);
    free(ys);
    free(idx);
    free(seedv);
}

/* A sentence naming the bottleneck at the group's knee (or its highest load). */
static void group_bottleneck(rp_model_t *m, rp_group_t *g)
{
    jbuf_t b;
    jbuf_init(&b);
    int at = g->knee >= 0 ? g->knee : (g->slo_first_fail >= 0 ? g->slo_first_fail : (int)g->n - 1);
    if (at < 0 || g->n == 0) {
        g->bottleneck = rp_strdup("no data");
        jbuf_deinit(&b);
        return;
    }
    size_t pt = g->pts[at], top = g->pts[g->n - 1], low = g->pts[0];
    const char *best = NULL;
    double bu = -1;
    for (size_t i = 0; i < m->nnodes; i++) {
        const rp_stat_t *s = rp_point_stat(m, pt, "node", m->nodes[i], "utilization");
        if (s && s->n && s->mean > bu) {
            bu = s->mean;
            best = m->nodes[i];
        }
    }
    /* a watched process whose mailbox grows with load: it cannot keep up */
    const char *proc = NULL;
    double grow = 0;
    for (size_t i = 0; i < m->nprocs; i++) {
        const rp_stat_t *hi = rp_point_stat(m, top, "process", m->procs[i], "mailbox_max");
        const rp_stat_t *lo = rp_point_stat(m, low, "process", m->procs[i], "mailbox_max");
        if (!hi || !hi->n) continue;
        double d = hi->mean - (lo && lo->n ? lo->mean : 0);
        if (d > grow && hi->mean >= 50) {
            grow = d;
            proc = m->procs[i];
        }
    }
    /* a watched process busy most of the time: one process runs on one core at a time */
    const char *busy_proc = NULL;
    double pu = 0;
    for (size_t i = 0; i < m->nprocs; i++) {
        const rp_stat_t *st = rp_point_stat(m, pt, "process", m->procs[i], "utilization");
        if (st && st->n && st->mean > pu) {
            pu = st->mean;
            busy_proc = m->procs[i];
        }
    }
    if (pu < 0.85) busy_proc = NULL;
    char x[600], u[32];
    rp_fmt(x, sizeof x, m->points[pt].x);
    const char *param = m->plan->load_param;
    if (!param) { /* no load axis: name the point by its parameters */
        param = "point";
        snprintf(x, sizeof x, "%zu (%s)", pt + 1, m->points[pt].label);
    }
    if (busy_proc && !(best && bu >= 0.85)) {
        snprintf(u, sizeof u, "%.0f%%", pu * 100);
        jbuf_printf(&b, "At %s=%s the process %s is %s busy while the busiest node (%s) is %.0f%% busy: that one "
                    "process is the bottleneck (one process runs on one core at a time).",
                    param, x, busy_proc, u, best ? best : "-", bu * 100);
    } else if (best && bu >= 0.85) {
        snprintf(u, sizeof u, "%.0f%%", bu * 100);
        jbuf_printf(&b, "At %s=%s node %s is %s busy: its CPU is the bottleneck.", param, x, best, u);
        if (proc) jbuf_printf(&b, " The mailbox of %s grows to %.0f messages at the highest load.", proc,
                              rp_point_stat(m, top, "process", proc, "mailbox_max")->mean);
    } else if (proc) {
        snprintf(u, sizeof u, "%.0f%%", bu * 100);
        jbuf_printf(&b, "The process %s is the bottleneck: its mailbox grows to %.0f messages at the highest load "
                    "while the busiest node (%s) is %s busy at %s=%s — one process runs on one core at a time.",
                    proc, rp_point_stat(m, top, "process", proc, "mailbox_max")->mean, best ? best : "-", u, param, x);
    } else if (g->knee >= 0 && best) {
        snprintf(u, sizeof u, "%.0f%%", bu * 100);
        jbuf_printf(&b, "Throughput levels off at %s=%s while the busiest node (%s) is only %s busy: the limit is not "
                    "CPU (look at concurrency limits, timeouts, the network, or an unwatched process).", param, x, best, u);
    } else if (best) {
        snprintf(u, sizeof u, "%.0f%%", bu * 100);
        jbuf_printf(&b, "Nothing saturates within the sweep: the busiest node (%s) is %s busy at %s=%s. "
                    "Sweep to higher loads to find the limit.", best, u, param, x);
    } else {
        jbuf_puts(&b, "No node metrics in the runs.");
    }
    g->bottleneck = rp_strdup(jbuf_cstr(&b));
    jbuf_deinit(&b);
}

static void build_groups(rp_model_t *m)
{
    const rp_plan_t *p = m->plan;
    for (size_t i = 0; i < m->npoints; i++) {
        /* without a load axis every point is one category of a single group */
        char *key = p->load_param ? label_except(p, i, p->load_param, NULL) : rp_strdup("");
        size_t g = 0;
        while (g < m->ngroups && strcmp(m->groups[g].label, *key ? key : "all points") != 0) g++;
        if (g == m->ngroups) {
            m->groups = rp_realloc(m->groups, (m->ngroups + 1) * sizeof *m->groups);
            memset(&m->groups[g], 0, sizeof *m->groups);
            m->groups[g].label = rp_strdup(*key ? key : "all points");
            m->groups[g].pts = rp_alloc(m->npoints * sizeof(size_t));
            m->ngroups++;
        }
        free(key);
        rp_group_t *gr = &m->groups[g];
        /* insertion by x (stable) */
        size_t at = gr->n;
        double x = m->points[i].x;
        while (at > 0 && !isnan(x) && m->points[gr->pts[at - 1]].x > x) at--;
        memmove(gr->pts + at + 1, gr->pts + at, (gr->n - at) * sizeof *gr->pts);
        gr->pts[at] = i;
        gr->n++;
        m->points[i].group = g;
    }
    for (size_t g = 0; g < m->ngroups; g++) {
        group_analyse(m, &m->groups[g]);
        group_bottleneck(m, &m->groups[g]);
    }
}

/* USL fits: N = the scale parameter; X = throughput at N (the best over the load points of the
 * same seed when the load is swept too). */
static void build_scaling(rp_model_t *m)
{
    const rp_plan_t *p = m->plan;
    if (!p->scale_param || !m->load) return;
    bool same = p->load_param && strcmp(p->load_param, p->scale_param) == 0;
    for (size_t i = 0; i < m->npoints; i++) {
        char *key = label_except(p, i, p->load_param, p->scale_param);
        size_t g = 0;
        while (g < m->nscaling && strcmp(m->scaling[g].label, *key ? key : "all points") != 0) g++;
        if (g == m->nscaling) {
            m->scaling = rp_realloc(m->scaling, (m->nscaling + 1) * sizeof *m->scaling);
            memset(&m->scaling[g], 0, sizeof *m->scaling);
            m->scaling[g].label = rp_strdup(*key ? key : "all points");
            m->nscaling++;
        }
        free(key);
        m->points[i].sgroup = g;
    }
    for (size_t g = 0; g < m->nscaling; g++) {
        rp_scaling_t *sc = &m->scaling[g];
        /* distinct N in increasing order */
        for (size_t i = 0; i < m->npoints; i++) {
            if (m->points[i].sgroup != g || isnan(m->points[i].scale)) continue;
            double N = m->points[i].scale;
            size_t k = 0;
            while (k < sc->nu && sc->Nu[k] != N) k++;
            if (k < sc->nu) continue;
            sc->Nu = rp_realloc(sc->Nu, (sc->nu + 1) * sizeof *sc->Nu);
            size_t at = sc->nu;
            while (at > 0 && sc->Nu[at - 1] > N) at--;
            memmove(sc->Nu + at + 1, sc->Nu + at, (sc->nu - at) * sizeof *sc->Nu);
            sc->Nu[at] = N;
            sc->nu++;
        }
        sc->Xu = rp_alloc((sc->nu + 1) * sizeof *sc->Xu);
        sc->N = rp_alloc((sc->nu * p->nseeds * (same ? m->npoints : 1) + 1) * sizeof *sc->N);
        sc->X = rp_alloc((sc->nu * p->nseeds * (same ? m->npoints : 1) + 1) * sizeof *sc->X);
        double *per = rp_alloc((p->nseeds + 1) * sizeof *per);
        for (size_t u = 0; u < sc->nu; u++) {
            for (size_t sd = 0; sd < p->nseeds; sd++) {
                double best = NAN;
                for (size_t i = 0; i < m->npoints; i++) {
                    if (m->points[i].sgroup != g || m->points[i].scale != sc->Nu[u]) continue;
                    const rp_run_t *r = run_of(m, i, sd);
                    double v = rp_run_metric(m, r, "load", m->load, "throughput");
                    if (r->state == RP_RUN_DONE && !isnan(v) && !(v <= best)) best = v;
                }
                per[sd] = best;
                if (!isnan(best)) {
                    sc->N[sc->n] = sc->Nu[u];
                    sc->X[sc->n++] = best;
                }
            }
            rp_stat_of(per, p->nseeds, &sc->Xu[u]);
        }
        free(per);
        rp_usl_fit(sc->N, sc->X, sc->n, &sc->fit);
    }
}

static void pick_details(rp_model_t *m)
{
    const rp_plan_t *p = m->plan;
    m->details = rp_alloc((p->ndetails + 4) * sizeof *m->details);
    for (size_t d = 0; d < p->ndetails; d++) {
        for (size_t i = 0; i < m->npoints; i++) {
            bool match = true;
            char *spec = rp_strdup(p->details[d]);
            for (char *tok = strtok(spec, ", "); tok && match; tok = strtok(NULL, ", ")) {
                char *eq = strchr(tok, '=');
                if (!eq) {
                    match = false;
                    break;
                }
                *eq = 0;
                int k = rp_plan_sweep_index(p, tok);
                if (k < 0) match = false;
                else {
                    const char *v = rp_plan_value(p, i, (size_t)k);
                    double a = num_or_nan(v), b = num_or_nan(eq + 1);
                    match = strcmp(v, eq + 1) == 0 || (!isnan(a) && a == b);
                }
            }
            free(spec);
            if (match) {
                m->details[m->ndetails++] = i;
                break;
            }
        }
        if (m->ndetails <= d) note(m, "--detail %s matches no point of the sweep", p->details[d]);
    }
    if (m->ndetails || m->ngroups == 0) return;
    /* automatic, in the first group that both meets and misses its SLOs (else the first group):
     * at capacity (the last point meeting every SLO) and the first point past it; without SLOs:
     * the knee and the highest load */
    const rp_group_t *g = &m->groups[0];
    for (size_t k = 0; k < m->ngroups; k++)
        if (m->groups[k].slo_first_fail > 0) {
            g = &m->groups[k];
            break;
        }
    int a = -1, b = -1;
    if (m->nslos && g->slo_first_fail >= 0) {
        a = g->slo_first_fail - 1;
        b = g->slo_first_fail;
    } else if (m->nslos) {
        a = (int)g->n - 1;
    } else {
        a = g->knee;
        b = (int)g->n - 1;
    }
    if (a >= 0) m->details[m->ndetails++] = g->pts[a];
    if (b >= 0 && b != a) m->details[m->ndetails++] = g->pts[b];
    if (m->ndetails == 0 && g->n) m->details[m->ndetails++] = g->pts[g->n - 1];
}

const rp_run_t *rp_detail_run(const rp_model_t *m, size_t point)
{
    for (size_t s = 0; s < m->plan->nseeds; s++) {
        const rp_run_t *r = run_of(m, point, s);
        if (r->state == RP_RUN_DONE) return r;
    }
    return NULL;
}

/* ---- baseline ---------------------------------------------------------------------------------- */

static void stat_from_json(const rj_t *j, rp_stat_t *s)
{
    s->n = (size_t)rj_num(rj_get(j, "n"), 0);
    s->mean = rj_num(rj_get(j, "mean"), NAN);
    s->sd = rj_num(rj_get(j, "sd"), NAN);
    s->ci95 = rj_num(rj_get(j, "ci95"), NAN);
    s->min = rj_num(rj_get(j, "min"), NAN);
    s->max = rj_num(rj_get(j, "max"), NAN);
}

static void add_delta(rp_model_t *m, const char *what, const char *key, const rp_stat_t *base, const rp_stat_t *cur, int better)
{
    if (!base || !cur || base->n == 0 || cur->n == 0 || isnan(base->mean) || isnan(cur->mean)) return;
    m->deltas = rp_realloc(m->deltas, (m->ndeltas + 1) * sizeof *m->deltas);
    rp_delta_t *d = &m->deltas[m->ndeltas++];
    memset(d, 0, sizeof *d);
    d->what = rp_strdup(what);
    d->key = rp_strdup(key);
    d->base = *base;
    d->cur = *cur;
    d->delta = cur->mean - base->mean;
    d->rel = base->mean != 0 ? d->delta / fabs(base->mean) : (d->delta != 0 ? INFINITY : 0);
    d->better = better;
    bool both = base->n >= 2 && cur->n >= 2;
    d->significant = both ? rp_welch_differs(base, cur) : d->delta != 0;
    bool big = fabs(d->rel) > m->threshold;
    if (better && d->significant && big) {
        if (d->delta * better < 0) {
            d->regression = true;
            m->nregressions++;
        } else {
            d->improvement = true;
            m->nimprovements++;
        }
    }
}

static void compare_baseline(rp_model_t *m, const char *dir)
{
    char *path = rp_join(dir, "summary.json");
    char err[128];
    rj_t *b = rj_parse_file(path, err, sizeof err);
    free(path);
    if (!b) {
        note(m, "--baseline: cannot read %s/summary.json; no comparison", dir);
        return;
    }
    m->baseline_dir = rp_strdup(dir);
    m->baseline_scenario = rp_strdup(rj_str(rj_get(b, "scenario"), "?"));
    /* per point: the headline metrics of the primary load and the nodes' utilisation */
    const rj_t *pts = rj_get(b, "points");
    static const char *const fields[] = { "throughput", "resp_p50", "resp_p99", "resp_p999", "error_ratio" };
    for (size_t i = 0; i < m->npoints; i++) {
        const rj_t *bp = NULL;
        for (size_t k = 0; pts && k < pts->n; k++)
            if (strcmp(rj_str(rj_get(pts->items[k], "label"), ""), m->points[i].label) == 0) bp = pts->items[k];
        if (!bp) continue;
        const rj_t *bm = rj_get(bp, "metrics");
        for (size_t k = 0; bm && k < bm->n; k++) {
            const rj_t *e = bm->items[k];
            const char *sc = rj_str(rj_get(e, "scope"), ""), *ob = rj_str(rj_get(e, "object"), ""), *f = rj_str(rj_get(e, "field"), "");
            bool want = false;
            if (m->load && strcmp(sc, "load") == 0 && strcmp(ob, m->load) == 0)
                for (size_t q = 0; q < 5; q++) want = want || strcmp(f, fields[q]) == 0;
            if (strcmp(sc, "node") == 0 && strcmp(f, "utilization") == 0) want = true;
            if (!want) continue;
            int id = rp_metric_find(m, sc, ob, f);
            if (id < 0) continue;
            rp_stat_t bs;
            stat_from_json(e, &bs);
            char what[512], key[512];
            snprintf(what, sizeof what, "%s: %s %s %s", m->points[i].label, sc, ob, f);
            snprintf(key, sizeof key, "points/%s/%s/%s/%s", m->points[i].label, sc, ob, f);
            add_delta(m, what, key, &bs, &m->points[i].st[id], m->metrics[id].better);
        }
    }
    /* per group: the knee and the SLO maximum */
    const rj_t *gs = rj_get(b, "groups");
    for (size_t g = 0; g < m->ngroups; g++) {
        const rj_t *bg = NULL;
        for (size_t k = 0; gs && k < gs->n; k++)
            if (strcmp(rj_str(rj_get(gs->items[k], "label"), ""), m->groups[g].label) == 0) bg = gs->items[k];
        if (!bg) continue;
        rp_stat_t bs;
        char what[512];
        stat_from_json(rj_get(bg, "slo_max"), &bs);
        snprintf(what, sizeof what, "%s: maximum load within every SLO", m->groups[g].label);
        add_delta(m, what, "groups/slo_max", &bs, &m->groups[g].slo_max, +1);
        stat_from_json(rj_get(bg, "knee_seeds"), &bs);
        snprintf(what, sizeof what, "%s: saturation knee", m->groups[g].label);
        add_delta(m, what, "groups/knee", &bs, &m->groups[g].knee_seeds, +1);
    }
    const rj_t *ss = rj_get(b, "scaling");
    for (size_t g = 0; g < m->nscaling; g++) {
        const rj_t *bsx = NULL;
        for (size_t k = 0; ss && k < ss->n; k++)
            if (strcmp(rj_str(rj_get(ss->items[k], "label"), ""), m->scaling[g].label) == 0) bsx = ss->items[k];
        const rj_t *u = rj_get(bsx, "usl");
        if (!u || !m->scaling[g].fit.ok) continue;
        rp_stat_t bs = { 1, rj_num(rj_get(u, "x_peak"), NAN), NAN, NAN, NAN, NAN };
        rp_stat_t cs = { 1, m->scaling[g].fit.x_peak, NAN, NAN, NAN, NAN };
        char what[512];
        snprintf(what, sizeof what, "%s: USL peak throughput", m->scaling[g].label);
        if (isfinite(bs.mean) && isfinite(cs.mean)) add_delta(m, what, "scaling/x_peak", &bs, &cs, +1);
    }
    rj_free(b);
}

/* ---- the model ----------------------------------------------------------------------------- */

int rp_model_build(rp_model_t *m, rp_plan_t *p, const char *dir, const char *baseline, double threshold)
{
    memset(m, 0, sizeof *m);
    m->plan = p;
    m->threshold = threshold;
    m->nruns = p->nruns;
    m->runs = rp_alloc((p->nruns + 1) * sizeof *m->runs);
    for (size_t r = 0; r < p->nruns; r++) {
        run_load(m, dir, r);
        m->ndone += m->runs[r].state == RP_RUN_DONE;
        m->nfailed += m->runs[r].state == RP_RUN_FAILED;
        m->nmissing += m->runs[r].state == RP_RUN_MISSING;
        m->any_faults = m->any_faults || m->runs[r].nfaults > 0;
    }
    m->load = m->nloads ? m->loads[0] : NULL;
    int lk = rp_plan_sweep_index(p, p->load_param), sk = rp_plan_sweep_index(p, p->scale_param);
    m->npoints = p->npoints;
    m->points = rp_alloc((p->npoints + 1) * sizeof *m->points);
    double *vals = rp_alloc((p->nseeds + 1) * sizeof *vals);
    int all_slo = rp_metric_find(m, "run", "", "all_slos_ok");
    for (size_t i = 0; i < p->npoints; i++) {
        rp_point_t *pt = &m->points[i];
        pt->label = label_except(p, i, NULL, NULL);
        if (!*pt->label) {
            free(pt->label);
            pt->label = rp_strdup("defaults");
        }
        pt->x = lk >= 0 ? num_or_nan(rp_plan_value(p, i, (size_t)lk)) : NAN;
        pt->scale = sk >= 0 ? num_or_nan(rp_plan_value(p, i, (size_t)sk)) : NAN;
        pt->st = rp_alloc((m->nmetrics + 1) * sizeof *pt->st);
        for (size_t s = 0; s < p->nseeds; s++) {
            const rp_run_t *r = run_of(m, i, s);
            pt->ndone += r->state == RP_RUN_DONE;
            pt->nfailed += r->state == RP_RUN_FAILED;
            pt->nmissing += r->state == RP_RUN_MISSING;
            if (r->state == RP_RUN_DONE && (all_slo < 0 || run_get(r, all_slo) == 1)) pt->slo_pass++;
        }
        for (size_t k = 0; k < m->nmetrics; k++) {
            for (size_t s = 0; s < p->nseeds; s++) {
                const rp_run_t *r = run_of(m, i, s);
                vals[s] = r->state == RP_RUN_DONE ? run_get(r, (int)k) : NAN;
            }
            rp_stat_of(vals, p->nseeds, &pt->st[k]);
        }
    }
    free(vals);
    build_groups(m);
    build_scaling(m);
    pick_details(m);
    if (baseline) compare_baseline(m, baseline);
    return 0;
}

void rp_model_free(rp_model_t *m)
{
    for (size_t r = 0; r < m->nruns; r++) {
        rp_run_t *run = &m->runs[r];
        free(run->why);
        rj_free(run->json);
        series_free(&run->series);
        for (size_t i = 0; i < run->nfaults; i++) {
            free(run->faults[i].kind);
            free(run->faults[i].what);
        }
        free(run->faults);
        free(run->m);
    }
    free(m->runs);
    for (size_t i = 0; i < m->npoints; i++) {
        free(m->points[i].label);
        free(m->points[i].st);
    }
    free(m->points);
    for (size_t i = 0; i < m->nmetrics; i++) {
        free(m->metrics[i].scope);
        free(m->metrics[i].object);
        free(m->metrics[i].field);
    }
    free(m->metrics);
    for (size_t i = 0; i < m->nloads; i++) free(m->loads[i]);
    for (size_t i = 0; i < m->nnodes; i++) free(m->nodes[i]);
    for (size_t i = 0; i < m->nprocs; i++) free(m->procs[i]);
    for (size_t i = 0; i < m->nchecks; i++) free(m->checks[i]);
    free(m->loads);
    free(m->nodes);
    free(m->procs);
    free(m->checks);
    for (size_t i = 0; i < m->nslos; i++) slo_free(&m->slos[i]);
    free(m->slos);
    for (size_t g = 0; g < m->ngroups; g++) {
        free(m->groups[g].label);
        free(m->groups[g].pts);
        free(m->groups[g].bottleneck);
    }
    free(m->groups);
    for (size_t g = 0; g < m->nscaling; g++) {
        free(m->scaling[g].label);
        free(m->scaling[g].N);
        free(m->scaling[g].X);
        free(m->scaling[g].Nu);
        free(m->scaling[g].Xu);
    }
    free(m->scaling);
    free(m->details);
    for (size_t i = 0; i < m->ndeltas; i++) {
        free(m->deltas[i].what);
        free(m->deltas[i].key);
    }
    free(m->deltas);
    free(m->baseline_dir);
    free(m->baseline_scenario);
    free(m->warnings);
    memset(m, 0, sizeof *m);
}
