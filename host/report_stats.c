/* report_stats.c — confidence intervals, Welch's test, Kneedle and the USL fit (report_stats.h).
 *
 * Student's t comes from the regularized incomplete beta function (Lentz's continued fraction)
 * inverted by bisection: exact to double precision for any degrees of freedom, no tables. The
 * USL fit is a 3-parameter Levenberg-Marquardt with Marquardt's diagonal scaling (gamma and beta
 * differ by six orders of magnitude in published data sets) and projection onto the bounds. */
#include "report_stats.h"

#include <math.h>
#include <string.h>

/* ---- Student's t ----------------------------------------------------------------------------- */

/* Continued fraction of the incomplete beta function (modified Lentz). */
static double betacf(double a, double b, double x)
{
    const double tiny = 1e-300;
    double qab = a + b, qap = a + 1, qam = a - 1;
    double c = 1, d = 1 - qab * x / qap;
    if (fabs(d) < tiny) d = tiny;
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= 1000; m++) {
        int m2 = 2 * m;
        double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1 + aa * d;
        if (fabs(d) < tiny) d = tiny;
        c = 1 + aa / c;
        if (fabs(c) < tiny) c = tiny;
        d = 1 / d;
        h *= d * c;
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1 + aa * d;
        if (fabs(d) < tiny) d = tiny;
        c = 1 + aa / c;
        if (fabs(c) < tiny) c = tiny;
        d = 1 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1) < 1e-16) break;
    }
    return h;
}

/* Regularized incomplete beta I_x(a, b). */
static double ibeta(double a, double b, double x)
{
    if (x <= 0) return 0;
    if (x >= 1) return 1;
    double bt = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
    if (x < (a + 1) / (a + b + 2)) return bt * betacf(a, b, x) / a;
    return 1 - bt * betacf(b, a, 1 - x) / b;
}

static double t_cdf(double t, double df)
{
    double tail = 0.5 * ibeta(df / 2, 0.5, df / (df + t * t));
    return t > 0 ? 1 - tail : tail;
}

double rp_t_quantile(double p, double df)
{
    if (!(df > 0) || !(p > 0 && p < 1)) return NAN;
    if (p == 0.5) return 0;
    if (p < 0.5) return -rp_t_quantile(1 - p, df);
    double lo = 0, hi = 1;
    while (t_cdf(hi, df) < p && hi < 1e12) hi *= 2;
    for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
        double mid = 0.5 * (lo + hi);
        if (t_cdf(mid, df) < p) lo = mid;
        else hi = mid;
    }
    return 0.5 * (lo + hi);
}

double rp_t975(double df) { return rp_t_quantile(0.975, df); }

/* ---- summaries ------------------------------------------------------------------------------- */

void rp_stat_of(const double *xs, size_t n, rp_stat_t *out)
{
    memset(out, 0, sizeof *out);
    out->mean = out->sd = out->ci95 = out->min = out->max = NAN;
    double sum = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(xs[i])) continue;
        if (k == 0 || xs[i] < out->min) out->min = xs[i];
        if (k == 0 || xs[i] > out->max) out->max = xs[i];
        sum += xs[i];
        k++;
    }
    out->n = k;
    if (k == 0) return;
    out->mean = sum / (double)k;
    if (k < 2) return;
    double ss = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(xs[i])) ss += (xs[i] - out->mean) * (xs[i] - out->mean);
    out->sd = sqrt(ss / (double)(k - 1));
    out->ci95 = rp_t975((double)(k - 1)) * out->sd / sqrt((double)k);
}

bool rp_welch_differs(const rp_stat_t *a, const rp_stat_t *b)
{
    if (a->n < 2 || b->n < 2) return false;
    double va = a->sd * a->sd / (double)a->n, vb = b->sd * b->sd / (double)b->n;
    double diff = fabs(a->mean - b->mean);
    if (va + vb == 0) return diff > 0;
    double df = (va + vb) * (va + vb) /
                (va * va / (double)(a->n - 1) + vb * vb / (double)(b->n - 1));
    return diff > rp_t975(df) * sqrt(va + vb);
}

/* ---- Kneedle --------------------------------------------------------------------------------- */

int rp_kneedle(const double *x, const double *y, size_t n, int curve, double S)
{
    enum { MAXN = 4096 };
    if (n < 3 || n > MAXN) return -1;
    double xmin = x[0], xmax = x[n - 1], ymin = y[0], ymax = y[0];
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]) || isnan(y[i])) return -1;
        if (i && !(x[i] > x[i - 1])) return -1;
        if (y[i] < ymin) ymin = y[i];
        if (y[i] > ymax) ymax = y[i];
    }
    if (!(xmax > xmin) || !(ymax > ymin)) return -1;
    static double xt[MAXN], d[MAXN];
    /* Normalise to [0, 1]; a convex increasing curve is turned into a concave increasing one by
     * reflecting both axes (point i of the transformed curve is point n-1-i of the original). */
    for (size_t i = 0; i < n; i++) {
        size_t k = curve == RP_CONVEX_INCREASING ? n - 1 - i : i;
        double xn = (x[k] - xmin) / (xmax - xmin), yn = (y[k] - ymin) / (ymax - ymin);
        if (curve == RP_CONVEX_INCREASING) {
            xn = 1 - xn;
            yn = 1 - yn;
        }
        xt[i] = xn;
        d[i] = yn - xn; /* the difference curve */
    }
    double step = 0;
    for (size_t i = 1; i < n; i++) step += xt[i] - xt[i - 1];
    step /= (double)(n - 1);
    /* Walk from the first local maximum: a maximum sets the threshold d_max - S * mean step, a
     * local minimum resets it to 0; the first drop below the threshold confirms the knee at the
     * last maximum. */
    size_t first = 0;
    for (size_t i = 1; i + 1 < n; i++)
        if (d[i] >= d[i - 1] && d[i] >= d[i + 1]) {
            first = i;
            break;
        }
    if (!first) return -1;
    double threshold = 0;
    long knee = -1;
    for (size_t i = first; i + 1 < n; i++) {
        bool is_max = d[i] >= d[i - 1] && d[i] >= d[i + 1];
        bool is_min = d[i] <= d[i - 1] && d[i] <= d[i + 1];
        if (is_max) {
            threshold = d[i] - S * fabs(step);
            knee = (long)i;
        } else if (is_min) {
            threshold = 0;
        }
        if (knee >= 0 && d[i + 1] < threshold) {
            size_t k = (size_t)knee;
            return (int)(curve == RP_CONVEX_INCREASING ? n - 1 - k : k);
        }
    }
    return -1;
}

/* ---- Universal Scalability Law --------------------------------------------------------------- */

double rp_usl_eval(const rp_usl_t *u, double N)
{
    return u->gamma * N / (1 + u->alpha * (N - 1) + u->beta * N * (N - 1));
}

static double usl_sse(const double p[3], const double *N, const double *X, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        double f = p[0] * N[i] / (1 + p[1] * (N[i] - 1) + p[2] * N[i] * (N[i] - 1));
        s += (X[i] - f) * (X[i] - f);
    }
    return s;
}

static void usl_clamp(double p[3])
{
    if (!(p[0] >= 0)) p[0] = 0;
    for (int k = 1; k < 3; k++) {
        if (!(p[k] >= 0)) p[k] = 0;
        if (p[k] > 1) p[k] = 1;
    }
}

/* J'J and J'r at p. */
static void usl_normal(const double p[3], const double *N, const double *X, size_t n, double A[3][3], double g[3])
{
    memset(A, 0, 9 * sizeof(double));
    memset(g, 0, 3 * sizeof(double));
    for (size_t i = 0; i < n; i++) {
        double D = 1 + p[1] * (N[i] - 1) + p[2] * N[i] * (N[i] - 1);
        double f = p[0] * N[i] / D, r = X[i] - f;
        double J[3] = { N[i] / D, -p[0] * N[i] * (N[i] - 1) / (D * D), -p[0] * N[i] * N[i] * (N[i] - 1) / (D * D) };
        for (int j = 0; j < 3; j++) {
            g[j] += J[j] * r;
            for (int k = 0; k < 3; k++) A[j][k] += J[j] * J[k];
        }
    }
}

/* Solves M x = b (3x3) by Gaussian elimination with partial pivoting; -1 if singular. */
static int solve3(double M[3][3], double b[3], double x[3])
{
    double a[3][4];
    for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) a[i][j] = M[i][j];
        a[i][3] = b[i];
    }
    for (int c = 0; c < 3; c++) {
        int piv = c;
        for (int r = c + 1; r < 3; r++)
            if (fabs(a[r][c]) > fabs(a[piv][c])) piv = r;
        if (!(fabs(a[piv][c]) > 1e-300)) return -1;
        if (piv != c)
            for (int j = 0; j < 4; j++) {
                double t = a[c][j];
                a[c][j] = a[piv][j];
                a[piv][j] = t;
            }
        for (int r = c + 1; r < 3; r++) {
            double f = a[r][c] / a[c][c];
            for (int j = c; j < 4; j++) a[r][j] -= f * a[c][j];
        }
    }
    for (int i = 2; i >= 0; i--) {
        double s = a[i][3];
        for (int j = i + 1; j < 3; j++) s -= a[i][j] * x[j];
        x[i] = s / a[i][i];
    }
    return 0;
}

/* Levenberg-Marquardt from p (projected onto the bounds); returns the iterations used. */
static int usl_lm(double p[3], const double *N, const double *X, size_t n)
{
    usl_clamp(p);
    double sse = usl_sse(p, N, X, n), lambda = 1e-3;
    int it;
    for (it = 0; it < 5000; it++) {
        double A[3][3], g[3];
        usl_normal(p, N, X, n, A, g);
        bool moved = false;
        while (lambda < 1e20) {
            double M[3][3], delta[3], q[3];
            memcpy(M, A, sizeof M);
            for (int j = 0; j < 3; j++) M[j][j] += lambda * (A[j][j] > 0 ? A[j][j] : 1e-30);
            if (solve3(M, g, delta) != 0) {
                lambda *= 10;
                continue;
            }
            for (int j = 0; j < 3; j++) q[j] = p[j] + delta[j];
            usl_clamp(q);
            double s = usl_sse(q, N, X, n);
            if (s < sse) {
                double gain = sse - s;
                double rel = 0;
                for (int j = 0; j < 3; j++) {
                    double r = fabs(q[j] - p[j]) / (fabs(p[j]) + 1e-300);
                    if (r > rel) rel = r;
                }
                memcpy(p, q, sizeof q);
                sse = s;
                lambda = lambda / 10 < 1e-12 ? 1e-12 : lambda / 10;
                moved = !(gain <= 1e-15 * sse || rel < 1e-13);
                break;
            }
            lambda *= 10;
        }
        if (!moved) break;
    }
    return it + 1;
}

int rp_usl_fit(const double *N, const double *X, size_t n, rp_usl_t *out)
{
    memset(out, 0, sizeof *out);
    out->n = n;
    out->se_gamma = out->se_alpha = out->se_beta = NAN;
    out->ci_gamma = out->ci_alpha = out->ci_beta = NAN;
    out->n_peak = out->x_peak = out->x_limit = out->n_opt = out->r2 = out->resid_se = NAN;
    if (n < 3) return -1;
    double gmax = 0, nmin = N[0], xmin_n = X[0];
    for (size_t i = 0; i < n; i++) {
        if (!(N[i] > 0) || !(X[i] >= 0) || isnan(X[i])) return -1;
        if (X[i] / N[i] > gmax) gmax = X[i] / N[i];
        if (N[i] < nmin) {
            nmin = N[i];
            xmin_n = X[i];
        }
    }
    if (!(gmax > 0)) return -1;
    /* start 1: the R package's; start 2: Gunther's linearisation with gamma = X(Nmin)/Nmin,
     * y = N gamma / X - 1 = alpha (N - 1) + beta N (N - 1) by linear least squares. */
    double p1[3] = { gmax, 0.01, 1e-4 }, p2[3] = { xmin_n / nmin, 0, 0 };
    {
        double s11 = 0, s12 = 0, s22 = 0, t1 = 0, t2 = 0;
        for (size_t i = 0; i < n; i++) {
            if (!(X[i] > 0)) continue;
            double y = N[i] * p2[0] / X[i] - 1, u = N[i] - 1, v = N[i] * (N[i] - 1);
            s11 += u * u;
            s12 += u * v;
            s22 += v * v;
            t1 += u * y;
            t2 += v * y;
        }
        double det = s11 * s22 - s12 * s12;
        if (fabs(det) > 1e-300) {
            p2[1] = (t1 * s22 - t2 * s12) / det;
            p2[2] = (s11 * t2 - s12 * t1) / det;
        }
    }
    int it1 = usl_lm(p1, N, X, n), it2 = usl_lm(p2, N, X, n);
    double s1 = usl_sse(p1, N, X, n), s2 = usl_sse(p2, N, X, n);
    double *p = s2 < s1 ? p2 : p1;
    out->iterations = s2 < s1 ? it2 : it1;
    out->gamma = p[0];
    out->alpha = p[1];
    out->beta = p[2];
    out->sse = usl_sse(p, N, X, n);
    out->ok = true;
    double mean = 0, sst = 0;
    for (size_t i = 0; i < n; i++) mean += X[i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++) sst += (X[i] - mean) * (X[i] - mean);
    out->r2 = sst > 0 ? 1 - out->sse / sst : NAN;
    if (n > 3) {
        double s2v = out->sse / (double)(n - 3);
        out->resid_se = sqrt(s2v);
        double A[3][3], g[3], inv[3][3];
        usl_normal(p, N, X, n, A, g);
        bool ok = true;
        for (int c = 0; c < 3 && ok; c++) {
            double e[3] = { c == 0, c == 1, c == 2 }, col[3];
            double M[3][3];
            memcpy(M, A, sizeof M);
            if (solve3(M, e, col) != 0) ok = false;
            for (int r = 0; r < 3; r++) inv[r][c] = col[r];
        }
        if (ok) {
            double t = rp_t975((double)(n - 3));
            out->se_gamma = sqrt(fabs(s2v * inv[0][0]));
            out->se_alpha = sqrt(fabs(s2v * inv[1][1]));
            out->se_beta = sqrt(fabs(s2v * inv[2][2]));
            out->ci_gamma = t * out->se_gamma;
            out->ci_alpha = t * out->se_alpha;
            out->ci_beta = t * out->se_beta;
        }
    }
    out->n_peak = out->beta > 0 ? sqrt((1 - out->alpha) / out->beta) : INFINITY;
    out->x_peak = isfinite(out->n_peak) ? rp_usl_eval(out, out->n_peak) : (out->alpha > 0 ? out->gamma / out->alpha : INFINITY);
    out->x_limit = out->alpha > 0 ? out->gamma / out->alpha : INFINITY;
    out->n_opt = out->alpha > 0 ? 1 / out->alpha : INFINITY;
    return 0;
}
