import GavelCore

/// matches / not_matches, contains / not_contains.
extension Op {
    static func applyMatches(_ v: Value, _ re: Regex, negated: Bool) -> OpResult {
        guard case .string(let s) = v else {
            return .error("'matches' needs a string, but the value is \(v.typeName) \(JSONWriter.string(v))")
        }
        return .of(re.search(s) != negated)
    }

    static func applyContains(_ v: Value, _ operand: Value, negated: Bool) -> OpResult {
        switch v {
        case .array(let items):
            return .of(items.contains { Value.same($0, operand) } != negated)
        case .string(let s):
            guard case .string(let needle) = operand else {
                return .error("'contains' on a string needs a string operand, got \(operand.typeName)")
            }
            return .of(s.contains(needle) != negated)
        default:
            return .error("'contains' needs an array or a string, but the value is \(v.typeName) \(JSONWriter.string(v))")
        }
    }
}
