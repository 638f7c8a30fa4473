/// Where a member of a top-level JSON object is written, for error messages: jansson keeps
/// no positions once a document is parsed, so a document that parsed but says something
/// wrong (a snapshot's unknown `kind`) is scanned again, on that error path only.
///
/// Lines and columns are 1-based and count characters, as jansson's own parse errors do.
public enum JSONLocator {
    public struct Position: Equatable, Sendable {
        public var line: Int
        public var column: Int
        public init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }
    }

    /// The position of the value of `key` in the top-level object (the last one, as jansson
    /// keeps the last of duplicate keys), else of the object's opening brace. nil when the
    /// text does not start with an object. A key written with escapes is not recognised (the
    /// brace is given instead).
    public static func member(_ key: String?, in bytes: UnsafeRawBufferPointer) -> Position? {
        var s = Scanner(bytes)
        s.skipSpace()
        guard s.peek == UInt8(ascii: "{") else { return nil }
        let brace = s.position
        s.advance()
        let wanted = key.map { Array($0.utf8) }
        var found: Position?
        while true {
            s.skipSpace()
            guard s.peek == UInt8(ascii: "\"") else { break }
            let name = s.string()
            s.skipSpace()
            guard s.peek == UInt8(ascii: ":") else { break }
            s.advance()
            s.skipSpace()
            if let wanted, name.elementsEqual(wanted) { found = s.position }
            guard s.skipValue() else { break }
            s.skipSpace()
            guard s.peek == UInt8(ascii: ",") else { break }
            s.advance()
        }
        return found ?? brace
    }

    /// The position of the first character that is not white space (where the top-level
    /// value starts); nil for text that is all white space.
    public static func start(of bytes: UnsafeRawBufferPointer) -> Position? {
        var s = Scanner(bytes)
        s.skipSpace()
        return s.peek == nil ? nil : s.position
    }

    private struct Scanner {
        let bytes: UnsafeRawBufferPointer
        var i = 0
        var line = 1
        /// Characters read on the current line.
        var column = 0

        init(_ bytes: UnsafeRawBufferPointer) {
            self.bytes = bytes
            // A UTF-8 byte order mark is skipped before parsing, so it is not counted.
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        }

        var peek: UInt8? { i < bytes.count ? bytes[i] : nil }
        var position: Position { Position(line: line, column: column + 1) }

        mutating func advance() {
            let b = bytes[i]
            i += 1
            if b == UInt8(ascii: "\n") {
                line += 1
                column = 0
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
        }

        mutating func skipSpace() {
            while let b = peek, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { advance() }
        }

        /// A string's raw bytes between its quotes; the scanner ends after the closing quote.
        mutating func string() -> ArraySlice<UInt8> {
            advance()
            let start = i
            while let b = peek, b != UInt8(ascii: "\"") {
                advance()
                if b == UInt8(ascii: "\\"), peek != nil { advance() }
            }
            let raw = Array(bytes[start..<i])[...]
            if peek != nil { advance() }
            return raw
        }

        /// Skips one value of any kind; false at the end of the text.
        mutating func skipValue() -> Bool {
            var depth = 0
            while let b = peek {
                switch b {
                case UInt8(ascii: "\""):
                    _ = string()
                    if depth == 0 { return true }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if depth == 0 { return true }
                    depth -= 1
                    if depth == 0 { advance(); return true }
                case UInt8(ascii: ","):
                    if depth == 0 { return true }
                default: break
                }
                advance()
            }
            return false
        }
    }
}
