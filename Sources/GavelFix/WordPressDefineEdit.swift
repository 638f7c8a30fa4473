/// Sets a PHP constant in wp-config.php's text, keeping everything else byte for byte: the
/// `define( 'NAME', ... );` statement on the line the snapshot names is replaced, or, when
/// nothing defines it, a define is added where WordPress's own sample says custom values go
/// (before "That's all, stop editing!"), else before wp-settings.php is loaded: a define after
/// that line would come too late to matter.
public enum WordPressDefineEdit {
    /// The range of the `define(...)` of `name` on `line`, from `define` to its `;`.
    static func statement(_ line: String, name: String) -> Range<String.Index>? {
        var search = line.startIndex
        while let d = line.range(of: "define", range: search..<line.endIndex) {
            search = d.upperBound
            var i = d.upperBound
            while i < line.endIndex, line[i] == " " || line[i] == "\t" { i = line.index(after: i) }
            guard i < line.endIndex, line[i] == "(" else { continue }
            // The arguments, minding strings and nested parentheses.
            var depth = 0
            var quote: Character? = nil
            var escaped = false
            var j = i
            while j < line.endIndex {
                let c = line[j]
                if let q = quote {
                    if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == q { quote = nil }
                } else if c == "'" || c == "\"" {
                    quote = c
                } else if c == "(" {
                    depth += 1
                } else if c == ")" {
                    depth -= 1
                    if depth == 0 { break }
                }
                j = line.index(after: j)
            }
            guard j < line.endIndex else { return nil }
            let args = line[line.index(after: i)..<j]
            let first = args.trimmingCharacters(in: .whitespaces)
            guard first.hasPrefix("'\(name)'") || first.hasPrefix("\"\(name)\"") else { continue }
            var end = line.index(after: j)
            while end < line.endIndex, line[end] == " " || line[end] == "\t" { end = line.index(after: end) }
            guard end < line.endIndex, line[end] == ";" else { return nil }
            return d.lowerBound..<line.index(after: end)
        }
        return nil
    }

    public static func lineSets(_ text: String, name: String, line: Int) -> Bool {
        guard let l = TextLines(text).line(line) else { return false }
        return statement(l, name: name) != nil
    }

    /// The text with `define( 'NAME', literal );` lines added at the end of a file that is a
    /// list of defines (Debian's /etc/wordpress/config-HOST.php), before a closing `?>`.
    public static func append(_ text: String, _ defines: [(name: String, literal: String)]) -> String {
        var lines = TextLines(text)
        var at = lines.count
        // The file's last line is empty when it ends with a line break.
        while at > 0, (lines.line(at) ?? "").trimmingCharacters(in: .whitespaces).isEmpty { at -= 1 }
        if at > 0, (lines.line(at) ?? "").trimmingCharacters(in: .whitespaces) == "?>" { at -= 1 }
        lines.insert(defines.map { "define( '\($0.name)', \($0.literal) );" }, at: at)
        return lines.text
    }

    /// The text with the define on `line` replaced by `define( 'NAME', literal );`; nil when
    /// `line` no longer defines it.
    public static func set(_ text: String, name: String, literal: String, line: Int) -> String? {
        var lines = TextLines(text)
        guard var l = lines.line(line), let r = statement(l, name: name) else { return nil }
        l.replaceSubrange(r, with: "define( '\(name)', \(literal) );")
        lines.set(line, l)
        return lines.text
    }

    /// The text with `define( 'NAME', literal );` lines added together, followed by a blank
    /// line, before "That's all, stop editing!" (or wp-settings.php, whichever comes first);
    /// nil when the file has neither.
    public static func add(_ text: String, _ defines: [(name: String, literal: String)]) -> String? {
        var lines = TextLines(text)
        let stop = lines.lines.firstIndex { $0.contains("That's all, stop editing") }
        let settings = lines.lines.firstIndex { $0.contains("wp-settings.php") && ($0.contains("require") || $0.contains("include")) }
        guard let at = [stop, settings].compactMap({ $0 }).min() else { return nil }
        lines.insert(defines.map { "define( '\($0.name)', \($0.literal) );" } + [""], at: at)
        return lines.text
    }
}
