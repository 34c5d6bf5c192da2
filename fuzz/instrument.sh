#!/usr/bin/env bash
# Instruments one assembly in place with SharpFuzz (called by Instrument.targets after each build):
#   instrument.sh <dotnet> <assembly.dll> [prefix | -prefix]...
# The sharpfuzz tool refuses an assembly it already instrumented; that is the idempotent case
# (an incremental build that did not copy the plain assembly again), so it is not an error.
set -uo pipefail
dotnet=$1 assembly=$2
shift 2
cd "$(dirname "$0")"
"$dotnet" tool restore >/dev/null || { echo "instrument.sh: 'dotnet tool restore' failed (SharpFuzz.CommandLine)" >&2; exit 1; }
if output=$("$dotnet" tool run sharpfuzz "$assembly" "$@" 2>&1); then
  echo "instrument.sh: instrumented $(basename "$assembly")"
elif grep -q 'already instrumented' <<<"$output"; then
  echo "instrument.sh: $(basename "$assembly") was already instrumented"
else
  echo "instrument.sh: sharpfuzz failed on $assembly: $output" >&2
  exit 1
fi
