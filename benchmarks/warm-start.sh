#!/usr/bin/env bash
# Warm start of the build: `./build.sh --help` (the bootstrap's warm path runs the compiled build directly)
# against `dotnet run --project build -- --help` (MSBuild's up-to-date check, then the same assembly).
# Both are measured in this one run, after one untimed run each so that both are warm. Prints medians.
#
#   benchmarks/warm-start.sh                 # 15 runs of build.sh, 5 of dotnet run
#   RUNS=30 DOTNET_RUN_RUNS=10 benchmarks/warm-start.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

RUNS=${RUNS:-15}
DOTNET_RUN_RUNS=${DOTNET_RUN_RUNS:-5}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# Runs "$@" N times, prints "median min max" in milliseconds.
function measure {
    local runs=$1; shift
    local samples=()
    for _ in $(seq 1 "$runs"); do
        local start end
        start=$(date +%s%N)
        "$@" >/dev/null 2>&1
        end=$(date +%s%N)
        samples+=($(( (end - start) / 1000000 )))
    done
    printf '%s\n' "${samples[@]}" | sort -n | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%d %d %d\n", m, a[1], a[NR] }'
}

echo "Warming up (compiles the build if anything changed)..."
./build.sh --help >/dev/null
dotnet run --project build -- --help >/dev/null

read -r bs_median bs_min bs_max < <(measure "$RUNS" ./build.sh --help)
read -r dr_median dr_min dr_max < <(measure "$DOTNET_RUN_RUNS" dotnet run --project build -- --help)

echo
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-45s %6s %8s %8s %8s\n' "command" "runs" "median" "min" "max"
printf '%-45s %6d %6d ms %5d ms %5d ms\n' "./build.sh --help" "$RUNS" "$bs_median" "$bs_min" "$bs_max"
printf '%-45s %6d %6d ms %5d ms %5d ms\n' "dotnet run --project build -- --help" "$DOTNET_RUN_RUNS" "$dr_median" "$dr_min" "$dr_max"
awk -v a="$bs_median" -v b="$dr_median" 'BEGIN { if (a > 0) printf "warm path is %.1fx faster\n", b / a }'
