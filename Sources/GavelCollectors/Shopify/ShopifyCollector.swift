import Foundation
import GavelCore

/// Reads a Shopify store's security-relevant admin settings through the GraphQL Admin API
/// (docs/snapshots/shopify.md). A part the token may not read is left out of `data` and
/// recorded as unavailable with Shopify's reason; GraphQL errors that come with partial data
/// are kept under `graphql_errors`.
public struct ShopifyCollector {
    /// The API version this Gavel is written and tested against.
    public static let pinnedAPIVersion = "2026-10"

    public var shop: String
    public var token: String
    public var apiVersion = ShopifyCollector.pinnedAPIVersion
    /// `scheme://host[:port]` to send requests to instead of `https://SHOP` (a proxy, or the
    /// loopback test server). Plain http is accepted for loopback hosts only.
    public var endpoint: String?
    public var pageSize = 50
    public var connectTimeout: TimeInterval = 10
    public var requestTimeout: TimeInterval = 30
    public var totalTimeout: TimeInterval = 300
    public var retry = RetryPolicy()
    public var now: () -> Date = Date.init

    public init(shop: String, token: String) {
        self.shop = shop
        self.token = token
    }

    /// `STORE.myshopify.com`, lower-cased; nil when `text` is not one.
    /// The Admin API token kept in `file` (surrounding whitespace trimmed); never echoed.
    public static func token(fromFile file: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            throw Diagnostic(.shopifyToken, "cannot read the token file \(file)")
        }
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !t.isEmpty else { throw Diagnostic(.shopifyToken, "the token file \(file) is empty") }
        return t
    }

    public static func normalizedShop(_ text: String) -> String? {
        let s = text.lowercased()
        guard s.hasSuffix(".myshopify.com") else { return nil }
        let name = s.dropLast(".myshopify.com".count)
        guard let first = name.first, first.isLetter || first.isNumber,
            name.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" })
        else { return nil }
        return s
    }

    /// The GraphQL endpoint, after checking that the token will not travel in clear text.
    public func endpointURL() throws -> URL {
        guard let version = ShopifyAPIVersion(apiVersion) else {
            throw Diagnostic(.shopifyVersion, "--api-version \(apiVersion) is not a Shopify API version (YYYY-01, -04, -07, -10 or unstable)")
        }
        guard version >= ShopifyAPIVersion.oldestUsable else {
            throw Diagnostic(
                .shopifyVersion,
                "--api-version \(apiVersion) predates \(ShopifyAPIVersion.oldestUsable), the oldest version whose schema has every field this collector reads")
        }
        let base = endpoint ?? "https://\(shop)"
        guard let c = URLComponents(string: base), let scheme = c.scheme?.lowercased(), let host = c.host, !host.isEmpty,
            c.path.isEmpty || c.path == "/", c.query == nil, c.user == nil
        else {
            throw Diagnostic(.shopifyEndpoint, "--endpoint \(base) must be scheme://host[:port] and nothing else")
        }
        let loopback = ["127.0.0.1", "::1", "localhost"].contains(host.lowercased())
        guard scheme == "https" || (scheme == "http" && loopback) else {
            throw Diagnostic(.shopifyEndpoint, "--endpoint \(base): the access token is only sent over https (plain http only to a loopback address)")
        }
        var u = c
        u.path = "/admin/api/\(apiVersion)/graphql.json"
        return u.url!
    }

    public func collect(into b: inout SnapshotBuilder) throws -> Value {
        let url = try endpointURL()
        let version = ShopifyAPIVersion(apiVersion)!
        let port = url.port ?? (url.scheme == "https" ? 443 : 80)
        if let proxy = ProxySettings.forURL(url, environment: ProcessEnvironment.all) {
            if let problem = TCPProbe.connect(host: proxy.host, port: proxy.port, timeout: connectTimeout) {
                throw Diagnostic(.shopifyConnect, "the proxy from \(proxy.variable): " + problem + " (--connect-timeout)")
            }
        } else if let problem = TCPProbe.connect(host: url.host!, port: port, timeout: connectTimeout) {
            throw Diagnostic(.shopifyConnect, problem + " (--connect-timeout)")
        }
        let client = GraphQLClient(url: url, token: token, requestTimeout: requestTimeout, totalTimeout: totalTimeout)
        client.retry = retry
        var run = Run(client: client, pageSize: pageSize)
        let source = "\(url.absoluteString)#"

        // Shop, API versions and this app's own installation: one request, no scope needed.
        let r = try client.run("GavelShop", ShopifyQueries.shop(version))
        run.keep(r.errors)
        guard let shop = r.data?["shop"], shop.objectMembers != nil else {
            let why = r.errors.first?.message ?? "no shop in the response"
            throw Diagnostic(.shopifyResponse, "the store itself could not be read: \(why)")
        }
        var data: [(String, Value)] = []
        var shopRecord: [(String, Value)] = [
            ("id", shop["id"] ?? .null), ("name", shop["name"] ?? .null), ("myshopify_domain", shop["myshopifyDomain"] ?? .null),
            (
                "plan",
                .object([
                    ("name", shop["plan"]?["publicDisplayName"] ?? shop["plan"]?["displayName"] ?? .null),
                    ("shopify_plus", shop["plan"]?["shopifyPlus"] ?? .null),
                    ("partner_development", shop["plan"]?["partnerDevelopment"] ?? .null),
                ])
            ),
            (
                "primary_domain",
                .object([
                    ("host", shop["primaryDomain"]?["host"] ?? .null),
                    ("ssl_enabled", shop["primaryDomain"]?["sslEnabled"] ?? .null),
                ])
            ),
        ]
        if let ca = shop["customerAccountsV2"], ca.objectMembers != nil {
            shopRecord.append(
                (
                    "customer_accounts",
                    .object([
                        ("version", ca["customerAccountsVersion"] ?? .null),
                        ("login_required_at_checkout", ca["loginRequiredAtCheckout"] ?? .null),
                        ("login_links_visible", ca["loginLinksVisibleOnStorefrontAndCheckout"] ?? .null),
                    ])
                ))
        } else {
            b.unavailable("/shop/customer_accounts", Run.reason(r.errors(under: ["shop", "customerAccountsV2"]), "customerAccountsV2"))
        }
        data.append(("shop", .object(shopRecord)))
        b.source("/shop", source + "shop")

        var api: [(String, Value)] = [("requested_version", .string(apiVersion))]
        if let versions = r.data?["publicApiVersions"]?.arrayValue {
            let supported = versions.filter { $0["supported"] == .bool(true) }.compactMap { $0["handle"]?.stringValue }
            api.append(("requested_supported", .bool(supported.contains(apiVersion))))
            api.append(("supported_versions", .array(supported.map(Value.string))))
        } else {
            b.unavailable("/api/requested_supported", Run.reason(r.errors(under: ["publicApiVersions"]), "publicApiVersions"))
        }

        var apps: [(String, Value)] = []
        if let cur = r.data?["currentAppInstallation"], cur.objectMembers != nil {
            apps.append(("current", ShopifyRecords.app(cur)))
        } else {
            b.unavailable("/apps/current", Run.reason(r.errors(under: ["currentAppInstallation"]), "currentAppInstallation"))
        }

        // Lists, a page at a time. A field that errs inside one row (a null with an error) is
        // left out of that row and recorded as unavailable, so the rules reading it give
        // `error` instead of judging the row as if the field were fine.
        switch try run.list("GavelStaff", ShopifyQueries.staff, ["staffMembers"]) {
        case .nodes(let n, let rowErrors):
            data.append(("staff", .array(ShopifyRecords.withoutFailedFields(n.map(ShopifyRecords.staff), rowErrors, part: "/staff", into: &b))))
            b.source("/staff", source + "staffMembers")
        case .unavailable(let why): b.unavailable("/staff", why)
        }
        // appInstallations lists public apps unless asked for private (custom) ones: both.
        var installations: [Value] = []
        var rowErrors: [ShopifyRecords.RowError] = []
        var appsUnavailable: String?
        for privacy in ["PUBLIC", "PRIVATE"] where appsUnavailable == nil {
            switch try run.list("GavelApps", ShopifyQueries.apps, ["appInstallations"], variables: [("privacy", .string(privacy))]) {
            case .nodes(let n, let errs):
                rowErrors += errs.map { ShopifyRecords.RowError(index: $0.index + installations.count, field: $0.field, message: $0.message) }
                installations += n.map { ShopifyRecords.app($0, privacy: privacy) }
            case .unavailable(let why): appsUnavailable = why
            }
        }
        if let appsUnavailable {
            b.unavailable("/apps/installations", appsUnavailable)
        } else {
            apps.append(("installations", .array(ShopifyRecords.withoutFailedFields(installations, rowErrors, part: "/apps/installations", into: &b))))
            b.source("/apps/installations", source + "appInstallations")
        }
        // Shopify lists only the webhooks and storefront tokens of the app that asks: these are
        // the collecting app's own (docs/snapshots/shopify.md).
        switch try run.list("GavelWebhooks", ShopifyQueries.webhooks(version), ["webhookSubscriptions"]) {
        case .nodes(let n, let errs):
            data.append(("webhooks", .array(ShopifyRecords.withoutFailedFields(n.map(ShopifyRecords.webhook), errs, part: "/webhooks", into: &b))))
            b.source("/webhooks", source + "webhookSubscriptions")
        case .unavailable(let why): b.unavailable("/webhooks", why)
        }
        let at = now()
        switch try run.list("GavelStorefrontTokens", ShopifyQueries.storefrontTokens, ["shop", "storefrontAccessTokens"]) {
        case .nodes(let n, let errs):
            let tokens = n.map { ShopifyRecords.storefrontToken($0, now: at) }
            data.append(("storefront_tokens", .array(ShopifyRecords.withoutFailedFields(tokens, errs, part: "/storefront_tokens", into: &b))))
            b.source("/storefront_tokens", source + "shop.storefrontAccessTokens")
        case .unavailable(let why): b.unavailable("/storefront_tokens", why)
        }
        switch try run.list("GavelCarrierServices", ShopifyQueries.carrierServices, ["carrierServices"]) {
        case .nodes(let n, let errs):
            let services = n.map(ShopifyRecords.carrierService)
            data.append(("carrier_services", .array(ShopifyRecords.withoutFailedFields(services, errs, part: "/carrier_services", into: &b))))
            b.source("/carrier_services", source + "carrierServices")
        case .unavailable(let why): b.unavailable("/carrier_services", why)
        }
        if version < ShopifyAPIVersion("2025-04")! {
            b.unavailable("/privacy", "privacySettings needs API version 2025-04 or later (--api-version)")
        } else {
            let privacy = try client.run("GavelPrivacy", ShopifyQueries.privacy)
            run.keep(privacy.errors)
            if let p = privacy.data?["privacySettings"], p.objectMembers != nil {
                data.append(("privacy", ShopifyRecords.privacy(p)))
                b.source("/privacy", source + "privacySettings")
            } else {
                b.unavailable("/privacy", Run.reason(privacy.errors(under: ["privacySettings"]), "privacySettings"))
            }
        }

        api.append(("served_version", client.servedVersion.map(Value.string) ?? .null))
        data.insert(("api", .object(api)), at: 0)
        data.append(("apps", .object(apps)))
        data.append(("graphql_errors", .array(run.errors.map(\.record))))
        return .object(data)
    }

    enum ListResult { case nodes([Value], rowErrors: [ShopifyRecords.RowError]), unavailable(String) }

    /// Pagination and error bookkeeping of one collection.
    struct Run {
        let client: GraphQLClient
        let pageSize: Int
        private(set) var errors: [GraphQLError] = []

        init(client: GraphQLClient, pageSize: Int) {
            self.client = client
            self.pageSize = pageSize
        }

        mutating func keep(_ es: [GraphQLError]) {
            for e in es where !errors.contains(where: { $0.message == e.message && $0.path == e.path }) { errors.append(e) }
        }

        /// Every node of the connection at `path`, following `pageInfo`; a list is either
        /// whole or unavailable, never a silent first page.
        mutating func list(_ op: String, _ query: String, _ path: [String], variables: [(String, Value)] = []) throws -> ListResult {
            var nodes: [Value] = []
            var rowErrors: [ShopifyRecords.RowError] = []
            var after: Value = .null
            var pages = 0
            while true {
                let r = try client.run(op, query, variables: .object([("first", .integer(pageSize)), ("after", after)] + variables))
                keep(r.errors)
                // Errors inside a node: [...path, "nodes", i, field, ...] -> row nodes.count + i.
                for e in r.errors where e.path.count > path.count + 2 && Array(e.path.prefix(path.count)) == path && e.path[path.count] == "nodes" {
                    if let i = Int(e.path[path.count + 1]) {
                        rowErrors.append(ShopifyRecords.RowError(index: nodes.count + i, field: e.path[path.count + 2], message: e.message))
                    }
                }
                var conn = r.data
                for p in path { conn = conn?[p] }
                guard let conn, conn.objectMembers != nil else {
                    let why = Run.reason(r.errors(under: [path[0]]), path.last!)
                    return .unavailable(pages == 0 ? why : "\(why) (on page \(pages + 1); the pages before it are not kept)")
                }
                nodes += conn["nodes"]?.arrayValue ?? []
                pages += 1
                guard conn["pageInfo"]?["hasNextPage"] == .bool(true) else { return .nodes(nodes, rowErrors: rowErrors) }
                guard let cursor = conn["pageInfo"]?["endCursor"]?.stringValue, pages < 10_000 else {
                    throw Diagnostic(.shopifyResponse, "\(op): hasNextPage without an endCursor")
                }
                after = .string(cursor)
            }
        }

        /// Why a part is missing, in the words a rule's error will show: "needs read_users
        /// (Access denied for staffMembers field. ...)".
        static func reason(_ errors: [GraphQLError], _ field: String) -> String {
            if let e = errors.first(where: { $0.code == "ACCESS_DENIED" }) {
                if let scope = scopeName(in: (e.requiredAccess ?? "") + " " + e.message) {
                    return "needs \(scope) (Shopify: \(e.message))"
                }
                return "access denied (Shopify: \(e.message))"
            }
            if let e = errors.first { return "Shopify returned no \(field): \(e.message)" }
            return "Shopify returned no \(field)"
        }

        static func scopeName(in text: String) -> String? {
            guard let re = try? NSRegularExpression(pattern: "`?((?:read|write|unauthenticated_read|unauthenticated_write)_[a-z_]+)`?") else { return nil }
            let ns = text as NSString
            guard let m = re.firstMatch(in: text, range: NSRange(location: 0, length: ns.length)) else { return nil }
            return ns.substring(with: m.range(at: 1))
        }
    }
}
