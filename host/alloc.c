/* alloc.c — header-prefixed allocator for Lua states (see alloc.h). */
#include "alloc.h"

#include <stdlib.h>

#define HDR sizeof(uint64_t)

void *host_alloc_fn(void *ud, void *ptr, size_t osize, size_t nsize)
{
    host_alloc_t *a = ud;
    if (ptr == NULL) osize = 0; /* Lua passes a type tag in osize for new blocks */
    if (nsize == 0) {
        if (ptr) {
            free((char *)ptr - HDR);
            a->used -= osize;
        }
        return NULL;
    }
    if (nsize > osize && a->limit) {
        size_t want = a->used - osize + nsize;
        size_t cap = a->limit_hit ? a->limit + HOST_ALLOC_GRACE : a->limit;
        if (want > cap) {
            bool first = !a->limit_hit;
            a->limit_hit = true;
            if (first && a->on_limit) a->on_limit(a->on_limit_ctx);
            return NULL;
        }
    }
    uint64_t *blk;
    if (ptr) {
        blk = realloc((char *)ptr - HDR, nsize + HDR);
        if (!blk) return NULL;
    } else {
        blk = malloc(nsize + HDR);
        if (!blk) return NULL;
        blk[0] = ++a->serial;
    }
    a->used = a->used - osize + nsize;
    if (a->used > a->peak) a->peak = a->used;
    return blk + 1;
}
