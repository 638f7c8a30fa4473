import CSQLite
import Foundation

/// A failed SQLite call: the library's message and result code.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    public var code: Int32
    public var message: String
    public var description: String { "\(message) (SQLite code \(code))" }
    /// The database is locked by another writer longer than the busy timeout.
    public var isBusy: Bool { code & 0xFF == SQLITE_BUSY || code & 0xFF == SQLITE_LOCKED }
}

/// One SQLite database connection. The only place (with `Statement`) where SQLite's C API
/// is used; everything above sees Swift values. Not shared between threads.
public final class Database {
    let handle: OpaquePointer

    /// Opens `path`, creating it when `create` is true.
    public init(path: String, create: Bool) throws(SQLiteError) {
        var h: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &h, flags, nil)
        guard rc == SQLITE_OK, let h else {
            let msg = h.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let h { sqlite3_close_v2(h) }
            throw SQLiteError(code: rc, message: msg)
        }
        handle = h
        sqlite3_extended_result_codes(h, 1)
    }

    deinit { sqlite3_close_v2(handle) }

    /// How long a statement waits for another connection's lock before failing.
    public func busyTimeout(milliseconds: Int32) { sqlite3_busy_timeout(handle, milliseconds) }

    func error(_ rc: Int32) -> SQLiteError { SQLiteError(code: rc, message: String(cString: sqlite3_errmsg(handle))) }

    /// Runs one or more statements that return no rows.
    public func exec(_ sql: String) throws(SQLiteError) {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw error(rc) }
    }

    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        var s: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &s, nil)
        guard rc == SQLITE_OK, let s else { throw error(rc) }
        return Statement(s, self)
    }

    /// Runs `body` in a transaction that takes the write lock at once (`BEGIN IMMEDIATE`),
    /// so two writers never interleave; rolls back when `body` throws.
    public func writeTransaction<T>(_ body: () throws -> T) throws -> T {
        try exec("BEGIN IMMEDIATE")
        do {
            let out = try body()
            try exec("COMMIT")
            return out
        } catch {
            try? exec("ROLLBACK")
            throw error
        }
    }
}

/// A prepared statement: bind by position (from 1), step, read columns (from 0).
public final class Statement {
    let handle: OpaquePointer
    let db: Database
    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ h: OpaquePointer, _ db: Database) {
        handle = h
        self.db = db
    }

    deinit { sqlite3_finalize(handle) }

    public enum Value: Sendable, Equatable {
        case null
        case int(Int64)
        case text(String)
        case blob([UInt8])
    }

    @discardableResult
    public func bind(_ values: [Value]) throws(SQLiteError) -> Statement {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (i, v) in values.enumerated() {
            let at = Int32(i + 1)
            let rc: Int32
            switch v {
            case .null: rc = sqlite3_bind_null(handle, at)
            case .int(let n): rc = sqlite3_bind_int64(handle, at, n)
            case .text(let s): rc = sqlite3_bind_text(handle, at, s, -1, Statement.transient)
            // An empty array has no storage, and SQLite takes a blob without bytes for NULL:
            // an empty blob is bound as one.
            case .blob(let b) where b.isEmpty: rc = sqlite3_bind_zeroblob(handle, at, 0)
            case .blob(let b): rc = b.withUnsafeBytes { sqlite3_bind_blob64(handle, at, $0.baseAddress, sqlite3_uint64($0.count), Statement.transient) }
            }
            guard rc == SQLITE_OK else { throw db.error(rc) }
        }
        return self
    }

    /// Advances to the next row; false when there is none.
    public func step() throws(SQLiteError) -> Bool {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        guard rc == SQLITE_DONE else { throw db.error(rc) }
        return false
    }

    /// Runs a statement that returns no rows.
    public func run(_ values: [Value] = []) throws(SQLiteError) {
        try bind(values)
        _ = try step()
    }

    public func int(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    public func text(_ column: Int32) -> String? {
        guard let p = sqlite3_column_text(handle, column) else { return nil }
        return String(cString: p)
    }

    public func blob(_ column: Int32) -> [UInt8] {
        let n = Int(sqlite3_column_bytes(handle, column))
        guard n > 0, let p = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }

    public enum ColumnType: Sendable { case null, integer, blob, text }

    /// How many columns the statement's rows have.
    public var columnCount: Int32 { sqlite3_column_count(handle) }

    /// The type of a column's value in the current row (a real number reads as text).
    public func columnType(_ column: Int32) -> ColumnType {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_NULL: return .null
        case SQLITE_INTEGER: return .integer
        case SQLITE_BLOB: return .blob
        default: return .text
        }
    }

    public func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
}
