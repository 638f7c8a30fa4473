import GavelJSON
import GavelResults

/// The elements of a quantifier's path, decided on the flat plan, for evidence.
///
/// Evidence of a failing `every` names the elements that failed, with their concrete paths
/// (`nginx.servers[2].locations[7]`). Walking the tree with those paths spelled out for every
/// element costs more than deciding the elements; here each element is reached keeping only
/// the choice made at each `[*]` (an index, or the bytes of a member's key as the document
/// holds them), and `Evaluator` spells out the paths of just the elements it records.
extension PlanEvaluator {
    /// How an element was reached through one `[*]` of its path.
    enum Pick {
        case index(Int)
        /// An object member, by its key's bytes (valid as long as the document).
        case member(UnsafeBufferPointer<UInt8>)
    }

    /// What `scanElements` found: which truths the elements had, and the elements whose truth
    /// was the one asked for, in document order, each with its picks (`picks[i * wildcards ..<
    /// (i + 1) * wildcards]` for `nodes[i]`).
    struct ElementScan {
        var yes = false, no = false, unknown = false
        var nodes: [JSONNode] = []
        var picks: [Pick] = []

        func saw(_ t: Truth) -> Bool { t == .yes ? yes : t == .no ? no : unknown }
    }

    /// One element of `every` / `some` with `where` node `filter` (-1: none) and `check` node
    /// `check`: nil when `where` leaves it out.
    @inline(__always)
    func element(_ el: JSONNode, filter: Int32, check: Int32) -> Truth? {
        var r: Truth = .yes
        if filter >= 0 { r = eval(filter, el) }
        if r == .no { return nil }
        if r == .yes { r = eval(check, el) }
        return r
    }

    /// Decides each element `q`'s path denotes from `root`, in document order, found as `walk`
    /// and `Evaluator.walk` find them (after a `[*]`, elements lacking the rest of the path are
    /// skipped), and keeps those whose truth is `want`.
    ///
    /// nil, having decided nothing, when the path is absent or meets a scalar before its first
    /// `[*]`: the general path explains those. Only for an asset without declared gaps, which
    /// this does not look for.
    func scanElements(_ root: JSONNode, _ q: FlatPlan.Quant, want: Truth) -> ElementScan? {
        let first = Int(q.path.first)
        var scan = ScanVisitor(evaluator: self, q: q, want: want)
        let problem = withUnsafeTemporaryAllocation(of: Pick.self, capacity: max(Int(q.path.count), 1)) { picks in
            walk(root, first, first + Int(q.path.count), false, picks.baseAddress!, 0, &scan)
        }
        return problem == .none ? scan.scan : nil
    }

    /// Decides every element and keeps those whose truth is `want`, with their picks.
    struct ScanVisitor: PlanElementVisitor {
        let evaluator: PlanEvaluator
        let q: FlatPlan.Quant
        let want: Truth
        var scan = ElementScan()

        static var recordsPicks: Bool { true }
        var stopped: Bool { false }
        mutating func visit(_ node: JSONNode, picks: UnsafeMutablePointer<Pick>?, depth: Int) {
            guard let t = evaluator.element(node, filter: q.filter, check: q.check) else { return }
            switch t {
            case .yes: scan.yes = true
            case .no: scan.no = true
            case .unknown: scan.unknown = true
            }
            if t == want {
                scan.nodes.append(node)
                scan.picks.append(contentsOf: UnsafeBufferPointer(start: picks, count: depth))
            }
        }
        // Only used on assets without declared gaps.
        mutating func unreadableElement() {}
    }
}
