#!/usr/bin/env bash
# PROVISIONAL bootstrap: the foundation issue replaces it (SDK install, warm path).
set -eo pipefail
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build "$SCRIPT_DIR/build/_build.csproj" /nodeReuse:false /p:UseSharedCompilation=false -nologo -clp:NoSummary --verbosity quiet
dotnet run --project "$SCRIPT_DIR/build/_build.csproj" --no-build -- "$@"
