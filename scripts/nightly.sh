#!/usr/bin/env bash
# Nightly campaign: AFL++ instances sharing a sync folder, `pmuconf check` shards, kernel-oracle
# shards, then a merge of the findings (deduplicated by their shrunk .pmu) and of the AFL corpus
# (afl-cmin). docs/nightly.md explains the one-machine and the many-machine (CI matrix) runs.
#
#   scripts/nightly.sh [--shards N] [--seconds S] [--out DIR] [--seed X] [--seeds DIR] [--target T]
#       one machine: every job below, shards of a kind side by side, then the merge
#   scripts/nightly.sh --job afl|check|kernel --shard I [--shards N] [--seconds S] [--out DIR] ...
#       one shard of one job (a CI matrix cell); its results land under DIR
#   scripts/nightly.sh --job merge [--out DIR]
#       merges whatever shard results are under DIR (CI: the downloaded artifacts)
#
# --seed is the master seed every check shard shares (default: the date, so a night is
# reproducible and nights differ). --seeds adds inputs for AFL (e.g. last night's merged corpus).
# --target is what the check shards compare with the model (default emulator; e.g. emulator:<defect>
# to see findings flow through the merge).
# Exit codes: 0 nothing found, 1 findings (listed in DIR/merged/findings.txt), 2 set-up error.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

shards=2 seconds=600 out=nightly-out job=all shard= seed=$(date -u +%Y%m%d) extra_seeds= target=emulator
kernel_generated=${PMUCONF_NIGHTLY_KERNEL_GENERATED:-300}
while [ $# -gt 0 ]; do
  case $1 in
    --shards) shards=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --job) job=$2; shift 2 ;;
    --shard) shard=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --seeds) extra_seeds=$(realpath "$2"); shift 2 ;;
    --target) target=$2; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "nightly.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
case $job in all|afl|check|kernel|merge) ;; *) echo "nightly.sh: --job is afl, check, kernel or merge" >&2; exit 2 ;; esac
if [ "$job" != all ] && [ "$job" != merge ] && ! [[ $shard =~ ^[0-9]+$ && $shard -lt $shards ]]; then
  echo "nightly.sh: --job $job needs --shard I with 0 <= I < --shards ($shards)" >&2; exit 2
fi
mkdir -p "$out"
out=$(realpath "$out")
harness=$root/fuzz/Pmu.Harness/bin/Release/net10.0/pmuconf-fuzz
harness_afl=$root/fuzz/Pmu.Harness/bin/Release/net10.0/afl/pmuconf-fuzz   # SharpFuzz's probes (fuzz/README.md)
pmuconf=$root/src/Cli/bin/Release/net10.0/pmuconf
campaign=$out/afl/differential     # the harness's campaign layout: seeds/, afl/<instance>/, findings/

log() { printf '[nightly %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

build() {
  log "build (Release): pmuconf and the instrumented fuzz harness"
  dotnet build src/Cli -c Release --nologo -v q >/dev/null
  dotnet build fuzz/Pmu.Harness -c Release --nologo -v q >/dev/null
}

instance_name() { if [ "$1" -eq 0 ]; then echo main; else echo "s$1"; fi; }

# The campaign folder in the harness's layout (pmuconf fuzz uses the same): target, seeds/, afl/.
afl_prepare() {
  command -v afl-fuzz >/dev/null || { echo "nightly.sh: afl-fuzz missing (apt-get install -y afl++)" >&2; return 2; }
  mkdir -p "$campaign" "$out/afl"
  echo differential >"$campaign/target"
  [ -d "$campaign/seeds" ] || "$harness" seeds differential --out "$campaign/seeds" --corpora "$root/corpora" >/dev/null
}

# One AFL++ instance: shard 0 is the main (-M main), the others secondaries (-S s<i>). Instances
# on one machine share the sync folder $campaign/afl and exchange inputs through it; on other
# machines their queues arrive by copying (docs/nightly.md), which AFL++ then imports the same way.
# The harness's afl command sets AFL++ up (environment, -t, -V) and runs its SharpFuzz-instrumented copy.
afl_shard() {
  local i=$1 name seeds=$campaign/seeds
  name=$(instance_name "$i")
  if [ -n "$extra_seeds" ] && [ -d "$extra_seeds" ]; then
    seeds=$out/afl/seeds-$name
    mkdir -p "$seeds"
    cp -n "$campaign"/seeds/* "$extra_seeds"/* "$seeds"/ 2>/dev/null || true
  fi
  log "afl shard $i ($name): ${seconds}s"
  "$harness" afl differential --out "$campaign/afl" --seeds "$seeds" --jobs 1 --first-instance "$i" \
    --max-time "$seconds" --max-len 1024 >"$out/afl/$name.log" 2>&1 || {
    local code=$?
    # 3: AFL++ saved crashes or hangs (the report step decodes them); anything else is a set-up error.
    [ $code -eq 3 ] || { echo "nightly.sh: afl shard $i failed (exit $code), see $out/afl/$name.log" >&2; tail -5 "$out/afl/$name.log" >&2; return 2; }
  }
  grep -E "^  $name: " "$out/afl/$name.log" | sed 's/^  /[nightly] /'
}

# The harness's report step turns AFL's raw crashes and hangs into shrunk .pmu repros.
afl_report() {
  [ -d "$campaign/afl" ] || return 0
  mkdir -p "$out/findings/afl"
  "$harness" report differential --campaign "$campaign" --findings "$out/findings/afl" | tail -1
}

check_shard() {
  local i=$1 code=0
  log "check shard $i/$shards: ${seconds}s, master seed $seed"
  mkdir -p "$out/findings/check-$i"
  PMUCONF_FINDINGS=$out/findings/check-$i "$pmuconf" check --target "$target" --shard "$((i + 1))/$shards" --seconds "$seconds" --seed "$seed" \
    >"$out/check-$i.log" 2>"$out/check-$i.progress" || code=$?
  head -1 "$out/check-$i.log"
  [ $code -le 1 ] || { echo "nightly.sh: pmuconf check shard $i failed (exit $code)" >&2; return 2; }
}

kernel_shard() {
  local i=$1 code=0
  if ! "$pmuconf" kernel --help 2>/dev/null | grep -q -- '--shard'; then
    log "kernel shard $i/$shards: SKIPPED: this pmuconf kernel has no --shard option yet"
    echo "skipped: pmuconf kernel has no --shard option" >"$out/kernel-$i.log"
    return 0
  fi
  log "kernel shard $i/$shards: $kernel_generated generated scenarios per kernel and preset"
  mkdir -p "$out/findings/kernel-$i"
  PMUCONF_FINDINGS=$out/findings/kernel-$i "$pmuconf" kernel --shard "$((i + 1))/$shards" --generated "$kernel_generated" \
    >"$out/kernel-$i.log" 2>&1 || code=$?
  tail -3 "$out/kernel-$i.log"
  [ $code -le 1 ] || { echo "nightly.sh: pmuconf kernel shard $i failed (exit $code): see $out/kernel-$i.log" >&2; return 2; }
}

# Findings of every shard, deduplicated by the shrunk scenario (the .pmu without its comment
# lines, which hold times and seeds), and the union of the AFL queues minimised with afl-cmin.
merge() {
  local merged=$out/merged
  rm -rf "$merged"
  mkdir -p "$merged/findings"
  log "merge: findings"
  local kept=0 seen=0 file key
  declare -A keys=()
  while IFS= read -r -d '' file; do
    seen=$((seen + 1))
    key=$(grep -v '^[[:space:]]*#' "$file" | sed 's/[[:space:]]*$//' | grep -v '^$' | sha256sum | cut -c1-16)
    if [ -z "${keys[$key]:-}" ]; then
      keys[$key]=1
      kept=$((kept + 1))
      cp "$file" "$merged/findings/$key.pmu"
      echo "$key.pmu  from ${file#"$out"/}" >>"$merged/findings.txt"
    fi
  done < <(find "$out/findings" -name '*.pmu' -print0 2>/dev/null | sort -z)
  touch "$merged/findings.txt"
  log "merge: $seen repro file(s), $kept distinct"

  local queues=()
  mapfile -t queues < <(find "$out" -path "$merged" -prune -o -type d -name queue -path '*/afl/*' -print 2>/dev/null | sort)
  if [ ${#queues[@]} -gt 0 ] && command -v afl-cmin >/dev/null; then
    mkdir -p "$merged/corpus-all"
    for q in "${queues[@]}"; do
      find "$q" -maxdepth 1 -type f -name 'id:*' -exec sh -c 'for f; do cp "$f" "$0/$(sha256sum "$f" | cut -c1-16)"; done' "$merged/corpus-all" {} +
    done
    log "merge: afl-cmin over $(find "$merged/corpus-all" -type f | wc -l) queue inputs from ${#queues[@]} instance(s)"
    AFL_SKIP_BIN_CHECK=1 AFL_FORKSRV_INIT_TMOUT=60000 AFL_MAP_SIZE=65536 \
      afl-cmin -i "$merged/corpus-all" -o "$merged/corpus" -t 1000 -- "$harness_afl" afl-target differential --max-len 1024 \
      >"$merged/afl-cmin.log" 2>&1 || { echo "nightly.sh: afl-cmin failed, see $merged/afl-cmin.log" >&2; tail -5 "$merged/afl-cmin.log" >&2; return 2; }
    rm -rf "$merged/corpus-all"
    log "merge: minimised corpus: $(find "$merged/corpus" -type f | wc -l) input(s) in $merged/corpus"
  else
    log "merge: no AFL queue (or no afl-cmin): corpus not minimised"
  fi
  [ "$kept" -eq 0 ] || return 1
}

status=0
case $job in
  afl) build; afl_prepare; afl_shard "$shard"; afl_report ;;
  check) build; check_shard "$shard" ;;
  kernel) build; kernel_shard "$shard" ;;
  merge) build; merge || status=$? ;;
  all)
    build
    log "one machine: $shards shard(s) of each job, ${seconds}s each, into $out"
    afl_prepare
    pids=()
    for i in $(seq 0 $((shards - 1))); do afl_shard "$i" & pids+=($!); done
    for p in "${pids[@]}"; do wait "$p" || status=2; done
    afl_report
    pids=()
    for i in $(seq 0 $((shards - 1))); do check_shard "$i" & pids+=($!); done
    for p in "${pids[@]}"; do wait "$p" || status=2; done
    for i in $(seq 0 $((shards - 1))); do kernel_shard "$i" || status=2; done
    [ $status -eq 0 ] || { echo "nightly.sh: a shard failed (exit 2); merging what there is" >&2; }
    merge || { rc=$?; [ $status -ne 0 ] || status=$rc; }
    ;;
esac
if [ $status -eq 1 ]; then
  log "findings: $(wc -l <"$out/merged/findings.txt") distinct repro(s), listed in $out/merged/findings.txt"
fi
exit $status
