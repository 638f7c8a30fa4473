/// The shape of a snapshot kind's `data`, as the collectors write it and docs/snapshots/KIND.md
/// documents it. The compiler walks policy paths through it to reject a path that cannot
/// exist; the collector tests validate real output against it so that the three never drift.
public indirect enum SchemaType: Sendable {
    case any
    case string
    case number
    case bool
    /// The type, or null.
    case optional(SchemaType)
    case array(SchemaType)
    /// Named fields, and the type of any other key (`nil`: no other keys).
    case object([(String, SchemaType)], other: SchemaType?)

    public static func fields(_ f: [(String, SchemaType)]) -> SchemaType { .object(f, other: nil) }
    public static func map(_ t: SchemaType) -> SchemaType { .object([], other: t) }

    public var describe: String {
        switch self {
        case .any: return "any value"
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "a boolean"
        case .optional(let t): return t.describe + " or null"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// Names of the fixed fields of an object type.
    public var fieldNames: [String] {
        if case .object(let f, _) = unwrapped { return f.map(\.0) }
        return []
    }

    /// Whether two types allow the same paths and values.
    public func sameShape(as other: SchemaType) -> Bool {
        switch (self, other) {
        case (.any, .any), (.string, .string), (.number, .number), (.bool, .bool): return true
        case let (.optional(a), .optional(b)), let (.array(a), .array(b)): return a.sameShape(as: b)
        case let (.object(f, o), .object(g, p)):
            guard f.count == g.count, zip(f, g).allSatisfy({ $0.0 == $1.0 && $0.1.sameShape(as: $1.1) }) else { return false }
            switch (o, p) {
            case (nil, nil): return true
            case let (x?, y?): return x.sameShape(as: y)
            default: return false
            }
        default: return false
        }
    }

    public var unwrapped: SchemaType {
        if case .optional(let t) = self { return t.unwrapped }
        return self
    }

    /// The type under `key`, or nil when an object of this type cannot have that key. A
    /// string or number may be a recorded secret instead, whose fields are readable.
    public func member(_ key: String) -> SchemaType? {
        switch unwrapped {
        case .any: return .any
        case .object(let f, let other): return f.first { $0.0 == key }?.1 ?? other
        case .string, .number: return SchemaType.secretRecord.member(key)
        default: return nil
        }
    }

    /// What a collector records instead of a value it calls a secret: whether it is set, its
    /// length, why it is a secret, whether it is a placeholder, and for a URL the URL with its
    /// credentials replaced by `***`. Any string or number in a snapshot may be one.
    public static let secretRecord = SchemaType.fields([
        ("set", .bool), ("length", .optional(.number)), ("secret", .optional(.string)), ("placeholder", .optional(.bool)),
        ("redacted", .optional(.string)), ("from_expression", .optional(.bool)),
    ])

    static func isSecretRecord(_ members: [Value.Member]) -> Bool {
        members.contains { $0.key == "set" } && members.contains { $0.key == "secret" }
    }

    /// The type of an element (`[N]` or `[*]`): array elements, or the values of a map.
    public var element: SchemaType? {
        switch unwrapped {
        case .any: return .any
        case .array(let t): return t
        case .object(let f, let other): return f.isEmpty ? other : (other ?? .any)
        default: return nil
        }
    }

    /// Every place where `value` does not have this shape, as `/json/pointer: problem`.
    public func violations(_ value: Value, at pointer: String = "") -> [String] {
        switch (self, value) {
        case (.any, _), (.string, .string), (.bool, .bool), (.number, .int), (.number, .double): return []
        case (.optional, .null): return []
        case (.optional(let t), _): return t.violations(value, at: pointer)
        case (.string, .object(let m)), (.number, .object(let m)):
            if SchemaType.isSecretRecord(m) { return SchemaType.secretRecord.violations(value, at: pointer) }
            return ["\(pointer.isEmpty ? "/" : pointer): expected \(describe), found \(value.typeName)"]
        case (.array(let t), .array(let items)):
            return items.enumerated().flatMap { t.violations($1, at: "\(pointer)/\($0)") }
        case (.object(let f, let other), .object(let members)):
            var out: [String] = []
            for m in members {
                let p = pointer + "/" + m.key
                if let t = f.first(where: { $0.0 == m.key })?.1 ?? other { out += t.violations(m.value, at: p) } else { out.append("\(p): not in the schema") }
            }
            for (name, t) in f where !members.contains(where: { $0.key == name }) {
                if case .optional = t { continue }
                out.append("\(pointer)/\(name): missing")
            }
            return out
        default:
            return ["\(pointer.isEmpty ? "/" : pointer): expected \(describe), found \(value.typeName)"]
        }
    }
}

/// The schemas of the kinds that have a collector. Kinds without one (yet) are not checked.
public enum SnapshotSchemas {
    public static func schema(for kind: String) -> SchemaType? {
        switch kind {
        case "php": return php
        case "nginx": return nginx
        case "hosting": return hosting
        case "wordpress": return wordpress
        case "magento": return magento
        case "shopify": return shopify
        case "mariadb": return mariadb
        default: return nil
        }
    }

    static let at = SchemaType.string
    static let strings = SchemaType.array(.string)

    public static let php: SchemaType = .fields([
        ("source", .string), ("binary", .optional(.string)), ("version", .optional(.string)), ("sapi", .optional(.string)),
        ("ini_files", strings), ("scan_dirs", .optional(strings)),
        ("ini", .map(.string)), ("origin", .optional(.map(.string))),
        ("extensions", .array(.fields([("name", .string), ("zend", .bool), ("at", .optional(at))]))),
        ("arrays", .optional(.array(.fields([("directive", .string), ("offset", .string), ("value", .string), ("at", at)])))),
        ("sections", .optional(.array(.fields([("section", .string), ("directive", .string), ("value", .string), ("at", at)])))),
        (
            "fpm_pool",
            .optional(
                .fields([
                    ("file", .string), ("name", .string), ("settings", .map(.string)),
                    ("overrides", .array(.fields([("directive", .string), ("value", .string), ("admin", .bool), ("at", at)]))),
                ]))
        ),
        ("unresolved_constants", .optional(.array(.fields([("name", .string), ("at", at)])))),
        ("environment_reads", .optional(.array(.fields([("name", .string), ("at", at)])))),
        ("defaults_from", .optional(.string)),
    ])

    static let nginxLog = SchemaType.array(.map(.string))
    static let nginxHeaders = SchemaType.map(
        .fields([
            ("name", .string), ("value", .string), ("always", .bool), ("dynamic", .bool),
            ("file", .string), ("line", .number), ("count", .number),
        ]))
    static let nginxSettings: [(String, SchemaType)] = [
        ("server_tokens", .string), ("autoindex", .bool), ("client_max_body_size", .string),
        ("client_max_body_size_bytes", .optional(.number)),
        ("headers", nginxHeaders),
        ("headers_from", .optional(.string)),
        ("access", .array(.fields([("action", .string), ("address", .string), ("file", .string), ("line", .number)]))),
        ("access_log", nginxLog), ("access_log_off", .bool), ("error_log", nginxLog),
        ("root", .optional(.string)), ("fastcgi_pass", .optional(.string)),
        ("php_values", .map(.fields([("value", .string), ("admin", .bool), ("file", .string), ("line", .number)]))),
        ("return", nginxReturn),
        ("proxy_set_header", .optional(nginxProxyHeaders)),
        ("valid_referers", .optional(strings)),
        ("rewrites", .optional(nginxRewrites)),
        ("dynamic", strings), ("defaults", strings), ("file", .string), ("line", .number),
    ]
    static let nginxReturn = SchemaType.optional(.fields([("code", .number), ("target", .optional(.string)), ("dynamic", .bool)]))
    static let nginxProxyHeaders = SchemaType.map(.fields([("name", .string), ("value", .string), ("file", .string), ("line", .number)]))
    static let nginxRewrites = SchemaType.array(
        .fields([("pattern", .string), ("replacement", .string), ("flag", .optional(.string)), ("file", .string), ("line", .number)]))
    public static let nginx: SchemaType = .fields([
        ("source", .string), ("version", .optional(.string)), ("main_file", .string), ("files", strings),
        (
            "servers",
            .array(
                .fields(
                    nginxSettings + [
                        ("names", strings),
                        (
                            "listen",
                            .array(
                                .fields([
                                    ("address", .string), ("port", .optional(.number)), ("ssl", .bool), ("http2", .bool),
                                    ("quic", .bool), ("default_server", .bool), ("params", strings), ("implicit", .bool),
                                ]))
                        ),
                        ("ssl", .bool), ("http2", .bool), ("default_server", .bool), ("ssl_protocols", strings), ("ssl_ciphers", .string),
                        ("ssl_prefer_server_ciphers", .bool), ("ssl_session_tickets", .bool), ("ssl_stapling", .bool),
                        ("ssl_certificates", .array(.fields([("certificate", .string), ("key", .optional(.string))]))),
                        ("redirects_to_https", .bool),
                        (
                            "locations",
                            .array(
                                .fields(
                                    nginxSettings + [
                                        ("match", .string), ("modifier", .string), ("path", .string), ("parent", .optional(.number)),
                                        ("alias", .optional(.string)), ("proxy_pass", .optional(.string)),
                                        (
                                            "ifs",
                                            .optional(
                                                .array(
                                                    .fields([
                                                        ("condition", .string), ("file", .string), ("line", .number),
                                                        ("headers", nginxHeaders), ("headers_from", .optional(.string)), ("dynamic", strings),
                                                        ("proxy_set_header", .optional(nginxProxyHeaders)), ("proxy_pass", .optional(.string)),
                                                        ("return", nginxReturn), ("rewrites", .optional(nginxRewrites)),
                                                    ])))
                                        ),
                                    ]))
                        ),
                    ]))
        ),
        (
            "maps",
            .array(
                .fields([
                    ("source", .string), ("variable", .string), ("entries", .map(.optional(.string))), ("patterns", .optional(strings)),
                    ("default", .optional(.string)), ("file", .string), ("line", .number),
                ]))
        ),
        ("unknown_directives", .optional(.array(.fields([("name", .string), ("file", .string), ("line", .number)])))),
        ("directives", .array(.any)),
    ])

    public static let hosting: SchemaType = .fields([
        ("os", .map(.string)),
        ("kernel", .fields([("release", .optional(.string)), ("version", .optional(.string))])),
        ("hostname", .optional(.string)),
        ("collected_as", .fields([("uid", .number), ("root", .bool)])),
        (
            "sshd",
            .fields([
                ("source", .optional(.string)), ("installed", .optional(.bool)),
                ("settings", .optional(.map(.any))), ("origin", .optional(.map(.string))),
                ("matches", .optional(.array(.fields([("criteria", .string), ("settings", .map(.string)), ("file", .string), ("line", .number)])))),
                ("files", .optional(strings)),
            ])
        ),
        (
            "listening",
            .array(
                .fields([
                    ("protocol", .string), ("family", .string), ("address", .string), ("port", .number),
                    ("uid", .number), ("public", .bool), ("process", .optional(.string)),
                ]))
        ),
        (
            "certificates",
            .array(
                .fields([
                    ("path", .string), ("readable", .bool), ("error", .optional(.string)),
                    ("subject", .optional(.string)), ("issuer", .optional(.string)), ("self_signed", .optional(.bool)), ("self_issued", .optional(.bool)),
                    ("not_before", .optional(.string)), ("not_after", .optional(.string)), ("days_left", .optional(.number)),
                    ("key_type", .optional(.string)), ("key_bits", .optional(.number)), ("curve", .optional(.string)),
                    ("signature_algorithm", .optional(.string)), ("dns_names", .optional(strings)), ("ip_addresses", .optional(strings)),
                    ("serial", .optional(.string)),
                    ("sha256", .optional(.string)), ("chain_length", .optional(.number)), ("holds_private_key", .optional(.bool)),
                ]))
        ),
        (
            "firewall",
            .fields([
                ("tools", .array(.fields([("tool", .string), ("active", .bool), ("input_policy", .optional(.string)), ("rules", .number)]))),
                ("active", .bool), ("input_policy", .optional(.string)),
            ])
        ),
        ("users", .array(.fields([("name", .string), ("uid", .number), ("home", .string), ("shell", .string)]))),
        (
            "sudo",
            .fields([
                ("groups", .map(strings)),
                ("rules", .array(.fields([("principal", .string), ("rule", .string), ("nopasswd", .bool), ("at", at)]))),
                ("rules_readable", .bool), ("users", strings),
            ])
        ),
        (
            "files",
            .array(
                .fields([
                    ("path", .string), ("exists", .bool), ("type", .optional(.string)), ("mode", .optional(.string)),
                    ("owner", .optional(.string)), ("group", .optional(.string)), ("uid", .optional(.number)), ("gid", .optional(.number)),
                    ("world_readable", .optional(.bool)), ("world_writable", .optional(.bool)), ("group_writable", .optional(.bool)),
                ]))
        ),
        ("time_sync", .fields([("service", .optional(.string)), ("synchronized", .optional(.bool))])),
        (
            "updates",
            .fields([
                ("unattended_upgrades_installed", .bool), ("apt_periodic", .map(.string)),
                ("pending", .optional(.number)), ("pending_security", .optional(.number)),
                ("security_packages", .optional(strings)), ("package_lists_age_days", .optional(.number)),
            ])
        ),
        (
            "logging",
            .fields([
                ("journald", .map(.string)),
                ("journald_retention_days", .optional(.number)),
                (
                    "logrotate",
                    .fields([
                        ("installed", .bool), ("period", .string), ("rotate", .optional(.number)),
                        (
                            "files",
                            .array(
                                .fields([
                                    ("paths", strings), ("period", .string), ("rotate", .number), ("retention_days", .optional(.number)), ("at", at),
                                ]))
                        ),
                    ])
                ),
            ])
        ),
        (
            "audit",
            .optional(
                .fields([
                    ("installed", .bool), ("rules_files", strings),
                    ("watches", .array(.fields([("path", .string), ("permissions", .optional(.string)), ("key", .optional(.string)), ("at", at)]))),
                    ("watched_paths", strings), ("immutable", .bool),
                ]))
        ),
        (
            "integrity",
            .optional(.fields([("aide_installed", .bool), ("database", .string), ("database_initialised", .bool), ("scheduled", .bool)]))
        ),
        ("fail2ban", .optional(.fields([("installed", .bool), ("enabled_jails", strings)]))),
        ("root", .string),
        ("skipped", .array(.fields([("part", .string), ("reason", .string)]))),
    ])

    static let wpFile = SchemaType.optional(
        .fields([
            ("path", .string), ("mode", .string), ("world_readable", .bool),
            ("world_writable", .bool), ("owner", .optional(.string)),
        ]))
    public static let wordpress: SchemaType = .fields([
        ("path", .string), ("config_file", .string), ("site_config_file", .optional(.string)),
        ("core", .optional(.map(.any))),
        ("constants", .map(.fields([("value", .any), ("line", .number), ("conditional", .bool)]))),
        ("effective", .map(.any)),
        ("secrets", .map(.fields([("set", .bool), ("length", .optional(.number)), ("placeholder", .bool), ("from_expression", .optional(.bool))]))),
        ("table_prefix", .any),
        // `active` and `auto_update` come from the database (active_plugins, auto_update_plugins).
        (
            "plugins",
            .array(
                .fields([
                    ("slug", .string), ("file", .string), ("name", .string), ("version", .optional(.string)),
                    ("update_uri", .optional(.string)), ("requires_php", .optional(.string)),
                    ("active", .optional(.bool)), ("auto_update", .optional(.bool)),
                ]))
        ),
        (
            "mu_plugins",
            .array(
                .fields([
                    ("slug", .string), ("file", .string), ("name", .string), ("version", .optional(.string)),
                    ("update_uri", .optional(.string)), ("requires_php", .optional(.string)),
                ]))
        ),
        (
            "themes",
            .array(
                .fields([
                    ("slug", .string), ("name", .string), ("version", .optional(.string)),
                    ("parent", .optional(.string)), ("update_uri", .optional(.string)),
                    ("active", .optional(.bool)), ("auto_update", .optional(.bool)),
                ]))
        ),
        ("security_plugins", strings),
        (
            "audit_log",
            .optional(
                .fields([
                    ("plugins", strings), ("keeps_forever", .bool), ("retention_days", .optional(.number)), ("retention_from", strings),
                ]))
        ),
        (
            "mu_plugin_hooks",
            .optional(
                .array(
                    .fields([
                        ("type", .string), ("hook", .string), ("callback", .optional(.string)), ("returns", .optional(.number)), ("file", .string),
                        ("line", .number),
                    ])))
        ),
        ("session", .optional(.fields([("login_lifetime_seconds", .optional(.number)), ("from", .string)]))),
        (
            "files",
            .fields([
                ("wp_config", wpFile), ("uploads", wpFile), ("php_in_uploads", strings),
                ("htaccess", .fields([("present", .bool), ("lines", .optional(.number))])),
            ])
        ),
        (
            "database",
            .fields([
                ("collected", .bool), ("reason", .optional(.string)),
                ("options", .optional(.map(.any))),
                ("roles", .optional(.map(.fields([("name", .any), ("capabilities", strings)])))),
                (
                    "users",
                    .optional(
                        .fields([
                            ("total", .number), ("per_role", .map(.number)), ("administrators", strings), ("default_logins", .optional(strings)),
                            ("application_passwords", .optional(.fields([("users", .number), ("administrators", .number)]))),
                        ]))
                ),
                ("payment_gateways", .optional(.array(.fields([("id", .string), ("enabled", .bool)])))),
            ])
        ),
    ])

    public static let magento: SchemaType = .fields([
        ("path", .string), ("version", .optional(.fields([("package", .string), ("version", .string)]))),
        ("mode", .any), ("admin_frontname", .any), ("admin_frontname_is_default", .bool),
        ("modules", .map(.bool)),
        ("crypt_key", .fields([("set", .bool), ("length", .optional(.number)), ("from_expression", .optional(.bool))])),
        ("db", .map(.map(.any))),
        ("session_save", .any), ("x_frame_options", .any), ("cache_types", .map(.any)),
        ("system", .map(.map(.fields([("value", .any), ("source", .string)])))),
        ("effective", .map(.map(.fields([("value", .any), ("source", .string), ("scope", .string)])))),
        (
            "database",
            .fields([
                ("collected", .bool), ("reason", .optional(.string)),
                ("admin_users", .optional(.fields([("total", .number), ("active", .number), ("inactive", .number), ("locked", .number)]))),
                ("tfa", .optional(.fields([("table", .bool), ("configured_users", .number)]))),
                (
                    "access_review",
                    .optional(
                        .fields([
                            (
                                "admin_accounts",
                                .array(
                                    .fields([
                                        ("username", .string), ("active", .bool), ("days_since_login", .optional(.number)), ("role", .optional(.string)),
                                        ("all_resources", .bool),
                                    ]))
                            ),
                            ("roles", .array(.fields([("name", .string), ("all_resources", .bool), ("users", .optional(.number))]))),
                            ("integrations", .array(.fields([("name", .string), ("active", .bool), ("all_resources", .bool)]))),
                        ]))
                ),
            ])
        ),
    ])

    static let shopifyApp = SchemaType.fields([
        ("id", .string), ("app_id", .optional(.string)), ("title", .optional(.string)),
        ("handle", .optional(.string)), ("scopes", strings), ("privacy", .optional(.string)),
    ])

    public static let shopify: SchemaType = .fields([
        (
            "api",
            .fields([
                ("requested_version", .string), ("served_version", .optional(.string)),
                ("requested_supported", .optional(.bool)), ("supported_versions", .optional(strings)),
            ])
        ),
        (
            "shop",
            .fields([
                ("id", .string), ("name", .optional(.string)), ("myshopify_domain", .optional(.string)),
                ("plan", .fields([("name", .optional(.string)), ("shopify_plus", .optional(.bool)), ("partner_development", .optional(.bool))])),
                ("primary_domain", .fields([("host", .optional(.string)), ("ssl_enabled", .optional(.bool))])),
                (
                    "customer_accounts",
                    .optional(
                        .fields([
                            ("version", .optional(.string)), ("login_required_at_checkout", .optional(.bool)),
                            ("login_links_visible", .optional(.bool)),
                        ]))
                ),
            ])
        ),
        (
            "staff",
            .optional(
                .array(
                    .fields([
                        ("id", .string), ("account_type", .optional(.string)), ("active", .optional(.bool)),
                        ("shop_owner", .optional(.bool)), ("exists", .optional(.bool)),
                    ])))
        ),
        ("apps", .fields([("current", .optional(shopifyApp)), ("installations", .optional(.array(shopifyApp)))])),
        (
            "webhooks",
            .optional(
                .array(
                    .fields([
                        ("id", .string), ("topic", .optional(.string)), ("format", .optional(.string)), ("uri", .optional(.string)),
                        ("scheme", .optional(.string)), ("uri_redacted", .bool), ("api_version", .optional(.string)),
                        ("api_version_supported", .optional(.bool)), ("created_at", .optional(.string)),
                    ])))
        ),
        (
            "storefront_tokens",
            .optional(
                .array(
                    .fields([
                        ("id", .string), ("title", .optional(.string)), ("scopes", strings),
                        ("created_at", .optional(.string)), ("age_days", .optional(.number)),
                    ])))
        ),
        (
            "carrier_services",
            .optional(
                .array(
                    .fields([
                        ("id", .string), ("name", .optional(.string)), ("active", .optional(.bool)), ("callback_url", .optional(.string)),
                        ("scheme", .optional(.string)), ("callback_url_redacted", .bool),
                    ])))
        ),
        (
            "privacy",
            .optional(
                .fields([
                    ("cookie_banner_enabled", .optional(.bool)), ("cookie_banner_auto_managed", .optional(.bool)),
                    ("data_sale_opt_out_auto_managed", .optional(.bool)), ("privacy_policy_auto_managed", .optional(.bool)),
                ]))
        ),
        ("graphql_errors", .array(.fields([("message", .string), ("path", .optional(.string)), ("code", .optional(.string))]))),
    ])

    /// `gavel collect mariadb` (docs/snapshots/mariadb.md).
    public static let mariadb: SchemaType = .fields([
        ("server", .fields([("version", .string), ("flavor", .string)])),
        ("variables", .map(.string)),
        (
            "password_policy",
            .fields([
                ("max_errors", .optional(.number)), ("default_lifetime_days", .optional(.number)), ("disconnect_on_expired", .optional(.bool)),
                ("old_hashes", .optional(.bool)),
            ])
        ),
        ("plugins", .optional(.array(.fields([("name", .string), ("status", .string), ("type", .string)])))),
        (
            "accounts",
            .optional(
                .array(
                    .fields([
                        ("user", .string), ("host", .string), ("role", .bool), ("identified_via", strings), ("empty_password", .bool), ("remote", .bool),
                        ("any_host", .bool), ("host_pattern", .bool), ("require_tls", .bool), ("ssl_type", .string), ("locked", .bool), ("expired", .bool),
                        ("lifetime_days", .optional(.number)), ("global_privileges", strings), ("all_privileges", .bool), ("grant_option", .bool),
                    ])))
        ),
    ])
}
