import Foundation
import GavelCore
import GavelResults

/// One recorded run: its results document's facts, and its link in the hash chain.
public struct HistoryRun: Sendable, Equatable {
    public var id: Int64
    public var startedAt: String
    public var finishedAt: String
    public var recordedAt: String
    public var policyDigest: String
    public var assets: Int
    public var evaluations: Int
    public var pass: Int
    public var fail: Int
    public var error: Int
    public var waived: Int
    public var controlsFailing: Int
    /// SHA-256 of the stored document's bytes.
    public var documentSHA256: String
    /// The previous run's `entryHash` (64 zeros for the first run ever recorded).
    public var previousHash: String
    /// SHA-256 over this run's id, times, policy digest, document digest and `previousHash`.
    public var entryHash: String
    /// The SHA-256 of the list of the document's pieces (format 2); nil for a run recorded
    /// by a store of format 1, which kept the document whole.
    public var piecesDigest: String? = nil

    public init(
        id: Int64, startedAt: String, finishedAt: String, recordedAt: String, policyDigest: String, assets: Int, evaluations: Int, pass: Int,
        fail: Int, error: Int, waived: Int, controlsFailing: Int, documentSHA256: String, previousHash: String, entryHash: String,
        piecesDigest: String? = nil
    ) {
        self.id = id
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.recordedAt = recordedAt
        self.policyDigest = policyDigest
        self.assets = assets
        self.evaluations = evaluations
        self.pass = pass
        self.fail = fail
        self.error = error
        self.waived = waived
        self.controlsFailing = controlsFailing
        self.documentSHA256 = documentSHA256
        self.previousHash = previousHash
        self.entryHash = entryHash
        self.piecesDigest = piecesDigest
    }
}

/// The history of runs (`--store PATH`, or `--store postgresql://...` for a team's store):
/// an SQLite file or a PostgreSQL database, created on first use, holding each run's
/// complete results document (in pieces, each kept once: `PieceStore.swift`), a per-control
/// verdict index for timelines, and a hash chain over the runs (each entry hashes the
/// previous entry's hash) that `HistoryVerifier` checks. Every write is one transaction that
/// holds the store's write lock (`StoreDatabase`): a process killed at any point leaves the
/// last committed state, and concurrent writers queue rather than interleave.
public final class HistoryStore {
    public static let genesis = String(repeating: "0", count: 64)
    /// The store formats this version reads: 1 kept each document whole, 2 in pieces.
    static let formats = ["gavel-history/v1", "gavel-history/v2"]
    /// The file, or the PostgreSQL URL as given (without a password: one is refused).
    public let path: String
    let db: StoreDatabase
    /// Whether the store has the tables of format 2 (a format-1 store opened only to read
    /// has not been upgraded).
    var hasPieces = false

    /// Whether `store` names a PostgreSQL database rather than an SQLite file.
    public static func isPostgres(_ store: String) -> Bool {
        store.hasPrefix("postgresql:") || store.hasPrefix("postgres:")
    }

    /// Opens the store; `create` makes the file (or the tables in the database) when missing,
    /// otherwise a missing store is an error.
    public init(path: String, create: Bool) throws(Diagnostic) {
        self.path = path
        let postgres = HistoryStore.isPostgres(path)
        if !postgres && !create && !FileManager.default.fileExists(atPath: path) {
            throw Diagnostic(.noHistoryStore, "no history store at \(path) (runs are recorded with gavel eval --store \(path))")
        }
        do {
            db = try postgres ? PostgresStoreDatabase(conninfo: try HistoryStore.conninfo(path)) : SQLiteStoreDatabase(path: path, create: create)
        } catch let e as Diagnostic {
            throw e
        } catch {
            throw Diagnostic(postgres ? .historyStore : .notAHistoryStore, "\(path): \(error)" + (postgres ? "" : " (is it a Gavel history store?)"))
        }
        do {
            if create {
                try db.writeTransaction {
                    try db.script(db.schema(HistoryStore.schema))
                    // A store of format 1 keeps its runs as they are; new runs are stored in
                    // pieces (format 2) from here on.
                    try db.script(db.schema(HistoryStore.pieceSchema))
                    try db.script(db.schema(HistoryStore.views))
                    try db.run("UPDATE meta SET value = 'gavel-history/v2' WHERE key = 'schema'")
                }
            }
            // Reading commands never write: a store that lacks the tables is not one.
            let rows = try HistoryStore.meta(db)
            guard let format = rows, HistoryStore.formats.contains(format) else {
                throw Diagnostic(
                    rows == nil && postgres ? .noHistoryStore : .notAHistoryStore,
                    rows == nil && postgres
                        ? "no history store in \(path) (runs are recorded with gavel eval --store \(path))" : "\(path) is not a Gavel history store")
            }
            hasPieces = format != "gavel-history/v1"
        } catch let e as Diagnostic {
            throw e
        } catch {
            // A PostgreSQL role that may not create tables (PostgreSQL 15 and later give no one
            // but the owner CREATE on the public schema) is not a store that is not Gavel's.
            if postgres && create && "\(error)".contains("SQLSTATE 42501") {
                throw Diagnostic(
                    .historyStore,
                    "\(path): \(error) (the role cannot create the store's tables: give a database it owns, or GRANT CREATE ON SCHEMA public to it)")
            }
            throw Diagnostic(.notAHistoryStore, "\(path): \(error) (is it a Gavel history store?)")
        }
    }

    /// The store's format, from its `meta` table; nil when a PostgreSQL database has no such
    /// table yet.
    static func meta(_ db: StoreDatabase) throws -> String? {
        if db.isPostgres, try db.run("SELECT to_regclass('meta') IS NOT NULL")[0][0].int == 0 { return nil }
        return try db.run("SELECT value FROM meta WHERE key = 'schema'").first?.first?.text
    }

    /// The URL as libpq takes it. A password in it is refused: it would be on the command
    /// line, in the process list and in shell history (use `PGPASSWORD`, `PGPASSFILE` or
    /// `~/.pgpass`, which libpq reads).
    static func conninfo(_ url: String) throws(Diagnostic) -> String {
        let rest = url.drop { $0 != ":" }.dropFirst()
        let authority = rest.hasPrefix("//") ? rest.dropFirst(2).prefix { $0 != "/" && $0 != "?" } : ""
        let userPassword = authority.lastIndex(of: "@").map { authority[..<$0].contains(":") } ?? false
        if userPassword || url.contains("password=") {
            throw Diagnostic(
                .storePassword, "the store URL holds a password: give it in PGPASSWORD, PGPASSFILE or ~/.pgpass instead, never on the command line")
        }
        // `postgresql:` alone: everything from the PG* environment.
        return rest.isEmpty ? "" : url
    }

    /// The schema (format 1's tables; `pieceSchema` adds format 2's), as SQLite takes it;
    /// `StoreDatabase.schema` gives PostgreSQL's from it. The document column holds format-1
    /// runs' documents whole; format-2 runs leave it empty. `{control order}` is where
    /// PostgreSQL keeps the order of a run's control rows (SQLite keeps it in its rowid).
    static let schema = """
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta (key, value) VALUES ('schema', 'gavel-history/v1') ON CONFLICT DO NOTHING;
        CREATE TABLE IF NOT EXISTS runs (
          id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT NOT NULL, recorded_at TEXT NOT NULL,
          policy_digest TEXT NOT NULL, assets INTEGER NOT NULL, evaluations INTEGER NOT NULL, pass INTEGER NOT NULL,
          fail INTEGER NOT NULL, error INTEGER NOT NULL, waived INTEGER NOT NULL, controls_failing INTEGER NOT NULL,
          document_sha256 TEXT NOT NULL UNIQUE, previous_hash TEXT NOT NULL, entry_hash TEXT NOT NULL,
          document BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS control_verdicts (
          run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, control TEXT NOT NULL, verdict TEXT NOT NULL,
          assets_failing TEXT NOT NULL{control order}, PRIMARY KEY (run, control));
        CREATE INDEX IF NOT EXISTS control_verdicts_by_control ON control_verdicts (control, run);
        CREATE TABLE IF NOT EXISTS prunes (
          id INTEGER PRIMARY KEY, pruned_at TEXT NOT NULL, keep_days INTEGER NOT NULL, through_run INTEGER NOT NULL,
          runs INTEGER NOT NULL, chain_hash TEXT NOT NULL);
        """

    /// Views for an auditor's BI tool (the same in both databases): one row per control and
    /// night, and one per run. Their columns are stable; the tables under them may change.
    static let views = """
        CREATE VIEW IF NOT EXISTS control_nights AS
          SELECT c.control AS control, substr(r.started_at, 1, 10) AS night, r.id AS run, r.started_at AS started_at,
                 c.verdict AS verdict, c.assets_failing AS assets_failing, r.policy_digest AS policy_digest, r.entry_hash AS entry_hash
          FROM control_verdicts c JOIN runs r ON r.id = c.run;
        CREATE VIEW IF NOT EXISTS run_summaries AS
          SELECT id AS run, substr(started_at, 1, 10) AS night, started_at, finished_at, recorded_at, policy_digest, assets,
                 evaluations, pass, fail, error, waived, controls_failing, document_sha256, entry_hash
          FROM runs;
        """

    /// The order of a run's control rows as recorded.
    var controlOrder: String { db.isPostgres ? "seq" : "rowid" }

    static let columns =
        "id, started_at, finished_at, recorded_at, policy_digest, assets, evaluations, pass, fail, error, waived, controls_failing, document_sha256, previous_hash, entry_hash"

    /// The columns `row` reads (16 of them), of the runs table as `alias`.
    func runColumns(_ alias: String = "runs") -> String {
        let plain = HistoryStore.columns.split(separator: ",").map { "\(alias)." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")
        return plain + (hasPieces ? ", (SELECT manifest_sha256 FROM run_pieces WHERE run = \(alias).id)" : ", NULL")
    }

    static func row(_ s: [StoreValue]) -> HistoryRun {
        HistoryRun(
            id: s[0].int, startedAt: s[1].text ?? "", finishedAt: s[2].text ?? "", recordedAt: s[3].text ?? "", policyDigest: s[4].text ?? "",
            assets: Int(s[5].int), evaluations: Int(s[6].int), pass: Int(s[7].int), fail: Int(s[8].int), error: Int(s[9].int),
            waived: Int(s[10].int), controlsFailing: Int(s[11].int), documentSHA256: s[12].text ?? "", previousHash: s[13].text ?? "",
            entryHash: s[14].text ?? "", piecesDigest: s[15].text)
    }

    /// The chain hash of a run over everything recorded about it (times, policy digest,
    /// counts, its per-control rows, its document's SHA-256, for format 2 the list of its
    /// pieces, the previous hash): what the next run's `previousHash` must be. Editing any of
    /// these shows without reading the document again.
    public static func entryHash(_ r: HistoryRun, controlsDigest: String) -> String {
        let format = r.piecesDigest == nil ? "gavel-history/v1" : "gavel-history/v2"
        let facts =
            "\(format)\n\(r.id)\n\(r.startedAt)\n\(r.finishedAt)\n\(r.recordedAt)\n\(r.policyDigest)\n"
            + "\(r.assets) \(r.evaluations) \(r.pass) \(r.fail) \(r.error) \(r.waived) \(r.controlsFailing)\n"
            + "\(controlsDigest)\n\(r.documentSHA256)\n" + (r.piecesDigest.map { "pieces \($0)\n" } ?? "") + "\(r.previousHash)\n"
        return SHA256.hex(Array(facts.utf8))
    }

    /// SHA-256 over a run's per-control rows, in order.
    public static func controlsDigest(_ rows: [(control: String, verdict: String, assets: String)]) -> String {
        var h = SHA256()
        for r in rows { h.update(Array("\(r.control)\t\(r.verdict)\t\(r.assets)\n".utf8)) }
        return h.finalizeHex()
    }

    /// The per-control rows a document gives: control, verdict, failing or erring assets.
    public static func controlRows(_ doc: ResultsDocument) -> [(control: String, verdict: String, assets: String)] {
        doc.controls.map { c in
            (c.ref.description, c.verdict.rawValue, c.assets.filter { $0.verdict == .fail || $0.verdict == .error }.map(\.asset).joined(separator: ","))
        }
    }

    /// Test hook: when set, a writer stops inside its transaction (after the run's row,
    /// before its control rows and the commit) and says so on stderr, so a test can kill it
    /// or end its connection there.
    static let stallVariable = "GAVEL_TEST_HISTORY_STALL"

    /// Appends a run: `bytes` is its results document, `doc` the same document read. A
    /// document already recorded is refused (a retried nightly job does not record twice).
    public func append(bytes: [UInt8], doc: ResultsDocument, now: Date = Date()) throws(Diagnostic) -> HistoryRun {
        do { return try bytes.withUnsafeBytes { raw in try append(raw: raw, doc: doc, now: now) } } catch { throw HistoryStore.typed(error) }
    }

    static func typed(_ error: any Error) -> Diagnostic { error as? Diagnostic ?? Diagnostic(.historyStore, "\(error)") }

    /// The same, from a file (a large document is never held in memory: it is read, cut into
    /// pieces and stored a few megabytes at a time). `inTimeOrder` refuses a document that
    /// started before the newest recorded run (archived nights are imported oldest first, so
    /// the chain's order is the order of the nights).
    public func append(file: String, doc: ResultsDocument, now: Date = Date(), inTimeOrder: Bool = false) throws(Diagnostic) -> HistoryRun {
        try insert(body: .file(file), doc: doc, now: now, inTimeOrder: inTimeOrder)
    }

    static func eachBlock(of file: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: file) else { throw Diagnostic(.historyStore, "cannot open \(file)") }
        defer { try? handle.close() }
        while let data = try handle.read(upToCount: 4 << 20), !data.isEmpty {
            try data.withUnsafeBytes { try body($0) }
        }
    }

    enum Body {
        case memory(UnsafeRawBufferPointer)
        case file(String)
    }

    func append(raw bytes: UnsafeRawBufferPointer, doc: ResultsDocument, now: Date) throws(Diagnostic) -> HistoryRun {
        try insert(body: .memory(bytes), doc: doc, now: now)
    }

    func insert(body: Body, doc: ResultsDocument, now: Date, inTimeOrder: Bool = false) throws(Diagnostic) -> HistoryRun {
        guard hasPieces else { return try refuseReadOnly() }
        do {
            return try db.writeTransaction { () throws -> HistoryRun in
                if inTimeOrder, let last = try db.run("SELECT id, started_at FROM runs ORDER BY id DESC LIMIT 1").first,
                    let lastStart = last[1].text, Timestamp.string(doc.startedAt) < lastStart
                {
                    throw Diagnostic(
                        .historyOutOfOrder,
                        "this run started at \(Timestamp.string(doc.startedAt)), before run #\(last[0].int) (\(lastStart)): record archived results oldest first"
                    )
                }
                // The pieces first (those the store lacks), with the document's digest: one read
                // of the document, which therefore cannot change between hashing and storing.
                let (manifest, digest) = try storePieces { block in
                    switch body {
                    case .memory(let bytes): try block(bytes)
                    case .file(let file):
                        do { try HistoryStore.eachBlock(of: file, block) } catch let e as Diagnostic { throw e } catch {
                            throw Diagnostic(.historyStore, "cannot read \(file): \(error)")
                        }
                    }
                }
                if let dup = try db.run("SELECT id FROM runs WHERE document_sha256 = ?", [.text(digest)]).first {
                    throw Diagnostic(.alreadyRecorded, "this results document is already recorded as run #\(dup[0].int) in \(path)")
                }
                var id: Int64 = 1, previous = HistoryStore.genesis
                if let last = try db.run("SELECT id, entry_hash FROM runs ORDER BY id DESC LIMIT 1").first {
                    id = last[0].int + 1
                    previous = last[1].text ?? ""
                } else if let base = try chainBase() {
                    id = base.id + 1
                    previous = base.hash
                }
                let started = Timestamp.string(doc.startedAt), finished = Timestamp.string(doc.finishedAt)
                let rows = HistoryStore.controlRows(doc)
                var run = HistoryRun(
                    id: id, startedAt: started, finishedAt: finished, recordedAt: Timestamp.string(now), policyDigest: doc.policyDigest,
                    assets: doc.assets.count, evaluations: doc.entries.count, pass: doc.count(.pass), fail: doc.count(.fail),
                    error: doc.count(.error), waived: doc.count(.waived), controlsFailing: doc.controls.filter { $0.verdict == .fail }.count,
                    documentSHA256: digest, previousHash: previous, entryHash: "", piecesDigest: manifest.digest)
                run.entryHash = HistoryStore.entryHash(run, controlsDigest: HistoryStore.controlsDigest(rows))
                let hash = run.entryHash
                // The document itself is in its pieces; the column stays for format-1 runs.
                try db.run(
                    "INSERT INTO runs (\(HistoryStore.columns), document) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    [
                        .int(id), .text(started), .text(finished), .text(run.recordedAt), .text(run.policyDigest), .int(Int64(run.assets)),
                        .int(Int64(run.evaluations)), .int(Int64(run.pass)), .int(Int64(run.fail)), .int(Int64(run.error)), .int(Int64(run.waived)),
                        .int(Int64(run.controlsFailing)), .text(digest), .text(previous), .text(hash), .blob([]),
                    ])
                try recordManifest(manifest, run: id)
                if let stall = ProcessInfo.processInfo.environment[HistoryStore.stallVariable] {
                    FileHandle.standardError.write(Data("stalled in the write transaction\n".utf8))
                    // The value is seconds when it is a number above 1 (a test that ends the
                    // connection meanwhile); else a minute, for a test that kills the writer.
                    Thread.sleep(forTimeInterval: Double(stall).flatMap { $0 > 1 ? $0 : nil } ?? 60)
                }
                try insertControlRows(rows, run: id)
                return run
            }
        } catch let e as Diagnostic {
            throw e
        } catch {
            throw Diagnostic(.historyStore, "cannot record the run in \(path): \(error)")
        }
    }

    /// Every run, oldest first (by id: the order they were recorded in).
    public func runs() throws(Diagnostic) -> [HistoryRun] {
        do {
            return try db.run("SELECT \(runColumns()) FROM runs ORDER BY id").map(HistoryStore.row)
        } catch { throw Diagnostic(.historyStore, "cannot read \(path): \(error)") }
    }

    /// A run's stored results document, as bytes.
    public func documentBytes(_ id: Int64) throws(Diagnostic) -> [UInt8] {
        var out: [UInt8] = []
        try eachDocumentBlock(id) { out.append(contentsOf: $0) }
        return out
    }

    /// A run's stored document handed to `body` a piece at a time, in order, never whole.
    public func eachDocumentBlock(_ id: Int64, _ body: (UnsafeRawBufferPointer) throws -> Void) throws(Diagnostic) {
        do {
            guard !(try db.run("SELECT id FROM runs WHERE id = ?", [.int(id)])).isEmpty else { throw Diagnostic(.noSuchRun, "no run #\(id) in \(path)") }
            if hasPieces, let (m, _) = try manifest(id) {
                try eachPiece(of: m, body)
            } else {
                let whole = try db.run("SELECT document FROM runs WHERE id = ?", [.int(id)])[0][0].blob
                try whole.withUnsafeBytes { try body($0) }
            }
        } catch let e as Diagnostic { throw e } catch {
            throw Diagnostic(.historyStore, "cannot read run #\(id) in \(path): \(error)")
        }
    }

    /// SHA-256 of a run's stored document, read a piece at a time.
    public func documentDigest(_ id: Int64) throws(Diagnostic) -> String {
        var h = SHA256()
        try eachDocumentBlock(id) { h.update($0) }
        return h.finalizeHex()
    }

    /// A store of format 1 opened only to read cannot record (writers upgrade it on opening).
    func refuseReadOnly() throws(Diagnostic) -> HistoryRun {
        throw Diagnostic(.historyStore, "\(path) was opened to read; record runs with gavel eval --store or gavel history add")
    }

    public func document(_ id: Int64) throws(Diagnostic) -> ResultsDocument {
        try ResultsDocument.read(bytes: try documentBytes(id), file: "\(path)#\(id)")
    }

    /// A run's document with only the results and control rows of `assets` built (patterns,
    /// as `--asset` takes them; empty: none, for its controls, waivers and coverage alone).
    public func document(_ id: Int64, assets: [String]) throws(Diagnostic) -> ResultsDocument {
        try ResultsDocument.read(bytes: try documentBytes(id), file: "\(path)#\(id)", assets: assets)
    }

    /// Where the chain starts after pruning: the last pruned run's id and entry hash.
    func chainBase() throws -> (id: Int64, hash: String)? {
        try db.run("SELECT through_run, chain_hash FROM prunes ORDER BY id DESC LIMIT 1").first.map { ($0[0].int, $0[1].text ?? "") }
    }

    /// The control rows recorded for a run (for verification).
    func recordedControlRows(_ id: Int64) throws -> [(control: String, verdict: String, assets: String)] {
        try db.run("SELECT control, verdict, assets_failing FROM control_verdicts WHERE run = ? ORDER BY \(controlOrder)", [.int(id)]).map {
            ($0[0].text ?? "", $0[1].text ?? "", $0[2].text ?? "")
        }
    }

    /// Records a run's control rows, in order.
    func insertControlRows(_ rows: [(control: String, verdict: String, assets: String)], run id: Int64) throws {
        for (i, c) in rows.enumerated() {
            if db.isPostgres {
                try db.run(
                    "INSERT INTO control_verdicts (run, control, verdict, assets_failing, seq) VALUES (?,?,?,?,?)",
                    [.int(id), .text(c.control), .text(c.verdict), .text(c.assets), .int(Int64(i))])
            } else {
                try db.run(
                    "INSERT INTO control_verdicts (run, control, verdict, assets_failing) VALUES (?,?,?,?)",
                    [.int(id), .text(c.control), .text(c.verdict), .text(c.assets)])
            }
        }
    }
}
