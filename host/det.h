/* det.h — deterministic replacements for the parts of Lua 5.4 that vary between processes.
 *
 * Stock Lua randomises its string-hash seed (so pairs() order), seeds math.random from the clock,
 * picks table.sort pivots from the clock, and prints tables and functions as addresses. Each is
 * replaced here so that nothing a scenario can observe differs between two processes:
 *   pairs/next   visit keys in a fixed order: numbers ascending, then strings (bytewise), then
 *                false < true, then pids/refs (light userdata) by value, then tables, functions,
 *                userdata and threads in creation order (allocation serial, see alloc.h);
 *   tostring     "table: #12" (creation serial) instead of an address; string.format("%s")
 *                likewise; "%p" is refused;
 *   table.sort   a stable merge sort (so equal elements keep their order);
 *   math.random  xoshiro256** on the run's "lua.math" stream; math.randomseed(x) reseeds it;
 *   os           time/clock/date read the virtual clock (UTC); getenv returns nil;
 *   collectgarbage  the automatic collector is stopped; full collections run only at
 *                points that depend on the program alone (host_det_collect), so finalizers,
 *                weak tables and "count" (live object bytes) are the same in every process.
 * Every otpsim userdata type begins with a uint64_t id (its order among userdata keys). */
#ifndef HOST_DET_H
#define HOST_DET_H

#include <lua.h>
#include <stdint.h>

#include "alloc.h"
#include "sim/kernel/simtime.h"

/* Installs the replacements into the global table of L (base, string, table, math and os
 * libraries must already be open) and stops the automatic collector. `alloc` (L's allocator
 * state) and `now` are borrowed for the life of L; `seed` seeds math.random. Raises a Lua error
 * on memory exhaustion. */
void host_det_open(lua_State *L, host_alloc_t *alloc, uint64_t seed, const sim_time_t *now);

/* A full collection; records the live object bytes as the new pacing base. Call it where
 * host_alloc_gc_due says so, at points every process reaches alike (hooks, between events). */
void host_det_collect(lua_State *L, host_alloc_t *a);

/* Deterministic total order on two distinct table keys: <0, 0 or >0. Never calls Lua. */
int host_det_key_cmp(lua_State *L, int a, int b);

/* Pushes the deterministic text of the value at idx: its __tostring result if it has one,
 * otherwise the stock rendering with any address replaced by a creation serial. May call a
 * __tostring metamethod (and so raise). */
const char *host_det_tolstring(lua_State *L, int idx, size_t *len);

/* Pushes an iterator triple (fn, t, nil)-style for a deterministic traversal of the table at
 * idx, ignoring __pairs: calling the pushed function repeatedly yields key, value pairs in
 * host_det_key_cmp order and nil at the end. Pushes one value (the iterator closure). */
void host_det_push_iter(lua_State *L, int idx);

/* Advances the iterator at stack index iter: pushes key and value and returns 1, or pushes
 * nothing and returns 0 at the end. */
int host_det_iter_next(lua_State *L, int iter);

#endif
