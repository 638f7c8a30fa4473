#!/usr/bin/env bash
# Builds gavel for hosts without Swift and packs it as a Debian package:
#   bash scripts/package.sh [OUTDIR]        (default dist/)
# The Swift runtime and Foundation are linked statically (--static-swift-stdlib); the C
# libraries gavel uses (jansson, libyaml, SQLite, and libcurl under Foundation's URLSession)
# stay shared and are the package's dependencies. The package installs /usr/bin/gavel, the
# shipped policies under /usr/share/gavel/policies, and a systemd service and timer that
# snapshot the host nightly into /var/lib/gavel/snapshots/<hostname>/ (for teams that push
# snapshots rather than collect them over SSH), with `gavel collect host`.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-dist}
bash scripts/setup.sh
need=()
dpkg -s libcurl4-openssl-dev >/dev/null 2>&1 || need+=(libcurl4-openssl-dev)
command -v dpkg-deb >/dev/null || need+=(dpkg)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
swift build -c release --static-swift-stdlib --product gavel --scratch-path .build-static >&2
bin=.build-static/release/gavel
if ldd "$bin" | grep -Eq 'libswift|libFoundation|libdispatch|libBlocksRuntime'; then
  echo "package.sh: $bin still needs the Swift runtime:" >&2
  ldd "$bin" | grep -E 'libswift|libFoundation|libdispatch|libBlocksRuntime' >&2
  exit 1
fi
version="0.$(git rev-list --count HEAD 2>/dev/null || echo 0)"
arch=$(dpkg --print-architecture)
stage=$(mktemp -d)
chmod 0755 "$stage"
trap 'rm -rf "$stage"' EXIT
install -D -m 0755 "$bin" "$stage/usr/bin/gavel"
strip --strip-unneeded "$stage/usr/bin/gavel"
mkdir -p "$stage/usr/share/gavel" "$stage/usr/share/doc/gavel"
cp -r Policies "$stage/usr/share/gavel/policies"
cp README.md "$stage/usr/share/doc/gavel/README.md"
install -D -m 0644 packaging/systemd/gavel-collect.service "$stage/lib/systemd/system/gavel-collect.service"
install -D -m 0644 packaging/systemd/gavel-collect.timer "$stage/lib/systemd/system/gavel-collect.timer"
mkdir -p "$stage/DEBIAN"
size=$(du -sk "$stage" | cut -f1)
cat > "$stage/DEBIAN/control" <<CONTROL
Package: gavel
Version: $version
Architecture: $arch
Maintainer: Gavel <gavel@example.invalid>
Installed-Size: $size
Depends: libc6 (>= 2.36), libstdc++6, libgcc-s1, libjansson4, libyaml-0-2, libsqlite3-0, libzstd1, libcurl4
Recommends: libpq5
Section: admin
Priority: optional
Description: policy-as-code compliance checks for PHP and nginx hosting
 Gavel snapshots the configuration of PHP, nginx, WordPress, Magento and Shopify Plus
 hosting and checks it against SOC 2, ISO 27001 and HIPAA controls.
CONTROL
cat > "$stage/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
# Snapshots describe the host's weaknesses: readable by root only.
install -d -m 0700 /var/lib/gavel /var/lib/gavel/snapshots
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || true
  systemctl enable --now gavel-collect.timer >/dev/null 2>&1 || true
fi
POSTINST
cat > "$stage/DEBIAN/prerm" <<'PRERM'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then
  systemctl disable --now gavel-collect.timer >/dev/null 2>&1 || true
fi
PRERM
chmod 0755 "$stage/DEBIAN/postinst" "$stage/DEBIAN/prerm"
mkdir -p "$out"
deb="$out/gavel_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >&2
echo "$deb"
