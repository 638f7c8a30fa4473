/// A JSON value in Swift, used for operands, evidence and documents Gavel writes.
/// Objects keep their member order; equality of objects ignores it (see `Value.same`).
public enum Value: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([Value])
    case object([Member])

    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: Value
        public init(_ key: String, _ value: Value) { self.key = key; self.value = value }
    }

    /// The JSON type name used in messages and by the `type` operator.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "bool"
        case .int, .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    public var number: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var arrayValue: [Value]? { if case .array(let a) = self { return a }; return nil }
    public var objectMembers: [Member]? { if case .object(let m) = self { return m }; return nil }

    public subscript(key: String) -> Value? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// The object with the member `key` set to `value` (in its place, or added last).
    public func replacing(_ key: String, with value: Value) -> Value {
        guard case .object(var members) = self else { return self }
        if let i = members.firstIndex(where: { $0.key == key }) { members[i].value = value } else { members.append(Member(key, value)) }
        return .object(members)
    }

    /// Equality as the language defines it: same JSON type, except that int and float
    /// compare numerically; arrays element-wise; objects by key regardless of order.
    public static func same(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case (.int, .double), (.double, .int), (.double, .double): return a.number! == b.number!
        case let (.array(x), .array(y)):
            return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        case let (.object(x), .object(y)):
            guard x.count == y.count else { return false }
            return x.allSatisfy { m in y.contains { $0.key == m.key && same($0.value, m.value) } }
        default: return false
        }
    }

    /// A compact rendering for messages: strings bare, everything else as JSON.
    public var display: String {
        if case .string(let s) = self { return s }
        return JSONWriter.string(self)
    }

    public static func object(_ pairs: [(String, Value)]) -> Value {
        .object(pairs.map { Member($0.0, $0.1) })
    }

    /// A platform integer as a JSON number.
    public static func integer(_ i: Int) -> Value { .int(Int64(i)) }
}

extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral, ExpressibleByFloatLiteral {
    public init(stringLiteral s: String) { self = .string(s) }
    public init(integerLiteral i: Int64) { self = .int(i) }
    public init(booleanLiteral b: Bool) { self = .bool(b) }
    public init(floatLiteral d: Double) { self = .double(d) }
}
