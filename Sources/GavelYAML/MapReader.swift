import GavelCore

/// Reads one YAML mapping of the policy language: unknown keys, missing keys and wrong
/// node types become diagnostics (with "did you mean"), and reading goes on. Policies and
/// fleet inventories are read through it, so both report the same IDs.
public struct MapReader {
    public let node: YAMLNode
    public let pairs: [YAMLPair]
    public let diags: DiagnosticBag
    public let what: String

    /// Nil (with a diagnostic) when `node` is not a mapping.
    public init?(_ node: YAMLNode, _ what: String, _ diags: DiagnosticBag) {
        guard let pairs = node.mapping else {
            diags.error(.wrongType, "\(what) must be a mapping, found \(node.describedType)", at: node.location)
            return nil
        }
        self.node = node
        self.pairs = pairs
        self.diags = diags
        self.what = what
    }

    public var keys: [String] { pairs.compactMap { $0.key.scalar?.text } }

    public func has(_ key: String) -> Bool { self[key] != nil }

    public subscript(key: String) -> YAMLNode? { pairs.first { $0.key.scalar?.text == key }?.value }

    public func keyLocation(_ key: String) -> SourceLocation {
        pairs.first { $0.key.scalar?.text == key }?.key.location ?? node.location
    }

    /// Reports every key not in `allowed`.
    public func allowOnly(_ allowed: [String], id: DiagnosticID = .unknownKey) {
        for p in pairs {
            guard let k = p.key.scalar?.text, !allowed.contains(k) else { continue }
            diags.error(
                id, "unknown key '\(k)' in \(what)\(Suggest.hint(for: k, in: allowed))", at: p.key.location,
                notes: ["allowed keys: \(allowed.joined(separator: ", "))"])
        }
    }

    public func require(_ key: String) -> YAMLNode? {
        if let v = self[key] { return v }
        diags.error(.missingKey, "\(what) needs '\(key)'", at: node.location)
        return nil
    }

    /// A string-valued key. Numbers and booleans written bare are rejected for identifiers
    /// so that `id: 1.10` does not silently become "1.1".
    public func string(_ key: String, required: Bool = false) -> (String, SourceLocation)? {
        guard let v = required ? require(key) : self[key] else { return nil }
        return MapReader.text(v, "'\(key)' in \(what)", diags)
    }

    public static func text(_ v: YAMLNode, _ what: String, _ diags: DiagnosticBag) -> (String, SourceLocation)? {
        guard let s = v.scalar else {
            diags.error(.wrongType, "\(what) must be a string, found \(v.describedType)", at: v.location)
            return nil
        }
        if case .string(let t) = s.resolved { return (t, v.location) }
        diags.error(.wrongType, "\(what) must be a string, found \(v.describedType); quote it: \"\(s.text)\"", at: v.location)
        return nil
    }

    public func bool(_ key: String) -> Bool? {
        guard let v = self[key] else { return nil }
        if case .bool(let b)? = v.scalar?.resolved { return b }
        diags.error(.wrongType, "'\(key)' in \(what) must be true or false, found \(v.describedType)", at: v.location)
        return nil
    }

    /// A sequence-valued key; a single scalar is accepted as a one-element list when `scalarOK`.
    public func list(_ key: String, required: Bool = false, scalarOK: Bool = false) -> [YAMLNode]? {
        guard let v = required ? require(key) : self[key] else { return nil }
        if let items = v.sequence { return items }
        if scalarOK, v.scalar != nil { return [v] }
        diags.error(.wrongType, "'\(key)' in \(what) must be a list, found \(v.describedType)", at: v.location)
        return nil
    }

    public func mapping(_ key: String, required: Bool = false) -> MapReader? {
        guard let v = required ? require(key) : self[key] else { return nil }
        return MapReader(v, "'\(key)' in \(what)", diags)
    }
}
