/* u64map.h — a hash map from non-zero 64-bit keys to 64-bit values (open addressing, linear
 * probing, backward-shift deletion: no tombstones).
 *
 * Used for the process table (pid -> process), aliases, timers. Never iterated where order is
 * observable: lookups only (iteration order would follow the hash). */
#ifndef BASE_U64MAP_H
#define BASE_U64MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct u64map_slot { uint64_t key, val; } u64map_slot_t;

typedef struct u64map {
    u64map_slot_t *slots; /* key 0 = empty */
    size_t cap, len;      /* cap is 0 or a power of two */
} u64map_t;

static inline void u64map_init(u64map_t *m) { m->slots = NULL; m->cap = m->len = 0; }
void u64map_deinit(u64map_t *m);

/* Inserts or replaces. key must be non-zero. Returns 0, or -1 when memory is exhausted. */
int u64map_put(u64map_t *m, uint64_t key, uint64_t val);
/* True and *val set if present (val may be NULL). */
bool u64map_get(const u64map_t *m, uint64_t key, uint64_t *val);
/* Removes; true if it was present. */
bool u64map_del(u64map_t *m, uint64_t key);

#endif
