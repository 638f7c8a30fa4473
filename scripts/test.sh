#!/usr/bin/env bash
# The test command: installs missing C libraries and the programs the integration tests
# run against (php-cli, php-fpm), builds (the CLI tests run the real
# binary), then runs every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --integration
swift build
swift test --disable-swift-testing
