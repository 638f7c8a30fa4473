#!/usr/bin/env bash
# Fetches the published schemas the report tests validate against, from PyPI packages that
# ship them (nothing here is hand-written):
#   SARIF 2.1.0 JSON schema: sarif-om 1.0.4 source distribution (Microsoft's SARIF object model),
#                            file sarif-2.1.0-rtm.4.json
#   JUnit XML schema:        pytest 9.2.0 source distribution, testing/example_scripts/junit-10.xsd
#                            (the Surefire/Jenkins JUnit schema pytest's own tests validate against)
# Into .build/schemas/ (not committed). Usage: bash scripts/fetch-schemas.sh
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.build/schemas
mkdir -p "$dir"
if [ -s "$dir/sarif-2.1.0.json" ] && [ -s "$dir/junit-10.xsd" ]; then exit 0; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
"$PY" -m pip download --quiet --no-deps --no-binary :all: --dest "$tmp" sarif-om==1.0.4 pytest==9.2.0
tar -xzf "$tmp"/sarif_om-1.0.4.tar.gz -C "$tmp" sarif_om-1.0.4/sarif-2.1.0-rtm.4.json
tar -xzf "$tmp"/pytest-9.2.0.tar.gz -C "$tmp" pytest-9.2.0/testing/example_scripts/junit-10.xsd
cp "$tmp"/sarif_om-1.0.4/sarif-2.1.0-rtm.4.json "$dir/sarif-2.1.0.json"
cp "$tmp"/pytest-9.2.0/testing/example_scripts/junit-10.xsd "$dir/junit-10.xsd"
echo "schemas in $dir: $(ls "$dir" | tr '\n' ' ')"
