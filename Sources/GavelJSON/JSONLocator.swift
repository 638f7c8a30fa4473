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

    /// The position of the first character that is not white space (where the top-level
    /// value starts); nil for text that is all white space.
    public static func start(of bytes: UnsafeRawBufferPointer) -> Position? {
        var s = JSONScanner(bytes)
        s.skipSpace()
        return s.peek == nil ? nil : s.position
    }
}
