import GavelCore

/// Sets a PHP directive in the text of an ini file, keeping everything else byte for byte:
/// the line that set it is replaced (in the form it had: `key = value` in php.ini,
/// `php_admin_value[key] = value` and its kin in an FPM pool), or, when no line sets it, a
/// `key = value` line is added where PHP applies it to every request: before the first
/// `[PATH=...]` or `[HOST=...]` section (whose directives apply to some requests only), else
/// at the end.
public enum IniEdit {
    /// Whether `line` (1-based) of `text` sets `key`, as php.ini or an FPM pool writes it: a
    /// file edited since the snapshot was taken has its lines elsewhere.
    public static func lineSets(_ text: String, key: String, line: Int) -> Bool {
        guard let l = TextLines(text).line(line) else { return false }
        let t = l.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("php_"), let open = t.firstIndex(of: "["), let close = t.firstIndex(of: "]"), open < close {
            return t[t.index(after: open)..<close].trimmingCharacters(in: .whitespaces) == key
        }
        guard let eq = t.firstIndex(of: "=") else { return false }
        return t[..<eq].trimmingCharacters(in: .whitespaces).lowercased() == key.lowercased()
    }

    public static func set(_ text: String, key: String, value: String, line: Int?) -> String {
        var lines = TextLines(text)
        let quoted = quote(value)
        if let line, let old = lines.line(line) {
            let trimmed = old.trimmingCharacters(in: .whitespaces)
            let indent = String(old.prefix { $0 == " " || $0 == "\t" })
            if let bracket = trimmed.firstIndex(of: "["), trimmed.hasPrefix("php_"), trimmed[..<bracket].allSatisfy({ $0.isLetter || $0 == "_" }) {
                // php_value[...], php_admin_value[...], php_flag[...], php_admin_flag[...]
                lines.set(line, indent + String(trimmed[..<bracket]) + "[\(key)] = \(quoted)")
            } else {
                lines.set(line, indent + "\(key) = \(quoted)")
            }
            return lines.text
        }
        let at = lines.lines.firstIndex { l in
            let t = l.trimmingCharacters(in: .whitespaces).uppercased()
            return t.hasPrefix("[PATH=") || t.hasPrefix("[HOST=")
        }
        let added = "\(key) = \(quoted)"
        if let at {
            lines.insert([added, ""], at: at)
            return lines.text
        }
        var out = text
        if !out.isEmpty && out.utf8.last != 0x0A { out += lines.carriageReturn + "\n" }
        return out + added + lines.carriageReturn + "\n"
    }

    /// A value as php.ini needs it: words and numbers bare, anything else double-quoted.
    static func quote(_ v: String) -> String {
        if !v.isEmpty, v.allSatisfy({ $0.isLetter || $0.isNumber || "._-/:,".contains($0) }) { return v }
        return "\"" + v.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
