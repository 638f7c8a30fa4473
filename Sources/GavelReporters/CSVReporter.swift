import GavelCore
import GavelEngine

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
        var out = line(Self.columns)
        for f in m.frameworks {
            for c in f.controls {
                let head = [c.ref.framework, c.ref.id, c.title, c.verdict.rawValue]
                if c.rules.isEmpty {
                    out += line(head + ["", "", "", "", "", "", "", "", "", "", "", "", "", "", "", c.note ?? "", ""])
                    continue
                }
                let onAsset = Dictionary(c.assets.map { ($0.asset, $0.verdict) }, uniquingKeysWith: { a, _ in a })
                for r in m.rows(c) {
                    let e = r.entry
                    let waiver = e?.waiver.map { m.doc.waivers[$0].waiver }
                    let expired = e?.expiredWaiver.map { m.doc.waivers[$0].waiver }
                    let evidence = (e?.evidence ?? []).map { "\($0.path) = \(AuditModel.show($0.observed)) (expected \($0.op) \(AuditModel.show($0.expected)))" }
                    let note = expired.map { "waiver expired on \($0.expires)" } ?? (e?.baselined == true ? "known failure (baseline)" : "")
                    out += line(head + [
                        r.asset, onAsset[r.asset]?.rawValue ?? "", r.ruleID, r.rule?.title ?? "", r.rule?.severity.rawValue ?? "", r.verdict.rawValue,
                        e?.message ?? "", evidence.joined(separator: "; "), (e?.evidence ?? []).compactMap(\.provenance).joined(separator: "; "),
                        r.snapshots.map(\.source).joined(separator: "; "), r.snapshots.map { $0.collectedAt ?? "" }.joined(separator: "; "),
                        r.snapshots.map(\.sha256).joined(separator: "; "),
                        waiver?.approvedBy ?? "", waiver?.expires.description ?? "", waiver?.reason ?? "", note,
                        r.rule?.remediation.summary ?? "",
                    ])
                }
            }
        }
        return out
    }

    func line(_ cells: [String]) -> String { cells.map(field).joined(separator: ",") + "\r\n" }

    /// One field: neutralised if a spreadsheet would take it for a formula, quoted when it
    /// holds a comma, quote or line break.
    func field(_ s: String) -> String {
        var v = s
        if let first = v.first, "=+-@\t\r".contains(first), Double(v) == nil { v = "'" + v }
        guard v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return v }
        return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
