#!/usr/bin/env bash
# Boots one real kernel under QEMU with the probe as /init and a batch of scenarios, and prints
# the probe's "@@PMU ..." lines (see the top of probe.c for both formats).
#
# Usage: run-batch.sh <kernel Image> <qemu-max|qemu-a57> <batch.txt>
# Environment:
#   PROBE=<path>        use this probe binary instead of building one (default: build into
#                       <repo>/.cache/kernel-oracle/probe when the sources are newer)
#   BOOT_TIMEOUT=<s>    bound for the whole boot (default 60 + 0.2 s per scenario)
#   CONSOLE_LOG=<path>  keep the complete console output there
#   QEMU_ICOUNT=<opts>  -icount options (default shift=0; shift=0,sleep=off also keeps exact counts
#                       and skips idle periods in wall time)
#   KERNEL_APPEND=<s>   extra kernel command line (kvm-arm.mode=nested for nested VMs on 7.2)
#   QEMU=<binary>       the QEMU to run (default qemu-system-aarch64; QEMU 10 for nested:
#                       <repo>/.cache/qemu-10/usr/bin/qemu-system-aarch64, see setup-kernel-oracle.sh)
#   QEMU_CPU=<model>    override the preset's -cpu value
# The kernel command line adds cryptomgr.notests to the note's: the crypto self-tests otherwise run
# in the background during the first second(s) and halve the throughput (no effect on KVM).
# Exit status: 0 when the end marker "@@PMU END <n>" was seen, 1 otherwise (also on timeout).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
die() { echo "run-batch.sh: $*" >&2; exit 1; }

[[ $# -eq 3 ]] || die "usage: run-batch.sh <kernel Image> <qemu-max|qemu-a57> <batch.txt>"
image=$1 preset=$2 batch=$3
[[ -r $image ]] || die "kernel image $image not readable"
[[ -r $batch ]] || die "batch file $batch not readable"
case $preset in
  qemu-max) cpu="max,pauth=off" ;;
  qemu-a57) cpu="cortex-a57" ;;
  *) die "unknown preset $preset (qemu-max or qemu-a57)" ;;
esac
qemu=${QEMU:-qemu-system-aarch64}
cpu=${QEMU_CPU:-$cpu}
command -v "$qemu" >/dev/null || die "$qemu missing (run scripts/setup-kernel-oracle.sh)"
qemu_data=()
[[ -d $(dirname "$(command -v "$qemu")")/../share/qemu ]] && qemu_data=(-L "$(dirname "$(command -v "$qemu")")/../share/qemu")
command -v cpio >/dev/null || die "cpio missing (run scripts/setup-kernel-oracle.sh)"

probe=${PROBE:-}
if [[ -z $probe ]]; then
  probe="$repo/.cache/kernel-oracle/probe"
  stale=0
  [[ -x $probe ]] || stale=1
  for s in "$here"/*.c "$here"/*.h "$here"/*.S; do [[ $s -nt $probe ]] && stale=1; done
  if [[ $stale -eq 1 ]]; then
    "$here/build.sh" "$probe" || die "probe build failed"
  fi
fi
[[ -x $probe ]] || die "probe $probe missing"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root"
cp "$probe" "$work/root/init"
cp "$batch" "$work/root/batch.txt"
( cd "$work/root" && printf 'init\nbatch.txt\n' | cpio -o -H newc -R 0:0 --quiet ) | gzip -1 > "$work/initrd.gz"

scenarios=$(grep -c '^[[:space:]]*SCENARIO' "$batch" || true)
timeout_s=${BOOT_TIMEOUT:-$(( 60 + scenarios / 5 ))}
log="${CONSOLE_LOG:-$work/console.log}"

rc=0
TIMEFORMAT='%R %U %S'
{ time timeout --kill-after=5 "$timeout_s" "$qemu" "${qemu_data[@]}" \
  -M virt,virtualization=on,gic-version=3 -cpu "$cpu" -smp 1 -m 512 \
  -nographic -nic none -no-reboot -icount "${QEMU_ICOUNT:-shift=0}" \
  -kernel "$image" -initrd "$work/initrd.gz" \
  -append "console=ttyAMA0 rdinit=/init panic=-1 quiet loglevel=1 cryptomgr.notests${KERNEL_APPEND:+ $KERNEL_APPEND}" \
  </dev/null >"$log" 2>&1 ; } 2>"$work/time" || rc=$?

tr -d '\r' < "$log" | grep -a '^@@PMU ' || true
if ! tr -d '\r' < "$log" | grep -aq '^@@PMU END [0-9]'; then
  [[ $rc -eq 124 || $rc -eq 137 ]] && echo "run-batch.sh: timeout after ${timeout_s}s" >&2
  echo "run-batch.sh: no end marker (qemu exit $rc); last console lines:" >&2
  tr -d '\r' < "$log" | tail -n 20 >&2
  exit 1
fi
read -r wall usr sys < "$work/time" || true
awk -v w="$wall" -v u="$usr" -v s="$sys" \
  'BEGIN { printf "run-batch.sh: qemu wall %.2f s, cpu %.2f s (user %.2f + sys %.2f)\n", w, u + s, u, s }' >&2
