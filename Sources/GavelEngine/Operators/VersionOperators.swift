import GavelCore

/// version_lt / version_lte / version_gt / version_gte / version_equals (PHP version_compare).
extension Op {
    static func applyVersion(_ v: Value, _ rel: VersionRelation, _ operand: String) -> OpResult {
        let text: String
        switch v {
        case .string(let s): text = s
        case .int(let i): text = String(i)
        default: return .error("'\(rel.rawValue)' needs a version string, but the value is \(v.typeName) \(JSONWriter.string(v))")
        }
        let c = VersionCompare.compare(text, operand)
        switch rel {
        case .lt: return .of(c < 0)
        case .lte: return .of(c <= 0)
        case .gt: return .of(c > 0)
        case .gte: return .of(c >= 0)
        case .equals: return .of(c == 0)
        }
    }
}
