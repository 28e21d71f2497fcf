#!/bin/sh
# coverage.sh — how often each check of a statistical scenario passes over many seeds, and what
# the seeds say together.
#
#   tests/load/coverage.sh SCENARIO.lua [FIRST_SEED [LAST_SEED]]     (default seeds 1..20)
#
# The queueing scenarios of tests/load/ check that theory lies in a 95 % batch-means confidence
# interval, so over many seeds each such check should pass about 95 % of the time (checks of
# exact invariants and of published numbers: always). For the checks that print "theory T ...,
# simulated M ± H", the seeds are also independent replications: the mean of their M with a 95 %
# interval (Student's t over the seeds) is a far more precise test of bias than one run. A check
# that passes much less often than 95 %, or whose replication interval misses the theory, points
# at a bias — in the simulator or in the scenario; one failing seed does not. Run this before
# concluding anything from a failure of tests/load after a change that moves the random draws.
set -eu
scenario=$1
first=${2:-1}
last=${3:-20}
bin=${OTPSIM_BIN:-bin/otpsim}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
seed=$first
while [ "$seed" -le "$last" ]; do
    # name <TAB> ok|FAIL <TAB> detail, one line per check
    "$bin" run "$scenario" --seed "$seed" --quiet 2>&1 |
        sed -n 's/^  \(ok\|FAIL\) *\([^:]*:[^:]*\): \(.*\)$/\2\t\1\t\3/p' >> "$tmp" || true
    seed=$((seed + 1))
done
echo "over seeds $first..$last: passes per check; replications: mean of the simulated values, 95 % CI over seeds"
awk -F'\t' '
function t975(df) { return df >= 30 ? 1.96 + 2.5 / df : t[df] }
BEGIN { split("12.706 4.303 3.182 2.776 2.571 2.447 2.365 2.306 2.262 2.228 2.201 2.179 2.160 2.145 2.131 2.120 2.110 2.101 2.093 2.086 2.080 2.074 2.069 2.064 2.060 2.056 2.052 2.048 2.045", t, " ") }
{
    if (!($1 in total)) names[++k] = $1
    total[$1]++
    if ($2 == "ok") ok[$1]++
    if (match($3, /theory [-0-9.e]+/)) {
        th[$1] = substr($3, RSTART + 7, RLENGTH - 7)
        if (match($3, /simulated [-0-9.e]+/)) {
            v = substr($3, RSTART + 10, RLENGTH - 10) + 0
            n[$1]++; s[$1] += v; ss[$1] += v * v
        }
    }
}
END {
    for (i = 1; i <= k; i++) {
        c = names[i]
        line = sprintf("  %3d/%-3d %s", ok[c], total[c], c)
        if (n[c] >= 2) {
            m = s[c] / n[c]; var = (ss[c] - n[c] * m * m) / (n[c] - 1); if (var < 0) var = 0
            h = t975(n[c] - 1) * sqrt(var / n[c])
            flag = (th[c] + 0 < m - h || th[c] + 0 > m + h) ? "  <-- theory outside" : ""
            line = line sprintf("   [theory %s, seeds %.6g ± %.3g%s]", th[c], m, h, flag)
        }
        print line
    }
}' "$tmp"
