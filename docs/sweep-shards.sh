#!/bin/sh
# sweep-shards.sh — a big seed sweep as N shards, under GNU parallel or a Slurm job array.
# (docs/reproducing.md, "Seed sweeps"). Every shard writes its own JSON result; the merge gives
# exactly the file one unsharded sweep would have written.
#
#   GNU parallel, on this machine or across machines (--sshlogin), 16 shards:
#     docs/sweep-shards.sh parallel scenarios/kv_cluster.lua 1..1000000 16 out/
#   Slurm (submit the array, then merge when it is done):
#     sbatch --array=1-16 docs/sweep-shards.sh slurm scenarios/kv_cluster.lua 1..1000000 16 out/
#     docs/sweep-shards.sh merge out/
set -eu
OTPSIM=${OTPSIM:-bin/otpsim}
mode=$1
case "$mode" in
parallel)
    scenario=$2 seeds=$3 n=$4 out=$5
    mkdir -p "$out"
    # each shard uses every core of its machine (--jobs defaults to the number of cores)
    parallel --will-cite -j 1 "$OTPSIM" sweep "$scenario" --seeds "$seeds" --shard {}/"$n" \
        --progress lines --json "$out"/shard-{}.json '>' "$out"/shard-{}.log ::: $(seq 1 "$n") || true
    exec "$OTPSIM" sweep --merge "$out"/shard-*.json --json "$out"/sweep.json ;;
slurm)
    scenario=$2 seeds=$3 n=$4 out=$5
    mkdir -p "$out"
    k=${SLURM_ARRAY_TASK_ID:?run under sbatch --array=1-N}
    exec "$OTPSIM" sweep "$scenario" --seeds "$seeds" --shard "$k/$n" --progress lines --json "$out/shard-$k.json" ;;
merge)
    out=$2
    exec "$OTPSIM" sweep --merge "$out"/shard-*.json --json "$out"/sweep.json ;;
*)
    echo "usage: $0 parallel|slurm SCENARIO SEEDS N OUTDIR | merge OUTDIR" >&2; exit 2 ;;
esac
