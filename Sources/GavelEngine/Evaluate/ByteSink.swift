import GavelResults

/// Bytes written into memory sized beforehand by a bound the writer works out first.
///
/// Evidence spells each failing value's path twice (for the report, and as the JSON Pointer
/// its provenance is looked up by). Writing into memory of a known size, instead of a
/// growing array that is then copied into a string, saves an allocation per spelling; the
/// pointer needs no heap at all.
struct ByteSink {
    private let base: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private(set) var count = 0

    private init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        base = buffer.baseAddress!
        capacity = buffer.count
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        precondition(count < capacity, "ByteSink: the bound was too small")
        base[count] = byte
        count += 1
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard !bytes.isEmpty else { return }
        precondition(count + bytes.count <= capacity, "ByteSink: the bound was too small")
        (base + count).update(from: bytes.baseAddress!, count: bytes.count)
        count += bytes.count
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    /// A string of at most `capacity` UTF-8 bytes, written by `write`.
    static func string(capacity: Int, _ write: (inout ByteSink) -> Void) -> String {
        String(unsafeUninitializedCapacity: max(capacity, 1)) { buffer in
            var sink = ByteSink(buffer)
            write(&sink)
            return sink.count
        }
    }

    /// An array of at most `capacity` bytes, written by `write`.
    static func bytes(capacity: Int, _ write: (inout ByteSink) -> Void) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: max(capacity, 1)) { buffer, count in
            var sink = ByteSink(buffer)
            write(&sink)
            count = sink.count
        }
    }

    /// `use` of at most `capacity` bytes written by `write`, in memory that lives for the call
    /// only (the stack, for the sizes paths have).
    static func withTemporary<R>(capacity: Int, _ write: (inout ByteSink) -> Void, _ use: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(capacity, 1)) { buffer in
            var sink = ByteSink(buffer)
            write(&sink)
            return use(UnsafeBufferPointer(rebasing: buffer[..<sink.count]))
        }
    }
}
