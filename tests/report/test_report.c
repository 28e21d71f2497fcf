/* test_report.c — `otpsim report` end to end, driven as a user drives it (bin/otpsim in child
 * processes, the report's files read back).
 *
 * Proves: on an M/M/4 queue (tests/report/mmc.lua) the saturation knee the report finds is the
 * service capacity c·mu and its maximum load within the SLO "p99 <= 8 ms" agrees with Erlang C
 * (computed here, capacity-validation.md §4.3) within the report's own 95 % confidence interval;
 * the USL fit recovers sigma, kappa and gamma of a simulated system built to follow the law
 * (tests/report/usl.lua); the HTML opens in headless Chromium with every plot loaded, present
 * and non-blank in a screenshot, and all scenario-provided text escaped; the gnuplot scripts
 * regenerate byte-identical plots from the CSVs; the same seeds and parameters give identical
 * summary.json, CSVs and documents (with 1 or 2 parallel jobs); a sweep run as shards through
 * GNU parallel and merged equals the unsharded report; failed and interrupted runs are listed,
 * not hidden, and the report is still written; --baseline flags regressions; usage errors.
 * The binary is $OTPSIM_BIN (default bin/otpsim); tests run from the repository root. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <png.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host/report_int.h"
#include "tests/testutil.h"

extern Suite *suite_report(void);

#define SMALL "tests/report/small.lua"

/* ---- helpers -------------------------------------------------------------------------------- */

static char *tmpdir(void)
{
    char *d = strdup("/tmp/otpsim-report-test-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(d));
    return d;
}

static char *path2(const char *a, const char *b)
{
    char *p = malloc(strlen(a) + strlen(b) + 2);
    sprintf(p, "%s/%s", a, b);
    return p;
}

static void rmrf(char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    free(dir);
}

/* Runs a shell command; returns its exit status. */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static bool have(const char *prog)
{
    return sh("command -v %s > /dev/null 2>&1", prog) == 0;
}

/* `otpsim report` with the given arguments; asserts the exit code. */
static tu_result_t report(int want, const char *const *args)
{
    const char *argv[64] = { "report" };
    size_t n = 1;
    for (size_t i = 0; args[i]; i++) argv[n++] = args[i];
    argv[n] = NULL;
    tu_result_t r = tu_runv(argv);
    ck_assert_msg(r.code == want, "otpsim report exited %d (wanted %d)\nstdout:\n%s\nstderr:\n%s", r.code, want, r.out, r.err);
    return r;
}

static rj_t *summary(const char *dir)
{
    char *p = path2(dir, "summary.json");
    char err[128];
    rj_t *j = rj_parse_file(p, err, sizeof err);
    ck_assert_msg(j != NULL, "%s: %s", p, err);
    free(p);
    return j;
}

static const rj_t *at(const rj_t *v, size_t i)
{
    ck_assert_msg(v && v->type == RJ_ARR && i < v->n, "no element %zu", i);
    return v->items[i];
}

/* The small report every determinism/shard/HTML test starts from. */
static void small_report(const char *out, const char *jobs)
{
    const char *args[] = { SMALL, "--out", out, "--sweep", "rate=200..800/200", "--seeds", "2", "--jobs", jobs, "-q", NULL };
    tu_result_t r = report(0, args);
    tu_result_free(&r);
}

static bool same_file(const char *a, const char *b)
{
    char *x = tu_read_file(a), *y = tu_read_file(b);
    bool same = x && y && strcmp(x, y) == 0;
    free(x);
    free(y);
    return same;
}

/* Asserts that summary.json, report.md, index.html and every CSV in data/ are identical. */
static void assert_same_report(const char *a, const char *b)
{
    static const char *const top[] = { "summary.json", "report.md", "index.html" };
    for (size_t i = 0; i < 3; i++) {
        char *pa = path2(a, top[i]), *pb = path2(b, top[i]);
        ck_assert_msg(same_file(pa, pb), "%s and %s differ", pa, pb);
        free(pa);
        free(pb);
    }
    char *da = path2(a, "data");
    DIR *d = opendir(da);
    ck_assert_ptr_nonnull(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strstr(e->d_name, ".csv")) continue;
        char rel[300];
        snprintf(rel, sizeof rel, "data/%s", e->d_name);
        char *pa = path2(a, rel), *pb = path2(b, rel);
        ck_assert_msg(same_file(pa, pb), "%s and %s differ", pa, pb);
        free(pa);
        free(pb);
        n++;
    }
    closedir(d);
    free(da);
    ck_assert_msg(n >= 10, "only %zu CSV files in %s/data", n, a);
}

/* ---- Erlang C --------------------------------------------------------------------------------- */

static double erlang_c(int c, double a)
{
    double b = 1;
    for (int k = 1; k <= c; k++) b = a * b / (k + a * b);
    return c * b / (c - a * (1 - b));
}

/* The p-quantile of the FCFS M/M/c sojourn time (capacity-validation.md §4.3), rates per ms. */
static double mmc_quantile(int c, double lambda, double mu, double p)
{
    double C = erlang_c(c, lambda / mu), th = c * mu - lambda;
    double lo = 0, hi = 1;
#define TAIL(t) ((1 - C) * exp(-mu * (t)) + C * (th * exp(-mu * (t)) - mu * exp(-th * (t))) / (th - mu))
    while (TAIL(hi) > 1 - p) hi *= 2;
    for (int i = 0; i < 200; i++) {
        double mid = (lo + hi) / 2;
        if (TAIL(mid) > 1 - p) lo = mid;
        else hi = mid;
    }
#undef TAIL
    return (lo + hi) / 2;
}

START_TEST(erlang_c_reproduces_the_published_example)
{
    /* capacity-validation.md §4.3: c = 4, lambda = 3.5, mu = 1: C = 0.737861, p99 = 9.984 */
    ck_assert(fabs(erlang_c(4, 3.5) - 0.737861) < 1e-6);
    ck_assert(fabs(mmc_quantile(4, 3.5, 1, 0.99) - 9.984) < 5e-4);
    ck_assert(fabs(mmc_quantile(4, 3.5, 1, 0.5) - 1.898) < 5e-4);
}
END_TEST

START_TEST(mmc_knee_and_slo_maximum_agree_with_erlang_c)
{
    char *dir = tmpdir(), *out = path2(dir, "r");
    const char *args[] = { "tests/report/mmc.lua", "--out", out, "--sweep", "rate=3000..4750/250", "--seeds", "4",
                           "--set", "duration=12s", "--set", "slo_p99=8ms", "--progress", "none", NULL };
    tu_result_t r = report(0, args);
    tu_result_free(&r);
    rj_t *s = summary(out);
    const rj_t *g = at(rj_get(s, "groups"), 0);
    /* the knee: throughput saturates at c mu = 4 / 1 ms = 4000/s */
    double knee = rj_num(rj_get(g, "knee"), NAN);
    const rj_t *ks = rj_get(g, "knee_seeds");
    double km = rj_num(rj_get(ks, "mean"), NAN), kci = rj_num(rj_get(ks, "ci95"), 0);
    ck_assert_msg(knee == 4000, "knee of the mean curve %g, theory 4000 (c mu)", knee);
    ck_assert_msg(rj_num(rj_get(ks, "n"), 0) == 4, "a knee in %g of 4 seeds", rj_num(rj_get(ks, "n"), 0));
    ck_assert_msg(fabs(km - 4000) <= (isnan(kci) ? 0 : kci) + 125, "per-seed knee %g ± %g, theory 4000 (grid step 250)", km, kci);
    /* the maximum load within p99 <= 8 ms: Erlang C's lambda with p99(lambda) = 8 ms */
    double lo = 1.0, hi = 3.999;
    for (int i = 0; i < 100; i++) {
        double mid = (lo + hi) / 2;
        if (mmc_quantile(4, mid, 1, 0.99) < 8) lo = mid;
        else hi = mid;
    }
    double theory = lo * 1000; /* 3346.97 per second */
    const rj_t *sm = rj_get(g, "slo_max");
    double mean = rj_num(rj_get(sm, "mean"), NAN), ci = rj_num(rj_get(sm, "ci95"), NAN);
    fprintf(stderr, "report mmc: knee %g (theory 4000); SLO maximum %.1f ± %.1f (theory %.1f)\n", knee, mean, ci, theory);
    ck_assert_msg(ci > 0 && ci < 200, "a useful confidence interval: ± %g", ci);
    ck_assert_msg(fabs(mean - theory) <= ci, "SLO maximum %g ± %g, Erlang C says %g", mean, ci, theory);
    ck_assert_msg(rj_num(rj_get(g, "slo_max_all_seeds"), NAN) == 3250, "every seed passes up to %g",
                  rj_num(rj_get(g, "slo_max_all_seeds"), NAN));
    /* below saturation every offered request is served: throughput = offered rate (within CI) */
    const rj_t *pts = rj_get(s, "points");
    for (size_t i = 0; i < pts->n; i++) {
        double x = rj_num(rj_get(pts->items[i], "x"), NAN);
        const rj_t *ms = rj_get(pts->items[i], "metrics");
        for (size_t k = 0; k < ms->n; k++) {
            const rj_t *e = ms->items[k];
            if (strcmp(rj_str(rj_get(e, "field"), ""), "throughput") != 0) continue;
            double t = rj_num(rj_get(e, "mean"), NAN), tci = rj_num(rj_get(e, "ci95"), NAN);
            if (x < 4000) ck_assert_msg(fabs(t - x) <= tci + 0.01 * x, "throughput %g ± %g at rate %g", t, tci, x);
            else ck_assert_msg(fabs(t - 4000) <= 0.03 * 4000, "saturated throughput %g at rate %g, theory 4000", t, x);
        }
    }
    rj_free(s);
    free(out);
    rmrf(dir);
}
END_TEST

START_TEST(usl_fit_recovers_a_simulated_law)
{
    char *dir = tmpdir(), *out = path2(dir, "r");
    const char *args[] = { "tests/report/usl.lua", "--out", out, "--sweep", "n=1,2,4,8,16,24,32", "--scale", "n", "--seeds", "1",
                           "--set", "duration=10s", "--progress", "none", "-q", NULL };
    tu_result_t r = report(0, args);
    tu_result_free(&r);
    rj_t *s = summary(out);
    const rj_t *u = rj_get(at(rj_get(s, "scaling"), 0), "usl");
    double sigma = rj_num(rj_get(u, "sigma"), NAN), kappa = rj_num(rj_get(u, "kappa"), NAN), gamma = rj_num(rj_get(u, "gamma"), NAN);
    fprintf(stderr, "report usl: sigma %.5f (0.05), kappa %.6f (0.002), gamma %.3f (100), R^2 %.6f\n", sigma, kappa, gamma,
            rj_num(rj_get(u, "r2"), NAN));
    ck_assert_msg(fabs(sigma - 0.05) < 0.002, "sigma %g, built with 0.05", sigma);
    ck_assert_msg(fabs(kappa - 0.002) < 0.0001, "kappa %g, built with 0.002", kappa);
    ck_assert_msg(fabs(gamma - 100) < 0.5, "gamma %g, built with 100/s", gamma);
    ck_assert(rj_num(rj_get(u, "r2"), 0) > 0.9999);
    /* peak N = sqrt((1 - sigma) / kappa) = 21.8 */
    ck_assert_msg(fabs(rj_num(rj_get(u, "n_peak"), NAN) - sqrt(0.95 / 0.002)) < 0.5, "peak N %g", rj_num(rj_get(u, "n_peak"), NAN));
    rj_free(s);
    char *idx = path2(out, "index.html");
    char *html = tu_read_file(idx);
    ck_assert_ptr_nonnull(strstr(html, "data-plot=\"scaling-1\""));
    free(html);
    free(idx);
    free(out);
    rmrf(dir);
}
END_TEST

/* ---- the HTML in a browser -------------------------------------------------------------------- */

typedef struct rect { int x, y, w, h; char name[64]; } rect_t;

START_TEST(html_opens_in_chromium_with_every_plot)
{
    ck_assert_msg(have("chromium"), "chromium is not installed (mk/deps.sh test installs it: apt-get install chromium)");
    char *dir = tmpdir(), *out = path2(dir, "r");
    small_report(out, "2");
    /* the plots rendered by gnuplot */
    size_t nsvg = 0;
    char *plots = path2(out, "plots");
    DIR *d = opendir(plots);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    while ((e = readdir(d)))
        if (strstr(e->d_name, ".svg")) nsvg++;
    closedir(d);
    ck_assert_msg(nsvg >= 7, "%zu SVG plots", nsvg);
    /* scenario text is escaped, never interpreted */
    char *idx = path2(out, "index.html");
    char *html = tu_read_file(idx);
    ck_assert_ptr_null(strstr(html, "<script>alert"));
    ck_assert_ptr_nonnull(strstr(html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    ck_assert_ptr_nonnull(strstr(html, "web &quot;api&quot; &lt;&amp;&gt;|*"));
    ck_assert_ptr_null(strstr(html, "http://"));
    ck_assert_ptr_null(strstr(html, "https://"));
    free(html);
    char *md = path2(out, "report.md");
    char *mdt = tu_read_file(md);
    /* in Markdown too, outside fenced code blocks (where the scenario source is shown verbatim) */
    bool fenced = false;
    for (char *line = strtok(mdt, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "```", 3) == 0) fenced = !fenced;
        else if (!fenced) ck_assert_msg(!strstr(line, "<script>") && !strstr(line, "<b>"), "raw HTML in report.md: %s", line);
    }
    free(mdt);
    mdt = tu_read_file(md);
    ck_assert_ptr_nonnull(strstr(mdt, "&lt;script&gt;alert"));
    ck_assert_ptr_nonnull(strstr(mdt, "web \"api\" &lt;&amp;&gt;\\|\\*"));
    free(mdt);
    free(md);
    /* the DOM after the page's load event: every plot loaded, with its position */
    ck_assert_int_eq(sh("cd '%s' && chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,2000 "
                        "--virtual-time-budget=5000 --dump-dom 'file://%s/index.html' > dom.html 2> chromium.log", dir, out), 0);
    char *domp = path2(dir, "dom.html");
    char *dom = tu_read_file(domp);
    ck_assert_ptr_nonnull(strstr(dom, "data-plots-checked=\"yes\""));
    rect_t rects[64];
    size_t nr = 0;
    int bottom = 0;
    for (const char *p = dom; (p = strstr(p, "<img class=\"plot\"")); p++) {
        ck_assert(nr < 64);
        const char *nm = strstr(p, "data-plot=\""), *ld = strstr(p, "data-loaded=\""), *rc = strstr(p, "data-rect=\"");
        const char *end = strchr(p, '>');
        ck_assert_msg(nm && ld && rc && nm < end && ld < end && rc < end, "a plot without its marks: %.200s", p);
        sscanf(nm, "data-plot=\"%63[^\"]", rects[nr].name);
        ck_assert_msg(strncmp(ld, "data-loaded=\"yes\"", 17) == 0, "plot %s did not load", rects[nr].name);
        ck_assert_int_eq(sscanf(rc, "data-rect=\"%d,%d,%d,%d", &rects[nr].x, &rects[nr].y, &rects[nr].w, &rects[nr].h), 4);
        ck_assert_msg(rects[nr].w > 300 && rects[nr].h > 200, "plot %s is %dx%d", rects[nr].name, rects[nr].w, rects[nr].h);
        if (rects[nr].y + rects[nr].h > bottom) bottom = rects[nr].y + rects[nr].h;
        nr++;
    }
    ck_assert_msg(nr == nsvg, "%zu plots in the page, %zu rendered", nr, nsvg);
    free(dom);
    free(domp);
    /* a screenshot of the whole page: inside every plot's rectangle, a white background and
     * enough coloured ink (axes, curves, labels) */
    ck_assert_int_eq(sh("cd '%s' && chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,%d "
                        "--virtual-time-budget=5000 --screenshot='%s/shot.png' 'file://%s/index.html' >> chromium.log 2>&1",
                        dir, bottom + 50, dir, out), 0);
    char *shot = path2(dir, "shot.png");
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    ck_assert_msg(png_image_begin_read_from_file(&img, shot), "cannot read %s: %s", shot, img.message);
    img.format = PNG_FORMAT_RGB;
    unsigned char *px = malloc(PNG_IMAGE_SIZE(img));
    ck_assert(png_image_finish_read(&img, NULL, px, 0, NULL));
    ck_assert_msg((int)img.height >= bottom, "screenshot %ux%u, page bottom %d", img.width, img.height, bottom);
    for (size_t i = 0; i < nr; i++) {
        size_t white = 0, ink = 0, colour = 0, total = 0;
        for (int y = rects[i].y; y < rects[i].y + rects[i].h && y < (int)img.height; y++)
            for (int x = rects[i].x; x < rects[i].x + rects[i].w && x < (int)img.width; x++) {
                const unsigned char *q = px + ((size_t)y * img.width + (size_t)x) * 3;
                total++;
                if (q[0] > 245 && q[1] > 245 && q[2] > 245) white++;
                else ink++;
                int mx = q[0] > q[1] ? (q[0] > q[2] ? q[0] : q[2]) : (q[1] > q[2] ? q[1] : q[2]);
                int mn = q[0] < q[1] ? (q[0] < q[2] ? q[0] : q[2]) : (q[1] < q[2] ? q[1] : q[2]);
                if (mx - mn > 60) colour++;
            }
        ck_assert_msg(white > total / 3, "plot %s: only %zu of %zu pixels are background", rects[i].name, white, total);
        ck_assert_msg(ink > total / 100, "plot %s looks empty: %zu of %zu pixels inked", rects[i].name, ink, total);
        ck_assert_msg(colour > 200, "plot %s has no coloured curve (%zu coloured pixels)", rects[i].name, colour);
    }
    free(px);
    png_image_free(&img);
    free(shot);
    free(idx);
    free(plots);
    free(out);
    rmrf(dir);
}
END_TEST

START_TEST(gnuplot_scripts_regenerate_the_plots)
{
    ck_assert_msg(have("gnuplot"), "gnuplot is not installed (mk/deps.sh test installs it: apt-get install gnuplot-nox)");
    char *dir = tmpdir(), *out = path2(dir, "r");
    small_report(out, "2");
    ck_assert_int_eq(sh("cd '%s/plots' && mkdir ../orig && cp *.svg *.png ../orig/ && rm *.svg *.png && "
                        "for g in *.gp; do gnuplot \"$g\" 2>> ../regenerate.log || { cat ../regenerate.log; exit 1; }; done", out), 0);
    size_t n = 0;
    char *plots = path2(out, "plots");
    DIR *d = opendir(plots);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strstr(e->d_name, ".svg") && !strstr(e->d_name, ".png")) continue;
        char a[600], b[600];
        snprintf(a, sizeof a, "%s/%s", plots, e->d_name);
        snprintf(b, sizeof b, "%s/orig/%s", out, e->d_name);
        ck_assert_msg(sh("cmp -s '%s' '%s'", a, b) == 0, "%s differs when regenerated from the CSVs", e->d_name);
        n++;
    }
    closedir(d);
    ck_assert_msg(n >= 14, "%zu plots regenerated", n);
    free(plots);
    free(out);
    rmrf(dir);
}
END_TEST

START_TEST(same_inputs_give_identical_reports)
{
    char *dir = tmpdir(), *a = path2(dir, "a"), *b = path2(dir, "b");
    small_report(a, "1");
    small_report(b, "2");
    assert_same_report(a, b);
    /* and they hold what they should: trace-hashes of every run, no wall time */
    rj_t *s = summary(a);
    const rj_t *runs = rj_get(rj_get(s, "runs"), "list");
    ck_assert_int_eq((int)runs->n, 8);
    for (size_t i = 0; i < runs->n; i++) ck_assert_int_eq((int)strlen(rj_str(rj_get(runs->items[i], "trace_hash"), "")), 16);
    char *sp = path2(a, "summary.json");
    char *text = tu_read_file(sp);
    ck_assert_ptr_null(strstr(text, "wall"));
    free(text);
    free(sp);
    rj_free(s);
    free(a);
    free(b);
    rmrf(dir);
}
END_TEST

START_TEST(shards_through_gnu_parallel_merge_to_the_same_report)
{
    ck_assert_msg(have("parallel"), "GNU parallel is not installed (mk/deps.sh test installs it: apt-get install parallel)");
    char *dir = tmpdir(), *merged = path2(dir, "merged");
    char cwd[4096], bin[4200], abs_small[4200];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    if (tu_bin()[0] == '/') snprintf(bin, sizeof bin, "%s", tu_bin());
    else snprintf(bin, sizeof bin, "%s/%s", cwd, tu_bin());
    snprintf(abs_small, sizeof abs_small, "%s/" SMALL, cwd);
    /* three shards run as three GNU parallel jobs, from another directory (absolute paths) */
    ck_assert_int_eq(sh("cd '%s' && parallel --will-cite --halt now,fail=1 -j 3 '%s' report '%s' --out shard-{} "
                        "--sweep rate=200..800/200 --seeds 2 --shard {}/3 --jobs 1 -q ::: 1 2 3",
                        dir, bin, abs_small), 0);
    char s1[600], s2[600], s3[600];
    snprintf(s1, sizeof s1, "%s/shard-1", dir);
    snprintf(s2, sizeof s2, "%s/shard-2", dir);
    snprintf(s3, sizeof s3, "%s/shard-3", dir);
    /* a shard holds raw results only, a third of the runs */
    char *idx = path2(s1, "index.html");
    ck_assert_int_ne(access(idx, F_OK), 0);
    free(idx);
    const char *args[] = { "--merge", s1, s2, s3, "--out", merged, "-q", NULL };
    tu_result_t r = report(0, args);
    tu_result_free(&r);
    rj_t *s = summary(merged);
    ck_assert_int_eq((int)rj_num(rj_get(rj_get(s, "runs"), "done"), 0), 8);
    rj_free(s);
    /* the unsharded report of the same command */
    char *whole2 = path2(dir, "whole");
    const char *args2[] = { abs_small, "--out", whole2, "--sweep", "rate=200..800/200", "--seeds", "2", "-q", NULL };
    r = report(0, args2);
    tu_result_free(&r);
    assert_same_report(whole2, merged);
    /* a missing shard: the report is written, its runs listed as not run, exit 1 */
    char *partial = path2(dir, "partial");
    const char *args3[] = { "--merge", s1, s2, "--out", partial, "-q", NULL };
    r = report(1, args3);
    tu_result_free(&r);
    s = summary(partial);
    ck_assert_int_eq((int)rj_num(rj_get(rj_get(s, "runs"), "missing"), 0), 2);
    rj_free(s);
    /* shards of different plans do not merge */
    char *other = path2(dir, "other");
    const char *args4[] = { SMALL, "--out", other, "--sweep", "rate=200,300", "--seeds", "2", "--shard", "1/3", "-q", NULL };
    r = report(0, args4);
    tu_result_free(&r);
    char *bad = path2(dir, "bad");
    const char *args5[] = { "--merge", s1, other, "--out", bad, NULL };
    r = report(2, args5);
    ck_assert_ptr_nonnull(strstr(r.err, "not shards of one report"));
    tu_result_free(&r);
    free(bad);
    free(other);
    free(partial);
    free(whole2);
    free(merged);
    rmrf(dir);
}
END_TEST

START_TEST(failed_runs_are_reported_not_hidden)
{
    char *dir = tmpdir(), *out = path2(dir, "r");
    const char *args[] = { SMALL, "--out", out, "--sweep", "rate=200..800/200", "--seeds", "2", "--set", "fail_rate=600",
                           "--progress", "lines", NULL };
    tu_result_t r = report(1, args);
    ck_assert_ptr_nonnull(strstr(r.err, "report: [8/8]"));
    ck_assert_ptr_nonnull(strstr(r.err, "ERROR"));
    ck_assert_ptr_nonnull(strstr(r.out, "4 FAILED"));
    tu_result_free(&r);
    rj_t *s = summary(out);
    const rj_t *runs = rj_get(s, "runs");
    ck_assert_int_eq((int)rj_num(rj_get(runs, "failed"), 0), 4);
    ck_assert_int_eq((int)rj_num(rj_get(runs, "done"), 0), 4);
    const rj_t *list = rj_get(runs, "list");
    size_t boom = 0;
    for (size_t i = 0; i < list->n; i++)
        if (strstr(rj_str(rj_get(list->items[i], "why"), ""), "boom: rate")) boom++;
    ck_assert_int_eq((int)boom, 4);
    rj_free(s);
    char *idx = path2(out, "index.html");
    char *html = tu_read_file(idx);
    ck_assert_ptr_nonnull(strstr(html, "Runs that did not finish"));
    ck_assert_ptr_nonnull(strstr(html, "otpsim run tests/report/small.lua --seed 1 --set fail_rate=600 --set rate=600"));
    free(html);
    free(idx);
    free(out);
    rmrf(dir);
}
END_TEST

START_TEST(an_interrupted_sweep_still_writes_its_report)
{
    char *dir = tmpdir(), *out = path2(dir, "r");
    char *status = path2(out, "runs/p0001-s1.status");
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        dup2(fd, 1);
        dup2(fd, 2);
        execl(tu_bin(), tu_bin(), "report", SMALL, "--out", out, "--sweep", "rate=200..800/200", "--seeds", "3", "--jobs", "1",
              "--set", "slow_ms=400", (char *)NULL);
        _exit(127);
    }
    /* wait for the first run to finish, then interrupt as Ctrl-C would */
    for (int i = 0; i < 600 && access(status, F_OK) != 0; i++) usleep(50000);
    ck_assert_msg(access(status, F_OK) == 0, "the first run never finished");
    kill(pid, SIGINT);
    int st;
    waitpid(pid, &st, 0);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 1, "exit status %d", st);
    rj_t *s = summary(out);
    const rj_t *runs = rj_get(s, "runs");
    double done = rj_num(rj_get(runs, "done"), 0), missing = rj_num(rj_get(runs, "missing"), 0);
    ck_assert_msg(done >= 1 && missing >= 1 && done + missing == 12, "done %g, missing %g", done, missing);
    rj_free(s);
    free(status);
    free(out);
    rmrf(dir);
}
END_TEST

START_TEST(baseline_flags_regressions)
{
    char *dir = tmpdir(), *base = path2(dir, "base"), *same = path2(dir, "same"), *slow = path2(dir, "slow");
    const char *a1[] = { SMALL, "--out", base, "--sweep", "rate=200..400/100", "--seeds", "3", "--set", "crash=false", "-q", NULL };
    tu_result_t r = report(0, a1);
    tu_result_free(&r);
    const char *a2[] = { SMALL, "--out", same, "--sweep", "rate=200..400/100", "--seeds", "3", "--set", "crash=false",
                         "--baseline", base, "-q", NULL };
    r = report(0, a2);
    tu_result_free(&r);
    rj_t *s = summary(same);
    ck_assert_int_eq((int)rj_num(rj_get(rj_get(s, "baseline"), "regressions"), -1), 0);
    rj_free(s);
    /* the service gets 60 % slower: latency regresses */
    const char *a3[] = { SMALL, "--out", slow, "--sweep", "rate=200..400/100", "--seeds", "3", "--set", "crash=false",
                         "--set", "service_ms=3.2", "--baseline", base, NULL };
    r = report(1, a3);
    ck_assert_ptr_nonnull(strstr(r.out, "regression"));
    tu_result_free(&r);
    s = summary(slow);
    const rj_t *b = rj_get(s, "baseline");
    ck_assert_int_gt((int)rj_num(rj_get(b, "regressions"), 0), 0);
    const rj_t *deltas = rj_get(b, "deltas");
    bool p99 = false;
    for (size_t i = 0; i < deltas->n; i++) {
        const rj_t *x = deltas->items[i];
        if (strstr(rj_str(rj_get(x, "what"), ""), "resp_p99") && rj_num(rj_get(x, "regression"), 0)) p99 = true;
    }
    ck_assert_msg(p99, "no p99 regression flagged");
    rj_free(s);
    char *idx = path2(slow, "index.html");
    char *html = tu_read_file(idx);
    ck_assert_ptr_nonnull(strstr(html, "REGRESSION"));
    ck_assert_ptr_nonnull(strstr(html, "data-plot=\"baseline\""));
    free(html);
    free(idx);
    free(base);
    free(same);
    free(slow);
    rmrf(dir);
}
END_TEST

START_TEST(usage_errors)
{
    const struct { const char *args[8]; const char *msg; } cases[] = {
        { { SMALL, NULL }, "missing --out" },
        { { SMALL, "--out", "/tmp/x", "--sweep", "rate=10..1/1", NULL }, "FROM <= TO" },
        { { SMALL, "--out", "/tmp/x", "--sweep", "rate", "--sweep", "rate=1,2", NULL }, "twice" },
        { { SMALL, "--out", "/tmp/x", "--sweep", "9x=1", NULL }, "NAME=FROM..TO/STEP" },
        { { SMALL, "--out", "/tmp/x", "--shard", "3/2", NULL }, "--shard takes K/N" },
        { { SMALL, "--out", "/tmp/x", "--seeds", "0", NULL }, "--seeds takes a positive integer" },
        { { SMALL, "--out", "/tmp/x", "--sweep", "rate=1,2", "--load", "nodes", NULL }, "--load nodes" },
        { { "--merge", "--out", "/tmp/x", NULL }, "--merge needs" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tu_result_t r = report(2, cases[i].args);
        ck_assert_msg(strstr(r.err, cases[i].msg), "case %zu: stderr lacks '%s':\n%s", i, cases[i].msg, r.err);
        tu_result_free(&r);
    }
    tu_result_t r = tu_run("help", "report", NULL);
    ck_assert_int_eq(r.code, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "--shard K/N"));
    tu_result_free(&r);
    r = tu_run("--help", NULL);
    ck_assert_ptr_nonnull(strstr(r.out, "report SCENARIO"));
    tu_result_free(&r);
}
END_TEST

Suite *suite_report(void)
{
    Suite *s = suite_create("report");
    struct { const char *name; const TTest *t; int timeout; } cases[] = {
        { "erlang_c_reproduces_the_published_example", erlang_c_reproduces_the_published_example, 10 },
        { "mmc_knee_and_slo_maximum_agree_with_erlang_c", mmc_knee_and_slo_maximum_agree_with_erlang_c, 240 },
        { "usl_fit_recovers_a_simulated_law", usl_fit_recovers_a_simulated_law, 120 },
        { "html_opens_in_chromium_with_every_plot", html_opens_in_chromium_with_every_plot, 180 },
        { "gnuplot_scripts_regenerate_the_plots", gnuplot_scripts_regenerate_the_plots, 120 },
        { "same_inputs_give_identical_reports", same_inputs_give_identical_reports, 120 },
        { "shards_through_gnu_parallel_merge_to_the_same_report", shards_through_gnu_parallel_merge_to_the_same_report, 180 },
        { "failed_runs_are_reported_not_hidden", failed_runs_are_reported_not_hidden, 120 },
        { "an_interrupted_sweep_still_writes_its_report", an_interrupted_sweep_still_writes_its_report, 120 },
        { "baseline_flags_regressions", baseline_flags_regressions, 120 },
        { "usage_errors", usage_errors, 60 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        TCase *tc = tcase_create(cases[i].name);
        tcase_set_timeout(tc, cases[i].timeout);
        tcase_add_test(tc, cases[i].t);
        suite_add_tcase(s, tc);
    }
    return s;
}
