import GavelCore

/// equals / not_equals, in / not_in, gt / gte / lt / lte.
extension Op {
    static func applyEquals(_ v: Value, _ operand: Value, negated: Bool) -> OpResult {
        .of(Value.same(v, operand) != negated)
    }

    static func applyOneOf(_ v: Value, _ list: [Value], negated: Bool) -> OpResult {
        .of(list.contains { Value.same(v, $0) } != negated)
    }

    static func applyNumber(_ v: Value, _ test: NumberTest) -> OpResult {
        guard let x = v.number else {
            let hint = v.stringValue != nil ? " (convert it with as: int, bytes or duration)" : ""
            return .error("'\(test.relation.rawValue)' compares numbers, but the value is \(v.typeName) \(JSONWriter.string(v))\(hint)")
        }
        return .of(test.holds(x))
    }
}
