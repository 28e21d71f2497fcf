/* report_write.c — the report's files: data/ (CSV), plots/ (gnuplot scripts rendered to .svg and .png by
 * gnuplot), summary.json, report.md and a self-contained index.html.
 *
 * Every number in a plot comes from a CSV in data/, and every plot is a gnuplot script in plots/
 * that reads those CSVs, so `cd plots && gnuplot NAME.gp` regenerates it. The HTML embeds each
 * SVG as a data: URI (no network, no id clashes between plots) and escapes every string that
 * came from the scenario or the runs. None of the files holds a wall-clock time or a path that
 * depends on where the report was built beyond what the command line gave, so equal inputs
 * give byte-identical files (the sharded/unsharded equality test relies on it). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report_int.h"

#define MAX_PLOT_GROUPS 6

/* ---- number formatting -------------------------------------------------------------------- */

static int decimals_for(double v)
{
    double a = fabs(v);
    if (a == 0 || !isfinite(a)) return 0;
    int d = 3 - (int)floor(log10(a));
    return d < 0 ? 0 : d > 6 ? 6 : d;
}

void rp_fmt(char *buf, size_t n, double v)
{
    if (isnan(v)) {
        snprintf(buf, n, "–");
        return;
    }
    if (isinf(v)) {
        snprintf(buf, n, v > 0 ? "∞" : "-∞");
        return;
    }
    if (fabs(v) >= 1e7 || (fabs(v) < 1e-6 && v != 0)) {
        snprintf(buf, n, "%.4g", v);
        return;
    }
    if (v == floor(v) && fabs(v) < 1e15) snprintf(buf, n, "%.0f", v);
    else snprintf(buf, n, "%.*f", decimals_for(v), v);
}

void rp_fmt_ci(char *buf, size_t n, const rp_stat_t *s)
{
    if (!s || s->n == 0) {
        snprintf(buf, n, "–");
        return;
    }
    char a[48], b[48];
    rp_fmt(a, sizeof a, s->mean);
    if (isnan(s->ci95)) {
        snprintf(buf, n, "%s", a);
        return;
    }
    /* the interval to two significant digits, the mean to the same decimal place; an interval
     * that is rounding noise (equal values in every seed) is 0 */
    double ci = s->ci95 <= 1e-9 * fabs(s->mean) ? 0 : s->ci95;
    int d;
    if (ci > 0) {
        d = 1 - (int)floor(log10(ci));
        if (d < 0) d = 0;
        if (d > 6) d = 6;
    } else {
        d = s->mean == floor(s->mean) ? 0 : decimals_for(s->mean);
    }
    snprintf(a, sizeof a, "%.*f", d, s->mean);
    if (ci > 0) snprintf(b, sizeof b, "%.*f", d, ci);
    else snprintf(b, sizeof b, "0");
    if (fabs(s->mean) >= 1e7 || (ci > 0 && ci < 1e-6)) {
        snprintf(a, sizeof a, "%.4g", s->mean);
        snprintf(b, sizeof b, "%.2g", ci);
    }
    snprintf(buf, n, "%s ± %s", a, b);
}

static void pct(char *buf, size_t n, const rp_stat_t *s)
{
    if (!s || s->n == 0) {
        snprintf(buf, n, "–");
        return;
    }
    rp_stat_t p = *s;
    p.mean *= 100;
    p.ci95 *= 100;
    rp_fmt_ci(buf, n, &p);
    strncat(buf, " %", n - strlen(buf) - 1);
}

/* ---- CSV ------------------------------------------------------------------------------------ */

static void csv_num(jbuf_t *b, double v)
{
    if (isfinite(v)) jbuf_printf(b, "%.10g", v);
    else if (isinf(v)) jbuf_puts(b, v > 0 ? "inf" : "-inf");
}

static void csv_num0(jbuf_t *b, double v) { csv_num(b, isnan(v) ? 0 : v); }

static void csv_str(jbuf_t *b, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        jbuf_puts(b, s);
        return;
    }
    jbuf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"') jbuf_putc(b, '"');
        jbuf_putc(b, *s == '\n' || *s == '\r' ? ' ' : *s);
    }
    jbuf_putc(b, '"');
}

static void csv_stat(jbuf_t *b, const rp_stat_t *s)
{
    jbuf_putc(b, ',');
    csv_num(b, s ? s->mean : NAN);
    jbuf_putc(b, ',');
    csv_num0(b, s ? s->ci95 : NAN);
}

/* ---- the writer's state ------------------------------------------------------------------ */

typedef struct plot {
    char *name;
    char *title;
    char *caption;
} plot_t;

typedef struct writer {
    const rp_model_t *m;
    const rp_plan_t *p;
    const char *dir;
    const rp_write_opts_t *o;
    char *data, *plots;
    plot_t *pl;
    size_t npl;
    bool gnuplot_missing;
    int rc;
} writer_t;

static void put_file(writer_t *w, const char *sub, const char *name, jbuf_t *b)
{
    char *dir = sub ? rp_join(w->dir, sub) : rp_strdup(w->dir);
    char *path = rp_join(dir, name);
    if (b->oom || rp_write_file(path, b->len ? b->p : "", b->len) != 0) w->rc = -1;
    free(path);
    free(dir);
}

static const char *xname(const writer_t *w) { return w->p->load_param ? w->p->load_param : "point"; }

/* x of point i in its group: the load parameter's value, or its position when none is swept */
static double xval(const writer_t *w, const rp_group_t *g, size_t i)
{
    double x = w->m->points[g->pts[i]].x;
    return w->p->load_param && !isnan(x) ? x : (double)(i + 1);
}

/* gnuplot single-quoted string: '' stands for ' */
static void gq(jbuf_t *b, const char *s)
{
    jbuf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'') jbuf_putc(b, '\'');
        jbuf_putc(b, (*s == '\n' || *s == '\r') ? ' ' : *s);
    }
    jbuf_putc(b, '\'');
}

static void gp_begin(jbuf_t *b, const char *name, const char *what, int width, int height)
{
    jbuf_printf(b, "# %s.gp — %s\n", name, what);
    jbuf_puts(b, "# Regenerate: cd plots && gnuplot ");
    jbuf_puts(b, name);
    jbuf_puts(b, ".gp   (reads ../data/*.csv, writes ");
    jbuf_printf(b, "%s.svg and %s.png)\n", name, name);
    jbuf_puts(b, "set datafile separator ','\nset termoption noenhanced\n");
    jbuf_puts(b, "do for [fmt in \"svg png\"] {\n");
    jbuf_printf(b, "  if (fmt eq \"svg\") { set terminal svg size %d,%d font 'Helvetica,12' background rgb 'white' } "
                   "else { set terminal pngcairo size %d,%d font 'Helvetica,10' background rgb 'white' }\n",
                width, height, width, height);
    jbuf_printf(b, "  set output '%s.'.fmt\n", name);
    jbuf_puts(b, "  reset\n  set datafile separator ','\n  set termoption noenhanced\n  set grid\n");
}

static void gp_end(jbuf_t *b) { jbuf_puts(b, "  unset output\n}\n"); }

static void add_plot(writer_t *w, const char *name, const char *title, const char *caption, jbuf_t *script)
{
    char *fname = rp_alloc(strlen(name) + 4);
    sprintf(fname, "%s.gp", name);
    put_file(w, "plots", fname, script);
    free(fname);
    w->pl = rp_realloc(w->pl, (w->npl + 1) * sizeof *w->pl);
    w->pl[w->npl++] = (plot_t){ rp_strdup(name), rp_strdup(title), rp_strdup(caption) };
}

/* ---- data + plots: load curves ---------------------------------------------------------------- */

static const rp_stat_t *pst(const writer_t *w, size_t point, const char *scope, const char *object, const char *field)
{
    return object ? rp_point_stat(w->m, point, scope, object, field) : NULL;
}

static void write_curves(writer_t *w)
{
    const rp_model_t *m = w->m;
    const char *L = m->load;
    static const char *const f[] = { "throughput", "errors_per_s", "timeouts_per_s", "resp_p50", "resp_p90", "resp_p99",
                                     "resp_p999", "resp_max", "resp_mean", "svc_p99", "error_ratio", "availability" };
    for (size_t g = 0; g < m->ngroups; g++) {
        const rp_group_t *gr = &m->groups[g];
        jbuf_t b;
        jbuf_init(&b);
        jbuf_printf(&b, "%s,throughput,throughput_ci95,errors_per_s,errors_per_s_ci95,timeouts_per_s,timeouts_per_s_ci95,"
                        "p50_ms,p50_ci95,p90_ms,p90_ci95,p99_ms,p99_ci95,p999_ms,p999_ci95,max_ms,max_ci95,mean_ms,mean_ci95,"
                        "service_p99_ms,service_p99_ci95,error_ratio,error_ratio_ci95,availability,availability_ci95,"
                        "slo_pass_fraction,point,label\n", xname(w));
        for (size_t i = 0; i < gr->n; i++) {
            size_t pt = gr->pts[i];
            const rp_point_t *P = &m->points[pt];
            csv_num(&b, xval(w, gr, i));
            for (size_t k = 0; k < 12; k++) csv_stat(&b, pst(w, pt, "load", L, f[k]));
            jbuf_putc(&b, ',');
            csv_num(&b, P->ndone ? (double)P->slo_pass / (double)P->ndone : NAN);
            jbuf_printf(&b, ",%zu,", pt + 1);
            csv_str(&b, P->label);
            jbuf_putc(&b, '\n');
        }
        char name[64];
        snprintf(name, sizeof name, "curve-%zu.csv", g + 1);
        put_file(w, "data", name, &b);
        jbuf_deinit(&b);
    }
}

static size_t plot_groups(const writer_t *w) { return w->m->ngroups < MAX_PLOT_GROUPS ? w->m->ngroups : MAX_PLOT_GROUPS; }

static void gp_xaxis(writer_t *w, jbuf_t *b)
{
    jbuf_puts(b, "  set xlabel ");
    gq(b, w->p->load_param ? w->p->load_param : "point");
    jbuf_putc(b, '\n');
    if (!w->p->load_param) { /* categories 1..n */
        size_t n = 1;
        for (size_t g = 0; g < w->m->ngroups; g++)
            if (w->m->groups[g].n > n) n = w->m->groups[g].n;
        jbuf_printf(b, "  set xrange [0.5:%zu.5]\n", n);
    }
}

/* the categories' labels on the x axis when no load is swept (a using spec's last column) */
static const char *xtic(const writer_t *w) { return w->p->load_param ? "" : ":xtic(28)"; }

/* Vertical markers: each group's knee and SLO maximum. */
static void gp_markers(writer_t *w, jbuf_t *b, bool knee, bool slo)
{
    const rp_model_t *m = w->m;
    if (!w->p->load_param) return;
    bool one = m->ngroups == 1; /* labels only when they cannot collide */
    for (size_t g = 0; g < plot_groups(w); g++) {
        const rp_group_t *gr = &m->groups[g];
        if (knee && gr->knee >= 0) {
            double x = m->points[gr->pts[gr->knee]].x;
            jbuf_printf(b, "  set arrow from first %.10g, graph 0 to first %.10g, graph 1 nohead dt 3 lw 1.5 lc %zu\n", x, x, g + 1);
            if (one) jbuf_printf(b, "  set label 'knee' at first %.10g, graph 0.97 left offset 0.3,0 tc lt %zu\n", x, g + 1);
        }
        if (slo && gr->slo_max.n) {
            double x = gr->slo_max.mean;
            if (one) {
                jbuf_printf(b, "  set arrow from first %.10g, graph 0 to first %.10g, graph 1 nohead dt 2 lw 1.5 lc rgb '#c00000'\n", x, x);
                jbuf_printf(b, "  set label 'max within SLO' at first %.10g, graph 0.97 right offset -0.3,0 tc rgb '#c00000'\n", x);
            } else {
                jbuf_printf(b, "  set arrow from first %.10g, graph 0 to first %.10g, graph 1 nohead dt 2 lw 2 lc %zu\n", x, x, g + 1);
            }
        }
    }
}

/* Where the key goes: inside for one group, outside on the right for several. */
static void gp_key(writer_t *w, jbuf_t *b, const char *inside)
{
    if (w->m->ngroups > 1) jbuf_puts(b, "  set key outside top center horizontal\n");
    else jbuf_printf(b, "  set key %s box opaque\n", inside);
}

static void plot_throughput(writer_t *w)
{
    const rp_model_t *m = w->m;
    jbuf_t b;
    jbuf_init(&b);
    gp_begin(&b, "throughput", "achieved throughput vs offered load, errors and timeouts on y2", 900, m->ngroups > 1 ? 600 : 520);
    gp_xaxis(w, &b);
    jbuf_puts(&b, "  set ylabel 'achieved throughput (ok/s)'\n  set y2label 'errors + timeouts (/s)'\n  set y2tics\n  set ytics nomirror\n");
    gp_key(w, &b, "top left");
    jbuf_puts(&b, "  set yrange [0:*]\n");
    bool errs = false;
    for (size_t i = 0; i < m->npoints; i++) {
        const rp_stat_t *e = pst(w, i, "load", m->load, "error_ratio");
        errs = errs || (e && e->n && e->max > 0);
    }
    jbuf_puts(&b, errs ? "  set y2range [0:*]\n" : "  set y2range [0:1]\n");
    gp_markers(w, &b, true, true);
    jbuf_puts(&b, "  plot ");
    bool first = true;
    if (w->p->load_param) {
        jbuf_puts(&b, "x with lines dt 2 lc rgb '#888888' title 'y = x (all offered load served)'");
        first = false;
    }
    for (size_t g = 0; g < plot_groups(w); g++) {
        char t[512];
        snprintf(t, sizeof t, "%s%s", m->ngroups > 1 ? m->groups[g].label : "throughput", "");
        jbuf_printf(&b, "%s'../data/curve-%zu.csv' using 1:2:3%s with yerrorlines lw 2 pt 7 ps 0.6 lc %zu title ", first ? "" : ", \\\n       ",
                    g + 1, xtic(w), g + 1);
        gq(&b, t);
        snprintf(t, sizeof t, "%s%s", m->ngroups > 1 ? m->groups[g].label : "", m->ngroups > 1 ? " errors+timeouts" : "errors + timeouts");
        jbuf_printf(&b, ", \\\n       '../data/curve-%zu.csv' using 1:($4+$6) axes x1y2 with linespoints dt 4 pt 2 ps 0.6 lc %zu title ", g + 1, g + 1);
        gq(&b, t);
        first = false;
    }
    jbuf_putc(&b, '\n');
    gp_end(&b);
    add_plot(w, "throughput", "Throughput vs offered load",
             "Achieved (ok) throughput against the offered load, mean and 95 % CI across seeds; the dashed grey line "
             "is y = x. Errors and timeouts per second on the right axis. Dotted: the saturation knee (Kneedle); "
             "dashed: the maximum load within every SLO (red, or the group's colour when there are several).", &b);
    jbuf_deinit(&b);
}

static void plot_latency(writer_t *w)
{
    const rp_model_t *m = w->m;
    jbuf_t b;
    jbuf_init(&b);
    gp_begin(&b, "latency", "response-time percentiles vs offered load (log scale), SLO thresholds", 900, m->ngroups > 1 ? 580 : 520);
    gp_xaxis(w, &b);
    jbuf_puts(&b, "  set ylabel 'response time, ms'\n  set logscale y\n");
    gp_key(w, &b, "top left");
    /* error bars below zero would drag a log axis down to nothing: start at half the smallest mean */
    double lo = INFINITY;
    for (size_t i = 0; i < m->npoints; i++) {
        const rp_stat_t *p50 = pst(w, i, "load", m->load, "resp_p50");
        if (p50 && p50->n && p50->mean > 0 && p50->mean < lo) lo = p50->mean;
    }
    if (isfinite(lo)) jbuf_printf(&b, "  set yrange [%.6g:*]\n", lo / 2);
    else jbuf_puts(&b, "  unset logscale y\n  set yrange [0:1]\n");
    for (size_t s = 0; s < m->nslos; s++) {
        const rp_slo_t *slo = &m->slos[s];
        if (!slo->log_scale || !m->load || strcmp(slo->load, m->load) != 0 || !(slo->threshold > 0)) continue;
        jbuf_printf(&b, "  set arrow from graph 0, first %.10g to graph 1, first %.10g nohead dt 2 lw 1.5 lc rgb '#c00000'\n",
                    slo->threshold, slo->threshold);
        jbuf_puts(&b, "  set label ");
        char t[300];
        snprintf(t, sizeof t, "SLO %s %s", slo->metric, slo->op < 0 ? "limit" : "floor");
        gq(&b, t);
        jbuf_printf(&b, " at graph 0.01, first %.10g offset 0,0.6 tc rgb '#c00000'\n", slo->threshold);
    }
    gp_markers(w, &b, true, true);
    jbuf_puts(&b, "  plot ");
    static const struct { int col; const char *name; } P[] = { { 8, "p50" }, { 10, "p90" }, { 12, "p99" }, { 14, "p99.9" } };
    bool first = true;
    if (!isfinite(lo)) {
        jbuf_puts(&b, "0 with lines lc rgb '#bbbbbb' title 'no request finished ok: no latency'");
    } else if (m->ngroups <= 1) {
        for (size_t k = 0; k < 4; k++) {
            jbuf_printf(&b, "%s'../data/curve-1.csv' using 1:($%d > 0 ? $%d : NaN):%d%s with yerrorlines lw 2 pt 7 ps 0.6 lc %zu title '%s'",
                        first ? "" : ", \\\n       ", P[k].col, P[k].col, P[k].col + 1, xtic(w), k + 1, P[k].name);
            first = false;
        }
    } else {
        for (size_t g = 0; g < plot_groups(w); g++) {
            char t[512];
            snprintf(t, sizeof t, "%s p99", m->groups[g].label);
            jbuf_printf(&b, "%s'../data/curve-%zu.csv' using 1:($12 > 0 ? $12 : NaN):13%s with yerrorlines lw 2 pt 7 ps 0.6 lc %zu title ",
                        first ? "" : ", \\\n       ", g + 1, xtic(w), g + 1);
            gq(&b, t);
            first = false;
        }
    }
    jbuf_putc(&b, '\n');
    gp_end(&b);
    add_plot(w, "latency", "Latency percentiles vs offered load",
             m->ngroups > 1 ? "p99 response time of each group, from each request's intended send time, without coordinated omission; "
                              "mean and 95 % CI across seeds, log scale. Red dashed horizontal: latency SLO "
                              "thresholds; dotted verticals: each group's saturation knee; dashed verticals: each "
                              "group's maximum load within every SLO, in the group's colour."
                            : "Response-time percentiles (from each request's intended send time: no coordinated "
                              "omission), mean and 95 % CI across seeds, log scale. Red dashed horizontal: latency SLO "
                              "thresholds; dotted: the saturation knee; red dashed vertical: the maximum load within "
                              "every SLO.", &b);
    jbuf_deinit(&b);
}

static void write_util_queues(writer_t *w)
{
    const rp_model_t *m = w->m;
    for (size_t g = 0; g < m->ngroups; g++) {
        const rp_group_t *gr = &m->groups[g];
        jbuf_t u, q;
        jbuf_init(&u);
        jbuf_init(&q);
        jbuf_puts(&u, xname(w));
        jbuf_puts(&q, xname(w));
        for (size_t n = 0; n < m->nnodes; n++) {
            jbuf_puts(&u, ",");
            csv_str(&u, m->nodes[n]);
            jbuf_puts(&u, ",ci95");
            jbuf_puts(&q, ",");
            csv_str(&q, m->nodes[n]);
            jbuf_puts(&q, " run_queue_mean,ci95,");
            csv_str(&q, m->nodes[n]);
            jbuf_puts(&q, " run_queue_max,ci95");
        }
        for (size_t k = 0; k < m->nprocs; k++) { /* watched processes' CPU, after the nodes' */
            jbuf_puts(&u, ",");
            csv_str(&u, m->procs[k]);
            jbuf_puts(&u, ",ci95");
        }
        for (size_t k = 0; k < m->nprocs; k++) {
            jbuf_puts(&q, ",");
            csv_str(&q, m->procs[k]);
            jbuf_puts(&q, " mailbox_max,ci95,");
            csv_str(&q, m->procs[k]);
            jbuf_puts(&q, " mailbox_mean,ci95");
        }
        jbuf_puts(&u, ",point,label\n");
        jbuf_puts(&q, ",point,label\n");
        for (size_t i = 0; i < gr->n; i++) {
            size_t pt = gr->pts[i];
            csv_num(&u, xval(w, gr, i));
            csv_num(&q, xval(w, gr, i));
            for (size_t n = 0; n < m->nnodes; n++) {
                csv_stat(&u, pst(w, pt, "node", m->nodes[n], "utilization"));
                csv_stat(&q, pst(w, pt, "node", m->nodes[n], "run_queue_mean"));
                csv_stat(&q, pst(w, pt, "node", m->nodes[n], "run_queue_max"));
            }
            for (size_t k = 0; k < m->nprocs; k++) csv_stat(&u, pst(w, pt, "process", m->procs[k], "utilization"));
            for (size_t k = 0; k < m->nprocs; k++) {
                csv_stat(&q, pst(w, pt, "process", m->procs[k], "mailbox_max"));
                csv_stat(&q, pst(w, pt, "process", m->procs[k], "mailbox_mean"));
            }
            jbuf_printf(&u, ",%zu,", pt + 1);
            csv_str(&u, m->points[pt].label);
            jbuf_putc(&u, '\n');
            jbuf_printf(&q, ",%zu,", pt + 1);
            csv_str(&q, m->points[pt].label);
            jbuf_putc(&q, '\n');
        }
        char name[64];
        snprintf(name, sizeof name, "utilization-%zu.csv", g + 1);
        put_file(w, "data", name, &u);
        snprintf(name, sizeof name, "queues-%zu.csv", g + 1);
        put_file(w, "data", name, &q);
        jbuf_deinit(&u);
        jbuf_deinit(&q);
    }
}

/* Whether metric scope/object/field has a value above zero at some point of group g (nodes that
 * do not exist in a group, or never used a CPU, are left out of its plots and tables). */
static bool in_group(const writer_t *w, size_t g, const char *scope, const char *object, const char *field)
{
    const rp_group_t *gr = &w->m->groups[g];
    for (size_t i = 0; i < gr->n; i++) {
        const rp_stat_t *st = rp_point_stat(w->m, gr->pts[i], scope, object, field);
        if (st && st->n && st->max > 0) return true;
    }
    return false;
}

static void plot_util_queues(writer_t *w)
{
    const rp_model_t *m = w->m;
    size_t label_col_u = 2 + 2 * m->nnodes + 2 * m->nprocs + 2, label_col_q = 2 + 4 * m->nnodes + 4 * m->nprocs + 2;
    for (size_t g = 0; g < plot_groups(w); g++) {
        char name[64], title[512], cap[1024];
        jbuf_t b;
        jbuf_init(&b);
        snprintf(name, sizeof name, "utilization-%zu", g + 1);
        gp_begin(&b, name, "CPU utilisation per node (and watched process, dashed) vs offered load", 900, 480);
        gp_xaxis(w, &b);
        jbuf_puts(&b, "  set ylabel 'CPU utilisation (%)'\n  set yrange [0:105]\n  set key outside right top\n");
        gp_markers(w, &b, true, false);
        jbuf_puts(&b, "  plot ");
        size_t k = 0;
        for (size_t n = 0; n < m->nnodes; n++) {
            if (!in_group(w, g, "node", m->nodes[n], "utilization")) continue;
            char xt[32] = "";
            if (!w->p->load_param) snprintf(xt, sizeof xt, ":xtic(%zu)", label_col_u);
            jbuf_printf(&b, "%s'../data/%s.csv' using 1:($%zu*100):($%zu*100)%s with yerrorlines lw 2 pt 7 ps 0.5 lc %zu title ",
                        k++ ? ", \\\n       " : "", name, 2 + 2 * n, 3 + 2 * n, xt, n + 1);
            gq(&b, m->nodes[n]);
        }
        for (size_t p = 0; p < m->nprocs; p++) { /* watched processes, dashed */
            if (!in_group(w, g, "process", m->procs[p], "utilization")) continue;
            char xt[32] = "";
            if (!w->p->load_param) snprintf(xt, sizeof xt, ":xtic(%zu)", label_col_u);
            jbuf_printf(&b, "%s'../data/%s.csv' using 1:($%zu*100):($%zu*100)%s with yerrorlines lw 2 dt 2 pt 6 ps 0.5 lc %zu title ",
                        k++ ? ", \\\n       " : "", name, 2 + 2 * m->nnodes + 2 * p, 3 + 2 * m->nnodes + 2 * p, xt,
                        m->nnodes + p + 1);
            gq(&b, m->procs[p]);
        }
        if (k == 0) jbuf_puts(&b, "[0:1][0:1] -1 title 'no node was busy'");
        jbuf_putc(&b, '\n');
        gp_end(&b);
        snprintf(title, sizeof title, "Utilisation per node%s%s", m->ngroups > 1 ? ": " : "", m->ngroups > 1 ? m->groups[g].label : "");
        snprintf(cap, sizeof cap, "Busy time / (cores × run time) of every node, mean and 95 %% CI across seeds.");
        add_plot(w, name, title, cap, &b);
        jbuf_reset(&b);

        snprintf(name, sizeof name, "queues-%zu", g + 1);
        gp_begin(&b, name, "run queues per node and mailboxes of watched processes vs offered load", 900, 480);
        gp_xaxis(w, &b);
        jbuf_puts(&b, "  set ylabel 'run queue (processes waiting for a core)'\n  set yrange [0:*]\n  set key outside right top\n");
        if (m->nprocs) jbuf_puts(&b, "  set y2label 'mailbox (messages)'\n  set y2tics\n  set ytics nomirror\n  set y2range [0:*]\n");
        jbuf_puts(&b, "  plot ");
        k = 0;
        for (size_t n = 0; n < m->nnodes; n++) {
            if (!in_group(w, g, "node", m->nodes[n], "run_queue_mean")) continue;
            k++;
            char xt[32] = "";
            if (!w->p->load_param) snprintf(xt, sizeof xt, ":xtic(%zu)", label_col_q);
            jbuf_printf(&b, "%s'../data/%s.csv' using 1:%zu:%zu%s with yerrorlines lw 2 pt 7 ps 0.5 lc %zu title ", k > 1 ? ", \\\n       " : "",
                        name, 2 + 4 * n, 3 + 4 * n, xt, n + 1);
            char t[300];
            snprintf(t, sizeof t, "%s run queue (mean)", m->nodes[n]);
            gq(&b, t);
        }
        for (size_t q = 0; q < m->nprocs; q++) {
            size_t c = 2 + 4 * m->nnodes + 4 * q;
            jbuf_printf(&b, "%s'../data/%s.csv' using 1:%zu:%zu axes x1y2 with yerrorlines dt 2 lw 2 pt 5 ps 0.5 lc %zu title ",
                        k++ ? ", \\\n       " : "", name, c, c + 1, m->nnodes + q + 1);
            char t[300];
            snprintf(t, sizeof t, "%s mailbox (max)", m->procs[q]);
            gq(&b, t);
        }
        if (k == 0) jbuf_puts(&b, "[0:1][0:1] -1 title 'no queue metrics'");
        jbuf_putc(&b, '\n');
        gp_end(&b);
        snprintf(title, sizeof title, "Queue depths%s%s", m->ngroups > 1 ? ": " : "", m->ngroups > 1 ? m->groups[g].label : "");
        snprintf(cap, sizeof cap, "Mean run-queue length per node (sampled every interval) on the left; the largest "
                                  "mailbox of each watched process (sim.watch) on the right.");
        add_plot(w, name, title, cap, &b);
        jbuf_deinit(&b);
    }
}

/* ---- time series, faults, spectrum at the detail points --------------------------------------- */

static void write_detail(writer_t *w)
{
    const rp_model_t *m = w->m;
    for (size_t d = 0; d < m->ndetails; d++) {
        size_t pt = m->details[d];
        const rp_run_t *r = rp_detail_run(m, pt);
        if (!r) continue;
        const rp_series_t *s = &r->series;
        jbuf_t b;
        jbuf_init(&b);
        jbuf_puts(&b, "time_s");
        for (size_t k = 0; k < s->nkeys; k++) {
            char col[600];
            snprintf(col, sizeof col, "%s %s %s", s->scope[k], s->name[k], s->metric[k]);
            jbuf_putc(&b, ',');
            csv_str(&b, col);
        }
        jbuf_putc(&b, '\n');
        for (size_t i = 0; i < s->ntimes; i++) {
            csv_num(&b, s->t[i]);
            for (size_t k = 0; k < s->nkeys; k++) {
                jbuf_putc(&b, ',');
                csv_num(&b, s->v[i * s->nkeys + k]);
            }
            jbuf_putc(&b, '\n');
        }
        char name[64];
        snprintf(name, sizeof name, "timeseries-p%zu.csv", pt + 1);
        put_file(w, "data", name, &b);
        jbuf_reset(&b);
        jbuf_puts(&b, "start_s,end_s,kind,what\n");
        for (size_t i = 0; i < r->nfaults; i++) {
            csv_num(&b, r->faults[i].t0);
            jbuf_putc(&b, ',');
            csv_num(&b, r->faults[i].t1);
            jbuf_putc(&b, ',');
            csv_str(&b, r->faults[i].kind);
            jbuf_putc(&b, ',');
            csv_str(&b, r->faults[i].what);
            jbuf_putc(&b, '\n');
        }
        snprintf(name, sizeof name, "faults-p%zu.csv", pt + 1);
        put_file(w, "data", name, &b);
        jbuf_deinit(&b);
    }
}

/* The column (1-based, gnuplot) of a series key, or 0. */
static size_t scol(const rp_series_t *s, const char *scope, const char *name, const char *metric)
{
    int k = rp_series_key(s, scope, name, metric);
    return k < 0 ? 0 : (size_t)k + 2;
}

static void plot_detail(writer_t *w)
{
    const rp_model_t *m = w->m;
    for (size_t d = 0; d < m->ndetails; d++) {
        size_t pt = m->details[d];
        const rp_run_t *r = rp_detail_run(m, pt);
        if (!r || r->series.ntimes == 0) continue;
        const rp_series_t *s = &r->series;
        char name[64], data[80];
        snprintf(name, sizeof name, "timeseries-p%zu", pt + 1);
        snprintf(data, sizeof data, "'../data/%s.csv'", name);
        jbuf_t b;
        jbuf_init(&b);
        gp_begin(&b, name, "time series of one run, fault windows shaded", 900, 900);
        jbuf_puts(&b, "  set multiplot layout 4,1 title ");
        char t[700];
        snprintf(t, sizeof t, "%s, seed %llu", m->points[pt].label, (unsigned long long)r->seed);
        gq(&b, t);
        jbuf_puts(&b, "\n  set key outside right top\n  set lmargin 12\n  set rmargin 30\n  set xrange [0:*]\n");
        for (size_t i = 0; i < r->nfaults; i++) {
            const rp_fault_t *f = &r->faults[i];
            if (f->t1 > f->t0)
                jbuf_printf(&b, "  set object %zu rect from first %.10g, graph 0 to first %.10g, graph 1 behind fc rgb '%s' fs solid 0.35 noborder\n",
                            i + 1, f->t0, f->t1, strcmp(f->kind, "nemesis") == 0 ? "#ffe9b0" : "#ffb0b0");
            else
                jbuf_printf(&b, "  set arrow %zu from first %.10g, graph 0 to first %.10g, graph 1 nohead lc rgb '#d00000' lw 1.5\n", i + 1,
                            f->t0, f->t0);
        }
        /* 1: throughput and errors */
        jbuf_puts(&b, "  set ylabel 'requests/s'\n  set yrange [0:*]\n  set format x ''\n  plot ");
        bool any = false;
        for (size_t l = 0; l < m->nloads; l++) {
            size_t c = scol(s, "load", m->loads[l], "throughput"), ce = scol(s, "load", m->loads[l], "errors"),
                   ct = scol(s, "load", m->loads[l], "timeouts");
            if (!c) continue;
            jbuf_printf(&b, "%s%s using 1:%zu with lines lw 2 lc %zu title ", any ? ", " : "", data, c, l + 1);
            snprintf(t, sizeof t, "%s ok/s", m->loads[l]);
            gq(&b, t);
            if (ce && ct) {
                jbuf_printf(&b, ", %s using 1:($%zu+$%zu) with lines dt 2 lw 2 lc rgb '#c00000' title ", data, ce, ct);
                snprintf(t, sizeof t, "%s errors+timeouts", m->loads[l]);
                gq(&b, t);
            }
            any = true;
        }
        if (!any) jbuf_puts(&b, "[0:1][0:1] -1 title 'no load'");
        /* 2: latency */
        jbuf_puts(&b, "\n  set ylabel 'response time, ms'\n  set logscale y\n  set yrange [*:*]\n  plot ");
        any = false;
        for (size_t l = 0; l < m->nloads; l++) {
            size_t c50 = scol(s, "load", m->loads[l], "p50_ms"), c99 = scol(s, "load", m->loads[l], "p99_ms");
            if (!c50 || !c99) continue;
            jbuf_printf(&b, "%s%s using 1:($%zu > 0 ? $%zu : NaN) with lines lw 2 lc %zu title ", any ? ", " : "", data, c99, c99, l + 1);
            snprintf(t, sizeof t, "%s p99", m->loads[l]);
            gq(&b, t);
            jbuf_printf(&b, ", %s using 1:($%zu > 0 ? $%zu : NaN) with lines dt 2 lw 1.5 lc %zu title ", data, c50, c50, l + 1);
            snprintf(t, sizeof t, "%s p50", m->loads[l]);
            gq(&b, t);
            any = true;
        }
        if (!any) jbuf_puts(&b, "[0:1][0:1] -1 title 'no load'");
        /* 3: CPU */
        jbuf_puts(&b, "\n  unset logscale y\n  set ylabel 'CPU (%)'\n  set yrange [0:105]\n  plot ");
        any = false;
        for (size_t n = 0; n < m->nnodes; n++) {
            size_t c = scol(s, "node", m->nodes[n], "cpu");
            if (!c) continue;
            jbuf_printf(&b, "%s%s using 1:($%zu*100) with lines lw 2 lc %zu title ", any ? ", " : "", data, c, n + 1);
            gq(&b, m->nodes[n]);
            any = true;
        }
        if (!any) jbuf_puts(&b, "[0:1][0:1] -1 title 'no node'");
        /* 4: queues */
        jbuf_puts(&b, "\n  set ylabel 'queue length'\n  set yrange [0:*]\n  set format x '%g'\n  set xlabel 'virtual time, s'\n  plot ");
        any = false;
        for (size_t n = 0; n < m->nnodes; n++) {
            size_t c = scol(s, "node", m->nodes[n], "run_queue");
            if (!c) continue;
            jbuf_printf(&b, "%s%s using 1:%zu with lines lw 2 lc %zu title ", any ? ", " : "", data, c, n + 1);
            snprintf(t, sizeof t, "%s run queue", m->nodes[n]);
            gq(&b, t);
            any = true;
        }
        for (size_t q = 0; q < m->nprocs; q++) {
            size_t c = scol(s, "process", m->procs[q], "mailbox");
            if (!c) continue;
            jbuf_printf(&b, "%s%s using 1:%zu with lines dt 2 lw 2 lc %zu title ", any ? ", " : "", data, c, m->nnodes + q + 1);
            snprintf(t, sizeof t, "%s mailbox", m->procs[q]);
            gq(&b, t);
            any = true;
        }
        if (!any) jbuf_puts(&b, "[0:1][0:1] -1 title 'no queues'");
        jbuf_puts(&b, "\n  unset multiplot\n");
        gp_end(&b);
        char title[600], cap[300];
        snprintf(title, sizeof title, "Time series at %s (seed %llu)", m->points[pt].label, (unsigned long long)r->seed);
        snprintf(cap, sizeof cap, "%s", r->nfaults ? "One run, sampled every interval. Shaded: fault windows (red: a fault is in "
                                                    "effect; yellow: a nemesis period); vertical red lines: instantaneous faults."
                                                  : "One run, sampled every interval. No fault was injected in this run.");
        add_plot(w, name, title, cap, &b);
        jbuf_deinit(&b);
    }
}

/* Percentile spectrum at the detail points: the JSON's own spectrum when a run has one
 * (metrics.loads.<L>.spectrum.{response,service} = [[percentile, ms], ...]), else the five
 * percentiles every run reports (p50, p90, p99, p99.9, max), averaged across seeds. */
static void write_plot_spectrum(writer_t *w)
{
    const rp_model_t *m = w->m;
    if (!m->load || m->ndetails == 0) return;
    jbuf_t g;
    jbuf_init(&g);
    gp_begin(&g, "spectrum", "percentile spectrum (HdrHistogram style) at the detail points", 900, 520);
    jbuf_puts(&g, "  set logscale x\n  set logscale y\n  set xlabel 'percentile'\n  set ylabel 'latency (ms)'\n  set key top left box opaque\n");
    jbuf_puts(&g, "  set xtics ('50%%' 2, '90%%' 10, '99%%' 100, '99.9%%' 1000, '99.99%%' 10000, '99.999%%' 100000)\n  plot ");
    size_t nplotted = 0;
    for (size_t d = 0; d < m->ndetails; d++) {
        size_t pt = m->details[d];
        const rp_run_t *r = rp_detail_run(m, pt);
        if (!r) continue;
        jbuf_t b;
        jbuf_init(&b);
        jbuf_puts(&b, "percentile,one_over_one_minus_p,response_ms,response_ci95,service_ms,service_ci95,source\n");
        const rj_t *spec = rj_get(rj_get(rj_get(rj_get(r->json, "metrics"), "loads"), m->load), "spectrum");
        const rj_t *rs = rj_get(spec, "response"), *ss = rj_get(spec, "service");
        if (rs && rs->type == RJ_ARR && rs->n) {
            for (size_t i = 0; i < rs->n; i++) {
                const rj_t *e = rs->items[i];
                if (e->type != RJ_ARR || e->n < 2) continue;
                double pc = rj_num(e->items[0], NAN);
                if (!(pc < 100)) continue;
                csv_num(&b, pc);
                jbuf_putc(&b, ',');
                csv_num(&b, 1 / (1 - pc / 100));
                jbuf_putc(&b, ',');
                csv_num(&b, rj_num(e->items[1], NAN));
                jbuf_puts(&b, ",0,");
                double sv = NAN;
                if (ss && ss->type == RJ_ARR && i < ss->n && ss->items[i]->type == RJ_ARR && ss->items[i]->n >= 2)
                    sv = rj_num(ss->items[i]->items[1], NAN);
                csv_num(&b, sv);
                jbuf_puts(&b, ",0,hdr spectrum of one run\n");
            }
        } else {
            static const struct { double p; const char *f; } P[] = { { 50, "p50" }, { 90, "p90" }, { 99, "p99" }, { 99.9, "p999" } };
            for (size_t i = 0; i < 4; i++) {
                char fr[16], fs[16];
                snprintf(fr, sizeof fr, "resp_%s", P[i].f);
                snprintf(fs, sizeof fs, "svc_%s", P[i].f);
                csv_num(&b, P[i].p);
                jbuf_putc(&b, ',');
                csv_num(&b, 1 / (1 - P[i].p / 100));
                csv_stat(&b, pst(w, pt, "load", m->load, fr));
                csv_stat(&b, pst(w, pt, "load", m->load, fs));
                jbuf_puts(&b, ",mean across seeds\n");
            }
            const rp_stat_t *cnt = pst(w, pt, "load", m->load, "count");
            if (cnt && cnt->n && cnt->mean > 1) {
                double pc = 100 * (1 - 1 / cnt->mean);
                csv_num(&b, pc);
                jbuf_putc(&b, ',');
                csv_num(&b, cnt->mean);
                csv_stat(&b, pst(w, pt, "load", m->load, "resp_max"));
                csv_stat(&b, pst(w, pt, "load", m->load, "svc_max"));
                jbuf_puts(&b, ",max (at 1 - 1/count)\n");
            }
        }
        char name[64];
        snprintf(name, sizeof name, "spectrum-p%zu.csv", pt + 1);
        put_file(w, "data", name, &b);
        jbuf_deinit(&b);
        char t[600];
        jbuf_printf(&g, "%s'../data/%s' using 2:($3 > 0 ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.6 lc %zu title ", nplotted ? ", \\\n       " : "",
                    name, d + 1);
        snprintf(t, sizeof t, "%s response", m->points[pt].label);
        gq(&g, t);
        jbuf_printf(&g, ", \\\n       '../data/%s' using 2:($5 > 0 ? $5 : NaN) with linespoints dt 2 lw 1.5 pt 6 ps 0.6 lc %zu title ", name, d + 1);
        snprintf(t, sizeof t, "%s service", m->points[pt].label);
        gq(&g, t);
        nplotted++;
    }
    jbuf_putc(&g, '\n');
    gp_end(&g);
    if (nplotted)
        add_plot(w, "spectrum", "Percentile spectrum",
                 "Latency by percentile, x = 1/(1 − p) on a log axis (HdrHistogram's percentile spectrum): response time "
                 "from the intended send time, solid; service time, from the actual send, dashed, at the detail points.", &g);
    jbuf_deinit(&g);
}

/* ---- scaling -------------------------------------------------------------------------------- */

static void write_plot_scaling(writer_t *w)
{
    const rp_model_t *m = w->m;
    for (size_t g = 0; g < m->nscaling; g++) {
        const rp_scaling_t *sc = &m->scaling[g];
        if (sc->nu == 0) continue;
        jbuf_t b;
        jbuf_init(&b);
        char name[64];
        jbuf_printf(&b, "%s,seed_index,throughput\n", w->p->scale_param);
        for (size_t i = 0; i < sc->n; i++) {
            csv_num(&b, sc->N[i]);
            jbuf_printf(&b, ",%zu,", i);
            csv_num(&b, sc->X[i]);
            jbuf_putc(&b, '\n');
        }
        snprintf(name, sizeof name, "usl-%zu.csv", g + 1);
        put_file(w, "data", name, &b);
        jbuf_reset(&b);
        jbuf_printf(&b, "%s,throughput,throughput_ci95,n\n", w->p->scale_param);
        for (size_t u = 0; u < sc->nu; u++) {
            csv_num(&b, sc->Nu[u]);
            csv_stat(&b, &sc->Xu[u]);
            jbuf_printf(&b, ",%zu\n", sc->Xu[u].n);
        }
        snprintf(name, sizeof name, "usl-mean-%zu.csv", g + 1);
        put_file(w, "data", name, &b);
        jbuf_reset(&b);
        jbuf_printf(&b, "%s,usl_fit,ideal_linear\n", w->p->scale_param);
        double nmax = sc->Nu[sc->nu - 1], nmin = sc->Nu[0] < 1 ? sc->Nu[0] : 1;
        if (sc->fit.ok && isfinite(sc->fit.n_peak) && sc->fit.n_peak > nmax && sc->fit.n_peak < 4 * nmax) nmax = sc->fit.n_peak * 1.1;
        for (int i = 0; i <= 200 && sc->fit.ok; i++) {
            double N = nmin + (nmax - nmin) * i / 200.0;
            csv_num(&b, N);
            jbuf_putc(&b, ',');
            csv_num(&b, rp_usl_eval(&sc->fit, N));
            jbuf_putc(&b, ',');
            csv_num(&b, sc->fit.gamma * N);
            jbuf_putc(&b, '\n');
        }
        snprintf(name, sizeof name, "usl-fit-%zu.csv", g + 1);
        put_file(w, "data", name, &b);
        jbuf_reset(&b);

        snprintf(name, sizeof name, "scaling-%zu", g + 1);
        gp_begin(&b, name, "throughput vs scale with the Universal Scalability Law fit", 900, 520);
        jbuf_puts(&b, "  set xlabel ");
        gq(&b, w->p->scale_param);
        jbuf_puts(&b, "\n  set ylabel 'throughput (ok/s)'\n  set key top left box opaque\n  set yrange [0:*]\n  set xrange [0:*]\n");
        double ymax = 0;
        for (size_t u = 0; u < sc->nu; u++)
            if (sc->Xu[u].mean > ymax) ymax = sc->Xu[u].mean;
        if (sc->fit.ok && isfinite(sc->fit.x_peak) && sc->fit.x_peak > ymax) ymax = sc->fit.x_peak;
        if (ymax > 0) jbuf_printf(&b, "  set yrange [0:%.10g]\n", ymax * 1.25);
        if (sc->fit.ok && isfinite(sc->fit.n_peak) && sc->fit.n_peak <= nmax) {
            jbuf_printf(&b, "  set arrow from first %.10g, graph 0 to first %.10g, graph 1 nohead dt 3 lw 1.5 lc rgb '#c00000'\n",
                        sc->fit.n_peak, sc->fit.n_peak);
            jbuf_printf(&b, "  set label 'N peak' at first %.10g, graph 0.05 left offset 0.3,0 tc rgb '#c00000'\n", sc->fit.n_peak);
        }
        if (sc->fit.ok) {
            char t[400];
            snprintf(t, sizeof t, "USL: sigma = %.4g, kappa = %.4g, gamma = %.4g, R^2 = %.4f", sc->fit.alpha, sc->fit.beta, sc->fit.gamma, sc->fit.r2);
            jbuf_puts(&b, "  set title ");
            gq(&b, t);
            jbuf_putc(&b, '\n');
        }
        jbuf_printf(&b, "  plot '../data/usl-%zu.csv' using 1:3 with points pt 6 ps 0.7 lc rgb '#777777' title 'each seed', \\\n"
                        "       '../data/usl-mean-%zu.csv' using 1:2:3 with yerrorbars pt 7 ps 1 lw 2 lc 1 title 'measured (mean, 95%% CI)'",
                    g + 1, g + 1);
        if (sc->fit.ok)
            jbuf_printf(&b, ", \\\n       '../data/usl-fit-%zu.csv' using 1:2 with lines lw 2 lc 2 title 'USL fit', \\\n"
                            "       '../data/usl-fit-%zu.csv' using 1:3 with lines dt 2 lc rgb '#888888' title 'linear (gamma N)'",
                        g + 1, g + 1);
        jbuf_putc(&b, '\n');
        gp_end(&b);
        char title[600];
        snprintf(title, sizeof title, "Scaling with %s%s%s", w->p->scale_param, m->nscaling > 1 ? ": " : "",
                 m->nscaling > 1 ? sc->label : "");
        add_plot(w, name, title,
                 "Throughput against the scale parameter (at each N, the best throughput over the load sweep of that seed), "
                 "the Universal Scalability Law fitted by non-linear least squares, and ideal linear scaling.", &b);
        jbuf_deinit(&b);
    }
}

/* ---- baseline -------------------------------------------------------------------------------- */

static void write_plot_baseline(writer_t *w)
{
    const rp_model_t *m = w->m;
    if (!m->baseline_dir || !m->load || m->ngroups == 0) return;
    char *path = rp_join(m->baseline_dir, "summary.json");
    rj_t *b = rj_parse_file(path, NULL, 0);
    free(path);
    if (!b) return;
    const rj_t *pts = rj_get(b, "points");
    jbuf_t c;
    jbuf_init(&c);
    jbuf_printf(&c, "%s,baseline_throughput,throughput,baseline_p99_ms,p99_ms,label\n", xname(w));
    const rp_group_t *g = &m->groups[0];
    size_t rows = 0;
    for (size_t i = 0; i < g->n; i++) {
        size_t pt = g->pts[i];
        const rj_t *bp = NULL;
        for (size_t k = 0; pts && k < pts->n; k++)
            if (strcmp(rj_str(rj_get(pts->items[k], "label"), ""), m->points[pt].label) == 0) bp = pts->items[k];
        double bt = NAN, bl = NAN;
        const rj_t *bm = rj_get(bp, "metrics");
        for (size_t k = 0; bm && k < bm->n; k++) {
            const rj_t *e = bm->items[k];
            if (strcmp(rj_str(rj_get(e, "scope"), ""), "load") || strcmp(rj_str(rj_get(e, "object"), ""), m->load)) continue;
            const char *f = rj_str(rj_get(e, "field"), "");
            if (strcmp(f, "throughput") == 0) bt = rj_num(rj_get(e, "mean"), NAN);
            if (strcmp(f, "resp_p99") == 0) bl = rj_num(rj_get(e, "mean"), NAN);
        }
        const rp_stat_t *ct = pst(w, pt, "load", m->load, "throughput"), *cl = pst(w, pt, "load", m->load, "resp_p99");
        csv_num(&c, xval(w, g, i));
        jbuf_putc(&c, ',');
        csv_num(&c, bt);
        jbuf_putc(&c, ',');
        csv_num(&c, ct ? ct->mean : NAN);
        jbuf_putc(&c, ',');
        csv_num(&c, bl);
        jbuf_putc(&c, ',');
        csv_num(&c, cl ? cl->mean : NAN);
        jbuf_putc(&c, ',');
        csv_str(&c, m->points[pt].label);
        jbuf_putc(&c, '\n');
        rows += !isnan(bt);
    }
    rj_free(b);
    put_file(w, "data", "baseline-curve.csv", &c);
    jbuf_reset(&c);
    if (rows) {
        gp_begin(&c, "baseline", "this report against the baseline: throughput and p99", 900, 640);
        jbuf_puts(&c, "  set multiplot layout 2,1\n  set key top left box opaque\n");
        gp_xaxis(w, &c);
        jbuf_printf(&c, "  set ylabel 'throughput (ok/s)'\n  set yrange [0:*]\n"
                        "  plot '../data/baseline-curve.csv' using %s:2 with linespoints dt 2 lw 2 pt 6 lc rgb '#777777' title 'baseline', \\\n"
                        "       '../data/baseline-curve.csv' using 1:3 with linespoints lw 2 pt 7 lc 1 title 'this report'\n",
                    w->p->load_param ? "1" : "1:xtic(6)");
        jbuf_puts(&c, "  set ylabel 'p99 response time, ms'\n  set logscale y\n  set yrange [*:*]\n"
                      "  plot '../data/baseline-curve.csv' using 1:($4 > 0 ? $4 : NaN) with linespoints dt 2 lw 2 pt 6 lc rgb '#777777' title 'baseline', \\\n"
                      "       '../data/baseline-curve.csv' using 1:($5 > 0 ? $5 : NaN) with linespoints lw 2 pt 7 lc 2 title 'this report'\n"
                      "  unset multiplot\n");
        gp_end(&c);
        add_plot(w, "baseline", "Against the baseline",
                 "Throughput and p99 of this report (solid) and of the baseline (dashed), matched point by point "
                 "(first group).", &c);
    }
    jbuf_deinit(&c);
}

/* ---- rendering ---------------------------------------------------------------------------- */

static void render_plots(writer_t *w)
{
    for (size_t i = 0; i < w->npl && !w->gnuplot_missing; i++) {
        char gp[256], errname[280];
        snprintf(gp, sizeof gp, "%s.gp", w->pl[i].name);
        snprintf(errname, sizeof errname, "%s.gp.log", w->pl[i].name);
        char *errpath = rp_join(w->plots, errname);
        pid_t pid = fork();
        if (pid == 0) {
            if (chdir(w->plots) != 0) _exit(126);
            int fd = open(errname, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd >= 0) {
                dup2(fd, 1);
                dup2(fd, 2);
            }
            execlp(w->o->gnuplot, w->o->gnuplot, gp, (char *)NULL);
            _exit(127);
        }
        int st = 0;
        if (pid > 0) waitpid(pid, &st, 0);
        int code = pid > 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        size_t elen = 0;
        char *err = rp_read_file(errpath, &elen);
        if (code == 127) {
            w->gnuplot_missing = true;
            fprintf(stderr, "otpsim: report: cannot run %s: the plots are not rendered (on Debian: apt-get install gnuplot-nox); "
                            "the scripts are in %s\n", w->o->gnuplot, w->plots);
        } else if (code != 0) {
            fprintf(stderr, "otpsim: report: gnuplot %s failed (exit %d)%s\n%s", gp, code, elen ? ":" : "", elen ? err : "");
        }
        if (code == 0 && elen) { /* warnings (an empty range, ...): not worth a reader's attention */
            unlink(errpath);
            elen = 0;
        }
        if (!elen) unlink(errpath);
        free(err);
        free(errpath);
    }
}

/* ---- documents: HTML and Markdown side by side ------------------------------------------- */

typedef struct doc { jbuf_t h, md; } doc_t;

static void h_esc(jbuf_t *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': jbuf_puts(b, "&amp;"); break;
        case '<': jbuf_puts(b, "&lt;"); break;
        case '>': jbuf_puts(b, "&gt;"); break;
        case '"': jbuf_puts(b, "&quot;"); break;
        case '\'': jbuf_puts(b, "&#39;"); break;
        default: jbuf_putc(b, *s);
        }
    }
}

/* Markdown text: HTML-significant characters as entities, Markdown syntax escaped. */
static void md_esc(jbuf_t *b, const char *s, bool cell)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': jbuf_puts(b, "&amp;"); break;
        case '<': jbuf_puts(b, "&lt;"); break;
        case '>': jbuf_puts(b, "&gt;"); break;
        case '|': jbuf_puts(b, "\\|"); break;
        case '\n': jbuf_puts(b, cell ? " " : "\n"); break;
        case '*': case '_': case '`': case '[': case ']': case '\\': case '#':
            jbuf_putc(b, '\\');
            jbuf_putc(b, *s);
            break;
        default: jbuf_putc(b, *s);
        }
    }
}

static void doc_h(doc_t *d, int level, const char *id, const char *text)
{
    jbuf_printf(&d->h, "<h%d id=\"%s\">", level, id);
    h_esc(&d->h, text);
    jbuf_printf(&d->h, "</h%d>\n", level);
    jbuf_puts(&d->md, "\n");
    for (int i = 0; i < level; i++) jbuf_putc(&d->md, '#');
    jbuf_putc(&d->md, ' ');
    md_esc(&d->md, text, true);
    jbuf_puts(&d->md, "\n\n");
}

static void doc_p(doc_t *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void doc_p(doc_t *d, const char *fmt, ...)
{
    char buf[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    jbuf_puts(&d->h, "<p>");
    h_esc(&d->h, buf);
    jbuf_puts(&d->h, "</p>\n");
    md_esc(&d->md, buf, false);
    jbuf_puts(&d->md, "\n\n");
}

typedef struct table { size_t ncols; } table_t;

static void doc_table(doc_t *d, table_t *t, const char *const *heads, size_t n)
{
    t->ncols = n;
    jbuf_puts(&d->h, "<table>\n<tr>");
    jbuf_puts(&d->md, "|");
    for (size_t i = 0; i < n; i++) {
        jbuf_puts(&d->h, "<th>");
        h_esc(&d->h, heads[i]);
        jbuf_puts(&d->h, "</th>");
        jbuf_putc(&d->md, ' ');
        md_esc(&d->md, heads[i], true);
        jbuf_puts(&d->md, " |");
    }
    jbuf_puts(&d->h, "</tr>\n");
    jbuf_puts(&d->md, "\n|");
    for (size_t i = 0; i < n; i++) jbuf_puts(&d->md, "---|");
    jbuf_putc(&d->md, '\n');
}

static void doc_row(doc_t *d, table_t *t, const char *const *cells, const char *cls)
{
    if (cls) jbuf_printf(&d->h, "<tr class=\"%s\">", cls);
    else jbuf_puts(&d->h, "<tr>");
    jbuf_puts(&d->md, "|");
    for (size_t i = 0; i < t->ncols; i++) {
        jbuf_puts(&d->h, "<td>");
        h_esc(&d->h, cells[i] ? cells[i] : "");
        jbuf_puts(&d->h, "</td>");
        jbuf_putc(&d->md, ' ');
        md_esc(&d->md, cells[i] ? cells[i] : "", true);
        jbuf_puts(&d->md, " |");
    }
    jbuf_puts(&d->h, "</tr>\n");
    jbuf_putc(&d->md, '\n');
}

static void doc_table_end(doc_t *d)
{
    jbuf_puts(&d->h, "</table>\n");
    jbuf_putc(&d->md, '\n');
}

static void doc_pre(doc_t *d, const char *summary, const char *text)
{
    jbuf_puts(&d->h, "<details><summary>");
    h_esc(&d->h, summary);
    jbuf_puts(&d->h, "</summary><pre>");
    h_esc(&d->h, text);
    jbuf_puts(&d->h, "</pre></details>\n");
    jbuf_puts(&d->md, "<details><summary>");
    md_esc(&d->md, summary, true);
    jbuf_puts(&d->md, "</summary>\n\n```\n");
    /* a fence inside the text cannot close ours: indent such lines */
    for (const char *l = text; *l;) {
        const char *e = strchr(l, '\n');
        size_t n = e ? (size_t)(e - l) + 1 : strlen(l);
        if (n >= 3 && strncmp(l, "```", 3) == 0) jbuf_putc(&d->md, ' ');
        jbuf_put(&d->md, l, n);
        l += n;
    }
    if (d->md.len && d->md.p[d->md.len - 1] != '\n') jbuf_putc(&d->md, '\n');
    jbuf_puts(&d->md, "```\n\n</details>\n\n");
}

static void b64(jbuf_t *b, const unsigned char *s, size_t n)
{
    static const char T[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0) | (i + 2 < n ? s[i + 2] : 0);
        jbuf_putc(b, T[v >> 18 & 63]);
        jbuf_putc(b, T[v >> 12 & 63]);
        jbuf_putc(b, i + 1 < n ? T[v >> 6 & 63] : '=');
        jbuf_putc(b, i + 2 < n ? T[v & 63] : '=');
    }
}

static void doc_plot(doc_t *d, writer_t *w, const char *name)
{
    const plot_t *p = NULL;
    for (size_t i = 0; i < w->npl; i++)
        if (strcmp(w->pl[i].name, name) == 0) p = &w->pl[i];
    if (!p) return;
    char file[300];
    snprintf(file, sizeof file, "%s.svg", name);
    char *path = rp_join(w->plots, file);
    size_t len = 0;
    char *svg = rp_read_file(path, &len);
    free(path);
    jbuf_printf(&d->h, "<figure id=\"plot-%s\">", name);
    if (svg && len) {
        jbuf_printf(&d->h, "<img class=\"plot\" data-plot=\"%s\" alt=\"", name);
        h_esc(&d->h, p->title);
        jbuf_puts(&d->h, "\" src=\"data:image/svg+xml;base64,");
        b64(&d->h, (const unsigned char *)svg, len);
        jbuf_puts(&d->h, "\">");
    } else {
        jbuf_puts(&d->h, "<p class=\"missing\">This plot was not rendered (gnuplot missing or failed); its script is plots/");
        h_esc(&d->h, name);
        jbuf_puts(&d->h, ".gp.</p>");
    }
    jbuf_puts(&d->h, "<figcaption>");
    h_esc(&d->h, p->caption);
    jbuf_puts(&d->h, "</figcaption></figure>\n");
    free(svg);
    jbuf_puts(&d->md, "![");
    md_esc(&d->md, p->title, true);
    jbuf_printf(&d->md, "](plots/%s.png)\n\n", name);
    md_esc(&d->md, p->caption, false);
    jbuf_puts(&d->md, "\n\n");
}

/* ---- the report's sections ----------------------------------------------------------------- */

static void cell(char **c, size_t i, const char *s) { c[i] = rp_strdup(s); }

static void cells_free(char **c, size_t n)
{
    for (size_t i = 0; i < n; i++) free(c[i]);
}

static void reproduce_cmd(const writer_t *w, size_t point, uint64_t seed, jbuf_t *b)
{
    const rp_plan_t *p = w->p;
    jbuf_printf(b, "otpsim run %s --seed %llu", p->scenario, (unsigned long long)seed);
    for (size_t i = 0; i < p->nsets; i++) jbuf_printf(b, " --set %s=%s", p->sets[i].name, p->sets[i].value);
    for (size_t k = 0; k < p->nsweeps; k++) jbuf_printf(b, " --set %s=%s", p->sweeps[k].name, rp_plan_value(p, point, k));
    for (size_t i = 0; i < p->nrun_opts; i++) jbuf_printf(b, " %s", p->run_opts[i]);
}

static void sec_header(writer_t *w, doc_t *d)
{
    const rp_model_t *m = w->m;
    const rp_plan_t *p = w->p;
    char buf[1024];
    doc_h(d, 2, "header", "1. Scenario and reproduction");
    table_t t;
    const char *heads[] = { "", "" };
    doc_table(d, &t, heads, 2);
    jbuf_t b;
    jbuf_init(&b);
    const char *row[2];
#define KV(k, v) (row[0] = (k), row[1] = (v), doc_row(d, &t, row, NULL))
    KV("scenario", p->scenario);
    KV("scenario contents (FNV-1a 64)", p->scenario_hash);
    KV("otpsim version", p->version ? p->version : "?");
    jbuf_reset(&b);
    if (p->nseeds == 1) jbuf_printf(&b, "%llu", (unsigned long long)p->seed0);
    else jbuf_printf(&b, "%llu..%llu (%zu seeds per point)", (unsigned long long)p->seed0, (unsigned long long)(p->seed0 + p->nseeds - 1), p->nseeds);
    KV("seeds", jbuf_cstr(&b));
    jbuf_reset(&b);
    for (size_t k = 0; k < p->nsweeps; k++) {
        jbuf_printf(&b, "%s%s = ", k ? "; " : "", p->sweeps[k].name);
        for (size_t i = 0; i < p->sweeps[k].n; i++) jbuf_printf(&b, "%s%s", i ? ", " : "", p->sweeps[k].values[i]);
    }
    KV("swept parameters", p->nsweeps ? jbuf_cstr(&b) : "none (one point: the scenario's defaults)");
    jbuf_reset(&b);
    for (size_t i = 0; i < p->nsets; i++) jbuf_printf(&b, "%s%s=%s", i ? ", " : "", p->sets[i].name, p->sets[i].value);
    KV("fixed parameters (--set)", p->nsets ? jbuf_cstr(&b) : "none");
    KV("offered load (x axis)", p->load_param ? p->load_param : "none swept");
    KV("scale (USL N)", p->scale_param ? p->scale_param : "none");
    snprintf(buf, sizeof buf, "%zu points × %zu seeds = %zu runs: %zu finished, %zu failed, %zu did not run", p->npoints, p->nseeds,
             p->nruns, m->ndone, m->nfailed, m->nmissing);
    KV("runs", buf);
    KV("primary load", m->load ? m->load : "none (the scenario defines no sim.load)");
    KV("percentiles", "HdrHistogram, 3 significant digits; response time from each request's intended send time "
                      "(no coordinated omission), service time from the actual send");
    jbuf_reset(&b);
    reproduce_cmd(w, 0, p->seed0, &b);
    KV("reproduce the first run", jbuf_cstr(&b));
#undef KV
    doc_table_end(d);
    doc_p(d, "Every run is a pure function of (scenario, parameters, seed, binary): the command above, with the "
             "point's --set values and seed, replays any run exactly, and its trace-hash (below) must match.");
    doc_pre(d, "Scenario source", p->scenario_text ? p->scenario_text : "");
    /* the runs: point, seed, trace-hash, status */
    jbuf_reset(&b);
    jbuf_puts(&b, "run        point  seed  trace-hash        status  parameters\n");
    for (size_t r = 0; r < m->nruns; r++) {
        const rp_run_t *run = &m->runs[r];
        char id[64];
        rp_run_id(p, r, id, sizeof id);
        const char *st = run->state == RP_RUN_DONE ? (run->exit_code == 0 ? "pass" : "fail") : run->state == RP_RUN_FAILED ? "ERROR" : "-";
        jbuf_printf(&b, "%-10s %5zu %5llu  %-16s  %-6s  %s\n", id, run->point + 1, (unsigned long long)run->seed,
                    run->trace_hash[0] ? run->trace_hash : "-", st, m->points[run->point].label);
    }
    snprintf(buf, sizeof buf, "Trace-hashes of all %zu runs", m->nruns);
    doc_pre(d, buf, jbuf_cstr(&b));
    jbuf_deinit(&b);
    if (m->nfailed || m->nmissing) {
        doc_h(d, 3, "failed", "Runs that did not finish");
        doc_p(d, "These runs are left out of every number below. Failed: the run exited with a scenario error (2), an "
                 "internal error (3) or a signal; its log is runs/<run>.log. Not run: interrupted, or missing from the merged shards.");
        const char *h[] = { "run", "point", "seed", "what happened", "reproduce" };
        doc_table(d, &t, h, 5);
        for (size_t r = 0; r < m->nruns; r++) {
            const rp_run_t *run = &m->runs[r];
            if (run->state == RP_RUN_DONE) continue;
            char id[64], pn[32], sd[32];
            rp_run_id(p, r, id, sizeof id);
            snprintf(pn, sizeof pn, "%zu (%s)", run->point + 1, m->points[run->point].label);
            snprintf(sd, sizeof sd, "%llu", (unsigned long long)run->seed);
            jbuf_t c;
            jbuf_init(&c);
            reproduce_cmd(w, run->point, run->seed, &c);
            const char *cells[] = { id, pn, sd, run->why ? run->why : "", jbuf_cstr(&c) };
            doc_row(d, &t, cells, "bad");
            jbuf_deinit(&c);
        }
        doc_table_end(d);
    }
    if (m->warnings) doc_p(d, "Notes: %s", m->warnings);
}

static void sec_slo(writer_t *w, doc_t *d)
{
    const rp_model_t *m = w->m;
    char buf[256];
    doc_h(d, 2, "slo", "2. SLO verdicts and the maximum load within every SLO");
    if (m->nslos == 0) {
        doc_p(d, "The scenario declares no SLO (sim.slo): no verdicts. Add e.g. sim.slo{load = \"api\", p99 = \"50ms\", "
                 "error_rate = 0.001} to get the maximum load that meets them.");
    } else {
        size_t nc = 3 + m->nslos;
        const char **h = rp_alloc(nc * sizeof *h);
        h[0] = "point";
        h[1] = "parameters";
        h[2] = "seeds passing every SLO";
        for (size_t s = 0; s < m->nslos; s++) h[3 + s] = m->slos[s].name;
        table_t t;
        doc_table(d, &t, h, nc);
        char **c = rp_alloc(nc * sizeof *c);
        for (size_t g = 0; g < m->ngroups; g++)
            for (size_t i = 0; i < m->groups[g].n; i++) {
                size_t pt = m->groups[g].pts[i];
                const rp_point_t *P = &m->points[pt];
                snprintf(buf, sizeof buf, "%zu", pt + 1);
                cell(c, 0, buf);
                cell(c, 1, P->label);
                snprintf(buf, sizeof buf, "%zu/%zu%s", P->slo_pass, P->ndone, P->ndone == 0 ? " (no finished run)" : "");
                cell(c, 2, buf);
                for (size_t s = 0; s < m->nslos; s++) {
                    const rp_stat_t *ok = rp_point_stat(m, pt, "slo", m->slos[s].name, "ok");
                    const rp_stat_t *ob = rp_point_stat(m, pt, "slo", m->slos[s].name, "observed");
                    char v[128];
                    rp_fmt_ci(v, sizeof v, ob);
                    if (ok && ok->n) snprintf(buf, sizeof buf, "%s %s (%.0f/%zu)", ok->mean == 1 ? "PASS" : ok->mean == 0 ? "FAIL" : "MIXED", v,
                                              ok->mean * (double)ok->n, ok->n);
                    else snprintf(buf, sizeof buf, "–");
                    cell(c, 3 + s, buf);
                }
                doc_row(d, &t, (const char *const *)c, P->ndone && P->slo_pass == P->ndone ? "ok" : "bad");
                cells_free(c, nc);
            }
        doc_table_end(d);
        free(c);
        free(h);
        doc_p(d, "Observed values are the mean ± the 95 %% confidence half-width across seeds (Student's t); "
                 "PASS/FAIL/MIXED and the count say how many seeds met the threshold.");
    }
    if (m->nchecks) {
        table_t t;
        const char *h[] = { "check (sim.check)", "runs passing", "points where a run failed it" };
        doc_table(d, &t, h, 3);
        for (size_t c = 0; c < m->nchecks; c++) {
            size_t pass = 0, n = 0;
            jbuf_t fails;
            jbuf_init(&fails);
            for (size_t i = 0; i < m->npoints; i++) {
                const rp_stat_t *ok = rp_point_stat(m, i, "check", m->checks[c], "ok");
                if (!ok || ok->n == 0) continue;
                pass += (size_t)(ok->mean * (double)ok->n + 0.5);
                n += ok->n;
                if (ok->mean < 1) jbuf_printf(&fails, "%s%zu (%s)", fails.len ? ", " : "", i + 1, m->points[i].label);
            }
            snprintf(buf, sizeof buf, "%zu/%zu", pass, n);
            const char *cells[] = { m->checks[c], buf, fails.len ? jbuf_cstr(&fails) : "none" };
            doc_row(d, &t, cells, pass == n ? "ok" : "bad");
            jbuf_deinit(&fails);
        }
        doc_table_end(d);
    }
    if (m->nslos && w->p->load_param) {
        table_t t;
        const char *h[] = { "group", "maximum load within every SLO (mean ± 95 % CI)", "seed spread (min – max)",
                            "every seed passes up to", "first point failing" };
        doc_table(d, &t, h, 5);
        for (size_t g = 0; g < m->ngroups; g++) {
            const rp_group_t *gr = &m->groups[g];
            char a[128], b2[160], c2[64], d2[64], e2[64], f2[128];
            rp_fmt_ci(a, sizeof a, &gr->slo_max);
            if (gr->slo_censor > 0) strncat(a, " (every point passed: at least this)", sizeof a - strlen(a) - 1);
            if (gr->slo_censor < 0) strncat(a, " (the lowest load already fails in some seed)", sizeof a - strlen(a) - 1);
            rp_fmt(c2, sizeof c2, gr->slo_max.min);
            rp_fmt(d2, sizeof d2, gr->slo_max.max);
            snprintf(b2, sizeof b2, "%s – %s", c2, d2);
            rp_fmt(e2, sizeof e2, gr->slo_max_all);
            if (gr->slo_first_fail >= 0) {
                char x[64];
                rp_fmt(x, sizeof x, m->points[gr->pts[gr->slo_first_fail]].x);
                snprintf(f2, sizeof f2, "%s=%s", w->p->load_param, x);
            } else {
                snprintf(f2, sizeof f2, "none");
            }
            const char *cells[] = { gr->label, a, b2, e2, f2 };
            doc_row(d, &t, cells, NULL);
        }
        doc_table_end(d);
        doc_p(d, "Per seed, the maximum is where the first SLO fails along the sweep, interpolated between the last "
                 "passing and the first failing point (in log space for latencies); the table gives its mean and 95 %% "
                 "CI across seeds, and the conservative grid value at which every seed still passes.");
    }
}

static void sec_throughput(writer_t *w, doc_t *d)
{
    const rp_model_t *m = w->m;
    doc_h(d, 2, "throughput", "3. Throughput vs offered load, errors and rejections");
    if (!m->load) {
        doc_p(d, "The scenario defines no load (sim.load): no throughput to show.");
        return;
    }
    doc_plot(d, w, "throughput");
    const char *h[] = { "point", "parameters", "throughput (ok/s)", "errors/s", "timeouts/s", "error ratio", "availability" };
    table_t t;
    doc_table(d, &t, h, 7);
    for (size_t g = 0; g < m->ngroups; g++)
        for (size_t i = 0; i < m->groups[g].n; i++) {
            size_t pt = m->groups[g].pts[i];
            char c[7][128];
            snprintf(c[0], sizeof c[0], "%zu", pt + 1);
            snprintf(c[1], sizeof c[1], "%s", m->points[pt].label);
            rp_fmt_ci(c[2], sizeof c[2], pst(w, pt, "load", m->load, "throughput"));
            rp_fmt_ci(c[3], sizeof c[3], pst(w, pt, "load", m->load, "errors_per_s"));
            rp_fmt_ci(c[4], sizeof c[4], pst(w, pt, "load", m->load, "timeouts_per_s"));
            pct(c[5], sizeof c[5], pst(w, pt, "load", m->load, "error_ratio"));
            pct(c[6], sizeof c[6], pst(w, pt, "load", m->load, "availability"));
            const char *cells[] = { c[0], c[1], c[2], c[3], c[4], c[5], c[6] };
            doc_row(d, &t, cells, NULL);
        }
    doc_table_end(d);
    if (m->nloads > 1) doc_p(d, "Plots and tables show the first load, %s; the other loads are in data/points.csv.", m->load);
}

static void sec_latency(writer_t *w, doc_t *d)
{
    const rp_model_t *m = w->m;
    doc_h(d, 2, "latency", "4. Latency percentiles vs load, knee and SLO crossing");
    if (!m->load) {
        doc_p(d, "No load: no latencies.");
        return;
    }
    doc_plot(d, w, "latency");
    for (size_t g = 0; g < m->ngroups && w->p->load_param; g++) {
        const rp_group_t *gr = &m->groups[g];
        char k[64], ks[128], lk[64];
        rp_fmt(k, sizeof k, gr->knee >= 0 ? m->points[gr->pts[gr->knee]].x : NAN);
        rp_fmt_ci(ks, sizeof ks, &gr->knee_seeds);
        rp_fmt(lk, sizeof lk, gr->lat_knee >= 0 ? m->points[gr->pts[gr->lat_knee]].x : NAN);
        char kt[160], lt[160];
        if (gr->knee >= 0) snprintf(kt, sizeof kt, "%s=%s", w->p->load_param, k);
        else snprintf(kt, sizeof kt, "none within the sweep (Kneedle needs points past saturation)");
        if (gr->lat_knee >= 0) snprintf(lt, sizeof lt, "%s=%s", w->p->load_param, lk);
        else snprintf(lt, sizeof lt, "none");
        doc_p(d, "%s%sSaturation knee (Kneedle on the mean throughput curve): %s; per seed %s (%zu of %zu seeds show "
                 "a knee). Latency knee (Kneedle on the mean p99 curve): %s.",
              m->ngroups > 1 ? gr->label : "", m->ngroups > 1 ? ": " : "", kt, ks, gr->knee_seeds.n, w->p->nseeds, lt);
    }
    const char *h[] = { "point", "parameters", "p50 (ms)", "p90 (ms)", "p99 (ms)", "p99.9 (ms)", "max (ms)", "service p99 (ms)" };
    table_t t;
    doc_table(d, &t, h, 8);
    static const char *const f[] = { "resp_p50", "resp_p90", "resp_p99", "resp_p999", "resp_max", "svc_p99" };
    for (size_t g = 0; g < m->ngroups; g++)
        for (size_t i = 0; i < m->groups[g].n; i++) {
            size_t pt = m->groups[g].pts[i];
            char c[8][128];
            snprintf(c[0], sizeof c[0], "%zu", pt + 1);
            snprintf(c[1], sizeof c[1], "%s", m->points[pt].label);
            for (size_t k = 0; k < 6; k++) rp_fmt_ci(c[2 + k], sizeof c[2 + k], pst(w, pt, "load", m->load, f[k]));
            const char *cells[] = { c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7] };
            doc_row(d, &t, cells, NULL);
        }
    doc_table_end(d);
}

static void sec_util(writer_t *w, doc_t *d)
{
    const rp_model_t *m = w->m;
    doc_h(d, 2, "utilization", "5. Utilisation and the bottleneck");
    doc_p(d, "Per named process group utilisation is not in the runs' results yet (otpsim run reports CPU per node); a "
             "saturated single process shows as a growing mailbox of a watched process (section 6). Nodes that "
             "were never busy are left out; data/utilization-*.csv has them all.");
    for (size_t g = 0; g < m->ngroups; g++) {
        const rp_group_t *gr = &m->groups[g];
        char name[64];
        snprintf(name, sizeof name, "utilization-%zu", g + 1);
        if (m->ngroups > 1) doc_h(d, 3, name, gr->label);
        if (g < MAX_PLOT_GROUPS) doc_plot(d, w, name);
        doc_p(d, "Bottleneck: %s", gr->bottleneck);
        size_t nc = 2;
        const char **h = rp_alloc((2 + m->nnodes) * sizeof *h);
        size_t *cols = rp_alloc((m->nnodes + 1) * sizeof *cols);
        h[0] = "point";
        h[1] = "parameters";
        for (size_t n = 0; n < m->nnodes; n++)
            if (in_group(w, g, "node", m->nodes[n], "utilization")) {
                cols[nc - 2] = n;
                h[nc++] = m->nodes[n];
            }
        table_t t;
        doc_table(d, &t, h, nc);
        char **c = rp_alloc(nc * sizeof *c);
        for (size_t i = 0; i < gr->n; i++) {
            size_t pt = gr->pts[i];
            char buf[128];
            snprintf(buf, sizeof buf, "%zu", pt + 1);
            cell(c, 0, buf);
            cell(c, 1, m->points[pt].label);
            for (size_t k = 2; k < nc; k++) {
                pct(buf, sizeof buf, pst(w, pt, "node", m->nodes[cols[k - 2]], "utilization"));
                cell(c, k, buf);
            }
            doc_row(d, &t, (const char *const *)c, NULL);
            cells_free(c, nc);
        }
        doc_table_end(d);
        free(c);
        free(cols);
        free(h);
    }
}

static void sec_queues(writer_t *w, doc_t *d)
{
    const rp_model_t *m = w->m;
    doc_h(d, 2, "queues", "6. Queue depths");
    if (m->nprocs == 0) doc_p(d, "No process is watched: add sim.watch(\"name\", \"node\") to follow a named process's mailbox.");
    doc_p(d, "Run queue: processes waiting for a core, sampled every interval (mean over the run; the longest in the "
             "table is the largest mean over the nodes). Mailbox: the longest queue a watched process had at a sample.");
    for (size_t g = 0; g < m->ngroups; g++) {
        const rp_group_t *gr = &m->groups[g];
        char name[64];
        snprintf(name, sizeof name, "queues-%zu", g + 1);
        if (m->ngroups > 1) doc_h(d, 3, name, gr->label);
        if (g < MAX_PLOT_GROUPS) doc_plot(d, w, name);
        size_t nc = 3 + m->nprocs;
        const char **h = rp_alloc(nc * sizeof *h);
        char **hn = rp_alloc(nc * sizeof *hn);
        h[0] = "point";
        h[1] = "parameters";
        h[2] = "longest run queue (mean, node)";
        for (size_t q = 0; q < m->nprocs; q++) {
            char buf[300];
            snprintf(buf, sizeof buf, "%s mailbox max", m->procs[q]);
            h[3 + q] = hn[3 + q] = rp_strdup(buf);
        }
        table_t t;
        doc_table(d, &t, h, nc);
        char **c = rp_alloc(nc * sizeof *c);
        for (size_t i = 0; i < gr->n; i++) {
            size_t pt = gr->pts[i];
            char buf[300], a[128];
            snprintf(buf, sizeof buf, "%zu", pt + 1);
            cell(c, 0, buf);
            cell(c, 1, m->points[pt].label);
            const rp_stat_t *best = NULL;
            const char *bn = NULL;
            for (size_t n = 0; n < m->nnodes; n++) {
                const rp_stat_t *st = pst(w, pt, "node", m->nodes[n], "run_queue_mean");
                if (st && st->n && (!best || st->mean > best->mean)) {
                    best = st;
                    bn = m->nodes[n];
                }
            }
            rp_fmt_ci(a, sizeof a, best);
            snprintf(buf, sizeof buf, "%s%s%s%s", a, bn ? " (" : "", bn ? bn : "", bn ? ")" : "");
            cell(c, 2, buf);
            for (size_t q = 0; q < m->nprocs; q++) {
                rp_fmt_ci(buf, sizeof buf, pst(w, pt, "process", m->procs[q], "mailbox_max"));
                cell(c, 3 + q, buf);
            }
            doc_row(d, &t, (const char *const *)c, NULL);
            cells_free(c, nc);
        }
        doc_table_end(d);
        for (size_t i = 3; i < nc; i++) free(hn[i]);
        free(hn);
        free(c);
        free(h);
    }
}

static void sec_timeseries(writer_t *w, doc_t *d)
{
    const rp_model_t *m = w->m;
    doc_h(d, 2, "timeseries", "7. Time series at chosen points");
    if (m->ndetails == 0) {
        doc_p(d, "No finished run to show.");
        return;
    }
    doc_p(d, "Points shown: %s (choose with --detail NAME=VALUE[,NAME=VALUE]).",
          w->p->ndetails ? "as asked" : m->nslos ? "the last point within every SLO and the first past it" : "the knee and the highest load");
    for (size_t i = 0; i < m->ndetails; i++) {
        char name[64];
        snprintf(name, sizeof name, "timeseries-p%zu", m->details[i] + 1);
        doc_plot(d, w, name);
        const rp_run_t *r = rp_detail_run(m, m->details[i]);
        if (r && r->nfaults) {
            table_t t;
            const char *h[] = { "fault", "what", "from (s)", "to (s)" };
            doc_table(d, &t, h, 4);
            for (size_t f = 0; f < r->nfaults; f++) {
                char a[64], b[64];
                rp_fmt(a, sizeof a, r->faults[f].t0);
                rp_fmt(b, sizeof b, r->faults[f].t1);
                const char *cells[] = { r->faults[f].kind, r->faults[f].what, a, r->faults[f].t1 > r->faults[f].t0 ? b : "(instant)" };
                doc_row(d, &t, cells, NULL);
            }
            doc_table_end(d);
        }
    }
}

static void sec_spectrum(writer_t *w, doc_t *d)
{
    const rp_model_t *m = w->m;
    doc_h(d, 2, "spectrum", "8. Percentile spectrum");
    bool any = false;
    for (size_t i = 0; i < w->npl; i++) any = any || strcmp(w->pl[i].name, "spectrum") == 0;
    if (!any) {
        doc_p(d, "No load or no finished run: no spectrum.");
        return;
    }
    doc_plot(d, w, "spectrum");
    doc_p(d, "Each run reports p50, p90, p99, p99.9 and max of its HdrHistograms, so the spectrum has those five "
             "points (means across seeds; the max sits at 1 − 1/count). A run that reports the full histogram "
             "(metrics.loads.<name>.spectrum) is plotted at every HdrHistogram percentile instead.");
    const char *h[] = { "point", "parameters", "p50", "p90", "p99", "p99.9", "max", "service p50", "service p99" };
    table_t t;
    doc_table(d, &t, h, 9);
    static const char *const f[] = { "resp_p50", "resp_p90", "resp_p99", "resp_p999", "resp_max", "svc_p50", "svc_p99" };
    for (size_t i = 0; i < m->ndetails; i++) {
        size_t pt = m->details[i];
        char c[9][128];
        snprintf(c[0], sizeof c[0], "%zu", pt + 1);
        snprintf(c[1], sizeof c[1], "%s", m->points[pt].label);
        for (size_t k = 0; k < 7; k++) rp_fmt_ci(c[2 + k], sizeof c[2 + k], pst(w, pt, "load", m->load, f[k]));
        const char *cells[] = { c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8] };
        doc_row(d, &t, cells, NULL);
    }
    doc_table_end(d);
}

static void usl_cell(char *buf, size_t n, double v, double ci)
{
    if (isnan(ci)) {
        snprintf(buf, n, "%.5g", v);
        return;
    }
    snprintf(buf, n, "%.5g ± %.2g", v, ci);
}

static void sec_scaling(writer_t *w, doc_t *d)
{
    const rp_model_t *m = w->m;
    doc_h(d, 2, "scaling", "9. Scaling: the Universal Scalability Law");
    if (m->nscaling == 0) {
        doc_p(d, "No scale parameter: sweep the number of nodes (or users, workers, cores) and name it with "
                 "--scale NAME (a swept parameter called nodes is picked by default) to fit "
                 "X(N) = γN / (1 + σ(N − 1) + κN(N − 1)).");
        return;
    }
    table_t t;
    const char *h[] = { "group", "σ (contention)", "κ (coherency)", "γ (X at N = 1)", "peak N", "peak X", "Amdahl limit γ/σ", "R²",
                        "residual s.e.", "data points" };
    doc_table(d, &t, h, 10);
    for (size_t g = 0; g < m->nscaling; g++) {
        const rp_usl_t *u = &m->scaling[g].fit;
        char c[10][128];
        snprintf(c[0], sizeof c[0], "%s", m->scaling[g].label);
        if (!u->ok) {
            const char *cells[] = { c[0], "no fit (needs 3 points)", "", "", "", "", "", "", "", "" };
            doc_row(d, &t, cells, NULL);
            continue;
        }
        usl_cell(c[1], sizeof c[1], u->alpha, u->ci_alpha);
        usl_cell(c[2], sizeof c[2], u->beta, u->ci_beta);
        usl_cell(c[3], sizeof c[3], u->gamma, u->ci_gamma);
        rp_fmt(c[4], sizeof c[4], u->n_peak);
        rp_fmt(c[5], sizeof c[5], u->x_peak);
        rp_fmt(c[6], sizeof c[6], u->x_limit);
        snprintf(c[7], sizeof c[7], "%.4f", u->r2);
        rp_fmt(c[8], sizeof c[8], u->resid_se);
        snprintf(c[9], sizeof c[9], "%zu", u->n);
        const char *cells[] = { c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9] };
        doc_row(d, &t, cells, NULL);
    }
    doc_table_end(d);
    for (size_t g = 0; g < m->nscaling; g++) {
        char name[64];
        snprintf(name, sizeof name, "scaling-%zu", g + 1);
        doc_plot(d, w, name);
    }
    doc_p(d, "Fitted by Levenberg–Marquardt least squares on every (N, seed) point, 0 ≤ σ, κ ≤ 1; ± is the 95 %% "
             "interval from the Jacobian's standard errors with n − 3 degrees of freedom. Peak N = √((1 − σ)/κ).");
}

static void sec_faults(writer_t *w, doc_t *d)
{
    const rp_model_t *m = w->m;
    doc_h(d, 2, "faults", "10. Fault impact");
    if (!m->any_faults) {
        doc_p(d, "No run injected a fault (no fault event in the traces): nothing to show.");
        return;
    }
    table_t t;
    const char *h[] = { "point", "parameters", "load", "fault windows", "availability during faults", "worst p99 during faults (ms)",
                        "median p99 outside (ms)", "time to recover (s)", "runs recovered" };
    doc_table(d, &t, h, 9);
    for (size_t pt = 0; pt < m->npoints; pt++)
        for (size_t l = 0; l < m->nloads; l++) {
            const rp_stat_t *a = rp_point_stat(m, pt, "fault", m->loads[l], "availability_during");
            if (!a || a->n == 0) continue;
            char c[9][160];
            snprintf(c[0], sizeof c[0], "%zu", pt + 1);
            snprintf(c[1], sizeof c[1], "%s", m->points[pt].label);
            snprintf(c[2], sizeof c[2], "%s", m->loads[l]);
            rp_fmt_ci(c[3], sizeof c[3], rp_point_stat(m, pt, "run", "", "fault_windows"));
            pct(c[4], sizeof c[4], a);
            rp_fmt_ci(c[5], sizeof c[5], rp_point_stat(m, pt, "fault", m->loads[l], "p99_during_ms"));
            rp_fmt_ci(c[6], sizeof c[6], rp_point_stat(m, pt, "fault", m->loads[l], "p99_outside_ms"));
            rp_fmt_ci(c[7], sizeof c[7], rp_point_stat(m, pt, "fault", m->loads[l], "ttr_s"));
            const rp_stat_t *rec = rp_point_stat(m, pt, "fault", m->loads[l], "recovered");
            snprintf(c[8], sizeof c[8], "%.0f/%zu", rec && rec->n ? rec->mean * (double)rec->n : 0, rec ? rec->n : 0);
            const char *cells[] = { c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8] };
            doc_row(d, &t, cells, rec && rec->n && rec->mean < 1 ? "bad" : NULL);
        }
    doc_table_end(d);
    doc_p(d, "Fault windows come from the runs' traces: a crash lasts until the node is up again, a partition or "
             "degradation until a heal, a slow-down until speed 1, a pause for its duration; a kill or a disconnect is an "
             "instant. Availability = ok / all requests finished in sampling intervals that overlap a window. Time to "
             "recover = from a window's end to the start of the first interval with throughput ≥ 90 %% of the pre-fault "
             "median, ≤ 1 %% errors and p99 ≤ 2 × the pre-fault median (the largest over the run's windows; one "
             "sampling interval of resolution); a run that never gets there is not recovered.");
}

static void sec_ci(writer_t *w, doc_t *d)
{
    const rp_model_t *m = w->m;
    doc_h(d, 2, "ci", "11. Confidence intervals");
    doc_p(d, "Every summary number in this report is the mean over the %zu seed(s) of a point ± the half-width of its 95 %% "
             "confidence interval, t(0.975, n − 1) · s / √n with Student's t; with one seed there is no interval. "
             "data/points.csv holds n, mean, standard deviation, half-width, min and max of every metric at every point.",
          w->p->nseeds);
    table_t t;
    const char *h[] = { "summary number", "group", "mean ± 95 % CI", "n", "min", "max" };
    doc_table(d, &t, h, 6);
    for (size_t g = 0; g < m->ngroups; g++) {
        const rp_group_t *gr = &m->groups[g];
        const struct { const char *what; const rp_stat_t *s; } rows[] = {
            { "saturation knee (per seed)", &gr->knee_seeds }, { "maximum load within every SLO", &gr->slo_max } };
        for (size_t k = 0; k < 2; k++) {
            if (rows[k].s->n == 0) continue;
            char a[128], n[32], mn[64], mx[64];
            rp_fmt_ci(a, sizeof a, rows[k].s);
            snprintf(n, sizeof n, "%zu", rows[k].s->n);
            rp_fmt(mn, sizeof mn, rows[k].s->min);
            rp_fmt(mx, sizeof mx, rows[k].s->max);
            const char *cells[] = { rows[k].what, gr->label, a, n, mn, mx };
            doc_row(d, &t, cells, NULL);
        }
    }
    for (size_t g = 0; g < m->nscaling; g++) {
        const rp_usl_t *u = &m->scaling[g].fit;
        if (!u->ok) continue;
        const struct { const char *what; double v, ci; } rows[] = { { "USL σ", u->alpha, u->ci_alpha }, { "USL κ", u->beta, u->ci_beta },
                                                                    { "USL γ", u->gamma, u->ci_gamma } };
        for (size_t k = 0; k < 3; k++) {
            char a[128], n[32];
            usl_cell(a, sizeof a, rows[k].v, rows[k].ci);
            snprintf(n, sizeof n, "%zu", u->n);
            const char *cells[] = { rows[k].what, m->scaling[g].label, a, n, "", "" };
            doc_row(d, &t, cells, NULL);
        }
    }
    doc_table_end(d);
}

static void sec_baseline(writer_t *w, doc_t *d)
{
    const rp_model_t *m = w->m;
    doc_h(d, 2, "baseline", "12. Against the baseline");
    if (!m->baseline_dir) {
        doc_p(d, "No baseline: run with --baseline DIR (an earlier report's directory) to compare every point with it.");
        return;
    }
    doc_p(d, "Baseline: %s (scenario %s). %zu regression(s) and %zu improvement(s) among %zu compared numbers. A change "
             "counts when it is larger than %.0f %% and, with two or more seeds on both sides, significant by Welch's t test at 95 %%.",
          m->baseline_dir, m->baseline_scenario ? m->baseline_scenario : "?", m->nregressions, m->nimprovements, m->ndeltas,
          m->threshold * 100);
    doc_plot(d, w, "baseline");
    table_t t;
    const char *h[] = { "what", "baseline", "this report", "change", "verdict" };
    doc_table(d, &t, h, 5);
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < m->ndeltas; i++) {
            const rp_delta_t *x = &m->deltas[i];
            bool flagged = x->regression || x->improvement;
            if ((pass == 0) != flagged) continue;
            char a[128], b[128], c[128];
            rp_fmt_ci(a, sizeof a, &x->base);
            rp_fmt_ci(b, sizeof b, &x->cur);
            if (isfinite(x->rel)) snprintf(c, sizeof c, "%+.1f %%", x->rel * 100);
            else snprintf(c, sizeof c, "new");
            const char *v = x->regression ? "REGRESSION" : x->improvement ? "improvement" : x->significant ? "changed (small)" : "same";
            const char *cells[] = { x->what, a, b, c, v };
            doc_row(d, &t, cells, x->regression ? "bad" : x->improvement ? "ok" : NULL);
        }
    doc_table_end(d);
}

/* ---- summary.json ------------------------------------------------------------------------- */

static void js_num(jbuf_t *b, double v)
{
    if (isfinite(v)) jbuf_printf(b, "%.10g", v);
    else jbuf_puts(b, "null");
}

static void js_str(jbuf_t *b, const char *s) { jbuf_json_str(b, s ? s : "", strlen(s ? s : "")); }

static void js_stat_fields(jbuf_t *b, const rp_stat_t *s)
{
    jbuf_printf(b, "\"n\":%zu,\"mean\":", s->n);
    js_num(b, s->mean);
    jbuf_puts(b, ",\"sd\":");
    js_num(b, s->sd);
    jbuf_puts(b, ",\"ci95\":");
    js_num(b, s->ci95);
    jbuf_puts(b, ",\"min\":");
    js_num(b, s->min);
    jbuf_puts(b, ",\"max\":");
    js_num(b, s->max);
}

static void js_stat(jbuf_t *b, const rp_stat_t *s)
{
    jbuf_putc(b, '{');
    js_stat_fields(b, s);
    jbuf_putc(b, '}');
}

static void write_summary(writer_t *w)
{
    const rp_model_t *m = w->m;
    const rp_plan_t *p = w->p;
    jbuf_t b;
    jbuf_init(&b);
    jbuf_puts(&b, "{\"format\":\"otpsim-report/1\",\"otpsim_version\":");
    js_str(&b, p->version);
    jbuf_puts(&b, ",\"scenario\":");
    js_str(&b, p->scenario);
    jbuf_printf(&b, ",\"scenario_fnv64\":\"%s\",\"seed\":%llu,\"seeds\":%zu,\"load_param\":", p->scenario_hash,
                (unsigned long long)p->seed0, p->nseeds);
    if (p->load_param) js_str(&b, p->load_param);
    else jbuf_puts(&b, "null");
    jbuf_puts(&b, ",\"scale_param\":");
    if (p->scale_param) js_str(&b, p->scale_param);
    else jbuf_puts(&b, "null");
    jbuf_puts(&b, ",\"primary_load\":");
    if (m->load) js_str(&b, m->load);
    else jbuf_puts(&b, "null");
    jbuf_puts(&b, ",\n\"plan\":");
    rp_plan_json(p, &b);
    b.len--; /* the newline */
    jbuf_printf(&b, ",\n\"runs\":{\"planned\":%zu,\"done\":%zu,\"failed\":%zu,\"missing\":%zu,\"list\":[", m->nruns, m->ndone, m->nfailed,
                m->nmissing);
    for (size_t r = 0; r < m->nruns; r++) {
        const rp_run_t *run = &m->runs[r];
        char id[64];
        rp_run_id(p, r, id, sizeof id);
        jbuf_printf(&b, "%s\n {\"run\":\"%s\",\"point\":%zu,\"seed\":%llu,\"state\":\"%s\",\"exit_code\":%d,\"trace_hash\":", r ? "," : "", id,
                    run->point + 1, (unsigned long long)run->seed,
                    run->state == RP_RUN_DONE ? "done" : run->state == RP_RUN_FAILED ? "failed" : "missing", run->exit_code);
        if (run->trace_hash[0]) js_str(&b, run->trace_hash);
        else jbuf_puts(&b, "null");
        jbuf_printf(&b, ",\"events\":%llu,\"why\":", (unsigned long long)run->events);
        if (run->why) js_str(&b, run->why);
        else jbuf_puts(&b, "null");
        jbuf_putc(&b, '}');
    }
    jbuf_puts(&b, "]},\n\"slos\":[");
    for (size_t s = 0; s < m->nslos; s++) {
        jbuf_puts(&b, s ? ",{\"name\":" : "{\"name\":");
        js_str(&b, m->slos[s].name);
        jbuf_puts(&b, ",\"load\":");
        js_str(&b, m->slos[s].load);
        jbuf_puts(&b, ",\"metric\":");
        js_str(&b, m->slos[s].metric);
        jbuf_printf(&b, ",\"at_most\":%s,\"threshold\":", m->slos[s].op < 0 ? "true" : "false");
        js_num(&b, m->slos[s].threshold);
        jbuf_putc(&b, '}');
    }
    jbuf_puts(&b, "],\n\"points\":[");
    for (size_t i = 0; i < m->npoints; i++) {
        const rp_point_t *P = &m->points[i];
        jbuf_printf(&b, "%s\n{\"point\":%zu,\"label\":", i ? "," : "", i + 1);
        js_str(&b, P->label);
        jbuf_puts(&b, ",\"params\":{");
        for (size_t k = 0; k < p->nsweeps; k++) {
            if (k) jbuf_putc(&b, ',');
            js_str(&b, p->sweeps[k].name);
            jbuf_putc(&b, ':');
            js_str(&b, rp_plan_value(p, i, k));
        }
        jbuf_puts(&b, "},\"x\":");
        js_num(&b, P->x);
        jbuf_printf(&b, ",\"group\":%zu,\"done\":%zu,\"failed\":%zu,\"missing\":%zu,\"slo_pass\":%zu,\"metrics\":[", P->group + 1, P->ndone,
                    P->nfailed, P->nmissing, P->slo_pass);
        bool first = true;
        for (size_t k = 0; k < m->nmetrics; k++) {
            if (P->st[k].n == 0) continue;
            jbuf_puts(&b, first ? "\n {\"scope\":" : ",\n {\"scope\":");
            first = false;
            js_str(&b, m->metrics[k].scope);
            jbuf_puts(&b, ",\"object\":");
            js_str(&b, m->metrics[k].object);
            jbuf_puts(&b, ",\"field\":");
            js_str(&b, m->metrics[k].field);
            jbuf_printf(&b, ",\"unit\":\"%s\",\"better\":%d,", m->metrics[k].unit, m->metrics[k].better);
            js_stat_fields(&b, &P->st[k]);
            jbuf_putc(&b, '}');
        }
        jbuf_puts(&b, "]}");
    }
    jbuf_puts(&b, "],\n\"groups\":[");
    for (size_t g = 0; g < m->ngroups; g++) {
        const rp_group_t *gr = &m->groups[g];
        jbuf_printf(&b, "%s\n{\"group\":%zu,\"label\":", g ? "," : "", g + 1);
        js_str(&b, gr->label);
        jbuf_puts(&b, ",\"points\":[");
        for (size_t i = 0; i < gr->n; i++) jbuf_printf(&b, "%s%zu", i ? "," : "", gr->pts[i] + 1);
        jbuf_puts(&b, "],\"knee\":");
        js_num(&b, gr->knee >= 0 ? m->points[gr->pts[gr->knee]].x : NAN);
        jbuf_puts(&b, ",\"knee_point\":");
        if (gr->knee >= 0) jbuf_printf(&b, "%zu", gr->pts[gr->knee] + 1);
        else jbuf_puts(&b, "null");
        jbuf_puts(&b, ",\"knee_seeds\":");
        js_stat(&b, &gr->knee_seeds);
        jbuf_puts(&b, ",\"latency_knee\":");
        js_num(&b, gr->lat_knee >= 0 ? m->points[gr->pts[gr->lat_knee]].x : NAN);
        jbuf_puts(&b, ",\"slo_max\":");
        js_stat(&b, &gr->slo_max);
        jbuf_printf(&b, ",\"slo_max_censored\":%d,\"slo_max_all_seeds\":", gr->slo_censor);
        js_num(&b, gr->slo_max_all);
        jbuf_puts(&b, ",\"bottleneck\":");
        js_str(&b, gr->bottleneck);
        jbuf_putc(&b, '}');
    }
    jbuf_puts(&b, "],\n\"scaling\":[");
    for (size_t g = 0; g < m->nscaling; g++) {
        const rp_scaling_t *sc = &m->scaling[g];
        const rp_usl_t *u = &sc->fit;
        jbuf_printf(&b, "%s\n{\"label\":", g ? "," : "");
        js_str(&b, sc->label);
        jbuf_puts(&b, ",\"param\":");
        js_str(&b, p->scale_param);
        jbuf_puts(&b, ",\"measured\":[");
        for (size_t i = 0; i < sc->nu; i++) {
            jbuf_puts(&b, i ? ",{\"N\":" : "{\"N\":");
            js_num(&b, sc->Nu[i]);
            jbuf_puts(&b, ",\"throughput\":");
            js_stat(&b, &sc->Xu[i]);
            jbuf_putc(&b, '}');
        }
        jbuf_printf(&b, "],\"usl\":{\"ok\":%s,\"n\":%zu", u->ok ? "true" : "false", u->n);
        const struct { const char *k; double v; } f[] = {
            { "sigma", u->alpha }, { "sigma_ci95", u->ci_alpha }, { "kappa", u->beta }, { "kappa_ci95", u->ci_beta },
            { "gamma", u->gamma }, { "gamma_ci95", u->ci_gamma }, { "n_peak", u->n_peak }, { "x_peak", u->x_peak },
            { "x_limit", u->x_limit }, { "r2", u->r2 }, { "residual_se", u->resid_se } };
        for (size_t k = 0; k < sizeof f / sizeof f[0]; k++) {
            jbuf_printf(&b, ",\"%s\":", f[k].k);
            js_num(&b, u->ok ? f[k].v : NAN);
        }
        jbuf_puts(&b, "}}");
    }
    jbuf_puts(&b, "],\n\"details\":[");
    for (size_t i = 0; i < m->ndetails; i++) jbuf_printf(&b, "%s%zu", i ? "," : "", m->details[i] + 1);
    jbuf_puts(&b, "],\n\"baseline\":");
    if (!m->baseline_dir) {
        jbuf_puts(&b, "null");
    } else {
        jbuf_puts(&b, "{\"dir\":");
        js_str(&b, m->baseline_dir);
        jbuf_printf(&b, ",\"threshold\":%.10g,\"regressions\":%zu,\"improvements\":%zu,\"deltas\":[", m->threshold, m->nregressions,
                    m->nimprovements);
        for (size_t i = 0; i < m->ndeltas; i++) {
            const rp_delta_t *x = &m->deltas[i];
            jbuf_puts(&b, i ? ",\n {\"what\":" : "\n {\"what\":");
            js_str(&b, x->what);
            jbuf_puts(&b, ",\"baseline\":");
            js_stat(&b, &x->base);
            jbuf_puts(&b, ",\"current\":");
            js_stat(&b, &x->cur);
            jbuf_puts(&b, ",\"delta\":");
            js_num(&b, x->delta);
            jbuf_puts(&b, ",\"relative\":");
            js_num(&b, x->rel);
            jbuf_printf(&b, ",\"significant\":%s,\"regression\":%s,\"improvement\":%s}", x->significant ? "true" : "false",
                        x->regression ? "true" : "false", x->improvement ? "true" : "false");
        }
        jbuf_puts(&b, "]}");
    }
    jbuf_puts(&b, "\n}\n");
    put_file(w, NULL, "summary.json", &b);
    jbuf_deinit(&b);
}

/* ---- the tables behind everything ----------------------------------------------------------- */

static void write_tables(writer_t *w)
{
    const rp_model_t *m = w->m;
    const rp_plan_t *p = w->p;
    jbuf_t b;
    jbuf_init(&b);
    jbuf_puts(&b, "point,label");
    for (size_t k = 0; k < p->nsweeps; k++) {
        jbuf_putc(&b, ',');
        csv_str(&b, p->sweeps[k].name);
    }
    jbuf_puts(&b, ",group,scope,object,metric,unit,n,mean,sd,ci95,min,max\n");
    for (size_t i = 0; i < m->npoints; i++)
        for (size_t k = 0; k < m->nmetrics; k++) {
            const rp_stat_t *s = &m->points[i].st[k];
            if (s->n == 0) continue;
            jbuf_printf(&b, "%zu,", i + 1);
            csv_str(&b, m->points[i].label);
            for (size_t q = 0; q < p->nsweeps; q++) {
                jbuf_putc(&b, ',');
                csv_str(&b, rp_plan_value(p, i, q));
            }
            jbuf_printf(&b, ",%zu,", m->points[i].group + 1);
            csv_str(&b, m->metrics[k].scope);
            jbuf_putc(&b, ',');
            csv_str(&b, m->metrics[k].object);
            jbuf_putc(&b, ',');
            csv_str(&b, m->metrics[k].field);
            jbuf_putc(&b, ',');
            csv_str(&b, m->metrics[k].unit);
            jbuf_printf(&b, ",%zu,", s->n);
            csv_num(&b, s->mean);
            jbuf_putc(&b, ',');
            csv_num(&b, s->sd);
            jbuf_putc(&b, ',');
            csv_num(&b, s->ci95);
            jbuf_putc(&b, ',');
            csv_num(&b, s->min);
            jbuf_putc(&b, ',');
            csv_num(&b, s->max);
            jbuf_putc(&b, '\n');
        }
    put_file(w, "data", "points.csv", &b);
    jbuf_reset(&b);
    jbuf_puts(&b, "run,point,label,seed,state,exit_code,trace_hash,events,sim_time_s,why\n");
    for (size_t r = 0; r < m->nruns; r++) {
        const rp_run_t *run = &m->runs[r];
        char id[64];
        rp_run_id(p, r, id, sizeof id);
        jbuf_printf(&b, "%s,%zu,", id, run->point + 1);
        csv_str(&b, m->points[run->point].label);
        jbuf_printf(&b, ",%llu,%s,%d,%s,%llu,", (unsigned long long)run->seed,
                    run->state == RP_RUN_DONE ? "done" : run->state == RP_RUN_FAILED ? "failed" : "missing", run->exit_code, run->trace_hash,
                    (unsigned long long)run->events);
        csv_num(&b, run->sim_s);
        jbuf_putc(&b, ',');
        csv_str(&b, run->why ? run->why : "");
        jbuf_putc(&b, '\n');
    }
    put_file(w, "data", "runs.csv", &b);
    jbuf_reset(&b);
    jbuf_puts(&b, "point,label,slo,at_most,threshold,passed,n,observed_mean,observed_ci95\n");
    for (size_t i = 0; i < m->npoints; i++)
        for (size_t s = 0; s < m->nslos; s++) {
            const rp_stat_t *ok = rp_point_stat(m, i, "slo", m->slos[s].name, "ok"), *ob = rp_point_stat(m, i, "slo", m->slos[s].name, "observed");
            if (!ok || ok->n == 0) continue;
            jbuf_printf(&b, "%zu,", i + 1);
            csv_str(&b, m->points[i].label);
            jbuf_putc(&b, ',');
            csv_str(&b, m->slos[s].name);
            jbuf_printf(&b, ",%d,", m->slos[s].op < 0);
            csv_num(&b, m->slos[s].threshold);
            jbuf_printf(&b, ",%.0f,%zu,", ok->mean * (double)ok->n, ok->n);
            csv_num(&b, ob ? ob->mean : NAN);
            jbuf_putc(&b, ',');
            csv_num(&b, ob ? ob->ci95 : NAN);
            jbuf_putc(&b, '\n');
        }
    put_file(w, "data", "slo.csv", &b);
    jbuf_reset(&b);
    jbuf_puts(&b, "group,label,knee,knee_point,knee_seeds_n,knee_seeds_mean,knee_seeds_ci95,latency_knee,slo_max_n,slo_max_mean,"
                  "slo_max_ci95,slo_max_min,slo_max_max,slo_max_censored,slo_max_all_seeds,bottleneck\n");
    for (size_t g = 0; g < m->ngroups; g++) {
        const rp_group_t *gr = &m->groups[g];
        jbuf_printf(&b, "%zu,", g + 1);
        csv_str(&b, gr->label);
        jbuf_putc(&b, ',');
        csv_num(&b, gr->knee >= 0 ? m->points[gr->pts[gr->knee]].x : NAN);
        jbuf_putc(&b, ',');
        if (gr->knee >= 0) jbuf_printf(&b, "%zu", gr->pts[gr->knee] + 1);
        jbuf_printf(&b, ",%zu,", gr->knee_seeds.n);
        csv_num(&b, gr->knee_seeds.mean);
        jbuf_putc(&b, ',');
        csv_num(&b, gr->knee_seeds.ci95);
        jbuf_putc(&b, ',');
        csv_num(&b, gr->lat_knee >= 0 ? m->points[gr->pts[gr->lat_knee]].x : NAN);
        jbuf_printf(&b, ",%zu,", gr->slo_max.n);
        csv_num(&b, gr->slo_max.mean);
        jbuf_putc(&b, ',');
        csv_num(&b, gr->slo_max.ci95);
        jbuf_putc(&b, ',');
        csv_num(&b, gr->slo_max.min);
        jbuf_putc(&b, ',');
        csv_num(&b, gr->slo_max.max);
        jbuf_printf(&b, ",%d,", gr->slo_censor);
        csv_num(&b, gr->slo_max_all);
        jbuf_putc(&b, ',');
        csv_str(&b, gr->bottleneck);
        jbuf_putc(&b, '\n');
    }
    put_file(w, "data", "groups.csv", &b);
    jbuf_reset(&b);
    if (m->any_faults) {
        jbuf_puts(&b, "point,label,load,n,availability_during,availability_during_ci95,p99_during_ms,p99_during_ci95,"
                      "p99_outside_ms,p99_outside_ci95,ttr_s,ttr_ci95,recovered_fraction\n");
        for (size_t i = 0; i < m->npoints; i++)
            for (size_t l = 0; l < m->nloads; l++) {
                const rp_stat_t *a = rp_point_stat(m, i, "fault", m->loads[l], "availability_during");
                if (!a || a->n == 0) continue;
                jbuf_printf(&b, "%zu,", i + 1);
                csv_str(&b, m->points[i].label);
                jbuf_putc(&b, ',');
                csv_str(&b, m->loads[l]);
                jbuf_printf(&b, ",%zu", a->n);
                csv_stat(&b, a);
                csv_stat(&b, rp_point_stat(m, i, "fault", m->loads[l], "p99_during_ms"));
                csv_stat(&b, rp_point_stat(m, i, "fault", m->loads[l], "p99_outside_ms"));
                csv_stat(&b, rp_point_stat(m, i, "fault", m->loads[l], "ttr_s"));
                const rp_stat_t *rec = rp_point_stat(m, i, "fault", m->loads[l], "recovered");
                jbuf_putc(&b, ',');
                csv_num(&b, rec ? rec->mean : NAN);
                jbuf_putc(&b, '\n');
            }
        put_file(w, "data", "fault_impact.csv", &b);
        jbuf_reset(&b);
    }
    if (m->baseline_dir) {
        jbuf_puts(&b, "what,baseline_n,baseline_mean,baseline_ci95,n,mean,ci95,delta,relative,significant,regression,improvement\n");
        for (size_t i = 0; i < m->ndeltas; i++) {
            const rp_delta_t *x = &m->deltas[i];
            csv_str(&b, x->what);
            jbuf_printf(&b, ",%zu,", x->base.n);
            csv_num(&b, x->base.mean);
            jbuf_putc(&b, ',');
            csv_num(&b, x->base.ci95);
            jbuf_printf(&b, ",%zu,", x->cur.n);
            csv_num(&b, x->cur.mean);
            jbuf_putc(&b, ',');
            csv_num(&b, x->cur.ci95);
            jbuf_putc(&b, ',');
            csv_num(&b, x->delta);
            jbuf_putc(&b, ',');
            csv_num(&b, x->rel);
            jbuf_printf(&b, ",%d,%d,%d\n", x->significant, x->regression, x->improvement);
        }
        put_file(w, "data", "baseline.csv", &b);
    }
    jbuf_deinit(&b);
}

/* ---- index.html and report.md ------------------------------------------------------------- */

static const char CSS[] =
    "body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;max-width:1100px;margin:0 auto;padding:1em 2em;"
    "color:#1d1d1f;background:#fafafa;line-height:1.45}"
    "h1{font-size:1.7em;margin-bottom:0.2em}h2{margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:0.2em}"
    "table{border-collapse:collapse;margin:0.8em 0;font-size:0.88em;background:#fff}"
    "th,td{border:1px solid #ddd;padding:0.25em 0.6em;text-align:left;vertical-align:top}th{background:#f0f0f0}"
    "tr.bad td{background:#fff0f0}tr.ok td{background:#f3fff3}"
    "figure{margin:1em 0;background:#fff;border:1px solid #e2e2e2;padding:0.5em}"
    "img.plot{max-width:100%;height:auto;display:block}figcaption{font-size:0.85em;color:#555;margin-top:0.3em}"
    "pre{background:#fff;border:1px solid #e2e2e2;padding:0.6em;overflow-x:auto;font-size:0.85em}"
    "nav a{margin-right:0.8em}.verdict{font-size:1.1em;padding:0.6em 1em;background:#fff;border-left:4px solid #4a7}"
    ".verdict.bad{border-left-color:#c33}p.missing{color:#a00}";

/* Marks each plot as loaded (or not) and records where it sits, for readers and for the tests
 * that screenshot the page; shows a note where a plot failed to load. */
static const char SCRIPT[] =
    "window.addEventListener('load',function(){document.querySelectorAll('img.plot').forEach(function(i){"
    "var ok=i.complete&&i.naturalWidth>0,r=i.getBoundingClientRect();i.setAttribute('data-loaded',ok?'yes':'no');"
    "i.setAttribute('data-rect',[Math.round(r.left+window.scrollX),Math.round(r.top+window.scrollY),Math.round(r.width),"
    "Math.round(r.height)].join(','));if(!ok){var p=document.createElement('p');p.className='missing';"
    "p.textContent='This plot failed to load.';i.parentNode.insertBefore(p,i);}});"
    "document.body.setAttribute('data-plots-checked','yes');});";

/* The answer first: per group, the maximum load within every SLO, the knee and the bottleneck. */
static void verdict(writer_t *w, doc_t *d)
{
    const rp_model_t *m = w->m;
    const char *x = w->p->load_param ? w->p->load_param : "point";
    jbuf_t b;
    jbuf_init(&b);
    bool bad = m->nfailed || m->nmissing || m->nregressions;
    if (m->ngroups > 1) {
        table_t t;
        char h1[200], h2[200];
        snprintf(h1, sizeof h1, "maximum %s within every SLO", x);
        snprintf(h2, sizeof h2, "saturation knee (%s)", x);
        const char *h[] = { "group", h1, h2, "bottleneck" };
        doc_table(d, &t, h, 4);
        for (size_t g = 0; g < m->ngroups; g++) {
            const rp_group_t *gr = &m->groups[g];
            char a[160], k[64];
            if (m->nslos && w->p->load_param) {
                rp_fmt_ci(a, sizeof a, &gr->slo_max);
                if (gr->slo_censor > 0) strncat(a, " (every point passed)", sizeof a - strlen(a) - 1);
                if (gr->slo_censor < 0) snprintf(a, sizeof a, "below the sweep");
            } else {
                snprintf(a, sizeof a, "no SLO");
            }
            if (gr->knee >= 0) rp_fmt(k, sizeof k, m->points[gr->pts[gr->knee]].x);
            else snprintf(k, sizeof k, "none in the sweep");
            const char *cells[] = { gr->label, a, k, gr->bottleneck };
            doc_row(d, &t, cells, NULL);
        }
        doc_table_end(d);
    } else if (m->ngroups) {
        const rp_group_t *g = &m->groups[0];
        if (m->nslos && w->p->load_param) {
            char a[128];
            rp_fmt_ci(a, sizeof a, &g->slo_max);
            jbuf_printf(&b, "Maximum %s within every SLO: %s%s. ", x, a,
                        g->slo_censor > 0 ? " (every point passed)" : g->slo_censor < 0 ? " (below the sweep)" : "");
        }
        if (g->knee >= 0) {
            char k[64];
            rp_fmt(k, sizeof k, m->points[g->pts[g->knee]].x);
            jbuf_printf(&b, "Saturation knee at %s=%s. ", x, k);
        }
        jbuf_printf(&b, "%s ", g->bottleneck);
    }
    if (m->nscaling && m->scaling[0].fit.ok && isfinite(m->scaling[0].fit.n_peak)) {
        char n[64], xp[64];
        rp_fmt(n, sizeof n, m->scaling[0].fit.n_peak);
        rp_fmt(xp, sizeof xp, m->scaling[0].fit.x_peak);
        jbuf_printf(&b, "USL: throughput peaks at %s=%s (%s ok/s). ", w->p->scale_param, n, xp);
    }
    if (m->nfailed || m->nmissing) jbuf_printf(&b, "%zu run(s) failed and %zu did not run: see section 1. ", m->nfailed, m->nmissing);
    if (m->baseline_dir) jbuf_printf(&b, "%zu regression(s) against the baseline.", m->nregressions);
    if (b.len) {
        jbuf_printf(&d->h, "<p class=\"verdict%s\">", bad ? " bad" : "");
        h_esc(&d->h, jbuf_cstr(&b));
        jbuf_puts(&d->h, "</p>\n");
        jbuf_puts(&d->md, "**");
        md_esc(&d->md, jbuf_cstr(&b), true);
        jbuf_puts(&d->md, "**\n\n");
    }
    jbuf_deinit(&b);
}

static void write_docs(writer_t *w)
{
    doc_t d;
    jbuf_init(&d.h);
    jbuf_init(&d.md);
    const char *base = strrchr(w->p->scenario, '/');
    base = base ? base + 1 : w->p->scenario;
    jbuf_puts(&d.h, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Capacity report: ");
    h_esc(&d.h, base);
    jbuf_printf(&d.h, "</title>\n<style>%s</style>\n<script>%s</script>\n</head><body>\n<h1>Capacity report: ", CSS, SCRIPT);
    h_esc(&d.h, base);
    jbuf_puts(&d.h, "</h1>\n<nav><a href=\"#header\">1 scenario</a><a href=\"#slo\">2 SLO</a><a href=\"#throughput\">3 throughput</a>"
                    "<a href=\"#latency\">4 latency</a><a href=\"#utilization\">5 utilisation</a><a href=\"#queues\">6 queues</a>"
                    "<a href=\"#timeseries\">7 time series</a><a href=\"#spectrum\">8 spectrum</a><a href=\"#scaling\">9 scaling</a>"
                    "<a href=\"#faults\">10 faults</a><a href=\"#ci\">11 confidence</a><a href=\"#baseline\">12 baseline</a></nav>\n");
    jbuf_puts(&d.md, "# Capacity report: ");
    md_esc(&d.md, base, true);
    jbuf_puts(&d.md, "\n\nGenerated by `otpsim report`; the same tables as index.html, with the plots as PNG files.\n\n");
    verdict(w, &d);
    sec_header(w, &d);
    sec_slo(w, &d);
    sec_throughput(w, &d);
    sec_latency(w, &d);
    sec_util(w, &d);
    sec_queues(w, &d);
    sec_timeseries(w, &d);
    sec_spectrum(w, &d);
    sec_scaling(w, &d);
    sec_faults(w, &d);
    sec_ci(w, &d);
    sec_baseline(w, &d);
    doc_h(&d, 2, "files", "Files");
    doc_p(&d, "summary.json: every number of this report. data/*.csv: the data behind every plot and table "
              "(points.csv: every metric at every point with n, mean, sd, 95 %% CI, min, max; runs.csv: every run with its "
              "trace-hash). plots/*.gp: gnuplot scripts (cd plots && gnuplot NAME.gp) that regenerate plots/*.svg and *.png. "
              "runs/: each run's raw --json, --metrics CSV, fault events and log.");
    jbuf_puts(&d.h, "</body></html>\n");
    put_file(w, NULL, "index.html", &d.h);
    put_file(w, NULL, "report.md", &d.md);
    jbuf_deinit(&d.h);
    jbuf_deinit(&d.md);
}

/* Removes the files ending in ext from one of the report's own directories (data/, plots/), so
 * a report written over an older one keeps none of its plots. */
static void clear_outputs(const char *dir, const char *ext)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    size_t el = strlen(ext);
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l <= el || strcmp(e->d_name + l - el, ext) != 0) continue;
        char *p = rp_join(dir, e->d_name);
        unlink(p);
        free(p);
    }
    closedir(d);
}

int rp_report_write(const rp_model_t *m, const char *dir, const rp_write_opts_t *o)
{
    writer_t w = { .m = m, .p = m->plan, .dir = dir, .o = o };
    w.data = rp_join(dir, "data");
    w.plots = rp_join(dir, "plots");
    if (rp_mkdirs(w.data) || rp_mkdirs(w.plots)) {
        free(w.data);
        free(w.plots);
        return -1;
    }
    clear_outputs(w.data, ".csv");
    clear_outputs(w.plots, ".gp");
    clear_outputs(w.plots, ".svg");
    clear_outputs(w.plots, ".png");
    clear_outputs(w.plots, ".log");
    write_tables(&w);
    if (m->load) {
        write_curves(&w);
        plot_throughput(&w);
        plot_latency(&w);
    }
    write_util_queues(&w);
    plot_util_queues(&w);
    write_detail(&w);
    plot_detail(&w);
    write_plot_spectrum(&w);
    write_plot_scaling(&w);
    write_plot_baseline(&w);
    render_plots(&w);
    write_summary(&w);
    write_docs(&w);
    for (size_t i = 0; i < w.npl; i++) {
        free(w.pl[i].name);
        free(w.pl[i].title);
        free(w.pl[i].caption);
    }
    free(w.pl);
    free(w.data);
    free(w.plots);
    return w.rc;
}
