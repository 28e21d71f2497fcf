/* strmap.c — open addressing keyed by a hash of the string, compared in full. The hash decides
 * only where a key sits (listings are sorted), never an order anyone sees. */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

#include "load_le.h"
#include "short_len.h"

/* A word-at-a-time hash of the n bytes at s (names are short: one or two words), through a final
 * avalanche so that the low bits that pick a slot depend on every byte. */
static inline uint64_t hash_str(const char *s, size_t n)
{
    const uint64_t k = UINT64_C(0x9e3779b97f4a7c15);
    const unsigned char *u = (const unsigned char *)s;
    uint64_t h = (n + 1) * k;
    for (; n >= 8; u += 8, n -= 8) {
        h = (h ^ load_le8(u)) * k;
        h ^= h >> 32;
    }
    if (n) h = (h ^ load_le_tail(u, n)) * k;
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    return h;
}

static inline bool same_bytes(const char *a, const char *b, size_t n)
{
    if (n > 16) return memcmp(a, b, n) == 0;
    for (size_t i = 0; i < n; i++) /* short: no library call */
        if (a[i] != b[i]) return false;
    return true;
}

void strmap_deinit(strmap_t *m)
{
    for (size_t i = 0; i < m->cap; i++) free(m->slots[i].key);
    free(m->slots);
    strmap_init(m);
}

static int grow(strmap_t *m)
{
    size_t cap = m->cap ? m->cap * 2 : 16;
    strmap_slot_t *s = calloc(cap, sizeof *s);
    if (!s) return -1;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].key) continue;
        size_t j = m->slots[i].hash & (cap - 1);
        while (s[j].key) j = (j + 1) & (cap - 1);
        s[j] = m->slots[i];
    }
    free(m->slots);
    m->slots = s;
    m->cap = cap;
    return 0;
}

/* The slot of key (n bytes, hash h), or the empty slot where it would go. */
static size_t find(const strmap_t *m, const char *key, size_t n, uint64_t h)
{
    size_t j = h & (m->cap - 1);
    while (m->slots[j].key &&
           !(m->slots[j].hash == h && m->slots[j].len == n && same_bytes(m->slots[j].key, key, n)))
        j = (j + 1) & (m->cap - 1);
    return j;
}

int strmap_put(strmap_t *m, const char *key, uint64_t val)
{
    if ((m->len + 1) * 4 > m->cap * 3 && grow(m) != 0) return -1;
    size_t n = short_len(key);
    uint64_t h = hash_str(key, n);
    size_t j = find(m, key, n, h);
    if (!m->slots[j].key) {
        char *k = malloc(n + 1);
        if (!k) return -1;
        memcpy(k, key, n + 1);
        m->slots[j].key = k;
        m->slots[j].hash = h;
        m->slots[j].len = n;
        m->len++;
    }
    m->slots[j].val = val;
    return 0;
}

bool strmap_get(const strmap_t *m, const char *key, uint64_t *val)
{
    if (!m->cap) return false;
    size_t n = short_len(key);
    size_t j = find(m, key, n, hash_str(key, n));
    if (!m->slots[j].key) return false;
    if (val) *val = m->slots[j].val;
    return true;
}

bool strmap_del(strmap_t *m, const char *key)
{
    if (!m->cap) return false;
    size_t n = short_len(key);
    size_t mask = m->cap - 1, j = find(m, key, n, hash_str(key, n));
    if (!m->slots[j].key) return false;
    free(m->slots[j].key);
    size_t hole = j;
    for (size_t k = (j + 1) & mask; m->slots[k].key; k = (k + 1) & mask) {
        size_t home = m->slots[k].hash & mask;
        bool in_range = hole <= k ? (home > hole && home <= k) : (home > hole || home <= k);
        if (!in_range) {
            m->slots[hole] = m->slots[k];
            hole = k;
        }
    }
    m->slots[hole].key = NULL;
    m->slots[hole].hash = 0;
    m->slots[hole].val = 0;
    m->slots[hole].len = 0;
    m->len--;
    return true;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char **strmap_keys(const strmap_t *m, size_t *n)
{
    *n = 0;
    if (!m->len) return NULL;
    const char **keys = malloc(m->len * sizeof *keys);
    if (!keys) return NULL;
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key) keys[(*n)++] = m->slots[i].key;
    qsort(keys, *n, sizeof *keys, cmp_str);
    return keys;
}
