#!/usr/bin/env bash
# The fleet benchmark: N test hosts (network namespaces with their own sshd, nginx and
# PHP-FPM, from scripts/testhosts.sh; two sites each), collected by `gavel collect fleet`
# at --jobs 1, 4 and 16, with the gavel installed on the hosts, and once sending the binary
# (gavel: copy). Prints wall times for the fleet and per host. Needs root.
#   bash scripts/bench-fleet.sh [N=20] [GAVEL=.build-static/release/gavel]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20}
gavel=${2:-.build-static/release/gavel}
[ -x "$gavel" ] || swift build -c release --static-swift-stdlib --product gavel --scratch-path .build-static >&2
work=$(mktemp -d /tmp/gavel-bench-fleet.XXXXXX)
trap 'bash scripts/testhosts.sh stop "$work"; rm -rf "$work"' EXIT
# Stripped, as the package ships it (and as `gavel: copy` sends it).
strip --strip-unneeded -o "$work/gavel" "$gavel"
gavel=$work/gavel
bash scripts/testhosts.sh prepare "$work" "$n" >/dev/null
phpv=$(ls /usr/sbin/php-fpm* | head -1 | sed 's/.*php-fpm//')
for i in $(seq 1 "$n"); do
  fs=$work/hosts/gvh$i/fs
  for s in shop blog; do
    printf '[%s]\nuser = www-data\ngroup = www-data\nlisten = /run/php/%s.sock\nlisten.owner = www-data\npm = ondemand\npm.max_children = 2\n' "$s" "$s" \
      > "$fs/etc/php/$phpv/fpm/pool.d/$s.conf"
    mkdir -p "$fs/var/www/$s"
    printf "<?php\ndefine('DB_NAME', '%s');\ndefine('DISALLOW_FILE_EDIT', true);\n" "$s" > "$fs/var/www/$s/wp-config.php"
    printf 'server { listen 80; server_name %s.gvh%s.test; root /var/www/%s; server_tokens off;\n  location ~ \\.php$ { include snippets/fastcgi-php.conf; fastcgi_pass unix:/run/php/%s.sock; } }\n' \
      "$s" "$i" "$s" "$s" > "$fs/etc/nginx/sites-enabled/$s"
  done
done
bash scripts/testhosts.sh start "$work"
hosts=$(for i in $(seq 1 "$n"); do printf '  gvh%s: {}\n' "$i"; done)
inventory() {
  printf 'gavel: inventory/v1\nssh_config: client/ssh_config\ndefaults:\n  gavel: %s\nhosts:\n%s\n' "$1" "$hosts" > "$work/fleet.yaml"
}
run() {
  local label=$1 jobs=$2
  rm -rf "$work/out"
  local start end
  start=$(date +%s.%N)
  "$gavel" collect fleet --inventory "$work/fleet.yaml" -o "$work/out" --jobs "$jobs" --binary "$gavel" > "$work/table" 2>/dev/null \
    || { cat "$work/table"; echo "bench-fleet: the fleet run failed" >&2; exit 1; }
  end=$(date +%s.%N)
  local assets; assets=$(ls "$work/out" | wc -l)
  awk -v label="$label" -v jobs="$jobs" -v wall="$(awk "BEGIN { print $end - $start }")" -v assets="$assets" '
    NR > 1 && $2 == "ok" { t = $4; sum += t; if (t > max) max = t; hosts++ }
    END { printf "| %s | %d | %d | %d | %.1f s | %.2f s | %.2f s |\n", label, jobs, hosts, assets, wall, sum / hosts, max }' "$work/table"
}
echo "| gavel on the hosts | --jobs | hosts ok | assets | fleet wall time | per host, mean | per host, max |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
inventory "$gavel"
for j in 1 4 16; do run installed "$j"; done
inventory copy
run "copy ($(( $(stat -c %s "$gavel") / 1024 / 1024 )) MiB sent)" 4
run "copy ($(( $(stat -c %s "$gavel") / 1024 / 1024 )) MiB sent)" 16
