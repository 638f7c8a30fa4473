import Foundation
import GavelCore

/// Reads WordPress's options, roles and users (through `MySQLClient`). Records no e-mail
/// address, no password hash and no secret option.
struct WordPressDatabase {
    static let options = [
        "siteurl", "home", "users_can_register", "default_role", "blog_public", "active_plugins", "auto_update_plugins",
        "auto_update_themes", "auto_update_core_major", "auto_update_core_minor", "auto_update_core_dev", "db_version",
        "template", "stylesheet", "woocommerce_version", "woocommerce_enable_guest_checkout",
        "woocommerce_enable_signup_and_login_from_checkout", "woocommerce_enable_myaccount_registration",
        "woocommerce_force_ssl_checkout", "woocommerce_registration_generate_password",
        "woocommerce_erasure_request_removes_order_data", "woocommerce_erasure_request_removes_download_data",
        "woocommerce_allow_bulk_remove_personal_data", "woocommerce_delete_inactive_accounts",
        "woocommerce_trash_pending_orders", "woocommerce_trash_failed_orders", "woocommerce_trash_cancelled_orders",
        "woocommerce_anonymize_completed_orders", "woocommerce_gateway_order", "jetpack_active_modules",
        // WP Activity Log's retention: pruning on/off, the period and its unit.
        "wsal_pruning-date-e", "wsal_pruning-date", "wsal_pruning-unit",
    ]
    /// Options read for a few keys only (the rest may hold API keys): Stream's retention.
    static let partialOptions: [String: [String]] = ["wp_stream": ["general_records_ttl", "general_keep_records_indefinitely"]]
    /// The logins password-guessing bots try first.
    static let defaultLogins: Set<String> = ["admin", "administrator"]

    var client: MySQLClient
    var prefix: String

    func query(_ sql: String) throws -> [[String]] { try client.query(sql) }

    /// Options (serialized ones decoded), roles with their granted capabilities, and users
    /// as counts per role plus the logins of administrators.
    func collect() throws -> Value {
        let p = prefix
        let names = (Self.options + Self.partialOptions.keys.sorted() + [p + "user_roles"]).map { "'\($0)'" }.joined(separator: ",")
        var options: [(String, Value)] = []
        var roles: Value = .object([Value.Member]())
        for row in try query("SELECT option_name, option_value FROM \(p)options WHERE option_name IN (\(names)) ORDER BY option_name") where row.count == 2 {
            let value = Self.decode(row[1])
            if row[0] == p + "user_roles" {
                roles = Self.roles(value)
            } else if let keys = Self.partialOptions[row[0]] {
                options.append((row[0], .object((value.objectMembers ?? []).filter { keys.contains($0.key) }.map { ($0.key, $0.value) })))
            } else {
                options.append((row[0], value))
            }
        }
        let gateways = try paymentGateways(order: options.first { $0.0 == "woocommerce_gateway_order" }?.1)
        var perRole: [String: Int] = [:]
        var administrators: [String] = []
        var defaultLogins: [String] = []
        var withAppPasswords = 0
        var adminsWithAppPasswords = 0
        var total = 0
        // The third column says whether the user holds an application password (the stored
        // hashes are never selected).
        for row in try query(
            """
            SELECT u.user_login, m.meta_value, CASE WHEN a.meta_value IS NULL OR a.meta_value IN ('', 'a:0:{}') THEN 0 ELSE 1 END \
            FROM \(p)users u LEFT JOIN \(p)usermeta m ON m.user_id = u.ID AND m.meta_key = '\(p)capabilities' \
            LEFT JOIN \(p)usermeta a ON a.user_id = u.ID AND a.meta_key = '_application_passwords' ORDER BY u.user_login
            """
        ) where row.count == 3 {
            total += 1
            let caps = (try? PHPUnserializer.parse(row[1]))?.objectMembers ?? []
            let userRoles = caps.filter { $0.value == .bool(true) }.map(\.key)
            if userRoles.isEmpty { perRole["(none)", default: 0] += 1 }
            for r in userRoles { perRole[r, default: 0] += 1 }
            if userRoles.contains("administrator") { administrators.append(row[0]) }
            if Self.defaultLogins.contains(row[0].lowercased()) { defaultLogins.append(row[0]) }
            if row[2] == "1" {
                withAppPasswords += 1
                if userRoles.contains("administrator") { adminsWithAppPasswords += 1 }
            }
        }
        return .object([
            ("collected", true),
            ("options", .object(options)),
            ("roles", roles),
            (
                "users",
                .object([
                    ("total", .integer(total)), ("per_role", .object(perRole.keys.sorted().map { ($0, .integer(perRole[$0]!)) })),
                    ("administrators", .array(administrators.map { .string($0) })),
                    ("default_logins", .array(defaultLogins.map { .string($0) })),
                    (
                        "application_passwords",
                        .object([("users", .integer(withAppPasswords)), ("administrators", .integer(adminsWithAppPasswords))])
                    ),
                ])
            ),
            ("payment_gateways", gateways),
        ])
    }

    /// WooCommerce's payment gateways (the ids of `woocommerce_gateway_order`) and whether each
    /// is enabled; only the `enabled` key of each `woocommerce_ID_settings` is kept, since the
    /// rest holds API keys.
    func paymentGateways(order: Value?) throws -> Value {
        let ids = (order?.objectMembers ?? []).map(\.key).filter { id in id.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" } }
        guard !ids.isEmpty else { return .array([]) }
        let names = ids.map { "'woocommerce_\($0)_settings'" }.joined(separator: ",")
        var enabled: [String: Bool] = [:]
        for row in try query("SELECT option_name, option_value FROM \(prefix)options WHERE option_name IN (\(names))") where row.count == 2 {
            let id = String(row[0].dropFirst("woocommerce_".count).dropLast("_settings".count))
            enabled[id] = Self.decode(row[1])["enabled"]?.stringValue == "yes"
        }
        return .array(ids.map { .object([("id", .string($0)), ("enabled", .bool(enabled[$0] ?? false))]) })
    }

    /// A serialized option becomes its value; anything else stays a string.
    static func decode(_ s: String) -> Value {
        let first = s.first
        if s.count >= 2, let first, "abidsNOCE".contains(first), s.dropFirst().first == ":" || s == "N;",
            let v = try? PHPUnserializer.parse(s)
        {
            return v
        }
        return .string(s)
    }

    /// `{role: {name, capabilities: [granted...]}}` from the serialized `{prefix}user_roles`.
    static func roles(_ v: Value) -> Value {
        .object(
            (v.objectMembers ?? []).map { m in
                let caps = (m.value["capabilities"]?.objectMembers ?? []).filter { $0.value == .bool(true) || $0.value == .int(1) }.map { Value.string($0.key) }
                return (m.key, .object([("name", m.value["name"] ?? .null), ("capabilities", .array(caps))]))
            })
    }
}
