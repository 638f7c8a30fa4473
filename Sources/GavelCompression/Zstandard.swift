import CZstd

/// Zstandard (RFC 8878) through Debian's libzstd: the history store's pieces are kept
/// compressed with it. C types stay in this module.
public enum Zstandard {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// `bytes` compressed as one Zstandard frame (the frame records the original size).
    public static func compress(_ bytes: UnsafeRawBufferPointer, level: Int32 = 9) throws(Failure) -> [UInt8] {
        let bound = ZSTD_compressBound(bytes.count)
        var out = [UInt8](repeating: 0, count: bound)
        let n = out.withUnsafeMutableBytes { o in ZSTD_compress(o.baseAddress, bound, bytes.baseAddress, bytes.count, level) }
        if ZSTD_isError(n) != 0 { throw Failure(description: "zstd: " + String(cString: ZSTD_getErrorName(n))) }
        out.removeLast(bound - n)
        return out
    }

    /// The bytes of one frame, which must decompress to exactly `size` bytes (a frame that
    /// does not is corrupt, and refused rather than believed).
    public static func decompress(_ frame: UnsafeRawBufferPointer, size: Int) throws(Failure) -> [UInt8] {
        let declared = ZSTD_getFrameContentSize(frame.baseAddress, frame.count)
        guard declared == UInt64(size) else {
            throw Failure(description: "zstd: the frame declares \(declared) bytes where \(size) were stored")
        }
        var out = [UInt8](repeating: 0, count: size)
        let n = out.withUnsafeMutableBytes { o in ZSTD_decompress(o.baseAddress, size, frame.baseAddress, frame.count) }
        if ZSTD_isError(n) != 0 { throw Failure(description: "zstd: " + String(cString: ZSTD_getErrorName(n))) }
        guard n == size else { throw Failure(description: "zstd: \(n) bytes where \(size) were stored") }
        return out
    }
}
