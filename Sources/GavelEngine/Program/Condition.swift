import GavelCore
import GavelJSON

/// A compiled condition.
public indirect enum Cond: Sendable {
    case all([Cond])
    case any([Cond])
    case none([Cond])
    case not(Cond)
    case leaf(Leaf)
    case quantifier(Quantifier)
}

public enum MissingPolicy: String, Sendable { case pass, fail }

public final class Leaf: Sendable {
    public let path: CompiledPath
    public let op: Op
    public let coercion: Coercion?
    public let missing: MissingPolicy?
    /// The operator as written and its operand (after parameters), for evidence and explain.
    public let `operator`: OperatorName
    public var opName: String { `operator`.rawValue }
    public let expected: Value
    /// The parameter the operand was written as (`POLICY.NAME`, the key a tailoring file
    /// overrides), and whether a tailoring file set it: for `explain`.
    public let parameter: (name: String, tailored: Bool)?
    public let location: SourceLocation

    init(
        path: CompiledPath, op: Op, coercion: Coercion?, missing: MissingPolicy?, operator: OperatorName, expected: Value,
        parameter: (name: String, tailored: Bool)? = nil, location: SourceLocation
    ) {
        self.path = path
        self.op = op
        self.coercion = coercion
        self.missing = missing
        self.operator = `operator`
        self.expected = expected
        self.parameter = parameter
        self.location = location
    }
}

public final class Quantifier: Sendable {
    public enum Kind: Sendable { case every, some, count(NumberTest) }
    public let kind: Kind
    public let path: CompiledPath
    public let filter: Cond?
    public let check: Cond?
    public let missing: MissingPolicy?
    /// The parameter a `count` bound was written as (see `Leaf.parameter`).
    public let parameter: (name: String, tailored: Bool)?
    public let location: SourceLocation

    init(
        kind: Kind, path: CompiledPath, filter: Cond?, check: Cond?, missing: MissingPolicy?,
        parameter: (name: String, tailored: Bool)? = nil, location: SourceLocation
    ) {
        self.kind = kind
        self.path = path
        self.filter = filter
        self.check = check
        self.missing = missing
        self.parameter = parameter
        self.location = location
    }
}

/// A path resolved once: the kind is an index, keys are prepared for lookup.
public struct CompiledPath: Sendable {
    public enum Base: Sendable { case kind(Int), element }
    public enum Step: Sendable { case key(JSONKey), index(Int), wildcard }
    public let base: Base
    public let steps: [Step]
    /// The path as written, for messages.
    public let text: String
    /// The steps before the first `[*]`, named for evidence once.
    let tail: PathTail

    /// `tail` is `PathTail(steps, kind:)` of the path's kind (nil for a relative path): the
    /// compiler passes the one it keeps for equal paths.
    init(base: Base, steps: [Step], text: String, tail: PathTail) {
        (self.base, self.steps, self.text, self.tail) = (base, steps, text, tail)
    }
}

/// A number comparison: `gt: 3`, `length: {gte: 1}`, `count: {..., lte: 0}`.
public struct NumberTest: Sendable {
    public enum Relation: String, Sendable, CaseIterable {
        case gt, gte, lt, lte, equals, notEquals = "not_equals"
    }
    public var relation: Relation
    public var operand: Double

    public func holds(_ x: Double) -> Bool {
        switch relation {
        case .gt: return x > operand
        case .gte: return x >= operand
        case .lt: return x < operand
        case .lte: return x <= operand
        case .equals: return x == operand
        case .notEquals: return x != operand
        }
    }
}

public enum VersionRelation: String, Sendable {
    case lt = "version_lt", lte = "version_lte", gt = "version_gt", gte = "version_gte", equals = "version_equals"
}

/// Every operator of the language, with its operand already checked and prepared.
public enum Op: Sendable {
    case exists(Bool)
    case equals(Value, negated: Bool)
    case oneOf([Value], negated: Bool)
    case number(NumberTest)
    case matches(Regex, negated: Bool)
    case contains(Value, negated: Bool)
    case subsetOf([Value])
    case supersetOf([Value])
    case disjointFrom([Value])
    case version(VersionRelation, String)
    case length(NumberTest)
    case type(String)
    case advisories(Dataset)
}
