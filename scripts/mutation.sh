#!/usr/bin/env bash
# Mutation testing with Stryker.NET (docs/mutation.md): mutates the emulator (src/SystemUnderTest)
# and/or the reference model (src/ReferenceModel) and runs the property suite against each mutant.
#
#   scripts/mutation.sh [emulator|model|all] [--snapshot] [-- <more dotnet-stryker options>]
#
# emulator (default) uses stryker/emulator.json, model stryker/model.json. Reports go to
# StrykerOutput/<name>/reports/ (mutation-report.html and .json) at the repository root.
#
# --snapshot copies the working tree (without bin/, obj/, .git/ and caches) to a temporary folder
# and mutates the copy. Stryker swaps mutated assemblies into properties/bin while it runs, so a
# `dotnet build` or `dotnet test` of the same checkout at the same time (another terminal, another
# agent) would overwrite them and spoil the run; the copy keeps the two apart.
#
# The property tests get a fixed budget so that every mutant meets the same cases:
# PMUCONF_PROPERTY_CASES (default 1000 cases per property) and PMUCONF_PROPERTY_SEED (default 1);
# set them to override.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

which=emulator
snapshot=false
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    emulator|model|all) which="$1" ;;
    --snapshot) snapshot=true ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "mutation.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

export PMUCONF_PROPERTY_CASES="${PMUCONF_PROPERTY_CASES:-1000}"
export PMUCONF_PROPERTY_SEED="${PMUCONF_PROPERTY_SEED:-1}"

work="$root"
if $snapshot; then
  base="$(mktemp -d "${TMPDIR:-/tmp}/pmuconf-mutation-XXXXXX")"
  work="$base/main"
  mkdir -p "$work"
  # The spec is read from ../shared beside the repository (properties/Corpus/RepositoryFiles.cs).
  if [ -d "$root/../shared" ]; then ln -s "$(cd "$root/../shared" && pwd)" "$base/shared"; fi
  tar -C "$root" --exclude=./.git --exclude=./.cache --exclude=bin --exclude=obj \
      --exclude=./StrykerOutput --exclude=./BenchmarkDotNet.Artifacts --exclude=./fuzz-out \
      --exclude=./findings -cf - . | tar -C "$work" -xf -
  echo "mutation.sh: mutating a snapshot in $work"
fi

cd "$work"
dotnet tool restore >/dev/null

run() {
  local name="$1"
  echo "mutation.sh: $name (PMUCONF_PROPERTY_CASES=$PMUCONF_PROPERTY_CASES PMUCONF_PROPERTY_SEED=$PMUCONF_PROPERTY_SEED) $(date -u +%H:%M:%S)"
  # Stryker runs from the test project's folder: at the repository root it would find the
  # solution and insist on solution mode.
  local reporters=()
  if [ ! -t 1 ]; then
    # Not a terminal (nohup, CI): a dot per mutant instead of the redrawn progress bar.
    reporters=(-r Dots -r Html -r Json -r ClearText)
  fi
  (cd properties && dotnet stryker -f "../stryker/$name.json" -O "$root/StrykerOutput/$name" "${reporters[@]}" "${extra[@]}")
}

case "$which" in
  emulator) run emulator ;;
  model) run model ;;
  all) run emulator; run model ;;
esac

if $snapshot; then
  rm -rf "$base"
fi
