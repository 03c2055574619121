#!/usr/bin/env bash
# AwaitScan against the Console simulator and a real docker-registry: requests per wait, and the time from
# the result appearing in the Console to the pipeline noticing it. Usage: benchmarks/await-scan.sh [real-scan-seconds]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dotnet run -c Release --project benchmarks/AwaitScanLatency -- "$@"
