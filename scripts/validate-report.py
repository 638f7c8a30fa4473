#!/usr/bin/python3
"""Validates a Gavel report against its published schema (see scripts/fetch-schemas.sh).

Usage: validate-report.py junit|sarif FILE [SCHEMA_DIR]
Exit 0 when valid; 1 with every violation on stderr; 2 when a validator or schema is missing.
"""
import json
import os
import sys


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    kind, path = sys.argv[1], sys.argv[2]
    schemas = sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(__file__), "..", ".build", "schemas")
    if kind == "junit":
        try:
            from lxml import etree
        except ImportError:
            print("python3-lxml is not installed", file=sys.stderr)
            return 2
        xsd = os.path.join(schemas, "junit-10.xsd")
        if not os.path.exists(xsd):
            print("missing %s: run scripts/fetch-schemas.sh" % xsd, file=sys.stderr)
            return 2
        schema = etree.XMLSchema(etree.parse(xsd))
        doc = etree.parse(path)
        if schema.validate(doc):
            return 0
        for e in schema.error_log:
            print("%s:%d: %s" % (path, e.line, e.message), file=sys.stderr)
        return 1
    if kind == "sarif":
        try:
            import jsonschema
        except ImportError:
            print("python3-jsonschema is not installed", file=sys.stderr)
            return 2
        sj = os.path.join(schemas, "sarif-2.1.0.json")
        if not os.path.exists(sj):
            print("missing %s: run scripts/fetch-schemas.sh" % sj, file=sys.stderr)
            return 2
        with open(sj) as fh:
            schema = json.load(fh)
        with open(path) as fh:
            doc = json.load(fh)
        validator = jsonschema.Draft4Validator(schema)
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        for e in errors:
            print("%s: /%s: %s" % (path, "/".join(str(p) for p in e.absolute_path), e.message), file=sys.stderr)
        return 1 if errors else 0
    print("unknown report kind %r (junit or sarif)" % kind, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
