import GavelCore

/// A stable share of a fleet (`gavel eval --shard I/N`): the assets whose name's SHA-256,
/// read as a number (its first 8 bytes, big-endian), leaves the remainder I-1 when divided
/// by N. An asset's shard depends on its name alone, so it keeps its shard when others are
/// added or removed, and every machine computes the same shares.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    /// 1-based.
    public var index: Int
    public var count: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, n <= 10_000, (1...n).contains(i) else { return nil }
        index = i
        count = n
    }

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    public var description: String { "\(index)/\(count)" }

    /// The shard (1-based) of an asset name among `count`.
    public static func of(_ asset: String, count: Int) -> Int {
        let digest = Array(asset.utf8).withUnsafeBytes { SHA256.digest($0) }
        let n = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Int(n % UInt64(count)) + 1
    }

    public func contains(_ asset: String) -> Bool { Shard.of(asset, count: count) == index }
}
