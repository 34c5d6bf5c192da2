#!/usr/bin/env bash
# Sets up the "kernel oracle": the tools to build the aarch64 probe and boot real Debian arm64
# kernels under QEMU, and a cache of three kernels:
#
#   .cache/kernels/debian-6.1/{Image,version,package}    bookworm  (linux-image-arm64:arm64)
#   .cache/kernels/debian-6.12/{Image,version,package}   trixie    (isolated apt configuration)
#   .cache/kernels/debian-7.2/{Image,version,package}    sid       (isolated apt configuration)
#
# `version` holds the kernel release string (what `uname -r` prints), `package` the Debian
# package name and version the Image came from.
#
# It also provides QEMU 10 beside the system's QEMU 7.2, for nested virtualisation (FEAT_NV2,
# FEAT_HPMN0: behaviour.md section 8) on Debian 7.2:
#
#   .cache/qemu-10/usr/bin/qemu-system-aarch64 (+ usr/share/qemu, version)   bookworm-backports
#
# fetched with an isolated amd64 apt configuration (bookworm + bookworm-backports) and extracted
# with dpkg-deb -x: nothing is installed into the system; it runs with the system's libraries.
#
# Run as root on Debian 12 (x86-64). Idempotent: installed packages and cached kernels are kept;
# `apt-get update` runs at most once per invocation, and not at all when nothing is missing.
# The mirror for trixie/sid is taken at run time from the machine's own apt configuration.
#
# Usage: sudo scripts/setup-kernel-oracle.sh [--force]   (--force: fetch the kernels again)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$REPO/.cache/kernels"
QEMU10="$REPO/.cache/qemu-10"
FORCE=0
[[ "${1:-}" == "--force" ]] && FORCE=1

log()  { printf '[setup-kernel-oracle] %s\n' "$*" >&2; }
die()  { printf '[setup-kernel-oracle] ERROR: %s\n' "$*" >&2; exit 1; }
trap 'die "failed at line $LINENO (command: $BASH_COMMAND)"' ERR

[[ $(id -u) -eq 0 ]] || die "must run as root"
command -v apt-get >/dev/null || die "apt-get not found (Debian expected)"

export DEBIAN_FRONTEND=noninteractive
TOOLS=(qemu-system-arm gcc-aarch64-linux-gnu libc6-dev-arm64-cross cpio gzip binutils ca-certificates)

# kernel name -> Debian suite
declare -A SUITE=([debian-6.1]=bookworm [debian-6.12]=trixie [debian-7.2]=sid)
KERNELS=(debian-6.1 debian-6.12 debian-7.2)

# ---------------------------------------------------------------------------------------------
# What is missing?
missing_tools=()
for p in "${TOOLS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing_tools+=("$p")
done
need_arch=0
dpkg --print-foreign-architectures | grep -qx arm64 || need_arch=1
missing_kernels=()
for k in "${KERNELS[@]}"; do
  if [[ $FORCE -eq 1 || ! -s "$CACHE/$k/Image" || ! -s "$CACHE/$k/version" ]]; then
    missing_kernels+=("$k")
  fi
done

need_qemu10=0
if [[ $FORCE -eq 1 || ! -x "$QEMU10/usr/bin/qemu-system-aarch64" || ! -s "$QEMU10/version" ]] \
   || ! "$QEMU10/usr/bin/qemu-system-aarch64" --version >/dev/null 2>&1; then
  need_qemu10=1
fi

if [[ ${#missing_tools[@]} -eq 0 && $need_arch -eq 0 && ${#missing_kernels[@]} -eq 0 && $need_qemu10 -eq 0 ]]; then
  log "everything present:"
  for k in "${KERNELS[@]}"; do log "  $k: $(cat "$CACHE/$k/version")  ($CACHE/$k/Image)"; done
  log "  qemu 10: $(cat "$QEMU10/version")  ($QEMU10/usr/bin/qemu-system-aarch64)"
  exit 0
fi

# ---------------------------------------------------------------------------------------------
# Main apt: arm64 architecture, one update, the tools.
if [[ $need_arch -eq 1 ]]; then
  log "adding the arm64 architecture"
  dpkg --add-architecture arm64
fi
log "apt-get update"
apt-get update -q >/dev/null || die "apt-get update failed"
if [[ ${#missing_tools[@]} -gt 0 ]]; then
  log "installing: ${missing_tools[*]}"
  apt-get install -y -q --no-install-recommends "${missing_tools[@]}" >/dev/null \
    || die "apt-get install failed"
fi
command -v qemu-system-aarch64 >/dev/null || die "qemu-system-aarch64 missing after install"
command -v aarch64-linux-gnu-gcc >/dev/null || die "aarch64-linux-gnu-gcc missing after install"

[[ ${#missing_kernels[@]} -eq 0 && $need_qemu10 -eq 0 ]] && { log "kernels and QEMU 10 already cached"; exit 0; }

# ---------------------------------------------------------------------------------------------
# The machine's Debian mirror (never written into the repository).
find_mirror() {
  local codename uri
  codename="$(. /etc/os-release; echo "${VERSION_CODENAME:-bookworm}")"
  # 1) what apt itself uses for the main suite (after the update above)
  uri="$(apt-cache policy 2>/dev/null \
        | awk -v s=" $codename/main " 'index($0, s) && $2 ~ /^https?:/ {print $2; exit}')"
  # 2) the source files themselves (one-line and deb822 formats)
  if [[ -z "$uri" ]]; then
    uri="$( { grep -hsE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
               | sed -E 's/\[[^]]*\]//' | awk '{print $2}';
              grep -hsiE '^[[:space:]]*URIs:' /etc/apt/sources.list.d/*.sources \
               | sed -E 's/^[^:]*:[[:space:]]*//' | tr ' ' '\n'; } \
           | grep -E '^https?://' | grep -v -- '-security' | grep -E '/debian/?$' | head -n1)"
  fi
  [[ -n "$uri" ]] || return 1
  echo "${uri%/}"
}
MIRROR="$(find_mirror)" || die "cannot find a Debian mirror in the machine's apt sources"
log "Debian mirror from the machine's apt sources: $MIRROR"

KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
[[ -f $KEYRING ]] || die "$KEYRING missing (package debian-archive-keyring)"

WORK="$REPO/.cache/apt-work"
mkdir -p "$WORK" "$CACHE"

# Isolated apt for one suite: own source list, lists, cache; arm64 only; empty dpkg status.
# Sets the global array APT_ISO for the chosen suite.
setup_isolated_apt() {
  local suite=$1 d="$WORK/$1"
  mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/parts" "$d/prefs.d"
  echo "deb [arch=arm64 signed-by=$KEYRING] $MIRROR $suite main" > "$d/sources.list"
  APT_ISO=(-o "Dir::Etc::SourceList=$d/sources.list" -o "Dir::Etc::SourceParts=$d/parts"
           -o "Dir::Etc::PreferencesParts=$d/prefs.d" -o "Dir::Etc::Preferences=$d/preferences"
           -o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache"
           -o "Dir::State::status=/dev/null" -o "APT::Architectures=arm64"
           -o "APT::Architecture=arm64" -o "Acquire::Languages=none")
}

# Prints the image package(s) that the meta package `linux-image-arm64` depends on.
meta_target() {
  "${APT[@]}" -q depends "linux-image-arm64$ARCHQ" 2>/dev/null \
    | awk '/Depends: linux-image-/{print $2}' | sed 's/:arm64$//' | sort -u
}
pkg_exists() { "${APT[@]}" -q show "$1$ARCHQ" >/dev/null 2>&1; }
pkg_version() { "${APT[@]}" -q show "$1$ARCHQ" 2>/dev/null | awk '/^Version:/{print $2; exit}'; }

# Finds a vmlinuz in an extracted tree; prints its path.
find_vmlinuz() {
  find "$1" \( -path '*/boot/vmlinuz-*' -o -path '*/usr/lib/modules/*/vmlinuz*' \) -type f 2>/dev/null | head -n1
}

# Downloads package $1 into $2 and extracts it; prints the path of the vmlinuz, if any.
download_extract() {
  local pkg=$1 dest=$2
  rm -rf "$dest"; mkdir -p "$dest"
  ( cd "$dest" && "${APTGET[@]}" -o APT::Sandbox::User=root -q download "$pkg$ARCHQ" >&2 ) || return 1
  local deb; deb="$(ls "$dest"/*.deb | head -n1)"
  dpkg-deb -x "$deb" "$dest/x" || return 1
  find_vmlinuz "$dest/x"
}

fetch_kernel() {
  local name=$1 suite=${SUITE[$1]}
  log "== $name: Debian $suite =="
  if [[ $suite == bookworm ]]; then
    APT=(apt-cache); APTGET=(apt-get); ARCHQ=":arm64"
  else
    setup_isolated_apt "$suite"
    APT=(apt-cache "${APT_ISO[@]}"); APTGET=(apt-get "${APT_ISO[@]}"); ARCHQ=""
    log "apt-get update (isolated, $suite arm64)"
    apt-get "${APT_ISO[@]}" -q update >/dev/null 2>"$WORK/$suite/update.err" \
      || { cat "$WORK/$suite/update.err" >&2; die "isolated apt-get update for $suite failed"; }
  fi

  local targets; targets="$(meta_target)"
  [[ -n "$targets" ]] || die "$name: linux-image-arm64 in $suite has no linux-image-* dependency"
  local target; target="$(echo "$targets" | head -n1)"
  log "meta package linux-image-arm64 -> $target $(pkg_version "$target")"

  # Prefer the unsigned image (no EFI signature) and fall back to the signed one. Older suites:
  # linux-image-<abi>-unsigned; newer sid layout: linux-image-<abi> depends on linux-binary-<abi>,
  # whose unsigned twin is linux-binary-unsigned-<abi>.
  local candidates=() deps dep
  deps="$("${APT[@]}" -q depends "$target$ARCHQ" 2>/dev/null \
          | awk '/Depends: linux-binary-/{print $2}' | sed 's/:arm64$//' | sort -u)"
  pkg_exists "$target-unsigned" && candidates+=("$target-unsigned")
  for dep in $deps; do
    pkg_exists "${dep/linux-binary-/linux-binary-unsigned-}" \
      && candidates+=("${dep/linux-binary-/linux-binary-unsigned-}")
  done
  candidates+=("$target")
  for dep in $deps; do candidates+=("$dep"); done

  local tmp="$WORK/$name-extract" pkg vm=""
  for pkg in "${candidates[@]}"; do
    log "downloading $pkg $(pkg_version "$pkg")"
    vm="$(download_extract "$pkg" "$tmp")" || { log "  download of $pkg failed, trying the next"; vm=""; continue; }
    [[ -n "$vm" ]] && break
    log "  $pkg holds no vmlinuz, trying the next"
  done
  [[ -n "$vm" ]] || die "$name: no package of ${candidates[*]} gave a kernel image"

  # Release string: from the path (vmlinuz-<rel> or modules/<rel>/vmlinuz), checked against the Image.
  local rel
  case "$vm" in
    */boot/vmlinuz-*) rel="${vm##*/vmlinuz-}" ;;
    *) rel="$(basename "$(dirname "$vm")")" ;;
  esac
  local img="$tmp/Image"
  if gzip -t "$vm" 2>/dev/null; then gzip -dc "$vm" > "$img"; else cp "$vm" "$img"; fi
  # arm64 Image magic "ARM\x64" at offset 0x38
  [[ "$(dd if="$img" bs=1 skip=56 count=4 2>/dev/null | od -An -tx1 | tr -d ' \n')" == "41524d64" ]] \
    || die "$name: $vm is not an arm64 Image"
  local banner; banner="$(strings -n 12 "$img" | grep -m1 '^Linux version ' || true)"
  [[ -n "$banner" ]] && log "  banner: $banner"

  mkdir -p "$CACHE/$name"
  mv -f "$img" "$CACHE/$name/Image"
  echo "$rel" > "$CACHE/$name/version"
  echo "$pkg $(pkg_version "$pkg") ($suite)" > "$CACHE/$name/package"
  rm -rf "$tmp"
  log "$name: kernel $rel -> $CACHE/$name/Image ($(stat -c %s "$CACHE/$name/Image") bytes)"
  local want=${name#debian-}
  case "$rel" in
    "$want".*|"$want"-*|"$want") ;;
    *) log "  NOTE: $name holds kernel $rel, not $want.x (this is what Debian $suite ships now)" ;;
  esac
}

# QEMU 10 from bookworm-backports (amd64), extracted beside the system's QEMU.
fetch_qemu10() {
  local d="$WORK/qemu10"
  log "== QEMU 10: Debian bookworm-backports (amd64) =="
  mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/parts" "$d/prefs.d" "$d/debs"
  printf 'deb [arch=amd64 signed-by=%s] %s bookworm main\ndeb [arch=amd64 signed-by=%s] %s bookworm-backports main\n' \
    "$KEYRING" "$MIRROR" "$KEYRING" "$MIRROR" > "$d/sources.list"
  local iso=(-o "Dir::Etc::SourceList=$d/sources.list" -o "Dir::Etc::SourceParts=$d/parts"
             -o "Dir::Etc::PreferencesParts=$d/prefs.d" -o "Dir::Etc::Preferences=$d/preferences"
             -o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache"
             -o "Dir::State::status=/dev/null" -o "APT::Architectures=amd64"
             -o "APT::Architecture=amd64" -o "Acquire::Languages=none")
  log "apt-get update (isolated, bookworm + bookworm-backports amd64)"
  apt-get "${iso[@]}" -q update >/dev/null 2>"$d/update.err" \
    || { cat "$d/update.err" >&2; die "isolated apt-get update for bookworm-backports failed"; }
  rm -f "$d/debs"/*.deb
  ( cd "$d/debs" && apt-get "${iso[@]}" -o APT::Sandbox::User=root -q download \
      qemu-system-arm/bookworm-backports qemu-system-common/bookworm-backports \
      qemu-system-data/bookworm-backports >&2 ) || die "downloading QEMU 10 from bookworm-backports failed"
  local tmp="$QEMU10.tmp"
  rm -rf "$tmp"; mkdir -p "$tmp"
  local deb
  for deb in "$d/debs"/*.deb; do dpkg-deb -x "$deb" "$tmp"; done
  [[ -x "$tmp/usr/bin/qemu-system-aarch64" ]] || die "QEMU 10 packages hold no qemu-system-aarch64"
  local ver; ver="$("$tmp/usr/bin/qemu-system-aarch64" --version | head -n1)" \
    || die "the extracted QEMU 10 does not run with this system's libraries"
  echo "$ver" > "$tmp/version"
  rm -rf "$QEMU10"; mv "$tmp" "$QEMU10"
  log "QEMU 10: $ver -> $QEMU10/usr/bin/qemu-system-aarch64"
}

for k in "${missing_kernels[@]}"; do fetch_kernel "$k"; done
[[ $need_qemu10 -eq 1 ]] && fetch_qemu10

log "done:"
for k in "${KERNELS[@]}"; do log "  $k: $(cat "$CACHE/$k/version")  [$(cat "$CACHE/$k/package")]"; done
log "  qemu 10: $(cat "$QEMU10/version")"
