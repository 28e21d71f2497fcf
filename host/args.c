/* args.c — see args.h. */
#include "args.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int host_parse_u64(const char *s, uint64_t *out)
{
    if (!*s || *s == '-' || *s == '+') return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end) return -1;
    *out = v;
    return 0;
}

const char *host_arg_split(const char *a, char *opt, size_t n, const char **val)
{
    const char *eq = strchr(a, '=');
    if (a[0] != '-' || a[1] != '-' || !eq || (size_t)(eq - a) >= n) return a;
    size_t l = (size_t)(eq - a);
    memcpy(opt, a, l);
    opt[l] = 0;
    *val = eq + 1;
    return opt;
}

int host_arg_value(int argc, char **argv, int *i, const char **val)
{
    if (*val) return 0;
    if (*i + 1 >= argc) return -1;
    *val = argv[++*i];
    return 0;
}
