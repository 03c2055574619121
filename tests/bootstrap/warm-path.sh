#!/usr/bin/env bash
# The bootstrap's warm path as a user meets it: a fresh clone, `./build.sh --help` twice. The first run
# compiles; the second must not (no SDK line, no MSBuild output, the stamp untouched), because compiling
# creates bin/ and obj/, which are outputs. Then a build input is added (the next run compiles), removed (the
# next run compiles again: a deleted source file changes the build too) and left alone (warm again).
#
#   tests/bootstrap/warm-path.sh [repository]     # default: this checkout; HEAD is what gets cloned
#
# Exits non-zero naming the step that went wrong. Run by BootstrapTests in KanikoBuild.Engine.Tests.
set -euo pipefail
SOURCE=$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")/../..}" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kanikobuild-bootstrap-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
CLONE="$WORK/clone"
STAMP="$CLONE/.nuke/temp/build.stamp"
SDK_LINE="Microsoft (R) .NET SDK version"

git clone --quiet "$SOURCE" "$CLONE"
cd "$CLONE"

function fail { echo "warm-path: $*" >&2; exit 1; }

# Runs ./build.sh --help; prints "compiled" or "warm" (the SDK line is printed only on the compiling path).
function run {
    local output
    output=$(./build.sh --help --no-logo 2>&1) || { echo "$output" >&2; fail "./build.sh --help failed"; }
    [[ "$output" == *"Targets"* ]] || { echo "$output" >&2; fail "./build.sh --help printed no help"; }
    if [[ "$output" == *"$SDK_LINE"* ]]; then echo compiled; else echo warm; fi
}

function stamp_state { [[ -f "$STAMP" ]] && echo "$(stat -c %Y.%y "$STAMP" 2>/dev/null || stat -f %m "$STAMP") $(cksum < "$STAMP")"; }

[[ $(run) == compiled ]] || fail "the first run in a fresh clone did not compile"
before=$(stamp_state) || fail "the first run wrote no stamp at $STAMP"
second=$(./build.sh --help --no-logo 2>&1)
[[ "$second" != *"$SDK_LINE"* ]] || { echo "$second" >&2; fail "the second run in a fresh clone compiled again"; }
[[ "$second" != *"warning MSB"* && "$second" != *"error MSB"* && "$second" != *"Restore"* ]] || { echo "$second" >&2; fail "the second run printed MSBuild output"; }
[[ $(stamp_state) == "$before" ]] || fail "the second run rewrote the stamp"

printf 'partial class Build\n{\n}\n' > build/Build.WarmPathProbe.cs
[[ $(run) == compiled ]] || fail "a new file under build/ did not trigger a compile"
rm build/Build.WarmPathProbe.cs
[[ $(run) == compiled ]] || fail "a removed file under build/ did not trigger a compile"
[[ $(run) == warm ]] || fail "the run after that compile was not warm"
echo "warm-path: a fresh clone compiles once; later runs compile only when an input is added, removed or edited"
