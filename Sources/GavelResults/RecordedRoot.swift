import GavelCore
import GavelJSON

/// A results document's top-level members: objects and scalars parsed when it is opened,
/// arrays read an element at a time when listed, each element's tree dropped once read.
final class RecordedRoot {
    let parts: JSONParts
    let file: String
    private var parsed: [String: JSONDocument] = [:]
    private var listed: Set<String> = []

    /// `bytes` must outlive this object.
    init(_ bytes: UnsafeRawBufferPointer, file: String) throws(Diagnostic) {
        self.file = file
        do throws(JSONDocument.ParseError) {
            parts = try JSONParts(bytes)
            for (key, part) in parts.members where bytes[part.range.lowerBound] != UInt8(ascii: "[") {
                parsed[key] = try parts.parse(part)
            }
        } catch {
            throw RecordedRoot.badJSON(error, file)
        }
    }

    static func badJSON(_ e: JSONDocument.ParseError, _ file: String) -> Diagnostic {
        Diagnostic(.badJson, e.message, at: SourceLocation(file: file, line: e.line, column: e.column))
    }

    /// An object or scalar member (an array is only listed).
    subscript(key: String) -> JSONNode? { parsed[key]?.rootNode }

    func has(_ key: String) -> Bool { parts.part(key) != nil }

    /// Each element of the array member `key`, which must be an object, through `each`.
    func list<T>(_ key: String, _ r: RecordReader, _ each: (JSONNode, String) throws(Diagnostic) -> T) throws(Diagnostic) -> [T] {
        listed.insert(key)
        guard let part = parts.part(key), let elements = try json({ () throws(JSONDocument.ParseError) in try parts.elements(part) }) else {
            throw r.bad("/" + key, "an array")
        }
        var out: [T] = []
        out.reserveCapacity(elements.count)
        for (i, element) in elements.enumerated() {
            let doc = try json { () throws(JSONDocument.ParseError) in try parts.parse(element) }
            let at = "/\(key)/\(i)"
            let value = try withExtendedLifetime(doc) { () throws(Diagnostic) -> T in
                guard doc.rootNode.type == .object else { throw r.bad(at, "an object") }
                return try each(doc.rootNode, at)
            }
            out.append(value)
        }
        return out
    }

    /// A jansson or scan error as the reader reports it.
    private func json<T>(_ body: () throws(JSONDocument.ParseError) -> T) throws(Diagnostic) -> T {
        do throws(JSONDocument.ParseError) { return try body() } catch { throw RecordedRoot.badJSON(error, file) }
    }

    /// Parses the array members no one listed, so that invalid JSON anywhere is reported
    /// as it would be had the document been parsed whole.
    func checkUnread() throws(Diagnostic) {
        do throws(JSONDocument.ParseError) {
            for (key, part) in parts.members where parsed[key] == nil && !listed.contains(key) {
                for element in try parts.elements(part) ?? [] { _ = try parts.parse(element) }
            }
        } catch {
            throw RecordedRoot.badJSON(error, file)
        }
    }
}
