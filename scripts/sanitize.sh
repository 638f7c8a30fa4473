#!/usr/bin/env bash
# Runs the unit and CLI test suites under a sanitizer, in a build folder of its own:
#   bash scripts/sanitize.sh address    AddressSanitizer (memory errors in Swift and C alike)
#   bash scripts/sanitize.sh thread     ThreadSanitizer (the evaluator runs on every core
#                                       over the jansson arena)
# Extra arguments go to `swift test` (e.g. --filter GavelEngineTests). Results of the last
# runs are recorded in docs/FUZZING.md.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:?usage: scripts/sanitize.sh address|thread [swift test arguments]}
shift
scratch=".build-$kind"
tmp="$(mktemp -d -t gavel-sanitize.XXXXXX)"
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
# The CLI tests run the gavel binary built into the same folder, sanitized too.
swift build --scratch-path "$scratch" --sanitize="$kind" >&2
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
TMPDIR="$tmp" swift test --scratch-path "$scratch" --sanitize="$kind" --disable-swift-testing "$@"
