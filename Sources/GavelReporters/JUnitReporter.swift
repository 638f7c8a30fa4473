import GavelCore
import GavelResults

/// JUnit XML, as CI systems read it: for `gavel eval`, one test suite per asset and one test
/// case per rule (failures carry the evidence and the fix; `error` verdicts are errors;
/// not applicable and waived are skipped); for `gavel test`, one case per expectation.
/// No times or host names, so that the output is reproducible.
public struct JUnitReporter: Sendable {
    public init() {}

    public func render(_ doc: ResultsDocument) -> String {
        var out = ""
        render(doc) { out += $0 }
        return out
    }

    /// The same document, handed to `emit` an asset's suite at a time: a fleet's report runs
    /// to hundreds of megabytes, which a caller writing it to a file need not hold whole.
    public func render(_ doc: ResultsDocument, to emit: (String) throws -> Void) rethrows {
        let rules = Dictionary(uniqueKeysWithValues: doc.rules.map { ($0.id, $0) })
        // Each asset's results by position, in the document's order.
        var byAsset: [String: [Int]] = [:]
        for k in doc.entries.indices { byAsset[doc.entries[k].asset, default: []].append(k) }
        let fails = doc.count(.fail) - doc.suppressed, errs = doc.count(.error)
        try emit(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"gavel eval\" tests=\"\(doc.entries.count)\" failures=\"\(fails)\" errors=\"\(errs)\">\n"
        )
        for asset in doc.assets {
            let indices = byAsset[asset] ?? []
            var failures = 0, errors = 0, skipped = 0
            for k in indices {
                let (v, baselined) = (doc.entries[k].verdict, doc.entries[k].baselined)
                if v == .fail && !baselined { failures += 1 }
                if v == .error { errors += 1 }
                if v == .notApplicable || v == .waived || baselined { skipped += 1 }
            }
            var suites = "  <testsuite name=\"\(x(asset))\" tests=\"\(indices.count)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(skipped)\">\n"
            for k in indices {
                let e = doc.entries[k]
                let rule = rules[e.rule]
                suites += "    <testcase classname=\"\(x(asset))\" name=\"\(x(e.rule)): \(x(rule?.title ?? ""))\""
                switch e.verdict {
                case .pass:
                    suites += "/>\n"
                case .fail where e.baselined:
                    suites += ">\n      <skipped message=\"known failure (baseline)\"/>\n    </testcase>\n"
                case .fail, .error:
                    let tag = e.verdict == .fail ? "failure" : "error"
                    suites += ">\n      <\(tag) type=\"\(e.severity.rawValue)\" message=\"\(x(e.message ?? e.verdict.rawValue))\">"
                    suites += x(details(e, rule)) + "</\(tag)>\n    </testcase>\n"
                case .waived:
                    let w = e.waiver.map { doc.waivers[$0].waiver }
                    let why = w.map { "waived until \($0.expires) by \($0.approvedBy): \($0.reason)" } ?? "waived"
                    suites += ">\n      <skipped message=\"\(x(why))\"/>\n    </testcase>\n"
                case .notApplicable:
                    suites += ">\n      <skipped message=\"\(e.verdict.rawValue)\"/>\n    </testcase>\n"
                }
            }
            suites += "  </testsuite>\n"
            try emit(suites)
        }
        try emit("</testsuites>\n")
    }

    /// The failure text: message, evidence with its source, and the fix.
    private func details(_ e: ResultsDocument.Entry, _ rule: RuleInfo?) -> String {
        var s = (e.message ?? "") + "\n"
        for ev in e.evidence {
            s += "- \(ev.sentence)" + (ev.provenance.map { " (at \($0))" } ?? "") + "\n"
        }
        if e.omitted > 0 { s += "- ... \(e.omitted) more evidence records\n" }
        if let r = rule {
            if let summary = r.remediation.summary { s += "fix: \(summary)\n" }
            if let fix = r.remediation.fix { s += fix.hasSuffix("\n") ? fix : fix + "\n" }
            if !r.controls.isEmpty { s += "controls: \(r.controls.map(\.description).joined(separator: ", "))\n" }
        }
        return s
    }

    private func x(_ s: String) -> String { XMLText.escape(s) }
}
