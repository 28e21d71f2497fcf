/* shrink.h — `otpsim shrink`: minimise a failing run's fault schedule (docs/reproducing.md). */
#ifndef HOST_SHRINK_H
#define HOST_SHRINK_H

extern const char host_shrink_usage[];

/* `otpsim shrink` with its arguments (after the word "shrink"); prog is argv[0]. */
int host_shrink_main(int argc, char **argv, const char *prog);

#endif
