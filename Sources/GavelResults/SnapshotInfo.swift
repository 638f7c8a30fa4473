import GavelCore

/// What a results document records about each snapshot it read.
public struct SnapshotInfo: Sendable {
    public var source: String
    public var asset: String
    public var kind: String
    public var collectedAt: String?
    public var collector: Value?
    public var sha256: String
    public var bytes: Int
    public init(source: String, asset: String, kind: String, collectedAt: String?, collector: Value?, sha256: String, bytes: Int) {
        self.source = source
        self.asset = asset
        self.kind = kind
        self.collectedAt = collectedAt
        self.collector = collector
        self.sha256 = sha256
        self.bytes = bytes
    }
}
