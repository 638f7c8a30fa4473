import GavelCore

/// Serialises a `PolicyDiff` as the `gavel: diff/v1` document (docs/RESULTS.md, "The diff
/// document"), with the gate that was applied and whether it tripped.
extension PolicyDiff {
    public func json(gate: Gate, failOn: Severity?) -> String {
        func verdict(_ v: Verdict?) -> Value { v.map { .string($0.rawValue) } ?? .null }
        func side(_ label: String, _ commit: String?, _ d: ResultsDocument) -> Value {
            .object([
                ("policies", .string(label)), ("commit", commit.map { .string($0) } ?? .null),
                ("policy_digest", .string(d.policyDigest)), ("rules", .int(Int64(d.rules.count))),
            ])
        }
        let tripped = self.tripped(gate, atOrAbove: failOn)
        var summary: [(String, Value)] = Kind.allCases.map { ($0.rawValue, .int(Int64(count($0)))) }
        summary += [
            ("regressions", .int(Int64(regressions))), ("unchanged", .int(Int64(unchanged))),
            ("controls_changed", .int(Int64(controls.count))), ("rules_changed", .int(Int64(rules.count))),
        ]
        let doc: Value = .object([
            ("gavel", "diff/v1"),
            ("base", side(baseLabel, baseCommit, base)),
            ("head", side(headLabel, headCommit, head)),
            ("assets", .array(Set(base.assets).union(head.assets).sorted().map { .string($0) })),
            ("summary", .object(summary)),
            (
                "gate",
                .object([
                    ("name", .string(gate.rawValue)), ("fail_on", .string(failOn?.rawValue ?? "none")),
                    ("tripped", .bool(!tripped.verdicts.isEmpty || !tripped.controls.isEmpty || !tripped.rules.isEmpty)),
                ])
            ),
            (
                "rules",
                .array(
                    rules.map { r in
                        .object([("rule", .string(r.rule)), ("title", .string(r.title)), ("changes", .array(r.aspects.map(PolicyDiff.aspectValue)))])
                    })
            ),
            (
                "verdicts",
                .array(
                    verdicts.map { c in
                        var m: [(String, Value)] = [
                            ("rule", .string(c.rule)), ("asset", .string(c.asset)), ("change", .string(c.kind.rawValue)),
                            ("base", verdict(c.base)), ("head", verdict(c.head)), ("severity", .string(c.severity.rawValue)),
                            ("regression", .bool(c.isRegression)),
                        ]
                        if let msg = c.message { m.append(("message", .string(msg))) }
                        if !c.evidence.isEmpty { m.append(("evidence", .array(c.evidence.map(ResultsDocument.evidenceValue)))) }
                        return .object(m)
                    })
            ),
            (
                "controls",
                .array(
                    controls.map { c in
                        .object([
                            ("framework", .string(c.ref.framework)), ("control", .string(c.ref.id)), ("title", .string(c.title)),
                            ("base", verdict(c.base)), ("head", verdict(c.head)),
                            (
                                "assets",
                                .array(
                                    c.assets.map { a in
                                        .object([
                                            ("asset", .string(a.asset)), ("base", verdict(a.base)), ("head", verdict(a.head)),
                                            ("regression", .bool(a.isRegression)),
                                        ])
                                    })
                            ),
                        ])
                    })
            ),
            ("input_errors", .array(head.inputErrors.map(ResultsDocument.inputErrorValue))),
        ])
        return JSONWriter.string(doc, pretty: true) + "\n"
    }

    static func aspectValue(_ a: RuleAspect) -> Value {
        switch a {
        case .added: .object([("change", "added")])
        case .removed: .object([("change", "removed")])
        case .enabled: .object([("change", "enabled")])
        case .disabled(let reason): .object([("change", "disabled"), ("reason", .string(reason))])
        case .severity(let from, let to): .object([("change", "severity"), ("from", .string(from.rawValue)), ("to", .string(to.rawValue))])
        case .controls(let added, let removed):
            .object([("change", "controls"), ("added", .array(added.map { .string($0) })), ("removed", .array(removed.map { .string($0) }))])
        }
    }
}
