import GavelCore
import GavelResults

/// `gavel diff --format junit`: one suite for verdict changes (a case per rule and asset that
/// changed), one for control changes (a case per control and asset), one for rule changes.
/// A case fails when its change trips the gate, so a CI test view shows exactly what blocks.
public struct DiffJUnitReporter: Sendable {
    public var gate: PolicyDiff.Gate
    public var failOn: Severity?
    public init(gate: PolicyDiff.Gate, failOn: Severity?) {
        self.gate = gate
        self.failOn = failOn
    }

    public func render(_ d: PolicyDiff) -> String {
        let tripped = d.tripped(gate, atOrAbove: failOn)
        let badVerdicts = Set(tripped.verdicts.map { $0.rule + "\u{0}" + $0.asset })
        let badControls = Set(tripped.controls.map { $0.0.ref.description + "\u{0}" + $0.1.asset })
        let badRules = Set(tripped.rules.map(\.rule))
        var cases: [(suite: String, name: String, classname: String, failure: String?, detail: String)] = []
        for c in d.verdicts {
            var detail = "\(c.kind.label): \(DiffSummary.verdict(c.base)) -> \(DiffSummary.verdict(c.head)) (\(c.severity.rawValue))\n"
            if let m = c.message { detail += m + "\n" }
            for ev in c.evidence { detail += "- \(ev.sentence)" + (ev.provenance.map { " (at \($0))" } ?? "") + "\n" }
            cases.append(
                (
                    "verdict changes", "\(c.rule) on \(c.asset)", c.asset,
                    badVerdicts.contains(c.rule + "\u{0}" + c.asset) ? "\(c.kind.label)\(c.isRegression ? " (regression)" : "")" : nil, detail
                ))
        }
        for c in d.controls {
            let rows = c.assets.isEmpty ? [nil] : c.assets.map(Optional.some)
            for a in rows {
                let name = a.map { "\(c.ref.description) on \($0.asset)" } ?? c.ref.description
                let detail =
                    a.map { "\($0.asset): \(DiffSummary.verdict($0.base)) -> \(DiffSummary.verdict($0.head))\n" }
                    ?? "fleet: \(DiffSummary.verdict(c.base)) -> \(DiffSummary.verdict(c.head))\n"
                let bad = a.map { badControls.contains(c.ref.description + "\u{0}" + $0.asset) } ?? false
                cases.append(
                    (
                        "control changes", name, c.ref.description, bad ? "\(DiffSummary.verdict(a?.base)) -> \(DiffSummary.verdict(a?.head))" : nil,
                        c.title + "\n" + detail
                    ))
            }
        }
        for r in d.rules {
            let detail = r.aspects.map(DiffSummary.describe).joined(separator: "; ")
            cases.append(("rule changes", r.rule, "rules", badRules.contains(r.rule) ? detail : nil, r.title + ": " + detail + "\n"))
        }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"gavel diff\" tests=\"\(cases.count)\" failures=\"\(cases.filter { $0.failure != nil }.count)\" errors=\"0\">\n"
        for suite in ["verdict changes", "control changes", "rule changes"] {
            let mine = cases.filter { $0.suite == suite }
            out += "  <testsuite name=\"\(suite)\" tests=\"\(mine.count)\" failures=\"\(mine.filter { $0.failure != nil }.count)\" errors=\"0\">\n"
            for c in mine {
                out += "    <testcase classname=\"\(x(c.classname))\" name=\"\(x(c.name))\""
                if let f = c.failure {
                    out += ">\n      <failure type=\"\(gate.rawValue)\" message=\"\(x(f))\">\(x(c.detail))</failure>\n    </testcase>\n"
                } else {
                    out += ">\n      <system-out>\(x(c.detail))</system-out>\n    </testcase>\n"
                }
            }
            out += "  </testsuite>\n"
        }
        return out + "</testsuites>\n"
    }

    private func x(_ s: String) -> String { XMLText.escape(s) }
}
