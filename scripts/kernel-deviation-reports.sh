#!/usr/bin/env bash
# Regenerates the report folder (pmuconf report) of every known-deviation repro,
# corpora/kernel-deviations/<KDn-name>/ beside its .pmu, on the first kernel the ledger lists for
# it. Run after changing the probe (the reproducers inline its sources) or a repro scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/Cli -c Release -v q >/dev/null
for f in corpora/kernel-deviations/KD*.pmu; do
  dotnet run --project src/Cli -c Release --no-build -- report "$f" | head -n 1 || true   # 1: a new disagreement, reported all the same
done
