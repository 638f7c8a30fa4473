/// A built-in kind's schema as a JSON Schema (draft 2020-12) of a whole snapshot document:
/// the envelope, with the kind's `data` in `$defs/data`. Editors validate snapshots with it
/// (docs/snapshots/KIND.schema.json), and it is the start of a schema of your own: copied to a
/// policy set's `schemas/KIND.schema.json`, Gavel reads its `data` part.
///
/// Mapping: a string or number may also be a secret record (`$defs/secret`), so it is
/// `anyOf [type, secret]`; an optional value adds `{"type": "null"}`; an object lists its
/// fields and allows other keys only where the schema has a type for them
/// (`additionalProperties`). No field of `data` is `required`: any part the collector could
/// not read is left out and named in `unavailable` instead.
public enum JSONSchemaExport {
    public static func document(kind: String, data: SchemaType) -> Value {
        .object([
            ("$schema", "https://json-schema.org/draft/2020-12/schema"),
            ("$id", .string("https://gavel.invalid/schemas/snapshot/v1/\(kind).schema.json")),
            ("title", .string("Gavel snapshot/v1 of kind \(kind)")),
            ("type", "object"),
            (
                "properties",
                .object([
                    ("gavel", .object([("const", "snapshot/v1")])),
                    ("asset", .object([("type", "string"), ("minLength", 1)])),
                    ("kind", .object([("const", .string(kind))])),
                    ("collected_at", .object([("type", "string"), ("format", "date-time")])),
                    ("collector", .object([("type", "object")])),
                    ("data", .object([("$ref", "#/$defs/data")])),
                    ("provenance", .object([("type", "object"), ("additionalProperties", .object([("type", "string")]))])),
                    ("unavailable", .object([("type", "object"), ("additionalProperties", .object([("type", "string")]))])),
                ])
            ),
            ("required", .array(["gavel", "asset", "kind", "data"])),
            (
                "$defs",
                .object([
                    ("data", schema(data)),
                    ("secret", schema(SchemaType.secretRecord, secrets: false)),
                ])
            ),
        ])
    }

    static let secretRef: Value = .object([("$ref", "#/$defs/secret")])

    static func schema(_ t: SchemaType, secrets: Bool = true) -> Value {
        switch t {
        case .any: return .object([Value.Member]())
        case .string, .number:
            let plain: Value = .object([("type", .string(t.jsonTypeName))])
            return secrets ? .object([("anyOf", .array([plain, secretRef]))]) : plain
        case .bool: return .object([("type", "boolean")])
        case .optional(let inner):
            return .object([("anyOf", .array([schema(inner, secrets: secrets), .object([("type", "null")])]))])
        case .array(let e): return .object([("type", "array"), ("items", schema(e, secrets: secrets))])
        case .object(let fields, let other):
            var members: [Value.Member] = [Value.Member("type", "object")]
            if !fields.isEmpty {
                members.append(Value.Member("properties", .object(fields.map { Value.Member($0.0, schema($0.1, secrets: secrets)) })))
            }
            members.append(Value.Member("additionalProperties", other.map { schema($0, secrets: secrets) } ?? .bool(false)))
            return .object(members)
        }
    }
}

extension SchemaType {
    var jsonTypeName: String {
        switch self {
        case .string: return "string"
        case .number: return "number"
        case .bool: return "boolean"
        case .array: return "array"
        case .object: return "object"
        case .optional(let t): return t.jsonTypeName
        case .any: return ""
        }
    }
}
