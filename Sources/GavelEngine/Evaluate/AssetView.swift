import GavelCore
import GavelJSON

/// One asset as evaluation sees it: each kind's `data` and `provenance`, read in place.
///
/// The fields live in one immutable object, so copying a view (every rule evaluation takes
/// one) is a single reference count, and the pass path can borrow it without any.
public struct AssetView: @unchecked Sendable {
    final class Storage {
        let name: String
        let roots: [JSONNode?]
        let provenance: [ProvenanceMap?]
        let gaps: [Gap]
        let documents: [JSONDocument]
        /// The kinds present, a bit per index (as `FlatPlan.Entry.kinds`).
        let kinds: UInt64
        /// `roots` in plain memory and whether there are gaps: what the pass path reads, without
        /// the reference counting that reading an array property costs.
        let rootBuffer: UnsafeMutableBufferPointer<JSONNode?>
        let hasGaps: Bool
        init(name: String, roots: [JSONNode?], provenance: [ProvenanceMap?], gaps: [Gap], documents: [JSONDocument]) {
            (self.name, self.roots, self.provenance, self.gaps, self.documents) = (name, roots, provenance, gaps, documents)
            kinds = FlatPlan.mask(roots.indices.filter { roots[$0] != nil })
            rootBuffer = .allocate(capacity: roots.count)
            _ = rootBuffer.initialize(from: roots)
            hasGaps = !gaps.isEmpty
        }

        deinit {
            rootBuffer.deallocate()
        }

        @inline(__always)
        func gap(under parent: JSONNode, _ token: @autoclosure () -> String) -> Gap? {
            if gaps.isEmpty { return nil }
            let id = parent.identity
            let t = token()
            return gaps.first { $0.parent == id && $0.token == t }
        }
    }
    let storage: Storage

    public var name: String { storage.name }
    var roots: [JSONNode?] { storage.roots }
    var provenance: [ProvenanceMap?] { storage.provenance }
    /// Parts of the data the collector could not read (the snapshot's `unavailable`), each
    /// anchored at the deepest node that exists. Empty for nearly every asset.
    var gaps: [Gap] { storage.gaps }
    /// Keeps the jansson documents alive as long as the view.
    var documents: [JSONDocument] { storage.documents }

    /// A part the collector could not read: `token` is absent under the node `parent`.
    struct Gap {
        var parent: UInt
        var token: String
        var pointer: String
        var reason: String
    }

    /// One kind's share of an asset: its data, provenance map and `unavailable` entries
    /// (JSON Pointer into `data`, reason).
    public struct Part {
        public var data: JSONNode
        public var provenance: ProvenanceMap?
        public var unavailable: [(pointer: String, reason: String)]
        public init(data: JSONNode, provenance: ProvenanceMap? = nil, unavailable: [(pointer: String, reason: String)] = []) {
            self.data = data
            self.provenance = provenance
            self.unavailable = unavailable
        }
    }

    /// `parts[k]` is the part of kind index k.
    public init(name: String, parts: [Int: Part], documents: [JSONDocument]) {
        let count = max(SnapshotKinds.count, (parts.keys.max() ?? -1) + 1)
        var r = [JSONNode?](repeating: nil, count: count)
        var p = [ProvenanceMap?](repeating: nil, count: count)
        var g: [Gap] = []
        for (k, v) in parts {
            r[k] = v.data
            p[k] = v.provenance
            for (pointer, reason) in v.unavailable {
                if let gap = AssetView.anchor(pointer, reason, in: v.data) { g.append(gap) }
            }
        }
        storage = Storage(name: name, roots: r, provenance: p, gaps: g, documents: documents)
    }

    /// An asset from a merged document such as a test's `asset:` (`{"php": {...}, "nginx": {...}}`),
    /// with optional `unavailable` entries per kind.
    public init(name: String, merged: Value, unavailable: [String: [(pointer: String, reason: String)]] = [:]) {
        let doc = JSONDocument.from(merged)
        var parts: [Int: Part] = [:]
        doc.rootNode.forEachMember(until: { false }) { key, n in
            let kind = key()
            if let k = SnapshotKinds.intern(kind) { parts[k] = Part(data: n, unavailable: unavailable[kind] ?? []) }
        }
        self.init(name: name, parts: parts, documents: [doc])
    }

    public func has(kind: Int) -> Bool { kind < storage.roots.count && storage.roots[kind] != nil }

    /// The gap that explains why `token` is absent under `parent`, if the collector declared one.
    @inline(__always)
    func gap(under parent: JSONNode, _ token: @autoclosure () -> String) -> Gap? {
        storage.gap(under: parent, token())
    }

    /// Walks `pointer` through `data` to the first token that is absent; a pointer whose
    /// value exists was rejected when the snapshot was loaded.
    static func anchor(_ pointer: String, _ reason: String, in data: JSONNode) -> Gap? {
        var node = data
        for token in JSONPointer.tokens(pointer) {
            let next: JSONNode?
            switch node.type {
            case .object: next = node.member(token)
            case .array: next = Int(token).flatMap { node.element($0) }
            default: return nil
            }
            guard let next else { return Gap(parent: node.identity, token: token, pointer: pointer, reason: reason) }
            node = next
        }
        return nil
    }
}
