import Foundation
import GavelCollectors
import GavelCore
import GavelEngine
import GavelJSON
import GavelResults

extension FixRun {
    /// The unified diff of the edited files with no secret in it: a context line that names a
    /// secret (`name = value` or `Keyword value`) makes that file's hunks context-free; nil
    /// when a changed line holds one.
    static func patch(_ originals: [String: String], _ texts: [String: String]) throws -> (patch: String, files: [String])? {
        var patch = ""
        var files: [String] = []
        for file in texts.keys.sorted() {
            guard let old = originals[file], let new = texts[file], old != new else { continue }
            var diff = try UnifiedDiff.of(path: file, old: old, new: new)
            let lines = TextLines(diff).lines.map { Substring($0.utf8.last == 0x0D ? String(decoding: $0.utf8.dropLast(), as: UTF8.self) : $0) }
            func secret(_ line: Substring) -> Bool {
                let body = line.dropFirst().trimmingCharacters(in: .whitespaces)
                // wp-config.php: `define( 'DB_PASSWORD', '...' );` names its secret in quotes.
                if let d = body.range(of: "define"), let open = body[d.upperBound...].firstIndex(of: "(") {
                    let args = body[body.index(after: open)...].split(separator: ",", maxSplits: 1)
                    if args.count == 2 {
                        let name = args[0].trimmingCharacters(in: CharacterSet(charactersIn: " \t'\""))
                        var value = args[1].trimmingCharacters(in: .whitespaces)
                        if let close = value.range(of: ")", options: .backwards) { value = String(value[..<close.lowerBound]) }
                        value = value.trimmingCharacters(in: CharacterSet(charactersIn: " \t'\""))
                        if SecretClassifier.reason(name: name, value: value) != nil { return true }
                    }
                }
                // The ways a configuration line names a value: `name = value` (php.ini),
                // `Keyword value` (sshd, an nginx directive), `directive Name value` (nginx's
                // headers and fastcgi parameters).
                let words = body.split(maxSplits: 2, whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                var candidates: [(String, String)] = []
                let eq = body.split(separator: "=", maxSplits: 1).map(String.init)
                if eq.count == 2 { candidates.append((eq[0], eq[1])) }
                if words.count >= 2 { candidates.append((words[0], words.dropFirst().joined(separator: " "))) }
                if words.count == 3 { candidates.append((words[1], words[2])) }
                let unquote = CharacterSet(charactersIn: " \t;\"'")
                return candidates.contains { name, value in
                    let v = value.trimmingCharacters(in: unquote)
                    // A count or a duration (`MaxAuthTries 4`) is a setting, whatever its name says.
                    if !v.isEmpty, v.allSatisfy(\.isNumber) { return false }
                    return SecretClassifier.reason(name: name.trimmingCharacters(in: unquote), value: v) != nil
                }
            }
            if lines.contains(where: { ($0.hasPrefix("-") || $0.hasPrefix("+")) && !$0.hasPrefix("---") && !$0.hasPrefix("+++") && secret($0) }) {
                return nil
            }
            if lines.contains(where: { $0.hasPrefix(" ") && secret($0) }) { diff = try UnifiedDiff.withoutContext(path: file, old: old, new: new) }
            patch += diff
            files.append(file)
        }
        return (patch, files)
    }
}
