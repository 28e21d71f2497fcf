/* strmap.h — a hash map from strings to 64-bit values; the map owns copies of its keys.
 *
 * Used for registered names. Lookups only where order is observable; strmap_keys returns the
 * keys sorted, for listings (registered(), which_children...). */
#ifndef BASE_STRMAP_H
#define BASE_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct strmap_slot { uint64_t hash; char *key; uint64_t val; size_t len; } strmap_slot_t;

typedef struct strmap {
    strmap_slot_t *slots; /* key NULL = empty */
    size_t cap, len;
} strmap_t;

static inline void strmap_init(strmap_t *m) { m->slots = NULL; m->cap = m->len = 0; }
void strmap_deinit(strmap_t *m);

/* Inserts or replaces. Returns 0, or -1 when memory is exhausted. */
int strmap_put(strmap_t *m, const char *key, uint64_t val);
bool strmap_get(const strmap_t *m, const char *key, uint64_t *val);
bool strmap_del(strmap_t *m, const char *key);
/* The keys in strcmp order; a malloc'd array of borrowed pointers (valid until the next
 * change), count in *n. NULL with *n = 0 when empty or out of memory. */
const char **strmap_keys(const strmap_t *m, size_t *n);

#endif
