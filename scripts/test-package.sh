#!/usr/bin/env bash
# Tests the package as a host without Swift gets it: builds it (scripts/package.sh), makes a
# plain Debian 12 root with debootstrap (kept in .build-debootstrap between runs; no Swift in
# it), installs the package there with apt (which brings its dependencies from Debian), and
# runs gavel inside with chroot: it collects the host (collect host, as the packaged service
# does) and evaluates the shipped policies.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "test-package.sh needs root (debootstrap, chroot)" >&2; exit 2; }
command -v debootstrap >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null; }
work=$(mktemp -d)
deb=$(bash scripts/package.sh "$work" | tail -1)
root=.build-debootstrap/bookworm
if [ ! -x "$root/usr/bin/apt-get" ]; then
  rm -rf "$root"
  mkdir -p "$(dirname "$root")"
  debootstrap --variant=minbase bookworm "$root" >&2
fi
cleanup() {
  umount "$root/proc" 2>/dev/null || true
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin dpkg --purge gavel >/dev/null 2>&1 || true
  rm -rf "$work" "$root/tmp/gavel.deb" "$root/var/lib/gavel"
}
trap cleanup EXIT
fail() { echo "test-package.sh: FAIL: $*" >&2; exit 1; }
# Commands in the root get a clean environment: the caller's (TMPDIR, tokens) is not theirs.
inroot() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C DEBIAN_FRONTEND=noninteractive "$@"; }
# No Swift anywhere in the root: the binary must not need it.
if [ -e "$root/usr/lib/swift" ] || [ -e "$root/opt/swift" ] || ls "$root"/usr/lib/*/libswiftCore.so >/dev/null 2>&1; then fail "the Debian root has a Swift runtime"; fi
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/gavel.deb"
mount -t proc proc "$root/proc"
inroot apt-get update -qq >&2
inroot apt-get install -y -qq /tmp/gavel.deb >&2 || fail "the package does not install"
[ -x "$root/usr/bin/gavel" ] || fail "no /usr/bin/gavel"
[ -f "$root/lib/systemd/system/gavel-collect.timer" ] || fail "no systemd timer"
[ "$(stat -c %a "$root/var/lib/gavel/snapshots")" = 700 ] || fail "/var/lib/gavel/snapshots is not 0700"
inroot ldd /usr/bin/gavel | grep -q 'not found' && fail "missing libraries: $(inroot ldd /usr/bin/gavel | grep 'not found')"
# As the packaged systemd service runs it.
grep -q "ExecStart=/usr/bin/gavel collect host " "$root/lib/systemd/system/gavel-collect.service" || fail "the service does not run collect host"
inroot /usr/bin/gavel collect host --host-name chroot-host -o /var/lib/gavel/snapshots >&2 \
  || fail "gavel collect host"
[ -f "$root/var/lib/gavel/snapshots/chroot-host/hosting.json" ] || fail "no hosting snapshot for the host"
out=$(inroot /usr/bin/gavel eval --policies /usr/share/gavel/policies --snapshots /var/lib/gavel/snapshots --fail-on none) \
  || fail "gavel eval: $out"
echo "$out" | head -1 >&2
echo "$out" | head -1 | grep -q "^gavel eval: 1 asset, [0-9]* rules" || fail "unexpected eval output: $(echo "$out" | head -1)"
size=$(stat -c %s "$deb")
echo "package: $(basename "$deb"), $((size / 1024 / 1024)) MiB; installed and ran in a Debian 12 root without Swift" >&2
echo "package test: 1 passed, 0 failed"
