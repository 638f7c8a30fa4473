import GavelCore

/// Magento's configuration layers and its precedence, lowest first: module defaults
/// (config.xml; the table below for the security paths Gavel documents), the database
/// (`core_config_data`), `app/etc/config.php`, `app/etc/env.php`, then environment variables
/// `CONFIG__<SCOPE>__<PATH>` (e.g. `CONFIG__DEFAULT__ADMIN__SECURITY__SESSION_LIFETIME`).
/// Each effective value keeps the layer it came from.
struct MagentoConfig {
    /// Module defaults (Magento 2.4 config.xml) for the paths the policies read.
    static let moduleDefaults: [(String, String)] = [
        ("admin/security/session_lifetime", "900"), ("admin/security/use_form_key", "1"),
        ("admin/security/lockout_failures", "6"), ("admin/security/lockout_threshold", "30"),
        ("admin/security/password_lifetime", "90"), ("admin/security/password_is_forced", "1"),
        ("admin/security/admin_account_sharing", "0"), ("admin/captcha/enable", "0"),
        ("customer/password/lockout_failures", "10"), ("customer/password/lockout_threshold", "10"),
        ("customer/captcha/enable", "1"), ("web/secure/use_in_frontend", "0"), ("web/secure/use_in_adminhtml", "0"),
        ("web/cookie/cookie_httponly", "1"), ("web/url/redirect_to_base", "1"), ("dev/debug/template_hints_storefront", "0"),
        ("dev/debug/template_hints_admin", "0"), ("dev/template/allow_symlink", "0"), ("twofactorauth/general/force_providers", ""),
        ("admin/usage/enabled", "0"), ("system/full_page_cache/caching_application", "1"),
    ]

    struct Entry { var value: Value; var source: String }
    /// scope key ("default", "websites/1", "stores/2") -> path -> entry
    private(set) var scopes: [String: [String: Entry]] = [:]
    private(set) var order: [String: [String]] = [:]

    mutating func set(_ scope: String, _ path: String, _ value: Value, _ source: String) {
        if scopes[scope]?[path] == nil { order[scope, default: []].append(path) }
        scopes[scope, default: [:]][path] = Entry(value: MagentoCollector.isSecretPath(path) ? SecretPresence.of(value) : value, source: source)
    }

    /// Applies the layers in order; later ones override earlier ones.
    /// Website and store codes by id, and each store's website, so that database rows (by
    /// id) and file or environment entries (by code) name the same scope.
    struct Stores {
        var websites: [String: String] = [:]  // id -> code
        var stores: [String: (code: String, website: String)] = [:]  // id -> (code, website code)
    }
    var stores = Stores()

    mutating func build(database rows: [[String]], configPHP: [(String, String, Value)], envPHP: [(String, String, Value)], environment: [String: String]) {
        for (p, v) in Self.moduleDefaults { set("default", p, .string(v), "module default") }
        for r in rows where r.count >= 4 {
            let scope: String
            switch r[0] {
            case "default": scope = "default"
            case "websites": scope = "websites/" + (stores.websites[r[1]] ?? r[1])
            case "stores": scope = "stores/" + (stores.stores[r[1]]?.code ?? r[1])
            default: scope = "\(r[0])/\(r[1])"
            }
            set(scope, r[2], r[3] == "NULL" ? .null : .string(r[3]), "database")
        }
        for (scope, p, v) in configPHP { set(scope, p, v, "config.php") }
        for (scope, p, v) in envPHP { set(scope, p, v, "env.php") }
        // CONFIG__DEFAULT__WEB__SECURE__USE_IN_ADMINHTML=1, CONFIG__WEBSITES__BASE__...
        for (k, v) in environment.sorted(by: { $0.key < $1.key }) where k.hasPrefix("CONFIG__") {
            let parts = k.dropFirst(8).components(separatedBy: "__").map { $0.lowercased() }
            guard let first = parts.first else { continue }
            if first == "default", parts.count >= 2 {
                set("default", parts.dropFirst().joined(separator: "/"), .string(v), "environment")
            } else if first == "websites" || first == "stores", parts.count >= 3 {
                set("\(first)/\(parts[1])", parts.dropFirst(2).joined(separator: "/"), .string(v), "environment")
            }
        }
    }

    /// The value each website and store actually uses: its own setting, else its website's,
    /// else the default scope's (Magento's scope inheritance), with `scope` saying where it
    /// was set.
    var effective: Value {
        var out: [(String, Value)] = []
        func entries(_ chain: [String]) -> Value {
            var paths: [String] = []
            var seen = Set<String>()
            for scope in chain.reversed() { for p in order[scope] ?? [] where seen.insert(p).inserted { paths.append(p) } }
            return .object(
                paths.map { p in
                    let scope = chain.first { scopes[$0]?[p] != nil }!
                    let e = scopes[scope]![p]!
                    return (p, .object([("value", e.value), ("source", .string(e.source)), ("scope", .string(scope))]))
                })
        }
        out.append(("default", entries(["default"])))
        var websiteCodes = Set(stores.websites.values)
        for key in scopes.keys where key.hasPrefix("websites/") { websiteCodes.insert(String(key.dropFirst(9))) }
        for code in websiteCodes.sorted() { out.append(("websites/" + code, entries(["websites/" + code, "default"]))) }
        var storeWebsites: [String: String] = [:]
        for (_, s) in stores.stores { storeWebsites[s.code] = s.website }
        for key in scopes.keys where key.hasPrefix("stores/") { storeWebsites[String(key.dropFirst(7)), default: ""] += "" }
        for code in storeWebsites.keys.sorted() {
            let website = storeWebsites[code] ?? ""
            out.append(("stores/" + code, entries(["stores/" + code] + (website.isEmpty ? [] : ["websites/" + website]) + ["default"])))
        }
        return .object(out)
    }

    var value: Value {
        .object(
            scopes.keys.sorted { a, b in a == "default" || (b != "default" && a < b) }.map { scope in
                (
                    scope,
                    .object(
                        order[scope]!.map { p in
                            let e = scopes[scope]![p]!
                            return (p, .object([("value", e.value), ("source", .string(e.source))]))
                        })
                )
            })
    }
}
