import GavelCore
import GavelResults

/// The human report of `gavel diff`: a summary line, then the rules that changed, every
/// verdict that changed grouped by kind (regressions marked), and the controls that changed.
public struct DiffTextReporter: Sendable {
    public var style: Style
    /// The command named on the summary line.
    public var title = "gavel diff"
    public init(style: Style, title: String = "gavel diff") {
        self.style = style
        self.title = title
    }

    public func render(_ d: PolicyDiff) -> String {
        var out = style.bold(title) + ": \(d.baseLabel) -> \(d.headLabel) over \(plural(d.head.assets.count, "asset")): "
        if d.isEmpty { return out + "no verdict, control or rule changes (\(d.unchanged) rule and asset pairs compared)\n" + inputErrors(d) }
        out += DiffSummary.counts(d).joined(separator: ", ") + "\n"
        if !d.rules.isEmpty {
            out += "\nrules\n"
            for r in d.rules {
                let mark = r.aspects.contains(.added) ? "+" : r.aspects.contains(.removed) ? "-" : "~"
                out += "  \(mark) \(style.bold(r.rule))  \(r.title): \(r.aspects.map(DiffSummary.describe).joined(separator: "; "))\n"
            }
        }
        for kind in PolicyDiff.Kind.allCases {
            let changes = d.verdicts.filter { $0.kind == kind }
            if changes.isEmpty { continue }
            out += "\n\(kind.label) (\(changes.count))\n"
            for c in changes {
                let tag = c.isRegression ? style.red(" REGRESSION") : ""
                out +=
                    "  \(pad(c.severity.rawValue, 8)) \(style.bold(c.rule))  \(c.asset)  \(DiffSummary.verdict(c.base)) -> \(DiffSummary.verdict(c.head))\(tag)\n"
                if c.head == .fail || c.head == .error, let m = c.message { out += "           \(m)\n" }
            }
        }
        if !d.controls.isEmpty {
            out += "\ncontrols\n"
            for c in d.controls {
                out += "  \(pad(c.ref.description, 26)) \(DiffSummary.verdict(c.base)) -> \(DiffSummary.verdict(c.head))  \(c.title)\n"
                for a in c.assets {
                    let tag = a.isRegression ? style.red(" REGRESSION") : ""
                    out += "      \(a.asset): \(DiffSummary.verdict(a.base)) -> \(DiffSummary.verdict(a.head))\(tag)\n"
                }
            }
        }
        return out + inputErrors(d)
    }

    private func inputErrors(_ d: PolicyDiff) -> String {
        d.head.inputErrors.map { style.red("input error: ") + $0.description + "\n" }.joined()
    }

    func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
}
