import Foundation
import GavelCore
import GavelHistory
import GavelResults

/// The evidence of a SOC 2 Type II (or any period) audit, from the history: per control,
/// how it operated on every expected night of the period, each exception as a span, the
/// population of nights, a reproducible sample with the stored results documents of the
/// sampled nights, and the chain entries that tie them to the period's last run. Written
/// as a folder the auditor verifies offline (`gavel evidence verify`); the same store,
/// period and sample give the same bytes.
public struct EvidencePack {
    public enum Sampling: Sendable {
        case none
        case random(size: Int, seed: UInt64)
        case dates([Day])
    }

    public var store: HistoryStore
    public var since: Day
    public var until: Day
    public var schedule: EvidenceSchedule = .daily
    /// Controls to report (`framework:id`); empty: every control of the period's last run.
    public var controls: [String] = []
    public var framework: String?
    public var sampling: Sampling = .none

    public init(store: HistoryStore, since: Day, until: Day) {
        self.store = store
        self.since = since
        self.until = until
    }

    public static let format = "evidence-pack/v1"

    /// One file of the pack. A sampled results document stays in the store until it is
    /// written (`contents(_:)`), so a pack of 25 nights of a large fleet is never held whole.
    public struct PackFile: Sendable {
        public enum Content: Sendable {
            case bytes([UInt8])
            case storedDocument(run: Int64)
        }
        public var path: String
        public var content: Content
        public var sha256: String
        public var size: Int

        init(_ path: String, _ bytes: [UInt8]) {
            self.path = path
            content = .bytes(bytes)
            sha256 = SHA256.hex(bytes)
            size = bytes.count
        }

        init(_ path: String, run: Int64, sha256: String, size: Int) {
            self.path = path
            content = .storedDocument(run: run)
            self.sha256 = sha256
            self.size = size
        }
    }

    /// The bytes of one file of the pack; a sampled document is read from the store now, and
    /// must still be the document its run recorded.
    public func contents(_ file: PackFile) throws(Diagnostic) -> [UInt8] {
        switch file.content {
        case .bytes(let b): return b
        case .storedDocument(let run):
            let bytes = try store.documentBytes(run)
            guard SHA256.hex(bytes) == file.sha256 else {
                throw Diagnostic(.historyStore, "the stored document of run #\(run) changed while the pack was written: run gavel history verify")
            }
            return bytes
        }
    }

    /// What the pack holds, for the command's summary line and the tests.
    public struct Built {
        public var files: [PackFile]
        public var controls: [ControlEffectiveness]
        public var nights: [EvidenceNight]
        public var sample: [EvidenceNight]
        public var headHash: String
    }

    public func build() throws(Diagnostic) -> Built {
        guard since <= until else { throw Diagnostic(.badDate, "the period \(since)..\(until) ends before it starts") }
        let runs = try store.runs(since: since, until: until)
        let nights = EvidencePeriod.nights(since: since, until: until, schedule: schedule, runs: runs)
        guard let last = nights.compactMap(\.run).max(by: { $0.id < $1.id }) else {
            throw Diagnostic(.noSuchRun, "no run in \(store.path) started in \(since)..\(until): there is no evidence of that period")
        }
        var documents: [Int64: ResultsDocument] = [:]
        // A span's first night is read for the span's assets only (a fleet's night holds
        // thousands); the runs and assets are known once the spans are.
        var spanAssets: [Int64: [String]?] = [:]
        func document(_ id: Int64) throws(Diagnostic) -> ResultsDocument {
            if let d = documents[id] { return d }
            let d: ResultsDocument
            if case .some(.some(let assets)) = spanAssets[id] { d = try store.document(id, assets: assets) } else { d = try store.document(id) }
            // Two parsed documents at a time besides the last night's: a fleet's
            // document is large, and the spans of most controls start on the same few nights.
            if documents.count >= 2 { documents.removeAll() }
            documents[id] = d
            return d
        }
        // The last night for its controls, coverage and titles: no asset's rows.
        let lastDoc = try store.document(last.id, assets: [])
        let known = lastDoc.controls.map(\.ref.description)
        var selected = known
        if let framework { selected = selected.filter { $0.hasPrefix(framework + ":") } }
        if !controls.isEmpty {
            for c in controls where !known.contains(c) {
                let hint = Suggest.closest(to: c, in: known).map { "; did you mean \($0)?" } ?? ""
                throw Diagnostic(.unknownControl, "the period's runs judge no control \(c)\(hint)")
            }
            selected = selected.filter(controls.contains)
        }
        guard !selected.isEmpty else { throw Diagnostic(.unknownControl, "no control of the period's runs matches --framework \(framework ?? "")") }

        let rows = try store.controlVerdicts(runs: nights.compactMap { $0.run?.id })
        var effectiveness = selected.map { EvidencePeriod.effectiveness(control: $0, nights: nights, rows: rows) }
        for e in effectiveness {
            for s in e.exceptions where s.kind == "fail" || s.kind == "error" {
                guard let run = s.firstRun else { continue }
                // Every asset of a run's spans; a span without assets, or a name a pattern
                // would read otherwise, reads the whole night.
                let plain = !s.assets.isEmpty && s.assets.allSatisfy { !$0.contains(where: { "*?[]\\".contains($0) }) }
                switch spanAssets[run] {
                case .none: spanAssets[run] = plain ? s.assets : .some(nil)
                case .some(.some(let known)): spanAssets[run] = plain ? Array(Set(known + s.assets)).sorted() : .some(nil)
                case .some(.none): break
                }
            }
        }
        // The rules behind each failing span, from the document of its first night.
        var spanRules: [String: [String]] = [:]
        var spanWaivers: [String: [String]] = [:]
        for e in effectiveness {
            for s in e.exceptions where s.kind == "fail" || s.kind == "error" {
                guard let run = s.firstRun, let entry = try document(run).controls.first(where: { $0.ref.description == e.control }) else { continue }
                let verdict = s.kind == "fail" ? Verdict.fail : Verdict.error
                var rules: [String] = []
                for a in entry.assets { for r in a.rules where r.verdict == verdict && !rules.contains(r.rule) { rules.append(r.rule) } }
                spanRules["\(e.control) \(s.first)"] = rules.sorted()
                // A waiver that covered these failures until it expired, shown beside them.
                let doc = try document(run)
                var lapsed: [String] = []
                for entry in doc.entries where rules.contains(entry.rule) && entry.verdict == .fail {
                    guard let w = entry.expiredWaiver, w < doc.waivers.count else { continue }
                    let text = "\(doc.waivers[w].waiver.rule) on \(entry.asset) expired \(doc.waivers[w].waiver.expires)"
                    if !lapsed.contains(text) { lapsed.append(text) }
                }
                spanWaivers["\(e.control) \(s.first)"] = lapsed.sorted()
            }
        }
        effectiveness.sort { $0.control < $1.control }

        let sample = try pick(nights)
        // Each sampled document checked against its run a block at a time, never held.
        var sizes: [Int64: Int] = [:]
        for n in sample {
            guard let run = n.run else { continue }
            var hash = SHA256()
            var size = 0
            try store.eachDocumentBlock(run.id) { block in
                hash.update(block)
                size += block.count
            }
            guard hash.finalizeHex() == run.documentSHA256 else {
                throw Diagnostic(.historyStore, "the stored document of run #\(run.id) no longer matches its SHA-256: run gavel history verify")
            }
            sizes[run.id] = size
        }
        let chainStart = sample.compactMap { $0.run?.id }.min() ?? last.id
        let chain = try store.chain(from: chainStart, to: last.id)

        var files: [PackFile] = []
        let titles = Dictionary(lastDoc.controls.map { ($0.ref.description, $0) }, uniquingKeysWith: { a, _ in a })
        files.append(PackFile("summary.csv", Array(summaryCSV(effectiveness, titles).utf8)))
        files.append(PackFile("exceptions.csv", Array(exceptionsCSV(effectiveness, spanRules, spanWaivers).utf8)))
        files.append(PackFile("population.csv", Array(populationCSV(nights).utf8)))
        for e in effectiveness { files.append(PackFile("controls/\(Self.fileName(e.control)).csv", Array(controlCSV(e).utf8))) }
        // Every waiver and attestation any run of the period carried (a waiver added in March
        // and removed in May is listed), read from each document's end, never its results.
        var governance: [(waivers: [Waiver], attestations: [Attestation])] = []
        for run in runs {
            guard let tail = try store.documentTail(run.id, from: ResultsGovernance.marker) else {
                throw Diagnostic(.historyStore, "the stored document of run #\(run.id) has no waivers member: run gavel history verify")
            }
            governance.append(try ResultsGovernance.read(tail: tail, file: "\(store.path)#\(run.id)"))
        }
        let waivers = Self.waivers(governance.flatMap(\.waivers))
        files.append(PackFile("waivers.csv", Array(waiversCSV(waivers).utf8)))
        let attestations = Self.attestations(governance.flatMap(\.attestations), selected: selected)
        files.append(PackFile("attestations.csv", Array(attestationsCSV(attestations, effectiveness, titles).utf8)))
        // Catalog controls with no rule that are not manual either (from the coverage the last
        // run recorded).
        let gaps = (lastDoc.coverage?.frameworks ?? []).flatMap(\.controls).filter { g in
            g.kind == .neither && (framework.map { g.ref.framework == $0 } ?? true) && (controls.isEmpty || controls.contains(g.ref.description))
        }.map { (ref: $0.ref.description, title: $0.title) }
        files.append(PackFile("gaps.csv", Array(gapsCSV(gaps).utf8)))
        var selection = CSV.line(["day", "run", "started_at", "document_sha256", "file"])
        for n in sample {
            guard let run = n.run else { continue }
            let name = "sample/\(n.day)-run\(run.id).json"
            files.append(PackFile(name, run: run.id, sha256: run.documentSHA256, size: sizes[run.id] ?? 0))
            selection += CSV.line([n.day.description, String(run.id), run.startedAt, run.documentSHA256, name])
        }
        files.append(PackFile("sample/selection.csv", Array(selection.utf8)))
        files.append(PackFile("chain.json", Array(Self.chainJSON(chain).utf8)))
        let html = EvidenceHTML(
            pack: self, effectiveness: effectiveness, titles: titles, nights: nights, sample: sample, spanRules: spanRules, waivers: waivers,
            attestations: attestations, gaps: gaps, head: last.entryHash, chainStart: chainStart
        ).render()
        files.append(PackFile("index.html", Array(html.utf8)))
        files.sort { $0.path < $1.path }
        files.append(PackFile(ReportManifest.name, Array(Self.manifest(files, head: last.entryHash).utf8)))
        return Built(files: files, controls: effectiveness, nights: nights, sample: sample, headHash: last.entryHash)
    }

    func pick(_ nights: [EvidenceNight]) throws(Diagnostic) -> [EvidenceNight] {
        switch sampling {
        case .none: return []
        case .random(let size, let seed): return EvidencePeriod.sample(nights, size: size, seed: seed)
        case .dates(let days):
            var out: [EvidenceNight] = []
            for d in Set(days).sorted() {
                guard let n = nights.first(where: { $0.day == d }) else {
                    throw Diagnostic(.badDate, "the sample date \(d) is not an expected night of \(since)..\(until) (\(schedule.rawValue))")
                }
                guard n.run != nil else { throw Diagnostic(.noSuchRun, "no run stands for the sample date \(d): the night was missed") }
                out.append(n)
            }
            return out
        }
    }

    /// A control reference as a file name: `soc2:CC6.1` -> `soc2_CC6.1`.
    static func fileName(_ control: String) -> String {
        String(control.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" })
    }

    // MARK: CSV files

    enum CSV {
        static func line(_ cells: [String]) -> String { CSVReporter().line(cells) }
    }

    func summaryCSV(_ es: [ControlEffectiveness], _ titles: [String: ResultsDocument.ControlEntry]) -> String {
        var out = CSV.line([
            "control", "title", "manual", "expected_nights", "evaluated", "pass", "fail", "error", "not_applicable", "waived", "missing",
            "not_evaluated", "exceptions", "operated_effectively",
        ])
        for e in es {
            out += CSV.line(
                [
                    e.control, titles[e.control]?.title ?? "", titles[e.control]?.manual == true ? "yes" : "no", String(e.expected), String(e.evaluated),
                ] + ["pass", "fail", "error", "not_applicable", "waived", "missing", "not_evaluated"].map { String(e.count($0)) }
                    + [String(e.exceptions.count), e.operatedEffectively ? "yes" : "no"])
        }
        return out
    }

    func exceptionsCSV(_ es: [ControlEffectiveness], _ rules: [String: [String]], _ waivers: [String: [String]]) -> String {
        var out = CSV.line([
            "control", "kind", "first_night", "last_night", "nights", "assets", "rules", "expired_waivers", "remediated_on", "days_to_remediate",
        ])
        for e in es {
            for s in e.exceptions {
                let key = "\(e.control) \(s.first)"
                out += CSV.line([
                    e.control, s.kind, s.first.description, s.last.description, String(s.nights), s.assets.joined(separator: " "),
                    (rules[key] ?? []).joined(separator: " "), (waivers[key] ?? []).joined(separator: "; "), s.remediatedOn?.description ?? "",
                    s.daysToRemediate.map(String.init) ?? "",
                ])
            }
        }
        return out
    }

    func populationCSV(_ nights: [EvidenceNight]) -> String {
        var out = CSV.line(["day", "run", "started_at", "runs_that_day", "document_sha256", "entry_hash"])
        for n in nights {
            out += CSV.line([
                n.day.description, n.run.map { String($0.id) } ?? "missed", n.run?.startedAt ?? "", String(n.runsThatDay), n.run?.documentSHA256 ?? "",
                n.run?.entryHash ?? "",
            ])
        }
        return out
    }

    func controlCSV(_ e: ControlEffectiveness) -> String {
        var out = CSV.line(["day", "run", "verdict", "assets_failing"])
        for n in e.nights { out += CSV.line([n.day.description, n.run.map(String.init) ?? "", n.verdict, n.assets.joined(separator: " ")]) }
        return out
    }

    /// Waivers any run of the period carried; one that expired inside the period stopped
    /// counting the day after it expired.
    struct WaiverRow { var rule: String; var assets: [String]; var reason: String; var approvedBy: String; var expires: Day }

    static func waivers(_ all: [Waiver]) -> [WaiverRow] {
        var out: [WaiverRow] = []
        for w in all where !out.contains(where: { $0.rule == w.rule && $0.assets == w.assets && $0.expires == w.expires }) {
            out.append(WaiverRow(rule: w.rule, assets: w.assets, reason: w.reason, approvedBy: w.approvedBy, expires: w.expires))
        }
        return out.sorted { ($0.rule, $0.expires.ordinal) < ($1.rule, $1.expires.ordinal) }
    }

    func waiversCSV(_ ws: [WaiverRow]) -> String {
        var out = CSV.line(["rule", "assets", "reason", "approved_by", "expires", "stopped_counting_on"])
        for w in ws {
            let lapsed = w.expires >= since && w.expires < until ? w.expires.adding(days: 1).description : ""
            out += CSV.line([w.rule, w.assets.joined(separator: " "), w.reason, w.approvedBy, w.expires.description, lapsed])
        }
        return out
    }

    struct AttestationRow { var control: String; var statement: String; var attestedBy: String; var date: Day; var expires: Day? }

    static func attestations(_ all: [Attestation], selected: [String]) -> [AttestationRow] {
        var out: [AttestationRow] = []
        for a in all where selected.contains(a.control.description) {
            if out.contains(where: { $0.control == a.control.description && $0.date == a.date && $0.attestedBy == a.attestedBy }) { continue }
            out.append(AttestationRow(control: a.control.description, statement: a.statement, attestedBy: a.attestedBy, date: a.date, expires: a.expires))
        }
        return out.sorted { ($0.control, $0.date.ordinal) < ($1.control, $1.date.ordinal) }
    }

    func attestationsCSV(_ rows: [AttestationRow], _ es: [ControlEffectiveness], _ titles: [String: ResultsDocument.ControlEntry]) -> String {
        var out = CSV.line(["control", "statement", "attested_by", "date", "expires", "nights_not_attested"])
        for r in rows {
            let unattested = es.first { $0.control == r.control }.map { String($0.count("fail")) } ?? ""
            out += CSV.line([r.control, r.statement, r.attestedBy, r.date.description, r.expires?.description ?? "", unattested])
        }
        // Manual controls with no attestation in the period at all.
        for e in es where titles[e.control]?.manual == true && !rows.contains(where: { $0.control == e.control }) {
            out += CSV.line([e.control, "", "", "", "", String(e.count("fail"))])
        }
        return out
    }

    func gapsCSV(_ gaps: [(ref: String, title: String)]) -> String {
        var out = CSV.line(["control", "title"])
        for g in gaps { out += CSV.line([g.ref, g.title]) }
        return out
    }

    // MARK: chain and manifest

    static func chainJSON(_ chain: [ChainEntry]) -> String {
        var out = "{\"gavel\": \"evidence-chain/v1\", \"entries\": [\n"
        out += chain.map { e in
            let r = e.run
            let fields: [(String, Value)] = [
                ("run", .integer(Int(r.id))), ("started_at", .string(r.startedAt)), ("finished_at", .string(r.finishedAt)),
                ("recorded_at", .string(r.recordedAt)), ("policy_digest", .string(r.policyDigest)), ("assets", .integer(r.assets)),
                ("evaluations", .integer(r.evaluations)), ("pass", .integer(r.pass)), ("fail", .integer(r.fail)), ("error", .integer(r.error)),
                ("waived", .integer(r.waived)), ("controls_failing", .integer(r.controlsFailing)), ("controls_digest", .string(e.controlsDigest)),
                ("document_sha256", .string(r.documentSHA256)), ("pieces_digest", r.piecesDigest.map { .string($0) } ?? .null),
                ("previous_hash", .string(r.previousHash)), ("entry_hash", .string(r.entryHash)),
            ]
            return JSONWriter.string(.object(fields))
        }.joined(separator: ",\n")
        return out + "\n]}\n"
    }

    static func manifest(_ files: [PackFile], head: String) -> String {
        var out = "{\"gavel\": \"\(format)\", \"head\": \"\(head)\", \"files\": [\n"
        out += files.map { f in
            "{\"path\": \(JSONWriter.string(.string(f.path))), \"sha256\": \"\(f.sha256)\", \"bytes\": \(f.size)}"
        }.joined(separator: ",\n")
        return out + "\n]}\n"
    }
}
