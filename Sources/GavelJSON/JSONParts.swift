/// A large JSON object read a part at a time: its top-level members, and the elements of a
/// member that is an array, are found by scanning the text (strictly: what lies between the
/// parts must be JSON's own punctuation), and each part is parsed by jansson on its own when
/// it is wanted. A 300 MB results document read whole is a jansson tree of about 3 GB; read
/// this way, only one part's tree is alive at a time.
///
/// The bytes are borrowed: they must outlive this value and every document parsed from it.
/// Positions in errors, from the scan or from jansson parsing a part, are in the whole text.
public struct JSONParts {
    public typealias ParseError = JSONDocument.ParseError

    /// A value's bytes in the text.
    public struct Part: Sendable {
        public var range: Range<Int>
    }

    let bytes: UnsafeRawBufferPointer
    /// The top-level members in the order written.
    public let members: [(key: String, part: Part)]

    /// Cuts the top-level object into its members. Throws for text that is not an object,
    /// anything but `,`/`:` and white space between members, a duplicate key, or text
    /// after the object.
    public init(_ bytes: UnsafeRawBufferPointer) throws(ParseError) {
        self.bytes = bytes
        var members: [(key: String, part: Part)] = []
        do {
            try JSONParts.scan(bytes, into: &members)
        } catch {
            // Parsing the whole text would have stopped at the first invalid value. The scan
            // goes left to right, so every member it found comes before what it stopped at
            // (error path only: each of them is parsed).
            for m in members {
                do { _ = try JSONParts.parse(bytes, m.part) } catch { throw error }
            }
            throw error
        }
        self.members = members
    }

    private static func scan(_ bytes: UnsafeRawBufferPointer, into members: inout [(key: String, part: Part)]) throws(ParseError) {
        var s = JSONScanner(bytes)
        s.skipSpace()
        guard s.peek == UInt8(ascii: "{") else { throw JSONParts.error(s, s.peek == nil ? "unexpected end of input" : "'{' expected: not a JSON object") }
        s.advance()
        var seen = Set<String>()
        s.skipSpace()
        if s.peek == UInt8(ascii: "}") {
            s.advance()
        } else {
            while true {
                guard s.peek == UInt8(ascii: "\"") else { throw JSONParts.error(s, "string or '}' expected") }
                let keyStart = s.i
                s.skipString()
                let key = try JSONParts.parse(bytes, Part(range: keyStart..<s.i)).withRoot { $0.string ?? "" }
                guard seen.insert(key).inserted else {
                    let at = JSONScanner.position(of: keyStart, in: bytes)
                    throw ParseError(message: "duplicate object key", line: at.line, column: at.column)
                }
                s.skipSpace()
                guard s.peek == UInt8(ascii: ":") else { throw JSONParts.error(s, "':' expected") }
                s.advance()
                s.skipSpace()
                let part = try JSONParts.value(&s)
                members.append((key, part))
                s.skipSpace()
                if s.peek == UInt8(ascii: ",") {
                    s.advance()
                    s.skipSpace()
                    continue
                }
                guard s.peek == UInt8(ascii: "}") else { throw JSONParts.error(s, "',' or '}' expected", after: part) }
                s.advance()
                break
            }
        }
        s.skipSpace()
        guard s.peek == nil else { throw JSONParts.error(s, "end of input expected") }
    }

    /// Where the value of the top-level member `name` lies (the first member of that name,
    /// written without escapes), by a light scan that checks nothing else: nil when it finds
    /// no such member. What lies there is for the caller to check.
    public static func topLevelMember(_ name: String, in bytes: UnsafeRawBufferPointer) -> Range<Int>? {
        let wanted = Array(name.utf8)
        var found: Range<Int>?
        JSONScanner.forEachTopLevelMember(bytes) { key, value in
            if bytes[key].elementsEqual(wanted) { found = value }
            return found == nil
        }
        return found
    }

    public func part(_ key: String) -> Part? { members.first { $0.key == key }?.part }

    /// Parses one part with jansson.
    public func parse(_ part: Part) throws(ParseError) -> JSONDocument { try JSONParts.parse(bytes, part) }

    /// The elements of a part that is an array; nil when it is another kind of value.
    public func elements(_ part: Part) throws(ParseError) -> [Part]? {
        var s = JSONScanner(bytes, at: part.range.lowerBound)
        guard s.peek == UInt8(ascii: "[") else { return nil }
        s.advance()
        s.skipSpace()
        var out: [Part] = []
        if s.peek == UInt8(ascii: "]") { return out }
        while true {
            let element = try JSONParts.value(&s)
            out.append(element)
            s.skipSpace()
            if s.peek == UInt8(ascii: ",") {
                s.advance()
                s.skipSpace()
                continue
            }
            guard s.peek == UInt8(ascii: "]") else { throw JSONParts.error(s, "',' or ']' expected", after: element) }
            return out
        }
    }

    /// The extent of the value at the scanner (checked by jansson when the part is parsed).
    private static func value(_ s: inout JSONScanner) throws(ParseError) -> Part {
        let start = s.i
        guard s.peek != nil else { throw error(s, "unexpected end of input") }
        guard s.skipValue() else { throw error(s, "unexpected end of input", after: Part(range: start..<s.bytes.count)) }
        guard s.i > start else { throw error(s, "a value expected") }
        return Part(range: start..<s.i)
    }

    private static func parse(_ bytes: UnsafeRawBufferPointer, _ part: Part) throws(ParseError) -> JSONDocument {
        do {
            return try JSONDocument.parseValue(UnsafeRawBufferPointer(rebasing: bytes[part.range]))
        } catch {
            // jansson counts from the part; the first line of the part starts at its column.
            let start = JSONScanner.position(of: part.range.lowerBound, in: bytes)
            throw ParseError(
                message: error.message, line: start.line + error.line - 1,
                column: error.line == 1 ? start.column + error.column - 1 : error.column)
        }
    }

    /// An error found between parts. When the value just scanned is itself invalid (a
    /// bracket missing inside it shifts where it seems to end), jansson's error inside it is
    /// the one reported, as parsing the whole text would have. At the end of the text the
    /// position is its last character, as jansson gives it.
    private static func error(_ s: JSONScanner, _ message: String, after part: Part? = nil) -> ParseError {
        if let part {
            do { _ = try parse(s.bytes, part) } catch { return error }
        }
        let at = JSONScanner.position(of: s.i < s.bytes.count ? s.i : max(0, s.bytes.count - 1), in: s.bytes)
        return ParseError(message: message, line: at.line, column: at.column)
    }
}
