import GavelCore
import GavelYAML

extension CompileSession {
    /// `gavel: tailoring/v1`: parameter overrides and disabled rules for one organisation.
    func compileTailoring(_ f: LoadedFile) {
        let m = f.root
        m.allowOnly(["gavel", "params", "disable", "reasons", "description"])
        let qualified = headers.values.flatMap { h in h.params.keys.map { "\(h.id).\($0)" } }
        if let p = m.mapping("params") {
            for pair in p.pairs {
                guard let name = pair.key.scalar?.text else { continue }
                guard let dot = name.lastIndex(of: "."), let header = headers[String(name[..<dot])],
                    let declared = header.params[String(name[name.index(after: dot)...])]
                else {
                    diags.error(
                        .unknownParam, "no policy declares parameter '\(name)' (write POLICY_ID.PARAM)\(Suggest.hint(for: name, in: qualified))",
                        at: pair.key.location)
                    continue
                }
                let value = pair.value.toValue()
                let sameType = value.typeName == declared.value.typeName
                if !sameType {
                    diags.error(
                        .typeMismatch,
                        "parameter '\(name)' is a \(declared.value.typeName) (default \(declared.value.display)), but the override is \(describe(value))",
                        at: pair.value.location)
                    continue
                }
                if let prior = paramOverrides[name] {
                    diags.error(
                        .duplicateKey, "parameter '\(name)' is overridden twice", at: pair.key.location, notes: [.init("first overridden", at: prior.location)])
                    continue
                }
                paramOverrides[name] = (value, pair.value.location)
            }
        }
        var reasons: [String: String] = [:]
        if let r = m.mapping("reasons") {
            for pair in r.pairs {
                guard let rule = pair.key.scalar?.text, let (text, _) = MapReader.text(pair.value, "reason", diags) else { continue }
                reasons[rule] = text
            }
        }
        let disabledNodes = m.list("disable", scalarOK: true) ?? []
        var disabledHere: Set<String> = []
        // Every rule the file names under `disable`, known or not: a reason for one of them is
        // not a second mistake (the unknown rule is reported once).
        var named: Set<String> = []
        for item in disabledNodes {
            guard let (rule, at) = MapReader.text(item, "a rule id", diags) else { continue }
            named.insert(rule)
            guard ruleLocations[rule] != nil else {
                diags.error(.unknownRule, "cannot disable unknown rule '\(rule)'\(Suggest.hint(for: rule, in: ruleLocations.keys))", at: at)
                continue
            }
            guard let reason = reasons[rule], !reason.isEmpty else {
                diags.error(.missingReason, "disabling '\(rule)' needs a reason under 'reasons:'; reports show it to auditors", at: at)
                continue
            }
            disabledHere.insert(rule)
            disabled[rule] = reason
        }
        if let r = m.mapping("reasons") {
            for pair in r.pairs {
                if let rule = pair.key.scalar?.text, !disabledHere.contains(rule), !named.contains(rule) {
                    diags.error(.unknownRule, "a reason is given for '\(rule)', which this file does not disable", at: pair.key.location)
                }
            }
        }
    }
}
