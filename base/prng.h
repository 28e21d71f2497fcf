/* prng.h — seeded pseudo-random streams: xoshiro256** seeded through splitmix64.
 *
 * Every subsystem draws from its own stream, derived from the run's root seed and the stream's
 * name, so an extra draw in one subsystem never shifts another's sequence. Nothing here reads
 * the OS or the clock. Reference vectors for both generators are pinned in the tests. */
#ifndef SIM_PRNG_H
#define SIM_PRNG_H

#include <stdint.h>

typedef struct prng { uint64_t s[4]; } prng_t;

/* splitmix64: advances *state and returns the next output (Vigna's reference algorithm). */
uint64_t prng_splitmix64(uint64_t *state);

/* Seeds a xoshiro256** state from a 64-bit seed by four splitmix64 draws (the authors'
 * recommended seeding). */
void prng_seed(prng_t *p, uint64_t seed);

/* Seeds the stream `name` of the run with root seed `root`: the seed is the splitmix64
 * finalizer of root and the FNV-1a hash of name, so distinct names give independent streams. */
void prng_stream_init(prng_t *p, uint64_t root, const char *name);

/* Next raw 64-bit output of xoshiro256**. */
static inline uint64_t prng_next(prng_t *p)
{
    uint64_t *s = p->s;
    uint64_t x = s[1] * 5;
    uint64_t r = ((x << 7) | (x >> 57)) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return r;
}

/* Uniform in [0, 1) with 53 random bits. */
static inline double prng_double(prng_t *p) { return (double)(prng_next(p) >> 11) * 0x1.0p-53; }

/* Uniform integer in [0, n), unbiased (Lemire's multiply-and-reject). n must be > 0. */
uint64_t prng_below(prng_t *p, uint64_t n);

/* Exponentially distributed with the given mean (> 0). */
double prng_exp(prng_t *p, double mean);

/* Standard normal (mean 0, standard deviation 1), Marsaglia polar method. */
double prng_normal(prng_t *p);

/* 64-bit FNV-1a of a string; used to name streams. */
uint64_t prng_fnv1a(const char *s);

#endif
