import Foundation
import GavelCore

/// INI files as MySQL/MariaDB option files and Python's configparser write them:
///
/// - `[section]` headers; keys before the first header belong to no section;
/// - `key = value`, `key: value` (when the line has no `=`), and bare `key` (a flag, `true`);
/// - `#` and `;` start a comment at the start of a line, and `#` after a value preceded by
///   whitespace (MySQL); values in matching single or double quotes lose them, and inside
///   double quotes MySQL's escapes (`\n`, `\t`, `\\`, `\"`, `\s`) are read;
/// - a line that starts with whitespace and has no `=` continues the previous value, joined
///   with a newline (configparser's multi-line values, as in fail2ban's jail.conf);
/// - `!include FILE` reads that file there, `!includedir DIR` its `*.cnf` files in name order
///   (MariaDB's order), each at most once.
///
/// This is not PHP's ini dialect (`IniParser` reads php.ini as PHP does: constants, `${}`
/// expansion, PHP's quoting and booleans), which is why it is a reader of its own.
struct INIReader {
    var root: String
    var entries: [ConfigEntry] = []
    var read: Set<String> = []

    mutating func read(_ path: String) throws {
        let real = RootPath.join(root, path)
        guard read.insert(real).inserted else { return }
        // An included file must be a file: `!include /dev/zero` would never end.
        if read.count > 1 {
            var st = stat()
            guard stat(real, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
                throw Diagnostic(.configRead, "!include \(path): not a regular file")
            }
        }
        let text = try FileBytes.text(real, shown: path)
        var section: String?
        var last: Int?
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNo = n + 1
            var line = String(raw)
            if line.hasSuffix("\r") { line.removeLast() }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            if trimmed.hasPrefix("!include ") || trimmed.hasPrefix("!includedir ") {
                let target = trimmed.drop { $0 != " " }.trimmingCharacters(in: .whitespaces)
                let resolved = target.hasPrefix("/") ? target : PathNames.join(PathNames.folder(of: path), target)
                if trimmed.hasPrefix("!includedir ") {
                    let files = ((try? FileManager.default.contentsOfDirectory(atPath: RootPath.join(root, resolved))) ?? [])
                        .filter { $0.hasSuffix(".cnf") }.sorted()
                    for f in files { try read(PathNames.join(resolved, f)) }
                } else {
                    try read(resolved)
                }
                last = nil
                continue
            }
            if trimmed.hasPrefix("[") {
                guard let close = trimmed.firstIndex(of: "]") else {
                    throw Diagnostic(.configSyntax, "a section header without its ]", at: SourceLocation(file: path, line: lineNo))
                }
                section = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close]).trimmingCharacters(in: .whitespaces)
                last = nil
                continue
            }
            if line.first == " " || line.first == "\t", !trimmed.contains("="), let l = last {
                let previous = entries[l].value.stringValue ?? ""
                entries[l].value = .string(previous.isEmpty ? trimmed : previous + "\n" + trimmed)
                continue
            }
            let sep = trimmed.firstIndex(of: "=") ?? trimmed.firstIndex(of: ":")
            let key = (sep.map { String(trimmed[..<$0]) } ?? trimmed).trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else { throw Diagnostic(.configSyntax, "a line without a key", at: SourceLocation(file: path, line: lineNo)) }
            let value: Value = sep.map { .string(Self.value(String(trimmed[trimmed.index(after: $0)...]))) } ?? .bool(true)
            entries.append(ConfigEntry(section: section, key: key, value: value, file: path, line: lineNo))
            last = entries.count - 1
        }
    }

    /// A value as MySQL reads it: trimmed, a trailing ` # comment` dropped, quotes removed.
    static func value(_ raw: String) -> String {
        var v = raw.trimmingCharacters(in: .whitespaces)
        if let q = v.first, q == "\"" || q == "'" {
            var out = ""
            var i = v.index(after: v.startIndex)
            while i < v.endIndex, v[i] != q {
                if q == "\"", v[i] == "\\", v.index(after: i) < v.endIndex {
                    i = v.index(after: i)
                    switch v[i] {
                    case "n": out.append("\n")
                    case "t": out.append("\t")
                    case "r": out.append("\r")
                    case "b": out.append("\u{8}")
                    case "s": out.append(" ")
                    default: out.append(v[i])
                    }
                } else {
                    out.append(v[i])
                }
                i = v.index(after: i)
            }
            if i < v.endIndex { return out }
        }
        if let hash = v.range(of: " #") ?? v.range(of: "\t#") { v = String(v[..<hash.lowerBound]).trimmingCharacters(in: .whitespaces) }
        return v
    }
}
