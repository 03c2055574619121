#!/usr/bin/env bash
# Alternative A (ScanBuild, then the release build) against one plain kaniko build+push of the same Dockerfile
# (a small COPY and three 20 MB RUN layers on busybox), with the same executor image, through the real Docker
# engine and a real docker-registry on 127.0.0.1; cold and warm layer cache, interleaved round by round.
# Prints medians, the ratio A / plain, each executor container's wall time, and writes a per-line profile of
# the last round. Notes and figures: benchmarks/README.md.
#
#   benchmarks/alternative-a.sh [rounds] [profile-file]     (default 5 rounds; KANIKO_IMAGE=<image> for another executor;
#                                                           NO_BUILD=1 runs the Release build already there)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo "uptime before: $(uptime)"
dotnet run -c Release ${NO_BUILD:+--no-build} --project benchmarks/AlternativeA -- "$@"
echo "uptime after: $(uptime)"
