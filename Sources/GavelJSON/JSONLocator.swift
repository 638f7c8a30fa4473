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
        let wanted = key.map { Array($0.utf8) }
        var found: Int?
        let brace = JSONScanner.forEachTopLevelMember(bytes) { name, value in
            if let wanted, bytes[name].elementsEqual(wanted) { found = value.lowerBound }
            return true
        }
        guard let at = found ?? brace else { return nil }
        return JSONScanner.position(of: at, in: bytes)
    }

    /// The value of a top-level member that is a plain string (no escapes), read by scanning
    /// up to it without parsing the document: nil when absent, not a string, or escaped. For
    /// grouping JSON Lines by asset before they are parsed.
    public static func plainString(member key: String, in bytes: UnsafeRawBufferPointer) -> String? {
        let wanted = Array(key.utf8)
        var out: String?
        _ = JSONScanner.forEachTopLevelMember(bytes) { name, value in
            guard bytes[name].elementsEqual(wanted) else { return true }
            out = nil
            if value.count >= 2, bytes[value.lowerBound] == UInt8(ascii: "\""), bytes[value.upperBound - 1] == UInt8(ascii: "\"") {
                let inner = bytes[(value.lowerBound + 1)..<(value.upperBound - 1)]
                if !inner.contains(UInt8(ascii: "\\")) { out = String(decoding: inner, as: UTF8.self) }
            }
            return false
        }
        return out
    }

    /// The position of the first character that is not white space (where the top-level
    /// value starts); nil for text that is all white space.
    public static func start(of bytes: UnsafeRawBufferPointer) -> Position? {
        var s = JSONScanner(bytes)
        s.skipSpace()
        return s.peek == nil ? nil : s.position
    }
}

extension JSONLocator {
    /// The line each value of a JSON text starts on, by JSON Pointer (`""` for the root):
    /// for the provenance of a file read with `collect file --format json`. The text must be
    /// valid JSON (parse it with jansson first); nil when it is not. jansson keeps no
    /// positions, and `JSONScanner` only skips strings, so this walk decodes keys itself.
    public static func valueLines(in bytes: UnsafeRawBufferPointer) -> [String: Int]? {
        var walker = LineWalker(bytes: bytes)
        walker.skipSpace()
        guard walker.value(pointer: "") else { return nil }
        return walker.lines
    }

    private struct LineWalker {
        let bytes: UnsafeRawBufferPointer
        var i = 0
        var line = 1
        var lines: [String: Int] = [:]

        init(bytes: UnsafeRawBufferPointer) {
            self.bytes = bytes
            i = JSONScanner.textStart(bytes)
        }

        mutating func skipSpace() {
            while i < bytes.count {
                let b = bytes[i]
                if b == 0x0A { line += 1 } else if b != 0x20 && b != 0x09 && b != 0x0D { return }
                i += 1
            }
        }

        static func token(_ key: String) -> String {
            key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
        }

        mutating func value(pointer: String) -> Bool {
            guard i < bytes.count else { return false }
            lines[pointer] = line
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return true }
                while true {
                    skipSpace()
                    guard let key = string() else { return false }
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return false }
                    i += 1
                    skipSpace()
                    guard value(pointer: pointer + "/" + Self.token(key)) else { return false }
                    skipSpace()
                    guard i < bytes.count else { return false }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "}") { i += 1; return true }
                    return false
                }
            case UInt8(ascii: "["):
                i += 1
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return true }
                var n = 0
                while true {
                    skipSpace()
                    guard value(pointer: pointer + "/" + String(n)) else { return false }
                    n += 1
                    skipSpace()
                    guard i < bytes.count else { return false }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "]") { i += 1; return true }
                    return false
                }
            case UInt8(ascii: "\""):
                return string() != nil
            default:
                // A number, true, false or null: up to the next delimiter.
                while i < bytes.count, !",]} \t\r\n".utf8.contains(bytes[i]) { i += 1 }
                return true
            }
        }

        /// A string's decoded text, from its opening quote.
        mutating func string() -> String? {
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
            i += 1
            var out: [UInt8] = []
            while i < bytes.count {
                let b = bytes[i]
                i += 1
                if b == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
                guard b == UInt8(ascii: "\\") else { out.append(b); continue }
                guard i < bytes.count else { return nil }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    guard i + 4 <= bytes.count, var code = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16) else { return nil }
                    i += 4
                    if code >= 0xD800, code < 0xDC00, i + 6 <= bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u"),
                        let low = UInt32(String(decoding: bytes[i + 2..<i + 6], as: UTF8.self), radix: 16), low >= 0xDC00, low < 0xE000
                    {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                    out.append(contentsOf: Array(String(Character(Unicode.Scalar(code) ?? "\u{FFFD}")).utf8))
                default: out.append(e)
                }
            }
            return nil
        }
    }
}
