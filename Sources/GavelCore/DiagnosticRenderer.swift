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
                let (shown, caret) = DiagnosticRenderer.excerpt(
                    String(lines[loc.line - 1]).replacingOccurrences(of: "\r", with: ""),
                    column: loc.column)
                let gutter = String(loc.line)
                let pad = String(repeating: " ", count: gutter.count)
                // Keep tabs in the caret line so the caret lines up with the source.
                let lead = shown.prefix(caret).map { $0 == "\t" ? "\t" : " " }.joined()
                out += "\n\(pad) |\n\(gutter) | \(shown)\n\(pad) | \(lead)^"
            }
        }
        for note in d.notes { out += "\n  = \(note)" }
        return out
    }

    /// The widest source line shown whole; a longer one (a minified or generated file) is
    /// shown as a window of `window` characters around the column, cut ends marked `...`.
    static let widest = 160
    static let window = 120

    /// The text to show for a source line, and how many characters of it precede the caret.
    static func excerpt(_ line: String, column: Int) -> (String, Int) {
        let chars = Array(line)
        let at = min(max(0, column - 1), chars.count)
        guard chars.count > widest else { return (line, at) }
        let start = max(0, min(at - window / 2, chars.count - window))
        let end = min(chars.count, start + window)
        let head = start > 0 ? "..." : ""
        return (head + String(chars[start..<end]) + (end < chars.count ? "..." : ""), at - start + head.count)
    }

    public func render(_ list: [Diagnostic]) -> String {
        list.map(render).joined(separator: "\n\n")
    }
}
