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

    static func app(_ n: Value) -> Value {
        .object([
            ("id", n["id"] ?? .null),
            ("app_id", n["app"]?["id"] ?? .null),
            ("title", n["app"]?["title"] ?? .null),
            ("handle", n["app"]?["handle"] ?? .null),
            ("scopes", scopes(n["accessScopes"])),
        ])
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
