/* u64map.c — open addressing with linear probing and backward-shift deletion. */
#include "u64map.h"

#include <stdlib.h>

#include "invariant.h"

static inline size_t slot_of(uint64_t k, size_t cap)
{
    k ^= k >> 33;
    k *= UINT64_C(0xff51afd7ed558ccd);
    k ^= k >> 33;
    return (size_t)k & (cap - 1);
}

void u64map_deinit(u64map_t *m)
{
    free(m->slots);
    u64map_init(m);
}

static int grow(u64map_t *m)
{
    size_t cap = m->cap ? m->cap * 2 : 16;
    u64map_slot_t *s = calloc(cap, sizeof *s);
    if (!s) return -1;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].key) continue;
        size_t j = slot_of(m->slots[i].key, cap);
        while (s[j].key) j = (j + 1) & (cap - 1);
        s[j] = m->slots[i];
    }
    free(m->slots);
    m->slots = s;
    m->cap = cap;
    return 0;
}

int u64map_put(u64map_t *m, uint64_t key, uint64_t val)
{
    SIM_ASSERT(key != 0);
    if ((m->len + 1) * 4 > m->cap * 3 && grow(m) != 0) return -1;
    size_t j = slot_of(key, m->cap);
    while (m->slots[j].key && m->slots[j].key != key) j = (j + 1) & (m->cap - 1);
    if (!m->slots[j].key) m->len++;
    m->slots[j].key = key;
    m->slots[j].val = val;
    return 0;
}

bool u64map_get(const u64map_t *m, uint64_t key, uint64_t *val)
{
    if (!m->cap || !key) return false;
    size_t j = slot_of(key, m->cap);
    while (m->slots[j].key) {
        if (m->slots[j].key == key) {
            if (val) *val = m->slots[j].val;
            return true;
        }
        j = (j + 1) & (m->cap - 1);
    }
    return false;
}

bool u64map_del(u64map_t *m, uint64_t key)
{
    if (!m->cap || !key) return false;
    size_t mask = m->cap - 1, j = slot_of(key, m->cap);
    while (m->slots[j].key && m->slots[j].key != key) j = (j + 1) & mask;
    if (!m->slots[j].key) return false;
    /* backward-shift: move later entries of the cluster into the hole when allowed */
    size_t hole = j;
    for (size_t k = (j + 1) & mask; m->slots[k].key; k = (k + 1) & mask) {
        size_t home = slot_of(m->slots[k].key, m->cap);
        /* k's entry may move to the hole if its home is not in (hole, k] cyclically */
        bool in_range = hole <= k ? (home > hole && home <= k) : (home > hole || home <= k);
        if (!in_range) {
            m->slots[hole] = m->slots[k];
            hole = k;
        }
    }
    m->slots[hole].key = 0;
    m->slots[hole].val = 0;
    m->len--;
    return true;
}
