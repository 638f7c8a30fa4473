#!/usr/bin/env bash
# Reading only what the rules read, on the comparison with OPA and regorus: the shipped
# library tailored down to 20 rules over php, nginx and hosting, on 1,000 generated assets,
# every snapshot built whole against only what the rules read, interleaved, N passes each
# (gavel-bench stops with an error if the two give different results). Then the whole
# library on the same assets.
#   bash scripts/bench-read.sh [PASSES=5] [ASSETS=1000]
set -euo pipefail
cd "$(dirname "$0")/.."
passes=${1:-5}
assets=${2:-1000}
swift build -c release --product gavel-bench >&2
work=$(mktemp -d /tmp/gavel-bench-read.XXXXXX)
trap 'rm -rf "$work"' EXIT
keep="PHP-SESS-001 PHP-SESS-005 PHP-SESS-006 PHP-EXPOSE-001 PHP-ERR-001 PHP-URL-001 PHP-FUNC-001
NGX-TOKENS-001 NGX-AUTOINDEX-001 NGX-XCTO-001 NGX-HDR-001 NGX-XFO-001 NGX-TLS-001 NGX-TLS-003
HOST-CERT-001 HOST-CERT-002 HOST-SSH-001 HOST-SSH-002 HOST-SSH-003 HOST-UPD-001"
cp -r Policies "$work/policies"
# Every other rule switched off by a tailoring file.
ids=$(grep -rhoE '^\s*- id: [A-Z0-9-]+' Policies | awk '{print $3}' | sort -u)
{
  echo "gavel: tailoring/v1"
  printf 'disable: ['
  first=1
  for id in $ids; do
    grep -qw -- "$id" <<< "$keep" && continue
    [ $first = 1 ] || printf ', '
    printf '%s' "$id"
    first=0
  done
  echo ']'
  echo 'reasons:'
  for id in $ids; do grep -qw -- "$id" <<< "$keep" || echo "  $id: not in the comparison"; done
} > "$work/policies/comparison.tailoring.yaml"
fleet=/tmp/gavel-bench-fleet-$assets
echo "## 20 rules, $assets assets"
.build/release/gavel-bench --assets "$assets" --dir "$fleet" --policies "$work/policies" --only full --repeat "$passes" | grep -E "^(compile|full run)"
echo "## the whole library, $assets assets"
.build/release/gavel-bench --assets "$assets" --dir "$fleet" --only full --repeat "$passes" | grep -E "^(compile|full run)"
