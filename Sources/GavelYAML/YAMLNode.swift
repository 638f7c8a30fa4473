import GavelCore

/// A YAML node with the position it came from. Produced only by `YAMLParser`.
public struct YAMLNode: Sendable {
    public enum Content: Sendable {
        case scalar(YAMLScalar)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    public var content: Content
    public var location: SourceLocation
    /// True for `[a, b]` / `{a: b}` style collections.
    public var flow: Bool

    public init(_ content: Content, at location: SourceLocation, flow: Bool = false) {
        self.content = content
        self.location = location
        self.flow = flow
    }

    public var scalar: YAMLScalar? { if case .scalar(let s) = content { return s }; return nil }
    public var sequence: [YAMLNode]? { if case .sequence(let s) = content { return s }; return nil }
    public var mapping: [YAMLPair]? { if case .mapping(let m) = content { return m }; return nil }

    /// The value for a scalar key in a mapping.
    public subscript(key: String) -> YAMLNode? {
        mapping?.first { $0.key.scalar?.text == key }?.value
    }

    /// "a mapping", "a sequence", "a string", ... for error messages.
    public var describedType: String {
        switch content {
        case .mapping: return "a mapping"
        case .sequence: return "a sequence"
        case .scalar(let s):
            switch s.resolved {
            case .null: return "null"
            case .bool: return "a boolean"
            case .int, .double: return "a number"
            case .string: return "a string"
            default: return "a scalar"
            }
        }
    }

    /// Converts to a JSON-style value using the YAML 1.2 core schema.
    public func toValue() -> Value {
        switch content {
        case .scalar(let s): return s.resolved
        case .sequence(let items): return .array(items.map { $0.toValue() })
        case .mapping(let pairs):
            return .object(pairs.map { Value.Member($0.key.scalar?.text ?? "", $0.value.toValue()) })
        }
    }
}

public struct YAMLPair: Sendable {
    public var key: YAMLNode
    public var value: YAMLNode
}

public struct YAMLScalar: Sendable {
    public enum Style: Sendable { case plain, singleQuoted, doubleQuoted, literal, folded }

    /// The scalar's text as written (after YAML unescaping).
    public var text: String
    public var style: Style
    /// Set when an explicit `!!str` tag forces a string.
    public var forcedString: Bool

    /// The value under the YAML 1.2 core schema: only plain scalars are resolved;
    /// `yes`, `no`, `on`, `off` stay strings.
    public var resolved: Value {
        if style != .plain || forcedString { return .string(text) }
        return YAMLScalar.resolvePlain(text)
    }

    public static func resolvePlain(_ t: String) -> Value {
        switch t {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .double(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .double(-.infinity)
        case ".nan", ".NaN", ".NAN": return .double(.nan)
        default: break
        }
        let u = Array(t.utf8)
        if isDecimalInt(u) {
            if let i = Int64(t.hasPrefix("+") ? String(t.dropFirst()) : t) { return .int(i) }
            return .double(Double(t) ?? 0)
        }
        if t.hasPrefix("0x"), u.count > 2, u.dropFirst(2).allSatisfy(isHex), let i = Int64(t.dropFirst(2), radix: 16) { return .int(i) }
        if t.hasPrefix("0o"), u.count > 2, u.dropFirst(2).allSatisfy({ $0 >= 48 && $0 <= 55 }), let i = Int64(t.dropFirst(2), radix: 8) { return .int(i) }
        if isFloat(u), let d = Double(t) { return .double(d) }
        return .string(t)
    }

    private static func isHex(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) }
    private static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    private static func isDecimalInt(_ u: [UInt8]) -> Bool {
        var i = 0
        if i < u.count, u[i] == 43 || u[i] == 45 { i += 1 }
        return i < u.count && u[i...].allSatisfy(isDigit)
    }

    /// `[-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
    private static func isFloat(_ u: [UInt8]) -> Bool {
        var i = 0
        if i < u.count, u[i] == 43 || u[i] == 45 { i += 1 }
        var digits = 0
        while i < u.count, isDigit(u[i]) { i += 1; digits += 1 }
        if i < u.count, u[i] == 46 {
            i += 1
            while i < u.count, isDigit(u[i]) { i += 1; digits += 1 }
        }
        guard digits > 0 else { return false }
        if i < u.count, u[i] == 101 || u[i] == 69 {
            i += 1
            if i < u.count, u[i] == 43 || u[i] == 45 { i += 1 }
            var exp = 0
            while i < u.count, isDigit(u[i]) { i += 1; exp += 1 }
            if exp == 0 { return false }
        }
        return i == u.count
    }
}
