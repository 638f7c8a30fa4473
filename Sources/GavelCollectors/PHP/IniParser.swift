import Foundation
import GavelCore

/// Parses php.ini text the way PHP 8.2's ini scanner and parser do (Zend/zend_ini_scanner.l,
/// zend_ini_parser.y, main/php_ini.c), for the normal scanner mode PHP uses for php.ini:
/// booleans become "1" / "", `${NAME}` reads an earlier directive or the environment,
/// constants are replaced, `| & ^ ~ !` and parentheses are evaluated on integers, adjacent
/// pieces concatenate, and `;` starts a comment. Values are PHP's strings, as `ini_get()`
/// returns them. A syntax error stops the parse with file, line and column (PHP would keep
/// what it read before the error and carry on silently; a collector must not).
public struct IniParser {
    public struct Entry: Sendable {
        public var key: String
        /// For `key[]` / `key[offset]` entries: the offset ("" for `[]`).
        public var offset: String?
        public var value: String
        public var line: Int
        /// The enclosing `[PATH=...]` / `[HOST=...]` section, nil for the main configuration.
        public var section: String?
        /// The last section header of any kind above the entry (`[PHP]`, `[www]`), as written;
        /// FPM pool files name their pools this way.
        public var header: String?
    }

    public struct SyntaxError: Error, Sendable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var column: Int
        public var message: String
        public var description: String { "\(file):\(line):\(column): error[\(DiagnosticID.phpIniSyntax)]: \(message)" }
    }

    /// Looks up `${NAME}` among directives set by earlier files. The parser itself tries this
    /// file's earlier directives first and the environment last, as PHP does.
    public var lookup: (String) -> String?
    /// Constants PHP has registered when it parses php.ini (`E_ALL`, `PHP_OS`, ...).
    public var constants: [String: String]
    /// Constants that were used but are unknown to the parser: PHP would replace them when
    /// defined in the build (PHP_VERSION, PHP_EXTENSION_DIR...), so the value is uncertain.
    public private(set) var unresolvedConstants: [(name: String, line: Int)] = []
    public private(set) var environmentReads: [(name: String, line: Int)] = []

    public init(constants: [String: String] = IniConstants.atStartup, lookup: @escaping (String) -> String?) {
        self.constants = constants
        self.lookup = lookup
    }

    private var b: [UInt8] = []
    private var i = 0
    private var line = 1
    private var lineStart = 0
    private var file = ""
    private var section: String?
    private var header: String?
    private var entries: [Entry] = []
    /// Values set so far in this file (main configuration), for `${NAME}`.
    private var local: [String: String] = [:]

    public mutating func parse(_ text: String, file: String) -> Result<[Entry], SyntaxError> {
        b = Array(text.utf8)
        i = b.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        line = 1; lineStart = 0; self.file = file; section = nil; header = nil; entries = []; local = [:]
        do {
            while i < b.count { try statement() }
            return .success(entries)
        } catch let e as SyntaxError {
            return .failure(e)
        } catch {
            return .failure(SyntaxError(file: file, line: line, column: 1, message: "\(error)"))
        }
    }

    // MARK: Characters

    private var c: UInt8 { i < b.count ? b[i] : 0 }
    private func at(_ k: Int) -> UInt8 { i + k < b.count ? b[i + k] : 0 }
    private var atEOF: Bool { i >= b.count }

    private func error(_ message: String) -> SyntaxError {
        SyntaxError(file: file, line: line, column: i - lineStart + 1, message: message)
    }

    private func describe() -> String {
        if atEOF { return "end of file" }
        if c == 10 || c == 13 { return "end of line" }
        return "'\(String(decoding: [c], as: UTF8.self))'"
    }

    private mutating func newline() {
        if c == 13 && at(1) == 10 { i += 1 }
        i += 1
        line += 1
        lineStart = i
    }

    private mutating func skipBlanks() { while c == 32 || c == 9 { i += 1 } }

    /// `;` comment or end of line (or file) after a statement.
    private mutating func endOfLine() throws {
        skipBlanks()
        if c == 59 { while !atEOF && c != 10 && c != 13 { i += 1 } }
        if atEOF { return }
        guard c == 10 || c == 13 else { throw error("syntax error, unexpected \(describe())") }
        newline()
    }

    private static func isLabelChar(_ x: UInt8) -> Bool {
        // LABEL_CHAR [^=\n\r\t;&|^$~(){}!"[\]\x00]
        switch x {
        case 61, 10, 13, 9, 59, 38, 124, 94, 36, 126, 40, 41, 123, 125, 33, 34, 91, 93, 0: return false
        default: return true
        }
    }

    // MARK: Statements

    private mutating func statement() throws {
        skipBlanks()
        if atEOF { return }
        switch c {
        case 10, 13: newline(); return
        case 59: try endOfLine(); return
        case 91: try sectionHeader(); return
        default: break
        }
        let startLine = line
        guard IniParser.isLabelChar(c) else { throw error("syntax error, unexpected \(describe())") }
        let start = i
        while IniParser.isLabelChar(c) { i += 1 }
        let key = trimmed(start, i)
        if IniParser.boolWord(key.lowercased()) != nil && !key.contains(" ") {
            // PHP scans a leading true/on/yes/false/off/no/none/null as a value, not a name.
            throw SyntaxError(
                file: file, line: line, column: start - lineStart + 1,
                message: "syntax error, unexpected BOOL or NULL '\(key)' where a directive name was expected")
        }
        var offset: String?
        if c == 91 {
            i += 1
            skipBlanks()
            var o = ""
            while !atEOF && c != 93 && c != 10 && c != 13 {
                if c == 34 { o += try quoted() } else { o.append(Character(Unicode.Scalar(c))); i += 1 }
            }
            guard c == 93 else { throw error("syntax error, unexpected \(describe()), expecting ']'") }
            i += 1
            offset = String(o.reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
            skipBlanks()
        }
        skipBlanks()
        guard c == 61 else {
            if offset == nil && (atEOF || c == 10 || c == 13 || c == 59) {
                // A name without '=' is accepted and ignored by PHP.
                try endOfLine()
                return
            }
            throw error("syntax error, unexpected \(describe()), expecting '='")
        }
        i += 1
        skipBlanks()
        let value = try valueOrBool()
        try endOfLine()
        entries.append(Entry(key: key, offset: offset, value: value, line: startLine, section: section, header: header))
        if section == nil && offset == nil { local[key] = value }
    }

    private func trimmed(_ from: Int, _ to: Int) -> String {
        var s = from, e = to
        while s < e, b[s] == 32 || b[s] == 9 { s += 1 }
        while e > s, b[e - 1] == 32 || b[e - 1] == 9 { e -= 1 }
        return String(decoding: b[s..<e], as: UTF8.self)
    }

    private mutating func sectionHeader() throws {
        i += 1
        var name = ""
        while !atEOF && c != 93 && c != 10 && c != 13 {
            if c == 34 {
                name += try quoted()
            } else if c == 36 && at(1) == 123 {
                name += try variable()
            } else {
                name.append(Character(Unicode.Scalar(c))); i += 1
            }
        }
        guard c == 93 else { throw error("syntax error, unexpected \(describe()), expecting ']'") }
        i += 1
        skipBlanks()
        // As main/php_ini.c does: a [PATH=...] or [HOST=...] section starts a per-directory or
        // per-host block; an ordinary section ([PHP], [Session]) does NOT end one, so entries
        // after it still belong to the last special section.
        header = name.trimmingCharacters(in: .whitespaces)
        let upper = name.uppercased()
        if upper.hasPrefix("PATH") || upper.hasPrefix("HOST") { section = name }
        if c == 10 || c == 13 { newline() }
    }

    static func boolWord(_ w: String) -> String? {
        switch w {
        case "true", "on", "yes": return "1"
        case "false", "off", "no", "none", "null": return ""
        default: return nil
        }
    }

    // MARK: Values

    /// string_or_value: a lone boolean/null word, an empty value, or an expression.
    private mutating func valueOrBool() throws -> String {
        if atEOF || c == 10 || c == 13 || c == 59 { return "" }
        var j = i
        while j < b.count, (b[j] >= 65 && b[j] <= 90) || (b[j] >= 97 && b[j] <= 122) { j += 1 }
        if j > i, let v = IniParser.boolWord(String(decoding: b[i..<j], as: UTF8.self).lowercased()) {
            // The word must stand alone (a longer run of value characters is a plain string).
            let next: UInt8 = j < b.count ? b[j] : 0
            if !IniParser.isValueChar(next, j + 1 < b.count ? b[j + 1] : 0) {
                i = j
                skipBlanks()
                if !(atEOF || c == 10 || c == 13 || c == 59) { throw error("syntax error, unexpected \(describe()) after a boolean or null") }
                return v
            }
        }
        return try expression()
    }

    /// VALUE_CHARS: anything but `$= \t\n\r;&|^~()!"'` and NUL; `$` only when not `${`.
    private static func isValueChar(_ x: UInt8, _ next: UInt8) -> Bool {
        switch x {
        case 61, 32, 9, 10, 13, 59, 38, 124, 94, 126, 40, 41, 33, 34, 39, 0: return false
        case 36: return next != 123
        default: return true
        }
    }

    private mutating func expression() throws -> String {
        var left = try unary()
        while true {
            let op = c
            guard op == 124 || op == 38 || op == 94 else { return left }
            i += 1
            skipBlanks()
            let right = try unary()
            let (x, y) = (IniParser.atoi(left), IniParser.atoi(right))
            left = String(op == 124 ? x | y : op == 38 ? x & y : x ^ y)
        }
    }

    private mutating func unary() throws -> String {
        switch c {
        case 126: i += 1; skipBlanks(); return String(~IniParser.atoi(try unary()))
        case 33: i += 1; skipBlanks(); return IniParser.atoi(try unary()) == 0 ? "1" : "0"
        case 40:
            i += 1
            skipBlanks()
            let v = try expression()
            guard c == 41 else { throw error("syntax error, unexpected \(describe()), expecting ')'") }
            i += 1
            skipBlanks()
            return v
        default: return try pieces()
        }
    }

    /// C's atoi on a 32-bit int, as `zend_ini_do_op` converts operands.
    static func atoi(_ s: String) -> Int32 {
        var u = s.utf8[...]
        while let f = u.first, f == 32 || f == 9 || f == 10 || f == 13 || f == 11 || f == 12 { u = u.dropFirst() }
        var negative = false
        if let f = u.first, f == 45 || f == 43 { negative = f == 45; u = u.dropFirst() }
        var n: Int64 = 0
        for d in u { guard d >= 48 && d <= 57 else { break }; n = n * 10 + Int64(d - 48); if n > Int64(UInt32.max) { break } }
        return Int32(truncatingIfNeeded: negative ? -n : n)
    }

    /// var_string_list: adjacent strings, constants, numbers, quoted strings, `${...}` and
    /// the whitespace between them, concatenated. Whitespace before the end of the value, a
    /// comment or an operator is not part of it.
    private mutating func pieces() throws -> String {
        var out = ""
        var any = false
        while true {
            switch c {
            case 32, 9:
                var j = i
                while j < b.count, b[j] == 32 || b[j] == 9 { j += 1 }
                let next: UInt8 = j < b.count ? b[j] : 0
                if next == 34 { i = j; continue }  // spaces before a quote are eaten with it
                if next == 10 || next == 13 || next == 59 { i = j; return out }
                if j >= b.count { out += String(decoding: b[i..<j], as: UTF8.self); i = j; return out }  // PHP keeps blanks at EOF
                if next == 124 || next == 38 || next == 94 || next == 41 || next == 61 { out += String(decoding: b[i..<j], as: UTF8.self); i = j; return out }
                out += String(decoding: b[i..<j], as: UTF8.self)
                i = j
            case 34:
                out += try quoted()
                skipBlanks()
                any = true
            case 39:
                i += 1
                let start = i
                while !atEOF && c != 39 { if c == 10 || c == 13 { newline() } else { i += 1 } }
                guard c == 39 else { throw error("syntax error, unterminated single-quoted string") }
                out += String(decoding: b[start..<i], as: UTF8.self)
                i += 1
                any = true
            case 36 where at(1) == 123:
                out += try variable()
                any = true
            case 61:
                throw error("syntax error, unexpected '='")
            default:
                guard IniParser.isValueChar(c, at(1)) else {
                    if !any { throw error("syntax error, unexpected \(describe())") }
                    return out
                }
                let start = i
                while IniParser.isValueChar(c, at(1)) { i += 1 }
                let word = String(decoding: b[start..<i], as: UTF8.self)
                out += constant(word, line: line)
                any = true
            }
        }
    }

    /// A run that is exactly a CONSTANT token is replaced when PHP knows the constant.
    private mutating func constant(_ word: String, line: Int) -> String {
        guard let f = word.utf8.first, (f >= 65 && f <= 90) || (f >= 97 && f <= 122) || f == 95,
            word.utf8.allSatisfy({ ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 })
        else { return word }
        if let v = constants[word] { return v }
        if IniConstants.buildDependent.contains(word) { unresolvedConstants.append((word, line)) }
        return word
    }

    /// `"..."`: `\"`, `\\` and `\$` are escapes, other backslashes stay; `${NAME}` expands.
    private mutating func quoted() throws -> String {
        let startLine = line, startColumn = i - lineStart + 1
        i += 1
        var out: [UInt8] = []
        while true {
            if atEOF { throw SyntaxError(file: file, line: startLine, column: startColumn, message: "syntax error, unterminated double-quoted string") }
            let x = c
            if x == 34 { i += 1; break }
            if x == 36 && at(1) == 123 { out += Array(try variable().utf8); continue }
            if x == 92 {
                let n = at(1)
                if n == 34 && (i + 2 >= b.count || at(2) == 10 || at(2) == 13) {
                    // PHP's special case for Windows paths: "C:\dir\" ends at the quote.
                    out.append(92); i += 2; break
                }
                if n == 34 || n == 92 || n == 36 { out.append(n); i += 2; continue }
                out.append(92); i += 1; continue
            }
            if x == 10 || x == 13 { out.append(x); if x == 13 && at(1) == 10 { out.append(10); i += 1 }; i += 1; line += 1; lineStart = i; continue }
            out.append(x)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `${NAME}`: an earlier directive of the main configuration, else the environment, else "".
    private mutating func variable() throws -> String {
        let startLine = line
        i += 2
        let start = i
        while !atEOF && c != 125 && c != 10 && c != 13 { i += 1 }
        guard c == 125 else { throw error("syntax error, unexpected \(describe()), expecting '}'") }
        let name = trimmed(start, i)
        i += 1
        if let v = local[name] { return v }
        if let v = lookup(name) { return v }
        environmentReads.append((name, startLine))
        return ProcessEnvironment.value(name) ?? ""
    }
}
