import Foundation
import GavelCore

/// Assembles a `gavel: snapshot/v1` document: the envelope, the kind's data and the
/// provenance map (JSON Pointer into `data` -> `file:line`).
public struct SnapshotBuilder {
    public var asset: String
    public var kind: String
    public var collectorVersion = "0.2.0"
    public var collectedAt: Date
    /// Name words that make a value secret besides the built-in ones (lower case).
    public var extraSecretWords: Set<String> = []
    public var host: String
    private(set) var provenance: [(String, Value)] = []
    /// Parts the collector could not read: JSON Pointer into `data` -> reason.
    public private(set) var unavailable: [(String, Value)] = []

    public init(asset: String, kind: String, collectedAt: Date = Date(), host: String = ProcessInfo.processInfo.hostName) {
        self.asset = asset
        self.kind = kind
        self.collectedAt = collectedAt
        self.host = host
    }

    /// Records where the value at `pointer` (e.g. `/ini/expose_php`) came from.
    public mutating func source(_ pointer: String, _ file: String, _ line: Int) {
        provenance.append((pointer, .string("\(file):\(line)")))
    }

    /// Records where the value at `pointer` came from when it is not a file (an API query).
    public mutating func source(_ pointer: String, _ origin: String) {
        provenance.append((pointer, .string(origin)))
    }

    /// Records that the part at `pointer` could not be read, and why; the part itself must be
    /// left out of `data` (rules reading it then give `error` with this reason).
    public mutating func unavailable(_ pointer: String, _ reason: String) {
        unavailable.removeAll { $0.0 == pointer }
        unavailable.append((pointer, .string(reason)))
    }

    /// A copy for another asset whose data is a part of this one's: each provenance entry's
    /// pointer is mapped by `map`, and dropped where it returns nil.
    public func narrowed(to asset: String, _ map: (String) -> String?) -> SnapshotBuilder {
        var b = self
        b.asset = asset
        b.provenance = provenance.compactMap { p, v in map(p).map { ($0, v) } }
        b.unavailable = unavailable.compactMap { p, v in map(p).map { ($0, v) } }
        return b
    }

    public static func pointerToken(_ key: String) -> String {
        JSONPointer.escape(key)
    }

    /// The snapshot document. Every value `SecretClassifier` calls a secret is replaced by
    /// `{set, length, secret, placeholder}` here, whichever collector made `data`.
    /// A snapshot of this kind that holds nothing: every top-level part the kind's schema
    /// names, and `parts` (for a kind without a schema, the keys it used to have), is
    /// `unavailable` for `reason`, so every rule reading it is `error`, never `pass`.
    public func unreadableDocument(_ reason: String, parts: [String] = []) -> Value {
        var b = self
        var names = SnapshotSchemas.schema(for: kind)?.fieldNames ?? []
        for p in parts where !names.contains(p) { names.append(p) }
        for name in names { b.unavailable("/" + SnapshotBuilder.pointerToken(name), reason) }
        return b.document(data: .object([Value.Member]()))
    }

    public func document(data: Value) -> Value {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return .object(
            [
                ("gavel", "snapshot/v1"),
                ("asset", .string(asset)),
                ("kind", .string(kind)),
                ("collected_at", .string(f.string(from: collectedAt))),
                ("collector", .object([("name", .string(kind)), ("version", .string(collectorVersion)), ("host", .string(host))])),
                ("data", SecretRedaction.apply(data, extraWords: extraSecretWords)),
                ("provenance", .object(provenance)),
            ] + (unavailable.isEmpty ? [] : [("unavailable", .object(unavailable))]))
    }
}
