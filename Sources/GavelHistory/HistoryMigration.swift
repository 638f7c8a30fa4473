import GavelCore

/// `gavel history migrate`: a store copied into another (an SQLite file into a team's
/// PostgreSQL) as it is: every run with its number, times, counts, control rows, document
/// (whole or in pieces) and chain hashes, and every pruning; then the copy's chain is
/// verified on arrival and its head compared with the original's.
extension HistoryStore {
    /// Copies `source` into this store, which must hold no run. Returns how many runs were
    /// copied and the head both chains end in.
    public func copy(from source: HistoryStore) throws(Diagnostic) -> (runs: Int, head: String?) {
        let original = try HistoryVerifier(source)
        guard original.ok else {
            throw Diagnostic(.historyStore, "\(source.path) does not verify (\(original.problems.count) problems; run gavel history verify): nothing copied")
        }
        do {
            try db.writeTransaction {
                guard try db.run("SELECT COUNT(*) FROM runs")[0][0].int == 0, try db.run("SELECT COUNT(*) FROM prunes")[0][0].int == 0 else {
                    throw Diagnostic(.historyStore, "\(path) already holds runs: a store is copied into an empty one")
                }
                for p in try source.db.run("SELECT pruned_at, keep_days, through_run, runs, chain_hash FROM prunes ORDER BY id") {
                    try db.run("INSERT INTO prunes (pruned_at, keep_days, through_run, runs, chain_hash) VALUES (?,?,?,?,?)", p)
                }
                try source.eachRow("SELECT \(HistoryStore.columns), document FROM runs WHERE id > ? ORDER BY id LIMIT ?", page: 1) { row in
                    try db.run("INSERT INTO runs (\(HistoryStore.columns), document) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", row)
                    let id = row[0].int
                    try insertControlRows(try source.recordedControlRows(id), run: id)
                    if source.hasPieces, let (m, recorded) = try source.manifest(id) {
                        try db.run(
                            "INSERT INTO run_pieces (run, pieces, size, manifest_sha256, manifest) VALUES (?, ?, ?, ?, ?)",
                            [.int(id), .int(Int64(m.count)), .int(Int64(m.size)), .text(recorded), .blob(m.hashes)])
                    }
                }
                if source.hasPieces {
                    try source.eachRow("SELECT id, sha256, size, data FROM pieces WHERE id > ? ORDER BY id LIMIT ?") { row in
                        try db.run("INSERT INTO pieces (sha256, size, data) VALUES (?, ?, ?)", Array(row[1...]))
                    }
                }
            }
        } catch let e as Diagnostic { throw e } catch { throw Diagnostic(.historyStore, "cannot copy into \(path): \(error)") }
        let copy = try HistoryVerifier(self)
        guard copy.ok, copy.head == original.head else {
            let why = copy.problems.first.map(\.description) ?? "its head \(copy.head ?? "none") is not the original's \(original.head ?? "none")"
            throw Diagnostic(.historyStore, "the copy in \(path) does not verify: \(why)")
        }
        return (original.runs, original.head)
    }
}
