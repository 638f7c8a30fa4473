/// Where the parts of the array a PHP file returns (`return [ ... ];`, env.php's form) are,
/// as byte offsets into the file: each element's key and value, nested arrays, and each
/// array's closing bracket. For `gavel fix`, which edits such a file in place; values are
/// not interpreted (PHPSourceReader reads them).
package struct PHPArrayLayout: Sendable {
    package struct Element: Sendable {
        /// The key when it is a literal string or integer; nil for a list element.
        package var key: String?
        /// The first byte of the element (its key, or its value in a list).
        package var start: Int
        package var valueStart: Int
        /// One past the value's last byte.
        package var valueEnd: Int
        /// The value when it is an array literal.
        package var array: PHPArrayLayout?
    }

    /// The byte of the opening `[` (or the `a` of `array(`).
    package var open: Int
    /// The byte of the closing `]` or `)`.
    package var close: Int
    package var elements: [Element]
    /// The offset of the `,` after the last element, when there is one.
    package var trailingComma: Int?

    package struct Unreadable: Error { package var message: String }

    /// The layout of the array the file returns, or nil when it returns something else.
    package static func returned(in bytes: [UInt8]) throws -> PHPArrayLayout? {
        var lexer = PHPLexer(bytes)
        let toks: [PHPLexer.Token]
        do { toks = try lexer.tokens() } catch { throw Unreadable(message: "\(error.message) at \(error.line):\(error.column)") }
        guard
            let r = toks.firstIndex(where: {
                if case .name(let n) = $0.kind { return n.lowercased() == "return" }; return false
            })
        else { return nil }
        var i = r + 1
        var parser = Parser(toks: toks)
        guard let layout = try parser.array(at: &i) else { return nil }
        return layout
    }

    struct Parser {
        var toks: [PHPLexer.Token]
        var depth = 0

        func punct(_ i: Int, _ p: String) -> Bool { i < toks.count && toks[i].kind == .punct(p) }

        /// An array literal starting at `i` (`[` or `array(`), with `i` left after it; nil when
        /// there is none.
        mutating func array(at i: inout Int) throws -> PHPArrayLayout? {
            let close: String
            let open = i
            if punct(i, "[") {
                close = "]"
                i += 1
            } else if i + 1 < toks.count, case .name(let n) = toks[i].kind, n.lowercased() == "array", punct(i + 1, "(") {
                close = ")"
                i += 2
            } else {
                return nil
            }
            depth += 1
            defer { depth -= 1 }
            guard depth <= 256 else { throw Unreadable(message: "arrays nested deeper than 256 levels") }
            var elements: [Element] = []
            var trailing: Int? = nil
            while !punct(i, close) {
                guard i < toks.count, toks[i].kind != .end else { throw Unreadable(message: "an array that does not end") }
                let start = i
                var (valueStart, valueEnd, nested) = try value(at: &i)
                var key: String? = nil
                if punct(i, "=>") {
                    if i - start == 1 {
                        switch toks[start].kind {
                        case .string(let s, false): key = s
                        case .int(let n): key = String(n)
                        default: break
                        }
                    }
                    i += 1
                    (valueStart, valueEnd, nested) = try value(at: &i)
                }
                elements.append(Element(key: key, start: toks[start].offset, valueStart: valueStart, valueEnd: valueEnd, array: nested))
                if punct(i, ",") {
                    trailing = toks[i].offset
                    i += 1
                } else {
                    trailing = nil
                    guard punct(i, close) else {
                        throw Unreadable(message: "expected ',' or '\(close)' in an array at line \(toks[min(i, toks.count - 1)].line)")
                    }
                }
            }
            let layout = PHPArrayLayout(open: toks[open].offset, close: toks[i].offset, elements: elements, trailingComma: trailing)
            i += 1
            return layout
        }

        /// One expression up to `,`, `=>` or a closing bracket at its own level: its byte
        /// range, and its layout when it is exactly an array literal.
        mutating func value(at i: inout Int) throws -> (Int, Int, PHPArrayLayout?) {
            let first = i
            var at = i
            if let nested = try array(at: &at), punct(at, ",") || punct(at, "]") || punct(at, ")") || punct(at, "=>") {
                i = at
                return (toks[first].offset, toks[at - 1].end, nested)
            }
            var level = 0
            while i < toks.count, toks[i].kind != .end {
                if level == 0, punct(i, ",") || punct(i, "=>") || punct(i, "]") || punct(i, ")") || punct(i, ";") { break }
                if punct(i, "(") || punct(i, "[") || punct(i, "{") { level += 1 }
                if punct(i, ")") || punct(i, "]") || punct(i, "}") { level -= 1 }
                i += 1
            }
            guard i > first else { throw Unreadable(message: "an empty array element at line \(toks[min(i, toks.count - 1)].line)") }
            return (toks[first].offset, toks[i - 1].end, nil)
        }
    }
}
