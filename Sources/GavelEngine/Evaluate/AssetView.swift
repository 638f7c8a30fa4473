import GavelCore
import GavelJSON

/// One asset as evaluation sees it: each kind's `data` and `provenance`, read in place.
public struct AssetView: @unchecked Sendable {
    public let name: String
    let roots: [JSONNode?]
    let provenance: [JSONNode?]
    /// Keeps the jansson documents alive as long as the view.
    let documents: [JSONDocument]

    /// `parts[k]` = (data, provenance) for kind index k.
    public init(name: String, parts: [Int: (data: JSONNode, provenance: JSONNode?)], documents: [JSONDocument]) {
        self.name = name
        var r = [JSONNode?](repeating: nil, count: SnapshotKinds.known.count)
        var p = [JSONNode?](repeating: nil, count: SnapshotKinds.known.count)
        for (k, v) in parts { r[k] = v.data; p[k] = v.provenance }
        self.roots = r
        self.provenance = p
        self.documents = documents
    }

    /// An asset from a merged document such as a test's `asset:` (`{"php": {...}, "nginx": {...}}`).
    public init(name: String, merged: Value) {
        let doc = JSONDocument.from(merged)
        var parts: [Int: (data: JSONNode, provenance: JSONNode?)] = [:]
        for (k, kind) in SnapshotKinds.known.enumerated() {
            if let n = doc.rootNode.member(kind) { parts[k] = (n, nil) }
        }
        self.init(name: name, parts: parts, documents: [doc])
    }

    public func has(kind: Int) -> Bool { roots[kind] != nil }
}
