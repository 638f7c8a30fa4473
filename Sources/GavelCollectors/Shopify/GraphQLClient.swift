import Foundation
import GavelCore

/// Sends GraphQL Admin API queries for one store and takes care of what a real store
/// demands: the query-cost bucket, HTTP 429 with `Retry-After`, 5xx and dropped connections
/// (capped, jittered backoff), and a deadline for the whole collection. The token goes in the
/// `X-Shopify-Access-Token` header and nowhere else: no message this type produces contains it.
final class GraphQLClient {
    let url: URL
    private let token: String
    private let transport = HTTPTransport()
    var retry = RetryPolicy()
    var requestTimeout: TimeInterval
    let deadline: Date
    /// Seconds of the whole-collection budget, for messages.
    let budget: TimeInterval

    /// The last bucket state Shopify reported, and when.
    private var bucket: (status: ThrottleStatus, at: Date)?
    /// The requested cost of each operation the last time it ran: the next page costs the same.
    private var costs: [String: Double] = [:]
    /// `X-Shopify-API-Version` of the last response: the version Shopify actually served.
    private(set) var servedVersion: String?

    init(url: URL, token: String, requestTimeout: TimeInterval, totalTimeout: TimeInterval) {
        self.url = url
        self.token = token
        self.requestTimeout = requestTimeout
        self.budget = totalTimeout
        self.deadline = Date().addingTimeInterval(totalTimeout)
    }

    private var remaining: TimeInterval { deadline.timeIntervalSinceNow }

    private func gaveUp(_ why: String) -> Diagnostic {
        Diagnostic(.shopifyTimeout, "gave up on \(url.host ?? "the store") after the collection's \(formatSeconds(budget)) budget (--timeout): \(why)")
    }

    /// Waits `seconds`, or throws when the wait would run past the deadline.
    private func pause(_ seconds: TimeInterval, _ why: String) throws {
        guard seconds > 0 else { return }
        if seconds >= remaining { throw gaveUp(why) }
        Thread.sleep(forTimeInterval: seconds)
    }

    /// Runs `query` (named `operation`) with `variables` and returns the decoded response,
    /// GraphQL errors included; throws only when no usable response came back.
    func run(_ operation: String, _ query: String, variables: Value = .object([Value.Member]())) throws -> GraphQLResponse {
        let body = Data(JSONWriter.string(.object([("query", .string(query)), ("variables", variables)])).utf8)
        var failures = 0
        while true {
            if let (status, at) = bucket, let cost = costs[operation] {
                let w = status.wait(for: cost, elapsed: Date().timeIntervalSince(at))
                try pause(w, "waiting \(formatSeconds(w)) for query-cost budget")
            }
            guard remaining > 0 else { throw gaveUp("no time left for \(operation)") }
            let result = transport.post(
                url,
                headers: [
                    "X-Shopify-Access-Token": token, "Content-Type": "application/json",
                    "Accept": "application/json", "User-Agent": "gavel-collector",
                    // A fresh connection per request: libcurl silently re-sends on a
                    // reused connection that died, and loses the body when it does.
                    "Connection": "close",
                ],
                body: body, timeout: min(requestTimeout, remaining))
            let response: HTTPResponse
            switch result {
            case .failure(let f):
                guard f.retryable else { throw Diagnostic(.shopifyConnection, "\(operation): \(f.message)") }
                try backOff(&failures, "\(operation): \(f.message)")
                continue
            case .success(let r): response = r
            }
            if let v = response.headers["x-shopify-api-version"] { servedVersion = v }
            switch response.status {
            case 200:
                break
            case 429:
                try pause(retry.retryAfter(response.headers["retry-after"]), "\(operation): HTTP 429 Too Many Requests")
                continue
            case 500...599:
                try backOff(&failures, "\(operation): HTTP \(response.status) from Shopify")
                continue
            default:
                throw Diagnostic(.shopifyHttp, "\(operation): \(GraphQLClient.explain(response.status, host: url.host ?? ""))")
            }
            guard let decoded = GraphQLResponse.decode(response.body) else {
                throw Diagnostic(.shopifyResponse, "\(operation): the response is not a GraphQL JSON object")
            }
            if let t = decoded.throttle { bucket = (t, Date()) }
            if let c = decoded.requestedCost { costs[operation] = c }
            if decoded.throttled {
                // THROTTLED: wait until the bucket holds the query's cost, then try again.
                let cost = decoded.requestedCost ?? costs[operation] ?? 1
                let w = max(decoded.throttle?.wait(for: cost) ?? 1, 0.05)
                try pause(w, "\(operation): throttled by Shopify")
                continue
            }
            if let e = decoded.errors.first(where: { $0.code == "MAX_COST_EXCEEDED" }) {
                throw Diagnostic(.shopifyCost, "\(operation): \(e.message) (lower --page-size)")
            }
            return decoded
        }
    }

    /// Counts a transient failure and waits before the next attempt, or gives up.
    private func backOff(_ failures: inout Int, _ what: String) throws {
        failures += 1
        if failures >= retry.maxAttempts { throw Diagnostic(.shopifyUnavailable, "\(what); gave up after \(failures) attempts") }
        try pause(retry.backoff(afterAttempt: failures, unit: Double.random(in: 0..<1)), what)
    }

    static func explain(_ status: Int, host: String) -> String {
        switch status {
        case 401: return "HTTP 401: the access token was rejected (wrong token, or the app was uninstalled)"
        case 402: return "HTTP 402: the store is frozen (unpaid)"
        case 403: return "HTTP 403: the token may not use the Admin API of \(host)"
        case 404: return "HTTP 404: no store or no such API version at \(host)"
        case 423: return "HTTP 423: the store is locked"
        case 300...399: return "HTTP \(status): a redirect, not followed (the access token would go with it); check --shop"
        default: return "HTTP \(status) from \(host)"
        }
    }
}
