import Foundation
import GavelCore

/// The `gavel: results/v1` document: everything a reporter needs, so that any report can be
/// re-rendered later from the JSON alone. See docs/RESULTS.md for the field reference.
public struct ResultsDocument: Sendable {
    public static let toolVersion = "0.1.0"

    /// One rule on one asset. Laid out small (80 bytes): a large fleet keeps about a
    /// million of these.
    public struct Entry: Sendable {
        public var rule: String
        public var asset: String
        public var controls: [String]
        public var message: String?
        public var evidence: [Evidence]
        private var omittedCount: Int32
        private var waiverIndex: Int32 = -1
        private var expiredWaiverIndex: Int32 = -1
        public var verdict: Verdict
        public var severity: Severity
        /// A failure the baseline (`--baseline`) already knows.
        public var baselined = false

        public init(
            rule: String, asset: String, verdict: Verdict, severity: Severity, controls: [String], message: String?,
            evidence: [Evidence], omitted: Int
        ) {
            self.rule = rule
            self.asset = asset
            self.controls = controls
            self.message = message
            self.evidence = evidence
            omittedCount = Int32(clamping: omitted)
            self.verdict = verdict
            self.severity = severity
        }

        /// Evidence records left out beyond the cap.
        public var omitted: Int {
            get { Int(omittedCount) }
            set { omittedCount = Int32(clamping: newValue) }
        }
        /// Index into `waivers` of the waiver that turned this failure into `waived`.
        public var waiver: Int? {
            get { waiverIndex < 0 ? nil : Int(waiverIndex) }
            set { waiverIndex = newValue.map { Int32($0) } ?? -1 }
        }
        /// A failure whose only matching waivers have expired: the latest of them.
        public var expiredWaiver: Int? {
            get { expiredWaiverIndex < 0 ? nil : Int(expiredWaiverIndex) }
            set { expiredWaiverIndex = newValue.map { Int32($0) } ?? -1 }
        }
    }

    public struct WaiverState: Sendable {
        public var waiver: Waiver
        public var status: ExceptionStatus
        /// Rule and asset pairs it waived in this run.
        public var applied: Int

        public init(waiver: Waiver, status: ExceptionStatus, applied: Int) {
            self.waiver = waiver
            self.status = status
            self.applied = applied
        }
    }

    public struct AttestationState: Sendable {
        public var attestation: Attestation
        public var status: ExceptionStatus

        public init(attestation: Attestation, status: ExceptionStatus) {
            self.attestation = attestation
            self.status = status
        }
    }

    public struct ControlAsset: Sendable {
        public var asset: String
        public var verdict: Verdict
        /// The control's rules (one list shared by all its assets) and their verdicts here.
        private var ruleIDs: [String]
        private var verdicts: [Verdict]

        public init(asset: String, verdict: Verdict, rules: [(rule: String, verdict: Verdict)]) {
            self.init(asset: asset, verdict: verdict, ruleIDs: rules.map(\.rule), verdicts: rules.map(\.verdict))
        }

        package init(asset: String, verdict: Verdict, ruleIDs: [String], verdicts: [Verdict]) {
            self.asset = asset
            self.verdict = verdict
            self.ruleIDs = ruleIDs
            self.verdicts = verdicts
        }

        public var rules: [(rule: String, verdict: Verdict)] { zip(ruleIDs, verdicts).map { (rule: $0, verdict: $1) } }
    }

    public struct ControlEntry: Sendable {
        public var ref: ControlRef
        public var title: String
        public var manual: Bool
        public var verdict: Verdict
        public var rules: [String]
        public var assets: [ControlAsset]
        public var note: String?
        /// Highest severity among failing rules behind this control.
        public var worstFailing: Severity?
        /// Indices into `attestations` of those for this control.
        public var attestations: [Int] = []

        public init(
            ref: ControlRef, title: String, manual: Bool, verdict: Verdict, rules: [String], assets: [ControlAsset], note: String?, worstFailing: Severity?,
            attestations: [Int] = []
        ) {
            self.ref = ref
            self.title = title
            self.manual = manual
            self.verdict = verdict
            self.rules = rules
            self.assets = assets
            self.note = note
            self.worstFailing = worstFailing
            self.attestations = attestations
        }
    }

    public var startedAt: Date
    public var finishedAt: Date
    public var policyDigest: String
    public var policyFiles: [InputFile]
    public var parameters: [(name: String, value: Value)]
    public var disabled: [(rule: String, reason: String)]
    public var snapshots: [SnapshotInfo]
    public var inputErrors: [Diagnostic]
    public var failOn: Severity?
    public var jobs: Int
    public var rules: [RuleInfo]
    public var assets: [String]
    public var entries: [Entry]
    public var controls: [ControlEntry]
    /// The baseline applied, if any.
    public var baselineSource: String?
    /// The day waivers and attestations are judged on (the run's, UTC), and how many days
    /// ahead one counts as expiring.
    public var asOf: Day
    public var expiringWithin: Int
    public var waivers: [WaiverState] = []
    public var attestations: [AttestationState] = []
    /// Waiver asset patterns that match no asset of the run (`unknown-asset`): policy errors.
    public var policyErrors: [Diagnostic] = []
    /// How every catalog control is covered on `asOf` (automated, manual, neither); nil in a
    /// document written before Gavel recorded it.
    public var coverage: ControlCoverage?
    /// The `document_sha256` a document read back from a file carried.
    public var recordedDigest: String?
    /// The share of the fleet this run evaluated (`--shard I/N`); nil for the whole fleet.
    public var shard: Shard?
    /// Set when the document was narrowed to some of its assets for a report
    /// (`selecting(assets:)`): the patterns, and how many assets the run had.
    public var selection: (patterns: [String], of: Int)?

    /// A document of a run's entries, before waivers, control roll-up and coverage are added
    /// (the engine's `init(run:)` adds them).
    public init(
        startedAt: Date, finishedAt: Date, policyDigest: String, policyFiles: [InputFile], parameters: [(name: String, value: Value)],
        disabled: [(rule: String, reason: String)], snapshots: [SnapshotInfo], inputErrors: [Diagnostic], failOn: Severity?, jobs: Int,
        rules: [RuleInfo], assets: [String], entries: [Entry], asOf: Day, expiringWithin: Int
    ) {
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.policyDigest = policyDigest
        self.policyFiles = policyFiles
        self.parameters = parameters
        self.disabled = disabled
        self.snapshots = snapshots
        self.inputErrors = inputErrors
        self.failOn = failOn
        self.jobs = jobs
        self.rules = rules
        self.assets = assets
        self.entries = entries
        self.controls = []
        self.asOf = asOf
        self.expiringWithin = expiringWithin
    }

    public func count(_ v: Verdict) -> Int {
        var n = 0
        for i in entries.indices where entries[i].verdict == v { n += 1 }  // read in place, not copied
        return n
    }

    /// The reported fails and errors, worst severity first, then by rule and asset: the order
    /// every human-facing report lists them in.
    public var problems: [Entry] { problemOrder.map { entries[$0] } }

    /// The indexes in `entries` of `problems`, in that order: a fleet's report walks these
    /// instead of copying its failures.
    public var problemOrder: [Int] {
        entries.indices.filter { entries[$0].isReported }.sorted { a, b in
            let (x, y) = (entries[a], entries[b])
            return (x.severity, y.rule, y.asset) > (y.severity, x.rule, x.asset)
        }
    }

    /// Controls whose verdict is fail or error.
    public var controlsNotPassing: [ControlEntry] { controls.filter { $0.verdict == .fail || $0.verdict == .error } }

    /// Finds the snapshot file an asset's data of a kind came from; the index is built once
    /// per call of this function, so a reporter over a large fleet stays linear.
    public func snapshotSources() -> (_ asset: String, _ kind: String) -> String? {
        var index: [String: String] = [:]
        for s in snapshots where index["\(s.asset)\u{0}\(s.kind)"] == nil { index["\(s.asset)\u{0}\(s.kind)"] = s.source }
        return { asset, kind in index["\(asset)\u{0}\(kind)"] }
    }

    /// Entries whose verdict is fail or error at or above `threshold`.
    public func failing(atOrAbove threshold: Severity) -> [Entry] {
        entries.filter { $0.isReported && $0.severity >= threshold }
    }
}
