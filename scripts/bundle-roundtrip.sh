#!/usr/bin/env bash
# The bundle round trip (issue 15, docs/real-hardware.md): writes a bundle, runs it inside a QEMU
# guest as a real arm64 machine would (the bundle's probe as /init, --ktap), judges its KTAP with
# --results, runs the same scenarios directly (pmuconf kernel), and compares the verdicts: the
# report lines without the boot statistics, the disagreements and the deviation table must be equal.
# Usage: scripts/bundle-roundtrip.sh [kernel] [generated]      (default debian-7.2 60)
set -euo pipefail
cd "$(dirname "$0")/.."
kernel=${1:-debian-7.2} generated=${2:-60}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pmuconf() { dotnet run --project src/Cli -c Release --no-build -- "$@"; }
dotnet build src/Cli -c Release -v q >/dev/null
profile=${kernel#debian-}
pmuconf kernel --bundle "$work/bundle" --kernel "$kernel" --generated "$generated" \
  --corpus corpora/kernel-deviations --corpus "corpora/kernel-facts/$profile"
pmuconf kernel --bundle "$work/bundle" --boot "$kernel" --results "$work/results.ktap"
pmuconf kernel --results "$work/results.ktap" --bundle "$work/bundle" > "$work/roundtrip.txt" || true
pmuconf kernel --kernel "$kernel" --corpus "$work/bundle/scenarios" --generated 0 > "$work/direct.txt" 2>/dev/null || true
# Verdicts only: no source label, no boot statistics, no findings file names, no PIDs in splats.
normalise() {
  grep -E '^kernel:|^  /|^  problem|^  not checkable|^  debian|^known deviations' "$1" \
    | sed -E 's/^kernel:([^ ]+) [^:]*: /kernel:\1: /; s/; [0-9]+ boot\(s\).*$//; s#init/[0-9]+#init/N#; s#PID: [0-9]+#PID: N#g; s#/tmp/[^ ]*/scenarios/##'
}
normalise "$work/roundtrip.txt" > "$work/a"
normalise "$work/direct.txt" > "$work/b"
if diff -u "$work/b" "$work/a"; then
  echo "round trip: same verdicts as the direct run ($(grep -c '' "$work/a") verdict lines)"
  head -n 1 "$work/a"
else
  echo "round trip: the verdicts differ (above: - direct run, + bundle results)"
  exit 1
fi
