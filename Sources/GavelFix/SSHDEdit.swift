/// Sets an sshd_config keyword in the text of sshd_config or a drop-in: the line that set it
/// (sshd takes the first value it reads) becomes `Keyword value` in the same indentation, or,
/// when nothing sets it, `Keyword value` goes at the top of the main file, before any
/// `Include` and `Match`, where it is read first.
public enum SSHDEdit {
    public static func lineSets(_ text: String, key: String, line: Int) -> Bool {
        guard let l = TextLines(text).line(line) else { return false }
        let t = l.trimmingCharacters(in: .whitespaces)
        let word = t.prefix { !$0.isWhitespace && $0 != "=" }
        return word.lowercased() == key.lowercased()
    }

    public static func set(_ text: String, key: String, value: String, line: Int?) -> String {
        var lines = TextLines(text)
        if let line, let old = lines.line(line) {
            let indent = String(old.prefix { $0 == " " || $0 == "\t" })
            lines.set(line, indent + "\(key) \(value)")
            return lines.text
        }
        // After the leading comment block, before the first directive.
        let at =
            lines.lines.firstIndex { l in
                let t = l.trimmingCharacters(in: .whitespacesAndNewlines)
                return !t.isEmpty && !t.hasPrefix("#")
            } ?? lines.count
        lines.insert(["\(key) \(value)"], at: at)
        return lines.text
    }
}
