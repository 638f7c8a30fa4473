import Glibc

/// A JSON object of strings, read straight from its text: the shape of a snapshot's
/// `provenance` map, which a collector writes as hundreds of `"/ini/x": "/etc/php.ini:12"`.
///
/// jansson would build a tree for it (a key, a string value and a table slot per entry),
/// which is a third of the parse of a PHP snapshot, while a run looks up only the entries of
/// the few values that fail. Here the text is checked and indexed in one pass and each entry
/// is read when it is looked up.
///
/// Only the simplest form is taken: keys and values of printable ASCII without escapes, no
/// key twice. Any other text, valid JSON or not, gives nil, and the caller parses it with
/// jansson, which then decides what the text means or where it is wrong. So whatever this
/// accepts, jansson would have accepted with the same members.
public final class JSONStringMap: Sendable {
    private struct Entry {
        var key: Int32, keyCount: Int32
        var value: Int32, valueCount: Int32
    }

    /// The object's text.
    private let text: [UInt8]
    private let entries: [Entry]
    /// Open addressing: an index into `entries`, or -1.
    private let slots: [Int32]

    public var count: Int { entries.count }

    public init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count < Int(Int32.max) else { return nil }
        var found: [Entry] = []
        var s = JSONScanner(bytes, at: 0)
        /// Takes `byte` if it is next.
        func take(_ byte: Unicode.Scalar) -> Bool {
            guard s.peek == UInt8(ascii: byte) else { return false }
            s.advance()
            return true
        }
        /// A string of plain characters: its first byte and length, the scan after its quote.
        func string() -> (Int32, Int32)? {
            guard take("\"") else { return nil }
            let start = s.i
            while let b = s.peek {
                s.advance()
                if b == UInt8(ascii: "\"") { return (Int32(start), Int32(s.i - 1 - start)) }
                guard b >= 0x20, b < 0x7F, b != UInt8(ascii: "\\") else { return nil }
            }
            return nil
        }
        s.skipSpace()
        guard take("{") else { return nil }
        s.skipSpace()
        if !take("}") {
            while true {
                guard let key = string() else { return nil }
                s.skipSpace()
                guard take(":") else { return nil }
                s.skipSpace()
                guard let value = string() else { return nil }
                found.append(Entry(key: key.0, keyCount: key.1, value: value.0, valueCount: value.1))
                s.skipSpace()
                if take(",") {
                    s.skipSpace()
                    continue
                }
                guard take("}") else { return nil }
                break
            }
        }
        s.skipSpace()
        guard s.peek == nil else { return nil }

        var size = 8
        while size < found.count * 2 { size *= 2 }
        var slots = [Int32](repeating: -1, count: size)
        for (e, entry) in found.enumerated() {
            let key = UnsafeRawBufferPointer(rebasing: bytes[Int(entry.key)..<Int(entry.key + entry.keyCount)])
            var slot = Int(JSONStringMap.hash(key)) & (size - 1)
            while slots[slot] >= 0 {
                let other = found[Int(slots[slot])]
                // A key twice: jansson's to report (duplicate keys are refused).
                if other.keyCount == entry.keyCount, key.elementsEqual(bytes[Int(other.key)..<Int(other.key + other.keyCount)]) { return nil }
                slot = (slot + 1) & (size - 1)
            }
            slots[slot] = Int32(e)
        }
        text = Array(bytes)
        entries = found
        self.slots = slots
    }

    /// The value of `key` (its bytes, as decoded JSON), or nil.
    public func value(forKey key: UnsafeRawBufferPointer) -> String? {
        var s = Int(JSONStringMap.hash(key)) & (slots.count - 1)
        return text.withUnsafeBytes { text in
            while true {
                let e = slots[s]
                if e < 0 { return nil }
                let entry = entries[Int(e)]
                if Int(entry.keyCount) == key.count,
                   key.count == 0 || memcmp(key.baseAddress!, text.baseAddress! + Int(entry.key), key.count) == 0 {
                    return String(decoding: text[Int(entry.value)..<Int(entry.value + entry.valueCount)], as: UTF8.self)
                }
                s = (s + 1) & (slots.count - 1)
            }
        }
    }

    public func value(forKey key: String) -> String? {
        var key = key
        return key.withUTF8 { value(forKey: UnsafeRawBufferPointer($0)) }
    }

    /// FNV-1a: the keys are short and looked up a few at a time.
    private static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var h: UInt32 = 2_166_136_261
        for b in bytes { h = (h ^ UInt32(b)) &* 16_777_619 }
        return h
    }
}
