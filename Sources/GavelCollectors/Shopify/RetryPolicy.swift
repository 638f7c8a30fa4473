import Foundation

/// How long to wait before another attempt. Pure arithmetic, so that it can be tested
/// without a network or a clock.
public struct RetryPolicy: Sendable {
    /// Attempts per request, the first included, for 5xx and connection failures.
    public var maxAttempts = 6
    public var baseDelay: TimeInterval = 0.5
    public var maxDelay: TimeInterval = 8
    /// The longest `Retry-After` honoured; a longer one is capped (and the deadline still holds).
    public var maxRetryAfter: TimeInterval = 60

    public init() {}

    /// "Full jitter" exponential backoff: a uniform draw in [0, min(maxDelay, base * 2^(n-1))]
    /// after the n-th failed attempt; `unit` is a draw in [0, 1).
    public func backoff(afterAttempt n: Int, unit: Double) -> TimeInterval {
        let ceiling = min(maxDelay, baseDelay * pow(2, Double(max(0, n - 1))))
        return ceiling * min(max(unit, 0), 1)
    }

    /// The wait an HTTP 429 asks for: `Retry-After` in seconds (an HTTP date is not used by
    /// Shopify and counts as absent), else one second; capped at `maxRetryAfter`.
    public func retryAfter(_ header: String?) -> TimeInterval {
        guard let h = header?.trimmingCharacters(in: .whitespaces), let s = Double(h), s >= 0, s.isFinite else { return 1 }
        return min(s, maxRetryAfter)
    }
}

/// `extensions.cost.throttleStatus` of a GraphQL Admin API response: a leaky bucket of
/// query-cost points per app and store.
public struct ThrottleStatus: Sendable, Equatable {
    public var maximumAvailable: Double
    public var currentlyAvailable: Double
    public var restoreRate: Double

    public init(maximumAvailable: Double, currentlyAvailable: Double, restoreRate: Double) {
        self.maximumAvailable = maximumAvailable
        self.currentlyAvailable = currentlyAvailable
        self.restoreRate = restoreRate
    }

    /// Seconds until the bucket holds `cost` points (0 when it already does), assuming it
    /// refills at `restoreRate` from the moment this status was reported, `elapsed` ago.
    public func wait(for cost: Double, elapsed: TimeInterval = 0) -> TimeInterval {
        let now = min(maximumAvailable, currentlyAvailable + max(0, elapsed) * restoreRate)
        guard cost > now else { return 0 }
        guard restoreRate > 0 else { return .infinity }
        return (min(cost, maximumAvailable) - now) / restoreRate
    }
}
