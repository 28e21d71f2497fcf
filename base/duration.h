/* duration.h — durations as people write them: "100ns", "250us", "20ms", "2s", "1.5s", "5m",
 * "1h", "1d" (a string without a unit is milliseconds). Converted exactly (decimal arithmetic,
 * no binary floating point) to whole nanoseconds, rounding half up. Shared by the scenario host
 * (sim.*) and the runtime (otp.*), so both accept the same strings. */
#ifndef BASE_DURATION_H
#define BASE_DURATION_H

#include <stddef.h>
#include <stdint.h>

#define DURATION_HELP \
    "a duration is a number of milliseconds or a string such as \"250us\", \"20ms\", \"2s\", \"5m\", \"1h\""

/* Parses s[0..n). Returns 0, or -1 if it is malformed, negative or overflows. */
int duration_parse(const char *s, size_t n, uint64_t *ns);

#endif
