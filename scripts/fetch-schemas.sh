#!/usr/bin/env bash
# Fetches the published schemas the report tests validate against, from PyPI packages that
# ship them (nothing here is hand-written):
#   SARIF 2.1.0 JSON schema: sarif-om 1.0.4 source distribution (Microsoft's SARIF object model),
#                            file sarif-2.1.0-rtm.4.json
#   JUnit XML schema:        pytest 9.2.0 source distribution, testing/example_scripts/junit-10.xsd
#                            (the Surefire/Jenkins JUnit schema pytest's own tests validate against)
#   GitHub workflow and GitLab CI schemas: check-jsonschema 0.39.0 wheel, which vendors
#                            SchemaStore's github-workflows.json and GitLab's gitlab-ci.json
# Into .build/schemas/ (not committed). Usage: bash scripts/fetch-schemas.sh
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.build/schemas
mkdir -p "$dir"
want=(sarif-2.1.0.json junit-10.xsd github-workflows.json gitlab-ci.json)
missing=0
for f in "${want[@]}"; do [ -s "$dir/$f" ] || missing=1; done
[ "$missing" = 0 ] && exit 0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
"$PY" -m pip download --quiet --no-deps --no-binary :all: --dest "$tmp" sarif-om==1.0.4 pytest==9.2.0
"$PY" -m pip download --quiet --no-deps --only-binary :all: --dest "$tmp" check-jsonschema==0.39.0
tar -xzf "$tmp"/sarif_om-1.0.4.tar.gz -C "$tmp" sarif_om-1.0.4/sarif-2.1.0-rtm.4.json
tar -xzf "$tmp"/pytest-9.2.0.tar.gz -C "$tmp" pytest-9.2.0/testing/example_scripts/junit-10.xsd
cp "$tmp"/sarif_om-1.0.4/sarif-2.1.0-rtm.4.json "$dir/sarif-2.1.0.json"
cp "$tmp"/pytest-9.2.0/testing/example_scripts/junit-10.xsd "$dir/junit-10.xsd"
vendor=check_jsonschema/builtin_schemas/vendor
"$PY" -m zipfile -e "$tmp"/check_jsonschema-0.39.0-py3-none-any.whl "$tmp/cj"
cp "$tmp/cj/$vendor/github-workflows.json" "$tmp/cj/$vendor/gitlab-ci.json" "$dir/"
echo "schemas in $dir: $(ls "$dir" | tr '\n' ' ')"
