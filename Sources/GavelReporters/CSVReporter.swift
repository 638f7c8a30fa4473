import GavelCore

/// `gavel report --format csv`: one row per control, asset and rule (RFC 4180, CRLF line
/// ends, a header row), for auditors' spreadsheets. A manual control is one row without
/// asset or rule. Cells a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first)
/// are prefixed with `'`, since observed values come from the audited systems.
public struct CSVReporter: Sendable {
    public init() {}

    public static let columns = [
        "framework", "control", "control_title", "control_verdict", "asset", "control_verdict_on_asset", "rule", "rule_title", "severity",
        "verdict", "message", "evidence", "evidence_source", "snapshot_files", "snapshots_collected_at", "snapshot_sha256",
        "waiver_approved_by", "waiver_expires", "waiver_reason", "note", "remediation",
    ]

    public func render(_ m: AuditModel) -> String {
        var out = ""
        render(m) { out += $0 }
        return out
    }

    /// The same rows, handed to `emit` a control at a time (a fleet's CSV runs to hundreds
    /// of megabytes).
    public func render(_ m: AuditModel, to emit: (String) throws -> Void) rethrows {
        try emit(line(Self.columns))
        for f in m.frameworks {
            for c in f.controls {
                var out = ""
                let head = [c.ref.framework, c.ref.id, c.title, c.verdict.rawValue]
                if c.rules.isEmpty {
                    out += line(head + ["", "", "", "", "", "", "", "", "", "", "", "", "", "", "", c.note ?? "", ""])
                    try emit(out)
                    continue
                }
                let onAsset = Dictionary(c.assets.map { ($0.asset, $0.verdict) }, uniquingKeysWith: { a, _ in a })
                for r in m.rows(c) {
                    let e = r.entry
                    let waiver = e?.waiver.map { m.doc.waivers[$0].waiver }
                    let expired = e?.expiredWaiver.map { m.doc.waivers[$0].waiver }
                    let evidence = (e?.evidence ?? []).map {
                        "\($0.path) = \(AuditModel.show($0.observed)) (expected \($0.op) \(AuditModel.show($0.expected)))"
                    }
                    let note = expired.map { "waiver expired on \($0.expires)" } ?? (e?.baselined == true ? "known failure (baseline)" : "")
                    out += line(
                        head + [
                            r.asset, onAsset[r.asset]?.rawValue ?? "", r.ruleID, r.rule?.title ?? "", r.rule?.severity.rawValue ?? "", r.verdict.rawValue,
                            e?.message ?? "", evidence.joined(separator: "; "), (e?.evidence ?? []).compactMap(\.provenance).joined(separator: "; "),
                            r.snapshots.map(\.source).joined(separator: "; "), r.snapshots.map { $0.collectedAt ?? "" }.joined(separator: "; "),
                            r.snapshots.map(\.sha256).joined(separator: "; "),
                            waiver?.approvedBy ?? "", waiver?.expires.description ?? "", waiver?.reason ?? "", note,
                            r.rule?.remediation.summary ?? "",
                        ])
                }
                try emit(out)
            }
        }
    }

    func line(_ cells: [String]) -> String { cells.map(field).joined(separator: ",") + "\r\n" }

    /// One field: neutralised if a spreadsheet would take it for a formula (a first byte of
    /// `= + - @`, tab or CR, as OWASP lists them, unless it is a number), quoted when it holds
    /// a comma, quote or line break. Read as UTF-8 bytes: a fleet's report has millions.
    func field(_ s: String) -> String {
        var text = s
        let (formula, quote) = text.withUTF8 { b -> (Bool, Bool) in
            let formula: Bool
            switch b.first {
            case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 9, 13: formula = true
            default: formula = false
            }
            return (formula, b.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 })
        }
        let v = formula && Double(s) == nil ? "'" + s : s
        guard quote else { return v }
        return "\"" + ByteEscaping.replacing(v) { b, i in b[i] == UInt8(ascii: "\"") ? ("\"\"", 1) : nil } + "\""
    }
}
