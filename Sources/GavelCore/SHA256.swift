import GavelSHAExtensions

/// SHA-256 (FIPS 180-4), used to fingerprint policy files, snapshots and results.
///
/// Whole blocks go to the CPU's SHA instructions when it has them (`GavelSHAExtensions`),
/// otherwise to the portable compression function below; both give the same digest.
public struct SHA256: Sendable {
    private var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
    private var buffer: [UInt8] = []
    private var length: UInt64 = 0

    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    /// Whether whole blocks go to the CPU's SHA instructions.
    let usesExtensions: Bool

    public init() { usesExtensions = SHA256Extensions.isAvailable }

    /// The portable implementation even where the CPU has SHA instructions (tests compare the two).
    init(portable: Bool) { usesExtensions = !portable && SHA256Extensions.isAvailable }

    public mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if let done: Void = bytes.withContiguousStorageIfAvailable({ update(UnsafeRawBufferPointer($0)) }) { return done }
        update(Array(bytes))
    }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Hashes whole blocks straight from the caller's memory; only a partial tail is copied.
    public mutating func update(_ raw: UnsafeRawBufferPointer) {
        length &+= UInt64(raw.count)
        var offset = 0
        if !buffer.isEmpty {
            let take = min(64 - buffer.count, raw.count)
            buffer.append(contentsOf: raw[0..<take])
            offset = take
            if buffer.count == 64 {
                buffer.withUnsafeBytes { compress($0.baseAddress!, blocks: 1) }
                buffer.removeAll(keepingCapacity: true)
            }
        }
        let blocks = (raw.count - offset) / 64
        if blocks > 0 {
            compress(raw.baseAddress! + offset, blocks: blocks)
            offset += blocks * 64
        }
        if offset < raw.count { buffer.append(contentsOf: raw[offset...]) }
    }

    public mutating func finalize() -> [UInt8] {
        let bits = length &* 8
        var tail: [UInt8] = [0x80]
        while (buffer.count + tail.count) % 64 != 56 { tail.append(0) }
        for i in (0..<8).reversed() { tail.append(UInt8(truncatingIfNeeded: bits >> (UInt64(i) * 8))) }
        let rest = buffer + tail
        buffer = []
        rest.withUnsafeBytes { raw in compress(raw.baseAddress!, blocks: raw.count / 64) }
        return h.flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> (24 - $0 * 8)) } }
    }

    public static func hex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var s = SHA256()
        s.update(bytes)
        return s.finalizeHex()
    }

    /// `finalize()` as 64 lowercase hex digits.
    public mutating func finalizeHex() -> String { SHA256.hexDigits(finalize()) }

    /// The SHA-256 of `raw`, as 32 bytes.
    public static func digest(_ raw: UnsafeRawBufferPointer) -> [UInt8] {
        var s = SHA256()
        s.update(raw)
        return s.finalize()
    }

    /// Bytes (a digest) written as lowercase hex digits.
    public static func hexDigits(_ bytes: some Collection<UInt8>) -> String {
        bytes.map { b in
            let x = String(b, radix: 16)
            return b < 16 ? "0" + x : x
        }.joined()
    }

    public static func hex(_ text: String) -> String { hex(Array(text.utf8)) }

    private mutating func compress(_ data: UnsafeRawPointer, blocks: Int) {
        if usesExtensions {
            h.withUnsafeMutableBufferPointer { SHA256Extensions.compress(state: $0.baseAddress!, data: data, blocks: blocks) }
        } else {
            for n in 0..<blocks { compress(data + n * 64) }
        }
    }

    private mutating func compress(_ block: UnsafeRawPointer) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { buf in
            let w = buf.baseAddress.unsafelyUnwrapped
            for i in 0..<16 { w[i] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)) }
            for i in 16..<64 {
                let x = w[i - 15], y = w[i - 2]
                let s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x &>> 3)
                let s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y &>> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
            SHA256.k.withUnsafeBufferPointer { kb in
                let k = kb.baseAddress.unsafelyUnwrapped
                for i in 0..<64 {
                    let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                    let ch = (e & f) ^ (~e & g)
                    let t1 = hh &+ s1 &+ ch &+ k[i] &+ w[i]
                    let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                    let maj = (a & b) ^ (a & c) ^ (b & c)
                    let t2 = s0 &+ maj
                    (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
                }
            }
            h[0] &+= a; h[1] &+= b; h[2] &+= c; h[3] &+= d
            h[4] &+= e; h[5] &+= f; h[6] &+= g; h[7] &+= hh
        }
    }

    @inline(__always)
    /// Masking shifts: `n` is always 1...31, so no out-of-range check is needed.
    private func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x &>> n) | (x &<< (32 &- n)) }
}
