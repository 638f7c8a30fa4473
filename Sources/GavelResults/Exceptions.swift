import GavelCore

/// `gavel: waivers/v1`: a failing rule accepted on some assets, for a reason, by someone,
/// until a day (inclusive, UTC).
public struct Waiver: Sendable {
    public var rule: String
    /// Asset names; `*` in a pattern matches any run of characters (`["*"]` is every asset).
    public var assets: [String]
    public var reason: String
    public var approvedBy: String
    public var expires: Day
    public var location: SourceLocation

    public func covers(asset: String) -> Bool { assets.contains { Waiver.glob($0, asset) } }

    /// `*`-only glob match.
    package static func glob(_ pattern: String, _ s: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 1 { return pattern == s }
        guard s.hasPrefix(parts[0]), s.dropFirst(parts[0].count).hasSuffix(parts.last!),
            s.count >= parts[0].count + parts.last!.count
        else { return false }
        var rest = Substring(s.dropFirst(parts[0].count).dropLast(parts.last!.count))
        for middle in parts.dropFirst().dropLast() where !middle.isEmpty {
            guard let r = rest.range(of: middle) else { return false }
            rest = rest[r.upperBound...]
        }
        return true
    }
    public init(rule: String, assets: [String], reason: String, approvedBy: String, expires: Day, location: SourceLocation) {
        self.rule = rule
        self.assets = assets
        self.reason = reason
        self.approvedBy = approvedBy
        self.expires = expires
        self.location = location
    }
}

/// `gavel: attestations/v1`: a person's signed statement that a control operates, from a
/// day until a day (inclusive, UTC; no end means it does not lapse).
public struct Attestation: Sendable {
    public var control: ControlRef
    public var statement: String
    public var attestedBy: String
    public var date: Day
    public var expires: Day?
    public var evidence: String?
    public var location: SourceLocation
    public init(control: ControlRef, statement: String, attestedBy: String, date: Day, expires: Day?, evidence: String?, location: SourceLocation) {
        self.control = control
        self.statement = statement
        self.attestedBy = attestedBy
        self.date = date
        self.expires = expires
        self.evidence = evidence
        self.location = location
    }
}

/// Whether a waiver or attestation holds on a given day.
public enum ExceptionStatus: String, Sendable {
    /// In force, and not lapsing within the warning window.
    case active
    /// In force, but lapsing within the warning window (`--warn-expiring`).
    case expiring
    case expired
    /// An attestation dated after the day of the run.
    case notYetValid = "not_yet_valid"

    /// `from` (if any) to `until` (if any), both inclusive, on `day`; `expiring` when it
    /// lapses within `window` days (0: never warn).
    public static func of(from: Day? = nil, until: Day?, on day: Day, window: Int) -> ExceptionStatus {
        if let from, day < from { return .notYetValid }
        guard let until else { return .active }
        if until < day { return .expired }
        return window > 0 && day.days(until: until) <= window ? .expiring : .active
    }

    public var inForce: Bool { self == .active || self == .expiring }
}
