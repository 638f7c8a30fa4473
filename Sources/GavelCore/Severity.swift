/// Rule severity, ordered from least to most severe.
public enum Severity: String, Sendable, CaseIterable, Comparable {
    case info, low, medium, high, critical

    public var rank: Int { Severity.allCases.firstIndex(of: self)! }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// The outcome of one rule on one asset, or of one control.
public enum Verdict: String, Sendable, CaseIterable {
    case pass, fail, error, notApplicable = "not_applicable", waived
}
