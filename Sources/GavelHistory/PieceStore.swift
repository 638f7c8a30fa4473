import Foundation
import GavelCompression
import GavelCore

/// How the history stores a results document (format 2): cut into pieces by
/// `ContentChunker`, each piece kept once, compressed with Zstandard and addressed by the
/// SHA-256 of its bytes; a run keeps the list of its pieces' SHA-256 in order (its
/// manifest). A night whose fleet barely changed adds only the pieces around what changed,
/// and no single stored value is larger than a piece, however large the document.
///
/// The manifest's SHA-256 is part of the run's entry hash, and every piece is checked
/// against its address when verified, so the chain binds every byte of every document.
extension HistoryStore {
    /// A document as the store keeps it: its pieces' addresses, its size and SHA-256.
    struct Manifest {
        /// The pieces' SHA-256, 32 bytes each, in order.
        var hashes: [UInt8] = []
        var size = 0
        var count: Int { hashes.count / 32 }
        /// SHA-256 of `hashes`, the manifest's digest the entry hash includes.
        var digest: String { SHA256.hex(hashes) }
        func hash(_ i: Int) -> ArraySlice<UInt8> { hashes[i * 32..<(i + 1) * 32] }
    }

    static let pieceSchema = """
        CREATE TABLE IF NOT EXISTS pieces (id INTEGER PRIMARY KEY, sha256 BLOB NOT NULL UNIQUE, size INTEGER NOT NULL, data BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS run_pieces (
          run INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE, pieces INTEGER NOT NULL, size INTEGER NOT NULL,
          manifest_sha256 TEXT NOT NULL, manifest BLOB NOT NULL);
        """

    /// Cuts what `read` hands over (the document, in blocks of any size, in order) into
    /// pieces and stores those the store does not have. Returns the manifest and the
    /// document's SHA-256. Inside the caller's write transaction.
    func storePieces(_ read: (_ block: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws -> (Manifest, String) {
        var manifest = Manifest()
        var whole = SHA256()
        // Pieces already met in this document (a fleet's document repeats itself).
        var seen = Set<[UInt8]>()
        func store(_ piece: UnsafeRawBufferPointer) throws {
            let hash = SHA256.digest(piece)
            manifest.hashes += hash
            manifest.size += piece.count
            guard seen.insert(hash).inserted else { return }
            if !(try db.run("SELECT 1 FROM pieces WHERE sha256 = ?", [.blob(hash)])).isEmpty { return }
            let packed = try Zstandard.compress(piece)
            try db.run("INSERT INTO pieces (sha256, size, data) VALUES (?, ?, ?)", [.blob(hash), .int(Int64(piece.count)), .blob(packed)])
        }
        // Bytes not yet cut: a piece is cut only when `maximum` bytes are at hand (or at the
        // end), so where the blocks happen to end never moves a cut.
        var pending: [UInt8] = []
        pending.reserveCapacity(4 * ContentChunker.maximum)
        try read { block in
            whole.update(block)
            pending.append(contentsOf: block)
            guard pending.count >= 2 * ContentChunker.maximum else { return }
            var start = 0
            try pending.withUnsafeBytes { all in
                while all.count - start >= ContentChunker.maximum {
                    let rest = UnsafeRawBufferPointer(rebasing: all[start...])
                    let n = ContentChunker.cut(rest)
                    try store(UnsafeRawBufferPointer(rebasing: rest[0..<n]))
                    start += n
                }
            }
            pending.removeFirst(start)
        }
        try pending.withUnsafeBytes { all in
            var start = 0
            while start < all.count {
                let rest = UnsafeRawBufferPointer(rebasing: all[start...])
                let n = ContentChunker.cut(rest)
                try store(UnsafeRawBufferPointer(rebasing: rest[0..<n]))
                start += n
            }
        }
        return (manifest, whole.finalizeHex())
    }

    /// Records which pieces make run `id`'s document.
    func recordManifest(_ manifest: Manifest, run id: Int64) throws {
        try db.run(
            "INSERT INTO run_pieces (run, pieces, size, manifest_sha256, manifest) VALUES (?, ?, ?, ?, ?)",
            [.int(id), .int(Int64(manifest.count)), .int(Int64(manifest.size)), .text(manifest.digest), .blob(manifest.hashes)])
    }

    /// Run `id`'s manifest, and the digest recorded for it; nil for a run of format 1 (its
    /// document whole in `runs.document`).
    func manifest(_ id: Int64) throws -> (Manifest, recordedDigest: String)? {
        guard let row = try db.run("SELECT size, manifest_sha256, manifest FROM run_pieces WHERE run = ?", [.int(id)]).first else { return nil }
        return (Manifest(hashes: row[2].blob, size: Int(row[0].int)), row[1].text ?? "")
    }

    /// The document a manifest lists, handed to `body` a piece at a time, in order. A piece
    /// that is missing, does not decompress, or whose bytes no longer have its SHA-256 is an
    /// error: nothing edited is ever handed on as the document.
    func eachPiece(of m: Manifest, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        for i in 0..<m.count {
            let hash = Array(m.hash(i))
            guard let row = try db.run("SELECT size, data FROM pieces WHERE sha256 = ?", [.blob(hash)]).first else {
                throw PieceFailure(hash: hash, why: "is missing")
            }
            let size = Int(row[0].int)
            let bytes = try row[1].blob.withUnsafeBytes { packed in try Zstandard.decompress(packed, size: size) }
            guard bytes.withUnsafeBytes({ SHA256.digest($0) }) == hash else { throw PieceFailure(hash: hash, why: "was edited") }
            try bytes.withUnsafeBytes { try body($0) }
        }
    }

    struct PieceFailure: Error, CustomStringConvertible {
        var hash: [UInt8]
        var why: String
        var description: String { "piece \(SHA256.hexDigits(hash).prefix(16))... \(why)" }
    }

    /// Every row of `sql` (which selects `id` first and ends `WHERE id > ? ORDER BY id
    /// LIMIT ?`), a page at a time: a year of pieces is gigabytes, never read at once.
    func eachRow(_ sql: String, page: Int = 256, _ body: ([StoreValue]) throws -> Void) throws {
        var after: Int64 = -1
        while true {
            let rows = try db.run(sql, [.int(after), .int(Int64(page))])
            for r in rows { try body(r) }
            guard rows.count == page, let last = rows.last else { return }
            after = last[0].int
        }
    }

    /// Reads every piece once and checks those listed (`listed`: each piece, with the first
    /// run that lists it) against their SHA-256; returns the problems, by run.
    func verifyPieces(_ listed: [[UInt8]: Int64]) throws -> [(run: Int64, message: String)] {
        guard hasPieces, !listed.isEmpty else { return [] }
        var problems: [(Int64, String)] = []
        var found = Set<[UInt8]>()
        try eachRow("SELECT id, sha256, size, data FROM pieces WHERE id > ? ORDER BY id LIMIT ?") { row in
            let hash = row[1].blob
            guard let run = listed[hash] else { return }
            found.insert(hash)
            let size = Int(row[2].int)
            let ok: Bool
            do {
                ok = try row[3].blob.withUnsafeBytes { try Zstandard.decompress($0, size: size) }.withUnsafeBytes { SHA256.digest($0) } == hash
            } catch { ok = false }
            if !ok { problems.append((run, "piece \(SHA256.hexDigits(hash).prefix(16))... of its document was edited (and any later run that lists it)")) }
        }
        for (hash, run) in listed where !found.contains(hash) {
            problems.append((run, "piece \(SHA256.hexDigits(hash).prefix(16))... of its document is missing (and from any later run that lists it)"))
        }
        return problems
    }

    /// Removes pieces no remaining run lists (after pruning); returns how many.
    func collectUnlistedPieces() throws -> Int {
        var listed = Set<[UInt8]>()
        try eachRow("SELECT run, manifest FROM run_pieces WHERE run > ? ORDER BY run LIMIT ?") {
            row in
            let m = row[1].blob
            for i in stride(from: 0, to: m.count, by: 32) { listed.insert(Array(m[i..<i + 32])) }
        }
        var unlisted: [Int64] = []
        try eachRow("SELECT id, sha256 FROM pieces WHERE id > ? ORDER BY id LIMIT ?", page: 4096) { row in
            if !listed.contains(row[1].blob) { unlisted.append(row[0].int) }
        }
        for id in unlisted { try db.run("DELETE FROM pieces WHERE id = ?", [.int(id)]) }
        return unlisted.count
    }
}
