import GavelCore

/// The verdict of one rule on one asset, with the evidence behind a fail or error.
public struct RuleOutcome: Sendable {
    public var verdict: Verdict
    public var evidence: [Evidence]
    /// Evidence records left out after the cap.
    public var omitted: Int
    public var message: String?
}

public enum RuleEvaluator {
    /// Evidence kept per rule and asset; the rest is counted in `omitted`.
    public static let evidenceCap = 50

    /// Kinds first (a missing kind is not_applicable), then `when`, then `check`.
    public static func evaluate(_ rule: Rule, on asset: AssetView) -> RuleOutcome {
        evaluate(rule, rule.plan, 0, on: asset)
    }

    /// Every enabled rule of `program` on one asset, in `program.enabledRules` order, as a run
    /// does it: from the program's single plan, so the pass path reads the rules' plans as one
    /// contiguous piece of memory.
    public static func evaluate(_ program: Program, on asset: AssetView) -> [RuleOutcome] {
        let rules = program.enabledRules
        return (0..<rules.count).map { evaluate(rules[$0], program.plan, $0, on: asset) }
    }

    /// `rule` on `asset`, whose pass path is entry `entry` of `plan`.
    private static func evaluate(_ rule: Rule, _ plan: FastPlan, _ entry: Int, on asset: AssetView) -> RuleOutcome {
        let e = plan.entries[entry]
        if e.kinds & ~asset.storage.kinds != 0 {
            return RuleOutcome(verdict: .notApplicable, evidence: [], omitted: 0, message: nil)
        }
        // `plan` and `asset` are parameters, alive for the whole call: the fast evaluator
        // borrows the plan and the asset's storage without reference counting.
        let fast = FastEvaluator(plan: plan, asset: asset)
        if e.when >= 0 {
            switch fast.eval(e.when, nil) {
            case .no: return RuleOutcome(verdict: .notApplicable, evidence: [], omitted: 0, message: nil)
            case .yes: break
            case .unknown:
                var ev = Evaluator(asset: asset)
                var records: [Evaluator.Record]? = []
                _ = ev.eval(rule.when!, &records)
                return outcome(.error, records ?? [], ev, rule, asset, prefix: "applicability ('when') could not be decided: ")
            }
        }
        if fast.eval(e.check, nil) == .yes {
            return RuleOutcome(verdict: .pass, evidence: [], omitted: 0, message: nil)
        }
        var ev = Evaluator(asset: asset)
        var records: [Evaluator.Record]? = []
        let r = ev.eval(rule.check, &records)
        return outcome(r == .no ? .fail : .error, records ?? [], ev, rule, asset, prefix: "")
    }

    private static func outcome(_ verdict: Verdict, _ records: [Evaluator.Record], _ evaluator: Evaluator, _ rule: Rule, _ asset: AssetView,
                                prefix: String) -> RuleOutcome {
        let kept = records.prefix(evidenceCap).map(evaluator.evidence)
        let first = kept.first { $0.result == (verdict == .fail ? .no : .unknown) } ?? kept.first
        var message: String
        if let t = rule.message, verdict == .fail {
            message = t.parts.map { part -> String in
                switch part {
                case .text(let s): return s
                case .value: return first?.observed?.display ?? "(absent)"
                case .path: return first?.path ?? ""
                case .asset: return asset.name
                }
            }.joined()
        } else if let first {
            message = describe(first)
        } else {
            message = rule.title
        }
        message = prefix + message
        return RuleOutcome(verdict: verdict, evidence: kept, omitted: records.count - kept.count, message: message)
    }

    /// "php.ini.expose_php is "On"; expected equals false (as: bool)".
    public static func describe(_ e: Evidence) -> String {
        if e.result == .unknown, let note = e.note { return note }
        let observed = e.observed.map { JSONWriter.string($0) } ?? "absent"
        let conv = e.coercion.map { " (as: \($0))" } ?? ""
        var s = "\(e.path) is \(observed); expected \(e.op) \(JSONWriter.string(e.expected))\(conv)"
        if e.result == .yes {
            // The leaf held, and holding is what the rule forbids (under not/none).
            s = "\(e.path) is \(observed), which the rule forbids (\(e.op) \(JSONWriter.string(e.expected))\(conv))"
        }
        if e.op.hasPrefix("count") { s = "\(e.path): \(e.note ?? observed); expected \(e.op) \(JSONWriter.string(e.expected))" }
        else if let note = e.note { s += " (\(note))" }
        return s
    }
}
