import GavelCore

/// Reads PHP's `serialize()` format (how WordPress stores `active_plugins`, user roles and
/// many options) into plain values, without ever creating an object: an object becomes
/// `{"__class": NAME, "properties": {...}}`, an enum `{"__enum": "Suit:Hearts"}`, a
/// reference `{"__reference": N}`. Malformed input is an error with its byte offset.
struct PHPUnserializer {
    struct Malformed: Error, CustomStringConvertible {
        var message: String
        var offset: Int
        var description: String { "\(message) at byte \(offset)" }
    }

    private let b: [UInt8]
    private var p = 0
    private static let maxDepth = 256

    static func parse(_ text: String) throws(Malformed) -> Value { try parse(Array(text.utf8)) }

    static func parse(_ bytes: [UInt8]) throws(Malformed) -> Value {
        var u = PHPUnserializer(b: bytes)
        let v = try u.value(depth: 0)
        guard u.p == bytes.count else { throw Malformed(message: "unexpected data after the value", offset: u.p) }
        return v
    }

    private init(b: [UInt8]) { self.b = b }

    private func fail(_ m: String) -> Malformed { Malformed(message: m, offset: p) }

    private mutating func expect(_ c: Character) throws(Malformed) {
        guard p < b.count, b[p] == c.asciiValue! else { throw fail("expected '\(c)'") }
        p += 1
    }

    /// Digits (with an optional sign) up to `end`.
    private mutating func integer(until end: Character) throws(Malformed) -> Int64 {
        let start = p
        if p < b.count, b[p] == UInt8(ascii: "-") || b[p] == UInt8(ascii: "+") { p += 1 }
        while p < b.count, b[p] >= 48, b[p] <= 57 { p += 1 }
        guard let n = Int64(String(decoding: b[start..<p], as: UTF8.self)) else { throw Malformed(message: "expected an integer", offset: start) }
        try expect(end)
        return n
    }

    private mutating func count() throws(Malformed) -> Int {
        let n = try integer(until: ":")
        guard n >= 0, n <= Int64(b.count - p) else { throw fail("impossible count \(n)") }
        return Int(n)
    }

    /// `LEN:"bytes"` (the length counts bytes, not characters).
    private mutating func quoted() throws(Malformed) -> String {
        let n = try count()
        try expect("\"")
        guard p + n <= b.count else { throw fail("string longer than the input") }
        let s = String(decoding: b[p..<(p + n)], as: UTF8.self)
        p += n
        try expect("\"")
        return s
    }

    private mutating func value(depth: Int) throws(Malformed) -> Value {
        guard depth < Self.maxDepth else { throw fail("nested deeper than \(Self.maxDepth) levels") }
        guard p + 1 < b.count || (p < b.count && b[p] == UInt8(ascii: "N")) else { throw fail("unexpected end of data") }
        let tag = b[p]
        p += 1
        switch tag {
        case UInt8(ascii: "N"):
            try expect(";")
            return .null
        case UInt8(ascii: "b"):
            try expect(":")
            let n = try integer(until: ";")
            guard n == 0 || n == 1 else { throw fail("a boolean is 0 or 1") }
            return .bool(n == 1)
        case UInt8(ascii: "i"):
            try expect(":")
            return .int(try integer(until: ";"))
        case UInt8(ascii: "d"):
            try expect(":")
            let start = p
            while p < b.count, b[p] != UInt8(ascii: ";") { p += 1 }
            let text = String(decoding: b[start..<p], as: UTF8.self)
            try expect(";")
            switch text {
            case "INF": return .double(.infinity)
            case "-INF": return .double(-.infinity)
            case "NAN": return .double(.nan)
            default:
                guard let d = Double(text) else { throw Malformed(message: "expected a number", offset: start) }
                return .double(d)
            }
        case UInt8(ascii: "s"):
            try expect(":")
            let s = try quoted()
            try expect(";")
            return .string(s)
        case UInt8(ascii: "a"):
            try expect(":")
            let n = try count()
            try expect("{")
            let members = try members(n, depth: depth)
            try expect("}")
            if members.enumerated().allSatisfy({ $0.element.0 == String($0.offset) && $0.element.2 }) { return .array(members.map(\.1)) }
            return .object(members.map { ($0.0, $0.1) })
        case UInt8(ascii: "O"):
            try expect(":")
            let cls = try quoted()
            try expect(":")
            let n = try count()
            try expect("{")
            // Private and protected property names carry "\0Class\0" or "\0*\0"; keep the name.
            let props = try members(n, depth: depth).map { (k, v, _) in (String(k.split(separator: "\0", omittingEmptySubsequences: false).last ?? ""), v) }
            try expect("}")
            return .object([("__class", .string(cls)), ("properties", .object(props))])
        case UInt8(ascii: "C"):
            try expect(":")
            let cls = try quoted()
            try expect(":")
            let n = try count()
            try expect("{")
            guard p + n <= b.count else { throw fail("payload longer than the input") }
            let payload = String(decoding: b[p..<(p + n)], as: UTF8.self)
            p += n
            try expect("}")
            return .object([("__class", .string(cls)), ("serialized", .string(payload))])
        case UInt8(ascii: "E"):
            try expect(":")
            let e = try quoted()
            try expect(";")
            return .object([("__enum", .string(e))])
        case UInt8(ascii: "r"), UInt8(ascii: "R"):
            try expect(":")
            return .object([("__reference", .int(try integer(until: ";")))])
        default:
            p -= 1
            throw fail("unknown type '\(Character(Unicode.Scalar(tag)))'")
        }
    }

    /// `n` key/value pairs; keys are integers or strings. The flag says the key was an integer.
    private mutating func members(_ n: Int, depth: Int) throws(Malformed) -> [(String, Value, Bool)] {
        var out: [(String, Value, Bool)] = []
        out.reserveCapacity(min(n, 1024))
        for _ in 0..<n {
            let k = try value(depth: depth + 1)
            let key: String
            let isInt: Bool
            switch k {
            case .int(let i): key = String(i); isInt = true
            case .string(let s): key = s; isInt = false
            default: throw fail("an array key must be an integer or a string")
            }
            out.append((key, try value(depth: depth + 1), isInt))
        }
        return out
    }
}
