import Foundation
import GavelCore

/// `gavel collect mariadb`: the running server as the `mariadb` client reads it (as the
/// WordPress collector reads its database): the security-relevant global variables (an
/// allowlist: no variable that can hold a secret is read), the plugins, and the accounts
/// with their authentication, TLS requirement, locks, password policy and global
/// privileges. Never a password or a hash: only whether an account has none. Accounts need
/// `SELECT` on `mysql.user` and `mysql.global_priv`; without it they are `unavailable`, so
/// the rules that read them give `error`, never a pass.
public struct MariaDBCollector {
    /// An option file of the user's own (`/etc/mysql/debian.cnf`, `~/.my.cnf`) that says how
    /// to connect; otherwise `host`/`socket`, `user` and the password in `passwordFile`.
    public var defaultsFile: String?
    public var socket: String?
    /// `host` or `host:port`; default: the local socket.
    public var host: String?
    /// Default: the operating-system user (socket authentication).
    public var user: String?
    public var passwordFile: String?

    public init() {}

    /// Global variables recorded, by name. Others (some hold credentials, such as
    /// `wsrep_sst_auth` or `file_key_management_filekey`) are never read into the snapshot.
    public static let variables: [String] = [
        "version", "version_comment", "have_ssl", "have_openssl", "require_secure_transport", "tls_version", "ssl_cert", "ssl_key", "ssl_ca",
        "ssl_capath", "ssl_cipher", "innodb_encrypt_tables", "innodb_encrypt_log", "innodb_encrypt_temporary_tables", "innodb_encryption_threads",
        "encrypt_binlog", "encrypt_tmp_files", "encrypt_tmp_disk_tables", "aria_encrypt_tables", "file_key_management_filename",
        "file_key_management_encryption_algorithm", "bind_address", "skip_networking", "port", "skip_name_resolve", "local_infile",
        "secure_file_priv", "sql_mode", "general_log", "general_log_file", "log_error", "log_bin", "log_bin_basename", "binlog_format",
        "expire_logs_days", "binlog_expire_logs_seconds", "server_audit_logging", "server_audit_events", "server_audit_incl_users",
        "server_audit_excl_users", "server_audit_output_type", "server_audit_file_path", "server_audit_file_rotate_size",
        "server_audit_file_rotations", "server_audit_query_log_limit", "secure_auth", "max_connect_errors", "symbolic_links", "have_symlink",
        "automatic_sp_privileges",
    ]
    /// Read into `password_policy` as numbers and booleans (their names would make a string
    /// value look like a credential).
    static let passwordVariables = ["max_password_errors", "default_password_lifetime", "disconnect_on_expired_password", "old_passwords"]

    /// Hosts that reach the server only from the machine itself.
    static let localHosts: Set<String> = ["localhost", "127.0.0.1", "::1"]

    public func collect(into b: inout SnapshotBuilder) throws -> Value {
        var password: String?
        if let passwordFile {
            guard let text = try? String(contentsOfFile: passwordFile, encoding: .utf8) else {
                throw Diagnostic(.unreadableFile, "cannot read the --password-file \(passwordFile)")
            }
            password = text.trimmingCharacters(in: .newlines)
        }
        let client = MySQLClient(
            database: "", user: user ?? "", password: password, host: socket.map { "localhost:" + $0 } ?? host ?? "localhost", defaultsFile: defaultsFile)
        let server = defaultsFile.map { "the server in \($0)" } ?? (socket ?? host ?? "the local socket")

        let names = (MariaDBCollector.variables + MariaDBCollector.passwordVariables).map { "'\($0)'" }.joined(separator: ",")
        var vars: [Value.Member] = []
        var policy: [String: String] = [:]
        for row in try client.query("SHOW GLOBAL VARIABLES WHERE Variable_name IN (\(names))") where row.count == 2 {
            if MariaDBCollector.passwordVariables.contains(row[0]) { policy[row[0]] = row[1] } else { vars.append(Value.Member(row[0], .string(row[1]))) }
        }
        guard !vars.isEmpty else { throw Diagnostic(.dbQuery, "the server answered no variables: is this a MariaDB or MySQL server?") }
        let version = vars.first { $0.key == "version" }?.value.stringValue ?? ""
        let comment = vars.first { $0.key == "version_comment" }?.value.stringValue ?? ""
        let flavor = (version + " " + comment).lowercased().contains("mariadb") ? "mariadb" : "mysql"

        b.source("/variables", "SHOW GLOBAL VARIABLES on \(server)")
        var data: [Value.Member] = [
            .init("server", .object([.init("version", .string(version)), .init("flavor", .string(flavor))])),
            .init("variables", .object(vars.sorted { $0.key < $1.key })),
            .init("password_policy", MariaDBCollector.passwordPolicy(policy)),
        ]
        do {
            let plugins = try client.query("SELECT PLUGIN_NAME, PLUGIN_STATUS, PLUGIN_TYPE FROM information_schema.PLUGINS ORDER BY PLUGIN_NAME").filter {
                $0.count == 3
            }
            data.append(
                .init(
                    "plugins", .array(plugins.map { .object([.init("name", .string($0[0])), .init("status", .string($0[1])), .init("type", .string($0[2]))]) }))
            )
            b.source("/plugins", "information_schema.PLUGINS on \(server)")
        } catch let e as Diagnostic {
            b.unavailable("/plugins", e.message)
        }
        do {
            data.append(.init("accounts", .array(try accounts(client))))
            b.source("/accounts", "mysql.user and mysql.global_priv on \(server)")
        } catch let e as Diagnostic {
            b.unavailable("/accounts", e.message + " (the collecting user needs SELECT on mysql.user and mysql.global_priv)")
        }
        return .object(data)
    }

    /// Every account: from `mysql.user` its global privileges (the server decodes them) and
    /// TLS requirement; from `mysql.global_priv` (MariaDB 10.4 and later) every way it may
    /// authenticate, whether it is locked and its password lifetime. Hashes are compared
    /// with '' on the server and never leave it.
    func accounts(_ client: MySQLClient) throws -> [Value] {
        let columns = try Set(
            client.query("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'mysql' AND TABLE_NAME = 'user'").compactMap(\.first))
        let privColumns = try client.query(
            "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'mysql' AND TABLE_NAME = 'user' AND COLUMN_NAME LIKE '%\\\\_priv' ORDER BY ORDINAL_POSITION"
        ).compactMap(\.first)
        func column(_ name: String, _ otherwise: String) -> String { columns.contains(name) ? "`\(name)`" : otherwise }
        let empty = "(authentication_string = ''" + (columns.contains("Password") ? " AND `Password` = ''" : "") + ")"
        let select =
            "SELECT User, Host, plugin, \(empty), ssl_type, \(column("is_role", "'N'")), \(column("password_expired", "'N'")), "
            + "\(column("account_locked", "'N'")), \(column("password_lifetime", "NULL"))"
            + privColumns.map { ", `\($0)`" }.joined() + " FROM mysql.user ORDER BY User, Host"
        let rows = try client.query(select)
        let extra = (try? globalPriv(client)) ?? [:]
        return rows.compactMap { r -> Value? in
            guard r.count == 9 + privColumns.count else { return nil }
            let (user, host) = (r[0], r[1])
            let account = extra[user + "\u{0}" + host]
            let privileges = zip(privColumns, r[9...]).filter { $0.1 == "Y" }.map { $0.0 }
            let named = privileges.map { String($0.dropLast(5)).replacingOccurrences(of: "_", with: " ").uppercased() }
            let ways = account?.ways ?? [(r[2].isEmpty ? "mysql_native_password" : r[2], r[3] == "1")]
            // No password: a way in by password whose hash is empty (socket and other
            // plugins prove who the client is by other means).
            let passwordless = ways.contains { MariaDBCollector.passwordPlugins.contains($0.plugin) && $0.empty }
            let ssl = r[4].uppercased()
            var o: [Value.Member] = [
                .init("user", .string(user)), .init("host", .string(host)), .init("role", .bool(r[5] == "Y")),
                .init("identified_via", .array(ways.map { .string($0.plugin) })), .init("empty_password", .bool(passwordless)),
                .init("remote", .bool(!MariaDBCollector.localHosts.contains(host.lowercased()))),
                .init("any_host", .bool(host == "%" || host.isEmpty)), .init("host_pattern", .bool(host.contains("%") || host.contains("_"))),
                .init("require_tls", .bool(!ssl.isEmpty)), .init("ssl_type", .string(ssl)),
                .init("locked", .bool(account?.locked ?? (r[7] == "Y"))), .init("expired", .bool(r[6] == "Y")),
            ]
            o.append(.init("lifetime_days", (account?.lifetime ?? Int64(r[8])).map { .int($0) } ?? .null))
            o.append(.init("global_privileges", .array(named.filter { $0 != "GRANT" }.map { .string($0) })))
            o.append(.init("all_privileges", .bool(!privColumns.isEmpty && privileges.count == privColumns.count)))
            o.append(.init("grant_option", .bool(named.contains("GRANT"))))
            return .object(o)
        }
    }

    /// Plugins that authenticate with a password (whose hash may be empty).
    static let passwordPlugins: Set<String> = ["mysql_native_password", "mysql_old_password", "ed25519", "caching_sha2_password", "sha256_password"]

    /// What `mysql.global_priv` adds, by user and host: the ways to authenticate (a plugin and
    /// whether its hash is empty; `IDENTIFIED VIA unix_socket OR mysql_native_password` gives
    /// two), the lock, the password lifetime in days (nil: the server's default).
    func globalPriv(_ client: MySQLClient) throws -> [String: (ways: [(plugin: String, empty: Bool)], locked: Bool, lifetime: Int64?)] {
        var sql = "SELECT User, Host, JSON_VALUE(Priv, '$.plugin'), JSON_VALUE(Priv, '$.authentication_string') = '', "
        sql += "JSON_VALUE(Priv, '$.account_locked'), JSON_VALUE(Priv, '$.password_lifetime'), JSON_LENGTH(Priv, '$.auth_or')"
        for i in 0..<4 {
            sql += ", JSON_VALUE(Priv, '$.auth_or[\(i)].plugin'), JSON_VALUE(Priv, '$.auth_or[\(i)].authentication_string') = ''"
            sql += ", JSON_LENGTH(Priv, '$.auth_or[\(i)]')"
        }
        var out: [String: (ways: [(plugin: String, empty: Bool)], locked: Bool, lifetime: Int64?)] = [:]
        for r in try client.query(sql + " FROM mysql.global_priv") where r.count == 19 {
            let main = (plugin: r[2] == "NULL" || r[2].isEmpty ? "mysql_native_password" : r[2], empty: r[3] != "0")
            var ways: [(plugin: String, empty: Bool)] = []
            let alternatives = min(Int(r[6]) ?? 0, 4)
            for i in 0..<alternatives {
                let (plugin, emptyHash, members) = (r[7 + i * 3], r[8 + i * 3], r[9 + i * 3])
                // `{}` is the account's own plugin and hash.
                if members == "0" {
                    ways.append(main)
                } else {
                    ways.append((plugin == "NULL" ? "mysql_native_password" : plugin, emptyHash != "0"))
                }
            }
            if ways.isEmpty { ways = [main] }
            let lifetime = Int64(r[5]).flatMap { $0 < 0 ? nil : $0 }
            out[r[0] + "\u{0}" + r[1]] = (ways, r[4] == "1" || r[4] == "true", lifetime)
        }
        return out
    }

    /// `max_password_errors` (the failed logins before an account is blocked; 4294967295,
    /// the default, is the server's "unlimited"), `default_password_lifetime` in days (0: never),
    /// `disconnect_on_expired_password`, `old_passwords`; a variable this server lacks
    /// (MySQL, or MariaDB before 10.4) is absent.
    static func passwordPolicy(_ v: [String: String]) -> Value {
        var o: [Value.Member] = []
        if let e = v["max_password_errors"], let n = Int64(e) { o.append(.init("max_errors", .int(n))) }
        if let d = v["default_password_lifetime"], let days = Int64(d) { o.append(.init("default_lifetime_days", .int(days))) }
        if let x = v["disconnect_on_expired_password"] { o.append(.init("disconnect_on_expired", .bool(x == "ON"))) }
        if let x = v["old_passwords"] { o.append(.init("old_hashes", .bool(x == "ON" || x == "1"))) }
        return .object(o)
    }
}
