import Foundation
import GavelCore

/// `key value` and `key = value` lines: redis.conf, Postfix's main.cf, sshd_config and the
/// like. The key is the first word; the value is the rest of the line after whitespace and
/// an optional `=`, with one pair of surrounding quotes removed (`requirepass "a b"`, Redis
/// style, `\"` and `\\` read inside double quotes). `#` starts a comment only at the start of
/// a line. A line that starts with whitespace continues the previous value (Postfix), joined
/// with a space.
struct KeyValueReader {
    var root: String
    var entries: [ConfigEntry] = []

    mutating func read(_ path: String) throws {
        let text = try FileBytes.text(RootPath.join(root, path), shown: path)
        var last: Int?
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = String(raw)
            if line.hasSuffix("\r") { line.removeLast() }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if line.first == " " || line.first == "\t", let l = last {
                entries[l].value = .string((entries[l].value.stringValue ?? "") + " " + trimmed)
                continue
            }
            let keyEnd = trimmed.firstIndex { $0 == " " || $0 == "\t" || $0 == "=" } ?? trimmed.endIndex
            let key = String(trimmed[..<keyEnd])
            var rest = trimmed[keyEnd...].drop { $0 == " " || $0 == "\t" }
            if rest.first == "=" { rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" } }
            entries.append(ConfigEntry(section: nil, key: key, value: .string(Self.unquote(String(rest))), file: path, line: n + 1))
            last = entries.count - 1
        }
    }

    static func unquote(_ v: String) -> String {
        guard v.count >= 2, let q = v.first, q == "\"" || q == "'", v.last == q else { return v }
        let inner = v.dropFirst().dropLast()
        guard q == "\"" else { return String(inner) }
        var out = ""
        var escaped = false
        for c in inner {
            if escaped { out.append(c == "n" ? "\n" : c == "t" ? "\t" : c); escaped = false } else if c == "\\" { escaped = true } else { out.append(c) }
        }
        return out
    }
}
