#!/bin/sh
# Recording stand-in for /kaniko/executor, for the runner tests only (see RecorderImage.cs for what it cannot prove).
# It checks and records what it was given into <its folder>/recording (a writable mount at /kaniko/recording),
# prints log lines slowly, writes the output files it was asked for, and exits with the code the context asks for.
here=$(dirname "$0")
rec="$here/recording"
mkdir -p "$rec" || exit 70
: > "$rec/args"

context=""
dockerfile=""
digest_file=""
names_file=""
tar_path=""
oci_path=""
dests=""
for arg in "$@"; do
  printf '%s\n' "$arg" >> "$rec/args"
  case "$arg" in
    --context=dir://*) context=${arg#--context=dir://} ;;
    --context=*) context="" ;;
    --dockerfile=*) dockerfile=${arg#--dockerfile=} ;;
    --digest-file=*) digest_file=${arg#--digest-file=} ;;
    --image-name-with-digest-file=*) names_file=${arg#--image-name-with-digest-file=} ;;
    --tar-path=*) tar_path=${arg#--tar-path=} ;;
    --oci-layout-path=*) oci_path=${arg#--oci-layout-path=} ;;
    --destination=*) dests="$dests ${arg#--destination=}" ;;
    --secret=*)
      spec=${arg#--secret=}
      id=$(printf '%s' "$spec" | sed -n 's/^id=\([^,]*\),src=\(.*\)$/\1/p')
      src=$(printf '%s' "$spec" | sed -n 's/^id=\([^,]*\),src=\(.*\)$/\2/p')
      cp "$src" "$rec/secret-$id" || { echo "error: secret $id: cannot read $src" >&2; exit 66; } ;;
    --*=*|--*) ;;
    *) echo "error: unexpected argument '$arg' (every flag is passed as --name=value)" >&2; exit 64 ;;
  esac
done
[ -n "$digest_file" ] || { echo "error: no --digest-file" >&2; exit 65; }
[ -n "$dockerfile" ] || { echo "error: no --dockerfile" >&2; exit 65; }
if [ -n "$context" ] && [ ! -f "$dockerfile" ]; then echo "error: dockerfile $dockerfile not found" >&2; exit 65; fi

env | sort > "$rec/env"
cat /proc/self/mountinfo > "$rec/mountinfo" 2>/dev/null
if [ -n "${DOCKER_CONFIG:-}" ] && [ -f "${DOCKER_CONFIG%/}/config.json" ]; then
  cfg="${DOCKER_CONFIG%/}/config.json"
  cp "$cfg" "$rec/config.json"
  stat -c %a "$cfg" > "$rec/config-mode"
  stat -c %a "${DOCKER_CONFIG%/}" > "$rec/config-dir-mode"
  if touch -c "$cfg" 2>/dev/null; then echo writable > "$rec/config-access"; else echo readonly > "$rec/config-access"; fi
fi
tools="$here/kanikobuild"
if [ -d "$tools" ]; then
  ls -A "$tools" > "$rec/tools"
  [ -x "$tools/twistcli" ] && echo executable > "$rec/tools-twistcli"
  # What a scan step does: write its report under the mounted folder before the build fails.
  [ -d "$tools/out" ] && echo '{"results":[]}' > "$tools/out/scan.json"
fi

if [ -n "$context" ] && [ -f "$context/kaniko-lines" ]; then
  cat "$context/kaniko-lines" >&2
fi
i=1
while [ $i -le 3 ]; do
  echo "recorder: slow line $i"
  sleep 0.1
  i=$((i + 1))
done
echo "recorder: a line on stderr" >&2

if [ -n "$context" ] && [ -f "$context/await-ack" ]; then
  echo "recorder: waiting for ack"
  n=0
  while [ ! -f "$rec/ack" ]; do
    n=$((n + 1))
    [ $n -le 600 ] || { echo "error: no ack within 60 s: the runner did not stream this output" >&2; exit 98; }
    sleep 0.1
  done
  echo "recorder: got ack"
fi
if [ -n "$context" ] && [ -f "$context/hang" ]; then
  echo $$ > "$rec/pid"
  echo "recorder: hanging"
  while true; do sleep 1; done
fi

digest="sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
printf '%s' "$digest" > "$digest_file"
if [ -n "$names_file" ]; then
  : > "$names_file"
  for d in $dests; do
    last=${d##*/}
    case "$d" in
      *@*) repo=${d%%@*} ;;
      *) case "$last" in *:*) repo=${d%:*} ;; *) repo=$d ;; esac ;;
    esac
    printf '%s@%s\n' "$repo" "$digest" >> "$names_file"
  done
fi
[ -n "$tar_path" ] && echo "stand-in tarball" > "$tar_path"
if [ -n "$oci_path" ]; then mkdir -p "$oci_path/blobs" && echo '{"schemaVersion":2}' > "$oci_path/index.json"; fi

code=0
if [ -n "$context" ] && [ -f "$context/exit-code" ]; then code=$(cat "$context/exit-code"); fi
echo "recorder: exiting with $code"
exit "$code"
