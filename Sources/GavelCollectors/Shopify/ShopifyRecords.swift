import Foundation
import GavelCore

/// Turns GraphQL nodes into snapshot records: snake_case names, ids and types only (no
/// names, e-mails or tokens), secrets stripped from webhook destinations, ages in days.
enum ShopifyRecords {
    static func staff(_ n: Value) -> Value {
        .object([
            ("id", n["id"] ?? .null),
            ("account_type", n["accountType"] ?? .null),
            ("active", n["active"] ?? .null),
            ("shop_owner", n["isShopOwner"] ?? .null),
            ("exists", n["exists"] ?? .null),
        ])
    }

    static func scopes(_ n: Value?) -> Value {
        .array((n?.arrayValue ?? []).compactMap { $0["handle"] })
    }

    /// `privacy`: PUBLIC (from the App Store) or PRIVATE (custom apps made for the store).
    static func app(_ n: Value, privacy: String? = nil) -> Value {
        var fields: [(String, Value)] = [
            ("id", n["id"] ?? .null),
            ("app_id", n["app"]?["id"] ?? .null),
            ("title", n["app"]?["title"] ?? .null),
            ("handle", n["app"]?["handle"] ?? .null),
            ("scopes", scopes(n["accessScopes"])),
        ]
        if let privacy { fields.append(("privacy", .string(privacy))) }
        return .object(fields)
    }

    static func carrierService(_ n: Value) -> Value {
        let dest = n["callbackUrl"]?.stringValue.map(destination) ?? (uri: nil, scheme: nil, redacted: false)
        return .object([
            ("id", n["id"] ?? .null), ("name", n["name"] ?? .null), ("active", n["active"] ?? .null),
            ("callback_url", dest.uri.map(Value.string) ?? .null), ("scheme", dest.scheme.map(Value.string) ?? .null),
            ("callback_url_redacted", .bool(dest.redacted)),
        ])
    }

    static func privacy(_ p: Value) -> Value {
        .object([
            ("cookie_banner_enabled", p["banner"]?["enabled"] ?? .null),
            ("cookie_banner_auto_managed", p["banner"]?["autoManaged"] ?? .null),
            ("data_sale_opt_out_auto_managed", p["dataSaleOptOutPage"]?["autoManaged"] ?? .null),
            ("privacy_policy_auto_managed", p["privacyPolicy"]?["autoManaged"] ?? .null),
        ])
    }

    /// A GraphQL error on one field of one row of a list.
    struct RowError { var index: Int; var field: String; var message: String }

    /// The record fields each GraphQL field becomes.
    static let recordKeys: [String: [String]] = [
        "accountType": ["account_type"], "isShopOwner": ["shop_owner"], "accessScopes": ["scopes"], "app": ["app_id", "title", "handle"],
        "apiVersion": ["api_version", "api_version_supported"], "uri": ["uri", "scheme"], "callbackUrl": ["uri", "scheme", "callback_url"],
        "createdAt": ["created_at", "age_days"],
    ]

    /// The records with each failed field removed and recorded as unavailable, with Shopify's
    /// message: a null that came with an error is not a value.
    static func withoutFailedFields(_ records: [Value], _ errors: [RowError], part: String, into b: inout SnapshotBuilder) -> [Value] {
        var out = records
        for e in errors where out.indices.contains(e.index) {
            guard case .object(var members) = out[e.index] else { continue }
            let keys = recordKeys[e.field] ?? [e.field]
            members.removeAll { keys.contains($0.key) }
            out[e.index] = .object(members)
            for k in keys { b.unavailable("\(part)/\(e.index)/\(k)", "Shopify returned an error for \(e.field) of this row: \(e.message)") }
        }
        return out
    }

    static func webhook(_ n: Value) -> Value {
        let raw = n["uri"]?.stringValue ?? n["callbackUrl"]?.stringValue
        let dest = raw.map(destination) ?? (uri: nil, scheme: nil, redacted: false)
        return .object([
            ("id", n["id"] ?? .null),
            ("topic", n["topic"] ?? .null),
            ("format", n["format"] ?? .null),
            ("uri", dest.uri.map(Value.string) ?? .null),
            ("scheme", dest.scheme.map(Value.string) ?? .null),
            ("uri_redacted", .bool(dest.redacted)),
            ("api_version", n["apiVersion"]?["handle"] ?? .null),
            ("api_version_supported", n["apiVersion"]?["supported"] ?? .null),
            ("created_at", n["createdAt"] ?? .null),
        ])
    }

    static func storefrontToken(_ n: Value, now: Date) -> Value {
        let created = n["createdAt"]?.stringValue
        return .object([
            ("id", n["id"] ?? .null),
            ("title", n["title"] ?? .null),
            ("scopes", scopes(n["accessScopes"])),
            ("created_at", created.map(Value.string) ?? .null),
            ("age_days", created.flatMap { ageDays($0, now: now) }.map(Value.integer) ?? .null),
        ])
    }

    /// A webhook destination without what could be a secret: user info and the query string
    /// of an https URL are dropped (`redacted` says so). `pubsub://project:topic` and
    /// EventBridge ARNs carry none and are kept.
    static func destination(_ raw: String) -> (uri: String?, scheme: String?, redacted: Bool) {
        if raw.hasPrefix("arn:") { return (raw, "arn", false) }
        if raw.lowercased().hasPrefix("pubsub://") { return (raw, "pubsub", false) }
        guard var c = URLComponents(string: raw), let scheme = c.scheme?.lowercased() else { return (nil, nil, true) }
        var redacted = false
        if c.user != nil || c.password != nil { c.user = nil; c.password = nil; redacted = true }
        if c.query != nil { c.query = nil; redacted = true }
        if c.fragment != nil { c.fragment = nil; redacted = true }
        return (c.string, scheme, redacted)
    }

    /// Whole days from an ISO 8601 time (`2025-01-31T12:00:00Z`, fractions allowed) to `now`.
    static func ageDays(_ text: String, now: Date) -> Int? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        var date = f.date(from: text)
        if date == nil {
            f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            date = f.date(from: text)
        }
        guard let date else { return nil }
        return Int((now.timeIntervalSince(date) / 86_400).rounded(.down))
    }
}
