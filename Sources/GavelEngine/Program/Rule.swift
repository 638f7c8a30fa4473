import GavelCore
import GavelJSON
import GavelResults

public final class Rule: Sendable {
    public let id: String
    public let title: String
    public let severity: Severity
    public let controls: [ControlRef]
    /// Indices into `SnapshotKinds.known`.
    public let kinds: [Int]
    public let when: Cond?
    public let check: Cond
    public let message: MessageTemplate?
    public let remediation: Remediation
    public let policyID: String
    public let location: SourceLocation
    public let disabledReason: String?
    /// The machine fix `gavel fix` writes as a patch (its actions, in order); empty when the
    /// rule declares none.
    public let fix: [MachineFix]
    /// `when` and `check` flattened for the pass path.
    let plan: FlatPlan

    init(
        id: String, title: String, severity: Severity, controls: [ControlRef], kinds: [Int], when: Cond?, check: Cond,
        message: MessageTemplate?, remediation: Remediation, policyID: String, location: SourceLocation, disabledReason: String?,
        fix: [MachineFix] = []
    ) {
        self.fix = fix
        self.id = id
        self.title = title
        self.severity = severity
        self.controls = controls
        self.kinds = kinds
        self.when = when
        self.check = check
        self.message = message
        self.remediation = remediation
        self.policyID = policyID
        self.location = location
        self.disabledReason = disabledReason
        self.plan = FlatPlan([(kinds, when, check)])
    }

    public var kindNames: [String] { kinds.map { SnapshotKinds.name($0) } }
}

/// `message:` split into literal text and `{{value}}` / `{{path}}` / `{{asset}}` holes.
public struct MessageTemplate: Sendable {
    public enum Part: Sendable { case text(String), value, path, asset }
    public var parts: [Part]
}

extension RuleInfo {
    public init(_ r: Rule) {
        self.init(
            id: r.id, title: r.title, severity: r.severity, controls: r.controls, kindNames: r.kindNames, policyID: r.policyID,
            location: r.location, remediation: r.remediation)
    }
}
