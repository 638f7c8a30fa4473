import GavelCore
import GavelResults

/// `gavel coverage`: per framework, which controls have automated rules, which are manual
/// (and attested or not), which have neither. Text, Markdown or JSON.
public struct CoverageReporter: Sendable {
    public init() {}

    public func text(_ c: ControlCoverage) -> String {
        var out = ""
        for f in c.frameworks {
            out += "\(f.framework) (\(f.title)): \(f.controls.count) controls: \(f.count(.automated)) automated, "
            out += "\(f.count(.manual)) manual (\(f.attested) attested), \(f.count(.neither)) neither\n"
            for e in f.controls {
                out += "  \(pad(e.kind.rawValue, 9)) \(pad(e.ref.id, 24)) \(e.title)  \(detail(e))\n"
            }
        }
        return out + "as of \(c.asOf): \(c.gaps) control\(c.gaps == 1 ? "" : "s") without automated rules or an attestation in force\n"
    }

    public func markdown(_ c: ControlCoverage) -> String {
        let t = MarkdownReporter()
        var out = "**gavel coverage** as of \(c.asOf): \(c.gaps) control\(c.gaps == 1 ? "" : "s") without automated rules or an attestation in force.\n"
        for f in c.frameworks {
            out += "\n### \(MarkdownText.text(f.title)) (\(MarkdownText.code(f.framework)))\n\n"
            out += "\(f.count(.automated)) automated, \(f.count(.manual)) manual (\(f.attested) attested), \(f.count(.neither)) neither.\n\n"
            out += t.table(
                ["control", "title", "covered by", "detail"],
                f.controls.map {
                    [MarkdownText.code($0.ref.id), MarkdownText.text($0.title), $0.kind.rawValue, MarkdownText.text(detail($0))]
                })
        }
        return out
    }

    public func json(_ c: ControlCoverage) -> String {
        let doc: Value = .object([
            ("gavel", "coverage/v1"), ("as_of", .string(c.asOf.description)), ("gaps", .int(Int64(c.gaps))),
            ("frameworks", .array(c.frameworks.map(\.value))),
        ])
        return JSONWriter.string(doc, pretty: true) + "\n"
    }

    func detail(_ e: ControlCoverage.Entry) -> String {
        switch e.kind {
        case .automated: return "\(e.rules.count) rule\(e.rules.count == 1 ? "" : "s"): \(e.rules.joined(separator: ", "))"
        case .manual: return e.attestation.map { "attested by \($0.attestedBy) on \($0.date)" + ($0.expires.map { ", until \($0)" } ?? "") } ?? "not attested"
        case .neither: return "no rule, not manual"
        }
    }

    func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
}
