#!/usr/bin/env bash
# Rebuilds Snapshots/ from the example machines in examples/fleet/ with the real collectors
# (--root reads each example as a mounted image; the snapshots show the machines' own paths).
# Usage: bash scripts/make-samples.sh   (after swift build)
set -euo pipefail
cd "$(dirname "$0")/.."
gavel=.build/debug/gavel
[ -x "$gavel" ] || swift build >/dev/null
fleet=examples/fleet
out=Snapshots
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# git does not keep file modes other than the executable bit: set the ones the samples show.
chmod 0640 $fleet/clinic-a.example.com/root/etc/shadow $fleet/clinic-a.example.com/root/etc/gshadow
chmod 0440 $fleet/clinic-a.example.com/root/etc/sudoers
chmod 0644 $fleet/clinic-b.example.com/root/etc/shadow $fleet/clinic-b.example.com/root/etc/sudoers
chmod 0666 $fleet/clinic-b.example.com/root/etc/gshadow

# The hosting samples are read as of one fixed time, so that the certificates' days left (clinic-b's
# expires four days later) and the package lists' age stay what the README and tests describe.
as_of=2026-11-22T22:24:14Z

collect() { # asset kind args...
  local asset=$1 kind=$2; shift 2
  mkdir -p "$tmp/$asset"
  "$gavel" collect "$kind" --asset "$asset" --root "$fleet/$asset/root" "$@" -o "$tmp/$asset/$kind.json"
}

collect clinic-a.example.com php --ini /etc/php/8.2/fpm/php.ini --fpm-pool /etc/php/8.2/fpm/pool.d/www.conf --php-version 8.2.26
collect clinic-a.example.com nginx --config /etc/nginx/nginx.conf --nginx-version 1.22.1
collect clinic-a.example.com hosting --cert /etc/ssl/certs/clinic-a.example.com.pem --as-of "$as_of"

collect clinic-b.example.com php --ini /etc/php/7.4/fpm/php.ini --fpm-pool /etc/php/7.4/fpm/pool.d/www.conf --php-version 7.4.33
collect clinic-b.example.com nginx --config /etc/nginx/nginx.conf --nginx-version 1.14.2
collect clinic-b.example.com hosting --cert /etc/ssl/certs/clinic-b.example.com.pem --as-of "$as_of"

# pharmacy-c: only php.ini was handed over, and nobody said which PHP runs it.
collect pharmacy-c.example.com php --ini /etc/php/8.2/fpm/php.ini

# northwind-telehealth: a Shopify Plus store, read over HTTP from the loopback test server that
# serves the fixture store of the collector tests (a fixed port keeps the provenance stable).
shop=northwind-telehealth.myshopify.com
python3 Tests/ShopifyTestServer/server.py --store Tests/ShopifyTestServer/store.json --port 48200 \
  --port-file "$tmp/.port" --token sample-admin-token-not-a-secret=read_users,read_apps,read_shipping,read_privacy_settings &
server=$!
for _ in $(seq 100); do [ -s "$tmp/.port" ] && break; sleep 0.05; done
mkdir -p "$tmp/$shop"
SHOPIFY_ADMIN_TOKEN=sample-admin-token-not-a-secret "$gavel" collect shopify --asset "$shop" --shop "$shop" \
  --endpoint http://127.0.0.1:48200 -o "$tmp/$shop/shopify.json"
kill $server
rm -f "$tmp/.port"

rm -rf "$out"
chmod 0755 "$tmp"
mv "$tmp" "$out"
trap - EXIT
echo "wrote $(find "$out" -name '*.json' | wc -l) snapshots to $out/"
