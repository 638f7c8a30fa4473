#!/usr/bin/env bash
# The evidence pack of a year, for docs/PERFORMANCE.md: NIGHTS nightly runs of the generated
# fleet of ASSETS assets (each night about 2% of the assets change, as in bench-history.sh),
# each results document dated to its night (02:00 UTC, its digest recomputed, as an
# archived night imported with `history add`), recorded oldest first; then `gavel evidence`
# for every control of the period with a sample of 25 nights, timed with its peak memory,
# and `gavel evidence verify` of the pack.
#
#   bash scripts/bench-evidence.sh [NIGHTS] [ASSETS] [WORK]
#     NIGHTS  nights to record (default 365)
#     ASSETS  assets of the generated fleet (default 1000)
#     WORK    working folder (default /tmp/gavel-bench-evidence)
set -euo pipefail
NIGHTS=${1:-365}
ASSETS=${2:-1000}
WORK=${3:-/tmp/gavel-bench-evidence}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
swift build -c release --product gavel >/dev/null
swift build -c release --product gavel-bench >/dev/null
GAVEL="$ROOT/.build/release/gavel"
FLEET=${FLEET:-/tmp/gavel-bench-fleet-$ASSETS}
.build/release/gavel-bench --assets "$ASSETS" --dir "$FLEET" --only parse --repeat 1 >/dev/null
rm -rf "$WORK"
mkdir -p "$WORK"
cp -r "$FLEET" "$WORK/fleet"
STORE="$WORK/history.sqlite"
t_start=$(date +%s)
for night in $(seq 1 "$NIGHTS"); do
  day=$(date -u -d "2026-01-01 + $((night - 1)) days" +%F)
  python3 scripts/bench-night.py "$WORK/fleet" "$night" "${day}T01:00:00Z"
  "$GAVEL" eval --snapshots "$WORK/fleet" --format json -o "$WORK/night.json" --fail-on none 2>/dev/null || true
  python3 - "$WORK/night.json" "$day" <<'PY'
import hashlib, re, sys
path, day = sys.argv[1], sys.argv[2]
doc = open(path, "rb").read()
doc = re.sub(rb'"started_at": "[^"]+"', b'"started_at": "' + day.encode() + b'T02:00:00.000Z"', doc, count=1)
doc = re.sub(rb'"finished_at": "[^"]+"', b'"finished_at": "' + day.encode() + b'T02:00:30.000Z"', doc, count=1)
cut = doc.rindex(b'"document_sha256"')
head = doc[:cut]
open(path, "wb").write(head + b'"document_sha256": "' + hashlib.sha256(head).hexdigest().encode() + b'"\n}\n')
PY
  "$GAVEL" history add "$WORK/night.json" --in-time-order --store "$STORE" 2>/dev/null
done
t_rec=$(date +%s)
echo "recorded $NIGHTS nights of $ASSETS assets in $((t_rec - t_start)) s; store $(du -m "$STORE" | cut -f1) MB"
last=$(date -u -d "2026-01-01 + $((NIGHTS - 1)) days" +%F)
/usr/bin/time -v "$GAVEL" evidence --store "$STORE" --period "2026-01-01..$last" --sample 25 --seed 1 -o "$WORK/pack" 2> "$WORK/time.txt" || { cat "$WORK/time.txt"; exit 1; }
grep -E "gavel evidence:|Elapsed|Maximum resident" "$WORK/time.txt"
echo "pack: $(du -sm "$WORK/pack" | cut -f1) MB, $(find "$WORK/pack" -type f | wc -l) files"
/usr/bin/time -v "$GAVEL" evidence verify "$WORK/pack" > /dev/null 2> "$WORK/verify.txt"
grep -E "Elapsed|Maximum resident" "$WORK/verify.txt" | sed 's/^/verify: /'
