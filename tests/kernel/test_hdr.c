/* test_hdr.c — base/hdr.c, the HdrHistogram-style latency histogram.
 *
 * Proves: the bucket layout is HdrHistogram_c's (hdr_calculate_bucket_config) — bucket counts,
 * counts_len and bytes of every row of shared/docs/capacity-validation.md §3.6's table, and the
 * Java README's footprint estimate; the percentile convention of §3.6-3.7 — rank
 * max(1, floor(p/100·N + 0.5)), the bucket's highest equivalent value, the lowest equivalent of
 * the minimum for p = 0, never above the exact maximum, so a reported percentile is within
 * [true, true·(1 + 1/1024)] for 3 digits; the coordinated-omission worked example of §3.6 (raw
 * and corrected rows of its table), the correction done by recording the back-filled values
 * value − Δ, value − 2Δ, ... >= Δ as hdr_record_corrected_value does; merging (hdr_add) equals
 * recording everything in one histogram, and refuses a different layout; reset; clamping of
 * values out of range; memory fixed whatever the number of samples; bad arguments refused.
 *
 * Every expected number is either from the document's table or computed here from exact
 * arithmetic on the recorded values (no floating-point reference other than the C library's). */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/hdr.h"

/* ---- layout ------------------------------------------------------------------------------- */

/* capacity-validation.md §3.6: range, significant digits, buckets, counts_len, bytes (int64). */
static const struct {
    int64_t lowest, highest;
    int sig;
    int32_t buckets, counts_len;
    int64_t bytes;
} layouts[] = {
    { 1, INT64_C(3600000000), 3, 22, 23552, 188416 },    /* 1 h in µs: "around 185KB" */
    { 1, INT64_C(86400000000), 3, 27, 28672, 229376 },   /* 24 h in µs, wrk2: "Buckets 27, SubBuckets 2048" */
    { 1, INT64_C(60000000000), 3, 26, 27648, 221184 },   /* 60 s in ns */
    { 1, INT64_C(3600000000), 2, 25, 3328, 26624 },
    { 1, INT64_C(3600000000), 5, 15, 2097152, 16777216 }, /* 16 MiB */
};

START_TEST(test_layout_table)
{
    hdr_t h;
    ck_assert_int_eq(hdr_init(&h, layouts[_i].lowest, layouts[_i].highest, layouts[_i].sig), 0);
    ck_assert_int_eq(h.bucket_count, layouts[_i].buckets);
    ck_assert_int_eq(h.counts_len, layouts[_i].counts_len);
    ck_assert_int_eq((int64_t)h.counts_len * (int64_t)sizeof(int64_t), layouts[_i].bytes);
    ck_assert_uint_eq(hdr_memory(&h), sizeof(hdr_t) + (size_t)layouts[_i].bytes);
    /* sub_bucket_count = 2^ceil(log2(2·10^d)): 256, 2048, 262144 for d = 2, 3, 5 */
    int32_t want_sub = layouts[_i].sig == 2 ? 256 : layouts[_i].sig == 3 ? 2048 : 262144;
    ck_assert_int_eq(h.sub_bucket_count, want_sub);
    ck_assert_int_eq(h.sub_bucket_half_count, want_sub / 2);
    /* counts_len = (bucket_count + 1) · sub_bucket_count / 2 */
    ck_assert_int_eq(h.counts_len, (h.bucket_count + 1) * (h.sub_bucket_count / 2));
    /* bucket_count is the smallest b with sub_bucket_count · 2^(b−1+unit) > highest */
    ck_assert_int_eq(h.unit_magnitude, 0);
    ck_assert((double)h.sub_bucket_count * ldexp(1.0, h.bucket_count - 1) > (double)layouts[_i].highest);
    ck_assert((double)h.sub_bucket_count * ldexp(1.0, h.bucket_count - 2) <= (double)layouts[_i].highest);
    /* the highest trackable value is in range and lands in the top bucket, the last half-count
     * entries of counts (not clamped into it) */
    hdr_record(&h, layouts[_i].highest);
    ck_assert_int_eq(h.out_of_range, 0);
    int32_t at = -1;
    for (int32_t i = 0; i < h.counts_len; i++)
        if (h.counts[i]) at = i;
    ck_assert_int_ge(at, h.counts_len - h.sub_bucket_half_count);
    ck_assert_int_ge(hdr_highest_equivalent(&h, layouts[_i].highest), layouts[_i].highest);
    hdr_deinit(&h);
}
END_TEST

/* The Java README's footprint estimate, 512 + (8/2)·(ceil(log2(highest/subBucketSize)) + 2)·
 * subBucketSize bytes for 64-bit counts, is our counts array plus its 512-byte object overhead. */
START_TEST(test_layout_java_estimate)
{
    hdr_t h;
    ck_assert_int_eq(hdr_init(&h, 1, INT64_C(3600000000), 3), 0);
    double est = 512 + 4.0 * (ceil(log2(3600000000.0 / 2048)) + 2) * 2048;
    ck_assert_int_eq((int64_t)est, 512 + (int64_t)h.counts_len * 8);
    ck_assert_int_eq((int64_t)est, 188928); /* "around 185KB" */
    hdr_deinit(&h);
}
END_TEST

/* otpsim's own latency histograms (1 µs .. 24 h in ns, 3 digits), HdrHistogram's layout for a
 * lowest discernible value of 1000 ns: the unit is 2^9 = 512 ns, so the first bucket (below
 * 2048 units = 1.048576 ms) has 512 ns sub-buckets — 3 significant digits only from 1024 units
 * = 524.288 µs up; below that, a value is known to 512 ns (0.5 % at 100 µs, 5 % at 10 µs). */
START_TEST(test_layout_latency)
{
    hdr_t h;
    ck_assert_int_eq(hdr_init_latency(&h), 0);
    ck_assert_int_eq(h.sub_bucket_count, 2048);
    ck_assert_int_eq(h.unit_magnitude, 9);
    ck_assert_int_eq(h.bucket_count, 28); /* 2048 · 2^(28−1+9) > 8.64e13 ns >= 2048 · 2^(27−1+9) */
    ck_assert_int_eq(h.counts_len, 29 * 1024);
    hdr_record(&h, HDR_NS_HIGHEST);
    ck_assert_int_eq(h.out_of_range, 0);
    for (int64_t v = HDR_NS_LOWEST; v <= HDR_NS_HIGHEST; v = v * 3 + 7) {
        int64_t lo = hdr_lowest_equivalent(&h, v), hi = hdr_highest_equivalent(&h, v);
        ck_assert_int_le(lo, v);
        ck_assert_int_ge(hi, v);
        if (v >= 1024 * 512) ck_assert((double)(hi - lo + 1) <= (double)v / 1024.0);
        else ck_assert_int_eq(hi - lo + 1, 512);
    }
    hdr_deinit(&h);
}
END_TEST

/* ---- percentile convention ---------------------------------------------------------------- */

START_TEST(test_percentile_small_exact)
{
    hdr_t h;
    ck_assert_int_eq(hdr_init(&h, 1, INT64_C(3600000000), 3), 0);
    ck_assert_int_eq(hdr_value_at_percentile(&h, 50), 0); /* empty */
    ck_assert(hdr_mean(&h) == 0);
    for (int64_t v = 1; v <= 100; v++) hdr_record(&h, v); /* below 2048: one value per bucket */
    ck_assert_int_eq(h.total, 100);
    ck_assert_int_eq(hdr_value_at_percentile(&h, 50), 50);      /* rank floor(50 + 0.5) = 50 */
    ck_assert_int_eq(hdr_value_at_percentile(&h, 99), 99);
    ck_assert_int_eq(hdr_value_at_percentile(&h, 99.4), 99);    /* floor(99.9) = 99 */
    ck_assert_int_eq(hdr_value_at_percentile(&h, 99.6), 100);   /* floor(100.1) = 100 */
    ck_assert_int_eq(hdr_value_at_percentile(&h, 1.4), 1);      /* floor(1.9) = 1 */
    ck_assert_int_eq(hdr_value_at_percentile(&h, 1.6), 2);      /* floor(2.1) = 2 */
    ck_assert_int_eq(hdr_value_at_percentile(&h, 0.4), 1);      /* rank 0 -> 1 */
    ck_assert_int_eq(hdr_value_at_percentile(&h, 0), 1);        /* lowest equivalent of min */
    ck_assert_int_eq(hdr_value_at_percentile(&h, 100), 100);
    ck_assert_int_eq(hdr_value_at_percentile(&h, 150), 100);    /* p > 100 is 100 */
    ck_assert(hdr_mean(&h) == 50.5);                            /* exact */
    ck_assert_int_eq(h.min, 1);
    ck_assert_int_eq(h.max, 100);
    /* exact ties (N = 8, p·N a half-integer): floor(x + 0.5) rounds them up */
    hdr_reset(&h);
    for (int64_t v = 1; v <= 8; v++) hdr_record(&h, v);
    ck_assert_int_eq(hdr_value_at_percentile(&h, 6.25), 1);  /* 0.5 + 0.5 = 1 */
    ck_assert_int_eq(hdr_value_at_percentile(&h, 18.75), 2); /* 1.5 + 0.5 = 2 */
    ck_assert_int_eq(hdr_value_at_percentile(&h, 43.75), 4); /* 3.5 + 0.5 = 4 */
    ck_assert_int_eq(hdr_value_at_percentile(&h, 50), 4);    /* 4 + 0.5 -> 4 */
    ck_assert_int_eq(hdr_value_at_percentile(&h, 56.25), 5); /* 4.5 + 0.5 = 5 */
    hdr_deinit(&h);
}
END_TEST

START_TEST(test_percentile_highest_equivalent)
{
    hdr_t h;
    ck_assert_int_eq(hdr_init(&h, 1, INT64_C(3600000000), 3), 0);
    /* 1e6 lies in [2^19, 2^20): buckets of 2^9 = 512: [999936, 1000447] */
    ck_assert_int_eq(hdr_lowest_equivalent(&h, 1000000), 999936);
    ck_assert_int_eq(hdr_highest_equivalent(&h, 1000000), 1000447);
    /* 2e6 lies in [2^20, 2^21): buckets of 1024: [1999872, 2000895] */
    ck_assert_int_eq(hdr_lowest_equivalent(&h, 2000000), 1999872);
    ck_assert_int_eq(hdr_highest_equivalent(&h, 2000000), 2000895);
    hdr_record(&h, 1000000);
    hdr_record(&h, 2000000);
    ck_assert_int_eq(hdr_value_at_percentile(&h, 50), 1000447);  /* the bucket's highest value */
    ck_assert_int_eq(hdr_value_at_percentile(&h, 100), 2000000); /* capped at the exact max */
    ck_assert_int_eq(hdr_value_at_percentile(&h, 0), 999936);    /* lowest equivalent of min */
    ck_assert_int_eq(h.max, 2000000);
    ck_assert(hdr_mean(&h) == 1500000.0);
    hdr_deinit(&h);
}
END_TEST

static uint64_t lcg(uint64_t *s)
{
    *s = *s * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
    return *s >> 11;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Against exact nearest-rank on sorted samples spread over 7 decades: the reported value is the
 * highest equivalent of the true sample (capped at max), so true <= reported <= true·(1+1/1024)
 * (from 524 µs up; below, within one 512 ns unit — see test_layout_latency). */
START_TEST(test_percentile_against_exact)
{
    enum { N = 20011 };
    static int64_t v[N];
    hdr_t h;
    ck_assert_int_eq(hdr_init_latency(&h), 0);
    uint64_t s = 42;
    double sum = 0;
    for (int i = 0; i < N; i++) {
        double u = (double)(lcg(&s) % 1000000) / 1e6;
        v[i] = (int64_t)(1000.0 * pow(10.0, 7.0 * u)); /* 1 µs .. 10 s */
        hdr_record(&h, v[i]);
        sum += (double)v[i];
    }
    qsort(v, N, sizeof v[0], cmp_i64);
    static const double ps[] = { 0.1, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100 };
    for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++) {
        int64_t rank = (int64_t)(ps[k] / 100.0 * N + 0.5);
        if (rank < 1) rank = 1;
        int64_t truth = v[rank - 1];
        int64_t got = hdr_value_at_percentile(&h, ps[k]);
        int64_t want = hdr_highest_equivalent(&h, truth);
        if (want > v[N - 1]) want = v[N - 1];
        ck_assert_msg(got == want, "p%g: got %lld, want %lld (sample %lld)", ps[k], (long long)got, (long long)want,
                      (long long)truth);
        ck_assert_int_ge(got, truth);
        if (truth >= 1024 * 512) ck_assert((double)got <= (double)truth * (1.0 + 1.0 / 1024.0));
        else ck_assert_int_lt(got - truth, 512); /* below 524 µs: one 512 ns unit */
    }
    ck_assert_int_eq(h.min, v[0]);
    ck_assert_int_eq(h.max, v[N - 1]);
    ck_assert(fabs(hdr_mean(&h) - sum / N) <= 1e-9 * sum / N);
    hdr_deinit(&h);
}
END_TEST

/* docs/load.md's example: the ten samples 1, 2, ..., 10 ms in otpsim's latency histogram. p50 is
 * the 5th, reported as the top of its 4 µs bucket; p90 the 9th, top of its 8 µs bucket; p99 has
 * rank floor(9.9 + 0.5) = 10 and is capped at the exact maximum. */
START_TEST(test_percentile_docs_example)
{
    hdr_t h;
    ck_assert_int_eq(hdr_init_latency(&h), 0);
    for (int64_t ms = 1; ms <= 10; ms++) hdr_record(&h, ms * 1000000);
    ck_assert_int_eq(hdr_value_at_percentile(&h, 50), 5001215);
    ck_assert_int_eq(hdr_value_at_percentile(&h, 90), 9003007);
    ck_assert_int_eq(hdr_value_at_percentile(&h, 99), 10000000);
    ck_assert(hdr_mean(&h) == 5500000.0);
    hdr_deinit(&h);
}
END_TEST

/* ---- the coordinated-omission worked example (§3.6) --------------------------------------- */
#define MS INT64_C(1000000) /* ns */

/* Exact value v (ns) as the histogram reports it: its highest equivalent, capped at max. */
static int64_t reported(const hdr_t *h, int64_t v)
{
    int64_t hi = hdr_highest_equivalent(h, v);
    return hi < h->max ? hi : h->max;
}

/* What the doc's table says, within one bucket (≤ 0.1 % above). */
static void assert_about(int64_t got, double want_ns, const char *what)
{
    ck_assert_msg((double)got >= want_ns && (double)got <= want_ns * (1.0 + 1.0 / 1024.0),
                  "%s: %lld ns, table %.0f ns", what, (long long)got, want_ns);
}

/* One sample per 10 ms for 100 s at 1 ms, then a single 100 s stall. Raw: 10 001 samples, mean
 * 11.0 ms, p50 = p75 = p90 = p99 = p99.99 = 1 ms, max 100 s. */
START_TEST(test_co_example_raw)
{
    hdr_t h;
    ck_assert_int_eq(hdr_init_latency(&h), 0);
    hdr_record_n(&h, 1 * MS, 10000);
    hdr_record(&h, 100000 * MS);
    ck_assert_int_eq(h.total, 10001);
    double mean = (10000.0 * 1e6 + 1e11) / 10001.0;
    ck_assert(fabs(hdr_mean(&h) - mean) < 1e-3);
    ck_assert(fabs(hdr_mean(&h) / 1e6 - 11.0) < 0.005); /* the table's 11.0 ms */
    static const double ps[] = { 50, 75, 90, 99, 99.99 };
    for (size_t k = 0; k < 5; k++) {
        int64_t got = hdr_value_at_percentile(&h, ps[k]);
        ck_assert_int_eq(got, reported(&h, 1 * MS));
        assert_about(got, 1e6, "raw percentile");
    }
    ck_assert_int_eq(hdr_value_at_percentile(&h, 100), 100000 * MS);
    ck_assert_int_eq(h.max, 100000 * MS);
    hdr_deinit(&h);
}
END_TEST

/* Corrected with Δ = 10 ms: the stall's sample is back-filled with 100 s − 10 ms, ..., 10 ms
 * (HdrHistogram's recordCorrectedValue: value − kΔ while >= Δ): 20 000 samples, mean 25.0 s,
 * p50 = 1 ms, p75 = 50 s, p90 = 80 s, p99 = 98 s, p99.99 = 99.98 s, max 100 s. */
static void record_corrected(hdr_t *h, int64_t v, int64_t interval)
{
    hdr_record(h, v);
    for (int64_t missing = v - interval; missing >= interval; missing -= interval) hdr_record(h, missing);
}

START_TEST(test_co_example_corrected)
{
    hdr_t h;
    ck_assert_int_eq(hdr_init_latency(&h), 0);
    for (int i = 0; i < 10000; i++) record_corrected(&h, 1 * MS, 10 * MS); /* nothing to back-fill */
    ck_assert_int_eq(h.total, 10000);
    record_corrected(&h, 100000 * MS, 10 * MS);
    ck_assert_int_eq(h.total, 20000);
    /* mean: (10 000 · 1 ms + Σ_{k=1}^{10000} 10k ms) / 20 000 = 25 003 ms */
    double mean = (10000.0 * 1e6 + 1e7 * (10000.0 * 10001.0 / 2.0)) / 20000.0;
    ck_assert(fabs(hdr_mean(&h) - mean) < 1e-3);
    ck_assert(fabs(hdr_mean(&h) / 1e9 - 25.0) < 0.005); /* the table's 25.0 s */
    /* sorted: 10 000 × 1 ms, then 10 ms, 20 ms, ..., 100 s; rank r > 10 000 is (r − 10 000)·10 ms */
    static const struct { double p; double table_ns; int64_t exact; } rows[] = {
        { 50, 1e6, 1 * MS },
        { 75, 50e9, 5000 * 10 * MS },    /* rank 15 000 */
        { 90, 80e9, 8000 * 10 * MS },    /* rank 18 000 */
        { 99, 98e9, 9800 * 10 * MS },    /* rank 19 800 */
        { 99.99, 99.98e9, 9998 * 10 * MS }, /* rank floor(19 998 + 0.5) */
    };
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        int64_t got = hdr_value_at_percentile(&h, rows[k].p);
        ck_assert_msg(got == reported(&h, rows[k].exact), "p%g: %lld, exact %lld", rows[k].p, (long long)got,
                      (long long)rows[k].exact);
        assert_about(got, rows[k].table_ns, "corrected percentile");
    }
    ck_assert_int_eq(hdr_value_at_percentile(&h, 100), 100000 * MS);
    hdr_deinit(&h);
}
END_TEST

/* ---- merge, reset, range, memory ---------------------------------------------------------- */

static void assert_same(const hdr_t *a, const hdr_t *b)
{
    ck_assert_int_eq(a->counts_len, b->counts_len);
    ck_assert(memcmp(a->counts, b->counts, (size_t)a->counts_len * sizeof *a->counts) == 0);
    ck_assert_int_eq(a->total, b->total);
    ck_assert_int_eq(a->out_of_range, b->out_of_range);
    ck_assert_int_eq(a->min, b->min);
    ck_assert_int_eq(a->max, b->max);
    ck_assert(a->sum == b->sum); /* integer-valued sums below 2^53: exact in any order */
    static const double ps[] = { 0, 1, 50, 90, 99, 99.9, 100 };
    for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++)
        ck_assert_int_eq(hdr_value_at_percentile(a, ps[k]), hdr_value_at_percentile(b, ps[k]));
}

START_TEST(test_merge_equals_single)
{
    hdr_t all, parts[3], merged;
    ck_assert_int_eq(hdr_init_latency(&all), 0);
    ck_assert_int_eq(hdr_init_latency(&merged), 0);
    for (int k = 0; k < 3; k++) ck_assert_int_eq(hdr_init_latency(&parts[k]), 0);
    uint64_t s = 7;
    for (int i = 0; i < 50000; i++) {
        int64_t v = (int64_t)(lcg(&s) % UINT64_C(5000000000)); /* 0 .. 5 s */
        if (i % 1000 == 0) v = HDR_NS_HIGHEST + 5;             /* some out of range */
        hdr_record(&all, v);
        hdr_record(&parts[lcg(&s) % 3], v);
    }
    for (int k = 0; k < 3; k++) ck_assert_int_eq(hdr_add(&merged, &parts[k]), 0);
    assert_same(&merged, &all);
    /* adding an empty histogram changes nothing, min and max included */
    hdr_t empty;
    ck_assert_int_eq(hdr_init_latency(&empty), 0);
    ck_assert_int_eq(hdr_add(&merged, &empty), 0);
    assert_same(&merged, &all);
    /* merging into an empty one copies */
    ck_assert_int_eq(hdr_add(&empty, &all), 0);
    assert_same(&empty, &all);
    hdr_deinit(&empty);
    for (int k = 0; k < 3; k++) hdr_deinit(&parts[k]);
    hdr_deinit(&merged);
    hdr_deinit(&all);
}
END_TEST

START_TEST(test_merge_refuses_other_layout)
{
    hdr_t a, b, c;
    ck_assert_int_eq(hdr_init(&a, 1, INT64_C(3600000000), 3), 0);
    ck_assert_int_eq(hdr_init(&b, 1, INT64_C(3600000000), 2), 0);     /* other digits */
    ck_assert_int_eq(hdr_init(&c, 1000, INT64_C(3600000000), 3), 0);  /* other unit */
    hdr_record(&a, 5);
    hdr_record(&b, 7);
    hdr_record(&c, 7000);
    ck_assert_int_eq(hdr_add(&a, &b), -1);
    ck_assert_int_eq(hdr_add(&a, &c), -1);
    ck_assert_int_eq(a.total, 1); /* untouched */
    ck_assert_int_eq(a.max, 5);
    hdr_deinit(&a);
    hdr_deinit(&b);
    hdr_deinit(&c);
}
END_TEST

START_TEST(test_reset)
{
    hdr_t h, fresh;
    ck_assert_int_eq(hdr_init_latency(&h), 0);
    ck_assert_int_eq(hdr_init_latency(&fresh), 0);
    for (int64_t v = 1; v < 100000000; v = v * 2 + 1) hdr_record(&h, v);
    hdr_record(&h, HDR_NS_HIGHEST * 2);
    hdr_reset(&h);
    ck_assert_int_eq(h.total, 0);
    ck_assert_int_eq(h.out_of_range, 0);
    ck_assert_int_eq(hdr_value_at_percentile(&h, 99), 0);
    ck_assert(hdr_mean(&h) == 0);
    assert_same(&h, &fresh);
    /* and it records as a fresh one does */
    hdr_record(&h, 123456789);
    hdr_record(&fresh, 123456789);
    assert_same(&h, &fresh);
    hdr_deinit(&h);
    hdr_deinit(&fresh);
}
END_TEST

START_TEST(test_out_of_range)
{
    hdr_t h;
    ck_assert_int_eq(hdr_init(&h, 1, 1000000, 3), 0);
    hdr_record(&h, 5000000); /* above highest: clamped to it, counted */
    ck_assert_int_eq(h.total, 1);
    ck_assert_int_eq(h.out_of_range, 1);
    ck_assert_int_eq(h.max, 1000000);
    ck_assert_int_le(hdr_value_at_percentile(&h, 100), 1000000);
    ck_assert_int_eq(hdr_value_at_percentile(&h, 100), 1000000);
    hdr_record(&h, -5); /* negative: counts as 0 */
    ck_assert_int_eq(h.total, 2);
    ck_assert_int_eq(h.out_of_range, 1);
    ck_assert_int_eq(h.min, 0);
    ck_assert_int_eq(hdr_value_at_percentile(&h, 0), 0);
    ck_assert_int_eq(hdr_value_at_percentile(&h, 50), 0);
    hdr_record_n(&h, 7, 0);  /* n <= 0 records nothing */
    hdr_record_n(&h, 7, -3);
    ck_assert_int_eq(h.total, 2);
    hdr_deinit(&h);
}
END_TEST

START_TEST(test_memory_fixed)
{
    hdr_t h;
    ck_assert_int_eq(hdr_init_latency(&h), 0);
    size_t before = hdr_memory(&h);
    int64_t *counts = h.counts;
    uint64_t s = 3;
    for (int i = 0; i < 1000000; i++) hdr_record(&h, (int64_t)(lcg(&s) % UINT64_C(86400000000000)));
    hdr_record_n(&h, 1000, INT64_C(1000000000000)); /* 1e12 samples of one value, in O(1) */
    ck_assert_uint_eq(hdr_memory(&h), before);
    ck_assert_ptr_eq(h.counts, counts);
    ck_assert_int_eq(h.total, INT64_C(1000000000000) + 1000000);
    ck_assert_int_eq(hdr_value_at_percentile(&h, 50), hdr_highest_equivalent(&h, 1000));
    hdr_deinit(&h);
}
END_TEST

START_TEST(test_bad_arguments)
{
    hdr_t h;
    ck_assert_int_eq(hdr_init(&h, 0, 1000, 3), -1);  /* lowest >= 1 */
    ck_assert_int_eq(hdr_init(&h, 10, 19, 3), -1);   /* highest >= 2·lowest */
    ck_assert_int_eq(hdr_init(&h, 1, 1000, 0), -1);  /* 1 <= sig <= 5 */
    ck_assert_int_eq(hdr_init(&h, 1, 1000, 6), -1);
    ck_assert_int_eq(hdr_init(&h, 10, 20, 1), 0);
    hdr_deinit(&h);
}
END_TEST

/* Declared here for -Wmissing-prototypes; the definition must start its line for the runner's
 * suite scan, which matches definitions starting with "Suite *suite_". */
extern Suite *suite_hdr(void);

static void add_case(Suite *s, const char *name, const TTest *t)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, t);
    suite_add_tcase(s, tc);
}

Suite *suite_hdr(void)
{
    Suite *s = suite_create("hdr");
    TCase *tc = tcase_create("layout_table");
    tcase_add_loop_test(tc, test_layout_table, 0, (int)(sizeof layouts / sizeof layouts[0]));
    suite_add_tcase(s, tc);
    add_case(s, "layout_java_estimate", test_layout_java_estimate);
    add_case(s, "layout_latency", test_layout_latency);
    add_case(s, "percentile_small_exact", test_percentile_small_exact);
    add_case(s, "percentile_highest_equivalent", test_percentile_highest_equivalent);
    add_case(s, "percentile_against_exact", test_percentile_against_exact);
    add_case(s, "percentile_docs_example", test_percentile_docs_example);
    add_case(s, "co_example_raw", test_co_example_raw);
    add_case(s, "co_example_corrected", test_co_example_corrected);
    add_case(s, "merge_equals_single", test_merge_equals_single);
    add_case(s, "merge_refuses_other_layout", test_merge_refuses_other_layout);
    add_case(s, "reset", test_reset);
    add_case(s, "out_of_range", test_out_of_range);
    add_case(s, "memory_fixed", test_memory_fixed);
    add_case(s, "bad_arguments", test_bad_arguments);
    return s;
}
