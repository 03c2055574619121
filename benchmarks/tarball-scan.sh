#!/usr/bin/env bash
# Alternative C (`./build.sh PushScanned`: one kaniko build to a tarball, twistcli --tarball, the tarball's blobs
# pushed and read back) against one plain kaniko build+push of the same Dockerfile, side by side in one run.
#
#   benchmarks/tarball-scan.sh [rounds]      (default 3; KANIKO_IMAGE=<image> to pick the executor image)
#
# The Dockerfile is the one kaniko.md §8 measured A with: three 20 MB RUN layers and a small COPY, on a busybox
# base. Both sides run the kaniko stand-in through the real Docker engine (the container start cost is real), push
# to the same docker-registry on 127.0.0.1, and start each round with an empty layer cache and a new repository
# (cold). C also runs the twistcli stand-in on this host against the Console simulator, given with --twistcli-path
# (as a CI cache holds it; the first download from a Console adds about 3 s here). Prints each round, the
# medians and the ratio C / plain (aim: <= 1.10x). Everything it starts is stopped, its files removed at the end.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROUNDS=${1:-${ROUNDS:-3}}
DOCKER=/usr/bin/docker
WORK=$(mktemp -d /tmp/kanikobuild-bench-c.XXXXXX)
PIDS=()
cleanup() {
    # KEEP_LOGS=<dir> keeps every round's log (where C's time goes: each log line has its time).
    if [ -n "${KEEP_LOGS:-}" ]; then mkdir -p "$KEEP_LOGS"; cp "$WORK"/*.log "$KEEP_LOGS"/ 2>/dev/null || true; fi
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

need() { command -v "$1" >/dev/null || { echo "tarball-scan.sh needs $1 ($2)" >&2; exit 1; }; }
need docker-registry "apt-get install docker-registry"
need go "apt-get install golang-go"
need python3 "python3"
need curl "apt-get install curl"
[ -x /bin/busybox ] || { echo "tarball-scan.sh needs a static /bin/busybox (apt-get install busybox-static)" >&2; exit 1; }
KANIKO_IMAGE=${KANIKO_IMAGE:-$($DOCKER images --format '{{.Repository}}:{{.Tag}}' | grep -E '^kanikobuild(-test)?/kaniko-standin:' | grep -v ':latest$' | head -1)}
[ -n "$KANIKO_IMAGE" ] || { echo "No kaniko stand-in image in the engine: run ./build.sh Sandbox or the Pipeline tests once, or set KANIKO_IMAGE" >&2; exit 1; }
SIMULATOR="$ROOT/src/KanikoBuild.ConsoleSimulator/bin/Debug/net10.0/KanikoBuild.ConsoleSimulator.dll"
BUILD="$ROOT/build/bin/Debug/net10.0/_build.dll"
[ -f "$SIMULATOR" ] && [ -f "$BUILD" ] || { echo "Build first: dotnet build build/_build.csproj" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# Up once it answers at all (the simulator answers 401 before a login).
wait_for() { for _ in $(seq 1 150); do [ "$(curl -s -o /dev/null -w '%{http_code}' "$1")" != 000 ] && return 0; sleep 0.2; done; echo "$1 did not answer" >&2; exit 1; }

# One registry for both sides.
REG_PORT=$(free_port); mkdir -p "$WORK/registry/data"
cat >"$WORK/registry/config.yml" <<EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $WORK/registry/data
http:
  addr: 127.0.0.1:$REG_PORT
EOF
docker-registry serve "$WORK/registry/config.yml" >"$WORK/registry.log" 2>&1 & PIDS+=($!)
REG=127.0.0.1:$REG_PORT
wait_for "http://$REG/v2/"

# The Console simulator and the twistcli stand-in it serves.
(cd "$ROOT/standins/twistcli" && go build -o "$WORK/twistcli" .)
export CONSOLE_PASSWORD="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
CONSOLE_PORT=$(free_port)
python3 - "$WORK/scenario.json" "$ROOT/samples/feed-entries.json" "$WORK/twistcli" <<'EOF'
import json, os, sys
json.dump({"users": [{"username": "bench", "password": os.environ["CONSOLE_PASSWORD"], "role": "admin"}],
           "feedPath": sys.argv[2], "twistcliFiles": {"*": sys.argv[3]}, "scanDuration": "00:00:01"}, open(sys.argv[1], "w"))
EOF
chmod 600 "$WORK/scenario.json"
dotnet "$SIMULATOR" --scenario "$WORK/scenario.json" --urls "http://127.0.0.1:$CONSOLE_PORT" >"$WORK/simulator.log" 2>&1 & PIDS+=($!)
wait_for "http://127.0.0.1:$CONSOLE_PORT/api/v1/version"

kaniko() { $DOCKER run --rm --network host -v "$WORK/ctx:/workspace:ro" "$KANIKO_IMAGE" --context dir:///workspace --insecure --insecure-pull "$@"; }

# The base: a static busybox as /bin/sh, pushed once (not timed).
mkdir -p "$WORK/base"; cp /bin/busybox "$WORK/base/busybox"
printf 'FROM scratch\nCOPY busybox /bin/busybox\nCOPY busybox /bin/sh\n' >"$WORK/base/Dockerfile"
$DOCKER run --rm --network host -v "$WORK/base:/workspace:ro" "$KANIKO_IMAGE" --context dir:///workspace --dockerfile /workspace/Dockerfile \
    --destination "$REG/bench/busybox:1" --insecure >"$WORK/base.log" 2>&1

# The measured Dockerfile: three 20 MB RUN layers and a small COPY (kaniko.md §8).
mkdir -p "$WORK/ctx"; echo "kanikobuild benchmark" >"$WORK/ctx/app.txt"
cat >"$WORK/ctx/Dockerfile" <<'EOF'
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
ARG NONCE
RUN /bin/busybox dd if=/dev/urandom of=/layer1 bs=1048576 count=20 && echo "$NONCE" >/nonce1
RUN /bin/busybox dd if=/dev/urandom of=/layer2 bs=1048576 count=20
RUN /bin/busybox dd if=/dev/urandom of=/layer3 bs=1048576 count=20
COPY app.txt /app.txt
EOF

now() { date +%s.%N; }
plain=() ; ours=()
for round in $(seq 1 "$ROUNDS"); do
    # Cold: a new cache repository and destination every round, and a nonce so no layer is shared between rounds.
    nonce="r$round-$RANDOM"
    start=$(now)
    kaniko --dockerfile /workspace/Dockerfile --destination "$REG/plain/app$round:1" --cache=true --cache-repo "$REG/plain/cache$round" \
        --build-arg "BASE_IMAGE=$REG/bench/busybox:1" --build-arg "NONCE=$nonce-p" >"$WORK/plain-$round.log" 2>&1 \
        || { cat "$WORK/plain-$round.log" >&2; exit 1; }
    p=$(python3 -c "print($(now) - $start)")
    mkdir -p "$WORK/root-$round/.nuke"
    start=$(now)
    dotnet "$BUILD" PushScanned --root "$WORK/root-$round" --no-logo \
        --dockerfile "$WORK/ctx/Dockerfile" --context "$WORK/ctx" \
        --build-args "BASE_IMAGE=$REG/bench/busybox:1" "NONCE=$nonce-c" \
        --destination "$REG/scanned/app$round:1" --cache-repo "$REG/scanned/cache$round" \
        --kaniko-image "$KANIKO_IMAGE" --kaniko-runner docker --kaniko-network host \
        --console-url "http://127.0.0.1:$CONSOLE_PORT" --console-user bench --report-formats json --twistcli-path "$WORK/twistcli" \
        >"$WORK/c-$round.log" 2>&1 || { cat "$WORK/c-$round.log" >&2; exit 1; }
    c=$(python3 -c "print($(now) - $start)")
    plain+=("$p"); ours+=("$c")
    printf 'round %d: plain kaniko build+push %6.2f s   C (PushScanned) %6.2f s\n' "$round" "$p" "$c"
done

python3 - "${plain[*]}" "${ours[*]}" <<'EOF'
import statistics, sys
plain = [float(x) for x in sys.argv[1].split()]
ours = [float(x) for x in sys.argv[2].split()]
p, c = statistics.median(plain), statistics.median(ours)
print(f"median (cold, {len(plain)} rounds): plain {p:.2f} s, C {c:.2f} s, ratio C/plain {c / p:.2f}x (aim <= 1.10x)")
EOF
