import GavelCore
import GavelResults

/// `gavel report --format markdown`: the HTML report's content as Markdown (a wiki page, an
/// audit ticket): summary, then per framework every control with its rows per asset and
/// rule, the finding and evidence of what fails, and the snapshot each verdict came from.
public struct AuditMarkdownReporter: Sendable {
    public init() {}

    public func render(_ m: AuditModel) -> String {
        let t = MarkdownReporter()
        let d = m.doc
        var out = "# Compliance report\n\n"
        out += "Run \(Timestamp.string(d.startedAt)) to \(Timestamp.string(d.finishedAt)); waivers judged on \(d.asOf); "
        out += "\(AuditModel.assetsEvaluated(d)), \(d.rules.count) rules, \(d.entries.count) evaluations; policy set digest `\(d.policyDigest)`.\n"
        switch m.integrity {
        case .verified: out += "\nThe results file matches its recorded SHA-256.\n"
        case .changed: out += "\n> **The results file was edited after Gavel wrote it**: its content no longer matches its recorded SHA-256.\n"
        case .unrecorded: out += "\n> The results file carries no SHA-256 of its own, so edits to it cannot be detected.\n"
        case .fresh: break
        }
        out += "\n## Summary\n\n"
        out += t.table(
            ["framework", "pass rate", "pass", "fail", "error", "not applicable", "controls"],
            m.frameworks.map { f in
                [
                    MarkdownText.text(f.title), f.passRate.map { "\(Int(($0 * 100).rounded(.down)))%" } ?? "n/a", "\(f.count(.pass))", "\(f.count(.fail))",
                    "\(f.count(.error))",
                    "\(f.count(.notApplicable))", "\(f.controls.count)",
                ]
            })
        out += "\n### Failing controls by severity\n\n"
        let groups = m.failingBySeverity
        out +=
            groups.isEmpty
            ? "No control fails.\n"
            : groups.map { g in
                "- **\(g.severity?.rawValue ?? "manual")**: " + g.controls.map { MarkdownText.code($0.ref.description) }.joined(separator: ", ") + "\n"
            }.joined()
        out += "\n### Changes since the previous run\n\n"
        if m.changes != nil {
            let rows = m.changes([.newlyFailing, .newlyErroring, .newlyPassing, .newlyWaived])
            out +=
                "Compared with the run started \(m.previousStartedAt ?? ""): \(rows.isEmpty ? "no verdict changed.\n" : "\(plural(rows.count, "verdict")) changed.\n\n")"
            if !rows.isEmpty {
                out += t.table(
                    ["change", "rule", "asset", "was", "now"],
                    rows.map { c in
                        [c.kind.label, MarkdownText.code(c.rule), MarkdownText.code(c.asset), c.base?.rawValue ?? "-", c.head?.rawValue ?? "-"]
                    })
            }
        } else {
            out += MarkdownText.text(m.noPreviousRun) + "\n"
        }
        if let cov = d.coverage {
            out += "\n### Control coverage\n\n"
            out += t.table(
                ["framework", "controls", "automated", "manual (attested)", "neither"],
                cov.frameworks.map { f in
                    [
                        MarkdownText.text(f.title), "\(f.controls.count)", "\(f.count(.automated))", "\(f.count(.manual)) (\(f.attested))",
                        "\(f.count(.neither))",
                    ]
                })
        }
        for line in d.lapsing { out += "\n> \(MarkdownText.text(line))\n" }
        for e in d.inputErrors { out += "\n> input error: \(MarkdownText.code(e.description))\n" }
        for f in m.frameworks {
            out += "\n## \(MarkdownText.text(f.title))\n"
            for c in f.controls { out += control(c, m, t) }
        }
        return out
    }

    func control(_ c: ResultsDocument.ControlEntry, _ m: AuditModel, _ t: MarkdownReporter) -> String {
        var out = "\n### \(c.verdict.rawValue.uppercased()) \(MarkdownText.code(c.ref.id)) \(MarkdownText.text(c.title))\n\n"
        if c.manual { out += "Manual control, judged by attestation: \(MarkdownText.text(c.note ?? "")).\n" }
        for i in c.attestations {
            let a = m.doc.attestations[i]
            out +=
                "- Attested by \(MarkdownText.text(a.attestation.attestedBy)) on \(a.attestation.date)\(a.attestation.expires.map { ", until \($0)" } ?? "") "
            out += "(\(a.status.rawValue)): \(MarkdownText.text(a.attestation.statement))\n"
        }
        guard !c.rules.isEmpty else { return out }
        out +=
            "Rules: "
            + c.rules.map { id in MarkdownText.code(id) + (m.rule(id).map { " \(MarkdownText.text($0.title)) (\($0.severity.rawValue))" } ?? "") }.joined(
                separator: "; ") + "\n\n"
        let rows = m.rows(c)
        let judged = rows.filter { $0.verdict != .notApplicable }
        if judged.isEmpty { return out + (AuditModel.notApplicable(rows).map { "Not applicable: \(MarkdownText.text($0)).\n" } ?? "") }
        out += t.table(
            ["asset", "rule", "verdict", "finding", "evidence", "snapshot"],
            judged.map { r in
                var finding = MarkdownText.code(r.entry?.message ?? "")
                var evidence = ""
                if let e = r.entry {
                    evidence = e.evidence.map {
                        "\(MarkdownText.code($0.path)) = \(MarkdownText.code(AuditModel.show($0.observed))) (expected \($0.op) \(MarkdownText.code(AuditModel.show($0.expected))))"
                    }
                    .joined(separator: "; ")
                    if let w = e.waiver.map({ m.doc.waivers[$0].waiver }) {
                        finding += " (waived until \(w.expires) by \(MarkdownText.text(w.approvedBy)): \(MarkdownText.text(w.reason)))"
                    }
                    if let w = e.expiredWaiver.map({ m.doc.waivers[$0].waiver }) { finding += " (waiver expired on \(w.expires))" }
                }
                let snaps = r.snapshots.map { "\(MarkdownText.text($0.collectedAt ?? "?")) \(MarkdownText.code(String($0.sha256.prefix(12))))" }.joined(
                    separator: ", ")
                return [MarkdownText.code(r.asset), MarkdownText.code(r.ruleID), r.verdict.rawValue, finding, evidence, snaps]
            })
        if let na = AuditModel.notApplicable(rows) { out += "\nNot applicable: \(MarkdownText.text(na)).\n" }
        return out
    }
}
