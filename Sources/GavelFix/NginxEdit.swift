/// Edits of nginx configuration text, keeping everything else byte for byte: one statement
/// (`directive args;`) on a line is replaced or removed, or statements are added at the top of
/// a block. Lines are 1-based, as the snapshot's provenance counts them. Each edit returns nil
/// when the text is not what the snapshot described (a file changed since), so the fix is
/// withheld rather than written somewhere else.
public enum NginxEdit {
    /// The range of the statement on `line` that is `directive` (and, for `add_header`, sends
    /// `header`), from the directive's name to its `;`, or nil.
    static func statement(_ line: String, directive: String, header: String? = nil) -> Range<String.Index>? {
        var i = line.startIndex
        var start: String.Index? = nil
        var quote: Character? = nil
        var words: [String] = []
        var word = ""
        while i < line.endIndex {
            let c = line[i]
            if let q = quote {
                if c == "\\" {
                    i = line.index(after: i)
                    if i < line.endIndex { word.append(line[i]) }
                } else if c == q {
                    quote = nil
                } else {
                    word.append(c)
                }
            } else if c == "\"" || c == "'" {
                if start == nil { start = i }
                quote = c
            } else if c == "#" {
                return nil
            } else if c == ";" || c == "{" || c == "}" {
                if !word.isEmpty { words.append(word); word = "" }
                if c == ";", let s = start, words.first == directive, header == nil || (words.count > 1 && words[1].lowercased() == header!.lowercased()) {
                    return s..<line.index(after: i)
                }
                start = nil
                words = []
            } else if c == " " || c == "\t" {
                if !word.isEmpty { words.append(word); word = "" }
            } else {
                if start == nil { start = i }
                word.append(c)
            }
            i = line.index(after: i)
        }
        return nil
    }

    /// Whether `line` of `text` holds a `directive` statement (sending `header`).
    public static func lineSets(_ text: String, directive: String, header: String? = nil, line: Int) -> Bool {
        guard let l = TextLines(text).line(line) else { return false }
        return statement(l, directive: directive, header: header) != nil
    }

    /// `line`'s `directive` statement replaced by `replacement` (a whole statement, with `;`).
    public static func replace(_ text: String, line: Int, directive: String, header: String? = nil, with replacement: String) -> String? {
        var lines = TextLines(text)
        guard var l = lines.line(line), let r = statement(l, directive: directive, header: header) else { return nil }
        l.replaceSubrange(r, with: replacement)
        lines.set(line, l)
        return lines.text
    }

    /// `line`'s `directive` statement removed; the whole line when nothing but blanks (and a
    /// comment) is left of it.
    public static func remove(_ text: String, line: Int, directive: String) -> String? {
        var lines = TextLines(text)
        guard var l = lines.line(line), let r = statement(l, directive: directive) else { return nil }
        l.removeSubrange(r)
        if l.trimmingCharacters(in: .whitespaces).isEmpty {
            lines.remove(line)
        } else {
            lines.set(line, String(l.reversed().drop { $0 == " " || $0 == "\t" }.reversed()))
        }
        return lines.text
    }

    /// `statements` added at the top of the block whose directive starts on `line` (`server`,
    /// `location ... {`, `http`), each on its own line, indented as the block's first line
    /// (or four spaces deeper than the block). Nil when the block's `{` is not the last thing
    /// on its line.
    public static func insert(_ text: String, block line: Int, _ statements: [String]) -> String? {
        var lines = TextLines(text)
        guard line >= 1, line <= lines.count else { return nil }
        // The line with the block's `{` (a long location may break before it).
        var at = line
        while at <= lines.count, !(lines.line(at) ?? "").contains("{") { at += 1 }
        guard let open = lines.line(at), at - line < 5 else { return nil }
        guard let brace = open.firstIndex(of: "{") else { return nil }
        let after = open[open.index(after: brace)...].trimmingCharacters(in: .whitespaces)
        guard after.isEmpty || after.hasPrefix("#") else { return nil }
        let blockIndent = String(open.prefix { $0 == " " || $0 == "\t" })
        var indent = blockIndent + "    "
        if let next = lines.lines[at...].first(where: { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }),
            !next.trimmingCharacters(in: .whitespaces).hasPrefix("}")
        {
            let nextIndent = String(next.prefix { $0 == " " || $0 == "\t" })
            if nextIndent.count > blockIndent.count { indent = nextIndent }
        }
        lines.insert(statements.map { indent + $0 }, at: at)
        return lines.text
    }

    /// The line of the `http {` block in `text`, or nil.
    public static func httpBlock(_ text: String) -> Int? {
        for (i, l) in TextLines(text).lines.enumerated() {
            let t = l.trimmingCharacters(in: .whitespacesAndNewlines)
            if t == "http" || t.hasPrefix("http ") || t.hasPrefix("http{") || t.hasPrefix("http\t") {
                let rest = t.dropFirst(4).trimmingCharacters(in: .whitespaces)
                if rest.isEmpty || rest.hasPrefix("{") { return i + 1 }
            }
        }
        return nil
    }

    /// A value as an nginx argument: bare when it is one word nginx reads as written, else
    /// double-quoted.
    public static func quote(_ v: String) -> String {
        if !v.isEmpty, !v.contains(where: { " \t;{}\"'#\\$".contains($0) }) { return v }
        return "\"" + v + "\""
    }
}
