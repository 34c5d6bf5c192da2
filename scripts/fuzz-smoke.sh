#!/usr/bin/env bash
# Fuzz smoke run (issue 6): a fixed-seed in-process run of every fuzz target.
#   1. differential (model vs emulator), parser and explain must find nothing;
#   2. the differential target must find a divergence on the harness's own broken emulator
#      (selftest:swinc-lost: the mechanism works) and on at least PMUCONF_FUZZ_SMOKE_REQUIRED (3)
#      of the emulator's defect variants, each within the budget. Defect names that pmuconf does
#      not know (yet) are skipped with a message; the requirement is capped at the number known.
# Usage: scripts/fuzz-smoke.sh [defect-name ...]   (default: every emulator:<name> pmuconf knows
#        plus the names listed below)
# Environment: PMUCONF_FUZZ_SMOKE_SECONDS (per run, default 30), PMUCONF_FUZZ_SMOKE_REQUIRED (3),
#              PMUCONF_FUZZ_SMOKE_OUT (campaign folders; default a fresh temporary folder).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${PMUCONF_FUZZ_SMOKE_SECONDS:-30}"
required="${PMUCONF_FUZZ_SMOKE_REQUIRED:-3}"
out="${PMUCONF_FUZZ_SMOKE_OUT:-$(mktemp -d -t pmuconf-fuzz-smoke.XXXXXX)}"
expected_defects=(cycle-counter-as-swincr swincr-filtered pmceid-unfiltered hyp-uses-el1-bit)

mkdir -p "${out}"
echo "fuzz smoke: ${seconds} s per run, campaigns in ${out}"
dotnet build fuzz/Pmu.Harness -c Release --nologo -v q
dotnet build src/Cli -c Release --nologo -v q
harness=fuzz/Pmu.Harness/bin/Release/net10.0/pmuconf-fuzz
pmuconf() { dotnet src/Cli/bin/Release/net10.0/pmuconf.dll "$@"; }
# Repros of the deliberately found divergences go to the smoke folder, not the repository's findings/.
export PMUCONF_FINDINGS="${out}/findings"

failures=0

# Runs one fixed-seed campaign; prints its log to stdout and into $out/<name>.log.
run() { # name, expected exit code, pmuconf fuzz arguments...
  local name="$1" expected="$2"; shift 2
  local code=0
  pmuconf fuzz "$@" --seed 1 --seconds "${seconds}" --no-build --out "${out}/${name}" > "${out}/${name}.log" 2>&1 || code=$?
  tail -n 4 "${out}/${name}.log" | sed 's/^/    /'
  # Exit code 1 means new findings only if pmuconf says so (and not, say, a failed start).
  if [ "${expected}" = 1 ] && ! grep -q 'new finding(s) in' "${out}/${name}.log"; then return 1; fi
  return $(( code == expected ? 0 : 1 ))
}

# Seconds to the first finding, from the engine's "Exception at execution N (T s)" line.
first_finding() { grep -m1 -o 'at execution [0-9]* ([0-9.]*s)' "${out}/$1.log" || echo "(not found)"; }

echo "== correct emulator and parsers: nothing may be found"
for fn in differential parser explain; do
  echo "-- ${fn}"
  if ! run "${fn}" 0 --target-fn "${fn}"; then
    echo "FAIL: ${fn} found something (or failed): see ${out}/${fn}.log and ${out}/${fn}/findings"
    failures=$((failures + 1))
  fi
done

echo "== mechanism: the harness's broken emulator must be caught"
if run selftest 1 --target-fn differential --against selftest:swinc-lost --stop-on-finding; then
  echo "   selftest:swinc-lost: found $(first_finding selftest)"
else
  echo "FAIL: no divergence on selftest:swinc-lost: see ${out}/selftest.log"
  failures=$((failures + 1))
fi

echo "== defect variants: a divergence must be found on at least ${required}"
known=$("${harness}" opponents | sed -n 's/^emulator://p')
if [ "$#" -gt 0 ]; then candidates=("$@"); else mapfile -t candidates < <(printf '%s\n' ${known} "${expected_defects[@]}" | awk 'NF && !seen[$0]++'); fi
available=0; found=0
for defect in "${candidates[@]}"; do
  if ! grep -qx -- "${defect}" <<< "${known}"; then
    echo "   skip emulator:${defect}: pmuconf does not know this defect variant (not built yet?)"
    continue
  fi
  available=$((available + 1))
  if run "defect-${defect}" 1 --target-fn differential --against "emulator:${defect}" --stop-on-finding; then
    found=$((found + 1))
    echo "   emulator:${defect}: found $(first_finding "defect-${defect}")"
  else
    echo "   emulator:${defect}: NOT found within ${seconds} s"
  fi
done
needed=$(( available < required ? available : required ))
echo "   ${found} of ${available} available defect variant(s) found (required: ${needed})"
if [ "${found}" -lt "${needed}" ]; then
  echo "FAIL: too few defect variants found"
  failures=$((failures + 1))
fi

if [ "${failures}" -gt 0 ]; then
  echo "fuzz smoke: ${failures} failure(s)"
  exit 1
fi
echo "fuzz smoke: passed"
