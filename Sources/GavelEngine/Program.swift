import GavelCore
import GavelJSON

/// The compiled, immutable form of a policy set. Evaluation reads only this and the
/// snapshots: no YAML, no path parsing, no regex compilation.
public final class Program: Sendable {
    public let rules: [Rule]
    public let catalogs: [Catalog]
    public let tests: [PolicyTest]
    /// Waivers (docs/LANGUAGE.md#waivers-and-attestations), in file order.
    public let waivers: [Waiver]
    public let attestations: [Attestation]
    /// Every file that went into the program, with its SHA-256, in sorted path order.
    public let files: [InputFile]
    /// SHA-256 over the sorted (path below the policy folder, file digest) list: changes when
    /// any policy file does, and is the same wherever the folder is checked out.
    public let digest: String
    /// Effective parameter values (`POLICY_ID.PARAM`), after tailoring.
    public let parameters: [(name: String, value: Value)]
    /// Rules switched off by tailoring, with the reason given.
    public let disabled: [(rule: String, reason: String)]
    public let warnings: [Diagnostic]

    init(
        rules: [Rule], catalogs: [Catalog], tests: [PolicyTest], waivers: [Waiver], attestations: [Attestation], files: [InputFile], root: String,
        parameters: [(name: String, value: Value)], disabled: [(rule: String, reason: String)], warnings: [Diagnostic]
    ) {
        self.rules = rules
        enabledRules = rules.filter { $0.disabledReason == nil }
        plan = FlatPlan(enabledRules.map { ($0.kinds, $0.when, $0.check) })
        self.catalogs = catalogs
        self.tests = tests
        self.waivers = waivers
        self.attestations = attestations
        self.files = files
        var h = SHA256()
        let prefix = root.hasSuffix("/") ? root : root + "/"
        for f in files {
            let rel = f.path.hasPrefix(prefix) ? String(f.path.dropFirst(prefix.count)) : String(f.path.split(separator: "/").last ?? "")
            h.update(Array("\(rel)\0\(f.sha256)\n".utf8))
        }
        self.digest = h.finalizeHex()
        self.parameters = parameters
        self.disabled = disabled
        self.warnings = warnings
    }

    /// The rules tailoring left on, in file order: the rules a run evaluates.
    public let enabledRules: [Rule]
    /// The enabled rules' plans in one, in `enabledRules` order (see `RuleEvaluator.evaluate(_:on:)`).
    let plan: FlatPlan

    public func rule(_ id: String) -> Rule? { rules.first { $0.id == id } }

    public func control(_ ref: ControlRef) -> Control? {
        catalogs.first { $0.framework == ref.framework }?.controls.first { $0.id == ref.id }
    }
}

public struct InputFile: Sendable, Hashable {
    public var path: String
    public var sha256: String
    public var bytes: Int
}

public final class Rule: Sendable {
    public let id: String
    public let title: String
    public let severity: Severity
    public let controls: [ControlRef]
    /// Indices into `SnapshotKinds.known`.
    public let kinds: [Int]
    public let when: Cond?
    public let check: Cond
    public let message: MessageTemplate?
    public let remediation: Remediation
    public let policyID: String
    public let location: SourceLocation
    public let disabledReason: String?
    /// `when` and `check` flattened for the pass path.
    let plan: FlatPlan

    init(
        id: String, title: String, severity: Severity, controls: [ControlRef], kinds: [Int], when: Cond?, check: Cond,
        message: MessageTemplate?, remediation: Remediation, policyID: String, location: SourceLocation, disabledReason: String?
    ) {
        self.id = id
        self.title = title
        self.severity = severity
        self.controls = controls
        self.kinds = kinds
        self.when = when
        self.check = check
        self.message = message
        self.remediation = remediation
        self.policyID = policyID
        self.location = location
        self.disabledReason = disabledReason
        self.plan = FlatPlan([(kinds, when, check)])
    }

    public var kindNames: [String] { kinds.map { SnapshotKinds.name($0) } }
}

public struct ControlRef: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var framework: String
    public var id: String
    public var description: String { "\(framework):\(id)" }
    /// Natural order, so A.8.3 sorts before A.8.15.
    public static func < (a: ControlRef, b: ControlRef) -> Bool {
        a.framework != b.framework ? a.framework < b.framework : naturalLess(a.id, b.id)
    }

    static func naturalLess(_ a: String, _ b: String) -> Bool {
        func runs(_ s: String) -> [(String, Int?)] {
            var out: [(String, Int?)] = []
            var cur = ""
            var digits = false
            for ch in s {
                if ch.isASCII && ch.isNumber != digits && !cur.isEmpty { out.append((cur, digits ? Int(cur) : nil)); cur = "" }
                digits = ch.isASCII && ch.isNumber
                cur.append(ch)
            }
            if !cur.isEmpty { out.append((cur, digits ? Int(cur) : nil)) }
            return out
        }
        for (x, y) in zip(runs(a), runs(b)) where x.0 != y.0 {
            if let i = x.1, let j = y.1, i != j { return i < j }
            return x.0 < y.0
        }
        return a.count < b.count
    }
}

public struct Remediation: Sendable {
    public var summary: String?
    public var fix: String?
    public var references: [String]
}

public struct Catalog: Sendable {
    public var framework: String
    public var title: String
    public var controls: [Control]
    public var file: String
}

public struct Control: Sendable {
    public var id: String
    public var title: String
    public var manual: Bool
}

/// `message:` split into literal text and `{{value}}` / `{{path}}` / `{{asset}}` holes.
public struct MessageTemplate: Sendable {
    public enum Part: Sendable { case text(String), value, path, asset }
    public var parts: [Part]
}

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
    public let opName: String
    public let expected: Value
    /// The parameter the operand was written as (`POLICY.NAME`, the key a tailoring file
    /// overrides), and whether a tailoring file set it: for `explain`.
    public let parameter: (name: String, tailored: Bool)?
    public let location: SourceLocation

    init(
        path: CompiledPath, op: Op, coercion: Coercion?, missing: MissingPolicy?, opName: String, expected: Value,
        parameter: (name: String, tailored: Bool)? = nil, location: SourceLocation
    ) {
        self.path = path
        self.op = op
        self.coercion = coercion
        self.missing = missing
        self.opName = opName
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

/// A test from `tests/v1` or a policy file's `tests:`.
public struct PolicyTest: Sendable {
    public var name: String
    public var asset: Value
    /// Per kind, the parts the test's collector "could not read" (JSON Pointer, reason).
    public var unavailable: [String: [(pointer: String, reason: String)]] = [:]
    public var expect: [(rule: String, verdict: Verdict)]
    public var location: SourceLocation
}

/// What a report says about a rule: everything but its check. A results document carries
/// these, so it can be read back (`gavel report`, `gavel history`) without the policy set.
public struct RuleInfo: Sendable {
    public var id: String
    public var title: String
    public var severity: Severity
    public var controls: [ControlRef]
    public var kindNames: [String]
    public var policyID: String
    public var location: SourceLocation
    public var remediation: Remediation

    public init(
        id: String, title: String, severity: Severity, controls: [ControlRef], kindNames: [String], policyID: String,
        location: SourceLocation, remediation: Remediation
    ) {
        self.id = id
        self.title = title
        self.severity = severity
        self.controls = controls
        self.kindNames = kindNames
        self.policyID = policyID
        self.location = location
        self.remediation = remediation
    }

    public init(_ r: Rule) {
        self.init(
            id: r.id, title: r.title, severity: r.severity, controls: r.controls, kindNames: r.kindNames, policyID: r.policyID,
            location: r.location, remediation: r.remediation)
    }
}
