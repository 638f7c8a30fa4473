import GavelCore

/// length and type: questions about a value's shape rather than its content.
extension Op {
    static func applyLength(_ v: Value, _ test: NumberTest) -> OpResult {
        let n: Int
        switch v {
        case .string(let s): n = s.unicodeScalars.count
        case .array(let a): n = a.count
        case .object(let o): n = o.count
        default: return .error("'length' needs a string, array or object, but the value is \(v.typeName) \(JSONWriter.string(v))")
        }
        return OpResult(truth: test.holds(Double(n)) ? .yes : .no, note: "length is \(n)")
    }

    static func applyType(_ v: Value, _ name: String) -> OpResult {
        OpResult(truth: v.typeName == name ? .yes : .no, note: v.typeName == name ? nil : "type is \(v.typeName)")
    }
}
