/* alloc.c — header-prefixed allocator for Lua states (see alloc.h). */
#include "alloc.h"

#include <lua.h>
#include <stdlib.h>

#define HDR sizeof(uint64_t)
#define TAG_PROTO (LUA_NUMTYPES + 1) /* lobject.h: LUA_TPROTO */

void *host_alloc_fn(void *ud, void *ptr, size_t osize, size_t nsize)
{
    host_alloc_t *a = ud;
    size_t tag = 0;
    if (ptr == NULL) {
        tag = osize; /* Lua passes the type of a new object here, else 0 */
        osize = 0;
    }
    if (nsize == 0) {
        if (ptr) {
            uint64_t *blk = (uint64_t *)ptr - 1;
            if (blk[0] & 1) a->obj_bytes -= osize;
            free(blk);
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
        blk = realloc((uint64_t *)ptr - 1, nsize + HDR);
        if (!blk) return NULL;
        if (blk[0] & 1) a->obj_bytes = a->obj_bytes - osize + nsize;
    } else {
        blk = malloc(nsize + HDR);
        if (!blk) return NULL;
        if (tag == LUA_TTABLE || tag == LUA_TFUNCTION || tag == LUA_TUSERDATA || tag == LUA_TTHREAD) {
            blk[0] = (++a->serial << 1) | 1;
            a->obj_bytes += nsize;
        } else if (tag == LUA_TSTRING || tag == TAG_PROTO) {
            blk[0] = 1;
            a->obj_bytes += nsize;
        } else {
            blk[0] = 0;
        }
        if (a->obj_bytes > a->obj_peak) a->obj_peak = a->obj_bytes;
    }
    a->used = a->used - osize + nsize;
    if (a->used > a->peak) a->peak = a->used;
    return blk + 1;
}
