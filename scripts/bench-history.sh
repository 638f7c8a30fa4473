#!/usr/bin/env bash
# A history of nightly runs of the generated fleet, for docs/PERFORMANCE.md: each night about
# 2% of the assets change (a php.ini value flipped) and every snapshot is collected again (a
# new collected_at, so a new SHA-256 for every snapshot file, as a real nightly collection
# gives); the night is evaluated, and its results document recorded with `history add`.
# Prints, per night, the append time and the store's size; at the end `history verify`'s time.
#
#   bash scripts/bench-history.sh [NIGHTS] [ASSETS] [WORK]
#     NIGHTS  nights to record (default 30)
#     ASSETS  assets of the generated fleet (default 10000)
#     WORK    working folder (default /tmp/gavel-bench-history); the fleet is copied there
set -euo pipefail
NIGHTS=${1:-30}
ASSETS=${2:-10000}
WORK=${3:-/tmp/gavel-bench-history}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
swift build -c release --product gavel >/dev/null
swift build -c release --product gavel-bench >/dev/null
GAVEL="$ROOT/.build/release/gavel"
# The benchmark writes its generated fleet of ASSETS assets into FLEET when it runs (and
# reuses the one there).
FLEET=${FLEET:-/tmp/gavel-bench-fleet}
.build/release/gavel-bench --assets "$ASSETS" --dir "$FLEET" --only parse --repeat 1 >/dev/null
rm -rf "$WORK"
mkdir -p "$WORK"
cp -r "$FLEET" "$WORK/fleet"
STORE="$WORK/history.sqlite"
echo "night append_s store_MB eval_s"
for night in $(seq 1 "$NIGHTS"); do
  stamp=$(date -u -d "2027-01-01 + $night days" +%F)T02:00:00Z
  python3 scripts/bench-night.py "$WORK/fleet" "$night" "$stamp"
  t0=$(date +%s.%N)
  "$GAVEL" eval --snapshots "$WORK/fleet" --format json -o "$WORK/night.json" --fail-on none 2>/dev/null || true
  t1=$(date +%s.%N)
  "$GAVEL" history add "$WORK/night.json" --store "$STORE" 2>/dev/null
  t2=$(date +%s.%N)
  size=$(du -m "$STORE" | cut -f1)
  printf '%s %.1f %s %.1f\n' "$night" "$(echo "$t2 - $t1" | bc)" "$size" "$(echo "$t1 - $t0" | bc)"
done
t0=$(date +%s.%N)
"$GAVEL" history verify --store "$STORE" >/dev/null
t1=$(date +%s.%N)
printf 'verify of %s nights: %.1f s; document of the last night: %s MB\n' "$NIGHTS" "$(echo "$t1 - $t0" | bc)" "$(du -m "$WORK/night.json" | cut -f1)"
