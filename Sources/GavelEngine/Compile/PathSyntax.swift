/// The path grammar of the language (docs/LANGUAGE.md#paths), parsed once at compile time.
///
///     path     := ('$.' | '.')? segment ('.' segment)*  |  '.'
///     segment  := (IDENT | '"' chars '"') ('[' (DIGITS | '*') ']')*
///     IDENT    := [A-Za-z_][A-Za-z0-9_-]*
///
/// A relative path may also start with a suffix: `.[0]`, `.[*]`.
struct PathSyntax {
    enum Anchor { case absolute, root, relative }
    enum Suffix: Equatable { case index(Int), wildcard }
    struct Segment { var name: String?; var suffixes: [Suffix]; var offset: Int }

    var anchor: Anchor
    var segments: [Segment]

    struct Failure: Error { var message: String; var offset: Int }

    var hasWildcard: Bool { segments.contains { $0.suffixes.contains(.wildcard) } }

    static func parse(_ text: String) throws(Failure) -> PathSyntax {
        let s = Array(text.utf8)
        var i = 0
        var anchor = Anchor.absolute
        if s.starts(with: Array("$.".utf8)) { anchor = .root; i = 2 } else if s.first == UInt8(ascii: ".") { anchor = .relative; i = 1 }
        if s.isEmpty { throw Failure(message: "empty path", offset: 0) }
        if anchor == .relative && i == s.count { return PathSyntax(anchor: .relative, segments: []) }
        var segments: [Segment] = []
        func isIdentStart(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 }
        func isIdent(_ c: UInt8) -> Bool { isIdentStart(c) || (c >= 48 && c <= 57) || c == 45 }
        while true {
            let start = i
            var name: String?
            if i < s.count, s[i] == UInt8(ascii: "\"") {
                i += 1
                var bytes: [UInt8] = []
                while i < s.count, s[i] != UInt8(ascii: "\"") {
                    if s[i] == UInt8(ascii: "\\"), i + 1 < s.count { i += 1 }
                    bytes.append(s[i])
                    i += 1
                }
                guard i < s.count else { throw Failure(message: "unterminated quoted key", offset: start) }
                i += 1
                name = String(decoding: bytes, as: UTF8.self)
            } else if i < s.count, isIdentStart(s[i]) {
                let b = i
                while i < s.count, isIdent(s[i]) { i += 1 }
                name = String(decoding: s[b..<i], as: UTF8.self)
            } else if !(anchor == .relative && segments.isEmpty && i < s.count && s[i] == UInt8(ascii: "[")) {
                let what = i < s.count ? "'\(Character(Unicode.Scalar(s[i])))'" : "end of path"
                throw Failure(message: "expected a key name (letters, digits, _ or -, or a \"quoted key\") but found \(what)", offset: i)
            }
            var suffixes: [Suffix] = []
            while i < s.count, s[i] == UInt8(ascii: "[") {
                let b = i
                i += 1
                if i < s.count, s[i] == UInt8(ascii: "*") {
                    i += 1
                    suffixes.append(.wildcard)
                } else {
                    var n = 0
                    var digits = 0
                    while i < s.count, s[i] >= 48, s[i] <= 57 { n = min(n * 10 + Int(s[i] - 48), 1 << 40); i += 1; digits += 1 }
                    guard digits > 0 else { throw Failure(message: "expected an index [N] or [*]", offset: b) }
                    suffixes.append(.index(n))
                }
                guard i < s.count, s[i] == UInt8(ascii: "]") else { throw Failure(message: "expected ']'", offset: i) }
                i += 1
            }
            segments.append(Segment(name: name, suffixes: suffixes, offset: start))
            if i == s.count { break }
            guard s[i] == UInt8(ascii: ".") else {
                throw Failure(
                    message:
                        "unexpected '\(Character(Unicode.Scalar(s[i])))' in path; keys with dots or spaces must be quoted: php.ini.\"session.cookie_secure\"",
                    offset: i)
            }
            i += 1
        }
        return PathSyntax(anchor: anchor, segments: segments)
    }
}
