/// Splits one nginx configuration file into statements the way nginx's own
/// `ngx_conf_read_token` does: words separated by blanks, `;` ending a directive, `{` opening
/// and `}` closing a block, `#` starting a comment only at the start of a word, single and
/// double quotes, backslash escapes, and `${name}` kept inside a word.
import GavelCore

struct NginxLexer {
    struct Word { var text: String; var line: Int; var column: Int }
    enum End { case semicolon, blockStart, blockEnd, endOfFile }
    struct Statement { var words: [Word]; var end: End; var line: Int; var column: Int }

    let file: String
    private let bytes: [UInt8]
    private var pos = 0
    private var line = 1
    private var lineStart = 0

    init(_ bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    /// nginx's configuration buffer (NGX_CONF_BUFFER): a word must be shorter.
    static let maxWordBytes = 4096

    private func isBlank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A }

    func error(_ message: String, line: Int, column: Int) -> Diagnostic {
        Diagnostic(.nginxSyntax, message, at: SourceLocation(file: file, line: line, column: column))
    }

    private func here() -> (Int, Int) { (line, pos - lineStart) }

    /// The next directive's words and what ended it.
    mutating func next() throws -> Statement {
        var words: [Word] = []
        var lastSpace = true, needSpace = false, sharpComment = false, escaped = false
        var sQuoted = false, dQuoted = false, variable = false
        var start = 0, rawStart = 0, startLine = line, startColumn = 1
        if pos == 0, bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            throw error(
                "the file starts with a UTF-8 byte order mark, which nginx reads as part of the first directive's name (\"unknown directive\"); save the file without it",
                line: 1, column: 1)
        }
        func statement(_ end: End) -> Statement {
            Statement(words: words, end: end, line: words.first?.line ?? line, column: words.first?.column ?? (pos - lineStart))
        }
        while true {
            guard pos < bytes.count else {
                if !words.isEmpty || !lastSpace {
                    if sQuoted || dQuoted {
                        throw error("unexpected end of file in a quoted string opened here, expecting a closing quote", line: startLine, column: startColumn)
                    }
                    let (l, c) = here()
                    throw error("unexpected end of file, expecting \";\" or \"}\"", line: l, column: c + 1)
                }
                return statement(.endOfFile)
            }
            let ch = bytes[pos]
            pos += 1
            if ch == 0x0A {
                line += 1
                lineStart = pos
                if sharpComment { sharpComment = false }
            }
            if sharpComment { continue }
            if escaped { escaped = false; continue }
            if needSpace {
                if isBlank(ch) { lastSpace = true; needSpace = false; continue }
                if ch == UInt8(ascii: ";") { return statement(.semicolon) }
                if ch == UInt8(ascii: "{") { return statement(.blockStart) }
                if ch == UInt8(ascii: ")") {
                    lastSpace = true
                    needSpace = false
                } else {
                    let (l, c) = here()
                    throw error("unexpected \"\(Character(Unicode.Scalar(ch)))\" after a quoted string, expecting a blank, \";\" or \"{\"", line: l, column: c)
                }
            }
            if lastSpace {
                start = pos - 1
                rawStart = start
                startLine = line
                startColumn = pos - lineStart
                if isBlank(ch) { continue }
                switch ch {
                case UInt8(ascii: ";"), UInt8(ascii: "{"):
                    if words.isEmpty {
                        let (l, c) = here()
                        throw error("unexpected \"\(Character(Unicode.Scalar(ch)))\"", line: l, column: c)
                    }
                    return statement(ch == UInt8(ascii: ";") ? .semicolon : .blockStart)
                case UInt8(ascii: "}"):
                    if !words.isEmpty {
                        let (l, c) = here()
                        throw error(
                            "unexpected \"}\": the directive \"\(words[0].text)\" (line \(words[0].line)) is not terminated by \";\"", line: l, column: c)
                    }
                    return statement(.blockEnd)
                case UInt8(ascii: "#"): sharpComment = true; continue
                case UInt8(ascii: "\\"): escaped = true; lastSpace = false; continue
                case UInt8(ascii: "\""): start += 1; dQuoted = true; lastSpace = false; continue
                case UInt8(ascii: "'"): start += 1; sQuoted = true; lastSpace = false; continue
                case UInt8(ascii: "$"): variable = true; lastSpace = false; continue
                default: lastSpace = false
                }
            } else {
                if ch == UInt8(ascii: "{") && variable { continue }
                variable = false
                if ch == UInt8(ascii: "\\") { escaped = true; continue }
                if ch == UInt8(ascii: "$") { variable = true; continue }
                var found = false
                if dQuoted {
                    if ch == UInt8(ascii: "\"") { dQuoted = false; needSpace = true; found = true }
                } else if sQuoted {
                    if ch == UInt8(ascii: "'") { sQuoted = false; needSpace = true; found = true }
                } else if isBlank(ch) || ch == UInt8(ascii: ";") || ch == UInt8(ascii: "{") {
                    lastSpace = true
                    found = true
                }
                if found {
                    // nginx reads a file through a 4096-byte buffer and refuses a word (its
                    // opening quote included) that does not fit in it.
                    if pos - 1 - rawStart >= NginxLexer.maxWordBytes {
                        let shown = String(decoding: bytes[start..<min(start + 10, pos - 1)], as: UTF8.self)
                        throw error(
                            "too long parameter \"\(shown)...\" started (nginx takes at most \(NginxLexer.maxWordBytes - 1) bytes)", line: startLine,
                            column: startColumn)
                    }
                    words.append(Word(text: NginxLexer.unescape(bytes[start..<(pos - 1)]), line: startLine, column: startColumn))
                    if ch == UInt8(ascii: ";") { return statement(.semicolon) }
                    if ch == UInt8(ascii: "{") { return statement(.blockStart) }
                }
            }
        }
    }

    /// After the `{` of a `*_by_lua_block`: the body is Lua, read as ngx_lua reads it (strings,
    /// long brackets and comments may hold braces; the block ends at the `}` that balances
    /// the opening one).
    mutating func skipLuaBlock(opened openedLine: Int, column: Int) throws {
        var depth = 1
        func at(_ k: Int) -> UInt8? { pos + k < bytes.count ? bytes[pos + k] : nil }
        func advance() {
            if bytes[pos] == 0x0A { line += 1; lineStart = pos + 1 }
            pos += 1
        }
        /// `[[`, `[=[`, ...: the number of `=` when a long bracket opens at pos, else nil.
        func longBracket() -> Int? {
            guard at(0) == UInt8(ascii: "[") else { return nil }
            var k = 1
            while at(k) == UInt8(ascii: "=") { k += 1 }
            return at(k) == UInt8(ascii: "[") ? k - 1 : nil
        }
        func skipLong(_ level: Int) -> Bool {
            pos += level + 2
            while pos < bytes.count {
                if bytes[pos] == UInt8(ascii: "]") {
                    var k = 1
                    while at(k) == UInt8(ascii: "=") { k += 1 }
                    if k - 1 == level && at(k) == UInt8(ascii: "]") { pos += k + 1; return true }
                }
                advance()
            }
            return false
        }
        while pos < bytes.count {
            let c = bytes[pos]
            if c == UInt8(ascii: "-"), at(1) == UInt8(ascii: "-") {
                pos += 2
                if let level = longBracket() {
                    guard skipLong(level) else { break }
                } else {
                    while pos < bytes.count, bytes[pos] != 0x0A { pos += 1 }
                }
                continue
            }
            if let level = longBracket() {
                guard skipLong(level) else { break }
                continue
            }
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                pos += 1
                while pos < bytes.count, bytes[pos] != c {
                    if bytes[pos] == UInt8(ascii: "\\"), pos + 1 < bytes.count { advance() }
                    advance()
                }
                if pos >= bytes.count { break }
                pos += 1
                continue
            }
            if c == UInt8(ascii: "{") { depth += 1 }
            if c == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 { pos += 1; return }
            }
            advance()
        }
        throw error("unexpected end of file in a Lua block opened here, expecting its closing \"}\"", line: openedLine, column: column)
    }

    /// nginx turns `\"`, `\'` and `\\` into the character and `\t`, `\r`, `\n` into control
    /// characters; any other backslash stays as written.
    static func unescape(_ s: ArraySlice<UInt8>) -> String {
        guard s.contains(UInt8(ascii: "\\")) else { return String(decoding: s, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            if c == UInt8(ascii: "\\"), i + 1 < s.endIndex {
                switch s[i + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "\\"):
                    out.append(s[i + 1]); i += 2; continue
                case UInt8(ascii: "t"): out.append(0x09); i += 2; continue
                case UInt8(ascii: "r"): out.append(0x0D); i += 2; continue
                case UInt8(ascii: "n"): out.append(0x0A); i += 2; continue
                default: break
                }
            }
            out.append(c)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
