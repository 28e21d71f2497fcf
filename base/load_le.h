/* load_le.h — reading bytes as little-endian words, inline: 8 at a time and a zero-padded tail
 * of 1..7 (a variable-size memcpy would be a library call). For the word-at-a-time hashes of
 * the trace (sim/kernel/trace.c) and of string maps (strmap.c). */
#ifndef BASE_LOAD_LE_H
#define BASE_LOAD_LE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "load_le.h reads little-endian words; add a byte swap for this platform"
#endif

static inline uint64_t load_le8(const unsigned char *p)
{
    uint64_t w;
    memcpy(&w, p, 8); /* a fixed size: one load */
    return w;
}

/* The last 1..7 bytes, zero-padded: at most one 4-, one 2- and one 1-byte load, placed by the
 * bits of n. */
static inline uint64_t load_le_tail(const unsigned char *p, size_t n)
{
    uint64_t w = 0;
    unsigned sh = 0;
    if (n & 4) {
        uint32_t v;
        memcpy(&v, p, 4);
        w = v;
        p += 4;
        sh = 32;
    }
    if (n & 2) {
        uint16_t v;
        memcpy(&v, p, 2);
        w |= (uint64_t)v << sh;
        p += 2;
        sh += 16;
    }
    if (n & 1) w |= (uint64_t)p[0] << sh;
    return w;
}

#endif
