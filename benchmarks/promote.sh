#!/usr/bin/env bash
# Promotion by digest vs `skopeo copy --all --preserve-digests`, on real docker-registry instances on 127.0.0.1.
#
#   benchmarks/promote.sh [rounds]        (default 3; env SIZES="500:10 1000:8" = MB:layers per image)
#
# Cases, each for every image size: between two registries (the destination starts empty every round), and
# between two prefixes of one registry (a new destination repository every round). Prints medians, ratios and
# the promotion's peak memory (Maximum resident set size of /usr/bin/time -v), process start included.
#
# By default the promotion is `./build.sh Promote --skip AwaitScan …` itself, the whole process a user runs (warm
# start, parameter binding, preflight and engine included; issue 15's figures). PROMOTE_VIA=cli runs it through
# benchmarks/promote-cli instead (the same PromoteCommand, without the engine), which also reports the blob bytes
# it uploaded; PROMOTE_BIN=<path> times another build of promote-cli. AOT_BIN=<path> adds a second "ours-aot" row per case, e.g. for
# `dotnet publish benchmarks/promote-cli -c Release -r linux-x64 -p:PublishAot=true -p:TreatWarningsAsErrors=false`.
# Everything lives under one temporary directory on /tmp, removed at the end (also on Ctrl-C).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROUNDS=${1:-${ROUNDS:-3}}
SIZES=${SIZES:-"500:10 1000:8"}
PROMOTE_VIA=${PROMOTE_VIA:-build}
[ -n "${PROMOTE_BIN:-}" ] && PROMOTE_VIA=cli
WORK=$(mktemp -d /tmp/kanikobuild-bench.XXXXXX)
RESULTS="$WORK/results.tsv"
PIDS=()

cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

need() { command -v "$1" >/dev/null || { echo "promote.sh needs $1 ($2)" >&2; exit 1; }; }
need docker-registry "apt-get install docker-registry"
need skopeo "apt-get install skopeo"
need python3 "python3"
need curl "apt-get install curl"
[ -x /usr/bin/time ] || { echo "promote.sh needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_registry NAME → sets REG_<NAME>_PORT, REG_<NAME>_PID; storage in $WORK/reg-NAME (wiped)
start_registry() {
    local name=$1 port dir
    port=$(free_port)
    dir="$WORK/reg-$name"
    rm -rf "$dir"; mkdir -p "$dir/data"
    cat >"$dir/config.yml" <<EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
EOF
    docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    for _ in $(seq 1 200); do
        curl -fs "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break
        sleep 0.05
    done
    curl -fs "http://127.0.0.1:$port/v2/" >/dev/null || { echo "registry $name did not start" >&2; cat "$dir/log" >&2; exit 1; }
    printf -v "REG_${name}_PORT" '%s' "$port"
    printf -v "REG_${name}_PID" '%s' "$pid"
}

stop_registry() {
    local name=$1 pidvar="REG_${1}_PID"
    kill "${!pidvar}" 2>/dev/null || true
    wait "${!pidvar}" 2>/dev/null || true
    rm -rf "$WORK/reg-$name"
}

# make_image MB LAYERS REPO → pushes an OCI image of random layers to the dev registry; prints its digest
make_image() {
    local mb=$1 layers=$2 repo=$3 dir="$WORK/oci-$1" per diffs="" descs="" i sha size
    rm -rf "$dir"; mkdir -p "$dir/blobs/sha256"
    per=$((mb / layers))
    for i in $(seq 1 "$layers"); do
        head -c "${per}M" /dev/urandom >"$dir/layer"
        sha=$(sha256sum "$dir/layer" | cut -d' ' -f1)
        size=$(stat -c %s "$dir/layer")
        mv "$dir/layer" "$dir/blobs/sha256/$sha"
        diffs+="${diffs:+,}\"sha256:$sha\""
        descs+="${descs:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$sha\",\"size\":$size}"
    done
    printf '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[%s]}}' "$diffs" >"$dir/config"
    sha=$(sha256sum "$dir/config" | cut -d' ' -f1); size=$(stat -c %s "$dir/config"); mv "$dir/config" "$dir/blobs/sha256/$sha"
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' "$sha" "$size" "$descs" >"$dir/manifest"
    sha=$(sha256sum "$dir/manifest" | cut -d' ' -f1); size=$(stat -c %s "$dir/manifest"); mv "$dir/manifest" "$dir/blobs/sha256/$sha"
    printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"latest"}}]}' "$sha" "$size" >"$dir/index.json"
    printf '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
    skopeo copy -q --preserve-digests --dest-tls-verify=false "oci:$dir:latest" "docker://127.0.0.1:$REG_dev_PORT/$repo:latest" >&2
    rm -rf "$dir"
    echo "sha256:$sha"
}

now() { date +%s.%N; }

# User + system CPU seconds of the last timed process: hardly depends on how busy the machine is, unlike wall time.
cpu_seconds() { awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.2f", u + s }' "$WORK/time.txt"; }

# CPU seconds the running registries have used so far (utime + stime from /proc): with the tools' own CPU time, this
# says where a promotion's work goes, however busy the machine is.
TICKS=$(getconf CLK_TCK)
registries_cpu() {
    local total=0 pid
    for pid in "${REG_dev_PID:-}" "${REG_prod_PID:-}"; do
        [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || continue
        total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat")))
    done
    echo "$total"
}
registries_cpu_since() { echo "scale=2; ($(registries_cpu) - $1) / $TICKS" | bc; }

# promote CASE ROUND DEV_SPEC PROD_SPEC REPO DIGEST TAG [TOOL BINARY]
promote() {
    local case=$1 round=$2 dev=$3 prod=$4 image=$5 digest=$6 tag=$7 tool=${8:-ours} bin=${9:-${CLI:-}} start end out="$WORK/promote.out" rss
    local args=(--dev-registry "$dev" --prod-registry "$prod" --image "$image" --image-digest "$digest" --tag "$tag") regcpu
    regcpu=$(registries_cpu)
    start=$(now)
    if [ "$PROMOTE_VIA" = build ] && [ "$tool" = ours ]; then
        /usr/bin/time -v -o "$WORK/time.txt" "$ROOT/build.sh" Promote --skip AwaitScan "${args[@]}" >"$out" 2>&1
    else
        /usr/bin/time -v -o "$WORK/time.txt" "$bin" "${args[@]}" >"$out" 2>&1
    fi || { echo "promotion failed:" >&2; cat "$out" >&2; exit 1; }
    end=$(now)
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
    local uploaded
    # promote-cli prints uploaded-bytes=N; the Promote target logs "… N blobs uploaded (X MiB|KiB|B) …".
    uploaded=$(sed -n 's/.*uploaded-bytes=\([0-9]*\).*/\1/p' "$out" | tail -1)
    [ -n "$uploaded" ] || uploaded=$(sed -n 's/.*blobs uploaded (\([0-9.]*\) \([KMG]*i*B\)).*/\1 \2/p' "$out" | tail -1 |
        awk '{ m = ($2 == "KiB") ? 1024 : ($2 == "MiB") ? 1048576 : ($2 == "GiB") ? 1073741824 : 1; if (NF) printf "%d", $1 * m }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$case" "$tool" "$round" "$(echo "$end - $start" | bc)" "$rss" "${uploaded:-?}" "$(cpu_seconds)" "$(registries_cpu_since "$regcpu")" >>"$RESULTS"
}

# skopeo_copy CASE ROUND SRC DST
skopeo_copy() {
    local case=$1 round=$2 src=$3 dst=$4 start end rss regcpu
    regcpu=$(registries_cpu)
    start=$(now)
    /usr/bin/time -v -o "$WORK/time.txt" skopeo copy -q --all --preserve-digests --src-tls-verify=false --dest-tls-verify=false \
        "docker://$src" "docker://$dst" >"$WORK/skopeo.out" 2>&1 || { cat "$WORK/skopeo.out" >&2; exit 1; }
    end=$(now)
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
    printf '%s\tskopeo\t%s\t%s\t%s\t-\t%s\t%s\n' "$case" "$round" "$(echo "$end - $start" | bc)" "$rss" "$(cpu_seconds)" "$(registries_cpu_since "$regcpu")" >>"$RESULTS"
}

verify() { # verify HOST/REPO:TAG DIGEST
    local got
    got="sha256:$(skopeo inspect --raw --tls-verify=false "docker://$1" | sha256sum | cut -d' ' -f1)"
    [ "$got" = "$2" ] || { echo "verification failed: $1 has $got, expected $2" >&2; exit 1; }
}

need bc "apt-get install bc"
if [ -n "${PROMOTE_BIN:-}" ]; then
    CLI=$PROMOTE_BIN   # another build of benchmarks/promote-cli
elif [ "$PROMOTE_VIA" = cli ]; then
    echo "Building benchmarks/promote-cli (Release)…" >&2
    dotnet build -c Release "$ROOT/benchmarks/promote-cli" -nologo -v q /nodeReuse:false >&2
    CLI="$ROOT/benchmarks/promote-cli/bin/Release/net10.0/promote-cli"
fi

if [ "$PROMOTE_VIA" = build ]; then
    # Compiles the build when an input changed (untimed), so that every timed run takes the warm path.
    "$ROOT/build.sh" --help --no-logo >/dev/null
fi
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
start_registry dev
printf 'case\ttool\tround\tseconds\tmax_rss_kb\tuploaded_bytes\tcpu_seconds\tregistry_cpu_seconds\n' >"$RESULTS"
for spec in $SIZES; do
    mb=${spec%%:*}; layers=${spec##*:}
    echo "Creating a ${mb} MB image in $layers layers…" >&2
    digest=$(make_image "$mb" "$layers" "dev/bench$mb")
    dev="127.0.0.1:$REG_dev_PORT"
    for round in $(seq 1 "$ROUNDS"); do
        echo "  ${mb} MB, round $round/$ROUNDS" >&2
        # Between two registries: the destination is empty every time, for both tools. The order alternates.
        for tool in $( [ $((round % 2)) = 1 ] && echo "ours ${AOT_BIN:+ours-aot} skopeo" || echo "skopeo ${AOT_BIN:+ours-aot} ours"); do
            start_registry prod
            prod="127.0.0.1:$REG_prod_PORT"
            if [ "$tool" = ours ]; then
                promote "cross-${mb}MB" "$round" "$dev/dev" "$prod/prod" "bench$mb" "$digest" "r$round"
                verify "$prod/prod/bench$mb:r$round" "$digest"
            elif [ "$tool" = ours-aot ]; then
                promote "cross-${mb}MB" "$round" "$dev/dev" "$prod/prod" "bench$mb" "$digest" "r$round" ours-aot "$AOT_BIN"
                verify "$prod/prod/bench$mb:r$round" "$digest"
            else
                skopeo_copy "cross-${mb}MB" "$round" "$dev/dev/bench$mb@$digest" "$prod/prod/bench$mb:r$round"
            fi
            stop_registry prod
        done
        # Two prefixes of one registry: a new destination repository each time.
        promote "same-${mb}MB" "$round" "$dev/dev" "$dev/prod/ours$round" "bench$mb" "$digest" "r$round"
        verify "$dev/prod/ours$round/bench$mb:r$round" "$digest"
        if [ -n "${AOT_BIN:-}" ]; then
            promote "same-${mb}MB" "$round" "$dev/dev" "$dev/prod/aot$round" "bench$mb" "$digest" "r$round" ours-aot "$AOT_BIN"
        fi
        skopeo_copy "same-${mb}MB" "$round" "$dev/dev/bench$mb@$digest" "$dev/prod/skopeo$round/bench$mb:r$round"
    done
    # A rerun of an already promoted image: process start, digest checks and tags only.
    for round in $(seq 1 "$ROUNDS"); do
        promote "rerun-${mb}MB" "$round" "$dev/dev" "$dev/prod/ours1" "bench$mb" "$digest" "r1"
        [ -z "${AOT_BIN:-}" ] || promote "rerun-${mb}MB" "$round" "$dev/dev" "$dev/prod/ours1" "bench$mb" "$digest" "r1" ours-aot "$AOT_BIN"
    done
done

python3 - "$RESULTS" "$LOAD_BEFORE" "$(cut -d' ' -f1-3 /proc/loadavg)" "$(nproc)" "$PROMOTE_VIA" <<'EOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
aims = []
cases = list(dict.fromkeys(r["case"] for r in rows))
tools = [t for t in dict.fromkeys(r["tool"] for r in rows) if t != "skopeo"]
def pick(case, tool, key):
    return [float(r[key]) for r in rows if r["case"] == case and r["tool"] == tool and r[key] not in ("-", "?", "")]
print(f"\n{'case':<16}{'tool':<10}{'median (s)':>11}{'skopeo (s)':>12}{'ours/skopeo':>13}{'ours-skopeo':>13}{'peak RSS':>11}{'skopeo RSS':>12}{'uploaded':>12}{'CPU ours/skopeo':>18}{'registries CPU':>18}")
for case in cases:
    theirs = pick(case, "skopeo", "seconds")
    smed = statistics.median(theirs) if theirs else None
    srss = max(pick(case, "skopeo", "max_rss_kb")) / 1024 if theirs else None
    for tool in tools:
        ours = pick(case, tool, "seconds")
        if not ours:
            continue
        med = statistics.median(ours)
        rss = max(pick(case, tool, "max_rss_kb")) / 1024
        up = pick(case, tool, "uploaded_bytes")
        ours_cpu, their_cpu = pick(case, tool, "cpu_seconds"), pick(case, "skopeo", "cpu_seconds")
        ours_reg, their_reg = pick(case, tool, "registry_cpu_seconds"), pick(case, "skopeo", "registry_cpu_seconds")
        reg = f"{statistics.median(ours_reg):.2f}/{statistics.median(their_reg):.2f} s" if ours_reg and their_reg else (f"{statistics.median(ours_reg):.2f} s" if ours_reg else "-")
        cpu = f"{statistics.median(ours_cpu):.2f}/{statistics.median(their_cpu):.2f} s" if ours_cpu and their_cpu else (f"{statistics.median(ours_cpu):.2f} s" if ours_cpu else "-")
        print(f"{case:<16}{tool:<10}{med:>11.2f}{(f'{smed:.2f}' if smed else '-'):>12}{(f'{med/smed:.2f}x' if smed else '-'):>13}"
              f"{(f'{med-smed:+.2f} s' if smed else '-'):>13}{rss:>8.0f} MB{(f'{srss:.0f} MB' if srss else '-'):>12}{(f'{max(up)/1e6:.1f} MB' if up else '?'):>12}"
              f"{cpu:>18}{reg:>18}")
        # Issue 15's aims: across registries <= 0.80x skopeo's time; within one registry <= skopeo + 0.10 s; peak RSS <= 60 MB.
        if smed and case.startswith("cross-"):
            aims.append((f"{case} {tool}: time <= 0.80x skopeo", med / smed <= 0.80, f"{med/smed:.2f}x"))
        if smed and case.startswith("same-"):
            aims.append((f"{case} {tool}: time <= skopeo + 0.10 s", med - smed <= 0.10, f"{med-smed:+.2f} s"))
        aims.append((f"{case} {tool}: peak RSS <= 60 MB", rss <= 60, f"{rss:.0f} MB"))
print(f"\nrounds: {max(int(r['round']) for r in rows)}; times include process start; peak RSS is the largest over rounds; "
      "'uploaded' is the blob bytes the promotion sent (largest over rounds); ours/skopeo < 1 means ours is faster;\n"
      "CPU is the promoting process's user+system time, 'registries CPU' what the registries spent meanwhile (medians, ours/skopeo).")
print(f"promotion through: {'./build.sh Promote' if sys.argv[5] == 'build' else 'promote-cli'}; machine: {sys.argv[4]} cores, "
      f"load average {sys.argv[2]} before, {sys.argv[3]} after (figures are comparable when it stays below 2)")
print("\naims (issue 15):")
for name, met, value in aims:
    print(f"  {'met    ' if met else 'NOT met'}  {name:<48} {value}")
EOF
