/* args.h — small helpers the commands share for reading their command lines. */
#ifndef HOST_ARGS_H
#define HOST_ARGS_H

#include <stddef.h>
#include <stdint.h>

/* A decimal unsigned integer, the whole string (no sign). Returns 0, or -1. */
int host_parse_u64(const char *s, uint64_t *out);
/* "--name=value": copies "--name" into opt (size n) and points *val at "value", returning opt;
 * anything else is returned as it is, *val untouched. */
const char *host_arg_split(const char *a, char *opt, size_t n, const char **val);
/* An option's value: *val if host_arg_split found "=value", else the next argument (*i moves
 * past it). Returns 0, or -1 when there is none. */
int host_arg_value(int argc, char **argv, int *i, const char **val);
/* In an option loop over (argc, argv) with index i, current option a and value val: takes the
 * value, or runs `missing` (a usage message) and jumps to the loop's `out` label. */
#define HOST_ARG_VALUE(missing)                                                \
    do {                                                                       \
        if (host_arg_value(argc, argv, &i, &val) != 0) {                       \
            missing;                                                           \
            goto out;                                                          \
        }                                                                      \
    } while (0)

#endif
