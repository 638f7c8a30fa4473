import GavelCore
import GavelResults

/// The human report of `gavel eval`: a summary line, every fail and error with its evidence
/// and fix, then the controls that did not pass.
public struct TextReporter: Sendable {
    public var style: Style
    public init(style: Style) { self.style = style }

    public func render(_ doc: ResultsDocument) -> String {
        var whole = ""
        render(doc) { whole += $0 }
        return whole
    }

    /// The report in pieces of about a megabyte: a fleet's report (tens of megabytes) is
    /// never held whole.
    public func render(_ doc: ResultsDocument, to write: (String) throws -> Void) rethrows {
        var out = ""
        func flush(_ force: Bool = false) throws {
            if force || out.utf8.count >= 1 << 20 { try write(out); out = "" }
        }
        let pass = doc.count(.pass), fail = doc.count(.fail), err = doc.count(.error), na = doc.count(.notApplicable)
        out +=
            style.bold("gavel eval")
            + ": \(doc.assets.count) asset\(doc.assets.count == 1 ? "" : "s"), \(doc.rules.count) rules, \(doc.entries.count) evaluations: "
        out +=
            "\(style.green("\(pass) pass")), \(fail > 0 ? style.red("\(fail) fail") : "0 fail"), \(err > 0 ? style.yellow("\(err) error") : "0 error"), \(na) not applicable"
        let waived = doc.count(.waived)
        out += waived > 0 ? ", \(waived) waived\n" : "\n"
        if let b = doc.baselineSource {
            out += "\(doc.suppressed) known failure\(doc.suppressed == 1 ? "" : "s") suppressed by the baseline \(b) (errors are never suppressed)\n"
        }
        let rulesByID = Dictionary(uniqueKeysWithValues: doc.rules.map { ($0.id, $0) })
        let problems = doc.problemOrder
        if !problems.isEmpty { out += "\n" }
        for i in problems {
            let e = doc.entries[i]
            let tag = e.verdict == .fail ? style.red("FAIL ") : style.yellow("ERROR")
            out += "\(tag) \(pad(e.severity.rawValue, 8)) \(style.bold(e.rule))  \(e.asset)\n"
            if let m = e.message { out += "      \(m)\n" }
            for ev in e.evidence.prefix(5) {
                if let src = ev.provenance { out += style.dim("      at \(src) (\(ev.path))") + "\n" }
            }
            if e.evidence.count > 1 {
                // JSON keeps the first records and counts the rest (evidence_omitted).
                let json = e.omitted > 0 ? "--format json shows the first \(e.evidence.count) and counts the rest" : "--format json shows them all"
                out += style.dim("      \(e.evidence.count + e.omitted) evidence records; \(json)") + "\n"
            }
            if e.verdict == .fail, let fix = rulesByID[e.rule]?.remediation.summary { out += "      fix: \(fix)\n" }
            if let w = e.expiredWaiver.map({ doc.waivers[$0].waiver }) {
                out += style.dim("      waiver expired on \(w.expires) (\(w.approvedBy): \(w.reason))") + "\n"
            }
            try flush()
        }
        let waivedEntries = doc.entries.filter { $0.verdict == .waived }
        if !waivedEntries.isEmpty { out += "\n" }
        for e in waivedEntries {
            guard let w = e.waiver.map({ doc.waivers[$0] }) else { continue }
            out += "WAIVED \(pad(e.severity.rawValue, 8)) \(style.bold(e.rule))  \(e.asset)  until \(w.waiver.expires)"
            out += (w.status == .expiring ? style.yellow(" (expiring)") : "") + ", approved by \(w.waiver.approvedBy): \(w.waiver.reason)\n"
            try flush()
        }
        let notPassing = doc.controlsNotPassing
        let counts = Verdict.allCases.filter { $0 != .waived }.map { v in
            "\(doc.controls.filter { $0.verdict == v }.count) \(v.rawValue.replacingOccurrences(of: "_", with: " "))"
        }
        out += "\ncontrols: \(counts.joined(separator: ", "))\n"
        for c in notPassing {
            let failingAssets = c.assets.filter { $0.verdict == c.verdict }.count
            let detail = c.note ?? "\(failingAssets) of \(c.assets.count) asset\(c.assets.count == 1 ? "" : "s")"
            let tag = c.verdict == .fail ? style.red("FAIL ") : style.yellow("ERROR")
            out += "  \(tag) \(pad(c.ref.description, 26)) \(c.title) (\(detail))\n"
        }
        for e in doc.inputErrors { out += style.red("input error: ") + e.description + "\n" }
        if !doc.disabled.isEmpty {
            out += "\ndisabled by tailoring: " + doc.disabled.map { "\($0.rule) (\($0.reason))" }.joined(separator: "; ") + "\n"
        }
        try flush(true)
    }

    func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
}
