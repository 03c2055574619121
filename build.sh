#!/usr/bin/env bash
# Bootstrap, Nuke style: find (or install) the .NET SDK that global.json asks for, compile build/ when it
# changed, run it with the arguments. The warm path (no input file of the compile added, removed or edited
# since the last successful compile: the files under build/ and src/, global.json, Directory.*.props and
# .targets, .editorconfig) runs the compiled build directly, without MSBuild: `./build.sh --help` then costs
# one runtime start-up.
set -eo pipefail
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

###########################################################################
# CONFIGURATION
###########################################################################

BUILD_PROJECT_FILE="$SCRIPT_DIR/build/_build.csproj"
BUILD_ASSEMBLY="$SCRIPT_DIR/build/bin/Debug/net10.0/_build.dll"
TEMP_DIRECTORY="$SCRIPT_DIR/.nuke/temp"
BUILD_STAMP="$TEMP_DIRECTORY/build.stamp"

DOTNET_GLOBAL_FILE="$SCRIPT_DIR/global.json"
DOTNET_INSTALL_URL="https://dot.net/v1/dotnet-install.sh"
DOTNET_CHANNEL="STS"
DOTNET_DIRECTORY="$TEMP_DIRECTORY/dotnet-unix"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

###########################################################################
# EXECUTION
###########################################################################

# A checksum of the compile's inputs: files only, never directories (a directory's mtime changes when the
# compile creates bin/ and obj/ in it) and nothing under bin/ or obj/ (outputs). With "newer", a file newer than
# the stamp is listed twice, so the sum differs from the one the stamp recorded when a file was edited since
# the last compile, and the listing itself makes it differ when one was added, removed or renamed. One walk of
# the tree and two small processes: this runs on the warm path of every run.
function input_checksum {
    local roots=("$SCRIPT_DIR/build" "$SCRIPT_DIR/src") file
    for file in "$DOTNET_GLOBAL_FILE" "$SCRIPT_DIR"/Directory.*.props "$SCRIPT_DIR"/Directory.*.targets \
        "$SCRIPT_DIR/.editorconfig" "$SCRIPT_DIR/NuGet.config" "$SCRIPT_DIR/nuget.config"; do
        [[ -f "$file" ]] && roots+=("$file")
    done
    if [[ "${1:-}" == newer ]]; then
        find "${roots[@]}" \( -name bin -o -name obj \) -prune -o -type f -print \( -newer "$BUILD_STAMP" -print \) 2>/dev/null | LC_ALL=C sort | cksum
    else
        find "${roots[@]}" \( -name bin -o -name obj \) -prune -o -type f -print 2>/dev/null | LC_ALL=C sort | cksum
    fi
}

function use_dotnet {
    DOTNET_EXE="$1"
    export DOTNET_EXE
    if [[ "$DOTNET_EXE" == "$DOTNET_DIRECTORY/"* ]]; then
        export DOTNET_ROOT="$DOTNET_DIRECTORY"
        export PATH="$DOTNET_DIRECTORY:$PATH"
    fi
}

# Warm path: the stamp holds the dotnet that compiled the build and the checksum of its inputs then; nothing
# changed since, so run it.
if [[ -f "$BUILD_STAMP" && -f "$BUILD_ASSEMBLY" && -z "${KANIKOBUILD_FORCE_COMPILE:-}" ]]; then
    STAMPED_DOTNET="" STAMPED_INPUTS=""
    { read -r STAMPED_DOTNET; read -r STAMPED_INPUTS; } < "$BUILD_STAMP" || true
    if [[ -x "$STAMPED_DOTNET" && -n "$STAMPED_INPUTS" && "$(input_checksum newer)" == "$STAMPED_INPUTS" ]]; then
        use_dotnet "$STAMPED_DOTNET"
        exec "$DOTNET_EXE" "$BUILD_ASSEMBLY" "$@"
    fi
fi

# 'dotnet --version' fails when global.json pins an SDK that is not installed (rollForward respected),
# so its exit code says whether the dotnet on PATH will do. It must run from the root to see global.json.
if [[ -x "$(command -v dotnet)" ]] && DOTNET_VERSION=$(cd "$SCRIPT_DIR" && dotnet --version 2>/dev/null); then
    use_dotnet "$(command -v dotnet)"
elif [[ -x "$DOTNET_DIRECTORY/dotnet" ]] && DOTNET_VERSION=$(cd "$SCRIPT_DIR" && "$DOTNET_DIRECTORY/dotnet" --version 2>/dev/null); then
    # Installed by an earlier run: no download, so this works offline.
    use_dotnet "$DOTNET_DIRECTORY/dotnet"
else
    mkdir -p "$TEMP_DIRECTORY"
    DOTNET_INSTALL_FILE="$TEMP_DIRECTORY/dotnet-install.sh"
    if command -v curl >/dev/null; then
        curl -Lsfo "$DOTNET_INSTALL_FILE" "$DOTNET_INSTALL_URL"
    else
        wget -qO "$DOTNET_INSTALL_FILE" "$DOTNET_INSTALL_URL"
    fi
    chmod +x "$DOTNET_INSTALL_FILE"

    # The first "version" in global.json (sed, not perl: minimal images have no perl).
    DOTNET_REQUESTED=$(sed -n 's/.*"version"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$DOTNET_GLOBAL_FILE" 2>/dev/null | head -n 1)
    if [[ -n "$DOTNET_REQUESTED" ]]; then
        "$DOTNET_INSTALL_FILE" --install-dir "$DOTNET_DIRECTORY" --version "$DOTNET_REQUESTED" --no-path
    else
        "$DOTNET_INSTALL_FILE" --install-dir "$DOTNET_DIRECTORY" --channel "$DOTNET_CHANNEL" --no-path
    fi
    use_dotnet "$DOTNET_DIRECTORY/dotnet"
    DOTNET_VERSION=$(cd "$SCRIPT_DIR" && "$DOTNET_EXE" --version)
fi

echo "Microsoft (R) .NET SDK version $DOTNET_VERSION"

# The stamp is taken before compiling (its time and the input checksum), so an edit made during the compile
# triggers the next one.
mkdir -p "$TEMP_DIRECTORY"
printf '%s\n%s\n' "$DOTNET_EXE" "$(input_checksum)" > "$BUILD_STAMP.new"
# 'msbuild -restore' is 'build' without the CLI's forced summary: silent unless something is wrong.
"$DOTNET_EXE" msbuild "$BUILD_PROJECT_FILE" -restore /nodeReuse:false /p:UseSharedCompilation=false -nologo -clp:NoSummary -verbosity:quiet
mv -f "$BUILD_STAMP.new" "$BUILD_STAMP"

exec "$DOTNET_EXE" "$BUILD_ASSEMBLY" "$@"
