import Foundation

/// The table `collect fleet` prints when it is done: one line per host and store, failures
/// first, then the rest by name.
public enum FleetTable {
    public static func render(_ results: [FleetCollector.Result]) -> String {
        let rows = results.sorted { a, b in
            ((a.outcome == .ok ? 1 : 0), a.name) < ((b.outcome == .ok ? 1 : 0), b.name)
        }.map { r -> [String] in
            [
                r.source == "shopify" ? "shopify:" + r.name : r.name, r.outcome.name, String(r.assets.count),
                String(format: "%.1f s", r.seconds), r.outcome.detail,
            ]
        }
        let header = ["HOST", "OUTCOME", "ASSETS", "TIME", "DETAIL"]
        var widths = header.map(\.count)
        for row in rows { for (i, c) in row.enumerated() where i < 4 { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                if i == 4 { return c }
                let pad = String(repeating: " ", count: widths[i] - c.count)
                return i == 2 || i == 3 ? pad + c : c + pad
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}
