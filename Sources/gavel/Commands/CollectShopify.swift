import ArgumentParser
import Foundation
import GavelCollectors
import GavelCore

struct CollectShopify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shopify",
        abstract:
            "Snapshot a Shopify store's security settings through the GraphQL Admin API: plan, staff, apps and their scopes, webhooks, storefront tokens, customer accounts.",
        discussion: """
            The Admin API access token comes from the SHOPIFY_ADMIN_TOKEN environment variable or \
            from --token-file, and is sent only in the X-Shopify-Access-Token header: it is never \
            printed, logged or written. Parts the token may not read (staff needs read_users on a \
            Plus or Advanced store; other apps need read_apps) are recorded as unavailable, and \
            rules reading them give error. See docs/snapshots/shopify.md for each query and scope.

            Example:
              SHOPIFY_ADMIN_TOKEN=... gavel collect shopify --asset telehealth-store \\
                  --shop telehealth-store.myshopify.com \\
                  -o Snapshots/telehealth-store/shopify.json
            """
    )

    @OptionGroup var out: CollectOutput

    @Option(help: "The store's permanent domain, STORE.myshopify.com.")
    var shop: String

    @Option(name: .customLong("token-file"), help: "Read the Admin API access token from this file instead of $SHOPIFY_ADMIN_TOKEN.")
    var tokenFile: String?

    @Option(
        name: .customLong("api-version"),
        help: "The Admin API version to request (default: \(ShopifyCollector.pinnedAPIVersion), the version Gavel is tested against).")
    var apiVersion = ShopifyCollector.pinnedAPIVersion

    @Option(help: "Send requests to scheme://host[:port] instead of https://SHOP (a proxy; plain http only to loopback).")
    var endpoint: String?

    @Option(name: .customLong("page-size"), help: "Items per page of each list (1-250).")
    var pageSize = 50

    @Option(name: .customLong("connect-timeout"), help: "Seconds to wait for the TCP connection.")
    var connectTimeout: Double = 10

    @Option(name: .customLong("request-timeout"), help: "Seconds to wait for one response.")
    var requestTimeout: Double = 30

    @Option(help: "Seconds for the whole collection, retries and throttling waits included.")
    var timeout: Double = 300

    @Option(name: .customLong("max-attempts"), help: "Attempts per request on 5xx answers and dropped connections.")
    var maxAttempts = 6

    func validate() throws {
        guard ShopifyCollector.normalizedShop(shop) != nil else {
            throw ValidationError("--shop \(shop) is not a STORE.myshopify.com domain (use the permanent domain, not a custom one)")
        }
        guard (1...250).contains(pageSize) else { throw ValidationError("--page-size must be between 1 and 250 (Shopify's page limit)") }
        guard connectTimeout > 0, requestTimeout > 0, timeout > 0 else { throw ValidationError("timeouts must be positive numbers of seconds") }
        guard maxAttempts >= 1 else { throw ValidationError("--max-attempts must be at least 1") }
        var probe = ShopifyCollector(shop: ShopifyCollector.normalizedShop(shop)!, token: "")
        probe.apiVersion = apiVersion
        probe.endpoint = endpoint
        do { _ = try probe.endpointURL() } catch let e as Diagnostic { throw ValidationError(e.message) }
    }

    /// The token, from --token-file or the environment; never echoed.
    private func readToken() throws -> String {
        if let tokenFile {
            var token = ""
            try collecting { token = try ShopifyCollector.token(fromFile: tokenFile) }
            return token
        }
        let t = (ProcessInfo.processInfo.environment["SHOPIFY_ADMIN_TOKEN"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !t.isEmpty else {
            throw CommandFailure.usage(.shopifyToken, "no access token: set SHOPIFY_ADMIN_TOKEN or give --token-file").prefixed("gavel collect shopify: ")
        }
        return t
    }

    func run() throws {
        let token = try readToken()
        try collecting {
            var b = SnapshotBuilder(asset: out.asset, kind: "shopify")
            var c = ShopifyCollector(shop: ShopifyCollector.normalizedShop(shop)!, token: token)
            c.apiVersion = apiVersion
            c.endpoint = endpoint
            c.pageSize = pageSize
            c.connectTimeout = connectTimeout
            c.requestTimeout = requestTimeout
            c.totalTimeout = timeout
            c.retry.maxAttempts = maxAttempts
            let data = try c.collect(into: &b)
            try out.write(b, data)
        }
    }
}
