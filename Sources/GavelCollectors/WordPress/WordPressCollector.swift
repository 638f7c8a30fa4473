import Foundation
import GavelCore

/// `gavel collect wordpress --path ROOT`: wp-config.php (read, never executed), core
/// version, plugins, must-use plugins, themes and file facts, then the database (options,
/// roles, users) with the credentials from wp-config.php or the `db*` overrides. When the
/// database cannot be read, `database.collected` is false with the reason, so rules that
/// need it give `error`, never a pass.
public struct WordPressCollector {
    public var path: String
    public var readDatabase = true
    public var dbHost: String?
    public var dbName: String?
    public var dbUser: String?
    /// A file holding the password (never the password itself on a command line).
    public var dbPasswordFile: String?
    /// The names the site is served under (nginx's `server_name`s): with Debian's packaged
    /// WordPress they choose `/etc/wordpress/config-NAME.php`.
    public var siteNames: [String] = []
    /// Where the machine's files are when reading an image (`/etc/wordpress` is looked for there).
    public var machineRoot = "/"

    /// Two-factor and security plugins, by wordpress.org slug.
    static let securityPluginSlugs: Set<String> = [
        "two-factor", "wp-2fa", "wordfence", "wordfence-login-security", "google-authenticator", "miniorange-2-factor-authentication",
        "duo-wordpress", "better-wp-security", "sucuri-scanner", "all-in-one-wp-security-and-firewall", "limit-login-attempts-reloaded",
        "solid-security", "shield-security", "two-factor-authentication",
    ]

    public init(path: String) { self.path = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path }

    public func collect(into b: inout SnapshotBuilder) throws -> Value {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else {
            throw Diagnostic(.wordpressPath, "\(path) is not a directory")
        }
        if let dbPasswordFile, !FileManager.default.isReadableFile(atPath: dbPasswordFile) {
            throw Diagnostic(.wordpressDbPasswordFile, "cannot read the --db-password-file \(dbPasswordFile)")
        }
        var files = WordPressFiles(root: path)
        files.siteNames = siteNames
        files.machineRoot = machineRoot
        let config = try files.config()
        let core = files.version()
        let database =
            readDatabase
            ? self.database(config.database, prefix: config.tablePrefix.stringValue ?? "wp_")
            : .object([("collected", false), ("reason", "--no-database")])
        if database["collected"] == .bool(false) {
            let why = "database not read: " + (database["reason"]?.stringValue ?? "unknown")
            for part in ["options", "roles", "users"] { b.unavailable("/database/\(part)", why) }
        }
        var plugins = files.plugins()
        if case .array(let active)? = database["options"]?["active_plugins"] {
            let activeFiles = Set(active.compactMap(\.stringValue))
            let auto = Set((database["options"]?["auto_update_plugins"]?.arrayValue ?? []).compactMap(\.stringValue))
            plugins = plugins.map { p in
                guard case .object(var o) = p, let file = p["file"]?.stringValue else { return p }
                o.append(Value.Member("active", .bool(activeFiles.contains(file))))
                o.append(Value.Member("auto_update", .bool(auto.contains(file))))
                return .object(o)
            }
        }
        var themes = files.themes()
        var effective = config.effective
        if let options = database["options"] {
            let active = [options["stylesheet"]?.stringValue, options["template"]?.stringValue].compactMap { $0 }
            let auto = Set((options["auto_update_themes"]?.arrayValue ?? []).compactMap(\.stringValue))
            themes = themes.map { t in
                guard case .object(var o) = t, let slug = t["slug"]?.stringValue else { return t }
                o.append(Value.Member("active", .bool(active.contains(slug))))
                o.append(Value.Member("auto_update", .bool(auto.contains(slug))))
                return .object(o)
            }
            // wp-includes/default-constants.php: without a define, FORCE_SSL_ADMIN follows siteurl's scheme.
            if config.constants["FORCE_SSL_ADMIN"] == nil, let siteurl = options["siteurl"]?.stringValue, case .object(var e) = effective,
                let i = e.firstIndex(where: { $0.key == "FORCE_SSL_ADMIN" })
            {
                e[i].value = .bool(siteurl.lowercased().hasPrefix("https://"))
                effective = .object(e)
            }
        }
        if database["collected"] == .bool(false) {
            b.unavailable("/audit_log", "database not read: " + (database["reason"]?.stringValue ?? "unknown"))
        }
        let activeSlugs = plugins.filter { $0["active"] == .bool(true) }.compactMap { $0["slug"]?.stringValue }
        let auditLog = WordPressAuditLog.summary(activeSlugs: activeSlugs, options: database["options"] ?? .object([Value.Member]()))
        let muDir = files.content("mu-plugins")
        let muFiles = ((try? FileManager.default.contentsOfDirectory(atPath: muDir)) ?? []).filter { $0.hasSuffix(".php") }.sorted()
        let hooks = WordPressHooks.read(files: muFiles.map { (muDir + "/" + $0, DebianWordPress.machinePath(muDir + "/" + $0, machineRoot: machineRoot)) })
        let securityPlugins = plugins.filter { p in
            Self.securityPluginSlugs.contains(p["slug"]?.stringValue ?? "") && p["active"] != .bool(false)
        }.compactMap { $0["slug"] }
        let data: Value = .object([
            ("path", .string(path)),
            ("config_file", .string(config.file)),
            ("site_config_file", files.siteConfigFile.map { .string(DebianWordPress.machinePath($0, machineRoot: machineRoot)) } ?? .null),
            ("core", core),
            ("constants", config.constants),
            ("effective", effective),
            ("secrets", config.secrets),
            ("table_prefix", config.tablePrefix),
            ("plugins", .array(plugins)),
            ("mu_plugins", .array(files.plugins(dir: "mu-plugins", mustUse: true))),
            ("themes", .array(themes)),
            ("security_plugins", .array(securityPlugins)),
            ("audit_log", auditLog),
            ("mu_plugin_hooks", .array(hooks)),
            ("session", WordPressHooks.session(hooks)),
            ("files", files.fileFacts(configFile: config.file)),
            ("database", database),
        ])
        for (p, f, l) in files.prov { b.source(p, f, l) }
        // What needs the database is left out, not guessed, when it was not read.
        if database["collected"] == .bool(false), case .object(let members) = data { return .object(members.filter { $0.key != "audit_log" }) }
        return data
    }

    private func database(_ fromConfig: [String: PHPValue], prefix: String) -> Value {
        func value(_ override: String?, _ key: String) -> String? {
            if let override { return override }
            if case .string(let s)? = fromConfig[key] { return s }
            return nil
        }
        var password: String?
        if let dbPasswordFile {
            password = (try? String(contentsOfFile: dbPasswordFile, encoding: .utf8))?.trimmingCharacters(in: .newlines)
            if password == nil { return .object([("collected", false), ("reason", .string("cannot read --db-password-file \(dbPasswordFile)"))]) }
        } else if case .string(let s)? = fromConfig["DB_PASSWORD"] {
            password = s
        }
        guard let name = value(dbName, "DB_NAME"), let user = value(dbUser, "DB_USER"), let password else {
            return .object([
                ("collected", false),
                ("reason", "the database credentials are not literal values in wp-config.php (give --db-name, --db-user and --db-password-file)"),
            ])
        }
        guard prefix.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), !prefix.isEmpty else {
            return .object([("collected", false), ("reason", .string("unusual $table_prefix '\(prefix)'; not used in a query"))])
        }
        let db = WordPressDatabase(
            client: MySQLClient(database: name, user: user, password: password, host: value(dbHost, "DB_HOST") ?? "localhost"), prefix: prefix)
        do { return try db.collect() } catch {
            return .object([("collected", false), ("reason", .string((error as? Diagnostic)?.message ?? "\(error)"))])
        }
    }
}

extension WordPressCollector {
    /// The wp-config.php side of a snapshot read again (`constants` and `effective`, without
    /// the database's adjustments), for `gavel fix` to prove a patched wp-config.php. Never
    /// runs the file; secrets are summarised as in a snapshot.
    /// With Debian's packaged WordPress, `siteNames` pick the site's /etc/wordpress file
    /// under `machineRoot`, as in a collection.
    package static func configPart(path: String, siteNames: [String] = [], machineRoot: String = "/") throws -> (constants: Value, effective: Value) {
        var files = WordPressFiles(root: path)
        files.siteNames = siteNames
        files.machineRoot = machineRoot
        let config = try files.config()
        return (config.constants, config.effective)
    }
}
