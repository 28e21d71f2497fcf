/* alloc.h — the Lua allocator: byte accounting, a memory limit, object serials, and the
 * deterministic object-byte count that drives garbage collection.
 *
 * Every block carries an 8-byte header. For a new Lua object (Lua passes the object's type in
 * osize when it creates one) the header holds (serial << 1 | 1): tables, functions, userdata and
 * threads get a serial in creation order; strings and prototypes get serial 0 but are marked.
 * Other blocks (table parts, stacks, buffers) have header 0.
 *
 * Why: stock Lua's table layout depends on a per-process string-hash seed and on addresses, so
 * the *number and size* of table-part allocations, and with them the collector's pacing, vary
 * between processes. Object creations do not: they follow the program. So identities come from
 * object serials (used where stock Lua would show an address), and the collector runs only at
 * deterministic points, paced by `obj_bytes` (the bytes of live marked objects) — see
 * host_alloc_gc_due.
 *
 * The limit: once `used` would exceed `limit`, `limit_hit` is set, `on_limit` is called once and
 * the allocation fails (Lua raises a memory error). A further HOST_ALLOC_GRACE bytes stay
 * available afterwards so the host can unwind, build the error message and close the state. */
#ifndef HOST_ALLOC_H
#define HOST_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HOST_ALLOC_GRACE ((size_t)64 << 20)
#define HOST_ALLOC_GC_MIN ((size_t)1 << 20)

typedef struct host_alloc {
    size_t used;        /* bytes Lua holds, headers excluded (varies between processes) */
    size_t peak;
    size_t limit;       /* 0 = unlimited */
    size_t obj_bytes;   /* bytes of live marked objects: deterministic */
    size_t obj_peak;
    size_t gc_base;     /* obj_bytes after the last full collection */
    uint64_t serial;    /* last object serial handed out */
    bool limit_hit;
    void (*on_limit)(void *ctx); /* called once, when the limit is first hit; may read (not
                                    change) the Lua stack of the running thread */
    void *on_limit_ctx;
} host_alloc_t;

/* lua_Alloc; ud is a host_alloc_t*. */
void *host_alloc_fn(void *ud, void *ptr, size_t osize, size_t nsize);

/* The creation serial of the object whose block starts at `block` (0 for non-objects). */
static inline uint64_t host_alloc_serial(const void *block)
{
    return ((const uint64_t *)block)[-1] >> 1;
}

/* True when enough object bytes were created since the last collection that a full collection
 * is due: obj_bytes >= 2 * max(gc_base, HOST_ALLOC_GC_MIN). Deterministic. */
static inline bool host_alloc_gc_due(const host_alloc_t *a)
{
    size_t base = a->gc_base > HOST_ALLOC_GC_MIN ? a->gc_base : HOST_ALLOC_GC_MIN;
    return a->obj_bytes >= 2 * base;
}

#endif
