import Foundation
import GavelCore

extension HistoryStore {
    /// The end of a run's stored document from the last occurrence of `marker` (a top-level
    /// member as the results writer lays it out, `\n  "waivers": `), read a piece at a time
    /// from the end, so a night's waivers and attestations are found without reading its
    /// results. Nil when the document does not hold the marker.
    public func documentTail(_ id: Int64, from marker: String) throws(Diagnostic) -> [UInt8]? {
        let needle = Array(marker.utf8)
        do {
            guard hasPieces, let (m, _) = try manifest(id) else {
                // A store from before pieces keeps the document whole.
                let bytes = try documentBytes(id)
                guard let at = Self.lastIndex(of: needle, in: bytes[...]) else { return nil }
                return Array(bytes[at...])
            }
            var tail: [UInt8] = []
            for i in stride(from: m.count - 1, through: 0, by: -1) {
                var piece: [UInt8] = []
                try eachPiece(of: Manifest(hashes: Array(m.hash(i)), size: 0)) { piece.append(contentsOf: $0) }
                tail = piece + tail
                // The marker may straddle two pieces: look in what has been read so far.
                if let at = Self.lastIndex(of: needle, in: tail[...]) { return Array(tail[at...]) }
            }
            return nil
        } catch let d as Diagnostic {
            throw d
        } catch {
            throw Diagnostic(.historyStore, "cannot read the document of run #\(id) in \(path): \(error)")
        }
    }

    static func lastIndex(of needle: [UInt8], in bytes: ArraySlice<UInt8>) -> Int? {
        guard !needle.isEmpty, bytes.count >= needle.count else { return nil }
        var i = bytes.endIndex - needle.count
        while i >= bytes.startIndex {
            if bytes[i] == needle[0], bytes[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i -= 1
        }
        return nil
    }
}
