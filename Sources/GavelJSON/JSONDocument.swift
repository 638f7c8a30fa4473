import CJansson
import GavelCore

/// A parsed JSON document owned by jansson. Nodes borrowed from it stay valid while
/// the document is alive; evaluation reads them in place instead of copying the tree.
public final class JSONDocument: @unchecked Sendable {
    let root: UnsafeMutablePointer<json_t>
    /// Bytes of input parsed, for throughput figures.
    public let byteCount: Int
    /// The memory of a parsed document (dropped whole); nil for a tree built with `from`.
    let arena: JSONArena?

    init(root: UnsafeMutablePointer<json_t>, byteCount: Int, arena: JSONArena? = nil) {
        self.root = root
        self.byteCount = byteCount
        self.arena = arena
    }

    deinit {
        // A parsed tree lives in its arena, which goes with this object; jansson must not free it.
        if arena == nil { json_decref(root) }
    }

    /// The root node. It borrows from this document: keep the document alive while using it
    /// (hold it in a variable you use afterwards, or use `withRoot` / `toValue`).
    public var rootNode: JSONNode { JSONNode(OpaquePointer(root)) }

    /// Calls `body` with the root while guaranteeing the document outlives the call.
    public func withRoot<R>(_ body: (JSONNode) throws -> R) rethrows -> R {
        try withExtendedLifetime(self) { try body(rootNode) }
    }

    /// Copies the whole document into a Swift value.
    public func toValue() -> Value { withRoot { $0.toValue() } }

    /// A JSON parse error with position (1-based line and column, as jansson reports them).
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var line: Int
        public var column: Int
        public var description: String { "\(line):\(column): \(message)" }
    }

    /// Parses a complete JSON text. Duplicate object keys are rejected.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(ParseError) -> JSONDocument {
        try load(bytes, flags: JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL)
    }

    /// Parses a JSON text that may be any value, a string or a number as well as an object
    /// or array (a part of a larger document: `JSONParts`).
    public static func parseValue(_ bytes: UnsafeRawBufferPointer) throws(ParseError) -> JSONDocument {
        try load(bytes, flags: JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL | JSON_DECODE_ANY)
    }

    private static func load(_ bytes: UnsafeRawBufferPointer, flags: Int32) throws(ParseError) -> JSONDocument {
        var err = json_error_t()
        let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self)
        let arena = JSONArena()
        let parsed = arena.with { json_loadb(base, bytes.count, Int(flags), &err) }
        guard let root = parsed else {
            let text = withUnsafeBytes(of: &err.text) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            throw ParseError(message: text, line: max(1, Int(err.line)), column: max(1, Int(err.column)))
        }
        return JSONDocument(root: root, byteCount: bytes.count, arena: arena)
    }

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> JSONDocument {
        let result: Result<JSONDocument, ParseError> = bytes.withUnsafeBytes { raw in
            do throws(ParseError) { return .success(try parse(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    public static func parse(_ text: String) throws(ParseError) -> JSONDocument {
        try parse(Array(text.utf8))
    }

    /// Builds a jansson tree from a Swift value (test assets written in YAML, for example).
    public static func from(_ value: Value) -> JSONDocument {
        _ = JSONKeyHash.seed  // installs the allocator and sets the hash seed
        return JSONDocument(root: build(value), byteCount: 0)
    }

    private static func build(_ v: Value) -> UnsafeMutablePointer<json_t> {
        switch v {
        case .null: return json_null()
        case .bool(let b): return b ? json_true() : json_false()
        case .int(let i): return json_integer(json_int_t(i))
        case .double(let d): return json_real(d) ?? json_null()
        case .string(let s):
            return s.withCString { p in json_stringn_nocheck(p, s.utf8.count) } ?? json_null()
        case .array(let items):
            let a = json_array()!
            for item in items { json_array_append_new(a, build(item)) }
            return a
        case .object(let members):
            let o = json_object()!
            for m in members { json_object_set_new_nocheck(o, m.key, build(m.value)) }
            return o
        }
    }
}
