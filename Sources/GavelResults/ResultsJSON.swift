import Dispatch
import Foundation
import GavelCore

/// Serialises a `ResultsDocument` as `gavel: results/v1` JSON, streamed: the document goes
/// out in chunks of about a megabyte, and the long lists (results, controls) are turned into
/// text in batches, on `jobs` threads, so a large fleet's document is never held whole in
/// memory, nor its values all at once.
extension ResultsDocument {
    public func json(pretty: Bool = true, jobs: Int = 1) -> String {
        var all: [UInt8] = []
        write(pretty: pretty, jobs: jobs) { all += $0 }
        return String(decoding: all, as: UTF8.self)
    }

    /// Writes the document through `emit` as UTF-8, chunk by chunk, in order.
    public func write(pretty: Bool = true, jobs: Int = 1, to emit: ([UInt8]) throws -> Void) rethrows {
        var out: [UInt8] = []
        out.reserveCapacity(1 << 20 + 1 << 16)
        var digest = SHA256()
        func flush(_ force: Bool = false) throws {
            guard force || out.count >= 1 << 20 else { return }
            digest.update(out)
            try emit(out)
            out.removeAll(keepingCapacity: true)
        }
        let nl = pretty ? "\n" : ""
        let ind = pretty ? "  " : ""
        func field(_ name: String, _ v: Value) throws {
            out += ind.utf8
            JSONWriter.writeString(name, into: &out)
            out += (pretty ? ": " : ":").utf8
            JSONWriter.write(v, into: &out, pretty: pretty, indent: 1)
            out += ("," + nl).utf8
            try flush()
        }
        /// A list member whose items are written one per line, `count` of them, made by `item`
        /// in batches (in parallel when `jobs` > 1).
        func list(_ name: String, _ count: Int, _ item: @escaping @Sendable (Int) -> Value) throws {
            out += ind.utf8
            JSONWriter.writeString(name, into: &out)
            out += (pretty ? ": [" : ":[").utf8
            // Batches of about a megabyte per thread: small items (results) go thousands at
            // a time, large ones (a control over 10,000 assets) a few at a time. The first
            // batch is one item per thread, to learn the size before holding many.
            var batch = max(jobs, 1)
            var start = 0
            let lead = Array((nl + ind + ind).utf8)
            while start < count {
                let end = min(start + batch, count)
                let texts = ResultsDocument.render(start..<end, jobs: jobs) { i in
                    var t: [UInt8] = i == 0 ? [] : [UInt8(ascii: ",")]
                    t += lead
                    JSONWriter.write(item(i), into: &t, pretty: false, indent: 0)
                    return t
                }
                var bytes = 0
                for t in texts {
                    bytes += t.count
                    out += t
                    try flush()
                }
                batch = min(4096, max(1, (1 << 20) * max(jobs, 1) / max(1, bytes / (end - start))))
                start = end
            }
            out += ((count == 0 ? "" : nl + ind) + "]," + nl).utf8
        }
        out += ("{" + nl).utf8
        try field("gavel", "results/v1")
        try field("run", runValue)
        try field("summary", summaryValue)
        try list("rules", rules.count) { ResultsDocument.ruleValue(rules[$0]) }
        try list("results", entries.count) { entryValue(entries[$0]) }
        try list("controls", controls.count) { controlValue(controls[$0]) }
        if let coverage { try list("coverage", coverage.frameworks.count) { coverage.frameworks[$0].value } }
        try list("waivers", waivers.count) { ResultsDocument.waiverValue(waivers[$0].waiver, status: waivers[$0].status, applied: waivers[$0].applied) }
        try list("attestations", attestations.count) { ResultsDocument.attestationValue(attestations[$0]) }
        try list("input_errors", inputErrors.count) { ResultsDocument.inputErrorValue(inputErrors[$0]) }
        // Last: the digest of every byte before this key, so that any later edit shows
        // (`gavel verify`).
        out += ind.utf8
        digest.update(out)
        let hex = digest.finalizeHex()
        JSONWriter.writeString(ResultsDocument.digestKey, into: &out)
        out += ((pretty ? ": " : ":") + "\"\(hex)\"" + nl + "}\n").utf8
        try emit(out)
    }

    /// `make(i)` for every index of `range`, in order, on up to `jobs` threads.
    static func render(_ range: Range<Int>, jobs: Int, _ make: @Sendable (Int) -> [UInt8]) -> [[UInt8]] {
        let parts = min(max(jobs, 1), max(range.count / 256, 1))
        if parts == 1 { return range.map(make) }
        let box = TextSlots(count: range.count)
        DispatchQueue.concurrentPerform(iterations: parts) { p in
            var i = range.lowerBound + p
            while i < range.upperBound {
                box.set(i - range.lowerBound, make(i))
                i += parts
            }
        }
        return box.take()
    }

    /// The last member of a results document: SHA-256 of all the bytes before this key.
    public static let digestKey = "document_sha256"

    static func iso(_ d: Date) -> String { Timestamp.string(d) }

    var runValue: Value {
        var members: [(String, Value)] = [
            ("tool", .object([("name", "gavel"), ("version", .string(ResultsDocument.toolVersion))])),
            ("started_at", .string(ResultsDocument.iso(startedAt))),
            ("finished_at", .string(ResultsDocument.iso(finishedAt))),
            ("duration_ms", .int(Timestamp.milliseconds(finishedAt) - Timestamp.milliseconds(startedAt))),
            ("jobs", .int(Int64(jobs))),
            ("fail_on", failOn.map { .string($0.rawValue) } ?? .null),
            ("as_of", .string(asOf.description)),
            ("policy_digest", .string(policyDigest)),
            ("policy_files", .array(policyFiles.map { .object([("path", .string($0.path)), ("sha256", .string($0.sha256))]) })),
            ("parameters", .object(parameters.map { Value.Member($0.name, $0.value) })),
            ("disabled_rules", .array(disabled.map { .object([("rule", .string($0.rule)), ("reason", .string($0.reason))]) })),
            (
                "snapshots",
                .array(
                    snapshots.map { s in
                        .object([
                            ("source", .string(s.source)), ("asset", .string(s.asset)), ("kind", .string(s.kind)),
                            ("collected_at", s.collectedAt.map { .string($0) } ?? .null), ("sha256", .string(s.sha256)), ("bytes", .int(Int64(s.bytes))),
                        ])
                    })
            ),
        ]
        // Only a sharded run says so: a whole run's document stays as it always was.
        if let shard { members.insert(("shard", .string(shard.description)), at: 6) }
        return .object(members)
    }

    var summaryValue: Value {
        // One pass over the results, each read in place: a million of them, where filtering
        // the list once per severity copied every result five times.
        var byVerdict: [Verdict: Int] = [:]
        var failing: [Severity: Int] = [:]
        for i in entries.indices {
            let v = entries[i].verdict
            byVerdict[v, default: 0] += 1
            if v == .fail { failing[entries[i].severity, default: 0] += 1 }
        }
        var verdicts: [(String, Value)] = []
        for v in Verdict.allCases { verdicts.append((v.rawValue, .int(Int64(byVerdict[v] ?? 0)))) }
        var bySeverity: [(String, Value)] = []
        for s in Severity.allCases.reversed() { bySeverity.append((s.rawValue, .int(Int64(failing[s] ?? 0)))) }
        var controlCounts: [(String, Value)] = []
        for v in Verdict.allCases { controlCounts.append((v.rawValue, .int(Int64(controls.filter { $0.verdict == v }.count)))) }
        return .object(
            [
                ("assets", .int(Int64(assets.count))),
                ("rules", .int(Int64(rules.count))),
                ("evaluations", .int(Int64(entries.count))),
                ("verdicts", .object(verdicts)),
                ("failing_by_severity", .object(bySeverity)),
                ("controls", .object(controlCounts)),
                ("input_errors", .int(Int64(inputErrors.count))),
            ] + (baselineSource.map { [("baseline", .object([("source", .string($0)), ("suppressed", .int(Int64(suppressed)))]))] } ?? []))
    }

    static func ruleValue(_ r: RuleInfo) -> Value {
        .object([
            ("id", .string(r.id)), ("title", .string(r.title)), ("severity", .string(r.severity.rawValue)),
            ("policy", .string(r.policyID)), ("kinds", .array(r.kindNames.map { .string($0) })),
            ("controls", .array(r.controls.map { .string($0.description) })),
            ("source", .string(r.location.description)),
            (
                "remediation",
                .object([
                    ("summary", r.remediation.summary.map { .string($0) } ?? .null),
                    ("fix", r.remediation.fix.map { .string($0) } ?? .null),
                    ("references", .array(r.remediation.references.map { .string($0) })),
                ])
            ),
        ])
    }

    static func inputErrorValue(_ e: Diagnostic) -> Value {
        let line: Value = e.location?.knownLine.map { .int(Int64($0)) } ?? .null
        let column: Value = e.location?.knownColumn.map { .int(Int64($0)) } ?? .null
        return .object([
            ("file", .string(e.location?.file ?? "")), ("line", line), ("column", column), ("id", .string(e.id)),
            ("message", .string(e.message)),
        ])
    }

    static func evidenceValue(_ e: Evidence) -> Value {
        var m: [(String, Value)] = [
            ("path", .string(e.path)), ("observed", e.observed ?? .null), ("present", .bool(e.observed != nil)),
            ("operator", .string(e.op)), ("expected", e.expected), ("result", .string(e.result.word)),
        ]
        if let c = e.coercion { m.append(("as", .string(c))) }
        if let n = e.note { m.append(("note", .string(n))) }
        if let p = e.provenance { m.append(("source", .string(p))) }
        return .object(m)
    }

    static func waiverValue(_ w: Waiver, status: ExceptionStatus? = nil, applied: Int? = nil) -> Value {
        var m: [(String, Value)] = [
            ("rule", .string(w.rule)), ("assets", .array(w.assets.map { .string($0) })), ("reason", .string(w.reason)),
            ("approved_by", .string(w.approvedBy)), ("expires", .string(w.expires.description)),
            ("source", .string(w.location.description)),
        ]
        if let status { m.append(("status", .string(status.rawValue))) }
        if let applied { m.append(("applied", .int(Int64(applied)))) }
        return .object(m)
    }

    static func attestationValue(_ s: AttestationState) -> Value {
        let a = s.attestation
        return .object([
            ("control", .string(a.control.description)), ("statement", .string(a.statement)), ("attested_by", .string(a.attestedBy)),
            ("date", .string(a.date.description)), ("expires", a.expires.map { .string($0.description) } ?? .null),
            ("evidence", a.evidence.map { .string($0) } ?? .null), ("status", .string(s.status.rawValue)),
            ("source", .string(a.location.description)),
        ])
    }

    func entryValue(_ e: Entry) -> Value {
        var m: [(String, Value)] = [
            ("rule", .string(e.rule)), ("asset", .string(e.asset)), ("verdict", .string(e.verdict.rawValue)),
            ("severity", .string(e.severity.rawValue)), ("controls", .array(e.controls.map { .string($0) })),
        ]
        if let msg = e.message { m.append(("message", .string(msg))) }
        if !e.evidence.isEmpty { m.append(("evidence", .array(e.evidence.map(ResultsDocument.evidenceValue)))) }
        if e.omitted > 0 { m.append(("evidence_omitted", .int(Int64(e.omitted)))) }
        if e.baselined { m.append(("baselined", .bool(true))) }
        if let w = e.waiver { m.append(("waiver", ResultsDocument.waiverValue(waivers[w].waiver))) }
        if let w = e.expiredWaiver { m.append(("expired_waiver", ResultsDocument.waiverValue(waivers[w].waiver))) }
        return .object(m)
    }

    func controlValue(_ c: ControlEntry) -> Value {
        var m: [(String, Value)] = [
            ("framework", .string(c.ref.framework)), ("control", .string(c.ref.id)), ("title", .string(c.title)),
            ("verdict", .string(c.verdict.rawValue)), ("manual", .bool(c.manual)), ("rules", .array(c.rules.map { .string($0) })),
        ]
        if let n = c.note { m.append(("note", .string(n))) }
        if !c.attestations.isEmpty { m.append(("attestations", .array(c.attestations.map { ResultsDocument.attestationValue(attestations[$0]) }))) }
        m.append(
            (
                "assets",
                .array(
                    c.assets.map { a in
                        .object([
                            ("asset", .string(a.asset)), ("verdict", .string(a.verdict.rawValue)),
                            ("rules", .object(a.rules.map { Value.Member($0.rule, .string($0.verdict.rawValue)) })),
                        ])
                    })
            ))
        return .object(m)
    }
}

/// Slots filled by index from several threads (each index by one thread only), then taken
/// in order.
private final class TextSlots: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<[UInt8]>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: [])
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    func set(_ i: Int, _ s: [UInt8]) { slots[i] = s }

    func take() -> [[UInt8]] { Array(slots) }
}
