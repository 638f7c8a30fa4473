import GavelCore

/// Cuts a results document into pieces at points its content chooses (content-defined
/// chunking, FastCDC: a gear hash over the bytes, cut where its top bits are zero), so that
/// the same bytes make the same pieces wherever they sit in the document. Two nights whose
/// documents differ in a few assets share every piece but the few around those assets, and
/// the store keeps each piece once.
///
/// The parameters are part of the store's format (they decide which pieces exist): pieces of
/// 8 to 128 KiB, 32 KiB on average, the gear table from `SplitMix64(seed: 0x6761_76656C)`.
/// Changing any of them does not break a store (pieces are addressed by their SHA-256), it
/// only stops new runs from sharing pieces with old ones.
public struct ContentChunker: Sendable {
    public static let minimum = 8 << 10
    public static let average = 32 << 10
    public static let maximum = 128 << 10

    /// Before the average size, a cut needs the top 17 bits zero (rarer); after it, the top
    /// 13 (likelier): FastCDC's normalized chunking, which keeps sizes near the average.
    static let strictMask: UInt64 = ~0 << (64 - 17)
    static let looseMask: UInt64 = ~0 << (64 - 13)

    static let gear: [UInt64] = {
        var g = SplitMix64(seed: 0x6761_7665_6C)
        return (0..<256).map { _ in g.next() }
    }()

    public init() {}

    /// The length of the piece that starts at the beginning of `bytes` (all of it when fewer
    /// than `minimum` bytes remain).
    public static func cut(_ bytes: UnsafeRawBufferPointer) -> Int {
        let n = bytes.count
        if n <= minimum { return n }
        let end = min(n, maximum)
        let middle = min(end, average)
        var fp: UInt64 = 0
        var i = minimum
        return gear.withUnsafeBufferPointer { g in
            while i < middle {
                fp = (fp << 1) &+ g[Int(bytes[i])]
                if fp & strictMask == 0 { return i + 1 }
                i += 1
            }
            while i < end {
                fp = (fp << 1) &+ g[Int(bytes[i])]
                if fp & looseMask == 0 { return i + 1 }
                i += 1
            }
            return end
        }
    }

    /// The lengths of the pieces `bytes` is cut into, in order (they add up to its length).
    public static func pieces(_ bytes: UnsafeRawBufferPointer) -> [Int] {
        var out: [Int] = []
        var start = 0
        while start < bytes.count {
            let len = cut(UnsafeRawBufferPointer(rebasing: bytes[start...]))
            out.append(len)
            start += len
        }
        return out
    }
}
