import CLibPQ
import Foundation

/// libpq's functions, loaded when a PostgreSQL store is first used (`dlopen` of Debian's
/// libpq5): a gavel sent to a host to collect (`collect fleet`) or run from the package
/// needs no PostgreSQL library unless it records into PostgreSQL.
struct LibPQ: @unchecked Sendable {
    let connectdb: @convention(c) (UnsafePointer<CChar>?) -> OpaquePointer?
    let status: @convention(c) (OpaquePointer?) -> ConnStatusType
    let errorMessage: @convention(c) (OpaquePointer?) -> UnsafeMutablePointer<CChar>?
    let finish: @convention(c) (OpaquePointer?) -> Void
    let setNoticeProcessor: @convention(c) (OpaquePointer?, PQnoticeProcessor?, UnsafeMutableRawPointer?) -> PQnoticeProcessor?
    let execParams:
        @convention(c) (
            OpaquePointer?, UnsafePointer<CChar>?, Int32, UnsafePointer<Oid>?, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?,
            UnsafePointer<Int32>?, Int32
        ) -> OpaquePointer?
    let exec: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> OpaquePointer?
    let resultStatus: @convention(c) (OpaquePointer?) -> ExecStatusType
    let resultErrorField: @convention(c) (OpaquePointer?, Int32) -> UnsafeMutablePointer<CChar>?
    let resultErrorMessage: @convention(c) (OpaquePointer?) -> UnsafeMutablePointer<CChar>?
    let clear: @convention(c) (OpaquePointer?) -> Void
    let ntuples: @convention(c) (OpaquePointer?) -> Int32
    let nfields: @convention(c) (OpaquePointer?) -> Int32
    let getisnull: @convention(c) (OpaquePointer?, Int32, Int32) -> Int32
    let getlength: @convention(c) (OpaquePointer?, Int32, Int32) -> Int32
    let getvalue: @convention(c) (OpaquePointer?, Int32, Int32) -> UnsafeMutablePointer<CChar>?
    let ftype: @convention(c) (OpaquePointer?, Int32) -> Oid
    let backendPID: @convention(c) (OpaquePointer?) -> Int32

    static let shared: Result<LibPQ, PostgresError> = {
        guard let h = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL) else {
            return .failure(PostgresError(message: "PostgreSQL's client library is not installed (on Debian: apt-get install libpq5)"))
        }
        func load<T>(_ name: String, _: T.Type) -> T? { dlsym(h, name).map { unsafeBitCast($0, to: T.self) } }
        guard let connectdb = load("PQconnectdb", (@convention(c) (UnsafePointer<CChar>?) -> OpaquePointer?).self),
            let status = load("PQstatus", (@convention(c) (OpaquePointer?) -> ConnStatusType).self),
            let errorMessage = load("PQerrorMessage", (@convention(c) (OpaquePointer?) -> UnsafeMutablePointer<CChar>?).self),
            let finish = load("PQfinish", (@convention(c) (OpaquePointer?) -> Void).self),
            let setNoticeProcessor = load(
                "PQsetNoticeProcessor", (@convention(c) (OpaquePointer?, PQnoticeProcessor?, UnsafeMutableRawPointer?) -> PQnoticeProcessor?).self),
            let execParams = load(
                "PQexecParams",
                (@convention(c) (
                    OpaquePointer?, UnsafePointer<CChar>?, Int32, UnsafePointer<Oid>?, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?,
                    UnsafePointer<Int32>?, Int32
                ) -> OpaquePointer?).self),
            let exec = load("PQexec", (@convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> OpaquePointer?).self),
            let resultStatus = load("PQresultStatus", (@convention(c) (OpaquePointer?) -> ExecStatusType).self),
            let resultErrorField = load("PQresultErrorField", (@convention(c) (OpaquePointer?, Int32) -> UnsafeMutablePointer<CChar>?).self),
            let resultErrorMessage = load("PQresultErrorMessage", (@convention(c) (OpaquePointer?) -> UnsafeMutablePointer<CChar>?).self),
            let clear = load("PQclear", (@convention(c) (OpaquePointer?) -> Void).self),
            let ntuples = load("PQntuples", (@convention(c) (OpaquePointer?) -> Int32).self),
            let nfields = load("PQnfields", (@convention(c) (OpaquePointer?) -> Int32).self),
            let getisnull = load("PQgetisnull", (@convention(c) (OpaquePointer?, Int32, Int32) -> Int32).self),
            let getlength = load("PQgetlength", (@convention(c) (OpaquePointer?, Int32, Int32) -> Int32).self),
            let getvalue = load("PQgetvalue", (@convention(c) (OpaquePointer?, Int32, Int32) -> UnsafeMutablePointer<CChar>?).self),
            let ftype = load("PQftype", (@convention(c) (OpaquePointer?, Int32) -> Oid).self),
            let backendPID = load("PQbackendPID", (@convention(c) (OpaquePointer?) -> Int32).self)
        else { return .failure(PostgresError(message: "libpq.so.5 lacks a function Gavel uses (too old a libpq5)")) }
        return .success(
            LibPQ(
                connectdb: connectdb, status: status, errorMessage: errorMessage, finish: finish, setNoticeProcessor: setNoticeProcessor,
                execParams: execParams, exec: exec, resultStatus: resultStatus, resultErrorField: resultErrorField,
                resultErrorMessage: resultErrorMessage, clear: clear, ntuples: ntuples, nfields: nfields, getisnull: getisnull,
                getlength: getlength, getvalue: getvalue, ftype: ftype, backendPID: backendPID))
    }()
}

/// A failed PostgreSQL call: the server's or libpq's message, and the SQLSTATE when the
/// server gave one.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var sqlState: String?
    public var description: String { message.trimmingCharacters(in: .whitespacesAndNewlines) + (sqlState.map { " (SQLSTATE \($0))" } ?? "") }
}

/// One connection to PostgreSQL through libpq, PostgreSQL's own client library, chosen over
/// postgres-nio: Gavel's history code is synchronous, as libpq's calls are (no event loop to
/// run beside it), and libpq reads the connection string, the `PG*` environment,
/// `~/.pgpass` and service files as every PostgreSQL tool does. The only place
/// libpq's C API is used; everything above sees Swift values. Not shared between threads.
public final class PostgresConnection {
    let handle: OpaquePointer
    let pq: LibPQ

    public enum Value: Sendable, Equatable {
        case null
        case int(Int64)
        case text(String)
        case bytes([UInt8])
    }

    /// Connects with a libpq connection string or URI (`postgresql://host/db`; empty: the
    /// `PG*` environment alone).
    public init(_ conninfo: String) throws(PostgresError) {
        let pq: LibPQ
        switch LibPQ.shared {
        case .success(let loaded): pq = loaded
        case .failure(let e): throw e
        }
        guard let h = pq.connectdb(conninfo) else { throw PostgresError(message: "libpq could not allocate a connection") }
        guard pq.status(h) == CONNECTION_OK else {
            let message = String(cString: pq.errorMessage(h)!)
            pq.finish(h)
            throw PostgresError(message: message)
        }
        handle = h
        self.pq = pq
        // Notices (e.g. "relation already exists, skipping") are not Gavel's output.
        _ = pq.setNoticeProcessor(h, { _, _ in }, nil)
    }

    deinit { pq.finish(handle) }

    /// Whether the connection still works (false after the server ended it).
    public var isOpen: Bool { pq.status(handle) == CONNECTION_OK }

    /// Runs one statement with `$1`-style parameters; returns its rows (all of them: the
    /// history's queries return small results, or are read a row range at a time).
    @discardableResult
    public func query(_ sql: String, _ params: [Value] = []) throws(PostgresError) -> [[Value]] {
        var buffers: [[UInt8]?] = []
        var formats: [Int32] = []
        for p in params {
            switch p {
            case .null: buffers.append(nil); formats.append(0)
            case .int(let n): buffers.append(Array(String(n).utf8) + [0]); formats.append(0)
            case .text(let s): buffers.append(Array(s.utf8) + [0]); formats.append(0)
            case .bytes(let b): buffers.append(b); formats.append(1)
            }
        }
        let lengths = buffers.map { Int32($0?.count ?? 0) }
        let result: OpaquePointer? = withPointers(buffers) { pointers in
            pq.execParams(handle, sql, Int32(params.count), nil, pointers, lengths, formats, 1)
        }
        guard let result else { throw PostgresError(message: String(cString: pq.errorMessage(handle)!)) }
        defer { pq.clear(result) }
        let status = pq.resultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            // 67 is PG_DIAG_SQLSTATE (the letter C).
            let state = pq.resultErrorField(result, 67).map { String(cString: $0) }
            throw PostgresError(message: String(cString: pq.resultErrorMessage(result)!), sqlState: state)
        }
        var rows: [[Value]] = []
        let (n, m) = (pq.ntuples(result), pq.nfields(result))
        rows.reserveCapacity(Int(n))
        for r in 0..<n {
            var row: [Value] = []
            row.reserveCapacity(Int(m))
            for c in 0..<m {
                if pq.getisnull(result, r, c) != 0 {
                    row.append(.null)
                    continue
                }
                let length = Int(pq.getlength(result, r, c))
                let raw = UnsafeRawBufferPointer(start: pq.getvalue(result, r, c), count: length)
                switch pq.ftype(result, c) {
                case 20: row.append(.int(Self.bigEndian(raw)))  // int8
                case 23, 21: row.append(.int(Self.bigEndian(raw)))  // int4, int2
                case 16: row.append(.int(raw.first == 1 ? 1 : 0))  // bool
                case 17: row.append(.bytes(Array(raw)))  // bytea
                default: row.append(.text(String(decoding: raw, as: UTF8.self)))  // text, varchar, name
                }
            }
            rows.append(row)
        }
        return rows
    }

    /// Runs several statements without parameters (a schema).
    public func execute(_ sql: String) throws(PostgresError) {
        guard let result = pq.exec(handle, sql) else { throw PostgresError(message: String(cString: pq.errorMessage(handle)!)) }
        defer { pq.clear(result) }
        let status = pq.resultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let state = pq.resultErrorField(result, 67).map { String(cString: $0) }
            throw PostgresError(message: String(cString: pq.resultErrorMessage(result)!), sqlState: state)
        }
    }

    /// The server process serving this connection (for a test that ends it from elsewhere).
    public var backendPID: Int32 { pq.backendPID(handle) }

    static func bigEndian(_ raw: UnsafeRawBufferPointer) -> Int64 {
        var v: Int64 = 0
        for b in raw { v = v << 8 | Int64(b) }
        // Sign-extend values narrower than 8 bytes.
        let shift = 64 - 8 * raw.count
        return shift > 0 ? (v << shift) >> shift : v
    }

    private func withPointers<R>(_ buffers: [[UInt8]?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        var pointers: [UnsafePointer<CChar>?] = []
        func go(_ i: Int) -> R {
            if i == buffers.count { return body(pointers) }
            guard let b = buffers[i] else {
                pointers.append(nil)
                return go(i + 1)
            }
            return b.withUnsafeBufferPointer { p in
                p.withMemoryRebound(to: CChar.self) { c in
                    pointers.append(c.baseAddress ?? UnsafePointer(bitPattern: 1))
                    return go(i + 1)
                }
            }
        }
        return go(0)
    }
}
