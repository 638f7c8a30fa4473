import Foundation
import GavelCore
import GavelJSON

/// Reads a `gavel: results/v1` document back into a `ResultsDocument`, so that the reports
/// (`gavel report`) and comparisons (`gavel history diff`) work from what a run recorded,
/// through the same code as a fresh run. A member that is missing or of the wrong type is
/// an `Diagnostic` (`bad-results`) naming its JSON pointer; bad JSON names line and column.
extension ResultsDocument {
    public static func read(path: String) throws(Diagnostic) -> ResultsDocument {
        guard let bytes = FileBytes.read(path) else {
            throw Diagnostic(.unreadable, "cannot read \(path)", at: SourceLocation(file: path))
        }
        return try read(bytes: bytes, file: path)
    }

    /// With `assets`, the document as `selecting(assets:)` gives it, without building the
    /// results and control rows of the other assets (a site's report out of a fleet's run);
    /// their parts are still parsed, so invalid JSON anywhere is refused.
    public static func read(bytes: [UInt8], file: String, assets patterns: [String]?) throws(Diagnostic) -> ResultsDocument {
        guard let patterns else { return try read(bytes: bytes, file: file) }
        return try read(bytes: bytes, file: file, keep: { a in patterns.contains { Waiver.glob($0, a) } }).selecting(assets: patterns)
    }

    public static func read(bytes: [UInt8], file: String) throws(Diagnostic) -> ResultsDocument {
        try read(bytes: bytes, file: file, keep: nil)
    }

    private static func read(bytes: [UInt8], file: String, keep: ((String) -> Bool)?) throws(Diagnostic) -> ResultsDocument {
        // Read a part at a time (JSONParts): the tree of the whole document would be about ten
        // times its size, and a fleet's document is hundreds of megabytes.
        let result: Result<ResultsDocument, Diagnostic> = bytes.withUnsafeBytes { raw in
            do throws(Diagnostic) {
                let root = try RecordedRoot(raw, file: file)
                guard root["gavel"]?.stringValue == "results/v1" else {
                    throw Diagnostic(
                        .badResults, "not a Gavel results document: expected \"gavel\": \"results/v1\" (from gavel eval --format json)",
                        at: SourceLocation(file: file))
                }
                let doc = try ResultsDocument(recorded: root, reader: RecordReader(file: file), keep: keep)
                try root.checkUnread()
                return .success(doc)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// `keep`: the assets whose results and control rows are built (nil: all).
    init(recorded root: RecordedRoot, reader r: RecordReader, keep: ((String) -> Bool)?) throws(Diagnostic) {
        guard let run = root["run"], run.type == .object else { throw r.bad("/run", "an object") }
        startedAt = try r.date(run, "started_at", "/run")
        finishedAt = try r.date(run, "finished_at", "/run")
        policyDigest = try r.string(run, "policy_digest", "/run")
        policyFiles = try r.list(run, "policy_files", "/run") { v, at throws(Diagnostic) in
            InputFile(path: try r.string(v, "path", at), sha256: try r.string(v, "sha256", at), bytes: 0)
        }
        parameters = (run["parameters"]?.objectMembers ?? []).map { (name: $0.key, value: $0.value.toValue()) }
        disabled = try r.list(run, "disabled_rules", "/run") { v, at throws(Diagnostic) in
            (rule: try r.string(v, "rule", at), reason: try r.string(v, "reason", at))
        }
        snapshots = try r.list(run, "snapshots", "/run") { v, at throws(Diagnostic) in
            SnapshotInfo(
                source: try r.string(v, "source", at), asset: try r.string(v, "asset", at), kind: try r.string(v, "kind", at),
                collectedAt: v["collected_at"]?.stringValue, collector: nil, sha256: try r.string(v, "sha256", at),
                bytes: try r.count(v, "bytes", at, default: 0))
        }
        failOn = run["fail_on"]?.stringValue.flatMap(Severity.init(rawValue:))
        jobs = try r.count(run, "jobs", "/run", default: 1)
        asOf = try r.day(run, "as_of", "/run")
        if let text = run["shard"]?.stringValue {
            guard let s = Shard(text) else { throw r.bad("/run/shard", "a shard written I/N, with 1 <= I <= N") }
            shard = s
        }
        expiringWithin = 0
        baselineSource = root["summary"]?["baseline"]?["source"]?.stringValue
        rules = try root.list("rules", r) { v, at throws(Diagnostic) in
            let rem = v["remediation"]
            return RuleInfo(
                id: try r.string(v, "id", at), title: try r.string(v, "title", at), severity: try r.severity(v, "severity", at),
                controls: try r.strings(v, "controls", at).map { s throws(Diagnostic) in try r.control(s, at + "/controls") },
                kindNames: try r.strings(v, "kinds", at), policyID: try r.string(v, "policy", at),
                location: RecordReader.location(try r.string(v, "source", at)),
                remediation: Remediation(
                    summary: rem?["summary"]?.stringValue, fix: rem?["fix"]?.stringValue,
                    references: (rem?["references"]?.arrayValue ?? []).compactMap(\.stringValue)))
        }
        waivers = try root.list("waivers", r) { v, at throws(Diagnostic) in
            WaiverState(waiver: try r.waiver(v, at), status: try r.status(v, at), applied: try r.count(v, "applied", at, default: 0))
        }
        attestations = try root.list("attestations", r) { v, at throws(Diagnostic) in
            AttestationState(attestation: try r.attestation(v, at), status: try r.status(v, at))
        }
        let waiverIndex = Dictionary(waivers.enumerated().map { ("\($1.waiver.rule)\u{0}\($1.waiver.location)", $0) }, uniquingKeysWith: { a, _ in a })
        func waiverRef(_ v: JSONNode?) -> Int? {
            guard let v, let rule = v["rule"]?.stringValue, let src = v["source"]?.stringValue else { return nil }
            return waiverIndex["\(rule)\u{0}\(src)"]
        }
        // A fleet's document names each rule and asset thousands of times, and a rule's
        // controls with each of its results: each is kept once, as a run keeps them.
        var names: Set<String> = []
        var controlLists: [String: [String]] = [:]
        func once(_ s: String) -> String { names.insert(s).memberAfterInsert }
        var seen = Set<String>()
        entries = try root.list("results", r) { v, at throws(Diagnostic) -> Entry? in
            let asset = try r.string(v, "asset", at)
            seen.insert(asset)
            if let keep, !keep(asset) { return nil }
            let rule = once(try r.string(v, "rule", at))
            var controls = try r.strings(v, "controls", at)
            if let known = controlLists[rule], known == controls { controls = known } else { controlLists[rule] = controls }
            var e = Entry(
                rule: rule, asset: once(asset), verdict: try r.verdict(v["verdict"], at + "/verdict"),
                severity: try r.severity(v, "severity", at), controls: controls, message: v["message"]?.stringValue,
                evidence: try r.list(v, "evidence", at, optional: true) { ev, eat throws(Diagnostic) in try r.evidence(ev, eat) },
                omitted: try r.count(v, "evidence_omitted", at, default: 0))
            e.baselined = v["baselined"]?.bool == true
            e.waiver = waiverRef(v["waiver"])
            e.expiredWaiver = waiverRef(v["expired_waiver"])
            return e
        }.compactMap { $0 }
        for s in snapshots { seen.insert(s.asset) }
        assets = seen.sorted()
        var failing: [String: Severity] = [:]
        for e in entries where e.verdict == .fail { failing[e.rule + "\u{0}" + e.asset] = e.severity }
        let attestationsRef = attestations
        controls = try root.list("controls", r) { v, at throws(Diagnostic) in
            let ref = ControlRef(framework: try r.string(v, "framework", at), id: try r.string(v, "control", at))
            let perAsset = try r.list(v, "assets", at) { a, aat throws(Diagnostic) -> ControlAsset? in
                let name = try r.string(a, "asset", aat)
                if let keep, !keep(name) { return nil }
                let asset = once(name)
                var rs: [(rule: String, verdict: Verdict)] = []
                for m in a["rules"]?.objectMembers ?? [] { rs.append((rule: once(m.key), verdict: try r.verdict(m.value, aat + "/rules/" + m.key))) }
                return ControlAsset(asset: asset, verdict: try r.verdict(a["verdict"], aat + "/verdict"), rules: rs)
            }.compactMap { $0 }
            let worst = perAsset.flatMap { a in a.rules.compactMap { failing[$0.rule + "\u{0}" + a.asset] } }.max()
            let mine = (v["attestations"]?.arrayValue ?? []).compactMap { x in
                attestationsRef.firstIndex { $0.attestation.location.description == x["source"]?.stringValue && $0.attestation.control == ref }
            }
            return ControlEntry(
                ref: ref, title: try r.string(v, "title", at), manual: v["manual"]?.bool == true,
                verdict: try r.verdict(v["verdict"], at + "/verdict"), rules: try r.strings(v, "rules", at),
                assets: perAsset, note: v["note"]?.stringValue, worstFailing: worst, attestations: mine)
        }
        inputErrors = try root.list("input_errors", r) { v, at throws(Diagnostic) in
            let location = SourceLocation(
                file: try r.string(v, "file", at), line: try r.position(v, "line", at), column: try r.position(v, "column", at))
            return Diagnostic(recordedID: try r.string(v, "id", at), try r.string(v, "message", at), at: location)
        }
        if root.has("coverage") {
            coverage = ControlCoverage(asOf: asOf, frameworks: try root.list("coverage", r) { v, at throws(Diagnostic) in try r.framework(v, at) })
        }
        recordedDigest = root[ResultsDocument.digestKey]?.stringValue
    }
}

/// Typed access to a parsed results document, each failure naming its JSON pointer.
struct RecordReader {
    let file: String

    func bad(_ at: String, _ expected: String) -> Diagnostic {
        Diagnostic(.badResults, "\(at.isEmpty ? "/" : at): expected \(expected)", at: SourceLocation(file: file))
    }

    func object(_ v: JSONNode, _ key: String, _ at: String) throws(Diagnostic) -> JSONNode {
        guard let o = v[key], o.type == .object else { throw bad(at + "/" + key, "an object") }
        return o
    }

    /// An optional count (`default` when absent): a whole number from 0 to 2^53, never a
    /// conversion that could trap on a hostile document.
    func count(_ v: JSONNode, _ key: String, _ at: String, default def: Int) throws(Diagnostic) -> Int {
        guard let x = v[key] else { return def }
        guard let d = x.number, d >= 0, d <= 9_007_199_254_740_992, let n = Int(exactly: d) else {
            throw bad(at + "/" + key, "a whole number of at least 0")
        }
        return n
    }

    /// A line or column: absent or null, else a count like any other.
    func position(_ v: JSONNode, _ key: String, _ at: String) throws(Diagnostic) -> Int? {
        guard let x = v[key], !x.isNull else { return nil }
        return try count(v, key, at, default: 0)
    }

    func string(_ v: JSONNode, _ key: String, _ at: String) throws(Diagnostic) -> String {
        guard let s = v[key]?.stringValue else { throw bad(at + "/" + key, "a string") }
        return s
    }

    func strings(_ v: JSONNode, _ key: String, _ at: String) throws(Diagnostic) -> [String] {
        guard let a = v[key]?.arrayValue else { throw bad(at + "/" + key, "an array of strings") }
        var out: [String] = []
        for (i, x) in a.enumerated() {
            guard let s = x.stringValue else { throw bad("\(at)/\(key)/\(i)", "a string") }
            out.append(s)
        }
        return out
    }

    func list<T>(_ v: JSONNode, _ key: String, _ at: String, optional: Bool = false, _ each: (JSONNode, String) throws(Diagnostic) -> T) throws(Diagnostic)
        -> [T]
    {
        guard let a = v[key]?.arrayValue else {
            if optional && v[key] == nil { return [] }
            throw bad(at + "/" + key, "an array")
        }
        var out: [T] = []
        out.reserveCapacity(a.count)
        for (i, x) in a.enumerated() {
            guard x.type == .object else { throw bad("\(at)/\(key)/\(i)", "an object") }
            out.append(try each(x, "\(at)/\(key)/\(i)"))
        }
        return out
    }

    func date(_ v: JSONNode, _ key: String, _ at: String) throws(Diagnostic) -> Date {
        let s = try string(v, key, at)
        guard let d = Timestamp.parse(s) else { throw bad(at + "/" + key, "a date and time like 2026-11-22T02:00:00Z, got '\(s)'") }
        return d
    }

    func day(_ v: JSONNode, _ key: String, _ at: String) throws(Diagnostic) -> Day {
        let s = try string(v, key, at)
        guard let d = Day(s) else { throw bad(at + "/" + key, "a date written YYYY-MM-DD, got '\(s)'") }
        return d
    }

    func severity(_ v: JSONNode, _ key: String, _ at: String) throws(Diagnostic) -> Severity {
        let s = try string(v, key, at)
        guard let sev = Severity(rawValue: s) else { throw bad(at + "/" + key, "a severity (critical, high, medium, low, info), got '\(s)'") }
        return sev
    }

    func verdict(_ v: JSONNode?, _ at: String) throws(Diagnostic) -> Verdict {
        guard let s = v?.stringValue, let verdict = Verdict(rawValue: s) else {
            throw bad(at, "a verdict (pass, fail, error, not_applicable, waived)")
        }
        return verdict
    }

    func status(_ v: JSONNode, _ at: String) throws(Diagnostic) -> ExceptionStatus {
        let s = try string(v, "status", at)
        guard let st = ExceptionStatus(rawValue: s) else { throw bad(at + "/status", "a status (active, expiring, expired, not_yet_valid), got '\(s)'") }
        return st
    }

    func control(_ s: String, _ at: String) throws(Diagnostic) -> ControlRef {
        guard let colon = s.firstIndex(of: ":") else { throw bad(at, "a control written framework:id, got '\(s)'") }
        return ControlRef(framework: String(s[..<colon]), id: String(s[s.index(after: colon)...]))
    }

    func evidence(_ v: JSONNode, _ at: String) throws(Diagnostic) -> Evidence {
        let result: Truth
        switch try string(v, "result", at) {
        case "true": result = .yes
        case "false": result = .no
        default: result = .unknown
        }
        let path = try string(v, "path", at)
        return Evidence(
            path: path, kind: path.split(separator: ".").first.map(String.init),
            observed: v["present"]?.bool == false ? nil : v["observed"]?.toValue() ?? .null, op: try string(v, "operator", at),
            expected: v["expected"]?.toValue() ?? .null, coercion: v["as"]?.stringValue, result: result, note: v["note"]?.stringValue,
            provenance: v["source"]?.stringValue)
    }

    func waiver(_ v: JSONNode, _ at: String) throws(Diagnostic) -> Waiver {
        Waiver(
            rule: try string(v, "rule", at), assets: try strings(v, "assets", at), reason: try string(v, "reason", at),
            approvedBy: try string(v, "approved_by", at), expires: try day(v, "expires", at), location: Self.location(try string(v, "source", at)))
    }

    func attestation(_ v: JSONNode, _ at: String) throws(Diagnostic) -> Attestation {
        Attestation(
            control: try control(try string(v, "control", at), at + "/control"), statement: try string(v, "statement", at),
            attestedBy: try string(v, "attested_by", at), date: try day(v, "date", at),
            expires: v["expires"]?.stringValue == nil ? nil : try day(v, "expires", at), evidence: v["evidence"]?.stringValue,
            location: Self.location(try string(v, "source", at)))
    }

    func framework(_ v: JSONNode, _ at: String) throws(Diagnostic) -> ControlCoverage.Framework {
        let fw = try string(v, "framework", at)
        return ControlCoverage.Framework(
            framework: fw, title: try string(v, "title", at),
            controls: try list(v, "controls", at) { c, cat throws(Diagnostic) in
                let kindText = try string(c, "covered_by", cat)
                guard let kind = ControlCoverage.Kind(rawValue: kindText) else {
                    throw bad(cat + "/covered_by", "automated, manual or neither, got '\(kindText)'")
                }
                let ref = ControlRef(framework: fw, id: try string(c, "control", cat))
                var att: Attestation?
                if let a = c["attestation"], !a.isNull {
                    att = Attestation(
                        control: ref, statement: "", attestedBy: try string(a, "attested_by", cat + "/attestation"),
                        date: try day(a, "date", cat + "/attestation"),
                        expires: a["expires"]?.stringValue == nil ? nil : try day(a, "expires", cat + "/attestation"),
                        evidence: nil, location: Self.location(try string(a, "source", cat + "/attestation")))
                }
                return ControlCoverage.Entry(ref: ref, title: try string(c, "title", cat), kind: kind, rules: try strings(c, "rules", cat), attestation: att)
            })
    }

    /// `file:line:col` back into a location; anything else is a file with no position.
    static func location(_ s: String) -> SourceLocation {
        let parts = s.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count >= 3, let line = Int(parts[parts.count - 2]), let col = Int(parts[parts.count - 1]) {
            return SourceLocation(file: parts.dropLast(2).joined(separator: ":"), line: line, column: col)
        }
        return SourceLocation(file: s, line: 0, column: 0)
    }
}

/// The reader's view of a parsed node, in the words `Value` uses.
extension JSONNode {
    fileprivate subscript(key: String) -> JSONNode? { member(key) }
    fileprivate var stringValue: String? { string }
    fileprivate var arrayValue: [JSONNode]? { type == .array ? children : nil }
    fileprivate var objectMembers: [(key: String, value: JSONNode)]? {
        guard type == .object else { return nil }
        var out: [(key: String, value: JSONNode)] = []
        out.reserveCapacity(count)
        forEachMember { out.append((key: $0, value: $1)) }
        return out
    }
}
