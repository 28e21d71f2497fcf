/* report_stats.h — the numbers behind a capacity report: summaries across seeds with Student-t
 * confidence intervals, Welch's test for baseline deltas, Kneedle knee detection and the
 * Universal Scalability Law fitted by non-linear least squares (shared/docs/capacity-validation.md
 * §4.8, §6.4).
 *
 * Pure functions of their arguments: no allocation that outlives a call, no I/O, no global
 * state, so the same inputs give bit-identical outputs (the report's determinism rests on it).
 * NaN marks "no value" in inputs (ignored by rp_stat_of) and in outputs (a confidence interval
 * needs two samples). */
#ifndef HOST_REPORT_STATS_H
#define HOST_REPORT_STATS_H

#include <stdbool.h>
#include <stddef.h>

/* The p-quantile of Student's t distribution with df > 0 degrees of freedom (0 < p < 1). */
double rp_t_quantile(double p, double df);
/* Two-sided 95 %: rp_t_quantile(0.975, df). */
double rp_t975(double df);

/* Summary of a sample: count of non-NaN values, mean, standard deviation (n - 1), the 95 %
 * confidence half-width of the mean (t975(n-1) * sd / sqrt(n); NaN when n < 2), min, max. */
typedef struct rp_stat {
    size_t n;
    double mean, sd, ci95, min, max;
} rp_stat_t;
void rp_stat_of(const double *xs, size_t n, rp_stat_t *out);

/* Welch's two-sample t test at 95 %: true when the means differ significantly. Needs n >= 2 in
 * both; otherwise returns false. */
bool rp_welch_differs(const rp_stat_t *a, const rp_stat_t *b);

/* Kneedle (Satopää et al. 2011, offline form as the `kneed` package): the index of the knee of
 * the curve (x[i], y[i]) with x strictly increasing, or -1 when there is none (fewer than 3
 * points, or the difference curve never drops below the threshold after a local maximum).
 * S is the sensitivity (1 is the paper's default). */
enum { RP_CONCAVE_INCREASING, RP_CONVEX_INCREASING };
int rp_kneedle(const double *x, const double *y, size_t n, int curve, double S);

/* Universal Scalability Law X(N) = gamma N / (1 + alpha (N - 1) + beta N (N - 1)), fitted by
 * Levenberg-Marquardt with 0 <= alpha, beta <= 1 and gamma >= 0, started as the R package `usl`
 * does (gamma0 = max X/N, alpha0 = 0.01, beta0 = 1e-4) and from Gunther's linearisation, keeping
 * the better fit. Standard errors from the Jacobian at the solution (s^2 (J'J)^-1), 95 %
 * intervals with n - 3 degrees of freedom. */
typedef struct rp_usl {
    bool ok;                        /* a fit was made (n >= 3, positive data) */
    size_t n;                       /* data points used */
    double gamma, alpha, beta;
    double se_gamma, se_alpha, se_beta;   /* NaN when n <= 3 */
    double ci_gamma, ci_alpha, ci_beta;   /* 95 % half-widths */
    double sse, resid_se, r2;       /* residual sum of squares, residual standard error, R^2 */
    double n_peak, x_peak;          /* sqrt((1 - alpha) / beta) and X there; INFINITY if beta = 0 */
    double x_limit, n_opt;          /* Amdahl's limit gamma / alpha and 1 / alpha; INFINITY if 0 */
    int iterations;
} rp_usl_t;
int rp_usl_fit(const double *N, const double *X, size_t n, rp_usl_t *out);
double rp_usl_eval(const rp_usl_t *u, double N);

#endif
