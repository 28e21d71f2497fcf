/* test_report_stats.c — the report's numbers against published values (host/report_stats.h).
 *
 * Proves: Student's t quantiles match the tables; the mean's confidence interval and Welch's
 * test behave as defined; Kneedle finds the knee of the kneed package's reference curve
 * (capacity-validation.md §6.4: x = 0.222) and of a saturating throughput curve, and none on a
 * straight line; the USL fit recovers the coefficients of the three published data sets of
 * capacity-validation.md §4.8 — smoeding/usl's synthetic vector (alpha = beta = 0.02, gamma = 1),
 * Gunther's SPEC SDM91 (alpha 0.027728, beta 1.04365e-4, gamma 89.995, residual s.e. 82.85,
 * N_peak 96.52, Amdahl limit 3245.6) and the raytracer (alpha 0.02444, beta 0.001627, gamma
 * 20.856; standard errors as the package's intervals imply) — and exact coefficients from noiseless data. */
#include <check.h>
#include <math.h>
#include <stdio.h>

#include "host/report_stats.h"

extern Suite *suite_report_stats(void);

#define CLOSE(a, b, tol) ck_assert_msg(fabs((a) - (b)) <= (tol), "%s = %.10g, expected %.10g (tolerance %g)", #a, (double)(a), (double)(b), (double)(tol))

START_TEST(t_quantiles_match_tables)
{
    CLOSE(rp_t975(1), 12.7062, 1e-4);
    CLOSE(rp_t975(2), 4.3027, 1e-4);
    CLOSE(rp_t975(4), 2.7764, 1e-4);
    CLOSE(rp_t975(9), 2.2622, 1e-4);
    CLOSE(rp_t975(30), 2.0423, 1e-4);
    CLOSE(rp_t975(1e6), 1.95996, 1e-4);
    CLOSE(rp_t_quantile(0.95, 10), 1.8125, 1e-4);
    CLOSE(rp_t_quantile(0.025, 4), -2.7764, 1e-4);
}
END_TEST

START_TEST(stat_mean_sd_and_interval)
{
    double xs[] = { 2, 4, 4, 4, 5, 5, 7, 9, NAN };
    rp_stat_t s;
    rp_stat_of(xs, 9, &s);
    ck_assert_uint_eq(s.n, 8);
    CLOSE(s.mean, 5, 1e-12);
    CLOSE(s.sd, sqrt(32.0 / 7), 1e-12);
    CLOSE(s.ci95, rp_t975(7) * sqrt(32.0 / 7) / sqrt(8), 1e-12);
    CLOSE(s.min, 2, 0);
    CLOSE(s.max, 9, 0);
    double one[] = { 3 };
    rp_stat_of(one, 1, &s);
    ck_assert(s.n == 1 && s.mean == 3 && isnan(s.ci95));
    rp_stat_t a = { 5, 10, 1, 0, 0, 0 }, b = { 5, 10.5, 1, 0, 0, 0 }, c = { 5, 13, 1, 0, 0, 0 };
    ck_assert(!rp_welch_differs(&a, &b));
    ck_assert(rp_welch_differs(&a, &c));
}
END_TEST

START_TEST(kneedle_reference_curve)
{
    double x[10], y[10] = { -5.0, 0.263, 1.897, 2.692, 3.163, 3.475, 3.696, 3.861, 3.989, 4.091 };
    for (int i = 0; i < 10; i++) x[i] = i / 9.0;
    int k = rp_kneedle(x, y, 10, RP_CONCAVE_INCREASING, 1.0);
    ck_assert_int_eq(k, 2);
    CLOSE(x[k], 0.222, 1e-3);
    /* The same curve reflected (convex increasing): the knee is the reflected point. */
    double xr[10], yr[10];
    for (int i = 0; i < 10; i++) {
        xr[i] = x[i];
        yr[i] = -y[9 - i];
    }
    k = rp_kneedle(xr, yr, 10, RP_CONVEX_INCREASING, 1.0);
    ck_assert_int_eq(k, 7);
}
END_TEST

START_TEST(kneedle_saturation_and_none)
{
    /* throughput = min(offered, 4000) with a little noise: the knee is the saturation point */
    double x[11], y[11];
    for (int i = 0; i < 11; i++) {
        x[i] = 1000 + 500 * i;
        y[i] = (x[i] < 4000 ? x[i] : 4000) + ((i % 3) - 1) * 7.0;
    }
    int k = rp_kneedle(x, y, 11, RP_CONCAVE_INCREASING, 1.0);
    ck_assert_int_ge(k, 0);
    CLOSE(x[k], 4000, 0);
    double line[11];
    for (int i = 0; i < 11; i++) line[i] = 3 * x[i];
    ck_assert_int_eq(rp_kneedle(x, line, 11, RP_CONCAVE_INCREASING, 1.0), -1);
    ck_assert_int_eq(rp_kneedle(x, y, 2, RP_CONCAVE_INCREASING, 1.0), -1);
}
END_TEST

START_TEST(usl_synthetic_vector)
{
    double N[] = { 1, 2, 4, 6, 8, 10 }, X[] = { 1, 1.8868, 3.0769, 3.5294, 3.5398, 3.3557 };
    rp_usl_t u;
    ck_assert_int_eq(rp_usl_fit(N, X, 6, &u), 0);
    CLOSE(u.alpha, 0.020, 5e-4);
    CLOSE(u.beta, 0.020, 5e-4);
    CLOSE(u.gamma, 1.00, 5e-3);
    CLOSE(u.n_peak, 7.0, 0.05);
    CLOSE(u.x_peak, 3.5714, 2e-3);
    ck_assert(u.r2 > 0.9999);
}
END_TEST

START_TEST(usl_spec_sdm91)
{
    double N[] = { 1, 18, 36, 72, 108, 144, 216 };
    double X[] = { 64.9, 995.9, 1652.4, 1853.2, 1828.9, 1775.0, 1702.2 };
    rp_usl_t u;
    ck_assert_int_eq(rp_usl_fit(N, X, 7, &u), 0);
    CLOSE(u.alpha, 0.027728, 2e-6);
    CLOSE(u.beta, 1.04365e-4, 2e-9);
    CLOSE(u.gamma, 89.995, 2e-3);
    CLOSE(u.resid_se, 82.85, 0.01);
    CLOSE(u.n_peak, 96.51956, 1e-3);
    CLOSE(u.x_limit, 3245.589, 0.05);
    CLOSE(u.x_peak, 1883.9, 0.1);
    CLOSE(u.n_opt, 36.06, 0.01);
    double fitted[] = { 90, 1078, 1541, 1850, 1879, 1822, 1646 };
    for (int i = 0; i < 7; i++) CLOSE(rp_usl_eval(&u, N[i]), fitted[i], 0.6);
}
END_TEST

START_TEST(usl_raytracer_with_intervals)
{
    double N[] = { 1, 4, 8, 12, 16, 20 }, X[] = { 20, 78, 130, 170, 190, 200 };
    rp_usl_t u;
    ck_assert_int_eq(rp_usl_fit(N, X, 6, &u), 0);
    CLOSE(u.alpha, 0.02444, 5e-5);
    CLOSE(u.beta, 0.001627, 2e-6);
    CLOSE(u.gamma, 20.856, 2e-3);
    /* The package's 95 % intervals, alpha [0.00754, 0.04135], beta [0.00110, 0.00215], gamma
     * [19.27, 22.44], are about +-1.96 standard errors (a normal approximation): our standard
     * errors agree within 5 %, and our intervals (Student's t, n - 3 = 3 degrees of freedom) are
     * wider and contain them. */
    CLOSE(u.se_alpha * 1.96, (0.04135 - 0.00754) / 2, 0.05 * (0.04135 - 0.00754) / 2);
    CLOSE(u.se_beta * 1.96, (0.00215 - 0.00110) / 2, 0.05 * (0.00215 - 0.00110) / 2);
    CLOSE(u.se_gamma * 1.96, (22.44 - 19.27) / 2, 0.05 * (22.44 - 19.27) / 2);
    ck_assert(u.alpha - u.ci_alpha < 0.00754 && u.alpha + u.ci_alpha > 0.04135);
    ck_assert(u.beta - u.ci_beta < 0.00110 && u.beta + u.ci_beta > 0.00215);
    ck_assert(u.gamma - u.ci_gamma < 19.27 && u.gamma + u.ci_gamma > 22.44);
}
END_TEST

START_TEST(usl_exact_on_noiseless_data)
{
    double N[8] = { 1, 2, 3, 5, 8, 13, 21, 34 }, X[8];
    rp_usl_t truth = { .gamma = 250, .alpha = 0.05, .beta = 0.0015 };
    for (int i = 0; i < 8; i++) X[i] = rp_usl_eval(&truth, N[i]);
    rp_usl_t u;
    ck_assert_int_eq(rp_usl_fit(N, X, 8, &u), 0);
    CLOSE(u.gamma, 250, 1e-6);
    CLOSE(u.alpha, 0.05, 1e-9);
    CLOSE(u.beta, 0.0015, 1e-11);
    /* Amdahl's law (beta = 0): the bound holds and the peak is infinite */
    rp_usl_t amdahl = { .gamma = 10, .alpha = 0.1, .beta = 0 };
    for (int i = 0; i < 8; i++) X[i] = rp_usl_eval(&amdahl, N[i]);
    ck_assert_int_eq(rp_usl_fit(N, X, 8, &u), 0);
    CLOSE(u.alpha, 0.1, 1e-7);
    CLOSE(u.beta, 0, 1e-9);
    CLOSE(u.x_limit, 100, 1e-4);
    double two[2] = { 1, 2 };
    ck_assert_int_eq(rp_usl_fit(two, two, 2, &u), -1);
    ck_assert(!u.ok);
}
END_TEST

Suite *suite_report_stats(void)
{
    Suite *s = suite_create("report_stats");
    TCase *tc = tcase_create("report_stats");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, t_quantiles_match_tables);
    tcase_add_test(tc, stat_mean_sd_and_interval);
    tcase_add_test(tc, kneedle_reference_curve);
    tcase_add_test(tc, kneedle_saturation_and_none);
    tcase_add_test(tc, usl_synthetic_vector);
    tcase_add_test(tc, usl_spec_sdm91);
    tcase_add_test(tc, usl_raytracer_with_intervals);
    tcase_add_test(tc, usl_exact_on_noiseless_data);
    suite_add_tcase(s, tc);
    return s;
}
