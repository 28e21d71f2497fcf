/* perfetto.h — `otpsim run --perfetto FILE`: the trace as Chrome trace-event JSON, for Perfetto
 * (ui.perfetto.dev) and chrome://tracing (docs/reproducing.md). */
#ifndef HOST_PERFETTO_H
#define HOST_PERFETTO_H

#include <stdint.h>

#include "sim/kernel/simtime.h"
#include "sim/kernel/trace.h"

typedef struct host_perfetto host_perfetto_t;

host_perfetto_t *host_perfetto_new(void);
/* Fed every trace event as it is recorded (from a trace observer). */
void host_perfetto_begin(host_perfetto_t *p, uint64_t ev, sim_time_t t, const char *kind);
void host_perfetto_field(host_perfetto_t *p, const trace_field_t *f);
void host_perfetto_end(host_perfetto_t *p);
/* Writes the JSON file (via FILE.tmp and a rename); 0 or -1 (message printed). */
int host_perfetto_write(host_perfetto_t *p, const char *path);
void host_perfetto_free(host_perfetto_t *p);

#endif
