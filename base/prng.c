/* prng.c — splitmix64 seeding, stream derivation and distribution helpers for xoshiro256**. */
#include "prng.h"

#include <math.h>

#include "invariant.h"

uint64_t prng_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

void prng_seed(prng_t *p, uint64_t seed)
{
    uint64_t st = seed;
    for (int i = 0; i < 4; i++) p->s[i] = prng_splitmix64(&st);
    SIM_ASSERT(p->s[0] | p->s[1] | p->s[2] | p->s[3]);
}

uint64_t prng_fnv1a(const char *s)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

void prng_stream_init(prng_t *p, uint64_t root, const char *name)
{
    uint64_t st = root ^ prng_fnv1a(name);
    prng_seed(p, prng_splitmix64(&st));
}

uint64_t prng_below(prng_t *p, uint64_t n)
{
    SIM_ASSERT(n > 0);
    unsigned __int128 m = (unsigned __int128)prng_next(p) * n;
    uint64_t lo = (uint64_t)m;
    if (lo < n) {
        uint64_t thresh = -n % n;
        while (lo < thresh) {
            m = (unsigned __int128)prng_next(p) * n;
            lo = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

double prng_exp(prng_t *p, double mean)
{
    SIM_ASSERT(mean > 0);
    /* 1 - u is in (0, 1], so the log is finite. */
    return -mean * log(1.0 - prng_double(p));
}

double prng_normal(prng_t *p)
{
    double u, v, s;
    do {
        u = 2.0 * prng_double(p) - 1.0;
        v = 2.0 * prng_double(p) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    return u * sqrt(-2.0 * log(s) / s);
}
