/* main.c — the otpsim executable. */
#include "cli.h"

int main(int argc, char **argv) { return host_cli_main(argc, argv); }
