import GavelCore

/// Three-valued truth: `unknown` is an evaluation error (missing or unconvertible value).
public enum Truth: Sendable {
    case yes, no, unknown
    package var negated: Truth { self == .yes ? .no : self == .no ? .yes : .unknown }
    public var word: String { self == .yes ? "true" : self == .no ? "false" : "error" }
}

/// One leaf evaluated on the way to a failure or error: what was read, where, and why it decided.
public struct Evidence: Sendable {
    /// The concrete path, with element indices filled in (`nginx.servers[2].ssl`).
    public var path: String
    public var kind: String?
    /// The raw observed value before coercion; nil when the path is absent.
    public var observed: Value?
    public var op: String
    public var expected: Value
    public var coercion: String?
    /// What this leaf itself evaluated to.
    public var result: Truth
    public var note: String?
    /// `file:line` from the snapshot's provenance map, when it has one.
    public var provenance: String?
    public init(
        path: String, kind: String?, observed: Value?, op: String, expected: Value, coercion: String?, result: Truth, note: String?, provenance: String?
    ) {
        self.path = path
        self.kind = kind
        self.observed = observed
        self.op = op
        self.expected = expected
        self.coercion = coercion
        self.result = result
        self.note = note
        self.provenance = provenance
    }
}
