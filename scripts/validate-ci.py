#!/usr/bin/python3
"""Validates a CI configuration from examples/ci against the schema its CI system publishes
(SchemaStore's, as vendored by the check-jsonschema package; see scripts/fetch-schemas.sh).

Usage: validate-ci.py github-workflow|gitlab-ci FILE [SCHEMA_DIR]
       validate-ci.py steps github-workflow|gitlab-ci FILE
Exit 0 when valid; 1 with every violation on stderr; 2 when a validator or schema is missing.
`steps` prints, as JSON, every step (GitHub) or job script (GitLab) that runs gavel, without
its package installation lines, so that the tests can run the examples' own commands.
YAML is read with YAML 1.2 booleans (only true/false), as GitHub and GitLab read it, so
that a workflow's `on:` key stays a string.
"""
import json
import os
import re
import sys

SCHEMAS = {"github-workflow": "github-workflows.json", "gitlab-ci": "gitlab-ci.json"}


def loader():
    import yaml

    class Yaml12Loader(yaml.SafeLoader):
        pass

    Yaml12Loader.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))
    return Yaml12Loader


def steps(kind, path):
    import yaml
    with open(path) as fh:
        doc = yaml.load(fh, Loader=loader())
    out = []
    if kind == "github-workflow":
        for job, spec in doc["jobs"].items():
            # A matrix of one key (the shards of a fleet): each step once per value, with the
            # step's env resolved for it, in the order the values are listed.
            matrix = (spec.get("strategy") or {}).get("matrix") or {}
            values = [(k, v) for k, vs in matrix.items() if isinstance(vs, list) for v in vs][:64] or [(None, None)]
            for key, value in values:
                for i, step in enumerate(spec.get("steps", [])):
                    run = step.get("run", "")
                    if "gavel " in run and "apt-get" not in run:
                        # Values the matrix resolves; the rest (${{ github.* }}) the caller sets.
                        env = {k: str(v).replace("${{ matrix.%s }}" % key, str(value)) for k, v in (step.get("env") or {}).items()}
                        env = {k: v for k, v in env.items() if "${{" not in v}
                        out.append({"job": job, "step": step.get("name", str(i)), "script": run, "env": env})
    else:
        def flatten(items):
            for x in items:
                if isinstance(x, list):
                    yield from flatten(x)
                else:
                    yield x
        for job, spec in doc.items():
            if not isinstance(spec, dict) or job.startswith(".") or "script" not in spec:
                continue
            lines = [l for l in flatten(spec["script"]) if not l.startswith(("apt-get", "export PATH"))]
            if any(l.startswith("gavel ") for l in lines):
                out.append({"job": job, "step": "script", "script": "\n".join(lines)})
    print(json.dumps(out, indent=1))
    return 0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "steps" and sys.argv[2] in SCHEMAS:
        return steps(sys.argv[2], sys.argv[3])
    if len(sys.argv) < 3 or sys.argv[1] not in SCHEMAS:
        print(__doc__, file=sys.stderr)
        return 2
    kind, path = sys.argv[1], sys.argv[2]
    schemas = sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(__file__), "..", ".build", "schemas")
    try:
        import jsonschema
        import yaml
    except ImportError as e:
        print("missing Python module: %s (python3-jsonschema, python3-yaml)" % e.name, file=sys.stderr)
        return 2
    sj = os.path.join(schemas, SCHEMAS[kind])
    if not os.path.exists(sj):
        print("missing %s: run scripts/fetch-schemas.sh" % sj, file=sys.stderr)
        return 2
    with open(sj) as fh:
        schema = json.load(fh)
    with open(path) as fh:
        doc = yaml.load(fh, Loader=loader())
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path])
    for e in errors:
        print("%s: /%s: %s" % (path, "/".join(str(p) for p in e.absolute_path), e.message[:300]), file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
