/* cli.h — the otpsim command line: argument parsing, help texts, the output contract.
 *
 * Contract (design.md §4): `otpsim run` ends standard output with "seed: N" and
 * "trace-hash: <16 hex digits>"; a failing run prints "reproduce: <exact command>" just before
 * them. Exit codes: 0 pass, 1 a check failed, 2 usage or scenario error, 3 internal error. */
#ifndef HOST_CLI_H
#define HOST_CLI_H

/* Runs the command line; returns the process exit code. */
int host_cli_main(int argc, char **argv);

#endif
