/// Sets an sshd_config keyword in the text of sshd_config or a drop-in: the line that set it
/// (sshd takes the first value it reads) becomes `Keyword value` in the same indentation, or,
/// when nothing sets it, `Keyword value` goes at the top of the main file, before any
/// `Include` and `Match`, where it is read first.
public enum SSHDEdit {
    public static func lineSets(_ text: String, key: String, line: Int) -> Bool {
        let lines = text.components(separatedBy: "\n")
        guard line >= 1, line <= lines.count else { return false }
        let t = lines[line - 1].trimmingCharacters(in: .whitespaces)
        let word = t.prefix { !$0.isWhitespace && $0 != "=" }
        return word.lowercased() == key.lowercased()
    }

    public static func set(_ text: String, key: String, value: String, line: Int?) -> String {
        var lines = text.components(separatedBy: "\n")
        if let line, line >= 1, line <= lines.count {
            let indent = String(lines[line - 1].prefix { $0 == " " || $0 == "\t" })
            lines[line - 1] = indent + "\(key) \(value)"
            return lines.joined(separator: "\n")
        }
        // After the leading comment block, before the first directive.
        let at =
            lines.firstIndex { l in
                let t = l.trimmingCharacters(in: .whitespaces)
                return !t.isEmpty && !t.hasPrefix("#")
            } ?? lines.count
        lines.insert("\(key) \(value)", at: at)
        return lines.joined(separator: "\n")
    }
}
