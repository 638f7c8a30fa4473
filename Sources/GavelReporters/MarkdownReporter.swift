import GavelCore
import GavelResults

/// A Markdown summary of `gavel eval` for a pull-request comment or a CI job summary: one
/// line with the counts first, then the failing and erring rules and the controls that do
/// not pass as tables, long tables folded under `<details>`.
public struct MarkdownReporter: Sendable {
    /// Rows shown before the rest of a table is folded.
    public var visibleRows = 15

    public init() {}

    public func render(_ doc: ResultsDocument) -> String {
        let fail = doc.count(.fail) - doc.suppressed, err = doc.count(.error)
        var out = "**gavel eval**: \(fail == 0 && err == 0 ? "no failures" : "\(fail) failing, \(err) undecided") — "
        out += "\(doc.assets.count) asset\(doc.assets.count == 1 ? "" : "s"), \(doc.rules.count) rules, \(doc.entries.count) evaluations: "
        out += "\(doc.count(.pass)) pass, \(fail) fail, \(err) error, \(doc.count(.notApplicable)) not applicable"
        out += doc.count(.waived) > 0 ? ", \(doc.count(.waived)) waived\n" : "\n"
        if let b = doc.baselineSource { out += "\n\(doc.suppressed) known failures suppressed by the baseline \(MarkdownText.code(b)).\n" }
        let problems = doc.problems
        if !problems.isEmpty {
            out += "\n### Failing and undecided rules\n\n"
            out += table(
                ["verdict", "severity", "rule", "asset", "finding"],
                problems.map { e in
                    [
                        e.verdict == .fail ? "FAIL" : "ERROR", e.severity.rawValue, MarkdownText.code(e.rule), MarkdownText.code(e.asset),
                        MarkdownText.code(e.message ?? ""),
                    ]
                })
        }
        let controls = doc.controlsNotPassing
        if !controls.isEmpty {
            out += "\n### Controls not passing\n\n"
            out += table(
                ["verdict", "control", "title", "assets"],
                controls.map { c in
                    [
                        c.verdict == .fail ? "FAIL" : "ERROR", MarkdownText.code(c.ref.description), MarkdownText.text(c.title),
                        c.note.map(MarkdownText.text) ?? "\(c.assets.filter { $0.verdict == c.verdict }.count) of \(c.assets.count)",
                    ]
                })
        }
        for e in doc.inputErrors { out += "\n> input error: \(MarkdownText.code(e.description))\n" }
        return out
    }

    /// A table of cells already written as Markdown (`MarkdownText.code` or `.text` for
    /// anything that is not Gavel's own words).
    func table(_ header: [String], _ rows: [[String]]) -> String {
        func line(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |\n" }
        let head = line(header) + "|" + String(repeating: " --- |", count: header.count) + "\n"
        var out = head + rows.prefix(visibleRows).map(line).joined()
        if rows.count > visibleRows {
            out +=
                "\n<details><summary>\(rows.count - visibleRows) more</summary>\n\n" + head + rows.dropFirst(visibleRows).map(line).joined() + "\n</details>\n"
        }
        return out
    }
}
