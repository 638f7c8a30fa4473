import Foundation
import GavelCollectors
import GavelCore
import GavelJSON

/// The snapshot written for an asset whose host could not be collected: the asset and kind
/// it had, no data, and every top-level part of the kind `unavailable` with the reason, so
/// each rule on it gives `error` (never `pass`) and `gavel eval` exits non-zero. The
/// `collector` member says what happened, when, and where the last good snapshot is kept.
enum FailureRecord {
    static func document(
        asset: String, kind: String, host: String, outcome: HostOutcome, at: Date,
        lastGood: String?, keptIn: String?, oldData: Value?
    ) -> Value {
        var oldParts: [String] = []
        if case .object(let members)? = oldData { oldParts = members.map(\.key) }
        var reason = "\(host) was not collected at \(Timestamp.string(at)): \(outcome.summary)"
        if let lastGood {
            reason += "; the last good snapshot (collected \(lastGood))" + (keptIn.map { " is kept in \($0)" } ?? " is not kept")
        } else {
            reason += "; it was never collected successfully"
        }
        var doc = SnapshotBuilder(asset: asset, kind: kind, collectedAt: at, host: host).unreadableDocument(reason, parts: oldParts)
        if case .object(var members) = doc, let i = members.firstIndex(where: { $0.key == "collector" }) {
            members[i].value = .object([
                ("name", "gavel collect fleet"), ("host", .string(host)), ("outcome", .string(outcome.name)),
                ("reason", .string(outcome.summary)), ("last_good", lastGood.map { .string($0) } ?? .null),
            ])
            doc = .object(members)
        }
        return doc
    }

    /// The top-level `data` of a snapshot file, when it is one.
    static func data(ofFile path: String) -> Value? {
        guard let bytes = FileManager.default.contents(atPath: path), let doc = try? JSONDocument.parse([UInt8](bytes)) else { return nil }
        return doc.rootNode.member("data")?.toValue()
    }
}
