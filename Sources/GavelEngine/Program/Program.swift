import GavelCore
import GavelJSON
import GavelResults

/// The compiled, immutable form of a policy set. Evaluation reads only this and the
/// snapshots: no YAML, no path parsing, no regex compilation.
public final class Program: Sendable {
    public let rules: [Rule]
    public let catalogs: [Catalog]
    public let tests: [PolicyTest]
    /// Waivers (docs/LANGUAGE.md#waivers-and-attestations), in file order.
    public let waivers: [Waiver]
    public let attestations: [Attestation]
    /// Every file that went into the program, with its SHA-256, in sorted path order.
    public let files: [InputFile]
    /// SHA-256 over the sorted (path below the policy folder, file digest) list: changes when
    /// any policy file does, and is the same wherever the folder is checked out.
    public let digest: String
    /// Effective parameter values (`POLICY_ID.PARAM`), after tailoring.
    public let parameters: [(name: String, value: Value)]
    /// Rules switched off by tailoring, with the reason given.
    public let disabled: [(rule: String, reason: String)]
    public let warnings: [Diagnostic]

    init(
        rules: [Rule], catalogs: [Catalog], tests: [PolicyTest], waivers: [Waiver], attestations: [Attestation], files: [InputFile], root: String,
        parameters: [(name: String, value: Value)], disabled: [(rule: String, reason: String)], warnings: [Diagnostic]
    ) {
        self.rules = rules
        enabledRules = rules.filter { $0.disabledReason == nil }
        plan = FlatPlan(enabledRules.map { ($0.kinds, $0.when, $0.check) })
        self.catalogs = catalogs
        self.tests = tests
        self.waivers = waivers
        self.attestations = attestations
        self.files = files
        var h = SHA256()
        let prefix = root.hasSuffix("/") ? root : root + "/"
        for f in files {
            let rel = f.path.hasPrefix(prefix) ? String(f.path.dropFirst(prefix.count)) : String(f.path.split(separator: "/").last ?? "")
            h.update(Array("\(rel)\0\(f.sha256)\n".utf8))
        }
        self.digest = h.finalizeHex()
        self.parameters = parameters
        self.disabled = disabled
        self.warnings = warnings
    }

    /// The rules tailoring left on, in file order: the rules a run evaluates.
    public let enabledRules: [Rule]
    /// The enabled rules' plans in one, in `enabledRules` order (see `RuleEvaluator.evaluate(_:on:)`).
    let plan: FlatPlan

    public func rule(_ id: String) -> Rule? { rules.first { $0.id == id } }

    public func control(_ ref: ControlRef) -> Control? {
        catalogs.first { $0.framework == ref.framework }?.controls.first { $0.id == ref.id }
    }
}
