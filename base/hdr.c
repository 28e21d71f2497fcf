/* hdr.c — see hdr.h. The bucket layout follows HdrHistogram_c (hdr_histogram.c). */
#include "hdr.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int clz64(uint64_t x) { return x ? __builtin_clzll(x) : 64; }

int hdr_init(hdr_t *h, int64_t lowest, int64_t highest, int sig)
{
    memset(h, 0, sizeof *h);
    if (lowest < 1 || highest < 2 * lowest || sig < 1 || sig > 5) return -1;
    int64_t largest_single = 2;
    for (int i = 0; i < sig; i++) largest_single *= 10;
    double scm = ceil(log2((double)largest_single));
    h->sub_bucket_count_magnitude = (int)scm;
    h->sub_bucket_half_count_magnitude = h->sub_bucket_count_magnitude > 1 ? h->sub_bucket_count_magnitude - 1 : 0;
    h->unit_magnitude = 63 - clz64((uint64_t)lowest);
    h->sub_bucket_count = (int32_t)1 << h->sub_bucket_count_magnitude;
    h->sub_bucket_half_count = h->sub_bucket_count / 2;
    h->sub_bucket_mask = ((int64_t)h->sub_bucket_count - 1) << h->unit_magnitude;
    int64_t smallest_untrackable = (int64_t)h->sub_bucket_count << h->unit_magnitude;
    int32_t buckets = 1;
    while (smallest_untrackable <= highest) {
        if (smallest_untrackable > INT64_MAX / 2) {
            buckets++;
            break;
        }
        smallest_untrackable <<= 1;
        buckets++;
    }
    h->bucket_count = buckets;
    h->counts_len = (buckets + 1) * (h->sub_bucket_count / 2);
    h->lowest = lowest;
    h->highest = highest;
    h->sig = sig;
    h->counts = calloc((size_t)h->counts_len, sizeof *h->counts);
    if (!h->counts) return -1;
    h->min = INT64_MAX;
    return 0;
}

void hdr_deinit(hdr_t *h)
{
    free(h->counts);
    h->counts = NULL;
}

void hdr_reset(hdr_t *h)
{
    memset(h->counts, 0, (size_t)h->counts_len * sizeof *h->counts);
    h->total = h->out_of_range = 0;
    h->min = INT64_MAX;
    h->max = 0;
    h->sum = 0;
}

static int32_t bucket_index(const hdr_t *h, int64_t v)
{
    int32_t pow2ceiling = 64 - clz64((uint64_t)(v | h->sub_bucket_mask));
    return pow2ceiling - h->unit_magnitude - (h->sub_bucket_half_count_magnitude + 1);
}

static int32_t sub_bucket_index(const hdr_t *h, int64_t v, int32_t bi)
{
    return (int32_t)(v >> (bi + h->unit_magnitude));
}

static int32_t counts_index(const hdr_t *h, int32_t bi, int32_t sbi)
{
    int32_t base = (bi + 1) << h->sub_bucket_half_count_magnitude;
    return base + (sbi - h->sub_bucket_half_count);
}

static int64_t value_from_index(const hdr_t *h, int32_t bi, int32_t sbi)
{
    return (int64_t)sbi << (bi + h->unit_magnitude);
}

static int64_t value_at_index(const hdr_t *h, int32_t i)
{
    int32_t bi = (i >> h->sub_bucket_half_count_magnitude) - 1;
    int32_t sbi = (i & (h->sub_bucket_half_count - 1)) + h->sub_bucket_half_count;
    if (bi < 0) {
        sbi -= h->sub_bucket_half_count;
        bi = 0;
    }
    return value_from_index(h, bi, sbi);
}

int64_t hdr_lowest_equivalent(const hdr_t *h, int64_t v)
{
    int32_t bi = bucket_index(h, v);
    return value_from_index(h, bi, sub_bucket_index(h, v, bi));
}

static int64_t equivalent_range(const hdr_t *h, int64_t v)
{
    int32_t bi = bucket_index(h, v);
    int32_t sbi = sub_bucket_index(h, v, bi);
    int32_t adjusted = sbi >= h->sub_bucket_count ? bi + 1 : bi;
    return (int64_t)1 << (h->unit_magnitude + adjusted);
}

int64_t hdr_highest_equivalent(const hdr_t *h, int64_t v)
{
    return hdr_lowest_equivalent(h, v) + equivalent_range(h, v) - 1;
}

/* The counts index of v, already clamped to [0, highest]. */
static int32_t index_of(const hdr_t *h, int64_t v)
{
    int32_t bi = bucket_index(h, v);
    int32_t i = counts_index(h, bi, sub_bucket_index(h, v, bi));
    if (i < 0 || i >= h->counts_len) i = h->counts_len - 1;
    return i;
}

void hdr_record_n(hdr_t *h, int64_t v, int64_t n)
{
    if (n <= 0) return;
    if (v < 0) v = 0;
    if (v > h->highest) {
        h->out_of_range += n;
        v = h->highest;
    }
    h->counts[index_of(h, v)] += n;
    h->total += n;
    if (v < h->min) h->min = v;
    if (v > h->max) h->max = v;
    h->sum += (double)v * (double)n;
}

void hdr_record_scalars(hdr_t *h, int64_t v)
{
    if (v < 0) v = 0;
    if (v > h->highest) {
        h->out_of_range++;
        v = h->highest;
    }
    h->total++;
    if (v < h->min) h->min = v;
    if (v > h->max) h->max = v;
    h->sum += (double)v;
}

/* Recorded values (clamped) lie in [min, max], so their indices lie in [index_of(min),
 * index_of(max)]: nothing outside that range changed in the interval. */
void hdr_interval_fill(hdr_t *iv, const hdr_t *run, const int64_t *base)
{
    if (!iv->total) return;
    for (int32_t i = index_of(iv, iv->min), hi = index_of(iv, iv->max); i <= hi; i++)
        iv->counts[i] = run->counts[i] - base[i];
}

void hdr_interval_next(hdr_t *iv, const hdr_t *run, int64_t *base)
{
    if (iv->total) {
        for (int32_t i = index_of(iv, iv->min), hi = index_of(iv, iv->max); i <= hi; i++) {
            base[i] = run->counts[i];
            iv->counts[i] = 0;
        }
    }
    iv->total = iv->out_of_range = 0;
    iv->min = INT64_MAX;
    iv->max = 0;
    iv->sum = 0;
}

void hdr_record(hdr_t *h, int64_t v) { hdr_record_n(h, v, 1); }

int hdr_add(hdr_t *dst, const hdr_t *src)
{
    if (dst->counts_len != src->counts_len || dst->unit_magnitude != src->unit_magnitude ||
        dst->sub_bucket_count != src->sub_bucket_count)
        return -1;
    for (int32_t i = 0; i < src->counts_len; i++) dst->counts[i] += src->counts[i];
    dst->total += src->total;
    dst->out_of_range += src->out_of_range;
    if (src->total) {
        if (src->min < dst->min) dst->min = src->min;
        if (src->max > dst->max) dst->max = src->max;
    }
    dst->sum += src->sum;
    return 0;
}

int64_t hdr_value_at_percentile(const hdr_t *h, double p)
{
    if (h->total == 0) return 0;
    if (p <= 0) return hdr_lowest_equivalent(h, h->min);
    if (p > 100) p = 100;
    int64_t rank = (int64_t)(p / 100.0 * (double)h->total + 0.5);
    if (rank < 1) rank = 1;
    int64_t seen = 0;
    for (int32_t i = 0; i < h->counts_len; i++) {
        seen += h->counts[i];
        if (seen >= rank) {
            int64_t v = hdr_highest_equivalent(h, value_at_index(h, i));
            return v < h->max ? v : h->max; /* never above the exact maximum */
        }
    }
    return h->max;
}

void hdr_values_at_percentiles(const hdr_t *h, const double *ps, size_t n, int64_t *out)
{
    int32_t i = 0;       /* cursor: the bucket where the last rank was reached */
    int64_t before = 0;  /* samples in buckets [0, i) */
    int64_t last_rank = 0;
    for (size_t k = 0; k < n; k++) {
        double p = ps[k];
        if (h->total == 0) {
            out[k] = 0;
            continue;
        }
        if (p <= 0) {
            out[k] = hdr_lowest_equivalent(h, h->min);
            continue;
        }
        if (p > 100) p = 100;
        int64_t rank = (int64_t)(p / 100.0 * (double)h->total + 0.5);
        if (rank < 1) rank = 1;
        if (rank < last_rank) { /* out of order: start over */
            i = 0;
            before = 0;
        }
        last_rank = rank;
        while (i < h->counts_len && before + h->counts[i] < rank) before += h->counts[i++];
        if (i == h->counts_len) {
            out[k] = h->max;
            continue;
        }
        int64_t v = hdr_highest_equivalent(h, value_at_index(h, i));
        out[k] = v < h->max ? v : h->max;
    }
}

double hdr_mean(const hdr_t *h) { return h->total ? h->sum / (double)h->total : 0.0; }

size_t hdr_memory(const hdr_t *h) { return sizeof *h + (size_t)h->counts_len * sizeof *h->counts; }
