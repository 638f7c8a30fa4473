import GavelCore
import GavelResults

extension ControlCoverage {
    public init(program: Program, asOf: Day) {
        var rulesByControl: [ControlRef: [String]] = [:]
        for r in program.enabledRules { for c in r.controls { rulesByControl[c, default: []].append(r.id) } }
        var attested: [ControlRef: Attestation] = [:]
        for a in program.attestations where ExceptionStatus.of(from: a.date, until: a.expires, on: asOf, window: 0).inForce {
            if let prior = attested[a.control], (prior.expires ?? Day(ordinal: .max)) >= (a.expires ?? Day(ordinal: .max)) { continue }
            attested[a.control] = a
        }
        let frameworks = program.catalogs.map { cat in
            Framework(
                framework: cat.framework, title: cat.title,
                controls: cat.controls.map { c in
                    let ref = ControlRef(framework: cat.framework, id: c.id)
                    let rules = rulesByControl[ref] ?? []
                    let kind: Kind = c.manual ? .manual : rules.isEmpty ? .neither : .automated
                    return Entry(ref: ref, title: c.title, kind: kind, rules: c.manual ? [] : rules, attestation: c.manual ? attested[ref] : nil)
                }.sorted { $0.ref < $1.ref })
        }
        self.init(asOf: asOf, frameworks: frameworks)
    }
}
