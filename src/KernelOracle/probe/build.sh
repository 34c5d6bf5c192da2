#!/usr/bin/env bash
# Builds the kernel-oracle probe (static aarch64 binary, used as /init of the initramfs).
# Usage: build.sh <output path>        needs aarch64-linux-gnu-gcc (scripts/setup-kernel-oracle.sh)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: build.sh <output path>}"
cc="${CC_AARCH64:-aarch64-linux-gnu-gcc}"
command -v "$cc" >/dev/null || { echo "build.sh: $cc not found (run scripts/setup-kernel-oracle.sh)" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
"$cc" -static -O2 -pthread -Wall -Wextra -o "$tmp" "$here"/{probe,batch,kvm,guest,output,hostlog,check}.c "$here"/guest.S
aarch64-linux-gnu-strip "$tmp" 2>/dev/null || true
mv -f "$tmp" "$out"        # atomic: concurrent builds and runs never see a partial file
