import GavelCore
import GavelResults

/// What the auditor reports (`gavel report`: HTML, CSV, Markdown) show, worked out once from
/// a results document: controls grouped by framework, each control's rows per asset and
/// rule with the entry, the rule and the snapshots behind it, and the changes since a
/// previous run when one is given.
public struct AuditModel: Sendable {
    public struct Framework: Sendable {
        public var framework: String
        public var title: String
        public var controls: [ResultsDocument.ControlEntry]
        public func count(_ v: Verdict) -> Int { controls.filter { $0.verdict == v }.count }
        /// Controls passing (waived failures count as passing) among those that were judged.
        public var passRate: Double? {
            let judged = controls.filter { $0.verdict != .notApplicable }.count
            return judged == 0 ? nil : Double(count(.pass) + count(.waived)) / Double(judged)
        }
    }

    /// One rule on one asset behind a control.
    public struct Row: Sendable {
        public var asset: String
        public var rule: RuleInfo?
        public var ruleID: String
        public var entry: ResultsDocument.Entry?
        public var verdict: Verdict
        /// The snapshots of the rule's kinds for this asset: where the evidence came from.
        public var snapshots: [SnapshotInfo]
    }

    /// Whether the document's bytes still match its `document_sha256`.
    public enum Integrity: Sendable, Equatable {
        /// Rendered straight from a run (`gavel eval --format html`).
        case fresh
        case verified
        /// Edited after Gavel wrote it.
        case changed
        /// No digest in the document.
        case unrecorded
    }

    public let doc: ResultsDocument
    public var integrity: Integrity = .fresh
    /// Why there are no changes to show, when there is no previous run.
    public var noPreviousRun = "No previous run was given (--previous FILE or --store PATH)."
    /// Where the document was read from, for the report's header.
    public let source: String?
    /// `previous` -> `doc`, when a previous run is known.
    public let changes: PolicyDiff?
    public let previousStartedAt: String?
    public let frameworks: [Framework]
    let rules: [String: RuleInfo]
    let entries: [String: Int]
    let snapshotIndex: [String: SnapshotInfo]

    public init(_ doc: ResultsDocument, source: String? = nil, previous: ResultsDocument? = nil) {
        self.doc = doc
        self.source = source
        changes = previous.map { PolicyDiff(base: $0, head: doc, baseLabel: "previous run", headLabel: "this run") }
        previousStartedAt = previous.map { Timestamp.string($0.startedAt) }
        rules = Dictionary(doc.rules.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var entries: [String: Int] = [:]
        entries.reserveCapacity(doc.entries.count)
        for (i, e) in doc.entries.enumerated() { entries[e.rule + "\u{0}" + e.asset] = i }
        self.entries = entries
        var snaps: [String: SnapshotInfo] = [:]
        for s in doc.snapshots where snaps[s.asset + "\u{0}" + s.kind] == nil { snaps[s.asset + "\u{0}" + s.kind] = s }
        snapshotIndex = snaps
        let titles = Dictionary((doc.coverage?.frameworks ?? []).map { ($0.framework, $0.title) }, uniquingKeysWith: { a, _ in a })
        var order: [String] = []
        var byFramework: [String: [ResultsDocument.ControlEntry]] = [:]
        for c in doc.controls {
            if byFramework[c.ref.framework] == nil { order.append(c.ref.framework) }
            byFramework[c.ref.framework, default: []].append(c)
        }
        frameworks = order.map { Framework(framework: $0, title: titles[$0] ?? $0, controls: byFramework[$0]!) }
    }

    public func rule(_ id: String) -> RuleInfo? { rules[id] }

    /// "4 assets", or for a report of some of a run's assets "2 of 4 assets (--asset
    /// 'clinic-*')": a reader must not take a part of the fleet for all of it.
    public static func assetsEvaluated(_ d: ResultsDocument) -> String {
        guard let s = d.selection else { return "\(d.assets.count) assets" }
        return "\(d.assets.count) of \(s.of) assets (" + s.patterns.map { "--asset '\($0)'" }.joined(separator: " ") + ")"
    }

    public func entry(_ rule: String, _ asset: String) -> ResultsDocument.Entry? {
        entries[rule + "\u{0}" + asset].map { doc.entries[$0] }
    }

    public func snapshots(_ rule: String, _ asset: String) -> [SnapshotInfo] {
        (rules[rule]?.kindNames ?? []).compactMap { snapshotIndex[asset + "\u{0}" + $0] }
    }

    /// Per asset (in the document's order), per rule behind the control.
    public func rows(_ c: ResultsDocument.ControlEntry) -> [Row] {
        c.assets.flatMap { a in
            a.rules.map { r in
                Row(
                    asset: a.asset, rule: rules[r.rule], ruleID: r.rule, entry: entry(r.rule, a.asset), verdict: r.verdict,
                    snapshots: snapshots(r.rule, a.asset))
            }
        }
    }

    /// The rows whose rule does not apply, as one line: `asset (RULE, RULE); asset (RULE)`.
    public static func notApplicable(_ rows: [Row]) -> String? {
        var order: [String] = []
        var byAsset: [String: [String]] = [:]
        for r in rows where r.verdict == .notApplicable {
            if byAsset[r.asset] == nil { order.append(r.asset) }
            byAsset[r.asset, default: []].append(r.ruleID)
        }
        return order.isEmpty ? nil : order.map { "\($0) (\(byAsset[$0]!.joined(separator: ", ")))" }.joined(separator: "; ")
    }

    /// Failing controls grouped by the highest severity failing behind them, worst first;
    /// manual controls (no rules) under `nil`.
    public var failingBySeverity: [(severity: Severity?, controls: [ResultsDocument.ControlEntry])] {
        let failing = doc.controls.filter { $0.verdict == .fail }
        var out: [(Severity?, [ResultsDocument.ControlEntry])] = []
        for s in Severity.allCases.sorted(by: >) {
            let cs = failing.filter { $0.worstFailing == s }
            if !cs.isEmpty { out.append((s, cs)) }
        }
        let manual = failing.filter { $0.worstFailing == nil }
        if !manual.isEmpty { out.append((nil, manual)) }
        return out
    }

    /// The severities of the rules behind a control, worst first.
    public func severities(_ c: ResultsDocument.ControlEntry) -> [Severity] {
        Set(c.rules.compactMap { rules[$0]?.severity }).sorted(by: >)
    }

    /// Changes since the previous run that auditors ask about: rule verdicts on an asset
    /// that now fail, now pass again, or now err.
    public func changes(_ kinds: [PolicyDiff.Kind]) -> [PolicyDiff.VerdictChange] {
        (changes?.verdicts ?? []).filter { kinds.contains($0.kind) }
    }

    public static func verdictWord(_ v: Verdict) -> String {
        switch v {
        case .pass: "pass"
        case .fail: "fail"
        case .error: "error"
        case .notApplicable: "not applicable"
        case .waived: "waived"
        }
    }

    /// An evidence value as text: strings bare, everything else as JSON.
    public static func show(_ v: Value?) -> String {
        guard let v else { return "(absent)" }
        if case .string(let s) = v { return s }
        return JSONWriter.string(v)
    }
}
