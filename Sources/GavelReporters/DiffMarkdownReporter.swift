import GavelCore
import GavelResults

/// `gavel diff --format markdown`, for a pull-request comment: one summary line first, then
/// tables of the rules, verdicts and controls that changed, long tables folded.
public struct DiffMarkdownReporter: Sendable {
    public var tables = MarkdownReporter()
    /// The command named on the summary line.
    public var title = "gavel diff"
    public init(title: String = "gavel diff") { self.title = title }

    public func render(_ d: PolicyDiff) -> String {
        let t = tables
        var out = "**\(title)** \(MarkdownText.code(d.baseLabel)) → \(MarkdownText.code(d.headLabel)) over \(plural(d.head.assets.count, "asset")): "
        if d.isEmpty {
            out += "no verdict changes (\(d.unchanged) rule and asset pairs compared).\n"
        } else {
            out += DiffSummary.counts(d).joined(separator: ", ") + ".\n"
        }
        if !d.rules.isEmpty {
            out += "\n### Rules changed\n\n"
            out += t.table(
                ["rule", "title", "change"],
                d.rules.map { r in
                    [MarkdownText.code(r.rule), MarkdownText.text(r.title), MarkdownText.text(r.aspects.map(DiffSummary.describe).joined(separator: "; "))]
                })
        }
        if !d.verdicts.isEmpty {
            out += "\n### Verdict changes\n\n"
            let order = Dictionary(uniqueKeysWithValues: PolicyDiff.Kind.allCases.enumerated().map { ($1, $0) })
            let rows = d.verdicts.sorted { (order[$0.kind]!, $1.severity, $0.rule, $0.asset) < (order[$1.kind]!, $0.severity, $1.rule, $1.asset) }
            out += t.table(
                ["change", "severity", "rule", "asset", "was → now", "finding"],
                rows.map { c in
                    [
                        c.isRegression ? "**\(c.kind.label)** (regression)" : c.kind.label, c.severity.rawValue, MarkdownText.code(c.rule),
                        MarkdownText.code(c.asset),
                        "\(DiffSummary.verdict(c.base)) → \(DiffSummary.verdict(c.head))", MarkdownText.code(c.message ?? ""),
                    ]
                })
        }
        if !d.controls.isEmpty {
            out += "\n### Controls changed\n\n"
            out += t.table(
                ["control", "title", "fleet", "assets changed"],
                d.controls.map { c in
                    [
                        MarkdownText.code(c.ref.description), MarkdownText.text(c.title), "\(DiffSummary.verdict(c.base)) → \(DiffSummary.verdict(c.head))",
                        c.assets.map { "\(MarkdownText.code($0.asset)): \(DiffSummary.verdict($0.base)) → \(DiffSummary.verdict($0.head))" }.joined(
                            separator: "; "),
                    ]
                })
        }
        for e in d.head.inputErrors { out += "\n> input error: \(MarkdownText.code(e.description))\n" }
        return out
    }
}
