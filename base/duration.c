/* duration.c — exact parsing of duration strings; see duration.h. */
#include "duration.h"

#include <string.h>

static const struct { const char *name; uint64_t ns; } units[] = {
    { "ns", UINT64_C(1) }, { "us", UINT64_C(1000) }, { "\xc2\xb5s", UINT64_C(1000) },
    { "ms", UINT64_C(1000000) }, { "s", UINT64_C(1000000000) }, { "m", 60 * UINT64_C(1000000000) },
    { "min", 60 * UINT64_C(1000000000) }, { "h", 3600 * UINT64_C(1000000000) }, { "d", 86400 * UINT64_C(1000000000) },
};

int duration_parse(const char *s, size_t n, uint64_t *out)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
    unsigned __int128 ip = 0, fp = 0, fscale = 1;
    size_t digits = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
        ip = ip * 10 + (unsigned)(s[i++] - '0');
        if (ip > UINT64_MAX) return -1;
        digits++;
    }
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            if (fscale < (unsigned __int128)1000000000000000000ULL) {
                fp = fp * 10 + (unsigned)(s[i] - '0');
                fscale *= 10;
            }
            i++;
            digits++;
        }
    }
    if (digits == 0) return -1;
    while (i < n && s[i] == ' ') i++;
    size_t ul = n - i;
    while (ul > 0 && s[i + ul - 1] == ' ') ul--;
    uint64_t unit = 0;
    if (ul == 0) {
        unit = UINT64_C(1000000);
    } else {
        for (size_t u = 0; u < sizeof units / sizeof units[0]; u++)
            if (strlen(units[u].name) == ul && memcmp(units[u].name, s + i, ul) == 0) unit = units[u].ns;
    }
    if (!unit) return -1;
    unsigned __int128 v = ip * unit + (fp * unit * 2 + fscale) / (2 * fscale);
    if (v > UINT64_MAX) return -1;
    *out = (uint64_t)v;
    return 0;
}

