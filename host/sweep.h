/* sweep.h — `otpsim sweep`: a scenario over many seeds (docs/reproducing.md). */
#ifndef HOST_SWEEP_H
#define HOST_SWEEP_H

extern const char host_sweep_usage[];

/* `otpsim sweep` with its arguments (after the word "sweep"); prog is argv[0]. Exit code 0
 * every seed passed, 1 some seed failed or did not run, 2 usage error or unreadable input,
 * 3 internal error. */
int host_sweep_main(int argc, char **argv, const char *prog);

#endif
