#!/usr/bin/env bash
# Fuzz smoke run (issue 6): a fixed-seed in-process run of every fuzz target.
#   1. differential (model vs emulator), parser and explain must find nothing;
#   2. the differential target must find a divergence on the harness's own broken emulator
#      (selftest:swinc-lost: the mechanism works) and on at least PMUCONF_FUZZ_SMOKE_REQUIRED (3)
#      of the emulator's defect variants, each within the budget (stopping at the first finding).
#      Defect names that pmuconf does not know (yet) are skipped with a message; the requirement is
#      capped at the number known.
# CI runs the quick set (about a minute): the four variants below. The nightly run sweeps every
# variant pmuconf knows: PMUCONF_FUZZ_SMOKE_DEFECTS=all (and a larger PMUCONF_FUZZ_SMOKE_SECONDS).
# Usage: scripts/fuzz-smoke.sh [defect-name ...]   (default: the quick set, or all, see above)
# Environment: PMUCONF_FUZZ_SMOKE_SECONDS (per run, default 10), PMUCONF_FUZZ_SMOKE_REQUIRED (3),
#              PMUCONF_FUZZ_SMOKE_DEFECTS (quick | all; default quick),
#              PMUCONF_FUZZ_SMOKE_OUT (campaign folders, kept; default a temporary folder, removed at the end).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${PMUCONF_FUZZ_SMOKE_SECONDS:-10}"
required="${PMUCONF_FUZZ_SMOKE_REQUIRED:-3}"
defect_set="${PMUCONF_FUZZ_SMOKE_DEFECTS:-quick}"
expected_defects=(cycle-counter-as-swincr swincr-filtered pmceid-unfiltered hyp-uses-el1-bit)
if [ -n "${PMUCONF_FUZZ_SMOKE_OUT:-}" ]; then
  out="${PMUCONF_FUZZ_SMOKE_OUT}"
else
  # Campaigns take tens of megabytes: a temporary folder is removed however the script ends.
  out="$(mktemp -d -t pmuconf-fuzz-smoke.XXXXXX)"
  trap 'rm -rf "${out}"' EXIT
fi
started=${SECONDS}

mkdir -p "${out}"
echo "fuzz smoke: ${seconds} s per run, campaigns in ${out}"
# Debug, as `dotnet test` builds it: in CI both builds are already done (an instrumented Release
# harness would cost another minute); a fixed-seed smoke run needs correctness, not speed.
dotnet build fuzz/Pmu.Harness --nologo -v q -clp:NoSummary
dotnet build src/Cli --nologo -v q -clp:NoSummary
harness=fuzz/Pmu.Harness/bin/Debug/net10.0/pmuconf-fuzz
pmuconf() { dotnet src/Cli/bin/Debug/net10.0/pmuconf.dll "$@"; }
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
  local ok=1
  if [ "${expected}" = 1 ] && ! grep -q 'new finding(s) in' "${out}/${name}.log"; then ok=0; fi
  if [ "${code}" != "${expected}" ]; then ok=0; fi
  if [ "${ok}" = 0 ]; then
    # The folder may be removed at the end: show more of the log now.
    echo "    --- last lines of ${name}.log (exit code ${code}, expected ${expected}) ---"
    tail -n 30 "${out}/${name}.log" | sed 's/^/    /'
    return 1
  fi
  return 0
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
if [ "$#" -gt 0 ]; then
  candidates=("$@")
elif [ "${defect_set}" = all ]; then
  mapfile -t candidates < <(printf '%s\n' ${known} "${expected_defects[@]}" | awk 'NF && !seen[$0]++')
else
  candidates=("${expected_defects[@]}")
fi
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
  echo "fuzz smoke: ${failures} failure(s) after $((SECONDS - started)) s"
  exit 1
fi
echo "fuzz smoke: passed in $((SECONDS - started)) s"
