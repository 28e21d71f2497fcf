/* invariant.h — always-on assertions for broken invariants (programmer errors).
 *
 * A failed SIM_ASSERT prints the seed, virtual time and event number of the run in progress, runs
 * the registered cleanup (so no half-written output file is left behind), and exits with code 3,
 * the CLI's "internal error". Set OTPSIM_ABORT=1 to abort() instead, for a core dump or a
 * sanitizer stack. Expected failures (bad input, dead pid, full queue) are return codes, not
 * assertions. */
#ifndef SIM_INVARIANT_H
#define SIM_INVARIANT_H

#include <stdint.h>

#include <stdint.h>

/* Context printed on failure; the pointers are borrowed and read only at failure time.
 * Any may be NULL. */
void sim_invariant_context_set(uint64_t seed, const uint64_t *now_ns, const uint64_t *events);

/* Called once, before exiting, on an invariant failure. Replaces any previous cleanup. */
void sim_invariant_cleanup_set(void (*fn)(void *), void *ctx);

_Noreturn void sim_invariant_fail(const char *file, int line, const char *expr);

#define SIM_ASSERT(c) ((c) ? (void)0 : sim_invariant_fail(__FILE__, __LINE__, #c))

#endif
