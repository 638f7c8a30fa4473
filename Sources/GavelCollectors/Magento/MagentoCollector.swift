import Foundation
import GavelCore

/// `gavel collect magento --path ROOT`, file side: app/etc/env.php and app/etc/config.php
/// (read, never included), the version from composer.lock/composer.json, modules, mode,
/// admin frontName, and the `system` configuration both files carry, with its source
/// layer. Secrets (`crypt/key`, database and queue passwords) are recorded as presence only.
/// Then the database: `core_config_data` (or an export of it), admin users and 2FA state,
/// with the connection from env.php.
public struct MagentoCollector {
    public var path: String
    public var readDatabase = true
    /// Rows `scope<TAB>scope_id<TAB>path<TAB>value` (the mysql client's batch output of
    /// `SELECT scope, scope_id, path, value FROM core_config_data`) instead of the database.
    public var configExport: String?
    /// `CONFIG__...=value` lines: the environment PHP-FPM gives Magento (not the collector's own).
    public var environmentFile: String?

    public init(path: String) { self.path = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path }

    /// Keys whose values are secrets wherever they appear in env.php.
    static let secretKeys: Set<String> = ["key", "password", "pass", "secret", "token", "api_key", "private_key"]

    public func collect(into b: inout SnapshotBuilder) throws -> Value {
        let env = try read("app/etc/env.php", required: true)!
        let config_ = try read("app/etc/config.php", required: false)
        func at(_ v: PHPValue?, _ keys: String...) -> PHPValue? {
            var cur = v
            for k in keys {
                guard case .array(let items)? = cur, let next = items.first(where: { $0.key == .string(k) }) else { return nil }
                cur = next.value
            }
            return cur
        }
        let frontName = at(env.returned, "backend", "frontName")
        var modules: [(String, Value)] = []
        if case .array(let items)? = at(config_?.returned, "modules") {
            for (k, v) in items { if case .string(let name) = k { modules.append((name, .bool(v == .int(1) || v == .bool(true)))) } }
        }
        if let config_ { b.source("/modules", config_.file, config_.returnLine) }
        b.source("/env", env.file, env.returnLine)

        var environment: [String: String] = [:]
        if let environmentFile {
            guard let text = try? String(contentsOfFile: environmentFile, encoding: .utf8) else {
                throw Diagnostic(.magentoEnvFile, "cannot read \(environmentFile)")
            }
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if parts.count == 2 { environment[parts[0]] = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"'")) }
            }
        }
        var database: Value = .object([("collected", false), ("reason", "--no-database")])
        var rows: [[String]] = []
        var storeRows = (websites: [String: String](), stores: [String: (code: String, website: String)]())
        if let configExport {
            guard let text = try? String(contentsOfFile: configExport, encoding: .utf8) else {
                throw Diagnostic(.magentoExport, "cannot read \(configExport)")
            }
            // mysql --batch output: a header line `scope	scope_id	path	value`, then rows of four
            // tab-separated fields. Anything else is not such an export, never an empty one.
            let all = MySQLClient.rows(text)
            guard let header = all.first, header.count >= 4, header[0] == "scope", header[2] == "path",
                let bad = Optional(all.dropFirst().firstIndex { $0.count < 4 }), bad == nil
            else {
                throw Diagnostic(
                    .magentoExport,
                    "\(configExport) is not an export of core_config_data: expected mysql --batch output of SELECT scope, scope_id, path, value (a header line, then four tab-separated fields per row)"
                )
            }
            rows = Array(all.dropFirst())
            database = .object([("collected", false), ("reason", .string("configuration from the export \(configExport); admin users not read"))])
        } else if readDatabase {
            (database, rows, storeRows) = self.database(at(env.returned, "db"))
        }
        var config = MagentoConfig()
        // Store and website codes: from the database when read, else from config.php's `scopes`.
        if case .array(let ws)? = at(config_?.returned, "scopes", "websites") {
            for (k, v) in ws {
                if case .string(let code) = k, let id = at(v, "website_id")?.json.display { config.stores.websites[id] = code }
            }
        }
        if case .array(let ss)? = at(config_?.returned, "scopes", "stores") {
            for (k, v) in ss {
                guard case .string(let code) = k, let id = at(v, "store_id")?.json.display else { continue }
                let websiteID = at(v, "website_id")?.json.display ?? ""
                config.stores.stores[id] = (code, config.stores.websites[websiteID] ?? websiteID)
            }
        }
        for (id, code) in storeRows.websites { config.stores.websites[id] = code }
        for (id, s) in storeRows.stores { config.stores.stores[id] = (s.code, storeRows.websites[s.website] ?? s.website) }
        config.build(database: rows, configPHP: Self.systemEntries(config_), envPHP: Self.systemEntries(env), environment: environment)
        let system = config.value

        let mode: Value = at(env.returned, "MAGE_MODE")?.json ?? .string("default")
        let session: Value = at(env.returned, "session", "save")?.json ?? .null
        let xfo: Value = at(env.returned, "x-frame-options")?.json ?? .null
        let cacheTypes: Value = at(env.returned, "cache_types")?.json ?? .object([Value.Member]())
        let crypt: Value = SecretPresence.of(at(env.returned, "crypt", "key") ?? .null)
        var fields: [(String, Value)] = [("path", .string(path)), ("version", version()), ("mode", mode)]
        fields.append(("admin_frontname", frontName?.json ?? .null))
        fields.append(("admin_frontname_is_default", .bool(frontName == .string("admin"))))
        fields.append(("modules", .object(modules)))
        fields.append(("crypt_key", crypt))
        fields.append(("db", db(at(env.returned, "db", "connection"))))
        fields.append(("session_save", session))
        fields.append(("x_frame_options", xfo))
        fields.append(("cache_types", cacheTypes))
        fields.append(("system", system))
        fields.append(("effective", config.effective))
        fields.append(("database", database))
        if database["collected"] == .bool(false) {
            let why = "database not read: " + (database["reason"]?.stringValue ?? "unknown")
            for part in ["admin_users", "tfa", "access_review"] { b.unavailable("/database/\(part)", why) }
        } else if let why = database["access_review"]?["reason"]?.stringValue, case .object(var f) = fields.last?.1 {
            // The ACL tables could not be read: the review is unavailable with the reason.
            f.removeAll { $0.key == "access_review" }
            fields[fields.count - 1].1 = .object(f)
            b.unavailable("/database/access_review", "the admin ACL tables could not be read: " + why)
        }
        let data: Value = .object(fields)
        return data
    }

    /// core_config_data, admin users and 2FA state, with the connection from env.php.
    private func database(_ db: PHPValue?) -> (Value, [[String]], (websites: [String: String], stores: [String: (code: String, website: String)])) {
        let none = (websites: [String: String](), stores: [String: (code: String, website: String)]())
        func field(_ v: PHPValue?, _ keys: String...) -> String? {
            var cur = v
            for k in keys {
                guard case .array(let items)? = cur, let n = items.first(where: { $0.key == .string(k) }) else { return nil }
                cur = n.value
            }
            if case .string(let s)? = cur { return s }
            return nil
        }
        guard let name = field(db, "connection", "default", "dbname"), let user = field(db, "connection", "default", "username"),
            let password = field(db, "connection", "default", "password")
        else {
            return (.object([("collected", false), ("reason", "the connection in env.php is not literal values")]), [], none)
        }
        let prefix = field(db, "table_prefix") ?? ""
        guard prefix.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            return (.object([("collected", false), ("reason", .string("unusual table_prefix '\(prefix)'; not used in a query"))]), [], none)
        }
        let client = MySQLClient(database: name, user: user, password: password, host: field(db, "connection", "default", "host") ?? "localhost")
        do {
            let rows = try client.query("SELECT scope, scope_id, path, value FROM \(prefix)core_config_data ORDER BY scope, scope_id, path")
            let admins = try client.query("SELECT is_active, IF(lock_expires IS NOT NULL AND lock_expires > NOW(), 1, 0) FROM \(prefix)admin_user")
            let hasTFA = try !client.query("SHOW TABLES LIKE '\(prefix)tfa_user_config'").isEmpty
            let tfaUsers = hasTFA ? Int(try client.query("SELECT COUNT(*) FROM \(prefix)tfa_user_config").first?.first ?? "0") ?? 0 : 0
            var ids = none
            for r in (try? client.query("SELECT website_id, code FROM \(prefix)store_website")) ?? [] where r.count == 2 { ids.websites[r[0]] = r[1] }
            for r in (try? client.query("SELECT store_id, code, website_id FROM \(prefix)store")) ?? [] where r.count == 3 { ids.stores[r[0]] = (r[1], r[2]) }
            let active = admins.filter { $0.first == "1" }.count
            let locked = admins.filter { $0.count > 1 && $0[1] == "1" }.count
            // The access review reads the ACL tables; a reader without them (or a Magento
            // older than 2.4's layout) leaves the part unavailable, never empty.
            var review: Value
            do {
                review = try MagentoAccessReview(client: client, prefix: prefix).collect()
            } catch {
                review = .object([("reason", .string((error as? Diagnostic)?.message ?? "\(error)"))])
            }
            return (
                .object([
                    ("collected", true),
                    ("access_review", review),
                    (
                        "admin_users",
                        .object([
                            ("total", .integer(admins.count)), ("active", .integer(active)), ("inactive", .integer(admins.count - active)),
                            ("locked", .integer(locked)),
                        ])
                    ),
                    ("tfa", .object([("table", .bool(hasTFA)), ("configured_users", .integer(tfaUsers))])),
                ]), rows, ids
            )
        } catch {
            return (.object([("collected", false), ("reason", .string((error as? Diagnostic)?.message ?? "\(error)"))]), [], none)
        }
    }

    /// The `system` section of env.php or config.php: default scope by path, websites/stores by code.
    static func systemEntries(_ reader: PHPSourceReader?) -> [(String, String, Value)] {
        guard case .array(let top)? = reader?.returned, case .array(let scopeItems)? = top.first(where: { $0.key == .string("system") })?.value else {
            return []
        }
        var out: [(String, String, Value)] = []
        for (scopeKey, scopeValue) in scopeItems {
            guard case .string(let scope) = scopeKey else { continue }
            var groups: [(String, PHPValue)] = [(scope, scopeValue)]
            if scope != "default", case .array(let codes) = scopeValue {
                groups = codes.compactMap { k, v in
                    if case .string(let code) = k { return ("\(scope)/\(code)", v) }; return nil
                }
            }
            for (scopeName, v) in groups {
                var flat: [(String, PHPValue)] = []
                Self.flatten(v, prefix: "", into: &flat)
                out += flat.map { (scopeName, $0.0, $0.1.json) }
            }
        }
        return out
    }

    private func read(_ rel: String, required: Bool) throws -> PHPSourceReader? {
        let file = path + "/" + rel
        guard let bytes = FileManager.default.contents(atPath: file) else {
            if required { throw Diagnostic(.magentoConfig, "cannot read \(file) (is --path the Magento root?)") }
            return nil
        }
        return try PHPSourceReader.read([UInt8](bytes), file: file)
    }

    static func flatten(_ v: PHPValue, prefix: String, into out: inout [(String, PHPValue)]) {
        if case .array(let items) = v, !items.isEmpty,
            items.allSatisfy({
                if case .string = $0.key { return true }; return false
            })
        {
            for (k, child) in items {
                guard case .string(let name) = k else { continue }
                flatten(child, prefix: prefix.isEmpty ? name : prefix + "/" + name, into: &out)
            }
        } else {
            out.append((prefix, v))
        }
    }

    static func isSecretPath(_ p: String) -> Bool {
        p.split(separator: "/").contains { secretKeys.contains($0.lowercased()) }
    }

    /// Connections without their passwords.
    private func db(_ v: PHPValue?) -> Value {
        guard case .array(let conns)? = v else { return .object([Value.Member]()) }
        return .object(
            conns.compactMap { k, conn in
                guard case .string(let name) = k, case .array(let fields) = conn else { return nil }
                return (
                    name,
                    .object(
                        fields.compactMap { fk, fv in
                            guard case .string(let f) = fk else { return nil }
                            return (f, Self.secretKeys.contains(f.lowercased()) ? SecretPresence.of(fv) : fv.json)
                        })
                )
            })
    }

    /// magento/product-*-edition from composer.lock, else the root composer.json's version.
    private func version() -> Value {
        for (file, key) in [("composer.lock", "packages"), ("composer.json", "")] {
            guard let data = FileManager.default.contents(atPath: path + "/" + file),
                let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { continue }
            if key.isEmpty {
                if let name = obj["name"] as? String, let v = obj["version"] as? String {
                    return .object([("package", .string(name)), ("version", .string(v))])
                }
                if let req = obj["require"] as? [String: Any] {
                    for (n, v) in req where n.hasPrefix("magento/product-") { return .object([("package", .string(n)), ("version", .string("\(v)"))]) }
                }
            } else if let packages = obj[key] as? [[String: Any]] {
                for p in packages {
                    if let n = p["name"] as? String, n.hasPrefix("magento/product-"), let v = p["version"] as? String {
                        return .object([("package", .string(n)), ("version", .string(v))])
                    }
                }
            }
        }
        return .null
    }
}

extension MagentoCollector {
    /// A snapshot's `system` part again, with env.php and config.php read anew from the
    /// Magento root `path` and the layers the snapshot recorded but files do not hold (the
    /// database's rows, the environment's `CONFIG__...` variables, module defaults) taken from
    /// the snapshot as they were: for `gavel fix` to prove a patched env.php without the
    /// database. Entries only the old snapshot has (a secret path's presence) are kept.
    package static func systemAgain(path: String, snapshot old: Value) throws -> Value {
        let collector = MagentoCollector(path: path)
        let env = try collector.read("app/etc/env.php", required: true)
        let configPHP = try collector.read("app/etc/config.php", required: false)
        var rows: [[String]] = []
        var environment: [String: String] = [:]
        for scope in old.objectMembers ?? [] {
            let parts = scope.key.split(separator: "/", maxSplits: 1).map(String.init)
            for entry in scope.value.objectMembers ?? [] {
                let value: String
                switch entry.value["value"] {
                case .string(let s)?: value = s
                case .null?: value = "NULL"
                case let v?: value = v.display
                case nil: continue
                }
                switch entry.value["source"]?.stringValue {
                case "database"?: rows.append([parts[0], parts.count > 1 ? parts[1] : "0", entry.key, value])
                case "environment"?:
                    let name = (parts + entry.key.split(separator: "/").map(String.init)).map { $0.uppercased() }.joined(separator: "__")
                    environment["CONFIG__" + name] = value
                default: continue
                }
            }
        }
        var config = MagentoConfig()
        config.build(database: rows, configPHP: systemEntries(configPHP), envPHP: systemEntries(env), environment: environment)
        guard case .object(var scopes) = config.value else { return config.value }
        for scope in old.objectMembers ?? [] {
            guard let i = scopes.firstIndex(where: { $0.key == scope.key }), case .object(var paths) = scopes[i].value else {
                scopes.append(scope)
                continue
            }
            for entry in scope.value.objectMembers ?? [] where !paths.contains(where: { $0.key == entry.key }) { paths.append(entry) }
            scopes[i].value = .object(paths)
        }
        return .object(scopes)
    }
}
