import GavelCore
import GavelJSON
import GavelResults

/// `every`, `some` and `count`: the elements a quantifier's path denotes, their truths, and
/// the records of the elements whose truth is the quantifier's result.
extension Evaluator {
    // MARK: Quantifiers

    mutating func quantifier(_ q: Quantifier, _ n: Int32, _ ev: inout [Record]?) -> Truth {
        let collecting = ev != nil
        let quant = planQuant(n)
        let nodes = quant.map { (filter: $0.filter, check: $0.check) }
        func missing(_ problem: CollectionProblem, _ ev: inout [Record]?) -> Truth { self.missing(problem, q, &ev) }
        guard let start = base(q.path) else {
            return missing(CollectionProblem(absent: true, parts: [], kind: baseKind(q.path), observed: nil, note: "missing evidence: no \(q.path.text)"), &ev)
        }
        switch q.kind {
        case .every, .some:
            let all: Bool
            if case .every = q.kind { all = true } else { all = false }
            if collecting {
                if let quant, !asset.storage.hasGaps, let r = planQuantifierEvidence(q, quant, start, all: all, &ev) { return r }
                return quantifierEvidence(q, nodes, start, all: all, &ev)
            }
            let decisive: Truth = all ? .no : .yes
            var unknown = false
            var decided = false
            var gaps: [CollectionProblem] = []
            let problem = Evaluator.walk(start, q.path.steps[...], seenWildcard: false, collecting: false, asset: asset, gaps: &gaps) { el in
                guard let r = elementTruth(q, el, nodes) else { return true }
                if r == decisive { decided = true; return false }
                if r == .unknown { unknown = true }
                return true
            }
            if let problem { return missing(problem, &ev) }
            // An element whose path runs into an unreadable part is an unknown element.
            return decided ? decisive : (unknown || !gaps.isEmpty) ? .unknown : decisive.negated
        case .count(let test):
            var n = 0
            var errors: [Record] = []
            var unknown = false
            var undecided = 0
            var gaps: [CollectionProblem] = []
            let filterNode = nodes?.filter ?? -1
            let problem = Evaluator.walk(start, q.path.steps[...], seenWildcard: false, collecting: collecting, asset: asset, gaps: &gaps) { el in
                guard let f = q.filter else { n += 1; return true }
                // Decided on the plan when there is one; only an element whose `where` errs
                // is evaluated on the tree, for the records of why.
                if let fast, filterNode >= 0 {
                    let r = fast.eval(filterNode, el.node)
                    if r == .yes { n += 1 }
                    guard r == .unknown else { return true }
                }
                let outer = frame
                frame = el
                defer { frame = outer }
                var sub: [Record]? = collecting ? [] : nil
                let r = eval(f, filterNode, &sub)
                if r == .yes { n += 1 } else if r == .unknown { unknown = true; undecided += 1; errors += sub ?? [] }
                return true
            }
            if let problem { return missing(problem, &ev) }
            if !gaps.isEmpty { unknown = true; errors += collecting ? gaps.map { gapRecord($0, q) } : [] }
            let result: Truth = unknown ? .unknown : (test.holds(Double(n)) ? .yes : .no)
            if collecting {
                let (prefix, kind) = elementPlace(q.path)
                ev!.append(
                    Record(
                        prefix: prefix, tail: q.path.tail, kind: kind, observed: .int(Int64(n)), op: "count \(test.relation.rawValue)",
                        expected: number(test.operand),
                        coercion: nil, result: result, note: countNote(n, filtered: q.filter != nil, undecided: undecided + gaps.count)))
                ev!.append(contentsOf: errors)
            }
            return result
        }
    }

    /// One element of `every` / `some`, without evidence: nil when `where` leaves it out.
    /// `nodes` are the quantifier's nodes in the rule's flat plan, when there is one.
    mutating func elementTruth(_ q: Quantifier, _ el: Frame, _ nodes: (filter: Int32, check: Int32)?) -> Truth? {
        if let fast, let nodes { return fast.element(el.node, filter: nodes.filter, check: nodes.check) }
        let outer = frame
        frame = el
        defer { frame = outer }
        var none: [Record]? = nil
        var r: Truth = .yes
        if let f = q.filter { r = eval(f, -1, &none) }
        if r == .no { return nil }
        if r == .yes { r = eval(q.check!, -1, &none) }
        return r
    }

    /// Quantifier node `n` of the plan (its path, `where` and `check` nodes), if it is known.
    func planQuant(_ n: Int32) -> FlatPlan.Quant? {
        guard n >= 0, let plan = fast?.plan else { return nil }
        return plan.quants[Int(plan.nodes[Int(n)].a)]
    }

    /// A quantifier's collection is absent (`missing:` decides) or not a collection (unknown).
    func missing(_ problem: CollectionProblem, _ q: Quantifier, _ ev: inout [Record]?) -> Truth {
        let r: Truth = problem.absent ? (q.missing == .pass ? .yes : q.missing == .fail ? .no : .unknown) : .unknown
        if ev != nil {
            ev!.append(
                record(
                    problem.parts, problem.kind, observed: problem.observed, op: quantifierName(q), expected: quantifierOperand(q),
                    coercion: nil, result: r, note: problem.note))
        }
        return r
    }

    /// `every` / `some` with evidence. Each element is first decided without evidence (on the
    /// flat plan when there is one); only the elements whose truth is the quantifier's result
    /// are evaluated again to record why, which is the evidence the result keeps. An `every`
    /// that fails on 2 of 48 locations builds the paths and records of those 2, not of all 48.
    ///
    /// An element that decides the quantifier (a failing one under `every`, a passing one
    /// under `some`) is recorded as it is met: once one is met, the result is decided. Only
    /// when none is met are the kept elements found in a second walk.
    mutating func quantifierEvidence(
        _ q: Quantifier, _ nodes: (filter: Int32, check: Int32)?, _ start: Frame, all: Bool,
        _ ev: inout [Record]?
    ) -> Truth {
        let decisive: Truth = all ? .no : .yes
        var seen = (decisive: false, unknown: false, other: false)
        var gaps: [CollectionProblem] = []
        let problem = Evaluator.walk(start, q.path.steps[...], seenWildcard: false, collecting: true, asset: asset, gaps: &gaps) { el in
            // nil: left out by `where`.
            let t = elementTruth(q, el, nodes)
            if t == decisive {
                seen.decisive = true
                recordElement(q, nodes, el, &ev)
            } else if t == .unknown {
                seen.unknown = true
            } else if t != nil {
                seen.other = true
            }
            return true
        }
        if let problem { return missing(problem, q, &ev) }
        // An element whose path runs into an unreadable part is an unknown element (as
        // `fold` over the elements' truths and one `.unknown` per gap).
        let result: Truth = seen.decisive ? decisive : (seen.unknown || !gaps.isEmpty) ? .unknown : decisive.negated
        if result != decisive && (result == .unknown ? seen.unknown : seen.other) {
            // Each element decided again (as cheap as reading it back from a list kept on
            // the first walk, which would cost an allocation on every walk).
            var again: [CollectionProblem] = []
            _ = Evaluator.walk(start, q.path.steps[...], seenWildcard: false, collecting: true, asset: asset, gaps: &again) { el in
                if elementTruth(q, el, nodes) == result { recordElement(q, nodes, el, &ev) }
                return true
            }
        }
        if result == .unknown { for g in gaps { ev!.append(gapRecord(g, q)) } }
        return result
    }

    /// `quantifierEvidence` on the flat plan, for an asset without declared gaps: the same
    /// elements recorded in the same order, but decided and found by
    /// `PlanEvaluator.scanElements`, so that only the elements recorded have their concrete
    /// paths spelled out. nil, having recorded nothing, when the path is absent or not a
    /// collection before its first `[*]` (the general `quantifierEvidence` explains that).
    mutating func planQuantifierEvidence(_ q: Quantifier, _ quant: FlatPlan.Quant, _ start: Frame, all: Bool, _ ev: inout [Record]?) -> Truth? {
        let fast = fast!
        let decisive: Truth = all ? .no : .yes
        guard var scan = fast.scanElements(start.node, quant, want: decisive) else { return nil }
        let result: Truth = scan.saw(decisive) ? decisive : scan.unknown ? .unknown : decisive.negated
        if result != decisive {
            guard scan.saw(result) else { return result }
            scan = fast.scanElements(start.node, quant, want: result)!
        }
        let wildcards = scan.nodes.isEmpty ? 0 : scan.picks.count / scan.nodes.count
        let nodes = (filter: quant.filter, check: quant.check)
        for (i, el) in scan.nodes.enumerated() {
            let picks = scan.picks[i * wildcards..<(i + 1) * wildcards]
            recordElement(q, nodes, Frame(node: el, kind: start.kind, parts: parts(start, q.path, picks)), &ev)
        }
        return result
    }

    /// The concrete path of an element of `path` reached from `start` by `picks`: what
    /// `Evaluator.walk` builds as it goes.
    func parts(_ start: Frame, _ path: CompiledPath, _ picks: ArraySlice<PlanEvaluator.Pick>) -> [PathPart] {
        var parts = start.parts
        parts.reserveCapacity(parts.count + path.steps.count)
        var w = picks.startIndex
        for step in path.steps {
            switch step {
            case .key(let k): parts.append(.key(k.text))
            case .index(let i): parts.append(.index(i))
            case .wildcard:
                switch picks[w] {
                case .index(let i): parts.append(.index(i))
                case .member(let key): parts.append(.key(String(decoding: key, as: UTF8.self)))
                }
                w += 1
            }
        }
        return parts
    }

    /// The records of one element of `every` / `some`: its `where` when that did not hold,
    /// else its `check`.
    mutating func recordElement(_ q: Quantifier, _ nodes: (filter: Int32, check: Int32)?, _ el: Frame, _ ev: inout [Record]?) {
        let outer = frame
        frame = el
        defer { frame = outer }
        if let nodes, let fast {
            // `where` decided on the plan: the records of whichever part decided the element
            // go straight into `ev`.
            if let f = q.filter, fast.eval(nodes.filter, el.node) != .yes {
                _ = eval(f, nodes.filter, &ev)
            } else {
                _ = eval(q.check!, nodes.check, &ev)
            }
            return
        }
        var sub: [Record]? = []
        var again: Truth = .yes
        if let f = q.filter { again = eval(f, &sub) }
        if again == .yes { sub = []; again = eval(q.check!, &sub) }
        ev!.append(contentsOf: sub ?? [])
    }

    /// "3 element(s) match 'where'", and when some could not be decided, how many: a count
    /// that errs says why rather than giving a number that looks final.
    func countNote(_ n: Int, filtered: Bool, undecided: Int) -> String {
        let counted = filtered ? "\(n) element(s) match 'where'" : "\(n) element(s)"
        guard undecided > 0 else { return counted }
        return "count unknown: \(counted), and for \(undecided) more it could not be decided"
    }

    func gapRecord(_ p: CollectionProblem, _ q: Quantifier) -> Record {
        record(p.parts, p.kind, observed: nil, op: quantifierName(q), expected: quantifierOperand(q), coercion: nil, result: .unknown, note: p.note)
    }

    func quantifierName(_ q: Quantifier) -> String {
        switch q.kind {
        case .every: return "every"
        case .some: return "some"
        case .count(let t): return "count \(t.relation.rawValue)"
        }
    }

    func quantifierOperand(_ q: Quantifier) -> Value {
        if case .count(let t) = q.kind { return number(t.operand) }
        return .null
    }

    func number(_ d: Double) -> Value { d == d.rounded() && abs(d) < 1e15 ? .int(Int64(d)) : .double(d) }

    struct CollectionProblem: Error {
        var absent: Bool
        var parts: [PathPart]
        var kind: Int?
        var observed: Value?
        var note: String
    }

    /// Visits the elements a quantifier path denotes, in document order; `[*]` fans out over
    /// array elements or object values, and nested `[*]` flatten. `visit` returns false to
    /// stop early. Returns a problem when the path is absent before its first `[*]`, or a
    /// `[*]` there meets a scalar; after a `[*]`, elements lacking the rest are skipped, except
    /// that one running into a part the collector declared unavailable goes to `gaps`.
    static func walk(
        _ f: Frame, _ steps: ArraySlice<CompiledPath.Step>, seenWildcard: Bool, collecting: Bool, asset: AssetView,
        gaps: inout [CollectionProblem], _ visit: (Frame) -> Bool
    ) -> CollectionProblem? {
        var stopped = false
        var trail = f.parts
        if collecting { trail.reserveCapacity(trail.count + steps.count) }
        return walk(f.node, f.kind, &trail, steps, seenWildcard, collecting, asset, &gaps, &stopped, visit)
    }

    /// The evidence note for a part the collector declared unavailable.
    static func notCollectable(_ gap: AssetView.Gap) -> String {
        "not collectable: \(gap.reason) (\(gap.pointer))"
    }

    /// `trail` is the concrete path to `node` when collecting. It is extended and cut back in
    /// place, and each element visited gets it as its parts: an element the visitor does not
    /// keep costs no copy of its path.
    static func walk(
        _ node: JSONNode, _ kind: Int, _ trail: inout [PathPart], _ steps: ArraySlice<CompiledPath.Step>, _ seen: Bool,
        _ collecting: Bool, _ asset: AssetView, _ gaps: inout [CollectionProblem], _ stopped: inout Bool,
        _ visit: (Frame) -> Bool
    ) -> CollectionProblem? {
        guard let step = steps.first else {
            if !visit(Frame(node: node, kind: kind, parts: collecting ? trail : [])) { stopped = true }
            return nil
        }
        let rest = steps.dropFirst()
        func absent(_ part: PathPart, _ trail: [PathPart]) -> CollectionProblem? {
            let token: String
            switch part {
            case .key(let k): token = k;
            case .index(let i): token = String(i)
            }
            if let gap = asset.gap(under: node, token) {
                let p = CollectionProblem(absent: false, parts: trail + [part], kind: kind, observed: nil, note: notCollectable(gap))
                if !seen { return p }
                gaps.append(p)
                return nil
            }
            if seen { return nil }
            let parts = trail + [part]
            return CollectionProblem(
                absent: true, parts: parts, kind: kind, observed: nil,
                note: "missing evidence: \(display(parts, kind)) is absent")
        }
        func down(_ child: JSONNode, _ part: @autoclosure () -> PathPart, _ seen: Bool, _ stopped: inout Bool) -> CollectionProblem? {
            if collecting { trail.append(part()) }
            defer { if collecting { trail.removeLast() } }
            return walk(child, kind, &trail, rest, seen, collecting, asset, &gaps, &stopped, visit)
        }
        switch step {
        case .key(let k):
            guard let n = node.member(k) else { return absent(.key(k.text), trail) }
            return down(n, .key(k.text), seen, &stopped)
        case .index(let i):
            guard let n = node.element(i) else { return absent(.index(i), trail) }
            return down(n, .index(i), seen, &stopped)
        case .wildcard:
            switch node.type {
            case .array:
                for i in 0..<node.count where !stopped {
                    if let p = down(node.element(i)!, .index(i), true, &stopped) { return p }
                }
            case .object:
                var problem: CollectionProblem?
                var stop = stopped
                node.forEachMember(until: { stop }) { key, value in
                    problem = down(value, .key(key()), true, &stop)
                    if problem != nil { stop = true }
                }
                stopped = stop
                return problem
            default:
                if seen { return nil }
                let v = node.toValue()
                return CollectionProblem(
                    absent: false, parts: trail, kind: kind, observed: v,
                    note: "\(display(trail, kind)) is \(v.typeName), not an array or object")
            }
            return nil
        }
    }

    func baseKind(_ path: CompiledPath) -> Int? {
        switch path.base {
        case .kind(let k): return k
        case .element: return frame?.kind
        }
    }

    func base(_ path: CompiledPath) -> Frame? {
        switch path.base {
        case .kind(let k):
            guard k < asset.roots.count, let n = asset.roots[k] else { return nil }
            return Frame(node: n, kind: k, parts: [])
        case .element:
            return frame
        }
    }
}
