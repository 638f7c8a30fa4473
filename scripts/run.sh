#!/usr/bin/env bash
# The main job: installs missing C libraries, builds, and evaluates the shipped Policies/
# against the shipped Snapshots/. Extra arguments go to `gavel eval`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release >/dev/null
exec .build/release/gavel eval --policies Policies --snapshots Snapshots "$@"
