/* simtime.h — virtual time for the whole simulator.
 *
 * Virtual time is an unsigned 64-bit count of nanoseconds since the start of a run. It is never
 * a double: a double loses nanoseconds after about 104 days and rounds differently depending
 * on how it was computed, which would make results depend on expression order. */
#ifndef SIM_SIMTIME_H
#define SIM_SIMTIME_H

#include <stdint.h>

typedef uint64_t sim_time_t;

#define SIM_TIME_NS  ((sim_time_t)1)
#define SIM_TIME_US  ((sim_time_t)1000)
#define SIM_TIME_MS  ((sim_time_t)1000000)
#define SIM_TIME_S   ((sim_time_t)1000000000)
#define SIM_TIME_MAX UINT64_MAX

#endif
