import GavelCore
import GavelYAML

/// A kind's schema declared by the policy set: `schemas/KIND.schema.json` in the policy
/// folder, a JSON Schema (draft 2020-12) of the snapshot's `data`, in the subset that
/// decides which paths can exist:
///
/// - a whole snapshot's schema (one with `properties.gavel`, as the built-in kinds' exported
///   schemas are) is read for its `properties.data`;
/// - `type` (a name or a list of names; `"null"` with another makes it optional),
///   `properties`, `additionalProperties` (false, true or a schema), `patternProperties`
///   (its schemas allow other keys), `items`, `required`, `enum` and `const` (their values
///   give the type), `$defs` with local `$ref`s (`#/$defs/NAME`), and `anyOf`/`oneOf` (checked
///   as their common type, or not at all when the branches differ);
/// - annotations and value constraints (`$schema`, `$id`, `title`, `description`,
///   `$comment`, `default`, `examples`, `format`, `pattern`, `minimum`, `maximum`,
///   `minLength`, `maxLength`, `minItems`, `maxItems`, `uniqueItems`, ...) are accepted and do
///   not change which paths exist;
/// - anything else (`allOf`, `not`, `if`/`then`/`else`, a `$ref` outside the file, ...) is an
///   error, so that a schema is never read as allowing less or more than it says.
///
/// The file is read with the YAML reader (JSON is YAML 1.2), so every mistake has its line
/// and column.
struct UserSchema {
    var kind: String
    var file: String
    var type: SchemaType
}

struct JSONSchemaReader {
    let diags: DiagnosticBag
    let file: String
    var defs: [String: YAMLNode] = [:]
    var resolving: Set<String> = []

    static let ignored: Set<String> = [
        "$schema", "$id", "$comment", "title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly",
        "format", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength",
        "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties", "contentMediaType", "contentEncoding", "$anchor",
    ]
    static let understood: Set<String> = [
        "type", "properties", "additionalProperties", "patternProperties", "items", "required",
        "enum", "const", "$defs", "definitions", "$ref", "anyOf", "oneOf",
    ]

    init(file: String, diags: DiagnosticBag) {
        self.file = file
        self.diags = diags
    }

    /// The schema of the whole file, or nil (with diagnostics).
    mutating func read(_ root: YAMLNode) -> SchemaType? {
        guard let m = root.mapping else {
            diags.error(.badSchema, "a JSON Schema is an object, found \(root.describedType)", at: root.location)
            return nil
        }
        for p in m where ["$defs", "definitions"].contains(p.key.scalar?.text ?? "") {
            guard let defs = p.value.mapping else {
                diags.error(.badSchema, "'\(p.key.scalar?.text ?? "")' must be an object of named schemas", at: p.value.location)
                return nil
            }
            for d in defs { if let name = d.key.scalar?.text { self.defs[(p.key.scalar?.text ?? "") + "/" + name] = d.value } }
        }
        let before = diags.errorCount
        // A whole snapshot's schema (as docs/snapshots/KIND.schema.json): its `data` part.
        let target = root["properties"]?["gavel"] != nil ? root["properties"]?["data"] ?? root : root
        let t = type(target)
        return diags.errorCount == before ? t : nil
    }

    mutating func type(_ node: YAMLNode) -> SchemaType {
        if case .bool(let b)? = node.scalar?.resolved { return b ? .any : .object([], other: nil) }
        guard let m = node.mapping else {
            diags.error(.badSchema, "a schema is an object (or true/false), found \(node.describedType)", at: node.location)
            return .any
        }
        for p in m {
            guard let k = p.key.scalar?.text else { continue }
            if !Self.ignored.contains(k) && !Self.understood.contains(k) {
                diags.error(
                    .badSchema, "'\(k)' is not in the subset of JSON Schema Gavel reads\(Suggest.hint(for: k, in: Self.understood.union(Self.ignored)))",
                    at: p.key.location,
                    notes: [
                        "it reads type, properties, additionalProperties, patternProperties, items, required, enum, const, $defs, $ref, anyOf and oneOf (docs/snapshots/README.md)"
                    ])
            }
        }
        if let ref = node["$ref"] { return reference(ref) }
        for key in ["anyOf", "oneOf"] {
            if let branches = node[key] {
                guard let items = branches.sequence, !items.isEmpty else {
                    diags.error(.badSchema, "'\(key)' must be a non-empty array of schemas", at: branches.location)
                    return .any
                }
                // `{"$ref": "#/$defs/secret"}` (a secret record, which any string or number may
                // be) and `{"type": "null"}` (optional) are how exported schemas spell those.
                let secret = items.filter { $0["$ref"]?.scalar?.text == "#/$defs/secret" && $0.mapping?.count == 1 }
                let null = items.filter { $0["type"]?.scalar?.text == "null" && $0.mapping?.count == 1 }
                let rest = items.filter { b in !secret.contains { $0.location == b.location } && !null.contains { $0.location == b.location } }
                let t = rest.isEmpty ? SchemaType.any : common(rest.map { type($0) })
                return null.isEmpty ? t : .optional(t)
            }
        }
        var names: [String] = []
        if let t = node["type"] {
            for item in t.sequence ?? [t] {
                guard let n = item.scalar?.text, ["object", "array", "string", "number", "integer", "boolean", "null"].contains(n) else {
                    diags.error(.badSchema, "'type' is one of object, array, string, number, integer, boolean, null (or a list of them)", at: item.location)
                    return .any
                }
                names.append(n)
            }
        } else if node["properties"] != nil || node["additionalProperties"] != nil || node["patternProperties"] != nil {
            names = ["object"]
        } else if node["items"] != nil {
            names = ["array"]
        } else if let values = node["enum"]?.sequence ?? node["const"].map({ [$0] }) {
            names = Array(
                Set(
                    values.map { v -> String in
                        switch v.scalar?.resolved {
                        case .string?: return "string"
                        case .int?, .double?: return "number"
                        case .bool?: return "boolean"
                        case .null?: return "null"
                        default: return v.mapping != nil ? "object" : "array"
                        }
                    })
            ).sorted()
        }
        if let r = node["required"], r.sequence?.allSatisfy({ $0.scalar != nil }) != true {
            diags.error(.badSchema, "'required' must be an array of property names", at: r.location)
        }
        let optional = names.contains("null")
        let kinds = names.filter { $0 != "null" }
        var result: SchemaType
        switch Set(kinds.map { $0 == "integer" ? "number" : $0 }).sorted() {
        case []: result = .any
        case ["object"]: result = object(node)
        case ["array"]:
            result = .array(node["items"].map { type($0) } ?? .any)
        case ["string"]: result = .string
        case ["number"]: result = .number
        case ["boolean"]: result = .bool
        default: result = .any  // several types: paths under it are not checked
        }
        return optional && kinds.count == 1 ? .optional(result) : result
    }

    mutating func object(_ node: YAMLNode) -> SchemaType {
        var fields: [(String, SchemaType)] = []
        if let props = node["properties"] {
            guard let pairs = props.mapping else {
                diags.error(.badSchema, "'properties' must be an object of property schemas", at: props.location)
                return .any
            }
            for p in pairs { if let name = p.key.scalar?.text { fields.append((name, type(p.value))) } }
        }
        var others: [SchemaType] = []
        if let pattern = node["patternProperties"] {
            guard let pairs = pattern.mapping else {
                diags.error(.badSchema, "'patternProperties' must be an object of pattern -> schema", at: pattern.location)
                return .any
            }
            others += pairs.map { type($0.value) }
        }
        switch node["additionalProperties"] {
        case nil: others.append(.any)  // JSON Schema's default: any other key is allowed
        case let a?:
            if case .bool(false)? = a.scalar?.resolved {} else { others.append(type(a)) }
        }
        return .object(fields, other: others.isEmpty ? nil : common(others))
    }

    /// `#/$defs/NAME` (or `#/definitions/NAME`) in the same file.
    mutating func reference(_ node: YAMLNode) -> SchemaType {
        guard let ref = node.scalar?.text, ref.hasPrefix("#/"), let def = defs[String(ref.dropFirst(2))] else {
            diags.error(.badSchema, "'$ref' must name a schema of this file's $defs, as \"#/$defs/NAME\"", at: node.location)
            return .any
        }
        guard resolving.insert(ref).inserted else { return .any }  // a recursive schema: deeper paths are not checked
        defer { resolving.remove(ref) }
        return type(def)
    }

    /// The one type all branches agree on, or `any`.
    func common(_ types: [SchemaType]) -> SchemaType {
        guard let first = types.first else { return .any }
        return types.dropFirst().allSatisfy({ $0.sameShape(as: first) }) ? first : .any
    }
}

extension CompileSession {
    /// `schemas/KIND.schema.json`: the schema of the policy set's own kind KIND.
    func loadSchema(_ path: String) {
        let name = PathNames.lastComponent(of: path)
        let kind = String(name.dropLast(".schema.json".count))
        let at = SourceLocation(file: path, line: 1, column: 1)
        guard SnapshotKinds.isValidName(kind) else {
            diags.error(
                .badSchema, "'\(kind)' is not a kind name (lowercase letters, digits, '-' and '_', starting with a letter); name the file KIND.schema.json",
                at: at)
            return
        }
        guard !SnapshotKinds.isBuiltIn(kind) else {
            diags.error(.badSchema, "'\(kind)' is a built-in kind; its schema is its collector's (docs/snapshots/\(kind).schema.json)", at: at)
            return
        }
        guard let data = readFile(path) else { return }
        guard let text = String(data: data, encoding: .utf8) else {
            diags.error(.encoding, "\(path) is not UTF-8 text", at: at)
            return
        }
        renderer.register(file: path, text: text)
        let root: YAMLNode
        do { root = try YAMLParser.parse(text, file: path) } catch {
            diags.add(error)
            return
        }
        var reader = JSONSchemaReader(file: path, diags: diags)
        guard let type = reader.read(root) else { return }
        userSchemas[kind] = UserSchema(kind: kind, file: path, type: type)
    }
}
