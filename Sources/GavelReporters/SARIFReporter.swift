import Foundation
import GavelCore
import GavelResults

/// SARIF 2.1.0 for code-scanning tools. `gavel eval`: one SARIF rule per policy rule (help
/// text = remediation, tags = controls, GitHub's `security-severity`), one result per failing
/// or erring rule and asset (a waived failure too, with a `suppressions` entry saying who
/// accepted it until when), located at the snapshot's provenance (`file:line` of the real
/// configuration) or else at the snapshot file. `gavel check`: one result per diagnostic,
/// located in the policy file.
public struct SARIFReporter: Sendable {
    /// Paths under this folder are written relative to it.
    public var root: String

    public init(root: String = FileManager.default.currentDirectoryPath) { self.root = root }

    static let schema = "https://json.schemastore.org/sarif-2.1.0.json"

    public func render(_ doc: ResultsDocument) -> String {
        var out: [UInt8] = []
        render(doc) { out += $0 }
        return String(decoding: out, as: UTF8.self)
    }

    /// The same log, handed to `emit` as UTF-8 about a megabyte at a time: a fleet's log
    /// runs to hundreds of megabytes, which a caller writing it to a file need not hold.
    /// The results are the log's last member, so the rest of the log is written around an
    /// empty results list and the results go where it stands, as `JSONWriter` would
    /// indent them.
    public func render(_ doc: ResultsDocument, to emit: ([UInt8]) throws -> Void) rethrows {
        let whole = log(rules: doc.rules.map(sarifRule), results: [])
        let marker = Array("\"results\": []".utf8)
        let bytes = Array(whole.utf8)
        var at = bytes.count - marker.count
        while at >= 0 && !bytes[at..<(at + marker.count)].elementsEqual(marker) { at -= 1 }
        precondition(at >= 0, "SARIF log without its results list")
        var out = Array(bytes[..<(at + marker.count - 1)])  // up to the list's "["
        let depth = 4  // top object > runs > run > results > each result
        var count = 0
        func item(_ v: Value) throws {
            if count > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\n"))
            out += repeatElement(UInt8(ascii: " "), count: depth * 2)
            JSONWriter.write(v, into: &out, pretty: true, indent: depth)
            count += 1
            if out.count >= 1 << 20 { try emit(out); out.removeAll(keepingCapacity: true) }
        }
        let ruleIndex = Dictionary(uniqueKeysWithValues: doc.rules.enumerated().map { ($1.id, $0) })
        let source = doc.snapshotSources()
        for e in doc.entries where e.isReported || e.waiver != nil {
            let rule = doc.rules[ruleIndex[e.rule]!]
            let located = e.evidence.first { $0.provenance != nil } ?? e.evidence.first
            var location: Value?
            if let p = located?.provenance {
                location = physical(provenance: p)
            } else if let kind = located?.kind ?? rule.kindNames.first, let src = source(e.asset, kind) {
                location = .object([("physicalLocation", .object([("artifactLocation", .object([("uri", .string(uri(src)))]))]))])
            }
            let failing = e.verdict == .fail || e.verdict == .waived
            var r: [(String, Value)] = [
                ("ruleId", .string(e.rule)), ("ruleIndex", .integer(ruleIndex[e.rule]!)),
                ("kind", failing ? "fail" : "open"), ("level", .string(failing ? level(e.severity) : "none")),
                ("message", .object([("text", .string("\(e.asset): \(e.message ?? e.verdict.rawValue)"))])),
            ]
            if let location { r.append(("locations", .array([location]))) }
            r.append(("partialFingerprints", .object([("gavelEvidence/v1", .string(e.fingerprint))])))
            if doc.baselineSource != nil { r.append(("baselineState", "new")) }
            if let w = e.waiver.map({ doc.waivers[$0].waiver }) {
                // A waived failure: reported, and suppressed with who and until when. No
                // `status`: code-scanning tools take a suppression without one as accepted,
                // and the rtm.4 schema many validators use names that property `state`.
                r.append(
                    (
                        "suppressions",
                        .array([
                            .object([
                                ("kind", "external"),
                                ("justification", .string("waived until \(w.expires) by \(w.approvedBy): \(w.reason) (\(w.location))")),
                            ])
                        ])
                    ))
            }
            r.append(
                (
                    "properties",
                    .object([
                        ("asset", .string(e.asset)), ("verdict", .string(e.verdict.rawValue)), ("severity", .string(e.severity.rawValue)),
                        ("controls", .array(e.controls.map(Value.string))),
                        (
                            "evidence",
                            .array(
                                e.evidence.map { ev in
                                    .object(
                                        [
                                            ("path", .string(ev.path)), ("observed", ev.observed ?? .null), ("operator", .string(ev.op)),
                                            ("expected", ev.expected),
                                        ]
                                            + (ev.provenance.map { [("source", Value.string($0))] } ?? []))
                                })
                        ),
                    ])
                ))
            try item(.object(r))
        }
        if count > 0 {
            out.append(UInt8(ascii: "\n"))
            out += repeatElement(UInt8(ascii: " "), count: (depth - 1) * 2)
        }
        out.append(UInt8(ascii: "]"))
        out += bytes[(at + marker.count)...]
        try emit(out)
    }

    /// `gavel check`: the compiler's diagnostics.
    public func render(diagnostics: [Diagnostic]) -> String {
        let ids = Array(Set(diagnostics.map(\.id))).sorted()
        let index = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        let rules: [Value] = ids.map { id in
            .object([
                ("id", .string(id)), ("shortDescription", .object([("text", .string("Gavel policy diagnostic \(id)"))])),
                ("help", .object([("text", .string("The meaning of \(id) is listed in docs/ERRORS.md of Gavel."))])),
            ])
        }
        let results: [Value] = diagnostics.map { d in
            var r: [(String, Value)] = [
                ("ruleId", .string(d.id)), ("ruleIndex", .integer(index[d.id]!)),
                ("level", .string(d.level == .error ? "error" : d.level == .warning ? "warning" : "note")),
                ("message", .object([("text", .string(([d.message] + d.notes.map(\.description)).joined(separator: "\n")))])),
            ]
            if let at = d.location { r.append(("locations", .array([.object([("physicalLocation", physical(at))])]))) }
            // Notes that point at another place ("first defined at ...") are related locations.
            let related = d.notes.compactMap { n in n.location.map { (n.message, $0) } }
            if !related.isEmpty {
                r.append(
                    (
                        "relatedLocations",
                        .array(
                            related.enumerated().map { i, n in
                                .object([("id", .integer(i)), ("physicalLocation", physical(n.1)), ("message", .object([("text", .string(n.0))]))])
                            })
                    ))
            }
            return .object(r)
        }
        return log(rules: rules, results: results)
    }

    /// A SARIF physical location of a file, line and column (the region left out when the line is not known).
    private func physical(_ at: SourceLocation) -> Value {
        var loc: [(String, Value)] = [("artifactLocation", .object([("uri", .string(uri(at.file)))]))]
        if let line = at.knownLine {
            loc.append(("region", .object([("startLine", .integer(line)), ("startColumn", .integer(max(1, at.column)))])))
        }
        return .object(loc)
    }

    private func log(rules: [Value], results: [Value]) -> String {
        let driver: Value = .object([("name", "gavel"), ("version", .string(ResultsDocument.toolVersion)), ("rules", .array(rules))])
        let run: Value = .object([("tool", .object([("driver", driver)])), ("columnKind", "unicodeCodePoints"), ("results", .array(results))])
        return JSONWriter.string(.object([("$schema", .string(SARIFReporter.schema)), ("version", "2.1.0"), ("runs", .array([run]))]), pretty: true) + "\n"
    }

    private func sarifRule(_ r: RuleInfo) -> Value {
        var help = r.remediation.summary ?? r.title
        if let fix = r.remediation.fix { help += "\n\n" + fix }
        if !r.remediation.references.isEmpty { help += "\n\n" + r.remediation.references.joined(separator: "\n") }
        var markdown = "**\(r.remediation.summary ?? r.title)**"
        if let fix = r.remediation.fix { markdown += "\n\n```\n\(fix.hasSuffix("\n") ? fix : fix + "\n")```" }
        if !r.remediation.references.isEmpty { markdown += "\n\n" + r.remediation.references.map { "- <\($0)>" }.joined(separator: "\n") }
        markdown += "\n\nControls: " + r.controls.map { "`\($0.description)`" }.joined(separator: ", ")
        var props: [(String, Value)] = [
            ("tags", .array((["security", "compliance"] + r.controls.map(\.description)).map(Value.string))),
            ("security-severity", .string(securitySeverity(r.severity))),
            ("policy", .string(r.policyID)), ("kinds", .array(r.kindNames.map(Value.string))),
        ]
        props.append(("precision", "very-high"))
        return .object([
            ("id", .string(r.id)),
            ("shortDescription", .object([("text", .string(r.title))])),
            ("fullDescription", .object([("text", .string("\(r.title) (\(r.controls.map(\.description).joined(separator: ", ")))"))])),
            ("help", .object([("text", .string(help)), ("markdown", .string(markdown))])),
            ("defaultConfiguration", .object([("level", .string(level(r.severity)))])),
            ("properties", .object(props)),
        ])
    }

    /// critical and high are errors, medium a warning, low and info notes.
    private func level(_ s: Severity) -> String {
        switch s {
        case .critical, .high: return "error"
        case .medium: return "warning"
        case .low, .info: return "note"
        }
    }

    /// GitHub code scanning's scale: critical > 9.0, high 7.0-8.9, medium 4.0-6.9, low < 4.0.
    private func securitySeverity(_ s: Severity) -> String {
        switch s {
        case .critical: return "9.5"
        case .high: return "8.0"
        case .medium: return "5.5"
        case .low: return "3.0"
        case .info: return "1.0"
        }
    }

    /// A provenance string: `FILE:LINE` of a configuration file, or an API URL.
    private func physical(provenance p: String) -> Value {
        if p.hasPrefix("http://") || p.hasPrefix("https://") {
            return .object([("physicalLocation", .object([("artifactLocation", .object([("uri", .string(p))]))]))])
        }
        var file = p
        var line: Int?
        if let colon = p.lastIndex(of: ":"), let n = Int(p[p.index(after: colon)...]), n > 0 {
            file = String(p[..<colon])
            line = n
        }
        var loc: [(String, Value)] = [("artifactLocation", .object([("uri", .string(uri(file)))]))]
        if let line { loc.append(("region", .object([("startLine", .integer(line))]))) }
        return .object([("physicalLocation", .object(loc))])
    }

    /// A relative path stays relative (to `root` when under it); an absolute one is a file: URI.
    func uri(_ path: String) -> String {
        var p = path
        let base = root.hasSuffix("/") ? root : root + "/"
        if p.hasPrefix(base) { p = String(p.dropFirst(base.count)) }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~/!$&'()*+,;=:@"))
        let encoded = p.addingPercentEncoding(withAllowedCharacters: allowed) ?? p
        return p.hasPrefix("/") ? "file://" + encoded : encoded
    }
}
