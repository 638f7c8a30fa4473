import Foundation
import GavelCore

/// Reads WordPress's options, roles and users through the `mariadb` (or `mysql`) client,
/// with the credentials in a temporary option file (mode 0600, removed afterwards), never on
/// a command line. Records no e-mail address, no password hash and no secret option.
struct WordPressDatabase {
    struct Credentials {
        var name: String
        var user: String
        var password: String
        var host: String
    }

    static let options = [
        "siteurl", "home", "users_can_register", "default_role", "blog_public", "active_plugins", "auto_update_plugins",
        "auto_update_themes", "auto_update_core_major", "auto_update_core_minor", "auto_update_core_dev", "db_version",
        "template", "stylesheet", "woocommerce_version", "woocommerce_enable_guest_checkout",
        "woocommerce_enable_signup_and_login_from_checkout", "woocommerce_enable_myaccount_registration",
        "woocommerce_force_ssl_checkout", "woocommerce_registration_generate_password",
        "woocommerce_erasure_request_removes_order_data", "woocommerce_erasure_request_removes_download_data",
        "woocommerce_allow_bulk_remove_personal_data", "woocommerce_delete_inactive_accounts",
        "woocommerce_trash_pending_orders", "woocommerce_trash_failed_orders", "woocommerce_trash_cancelled_orders",
        "woocommerce_anonymize_completed_orders",
    ]

    var credentials: Credentials
    var prefix: String

    /// Runs one query; rows of tab-separated fields, unescaped from the client's batch format.
    func query(_ sql: String) throws -> [[String]] {
        let client = ["mariadb", "mysql"].compactMap { Subprocess.which($0) ?? (FileManager.default.isExecutableFile(atPath: "/usr/bin/" + $0) ? "/usr/bin/" + $0 : nil) }.first
        guard let client else { throw CollectorError("wordpress-db", "no mariadb or mysql client is installed to read the database") }
        let dir = NSTemporaryDirectory() + "gavel-db-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func quote(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        var lines = ["[client]", "user=\(quote(credentials.user))", "password=\(quote(credentials.password))"]
        // DB_HOST: "localhost" (socket), "host:port", "host:/path/to/socket", "127.0.0.1".
        let parts = credentials.host.split(separator: ":", maxSplits: 1).map(String.init)
        let host = parts.first ?? "localhost"
        lines.append("host=\(quote(host.isEmpty ? "localhost" : host))")
        if parts.count == 2 {
            if parts[1].hasPrefix("/") { lines.append("socket=\(quote(parts[1]))") } else if let p = Int(parts[1]) { lines.append("port=\(p)") }
        }
        let optionFile = dir + "/client.cnf"
        FileManager.default.createFile(atPath: optionFile, contents: Data((lines.joined(separator: "\n") + "\n").utf8), attributes: [.posixPermissions: 0o600])
        let r = try Subprocess.run(client, ["--defaults-extra-file=" + optionFile, "--batch", "--skip-column-names", "--database=" + credentials.name, "-e", sql], timeout: 60)
        guard r.status == 0 else {
            throw CollectorError("wordpress-db", "the database query failed: \(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines).prefix(300))")
        }
        return r.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast(r.stdout.hasSuffix("\n") ? 1 : 0).map { row in
            row.split(separator: "\t", omittingEmptySubsequences: false).map { Self.unescape(String($0)) }
        }
    }

    /// The batch format escapes \n, \t, \\ and NUL; NULL is the word NULL.
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

    /// Options (serialized ones decoded), roles with their granted capabilities, and users
    /// as counts per role plus the logins of administrators.
    func collect() throws -> Value {
        let p = prefix
        let names = (Self.options + [p + "user_roles"]).map { "'\($0)'" }.joined(separator: ",")
        var options: [(String, Value)] = []
        var roles: Value = .object([Value.Member]())
        for row in try query("SELECT option_name, option_value FROM \(p)options WHERE option_name IN (\(names)) ORDER BY option_name") where row.count == 2 {
            let value = Self.decode(row[1])
            if row[0] == p + "user_roles" {
                roles = Self.roles(value)
            } else {
                options.append((row[0], value))
            }
        }
        var perRole: [String: Int] = [:]
        var administrators: [String] = []
        var total = 0
        for row in try query("SELECT u.user_login, m.meta_value FROM \(p)users u LEFT JOIN \(p)usermeta m ON m.user_id = u.ID AND m.meta_key = '\(p)capabilities' ORDER BY u.user_login") where row.count == 2 {
            total += 1
            let caps = (try? PHPUnserializer.parse(row[1]))?.objectMembers ?? []
            let userRoles = caps.filter { $0.value == .bool(true) }.map(\.key)
            if userRoles.isEmpty { perRole["(none)", default: 0] += 1 }
            for r in userRoles { perRole[r, default: 0] += 1 }
            if userRoles.contains("administrator") { administrators.append(row[0]) }
        }
        return .object([
            ("collected", true),
            ("options", .object(options)),
            ("roles", roles),
            ("users", .object([("total", .integer(total)), ("per_role", .object(perRole.keys.sorted().map { ($0, .integer(perRole[$0]!)) })),
                               ("administrators", .array(administrators.map { .string($0) }))])),
        ])
    }

    /// A serialized option becomes its value; anything else stays a string.
    static func decode(_ s: String) -> Value {
        let first = s.first
        if s.count >= 2, let first, "abidsNOCE".contains(first), s.dropFirst().first == ":" || s == "N;",
           let v = try? PHPUnserializer.parse(s) { return v }
        return .string(s)
    }

    /// `{role: {name, capabilities: [granted...]}}` from the serialized `{prefix}user_roles`.
    static func roles(_ v: Value) -> Value {
        .object((v.objectMembers ?? []).map { m in
            let caps = (m.value["capabilities"]?.objectMembers ?? []).filter { $0.value == .bool(true) || $0.value == .int(1) }.map { Value.string($0.key) }
            return (m.key, .object([("name", m.value["name"] ?? .null), ("capabilities", .array(caps))]))
        })
    }
}
