/* dist.h — random distributions for scenarios: sim.const, sim.exp, sim.uniform, sim.lognormal.
 *
 * A distribution is a userdata with a :sample() method returning milliseconds (what otp.work
 * accepts) and a :mean(). All of them draw from the run's "dist" stream, so they are seeded by
 * --seed and an extra draw elsewhere (math.random, the scheduler) never shifts them. */
#ifndef HOST_DIST_H
#define HOST_DIST_H

#include <lua.h>

#include "base/prng.h"

/* Adds sim.const, sim.exp, sim.uniform and sim.lognormal to the table on top of the stack.
 * rng is borrowed for the life of L; *next_id numbers the userdata (their first field). */
void host_dist_open(lua_State *L, prng_t *rng, uint64_t *next_id);

#endif
