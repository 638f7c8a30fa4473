import GavelJSON

/// A snapshot's `provenance`: JSON Pointer into `data` -> `file:line`. Read straight from the
/// text when it has the plain form collectors write (`JSONStringMap`: jansson never builds
/// a tree for its hundreds of entries), else the object jansson parsed.
public enum ProvenanceMap: @unchecked Sendable {
    case strings(JSONStringMap)
    /// Borrowed from a document the asset keeps alive.
    case tree(JSONNode)

    /// The entry for `pointer` (its bytes); nil when there is none or it is not a string.
    func text(at pointer: UnsafeBufferPointer<UInt8>) -> String? {
        switch self {
        case .strings(let map): return map.value(forKey: UnsafeRawBufferPointer(pointer))
        case .tree(let node):
            let hit = pointer.isEmpty ? node.member("") : node.member(bytes: pointer.baseAddress!, count: pointer.count)
            return hit?.string
        }
    }
}
