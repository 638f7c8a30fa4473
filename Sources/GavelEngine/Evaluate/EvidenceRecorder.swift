import GavelResults

/// Records why a rule did not pass: evaluates the rule's condition tree (which has the
/// paths, values and provenance evidence needs) following its flat plan node by node, so
/// that the parts of a group and the elements of a quantifier are decided on the plan and
/// only those whose evidence the result keeps are evaluated on the tree. The plan is
/// required: it is the one the pass path already decided the rule on.
struct EvidenceRecorder {
    private(set) var tree: Evaluator

    /// `plan` must outlive the recorder (see `PlanEvaluator`).
    init(asset: AssetView, plan: FlatPlan) { tree = Evaluator(asset: asset, plan: plan) }

    /// The truth of `c`, which is node `node` of the plan (debug builds check that the two
    /// have the same shape), and the records of the leaves that decided it.
    mutating func record(_ c: Cond, node: Int32) -> (Truth, [Evaluator.Record]) {
        precondition(node >= 0, "the evidence recorder follows the plan: give the condition's node")
        var records: [Evaluator.Record]? = Evaluator.Record.buffer()
        let t = tree.eval(c, node, &records)
        return (t, records ?? [])
    }

    func evidence(_ r: Evaluator.Record) -> Evidence { tree.evidence(r) }
    func evidence(_ r: Evaluator.Record, at other: Evidence) -> Evidence { tree.evidence(r, at: other) }
}
