#!/usr/bin/env bash
# Bootstrap, Nuke style: find (or install) the .NET SDK that global.json asks for, compile build/ when it
# changed, run it with the arguments. The warm path (nothing under build/, src/, global.json or
# Directory.*.props changed since the last successful compile) runs the compiled build directly, without
# MSBuild: `./build.sh --help` then costs one runtime start-up.
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

# Prints the first input that is newer than the stamp (bin/ and obj/ are outputs, not inputs).
function first_changed_input {
    find "$SCRIPT_DIR/build" "$SCRIPT_DIR/src" "$DOTNET_GLOBAL_FILE" "$SCRIPT_DIR"/Directory.*.props "$SCRIPT_DIR"/Directory.*.targets \
        \( -name bin -o -name obj \) -prune -o -newer "$BUILD_STAMP" -print -quit 2>/dev/null || true
}

function use_dotnet {
    DOTNET_EXE="$1"
    export DOTNET_EXE
    if [[ "$DOTNET_EXE" == "$DOTNET_DIRECTORY/"* ]]; then
        export DOTNET_ROOT="$DOTNET_DIRECTORY"
        export PATH="$DOTNET_DIRECTORY:$PATH"
    fi
}

# Warm path: the stamp holds the dotnet that compiled the build; nothing changed since, so run it.
if [[ -f "$BUILD_STAMP" && -f "$BUILD_ASSEMBLY" && -z "${KANIKOBUILD_FORCE_COMPILE:-}" ]]; then
    STAMPED_DOTNET=$(head -n 1 "$BUILD_STAMP")
    if [[ -x "$STAMPED_DOTNET" && -z "$(first_changed_input)" ]]; then
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

# The stamp is taken before compiling, so an edit made during the compile triggers the next one.
mkdir -p "$TEMP_DIRECTORY"
echo "$DOTNET_EXE" > "$BUILD_STAMP.new"
# 'msbuild -restore' is 'build' without the CLI's forced summary: silent unless something is wrong.
"$DOTNET_EXE" msbuild "$BUILD_PROJECT_FILE" -restore /nodeReuse:false /p:UseSharedCompilation=false -nologo -clp:NoSummary -verbosity:quiet
mv -f "$BUILD_STAMP.new" "$BUILD_STAMP"

exec "$DOTNET_EXE" "$BUILD_ASSEMBLY" "$@"
