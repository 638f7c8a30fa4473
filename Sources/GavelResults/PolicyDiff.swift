import GavelCore

/// What changing the policy set from `base` to `head` does to the verdicts over the same
/// snapshots (`gavel diff`): every rule and asset whose verdict changes, every control whose
/// verdict changes (over the fleet or on an asset), and the rules added, removed, switched
/// off or changed in severity or control mapping.
public struct PolicyDiff: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case newlyFailing = "newly_failing", newlyErroring = "newly_erroring", newlyPassing = "newly_passing", newlyWaived = "newly_waived"
        case noLongerApplicable = "no_longer_applicable", noLongerEvaluated = "no_longer_evaluated"

        public var label: String {
            switch self {
            case .newlyFailing: "newly failing"
            case .newlyErroring: "newly erroring"
            case .newlyPassing: "newly passing"
            case .newlyWaived: "newly waived"
            case .noLongerApplicable: "not applicable any more"
            case .noLongerEvaluated: "no longer evaluated"
            }
        }
    }

    /// One rule on one asset whose verdict differs; `nil` is "rule not in that policy set".
    public struct VerdictChange: Sendable {
        public var rule: String
        public var asset: String
        public var base: Verdict?
        public var head: Verdict?
        public var kind: Kind
        /// The head rule's severity, or the base rule's when the head has none.
        public var severity: Severity
        /// The verdict's message and evidence on the side that fails or errs (head first).
        public var message: String?
        public var evidence: [Evidence]
        /// Passed (or was waived) before, fails or errs now.
        public var isRegression: Bool { (base == .pass || base == .waived) && (head == .fail || head == .error) }
    }

    public struct ControlAssetChange: Sendable {
        public var asset: String
        public var base: Verdict?
        public var head: Verdict?
        /// Highest severity among the head rules failing or erring behind the control on this asset.
        public var severity: Severity?
        public var isRegression: Bool { (base == .pass || base == .waived) && (head == .fail || head == .error) }
    }

    public struct ControlChange: Sendable {
        public var ref: ControlRef
        public var title: String
        /// The fleet-wide verdicts; `nil` when no rule maps to the control on that side.
        public var base: Verdict?
        public var head: Verdict?
        public var assets: [ControlAssetChange]
    }

    public enum RuleAspect: Sendable, Equatable {
        case added, removed, enabled
        case disabled(reason: String)
        case severity(from: Severity, to: Severity)
        case controls(added: [String], removed: [String])
    }

    public struct RuleChange: Sendable {
        public var rule: String
        public var title: String
        public var aspects: [RuleAspect]
    }

    public enum Gate: String, Sendable, CaseIterable {
        /// Something that passed now fails or errs (a rule or a control, on an asset).
        case regressions
        /// Anything newly failing or erring, including rules that are new.
        case failures
        /// Any change at all: verdicts, controls or rules.
        case changes
        case none
    }

    public var base: ResultsDocument
    public var head: ResultsDocument
    /// How each policy set is named in reports (a folder, or `REV:FOLDER`), and the commit a
    /// revision resolved to.
    public var baseLabel: String
    public var headLabel: String
    public var baseCommit: String?
    public var headCommit: String?
    public var verdicts: [VerdictChange] = []
    public var controls: [ControlChange] = []
    public var rules: [RuleChange] = []
    /// Rule and asset pairs evaluated on both sides (or either) whose verdict did not change.
    public var unchanged = 0

    public init(
        base: ResultsDocument, head: ResultsDocument, baseLabel: String = "base", headLabel: String = "head",
        baseCommit: String? = nil, headCommit: String? = nil
    ) {
        self.base = base
        self.head = head
        self.baseLabel = baseLabel
        self.headLabel = headLabel
        self.baseCommit = baseCommit
        self.headCommit = headCommit
        rules = Self.ruleChanges(base, head)
        verdicts = Self.verdictChanges(base, head, unchanged: &unchanged)
        controls = Self.controlChanges(base, head)
    }

    public func count(_ kind: Kind) -> Int { verdicts.reduce(0) { $0 + ($1.kind == kind ? 1 : 0) } }
    public var regressions: Int {
        verdicts.filter(\.isRegression).count
    }
    public var isEmpty: Bool { verdicts.isEmpty && controls.isEmpty && rules.isEmpty }

    /// What trips `gate` at or above `threshold`: the verdict changes, control changes (on an
    /// asset) and rule changes that make `gavel diff` exit 1. No threshold (`--fail-on none`):
    /// nothing.
    public func tripped(_ gate: Gate, atOrAbove threshold: Severity?) -> (
        verdicts: [VerdictChange], controls: [(ControlChange, ControlAssetChange)], rules: [RuleChange]
    ) {
        guard let threshold else { return ([], [], []) }
        let controlAssets = controls.flatMap { c in c.assets.map { (c, $0) } }
        func severe(_ s: Severity?) -> Bool { (s ?? .info) >= threshold }
        switch gate {
        case .none:
            return ([], [], [])
        case .regressions:
            return (verdicts.filter { $0.isRegression && severe($0.severity) }, controlAssets.filter { $0.1.isRegression && severe($0.1.severity) }, [])
        case .failures:
            let bad: (Verdict?) -> Bool = { $0 == .fail || $0 == .error }
            return (verdicts.filter { bad($0.head) && severe($0.severity) }, controlAssets.filter { bad($0.1.head) && severe($0.1.severity) }, [])
        case .changes:
            let headRules = Dictionary(uniqueKeysWithValues: head.rules.map { ($0.id, $0.severity) })
            let baseRules = Dictionary(uniqueKeysWithValues: base.rules.map { ($0.id, $0.severity) })
            return (
                verdicts.filter { severe($0.severity) }, controlAssets.filter { $0.1.severity == nil || severe($0.1.severity) },
                rules.filter { severe(headRules[$0.rule] ?? baseRules[$0.rule]) }
            )
        }
    }

    static func ruleChanges(_ base: ResultsDocument, _ head: ResultsDocument) -> [RuleChange] {
        let b = Dictionary(uniqueKeysWithValues: base.rules.map { ($0.id, $0) })
        let h = Dictionary(uniqueKeysWithValues: head.rules.map { ($0.id, $0) })
        let bOff = Dictionary(base.disabled.map { ($0.rule, $0.reason) }, uniquingKeysWith: { a, _ in a })
        let hOff = Dictionary(head.disabled.map { ($0.rule, $0.reason) }, uniquingKeysWith: { a, _ in a })
        let ids = Set(b.keys).union(h.keys).union(bOff.keys).union(hOff.keys).sorted()
        var out: [RuleChange] = []
        for id in ids {
            let inBase = b[id] != nil || bOff[id] != nil, inHead = h[id] != nil || hOff[id] != nil
            var aspects: [RuleAspect] = []
            if !inBase { aspects.append(.added) }
            if !inHead { aspects.append(.removed) }
            if let reason = hOff[id], inBase, bOff[id] == nil { aspects.append(.disabled(reason: reason)) }
            if !inBase, let reason = hOff[id] { aspects.append(.disabled(reason: reason)) }
            if bOff[id] != nil, h[id] != nil { aspects.append(.enabled) }
            if let br = b[id], let hr = h[id] {
                if br.severity != hr.severity { aspects.append(.severity(from: br.severity, to: hr.severity)) }
                let bc = Set(br.controls.map(\.description)), hc = Set(hr.controls.map(\.description))
                if bc != hc { aspects.append(.controls(added: hc.subtracting(bc).sorted(), removed: bc.subtracting(hc).sorted())) }
            }
            if !aspects.isEmpty { out.append(RuleChange(rule: id, title: h[id]?.title ?? b[id]?.title ?? "", aspects: aspects)) }
        }
        return out
    }

    static func verdictChanges(_ base: ResultsDocument, _ head: ResultsDocument, unchanged: inout Int) -> [VerdictChange] {
        func index(_ d: ResultsDocument) -> [String: ResultsDocument.Entry] {
            var m: [String: ResultsDocument.Entry] = [:]
            m.reserveCapacity(d.entries.count)
            for e in d.entries { m[e.rule + "\u{0}" + e.asset] = e }
            return m
        }
        let b = index(base), h = index(head)
        let ruleIDs = Set(base.rules.map(\.id)).union(head.rules.map(\.id)).sorted()
        let assets = Set(base.assets).union(head.assets).sorted()
        var out: [VerdictChange] = []
        for rule in ruleIDs {
            for asset in assets {
                let be = b[rule + "\u{0}" + asset], he = h[rule + "\u{0}" + asset]
                let bv = be?.verdict, hv = he?.verdict
                if bv == hv { unchanged += 1; continue }
                let kind: Kind
                switch hv {
                case .fail?: kind = .newlyFailing
                case .error?: kind = .newlyErroring
                case .pass?: kind = .newlyPassing
                case .waived?: kind = .newlyWaived
                case .notApplicable?:
                    guard bv != nil else { continue }
                    kind = .noLongerApplicable
                case nil:
                    guard bv != .notApplicable else { continue }
                    kind = .noLongerEvaluated
                }
                let shown = (hv == .fail || hv == .error) ? he : (bv == .fail || bv == .error) ? be : he ?? be
                out.append(
                    VerdictChange(
                        rule: rule, asset: asset, base: bv, head: hv, kind: kind,
                        severity: he?.severity ?? be?.severity ?? .info,
                        message: shown?.message, evidence: shown?.evidence ?? []))
            }
        }
        return out
    }

    static func controlChanges(_ base: ResultsDocument, _ head: ResultsDocument) -> [ControlChange] {
        let b = Dictionary(base.controls.map { ($0.ref, $0) }, uniquingKeysWith: { a, _ in a })
        let h = Dictionary(head.controls.map { ($0.ref, $0) }, uniquingKeysWith: { a, _ in a })
        var headSeverity: [String: Severity] = [:]
        for e in head.entries where e.verdict == .fail || e.verdict == .error { headSeverity[e.rule + "\u{0}" + e.asset] = e.severity }
        var out: [ControlChange] = []
        for ref in Set(b.keys).union(h.keys).sorted() {
            let bc = b[ref], hc = h[ref]
            let bAssets = Dictionary((bc?.assets ?? []).map { ($0.asset, $0.verdict) }, uniquingKeysWith: { a, _ in a })
            let hAssets = Dictionary((hc?.assets ?? []).map { ($0.asset, $0) }, uniquingKeysWith: { a, _ in a })
            var changes: [ControlAssetChange] = []
            for asset in Set(bAssets.keys).union(hAssets.keys).sorted() where bAssets[asset] != hAssets[asset]?.verdict {
                let worst = hAssets[asset]?.rules.compactMap { headSeverity[$0.rule + "\u{0}" + asset] }.max()
                changes.append(ControlAssetChange(asset: asset, base: bAssets[asset], head: hAssets[asset]?.verdict, severity: worst))
            }
            if bc?.verdict != hc?.verdict || !changes.isEmpty {
                out.append(ControlChange(ref: ref, title: hc?.title ?? bc?.title ?? ref.id, base: bc?.verdict, head: hc?.verdict, assets: changes))
            }
        }
        return out
    }
}
