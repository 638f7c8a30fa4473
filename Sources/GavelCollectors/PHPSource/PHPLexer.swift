/// Tokens of the PHP that configuration files are written in: code between `<?php` and `?>`,
/// comments of all three kinds, strings in both quote styles with PHP's escapes, heredoc and
/// nowdoc, numbers in every base, names, variables and operators. It reads; it never runs.
struct PHPLexer {
    enum Kind: Equatable {
        case name(String)  // identifiers and keywords (case kept)
        case variable(String)  // $name, without the $
        case string(String, interpolated: Bool)  // value after escapes; interpolated when it held $var
        case int(Int64)
        case float(Double)
        case punct(String)  // ( ) [ ] { } , ; = => . :: ? : ! && || ...
        case end
    }

    struct Token { var kind: Kind; var offset: Int; var end: Int; var line: Int; var column: Int }

    struct SyntaxError: Error { var message: String; var line: Int; var column: Int }

    let bytes: [UInt8]
    private var pos = 0
    private var line = 1
    private var lineStart = 0
    private var inCode = false

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    private func at(_ i: Int) -> UInt8 { i < bytes.count ? bytes[i] : 0 }
    private func error(_ m: String, _ offset: Int? = nil) -> SyntaxError {
        let o = offset ?? pos
        var l = 1, ls = 0
        for i in 0..<min(o, bytes.count) where bytes[i] == 0x0A { l += 1; ls = i + 1 }
        return SyntaxError(message: m, line: l, column: o - ls + 1)
    }
    private mutating func advance(_ n: Int = 1) {
        for _ in 0..<n where pos < bytes.count {
            if bytes[pos] == 0x0A { line += 1; lineStart = pos + 1 }
            pos += 1
        }
    }
    private func startsWith(_ s: String, caseInsensitive: Bool = false) -> Bool {
        let u = Array(s.utf8)
        guard pos + u.count <= bytes.count else { return false }
        for (k, c) in u.enumerated() {
            let b = bytes[pos + k]
            if caseInsensitive ? (b | 0x20) != (c | 0x20) : b != c { return false }
        }
        return true
    }
    private static func isNameStart(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c == 95 || c >= 0x80 }
    private static func isName(_ c: UInt8) -> Bool { isNameStart(c) || (c >= 48 && c <= 57) }

    mutating func tokens() throws(SyntaxError) -> [Token] {
        var out: [Token] = []
        while true {
            let t = try next()
            out.append(t)
            if t.kind == .end { return out }
        }
    }

    mutating func next() throws(SyntaxError) -> Token {
        while true {
            if !inCode {
                // Inline text until <?php or <?= (files start with it; anything before is output).
                while pos < bytes.count && !(startsWith("<?php", caseInsensitive: true) || startsWith("<?=")) { advance() }
                if pos >= bytes.count { return Token(kind: .end, offset: pos, end: pos, line: line, column: pos - lineStart + 1) }
                advance(startsWith("<?=") ? 3 : 5)
                inCode = true
                continue
            }
            let c = at(pos)
            if pos >= bytes.count { return Token(kind: .end, offset: pos, end: pos, line: line, column: pos - lineStart + 1) }
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { advance(); continue }
            if startsWith("?>") {
                advance(2)
                inCode = false
                return Token(kind: .punct(";"), offset: pos - 2, end: pos, line: line, column: pos - lineStart - 1)  // ?> ends a statement
            }
            if c == UInt8(ascii: "#") && at(pos + 1) != UInt8(ascii: "[") || startsWith("//") {
                while pos < bytes.count && at(pos) != 0x0A && !startsWith("?>") { advance() }
                continue
            }
            if startsWith("/*") {
                let open = pos
                advance(2)
                while pos < bytes.count && !startsWith("*/") { advance() }
                guard pos < bytes.count else { throw error("unterminated comment", open) }
                advance(2)
                continue
            }
            break
        }
        let start = pos, startLine = line, startCol = pos - lineStart + 1
        func token(_ k: Kind) -> Token { Token(kind: k, offset: start, end: pos, line: startLine, column: startCol) }
        let c = at(pos)
        if c == UInt8(ascii: "'") { return token(.string(try singleQuoted(), interpolated: false)) }
        if c == UInt8(ascii: "\"") {
            advance()
            let (s, interp) = try doubleQuoted(until: UInt8(ascii: "\""))
            return token(.string(s, interpolated: interp))
        }
        if startsWith("<<<") { return token(try heredoc()) }
        if c == UInt8(ascii: "$") && Self.isNameStart(at(pos + 1)) {
            advance()
            let b = pos
            while Self.isName(at(pos)) { advance() }
            return token(.variable(String(decoding: bytes[b..<pos], as: UTF8.self)))
        }
        if c >= 48 && c <= 57 || (c == UInt8(ascii: ".") && at(pos + 1) >= 48 && at(pos + 1) <= 57) { return token(try number()) }
        if Self.isNameStart(c) || c == UInt8(ascii: "\\") && Self.isNameStart(at(pos + 1)) {
            let b = pos
            while Self.isName(at(pos)) || at(pos) == UInt8(ascii: "\\") { advance() }
            return token(.name(String(decoding: bytes[b..<pos], as: UTF8.self)))
        }
        for p in [
            "<=>", "**=", "...", "===", "!==", "<<=", ">>=", "??=", "?->", "=>", "::", "->", "&&", "||", "??", "==", "!=", "<>", "<=", ">=",
            "++", "--", "+=", "-=", "*=", "/=", ".=", "%=", "&=", "|=", "^=", "<<", ">>", "**",
        ] where startsWith(p) {
            advance(p.utf8.count)
            return token(.punct(p))
        }
        if "()[]{},;=.?:!+-*/%<>&|^~@".utf8.contains(c) {
            advance()
            return token(.punct(String(UnicodeScalar(c))))
        }
        throw error("unexpected character '\(Character(UnicodeScalar(c)))'")
    }

    /// 'text': only \' and \\ are escapes.
    private mutating func singleQuoted() throws(SyntaxError) -> String {
        let open = pos
        advance()
        var out: [UInt8] = []
        while pos < bytes.count {
            let c = at(pos)
            if c == UInt8(ascii: "'") { advance(); return String(decoding: out, as: UTF8.self) }
            if c == UInt8(ascii: "\\") && (at(pos + 1) == UInt8(ascii: "'") || at(pos + 1) == UInt8(ascii: "\\")) {
                out.append(at(pos + 1))
                advance(2)
                continue
            }
            out.append(c)
            advance()
        }
        throw error("unterminated string", open)
    }

    /// "text" and heredoc bodies: PHP's escapes; a `$name` or `{$` makes it an interpolated
    /// string (its value depends on variables, so it is not a static value).
    private mutating func doubleQuoted(until close: UInt8?) throws(SyntaxError) -> (String, Bool) {
        let open = pos
        var out: [UInt8] = []
        var interpolated = false
        while pos < bytes.count {
            let c = at(pos)
            if let close, c == close { advance(); return (String(decoding: out, as: UTF8.self), interpolated) }
            if c == UInt8(ascii: "$") && (Self.isNameStart(at(pos + 1)) || at(pos + 1) == UInt8(ascii: "{")) { interpolated = true }
            if c == UInt8(ascii: "{") && at(pos + 1) == UInt8(ascii: "$") { interpolated = true }
            if c == UInt8(ascii: "\\") && pos + 1 < bytes.count {
                let e = at(pos + 1)
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A); advance(2); continue
                case UInt8(ascii: "t"): out.append(0x09); advance(2); continue
                case UInt8(ascii: "r"): out.append(0x0D); advance(2); continue
                case UInt8(ascii: "v"): out.append(0x0B); advance(2); continue
                case UInt8(ascii: "e"): out.append(0x1B); advance(2); continue
                case UInt8(ascii: "f"): out.append(0x0C); advance(2); continue
                case UInt8(ascii: "\\"), UInt8(ascii: "$"): out.append(e); advance(2); continue
                case UInt8(ascii: "\""):
                    if close == UInt8(ascii: "\"") { out.append(e); advance(2); continue }
                case UInt8(ascii: "x"):
                    var v = 0, n = 0
                    while n < 2, let d = Self.hex(at(pos + 2 + n)) { v = v * 16 + d; n += 1 }
                    if n > 0 { out.append(UInt8(v)); advance(2 + n); continue }
                case UInt8(ascii: "u") where at(pos + 2) == UInt8(ascii: "{"):
                    var v = 0, n = 0
                    // Past U+10FFFF the value stops growing (it cannot overflow); PHP refuses it.
                    while let d = Self.hex(at(pos + 3 + n)) { if v <= 0x10FFFF { v = v * 16 + d }; n += 1 }
                    if n > 0, v > 0x10FFFF, at(pos + 3 + n) == UInt8(ascii: "}") {
                        throw error("invalid UTF-8 codepoint escape sequence: codepoint too large", pos)
                    }
                    if n > 0, at(pos + 3 + n) == UInt8(ascii: "}"), let scalar = Unicode.Scalar(v) {
                        out += Array(String(Character(scalar)).utf8)
                        advance(4 + n)
                        continue
                    }
                case 48...55:
                    var v = 0, n = 0
                    while n < 3, at(pos + 1 + n) >= 48, at(pos + 1 + n) <= 55 { v = v * 8 + Int(at(pos + 1 + n) - 48); n += 1 }
                    out.append(UInt8(truncatingIfNeeded: v))
                    advance(1 + n)
                    continue
                default: break
                }
            }
            out.append(c)
            advance()
        }
        if close == nil { return (String(decoding: out, as: UTF8.self), interpolated) }
        throw error("unterminated string", open - 1)
    }

    private static func hex(_ c: UInt8) -> Int? {
        switch c {
        case 48...57: return Int(c - 48)
        case 97...102: return Int(c - 87)
        case 65...70: return Int(c - 55)
        default: return nil
        }
    }

    /// <<<ID / <<<"ID" (like a double-quoted string) and <<<'ID' (literal). The closing
    /// identifier may be indented; that indentation is removed from every line (PHP 7.3+).
    private mutating func heredoc() throws(SyntaxError) -> Kind {
        let open = pos
        advance(3)
        while at(pos) == 0x20 || at(pos) == 0x09 { advance() }
        var nowdoc = false, quoted = false
        if at(pos) == UInt8(ascii: "'") { nowdoc = true; advance() } else if at(pos) == UInt8(ascii: "\"") { quoted = true; advance() }
        let b = pos
        while Self.isName(at(pos)) { advance() }
        let id = Array(bytes[b..<pos])
        guard !id.isEmpty else { throw error("heredoc needs an identifier after <<<", open) }
        if nowdoc || quoted { advance() }
        guard at(pos) == 0x0A || (at(pos) == 0x0D && at(pos + 1) == 0x0A) else { throw error("heredoc identifier must end its line", pos) }
        advance(at(pos) == 0x0D ? 2 : 1)
        // Find the closing line: optional indentation, the identifier, then a non-name character.
        var lines: [ArraySlice<UInt8>] = []
        var indent = 0
        while true {
            guard pos < bytes.count else { throw error("unterminated heredoc <<<\(String(decoding: id, as: UTF8.self))", open) }
            var e = pos
            while e < bytes.count && bytes[e] != 0x0A { e += 1 }
            let lineBytes = bytes[pos..<e]
            let ws = lineBytes.prefix { $0 == 0x20 || $0 == 0x09 }
            let rest = lineBytes.dropFirst(ws.count)
            if rest.starts(with: id) && !Self.isName(rest.dropFirst(id.count).first ?? 0x20) {
                indent = ws.count
                advance(ws.count + id.count)
                break
            }
            lines.append(lineBytes)
            advance(e - pos + 1)
        }
        var body: [UInt8] = []
        for (k, l) in lines.enumerated() {
            var l = l
            if l.last == 0x0D { l = l.dropLast() }
            body += l.dropFirst(min(indent, l.prefix { $0 == 0x20 || $0 == 0x09 }.count))
            if k < lines.count - 1 { body.append(0x0A) }
        }
        if nowdoc { return .string(String(decoding: body, as: UTF8.self), interpolated: false) }
        var sub = PHPLexer(body)
        let (s, interp) = try sub.doubleQuoted(until: nil)
        return .string(s, interpolated: interp)
    }

    /// 42, 0x1F, 0o17, 017, 0b101, 1_000, 1.5, .5, 1e3: PHP's integer and float literals;
    /// an integer too large for 64 bits becomes a float, as in PHP.
    private mutating func number() throws(SyntaxError) -> Kind {
        let b = pos
        while Self.isName(at(pos)) || at(pos) == UInt8(ascii: ".") && at(pos + 1) != UInt8(ascii: ".")
            || (at(pos) == UInt8(ascii: "+") || at(pos) == UInt8(ascii: "-")) && (at(pos - 1) | 0x20) == UInt8(ascii: "e")
                && !String(decoding: bytes[b..<pos], as: UTF8.self).lowercased().hasPrefix("0x")
        {
            advance()
        }
        let raw = String(decoding: bytes[b..<pos], as: UTF8.self).replacingOccurrences(of: "_", with: "")
        let lower = raw.lowercased()
        func int(_ digits: Substring, _ radix: Int) throws(SyntaxError) -> Kind {
            if let v = Int64(digits, radix: radix) { return .int(v) }
            guard !digits.isEmpty, digits.allSatisfy({ $0.isHexDigit && Int(String($0), radix: 16)! < radix }) else {
                throw error("invalid number '\(raw)'", b)
            }
            return .float(digits.reduce(0.0) { $0 * Double(radix) + Double(Int(String($1), radix: radix)!) })
        }
        if lower.hasPrefix("0x") { return try int(lower.dropFirst(2), 16) }
        if lower.hasPrefix("0b") { return try int(lower.dropFirst(2), 2) }
        if lower.hasPrefix("0o") { return try int(lower.dropFirst(2), 8) }
        if lower.contains(".") || lower.contains("e") {
            guard let d = Double(lower) else { throw error("invalid number '\(raw)'", b) }
            return .float(d)
        }
        if lower.count > 1 && lower.hasPrefix("0") { return try int(lower.dropFirst(), 8) }
        return try int(Substring(lower), 10)
    }
}
