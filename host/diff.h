/* diff.h — `otpsim diff`: the first divergent event of two traces (docs/reproducing.md). */
#ifndef HOST_DIFF_H
#define HOST_DIFF_H

#include <stdio.h>

extern const char host_diff_usage[];

/* `otpsim diff` with its arguments (after the word "diff"). Exit code 0 identical, 1 diverge,
 * 2 usage error or unreadable input. */
int host_diff_main(int argc, char **argv);

/* Compares two trace files; prints the first divergent event with `context` events either side
 * and the events per kind to out, problems with the input to err. Labels name the traces in the
 * output (NULL: the paths). Returns 0 identical, 1 divergent, 2 unreadable/truncated/malformed. */
int host_diff_traces(const char *a_path, const char *b_path, const char *a_label, const char *b_label,
                     int context, FILE *out, FILE *err);

#endif
