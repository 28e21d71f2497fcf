/* dur.h — durations and instants as scenarios write them.
 *
 * A duration is a number of milliseconds (fractions allowed: 0.25 is 250 us) or a string of a
 * decimal number and a unit: "100ns", "250us", "20ms", "2s", "1.5s", "5m", "1h", "1d" (a string
 * without a unit is milliseconds). Strings are converted exactly (no binary floating point), to
 * whole nanoseconds, rounding half up. */
#ifndef HOST_DUR_H
#define HOST_DUR_H

#include <lua.h>
#include <stddef.h>

#include "sim/kernel/simtime.h"

/* What a duration looks like, for error messages. */
#include "base/duration.h"

#define HOST_DUR_HELP DURATION_HELP

/* Parses a duration string. Returns 0, or -1 if it is malformed, negative or overflows. */
int host_dur_parse(const char *s, size_t n, sim_time_t *out);

/* Converts a number of milliseconds. Returns 0, or -1 if negative, not finite or too large. */
int host_dur_from_ms(double ms, sim_time_t *out);

/* Reads the duration at stack index idx (a number or a string). Returns 0 or -1; never raises. */
int host_dur_get(lua_State *L, int idx, sim_time_t *out);

/* Like host_dur_get, but raises "fname: bad <what> <value> (HOST_DUR_HELP)" on failure. */
sim_time_t host_dur_check(lua_State *L, int idx, const char *fname, const char *what);

/* Formats t compactly ("0", "250us", "1.5s", "2m30s" style is not used: always one unit, the
 * largest that keeps at most 6 decimals exact). Writes at most n bytes, NUL-terminated. */
void host_dur_format(sim_time_t t, char *buf, size_t n);

/* Pushes t in milliseconds (what sim.now() and otp.now() return): an integer when t is a whole
 * number of milliseconds, otherwise a float. */
void host_dur_push_ms(lua_State *L, sim_time_t t);

#endif
