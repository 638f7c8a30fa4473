#!/usr/bin/env bash
# The test command: installs missing C libraries and the programs the integration tests
# run against (php-cli, php-fpm), builds (the CLI tests run the real
# binary), then runs every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --integration
# The code's layout, as .swift-format says it (the toolchain's swift-format; `swift format
# format -i -r Sources Tests` applies it).
swift format lint --strict --configuration .swift-format -r Sources Tests
swift build
# Every scratch file and folder the tests make goes under one temporary folder that is
# removed afterwards, whatever the outcome.
# (world-readable: the nginx test's workers run as another user and serve files from it)
scratch="$(mktemp -d -t gavel-tests.XXXXXX)"
chmod 755 "$scratch"
trap 'rm -rf "$scratch"' EXIT
# A short run of every fuzz target (libFuzzer with AddressSanitizer, its own build in
# .build-fuzz): a smoke test that each still builds and survives mutated input; the long
# campaigns are recorded in docs/FUZZING.md. Before the suites, so that their summary is
# the last thing printed.
TMPDIR="$scratch" bash scripts/fuzz.sh all "${GAVEL_FUZZ_SECONDS:-5}"
# The Debian package, built and installed into a debootstrapped Debian 12 root without
# Swift, where gavel collects and evaluates (needs root, as CI is).
if [ "$(id -u)" -eq 0 ]; then TMPDIR="$scratch" bash scripts/test-package.sh; fi
# setup.sh installed chromium: the browser tests must run, not skip.
GAVEL_REQUIRE_CHROMIUM=1 TMPDIR="$scratch" swift test --disable-swift-testing
