#!/usr/bin/env bash
# Warm start of the build: `./build.sh --help` (the bootstrap's warm path runs the compiled build directly)
# against `dotnet run --project build -- --help` (MSBuild's up-to-date check, then the same assembly).
# Both are measured in this one run, after one untimed run each so that both are warm. Prints medians.
#
#   benchmarks/warm-start.sh                 # 15 runs of build.sh, 5 of dotnet run
#   RUNS=30 DOTNET_RUN_RUNS=10 benchmarks/warm-start.sh
#   CALLGRIND=1 benchmarks/warm-start.sh     # also the instructions one `--help` executes (valgrind's callgrind:
#                                            # the same count however busy the machine is; apt-get install valgrind)
#
# The aim (issue 15): a warm `./build.sh --help` in at most 120 ms on an idle machine (load average below 2).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

RUNS=${RUNS:-15}
DOTNET_RUN_RUNS=${DOTNET_RUN_RUNS:-5}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# Median, min and max of numbers on stdin.
function stats {
    sort -n | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%d %d %d\n", m, a[1], a[NR] }'
}

# Runs "$@" N times; prints wall-clock "median min max" and the median CPU time (user + sys), in milliseconds.
# CPU time hardly depends on how busy the machine is; wall-clock time does.
TIME_FILE=$(mktemp)
trap 'rm -f "$TIME_FILE"' EXIT
function measure {
    local runs=$1; shift
    local wall=() cpu=()
    for _ in $(seq 1 "$runs"); do
        local start end
        start=$(date +%s%N)
        if [[ -x /usr/bin/time ]]; then
            /usr/bin/time -o "$TIME_FILE" -f "%U %S" "$@" >/dev/null 2>&1
            cpu+=($(awk '{ printf "%d", ($1 + $2) * 1000 }' "$TIME_FILE"))
        else
            "$@" >/dev/null 2>&1
            cpu+=(0)
        fi
        end=$(date +%s%N)
        wall+=($(( (end - start) / 1000000 )))
    done
    echo "$(printf '%s\n' "${wall[@]}" | stats) $(printf '%s\n' "${cpu[@]}" | stats | cut -d' ' -f1)"
}

echo "Warming up (compiles the build if anything changed)..."
./build.sh --help >/dev/null
dotnet run --project build -- --help >/dev/null

read -r bs_median bs_min bs_max bs_cpu < <(measure "$RUNS" ./build.sh --help)
read -r dr_median dr_min dr_max dr_cpu < <(measure "$DOTNET_RUN_RUNS" dotnet run --project build -- --help)
# A native tool's start, for scale (the issue's "< 20 ms"): skopeo (Go) when it is installed.
NATIVE=$(command -v skopeo || true)
[[ -z "$NATIVE" ]] || read -r nt_median nt_min nt_max nt_cpu < <(measure "$RUNS" "$NATIVE" --version)

echo
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-40s %5s %13s %9s %9s %14s\n' "command" "runs" "median wall" "min" "max" "median CPU"
printf '%-40s %5d %10d ms %6d ms %6d ms %11d ms\n' "./build.sh --help" "$RUNS" "$bs_median" "$bs_min" "$bs_max" "$bs_cpu"
printf '%-40s %5d %10d ms %6d ms %6d ms %11d ms\n' "dotnet run --project build -- --help" "$DOTNET_RUN_RUNS" "$dr_median" "$dr_min" "$dr_max" "$dr_cpu"
[[ -z "$NATIVE" ]] || printf '%-40s %5d %10d ms %6d ms %6d ms %11d ms\n' "skopeo --version (native, for scale)" "$RUNS" "$nt_median" "$nt_min" "$nt_max" "$nt_cpu"
awk -v a="$bs_median" -v b="$dr_median" 'BEGIN { if (a > 0) printf "warm path is %.1fx faster (median wall)\n", b / a }'
awk -v a="$bs_median" 'BEGIN { printf "aim (issue 15): warm ./build.sh --help <= 120 ms idle: %s (%d ms median)\n", (a <= 120) ? "met" : "NOT met", a }'

if [[ -n "${CALLGRIND:-}" ]]; then
    command -v valgrind >/dev/null || { echo "CALLGRIND=1 needs valgrind (apt-get install valgrind)" >&2; exit 1; }
    # The compiled build, as the warm path runs it (the stamp's dotnet), without the shell's few instructions.
    read -r stamped_dotnet < .nuke/temp/build.stamp
    out=$(mktemp -d)
    valgrind --tool=callgrind --callgrind-out-file="$out/cg.out" "$stamped_dotnet" build/bin/Debug/net10.0/_build.dll --help >/dev/null 2>"$out/log"
    instructions=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$out/log" | head -1)
    rm -rf "$out"
    printf '%-40s %5d %10s M instructions (callgrind, load-independent)\n' "dotnet _build.dll --help" 1 "$((instructions / 1000000))"
fi
