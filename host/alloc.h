/* alloc.h — the Lua allocator: byte accounting, a memory limit, and allocation serials.
 *
 * Every block carries an 8-byte header holding a serial number assigned when the block was first
 * allocated (kept across reallocs). Lua objects (tables, closures, threads) sit at the start of
 * their block, so the serial gives every object a deterministic identity: pairs() over object
 * keys and tostring() of a table use it where stock Lua would use an address (design.md §5).
 *
 * The limit: once `used` would exceed `limit`, `limit_hit` is set and the allocation fails (Lua
 * raises a memory error). A further `HOST_ALLOC_GRACE` bytes stay available afterwards so the
 * host can unwind, build the error message and close the state. */
#ifndef HOST_ALLOC_H
#define HOST_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HOST_ALLOC_GRACE ((size_t)64 << 20)

typedef struct host_alloc {
    size_t used;        /* bytes Lua holds, headers excluded */
    size_t peak;
    size_t limit;       /* 0 = unlimited */
    uint64_t serial;    /* last serial handed out */
    bool limit_hit;
    void (*on_limit)(void *ctx); /* called once, when the limit is first hit; may read (not
                                    change) the Lua stack of the running thread */
    void *on_limit_ctx;
} host_alloc_t;

/* lua_Alloc; ud is a host_alloc_t*. */
void *host_alloc_fn(void *ud, void *ptr, size_t osize, size_t nsize);

/* The serial of the block that starts at `block` (must come from host_alloc_fn). */
static inline uint64_t host_alloc_serial(const void *block)
{
    return ((const uint64_t *)block)[-1];
}

#endif
