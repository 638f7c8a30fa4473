import CJansson
import GavelCore

/// The JSON types, as the policy language's `type` operator names them (plus int/real detail).
public enum JSONType: Sendable {
    case object, array, string, integer, real, bool, null
}

/// An object key prepared once (at compile time) for fast lookups.
public struct JSONKey: Sendable, Hashable {
    public let text: String
    let bytes: [CChar]
    /// jansson's hash of the key in this process (`JSONKeyHash`), worked out once here.
    public let hash: UInt32
    public init(_ text: String) {
        self.text = text
        self.bytes = text.utf8.map { CChar(bitPattern: $0) }
        self.hash = JSONKeyHash.hash(text)
    }
}

/// A borrowed view of a node inside a `JSONDocument`. It must not outlive its document.
public struct JSONNode: @unchecked Sendable {
    let ptr: OpaquePointer
    init(_ ptr: OpaquePointer) { self.ptr = ptr }

    private var raw: UnsafeMutablePointer<json_t> { UnsafeMutablePointer(ptr) }

    /// The node's identity inside its document (two views of one node compare equal).
    public var identity: UInt { UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(ptr))) }

    public var type: JSONType {
        switch raw.pointee.type {
        case JSON_OBJECT: return .object
        case JSON_ARRAY: return .array
        case JSON_STRING: return .string
        case JSON_INTEGER: return .integer
        case JSON_REAL: return .real
        case JSON_TRUE, JSON_FALSE: return .bool
        default: return .null
        }
    }

    /// Member of an object, or nil when this is not an object or has no such key.
    @inline(__always)
    public func member(_ key: JSONKey) -> JSONNode? {
        guard raw.pointee.type == JSON_OBJECT else { return nil }
        let found = key.bytes.withUnsafeBufferPointer { gavel_object_get_hashed(raw, $0.baseAddress, $0.count, key.hash) }
        return found.map { JSONNode(OpaquePointer($0)) }
    }

    /// Member by a key given as a string, without copying it (for keys known only at run time).
    public func member(_ key: String) -> JSONNode? {
        guard raw.pointee.type == JSON_OBJECT else { return nil }
        var k = key
        return k.withUTF8 { b in
            b.withMemoryRebound(to: CChar.self) { c in
                guard let base = c.baseAddress else { return json_object_getn(raw, "", 0) }
                return json_object_getn(raw, base, c.count)
            }
        }.map { JSONNode(OpaquePointer($0)) }
    }

    /// Element of an array, or nil when out of range or not an array.
    public func element(_ index: Int) -> JSONNode? {
        guard raw.pointee.type == JSON_ARRAY, index >= 0 else { return nil }
        return json_array_get(raw, index).map { JSONNode(OpaquePointer($0)) }
    }

    /// Number of elements (array) or members (object); 0 otherwise.
    public var count: Int {
        switch raw.pointee.type {
        case JSON_ARRAY: return json_array_size(raw)
        case JSON_OBJECT: return json_object_size(raw)
        default: return 0
        }
    }

    /// Calls `body` for each object member in document order.
    public func forEachMember(_ body: (String, JSONNode) throws -> Void) rethrows {
        guard raw.pointee.type == JSON_OBJECT else { return }
        var it = json_object_iter(raw)
        while let i = it {
            let len = json_object_iter_key_len(i)
            let keyPtr = json_object_iter_key(i)!
            let key = keyPtr.withMemoryRebound(to: UInt8.self, capacity: len) {
                String(decoding: UnsafeBufferPointer(start: $0, count: len), as: UTF8.self)
            }
            if let v = json_object_iter_value(i) { try body(key, JSONNode(OpaquePointer(v))) }
            it = json_object_iter_next(raw, i)
        }
    }

    /// Visits object members in order until `stop()` is true. The key is produced only when
    /// asked for (`key()`), so a visit that does not need names allocates none.
    public func forEachMember(until stop: () -> Bool, _ body: (_ key: () -> String, JSONNode) -> Void) {
        guard raw.pointee.type == JSON_OBJECT else { return }
        var it = json_object_iter(raw)
        while let i = it, !stop() {
            if let v = json_object_iter_value(i) {
                body(
                    {
                        let len = json_object_iter_key_len(i)
                        return json_object_iter_key(i)!.withMemoryRebound(to: UInt8.self, capacity: len) {
                            String(decoding: UnsafeBufferPointer(start: $0, count: len), as: UTF8.self)
                        }
                    }, JSONNode(OpaquePointer(v)))
            }
            it = json_object_iter_next(raw, i)
        }
    }

    /// The children of an array (elements) or object (member values), in order.
    public var children: [JSONNode] {
        switch raw.pointee.type {
        case JSON_ARRAY:
            return (0..<json_array_size(raw)).compactMap { json_array_get(raw, $0).map { JSONNode(OpaquePointer($0)) } }
        case JSON_OBJECT:
            var out: [JSONNode] = []
            out.reserveCapacity(json_object_size(raw))
            var it = json_object_iter(raw)
            while let i = it {
                if let v = json_object_iter_value(i) { out.append(JSONNode(OpaquePointer(v))) }
                it = json_object_iter_next(raw, i)
            }
            return out
        default:
            return []
        }
    }

    /// Keys of an object in order (empty otherwise).
    public var keys: [String] {
        var out: [String] = []
        forEachMember { k, _ in out.append(k) }
        return out
    }

    public var string: String? {
        guard raw.pointee.type == JSON_STRING, let p = json_string_value(raw) else { return nil }
        let n = json_string_length(raw)
        return p.withMemoryRebound(to: UInt8.self, capacity: n) {
            String(decoding: UnsafeBufferPointer(start: $0, count: n), as: UTF8.self)
        }
    }

    public var integer: Int64? {
        raw.pointee.type == JSON_INTEGER ? Int64(json_integer_value(raw)) : nil
    }

    public var real: Double? {
        raw.pointee.type == JSON_REAL ? json_real_value(raw) : nil
    }

    public var bool: Bool? {
        switch raw.pointee.type {
        case JSON_TRUE: return true
        case JSON_FALSE: return false
        default: return nil
        }
    }

    /// Copies this node (and everything below it) into a Swift value.
    public func toValue() -> Value {
        switch raw.pointee.type {
        case JSON_OBJECT:
            var members: [Value.Member] = []
            members.reserveCapacity(count)
            forEachMember { k, v in members.append(Value.Member(k, v.toValue())) }
            return .object(members)
        case JSON_ARRAY:
            return .array((0..<json_array_size(raw)).map { JSONNode(OpaquePointer(json_array_get(raw, $0)!)).toValue() })
        case JSON_STRING: return .string(string ?? "")
        case JSON_INTEGER: return .int(Int64(json_integer_value(raw)))
        case JSON_REAL: return .double(json_real_value(raw))
        case JSON_TRUE: return .bool(true)
        case JSON_FALSE: return .bool(false)
        default: return .null
        }
    }
}

extension JSONNode {
    /// The UTF-8 bytes of a string node, borrowed (no copy); nil for other types.
    @inline(__always)
    public func withStringBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        stringBytes.map(body)
    }

    /// The UTF-8 bytes of a string node in place, valid while its document is alive; nil for
    /// other types. Not generic, so the pass path calls it without a closure.
    public var stringBytes: UnsafeBufferPointer<UInt8>? {
        guard raw.pointee.type == JSON_STRING, let p = json_string_value(raw) else { return nil }
        return UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: json_string_length(raw))
    }

    /// The value of an integer or real node as a Double; nil for other types.
    @inline(__always)
    public var number: Double? {
        switch raw.pointee.type {
        case JSON_INTEGER: return Double(json_integer_value(raw))
        case JSON_REAL: return json_real_value(raw)
        default: return nil
        }
    }

    public var isNull: Bool { raw.pointee.type == JSON_NULL }
}

extension JSONNode {
    /// Member of an object by a key given as UTF-8 bytes (known only at run time).
    @inline(__always)
    public func member(bytes: UnsafePointer<UInt8>, count: Int) -> JSONNode? {
        guard raw.pointee.type == JSON_OBJECT else { return nil }
        let found = bytes.withMemoryRebound(to: CChar.self, capacity: count) { json_object_getn(raw, $0, count) }
        return found.map { JSONNode(OpaquePointer($0)) }
    }

    /// Member of an object by a key given as UTF-8 bytes and its `JSONKeyHash.hash` (for flat
    /// compiled plans).
    @inline(__always)
    public func member(bytes: UnsafePointer<UInt8>, count: Int, hash: UInt32) -> JSONNode? {
        guard raw.pointee.type == JSON_OBJECT else { return nil }
        let found = bytes.withMemoryRebound(to: CChar.self, capacity: count) { gavel_object_get_hashed(raw, $0, count, hash) }
        return found.map { JSONNode(OpaquePointer($0)) }
    }

    /// Visits an object's members' values in order until `body` returns false.
    @inline(__always)
    public func forEachValue(_ body: (JSONNode) -> Bool) {
        guard raw.pointee.type == JSON_OBJECT else { return }
        var it = json_object_iter(raw)
        while let i = it {
            guard let v = json_object_iter_value(i), body(JSONNode(OpaquePointer(v))) else { return }
            it = json_object_iter_next(raw, i)
        }
    }

    /// Visits an object's members in order until `body` returns false, with each key's
    /// UTF-8 bytes as jansson holds them: valid as long as the document, and no String made.
    @inline(__always)
    public func forEachMemberBytes(_ body: (UnsafeBufferPointer<UInt8>, JSONNode) -> Bool) {
        guard raw.pointee.type == JSON_OBJECT else { return }
        var it = json_object_iter(raw)
        while let i = it {
            guard let v = json_object_iter_value(i) else { return }
            let len = json_object_iter_key_len(i)
            let key = json_object_iter_key(i)!.withMemoryRebound(to: UInt8.self, capacity: len) { UnsafeBufferPointer(start: $0, count: len) }
            guard body(key, JSONNode(OpaquePointer(v))) else { return }
            it = json_object_iter_next(raw, i)
        }
    }
}
