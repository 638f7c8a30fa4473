import GavelJSON

/// What the plan's walk over a quantifier's path does with each element it finds.
protocol PlanElementVisitor {
    /// Whether the walk keeps the choice made at each `[*]` (`Pick`) for `visit`.
    static var recordsPicks: Bool { get }
    /// True once the quantifier is decided: the walk stops.
    var stopped: Bool { get }
    /// An element, with the picks that reached it (`picks[0..<depth]`, when recorded).
    mutating func visit(_ node: JSONNode, picks: UnsafeMutablePointer<PlanEvaluator.Pick>?, depth: Int)
    /// An element whose path runs into a part the collector declared unavailable.
    mutating func unreadableElement()
}

extension PlanEvaluator {
    /// Why a quantifier's path has no elements to walk.
    enum Problem { case none, absent, notCollection }

    /// The plan's one walk over a quantifier's path (steps `s..<end` from `node`): `[*]` fans
    /// out over array elements or object values, in document order, and nested `[*]`
    /// flatten. Absent, or a scalar, before the first `[*]` is a problem (the quantifier's
    /// `missing:` or an error decides); after it, elements lacking the rest of the path are
    /// skipped, except that one running into a declared gap is an unreadable element. As
    /// `Evaluator.walk` does on the condition tree, which the agreement tests hold it to.
    func walk<V: PlanElementVisitor>(
        _ node: JSONNode, _ s: Int, _ end: Int, _ seen: Bool, _ picks: UnsafeMutablePointer<Pick>?, _ depth: Int, _ v: inout V
    ) -> Problem {
        if s == end {
            v.visit(node, picks: picks, depth: depth)
            return .none
        }
        let step = plan.steps[s]
        switch step.kind {
        case .key:
            guard let child = key(step, node) else { return absent(node, step, seen, &v) }
            return walk(child, s + 1, end, seen, picks, depth, &v)
        case .index:
            guard let child = node.element(Int(step.offset)) else { return absent(node, step, seen, &v) }
            return walk(child, s + 1, end, seen, picks, depth, &v)
        case .wildcard:
            switch node.type {
            case .array:
                var i = 0
                let n = node.count
                while i < n && !v.stopped {
                    if V.recordsPicks { (picks! + depth).initialize(to: .index(i)) }
                    _ = walk(node.element(i)!, s + 1, end, true, picks, depth + 1, &v)
                    i += 1
                }
            case .object:
                if V.recordsPicks {
                    node.forEachMemberBytes { key, child in
                        (picks! + depth).initialize(to: .member(key))
                        _ = walk(child, s + 1, end, true, picks, depth + 1, &v)
                        return !v.stopped
                    }
                } else {
                    node.forEachValue { child in
                        _ = walk(child, s + 1, end, true, picks, depth + 1, &v)
                        return !v.stopped
                    }
                }
            default:
                return seen ? .none : .notCollection
            }
            return .none
        }
    }

    /// An absent step: a declared gap before the first `[*]` makes the collection unknown, one
    /// after it an unreadable element (as `Evaluator.walk` does).
    private func absent<V: PlanElementVisitor>(_ parent: JSONNode, _ step: FlatPlan.Step, _ seen: Bool, _ v: inout V) -> Problem {
        if asset.hasGaps && isGap(parent, step) {
            if !seen { return .notCollection }
            v.unreadableElement()
        }
        return seen ? .none : .absent
    }
}
