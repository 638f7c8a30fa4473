import GavelResults

/// The condition tree evaluated alone, without a plan: the plainest reading of the
/// language's rules, kept as the oracle the agreement tests hold the flat plan and the
/// evidence recorder to (the same truth values, the same records in the same order). A run
/// never uses it: rules are decided on the plan, and their evidence recorded by
/// `EvidenceRecorder`.
struct ReferenceEvaluator {
    private(set) var tree: Evaluator

    init(asset: AssetView) { tree = Evaluator(asset: asset, plan: nil) }

    /// The truth of `c`, short-circuiting and recording nothing.
    mutating func eval(_ c: Cond) -> Truth {
        var none: [Evaluator.Record]? = nil
        return tree.eval(c, -1, &none)
    }

    /// The truth of `c` and the records of every leaf that decided it.
    mutating func record(_ c: Cond) -> (Truth, [Evaluator.Record]) {
        var records: [Evaluator.Record]? = []
        let t = tree.eval(c, -1, &records)
        return (t, records ?? [])
    }

    func evidence(_ r: Evaluator.Record) -> Evidence { tree.evidence(r) }
}
