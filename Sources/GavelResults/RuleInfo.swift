import GavelCore

/// What a report says about a rule: everything but its check. A results document carries
/// these, so it can be read back (`gavel report`, `gavel history`) without the policy set.
public struct RuleInfo: Sendable {
    public var id: String
    public var title: String
    public var severity: Severity
    public var controls: [ControlRef]
    public var kindNames: [String]
    public var policyID: String
    public var location: SourceLocation
    public var remediation: Remediation

    public init(
        id: String, title: String, severity: Severity, controls: [ControlRef], kindNames: [String], policyID: String,
        location: SourceLocation, remediation: Remediation
    ) {
        self.id = id
        self.title = title
        self.severity = severity
        self.controls = controls
        self.kindNames = kindNames
        self.policyID = policyID
        self.location = location
        self.remediation = remediation
    }
}

/// How to fix a failing rule, in words.
public struct Remediation: Sendable {
    public var summary: String?
    public var fix: String?
    public var references: [String]
    public init(summary: String?, fix: String?, references: [String]) {
        self.summary = summary
        self.fix = fix
        self.references = references
    }
}
