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

/* The parameters of the distribution at idx (kind: 0 const, 1 exp, 2 uniform, 3 lognormal; in
 * milliseconds, lognormal as mu and sigma of ln ms). Returns 0, or -1 if idx is not one. */
int host_dist_params(lua_State *L, int idx, int *kind, double *a, double *b);

#endif
