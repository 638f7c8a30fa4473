import GavelCore

/// How every collector records a secret (a key, a salt, a password): whether it is set and
/// how long it is, never the value.
enum SecretPresence {
    static func of(string s: String) -> Value { .object([("set", .bool(!s.isEmpty)), ("length", .integer(s.count))]) }

    /// A value read from PHP source; one computed by code (`getenv(...)`) is set, length unknown.
    static func of(_ v: PHPValue) -> Value {
        switch v {
        case .string(let s): return of(string: s)
        case .null: return .object([("set", false), ("length", 0)])
        case .expression: return .object([("set", true), ("length", .null), ("from_expression", true)])
        default: return .object([("set", true), ("length", .null)])
        }
    }

    /// A value already in snapshot form (a database row, a flattened config entry).
    static func of(_ v: Value) -> Value {
        switch v {
        case .string(let s): return of(string: s)
        case .null: return .object([("set", false), ("length", 0)])
        case .object(let members) where members.contains(where: { $0.key == "expression" }):
            return .object([("set", true), ("length", .null), ("from_expression", true)])
        default: return .object([("set", true), ("length", .null)])
        }
    }
}
