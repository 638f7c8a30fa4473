import Foundation
import GavelPostgres
import GavelSQLite

/// A value in or out of the store's database.
enum StoreValue: Equatable {
    case null
    case int(Int64)
    case text(String)
    case blob([UInt8])

    var int: Int64 { if case .int(let n) = self { return n }; return 0 }
    var text: String? { if case .text(let s) = self { return s }; return nil }
    var blob: [UInt8] { if case .blob(let b) = self { return b }; return [] }
    var isNull: Bool { self == .null }
}

/// The database under a history store: an SQLite file, or a team's PostgreSQL. The history
/// is written once, in SQL both understand, with `?` placeholders; the little that differs
/// (types in the schema, how a writer takes the lock, how a table's order is kept) is here.
protocol StoreDatabase: AnyObject {
    var isPostgres: Bool { get }
    /// Runs one statement; returns its rows.
    @discardableResult func run(_ sql: String, _ params: [StoreValue]) throws -> [[StoreValue]]
    /// Runs statements without parameters (a schema).
    func script(_ sql: String) throws
    /// The history's schema (written as SQLite takes it) in this database's words.
    func schema(_ sqlite: String) -> String
    /// Runs `body` holding the store's write lock, in one transaction: writers queue, and a
    /// writer that dies or throws leaves nothing of its run.
    func writeTransaction<T>(_ body: () throws -> T) throws -> T
}

extension StoreDatabase {
    @discardableResult func run(_ sql: String) throws -> [[StoreValue]] { try run(sql, []) }
}

/// SQLite: one file, WAL mode, `BEGIN IMMEDIATE` for writers.
final class SQLiteStoreDatabase: StoreDatabase {
    let db: Database
    var isPostgres: Bool { false }

    init(path: String, create: Bool) throws {
        db = try Database(path: path, create: create)
        db.busyTimeout(milliseconds: 120_000)
        try db.exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON")
        if create { try db.exec("PRAGMA journal_mode=WAL") }
    }

    func run(_ sql: String, _ params: [StoreValue]) throws -> [[StoreValue]] {
        let s = try db.prepare(sql)
        try s.bind(
            params.map {
                switch $0 {
                case .null: return .null
                case .int(let n): return .int(n)
                case .text(let t): return .text(t)
                case .blob(let b): return .blob(b)
                }
            })
        var rows: [[StoreValue]] = []
        while try s.step() {
            rows.append(
                (0..<s.columnCount).map { c in
                    switch s.columnType(c) {
                    case .null: return .null
                    case .integer: return .int(s.int(c))
                    case .blob: return .blob(s.blob(c))
                    case .text: return .text(s.text(c) ?? "")
                    }
                })
        }
        return rows
    }

    func script(_ sql: String) throws { try db.exec(sql) }

    func schema(_ sqlite: String) -> String { sqlite.replacingOccurrences(of: "{control order}", with: "") }

    func writeTransaction<T>(_ body: () throws -> T) throws -> T { try db.writeTransaction(body) }
}

/// PostgreSQL through libpq: writers take a transaction-scoped advisory lock, so runs from
/// several evaluators land one after the other in the chain; a writer that dies, or whose
/// connection drops, has its transaction rolled back by the server.
final class PostgresStoreDatabase: StoreDatabase {
    let connection: PostgresConnection
    var isPostgres: Bool { true }
    /// The advisory lock every writer of a Gavel history takes ("gavel" in ASCII).
    static let writeLock: Int64 = 0x6761_7665_6C

    init(conninfo: String) throws {
        connection = try PostgresConnection(conninfo)
    }

    /// `?` placeholders as PostgreSQL's `$1`, `$2`, ... (the history's SQL has no `?` in
    /// string literals).
    static func numbered(_ sql: String) -> String {
        var out = ""
        var n = 0
        for ch in sql {
            if ch == "?" {
                n += 1
                out += "$\(n)"
            } else {
                out.append(ch)
            }
        }
        return out
    }

    func run(_ sql: String, _ params: [StoreValue]) throws -> [[StoreValue]] {
        let rows = try connection.query(
            Self.numbered(sql),
            params.map {
                switch $0 {
                case .null: return .null
                case .int(let n): return .int(n)
                case .text(let t): return .text(t)
                case .blob(let b): return .bytes(b)
                }
            })
        return rows.map { row in
            row.map {
                switch $0 {
                case .null: return .null
                case .int(let n): return .int(n)
                case .text(let t): return .text(t)
                case .bytes(let b): return .blob(b)
                }
            }
        }
    }

    func script(_ sql: String) throws { try connection.execute(sql) }

    /// 64-bit integers, `bytea` for blobs, a sequence for a key SQLite numbers itself, views
    /// replaced rather than kept, and the order of a run's control rows in `seq`.
    func schema(_ sqlite: String) -> String {
        sqlite.replacingOccurrences(of: "{control order}", with: ", seq INTEGER NOT NULL")
            .replacingOccurrences(of: "id INTEGER PRIMARY KEY, pruned_at", with: "id BIGSERIAL PRIMARY KEY, pruned_at")
            .replacingOccurrences(of: "id INTEGER PRIMARY KEY, sha256", with: "id BIGSERIAL PRIMARY KEY, sha256")
            .replacingOccurrences(of: "INTEGER", with: "BIGINT")
            .replacingOccurrences(of: "BLOB", with: "BYTEA")
            .replacingOccurrences(of: "CREATE VIEW IF NOT EXISTS", with: "CREATE OR REPLACE VIEW")
    }

    func writeTransaction<T>(_ body: () throws -> T) throws -> T {
        try connection.execute("BEGIN")
        do {
            try connection.query("SELECT pg_advisory_xact_lock($1)", [.int(Self.writeLock)])
            let out = try body()
            try connection.execute("COMMIT")
            return out
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }
}
