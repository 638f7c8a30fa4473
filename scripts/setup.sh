#!/usr/bin/env bash
# Installs the C libraries Gavel links (libyaml, jansson) when they are missing.
# With --integration, also the real programs the collectors' tests run against
# (Debian's php-cli and php-fpm).
set -euo pipefail
need=()
if [ "${1:-}" = "--integration" ]; then
  command -v php >/dev/null || need+=(php-cli)
  ls /usr/sbin/php-fpm* >/dev/null 2>&1 || need+=(php-fpm)
fi
pkg-config --exists yaml-0.1 2>/dev/null || need+=(libyaml-dev)
pkg-config --exists jansson 2>/dev/null || need+=(libjansson-dev)
command -v pkg-config >/dev/null || need+=(pkg-config)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  # policy-rc.d keeps package scripts from starting services (php-fpm) on install.
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
