import Foundation

/// Renders diagnostics the way compilers do: header line, source line, caret.
public struct DiagnosticRenderer: Sendable {
    private var sources: [String: [Substring]] = [:]

    public init() {}

    /// Registers the text of a file so excerpts can be shown without re-reading it.
    public mutating func register(file: String, text: String) {
        sources[file] = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    public func render(_ d: Diagnostic) -> String {
        var out = d.description
        if let loc = d.location {
            var lines = sources[loc.file]
            if lines == nil, let text = try? String(contentsOfFile: loc.file, encoding: .utf8) {
                lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            }
            if let lines, loc.line >= 1, loc.line <= lines.count {
                let raw = String(lines[loc.line - 1]).replacingOccurrences(of: "\r", with: "")
                let gutter = String(loc.line)
                let pad = String(repeating: " ", count: gutter.count)
                // Keep tabs in the caret line so the caret lines up with the source.
                let lead = raw.prefix(max(0, loc.column - 1)).map { $0 == "\t" ? "\t" : " " }.joined()
                out += "\n\(pad) |\n\(gutter) | \(raw)\n\(pad) | \(lead)^"
            }
        }
        for note in d.notes { out += "\n  = \(note)" }
        return out
    }

    public func render(_ list: [Diagnostic]) -> String {
        list.map(render).joined(separator: "\n\n")
    }
}
