#!/usr/bin/python3
"""Validates snapshot files against the exported JSON Schemas (docs/snapshots/KIND.schema.json),
as an editor would, with python3-jsonschema's Draft 2020-12 validator.

    validate-snapshots.py SCHEMA_DIR SNAPSHOT.json...

Prints one line per file and exits 1 if any is invalid. Kinds without an exported schema
(kinds of your own) are reported as skipped."""
import json
import os
import sys

import jsonschema


def main():
    schema_dir, files = sys.argv[1], sys.argv[2:]
    bad = 0
    for path in files:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        schema_path = os.path.join(schema_dir, "%s.schema.json" % doc.get("kind", ""))
        if not os.path.exists(schema_path):
            print("%s: skipped (no schema for kind %r)" % (path, doc.get("kind")))
            continue
        with open(schema_path, encoding="utf-8") as f:
            schema = json.load(f)
        errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(doc), key=lambda e: list(e.path))
        if errors:
            bad += 1
            for e in errors[:5]:
                print("%s: /%s: %s" % (path, "/".join(str(p) for p in e.path), e.message))
        else:
            print("%s: valid" % path)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
