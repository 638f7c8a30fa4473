import Foundation
import GavelCore

/// The file side of a WordPress install: wp-config.php (read, never run), the core version,
/// plugin and theme headers, must-use plugins, .htaccess and the modes of the files that
/// matter. The database side (options, users, roles) comes from `WordPressDatabase`.
struct WordPressFiles {
    var root: String
    var prov: [(String, String, Int)] = []

    /// WordPress's eight keys and salts: reported as `{set, length, placeholder}` only.
    static let secrets = [
        "AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY",
        "AUTH_SALT", "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT",
    ]
    /// Credentials in wp-config.php: presence and length only, like the keys.
    static let credentials: Set<String> = ["DB_PASSWORD"]

    /// What WordPress assumes when wp-config.php leaves a constant undefined
    /// (wp-includes/default-constants.php, wp-settings.php).
    static let defaults: [(String, Value)] = [
        ("WP_DEBUG", false), ("WP_DEBUG_DISPLAY", true), ("WP_DEBUG_LOG", false), ("SCRIPT_DEBUG", false),
        ("DISALLOW_FILE_EDIT", false), ("DISALLOW_FILE_MODS", false), ("FORCE_SSL_ADMIN", false),
        ("WP_AUTO_UPDATE_CORE", "minor"), ("AUTOMATIC_UPDATER_DISABLED", false), ("WP_HTTP_BLOCK_EXTERNAL", false),
        ("WP_POST_REVISIONS", true), ("EMPTY_TRASH_DAYS", 30), ("WP_ENVIRONMENT_TYPE", "production"),
        ("DISALLOW_UNFILTERED_HTML", false), ("ALLOW_UNFILTERED_UPLOADS", false), ("WP_CACHE", false),
    ]

    func path(_ rel: String) -> String { root + "/" + rel }
    /// A path under wp-content (or `WP_CONTENT_DIR`).
    func content(_ rel: String) -> String { (contentDir ?? root + "/wp-content") + "/" + rel }

    /// wp-config.php is looked for in the root, then one directory up (WordPress allows both).
    func configPath() -> String? {
        for p in [path("wp-config.php"), PathNames.join(PathNames.folder(of: root), "wp-config.php")]
        where FileManager.default.fileExists(atPath: p) { return p }
        return nil
    }

    /// Host names the site is served under (nginx's `server_name`s), for Debian's layout.
    var siteNames: [String] = []
    /// Where the machine's files are (a mounted image), for `/etc/wordpress` in Debian's layout.
    var machineRoot = "/"
    /// Debian's per-site file (`/etc/wordpress/config-HOST.php`) when wp-config.php is
    /// Debian's master file that requires it; read before the master, as PHP runs them.
    private(set) var siteConfigFile: String?
    /// wp-content, or `WP_CONTENT_DIR` when wp-config.php defines it as a literal path.
    private(set) var contentDir: String?

    mutating func config() throws -> (constants: Value, effective: Value, secrets: Value, tablePrefix: Value, database: [String: PHPValue], file: String) {
        guard let file = configPath() else {
            throw Diagnostic(.wordpressConfig, "no wp-config.php in \(root) or its parent directory")
        }
        guard let bytes = FileManager.default.contents(atPath: file) else {
            throw Diagnostic(.wordpressConfig, "cannot read \(file) (run as a user that can, e.g. the site's owner)")
        }
        // Debian's master file requires the site's own file first; its defines win (PHP
        // runs it first, and the master only defines what is still undefined).
        var sources: [(file: String, reader: PHPSourceReader)] = []
        if let site = try DebianWordPress.siteConfig(master: bytes, siteNames: siteNames, machineRoot: machineRoot) {
            sources.append(site)
            siteConfigFile = site.file
        }
        sources.append((file, try PHPSourceReader.read([UInt8](bytes), file: file)))
        let machineRoot = self.machineRoot
        let shown = { (f: String) in f == file ? f : DebianWordPress.machinePath(f, machineRoot: machineRoot) }
        var constants: [(String, Value)] = []
        var first: [String: PHPSourceReader.Define] = [:]
        let defines = sources.flatMap { src in src.reader.defines.map { (src.file, $0) } }
        var firstFile: [String: String] = [:]
        for (f, d) in defines where first[d.name] == nil { first[d.name] = d; firstFile[d.name] = f }
        var secretValues: [(String, Value)] = []
        var database: [String: PHPValue] = [:]
        for (f, d) in defines where firstFile[d.name] == f && first[d.name]?.line == d.line {
            if d.name.hasPrefix("DB_") { database[d.name] = d.value }  // kept in memory to connect, never written
            if Self.secrets.contains(d.name) || Self.credentials.contains(d.name) {
                secretValues.append((d.name, Self.secret(d.value)))
                prov.append(("/secrets/" + d.name, shown(f), d.line))
                continue
            }
            constants.append((d.name, .object([("value", d.value.json), ("line", .integer(d.line)), ("conditional", .bool(d.conditional))])))
            prov.append(("/constants/" + SnapshotBuilder.pointerToken(d.name), shown(f), d.line))
        }
        for name in Self.secrets where first[name] == nil { secretValues.append((name, .object([("set", false), ("length", 0), ("placeholder", false)]))) }
        var effective: [(String, Value)] = []
        for (name, def) in Self.defaults {
            if let d = first[name] {
                effective.append((name, d.value.isStatic ? d.value.json : .object([("expression", d.value.json["expression"] ?? .null)])))
            } else {
                effective.append((name, def))
            }
        }
        if case .string(let dir)? = first["WP_CONTENT_DIR"]?.value, dir.hasPrefix("/") {
            contentDir = RootPath.join(machineRoot, dir)
        }
        // WP_DEBUG_DISPLAY and WP_DEBUG_LOG only act when WP_DEBUG is on.
        var prefix: (file: String, assignment: PHPSourceReader.Assignment)?
        for src in sources { if prefix == nil, let a = src.reader.assignments.first(where: { $0.name == "table_prefix" }) { prefix = (src.file, a) } }
        if let prefix { prov.append(("/table_prefix", shown(prefix.file), prefix.assignment.line)) }
        return (.object(constants), .object(effective), .object(secretValues), prefix.map { $0.assignment.value.json } ?? .null, database, file)
    }

    /// `{set, length, placeholder}`: never the value. WordPress's sample value and an empty
    /// string are placeholders.
    static func secret(_ v: PHPValue) -> Value {
        guard case .object(var o) = SecretPresence.of(v) else { return .null }
        var placeholder = false
        if case .string(let s) = v { placeholder = s.isEmpty || s == "put your unique phrase here" }
        o.insert(Value.Member("placeholder", .bool(placeholder)), at: 2)
        return .object(o)
    }

    /// `$wp_version` and friends from wp-includes/version.php.
    mutating func version() -> Value {
        let file = path("wp-includes/version.php")
        guard let bytes = FileManager.default.contents(atPath: file),
            let r = try? PHPSourceReader.read([UInt8](bytes), file: file)
        else { return .null }
        var out: [(String, Value)] = []
        for name in ["wp_version", "wp_db_version", "required_php_version", "required_mysql_version"] {
            if let a = r.assignments.first(where: { $0.name == name }) {
                out.append((name, a.value.json))
                prov.append(("/core/" + name, file, a.line))
            }
        }
        return .object(out)
    }

    /// The header block of a plugin's main file or a theme's style.css: `Name: value` lines
    /// in the first 8 KB, as WordPress's get_file_data() reads them.
    static func headers(_ file: String, _ fields: [String]) -> [String: String]? {
        guard let h = FileHandle(forReadingAtPath: file) else { return nil }
        defer { try? h.close() }
        let text = String(decoding: h.readData(ofLength: 8192), as: UTF8.self)
        var out: [String: String] = [:]
        for field in fields {
            for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
                guard let r = line.range(of: field + ":", options: .caseInsensitive) else { continue }
                let before = line[..<r.lowerBound].trimmingCharacters(in: CharacterSet(charactersIn: " \t/*#@"))
                guard before.isEmpty else { continue }
                let value = line[r.upperBound...].trimmingCharacters(in: .whitespaces)
                    .replacingOccurrences(of: "*/", with: "").trimmingCharacters(in: .whitespaces)
                out[field] = value
                break
            }
        }
        return out
    }

    static let pluginFields = ["Plugin Name", "Version", "Update URI", "Requires PHP", "Requires at least", "Network"]
    static let themeFields = ["Theme Name", "Version", "Template", "Update URI", "Requires PHP"]

    /// Every plugin: a directory with a .php file carrying a Plugin Name header, or a single
    /// .php file in wp-content/plugins; must-use plugins from wp-content/mu-plugins.
    func plugins(dir: String = "plugins", mustUse: Bool = false) -> [Value] {
        let base = content(dir)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []).sorted()
        var out: [Value] = []
        for name in names where !name.hasPrefix(".") {
            var isDir: ObjCBool = false
            FileManager.default.fileExists(atPath: base + "/" + name, isDirectory: &isDir)
            var candidates: [(file: String, main: String)] = []
            if isDir.boolValue && !mustUse {
                let files = ((try? FileManager.default.contentsOfDirectory(atPath: base + "/" + name)) ?? []).filter { $0.hasSuffix(".php") }.sorted()
                candidates = files.map { (base + "/" + name + "/" + $0, name + "/" + $0) }
            } else if name.hasSuffix(".php") {
                candidates = [(base + "/" + name, name)]
            }
            for c in candidates {
                guard let h = Self.headers(c.file, Self.pluginFields), let title = h["Plugin Name"], !title.isEmpty || mustUse else { continue }
                out.append(
                    .object([
                        ("slug", .string(isDir.boolValue ? name : String(name.dropLast(4)))), ("file", .string(c.main)),
                        ("name", .string(h["Plugin Name"] ?? name)), ("version", h["Version"].map { .string($0) } ?? .null),
                        ("update_uri", h["Update URI"].map { .string($0) } ?? .null),
                        ("requires_php", h["Requires PHP"].map { .string($0) } ?? .null),
                    ]))
                break
            }
        }
        return out
    }

    func themes() -> [Value] {
        let base = content("themes")
        return ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []).sorted().compactMap { name in
            guard let h = Self.headers(base + "/" + name + "/style.css", Self.themeFields), let title = h["Theme Name"] else { return nil }
            return .object([
                ("slug", .string(name)), ("name", .string(title)), ("version", h["Version"].map { .string($0) } ?? .null),
                ("parent", h["Template"].map { .string($0) } ?? .null), ("update_uri", h["Update URI"].map { .string($0) } ?? .null),
            ])
        }
    }

    /// Modes of wp-config.php and the uploads directory, and PHP files in uploads (which
    /// WordPress never puts there; a classic sign of a web shell).
    func fileFacts(configFile: String) -> Value {
        func mode(_ p: String) -> Value {
            guard let a = try? FileManager.default.attributesOfItem(atPath: p), let m = (a[.posixPermissions] as? NSNumber)?.intValue else { return .null }
            return .object([
                ("path", .string(p)), ("mode", .string(String(format: "%04o", m))), ("world_readable", .bool(m & 0o004 != 0)),
                ("world_writable", .bool(m & 0o002 != 0)), ("owner", (a[.ownerAccountName] as? String).map { .string($0) } ?? .null),
            ])
        }
        var phpInUploads: [Value] = []
        if let e = FileManager.default.enumerator(atPath: content("uploads")) {
            while let f = e.nextObject() as? String, phpInUploads.count < 50 {
                let lower = f.lowercased()
                if lower.hasSuffix(".php") || lower.hasSuffix(".phtml") || lower.hasSuffix(".phar") { phpInUploads.append(.string("wp-content/uploads/" + f)) }
            }
        }
        let htaccess = path(".htaccess")
        return .object([
            ("wp_config", mode(configFile)), ("uploads", mode(content("uploads"))),
            ("php_in_uploads", .array(phpInUploads)),
            (
                "htaccess",
                FileManager.default.fileExists(atPath: htaccess)
                    ? .object([
                        ("present", true), ("lines", .integer(((try? String(contentsOfFile: htaccess, encoding: .utf8)) ?? "").split(separator: "\n").count)),
                    ]) : .object([("present", false)])
            ),
        ])
    }
}
