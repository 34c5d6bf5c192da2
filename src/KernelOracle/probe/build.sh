#!/usr/bin/env bash
# Builds the kernel-oracle probe (static aarch64 binary, used as /init of the initramfs).
# Usage: build.sh <output path>        needs aarch64-linux-gnu-gcc (scripts/setup-kernel-oracle.sh)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: build.sh <output path>}"
cc="${CC_AARCH64:-aarch64-linux-gnu-gcc}"
command -v "$cc" >/dev/null || { echo "build.sh: $cc not found (run scripts/setup-kernel-oracle.sh)" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
"$cc" -static -O2 -Wall -Wextra -o "$out" "$here/probe.c" "$here/guest.S"
aarch64-linux-gnu-strip "$out" 2>/dev/null || true
