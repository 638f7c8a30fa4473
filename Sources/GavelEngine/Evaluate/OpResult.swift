import GavelResults

/// Result of applying an operator to an observed (coerced) value.
struct OpResult {
    var truth: Truth
    var note: String?
    static let yes = OpResult(truth: .yes)
    static let no = OpResult(truth: .no)
    static func of(_ b: Bool) -> OpResult { b ? .yes : .no }
    static func error(_ note: String) -> OpResult { OpResult(truth: .unknown, note: note) }
}
