/// A configuration file's lines as the programs that read it count them: split at each line
/// feed, so a CRLF file's lines keep their carriage return (Swift reads "\r\n" as one
/// character, which `split(separator: "\n")` would not split at), and joined back to the same
/// bytes.
struct TextLines {
    var lines: [String]
    /// "\r" when the file ends its lines with CRLF, so added lines match.
    var carriageReturn: String

    init(_ text: String) {
        lines = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        let crlf = lines.dropLast().filter { $0.utf8.last == 0x0D }.count
        carriageReturn = crlf * 2 > max(lines.count - 1, 0) ? "\r" : ""
    }

    var count: Int { lines.count }
    var text: String { lines.joined(separator: "\n") }

    /// Line `n` (1-based) without its carriage return, or nil past the end.
    func line(_ n: Int) -> String? {
        guard n >= 1, n <= lines.count else { return nil }
        let l = lines[n - 1]
        return l.utf8.last == 0x0D ? String(decoding: l.utf8.dropLast(), as: UTF8.self) : l
    }

    /// Replaces line `n`'s content, keeping its carriage return.
    mutating func set(_ n: Int, _ content: String) {
        lines[n - 1] = content + (lines[n - 1].utf8.last == 0x0D ? "\r" : "")
    }

    /// Inserts lines (without line ends) before line index `at` (0-based), in the file's line ending.
    mutating func insert(_ added: [String], at: Int) {
        lines.insert(contentsOf: added.map { $0 + carriageReturn }, at: at)
    }

    mutating func remove(_ n: Int) { lines.remove(at: n - 1) }
}
