/// Reads JSON text byte by byte to find where values begin and end, for error positions
/// (`JSONLocator`) and for cutting a large document into parts that are parsed one at a time
/// (`JSONParts`). It tracks only a byte index; a line and column (1-based, counting
/// characters as jansson does) are worked out from the start of the text when asked for,
/// which is on error paths only.
struct JSONScanner {
    let bytes: UnsafeRawBufferPointer
    var i = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        i = JSONScanner.textStart(bytes)
    }

    /// Starts at byte `index`.
    init(_ bytes: UnsafeRawBufferPointer, at index: Int) {
        self.bytes = bytes
        i = index
    }

    /// A UTF-8 byte order mark is skipped before parsing, so it is not counted.
    static func textStart(_ bytes: UnsafeRawBufferPointer) -> Int {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
    }

    var peek: UInt8? { i < bytes.count ? bytes[i] : nil }
    var position: JSONLocator.Position { JSONScanner.position(of: i, in: bytes) }

    mutating func advance() { i += 1 }

    mutating func skipSpace() {
        while i < bytes.count {
            let b = bytes[i]
            guard b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D else { return }
            i += 1
        }
    }

    /// From an opening quote to just after the closing one; false when the text ends first.
    @discardableResult
    mutating func skipString() -> Bool {
        i += 1
        while i < bytes.count {
            let b = bytes[i]
            i += 1
            if b == UInt8(ascii: "\"") { return true }
            if b == UInt8(ascii: "\\") { i += 1 }
        }
        i = bytes.count
        return false
    }

    /// Skips one value of any kind; false when the text ends inside it. Brackets are only
    /// balanced, not matched, and a scalar runs to the next white space or punctuation: what
    /// lies inside is for the parser to judge.
    mutating func skipValue() -> Bool {
        guard i < bytes.count else { return false }
        switch bytes[i] {
        case UInt8(ascii: "\""):
            return skipString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "\""):
                    skipString()
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { i += 1; return true }
                default: break
                }
                i += 1
            }
            return false
        default:
            while i < bytes.count {
                switch bytes[i] {
                case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: ":"),
                    UInt8(ascii: "\""), UInt8(ascii: "{"), UInt8(ascii: "["):
                    return true
                default: i += 1
                }
            }
            return true
        }
    }

    /// Visits the members of the top-level object in the order written: where each one's
    /// name lies between its quotes (as written, escapes and all) and where its value lies.
    /// Stops at anything that is not a member, or when `visit` returns false; a value that
    /// runs to the end of the text is visited, and the scan stops after it. Returns where the
    /// object's opening brace is, nil when the text does not start with one.
    @discardableResult
    static func forEachTopLevelMember(_ bytes: UnsafeRawBufferPointer, _ visit: (_ name: Range<Int>, _ value: Range<Int>) -> Bool) -> Int? {
        var s = JSONScanner(bytes)
        s.skipSpace()
        guard s.peek == UInt8(ascii: "{") else { return nil }
        let brace = s.i
        s.advance()
        while true {
            s.skipSpace()
            guard s.peek == UInt8(ascii: "\"") else { break }
            let nameStart = s.i + 1
            guard s.skipString() else { break }
            let name = nameStart..<(s.i - 1)
            s.skipSpace()
            guard s.peek == UInt8(ascii: ":") else { break }
            s.advance()
            s.skipSpace()
            let valueStart = s.i
            let complete = s.skipValue()
            guard visit(name, valueStart..<s.i), complete else { break }
            s.skipSpace()
            guard s.peek == UInt8(ascii: ",") else { break }
            s.advance()
        }
        return brace
    }

    /// The line and column of byte `index`.
    static func position(of index: Int, in bytes: UnsafeRawBufferPointer) -> JSONLocator.Position {
        var line = 1, column = 0
        var k = textStart(bytes)
        while k < min(index, bytes.count) {
            let b = bytes[k]
            if b == UInt8(ascii: "\n") {
                line += 1
                column = 0
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
            k += 1
        }
        return JSONLocator.Position(line: line, column: column + 1)
    }
}
