import GavelCore
import GavelResults

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
        let fast = PlanEvaluator(plan: rule.plan, asset: asset)
        return finish(rule, quick(fast, rule.plan.entries[0], asset), on: asset)
    }

    /// Every enabled rule of `program` on one asset, in `program.enabledRules` order, as a run
    /// does it: from the program's single plan, so the pass path reads the rules' plans as one
    /// contiguous piece of memory, and touches a `Rule` only for a rule it cannot pass.
    public static func evaluate(_ program: Program, on asset: AssetView) -> [RuleOutcome] {
        // `program` and `asset` are parameters, alive for the whole call: the plan evaluator (PlanEvaluator)
        // borrows the plan and the asset's storage without reference counting.
        let plan = program.plan
        let fast = PlanEvaluator(plan: plan, asset: asset)
        var out: [RuleOutcome] = []
        out.reserveCapacity(plan.entries.count)
        for i in 0..<plan.entries.count {
            switch quick(fast, plan.entries[i], asset) {
            case .notApplicable: out.append(RuleOutcome(verdict: .notApplicable, evidence: [], omitted: 0, message: nil))
            case .pass: out.append(RuleOutcome(verdict: .pass, evidence: [], omitted: 0, message: nil))
            case let q: out.append(finish(program.enabledRules[i], q, on: asset))
            }
        }
        return out
    }

    /// What the pass path decides on its own.
    private enum Quick { case notApplicable, pass, whenUnknown, notPassing }

    @inline(__always)
    private static func quick(_ fast: PlanEvaluator, _ e: FlatPlan.Entry, _ asset: AssetView) -> Quick {
        if e.kinds & ~asset.storage.kinds != 0 { return .notApplicable }
        if e.when >= 0 {
            switch fast.eval(e.when, nil) {
            case .no: return .notApplicable
            case .yes: break
            case .unknown: return .whenUnknown
            }
        }
        return fast.eval(e.check, nil) == .yes ? .pass : .notPassing
    }

    /// The outcome, with evidence from the condition tree when the rule did not pass.
    private static func finish(_ rule: Rule, _ q: Quick, on asset: AssetView) -> RuleOutcome {
        switch q {
        case .notApplicable: return RuleOutcome(verdict: .notApplicable, evidence: [], omitted: 0, message: nil)
        case .pass: return RuleOutcome(verdict: .pass, evidence: [], omitted: 0, message: nil)
        case .whenUnknown:
            var recorder = EvidenceRecorder(asset: asset, plan: rule.plan)
            let (_, records) = recorder.record(rule.when!, node: rule.plan.entries[0].when)
            return outcome(.error, records, recorder, rule, asset, prefix: "applicability ('when') could not be decided: ")
        case .notPassing:
            var recorder = EvidenceRecorder(asset: asset, plan: rule.plan)
            let (r, records) = recorder.record(rule.check, node: rule.plan.entries[0].check)
            return outcome(r == .no ? .fail : .error, records, recorder, rule, asset, prefix: "")
        }
    }

    private static func outcome(
        _ verdict: Verdict, _ records: [Evaluator.Record], _ evaluator: EvidenceRecorder, _ rule: Rule, _ asset: AssetView,
        prefix: String
    ) -> RuleOutcome {
        var kept: [Evidence] = []
        kept.reserveCapacity(min(records.count, evidenceCap))
        for (i, r) in records.prefix(evidenceCap).enumerated() {
            // Parts of one condition often read the same value (six `matches` on
            // disable_functions): its path and provenance are worked out once.
            if i > 0, records[i - 1].names(sameValueAs: r) {
                kept.append(evaluator.evidence(r, at: kept[i - 1]))
            } else {
                kept.append(evaluator.evidence(r))
            }
        }
        let first = kept.first { $0.result == (verdict == .fail ? .no : .unknown) } ?? kept.first
        var message: String
        if let t = rule.message, verdict == .fail {
            var bytes: [UInt8] = []
            for part in t.parts {
                switch part {
                case .text(let s): bytes += s.utf8
                case .value: bytes += (first?.observed?.display ?? "(absent)").utf8
                case .path: bytes += (first?.path ?? "").utf8
                case .asset: bytes += asset.name.utf8
                }
            }
            message = String(decoding: bytes, as: UTF8.self)
        } else if let first {
            message = first.sentence
        } else {
            message = rule.title
        }
        message = prefix + message
        return RuleOutcome(verdict: verdict, evidence: kept, omitted: records.count - kept.count, message: message)
    }

}
