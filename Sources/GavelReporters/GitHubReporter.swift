import GavelCore
import GavelResults

/// GitHub Actions workflow commands (`::error file=...,title=...::message`): each failing or
/// erring rule and asset becomes an annotation on the snapshot file, with the provenance of
/// the evidence in the message. Critical and high failures are errors, medium warnings, low
/// and info notices; an `error` verdict (undecidable) is a warning.
public struct GitHubReporter: Sendable {
    public init() {}

    public func render(_ doc: ResultsDocument) -> String {
        let rules = Dictionary(uniqueKeysWithValues: doc.rules.map { ($0.id, $0) })
        let source = doc.snapshotSources()
        var out = ""
        let problems = doc.problems
        for e in problems {
            let command: String
            if e.verdict == .error {
                command = "warning"
            } else {
                switch e.severity {
                case .critical, .high: command = "error"
                case .medium: command = "warning"
                case .low, .info: command = "notice"
                }
            }
            let kind = e.evidence.first?.kind ?? rules[e.rule]?.kindNames.first ?? ""
            var props: [String] = []
            if let file = source(e.asset, kind) { props.append("file=\(property(file))") }
            props.append("title=\(property("\(e.rule) \(e.verdict == .fail ? "failed" : "could not be decided") on \(e.asset)"))")
            var message = e.message ?? e.verdict.rawValue
            if let src = e.evidence.first(where: { $0.provenance != nil })?.provenance { message += "\nat \(src)" }
            if e.verdict == .fail, let fix = rules[e.rule]?.remediation.summary { message += "\nfix: \(fix)" }
            out += "::\(command) \(props.joined(separator: ","))::\(data(message))\n"
        }
        return out
    }

    /// Workflow-command escaping of the message (`%`, CR and LF as `%25`, `%0D`, `%0A`).
    func data(_ s: String) -> String { escape(s, property: false) }

    /// ... and of a property value, which also may not hold `:` or `,`.
    func property(_ s: String) -> String { escape(s, property: true) }

    /// Hundreds of thousands of annotations on a fleet's run: escaped byte by byte.
    private func escape(_ s: String, property: Bool) -> String {
        ByteEscaping.replacing(s) { b, i in
            switch b[i] {
            case UInt8(ascii: "%"): return ("%25", 1)
            case 13: return ("%0D", 1)
            case 10: return ("%0A", 1)
            case UInt8(ascii: ":") where property: return ("%3A", 1)
            case UInt8(ascii: ",") where property: return ("%2C", 1)
            default: return nil
            }
        }
    }
}
