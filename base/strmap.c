/* strmap.c — open addressing keyed by FNV-1a of the string, compared in full. */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

#include "prng.h"

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

static size_t find(const strmap_t *m, const char *key, uint64_t h)
{
    size_t j = h & (m->cap - 1);
    while (m->slots[j].key && !(m->slots[j].hash == h && strcmp(m->slots[j].key, key) == 0))
        j = (j + 1) & (m->cap - 1);
    return j;
}

int strmap_put(strmap_t *m, const char *key, uint64_t val)
{
    if ((m->len + 1) * 4 > m->cap * 3 && grow(m) != 0) return -1;
    uint64_t h = prng_fnv1a(key);
    size_t j = find(m, key, h);
    if (!m->slots[j].key) {
        char *k = strdup(key);
        if (!k) return -1;
        m->slots[j].key = k;
        m->slots[j].hash = h;
        m->len++;
    }
    m->slots[j].val = val;
    return 0;
}

bool strmap_get(const strmap_t *m, const char *key, uint64_t *val)
{
    if (!m->cap) return false;
    size_t j = find(m, key, prng_fnv1a(key));
    if (!m->slots[j].key) return false;
    if (val) *val = m->slots[j].val;
    return true;
}

bool strmap_del(strmap_t *m, const char *key)
{
    if (!m->cap) return false;
    size_t mask = m->cap - 1, j = find(m, key, prng_fnv1a(key));
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
