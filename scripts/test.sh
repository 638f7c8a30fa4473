#!/usr/bin/env bash
# The test command: installs missing C libraries, builds (the CLI tests run the real
# binary), then runs every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build
swift test --disable-swift-testing
