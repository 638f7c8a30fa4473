import Foundation
import GavelCore

/// `.env` files as dotenv reads them: `KEY=value` or `export KEY=value`; a value in single
/// quotes is literal, in double quotes `\n`, `\t`, `\"` and `\\` are read; an unquoted value
/// ends at ` #` (a comment) and is trimmed. `${VAR}` is kept as written.
struct EnvFileReader {
    var root: String
    var entries: [ConfigEntry] = []

    mutating func read(_ path: String) throws {
        let text = try FileBytes.text(RootPath.join(root, path), shown: path)
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard let eq = line.firstIndex(of: "=") else {
                throw Diagnostic(.configSyntax, "expected KEY=value", at: SourceLocation(file: path, line: n + 1))
            }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-" }) else {
                throw Diagnostic(.configSyntax, "'\(key)' is not a variable name", at: SourceLocation(file: path, line: n + 1))
            }
            var v = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if let q = v.first, q == "'" || q == "\"", v.count >= 2, v.last == q {
                v = q == "'" ? String(v.dropFirst().dropLast()) : KeyValueReader.unquote(v)
            } else if let c = v.range(of: " #") {
                v = String(v[..<c.lowerBound]).trimmingCharacters(in: .whitespaces)
            }
            entries.append(ConfigEntry(section: nil, key: key, value: .string(v), file: path, line: n + 1))
        }
    }
}
