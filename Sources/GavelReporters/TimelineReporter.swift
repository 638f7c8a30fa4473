import GavelCore
import GavelHistory

/// `gavel history control`: a control's verdict in every run of a period, and the days with
/// no run, as text, CSV (one row per run and per day without one, by date) or JSON
/// (`gavel: timeline/v1`).
public struct TimelineReporter: Sendable {
    public init() {}

    public func text(_ t: ControlTimeline) -> String {
        var out = "\(t.control) from \(t.since) to \(t.until): \(plural(t.points.count, "run")): "
        out += "\(t.count(.pass)) pass, \(t.count(.fail)) fail, \(t.count(.error)) error"
        out += t.count(.notApplicable) > 0 ? ", \(t.count(.notApplicable)) not applicable" : ""
        out += "; \(plural(t.daysWithoutRun.count, "day")) without a run\n"
        for p in t.points {
            out += "  \(p.run.startedAt)  #\(p.run.id)  \(word(p.verdict))\(p.assetsFailing.isEmpty ? "" : "  " + p.assetsFailing.joined(separator: ", "))\n"
        }
        if !t.daysWithoutRun.isEmpty { out += "days without a run: \(t.daysWithoutRun.map(\.description).joined(separator: ", "))\n" }
        return out
    }

    public func csv(_ t: ControlTimeline) -> String {
        let csv = CSVReporter()
        var rows: [(key: String, cells: [String])] = t.points.map { p in
            (
                p.run.startedAt,
                [
                    String(p.run.startedAt.prefix(10)), "\(p.run.id)", p.run.startedAt, p.verdict?.rawValue ?? "not_judged",
                    p.assetsFailing.joined(separator: "; "),
                ]
            )
        }
        rows += t.daysWithoutRun.map { d in (d.description, [d.description, "", "", "no_run", ""]) }
        rows.sort { $0.key < $1.key }
        return csv.line(["day", "run", "started_at", "verdict", "assets_failing"]) + rows.map { csv.line($0.cells) }.joined()
    }

    public func json(_ t: ControlTimeline) -> String {
        var counts: [(String, Value)] = []
        for v in Verdict.allCases { counts.append((v.rawValue, .int(Int64(t.count(v))))) }
        let doc: Value = .object([
            ("gavel", "timeline/v1"), ("control", .string(t.control)), ("since", .string(t.since.description)), ("until", .string(t.until.description)),
            ("counts", .object(counts)),
            (
                "runs",
                .array(
                    t.points.map { p in
                        .object([
                            ("run", .int(p.run.id)), ("started_at", .string(p.run.startedAt)), ("verdict", p.verdict.map { .string($0.rawValue) } ?? .null),
                            ("assets_failing", .array(p.assetsFailing.map { .string($0) })), ("entry_hash", .string(p.run.entryHash)),
                        ])
                    })
            ),
            ("days_without_run", .array(t.daysWithoutRun.map { .string($0.description) })),
        ])
        return JSONWriter.string(doc, pretty: true) + "\n"
    }

    func word(_ v: Verdict?) -> String {
        guard let v else { return "not judged" }
        return v == .pass ? "pass" : v.rawValue.uppercased()
    }
}
