import GavelCore
import GavelEngine

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
            if e.verdict == .error { command = "warning" } else {
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

    /// Byte by byte, and the string itself when nothing needs escaping: a fleet's run makes
    /// hundreds of thousands of annotations.
    private func escape(_ s: String, property: Bool) -> String {
        var text = s
        return text.withUTF8 { b -> String in
            func special(_ c: UInt8) -> Bool {
                c == UInt8(ascii: "%") || c == 13 || c == 10 || (property && (c == UInt8(ascii: ":") || c == UInt8(ascii: ",")))
            }
            guard b.contains(where: special) else { return s }
            var out: [UInt8] = []
            out.reserveCapacity(b.count + 16)
            for c in b {
                switch c {
                case UInt8(ascii: "%"): out += Array("%25".utf8)
                case 13: out += Array("%0D".utf8)
                case 10: out += Array("%0A".utf8)
                case UInt8(ascii: ":") where property: out += Array("%3A".utf8)
                case UInt8(ascii: ",") where property: out += Array("%2C".utf8)
                default: out.append(c)
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}
