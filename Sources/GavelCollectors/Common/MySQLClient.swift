import Foundation
import GavelCore

/// Queries MariaDB or MySQL through the `mariadb` (or `mysql`) command-line client, with the
/// credentials in a temporary option file (mode 0600, removed afterwards), never on a command
/// line. Rows come back as fields, unescaped from the client's batch format.
struct MySQLClient {
    /// The database to use; empty: none (server-wide queries).
    var database: String
    /// Empty: the client's default (the operating-system user, for socket authentication).
    var user: String
    /// nil: no password (socket authentication).
    var password: String?
    /// "localhost" (socket), "host:port", "host:/path/to/socket", or an address.
    var host: String
    /// An option file of the user's own (`--defaults-file`), which then says how to connect
    /// instead of `user`, `password` and `host`.
    var defaultsFile: String?

    init(database: String, user: String, password: String?, host: String, defaultsFile: String? = nil) {
        (self.database, self.user, self.password, self.host, self.defaultsFile) = (database, user, password, host, defaultsFile)
    }

    func query(_ sql: String) throws -> [[String]] {
        let client = ["mariadb", "mysql"].compactMap {
            Subprocess.which($0) ?? (FileManager.default.isExecutableFile(atPath: "/usr/bin/" + $0) ? "/usr/bin/" + $0 : nil)
        }.first
        guard let client else { throw Diagnostic(.dbClient, "no mariadb or mysql client is installed to read the database") }
        let dir = NSTemporaryDirectory() + "gavel-db-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func quote(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        var lines = ["[client]"]
        if !user.isEmpty { lines.append("user=\(quote(user))") }
        if let password { lines.append("password=\(quote(password))") }
        let parts = host.split(separator: ":", maxSplits: 1).map(String.init)
        let h = parts.first ?? "localhost"
        lines.append("host=\(quote(h.isEmpty ? "localhost" : h))")
        if parts.count == 2 {
            if parts[1].hasPrefix("/") { lines.append("socket=\(quote(parts[1]))") } else if let p = Int(parts[1]) { lines.append("port=\(p)") }
        }
        let optionFile = dir + "/client.cnf"
        FileManager.default.createFile(atPath: optionFile, contents: Data((lines.joined(separator: "\n") + "\n").utf8), attributes: [.posixPermissions: 0o600])
        // `--defaults-file` must come first; it replaces the client's own option files.
        let options = defaultsFile.map { ["--defaults-file=" + $0] } ?? ["--defaults-extra-file=" + optionFile]
        let r = try Subprocess.run(
            client, options + ["--batch", "--skip-column-names"] + (database.isEmpty ? [] : ["--database=" + database]) + ["-e", sql], timeout: 60)
        guard r.status == 0 else {
            throw Diagnostic(.dbQuery, "the database query failed: \(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines).prefix(300))")
        }
        return Self.rows(r.stdout)
    }

    /// Tab-separated rows of the client's batch output.
    static func rows(_ text: String) -> [[String]] {
        text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0).map { row in
            row.split(separator: "\t", omittingEmptySubsequences: false).map { unescape(String($0)) }
        }
    }

    /// The batch format escapes \n, \t, \\ and NUL.
    static func unescape(_ s: String) -> String {
        guard s.contains("\\") else { return s }
        var out = ""
        var it = s.makeIterator()
        while let c = it.next() {
            guard c == "\\", let e = it.next() else { out.append(c); continue }
            switch e {
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "0": out.append("\0")
            case "\\": out.append("\\")
            default: out.append("\\"); out.append(e)
            }
        }
        return out
    }
}
