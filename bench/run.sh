#!/usr/bin/env bash
# bench/run.sh — runs every benchmark at full size and prints what each measured.
# Usage: bench/run.sh BENCH_DIR OTPSIM_BIN
#   BENCH_DIR   directory holding the built bench_* programs (make bench builds build/bench)
#   OTPSIM_BIN  the otpsim binary, exported as $OTPSIM_BIN for benchmarks that drive the CLI
# The benchmarks (each bench/bench_*.c; `make test` runs each with --quick):
#   bench_evq      the kernel's event queue (hold model)
#   bench_load     one hour at 10,000 gen_server calls/s through the load generator's C fast path
#                  (bench/load_mmc.lua, an M/M/c model on three nodes): virtual s per wall s; the
#                  same model in SimPy (bench/mmc_simpy.py, if python3-simpy is installed)
#   bench_nemesis  100 nodes x 100 Lua processes with traffic under a swarm nemesis
#                  (bench/nemesis_cluster.lua): virtual s per wall s, peak RSS
#   bench_remote   ns per message hop across nodes (network model) vs on one node, C processes
#   bench_ring     ns per hop for Lua and C processes vs BEAM; spawn rate, bytes per process
#   bench_storm    supervisor restarts per second (bench/restart_storm.lua)
# Results measured on the reference machine are in docs/benchmarks.md.
# Benchmarks never decide pass/fail of the tests; this exits non-zero only if a benchmark could
# not run or reported an error, so a broken benchmark is noticed. Figures are wall-clock on a
# possibly shared machine: compare ratios within one run, not absolute numbers across runs.
set -u
if [ $# -ne 2 ]; then
  echo "usage: $0 BENCH_DIR OTPSIM_BIN" >&2
  exit 2
fi
bench_dir=$1
export OTPSIM_BIN=$2
if [ ! -d "$bench_dir" ]; then
  echo "$0: $bench_dir: no such directory (run make bench)" >&2
  exit 2
fi
shopt -s nullglob
benches=("$bench_dir"/bench_*)
if [ ${#benches[@]} -eq 0 ]; then
  echo "$0: no bench_* programs in $bench_dir (run make bench)" >&2
  exit 2
fi
echo "== $(uname -srm), $(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
failed=0
for b in "${benches[@]}"; do
  [ -f "$b" ] && [ -x "$b" ] || continue   # skips the compiler's .d files
  echo
  echo "== $(basename "$b")"
  "$b"
  rc=$?
  if [ $rc -ne 0 ]; then
    echo "$0: $(basename "$b") failed (exit $rc)" >&2
    failed=1
  fi
done
exit $failed
