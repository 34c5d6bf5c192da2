#!/usr/bin/env bash
# Runs every examples/*.txt batch on every cached kernel and both presets and compares the result
# lines (R, NOTRUN, DONE, END) with examples/expected/<batch>.<kernel>.<preset>.txt, which were
# recorded from real kernels. --bless rewrites the expected files instead.
#
# Usage: check-examples.sh [--bless] [batch-name ...]     (default: all batches but throughput)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
bless=0
[[ ${1:-} == --bless ]] && { bless=1; shift; }
names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then
  for f in "$here"/examples/*.txt; do
    n=$(basename "$f" .txt)
    [[ $n == throughput ]] || names+=("$n")
  done
fi
mkdir -p "$here/examples/expected"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

probe="$repo/.cache/kernel-oracle/probe"
"$here/build.sh" "$probe"

jobs=()
for k in debian-6.1 debian-6.12 debian-7.2; do
  img="$repo/.cache/kernels/$k/Image"
  [[ -r $img ]] || { echo "missing $img (run scripts/setup-kernel-oracle.sh)" >&2; exit 1; }
  for p in qemu-max qemu-a57; do
    for n in "${names[@]}"; do jobs+=("$k $p $n"); done
  done
done

run_one() {
  local k=$1 p=$2 n=$3
  PROBE="$probe" "$here/run-batch.sh" "$repo/.cache/kernels/$k/Image" "$p" "$here/examples/$n.txt" \
    > "$out/$n.$k.$p.raw" 2> "$out/$n.$k.$p.err" || echo "FAIL" > "$out/$n.$k.$p.fail"
  grep -E '^@@PMU (R|NOTRUN|DONE|END) ' "$out/$n.$k.$p.raw" > "$out/$n.$k.$p.txt" || true
}

# two QEMUs at a time (two cores)
i=0
for j in "${jobs[@]}"; do
  run_one $j &
  i=$((i + 1))
  if (( i % 2 == 0 )); then wait; fi
done
wait

fail=0 pass=0
for j in "${jobs[@]}"; do
  set -- $j
  k=$1 p=$2 n=$3
  exp="$here/examples/expected/$n.$k.$p.txt"
  got="$out/$n.$k.$p.txt"
  if [[ -f $out/$n.$k.$p.fail ]]; then
    echo "FAIL $n $k $p: no end marker"; tail -n 5 "$out/$n.$k.$p.err" | sed 's/^/    /'
    fail=$((fail + 1)); continue
  fi
  if [[ $bless -eq 1 ]]; then
    cp "$got" "$exp"; echo "blessed $n $k $p"; pass=$((pass + 1))
  elif [[ ! -f $exp ]]; then
    echo "FAIL $n $k $p: no expected file $exp"; fail=$((fail + 1))
  elif diff -u "$exp" "$got" > "$out/diff"; then
    pass=$((pass + 1))
  else
    echo "FAIL $n $k $p:"; head -n 20 "$out/diff" | sed 's/^/    /'; fail=$((fail + 1))
  fi
done
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
