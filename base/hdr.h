/* hdr.h — a latency histogram in the manner of HdrHistogram (Gil Tene; HdrHistogram_c's layout).
 *
 * Values are non-negative integers (otpsim records nanoseconds) tracked from `lowest` to
 * `highest` with `sig` significant decimal digits: every recorded value above the bottom range
 * lands in a bucket whose width is at most 10^-sig of the value (the bottom range, up to about
 * 2048 x the largest power of two <= lowest, has the fixed resolution of that power of two: 512 ns
 * below 1.05 ms for otpsim's latencies), so memory is fixed (independent of the number of
 * samples) and recording is O(1) without allocation. Histograms with the same configuration
 * merge by adding counts.
 *
 * Percentile convention (shared/docs/capacity-validation.md §3.6-3.7, HdrHistogram's): the value
 * at percentile p is the highest value equivalent to the sample of rank max(1, floor(p/100 * N +
 * 0.5)) in ascending order, capped at the exact maximum; p = 0 gives the lowest equivalent value
 * of the minimum. So a reported percentile is >= the true sample value and at most 10^-sig above
 * it. Count, min, max and the mean are exact (not bucketed). */
#ifndef BASE_HDR_H
#define BASE_HDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct hdr {
    int64_t lowest, highest;
    int sig;
    int unit_magnitude;
    int sub_bucket_count_magnitude, sub_bucket_half_count_magnitude;
    int32_t sub_bucket_count, sub_bucket_half_count;
    int64_t sub_bucket_mask;
    int32_t bucket_count, counts_len;
    int64_t total;             /* recorded values (in range) */
    int64_t out_of_range;      /* values above highest (clamped into the top bucket as well) */
    int64_t min, max;          /* exact */
    double sum;                /* exact sum, for the mean */
    int64_t *counts;
} hdr_t;

/* lowest >= 1, highest >= 2 * lowest, sig in 1..5. Returns 0, or -1 (bad arguments or out of
 * memory). */
int hdr_init(hdr_t *h, int64_t lowest, int64_t highest, int sig);
void hdr_deinit(hdr_t *h);
/* Forgets every value (keeps the configuration). */
void hdr_reset(hdr_t *h);
/* Records one value (negative values count as 0; values above highest are clamped to it and
 * counted in out_of_range). */
void hdr_record(hdr_t *h, int64_t v);
void hdr_record_n(hdr_t *h, int64_t v, int64_t n);
/* Interval histograms kept as the difference of a running one (iv records what run records in
 * the interval, but only iv's scalars are kept up to date per value; base holds run's counts as at
 * the interval's start, counts_len entries, zeroed at first). hdr_record_scalars records v in h's
 * total, min, max, sum and out_of_range, not in its counts. hdr_interval_fill sets iv's counts
 * to run's minus base where the interval's values fall, so iv answers as if it had recorded them;
 * hdr_interval_next then starts the next interval (iv reset, base caught up). Each touches only
 * the range between the interval's minimum and maximum. */
void hdr_record_scalars(hdr_t *h, int64_t v);
void hdr_interval_fill(hdr_t *iv, const hdr_t *run, const int64_t *base);
void hdr_interval_next(hdr_t *iv, const hdr_t *run, int64_t *base);
/* Adds src's counts to dst; both must have the same configuration (returns -1 otherwise). */
int hdr_add(hdr_t *dst, const hdr_t *src);
/* The value at percentile p in [0, 100] (0 when empty), by the convention above. */
int64_t hdr_value_at_percentile(const hdr_t *h, double p);
/* out[k] = hdr_value_at_percentile(h, ps[k]) for k < n, in one pass over the counts when the ps
 * ascend (as a spectrum does; any order gives the same values). */
void hdr_values_at_percentiles(const hdr_t *h, const double *ps, size_t n, int64_t *out);
double hdr_mean(const hdr_t *h);
/* Bucket arithmetic, exposed for tests. */
int64_t hdr_lowest_equivalent(const hdr_t *h, int64_t v);
int64_t hdr_highest_equivalent(const hdr_t *h, int64_t v);
size_t hdr_memory(const hdr_t *h);

/* otpsim's latency histograms: 1 us to 24 h in ns, 3 significant digits. */
#define HDR_NS_LOWEST 1000
#define HDR_NS_HIGHEST (INT64_C(86400) * 1000000000)
static inline int hdr_init_latency(hdr_t *h) { return hdr_init(h, HDR_NS_LOWEST, HDR_NS_HIGHEST, 3); }

#endif
