#!/usr/bin/env bash
# tests/soak.sh N: runs the whole suite (./build.sh Test) N times in a row while a second whole suite runs beside
# it the whole time, from a copy of the same commit, so the machine is as loaded as a busy CI runner (or busier).
# A round passes when its ./build.sh Test exits 0; the loop stops at the first failing round. The suite beside
# only makes load: it is restarted whenever it ends, and its results are logged but do not count.
#
#   tests/soak.sh 10                 # ten rounds
#   SOAK_DEADLINE=03:05 tests/soak.sh 10   # no new round starts after 03:05 UTC
#
# Logs: artifacts/soak/round-<i>.log, artifacts/soak/beside-<j>.log, and artifacts/soak/summary.txt.
# The copy beside is a local clone of HEAD (a repository of its own, as the bootstrap's tests need: they clone
# it; no worktree, no change to this repository); uncommitted changes are in the rounds but not in the suite beside.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROUNDS=${1:?usage: tests/soak.sh N}
LOGS="$ROOT/artifacts/soak"
BESIDE=$(mktemp -d /tmp/kanikobuild-soak-beside-XXXXXX)
rmdir "$BESIDE"
mkdir -p "$LOGS"
: > "$LOGS/summary.txt"

say() { echo "[soak $(date -u +%H:%M:%S)] $*" | tee -a "$LOGS/summary.txt"; }

git clone --quiet --no-hardlinks "$ROOT" "$BESIDE" && git -C "$BESIDE" checkout --quiet --detach "$(git -C "$ROOT" rev-parse HEAD)" || exit 1

# The suite beside, over and over until the rounds are done, in a session of its own so that stopping it stops
# exactly what it started (its test hosts, registries and simulators) and nothing else.
export BESIDE LOGS
setsid bash -c '
    cd "$BESIDE" || exit 1
    j=0
    while [ ! -e "$BESIDE/.stop" ]; do
        j=$((j + 1))
        code=0
        ./build.sh Test > "$LOGS/beside-$j.log" 2>&1 || code=$?
        echo "[soak $(date -u +%H:%M:%S)] beside run $j exited $code" >> "$LOGS/summary.txt"
    done
' &
BESIDE_PID=$!

stop_beside() {
    touch "$BESIDE/.stop"
    kill -TERM -- "-$BESIDE_PID" 2>/dev/null
    wait "$BESIDE_PID" 2>/dev/null
    rm -rf "$BESIDE"
}
trap stop_beside EXIT

passed=0
for i in $(seq 1 "$ROUNDS"); do
    if [ -n "${SOAK_DEADLINE:-}" ] && [[ "$(date -u +%H:%M)" > "$SOAK_DEADLINE" ]]; then
        say "deadline $SOAK_DEADLINE reached before round $i"
        break
    fi
    say "round $i of $ROUNDS starts"
    start=$(date +%s)
    (cd "$ROOT" && ./build.sh Test) > "$LOGS/round-$i.log" 2>&1
    code=$?
    totals=$(grep -E "^(Tests|.*Total tests|.*passed|.*failed)" "$LOGS/round-$i.log" | tail -1)
    say "round $i exited $code after $(( $(date +%s) - start )) s: $totals"
    if [ "$code" -ne 0 ]; then
        say "round $i failed; failing tests:"
        grep -E "^\s*Failed [A-Za-z]|\[FAIL\]" "$LOGS/round-$i.log" | sort -u | tee -a "$LOGS/summary.txt"
        break
    fi
    passed=$i
done
say "$passed of $ROUNDS rounds passed in a row"
[ "$passed" -eq "$ROUNDS" ]
