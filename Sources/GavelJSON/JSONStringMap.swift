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
    /// Open addressing: an index into `entries` (-1: empty) and that entry's key hash, so
    /// that a probe compares keys only when the hashes agree.
    private struct Slot { var entry: Int32; var hash: UInt32 }
    private let slots: [Slot]

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
        var slots = [Slot](repeating: Slot(entry: -1, hash: 0), count: size)
        for (e, entry) in found.enumerated() {
            let key = UnsafeRawBufferPointer(rebasing: bytes[Int(entry.key)..<Int(entry.key + entry.keyCount)])
            let hash = JSONStringMap.hash(key)
            var slot = Int(hash) & (size - 1)
            while slots[slot].entry >= 0 {
                let other = found[Int(slots[slot].entry)]
                // A key twice: jansson's to report (duplicate keys are refused).
                if other.keyCount == entry.keyCount, key.elementsEqual(bytes[Int(other.key)..<Int(other.key + other.keyCount)]) { return nil }
                slot = (slot + 1) & (size - 1)
            }
            slots[slot] = Slot(entry: Int32(e), hash: hash)
        }
        text = Array(bytes)
        entries = found
        self.slots = slots
    }

    /// The value of `key` (its bytes, as decoded JSON), or nil.
    public func value(forKey key: UnsafeRawBufferPointer) -> String? {
        let hash = JSONStringMap.hash(key)
        var s = Int(hash) & (slots.count - 1)
        return text.withUnsafeBytes { text in
            while true {
                let slot = slots[s]
                if slot.entry < 0 { return nil }
                let entry = entries[Int(slot.entry)]
                if slot.hash == hash, Int(entry.keyCount) == key.count,
                    key.count == 0 || memcmp(key.baseAddress!, text.baseAddress! + Int(entry.key), key.count) == 0
                {
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

    /// A multiplicative hash, a word at a time: provenance pointers run to 40 bytes and more.
    private static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var i = 0
        while i + 8 <= bytes.count {
            h = (h ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 29
            i += 8
        }
        while i < bytes.count {
            h = (h ^ UInt64(bytes[i])) &* 0x0100_0000_01B3
            i += 1
        }
        h ^= h >> 32
        return UInt32(truncatingIfNeeded: h)
    }
}
