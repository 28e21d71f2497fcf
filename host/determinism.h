/* determinism.h — `otpsim run --check-determinism`: the same run twice, in two processes. */
#ifndef HOST_DETERMINISM_H
#define HOST_DETERMINISM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

typedef struct host_det_opts {
    const char *path;           /* scenario */
    uint64_t seed;
    const host_set_t *sets;
    size_t nsets;
    bool instr_given, mem_given, quiet;
    uint64_t max_instructions;
    size_t max_memory;
    bool perturb_second;        /* test only: the second run draws one extra random number */
} host_det_opts_t;

/* Runs the scenario twice as separate processes (/proc/self/exe run ...), each writing its
 * trace to a temporary file, and compares the traces event by event. The first run's output is
 * shown; on a mismatch the first divergent event is printed. Returns the run's exit code (0, 1,
 * 2) when both runs agree, 3 when they differ or a run could not be started. */
int host_check_determinism(const host_det_opts_t *o);

/* The hidden test hook (docs/reproducing.md): the observer that makes one extra draw from the
 * runtime's random stream when the run starts — a deliberate breach of determinism. */
extern const host_observer_t host_test_extra_draw_observer;

#endif
